package embedded

import (
	"context"
	"sync"
	"time"

	"github.com/classroom-debate/debate/engine"
)

var (
	_ engine.Blocklist      = (*Blocklist)(nil)
	_ engine.BlocklistRetry = (*Blocklist)(nil)
)

// Blocklist keeps blocked keys in memory with the time each block ends. It holds only
// keys that misbehaved, and forgets a key once its block is over.
type Blocklist struct {
	now func() time.Time

	mu    sync.Mutex
	until map[string]time.Time
}

// NewBlocklist returns an empty blocklist reading time from now (time.Now when nil).
func NewBlocklist(now func() time.Time) *Blocklist {
	if now == nil {
		now = time.Now
	}
	return &Blocklist{now: now, until: map[string]time.Time{}}
}

// Block implements engine.Blocklist.
func (b *Blocklist) Block(_ context.Context, key string, d time.Duration) error {
	now := b.now()
	b.mu.Lock()
	defer b.mu.Unlock()
	for k, end := range b.until { // only misbehaving keys are here: the scan stays short
		if !now.Before(end) {
			delete(b.until, k)
		}
	}
	b.until[key] = now.Add(d)
	return nil
}

// Blocked implements engine.Blocklist.
func (b *Blocklist) Blocked(_ context.Context, key string) (bool, error) {
	now := b.now()
	b.mu.Lock()
	defer b.mu.Unlock()
	end, ok := b.until[key]
	if ok && !now.Before(end) {
		delete(b.until, key)
		return false, nil
	}
	return ok, nil
}

// BlockedFor implements engine.BlocklistRetry.
func (b *Blocklist) BlockedFor(_ context.Context, key string) (time.Duration, error) {
	now := b.now()
	b.mu.Lock()
	defer b.mu.Unlock()
	if end, ok := b.until[key]; ok && now.Before(end) {
		return end.Sub(now), nil
	}
	return 0, nil
}

// Len returns how many keys are remembered (for tests).
func (b *Blocklist) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.until)
}
