package integration

import (
	"strings"
	"testing"
	"time"

	"github.com/classroom-debate/debate/client"
	"github.com/classroom-debate/debate/protocol"
	"github.com/classroom-debate/debate/store/redis/redistest"
)

// Redis restarts without its append-only file (the operator accepted weak durability):
// the rooms are gone from it. The instances notice rather than serve rooms Redis no
// longer has: they log a warning and close the room's streams as deleted, and the room
// is not found any more.
func TestRedisThatLostEverything(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Redis and server processes")
	}
	rd := redistest.StartServer(t, redistest.ServerOptions{AOF: false})
	ins := []*instance{
		startInstance(t, "A", "--redis-url", rd.URL(), "--redis-allow-weak-durability"),
		startInstance(t, "B", "--redis-url", rd.URL(), "--redis-allow-weak-durability"),
	}
	ctx := testCtx(t, 20*time.Second)
	c := newClass(ctx, t, ins, 4, nil)
	c.advance(ctx, "start")
	var watchers []*client.Conn
	for _, in := range ins {
		w, err := in.client().Dial(ctx, c.code, c.keys.TeacherKey, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		if _, err := w.WaitFor(ctx, func(f client.Frame) bool { return f.Type == "snapshot" }); err != nil {
			t.Fatal(err)
		}
		watchers = append(watchers, w)
	}
	rd.Restart() // without the AOF: empty
	for _, in := range ins {
		waitStatus(ctx, t, in, 200)
	}
	// A student's command on each instance meets the loss (if the resubscription did
	// not tell the instance first).
	for i, in := range ins {
		for _, p := range c.students {
			if p.at == in {
				if _, err := p.current().Send(ctx, "announce", nil); err == nil {
					t.Errorf("a command in a room Redis lost was acknowledged on %s", in.name)
				}
				break
			}
		}
		f, err := watchers[i].WaitFor(ctx, func(f client.Frame) bool { return f.Type == "closing" })
		if err != nil || f.CloseCode != protocol.CloseDeleted {
			t.Fatalf("the teacher's stream on %s: %+v, %v; want closed as deleted\n%s", in.name, f, err, in.logs())
		}
		waitFor(ctx, t, "the warning on "+in.name, func() bool {
			return strings.Contains(in.logs(), "level=WARN") && strings.Contains(in.logs(), "gone from the store")
		})
	}
	if _, err := ins[0].client().Join(ctx, c.code, "Late"); err == nil {
		t.Fatal("joining a room Redis lost worked")
	}
}
