package room

import (
	"strings"
	"testing"

	"github.com/classroom-debate/debate/fault"
)

func TestRubricCommand(t *testing.T) {
	r := classRoom(t, CreateParams{})
	if got := r.s.View(teacher).Rubric; len(got) != len(DefaultRubric) || got[0] != DefaultRubric[0] {
		t.Fatalf("staff view starts with the default rubric, got %+v", got)
	}
	for _, p := range []Principal{projector, pl("a")} {
		if v := r.s.View(p); v.Rubric != nil || v.Assessments != nil {
			t.Errorf("%s sees the rubric or scores", p.Key())
		}
	}
	crit := func(id, label string, max int) map[string]any {
		return map[string]any{"id": id, "label": label, "max": max}
	}
	for _, c := range []struct {
		name string
		data any
		code fault.Code
	}{
		{"no criteria", map[string]any{"criteria": []any{}}, fault.Invalid},
		{"bad id", map[string]any{"criteria": []any{crit("Evidence", "Evidence", 4)}}, fault.Invalid},
		{"duplicate", map[string]any{"criteria": []any{crit("e", "Evidence", 4), crit("e", "Again", 4)}}, fault.Invalid},
		{"empty label", map[string]any{"criteria": []any{crit("e", "  ", 4)}}, fault.Invalid},
		{"long label", map[string]any{"criteria": []any{crit("e", strings.Repeat("x", MaxCriterionLbl+1), 4)}}, fault.TooLarge},
		{"line break", map[string]any{"criteria": []any{crit("e", "Use of\nevidence", 4)}}, fault.Invalid},
		{"zero max", map[string]any{"criteria": []any{crit("e", "Evidence", 0)}}, fault.Invalid},
		{"huge max", map[string]any{"criteria": []any{crit("e", "Evidence", MaxCriterionMax+1)}}, fault.Invalid},
		{"malformed", `{"criteria":7}`, fault.Malformed},
	} {
		t.Run(c.name, func(t *testing.T) { r.refuse(teacher, "rubric", c.data, c.code) })
	}
	r.refuse(pl("a"), "rubric", map[string]any{"criteria": []any{crit("e", "Evidence", 4)}}, fault.Forbidden)
	r.refuse(projector, "rubric", map[string]any{"criteria": []any{crit("e", "Evidence", 4)}}, fault.Forbidden)

	evs := r.do(coteacher, "rubric", map[string]any{"criteria": []any{crit("sources", " Sources ", 5), crit("care", "Care", 3)}})
	if evs[0].Type != EvRubricSet || VisibilityOf(evs[0]).Public || !VisibilityOf(evs[0]).Staff {
		t.Fatalf("rubricSet should be staff only: %+v", VisibilityOf(evs[0]))
	}
	if stub := Redact(evs[0], Audience{Kind: Player, PlayerID: "a"}); stub.Type != RedactedType || stub.Data != nil {
		t.Errorf("a player receives %+v", stub)
	}
	got := r.s.Rubric()
	if len(got) != 2 || got[0] != (Criterion{ID: "sources", Label: "Sources", Max: 5}) {
		t.Errorf("rubric after change: %+v", got)
	}
	checkReplay(t, r)
}

func TestAssessCommand(t *testing.T) {
	r := classRoom(t, CreateParams{})
	arg := r.argue("a", "A fair price would bring the grain to market.")
	score := func(n int) *int { return &n }
	for _, c := range []struct {
		name string
		data map[string]any
		code fault.Code
	}{
		{"no target", map[string]any{"criterion": "evidence", "score": 2}, fault.Invalid},
		{"two targets", map[string]any{"playerId": "a", "argumentId": arg, "criterion": "evidence", "score": 2}, fault.Invalid},
		{"unknown player", map[string]any{"playerId": "zz", "criterion": "evidence", "score": 2}, fault.NotFound},
		{"unknown post", map[string]any{"argumentId": "a999", "criterion": "evidence", "score": 2}, fault.NotFound},
		{"unknown criterion", map[string]any{"playerId": "a", "criterion": "speed", "score": 2}, fault.NotFound},
		{"no score", map[string]any{"playerId": "a", "criterion": "evidence"}, fault.Invalid},
		{"too high", map[string]any{"playerId": "a", "criterion": "evidence", "score": 5}, fault.Invalid},
		{"negative", map[string]any{"playerId": "a", "criterion": "evidence", "score": -1}, fault.Invalid},
		{"long note", map[string]any{"playerId": "a", "criterion": "evidence", "score": 1, "note": strings.Repeat("n", MaxAssessNote+1)}, fault.TooLarge},
		{"clear nothing", map[string]any{"playerId": "a", "criterion": "evidence", "clear": true}, fault.Conflict},
	} {
		t.Run(c.name, func(t *testing.T) { r.refuse(teacher, "assess", c.data, c.code) })
	}
	r.refuse(pl("b"), "assess", map[string]any{"playerId": "a", "criterion": "evidence", "score": 4}, fault.Forbidden)

	// A post's score names its author; a later score on the same target and criterion
	// replaces the earlier one.
	evs := r.do(teacher, "assess", map[string]any{"argumentId": arg, "criterion": "evidence", "score": score(3), "note": " Cites the price card. "})
	if v := VisibilityOf(evs[0]); v.Public || v.Projector || v.Sees(Audience{Kind: Player, PlayerID: "a"}) {
		t.Errorf("assessed must be staff only, even for the student assessed: %+v", v)
	}
	r.do(teacher, "assess", map[string]any{"playerId": "a", "criterion": "care", "score": 2})
	r.do(coteacher, "assess", map[string]any{"argumentId": arg, "criterion": "evidence", "score": 4})
	as := r.s.Assessments()
	if len(as) != 2 {
		t.Fatalf("assessments: %+v", as)
	}
	if a := as[0]; a.PlayerID != "a" || a.ArgumentID != arg || a.Score != 4 || a.Note != "" {
		t.Errorf("replaced post score: %+v", a)
	}
	if a := as[1]; a.PlayerID != "a" || a.ArgumentID != "" || a.Criterion != "care" || a.Score != 2 {
		t.Errorf("student score: %+v", a)
	}
	if v := r.s.View(teacher); len(v.Assessments) != 2 {
		t.Errorf("staff view holds %d scores", len(v.Assessments))
	}
	if v := r.s.View(pl("a")); v.Assessments != nil {
		t.Error("a student sees the teacher's scores in the live view")
	}
	r.do(teacher, "assess", map[string]any{"playerId": "a", "criterion": "care", "clear": true})
	if as := r.s.Assessments(); len(as) != 1 || as[0].Criterion != "evidence" {
		t.Errorf("after clear: %+v", as)
	}

	// Teachers assess after the game too, and a rubric change only limits new scores.
	r.do(teacher, "end", nil)
	r.do(teacher, "assess", map[string]any{"playerId": "b", "criterion": "reasoning", "score": 1, "note": "Listened well."})
	r.do(teacher, "rubric", map[string]any{"criteria": []any{map[string]any{"id": "reasoning", "label": "Reasoning", "max": 10}}})
	r.refuse(teacher, "assess", map[string]any{"playerId": "b", "criterion": "evidence", "score": 1}, fault.NotFound)
	r.do(teacher, "assess", map[string]any{"playerId": "b", "criterion": "reasoning", "score": 9})
	if as := r.s.Assessments(); len(as) != 2 || as[1].Score != 9 || as[1].Note != "" {
		t.Errorf("after the rubric change: %+v", as)
	}
	checkReplay(t, r)
}
