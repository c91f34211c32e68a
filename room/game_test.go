package room

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/roles"
)

// A whole game: five players and a Historian play every year through timers and the
// teacher's buttons, argue, mark, vote and act, and reach the debrief.
func TestFullGame(t *testing.T) {
	r := newRoom(t, CreateParams{Seed: 42, Settings: Settings{Timers: Timers{Briefing: 60, Debate: 120, Vote: 60, Resolution: 30}}})
	ids := []string{"a", "b", "c", "d", "e", "h"}
	for i, id := range ids {
		r.join(id, fmt.Sprintf("Student %d", i+1))
	}
	r.do(teacher, "assignRole", map[string]string{"playerId": "h", "role": roles.Historian})
	kulak := ""
	for _, id := range ids {
		if r.s.c.Players[id].Role == roles.Kulak {
			kulak = id
		}
	}
	r.do(teacher, "start", nil)
	sc := r.s.Scenario()
	settledIn := 0
	for year := sc.FirstYear(); year <= sc.LastYear(); year++ {
		if r.s.Year() != year || r.s.Phase() != Briefing {
			t.Fatalf("expected %d briefing, at %d %s", year, r.s.Year(), r.s.Phase())
		}
		// Briefing and debate close by their timers.
		r.fireTimer()
		dec := r.curYear().Decisions
		arg := r.argue("a", fmt.Sprintf("In %d we should go gently.", year))
		r.do(pl("b"), "mark", map[string]string{"argumentId": arg})
		r.fireTimer()
		if r.s.Phase() != Vote {
			t.Fatalf("%d: phase %s, want vote", year, r.s.Phase())
		}
		for i, id := range ids[:5] {
			for _, d := range dec {
				r.do(pl(id), "vote", map[string]string{"decision": d.ID, "option": d.Options[i%len(d.Options)].ID})
			}
			if act := r.actionFor(id); act != "" {
				r.do(pl(id), "act", map[string]string{"action": act})
			}
		}
		// The vote closes on the teacher's button.
		r.do(teacher, "advance", nil)
		if r.s.Phase() != Resolution || len(r.s.c.Results) != year-sc.FirstYear()+1 {
			t.Fatalf("%d: resolution missing", year)
		}
		if settledIn == 0 && r.s.c.Players[kulak].Fate == roles.Settler {
			settledIn = year
		}
		r.fireTimer()
	}
	if r.s.Phase() != Debrief {
		t.Fatalf("ended in %s", r.s.Phase())
	}
	if _, ok := r.s.NextDeadline(); ok {
		t.Error("a timer runs in the debrief")
	}
	rec := r.s.Record()
	if len(rec.Years) != len(sc.Years) || rec.Scenario != sc.ID || rec.ScenarioHash != sc.Hash() || rec.Seed != 42 {
		t.Errorf("record: %d years, %+v", len(rec.Years), rec)
	}
	for _, res := range r.s.Results() {
		if res.Stepped || res.Outcome.Year != res.Year || len(res.Tallies) == 0 {
			t.Errorf("year %d result: stepped=%v outcome year %d tallies %d", res.Year, res.Stepped, res.Outcome.Year, len(res.Tallies))
		}
	}
	// The model replays the room's exported record to the same outcomes.
	outs, err := sc.Run(rec)
	if err != nil {
		t.Fatal(err)
	}
	for i, out := range outs {
		a, _ := json.Marshal(out)
		b, _ := json.Marshal(r.s.c.Results[i].Outcome)
		if !bytes.Equal(a, b) {
			t.Errorf("year %d: outcome differs on replay", out.Year)
		}
	}
	if dekulakisationYear(sc) != 0 && settledIn != dekulakisationYear(sc) {
		t.Errorf("the labelled household became a settler in %d, want %d", settledIn, dekulakisationYear(sc))
	}
	checkReplay(t, r)
}

// fireTimer submits the engine's tick once the deadline has come.
func (r *testRoom) fireTimer() {
	r.t.Helper()
	dl, ok := r.s.NextDeadline()
	if !ok {
		r.t.Fatalf("no timer in %s", r.s.Phase())
	}
	r.now = dl.Add(time.Millisecond)
	tick := TickCommand(r.s)
	evs, err := Decide(r.s, tick, r.now)
	if err != nil || len(evs) == 0 {
		r.t.Fatalf("tick in %s: %v %v", r.s.Phase(), evs, err)
	}
	r.apply(evs...)
}

func dekulakisationYear(sc *economy.Scenario) int {
	for _, y := range sc.Years {
		for _, d := range y.Directives {
			if d.ID == roles.DekulakisationDirective {
				return y.Year
			}
		}
	}
	return 0
}

