package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/classroom-debate/debate/client"
	"github.com/classroom-debate/debate/protocol"
)

func TestParseServe(t *testing.T) {
	t.Setenv("DEBATE_ADDR", ":9090")
	t.Setenv("DEBATE_TEACHER_CODE", "owl")
	cfg, err := parseServe([]string{"--data-dir", "/tmp/x", "--trusted-proxies", "10.0.0.0/8, 192.168.1.7",
		"--allowed-origins", "https://a.example/,https://b.example", "--log-level", "debug", "--retention", "48h"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.addr != ":9090" || cfg.teacherCode != "owl" || cfg.dataDir != "/tmp/x" || cfg.retention != 48*time.Hour ||
		len(cfg.trustedProxies) != 2 || cfg.trustedProxies[1].String() != "192.168.1.7/32" ||
		strings.Join(cfg.allowedOrigins, " ") != "https://a.example https://b.example" || cfg.logLevel.String() != "DEBUG" ||
		cfg.shutdownTimeout != 15*time.Second || cfg.logFormat != "text" {
		t.Fatalf("parsed %+v", cfg)
	}
	// A flag wins over its variable.
	cfg, err = parseServe([]string{"--addr", "127.0.0.1:1"}, io.Discard)
	if err != nil || cfg.addr != "127.0.0.1:1" {
		t.Fatalf("flag over env: %+v %v", cfg, err)
	}
}

func TestParseServeRedis(t *testing.T) {
	t.Setenv("DEBATE_REDIS_URL", "redis://redis:6379")
	t.Setenv("DEBATE_REDIS_ALLOW_WEAK_DURABILITY", "true")
	cfg, err := parseServe(nil, io.Discard)
	if err != nil || cfg.redisURL != "redis://redis:6379" || !cfg.redisAllowWeak || cfg.redisPrefix != "debate:" {
		t.Fatalf("from the environment: %+v %v", cfg, err)
	}
	cfg, err = parseServe([]string{"--redis-allow-weak-durability=false", "--redis-prefix", "school-a:"}, io.Discard)
	if err != nil || cfg.redisAllowWeak || cfg.redisPrefix != "school-a:" {
		t.Fatalf("flags over the environment: %+v %v", cfg, err)
	}
	t.Setenv("DEBATE_REDIS_ALLOW_WEAK_DURABILITY", "maybe")
	if _, err := parseServe(nil, io.Discard); err == nil || !strings.Contains(err.Error(), "DEBATE_REDIS_ALLOW_WEAK_DURABILITY") {
		t.Fatalf("a bad variable: %v", err)
	}
	t.Setenv("DEBATE_REDIS_URL", "")
	t.Setenv("DEBATE_REDIS_ALLOW_WEAK_DURABILITY", "")
	if cfg, err := parseServe([]string{"--redis-allow-weak-durability"}, io.Discard); err != nil || !cfg.redisAllowWeak || cfg.redisURL != "" {
		t.Fatalf("the bare flag: %+v %v", cfg, err)
	}
}

func TestServeRefusesBadFlags(t *testing.T) {
	tests := [][]string{
		{"--log-format", "xml"},
		{"--log-level", "loud"},
		{"--retention", "-1h"},
		{"--retention", "a month"},
		{"--shutdown-timeout", "0s"},
		{"--trusted-proxies", "the school"},
		{"--allowed-origins", "ftp://files.example"},
		{"--allowed-origins", "https://a.example/path"},
		{"--public-url", "debate.example"},
		{"--redis-url", "http://redis.example"},
		{"--redis-url", "redis://localhost:6379", "--redis-prefix", "a{b}"},
		{"--no-such-flag"},
		{"extra-argument"},
	}
	for _, args := range tests {
		var stderr bytes.Buffer
		if code := runServe(args, io.Discard, &stderr); code != 2 || stderr.Len() == 0 {
			t.Errorf("runServe(%q) = %d, stderr %q; want 2 and a message", args, code, stderr.String())
		}
	}
}

// startServe runs serve in the background and returns its URL and a stop function
// that waits for it to return.
func startServe(t *testing.T, dataDir string, extra ...string) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, w := io.Pipe()
	done := make(chan error, 1)
	cfg, err := parseServe(append([]string{"--addr", "127.0.0.1:0", "--data-dir", dataDir, "--log-level", "warn"}, extra...), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		done <- serve(ctx, cfg, w, io.Discard)
		w.Close()
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("no listening line: %v (%v)", err, <-done)
	}
	go io.Copy(io.Discard, out)
	url := strings.TrimSpace(strings.TrimPrefix(line, "debate: listening on "))
	stopped := false
	stop := func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		return <-done
	}
	t.Cleanup(func() { stop() })
	return url, stop
}

// The real wiring: serve on a port, play a little, stop with the signal path (sockets
// told to reconnect), start again on the same data directory: the room is back.
func TestServeStopsGracefullyAndKeepsRooms(t *testing.T) {
	dir := t.TempDir()
	url, stop := startServe(t, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := http.Get(url + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", resp, err)
	}
	resp.Body.Close()

	c := client.New(url)
	room, err := c.CreateRoom(ctx, client.CreateRequest{})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := c.Dial(ctx, room.Code, room.TeacherKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	seq, err := conn.Send(ctx, "announce", map[string]string{"text": "Before the restart."})
	if err != nil {
		t.Fatal(err)
	}
	if err := stop(); err != nil {
		t.Fatalf("serve returned %v", err)
	}
	f, err := conn.WaitFor(ctx, func(f client.Frame) bool { return f.Type == "closing" })
	if err != nil || f.CloseCode != protocol.CloseRestart {
		t.Fatalf("socket closed with %+v, %v; want %d", f, err, protocol.CloseRestart)
	}

	url2, _ := startServe(t, dir)
	c2 := client.New(url2)
	again, err := c2.Dial(ctx, room.Code, room.TeacherKey, &client.Options{After: &seq})
	if err != nil {
		t.Fatalf("teacher key after restart: %v", err)
	}
	defer again.Close()
	if again.Welcome().RoomID != room.RoomID {
		t.Fatalf("welcome after restart: %+v", again.Welcome())
	}
	if _, err := c2.Join(ctx, room.Code, "Anna"); err != nil {
		t.Fatalf("join after restart: %v", err)
	}
}
