package room

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/fault"
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

// Famine deaths are never a live scoreboard: players' and the projector's snapshots and
// yearResolved events carry no death figures at all (not even a zero), staff keep them,
// and withholding them never touches the room's own state.
func TestDeathFiguresStayWithStaff(t *testing.T) {
	r := newRoom(t, CreateParams{Settings: Settings{PlayedYears: []int{1928}}})
	r.join("a", "Ada")
	r.toPhase(Resolution) // 1928, then every later year stepped on to the debrief
	r.advance(1)
	if r.s.Phase() != Debrief {
		t.Fatalf("phase %s, want the debrief", r.s.Phase())
	}
	worst := 0.0
	for _, res := range r.s.c.Results {
		worst = max(worst, res.Outcome.FamineDeathsM)
	}
	if worst == 0 {
		t.Fatal("history's path has no famine deaths: the test proves nothing")
	}
	deathKeys := []string{`"famineDeathsM"`, `"famineDeathsByRegionM"`, `"settlerDeathsK"`}
	carries := func(b []byte) []string {
		var found []string
		for _, k := range deathKeys {
			if bytes.Contains(b, []byte(k)) {
				found = append(found, k)
			}
		}
		return found
	}

	for _, p := range []Principal{pl("a"), projector} {
		b, err := json.Marshal(r.s.View(p))
		if err != nil {
			t.Fatal(err)
		}
		if k := carries(b); k != nil {
			t.Errorf("%s's snapshot carries %v", p.Key(), k)
		}
		var v struct {
			Results []struct {
				Outcome struct {
					GrainHarvestMt float64
					ByRegion       map[string]struct{ GrainHarvestMt float64 }
				}
			}
		}
		if json.Unmarshal(b, &v) != nil || len(v.Results) != 7 || v.Results[4].Outcome.GrainHarvestMt == 0 || v.Results[4].Outcome.ByRegion["ukraine"].GrainHarvestMt == 0 {
			t.Errorf("%s's snapshot lost the other figures: %.300s", p.Key(), b)
		}
	}
	for _, p := range []Principal{teacher, coteacher} {
		b, _ := json.Marshal(r.s.View(p))
		if k := carries(b); len(k) != len(deathKeys) {
			t.Errorf("%s's snapshot has only %v", p.Key(), k)
		}
	}
	after := 0.0
	for _, res := range r.s.c.Results {
		after = max(after, res.Outcome.FamineDeathsM, res.Outcome.ByRegion[economy.Ukraine].FamineDeathsM)
	}
	if after < worst {
		t.Error("withholding the figures changed the room's state")
	}

	resolved := eventsOf(r.log, EvYearResolved)
	if len(resolved) != 7 {
		t.Fatalf("%d yearResolved events", len(resolved))
	}
	for _, e := range resolved {
		if k := carries(e.Data); len(k) != len(deathKeys) {
			t.Fatalf("the stored event lacks %v", k)
		}
		for _, a := range []Audience{{Kind: Player, PlayerID: "a"}, {Kind: Projector}} {
			got := Redact(e, a)
			var d YearResolvedData
			if got.Type != EvYearResolved || json.Unmarshal(got.Data, &d) != nil || d.Outcome.GrainHarvestMt == 0 || d.Year == 0 {
				t.Errorf("%v receives %d as %s %.200s", a, e.Seq, got.Type, got.Data)
			}
			if k := carries(got.Data); k != nil {
				t.Errorf("%v receives yearResolved %d with %v", a, d.Year, k)
			}
			if FormFor(e, VisibilityOf(e), a) != Public {
				t.Errorf("%v's form of yearResolved", a)
			}
		}
		if got := Redact(e, Audience{Kind: Teacher}); !bytes.Equal(got.Data, e.Data) {
			t.Error("staff receive yearResolved changed")
		}
	}
	checkReplay(t, r)
}

// A player's briefing of the year in play: built from their own path, with the graphic
// material only as the caller says, and unchanged while the year's outcome is shown.
func TestBriefingOfTheYearInPlay(t *testing.T) {
	r := newRoom(t, CreateParams{})
	r.join("p", "Pia")
	r.do(teacher, "assignRole", map[string]string{"playerId": "p", "role": roles.Peasant})
	if _, err := r.s.Briefing("p", false); fault.CodeOf(err) != fault.NotFound {
		t.Errorf("a briefing in the lobby: %v", err)
	}
	r.do(teacher, "start", nil)
	b, err := r.s.Briefing("p", false)
	if err != nil || b.Year != 1928 || b.Role != roles.Peasant || len(b.Paragraphs) == 0 {
		t.Fatalf("1928 briefing %+v, %v", b, err)
	}
	if _, err := r.s.Briefing("nobody", false); fault.CodeOf(err) != fault.NotFound {
		t.Errorf("an unknown player's briefing: %v", err)
	}
	r.toPhase(Resolution)
	again, err := r.s.Briefing("p", false)
	if err != nil || again.Year != 1928 || !slices.Equal(paragraphs(again), paragraphs(b)) {
		t.Errorf("the 1928 briefing changed when 1928 resolved: %v", err)
	}
	r.toPhase(Briefing)
	next, err := r.s.Briefing("p", false)
	if err != nil || next.Year != 1929 || next.Path.First || next.Path.Harvest == "" {
		t.Errorf("1929 briefing %+v, %v", next.Path, err)
	}
}

func paragraphs(b roles.Brief) []string {
	var out []string
	for _, p := range b.Paragraphs {
		out = append(out, p.Text)
	}
	return out
}
