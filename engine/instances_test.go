package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/classroom-debate/debate/clock"
	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/engine"
	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/protocol"
	"github.com/classroom-debate/debate/room"
	"github.com/classroom-debate/debate/store/embedded"
)

// These tests run several hubs on one store and one notifier: the in-process shape of
// several instances on one Redis. The Redis store itself is exercised by the
// integration tests with real processes.

// switchLog is a Log that can be made to fail, as a store that stopped answering.
type switchLog struct {
	engine.Log
	down atomic.Bool
	// lostReply makes the next Append store its entries and then fail, as a store that
	// died after taking a write and before answering; the store is down from then on.
	lostReply atomic.Bool
}

var errStoreDown = errors.New("store down (test)")

func (l *switchLog) Append(ctx context.Context, roomID string, expectedLast uint64, entries []engine.Entry) error {
	if l.down.Load() {
		return errStoreDown
	}
	if l.lostReply.CompareAndSwap(true, false) {
		if err := l.Log.Append(ctx, roomID, expectedLast, entries); err != nil {
			return err
		}
		l.down.Store(true)
		return errStoreDown
	}
	return l.Log.Append(ctx, roomID, expectedLast, entries)
}

func (l *switchLog) Read(ctx context.Context, roomID string, after uint64, limit int) ([]engine.Entry, error) {
	if l.down.Load() {
		return nil, errStoreDown
	}
	return l.Log.Read(ctx, roomID, after, limit)
}

func (l *switchLog) Last(ctx context.Context, roomID string) (uint64, error) {
	if l.down.Load() {
		return 0, errStoreDown
	}
	return l.Log.Last(ctx, roomID)
}

// epochs is a settable epoch per room.
type epochs struct {
	mu sync.Mutex
	m  map[string]string
}

func (e *epochs) Epoch(_ context.Context, roomID string) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.m[roomID], nil
}

func (e *epochs) set(roomID, epoch string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.m[roomID] = epoch
}

// syncBuffer is a log sink safe for the hub's goroutines.
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

type cluster struct {
	store    *embedded.Store
	notifier *embedded.Notifier
	clock    *clock.Fake
	epochs   *epochs
}

func newCluster(t *testing.T) *cluster {
	t.Helper()
	clk := clock.NewFake(time.Date(1930, 3, 2, 9, 0, 0, 0, time.UTC))
	st, err := embedded.Open(filepath.Join(t.TempDir(), "debate.db"), embedded.Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &cluster{store: st, notifier: embedded.NewNotifier(), clock: clk, epochs: &epochs{m: map[string]string{}}}
}

// instanceOption changes the configuration of one instance of a cluster.
type instanceOption func(*engine.Config)

// silent gives an instance a notifier of its own, which no other instance publishes to:
// it hears nothing of what the others store and learns only from the log.
func silent(cfg *engine.Config) { cfg.Notifier = embedded.NewNotifier() }

// instance starts one more hub on the cluster's store, with its own view of the log.
func (c *cluster) instance(t *testing.T, logs io.Writer, opts ...instanceOption) (*engine.Hub, *switchLog) {
	t.Helper()
	if logs == nil {
		logs = io.Discard
	}
	log := &switchLog{Log: c.store.Log()}
	cfg := engine.Config{
		Log: log, Directory: c.store.Directory(), Credentials: c.store.Credentials(),
		Notifier: c.notifier, Presence: embedded.NewPresence(), Epochs: c.epochs,
		Scenario: economy.Default(), Clock: c.clock,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
	for _, opt := range opts {
		opt(&cfg)
	}
	hub, err := engine.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hub.Shutdown(sctx)
	})
	return hub, log
}

