package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/classroom-debate/debate/engine"
)

// TestNotifier checks an engine.Notifier: delivery, fan-out, per-room isolation,
// coalescing without blocking Publish, and cancel (idempotent; it closes the channel).
func TestNotifier(t *testing.T, newNotifier func(t *testing.T) engine.Notifier) {
	ctx := context.Background()

	t.Run("Deliver", func(t *testing.T) {
		n, room := newNotifier(t), unique(t, "room")
		notes, _ := mustSubscribe(t, n, room)
		mustPublish(t, n, room, 1)
		if got := receive(t, notes); got != 1 {
			t.Errorf("received %d, want 1", got)
		}
		mustPublish(t, n, room, 2)
		if got := receive(t, notes); got != 2 {
			t.Errorf("received %d, want 2", got)
		}
	})

	t.Run("FanOutAndIsolation", func(t *testing.T) {
		n := newNotifier(t)
		a, b := unique(t, "a"), unique(t, "b")
		a1, _ := mustSubscribe(t, n, a)
		a2, _ := mustSubscribe(t, n, a)
		b1, _ := mustSubscribe(t, n, b)
		// b's larger number goes first: if it leaked into a's channels, they would
		// show 7 (coalescing keeps the latest) or deliver it before 3.
		mustPublish(t, n, b, 7)
		mustPublish(t, n, a, 3)
		for i, ch := range []<-chan uint64{a1, a2} {
			if got := receive(t, ch); got != 3 {
				t.Errorf("subscriber %d of room a received %d, want 3", i, got)
			}
		}
		if got := receive(t, b1); got != 7 {
			t.Errorf("subscriber of room b received %d, want 7", got)
		}
	})

	t.Run("CoalesceWithoutBlocking", func(t *testing.T) {
		n, room := newNotifier(t), unique(t, "room")
		notes, _ := mustSubscribe(t, n, room)
		const published = 200
		done := make(chan struct{})
		go func() {
			defer close(done)
			for seq := uint64(1); seq <= published; seq++ {
				if err := n.Publish(ctx, room, seq); err != nil {
					t.Errorf("Publish(%d): %v", seq, err)
					return
				}
			}
		}()
		select {
		case <-done:
		case <-time.After(wait):
			t.Fatalf("Publish blocked on a subscriber that is not reading")
		}
		// Read until the last number arrives: numbers only grow, and most were merged.
		var got []uint64
		for len(got) == 0 || got[len(got)-1] != published {
			seq := receive(t, notes)
			if len(got) > 0 && seq <= got[len(got)-1] {
				t.Fatalf("received %d after %d", seq, got[len(got)-1])
			}
			got = append(got, seq)
		}
		if len(got) >= published {
			t.Errorf("received all %d notes one by one; want them coalesced", len(got))
		}
	})

	t.Run("Cancel", func(t *testing.T) {
		n, room := newNotifier(t), unique(t, "room")
		kept, _ := mustSubscribe(t, n, room)
		notes, cancel := mustSubscribe(t, n, room)
		mustPublish(t, n, room, 1)
		cancel()
		cancel() // idempotent: must not panic
		// The channel closes; a note published before cancel may still be in it.
		deadline := time.After(wait)
		for closed := false; !closed; {
			select {
			case seq, ok := <-notes:
				if ok && seq != 1 {
					t.Fatalf("cancelled subscription received %d", seq)
				}
				closed = !ok
			case <-deadline:
				t.Fatal("channel not closed after cancel")
			}
		}
		mustPublish(t, n, room, 2) // publishing to a room with a cancelled subscriber is fine
		for seq := receive(t, kept); seq != 2; seq = receive(t, kept) {
			if seq != 1 {
				t.Fatalf("remaining subscriber received %d, want 1 then 2", seq)
			}
		}
	})
}

// mustSubscribe subscribes and cancels when the test ends. The cleanup does not wait
// for cancel: if a broken Publish has wedged the notifier, the test reports that
// instead of hanging.
func mustSubscribe(t *testing.T, n engine.Notifier, room string) (<-chan uint64, func()) {
	t.Helper()
	notes, cancel, err := n.Subscribe(context.Background(), room)
	if err != nil {
		t.Fatalf("Subscribe(%s): %v", room, err)
	}
	t.Cleanup(func() { go cancel() })
	return notes, cancel
}

// mustPublish publishes and fails, rather than hangs, if Publish blocks.
func mustPublish(t *testing.T, n engine.Notifier, room string, seq uint64) {
	t.Helper()
	errc := make(chan error, 1)
	go func() { errc <- n.Publish(context.Background(), room, seq) }()
	select {
	case err := <-errc:
		if err != nil {
			t.Fatalf("Publish(%s, %d): %v", room, seq, err)
		}
	case <-time.After(wait):
		t.Fatalf("Publish(%s, %d) blocked", room, seq)
	}
}

// receive waits for one note.
func receive(t *testing.T, notes <-chan uint64) uint64 {
	t.Helper()
	select {
	case seq, ok := <-notes:
		if !ok {
			t.Fatal("notification channel closed")
		}
		return seq
	case <-time.After(wait):
		t.Fatal("no notification")
	}
	return 0
}
