package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/classroom-debate/debate/client"
	"github.com/classroom-debate/debate/room"
)

// Each fault test runs on a redis-server of its own with appendonly yes and appendfsync
// always, and ends with converge: every client has every event once, in order, and
// every acknowledged command is in the exported log, counted.

// chatter has every student (but the Historian, when voting) send commands in a loop
// until stop is closed: arguments in the debate, votes (changes of mind included) in
// the vote. Lost answers are sent again with the same id; unavailable answers wait for
// the instance to be ready and are sent again.
func (c *class) chatter(ctx context.Context, vote bool, stop <-chan struct{}) (wait func()) {
	y := c.year()
	var wg sync.WaitGroup
	for i, p := range c.students {
		if vote && p.role == "historian" {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				d := y.Decisions[(i+n)%len(y.Decisions)]
				o := d.Options[(i+n)%len(d.Options)]
				var err error
				if vote {
					_, err = c.try(ctx, p, "vote", map[string]string{"decision": d.ID, "option": o.ID})
				} else {
					_, err = c.try(ctx, p, "argue", map[string]string{"text": fmt.Sprintf("%s, argument %d.", p.name, n), "decision": d.ID, "option": o.ID})
				}
				if err != nil {
					c.t.Errorf("%s: %v", p.name, err)
					return
				}
			}
		}()
	}
	return wg.Wait
}

// waitAcks waits until at least n commands are acknowledged in all.
func (c *class) waitAcks(ctx context.Context, n int) {
	c.t.Helper()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for len(c.acked.all()) < n {
		select {
		case <-ctx.Done():
			c.t.Fatalf("waiting for %d acks (have %d): %v", n, len(c.acked.all()), ctx.Err())
		case <-tick.C:
		}
	}
}

// An instance is SIGKILLed mid-debate: its clients resume on another from their seq,
// commands whose answer was lost are sent again with the same id, and nothing
// acknowledged is lost or doubled.
func TestInstanceKilledMidDebate(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Redis and server processes")
	}
	_, ins := redisInstances(t, 3)
	ctx := testCtx(t, 2*time.Minute)
	c := newClass(ctx, t, ins, 9, nil)
	c.advance(ctx, "start")
	c.advance(ctx, "advance")
	stop := make(chan struct{})
	wait := c.chatter(ctx, false, stop)
	c.waitAcks(ctx, 40)
	ins[0].kill()
	before := len(c.acked.all())
	c.waitAcks(ctx, before+40)
	close(stop)
	wait()
	if t.Failed() {
		t.FailNow()
	}
	moved := 0
	for _, p := range c.students {
		moved += p.reconnects
	}
	if moved == 0 {
		t.Fatal("no student was on the killed instance mid-command: the test tested nothing")
	}
	log := c.converge(ctx)
	if ev, ack := c.countOf(log, room.EvArgumentPosted, "argue"); ev != ack {
		t.Errorf("%d arguments acknowledged, %d in the log", ack, ev)
	}
	t.Logf("%d students resumed on another instance after the kill", moved)
}

// Redis is SIGKILLed mid-vote and restarted: the instances keep their sockets, answer
// commands with unavailable meanwhile (and /readyz with 503), then reconnect, resubscribe
// and catch up; every vote sent again after an unavailable answer counts once.
func TestRedisKilledAndRestartedMidVote(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Redis and server processes")
	}
	rd, ins := redisInstances(t, 2)
	ctx := testCtx(t, 2*time.Minute)
	c := newClass(ctx, t, ins, 8, nil)
	for _, typ := range []string{"start", "advance", "advance"} { // the vote
		c.advance(ctx, typ)
	}
	conns := map[*participant]*client.Conn{}
	for _, p := range c.all {
		conns[p] = p.current()
	}
	stop := make(chan struct{})
	wait := c.chatter(ctx, true, stop)
	c.waitAcks(ctx, 30)
	rd.Kill()
	for _, in := range ins {
		waitStatus(ctx, t, in, 503)
	}
	// Commands sent now are refused as unavailable; wait until some were.
	waitFor(ctx, t, "an unavailable answer", func() bool {
		n := 0
		for _, p := range c.students {
			p.mu.Lock()
			n += p.refusals
			p.mu.Unlock()
		}
		return n > 0
	})
	rd.Restart()
	before := len(c.acked.all())
	c.waitAcks(ctx, before+30)
	close(stop)
	wait()
	if t.Failed() {
		t.FailNow()
	}
	for _, p := range c.all {
		if p.current() != conns[p] || p.reconnects > 0 {
			t.Errorf("%s lost its connection while Redis was down", p.name)
		}
	}
	log := c.converge(ctx)
	if ev, ack := c.countOf(log, room.EvVoteCast, "vote"); ev != ack {
		t.Errorf("%d votes acknowledged, %d in the log", ack, ev)
	}
}

