package engine

import (
	"context"
	"errors"

	"sync"

	"github.com/classroom-debate/debate/protocol"
	"github.com/classroom-debate/debate/room"
)

// A room's frames live once, in its ring: each stored event is appended with its
// encoded forms (in full, without the staff-only figures, as a stub), and every viewer
// of the room reads the ring from its own position, taking the form its audience
// receives. A viewer costs a position, a wake-up channel and the few frames meant for it
// alone (its snapshot or catch-up, presence for staff), not a queue of its own; entries
// every viewer has read are released at the next append, so a room whose viewers keep
// up holds almost nothing. A viewer more than the room's FeedBuffer frames behind is
// ended as slow (protocol.CloseSlow), as it was when each viewer had its own queue.
type ring struct {
	mu    sync.Mutex
	buf   []ringEntry // power-of-two length; position p lives at p&(len-1)
	tail  uint64      // the oldest position still held
	head  uint64      // the next position to append
	limit int         // how far (in frames) a viewer may fall behind
}

// ringEntry is one stored event and the forms of it that the room's viewers receive,
// each encoded once.
type ringEntry struct {
	event room.Event
	vis   room.Visibility
	forms [3][]byte // indexed by room.Form
}

// privateFrame is a frame for one viewer only, delivered before the ring entry at pos.
type privateFrame struct {
	pos   uint64
	frame []byte
}

const minRingSlots = 8

func newRing(limit int) *ring {
	return &ring{buf: make([]ringEntry, minRingSlots), limit: limit}
}

// ringFor returns the actor's ring, making it on first use (on the actor goroutine).
func (a *actor) ringFor() *ring {
	if a.ring == nil {
		a.ring = newRing(a.hub.cfg.FeedBuffer)
	}
	return a.ring
}

// publish appends events for the feeds given, encoding each form some feed receives
// once; then it ends feeds that have fallen too far behind, releases what every feed has
// read, and wakes the feeds. It runs on the actor goroutine and returns the feeds it
// ended as slow.
func (r *ring) publish(events []room.Event, feeds map[*Feed]struct{}, encode func(room.Event) []byte) []*Feed {
	entries := make([]ringEntry, len(events))
	for i, e := range events {
		en := ringEntry{event: e, vis: room.VisibilityOf(e)}
		for f := range feeds {
			form := room.FormFor(e, en.vis, f.audience)
			if en.forms[form] == nil {
				en.forms[form] = encode(room.InForm(e, form))
			}
		}
		entries[i] = en
	}
	var slow []*Feed
	r.mu.Lock()
	for _, en := range entries {
		r.append(en)
	}
	low := r.head
	for f := range feeds {
		if f.ended {
			continue
		}
		if f.backlog() > r.limit {
			slow = append(slow, f)
			continue
		}
		low = min(low, f.cursor)
	}
	r.mu.Unlock()
	for _, f := range slow {
		if f.end(protocol.CloseSlow, slowReason) {
			f.actor.hub.observer().ViewerDropped()
		}
	}
	r.mu.Lock()
	r.release(low)
	r.mu.Unlock()
	for f := range feeds {
		f.wake()
	}
	return slow
}

const slowReason = "the connection fell too far behind; reconnect to catch up"

// append adds one entry at head, growing the buffer when it is full. Caller holds mu.
func (r *ring) append(en ringEntry) {
	if r.head-r.tail == uint64(len(r.buf)) {
		r.resize(2 * len(r.buf))
	}
	r.buf[r.head&uint64(len(r.buf)-1)] = en
	r.head++
}

// release drops the entries before position low, and shrinks a mostly empty buffer, so
// that a quiet room gives its memory back. Caller holds mu.
func (r *ring) release(low uint64) {
	for r.tail < low {
		r.buf[r.tail&uint64(len(r.buf)-1)] = ringEntry{}
		r.tail++
	}
	if n := len(r.buf); n > minRingSlots && r.head-r.tail <= uint64(n/4) {
		r.resize(n / 2)
	}
}

func (r *ring) resize(n int) {
	buf := make([]ringEntry, n)
	for p := r.tail; p < r.head; p++ {
		buf[p&uint64(n-1)] = r.buf[p&uint64(len(r.buf)-1)]
	}
	r.buf = buf
}

// Feed is one viewer's stream of ready-encoded frames: a snapshot or the missed events,
// then live events in sequence order, each in full or as a redacted stub. A feed never
// blocks its room: when it falls more than the room's FeedBuffer frames behind, the
// viewer has fallen behind and the feed ends with protocol.CloseSlow; the client
// reconnects and resumes from its last seq.
//
// The reader waits on Ready and takes what is waiting with Take (a socket writes all of
// it before one flush), or takes one frame at a time with Next.
type Feed struct {
	principal room.Principal
	audience  room.Audience
	actor     *actor
	ring      *ring
	ready     chan struct{} // one token: something to take, or the end

	// Guarded by ring.mu.
	cursor     uint64         // the next ring position this viewer reads
	private    []privateFrame // frames for this viewer alone, in order
	ended      bool
	code       int
	reason     string
	disconnect func() // presence
}

func newFeed(a *actor, p room.Principal) *Feed {
	r := a.ringFor()
	r.mu.Lock()
	head := r.head
	r.mu.Unlock()
	return &Feed{
		principal: p,
		audience:  room.AudienceOf(p),
		actor:     a,
		ring:      r,
		ready:     make(chan struct{}, 1),
		cursor:    head,
	}
}

