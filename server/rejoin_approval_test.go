package server_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/classroom-debate/debate/client"
	"github.com/classroom-debate/debate/fault"
)

// A rejoin slip used while its player is connected waits for the teacher; the teacher
// sees the request and each rejoin on the roster; used while the player is away (a new
// lesson on a guest Chromebook) it works at once (finding 6 of issue 10).
func TestRejoinWhileConnectedWaitsForTheTeacher(t *testing.T) {
	ts := newServer(t, nil)
	r := ts.room("")
	p := ts.join(r.Code, "Anna")
	slip, err := ts.client.RejoinCode(ctxT(t), r.Code, r.TeacherKey, p.PlayerID)
	if err != nil {
		t.Fatal(err)
	}
	teacher := ts.dial(r.Code, r.TeacherKey)
	student := ts.dial(r.Code, p.Token)
	if _, err := teacher.WaitFor(ctxT(t), func(f client.Frame) bool {
		return f.Type == "presence" && len(f.Online) == 1 && f.Online[0] == p.PlayerID
	}); err != nil {
		t.Fatal(err)
	}

	// Someone else picks up the slip while Anna is connected.
	const device = "device-0123456789abcdef"
	got, err := ts.client.RejoinRequest(ctxT(t), r.Code, slip, device)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Pending || got.Token != "" || got.Request != device {
		t.Fatalf("a rejoin while connected did not wait: %+v", got)
	}
	waitEvent(t, teacher, "rejoinRequested")
	waitEvent(t, student, "rejoinRequested") // Anna's device learns someone asked
	if again, err := ts.client.RejoinRequest(ctxT(t), r.Code, slip, device); err != nil || !again.Pending {
		t.Fatalf("asking again before the teacher answered: %+v %v", again, err)
	}
	// Anna's token still works: nothing was taken over.
	if _, err := ts.client.Ticket(ctxT(t), r.Code, p.Token); err != nil {
		t.Fatalf("the connected player's token stopped working: %v", err)
	}
	if _, err := teacher.Send(ctxT(t), "approveRejoin", map[string]string{"playerId": p.PlayerID}); err != nil {
		t.Fatal(err)
	}
	back, err := ts.client.RejoinRequest(ctxT(t), r.Code, slip, device)
	if err != nil || back.Pending || back.Token == "" || back.PlayerID != p.PlayerID {
		t.Fatalf("after approval: %+v %v", back, err)
	}
	_, err = ts.client.Ticket(ctxT(t), r.Code, p.Token)
	wantFault(t, err, fault.Unauthorized)

	// A refused request stays refused.
	const other = "device-fedcba9876543210"
	if w, err := ts.client.RejoinRequest(ctxT(t), r.Code, slip, other); err != nil || !w.Pending {
		t.Fatalf("second request: %+v %v", w, err)
	}
	if _, err := teacher.Send(ctxT(t), "approveRejoin", map[string]any{"playerId": p.PlayerID, "refuse": true}); err != nil {
		t.Fatal(err)
	}
	_, err = ts.client.RejoinRequest(ctxT(t), r.Code, slip, other)
	wantFault(t, err, fault.Forbidden)

	// Away (every connection closed): the slip works at once.
	student.Close()
	if _, err := teacher.WaitFor(ctxT(t), func(f client.Frame) bool { return f.Type == "presence" && len(f.Online) == 0 }); err != nil {
		t.Fatal(err)
	}
	now, err := ts.client.Rejoin(ctxT(t), r.Code, slip)
	if err != nil || now.Pending || now.Token == "" {
		t.Fatalf("a rejoin while away: %+v %v", now, err)
	}

	// The roster shows each rejoin.
	status, body := ts.do("GET", "/api/rooms/"+r.Code+"/view", r.TeacherKey, "")
	if status != http.StatusOK {
		t.Fatalf("view: %d %s", status, body)
	}
	var view struct {
		Players []struct {
			ID      string `json:"id"`
			Rejoins []struct {
				Approved bool `json:"approved"`
			} `json:"rejoins"`
		} `json:"players"`
	}
	if err := json.Unmarshal(body, &view); err != nil {
		t.Fatal(err)
	}
	if len(view.Players) != 1 || len(view.Players[0].Rejoins) != 2 || !view.Players[0].Rejoins[0].Approved || view.Players[0].Rejoins[1].Approved {
		t.Fatalf("roster rejoins: %s", body)
	}
}
