package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"github.com/classroom-debate/debate/clock"
	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/protocol"
	"github.com/classroom-debate/debate/room"
)

// An actor owns one room while it is loaded on this instance: one goroutine holds the
// room's state, decides commands in arrival order, stores their events, and fans them
// out to the room's feeds. Everything that touches the state runs as an op on that
// goroutine, so the state needs no locks.
type actor struct {
	hub    *Hub
	roomID string
	log    *slog.Logger

	ops     chan op
	submits chan submitReq
	done    chan struct{} // closed when the goroutine has exited

	// Owned by the actor goroutine.
	state       *room.State
	feeds       map[*Feed]struct{}
	ring        *ring // the room's encoded frames, read by every feed (feed.go)
	timer       clock.Timer
	timerAt     time.Time
	lastTouch   time.Time
	stopping    bool
	cancelNotes func()

	// stale says the state may hold events the store never took (an append failed and
	// the store did not answer the reload): nothing is decided or shown from it until a
	// resync succeeds. staleShown is the last seq the viewers were sent.
	stale      bool
	staleShown uint64
	retry      clock.Timer
	retryDelay time.Duration
	// epoch is the store's epoch of the room's log when it was last loaded ("" for a
	// store without epochs). diverged and divergedAt: the store lost events this instance
	// had served, so a viewer resuming after divergedAt may hold events that are not in
	// the log any more and gets a snapshot instead of a catch-up.
	epoch      string
	diverged   bool
	divergedAt uint64
	// verifiedAt and verifyTimer pace the checks for lost data (verify) that a lagging
	// notification prompts: at most one per verifyEvery, and a prompt inside the window
	// is checked at its end rather than dropped.
	verifiedAt  time.Time
	verifyTimer clock.Timer
}

type op func(a *actor)

type submitReq struct {
	cmd   room.Command
	reply chan submitResult
}

type submitResult struct {
	seq uint64
	err error
	// broken says the command's events were applied only in part (a rule bug): the
	// tentative state must be rebuilt before anything else is decided.
	broken bool
}

// applyDecided applies one decided event to the live state. A variable so a test can
// stand in a rule bug (an event Apply refuses) and see the room stay whole.
var applyDecided = room.Apply

// maxBatch bounds how many queued commands are decided together and stored with one
// append (one fsync).
const maxBatch = 64

// maxCatchUp bounds how many missed events a resuming viewer is sent one by one;
// further behind than that, a snapshot is cheaper.
const maxCatchUp = 2000

// catchUpLimit is how many missed events a resuming viewer may be sent one by one. They
// enter the viewer's queue at once, before it is read, so the limit leaves half the
// queue for live events: a catch-up that filled it would end the feed before it started
// (the viewer would be told to reconnect, and fail the same way for ever).
func (a *actor) catchUpLimit() uint64 {
	return uint64(min(maxCatchUp, a.hub.cfg.FeedBuffer/2))
}

func (a *actor) run() {
	defer close(a.done)
	defer func() {
		if a.cancelNotes != nil {
			a.cancelNotes()
		}
		if a.timer != nil {
			a.timer.Stop()
		}
		if a.retry != nil {
			a.retry.Stop()
		}
		if a.verifyTimer != nil {
			a.verifyTimer.Stop()
		}
	}()
	for {
		select {
		case req := <-a.submits:
			batch := []submitReq{req}
		drain:
			for len(batch) < maxBatch {
				select {
				case more := <-a.submits:
					batch = append(batch, more)
				default:
					break drain
				}
			}
			a.flush(batch)
		case f := <-a.ops:
			f(a)
		}
		if a.stopping {
			a.drainOnStop()
			return
		}
	}
}

// drainOnStop settles commands still queued when the actor stops: on shutdown they are
// decided and stored (finish the writes that were asked for); for a deleted room they
// are refused.
func (a *actor) drainOnStop() {
	for {
		var batch []submitReq
	collect:
		for len(batch) < maxBatch {
			select {
			case req := <-a.submits:
				batch = append(batch, req)
			default:
				break collect
			}
		}
		if len(batch) == 0 {
			return
		}
		a.flush(batch)
	}
}

