package redisstore

import (
	"context"
	"sync"
	"testing"
)

// TestNotifierChurn: subscribers come and go on a few rooms from many goroutines at
// once, as sockets open and close, while notes are published. Every Subscribe is
// confirmed (a note published after it arrives), cancels never close a channel twice,
// and when all are gone no channel and no connection is left.
func TestNotifierChurn(t *testing.T) {
	s := sharedStore(t, Options{})
	n := s.Notifier()
	ctx := context.Background()
	rooms := []string{"churn-a", "churn-b", "churn-c"}
	var wg sync.WaitGroup
	for w := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 15 {
				room := rooms[(w+i)%len(rooms)]
				notes, cancel, err := n.Subscribe(ctx, room)
				if err != nil {
					t.Errorf("Subscribe: %v", err)
					return
				}
				seq := uint64(w*1000 + i + 1)
				if err := n.Publish(ctx, room, seq); err != nil {
					t.Errorf("Publish: %v", err)
					cancel()
					return
				}
				// Notes coalesce to the largest, so ours arrives as itself or as a
				// larger one: it must arrive, since we published after Subscribe
				// returned.
				for got := range notes {
					if got >= seq {
						break
					}
				}
				cancel()
				cancel()
			}
		}()
	}
	wg.Wait()
	s.notifier.mu.Lock()
	defer s.notifier.mu.Unlock()
	if len(s.notifier.rooms) != 0 || len(s.notifier.shards) != 0 {
		t.Errorf("after every cancel: %d rooms and %d connections left", len(s.notifier.rooms), len(s.notifier.shards))
	}
}
