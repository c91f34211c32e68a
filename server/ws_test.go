package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/classroom-debate/debate/client"
	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/protocol"
	"github.com/classroom-debate/debate/room"
	"github.com/classroom-debate/debate/server"
)

func TestWebSocketHappyPath(t *testing.T) {
	ts := newServer(t, nil)
	r := ts.room("")
	p := ts.join(r.Code, "Anna")

	teacher := ts.dial(r.Code, r.TeacherKey)
	if w := teacher.Welcome(); w.RoomID != r.RoomID || w.Code != r.Code || w.Principal.Kind != room.Teacher {
		t.Fatalf("teacher welcome = %+v", w)
	}
	student := ts.dial(r.Code, p.Token)
	if w := student.Welcome(); w.Principal != (room.Principal{Kind: room.Player, PlayerID: p.PlayerID}) {
		t.Fatalf("student welcome = %+v", w)
	}
	projector := ts.dial(r.Code, r.ProjectorKey)
	for _, c := range []*client.Conn{teacher, student, projector} {
		if _, err := c.WaitFor(ctxT(t), func(f client.Frame) bool { return f.Type == "snapshot" }); err != nil {
			t.Fatalf("no snapshot: %v", err)
		}
		if len(c.Snapshot()) == 0 {
			t.Fatal("empty snapshot")
		}
	}

	seq, err := teacher.Send(ctxT(t), "announce", map[string]string{"text": "Bread first, then the argument."})
	if err != nil {
		t.Fatalf("announce: %v", err)
	}
	if seq != ts.last(r.RoomID) {
		t.Fatalf("ack seq %d, stored last %d", seq, ts.last(r.RoomID))
	}
	for _, c := range []*client.Conn{teacher, student, projector} {
		f := waitEvent(t, c, "announced")
		if f.Seq != seq || !strings.Contains(string(f.Event.Data), "Bread first") {
			t.Fatalf("announced event = %+v", f.Event)
		}
	}
	// A second socket with a ticket instead of the key.
	c, err := ts.client.Dial(ctxT(t), r.Code, p.Token, &client.Options{UseTicket: true})
	if err != nil {
		t.Fatalf("dial with a ticket: %v", err)
	}
	defer c.Close()
	if c.Welcome().Principal.PlayerID != p.PlayerID {
		t.Fatalf("ticket welcome = %+v", c.Welcome())
	}
}

// The same command id twice is acked twice with the same seq and has its effect once.
func TestCommandIDDedup(t *testing.T) {
	ts := newServer(t, nil)
	r := ts.room("")
	teacher := ts.dial(r.Code, r.TeacherKey)
	first, err := teacher.SendWithID(ctxT(t), "same-1", "announce", map[string]string{"text": "Once."})
	if err != nil {
		t.Fatal(err)
	}
	again, err := teacher.SendWithID(ctxT(t), "same-1", "announce", map[string]string{"text": "Once."})
	if err != nil {
		t.Fatal(err)
	}
	if first != again || ts.last(r.RoomID) != first {
		t.Fatalf("acks %d and %d, last %d: the command ran twice", first, again, ts.last(r.RoomID))
	}
}

