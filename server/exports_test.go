package server_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/classroom-debate/debate/fault"
)

func TestExportsAreForStaffOnly(t *testing.T) {
	ts := newServer(t, nil)
	r := ts.room(`{"timers":{"briefing":60,"debate":60,"vote":60,"resolution":60}}`)
	var players []string
	for _, nick := range []string{"Anya", "Boris", "Chen", "Dana", "<b>Egor</b>"} {
		players = append(players, ts.join(r.Code, nick).Token)
	}
	teacher := ts.dial(r.Code, r.TeacherKey)
	if _, err := teacher.Send(ctxT(t), "start", nil); err != nil {
		t.Fatal(err)
	}
	for _, file := range []string{"gradebook.csv", "log.json", "transcript.md", "choices.json", "final.json", "debrief.json"} {
		status, body := ts.do("GET", "/api/rooms/"+r.Code+"/exports/"+file, r.TeacherKey, "")
		if status != http.StatusOK || len(body) == 0 {
			t.Fatalf("teacher export %s: %d %s", file, status, body)
		}
		status, body = ts.do("GET", "/api/rooms/"+r.Code+"/exports/"+file, r.CoTeacherKey, "")
		if status != http.StatusOK {
			t.Fatalf("co-teacher export %s: %d", file, status)
		}
		for who, key := range map[string]string{"student": players[0], "projector": r.ProjectorKey} {
			status, body = ts.do("GET", "/api/rooms/"+r.Code+"/exports/"+file, key, "")
			wantError(t, status, body, http.StatusForbidden, fault.Forbidden)
			if bytes.Contains(body, []byte("Anya")) {
				t.Fatalf("%s got room data with its 403: %s", who, body)
			}
		}
		status, body = ts.do("GET", "/api/rooms/"+r.Code+"/exports/"+file, "", "")
		wantError(t, status, body, http.StatusForbidden, fault.Forbidden)
		status, body = ts.do("GET", "/api/rooms/"+r.Code+"/exports/"+file, "tk_not-a-key", "")
		wantError(t, status, body, http.StatusForbidden, fault.Forbidden)
	}
	status, body := ts.do("GET", "/api/rooms/"+r.Code+"/exports/gradebook.csv", r.TeacherKey, "")
	if status != 200 || !strings.Contains(string(body), "Boris") || !strings.Contains(string(body), "<b>Egor</b>") {
		t.Fatalf("gradebook lacks the class: %s", body)
	}
	status, body = ts.do("GET", "/api/rooms/"+r.Code+"/exports/passwords.txt", r.TeacherKey, "")
	wantError(t, status, body, http.StatusNotFound, fault.NotFound)

	// The debrief and year reports are for everyone, each as they may see them.
	status, body = ts.do("GET", "/api/rooms/"+r.Code+"/debrief", players[1], "")
	if status != 200 || !bytes.HasPrefix(bytes.TrimSpace(body), []byte("{")) {
		t.Fatalf("student debrief: %d %s", status, body)
	}
	status, body = ts.do("GET", "/api/rooms/"+r.Code+"/years/1928/report", players[1], "")
	wantError(t, status, body, http.StatusNotFound, fault.NotFound)
	status, body = ts.do("GET", "/api/rooms/"+r.Code+"/years/nineteen/report", players[1], "")
	wantError(t, status, body, http.StatusBadRequest, fault.Invalid)

	// Once 1928 resolves, the same request answers: the memoised "not yet" is dropped
	// as soon as the log grows.
	for i := 0; i < 3; i++ { // briefing → debate → vote → resolution
		if _, err := teacher.Send(ctxT(t), "advance", nil); err != nil {
			t.Fatal(err)
		}
	}
	status, body = ts.do("GET", "/api/rooms/"+r.Code+"/years/1928/report", players[1], "")
	if status != http.StatusOK || !bytes.Contains(body, []byte("1928")) {
		t.Fatalf("report after 1928 resolved: %d %s", status, body)
	}
	again, body2 := ts.do("GET", "/api/rooms/"+r.Code+"/years/1928/report", players[1], "")
	if again != http.StatusOK || !bytes.Equal(body, body2) {
		t.Fatalf("the memoised report differs: %d", again)
	}
}
