package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/classroom-debate/debate/client"
	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/server"
	"github.com/classroom-debate/debate/store/embedded"
)

func TestStatusOfEveryCode(t *testing.T) {
	tests := map[fault.Code]int{
		fault.Malformed: 400, fault.UnknownType: 400, fault.Invalid: 400, fault.BadNickname: 400,
		fault.VersionNeeded: 400, fault.TooLarge: 413, fault.Unauthorized: 401, fault.Forbidden: 403,
		fault.NotFound: 404, fault.WrongPhase: 409, fault.Conflict: 409, fault.RoomFull: 409,
		fault.RoomLocked: 409, fault.RateLimited: 429, fault.UnsupportedMedia: 415, fault.Unavailable: 503, fault.Internal: 500,
		fault.Code("made_up"): 500,
	}
	for code, want := range tests {
		if got := server.StatusOf(code); got != want {
			t.Errorf("StatusOf(%s) = %d, want %d", code, got, want)
		}
	}
}

func TestHealthAndReadiness(t *testing.T) {
	ts := newServer(t, nil)
	if status, body := ts.do("GET", "/healthz", "", ""); status != 200 || !strings.Contains(string(body), "ok") {
		t.Fatalf("healthz = %d %s", status, body)
	}
	if status, body := ts.do("GET", "/readyz", "", ""); status != 200 {
		t.Fatalf("readyz = %d %s", status, body)
	}
	if err := ts.srv.Shutdown(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	status, body := ts.do("GET", "/readyz", "", "")
	wantError(t, status, body, 503, fault.Unavailable)
	status, body = ts.do("POST", "/api/rooms", "", "{}")
	wantError(t, status, body, 503, fault.Unavailable)
}

func TestCreateJoinTicket(t *testing.T) {
	ts := newServer(t, func(c *server.Config) { c.PublicURL = "https://debate.school.example/" })
	status, body := ts.do("POST", "/api/rooms", "", `{"mode":"counterfactual","voteMode":"oneEach"}`)
	if status != http.StatusCreated {
		t.Fatalf("create = %d %s", status, body)
	}
	var r client.Room
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatal(err)
	}
	if r.Code == "" || r.RoomID == "" || r.TeacherKey == "" || r.CoTeacherKey == "" || r.ProjectorKey == "" {
		t.Fatalf("create response misses fields: %s", body)
	}
	if r.JoinURL != "https://debate.school.example/join/"+r.Code {
		t.Fatalf("joinUrl = %q", r.JoinURL)
	}

	status, body = ts.do("POST", "/api/rooms/"+strings.ToLower(r.Code)+"/join", "", `{"nickname":"Olena"}`)
	if status != http.StatusCreated {
		t.Fatalf("join with a lower-case code = %d %s", status, body)
	}
	var p client.Player
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	if p.PlayerID == "" || p.Token == "" || p.RoomID != r.RoomID || p.Code != r.Code {
		t.Fatalf("join response: %s", body)
	}

	for _, secret := range []string{r.TeacherKey, r.CoTeacherKey, r.ProjectorKey, p.Token} {
		tk, err := ts.client.Ticket(ctxT(t), r.Code, secret)
		if err != nil {
			t.Fatalf("ticket: %v", err)
		}
		if tk.Ticket == "" || !tk.Expires.After(start) {
			t.Fatalf("ticket = %+v", tk)
		}
	}
}

