package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/classroom-debate/debate/client"
	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/room"
)

// participant is one person in the class: a staff key or a player token, connected to
// one instance at a time over WebSocket or SSE, moving between instances as a client
// behind a load balancer would. It keeps every event it received across its
// connections, so that at the end its stream can be compared with the log.
type participant struct {
	name      string
	principal room.Principal
	code      string
	secret    string
	sse       bool
	role      string // players: the role of their first snapshot

	mu         sync.Mutex
	conn       *client.Conn
	at         *instance
	events     []room.Event
	last       uint64
	problems   []string
	reconnects int // connections lost under a command and resumed
	refusals   int // commands answered unavailable and sent again
}

// connect opens a connection at in, resuming after the last event received (after 0 the
// first time, so the participant receives the whole log from seq 1).
func (p *participant) connect(ctx context.Context, in *instance) error {
	p.mu.Lock()
	after := p.last
	p.mu.Unlock()
	opts := &client.Options{After: &after}
	var (
		conn *client.Conn
		err  error
	)
	if p.sse {
		conn, err = in.client().DialSSE(ctx, p.code, p.secret, opts)
	} else {
		conn, err = in.client().Dial(ctx, p.code, p.secret, opts)
	}
	if err != nil {
		return fmt.Errorf("%s connecting to %s: %w", p.name, in.name, err)
	}
	go func() { // frames are checked through Events; drain the channel
		for range conn.Frames() {
		}
	}()
	p.mu.Lock()
	p.conn, p.at = conn, in
	p.mu.Unlock()
	return nil
}

// retire closes the current connection and keeps what it received.
func (p *participant) retire() {
	p.mu.Lock()
	conn := p.conn
	p.conn = nil
	p.mu.Unlock()
	if conn == nil {
		return
	}
	conn.Close()
	p.absorb(conn)
}

// absorb appends a finished connection's events, checking that they continue the
// participant's stream without a gap or a repeat.
func (p *participant) absorb(conn *client.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if conn.Snapshot() != nil {
		p.problems = append(p.problems, fmt.Sprintf("%s got a snapshot on resuming after %d instead of the missed events", p.name, p.last))
	}
	for _, e := range conn.Events() {
		if e.Seq != p.last+1 {
			p.problems = append(p.problems, fmt.Sprintf("%s: after seq %d came %d", p.name, p.last, e.Seq))
		}
		p.events = append(p.events, e)
		p.last = e.Seq
	}
	for _, g := range conn.Gaps() {
		p.problems = append(p.problems, fmt.Sprintf("%s: %v", p.name, g))
	}
}

// move resumes the participant on another instance.
func (p *participant) move(ctx context.Context, in *instance) error {
	p.retire()
	return p.connect(ctx, in)
}

// waitSeq waits until the participant has received every event up to seq (a connection
// counts only what it received itself, so events of earlier connections count here).
func (p *participant) waitSeq(ctx context.Context, seq uint64) error {
	p.mu.Lock()
	conn, have := p.conn, p.last
	p.mu.Unlock()
	if have >= seq {
		return nil
	}
	return conn.WaitSeq(ctx, seq)
}

// current returns the participant's live connection.
func (p *participant) current() *client.Conn {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.conn
}

// send sends a command with a chosen id on the current connection. A dropped
// connection (ErrDisconnected) is resumed, on the same instance or the one reconnect
// picks, and the command sent again with the same id until it has an answer: the
// server applies an id once, so the answer is the command's one effect.
func (p *participant) send(ctx context.Context, reconnect func() *instance, id, typ string, data any) (uint64, error) {
	for attempt := 0; ; attempt++ {
		conn := p.current()
		seq, err := conn.SendWithID(ctx, id, typ, data)
		retry := errors.Is(err, client.ErrDisconnected) || fault.CodeOf(err) == fault.Unavailable
		if !retry || attempt > 50 || ctx.Err() != nil {
			return seq, err
		}
		p.mu.Lock()
		if errors.Is(err, client.ErrDisconnected) {
			p.reconnects++
		} else {
			p.refusals++
		}
		at := p.at
		p.mu.Unlock()
		if errors.Is(err, client.ErrDisconnected) {
			if err := p.reconnect(ctx, reconnect); err != nil {
				return 0, err
			}
		} else if at.alive() {
			// Redis is down (or the room lost the append race too often): wait until
			// the instance is ready again. A killed instance: the next send finds out.
			if err := waitReady(ctx, at); err != nil {
				return 0, err
			}
		}
	}
}

