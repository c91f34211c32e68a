package server_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/classroom-debate/debate/client"
	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/room"
	"github.com/classroom-debate/debate/server"
)

// "Try the game with bots": the teacher's request seats bots in the room, as players
// connected like any other.
func TestTeacherAddsBots(t *testing.T) {
	ts := newServer(t, func(c *server.Config) {
		c.MaxBotsPerRoom = 5
		c.AllowedOrigins = []string{"https://debate.school.example"} // the bots' sockets must still be let in
	})
	r := ts.room("")
	teacher, err := ts.client.Dial(ctxT(t), r.Code, r.TeacherKey, &client.Options{Origin: "https://debate.school.example"})
	if err != nil {
		t.Fatal(err)
	}
	defer teacher.Close()
	path := "/api/rooms/" + r.Code + "/bots"

	p := ts.join(r.Code, "Anna")
	status, body := ts.do("POST", path, p.Token, `{"students":2}`)
	wantError(t, status, body, http.StatusForbidden, fault.Forbidden)
	status, body = ts.do("POST", path, "", `{"students":2}`)
	wantError(t, status, body, http.StatusUnauthorized, fault.Unauthorized)
	status, body = ts.do("POST", path, r.TeacherKey, `{"students":6}`)
	wantError(t, status, body, http.StatusBadRequest, fault.Invalid)

	status, body = ts.do("POST", path, r.TeacherKey, `{"students":3}`)
	if status != http.StatusAccepted {
		t.Fatalf("adding bots = %d %s", status, body)
	}
	status, body = ts.do("POST", path, r.TeacherKey, `{"students":1}`)
	wantError(t, status, body, http.StatusConflict, fault.Conflict)

	// Three bots join and connect: the teacher sees them arrive and come online.
	bots := map[string]bool{}
	_, err = teacher.WaitFor(ctxT(t), func(f client.Frame) bool {
		if f.Type == "event" && f.Event.Type == room.EvPlayerJoined {
			var d room.PlayerData
			if json.Unmarshal(f.Event.Data, &d) == nil && d.PlayerID != p.PlayerID {
				bots[d.PlayerID] = true
			}
		}
		if f.Type != "presence" || len(bots) < 3 {
			return false
		}
		online := 0
		for _, id := range f.Online {
			if bots[id] {
				online++
			}
		}
		return online == 3
	})
	if err != nil {
		t.Fatalf("the bots never all came online (%d joined): %v", len(bots), err)
	}
}

func TestBotsOff(t *testing.T) {
	ts := newServer(t, nil)
	r := ts.room("")
	status, body := ts.do("POST", "/api/rooms/"+r.Code+"/bots", r.TeacherKey, "")
	wantError(t, status, body, http.StatusForbidden, fault.Forbidden)
}