func TestCreateRefusals(t *testing.T) {
	ts := newServer(t, nil)
	tests := []struct {
		name, body string
		status     int
		code       fault.Code
	}{
		{"not JSON", `{mode:}`, 400, fault.Malformed},
		{"unknown field", `{"mode":"historical","colour":"red"}`, 400, fault.Malformed},
		{"two objects", `{} {}`, 400, fault.Malformed},
		{"unknown mode", `{"mode":"utopian"}`, 400, fault.Invalid},
		{"unknown vote mode", `{"voteMode":"loudest"}`, 400, fault.Invalid},
		{"bad settings", `{"settings":{"maxPlayers":1000}}`, 400, fault.Invalid},
		{"unknown setting", `{"settings":{"snacks":true}}`, 400, fault.Malformed}, // as every unknown field
		{"too large", `{"settings":{"x":"` + strings.Repeat("x", 20<<10) + `"}}`, 413, fault.TooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := ts.do("POST", "/api/rooms", "", tt.body)
			wantError(t, status, body, tt.status, tt.code)
		})
	}
	rooms, err := ts.store.Directory().List(context.Background())
	if err != nil || len(rooms) != 0 {
		t.Fatalf("refused creates left rooms behind: %v %v", rooms, err)
	}
}

func TestCreateGate(t *testing.T) {
	ts := newServer(t, func(c *server.Config) { c.TeacherCode = "owl-7" })
	for _, body := range []string{`{}`, `{"gateCode":"owl-8"}`, `{"gateCode":""}`} {
		status, resp := ts.do("POST", "/api/rooms", "", body)
		wantError(t, status, resp, 403, fault.Forbidden)
	}
	if _, err := ts.client.CreateRoom(ctxT(t), client.CreateRequest{GateCode: "owl-7"}); err != nil {
		t.Fatalf("create with the teacher code: %v", err)
	}
}

func TestJoinRefusals(t *testing.T) {
	ts := newServer(t, nil)
	r := ts.room(`{"maxPlayers":2}`)
	path := "/api/rooms/" + r.Code + "/join"
	tests := []struct {
		name, body string
		status     int
		code       fault.Code
	}{
		{"empty nickname", `{"nickname":""}`, 400, fault.BadNickname},
		{"blank nickname", `{"nickname":"   "}`, 400, fault.BadNickname},
		{"control character", `{"nickname":"Ivan\u0007"}`, 400, fault.BadNickname},
		{"newline", `{"nickname":"Iv\nan"}`, 400, fault.BadNickname},
		{"too long", `{"nickname":"` + strings.Repeat("Я", 40) + `"}`, 400, fault.BadNickname},
		{"no body", ``, 400, fault.Malformed},
		{"unknown field", `{"nickname":"Ivan","age":12}`, 400, fault.Malformed},
		{"not an object", `["Ivan"]`, 400, fault.Malformed},
		{"field in another case", `{"Nickname":"Ivan"}`, 400, fault.Malformed},
		{"field twice", `{"nickname":"Bob","nickname":"Eve"}`, 400, fault.Malformed},
		{"zero-width space", `{"nickname":"Ivan\u200b"}`, 400, fault.BadNickname},
		{"invalid UTF-8", "{\"nickname\":\"Iv\xffan\"}", 400, fault.BadNickname},
	}
	before := ts.last(r.RoomID)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := ts.do("POST", path, "", tt.body)
			wantError(t, status, body, tt.status, tt.code)
		})
	}
	if got := ts.last(r.RoomID); got != before {
		t.Fatalf("refused joins changed the room: seq %d → %d", before, got)
	}

	status, body := ts.do("POST", "/api/rooms/ZZZZZZZZ/join", "", `{"nickname":"Ivan"}`)
	wantError(t, status, body, 404, fault.NotFound)

	ts.join(r.Code, "Anna")
	ts.join(r.Code, "Boris")
	full := ts.last(r.RoomID)
	_, err := ts.client.Join(ctxT(t), r.Code, "Clara")
	wantFault(t, err, fault.RoomFull)
	if got := ts.last(r.RoomID); got != full {
		t.Fatalf("a refused join into a full room changed it: seq %d → %d", full, got)
	}
}