// reconnect resumes the participant on the instance reconnect picks, trying again (on
// whatever reconnect picks next) while the instance refuses.
func (p *participant) reconnect(ctx context.Context, pick func() *instance) error {
	var last error
	for attempt := 0; attempt < 50 && ctx.Err() == nil; attempt++ {
		p.retire()
		if last = p.connect(ctx, pick()); last == nil {
			return nil
		}
	}
	return fmt.Errorf("%s could not reconnect: %w", p.name, last)
}

// waitReady waits until an instance's /readyz answers 200: its store answers again.
// It polls, since readiness has no event to wait on. An instance killed meanwhile (it
// answered unavailable just before the test killed it) will never be ready: waitReady
// returns, and the next send finds the connection gone and resumes elsewhere.
func waitReady(ctx context.Context, in *instance) error {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for in.alive() {
		resp, err := http.Get(in.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s never became ready: %w", in.name, ctx.Err())
		case <-tick.C:
		}
	}
	return nil
}

// ack is an acknowledged command.
type ack struct {
	who string
	on  string // the instance the command was sent to (last, if sent again)
	id  string
	typ string
	seq uint64
}

// acks collects acknowledged commands from many goroutines.
type acks struct {
	mu   sync.Mutex
	list []ack
}

func (a *acks) add(x ack) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.list = append(a.list, x)
}

func (a *acks) all() []ack {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]ack(nil), a.list...)
}

// class is a room on several instances with its staff and students.
type class struct {
	t         *testing.T
	instances []*instance
	code      string
	roomID    string
	keys      client.Room
	teacher   *participant
	projector *participant
	staff     []*participant // teacher, co-teacher, the teacher again, projector
	students  []*participant
	all       []*participant
	scenario  *economy.Scenario
	acked     acks
}

// newClass creates a room on the first instance and connects, round robin over the
// instances, the staff (teacher, co-teacher, the teacher again, projector: with three
// instances the staff's commands come from every one) and n students, every other one
// over SSE.
func newClass(ctx context.Context, t *testing.T, instances []*instance, n int, settings json.RawMessage) *class {
	t.Helper()
	rm, err := instances[0].client().CreateRoom(ctx, client.CreateRequest{Settings: settings})
	if err != nil {
		t.Fatal(err)
	}
	c := &class{t: t, instances: instances, code: rm.Code, roomID: rm.RoomID, keys: rm, scenario: economy.Default()}
	pick := 0
	next := func() *instance { in := instances[pick%len(instances)]; pick++; return in }
	staff := []*participant{
		{name: "teacher", principal: room.Principal{Kind: room.Teacher}, secret: rm.TeacherKey},
		{name: "co-teacher", principal: room.Principal{Kind: room.CoTeacher}, secret: rm.CoTeacherKey, sse: true},
		{name: "teacher's tablet", principal: room.Principal{Kind: room.Teacher}, secret: rm.TeacherKey, sse: true},
		{name: "projector", principal: room.Principal{Kind: room.Projector}, secret: rm.ProjectorKey},
	}
	for _, p := range staff {
		p.code = rm.Code
		if err := p.connect(ctx, next()); err != nil {
			t.Fatal(err)
		}
	}
	c.teacher, c.staff, c.projector = staff[0], staff, staff[3]
	for i := 0; i < n; i++ {
		in := next()
		pl, err := in.client().Join(ctx, rm.Code, fmt.Sprintf("Student %d", i+1))
		if err != nil {
			t.Fatal(err)
		}
		p := &participant{name: fmt.Sprintf("student %d", i+1), principal: room.Principal{Kind: room.Player, PlayerID: pl.PlayerID},
			code: rm.Code, secret: pl.Token, sse: i%2 == 1}
		if err := p.connect(ctx, in); err != nil {
			t.Fatal(err)
		}
		c.students = append(c.students, p)
	}
	c.all = append(append([]*participant{}, staff...), c.students...)
	for _, p := range c.students {
		p.role = c.roleOf(ctx, p)
	}
	return c
}

