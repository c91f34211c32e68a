package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/room"
	"github.com/classroom-debate/debate/store/redis/redistest"
)

// redisInstances starts a redis-server of the test's own (AOF fsynced on every write)
// and n instances on it.
func redisInstances(t *testing.T, n int) (*redistest.Server, []*instance) {
	t.Helper()
	rd := redistest.StartServer(t, redistest.ServerOptions{AOF: true})
	var ins []*instance
	for i := 0; i < n; i++ {
		ins = append(ins, startInstance(t, string(rune('A'+i)), "--redis-url", rd.URL()))
	}
	return rd, ins
}

// debate has every student argue and every staff connection announce, all at once,
// rounds times each.
func (c *class) debate(ctx context.Context, rounds int) {
	t := c.t
	t.Helper()
	y := c.year()
	var talkers []*participant
	for _, p := range c.all {
		if p.principal.Kind != room.Projector {
			talkers = append(talkers, p)
		}
	}
	parallel(t, talkers, func(i int, p *participant) error {
		for n := 0; n < rounds; n++ {
			var err error
			if p.principal.Kind == room.Player {
				d := y.Decisions[(i+n)%len(y.Decisions)]
				_, err = c.try(ctx, p, "argue", map[string]string{
					"text":     fmt.Sprintf("%s, argument %d: %s.", p.name, n, d.Options[n%len(d.Options)].ID),
					"decision": d.ID, "option": d.Options[n%len(d.Options)].ID})
			} else {
				_, err = c.try(ctx, p, "announce", map[string]string{"text": fmt.Sprintf("Note %d from the %s.", n, p.name)})
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// vote has every student vote on every decision of the year, all at once; the
// Historian, who does not vote, must be refused.
func (c *class) vote(ctx context.Context) {
	t := c.t
	t.Helper()
	y := c.year()
	parallel(t, c.students, func(i int, p *participant) error {
		for _, d := range y.Decisions {
			_, err := c.try(ctx, p, "vote", map[string]string{"decision": d.ID, "option": d.Options[i%len(d.Options)].ID})
			if p.role == "historian" {
				if fault.CodeOf(err) != fault.Forbidden {
					return fmt.Errorf("a historian's vote: %v, want forbidden", err)
				}
				continue
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// countOf counts the log's events of a type and the acknowledged commands of a type.
func (c *class) countOf(log []room.Event, evType, cmdType string) (events, acked int) {
	for _, e := range log {
		if e.Type == evType {
			events++
		}
	}
	seen := map[string]bool{}
	for _, a := range c.acked.all() {
		if a.typ == cmdType && !seen[a.id] {
			seen[a.id] = true
			acked++
		}
	}
	return events, acked
}

func (c *class) checkCounts(log []room.Event) {
	c.t.Helper()
	for _, k := range []struct{ ev, cmd string }{
		{room.EvArgumentPosted, "argue"}, {room.EvAnnounced, "announce"}, {room.EvVoteCast, "vote"},
	} {
		events, acked := c.countOf(log, k.ev, k.cmd)
		if events != acked || acked == 0 {
			c.t.Errorf("%d %s commands acknowledged, %d %s events in the log", acked, k.cmd, events, k.ev)
		}
	}
}

// Three instances on one Redis, the class spread over them (WebSocket and SSE): every
// concurrent argument, announcement and vote counts once, in one order, everywhere.
func TestThreeInstancesServeOneRoom(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Redis and server processes")
	}
	_, ins := redisInstances(t, 3)
	ctx := testCtx(t, 2*time.Minute)
	c := newClass(ctx, t, ins, 9, nil)
	c.advance(ctx, "start")
	c.advance(ctx, "advance") // the debate
	c.debate(ctx, 4)
	c.advance(ctx, "advance") // the vote
	c.vote(ctx)
	c.advance(ctx, "advance") // the vote closes and the year resolves
	// Staff commands and students' commands were acknowledged on every instance.
	on := map[string]bool{}
	for _, a := range c.acked.all() {
		on[fmt.Sprint(a.on, " ", a.typ)] = true
	}
	for _, in := range ins {
		for _, typ := range []string{"announce", "argue", "vote"} {
			if !on[in.name+" "+typ] {
				t.Errorf("no %s command was acknowledged on instance %s", typ, in.name)
			}
		}
	}
	log := c.converge(ctx)
	c.checkCounts(log)
	if n, _ := c.countOf(log, room.EvYearResolved, ""); n != 1 {
		t.Errorf("the year resolved %d times", n)
	}
}

// A seeded random interleaving of commands, disconnects and resumes on other instances
// ends with every client's stream equal to the log's. Each round, three participants
// chosen at random act at once (a command, a dropped connection resumed on a random
// instance, or a clean move); the teacher now and then opens the vote, alone.
// DEBATE_TEST_SEED replays a run's choices (the scheduling of the three is the machine's).
func TestRandomInterleavingConverges(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Redis and server processes")
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("DEBATE_TEST_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("DEBATE_TEST_SEED: %v", err)
		}
	}
	t.Logf("seed %d (DEBATE_TEST_SEED=%d replays this run's choices)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))

	_, ins := redisInstances(t, 3)
	ctx := testCtx(t, 2*time.Minute)
	c := newClass(ctx, t, ins, 6, nil)
	c.advance(ctx, "start")
	c.advance(ctx, "advance") // the debate
	y := c.year()
	var args []string // argument ids, for replies
	phase := room.Debate
	for round := 0; round < 50; round++ {
		if phase == room.Debate && round > 10 && rng.IntN(12) == 0 {
			c.advance(ctx, "advance")
			phase = room.Vote
			continue
		}
		// Plan the round from the seed, then run it.
		type action func() error
		var actions []action
		var posted []uint64
		var postedMu sync.Mutex
		for _, k := range rng.Perm(len(c.all))[:3] {
			p := c.all[k]
			target := ins[rng.IntN(len(ins))]
			d := y.Decisions[rng.IntN(len(y.Decisions))]
			o := d.Options[rng.IntN(len(d.Options))]
			text := fmt.Sprintf("Round %d.", round)
			switch r := rng.IntN(10); {
			case r < 2: // a dropped connection, resumed on a random instance
				actions = append(actions, func() error { p.current().Disconnect(); return p.move(ctx, target) })
			case r < 3: // a clean move
				actions = append(actions, func() error { return p.move(ctx, target) })
			case p.principal.Kind == room.Projector:
			case p.principal.IsStaff():
				actions = append(actions, func() error {
					_, err := c.try(ctx, p, "announce", map[string]string{"text": text})
					return err
				})
			case phase == room.Debate && (len(args) == 0 || rng.IntN(2) == 0):
				actions = append(actions, func() error {
					seq, err := c.try(ctx, p, "argue", map[string]string{"text": text, "decision": d.ID, "option": o.ID})
					postedMu.Lock()
					posted = append(posted, seq)
					postedMu.Unlock()
					return err
				})
			case phase == room.Debate || rng.IntN(2) == 0:
				arg := args[rng.IntN(len(args))]
				actions = append(actions, func() error {
					_, err := c.try(ctx, p, "reply", map[string]string{"argumentId": arg, "text": text})
					return err
				})
			default:
				actions = append(actions, func() error {
					_, err := c.try(ctx, p, "vote", map[string]string{"decision": d.ID, "option": o.ID})
					if p.role == "historian" && fault.CodeOf(err) == fault.Forbidden {
						return nil // the Historian does not vote
					}
					return err
				})
			}
		}
		var wg sync.WaitGroup
		errs := make(chan error, len(actions))
		for _, act := range actions {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := act(); err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("round %d: %v", round, err)
		}
		for _, seq := range posted {
			args = append(args, argumentAt(t, ctx, c, seq))
		}
	}
	c.converge(ctx)
}

// argumentAt returns the id of the argument posted at seq, from the teacher's stream.
func argumentAt(t *testing.T, ctx context.Context, c *class, seq uint64) string {
	t.Helper()
	if err := c.teacher.waitSeq(ctx, seq); err != nil {
		t.Fatal(err)
	}
	conn := c.teacher.current()
	c.teacher.mu.Lock()
	evs := append(append([]room.Event(nil), c.teacher.events...), conn.Events()...)
	c.teacher.mu.Unlock()
	for _, e := range evs {
		if e.Seq == seq && e.Type == room.EvArgumentPosted {
			var d room.PostData
			if err := json.Unmarshal(e.Data, &d); err != nil || d.ID == "" {
				t.Fatalf("argument at %d: %s (%v)", seq, e.Data, err)
			}
			return d.ID
		}
	}
	t.Fatalf("the teacher's stream has no argument at %d", seq)
	return ""
}