// A join sent again with the same attempt id (its answer was lost) joins once and
// answers with the same player and a token that works; another attempt with the same
// nickname meets the nickname taken; a removed player's attempt opens nothing.
func TestJoinRetriedWithAttempt(t *testing.T) {
	ts := newServer(t, nil)
	r := ts.room("")
	path := "/api/rooms/" + r.Code + "/join"
	const attempt = "3f1c9a7e5b2d4c6a8e0f1a2b3c4d5e6f"
	type joined struct {
		PlayerID string `json:"playerId"`
		Token    string `json:"token"`
	}
	join := func(body string) (int, joined, []byte) {
		t.Helper()
		status, raw := ts.do("POST", path, "", body)
		var j joined
		_ = json.Unmarshal(raw, &j)
		return status, j, raw
	}
	s1, first, _ := join(`{"nickname":"Olena","attempt":"` + attempt + `"}`)
	afterFirst := ts.last(r.RoomID)
	s2, again, raw := join(`{"nickname":"Olena","attempt":"` + attempt + `"}`)
	if s1 != 201 || s2 != 201 || again.PlayerID != first.PlayerID || again.Token == "" || again.Token == first.Token {
		t.Fatalf("retried join: %d %+v then %d %s", s1, first, s2, raw)
	}
	if got := ts.last(r.RoomID); got != afterFirst {
		t.Fatalf("the retried join changed the room: seq %d → %d", afterFirst, got)
	}
	if status, body := ts.do("POST", "/api/rooms/"+r.Code+"/tickets", again.Token, ""); status != 201 {
		t.Fatalf("the retried join's token: %d %s", status, body)
	}
	status, body := ts.do("POST", path, "", `{"nickname":"Olena","attempt":"a-different-attempt-0001"}`)
	wantError(t, status, body, 409, fault.Conflict)
	status, body = ts.do("POST", path, "", `{"nickname":"Petro","attempt":"short"}`)
	wantError(t, status, body, 400, fault.Invalid)

	// The teacher removes Olena: her attempt no longer opens the room.
	frame, _ := json.Marshal(map[string]any{"v": 1, "type": "removePlayer", "id": "rm1", "data": map[string]string{"playerId": first.PlayerID}})
	if status, body := ts.do("POST", "/api/rooms/"+r.Code+"/commands", r.TeacherKey, string(frame)); status != 200 {
		t.Fatalf("remove: %d %s", status, body)
	}
	status, body = ts.do("POST", path, "", `{"nickname":"Olena","attempt":"`+attempt+`"}`)
	wantError(t, status, body, 401, fault.Unauthorized)
}

func TestJoinLockedRoom(t *testing.T) {
	ts := newServer(t, nil)
	r := ts.room("")
	teacher := ts.dial(r.Code, r.TeacherKey)
	if _, err := teacher.Send(ctxT(t), "lock", map[string]bool{"locked": true}); err != nil {
		t.Fatal(err)
	}
	_, err := ts.client.Join(ctxT(t), r.Code, "Late")
	wantFault(t, err, fault.RoomLocked)
	var se *client.StatusError
	if !errors.As(err, &se) || se.Status != http.StatusConflict {
		t.Fatalf("locked join status: %v", err)
	}
}

