package storetest

import (
	"context"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/classroom-debate/debate/engine"
)

// TestLimiter checks an engine.Limiter built by newLimiter(t, r, burst): a burst is
// allowed and then refused, keys are separate, and concurrent requests never exceed the
// burst. The rate is one per hour, so no token comes back while the test runs and no
// clock needs controlling; refill timing is each implementation's own test.
func TestLimiter(t *testing.T, newLimiter func(t *testing.T, r rate.Limit, burst int) engine.Limiter) {
	ctx := context.Background()
	slow := rate.Every(time.Hour)

	t.Run("Burst", func(t *testing.T) {
		l := newLimiter(t, slow, 3)
		a, b := unique(t, "a"), unique(t, "b")
		for i := range 3 {
			assertAllow(t, l, a, true, i)
		}
		assertAllow(t, l, a, false, 3)
		assertAllow(t, l, a, false, 4)
		for i := range 3 {
			assertAllow(t, l, b, true, i) // another key has its own bucket
		}
		assertAllow(t, l, b, false, 3)
	})

	t.Run("Concurrent", func(t *testing.T) {
		l, key := newLimiter(t, slow, 5), unique(t, "key")
		const n = 20
		allowed := make([]bool, n)
		startTogether(n, func(i int) {
			ok, err := l.Allow(ctx, key)
			if err != nil {
				t.Errorf("Allow: %v", err)
			}
			allowed[i] = ok
		})
		var count int
		for _, ok := range allowed {
			if ok {
				count++
			}
		}
		if count != 5 {
			t.Errorf("%d of %d concurrent requests allowed, want the burst of 5", count, n)
		}
	})
}

func assertAllow(t *testing.T, l engine.Limiter, key string, want bool, i int) {
	t.Helper()
	ok, err := l.Allow(context.Background(), key)
	if err != nil {
		t.Fatalf("Allow(%s): %v", key, err)
	}
	if ok != want {
		t.Errorf("request %d under %s: Allow = %v, want %v", i, key, ok, want)
	}
}
