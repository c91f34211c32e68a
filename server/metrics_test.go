package server_test

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/classroom-debate/debate/client"
	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/room"
	"github.com/classroom-debate/debate/server"
	"github.com/classroom-debate/debate/store/embedded"
)

// scrape reads /metrics as name{labels} → value.
func (ts *testServer) scrape(token string) map[string]float64 {
	ts.t.Helper()
	status, body := ts.do("GET", "/metrics", token, "")
	if status != http.StatusOK {
		ts.t.Fatalf("GET /metrics = %d %s", status, body)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			ts.t.Fatalf("metrics line %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	return out
}

// A short game by real clients (WebSocket and SSE) moves every counter it should.
func TestMetricsAfterAShortGame(t *testing.T) {
	ts := newServer(t, func(c *server.Config) {
		c.AdminToken = "ops-token"
		c.Limits.Creates = embedded.NewLimiter(0.001, 1, embedded.WithClock(c.Clock.Now))
	})
	status, body := ts.do("GET", "/metrics", "", "")
	wantError(t, status, body, http.StatusUnauthorized, fault.Unauthorized)
	before := ts.scrape("ops-token")

	r := ts.room("")
	status, body = ts.do("POST", "/api/rooms", "", "") // over the create limit
	wantError(t, status, body, http.StatusTooManyRequests, fault.RateLimited)
	teacher := ts.dial(r.Code, r.TeacherKey)
	projector, err := ts.client.DialSSE(ctxT(t), r.Code, r.ProjectorKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer projector.Close()
	var students []*client.Conn
	for i := 0; i < 4; i++ {
		p := ts.join(r.Code, fmt.Sprintf("Student %d", i))
		students = append(students, ts.dial(r.Code, p.Token))
	}
	if _, err := students[0].Send(ctxT(t), "start", nil); fault.CodeOf(err) != fault.Forbidden {
		t.Fatalf("a student starts the game: %v", err)
	}
	mustSend(t, teacher, "start", nil)
	mustSend(t, teacher, "advance", nil) // briefing → debate
	y, _ := economy.Default().Year(1928)
	d := y.Decisions[0]
	for i, s := range students {
		mustSend(t, s, "argue", map[string]string{"text": "We need the grain for the towns, and seed for the spring.", "decision": d.ID, "option": d.Options[i%len(d.Options)].ID})
	}
	// One student drops and resumes from its last seq: a reconnect with a catch-up.
	students[1].Disconnect()
	mustSend(t, students[0], "argue", map[string]string{"text": "The village will not survive another requisition.", "decision": d.ID, "option": d.Options[0].ID})
	if err := students[1].Resume(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	last := ts.last(r.RoomID)
	if err := students[1].WaitSeq(ctxT(t), last); err != nil {
		t.Fatal(err)
	}
	if err := projector.WaitSeq(ctxT(t), last); err != nil {
		t.Fatal(err)
	}
	if v := teacher.Events(); len(v) == 0 || v[len(v)-1].Type != room.EvArgumentPosted {
		t.Fatalf("the teacher's last event: %+v", v)
	}

	// The dropped socket's handler may still be returning: wait until the gauges settle.
	want := map[string]float64{
		`debate_connections{transport="ws"}`:  5,
		`debate_connections{transport="sse"}`: 1,
		`debate_rooms`:                        1,
	}
	ctx := ctxT(t)
	var after map[string]float64
	for settled := false; !settled; {
		after = ts.scrape("ops-token")
		settled = true
		for name, v := range want {
			settled = settled && after[name] == v
		}
		if !settled && ctx.Err() != nil {
			t.Fatalf("gauges never settled: ws %v, sse %v, rooms %v", after[`debate_connections{transport="ws"}`],
				after[`debate_connections{transport="sse"}`], after[`debate_rooms`])
		}
	}
	moved := func(name string, atLeast float64) {
		t.Helper()
		if got := after[name] - before[name]; got < atLeast {
			t.Errorf("%s moved by %v, want at least %v", name, got, atLeast)
		}
	}
	moved(`debate_commands_total{result="ok"}`, 7)
	moved(`debate_commands_total{result="forbidden"}`, 1)
	moved(`debate_command_seconds_count`, 8)
	moved(`debate_events_total`, 11) // created, joins, start, phases, arguments
	moved(`debate_append_seconds_count`, 7)
	moved(`debate_append_batch_events_count`, 7)
	moved(`debate_resumes_total{how="events"}`, 1)
	moved(`debate_catchup_events_total`, 1)
	moved(`debate_rate_limit_refusals_total{limit="creates"}`, 1)
	moved(`debate_store_commit_writes_count`, 1)
	moved(`debate_store_commit_writes_sum`, 7)
	if after[`debate_command_seconds_sum`] <= 0 || after[`go_goroutines`] <= 0 {
		t.Errorf("latency sum %v, goroutines %v", after[`debate_command_seconds_sum`], after[`go_goroutines`])
	}
}

func mustSend(t *testing.T, c *client.Conn, typ string, data any) uint64 {
	t.Helper()
	seq, err := c.Send(ctxT(t), typ, data)
	if err != nil {
		t.Fatalf("%s: %v", typ, err)
	}
	return seq
}
