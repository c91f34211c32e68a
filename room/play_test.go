package room

import (
	"strings"
	"testing"

	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/roles"
)

// classRoom returns a room with five players (peasant a, official b, kulak c,
// Bukharinite d, peasant e) in the debate phase of 1928.
func classRoom(t *testing.T, p CreateParams) *testRoom {
	t.Helper()
	r := newRoom(t, p)
	for i, nick := range []string{"Anya", "Boris", "Chen", "Dana", "Emil"} {
		r.join(string(rune('a'+i)), nick)
	}
	r.do(teacher, "start", nil)
	r.advance(1)
	if r.s.Phase() != Debate {
		t.Fatalf("phase %s", r.s.Phase())
	}
	return r
}

func (r *testRoom) argue(id string, text string) string {
	r.t.Helper()
	d := r.curYear().Decisions[0]
	evs := r.do(pl(id), "argue", map[string]string{"text": text, "decision": d.ID, "option": d.Options[0].ID, "evidence": "harvest-1928"})
	var pd PostData
	mustDecode(r.t, evs[0], &pd)
	return pd.ID
}

func TestArgue(t *testing.T) {
	r := classRoom(t, CreateParams{})
	d := r.curYear().Decisions[0]
	ok := map[string]string{"text": "Grain prices are too low to sell.", "decision": d.ID, "option": d.Options[0].ID}
	evs := r.do(pl("a"), "argue", ok)
	var pd PostData
	mustDecode(t, evs[0], &pd)
	if pd.PlayerID != "a" || pd.Nickname != "Anya" || pd.Role != roles.Peasant || pd.Year != 1928 || pd.Held || pd.ID == "" {
		t.Errorf("argument %+v", pd)
	}
	if !VisibilityOf(evs[0]).Public {
		t.Error("an argument is public when posts are not held")
	}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for kk, vv := range ok {
			m[kk] = vv
		}
		m[k] = v
		return m
	}
	tests := []struct {
		name string
		d    any
		code fault.Code
	}{
		{"empty", with("text", "  "), fault.Invalid},
		{"too long", with("text", strings.Repeat("x", 601)), fault.TooLarge},
		{"control char", with("text", "a\u0000b"), fault.Invalid},
		{"no stance", with("option", ""), fault.Invalid},
		{"unknown decision", with("decision", "nope"), fault.NotFound},
		{"unknown option", with("option", "nope"), fault.NotFound},
		{"long evidence", with("evidence", strings.Repeat("e", 65)), fault.TooLarge},
		{"malformed", `{"text":5}`, fault.Malformed},
		{"made-up evidence", with("evidence", "I made this up"), fault.NotFound},
		{"misspelt field", with("evidnce", "harvest-1928"), fault.Malformed},
		{"trailing data", `{"text":"Grain prices are too low to sell."} {}`, fault.Malformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { r.refuse(pl("b"), "argue", tt.d, tt.code) })
	}
	// 600 runes with line breaks is fine.
	r.do(pl("b"), "argue", with("text", strings.Repeat("я", 299)+"\n\n"+strings.Repeat("я", 299)))
	r.advance(1) // vote
	r.refuse(pl("a"), "argue", ok, fault.WrongPhase)
}

func TestReplyAndMarks(t *testing.T) {
	r := classRoom(t, CreateParams{})
	arg := r.argue("a", "Keep the market.")
	evs := r.do(pl("b"), "reply", map[string]string{"argumentId": arg, "text": "The towns are hungry."})
	var rd PostData
	mustDecode(t, evs[0], &rd)
	if rd.Parent != arg || rd.PlayerID != "b" {
		t.Errorf("reply %+v", rd)
	}
	r.refuse(pl("b"), "reply", map[string]string{"argumentId": "a999", "text": "x"}, fault.NotFound)
	r.refuse(pl("b"), "reply", map[string]string{"argumentId": rd.ID, "text": "replies to replies are not threads"}, fault.NotFound)
	r.refuse(pl("b"), "reply", map[string]string{"argumentId": arg, "text": ""}, fault.Invalid)

	r.do(pl("b"), "mark", map[string]string{"argumentId": arg})
	r.refuse(pl("b"), "mark", map[string]string{"argumentId": arg}, fault.Conflict)
	r.refuse(pl("a"), "mark", map[string]string{"argumentId": arg}, fault.Forbidden) // one's own
	r.refuse(pl("c"), "unmark", map[string]string{"argumentId": arg}, fault.Conflict)
	r.refuse(pl("c"), "mark", map[string]string{"argumentId": "nope"}, fault.NotFound)
	r.do(pl("c"), "mark", map[string]string{"argumentId": arg})
	if v := r.s.View(pl("c")); v.Arguments[0].Marks != 2 || !v.Arguments[0].MarkedByMe || len(v.Arguments[0].Replies) != 1 {
		t.Errorf("view of c: %+v", v.Arguments[0])
	}
	if v := r.s.View(pl("d")); v.Arguments[0].MarkedByMe || v.Arguments[0].MarkedBy != nil {
		t.Error("d sees marks it did not give, or who gave them")
	}
	if v := r.s.View(teacher); len(v.Arguments[0].MarkedBy) != 2 {
		t.Errorf("teacher sees markedBy %v", v.Arguments[0].MarkedBy)
	}
	// Marks can be withdrawn, and given again.
	r.do(pl("c"), "unmark", map[string]string{"argumentId": arg})
	r.do(pl("c"), "mark", map[string]string{"argumentId": arg})
	// Marks and replies still work in the vote, not after.
	r.advance(1)
	r.do(pl("d"), "mark", map[string]string{"argumentId": arg})
	r.do(pl("d"), "reply", map[string]string{"argumentId": arg, "text": "Agreed."})
	r.advance(1) // resolution
	r.refuse(pl("e"), "mark", map[string]string{"argumentId": arg}, fault.WrongPhase)
	r.refuse(pl("e"), "reply", map[string]string{"argumentId": arg, "text": "late"}, fault.WrongPhase)
	if n := len(r.s.c.Posts[arg].Marks); n != 3 {
		t.Errorf("marks %d, want 3", n)
	}
}