// roleOf reads a player's role from a fresh snapshot.
func (c *class) roleOf(ctx context.Context, p *participant) string {
	c.t.Helper()
	conn, err := p.at.client().Dial(ctx, p.code, p.secret, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	defer conn.Close()
	f, err := conn.WaitFor(ctx, func(f client.Frame) bool { return f.Type == "snapshot" })
	if err != nil {
		c.t.Fatal(err)
	}
	var view struct {
		Me struct {
			Role string `json:"role"`
		} `json:"me"`
	}
	if err := json.Unmarshal(f.State, &view); err != nil {
		c.t.Fatal(err)
	}
	return view.Me.Role
}

// pick is where a participant whose connection dropped reconnects, as a load balancer
// would send it: the same instance if it runs, otherwise the next one that does.
func (c *class) pick(p *participant) *instance {
	p.mu.Lock()
	at := p.at
	p.mu.Unlock()
	if at.alive() {
		return at
	}
	for i, in := range c.instances {
		if in == at {
			for k := 1; k <= len(c.instances); k++ {
				if next := c.instances[(i+k)%len(c.instances)]; next.alive() {
					return next
				}
			}
		}
	}
	return at
}

// command sends a staff or player command that must be acknowledged, and records it.
func (c *class) command(ctx context.Context, p *participant, typ string, data any) uint64 {
	c.t.Helper()
	seq, err := c.try(ctx, p, typ, data)
	if err != nil {
		c.t.Fatalf("%s %s: %v", p.name, typ, err)
	}
	return seq
}

// try sends a command with a fresh id, resending it after a dropped connection, and
// records it when acknowledged.
func (c *class) try(ctx context.Context, p *participant, typ string, data any) (uint64, error) {
	id := client.NewID()
	seq, err := p.send(ctx, func() *instance { return c.pick(p) }, id, typ, data)
	if err == nil {
		p.mu.Lock()
		on := p.at.name
		p.mu.Unlock()
		c.acked.add(ack{who: p.name, on: on, id: id, typ: typ, seq: seq})
	}
	return seq, err
}

// parallel runs f for every participant in ps at once and fails on the first error.
func parallel(t *testing.T, ps []*participant, f func(i int, p *participant) error) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, len(ps))
	for i, p := range ps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(i, p); err != nil {
				errs <- fmt.Errorf("%s: %w", p.name, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// phaseTo is the teacher's advance to a phase, waiting until every participant's
// stream has it.
func (c *class) advance(ctx context.Context, typ string) uint64 {
	c.t.Helper()
	return c.command(ctx, c.teacher, typ, nil)
}

// converge waits until every participant has received the whole log, retires their
// connections and checks, counted and not sampled:
//   - every participant received every seq once, in order, each event exactly as the
//     log holds it in the form the participant's audience receives (room.Redact);
//   - a staff participant's stream, folded with room.Apply, gives the log's state;
//   - a fresh snapshot of every participant from every instance equals the view of the
//     log's folded state;
//   - every acknowledged command is in the log at the seq of its ack, exactly once, and
//     every command in the log was acknowledged.
func (c *class) converge(ctx context.Context) []room.Event {
	t := c.t
	t.Helper()
	var live *instance
	for _, in := range c.instances {
		if st, _ := readyz(t, in.url); st == 200 {
			live = in
			break
		}
	}
	if live == nil {
		t.Fatal("no instance is ready")
	}
	// Whoever lost their connection (a killed instance) comes back through the "load
	// balancer".
	for _, p := range c.all {
		select {
		case <-p.current().Ended():
			if err := p.reconnect(ctx, func() *instance { return c.pick(p) }); err != nil {
				t.Fatal(err)
			}
		default:
		}
	}
	log := exportLog(ctx, t, live.url, c.code, c.keys.TeacherKey)
	last := log[len(log)-1].Seq
	for _, p := range c.all {
		if err := p.waitSeq(ctx, last); err != nil {
			t.Fatalf("%s (on %s) did not converge: %v", p.name, p.at.name, err)
		}
	}
	if again := exportLog(ctx, t, live.url, c.code, c.keys.TeacherKey); len(again) != len(log) {
		t.Fatalf("the log grew from %d to %d events while the test converged", len(log), len(again))
	}
	for _, p := range c.all {
		p.retire()
	}
	state := fold(t, "the log", log)
	for _, p := range c.all {
		for _, pr := range p.problems {
			t.Error(pr)
		}
		if len(p.events) != len(log) {
			t.Errorf("%s received %d events, the log holds %d", p.name, len(p.events), len(log))
			continue
		}
		aud := room.AudienceOf(p.principal)
		for i, e := range log {
			if want, got := canon(t, room.Redact(e, aud)), canon(t, p.events[i]); !bytes.Equal(want, got) {
				t.Errorf("%s: seq %d is\n%s\nthe log's is\n%s", p.name, e.Seq, got, want)
				break
			}
		}
		if p.principal.IsStaff() && p.principal.Kind != room.Projector {
			folded := fold(t, p.name, p.events)
			if !reflect.DeepEqual(viewOf(t, folded, p.principal), viewOf(t, state, p.principal)) {
				t.Errorf("%s's folded state differs from the log's", p.name)
			}
		}
	}
	// Every instance serves the log's state to everyone.
	for _, in := range c.instances {
		if st, _ := readyz(t, in.url); st != 200 {
			continue
		}
		for _, p := range c.all {
			conn, err := in.client().Dial(ctx, p.code, p.secret, nil)
			if err != nil {
				t.Fatalf("%s on %s: %v", p.name, in.name, err)
			}
			f, err := conn.WaitFor(ctx, func(f client.Frame) bool { return f.Type == "snapshot" })
			conn.Close()
			if err != nil {
				t.Fatal(err)
			}
			var got any
			if err := json.Unmarshal(f.State, &got); err != nil {
				t.Fatal(err)
			}
			if f.Seq != last || !reflect.DeepEqual(got, viewOf(t, state, p.principal)) {
				t.Errorf("%s's snapshot from %s (seq %d) differs from the log's state (seq %d)", p.name, in.name, f.Seq, last)
			}
		}
	}
	c.checkAcks(log)
	return log
}

// checkAcks checks that every acknowledged command is in the log once, ending at its
// ack's seq, and that the log holds no command nobody was told about.
func (c *class) checkAcks(log []room.Event) {
	t := c.t
	t.Helper()
	bySeq := map[uint64]room.Event{}
	seqsOf := map[string][]uint64{}
	for _, e := range log {
		bySeq[e.Seq] = e
		if e.Cmd != "" && (e.By == nil || e.By.Kind != room.System) {
			seqsOf[e.Cmd] = append(seqsOf[e.Cmd], e.Seq)
		}
	}
	acked := c.acked.all()
	ids := map[string]bool{}
	effects := 0
	for _, a := range acked {
		if ids[a.id] {
			continue // the same id acked twice (sent again after a lost answer)
		}
		ids[a.id] = true
		seqs := seqsOf[a.id]
		if len(seqs) == 0 {
			if e := bySeq[a.seq]; e.Cmd == a.id {
				t.Errorf("%s's %s %s acked at %d: the log has it only as a system event", a.who, a.typ, a.id, a.seq)
			}
			continue // a command with no effect (a teacher's barrier, a repeated setting)
		}
		effects++
		if seqs[len(seqs)-1] != a.seq {
			t.Errorf("%s's %s %s acked at seq %d, but its events are at %v", a.who, a.typ, a.id, a.seq, seqs)
		}
		for i := 1; i < len(seqs); i++ {
			if seqs[i] != seqs[i-1]+1 {
				t.Errorf("%s's %s %s took effect more than once: events at %v", a.who, a.typ, a.id, seqs)
				break
			}
		}
	}
	var stray []string
	for id := range seqsOf {
		if !ids[id] {
			stray = append(stray, fmt.Sprintf("%s at %v", id, seqsOf[id]))
		}
	}
	sort.Strings(stray)
	if len(stray) > 0 {
		t.Errorf("the log holds commands nobody was acknowledged: %s", strings.Join(stray, ", "))
	}
	t.Logf("%d acknowledged commands, %d with effects, all in the log of %d events", len(ids), effects, len(log))
}

// fold applies events to a fresh state.
func fold(t *testing.T, who string, events []room.Event) *room.State {
	t.Helper()
	st := room.NewState()
	for _, e := range events {
		if err := room.Apply(st, e); err != nil {
			t.Fatalf("folding %s's events: seq %d: %v", who, e.Seq, err)
		}
	}
	return st
}

// viewOf is the state's view for a principal, as decoded JSON.
func viewOf(t *testing.T, st *room.State, p room.Principal) any {
	t.Helper()
	b, err := json.Marshal(st.View(p))
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// canon is an event as comparable JSON.
func canon(t *testing.T, e room.Event) []byte {
	t.Helper()
	var data bytes.Buffer
	if len(e.Data) > 0 {
		if err := json.Compact(&data, e.Data); err != nil {
			t.Fatal(err)
		}
		e.Data = data.Bytes()
	}
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// year is the scenario's first year.
func (c *class) year() *economy.Year {
	y, ok := c.scenario.Year(c.scenario.Years[0].Year)
	if !ok {
		c.t.Fatal("the scenario has no first year")
	}
	return y
}
