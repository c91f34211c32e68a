package storetest

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/classroom-debate/debate/engine"
)

// TestBlocklist checks an engine.Blocklist built by newBlocklist(t): a blocked key is
// refused and others are not, a block can be extended, and concurrent blocks of many
// keys all hold. Blocks last an hour, so none ends while the test runs and no clock
// needs controlling; expiry is each implementation's own test.
func TestBlocklist(t *testing.T, newBlocklist func(t *testing.T) engine.Blocklist) {
	ctx := context.Background()

	t.Run("BlockAndOthers", func(t *testing.T) {
		b := newBlocklist(t)
		bad, good := unique(t, "bad"), unique(t, "good")
		assertBlocked(t, b, bad, false)
		if err := b.Block(ctx, bad, time.Hour); err != nil {
			t.Fatalf("Block: %v", err)
		}
		assertBlocked(t, b, bad, true)
		assertBlocked(t, b, good, false)
		if err := b.Block(ctx, bad, 2*time.Hour); err != nil { // extending is allowed
			t.Fatalf("Block again: %v", err)
		}
		assertBlocked(t, b, bad, true)
	})

	t.Run("Concurrent", func(t *testing.T) {
		b := newBlocklist(t)
		const n = 20
		keys := make([]string, n)
		for i := range keys {
			keys[i] = unique(t, strconv.Itoa(i))
		}
		startTogether(n, func(i int) {
			if err := b.Block(ctx, keys[i], time.Hour); err != nil {
				t.Errorf("Block: %v", err)
			}
		})
		for _, k := range keys {
			assertBlocked(t, b, k, true)
		}
	})
}

func assertBlocked(t *testing.T, b engine.Blocklist, key string, want bool) {
	t.Helper()
	got, err := b.Blocked(context.Background(), key)
	if err != nil {
		t.Fatalf("Blocked(%s): %v", key, err)
	}
	if got != want {
		t.Fatalf("Blocked(%s) = %v, want %v", key, got, want)
	}
}
