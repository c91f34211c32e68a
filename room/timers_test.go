package room

import (
	"testing"
	"time"

	"github.com/classroom-debate/debate/fault"
)

func deadline(t *testing.T, s *State) time.Time {
	t.Helper()
	d, ok := s.NextDeadline()
	if !ok {
		t.Fatal("no running timer")
	}
	return d
}

func TestTickFiresOnce(t *testing.T) {
	r := newRoom(t, CreateParams{Settings: Settings{Timers: Timers{Briefing: 60, Debate: 120}}})
	r.join("a", "Ada")
	r.do(teacher, "start", nil)
	if r.s.Phase() != Briefing || r.s.Year() != 1928 {
		t.Fatalf("start: %s %d", r.s.Phase(), r.s.Year())
	}
	dl := deadline(t, r.s)
	if !dl.Equal(t0.Add(60 * time.Second)) {
		t.Fatalf("briefing deadline %v", dl)
	}
	tick := TickCommand(r.s)
	if tick.By.Kind != System || tick.Type != "tick" {
		t.Fatalf("tick command %+v", tick)
	}

	// Early: nothing.
	r.now = dl.Add(-time.Second)
	if evs, err := Decide(r.s, tick, r.now); err != nil || len(evs) != 0 {
		t.Fatalf("early tick: %v %v", evs, err)
	}
	// On time: the phase closes.
	r.now = dl
	evs, err := Decide(r.s, tick, r.now)
	if err != nil || len(evs) != 1 || evs[0].Type != EvPhaseChanged || evs[0].Cmd != tick.ID {
		t.Fatalf("tick: %v %v", types(evs), err)
	}
	r.apply(evs...)
	if r.s.Phase() != Debate || !deadline(t, r.s).Equal(dl.Add(120*time.Second)) {
		t.Fatalf("after tick: %s %v", r.s.Phase(), r.s.c.Deadline)
	}
	// The same tick again (another instance racing): already processed, and stale anyway.
	if _, ok := r.s.Processed(sys, tick.ID); !ok {
		t.Error("tick not remembered")
	}
	r.now = dl.Add(time.Minute)
	if evs, err := Decide(r.s, tick, r.now); err != nil || len(evs) != 0 {
		t.Fatalf("stale tick fired again: %v %v", types(evs), err)
	}
	// A new tick carries the new deadline and a new id.
	if next := TickCommand(r.s); next.ID == tick.ID {
		t.Error("tick ids must differ per deadline")
	}
}

func TestPauseResumeExtend(t *testing.T) {
	r := newRoom(t, CreateParams{Settings: Settings{Timers: Timers{Briefing: 100}}})
	r.join("a", "Ada")
	r.refuse(teacher, "pause", nil, fault.WrongPhase) // lobby: no timer
	r.refuse(teacher, "extend", map[string]int{"seconds": 10}, fault.WrongPhase)
	r.do(teacher, "start", nil)
	r.refuse(teacher, "resume", nil, fault.Conflict)

	r.now = t0.Add(30 * time.Second)
	r.do(teacher, "pause", nil)
	if _, ok := r.s.NextDeadline(); ok {
		t.Error("a paused timer has a deadline")
	}
	if r.s.c.Remaining != 70*time.Second {
		t.Errorf("remaining %v, want 70s", r.s.c.Remaining)
	}
	if v := r.s.View(pl("a")); !v.Paused || v.RemainingMs != 70000 || v.Deadline != nil {
		t.Errorf("view while paused: %+v", v)
	}
	r.refuse(teacher, "pause", nil, fault.Conflict)
	// A tick for the old deadline does nothing while paused.
	old := Command{ID: "old", Type: "tick", By: sys, Data: data(tickData{Deadline: t0.Add(100 * time.Second)})}
	if evs, _ := Decide(r.s, old, t0.Add(200*time.Second)); len(evs) != 0 {
		t.Error("tick fired while paused")
	}
	// Extending while paused adds to the remaining time.
	r.do(teacher, "extend", map[string]int{"seconds": 20})
	if r.s.c.Remaining != 90*time.Second {
		t.Errorf("remaining after extend %v, want 90s", r.s.c.Remaining)
	}
	r.now = t0.Add(10 * time.Minute)
	r.do(teacher, "resume", nil)
	if got := deadline(t, r.s); !got.Equal(r.now.Add(90 * time.Second)) {
		t.Errorf("deadline after resume %v, want now+90s", got)
	}
	// Extending a running timer moves the deadline.
	r.do(coteacher, "extend", map[string]int{"seconds": 60})
	if got := deadline(t, r.s); !got.Equal(r.now.Add(150 * time.Second)) {
		t.Errorf("deadline after extend %v, want now+150s", got)
	}
	// Extending after the deadline passed (tick not yet in) counts from now.
	r.now = r.now.Add(200 * time.Second)
	r.do(teacher, "extend", map[string]int{"seconds": 30})
	if got := deadline(t, r.s); !got.Equal(r.now.Add(30 * time.Second)) {
		t.Errorf("late extend %v, want now+30s", got)
	}
	for _, secs := range []int{0, -5, MaxExtendSeconds + 1} {
		r.refuse(teacher, "extend", map[string]int{"seconds": secs}, fault.Invalid)
	}
	r.refuse(teacher, "extend", `{"seconds":"ten"}`, fault.Malformed)
	// Advancing a paused phase starts the next one running.
	r.do(teacher, "pause", nil)
	r.do(teacher, "advance", nil)
	if r.s.Phase() != Debate || r.s.c.Paused {
		t.Errorf("advance from pause: %s paused=%v", r.s.Phase(), r.s.c.Paused)
	}
	deadline(t, r.s)
}

