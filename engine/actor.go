package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
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
	timer       clock.Timer
	timerAt     time.Time
	lastTouch   time.Time
	stopping    bool
	cancelNotes func()
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

func (a *actor) run() {
	defer close(a.done)
	defer func() {
		if a.cancelNotes != nil {
			a.cancelNotes()
		}
		if a.timer != nil {
			a.timer.Stop()
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
	entries, err := a.hub.cfg.Log.Read(ctx, a.roomID, 0, 0)
	if err != nil {
		return fmt.Errorf("read log of room %s: %w", a.roomID, err)
	}
	if len(entries) == 0 {
		return ErrNotFound
	}
	st := room.NewState()
	for _, en := range entries {
		var e room.Event
		if err := json.Unmarshal(en.Data, &e); err != nil {
			return fmt.Errorf("room %s event %d: %w", a.roomID, en.Seq, err)
		}
		if err := room.Apply(st, e); err != nil {
			return fmt.Errorf("room %s event %d: %w", a.roomID, en.Seq, err)
		}
	}
	a.state = st
	return nil
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
			if lerr := a.load(ctx); lerr != nil {
				a.log.Error("reload after a refused event", "err", lerr)
				a.fail(results, lerr)
				a.stopping = true
				break
			}
			continue
		}
		if len(events) == 0 {
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
			stored = events
			break
		}
		// The tentative state is wrong now: rebuild it from what is stored.
		if lerr := a.load(ctx); lerr != nil {
			a.log.Error("reload after failed append", "err", lerr)
			a.fail(results, lerr)
			a.stopping = true
			break
		}
		if errors.Is(err, ErrSeqConflict) && attempt < 8 {
			a.fanOut(a.eventsAfter(ctx, expected))
			continue
		}
		a.log.Error("append to room log", "err", err)
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

func (a *actor) fail(results []submitResult, err error) {
	for i := range results {
		if results[i].err == nil {
			results[i] = submitResult{err: fault.T(fault.Unavailable, "fault.engine.roomCouldNotSave")}
		}
	}
}

// eventsAfter reads stored events after seq (used after a conflict to tell viewers what
// the other instance wrote). Errors are logged; viewers then resync by snapshot later.
func (a *actor) eventsAfter(ctx context.Context, seq uint64) []room.Event {
	entries, err := a.hub.cfg.Log.Read(ctx, a.roomID, seq, 0)
	if err != nil {
		a.log.Warn("read log after conflict", "err", err)
		return nil
	}
	out := make([]room.Event, 0, len(entries))
	for _, en := range entries {
		var e room.Event
		if json.Unmarshal(en.Data, &e) == nil {
			out = append(out, e)
		}
	}
	return out
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
	if len(a.feeds) == 0 {
		return
	}
	for _, e := range events {
		vis := room.VisibilityOf(e)
		frames := map[room.Form][]byte{}
		for f := range a.feeds {
			form := room.FormFor(e, vis, f.audience)
			frame, ok := frames[form]
			if !ok {
				frame = a.encodeEvent(room.InForm(e, form))
				frames[form] = frame
			}
			if !f.push(frame) {
				delete(a.feeds, f)
				a.presenceChanged(f)
			}
		}
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

// note handles a notification that the log grew, possibly from another instance.
func (a *actor) note(seq uint64) {
	if seq <= a.state.Seq() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), a.hub.cfg.WriteTimeout)
	defer cancel()
	events, err := a.catchUp(ctx)
	if len(events) > 0 {
		a.fanOut(events)
		a.afterChange()
	}
	if err != nil {
		a.log.Error("catch up with room log", "err", err)
		if lerr := a.load(ctx); lerr != nil {
			a.log.Error("reload room", "err", lerr)
		}
	}
}

// watch starts a feed for a viewer: the missed events or a snapshot, then live events.
func (a *actor) watch(ctx context.Context, p room.Principal, after *uint64) (*Feed, error) {
	if a.state.Deleted() {
		return nil, fault.T(fault.NotFound, "fault.engine.roomDeleted")
	}
	if p.Kind == room.Player && !a.state.PlayerActive(p.PlayerID) {
		return nil, fault.T(fault.Unauthorized, "fault.engine.noLongerInRoom")
	}
	f := newFeed(a, p, a.hub.cfg.FeedBuffer)
	caughtUp := false
	if after != nil && *after <= a.state.Seq() && a.state.Seq()-*after <= maxCatchUp {
		entries, err := a.hub.cfg.Log.Read(ctx, a.roomID, *after, 0)
		if err == nil && (len(entries) == 0 && *after == a.state.Seq() || len(entries) > 0 && entries[0].Seq == *after+1 && entries[len(entries)-1].Seq == a.state.Seq()) {
			caughtUp = true
			for _, en := range entries {
				var e room.Event
				if json.Unmarshal(en.Data, &e) != nil {
					caughtUp = false
					break
				}
				frame, err := protocol.EventFrame(room.Redact(e, f.audience))
				if err != nil || !f.push(frame) {
					caughtUp = false
					break
				}
			}
		}
		if !caughtUp && !f.isEnded() {
			// Start over with a snapshot on a fresh feed.
			f = newFeed(a, p, a.hub.cfg.FeedBuffer)
		}
	}
	if after != nil {
		a.hub.observer().Resumed(len(f.frames), !caughtUp)
	}
	if !caughtUp {
		frame, err := protocol.SnapshotFrame(a.state.Seq(), a.state.View(p))
		if err != nil {
			return nil, fmt.Errorf("encode snapshot: %w", err)
		}
		f.push(frame)
	}
	if f.isEnded() {
		return nil, fault.T(fault.Unavailable, "fault.engine.catchUpTooLarge")
	}
	if p.Kind == room.Player {
		disconnect, err := a.hub.cfg.Presence.Connect(ctx, a.roomID, p.PlayerID)
		if err != nil {
			a.log.Warn("presence connect", "err", err)
		} else {
			f.mu.Lock()
			f.disconnect = disconnect
			f.mu.Unlock()
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