// post queues an op; it never blocks (ops are rare and small), and is dropped once the
// actor has stopped.
func (a *actor) post(f op) {
	select {
	case <-a.done:
	case a.ops <- f:
	default:
		go func() {
			select {
			case <-a.done:
			case a.ops <- f:
			}
		}()
	}
}

// call runs f on the actor goroutine and waits for it.
func (a *actor) call(ctx context.Context, f func(a *actor)) error {
	finished := make(chan struct{})
	wrapped := func(a *actor) { f(a); close(finished) }
	select {
	case a.ops <- wrapped:
	case <-a.done:
		return errActorStopped
	case <-ctx.Done():
		return fault.T(fault.Unavailable, "fault.engine.roomBusy")
	}
	select {
	case <-finished:
		return nil
	case <-a.done:
		// The op may have run just before the actor stopped.
		select {
		case <-finished:
			return nil
		default:
			return errActorStopped
		}
	}
}

var errActorStopped = errors.New("room actor stopped")

// load folds the room's whole log into a fresh state.
func (a *actor) load(ctx context.Context) error {
	_, err := a.loadEvents(ctx)
	return err
}

// loadEvents is load, returning the events it folded.
func (a *actor) loadEvents(ctx context.Context) ([]room.Event, error) {
	entries, err := a.hub.cfg.Log.Read(ctx, a.roomID, 0, 0)
	if err != nil {
		return nil, fmt.Errorf("read log of room %s: %w", a.roomID, err)
	}
	if len(entries) == 0 {
		return nil, ErrNotFound
	}
	st := room.NewState()
	events := make([]room.Event, 0, len(entries))
	for _, en := range entries {
		var e room.Event
		if err := json.Unmarshal(en.Data, &e); err != nil {
			return nil, fmt.Errorf("room %s event %d: %w", a.roomID, en.Seq, err)
		}
		if err := room.Apply(st, e); err != nil {
			return nil, fmt.Errorf("room %s event %d: %w", a.roomID, en.Seq, err)
		}
		events = append(events, e)
	}
	epoch, err := a.readEpoch(ctx)
	if err != nil {
		return nil, err
	}
	a.state, a.epoch = st, epoch
	return events, nil
}

// readEpoch returns the store's epoch of the room's log ("" without Config.Epochs).
func (a *actor) readEpoch(ctx context.Context) (string, error) {
	if a.hub.cfg.Epochs == nil {
		return "", nil
	}
	epoch, err := a.hub.cfg.Epochs.Epoch(ctx, a.roomID)
	if errors.Is(err, ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read epoch of room %s: %w", a.roomID, err)
	}
	return epoch, nil
}

// Retrying a store that does not answer: from retryFirst, doubling up to retryMax.
const (
	retryFirst = 250 * time.Millisecond
	retryMax   = 5 * time.Second
)

// resync rebuilds the state from the stored log, after an append failed, a conflict, or
// a sign that the store lost data; shown is the last seq the viewers were sent. Viewers
// get the events they missed. If the store holds less than was shown, or its log has
// another epoch, the store lost data: the room is served as the store holds it, the
// loss is logged at warn level, and every viewer is told to reconnect, so that each gets
// a snapshot of what is stored instead of a history that no longer exists. If the store
// does not answer, the actor goes stale (commands are answered unavailable) and retries
// with backoff.
func (a *actor) resync(ctx context.Context, shown uint64) error {
	oldEpoch := a.epoch
	events, err := a.loadEvents(ctx)
	if errors.Is(err, ErrNotFound) {
		// The store holds nothing of the room any more.
		a.log.Warn("this room's log is gone from the store (deleted through another instance, or lost); closing it here", "shown", shown)
		a.stale = false
		a.endAll(protocol.CloseDeleted, "this room's storage lost it")
		a.hub.forget(a)
		a.stopping = true
		return err
	}
	if err != nil {
		if !a.stale {
			a.log.Warn("the store does not answer; refusing commands until it does", "err", err)
		}
		a.stale, a.staleShown = true, shown
		a.scheduleRetry()
		return err
	}
	if a.stale {
		a.log.Info("the store answers again; caught up", "seq", a.state.Seq())
	}
	a.stale, a.retryDelay = false, 0
	if a.retry != nil {
		a.retry.Stop()
		a.retry = nil
	}
	switch {
	case a.state.Seq() < shown || oldEpoch != "" && a.epoch != oldEpoch:
		a.log.Warn("the store lost events of this room; serving what it holds and resyncing every viewer",
			"shown", shown, "stored", a.state.Seq(), "epoch", a.epoch, "previousEpoch", oldEpoch)
		a.diverged = true
		a.divergedAt = min(a.state.Seq(), shown)
		if a.epoch != oldEpoch {
			a.divergedAt = 0
		}
		a.endAll(protocol.CloseRestart, "the room's storage lost recent events; reconnect to get the room as it is now")
	case a.state.Seq() > shown:
		// Exactly the events folded: the log may have grown since, and those events
		// come with their notification.
		i := sort.Search(len(events), func(i int) bool { return events[i].Seq > shown })
		a.fanOut(events[i:])
	}
	a.afterChange()
	return nil
}

