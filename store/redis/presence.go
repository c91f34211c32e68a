package redisstore

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/classroom-debate/debate/engine"
)

// presence records connections in P{room}:online, one member per open connection
// ("<instance>/<n>/<player>") scored by the time (ms, Store clock) its heartbeat runs
// out. A background refresher pushes every connection of this instance one TTL ahead,
// three times per TTL; when an instance dies its entries run out and leave Online within
// one TTL. Online ignores, and removes, entries that have run out.
type presence struct {
	s        *Store
	instance string
	ttl      time.Duration

	// mu serialises the instance's writes: a disconnect's ZREM and the refresher's ZADD
	// never cross, so a closed connection is never written back.
	mu    sync.Mutex
	next  uint64
	conns map[string]string // member → room id

	stop     chan struct{}
	done     chan struct{}
	stopOnce sync.Once
}

var _ engine.Presence = (*presence)(nil)

func newPresence(s *Store, instance string, ttl time.Duration) *presence {
	p := &presence{s: s, instance: instance, ttl: ttl, conns: map[string]string{},
		stop: make(chan struct{}), done: make(chan struct{})}
	go p.refresher()
	return p
}

func (p *presence) key(roomID string) string { return p.s.roomKey(roomID, "online") }

// deadline is the score of an entry written now.
func (p *presence) deadline() float64 {
	return float64(p.s.now().Add(p.ttl).UnixMilli())
}

// Connect implements engine.Presence. The returned disconnect counts once however often
// it is called.
func (p *presence) Connect(ctx context.Context, roomID, playerID string) (func(), error) {
	if roomID == "" || playerID == "" {
		return nil, errEmptyID
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.next++
	member := p.instance + "/" + strconv.FormatUint(p.next, 10) + "/" + playerID
	key := p.key(roomID)
	if _, err := p.s.client.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
		pipe.ZAdd(ctx, key, redis.Z{Score: p.deadline(), Member: member})
		pipe.PExpire(ctx, key, 2*p.ttl) // a room nobody is in any more disappears
		return nil
	}); err != nil {
		return nil, fmt.Errorf("redis store: connect to room %s: %w", roomID, err)
	}
	p.conns[member] = roomID
	var once sync.Once
	return func() { once.Do(func() { p.disconnect(member) }) }, nil
}

func (p *presence) disconnect(member string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	roomID, ok := p.conns[member]
	if !ok {
		return
	}
	delete(p.conns, member)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := p.s.client.ZRem(ctx, p.key(roomID), member).Err(); err != nil {
		// The entry runs out within the TTL instead.
		p.s.log.Warn("redis store: disconnect not recorded; the connection leaves the roster when its heartbeat runs out", "room", roomID, "err", err)
	}
}

// Online implements engine.Presence.
func (p *presence) Online(ctx context.Context, roomID string) ([]string, error) {
	key := p.key(roomID)
	now := strconv.FormatInt(p.s.now().UnixMilli(), 10)
	var members *redis.StringSliceCmd
	if _, err := p.s.client.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
		pipe.ZRemRangeByScore(ctx, key, "-inf", now)
		members = pipe.ZRangeByScore(ctx, key, &redis.ZRangeBy{Min: "(" + now, Max: "+inf"})
		return nil
	}); err != nil {
		return nil, fmt.Errorf("redis store: online in room %s: %w", roomID, err)
	}
	ids := make([]string, 0, len(members.Val()))
	for _, m := range members.Val() {
		parts := strings.SplitN(m, "/", 3)
		if len(parts) == 3 {
			ids = append(ids, parts[2])
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// refresher renews this instance's entries until close.
func (p *presence) refresher() {
	defer close(p.done)
	t := time.NewTicker(p.ttl / 3)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), p.ttl/3)
			if err := p.refresh(ctx); err != nil {
				p.s.log.Warn("redis store: presence heartbeat failed; connections may leave the roster until Redis is back", "err", err)
			}
			cancel()
		}
	}
}

// refresh pushes every open connection of this instance one TTL ahead (re-adding any
// that ran out while Redis was unreachable).
func (p *presence) refresh(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.conns) == 0 {
		return nil
	}
	score := p.deadline()
	rooms := map[string][]redis.Z{}
	for member, roomID := range p.conns {
		rooms[roomID] = append(rooms[roomID], redis.Z{Score: score, Member: member})
	}
	_, err := p.s.client.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		for roomID, zs := range rooms {
			pipe.ZAdd(ctx, p.key(roomID), zs...)
			pipe.PExpire(ctx, p.key(roomID), 2*p.ttl)
		}
		return nil
	})
	return err
}

// close stops the refresher. The instance's entries stay until they run out, as when
// the process dies; shutdown removes them first.
func (p *presence) close() {
	p.stopOnce.Do(func() { close(p.stop) })
	<-p.done
}

// shutdown stops the refresher and removes every entry of this instance still open, so
// a graceful stop leaves the rosters at once instead of after the TTL.
func (p *presence) shutdown(ctx context.Context) error {
	p.close()
	p.mu.Lock()
	defer p.mu.Unlock()
	rooms := map[string][]any{}
	for member, roomID := range p.conns {
		rooms[roomID] = append(rooms[roomID], member)
	}
	clear(p.conns)
	if len(rooms) == 0 {
		return nil
	}
	_, err := p.s.client.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		for roomID, members := range rooms {
			pipe.ZRem(ctx, p.key(roomID), members...)
		}
		return nil
	})
	return err
}
