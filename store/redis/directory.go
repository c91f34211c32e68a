package redisstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/classroom-debate/debate/engine"
)

// The directory spans slots: a room's record is in the room's slot, a code's key in its
// own, the list of codes in a third. So no step touches two of them at once; instead the
// order of steps keeps every crash point harmless:
//
//   - Claim writes the room's record first, then SET NX the code. A code key therefore
//     always names a room whose record was written before it.
//   - Remove deletes the record, then the code's entry in the list, then the code key
//     (only if it still names this room).
//
// A code key naming a room without a record is left over from an interrupted Remove; the
// next Claim of that code removes it (compare and delete) and tries again.

// createInfoScript writes a room record unless one exists. KEYS[1] P{room}:info.
var createInfoScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'code', ARGV[1], 'created', ARGV[2], 'last', ARGV[3])
return 1
`)

// touchScript sets a record's last activity if the record exists.
var touchScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'last', ARGV[1])
return 1
`)

// deleteIfScript deletes KEYS[1] if its string value is ARGV[1].
var deleteIfScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`)

type directory struct{ s *Store }

var _ engine.Directory = (*directory)(nil)

func (d *directory) codeKey(code string) string { return d.s.key("code:{", code, "}") }
func (d *directory) codesKey() string           { return d.s.key("codes") }

// Claim implements engine.Directory. Claiming for a room id that is already registered
// is an error: ids are fresh for every room.
func (d *directory) Claim(ctx context.Context, info engine.RoomInfo) (bool, error) {
	if info.RoomID == "" || info.Code == "" {
		return false, errEmptyID
	}
	created, err := info.Created.MarshalText()
	if err != nil {
		return false, err
	}
	last, err := info.LastActivity.MarshalText()
	if err != nil {
		return false, err
	}
	infoKey := d.s.roomKey(info.RoomID, "info")
	made, err := createInfoScript.Run(ctx, d.s.client, []string{infoKey}, info.Code, created, last).Int()
	if err != nil {
		return false, fmt.Errorf("redis store: claim %s: %w", info.Code, err)
	}
	if made == 0 {
		return false, fmt.Errorf("redis store: claim %s: room %s is already registered", info.Code, info.RoomID)
	}
	won, err := d.claimCode(ctx, info)
	if err != nil || !won {
		// Best effort: a record left behind has no code and is never listed.
		if derr := d.s.client.Del(context.WithoutCancel(ctx), infoKey).Err(); derr != nil && err == nil {
			err = derr
		}
		if err != nil {
			return false, fmt.Errorf("redis store: claim %s: %w", info.Code, err)
		}
		return false, nil
	}
	if err := d.s.client.ZAdd(ctx, d.codesKey(), redis.Z{Member: info.Code}).Err(); err != nil {
		return false, fmt.Errorf("redis store: claim %s: list the code: %w", info.Code, err)
	}
	return true, nil
}

// claimCode sets the code's key to the room unless a live room holds it; a key left by
// an interrupted Remove is cleared first.
func (d *directory) claimCode(ctx context.Context, info engine.RoomInfo) (bool, error) {
	key := d.codeKey(info.Code)
	for range 3 {
		ok, err := d.s.client.SetNX(ctx, key, info.RoomID, 0).Result()
		if err != nil || ok {
			return ok, err
		}
		owner, err := d.s.client.Get(ctx, key).Result()
		if errors.Is(err, redis.Nil) {
			continue // freed meanwhile: try again
		}
		if err != nil {
			return false, err
		}
		n, err := d.s.client.Exists(ctx, d.s.roomKey(owner, "info")).Result()
		if err != nil {
			return false, err
		}
		if n == 1 {
			return false, nil // taken by a live room
		}
		if err := deleteIfScript.Run(ctx, d.s.client, []string{key}, owner).Err(); err != nil {
			return false, err
		}
	}
	return false, nil
}

// Lookup implements engine.Directory.
func (d *directory) Lookup(ctx context.Context, code string) (engine.RoomInfo, error) {
	roomID, err := d.s.client.Get(ctx, d.codeKey(code)).Result()
	if errors.Is(err, redis.Nil) {
		return engine.RoomInfo{}, engine.ErrNotFound
	}
	if err != nil {
		return engine.RoomInfo{}, fmt.Errorf("redis store: look up code: %w", err)
	}
	info, err := d.Get(ctx, roomID)
	if err == nil && info.Code != code {
		return engine.RoomInfo{}, engine.ErrNotFound // a leftover key
	}
	return info, err
}

// Get implements engine.Directory.
func (d *directory) Get(ctx context.Context, roomID string) (engine.RoomInfo, error) {
	fields, err := d.s.client.HGetAll(ctx, d.s.roomKey(roomID, "info")).Result()
	if err != nil {
		return engine.RoomInfo{}, fmt.Errorf("redis store: get room %s: %w", roomID, err)
	}
	return parseInfo(roomID, fields)
}

func parseInfo(roomID string, fields map[string]string) (engine.RoomInfo, error) {
	if len(fields) == 0 {
		return engine.RoomInfo{}, engine.ErrNotFound
	}
	info := engine.RoomInfo{RoomID: roomID, Code: fields["code"]}
	if err := info.Created.UnmarshalText([]byte(fields["created"])); err != nil {
		return engine.RoomInfo{}, fmt.Errorf("redis store: room %s: created: %w", roomID, err)
	}
	if err := info.LastActivity.UnmarshalText([]byte(fields["last"])); err != nil {
		return engine.RoomInfo{}, fmt.Errorf("redis store: room %s: last activity: %w", roomID, err)
	}
	return info, nil
}

// Touch implements engine.Directory.
func (d *directory) Touch(ctx context.Context, roomID string, at time.Time) error {
	last, err := at.MarshalText()
	if err != nil {
		return err
	}
	ok, err := touchScript.Run(ctx, d.s.client, []string{d.s.roomKey(roomID, "info")}, last).Int()
	if err != nil {
		return fmt.Errorf("redis store: touch room %s: %w", roomID, err)
	}
	if ok == 0 {
		return engine.ErrNotFound
	}
	return nil
}

// List implements engine.Directory: the codes' sorted set gives the order; a pipeline
// reads each code's room and record (on a Cluster, go-redis splits it by node).
func (d *directory) List(ctx context.Context) ([]engine.RoomInfo, error) {
	codes, err := d.s.client.ZRange(ctx, d.codesKey(), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("redis store: list rooms: %w", err)
	}
	if len(codes) == 0 {
		return nil, nil
	}
	owners := make([]*redis.StringCmd, len(codes))
	if _, err := d.s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, code := range codes {
			owners[i] = p.Get(ctx, d.codeKey(code))
		}
		return nil
	}); err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("redis store: list rooms: %w", err)
	}
	records := make([]*redis.MapStringStringCmd, len(codes))
	if _, err := d.s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i := range codes {
			if roomID, err := owners[i].Result(); err == nil {
				records[i] = p.HGetAll(ctx, d.s.roomKey(roomID, "info"))
			}
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("redis store: list rooms: %w", err)
	}
	out := make([]engine.RoomInfo, 0, len(codes))
	for i, code := range codes {
		if records[i] == nil {
			continue // a code whose room is being removed
		}
		info, err := parseInfo(owners[i].Val(), records[i].Val())
		if errors.Is(err, engine.ErrNotFound) || (err == nil && info.Code != code) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, info)
	}
	return out, nil
}

// Remove implements engine.Directory.
func (d *directory) Remove(ctx context.Context, roomID string) error {
	infoKey := d.s.roomKey(roomID, "info")
	code, err := d.s.client.HGet(ctx, infoKey, "code").Result()
	if errors.Is(err, redis.Nil) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("redis store: remove room %s: %w", roomID, err)
	}
	if err := d.s.client.Del(ctx, infoKey).Err(); err != nil {
		return fmt.Errorf("redis store: remove room %s: %w", roomID, err)
	}
	owner, err := d.s.client.Get(ctx, d.codeKey(code)).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("redis store: remove room %s: %w", roomID, err)
	}
	if owner == roomID {
		if err := d.s.client.ZRem(ctx, d.codesKey(), code).Err(); err != nil {
			return fmt.Errorf("redis store: remove room %s: %w", roomID, err)
		}
		if err := deleteIfScript.Run(ctx, d.s.client, []string{d.codeKey(code)}, roomID).Err(); err != nil {
			return fmt.Errorf("redis store: remove room %s: free its code: %w", roomID, err)
		}
	}
	return nil
}
