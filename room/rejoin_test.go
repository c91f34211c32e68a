package room

import (
	"testing"

	"github.com/classroom-debate/debate/fault"
)

// A rejoin while the player is not connected goes through at once; while connected it
// waits for the teacher, who approves or refuses it; each rejoin is on the roster; a
// slip works again in a later lesson; only the server sends rejoin and only staff
// answer (finding 6 of issue 10).
func TestRejoinApproval(t *testing.T) {
	r := newRoom(t, CreateParams{})
	r.join("a", "Anya")

	// Not connected: through at once, recorded.
	evs := r.do(sys, "rejoin", rejoinData{PlayerID: "a", Request: "rq-1"})
	if len(evs) != 1 || evs[0].Type != EvPlayerRejoined {
		t.Fatalf("events %v", evs)
	}
	if got := r.s.RejoinStatus("a", "rq-1"); got != "done" {
		t.Fatalf("status %q", got)
	}
	// Asking again with the same request changes nothing (a lost answer).
	if evs := r.do(sys, "rejoin", rejoinData{PlayerID: "a", Request: "rq-1"}); len(evs) != 0 {
		t.Fatalf("a repeated request made events %v", evs)
	}

	// Connected: it waits.
	evs = r.do(sys, "rejoin", rejoinData{PlayerID: "a", Request: "rq-2", Connected: true})
	if len(evs) != 1 || evs[0].Type != EvRejoinRequested {
		t.Fatalf("events %v", evs)
	}
	if vis := VisibilityOf(evs[0]); !vis.Staff || len(vis.Players) != 1 || vis.Players[0] != "a" || vis.Public {
		t.Fatalf("request visible to %+v", vis)
	}
	if got := r.s.RejoinStatus("a", "rq-2"); got != "pending" {
		t.Fatalf("status %q", got)
	}
	if evs := r.do(sys, "rejoin", rejoinData{PlayerID: "a", Request: "rq-2", Connected: true}); len(evs) != 0 {
		t.Fatalf("asking again while waiting made events %v", evs)
	}
	if !r.s.View(teacher).Players[0].RejoinWaiting {
		t.Fatal("the roster does not show the waiting rejoin")
	}
	// Players and the projector may not answer; only the server sends rejoin.
	r.refuse(pl("a"), "approveRejoin", map[string]any{"playerId": "a"}, fault.Forbidden)
	r.refuse(projector, "approveRejoin", map[string]any{"playerId": "a"}, fault.Forbidden)
	r.refuse(teacher, "rejoin", rejoinData{PlayerID: "a", Request: "rq-9"}, fault.Forbidden)
	r.refuse(pl("a"), "rejoin", rejoinData{PlayerID: "a", Request: "rq-9"}, fault.Forbidden)

	r.do(teacher, "approveRejoin", map[string]any{"playerId": "a"})
	r.refuse(teacher, "approveRejoin", map[string]any{"playerId": "a"}, fault.Conflict)
	evs = r.do(sys, "rejoin", rejoinData{PlayerID: "a", Request: "rq-2", Connected: true})
	if len(evs) != 1 || evs[0].Type != EvPlayerRejoined {
		t.Fatalf("after approval: %v", evs)
	}
	if got := r.s.RejoinStatus("a", "rq-2"); got != "done" {
		t.Fatalf("status %q", got)
	}

	// Refused: the device is told so, and asking again does not reopen it.
	r.do(sys, "rejoin", rejoinData{PlayerID: "a", Request: "rq-3", Connected: true})
	r.do(coteacher, "approveRejoin", map[string]any{"playerId": "a", "refuse": true})
	r.refuse(sys, "rejoin", rejoinData{PlayerID: "a", Request: "rq-3", Connected: true}, fault.Forbidden)

	// A later lesson: the same slip (a new device request) still works.
	r.do(teacher, "start", nil)
	r.do(teacher, "endLesson", nil)
	r.do(teacher, "unsuspend", nil)
	r.do(sys, "rejoin", rejoinData{PlayerID: "a", Request: "rq-4"})
	rejoins := r.s.View(teacher).Players[0].Rejoins
	if len(rejoins) != 3 || rejoins[0].Approved || !rejoins[1].Approved || rejoins[2].Lesson != rejoins[0].Lesson+1 {
		t.Fatalf("roster rejoins %+v", rejoins)
	}
	// Other players and the projector do not see them.
	r.join("b", "Boris")
	for _, p := range r.s.View(pl("b")).Players {
		if len(p.Rejoins) > 0 || p.RejoinWaiting {
			t.Fatalf("another player sees rejoins: %+v", p)
		}
	}
}
