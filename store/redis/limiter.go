package redisstore

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"

	"github.com/classroom-debate/debate/engine"
)

// gcraScript is the generic cell rate algorithm: the key holds the theoretical arrival
// time (TAT, µs) of the next request; a request is allowed when the TAT, pushed one
// interval on, is no more than burst intervals ahead of now. It is x/time/rate's token
// bucket (embedded.Limiter) computed from one number, so every instance shares it.
//
//	KEYS[1] the bucket   ARGV[1] interval µs   ARGV[2] burst   ARGV[3] now µs, or "" for
//	the Redis server's clock
//
// One small script rather than github.com/go-redis/redis_rate: that library always reads
// the server's clock and fixes its own key prefix, and the store needs an injectable
// clock (tests) and its own prefix (tests sharing one Redis never touch others' keys).
var gcraScript = redis.NewScript(`
local now = tonumber(ARGV[3])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local interval = tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local next = tat + interval
if next - tonumber(ARGV[2]) * interval > now then return 0 end
redis.call('SET', KEYS[1], string.format('%.0f', next), 'PX', math.max(1, math.ceil((next - now) / 1000)))
return 1
`)

// noRefill is the interval used for a zero rate: the burst, then nothing for ten years.
const noRefill = 10 * 365 * 24 * time.Hour

type limiter struct {
	s        *Store
	name     string
	interval int64 // µs between requests at the steady rate
	burst    int
	always   bool // rate.Inf: no limit
}

var _ engine.Limiter = (*limiter)(nil)

func newLimiter(s *Store, name string, r rate.Limit, burst int) *limiter {
	l := &limiter{s: s, name: name, burst: burst, always: r == rate.Inf}
	switch {
	case r <= 0:
		l.interval = noRefill.Microseconds()
	case !l.always:
		l.interval = max(1, int64(math.Round(1e6/float64(r))))
	}
	return l
}

// Allow implements engine.Limiter.
func (l *limiter) Allow(ctx context.Context, key string) (bool, error) {
	if l.always {
		return true, nil
	}
	if l.burst <= 0 {
		return false, nil
	}
	now := ""
	if l.s.clocked {
		now = strconv.FormatInt(l.s.now().UnixMicro(), 10)
	}
	ok, err := gcraScript.Run(ctx, l.s.client, []string{l.s.key("rate:", l.name, ":", key)}, l.interval, l.burst, now).Int()
	if err != nil {
		return false, fmt.Errorf("redis store: limiter %s: %w", l.name, err)
	}
	return ok == 1, nil
}