// Wrong codes from one address block it (for right codes too); a class of 60 joining
// from one address (a school NAT) never is; other addresses are not affected.
func TestJoinRateLimits(t *testing.T) {
	_, loopback, _ := net.ParseCIDR("127.0.0.0/8")
	ts := newServer(t, func(c *server.Config) { c.TrustedProxies = []*net.IPNet{loopback} })
	r := ts.room(`{"maxPlayers":200}`)
	from := func(addr string) []string { return []string{"X-Forwarded-For", addr} }

	for i := 0; i < 60; i++ {
		status, body := ts.do("POST", "/api/rooms/"+r.Code+"/join", "", fmt.Sprintf(`{"nickname":"s%d"}`, i), from("203.0.113.5")...)
		if status != http.StatusCreated {
			t.Fatalf("join %d from one NAT address = %d %s", i, status, body)
		}
	}

	guesser := from("198.51.100.7")
	for i := 0; i < server.WrongCodeBurst; i++ {
		status, body := ts.do("POST", fmt.Sprintf("/api/rooms/WRNG%04d/join", i), "", `{"nickname":"x"}`, guesser...)
		wantError(t, status, body, 404, fault.NotFound)
	}
	status, body := ts.do("POST", "/api/rooms/WRNGWRNG/join", "", `{"nickname":"x"}`, guesser...)
	wantError(t, status, body, 429, fault.RateLimited)
	// Blocked: the right code gets the same answer as a wrong one.
	status, body = ts.do("POST", "/api/rooms/"+r.Code+"/join", "", `{"nickname":"y"}`, guesser...)
	wantError(t, status, body, 429, fault.RateLimited)
	// Another address is not blocked.
	status, body = ts.do("POST", "/api/rooms/"+r.Code+"/join", "", `{"nickname":"z"}`, from("192.0.2.9")...)
	if status != http.StatusCreated {
		t.Fatalf("join from another address = %d %s", status, body)
	}
	// The block ends.
	ts.clock.Advance(2 * time.Minute)
	status, body = ts.do("POST", "/api/rooms/"+r.Code+"/join", "", `{"nickname":"y"}`, guesser...)
	if status != http.StatusCreated {
		t.Fatalf("join after the block = %d %s", status, body)
	}
}

// Without trusted proxies, X-Forwarded-For is ignored: a blocked client cannot escape
// by claiming another address.
func TestForwardedForIgnoredWithoutTrustedProxies(t *testing.T) {
	ts := newServer(t, func(c *server.Config) {
		c.Limits.WrongCodes = embedded.NewLimiter(0.001, 2, embedded.WithClock(c.Clock.Now))
	})
	r := ts.room("")
	for i := 0; i < 3; i++ {
		ts.do("POST", "/api/rooms/WRONGONE/join", "", `{"nickname":"x"}`, "X-Forwarded-For", fmt.Sprintf("192.0.2.%d", i))
	}
	status, body := ts.do("POST", "/api/rooms/"+r.Code+"/join", "", `{"nickname":"y"}`, "X-Forwarded-For", "192.0.2.200")
	wantError(t, status, body, 429, fault.RateLimited)
}

func TestCreateRateLimit(t *testing.T) {
	ts := newServer(t, nil)
	for i := 0; i < server.CreateBurst; i++ {
		if status, body := ts.do("POST", "/api/rooms", "", ""); status != 201 {
			t.Fatalf("create %d = %d %s", i, status, body)
		}
	}
	status, body := ts.do("POST", "/api/rooms", "", "")
	wantError(t, status, body, 429, fault.RateLimited)
}

func TestTicketRefusals(t *testing.T) {
	ts := newServer(t, nil)
	r := ts.room("")
	other := ts.room("")
	path := "/api/rooms/" + r.Code + "/tickets"
	status, body := ts.do("POST", path, "", "")
	wantError(t, status, body, 401, fault.Unauthorized)
	status, body = ts.do("POST", path, "tk_wrong", "")
	wantError(t, status, body, 401, fault.Unauthorized)
	status, body = ts.do("POST", path, other.TeacherKey, "")
	wantError(t, status, body, 401, fault.Unauthorized)
	// A code that names no room answers like a wrong key: only joins (rate-limited)
	// tell which codes exist.
	status, body = ts.do("POST", "/api/rooms/ZZZZZZZZ/tickets", r.TeacherKey, "")
	wantError(t, status, body, 401, fault.Unauthorized)
	// A ticket is not a key: it cannot buy another ticket.
	tk, err := ts.client.Ticket(ctxT(t), r.Code, r.TeacherKey)
	if err != nil {
		t.Fatal(err)
	}
	status, body = ts.do("POST", path, tk.Ticket, "")
	wantError(t, status, body, 401, fault.Unauthorized)
}