// scheduleRetry arms one resync attempt after a backoff.
func (a *actor) scheduleRetry() {
	if a.retry != nil || a.stopping {
		return
	}
	if a.retryDelay == 0 {
		a.retryDelay = retryFirst
	} else {
		a.retryDelay = min(2*a.retryDelay, retryMax)
	}
	a.retry = a.hub.cfg.Clock.AfterFunc(a.retryDelay, func() {
		a.post(func(a *actor) {
			a.retry = nil
			if !a.stale {
				return
			}
			ctx, cancel := context.WithTimeout(context.Background(), a.hub.cfg.WriteTimeout)
			defer cancel()
			_ = a.resync(ctx, a.staleShown)
		})
	})
}

// verifyEvery is the least time between two checks for lost data. Under load an
// instance's own notifications often arrive after it has appended more (a seq below its
// own): almost always lag, rarely loss, so checking each would cost two round trips per
// append.
const verifyEvery = time.Second

// suspectLoss runs verify now, or at the end of the current window.
//
// Only a store that reports epochs can lose acknowledged data (Redis after a restart
// without its AOF, or a failover); the embedded store's fsynced file cannot, and there a
// late notification is only lag, which must not arm a timer.
func (a *actor) suspectLoss(ctx context.Context) {
	if a.hub.cfg.Epochs == nil {
		return
	}
	now := a.hub.cfg.Clock.Now()
	if wait := verifyEvery - now.Sub(a.verifiedAt); wait > 0 {
		if a.verifyTimer == nil {
			a.verifyTimer = a.hub.cfg.Clock.AfterFunc(wait, func() {
				a.post(func(a *actor) {
					a.verifyTimer = nil
					ctx, cancel := context.WithTimeout(context.Background(), a.hub.cfg.WriteTimeout)
					defer cancel()
					a.suspectLoss(ctx)
				})
			})
		}
		return
	}
	a.verifiedAt = now
	a.verify(ctx)
}

// verify checks, on a sign that the store may have lost data (a notification of a seq
// below ours, a notification of a seq the log does not hold), whether it did.
func (a *actor) verify(ctx context.Context) {
	if a.stale {
		// The state may hold events the store never took; the viewers were shown only
		// up to staleShown, and a resync must start from there.
		_ = a.resync(ctx, a.staleShown)
		return
	}
	last, err := a.hub.cfg.Log.Last(ctx, a.roomID)
	if err != nil {
		a.log.Warn("read last seq of room log", "err", err)
		return
	}
	epoch, err := a.readEpoch(ctx)
	if err != nil {
		a.log.Warn("read epoch of room log", "err", err)
		return
	}
	if last < a.state.Seq() || epoch != a.epoch || last > a.state.Seq() {
		_ = a.resync(ctx, a.state.Seq())
	}
}

// catchUp applies events other instances stored after ours. It returns the new events.
func (a *actor) catchUp(ctx context.Context) ([]room.Event, error) {
	entries, err := a.hub.cfg.Log.Read(ctx, a.roomID, a.state.Seq(), 0)
	if err != nil {
		return nil, err
	}
	var out []room.Event
	for _, en := range entries {
		var e room.Event
		if err := json.Unmarshal(en.Data, &e); err != nil {
			return out, err
		}
		if err := room.Apply(a.state, e); err != nil {
			return out, err
		}
		out = append(out, e)
	}
	return out, nil
}

