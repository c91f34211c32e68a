package engine

import (
	"sync"

	"github.com/classroom-debate/debate/protocol"
	"github.com/classroom-debate/debate/room"
)

// Feed is one viewer's stream of ready-encoded frames: a snapshot or the missed events,
// then live events in sequence order, each in full or as a redacted stub. A feed never
// blocks its room: when its buffer is full the viewer has fallen behind and the feed
// ends with protocol.CloseSlow; the client reconnects and resumes from its last seq.
type Feed struct {
	frames    chan []byte
	principal room.Principal
	audience  room.Audience
	actor     *actor

	mu         sync.Mutex
	ended      bool
	code       int
	reason     string
	disconnect func() // presence
}

func newFeed(a *actor, p room.Principal, buffer int) *Feed {
	return &Feed{
		frames:    make(chan []byte, buffer),
		principal: p,
		audience:  room.AudienceOf(p),
		actor:     a,
	}
}

// Frames delivers the feed's frames; it is closed when the feed ends.
func (f *Feed) Frames() <-chan []byte { return f.frames }

// Reason says why the feed ended: a protocol close code and a short text. It is
// meaningful once Frames() is closed.
func (f *Feed) Reason() (code int, text string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.code, f.reason
}

// Close ends the feed from the viewer's side. It is idempotent.
func (f *Feed) Close() {
	if f.end(1000, "closed by client") {
		f.actor.post(func(a *actor) { delete(a.feeds, f); a.presenceChanged(f) })
	}
}

// push queues a frame without blocking. It reports false when the feed has ended or
// its buffer is full (then the feed ends as slow).
func (f *Feed) push(frame []byte) bool {
	f.mu.Lock()
	if f.ended {
		f.mu.Unlock()
		return false
	}
	select {
	case f.frames <- frame:
		f.mu.Unlock()
		return true
	default:
		f.mu.Unlock()
		if f.end(protocol.CloseSlow, "the connection fell too far behind; reconnect to catch up") {
			f.actor.hub.observer().ViewerDropped()
		}
		return false
	}
}

// end closes the feed once, with a reason; it reports whether this call ended it.
func (f *Feed) end(code int, reason string) bool {
	f.mu.Lock()
	if f.ended {
		f.mu.Unlock()
		return false
	}
	f.ended = true
	f.code, f.reason = code, reason
	close(f.frames)
	disconnect := f.disconnect
	f.disconnect = nil
	f.mu.Unlock()
	if disconnect != nil {
		disconnect()
	}
	return true
}

func (f *Feed) isEnded() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.ended
}