// checkReplay folds the room's log into a fresh state and compares everything.
func checkReplay(t *testing.T, r *testRoom) {
	t.Helper()
	fresh := NewState()
	for _, e := range r.log {
		if err := Apply(fresh, e); err != nil {
			t.Fatalf("replay: %v", err)
		}
	}
	if !bytes.Equal(stateJSON(t, fresh), stateJSON(t, r.s)) {
		t.Error("replayed state differs")
	}
	viewers := []Principal{teacher, coteacher, projector}
	for _, id := range r.s.c.Order {
		viewers = append(viewers, pl(id))
	}
	for _, p := range viewers {
		if viewJSON(t, fresh, p) != viewJSON(t, r.s, p) {
			t.Errorf("replayed view of %s differs", p.Key())
		}
	}
}

func TestPlayedYears(t *testing.T) {
	r := newRoom(t, CreateParams{Settings: Settings{PlayedYears: []int{1930, 1932}}})
	r.join("a", "Ada")
	evs := r.do(teacher, "start", nil)
	if got := types(evs); len(got) != 5 || got[1] != EvYearResolved || got[3] != EvYearResolved || got[4] != EvPhaseChanged {
		t.Fatalf("start with 1928–29 stepped: %v", got)
	}
	evs = eventsOf(evs, EvYearResolved)
	var d YearResolvedData
	mustDecode(t, evs[0], &d)
	hist := r.s.Scenario().HistoricalChoices(1928)
	if !d.Stepped || d.Year != 1928 || d.Choices.Decisions[r.s.Scenario().Years[0].Decisions[0].ID] != hist.Decisions[r.s.Scenario().Years[0].Decisions[0].ID] {
		t.Errorf("stepped 1928: %+v", d)
	}
	if r.s.Year() != 1930 || r.s.Phase() != Briefing {
		t.Fatalf("at %d %s", r.s.Year(), r.s.Phase())
	}
	r.toPhase(Resolution)
	evs = r.do(teacher, "advance", nil)
	if got := types(evs); len(got) != 3 || got[0] != EvYearActions || got[1] != EvYearResolved || r.s.Year() != 1932 {
		t.Fatalf("after 1930: %v, year %d", got, r.s.Year())
	}
	r.toPhase(Resolution)
	evs = r.do(teacher, "advance", nil)
	if got := types(evs); len(got) != 5 || got[4] != EvPhaseChanged || r.s.Phase() != Debrief || r.s.Year() != 1934 {
		t.Fatalf("after 1932: %v, %s %d", got, r.s.Phase(), r.s.Year())
	}
	if n := len(r.s.Record().Years); n != 7 {
		t.Errorf("record has %d years", n)
	}
	for _, res := range r.s.Results() {
		played := res.Year == 1930 || res.Year == 1932
		if res.Stepped == played {
			t.Errorf("year %d stepped=%v", res.Year, res.Stepped)
		}
	}
	checkReplay(t, r)
}

func TestFates(t *testing.T) {
	sc := economy.Default()
	dy := dekulakisationYear(sc)
	if dy == 0 {
		t.Fatalf("the scenario has no %q directive", roles.DekulakisationDirective)
	}
	for _, tc := range []struct {
		name string
		mode economy.Mode
		off  bool
		want string
	}{
		{"historical", economy.Historical, false, roles.Settler},
		{"counterfactual, directive off", economy.Counterfactual, true, roles.Free},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRoom(t, CreateParams{Mode: tc.mode, Settings: Settings{PlayedYears: []int{dy, dy + 1}}})
			r.join("a", "Ada")
			r.do(teacher, "assignRole", map[string]string{"playerId": "a", "role": roles.Kulak})
			if tc.off {
				r.do(teacher, "setDirective", map[string]any{"directive": roles.DekulakisationDirective, "on": false})
			}
			r.do(teacher, "start", nil)
			if v := r.s.View(pl("a")); v.Current == nil || !hasDirective(v.Current, roles.DekulakisationDirective, !tc.off) {
				t.Errorf("the briefing does not show the directive in force=%v", !tc.off)
			}
			r.toPhase(Resolution)
			if got := r.s.c.Players["a"].Fate; got != tc.want {
				t.Fatalf("fate %q, want %q", got, tc.want)
			}
			r.advance(3) // next year's vote
			open := r.s.View(pl("a")).Me.ActionsOpen
			for _, a := range open {
				for _, ya := range r.curYear().Actions {
					if ya.ID == a.ID && ya.Requires != "" && ya.Requires != tc.want {
						t.Errorf("action %s (requires %s) open to a %s", a.ID, ya.Requires, tc.want)
					}
				}
			}
		})
	}
}

func hasDirective(y *YearInfo, id string, inForce bool) bool {
	for _, d := range y.Directives {
		if d.ID == id {
			return d.InForce == inForce
		}
	}
	return false
}