// flush decides a batch of commands in order, stores all their events with one append,
// and only then acknowledges them. On a sequence conflict (another instance wrote
// first) it catches up and decides the batch again; on a storage failure nothing is
// acknowledged and the state is reloaded from the log, so nothing is half-changed.
func (a *actor) flush(batch []submitReq) {
	ctx, cancel := context.WithTimeout(context.Background(), a.hub.cfg.WriteTimeout)
	defer cancel()
	results := make([]submitResult, len(batch))
	broken := make([]bool, len(batch)) // commands refused for a rule bug: not decided again
	var stored []room.Event
	if a.stale {
		if err := a.resync(ctx, a.staleShown); err != nil {
			a.fail(results, err)
			for i, req := range batch {
				req.reply <- results[i]
			}
			return
		}
	}
	for attempt := 0; ; attempt++ {
		if a.state.Deleted() {
			for i := range results {
				results[i] = submitResult{err: fault.T(fault.NotFound, "fault.engine.roomDeleted")}
			}
			break
		}
		expected := a.state.Seq()
		now := a.hub.cfg.Clock.Now()
		var events []room.Event
		rebuild := false
		for i, req := range batch {
			if broken[i] {
				continue
			}
			results[i] = a.decideOne(req.cmd, now, &events)
			if results[i].broken {
				broken[i], rebuild = true, true
				break
			}
		}
		if rebuild {
			// Part of a command's events reached the tentative state: rebuild it from what
			// is stored and decide the others again, so one bad command costs only itself.
			if lerr := a.resync(ctx, expected); lerr != nil {
				a.log.Error("reload after a refused event", "err", lerr)
				a.fail(results, lerr)
				break
			}
			continue
		}
		if len(events) == 0 {
			// Nothing to store, so no append would reveal that another instance stored
			// something first: before refusing a command, make sure it was decided
			// against the whole log. A refusal is rare; one round trip is cheap.
			if refused(results) && attempt < 8 && a.behind(ctx, expected) {
				if a.resync(ctx, expected) == nil {
					continue
				}
			}
			break
		}
		entries := make([]Entry, len(events))
		var encErr error
		for i, e := range events {
			data, err := json.Marshal(e)
			if err != nil {
				encErr = err
				break
			}
			entries[i] = Entry{Seq: e.Seq, Data: data}
		}
		err := encErr
		if err == nil {
			start := time.Now()
			err = a.hub.cfg.Log.Append(ctx, a.roomID, expected, entries)
			a.hub.observer().Appended(len(entries), time.Since(start), err)
		}
		if err == nil {
			if encErr == nil {
				a.hub.noteWrite(nil)
			}
			stored = events
			break
		}
		if encErr == nil && !errors.Is(err, ErrSeqConflict) {
			a.hub.noteWrite(err)
		}
		// The tentative state is wrong now: rebuild it from what is stored (and tell the
		// viewers what another instance stored meanwhile).
		if lerr := a.resync(ctx, expected); lerr != nil {
			a.log.Error("reload after failed append", "append", err, "err", lerr)
			a.fail(results, lerr)
			break
		}
		if errors.Is(err, ErrSeqConflict) && attempt < 8 {
			continue
		}
		if encErr != nil {
			a.log.Error("encode events", "err", err)
		} else {
			a.log.Debug("append to room log", "err", err) // noteWrite logged the outage once
		}
		a.fail(results, err)
		break
	}
	for i, req := range batch {
		req.reply <- results[i]
	}
	if len(stored) > 0 {
		a.afterStore(stored)
	}
}

// refused reports whether any command of a batch was refused by the rules.
func refused(results []submitResult) bool {
	for _, r := range results {
		if r.err != nil && !r.broken {
			return true
		}
	}
	return false
}

// behind reports whether the stored log has moved past seq (another instance stored
// events this one has not heard of yet). A store that does not answer is not behind: the
// refusal stands as decided.
func (a *actor) behind(ctx context.Context, seq uint64) bool {
	last, err := a.hub.cfg.Log.Last(ctx, a.roomID)
	return err == nil && last != seq
}

