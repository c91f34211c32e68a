package server_test

import (
	"net/http"
	"testing"

	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/server"
)

// A page on another site can send "simple" POSTs (text/plain, no preflight) with the
// student's browser. Every state-changing route refuses a body that is not JSON (415)
// and a browser Origin that is not allowed (403), as the WebSocket upgrade does
// (finding 2 of issue 10).
func TestCrossSitePostsRefused(t *testing.T) {
	ts := newServer(t, nil)
	r := ts.room("")
	p := ts.join(r.Code, "Anna")
	before := ts.last(r.RoomID)
	type call struct{ method, path, bearer, body string }
	calls := []call{
		{"POST", "/api/rooms", "", `{}`},
		{"POST", "/api/rooms/" + r.Code + "/join", "", `{"nickname":"Ghost"}`},
		{"POST", "/api/rooms/" + r.Code + "/rejoin", "", `{"rejoinCode":"HT4KQ2XW9M"}`},
		{"POST", "/api/rooms/" + r.Code + "/commands", p.Token, `{"v":1,"type":"mark","id":"x1","data":{"argumentId":"a1"}}`},
		{"POST", "/api/rooms/" + r.Code + "/tickets", p.Token, ``},
		{"POST", "/api/rooms/" + r.Code + "/players/" + p.PlayerID + "/rejoin-code", r.TeacherKey, ``},
		{"POST", "/api/rooms/" + r.Code + "/qr", r.TeacherKey, `{"fragment":"rejoin=HT4KQ2XW9M"}`},
		{"POST", "/api/simulate", "", `{"mode":"historical"}`},
		{"DELETE", "/api/rooms/" + r.Code, r.TeacherKey, ``},
	}
	for _, c := range calls {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			// A foreign page, with whatever content type.
			for _, ct := range []string{"text/plain", "application/json"} {
				status, body := ts.do(c.method, c.path, c.bearer, c.body, "Origin", "http://evil.example", "Content-Type", ct)
				wantError(t, status, body, http.StatusForbidden, fault.Forbidden)
			}
			if c.body == "" {
				return
			}
			// A body that is not declared JSON, from no browser or from this very page.
			for _, origin := range []string{"", ts.url} {
				for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""} {
					status, body := ts.do(c.method, c.path, c.bearer, c.body, "Origin", origin, "Content-Type", ct)
					wantError(t, status, body, http.StatusUnsupportedMediaType, fault.UnsupportedMedia)
				}
			}
		})
	}
	if got := ts.last(r.RoomID); got != before {
		t.Fatalf("refused requests changed the room: seq %d → %d", before, got)
	}
	// The same requests from this host's pages, as JSON, work.
	status, body := ts.do("POST", "/api/rooms/"+r.Code+"/join", "", `{"nickname":"Boris"}`, "Origin", ts.url, "Content-Type", "application/json; charset=utf-8")
	if status != http.StatusCreated {
		t.Fatalf("same-origin JSON join: %d %s", status, body)
	}
	status, body = ts.do("POST", "/api/rooms/"+r.Code+"/tickets", p.Token, "", "Origin", ts.url)
	if status != http.StatusCreated {
		t.Fatalf("same-origin ticket without a body: %d %s", status, body)
	}
}

// With an origin list, a listed origin may post; this host's own is then not implied.
func TestCrossSitePostsWithOriginList(t *testing.T) {
	ts := newServer(t, func(c *server.Config) { c.AllowedOrigins = []string{"https://debate.school.example"} })
	status, body := ts.do("POST", "/api/rooms", "", `{}`, "Origin", "https://debate.school.example", "Content-Type", "application/json")
	if status != http.StatusCreated {
		t.Fatalf("listed origin: %d %s", status, body)
	}
	status, body = ts.do("POST", "/api/rooms", "", `{}`, "Origin", "https://other.example", "Content-Type", "application/json")
	wantError(t, status, body, http.StatusForbidden, fault.Forbidden)
}