// ErrFeedEnded is what Next returns once a feed has ended and every frame was taken.
var ErrFeedEnded = errors.New("engine: the feed has ended")

// Ready is signalled when frames may be waiting or the feed has ended; take them with
// Take.
func (f *Feed) Ready() <-chan struct{} { return f.ready }

// Take appends up to max waiting frames to dst and returns it. done reports that the
// feed has ended and nothing is left: Reason says why. The frames are shared with the
// room's other viewers and must not be modified.
func (f *Feed) Take(dst [][]byte, max int) (frames [][]byte, done bool) {
	r := f.ring
	r.mu.Lock()
	defer r.mu.Unlock()
	for n := 0; n < max; n++ {
		if len(f.private) > 0 && f.private[0].pos <= f.cursor {
			dst = append(dst, f.private[0].frame)
			f.private[0] = privateFrame{}
			f.private = f.private[1:]
			if len(f.private) == 0 {
				f.private = nil
			}
			continue
		}
		if f.ended || f.cursor >= r.head {
			break
		}
		if f.cursor < r.tail {
			// Released under a feed that was already ended: nothing more to read.
			break
		}
		en := &r.buf[f.cursor&uint64(len(r.buf)-1)]
		frame := en.forms[room.FormFor(en.event, en.vis, f.audience)]
		f.cursor++
		if frame != nil {
			dst = append(dst, frame)
		}
	}
	pending := len(f.private) > 0 || !f.ended && f.cursor < r.head
	if pending {
		// Leave the token for the rest, so a reader that took max comes back.
		select {
		case f.ready <- struct{}{}:
		default:
		}
	}
	return dst, f.ended && !pending
}

// Next waits for the next frame. It returns ErrFeedEnded once the feed has ended and
// every frame was taken, or the context's error.
func (f *Feed) Next(ctx context.Context) ([]byte, error) {
	var one [1][]byte
	for {
		got, done := f.Take(one[:0], 1)
		if len(got) == 1 {
			return got[0], nil
		}
		if done {
			return nil, ErrFeedEnded
		}
		select {
		case <-f.ready:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// Reason says why the feed ended: a protocol close code and a short text. It is
// meaningful once Take reports done (or Next returns ErrFeedEnded).
func (f *Feed) Reason() (code int, text string) {
	f.ring.mu.Lock()
	defer f.ring.mu.Unlock()
	return f.code, f.reason
}

// Close ends the feed from the viewer's side. It is idempotent.
func (f *Feed) Close() {
	if f.end(1000, "closed by client") {
		f.actor.post(func(a *actor) { delete(a.feeds, f); a.presenceChanged(f) })
	}
}

// backlog is how many frames the viewer has yet to take. Caller holds ring.mu.
func (f *Feed) backlog() int {
	return int(f.ring.head-f.cursor) + len(f.private)
}

// waiting is how many frames the viewer has yet to take.
func (f *Feed) waiting() int {
	f.ring.mu.Lock()
	defer f.ring.mu.Unlock()
	return f.backlog()
}

// push queues a frame for this viewer alone, without blocking. It reports false when
// the feed has ended or has fallen too far behind (then the feed ends as slow).
func (f *Feed) push(frame []byte) bool {
	r := f.ring
	r.mu.Lock()
	if f.ended {
		r.mu.Unlock()
		return false
	}
	if f.backlog()+1 > r.limit {
		r.mu.Unlock()
		if f.end(protocol.CloseSlow, slowReason) {
			f.actor.hub.observer().ViewerDropped()
		}
		return false
	}
	f.private = append(f.private, privateFrame{pos: r.head, frame: frame})
	r.mu.Unlock()
	f.wake()
	return true
}

func (f *Feed) wake() {
	select {
	case f.ready <- struct{}{}:
	default:
	}
}

// end ends the feed once, with a reason; it reports whether this call ended it. What
// the viewer has not taken yet stays readable (the room's last events before it was
// deleted, say), except for a slow viewer, who resumes from its last seq anyway.
func (f *Feed) end(code int, reason string) bool {
	r := f.ring
	r.mu.Lock()
	if f.ended {
		r.mu.Unlock()
		return false
	}
	if code == protocol.CloseSlow {
		f.private = nil
		f.cursor = r.head
	} else {
		// Keep the unread frames in order: the ring may release its entries once this
		// feed has left the room.
		var kept []privateFrame
		private := f.private
		for p := max(f.cursor, r.tail); p < r.head; p++ {
			for len(private) > 0 && private[0].pos <= p {
				kept = append(kept, private[0])
				private = private[1:]
			}
			en := &r.buf[p&uint64(len(r.buf)-1)]
			if frame := en.forms[room.FormFor(en.event, en.vis, f.audience)]; frame != nil {
				kept = append(kept, privateFrame{frame: frame})
			}
		}
		kept = append(kept, private...)
		for i := range kept {
			kept[i].pos = 0
		}
		f.private = kept
		f.cursor = r.head
	}
	f.ended = true
	f.code, f.reason = code, reason
	disconnect := f.disconnect
	f.disconnect = nil
	r.mu.Unlock()
	f.wake()
	if disconnect != nil {
		disconnect()
	}
	return true
}

// setDisconnect records how to tell presence the viewer left (called once, at watch).
func (f *Feed) setDisconnect(disconnect func()) {
	f.ring.mu.Lock()
	defer f.ring.mu.Unlock()
	f.disconnect = disconnect
}