// Every bad message gets an error frame with its code (and its id when it had one),
// nothing changes, and the socket stays usable.
func TestWebSocketBadInput(t *testing.T) {
	ts := newServer(t, nil)
	r := ts.room("")
	p := ts.join(r.Code, "Anna")
	teacher := ts.dial(r.Code, r.TeacherKey)
	student := ts.dial(r.Code, p.Token)
	projector := ts.dial(r.Code, r.ProjectorKey)
	before := ts.last(r.RoomID)

	raw := []struct {
		name, msg string
		code      fault.Code
		id        string
	}{
		{"not JSON", `{"v":1,"type":`, fault.Malformed, ""},
		{"unknown field", `{"v":1,"type":"announce","id":"u1","colour":"red"}`, fault.Malformed, "u1"},
		{"no version", `{"type":"announce","id":"u2"}`, fault.VersionNeeded, "u2"},
		{"no id", `{"v":1,"type":"announce","data":{"text":"x"}}`, fault.Malformed, ""},
		{"key on a command", `{"v":1,"type":"announce","id":"u3","key":"` + r.TeacherKey + `"}`, fault.Malformed, "u3"},
		{"a second hello", `{"v":1,"type":"hello","key":"` + r.TeacherKey + `"}`, fault.Conflict, ""},
		{"oversized", `{"v":1,"type":"announce","id":"u4","data":{"text":"` + strings.Repeat("x", protocol.MaxMessageBytes) + `"}}`, fault.TooLarge, ""},
	}
	for _, tt := range raw {
		t.Run(tt.name, func(t *testing.T) {
			if err := teacher.SendRaw(ctxT(t), []byte(tt.msg)); err != nil {
				t.Fatal(err)
			}
			f, err := teacher.WaitFor(ctxT(t), func(f client.Frame) bool { return f.Type == "error" })
			if err != nil {
				t.Fatal(err)
			}
			if f.Err.Code != tt.code || f.ID != tt.id || f.Err.Message == "" {
				t.Fatalf("error frame = %s, want code %s id %q", f.Raw, tt.code, tt.id)
			}
		})
	}

	commands := []struct {
		name string
		conn *client.Conn
		typ  string
		data any
		code fault.Code
	}{
		{"unknown type", teacher, "launchSatellite", nil, fault.UnknownType},
		{"wrong phase", student, "argue", map[string]string{"text": "Grain", "decision": "pace", "option": "slow"}, fault.WrongPhase},
		{"vote in the lobby", student, "vote", map[string]string{"decision": "pace", "option": "slow"}, fault.WrongPhase},
		{"unknown player", teacher, "removePlayer", map[string]string{"playerId": "nobody"}, fault.NotFound},
		{"student starts the game", student, "start", nil, fault.Forbidden},
		{"student removes a player", student, "removePlayer", map[string]string{"playerId": p.PlayerID}, fault.Forbidden},
		{"student deletes the room", student, "delete", nil, fault.Forbidden},
		{"projector announces", projector, "announce", map[string]string{"text": "hi"}, fault.Forbidden},
		{"server-only command", teacher, "join", map[string]string{"playerId": "p", "nickname": "Ghost"}, fault.Forbidden},
		{"bad data", teacher, "announce", map[string]int{"text": 5}, fault.Malformed},
	}
	for _, tt := range commands {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.conn.Send(ctxT(t), tt.typ, tt.data)
			wantFault(t, err, tt.code)
		})
	}
	if got := ts.last(r.RoomID); got != before {
		t.Fatalf("refused messages changed the room: seq %d → %d", before, got)
	}
	// Still open and working.
	if _, err := teacher.Send(ctxT(t), "announce", map[string]string{"text": "Still here."}); err != nil {
		t.Fatalf("socket unusable after bad input: %v", err)
	}
	if err := teacher.SendRaw(ctxT(t), []byte(`{"v":1,"type":"ping"}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := teacher.WaitFor(ctxT(t), func(f client.Frame) bool { return f.Type == "pong" }); err != nil {
		t.Fatal(err)
	}
}

// rawDial opens a socket without the client package, to test the hello exchange.
func rawDial(t *testing.T, ts *testServer, path string, origin string) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	h := http.Header{}
	if origin != "" {
		h.Set("Origin", origin)
	}
	return rawDialHeader(t, ts, path, h)
}

// rawDialHeader opens a socket with the upgrade request's header h.
func rawDialHeader(t *testing.T, ts *testServer, path string, h http.Header) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	ws, resp, err := websocket.DefaultDialer.DialContext(ctxT(t), "ws"+strings.TrimPrefix(ts.url, "http")+path, h)
	if err == nil {
		t.Cleanup(func() { ws.Close() })
	}
	return ws, resp, err
}

// readUntilClose reads frames until the server closes; it returns the frames and the
// close code.
func readUntilClose(t *testing.T, ws *websocket.Conn) ([][]byte, int) {
	t.Helper()
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	var frames [][]byte
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				return frames, ce.Code
			}
			t.Fatalf("socket ended without a close frame: %v", err)
		}
		frames = append(frames, data)
	}
}

func errorCode(t *testing.T, frame []byte) fault.Code {
	t.Helper()
	var f struct {
		Type string     `json:"type"`
		Code fault.Code `json:"code"`
	}
	if err := json.Unmarshal(frame, &f); err != nil || f.Type != "error" {
		t.Fatalf("frame %s is not an error frame", frame)
	}
	return f.Code
}

func TestWebSocketHello(t *testing.T) {
	ts := newServer(t, func(c *server.Config) { c.HelloTimeout = 100 * time.Millisecond })
	r := ts.room("")
	other := ts.room("")
	path := "/api/rooms/" + r.Code + "/ws"
	tests := []struct {
		name      string
		path      string
		hello     string // "" sends nothing
		errorCode fault.Code
		close     int
	}{
		{"wrong key", path, `{"v":1,"type":"hello","key":"tk_wrong"}`, fault.Unauthorized, protocol.CloseUnauthorized},
		{"another room's key", path, `{"v":1,"type":"hello","key":"` + other.TeacherKey + `"}`, fault.Unauthorized, protocol.CloseUnauthorized},
		{"no such room", "/api/rooms/ZZZZZZZZ/ws", `{"v":1,"type":"hello","key":"` + r.TeacherKey + `"}`, fault.Unauthorized, protocol.CloseUnauthorized},
		{"no credential", path, `{"v":1,"type":"hello"}`, fault.Unauthorized, protocol.CloseUnauthorized},
		// A key in the URL is never read: the hello still needs one.
		{"key in the URL", path + "?key=" + r.TeacherKey + "&token=" + r.TeacherKey, `{"v":1,"type":"hello","ticket":"` + r.TeacherKey + `"}`, fault.Unauthorized, protocol.CloseUnauthorized},
		{"a command first", path, `{"v":1,"type":"announce","id":"a","data":{"text":"x"}}`, fault.Malformed, protocol.CloseProtocol},
		{"garbage first", path, `hello`, fault.Malformed, protocol.CloseProtocol},
		{"old version", path, `{"v":0,"type":"hello","key":"` + r.TeacherKey + `"}`, fault.VersionNeeded, protocol.CloseProtocol},
		{"silence", path, "", "", protocol.CloseIdle},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws, _, err := rawDial(t, ts, tt.path, "")
			if err != nil {
				t.Fatal(err)
			}
			if tt.hello != "" {
				if err := ws.WriteMessage(websocket.TextMessage, []byte(tt.hello)); err != nil {
					t.Fatal(err)
				}
			}
			frames, code := readUntilClose(t, ws)
			if code != tt.close {
				t.Fatalf("close code %d, want %d (frames %q)", code, tt.close, frames)
			}
			if tt.errorCode != "" {
				if len(frames) != 1 || errorCode(t, frames[0]) != tt.errorCode {
					t.Fatalf("frames %q, want one error %s", frames, tt.errorCode)
				}
			}
		})
	}
}

// A ticket works once; a used, expired or other room's ticket is refused.
func TestTicketSingleUse(t *testing.T) {
	ts := newServer(t, nil)
	r := ts.room("")
	other := ts.room("")
	hello := func(roomCode, ticket string) (int, [][]byte) {
		ws, _, err := rawDial(t, ts, "/api/rooms/"+roomCode+"/ws", "")
		if err != nil {
			t.Fatal(err)
		}
		ws.WriteMessage(websocket.TextMessage, []byte(`{"v":1,"type":"hello","ticket":"`+ticket+`"}`))
		ws.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, first, err := ws.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(first), `"welcome"`) {
			return 0, [][]byte{first}
		}
		rest, closeCode := readUntilClose(t, ws)
		return closeCode, append([][]byte{first}, rest...)
	}
	tk, err := ts.client.Ticket(ctxT(t), r.Code, r.TeacherKey)
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := hello(r.Code, tk.Ticket); code != 0 {
		t.Fatalf("first use of a ticket closed with %d", code)
	}
	if code, frames := hello(r.Code, tk.Ticket); code != protocol.CloseUnauthorized || errorCode(t, frames[0]) != fault.Unauthorized {
		t.Fatalf("reused ticket: close %d, frames %q", code, frames)
	}
	// Over SSE too.
	status, body := ts.do("GET", "/api/rooms/"+r.Code+"/events?ticket="+tk.Ticket, "", "")
	wantError(t, status, body, 401, fault.Unauthorized)

	tk2, _ := ts.client.Ticket(ctxT(t), r.Code, r.TeacherKey)
	if code, _ := hello(other.Code, tk2.Ticket); code != protocol.CloseUnauthorized {
		t.Fatalf("another room's ticket: close %d", code)
	}
	tk3, _ := ts.client.Ticket(ctxT(t), r.Code, r.TeacherKey)
	ts.clock.Advance(2 * time.Minute)
	if code, _ := hello(r.Code, tk3.Ticket); code != protocol.CloseUnauthorized {
		t.Fatalf("expired ticket: close %d", code)
	}
}

func TestOriginCheck(t *testing.T) {
	path := func(r client.Room) string { return "/api/rooms/" + r.Code + "/ws" }
	t.Run("default: same host only", func(t *testing.T) {
		ts := newServer(t, nil)
		r := ts.room("")
		_, resp, err := rawDial(t, ts, path(r), "http://evil.example")
		if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
			t.Fatalf("foreign origin: err %v, resp %v", err, resp)
		}
		var fe fault.Error
		if json.NewDecoder(resp.Body).Decode(&fe) != nil || fe.Code != fault.Forbidden {
			t.Fatalf("foreign origin refusal body: %+v", fe)
		}
		if _, _, err := rawDial(t, ts, path(r), ts.url); err != nil {
			t.Fatalf("same origin refused: %v", err)
		}
		if _, _, err := rawDial(t, ts, path(r), ""); err != nil {
			t.Fatalf("no origin (not a browser) refused: %v", err)
		}
	})
	t.Run("a list", func(t *testing.T) {
		ts := newServer(t, func(c *server.Config) { c.AllowedOrigins = []string{"https://debate.school.example"} })
		r := ts.room("")
		if _, _, err := rawDial(t, ts, path(r), "https://debate.school.example"); err != nil {
			t.Fatalf("listed origin refused: %v", err)
		}
		if _, resp, err := rawDial(t, ts, path(r), ts.url); err == nil || resp.StatusCode != 403 {
			t.Fatalf("unlisted origin (even this host) accepted: %v", err)
		}
	})
	t.Run("any", func(t *testing.T) {
		ts := newServer(t, func(c *server.Config) { c.AllowedOrigins = []string{"*"} })
		r := ts.room("")
		if _, _, err := rawDial(t, ts, path(r), "http://anything.example"); err != nil {
			t.Fatalf("* refused an origin: %v", err)
		}
	})
}

// A socket that keeps sending past its rate gets rate_limited errors, then is closed
// with CloseFlood. The clock does not move, so the limiter refills nothing.
func TestFloodCloses(t *testing.T) {
	ts := newServer(t, func(c *server.Config) {
		c.CommandRate, c.CommandBurst, c.FloodRefusals = 2, 4, 10
	})
	r := ts.room("")
	teacher := ts.dial(r.Code, r.TeacherKey)
	limited := 0
	for i := 0; i < 40; i++ {
		if err := teacher.SendRaw(ctxT(t), []byte(`{"v":1,"type":"ping"}`)); err != nil {
			break // closed under us
		}
	}
	for {
		f, err := teacher.Next(ctxT(t))
		if err != nil {
			t.Fatal(err)
		}
		if f.Type == "error" && f.Err.Code == fault.RateLimited {
			limited++
		}
		if f.Type == "closing" {
			if f.CloseCode != protocol.CloseFlood {
				t.Fatalf("closed with %d %q, want %d", f.CloseCode, f.Reason, protocol.CloseFlood)
			}
			break
		}
	}
	if limited == 0 {
		t.Fatal("no rate_limited error before the flood close")
	}
}

func TestRemovedPlayerIsClosedAndLockedOut(t *testing.T) {
	ts := newServer(t, nil)
	r := ts.room("")
	p := ts.join(r.Code, "Anna")
	teacher := ts.dial(r.Code, r.TeacherKey)
	student := ts.dial(r.Code, p.Token)
	if _, err := teacher.Send(ctxT(t), "removePlayer", map[string]string{"playerId": p.PlayerID}); err != nil {
		t.Fatal(err)
	}
	if f := waitClosing(t, student); f.CloseCode != protocol.CloseRemoved {
		t.Fatalf("removed player's socket closed with %d %q", f.CloseCode, f.Reason)
	}
	_, err := ts.client.Dial(ctxT(t), r.Code, p.Token, nil)
	wantFault(t, err, fault.Unauthorized)
	_, err = ts.client.DialSSE(ctxT(t), r.Code, p.Token, nil)
	wantFault(t, err, fault.Unauthorized)
	_, err = ts.client.Dial(ctxT(t), r.Code, p.Token, &client.Options{UseTicket: true})
	wantFault(t, err, fault.Unauthorized)
}

// A client that drops and resumes gets exactly the events it missed, no gaps.
func TestResumeAfterDisconnect(t *testing.T) {
	ts := newServer(t, nil)
	r := ts.room("")
	p := ts.join(r.Code, "Anna")
	teacher := ts.dial(r.Code, r.TeacherKey)
	student := ts.dial(r.Code, p.Token)
	if _, err := teacher.Send(ctxT(t), "announce", map[string]string{"text": "one"}); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, student, "announced")
	student.Disconnect()
	var last uint64
	for _, text := range []string{"two", "three", "four"} {
		seq, err := teacher.Send(ctxT(t), "announce", map[string]string{"text": text})
		if err != nil {
			t.Fatal(err)
		}
		last = seq
	}
	if err := student.Resume(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if err := student.WaitSeq(ctxT(t), last); err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, e := range student.Events() {
		if e.Type == "announced" {
			var d struct{ Text string }
			json.Unmarshal(e.Data, &d)
			texts = append(texts, d.Text)
		}
	}
	if strings.Join(texts, ",") != "one,two,three,four" {
		t.Fatalf("student saw announcements %v", texts)
	}
	if gaps := student.Gaps(); len(gaps) != 0 {
		t.Fatalf("gaps: %v", gaps)
	}
}

// Shutdown closes every socket with CloseRestart and every stream with a closing frame
// carrying it; new sockets are refused.
func TestShutdownTellsClientsToReconnect(t *testing.T) {
	ts := newServer(t, nil)
	r := ts.room("")
	p := ts.join(r.Code, "Anna")
	ws := ts.dial(r.Code, r.TeacherKey)
	sse, err := ts.client.DialSSE(ctxT(t), r.Code, p.Token, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sse.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := ts.srv.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if f := waitClosing(t, ws); f.CloseCode != protocol.CloseRestart {
		t.Fatalf("socket closed with %d %q", f.CloseCode, f.Reason)
	}
	if f := waitClosing(t, sse); f.CloseCode != protocol.CloseRestart {
		t.Fatalf("stream closed with %d %q", f.CloseCode, f.Reason)
	}
	_, err = ts.client.Dial(ctxT(t), r.Code, r.TeacherKey, nil)
	wantFault(t, err, fault.Unavailable)
}

// Past the hard read limit the socket is closed with 1009; below it (but over the
// protocol's limit) the message got a too_large error frame (TestWebSocketBadInput).
func TestHugeMessageClosesSocket(t *testing.T) {
	ts := newServer(t, nil)
	r := ts.room("")
	teacher := ts.dial(r.Code, r.TeacherKey)
	before := ts.last(r.RoomID)
	huge := `{"v":1,"type":"announce","id":"h","data":{"text":"` + strings.Repeat("x", protocol.MaxMessageBytes*5) + `"}}`
	// The server refuses after the frame header, so the client may see its own write
	// cut short by the close; what matters is the close code it is given, and the room.
	if err := teacher.SendRaw(ctxT(t), []byte(huge)); err != nil {
		t.Logf("the client's write ended early: %v", err)
	}
	if f := waitClosing(t, teacher); f.CloseCode != websocket.CloseMessageTooBig {
		t.Fatalf("closed with %d %q, want 1009", f.CloseCode, f.Reason)
	}
	if ts.last(r.RoomID) != before {
		t.Fatal("a huge message changed the room")
	}
}
