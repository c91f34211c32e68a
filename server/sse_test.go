package server_test

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/classroom-debate/debate/client"
	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/protocol"
	"github.com/classroom-debate/debate/room"
	"github.com/classroom-debate/debate/server"
	"github.com/classroom-debate/debate/store/embedded"
)

// The fallback runs the same protocol: frames over SSE, commands by POST, the same seqs
// and acks as a WebSocket client sees.
func TestSSEFallback(t *testing.T) {
	ts := newServer(t, nil)
	r := ts.room("")
	p := ts.join(r.Code, "Anna")
	teacher := ts.dial(r.Code, r.TeacherKey)
	sse, err := ts.client.DialSSE(ctxT(t), r.Code, p.Token, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sse.Close()
	if w := sse.Welcome(); w.Principal != (room.Principal{Kind: room.Player, PlayerID: p.PlayerID}) || w.RoomID != r.RoomID {
		t.Fatalf("SSE welcome = %+v", w)
	}
	if _, err := sse.WaitFor(ctxT(t), func(f client.Frame) bool { return f.Type == "snapshot" }); err != nil {
		t.Fatal(err)
	}

	seq, err := teacher.Send(ctxT(t), "announce", map[string]string{"text": "Over the fallback."})
	if err != nil {
		t.Fatal(err)
	}
	if f := waitEvent(t, sse, "announced"); f.Seq != seq {
		t.Fatalf("SSE event seq %d, ack %d", f.Seq, seq)
	}

	// A command by POST: refused with its code, nothing changed.
	before := ts.last(r.RoomID)
	_, err = sse.Send(ctxT(t), "argue", map[string]string{"text": "Grain", "decision": "pace", "option": "slow"})
	wantFault(t, err, fault.WrongPhase)
	_, err = sse.Send(ctxT(t), "start", nil)
	wantFault(t, err, fault.Forbidden)
	if got := ts.last(r.RoomID); got != before {
		t.Fatalf("refused POSTs changed the room: %d → %d", before, got)
	}

	// Accepted by POST, deduplicated by id; the WebSocket client sees the same seqs.
	if _, err := teacher.Send(ctxT(t), "start", nil); err != nil {
		t.Fatal(err)
	}
	mark := ts.last(r.RoomID)
	staffSSE, err := ts.client.DialSSE(ctxT(t), r.Code, r.CoTeacherKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer staffSSE.Close()
	a1, err := staffSSE.SendWithID(ctxT(t), "post-1", "announce", map[string]string{"text": "By POST."})
	if err != nil {
		t.Fatal(err)
	}
	a2, err := staffSSE.SendWithID(ctxT(t), "post-1", "announce", map[string]string{"text": "By POST."})
	if err != nil || a1 != a2 || a1 <= mark || ts.last(r.RoomID) != a1 {
		t.Fatalf("POST dedup: acks %d, %d (%v), last %d", a1, a2, err, ts.last(r.RoomID))
	}
	for _, c := range []*client.Conn{teacher, sse, staffSSE} {
		if err := c.WaitSeq(ctxT(t), a1); err != nil {
			t.Fatal(err)
		}
	}
	wsSeqs, sseSeqs := seqsFrom(teacher.Events(), 2), seqsFrom(sse.Events(), 2)
	if wsSeqs != sseSeqs {
		t.Fatalf("WebSocket saw %s, SSE saw %s", wsSeqs, sseSeqs)
	}
	if len(sse.Gaps()) > 0 || len(staffSSE.Gaps()) > 0 {
		t.Fatalf("gaps: %v %v", sse.Gaps(), staffSSE.Gaps())
	}

	// Resume over SSE from the last seq: only what was missed.
	sse.Disconnect()
	missed, err := teacher.Send(ctxT(t), "announce", map[string]string{"text": "While you were away."})
	if err != nil {
		t.Fatal(err)
	}
	if err := sse.Resume(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if err := sse.WaitSeq(ctxT(t), missed); err != nil {
		t.Fatal(err)
	}
	if evs := sse.Events(); evs[len(evs)-1].Seq != missed || evs[len(evs)-2].Seq != missed-1 {
		t.Fatalf("after resume the events end %v", evs[len(evs)-2:])
	}
	if len(sse.Gaps()) > 0 {
		t.Fatalf("gaps after resume: %v", sse.Gaps())
	}
}

func seqsFrom(events []room.Event, from uint64) string {
	var b strings.Builder
	for _, e := range events {
		if e.Seq >= from {
			b.WriteString(strconv.FormatUint(e.Seq, 10) + ":" + e.Type + " ")
		}
	}
	return b.String()
}

// The raw stream: an id line per event, the welcome first, and Last-Event-ID honoured.
func TestSSEWireFormat(t *testing.T) {
	ts := newServer(t, nil)
	r := ts.room("")
	teacher := ts.dial(r.Code, r.TeacherKey)
	seq, err := teacher.Send(ctxT(t), "announce", map[string]string{"text": "x"})
	if err != nil {
		t.Fatal(err)
	}
	tk, err := ts.client.Ticket(ctxT(t), r.Code, r.ProjectorKey)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(ctxT(t), "GET", ts.url+"/api/rooms/"+r.Code+"/events?ticket="+tk.Ticket, nil)
	req.Header.Set("Last-Event-ID", strconv.FormatUint(seq-1, 10))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	sc := bufio.NewScanner(resp.Body)
	var lines []string
	for len(lines) < 5 && sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if !strings.HasPrefix(lines[0], `data: {"v":1,"type":"welcome"`) || lines[1] != "" {
		t.Fatalf("stream starts %q", lines)
	}
	// Resumed after seq-1: the next message is event seq, with its id.
	if lines[2] != "id: "+strconv.FormatUint(seq, 10) || !strings.HasPrefix(lines[3], `data: {"v":1,"type":"event"`) {
		t.Fatalf("expected event %d with its id, got %q", seq, lines[2:])
	}
}

func TestSSERefusals(t *testing.T) {
	ts := newServer(t, nil)
	r := ts.room("")
	p := ts.join(r.Code, "Anna")
	base := "/api/rooms/" + r.Code + "/events"
	tk, _ := ts.client.Ticket(ctxT(t), r.Code, r.TeacherKey)
	tests := []struct {
		name, path, bearer string
		status             int
		code               fault.Code
	}{
		{"no ticket", base, "", 401, fault.Unauthorized},
		{"a key in the URL", base + "?key=" + r.TeacherKey, "", 401, fault.Unauthorized},
		{"a token as the ticket", base + "?ticket=" + p.Token, "", 401, fault.Unauthorized},
		{"a key as the ticket", base + "?ticket=" + r.TeacherKey, "", 401, fault.Unauthorized},
		{"a key in the header only", base, r.TeacherKey, 401, fault.Unauthorized},
		{"no such room", "/api/rooms/ZZZZZZZZ/events?ticket=" + tk.Ticket, "", 401, fault.Unauthorized},
		{"bad after", base + "?ticket=x&after=minus-one", "", 400, fault.Malformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := ts.do("GET", tt.path, tt.bearer, "")
			wantError(t, status, body, tt.status, tt.code)
		})
	}
}

func TestCommandsOverHTTP(t *testing.T) {
	ts := newServer(t, func(c *server.Config) {
		c.Limits.Commands = embedded.NewLimiter(1, 3, embedded.WithClock(c.Clock.Now))
	})
	r := ts.room("")
	path := "/api/rooms/" + r.Code + "/commands"
	before := ts.last(r.RoomID)
	frame := func(status int, body []byte, wantStatus int, code fault.Code, id string) {
		t.Helper()
		var f struct {
			V       int        `json:"v"`
			Type    string     `json:"type"`
			ID      string     `json:"id"`
			Code    fault.Code `json:"code"`
			Message string     `json:"message"`
		}
		if err := json.Unmarshal(body, &f); err != nil || status != wantStatus || f.Code != code || f.ID != id || f.Message == "" {
			t.Fatalf("got %d %s, want %d %s id %q", status, body, wantStatus, code, id)
		}
	}
	status, body := ts.do("POST", path, "", `{"v":1,"type":"announce","id":"a","data":{"text":"x"}}`)
	wantError(t, status, body, 401, fault.Unauthorized)
	status, body = ts.do("POST", path, "pt_nothing", `{"v":1,"type":"announce","id":"a","data":{"text":"x"}}`)
	wantError(t, status, body, 401, fault.Unauthorized)

	status, body = ts.do("POST", path, r.TeacherKey, `{"v":1,"type":"announce","id":"m1","data":`)
	frame(status, body, 400, fault.Malformed, "")
	status, body = ts.do("POST", path, r.TeacherKey, `{"v":1,"type":"announce","id":"big","data":{"text":"`+strings.Repeat("x", protocol.MaxMessageBytes)+`"}}`)
	frame(status, body, 413, fault.TooLarge, "")
	status, body = ts.do("POST", path, r.TeacherKey, `{"v":1,"type":"hello","key":"`+r.TeacherKey+`"}`)
	frame(status, body, 400, fault.Malformed, "")
	status, body = ts.do("POST", path, r.TeacherKey, `{"v":1,"type":"ping"}`)
	if status != 200 || string(body) != string(protocol.PongFrame()) {
		t.Fatalf("ping = %d %s", status, body)
	}
	if got := ts.last(r.RoomID); got != before {
		t.Fatalf("refused POSTs changed the room: %d → %d", before, got)
	}
	status, body = ts.do("POST", path, r.TeacherKey, `{"v":1,"type":"announce","id":"ok1","data":{"text":"Fine."}}`)
	if status != 200 || string(body) != string(protocol.AckFrame("ok1", before+1)) {
		t.Fatalf("accepted POST = %d %s", status, body)
	}
	// The limiter (burst 3) has let three commands through; the fourth is refused.
	ts.do("POST", path, r.TeacherKey, `{"v":1,"type":"announce","id":"ok2","data":{"text":"Fine."}}`)
	ts.do("POST", path, r.TeacherKey, `{"v":1,"type":"announce","id":"ok3","data":{"text":"Fine."}}`)
	status, body = ts.do("POST", path, r.TeacherKey, `{"v":1,"type":"announce","id":"ok4","data":{"text":"Fine."}}`)
	frame(status, body, 429, fault.RateLimited, "ok4")
}