func TestSuspend(t *testing.T) {
	r := newRoom(t, CreateParams{Settings: Settings{Timers: Timers{Briefing: 100, Debate: 300}}})
	r.join("a", "Ada")
	r.refuse(teacher, "unsuspend", nil, fault.Conflict)
	r.do(teacher, "start", nil)
	r.advance(1) // debate, deadline t0+300s
	r.now = t0.Add(100 * time.Second)
	r.do(teacher, "suspend", nil)
	if _, ok := r.s.NextDeadline(); ok || !r.s.c.Suspended || r.s.Phase() != Debate {
		t.Fatal("suspend must stop the timer and keep the phase")
	}
	r.refuse(teacher, "suspend", nil, fault.Conflict)
	r.refuse(teacher, "advance", nil, fault.WrongPhase)
	r.refuse(teacher, "pause", nil, fault.WrongPhase)
	r.refuse(teacher, "resume", nil, fault.WrongPhase)
	d := r.curYear().Decisions[0]
	r.refuse(pl("a"), "argue", map[string]string{"text": "x", "decision": d.ID, "option": d.Options[0].ID}, fault.WrongPhase)
	// Days later.
	r.now = t0.Add(72 * time.Hour)
	r.do(teacher, "unsuspend", nil)
	if got := deadline(t, r.s); !got.Equal(r.now.Add(200 * time.Second)) {
		t.Errorf("after unsuspend deadline %v, want now+200s", got)
	}
	// Suspended while paused: unsuspend leaves it paused.
	r.do(teacher, "pause", nil)
	r.do(teacher, "suspend", nil)
	r.do(teacher, "unsuspend", nil)
	if !r.s.c.Paused || r.s.c.Remaining != 200*time.Second {
		t.Errorf("paused+suspended: paused=%v remaining=%v", r.s.c.Paused, r.s.c.Remaining)
	}
	r.do(teacher, "resume", nil)
	deadline(t, r.s)
	// Suspended in the lobby of another room: nothing to restore but fine.
	r2 := newRoom(t, CreateParams{})
	r2.do(teacher, "suspend", nil)
	r2.refuse(teacher, "start", nil, fault.WrongPhase)
	r2.do(teacher, "unsuspend", nil)
	if _, ok := r2.s.NextDeadline(); ok {
		t.Error("the lobby has no timer")
	}
}

func TestAdvanceAndEnd(t *testing.T) {
	r := newRoom(t, CreateParams{})
	r.join("a", "Ada")
	r.refuse(teacher, "advance", nil, fault.WrongPhase)
	if evs, err := r.decide(sys, "tick", map[string]any{"deadline": t0}); err != nil || len(evs) != 0 {
		t.Fatalf("tick without a timer: %v %v", evs, err)
	}
	r.do(teacher, "start", nil)
	r.refuse(teacher, "start", nil, fault.WrongPhase)
	want := []Phase{Debate, Vote, Resolution, Briefing}
	for _, ph := range want {
		r.do(teacher, "advance", nil)
		if r.s.Phase() != ph {
			t.Fatalf("advance reached %s, want %s", r.s.Phase(), ph)
		}
	}
	if r.s.Year() != 1929 {
		t.Errorf("year %d, want 1929", r.s.Year())
	}
	evs := r.do(teacher, "end", nil)
	var d PhaseChangedData
	mustDecode(t, evs[0], &d)
	if r.s.Phase() != Debrief || !d.Ended || d.Deadline != nil {
		t.Errorf("end: %s %+v", r.s.Phase(), d)
	}
	if _, ok := r.s.NextDeadline(); ok {
		t.Error("the debrief has no timer")
	}
	r.refuse(teacher, "end", nil, fault.Conflict)
	r.refuse(teacher, "advance", nil, fault.WrongPhase)
	r.refuse(teacher, "suspend", nil, fault.WrongPhase)
	r.refuse(teacher, "settings", map[string]any{"maxPlayers": 10}, fault.WrongPhase)
}