func (a *actor) fail(results []submitResult, err error) {
	for i := range results {
		switch {
		case errors.Is(err, ErrNotFound):
			results[i] = submitResult{err: fault.T(fault.NotFound, "fault.engine.roomGone")}
		case results[i].err == nil:
			results[i] = submitResult{err: fault.T(fault.Unavailable, "fault.engine.roomCouldNotSave")}
		}
	}
}

// decideOne decides one command against the tentative state and applies its events.
func (a *actor) decideOne(cmd room.Command, now time.Time, events *[]room.Event) submitResult {
	if cmd.By.Kind == room.Player && !a.state.PlayerActive(cmd.By.PlayerID) {
		return submitResult{err: fault.T(fault.Unauthorized, "fault.engine.noLongerInRoom")}
	}
	if seq, ok := a.state.Processed(cmd.By, cmd.ID); ok {
		return submitResult{seq: seq}
	}
	evs, err := room.Decide(a.state, cmd, now)
	if err != nil {
		return submitResult{err: err}
	}
	if len(evs) == 0 {
		return submitResult{seq: a.state.Seq()}
	}
	for _, e := range evs {
		if err := applyDecided(a.state, e); err != nil {
			// A rule bug: Decide produced an event Apply refuses. Keep the room usable by
			// refusing the command; flush rebuilds the tentative state.
			a.log.Error("apply decided event", "type", e.Type, "err", err)
			return submitResult{err: fault.T(fault.Internal, "fault.engine.applyFailed"), broken: true}
		}
	}
	*events = append(*events, evs...)
	return submitResult{seq: evs[len(evs)-1].Seq}
}

// afterStore tells everyone about stored events and re-arms the room's timer.
func (a *actor) afterStore(events []room.Event) {
	a.fanOut(events)
	last := events[len(events)-1].Seq
	ctx, cancel := context.WithTimeout(context.Background(), a.hub.cfg.WriteTimeout)
	defer cancel()
	if err := a.hub.cfg.Notifier.Publish(ctx, a.roomID, last); err != nil {
		a.log.Warn("publish room notification", "err", err)
	}
	a.revokeRemoved(ctx, events)
	now := a.hub.cfg.Clock.Now()
	if now.Sub(a.lastTouch) > 30*time.Second {
		a.lastTouch = now
		if err := a.hub.cfg.Directory.Touch(ctx, a.roomID, now); err != nil {
			a.log.Warn("touch room directory", "err", err)
		}
	}
	a.afterChange()
}

// revokeRemoved deletes every credential of players the events removed, so their
// tokens and rejoin codes stop working at once (the rules refuse them too; this keeps
// storage honest and stops tickets being issued for them).
func (a *actor) revokeRemoved(ctx context.Context, events []room.Event) {
	for _, e := range events {
		if e.Type != room.EvPlayerRemoved {
			continue
		}
		var d struct {
			PlayerID string `json:"playerId"`
		}
		if json.Unmarshal(e.Data, &d) != nil || d.PlayerID == "" {
			continue
		}
		if err := a.hub.cfg.Credentials.DeletePlayer(ctx, a.roomID, d.PlayerID, ""); err != nil {
			a.log.Warn("revoke removed player's credentials", "err", err)
		}
	}
}

// afterChange closes feeds of players who were removed, deletes a deleted room, and
// re-arms the phase timer.
func (a *actor) afterChange() {
	if a.state.Deleted() {
		a.endAll(protocol.CloseDeleted, "the teacher deleted this room")
		a.hub.forget(a)
		a.stopping = true
		go a.hub.purge(a.roomID)
		return
	}
	for f := range a.feeds {
		if f.principal.Kind == room.Player && !a.state.PlayerActive(f.principal.PlayerID) {
			f.end(protocol.CloseRemoved, "the teacher removed you from this room")
			delete(a.feeds, f)
		}
	}
	a.rearm()
}

// fanOut sends each event to every feed in the form its audience receives it (in full,
// without the staff-only figures, or as a stub: room.FormFor). Each event is encoded at
// most once per form, however many feeds there are.
func (a *actor) fanOut(events []room.Event) {
	if len(a.feeds) == 0 || len(events) == 0 {
		return
	}
	for _, f := range a.ringFor().publish(events, a.feeds, a.encodeEvent) {
		delete(a.feeds, f)
		a.presenceChanged(f)
	}
}