func TestDeleteRoom(t *testing.T) {
	ts := newServer(t, nil)
	r := ts.room("")
	p := ts.join(r.Code, "Anna")
	student := ts.dial(r.Code, p.Token)
	sse, err := ts.client.DialSSE(ctxT(t), r.Code, r.ProjectorKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sse.Close()

	path := "/api/rooms/" + r.Code
	for _, secret := range []string{p.Token, r.ProjectorKey} {
		status, body := ts.do("DELETE", path, secret, "")
		wantError(t, status, body, 403, fault.Forbidden)
	}
	status, body := ts.do("DELETE", path, "", "")
	wantError(t, status, body, 401, fault.Unauthorized)

	if status, body := ts.do("DELETE", path, r.CoTeacherKey, ""); status != http.StatusNoContent {
		t.Fatalf("delete = %d %s", status, body)
	}
	if f := waitClosing(t, student); f.CloseCode != 4104 {
		t.Fatalf("student socket closed with %d %q, want 4104", f.CloseCode, f.Reason)
	}
	if f := waitClosing(t, sse); f.CloseCode != 4104 {
		t.Fatalf("SSE stream closed with %d %q, want 4104", f.CloseCode, f.Reason)
	}
	_, err = ts.client.Join(ctxT(t), r.Code, "Boris")
	wantFault(t, err, fault.NotFound)
	_, err = ts.client.Dial(ctxT(t), r.Code, r.TeacherKey, nil)
	wantFault(t, err, fault.Unauthorized)
}

func TestAdminRoutes(t *testing.T) {
	t.Run("absent without a token", func(t *testing.T) {
		ts := newServer(t, nil)
		status, body := ts.do("GET", "/api/admin/rooms", "", "")
		wantError(t, status, body, 404, fault.NotFound)
	})
	ts := newServer(t, func(c *server.Config) { c.AdminToken = "op-secret" })
	r := ts.room("")
	status, body := ts.do("GET", "/api/admin/rooms", "", "")
	wantError(t, status, body, 401, fault.Unauthorized)
	status, body = ts.do("GET", "/api/admin/rooms", "op-secreT", "")
	wantError(t, status, body, 401, fault.Unauthorized)
	status, body = ts.do("GET", "/api/admin/rooms", r.TeacherKey, "")
	wantError(t, status, body, 401, fault.Unauthorized)

	status, body = ts.do("GET", "/api/admin/rooms", "op-secret", "")
	var list struct {
		Rooms []struct {
			RoomID, Code string
		} `json:"rooms"`
	}
	if status != 200 || json.Unmarshal(body, &list) != nil || len(list.Rooms) != 1 || list.Rooms[0].RoomID != r.RoomID || list.Rooms[0].Code != r.Code {
		t.Fatalf("admin list = %d %s", status, body)
	}
	if status, body := ts.do("DELETE", "/api/admin/rooms/"+r.RoomID, "op-secret", ""); status != 204 {
		t.Fatalf("admin delete = %d %s", status, body)
	}
	status, body = ts.do("DELETE", "/api/admin/rooms/"+r.RoomID, "op-secret", "")
	wantError(t, status, body, 404, fault.NotFound)
	_, err := ts.client.Join(ctxT(t), r.Code, "Anna")
	wantFault(t, err, fault.NotFound)
}

func TestUnknownRouteAndMethod(t *testing.T) {
	ts := newServer(t, nil)
	status, body := ts.do("GET", "/api/nothing", "", "")
	wantError(t, status, body, 404, fault.NotFound)
	status, body = ts.do("POST", "/healthz", "", "{}")
	wantError(t, status, body, 405, fault.Malformed)
}

// Logs at info level carry no client address and no credential; the request id is in
// every request's lines.
func TestLogsHoldNoAddressesOrSecrets(t *testing.T) {
	ts := newServer(t, nil)
	r := ts.room("")
	p := ts.join(r.Code, "Anna")
	c := ts.dial(r.Code, p.Token)
	if _, err := c.Send(ctxT(t), "argue", map[string]string{"text": "x"}); fault.CodeOf(err) != fault.WrongPhase {
		t.Fatalf("argue in the lobby: %v", err)
	}
	ts.do("POST", "/api/rooms/WRONGONE/join", "", `{"nickname":"x"}`)
	logs := ts.logs.String()
	if !strings.Contains(logs, "room created") {
		t.Fatalf("expected the create to be logged; logs:\n%s", logs)
	}
	for _, secret := range []string{"127.0.0.1", r.TeacherKey, r.CoTeacherKey, r.ProjectorKey, p.Token} {
		if strings.Contains(logs, secret) {
			t.Fatalf("logs contain %q:\n%s", secret, logs)
		}
	}
}

func TestCORSForListedOrigins(t *testing.T) {
	ts := newServer(t, func(c *server.Config) { c.AllowedOrigins = []string{"https://debate.school.example"} })
	req, _ := http.NewRequestWithContext(ctxT(t), "OPTIONS", ts.url+"/api/rooms/KXT4PMQA/join", nil)
	req.Header.Set("Origin", "https://debate.school.example")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "content-type")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "https://debate.school.example" {
		t.Fatalf("preflight from a listed origin: Allow-Origin %q (status %d)", got, resp.StatusCode)
	}
	req.Header.Set("Origin", "https://evil.example")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Fatalf("preflight from an unlisted origin allowed: %q", got)
	}
}