// Only the pub/sub connections are killed (CLIENT KILL TYPE pubsub), repeatedly, while
// three instances take commands: announcements lost meanwhile only delay, and the gaps
// are filled from the log.
func TestPubSubConnectionsKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Redis and server processes")
	}
	rd, ins := redisInstances(t, 3)
	ctx := testCtx(t, 2*time.Minute)
	c := newClass(ctx, t, ins, 9, nil)
	c.advance(ctx, "start")
	c.advance(ctx, "advance")
	admin := rd.Client()
	stop := make(chan struct{})
	wait := c.chatter(ctx, false, stop)
	killed := int64(0)
	for round := 1; round <= 3; round++ {
		c.waitAcks(ctx, 25*round)
		n, err := admin.ClientKillByFilter(ctx, "TYPE", "pubsub").Result()
		if err != nil {
			t.Fatal(err)
		}
		killed += n
	}
	close(stop)
	wait()
	// The last commands' announcements may be the ones lost: one more kill, then nothing
	// but the resubscription tells the instances to look.
	n, err := admin.ClientKillByFilter(ctx, "TYPE", "pubsub").Result()
	if err != nil {
		t.Fatal(err)
	}
	killed += n
	if killed < 3 {
		t.Fatalf("killed %d pub/sub connections; the instances had none?", killed)
	}
	c.advance(ctx, "advance") // the vote, from the teacher's instance
	log := c.converge(ctx)
	if ev, ack := c.countOf(log, room.EvArgumentPosted, "argue"); ev != ack {
		t.Errorf("%d arguments acknowledged, %d in the log", ack, ev)
	}
	t.Logf("killed %d pub/sub connections", killed)
}

// A phase deadline passes while the instance that armed it (the only one the teacher
// and students were on) is dead: the instances that hold the room fire it, once, and the
// killed instance, restarted, does not fire it again.
func TestDeadlineWhileItsInstanceIsDead(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Redis and server processes")
	}
	_, ins := redisInstances(t, 3)
	a, b, cc := ins[0], ins[1], ins[2]
	ctx := testCtx(t, 2*time.Minute)
	// A two-second briefing: the real clock runs in real processes.
	c := newClass(ctx, t, []*instance{a}, 4, json.RawMessage(`{"timers":{"briefing":2,"debate":600}}`))
	// The projector watches from C, so C holds the room and arms its deadlines too.
	if err := c.projector.move(ctx, cc); err != nil {
		t.Fatal(err)
	}
	c.instances = ins
	started := c.advance(ctx, "start")
	a.kill()
	for _, p := range c.all {
		if p.at == a {
			if err := p.reconnect(ctx, func() *instance { return b }); err != nil {
				t.Fatal(err)
			}
		}
	}
	// The deadline fires on B or C; wait for it on everyone's stream.
	for _, p := range c.all {
		if err := p.waitSeq(ctx, started+1); err != nil {
			t.Fatalf("%s never saw the briefing's deadline: %v", p.name, err)
		}
	}
	a.restart()
	if err := c.teacher.move(ctx, a); err != nil {
		t.Fatal(err)
	}
	// A barrier on the restarted instance: it has loaded the room and armed nothing due.
	c.command(ctx, c.teacher, "announce", map[string]string{"text": "Welcome back."})
	log := c.converge(ctx)
	ticks := 0
	for _, e := range log {
		if e.Type == room.EvPhaseChanged && e.By != nil && e.By.Kind == room.System {
			ticks++
			var d room.PhaseChangedData
			if err := json.Unmarshal(e.Data, &d); err != nil || d.Phase != room.Debate || e.Seq != started+1 {
				t.Errorf("the timer's event at %d: %s", e.Seq, e.Data)
			}
		}
	}
	if ticks != 1 {
		t.Fatalf("the briefing's deadline fired %d times", ticks)
	}
}

// waitStatus waits until an instance's /readyz answers status.
func waitStatus(ctx context.Context, t *testing.T, in *instance, status int) {
	t.Helper()
	waitFor(ctx, t, fmt.Sprintf("%s's /readyz to answer %d", in.name, status), func() bool {
		st, _ := readyz(t, in.url)
		return st == status
	})
}

// waitFor polls a condition that other processes make true.
func waitFor(ctx context.Context, t *testing.T, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for %s: %v", what, ctx.Err())
		case <-tick.C:
		}
	}
}
