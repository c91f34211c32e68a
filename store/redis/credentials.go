package redisstore

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/redis/go-redis/v9"

	"github.com/classroom-debate/debate/engine"
)

// A grant lives under Pgrant:{hash}, in the hash's slot; its room's index
// P{room}:grants (in the room's slot) lists the hashes, scored by expiry in ms (+inf for
// none), so DeleteRoom and DeletePlayer find them. Put writes the index entry first, so
// a grant is always findable; an index entry whose grant is gone or moved to another room
// is skipped and dropped. Deletions through the index check, in the grant's own slot,
// that the grant still belongs to the room (and player, and kind): a hash put again for
// another room is not touched.
//
// Expiry: each grant key gets a Redis TTL so Redis frees it, and every read also
// compares Expires with the Store's clock, so the answer follows that clock exactly.

// putGrantScript replaces KEYS[1] with a grant: ARGV room, kind, player, subject,
// expires (RFC 3339 or ""), ttl in ms (0: none).
var putGrantScript = redis.NewScript(`
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'room', ARGV[1], 'kind', ARGV[2], 'player', ARGV[3], 'subject', ARGV[4], 'expires', ARGV[5])
if tonumber(ARGV[6]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[6]) end
return 1
`)

// takeGrantScript returns and deletes KEYS[1] if its kind is ARGV[1]; otherwise it
// answers nil and leaves it, so a key offered where a ticket belongs survives. Two
// instances taking one ticket run this one after the other: one gets it.
var takeGrantScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'kind') ~= ARGV[1] then return false end
local g = redis.call('HGETALL', KEYS[1])
redis.call('DEL', KEYS[1])
return g
`)

// deleteGrantIfScript deletes KEYS[1] if it belongs to room ARGV[1] and, when given,
// player ARGV[2] and kind ARGV[3]. It answers 1 when the index entry can go (deleted,
// already gone, or moved to another room) and 0 when the grant stays in the room.
var deleteGrantIfScript = redis.NewScript(`
local g = redis.call('HMGET', KEYS[1], 'room', 'player', 'kind')
if not g[1] then return 1 end
if g[1] ~= ARGV[1] then return 1 end
if ARGV[2] ~= '' and g[2] ~= ARGV[2] then return 0 end
if ARGV[3] ~= '' and g[3] ~= ARGV[3] then return 0 end
redis.call('DEL', KEYS[1])
return 1
`)

type credentials struct{ s *Store }

var _ engine.Credentials = (*credentials)(nil)

func (c *credentials) grantKey(hash string) string { return c.s.key("grant:{", hash, "}") }

// Put implements engine.Credentials. A grant already expired by the Store's clock is
// not stored, and replaces (deletes) whatever the hash held.
func (c *credentials) Put(ctx context.Context, hash string, g engine.Grant) error {
	if hash == "" || g.RoomID == "" {
		return errEmptyID
	}
	now := c.s.now()
	var ttl int64
	var expires string
	score := math.Inf(1)
	if !g.Expires.IsZero() {
		left := g.Expires.Sub(now)
		if left <= 0 {
			return c.Delete(ctx, hash)
		}
		ttl = max(1, left.Milliseconds())
		b, err := g.Expires.MarshalText()
		if err != nil {
			return err
		}
		expires = string(b)
		score = float64(g.Expires.UnixMilli())
	}
	index := c.s.roomKey(g.RoomID, "grants")
	if _, err := c.s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		// Drop index entries whose grants have expired, so the index stays the size of
		// the room's live grants.
		p.ZRemRangeByScore(ctx, index, "-inf", strconv.FormatInt(now.UnixMilli(), 10)) // expired at Expires
		p.ZAdd(ctx, index, redis.Z{Score: score, Member: hash})
		return nil
	}); err != nil {
		return fmt.Errorf("redis store: put a grant of room %s: %w", g.RoomID, err)
	}
	err := putGrantScript.Run(ctx, c.s.client, []string{c.grantKey(hash)},
		g.RoomID, g.Kind, g.PlayerID, g.Subject, expires, ttl).Err()
	if err != nil {
		return fmt.Errorf("redis store: put a grant of room %s: %w", g.RoomID, err)
	}
	return nil
}

func (c *credentials) parse(fields map[string]string) (engine.Grant, error) {
	if len(fields) == 0 {
		return engine.Grant{}, engine.ErrNotFound
	}
	g := engine.Grant{RoomID: fields["room"], Kind: fields["kind"], PlayerID: fields["player"], Subject: fields["subject"]}
	if e := fields["expires"]; e != "" {
		if err := g.Expires.UnmarshalText([]byte(e)); err != nil {
			return engine.Grant{}, fmt.Errorf("redis store: grant expiry %q: %w", e, err)
		}
		if !c.s.now().Before(g.Expires) {
			return engine.Grant{}, engine.ErrNotFound
		}
	}
	return g, nil
}

// Get implements engine.Credentials.
func (c *credentials) Get(ctx context.Context, hash string) (engine.Grant, error) {
	fields, err := c.s.client.HGetAll(ctx, c.grantKey(hash)).Result()
	if err != nil {
		return engine.Grant{}, fmt.Errorf("redis store: get a grant: %w", err)
	}
	return c.parse(fields)
}

// Take implements engine.Credentials.
func (c *credentials) Take(ctx context.Context, hash, kind string) (engine.Grant, error) {
	res, err := takeGrantScript.Run(ctx, c.s.client, []string{c.grantKey(hash)}, kind).StringSlice()
	if errors.Is(err, redis.Nil) {
		return engine.Grant{}, engine.ErrNotFound
	}
	if err != nil {
		return engine.Grant{}, fmt.Errorf("redis store: take a grant: %w", err)
	}
	fields := make(map[string]string, len(res)/2)
	for i := 0; i+1 < len(res); i += 2 {
		fields[res[i]] = res[i+1]
	}
	return c.parse(fields) // an expired ticket is consumed and reported missing
}

// Delete implements engine.Credentials. The room's index entry stays until the room's
// next DeleteRoom, DeletePlayer or expiry sweep, which skip and drop it.
func (c *credentials) Delete(ctx context.Context, hash string) error {
	if err := c.s.client.Del(ctx, c.grantKey(hash)).Err(); err != nil {
		return fmt.Errorf("redis store: delete a grant: %w", err)
	}
	return nil
}

// DeleteRoom implements engine.Credentials.
func (c *credentials) DeleteRoom(ctx context.Context, roomID string) error {
	return c.deleteWhere(ctx, roomID, "", "")
}

// DeletePlayer implements engine.Credentials.
func (c *credentials) DeletePlayer(ctx context.Context, roomID, playerID, kind string) error {
	if playerID == "" {
		return errEmptyID
	}
	return c.deleteWhere(ctx, roomID, playerID, kind)
}

// deleteWhere deletes the room's grants matching player and kind ("" matches any).
func (c *credentials) deleteWhere(ctx context.Context, roomID, playerID, kind string) error {
	index := c.s.roomKey(roomID, "grants")
	hashes, err := c.s.client.ZRange(ctx, index, 0, -1).Result()
	if err != nil {
		return fmt.Errorf("redis store: delete grants of room %s: %w", roomID, err)
	}
	if len(hashes) == 0 {
		return nil
	}
	results := make([]*redis.Cmd, len(hashes))
	if _, err := c.s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, h := range hashes {
			// Eval, not Run: a pipeline cannot fall back from EVALSHA when the
			// script is not loaded yet.
			results[i] = deleteGrantIfScript.Eval(ctx, p, []string{c.grantKey(h)}, roomID, playerID, kind)
		}
		return nil
	}); err != nil {
		return fmt.Errorf("redis store: delete grants of room %s: %w", roomID, err)
	}
	var drop []any
	for i, r := range results {
		if n, _ := r.Int(); n == 1 {
			drop = append(drop, hashes[i])
		}
	}
	if len(drop) > 0 {
		if err := c.s.client.ZRem(ctx, index, drop...).Err(); err != nil {
			return fmt.Errorf("redis store: delete grants of room %s: %w", roomID, err)
		}
	}
	return nil
}
