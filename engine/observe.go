package engine

import (
	"time"

	"github.com/classroom-debate/debate/fault"
)

// Observer is told what the engine does, for the operator's metrics; the engine itself
// stays free of any metrics library. Methods are called from many goroutines (room
// actors, request handlers) and must be quick and safe for concurrent use.
type Observer interface {
	// Command: a command submitted through Hub.Submit was answered after took (queue,
	// decide, store, all of it); code is "" when it was acknowledged, else its fault code.
	Command(code fault.Code, took time.Duration)
	// Appended: one Log.Append of entries events took took; err is its outcome.
	Appended(entries int, took time.Duration, err error)
	// ViewerDropped: a viewer fell a whole buffer behind and its feed was ended as slow.
	ViewerDropped()
	// Resumed: a viewer reconnected with the last seq it had and was sent the events it
	// missed (snapshot false), or a fresh snapshot because the log could not fill the gap.
	Resumed(events int, snapshot bool)
}

// nopObserver is the Observer of a hub configured without one.
type nopObserver struct{}

func (nopObserver) Command(fault.Code, time.Duration)  {}
func (nopObserver) Appended(int, time.Duration, error) {}
func (nopObserver) ViewerDropped()                     {}
func (nopObserver) Resumed(int, bool)                  {}

// observer returns the configured Observer, or one that does nothing.
func (h *Hub) observer() Observer {
	if h.cfg.Observer == nil {
		return nopObserver{}
	}
	return h.cfg.Observer
}
