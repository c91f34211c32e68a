package embedded

import (
	"context"
	"sync"

	"github.com/classroom-debate/debate/engine"
)

var _ engine.Notifier = (*Notifier)(nil)

// Notifier fans announcements out to the subscribers of a room within this process.
// Publish never blocks: each subscriber has a one-slot channel, and when the slot is
// full the waiting value is replaced by the larger of it and the new one, so a slow
// subscriber sees fewer, later sequence numbers and reads the rest from the log.
type Notifier struct {
	mu   sync.Mutex
	subs map[string]map[*subscription]struct{} // by room id
}

type subscription struct {
	ch     chan uint64
	cancel sync.Once
}

// NewNotifier returns an empty notifier.
func NewNotifier() *Notifier {
	return &Notifier{subs: make(map[string]map[*subscription]struct{})}
}

// Publish implements engine.Notifier.
func (n *Notifier) Publish(ctx context.Context, roomID string, seq uint64) error {
	// Sends happen under the lock: only publishers send, so after draining a full slot
	// the second send cannot fail, and cancel cannot close a channel mid-send.
	n.mu.Lock()
	defer n.mu.Unlock()
	for sub := range n.subs[roomID] {
		select {
		case sub.ch <- seq:
			continue
		default:
		}
		latest := seq
		select {
		case old := <-sub.ch:
			latest = max(latest, old) // a late publisher must not move a reader back
		default: // the reader took it meanwhile
		}
		sub.ch <- latest
	}
	return nil
}

// Subscribe implements engine.Notifier. cancel closes the channel, so a reader ranging
// over it stops; ctx only bounds the call itself.
func (n *Notifier) Subscribe(ctx context.Context, roomID string) (<-chan uint64, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	sub := &subscription{ch: make(chan uint64, 1)}
	n.mu.Lock()
	if n.subs[roomID] == nil {
		n.subs[roomID] = make(map[*subscription]struct{})
	}
	n.subs[roomID][sub] = struct{}{}
	n.mu.Unlock()

	cancel := func() {
		sub.cancel.Do(func() {
			n.mu.Lock()
			defer n.mu.Unlock()
			// sub is still in n.subs[roomID]: a room's set is dropped only once empty.
			room := n.subs[roomID]
			delete(room, sub)
			if len(room) == 0 {
				delete(n.subs, roomID) // keep the map as small as the live rooms
			}
			close(sub.ch)
		})
	}
	return sub.ch, cancel, nil
}