func TestVoteCommand(t *testing.T) {
	r := classRoom(t, CreateParams{})
	d := r.curYear().Decisions[0]
	r.refuse(pl("a"), "vote", map[string]string{"decision": d.ID, "option": d.Options[0].ID}, fault.WrongPhase)
	r.advance(1)
	r.do(pl("a"), "vote", map[string]string{"decision": d.ID, "option": d.Options[0].ID})
	// Changeable until close: the last counts.
	evs := r.do(pl("a"), "vote", map[string]any{"decision": d.ID, "option": d.Options[1].ID})
	if v := VisibilityOf(evs[0]); v.Public || v.Projector || !v.Staff || len(v.Players) != 1 || v.Players[0] != "a" {
		t.Errorf("vote visibility %+v", v)
	}
	if got := r.s.c.Votes["a"][d.ID].Option; got != d.Options[1].ID {
		t.Errorf("last vote %q", got)
	}
	r.do(pl("b"), "vote", map[string]any{"decision": d.ID, "abstain": true})
	tests := []struct {
		name string
		d    any
		code fault.Code
	}{
		{"both option and abstain", map[string]any{"decision": d.ID, "option": d.Options[0].ID, "abstain": true}, fault.Invalid},
		{"neither", map[string]any{"decision": d.ID}, fault.Invalid},
		{"unknown decision", map[string]any{"decision": "x", "option": d.Options[0].ID}, fault.NotFound},
		{"unknown option", map[string]any{"decision": d.ID, "option": "x"}, fault.NotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { r.refuse(pl("c"), "vote", tt.d, tt.code) })
	}
	r.do(teacher, "assignRole", map[string]string{"playerId": "e", "role": roles.Historian})
	r.refuse(pl("e"), "vote", map[string]string{"decision": d.ID, "option": d.Options[0].ID}, fault.Forbidden)
	r.refuse(pl("e"), "act", map[string]string{"action": "anything"}, fault.Forbidden)
}

func TestActCommand(t *testing.T) {
	r := classRoom(t, CreateParams{})
	act := r.actionFor("a")
	if act == "" {
		t.Fatal("no peasant action in the first year")
	}
	r.refuse(pl("a"), "act", map[string]string{"action": act}, fault.WrongPhase)
	r.advance(1)
	evs := r.do(pl("a"), "act", map[string]string{"action": act})
	if v := VisibilityOf(evs[0]); v.Public || v.Projector || len(v.Players) != 1 || v.Players[0] != "a" {
		t.Errorf("action visibility %+v", v)
	}
	if r.s.c.Actions["a"] != act {
		t.Error("action not recorded")
	}
	// An official cannot take a peasant's action.
	r.refuse(pl("b"), "act", map[string]string{"action": act}, fault.Forbidden)
	r.refuse(pl("b"), "act", map[string]string{"action": "no-such-action"}, fault.NotFound)
	// A later act replaces it; an empty one withdraws it.
	r.do(pl("a"), "act", map[string]string{"action": ""})
	if _, ok := r.s.c.Actions["a"]; ok {
		t.Error("action not withdrawn")
	}
	r.refuse(pl("a"), "act", map[string]string{"action": ""}, fault.Conflict)
	// Requires is checked against the fate: find an action requiring a fate the player lacks.
	for _, a := range r.curYear().Actions {
		for _, id := range []string{"a", "b", "c", "d", "e"} {
			p := r.s.c.Players[id]
			if f, _ := roles.Faction(p.Role); f == a.Faction && a.Requires != "" && a.Requires != p.Fate {
				r.refuse(pl(id), "act", map[string]string{"action": a.ID}, fault.Forbidden)
			}
		}
	}
}
