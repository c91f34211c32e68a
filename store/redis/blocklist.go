package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/classroom-debate/debate/engine"
)

// blocklist keeps one key per blocked key, holding when the block ends (ms by the
// Store's clock) and expiring with it, so Redis forgets ended blocks by itself.
type blocklist struct{ s *Store }

var _ engine.Blocklist = (*blocklist)(nil)

func (b *blocklist) blockKey(key string) string { return b.s.key("block:", key) }

// Block implements engine.Blocklist.
func (b *blocklist) Block(ctx context.Context, key string, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	until := b.s.now().Add(d).UnixMilli()
	if err := b.s.client.Set(ctx, b.blockKey(key), until, max(d, time.Millisecond)).Err(); err != nil {
		return fmt.Errorf("redis store: block: %w", err)
	}
	return nil
}

// Blocked implements engine.Blocklist.
func (b *blocklist) Blocked(ctx context.Context, key string) (bool, error) {
	v, err := b.s.client.Get(ctx, b.blockKey(key)).Result()
	if errors.Is(err, redis.Nil) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("redis store: blocked: %w", err)
	}
	until, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return false, fmt.Errorf("redis store: block entry %q is not a time", v)
	}
	return b.s.now().UnixMilli() < until, nil
}