func (a *actor) encodeEvent(e room.Event) []byte {
	b, err := protocol.EventFrame(e)
	if err != nil {
		a.log.Error("encode event", "seq", e.Seq, "err", err)
		b, _ = protocol.EventFrame(room.Stub(e))
	}
	return b
}

// rearm schedules the tick for the state's running deadline, if any.
func (a *actor) rearm() {
	deadline, ok := a.state.NextDeadline()
	if ok && a.timer != nil && deadline.Equal(a.timerAt) {
		return
	}
	if a.timer != nil {
		a.timer.Stop()
		a.timer = nil
	}
	if !ok {
		return
	}
	a.timerAt = deadline
	d := deadline.Sub(a.hub.cfg.Clock.Now())
	if d < 0 {
		d = 0
	}
	a.timer = a.hub.cfg.Clock.AfterFunc(d, func() { a.post(func(a *actor) { a.tick() }) })
}

// tick submits the room's timer command. Another instance may have fired it already;
// then Decide finds the deadline gone and produces nothing.
func (a *actor) tick() {
	a.timer = nil
	deadline, ok := a.state.NextDeadline()
	if !ok {
		return
	}
	if a.hub.cfg.Clock.Now().Before(deadline) {
		a.rearm()
		return
	}
	reply := make(chan submitResult, 1)
	a.flush([]submitReq{{cmd: room.TickCommand(a.state), reply: reply}})
	if r := <-reply; r.err != nil {
		a.log.Warn("timer tick refused", "err", r.err)
	}
	a.rearm()
}

// note handles a notification that the log grew, possibly from another instance. The
// store may also re-announce a room's last seq after its notification connection came
// back, so a stale actor takes any note as a cue to resync.
func (a *actor) note(seq uint64) {
	if seq == a.state.Seq() && !a.stale {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), a.hub.cfg.WriteTimeout)
	defer cancel()
	if a.stale {
		_ = a.resync(ctx, a.staleShown)
		return
	}
	if seq == 0 {
		// The room was deleted through another instance (Hub.purge announces seq 0):
		// check now, on any store, not as a possible loss that only epochs reveal.
		a.verify(ctx)
		return
	}
	if seq < a.state.Seq() {
		// Usually a late announcement (this instance's own, or another's); possibly a
		// store that lost data.
		a.suspectLoss(ctx)
		return
	}
	shown := a.state.Seq()
	events, err := a.catchUp(ctx)
	if err != nil {
		// The state may hold part of what was read: rebuild it.
		a.log.Warn("catch up with room log", "err", err)
		_ = a.resync(ctx, shown)
		return
	}
	if len(events) > 0 && events[0].Seq != shown+1 {
		_ = a.resync(ctx, shown)
		return
	}
	if len(events) > 0 {
		a.fanOut(events)
		a.afterChange()
		return
	}
	// Announced, but not in the log: see whether the store lost it.
	a.suspectLoss(ctx)
}