// timedRoom creates a room with four players and one-minute phases on hub.
func timedRoom(t *testing.T, hub *engine.Hub) engine.Created {
	t.Helper()
	settings, _ := json.Marshal(room.Settings{Timers: room.Timers{Briefing: 60, Debate: 60, Vote: 60, Resolution: 60}})
	c, err := hub.Create(ctx(t), engine.CreateOptions{Settings: settings})
	if err != nil {
		t.Fatal(err)
	}
	for _, nick := range []string{"Anya", "Boris", "Chen", "Dana"} {
		if _, err := hub.Join(ctx(t), c.Code, nick); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// phaseChanges counts the system's phase changes in the stored log.
func phaseChanges(t *testing.T, c *cluster, roomID string) int {
	t.Helper()
	entries, err := c.store.Log().Read(ctx(t), roomID, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, en := range entries {
		var e room.Event
		if err := json.Unmarshal(en.Data, &e); err != nil {
			t.Fatal(err)
		}
		if e.Type == room.EvPhaseChanged && e.By != nil && e.By.Kind == room.System {
			n++
		}
	}
	return n
}

// Every instance holding a room arms its deadline; the first tick stored wins and the
// others find theirs stale. When the instance that armed it is gone, the others still
// fire it, once.
func TestDeadlineFiresOnceAcrossInstances(t *testing.T) {
	c := newCluster(t)
	a, _ := c.instance(t, nil)
	b, _ := c.instance(t, nil)
	d, _ := c.instance(t, nil)
	rm := timedRoom(t, a)
	teacher := staff(rm)
	feeds := map[string]*engine.Feed{}
	for name, h := range map[string]*engine.Hub{"a": a, "b": b, "d": d} {
		f, err := h.Watch(ctx(t), teacher, nil)
		if err != nil {
			t.Fatal(err)
		}
		next(t, f) // snapshot
		feeds[name] = f
	}
	started, err := b.Submit(ctx(t), teacher, cmd("go", "start", nil))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range feeds {
		for nextEvent(t, f).Seq != started {
		}
	}
	waitTimers(t, c.clock, 3) // every instance armed the briefing's deadline
	c.clock.Advance(61 * time.Second)
	for name, f := range feeds {
		if e := nextEvent(t, f); e.Type != room.EvPhaseChanged || e.Seq != started+1 {
			t.Fatalf("instance %s: after the deadline got %s at %d, want phaseChanged at %d", name, e.Type, e.Seq, started+1)
		}
	}
	waitTimers(t, c.clock, 3) // and the debate's
	if n := phaseChanges(t, c, rm.RoomID); n != 1 {
		t.Fatalf("the briefing's deadline fired %d times", n)
	}

	// The instance that stored the first tick goes away before the next deadline.
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := a.Shutdown(sctx); err != nil {
		t.Fatal(err)
	}
	waitTimers(t, c.clock, 2)
	c.clock.Advance(61 * time.Second)
	for _, name := range []string{"b", "d"} {
		if e := nextEvent(t, feeds[name]); e.Type != room.EvPhaseChanged || e.Seq != started+2 {
			t.Fatalf("instance %s: got %s at %d, want the debate's deadline at %d", name, e.Type, e.Seq, started+2)
		}
	}
	waitTimers(t, c.clock, 2)
	if n := phaseChanges(t, c, rm.RoomID); n != 2 {
		t.Fatalf("two deadlines passed and the log has %d timer phase changes", n)
	}
}

// waitTimers waits until n callbacks are scheduled on the fake clock.
func waitTimers(t *testing.T, c *clock.Fake, n int) {
	t.Helper()
	done := make(chan struct{})
	stop := time.AfterFunc(5*time.Second, func() { close(done) })
	defer stop.Stop()
	if !c.WaitForTimers(n, done) {
		t.Fatalf("%d timers armed, want %d", c.Pending(), n)
	}
}

// While the store does not answer, commands are refused as unavailable and the viewers'
// feeds stay open; when it answers again (retried with backoff on the injected clock),
// the instance catches up with what others stored meanwhile.
func TestStoreOutageAnswersUnavailableThenCatchesUp(t *testing.T) {
	c := newCluster(t)
	a, aLog := c.instance(t, nil)
	b, _ := c.instance(t, nil)
	rm := timedRoom(t, a)
	teacher := staff(rm)
	f, err := a.Watch(ctx(t), teacher, nil)
	if err != nil {
		t.Fatal(err)
	}
	snap, _ := next(t, f)
	if fr, _ := next(t, f); fr.Type != "presence" {
		t.Fatalf("after the snapshot: %s, want presence", fr.Type)
	}

	aLog.down.Store(true)
	_, err = a.Submit(ctx(t), teacher, cmd("go", "start", nil))
	if fault.CodeOf(err) != fault.Unavailable {
		t.Fatalf("a command while the store is down: %v, want unavailable", err)
	}
	if _, err := a.Submit(ctx(t), teacher, cmd("go", "start", nil)); fault.CodeOf(err) != fault.Unavailable {
		t.Fatalf("a second command while the store is down: %v, want unavailable", err)
	}
	// Another instance that reaches the store goes on.
	started, err := b.Submit(ctx(t), teacher, cmd("go", "start", nil))
	if err != nil {
		t.Fatal(err)
	}
	if got, done := f.Take(nil, 1); done {
		code, reason := f.Reason()
		t.Fatalf("the viewer's feed ended during the outage: %d %s", code, reason)
	} else if len(got) > 0 {
		t.Fatalf("a frame during the outage: %s", got[0])
	}

	aLog.down.Store(false)
	c.clock.Advance(retryWait)
	e := nextEvent(t, f)
	if e.Seq != snap.Seq+1 || e.Seq != started {
		t.Fatalf("after the outage the viewer got seq %d, want %d (the other instance's start)", e.Seq, started)
	}
	seq, err := a.Submit(ctx(t), teacher, cmd("adv", "advance", nil))
	if err != nil || seq != started+1 {
		t.Fatalf("after the outage a command got %d, %v; want seq %d", seq, err, started+1)
	}
	if e := nextEvent(t, f); e.Seq != started+1 {
		t.Fatalf("the viewer then got seq %d, want %d", e.Seq, started+1)
	}
}

// retryWait is past the first retry of a store that did not answer.
const retryWait = 300 * time.Millisecond

// A store that lost events an instance had served (a failover to a replica that missed
// them) is noticed: the instance serves what the store holds, says so at warn level,
// tells its viewers to reconnect, and a viewer resuming from a seq that no longer exists
// gets a snapshot. An epoch change is noticed the same way.
func TestStoreThatLostEventsIsServedAsItIs(t *testing.T) {
	c := newCluster(t)
	var logs syncBuffer
	a, _ := c.instance(t, &logs)
	rm := timedRoom(t, a) // seqs 1 (created) to 5 (four joins)
	c.epochs.set(rm.RoomID, "epoch-1")
	teacher := staff(rm)
	f, err := a.Watch(ctx(t), teacher, nil)
	if err != nil {
		t.Fatal(err)
	}
	snap, _ := next(t, f)
	if snap.Seq != 5 {
		t.Fatalf("snapshot at %d, want 5", snap.Seq)
	}

	// The store keeps only the first three events.
	kept, err := c.store.Log().Read(ctx(t), rm.RoomID, 0, 3)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.store.Log().Delete(ctx(t), rm.RoomID); err != nil {
		t.Fatal(err)
	}
	if err := c.store.Log().Append(ctx(t), rm.RoomID, 0, kept); err != nil {
		t.Fatal(err)
	}
	if err := c.notifier.Publish(ctx(t), rm.RoomID, 3); err != nil {
		t.Fatal(err)
	}
	for {
		if _, ok := next(t, f); !ok {
			break
		}
	}
	if code, _ := f.Reason(); code != protocol.CloseRestart {
		t.Fatalf("the viewer's feed ended with %d, want %d (reconnect)", code, protocol.CloseRestart)
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "lost events") {
		t.Fatalf("no warning about the lost events in the log:\n%s", logs.String())
	}
	after := uint64(5)
	f2, err := a.Watch(ctx(t), teacher, &after)
	if err != nil {
		t.Fatal(err)
	}
	if fr, _ := next(t, f2); fr.Type != "snapshot" || fr.Seq != 3 {
		t.Fatalf("resuming after the lost seq 5: %s at %d, want a snapshot at 3", fr.Type, fr.Seq)
	}
	// New events are numbered after what the store holds, and whoever resumes from a
	// seq past the loss gets a snapshot even once the log has grown past it again.
	p, err := a.Join(ctx(t), rm.Code, "Yelena")
	if err != nil {
		t.Fatal(err)
	}
	for _, nick := range []string{"Zhenya", "Oleg"} {
		if _, err := a.Join(ctx(t), rm.Code, nick); err != nil {
			t.Fatal(err)
		}
	}
	if last, _ := c.store.Log().Last(ctx(t), rm.RoomID); last != 6 {
		t.Fatalf("the log ends at %d, want 6", last)
	}
	after = 5
	f3, err := a.Watch(ctx(t), teacher, &after)
	if err != nil {
		t.Fatal(err)
	}
	if fr, _ := next(t, f3); fr.Type != "snapshot" || fr.Seq != 6 {
		t.Fatalf("resuming after 5 once the log is at 6 again: %s at %d, want a snapshot", fr.Type, fr.Seq)
	}
	_ = p

	// The epoch changes: the log was created anew.
	logsBefore := strings.Count(logs.String(), "lost events")
	c.epochs.set(rm.RoomID, "epoch-2")
	if err := c.notifier.Publish(ctx(t), rm.RoomID, 1); err != nil {
		t.Fatal(err)
	}
	// Checks for lost data are paced (one a second): this one runs at the window's end.
	waitTimers(t, c.clock, 1)
	c.clock.Advance(time.Second)
	for {
		if _, ok := next(t, f2); !ok {
			break
		}
	}
	if n := strings.Count(logs.String(), "lost events"); n != logsBefore+1 {
		t.Fatalf("after the epoch changed the log warns %d times, want %d", n, logsBefore+1)
	}
	after = 2
	f4, err := a.Watch(ctx(t), teacher, &after)
	if err != nil {
		t.Fatal(err)
	}
	if fr, _ := next(t, f4); fr.Type != "snapshot" {
		t.Fatalf("resuming in a log of another epoch: %s, want a snapshot", fr.Type)
	}
}

// deafNotifier subscribes but never hears anything: an instance whose notifications
// are late or lost.
type deafNotifier struct{ engine.Notifier }

func (deafNotifier) Subscribe(context.Context, string) (<-chan uint64, func(), error) {
	ch := make(chan uint64)
	var once sync.Once
	return ch, func() { once.Do(func() { close(ch) }) }, nil
}

// An instance that has not heard of another's events yet does not refuse a command on
// its old state: before a refusal it checks the log, catches up and decides again.
func TestRefusalIsDecidedOnTheWholeLog(t *testing.T) {
	c := newCluster(t)
	a, _ := c.instance(t, nil)
	rm := timedRoom(t, a)
	teacher := staff(rm)
	p, err := a.Join(ctx(t), rm.Code, "Yelena")
	if err != nil {
		t.Fatal(err)
	}
	log := &switchLog{Log: c.store.Log()}
	b, err := engine.New(engine.Config{
		Log: log, Directory: c.store.Directory(), Credentials: c.store.Credentials(),
		Notifier: deafNotifier{c.notifier}, Presence: embedded.NewPresence(),
		Scenario: economy.Default(), Clock: c.clock,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Shutdown(context.Background())
	player := engine.Session{RoomID: rm.RoomID, Code: rm.Code, Principal: room.Principal{Kind: room.Player, PlayerID: p.PlayerID}}
	year, _ := economy.Default().Year(1928)
	argue := cmd("arg", "argue", map[string]string{"text": "Pay a fair price.", "decision": year.Decisions[0].ID, "option": year.Decisions[0].Options[0].ID})
	if _, err := b.Submit(ctx(t), player, argue); fault.CodeOf(err) != fault.WrongPhase {
		t.Fatalf("arguing in the lobby: %v, want wrong_phase", err)
	}
	for _, typ := range []string{"start", "advance"} { // on the other instance: the debate opens
		if _, err := a.Submit(ctx(t), teacher, cmd(typ, typ, nil)); err != nil {
			t.Fatal(err)
		}
	}
	seq, err := b.Submit(ctx(t), player, argue)
	if err != nil {
		t.Fatalf("arguing once the debate is open, on an instance that was not told: %v", err)
	}
	if last, _ := c.store.Log().Last(ctx(t), rm.RoomID); seq != last {
		t.Fatalf("acked at %d, the log ends at %d", seq, last)
	}
}

// A viewer resuming on an instance that has not heard of the newest events yet gets the
// events it missed up to that instance's state (the rest follow with their
// notification), not a snapshot because the log holds more than the instance knows.
func TestResumeOnAnInstanceBehindTheLog(t *testing.T) {
	c := newCluster(t)
	a, _ := c.instance(t, nil)
	rm := timedRoom(t, a) // seqs 1–5
	b, err := engine.New(engine.Config{
		Log: c.store.Log(), Directory: c.store.Directory(), Credentials: c.store.Credentials(),
		Notifier: deafNotifier{c.notifier}, Presence: embedded.NewPresence(),
		Scenario: economy.Default(), Clock: c.clock,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Shutdown(context.Background())
	teacher := staff(rm)
	f, err := b.Watch(ctx(t), teacher, nil) // B loads the room at seq 5
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := a.Submit(ctx(t), teacher, cmd("go", "start", nil)); err != nil {
		t.Fatal(err)
	}
	after := uint64(3)
	f2, err := b.Watch(ctx(t), teacher, &after)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []uint64{4, 5} {
		fr, _ := next(t, f2)
		if fr.Type != "event" || fr.Seq != want && fr.Event.Seq != want {
			t.Fatalf("resuming after 3 on the instance at 5: %s %d, want event %d", fr.Type, fr.Event.Seq, want)
		}
	}
}

// A player who joined through another instance a moment ago can watch on an instance
// that has not heard of the join yet.
func TestWatchAfterAJoinElsewhere(t *testing.T) {
	c := newCluster(t)
	a, _ := c.instance(t, nil)
	rm := timedRoom(t, a)
	b, err := engine.New(engine.Config{
		Log: c.store.Log(), Directory: c.store.Directory(), Credentials: c.store.Credentials(),
		Notifier: deafNotifier{c.notifier}, Presence: embedded.NewPresence(),
		Scenario: economy.Default(), Clock: c.clock,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Shutdown(context.Background())
	f, err := b.Watch(ctx(t), staff(rm), nil) // B holds the room
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	p, err := a.Join(ctx(t), rm.Code, "Yelena")
	if err != nil {
		t.Fatal(err)
	}
	pf, err := b.Watch(ctx(t), engine.Session{RoomID: rm.RoomID, Code: rm.Code, Principal: room.Principal{Kind: room.Player, PlayerID: p.PlayerID}}, nil)
	if err != nil {
		t.Fatalf("watching on the other instance right after joining: %v", err)
	}
	if fr, _ := next(t, pf); fr.Type != "snapshot" || fr.Seq != 6 {
		t.Fatalf("first frame %s at %d, want the snapshot at 6", fr.Type, fr.Seq)
	}
}

// A store that took a write but died before answering leaves the actor stale, its state
// holding the unanswered events. Whichever resync comes first once the store answers
// again, the delayed check for lost data included, the viewers get every event from the
// last one they were shown: no gap.
func TestStaleActorResyncsFromWhatViewersWereShown(t *testing.T) {
	c := newCluster(t)
	a, aLog := c.instance(t, nil)
	rm := timedRoom(t, a) // seqs 1 to 5
	teacher := staff(rm)
	f, err := a.Watch(ctx(t), teacher, nil)
	if err != nil {
		t.Fatal(err)
	}
	if snap, _ := next(t, f); snap.Seq != 5 {
		t.Fatalf("snapshot at %d, want 5", snap.Seq)
	}
	if fr, _ := next(t, f); fr.Type != "presence" {
		t.Fatalf("after the snapshot: %s, want presence", fr.Type)
	}
	// Two late notifications: the first is checked at once, the second arms the paced
	// check for lost data, a second later.
	done := make(chan struct{})
	t.Cleanup(func() { close(done) })
	pending := c.clock.Pending()
	for range 2 {
		if err := c.notifier.Publish(ctx(t), rm.RoomID, 2); err != nil {
			t.Fatal(err)
		}
	}
	c.clock.WaitForTimers(pending+1, done)

	aLog.lostReply.Store(true)
	if _, err := a.Submit(ctx(t), teacher, cmd("go", "start", nil)); fault.CodeOf(err) != fault.Unavailable {
		t.Fatalf("a command whose write was not answered: %v, want unavailable", err)
	}
	if last, _ := c.store.Log().Last(ctx(t), rm.RoomID); last != 6 {
		t.Fatalf("the store holds up to %d, want 6 (the unanswered write)", last)
	}
	// The retries fail while the store is down (at 250 and 750 ms; the next is due at
	// 1.75 s); it comes back before the check for lost data, due at 1 s, which resyncs.
	c.clock.Advance(300 * time.Millisecond)
	c.clock.WaitForTimers(pending+2, done)
	c.clock.Advance(500 * time.Millisecond)
	c.clock.WaitForTimers(pending+2, done)
	aLog.down.Store(false)
	c.clock.Advance(250 * time.Millisecond)
	if e := nextEvent(t, f); e.Seq != 6 {
		t.Fatalf("after the outage the viewer got seq %d, want 6 (the event the store took)", e.Seq)
	}
}

// A viewer that resumes on an instance which has not yet heard of the last events it
// saw (another instance stored them a moment ago; the notification is late) gets the
// events it missed, not a snapshot: the instance catches up from the log first.
func TestResumeAheadOfTheInstanceCatchesUpFirst(t *testing.T) {
	c := newCluster(t)
	a, _ := c.instance(t, nil)
	rm := timedRoom(t, a) // seqs 1 to 5
	teacher := staff(rm)
	// Instance b hears no notifications at all: it only learns from the log.
	b, _ := c.instance(t, nil, silent)
	if f, err := b.Watch(ctx(t), teacher, nil); err != nil {
		t.Fatal(err)
	} else if snap, _ := next(t, f); snap.Type != "snapshot" || snap.Seq != 5 {
		t.Fatalf("instance b's first view: %s at %d, want a snapshot at 5", snap.Type, snap.Seq)
	}
	started, err := a.Submit(ctx(t), teacher, cmd("go", "start", nil))
	if err != nil {
		t.Fatal(err)
	}
	advanced, err := a.Submit(ctx(t), teacher, cmd("adv", "advance", nil))
	if err != nil {
		t.Fatal(err)
	}
	// The teacher saw up to started on instance a, then moves to b.
	f, err := b.Watch(ctx(t), teacher, &started)
	if err != nil {
		t.Fatal(err)
	}
	fr, _ := next(t, f)
	if fr.Type != "event" || fr.Event.Seq != advanced {
		t.Fatalf("resuming on b after %d: %s at %d, want the event at %d", started, fr.Type, fr.Seq, advanced)
	}
}

// A viewer resuming at exactly the instance's seq, while the log already holds another
// instance's newer events (their notification is on its way), has missed nothing here:
// it is resumed, not sent a snapshot. The newer events follow with their notification.
func TestResumeAtTheInstancesSeqIsNotASnapshot(t *testing.T) {
	c := newCluster(t)
	a, _ := c.instance(t, nil)
	rm := timedRoom(t, a) // seqs 1 to 5
	teacher := staff(rm)
	b, _ := c.instance(t, nil, silent)
	if f, err := b.Watch(ctx(t), teacher, nil); err != nil {
		t.Fatal(err)
	} else if snap, _ := next(t, f); snap.Type != "snapshot" || snap.Seq != 5 {
		t.Fatalf("instance b's first view: %s at %d, want a snapshot at 5", snap.Type, snap.Seq)
	}
	if _, err := a.Submit(ctx(t), teacher, cmd("go", "start", nil)); err != nil {
		t.Fatal(err)
	}
	after := uint64(5)
	f, err := b.Watch(ctx(t), teacher, &after)
	if err != nil {
		t.Fatal(err)
	}
	if fr, _ := next(t, f); fr.Type == "snapshot" {
		t.Fatalf("resuming on b after 5, b's own seq: a snapshot, want a resume")
	}
}

// withoutEpochs starts an instance on a store that reports no epochs (as the embedded
// store, which cannot lose acknowledged data).
func withoutEpochs(cfg *engine.Config) { cfg.Epochs = nil }

// A room deleted through one instance closes its viewers on another, also on a store
// without epochs: the deletion's announcement (seq 0) is not mistaken for a late
// notification, which only a store with epochs checks.
func TestDeleteThroughAnotherInstanceClosesViewersWithoutEpochs(t *testing.T) {
	c := newCluster(t)
	a, _ := c.instance(t, nil, withoutEpochs)
	b, _ := c.instance(t, nil, withoutEpochs)
	rm := timedRoom(t, a)
	f, err := b.Watch(ctx(t), staff(rm), nil)
	if err != nil {
		t.Fatal(err)
	}
	if snap, _ := next(t, f); snap.Type != "snapshot" {
		t.Fatalf("first frame on b: %s, want a snapshot", snap.Type)
	}
	if err := a.DeleteRoom(ctx(t), rm.RoomID); err != nil {
		t.Fatal(err)
	}
	for {
		if _, ok := next(t, f); !ok {
			break
		}
	}
	if code, _ := f.Reason(); code != protocol.CloseDeleted {
		t.Fatalf("b's viewer ended with code %d, want %d (room deleted)", code, protocol.CloseDeleted)
	}
}
