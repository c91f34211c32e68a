package embedded

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/classroom-debate/debate/engine"
)

var (
	_ engine.Limiter      = (*Limiter)(nil)
	_ engine.LimiterRetry = (*Limiter)(nil)
)

// Limiter keeps one token bucket per key (an IP address, a room, a player) in memory.
// A bucket unused for the idle period is forgotten; by default that period is the time
// an empty bucket takes to refill, so forgetting it changes no decision and memory holds
// only keys seen recently.
type Limiter struct {
	limit rate.Limit
	burst int
	now   func() time.Time
	idle  time.Duration

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	lim  *rate.Limiter
	last time.Time // last Allow for this key
}

// LimiterOption configures NewLimiter.
type LimiterOption func(*Limiter)

// WithClock makes the limiter read time from now instead of time.Now (for tests).
func WithClock(now func() time.Time) LimiterOption {
	return func(l *Limiter) { l.now = now }
}

// WithIdle sets how long an unused key is remembered.
func WithIdle(d time.Duration) LimiterOption {
	return func(l *Limiter) { l.idle = d }
}

// NewLimiter allows each key r requests per second with bursts of up to burst.
func NewLimiter(r rate.Limit, burst int, opts ...LimiterOption) *Limiter {
	l := &Limiter{limit: r, burst: burst, now: time.Now, buckets: make(map[string]*bucket)}
	if r > 0 && r != rate.Inf {
		l.idle = time.Duration(float64(burst) / float64(r) * float64(time.Second))
	}
	if l.idle <= 0 {
		l.idle = time.Minute // no refill (r <= 0) or nothing to remember (r == Inf)
	}
	for _, o := range opts {
		o(l)
	}
	return l
}

// Allow implements engine.Limiter.
func (l *Limiter) Allow(ctx context.Context, key string) (bool, error) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	b := l.buckets[key]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(l.limit, l.burst)}
		l.buckets[key] = b
	}
	b.last = now
	return b.lim.AllowN(now, 1), nil
}

// RetryAfter implements engine.LimiterRetry: how long until key's bucket holds a token.
func (l *Limiter) RetryAfter(_ context.Context, key string) (time.Duration, error) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		return 0, nil
	}
	r := b.lim.ReserveN(now, 1)
	if !r.OK() {
		return l.idle, nil // a burst of 0 never allows: say the longest wait it knows
	}
	d := r.DelayFrom(now)
	r.CancelAt(now) // only asked; the token stays in the bucket
	return d, nil
}

// sweep forgets idle keys. It scans at most once per idle period, so its cost per
// Allow stays constant on average; a key lives at most twice the idle period unused.
func (l *Limiter) sweep(now time.Time) {
	if now.Sub(l.lastSweep) < l.idle {
		return
	}
	l.lastSweep = now
	for key, b := range l.buckets {
		if now.Sub(b.last) >= l.idle {
			delete(l.buckets, key)
		}
	}
}

// Len returns how many keys the limiter remembers (for tests and metrics).
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}