// watch starts a feed for a viewer: the missed events or a snapshot, then live events.
func (a *actor) watch(ctx context.Context, p room.Principal, after *uint64) (*Feed, error) {
	if a.stale {
		if err := a.resync(ctx, a.staleShown); err != nil {
			if errors.Is(err, ErrNotFound) {
				return nil, fault.T(fault.NotFound, "fault.engine.roomGone")
			}
			return nil, fault.T(fault.Unavailable, "fault.engine.storageUnreachable")
		}
	}
	if a.state.Deleted() {
		return nil, fault.T(fault.NotFound, "fault.engine.roomDeleted")
	}
	if p.Kind == room.Player && !a.state.PlayerActive(p.PlayerID) && a.behind(ctx, a.state.Seq()) {
		// A player who joined through another instance a moment ago: this one has not
		// heard of the join yet.
		if err := a.resync(ctx, a.state.Seq()); err != nil {
			return nil, fault.T(fault.Unavailable, "fault.engine.storageUnreachable")
		}
	}
	if p.Kind == room.Player && !a.state.PlayerActive(p.PlayerID) {
		return nil, fault.T(fault.Unauthorized, "fault.engine.noLongerInRoom")
	}
	if after != nil && *after > a.state.Seq() && a.behind(ctx, a.state.Seq()) {
		// The viewer has seen events that another instance stored a moment ago and this
		// one has not heard of yet: catch up first, so the viewer gets what it missed
		// rather than a snapshot.
		if err := a.resync(ctx, a.state.Seq()); errors.Is(err, ErrNotFound) {
			return nil, fault.T(fault.NotFound, "fault.engine.roomGone")
		} else if err != nil {
			return nil, fault.T(fault.Unavailable, "fault.engine.storageUnreachable")
		}
	}
	f, caughtUp := a.resume(ctx, p, after)
	if after != nil {
		a.hub.observer().Resumed(f.waiting(), !caughtUp)
	}
	if !caughtUp {
		frame, err := protocol.SnapshotFrame(a.state.Seq(), a.state.View(p))
		if err != nil {
			return nil, fmt.Errorf("encode snapshot: %w", err)
		}
		f.push(frame) // a fresh feed: its queue is empty
	}
	if p.Kind == room.Player {
		disconnect, err := a.hub.cfg.Presence.Connect(ctx, a.roomID, p.PlayerID)
		if err != nil {
			a.log.Warn("presence connect", "err", err)
		} else {
			f.setDisconnect(disconnect)
		}
	}
	a.feeds[f] = struct{}{}
	if p.IsStaff() {
		a.sendPresence(ctx, []*Feed{f})
	} else if p.Kind == room.Player {
		a.presenceChanged(nil)
	}
	return f, nil
}

// resume starts a viewer's feed with the events after *after when the log still holds
// them and they fit the catch-up limit, and reports whether it did. Otherwise (no after,
// too far behind, a log that cannot serve them) it returns an empty fresh feed, for a
// snapshot: a resume is never refused for being far behind.
func (a *actor) resume(ctx context.Context, p room.Principal, after *uint64) (*Feed, bool) {
	f := newFeed(a, p)
	if after == nil || *after > a.state.Seq() || a.state.Seq()-*after > a.catchUpLimit() {
		return f, false
	}
	if a.diverged && *after > a.divergedAt {
		// The viewer may hold events the store lost: only a snapshot is true now.
		return f, false
	}
	want := int(a.state.Seq() - *after)
	if want == 0 {
		// Nothing missed. (A Read with limit 0 would read the whole rest of the log,
		// which may already hold another instance's events: they follow with their
		// notification, in order.)
		return f, true
	}
	entries, err := a.hub.cfg.Log.Read(ctx, a.roomID, *after, want)
	if err != nil {
		a.log.Warn("read log for a resume; sending a snapshot", "err", err)
		return f, false
	}
	if len(entries) != want || want > 0 && (entries[0].Seq != *after+1 || entries[want-1].Seq != a.state.Seq()) {
		return f, false
	}
	for _, en := range entries {
		var e room.Event
		if json.Unmarshal(en.Data, &e) != nil {
			return newFeed(a, p), false
		}
		frame, err := protocol.EventFrame(room.Redact(e, f.audience))
		if err != nil || !f.push(frame) {
			return newFeed(a, p), false
		}
	}
	return f, true
}

// presenceChanged tells staff feeds who is online now. f, when not nil, is a feed that
// just ended.
func (a *actor) presenceChanged(f *Feed) {
	if f != nil && f.principal.Kind != room.Player {
		return
	}
	var staff []*Feed
	for g := range a.feeds {
		if g.principal.IsStaff() {
			staff = append(staff, g)
		}
	}
	if len(staff) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), a.hub.cfg.WriteTimeout)
	defer cancel()
	a.sendPresence(ctx, staff)
}

func (a *actor) sendPresence(ctx context.Context, feeds []*Feed) {
	online, err := a.hub.cfg.Presence.Online(ctx, a.roomID)
	if err != nil {
		a.log.Warn("presence online", "err", err)
		return
	}
	frame := protocol.PresenceFrame(online)
	for _, g := range feeds {
		if !g.push(frame) {
			delete(a.feeds, g)
		}
	}
}

// endAll ends every feed with a reason.
func (a *actor) endAll(code int, reason string) {
	for f := range a.feeds {
		f.end(code, reason)
		delete(a.feeds, f)
	}
}
