package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/classroom-debate/debate/client"
	"github.com/classroom-debate/debate/clock"
	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/engine"
	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/server"
	"github.com/classroom-debate/debate/store/embedded"
)

// testServer is a real server (engine, embedded store in a temp dir, Echo over
// httptest) with a fake clock, so rate limits and ticket expiry move only when a test
// says.
type testServer struct {
	t      *testing.T
	clock  *clock.Fake
	store  *embedded.Store
	hub    *engine.Hub
	srv    *server.Server
	http   *httptest.Server
	url    string
	client *client.Client
	logs   *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var start = time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)

// newServer starts a server; configure may change the server config before it starts.
func newServer(t *testing.T, configure func(*server.Config)) *testServer {
	t.Helper()
	return newServerWithLog(t, nil, configure)
}

// newServerWithLog is newServer with the room log wrapped by wrap (a fault-injecting
// store, say); nil wraps nothing.
func newServerWithLog(t *testing.T, wrap func(engine.Log) engine.Log, configure func(*server.Config)) *testServer {
	t.Helper()
	clk := clock.NewFake(start)
	metrics := server.NewMetrics()
	st, err := embedded.Open(filepath.Join(t.TempDir(), "debate.db"), embedded.Options{Now: clk.Now, OnCommit: metrics.StoreCommit})
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	var roomLog engine.Log = st.Log()
	if wrap != nil {
		roomLog = wrap(roomLog)
	}
	hub, err := engine.New(engine.Config{
		Log: roomLog, Notifier: embedded.NewNotifier(), Directory: st.Directory(), Credentials: st.Credentials(),
		Presence: embedded.NewPresence(), Scenario: economy.Default(), Clock: clk, Logger: log, Observer: metrics,
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg := server.Config{
		Hub:     hub,
		Logger:  log,
		Clock:   clk,
		Metrics: metrics,
		Limits: server.Limits{
			Joins:      embedded.NewLimiter(server.JoinRate, server.JoinBurst, embedded.WithClock(clk.Now)),
			RoomJoins:  embedded.NewLimiter(server.RoomJoinRate, server.RoomJoinBurst, embedded.WithClock(clk.Now)),
			WrongCodes: embedded.NewLimiter(server.WrongCodeRate, server.WrongCodeBurst, embedded.WithClock(clk.Now)),
			Creates:    embedded.NewLimiter(server.CreateRate, server.CreateBurst, embedded.WithClock(clk.Now)),
			Commands:   embedded.NewLimiter(server.CommandRate, server.CommandBurst, embedded.WithClock(clk.Now)),
			Connects:   embedded.NewLimiter(server.ConnectRate, server.ConnectBurst, embedded.WithClock(clk.Now)),
			Blocks:     embedded.NewBlocklist(clk.Now),
		},
	}
	if configure != nil {
		configure(&cfg)
	}
	srv := server.New(cfg)
	hs := httptest.NewServer(srv.Handler())
	ts := &testServer{t: t, clock: clk, store: st, hub: hub, srv: srv, http: hs, url: hs.URL, client: client.New(hs.URL), logs: logs}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		hs.CloseClientConnections()
		hs.Close()
		st.Close()
	})
	return ts
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// room creates a room with optional settings JSON.
func (ts *testServer) room(settings string) client.Room {
	ts.t.Helper()
	req := client.CreateRequest{}
	if settings != "" {
		req.Settings = json.RawMessage(settings)
	}
	r, err := ts.client.CreateRoom(ctxT(ts.t), req)
	if err != nil {
		ts.t.Fatalf("create room: %v", err)
	}
	return r
}

func (ts *testServer) join(code, nickname string) client.Player {
	ts.t.Helper()
	p, err := ts.client.Join(ctxT(ts.t), code, nickname)
	if err != nil {
		ts.t.Fatalf("join %q: %v", nickname, err)
	}
	return p
}

func (ts *testServer) dial(code, secret string) *client.Conn {
	ts.t.Helper()
	c, err := ts.client.Dial(ctxT(ts.t), code, secret, nil)
	if err != nil {
		ts.t.Fatalf("dial: %v", err)
	}
	ts.t.Cleanup(func() {
		c.Close()
		if gaps := c.Gaps(); len(gaps) > 0 {
			ts.t.Errorf("sequence gaps: %v", gaps)
		}
	})
	return c
}

// last is the room's stored last seq: "nothing changed" means it did not move.
func (ts *testServer) last(roomID string) uint64 {
	ts.t.Helper()
	n, err := ts.store.Log().Last(context.Background(), roomID)
	if err != nil {
		ts.t.Fatal(err)
	}
	return n
}

// do sends a raw HTTP request and returns status and body.
func (ts *testServer) do(method, path, bearer string, body string, header ...string) (int, []byte) {
	ts.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctxT(ts.t), method, ts.url+path, rd)
	if err != nil {
		ts.t.Fatal(err)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json") // as every client sends a body
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	status, _, b := ts.doResp(req)
	return status, b
}

// doResp sends a request and returns status, header and body.
func (ts *testServer) doResp(req *http.Request) (int, http.Header, []byte) {
	ts.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

// doHeader is do, returning the response header too.
func (ts *testServer) doHeader(method, path, bearer, body string, header ...string) (int, http.Header, []byte) {
	ts.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctxT(ts.t), method, ts.url+path, rd)
	if err != nil {
		ts.t.Fatal(err)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return ts.doResp(req)
}

// wantError checks an error response: status, JSON {"code","message"} with code.
func wantError(t *testing.T, status int, body []byte, wantStatus int, wantCode fault.Code) {
	t.Helper()
	var fe fault.Error
	if err := json.Unmarshal(body, &fe); err != nil {
		t.Fatalf("error body %q is not JSON: %v", body, err)
	}
	if status != wantStatus || fe.Code != wantCode || fe.Message == "" {
		t.Fatalf("got %d %s (%q), want %d %s", status, fe.Code, fe.Message, wantStatus, wantCode)
	}
}

// wantFault checks that err carries code.
func wantFault(t *testing.T, err error, code fault.Code) {
	t.Helper()
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Code != code {
		t.Fatalf("error = %v, want code %s", err, code)
	}
}

// waitEvent reads frames until an event of type typ arrives.
func waitEvent(t *testing.T, c *client.Conn, typ string) client.Frame {
	t.Helper()
	f, err := c.WaitFor(ctxT(t), func(f client.Frame) bool { return f.Type == "event" && f.Event.Type == typ })
	if err != nil {
		t.Fatalf("waiting for event %s: %v", typ, err)
	}
	return f
}

// waitClosing reads frames until the stream ends and returns the closing frame.
func waitClosing(t *testing.T, c *client.Conn) client.Frame {
	t.Helper()
	f, err := c.WaitFor(ctxT(t), func(f client.Frame) bool { return f.Type == "closing" })
	if err != nil {
		t.Fatalf("waiting for the stream to close: %v", err)
	}
	return f
}
