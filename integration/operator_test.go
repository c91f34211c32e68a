package integration

import (
	"strings"
	"testing"
	"time"

	"github.com/classroom-debate/debate/client"
	"github.com/classroom-debate/debate/protocol"
	"github.com/classroom-debate/debate/store/redis/redistest"
)

// /readyz answers 503 with the reason while the connected Redis can lose acknowledged
// commands (here: no AOF), unless the operator accepts it with
// --redis-allow-weak-durability.
func TestReadyzNamesRedisWithoutDurability(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Redis and server processes")
	}
	rd := redistest.StartServer(t, redistest.ServerOptions{AOF: false})
	strict := startInstance(t, "strict", "--redis-url", rd.URL())
	status, body := readyz(t, strict.url)
	if status != 503 || !strings.Contains(body, `"unavailable"`) || !strings.Contains(body, "appendonly") || !strings.Contains(body, "appendfsync") {
		t.Fatalf("/readyz on a Redis without AOF: %d %s; want 503 naming appendonly and appendfsync", status, body)
	}
	ctx := testCtx(t, 30*time.Second)
	waitFor(ctx, t, "a warning in the log", func() bool {
		return strings.Contains(strict.logs(), "level=WARN") && strings.Contains(strict.logs(), "appendonly")
	})
	weak := startInstance(t, "weak", "--redis-url", rd.URL(), "--redis-allow-weak-durability")
	if status, body := readyz(t, weak.url); status != 200 {
		t.Fatalf("/readyz with --redis-allow-weak-durability: %d %s", status, body)
	}
}

// The retention sweep deletes a room's keys in Redis, and the instances still holding
// the room close its viewers.
func TestRetentionDeletesARoomsRedisKeys(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Redis and server processes")
	}
	rd, ins := redisInstances(t, 1)
	ctx := testCtx(t, time.Minute)
	c := newClass(ctx, t, ins, 3, nil)
	c.advance(ctx, "start")
	admin := rd.Client()
	roomKeys := func() []string {
		var out []string
		iter := admin.Scan(ctx, 0, "*", 100).Iterator()
		for iter.Next(ctx) {
			k := iter.Val()
			// Rate limits and blocks are per address, not per room.
			if strings.Contains(k, ":rate:") || strings.Contains(k, ":block:") {
				continue
			}
			out = append(out, k)
		}
		if err := iter.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	if keys := roomKeys(); len(keys) < 4 || !strings.Contains(strings.Join(keys, " "), c.roomID) {
		t.Fatalf("the room's keys before the sweep: %v", keys)
	}
	watcher, err := ins[0].client().Dial(ctx, c.code, c.keys.TeacherKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer watcher.Close()
	if _, err := watcher.WaitFor(ctx, func(f client.Frame) bool { return f.Type == "snapshot" }); err != nil {
		t.Fatal(err)
	}
	// An instance with a retention of a nanosecond sweeps the room at start.
	sweeper := startInstance(t, "sweeper", "--redis-url", rd.URL(), "--retention", "1ns")
	waitFor(ctx, t, "the room's keys to go", func() bool { return len(roomKeys()) == 0 })
	f, err := watcher.WaitFor(ctx, func(f client.Frame) bool { return f.Type == "closing" })
	if err != nil || f.CloseCode != protocol.CloseDeleted {
		t.Fatalf("the teacher's socket on the other instance: %+v, %v; want closed as deleted", f, err)
	}
	if _, err := sweeper.client().Join(ctx, c.code, "Late"); err == nil {
		t.Fatal("joining the swept room worked")
	}
}
