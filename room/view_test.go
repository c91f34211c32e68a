package room

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/classroom-debate/debate/roles"
)

func TestRedaction(t *testing.T) {
	r := classRoom(t, CreateParams{})
	r.advance(1) // vote
	dec := r.curYear().Decisions[0]
	r.do(pl("a"), "vote", map[string]string{"decision": dec.ID, "option": dec.Options[1].ID})
	act := r.actionFor("a")
	if act != "" {
		r.do(pl("a"), "act", map[string]string{"action": act})
	}
	r.do(pl("b"), "vote", map[string]any{"decision": dec.ID, "abstain": true})

	// The event stream: others get stubs with the same sequence numbers.
	for _, e := range r.log {
		secret := e.Type == EvVoteCast || e.Type == EvActionTaken || e.Type == EvRoomCreated
		var ref PlayerRef
		_ = json.Unmarshal(e.Data, &ref)
		for _, a := range []Audience{{Kind: Projector}, {Kind: Player, PlayerID: "a"}, {Kind: Player, PlayerID: "b"}, {Kind: Teacher}} {
			got := Redact(e, a)
			if got.Seq != e.Seq {
				t.Fatalf("redaction changed seq")
			}
			mayRead := !secret || a.Kind == Teacher || (a.Kind == Player && a.PlayerID == ref.PlayerID)
			if mayRead && got.Type != e.Type {
				t.Errorf("%s %d hidden from %v", e.Type, e.Seq, a)
			}
			if !mayRead && (got.Type != RedactedType || got.Data != nil || got.By != nil || got.Cmd != "") {
				t.Errorf("%s %d leaks to %v: %+v", e.Type, e.Seq, a, got)
			}
		}
	}

	// Snapshots.
	va := r.s.View(pl("a"))
	if va.Me == nil || va.Me.ID != "a" || va.Me.Role != roles.Peasant || va.Me.Region == "" || va.Me.Votes[dec.ID].Option != dec.Options[1].ID || va.Me.Action != act {
		t.Errorf("a's own view: %+v", va.Me)
	}
	if len(va.Me.ActionsOpen) == 0 && act != "" {
		t.Error("a sees no actions open")
	}
	if va.Votes != nil || va.Actions != nil {
		t.Error("a player's view has the staff's vote table")
	}
	if va.Current == nil || len(va.Current.Decisions) == 0 || va.Current.Year != 1928 {
		t.Errorf("a's year info: %+v", va.Current)
	}
	vb := r.s.View(pl("b"))
	if _, ok := vb.Me.Votes[dec.ID]; !ok || len(vb.Me.Votes) != 1 || vb.Me.Action != "" {
		t.Errorf("b's view: %+v", vb.Me)
	}
	vp := r.s.View(projector)
	if vp.Me != nil || vp.Votes != nil || vp.Actions != nil {
		t.Error("the projector sees votes or a player's own view")
	}
	for name, v := range map[string]View{"b": vb, "projector": vp} {
		b, _ := json.Marshal(v)
		if strings.Contains(string(b), `"playerId":"a"`) {
			t.Errorf("%s's view leaks a's vote or action: %s", name, b)
		}
		if act != "" && strings.Contains(string(b), `"action":"`+act) {
			t.Errorf("%s's view leaks a's action", name)
		}
	}
	vt := r.s.View(coteacher)
	if vt.As != Teacher || vt.Votes["a"][dec.ID].Option != dec.Options[1].ID || !vt.Votes["b"][dec.ID].Abstain || (act != "" && vt.Actions["a"] != act) {
		t.Errorf("the co-teacher's view misses votes or actions: %+v %+v", vt.Votes, vt.Actions)
	}

	// After closing: tallies are public, individual votes are not in them, and the
	// teacher still has them.
	evs := r.do(teacher, "advance", nil)
	for _, e := range evs {
		if strings.Contains(string(e.Data), `"playerId"`) && e.Type == EvVotesClosed {
			t.Error("votesClosed names voters")
		}
	}
	if b, _ := json.Marshal(r.s.View(projector)); strings.Contains(string(b), `"playerId":"a","decision"`) {
		t.Error("projector sees an individual vote after closing")
	}
	if vt := r.s.View(teacher); vt.Votes["a"] == nil {
		t.Error("the teacher lost the individual votes at resolution")
	}
	if vp := r.s.View(projector); len(vp.Results) != 1 || len(vp.Results[0].Tallies) == 0 {
		t.Error("the projector does not see the tallies")
	}
	checkReplay(t, r)
}

func TestViewBasics(t *testing.T) {
	r := newRoom(t, CreateParams{})
	v := r.s.View(projector)
	if v.Phase != Lobby || v.Current != nil || v.Scenario.Hash == "" || len(v.Years) != 7 || v.As != Projector {
		t.Errorf("lobby view %+v", v)
	}
	r.join("a", "Ada")
	r.do(teacher, "start", nil)
	v = r.s.View(pl("a"))
	if v.Current == nil || v.Current.Title == "" || v.Deadline == nil || v.Players[0].Nickname != "Ada" {
		t.Errorf("briefing view %+v", v)
	}
	// Every view encodes to JSON.
	for _, p := range []Principal{teacher, projector, pl("a"), pl("nobody")} {
		if _, err := json.Marshal(r.s.View(p)); err != nil {
			t.Errorf("view of %s: %v", p.Key(), err)
		}
	}
}