func TestRejoinCodes(t *testing.T) {
	ts := newServer(t, func(c *server.Config) {
		c.Limits.WrongCodes = embedded.NewLimiter(0.001, 3, embedded.WithClock(c.Clock.Now))
	})
	r := ts.room("")
	p := ts.join(r.Code, "Anna")
	other := ts.join(r.Code, "Boris")

	_, err := ts.client.RejoinCode(ctxT(t), r.Code, other.Token, p.PlayerID)
	wantFault(t, err, fault.Forbidden)
	_, err = ts.client.RejoinCode(ctxT(t), r.Code, r.TeacherKey, "nobody")
	wantFault(t, err, fault.NotFound)
	old, err := ts.client.RejoinCode(ctxT(t), r.Code, r.TeacherKey, p.PlayerID)
	if err != nil {
		t.Fatal(err)
	}
	code, err := ts.client.RejoinCode(ctxT(t), r.Code, r.CoTeacherKey, p.PlayerID)
	if err != nil || code == old || len(code) < 10 {
		t.Fatalf("second rejoin code %q (first %q): %v", code, old, err)
	}
	_, err = ts.client.Rejoin(ctxT(t), r.Code, old)
	wantFault(t, err, fault.Unauthorized)

	back, err := ts.client.Rejoin(ctxT(t), r.Code, strings.ToLower(code[:5])+"-"+code[5:])
	if err != nil {
		t.Fatalf("rejoin: %v", err)
	}
	if back.PlayerID != p.PlayerID || back.Token == p.Token {
		t.Fatalf("rejoined as %+v", back)
	}
	c := ts.dial(r.Code, back.Token)
	if c.Welcome().Principal.PlayerID != p.PlayerID {
		t.Fatalf("welcome after rejoin: %+v", c.Welcome())
	}
	// The old token no longer opens anything.
	_, err = ts.client.Ticket(ctxT(t), r.Code, p.Token)
	wantFault(t, err, fault.Unauthorized)

	// Wrong rejoin codes count towards the address's block, as wrong room codes do: the
	// old code was the first of three allowed.
	for i := 0; i < 2; i++ {
		_, err = ts.client.Rejoin(ctxT(t), r.Code, "ABCDEFGHJK")
		wantFault(t, err, fault.Unauthorized)
	}
	_, err = ts.client.Rejoin(ctxT(t), r.Code, "ABCDEFGHJK")
	wantFault(t, err, fault.RateLimited)
	_, err = ts.client.Rejoin(ctxT(t), r.Code, code)
	wantFault(t, err, fault.RateLimited)
	_, err = ts.client.Join(ctxT(t), r.Code, "Clara")
	wantFault(t, err, fault.RateLimited)
}
