package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/classroom-debate/debate/engine"
)

// appendScript appends to a room's log and announces the new last seq, in one step.
//
//	KEYS[1] P{room}:meta   KEYS[2] P{room}:log
//	ARGV[1] expected last seq (decimal)   ARGV[2] new last seq
//	ARGV[3] epoch to set if the log is new   ARGV[4] channel   ARGV[5] "publish"/"spublish"
//	ARGV[6…] the entries' data, for seqs expected+1 … new last
//
// It answers {0, epoch} on success and {1, actual last} on a conflict. Seqs are compared
// as decimal strings: Lua numbers are doubles and would lose precision above 2^53.
var appendScript = redis.NewScript(`
local last = redis.call('HGET', KEYS[1], 'last') or '0'
if last ~= ARGV[1] then
  return {1, last}
end
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then
  epoch = ARGV[3]
  redis.call('HSET', KEYS[1], 'epoch', epoch)
end
local seq = tonumber(ARGV[1])
for i = 6, #ARGV do
  seq = seq + 1
  redis.call('XADD', KEYS[2], string.format('%d-0', seq), 'd', ARGV[i])
end
redis.call('HSET', KEYS[1], 'last', ARGV[2])
redis.call(ARGV[5], ARGV[4], ARGV[2])
return {0, epoch}
`)

// maxScriptSeq bounds seqs so the script's arithmetic on doubles stays exact.
const maxScriptSeq = 1 << 53

// roomLog is the Store seen as an engine.Log.
type roomLog struct{ s *Store }

var _ engine.Log = (*roomLog)(nil)

// Append implements engine.Log.
func (l *roomLog) Append(ctx context.Context, roomID string, expectedLast uint64, entries []engine.Entry) error {
	if roomID == "" {
		return errEmptyID
	}
	for i, e := range entries {
		if e.Seq != expectedLast+uint64(i)+1 {
			return fmt.Errorf("redis store: append to room %s after %d: entry %d has seq %d, want %d", roomID, expectedLast, i, e.Seq, expectedLast+uint64(i)+1)
		}
	}
	newLast := expectedLast + uint64(len(entries))
	if newLast >= maxScriptSeq {
		return fmt.Errorf("redis store: append to room %s: seq %d is beyond what the log supports", roomID, newLast)
	}
	if len(entries) == 0 {
		last, err := l.Last(ctx, roomID)
		if err != nil {
			return err
		}
		if last != expectedLast {
			return engine.ErrSeqConflict
		}
		return nil
	}
	args := make([]any, 0, 5+len(entries))
	args = append(args, strconv.FormatUint(expectedLast, 10), strconv.FormatUint(newLast, 10),
		newEpoch(), l.s.roomKey(roomID, "notes"), l.s.publishCommand())
	for _, e := range entries {
		args = append(args, e.Data)
	}
	res, err := appendScript.Run(ctx, l.s.client, []string{l.s.roomKey(roomID, "meta"), l.s.roomKey(roomID, "log")}, args...).Slice()
	if err != nil {
		return fmt.Errorf("redis store: append to room %s: %w", roomID, err)
	}
	if len(res) != 2 {
		return fmt.Errorf("redis store: append to room %s: unexpected script answer %v", roomID, res)
	}
	if code, _ := res[0].(int64); code == 1 {
		return engine.ErrSeqConflict
	}
	return nil
}

// publishCommand is how the append script announces: sharded pub/sub on a Cluster, so
// the message goes only to the node that owns the room's slot.
func (s *Store) publishCommand() string {
	if s.cluster {
		return "spublish"
	}
	return "publish"
}

// newEpoch returns a fresh random epoch.
func newEpoch() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Read implements engine.Log.
func (l *roomLog) Read(ctx context.Context, roomID string, after uint64, limit int) ([]engine.Entry, error) {
	if after >= math.MaxUint64 {
		return nil, nil
	}
	key := l.s.roomKey(roomID, "log")
	start := strconv.FormatUint(after+1, 10) + "-0"
	var msgs []redis.XMessage
	var err error
	if limit > 0 {
		msgs, err = l.s.client.XRangeN(ctx, key, start, "+", int64(limit)).Result()
	} else {
		msgs, err = l.s.client.XRange(ctx, key, start, "+").Result()
	}
	if err != nil {
		return nil, fmt.Errorf("redis store: read room %s after %d: %w", roomID, after, err)
	}
	out := make([]engine.Entry, 0, len(msgs))
	for _, m := range msgs {
		ms, _, _ := strings.Cut(m.ID, "-")
		seq, err := strconv.ParseUint(ms, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("redis store: room %s: stream entry id %q is not a seq", roomID, m.ID)
		}
		data, ok := m.Values["d"].(string)
		if !ok {
			return nil, fmt.Errorf("redis store: room %s: stream entry %q has no data", roomID, m.ID)
		}
		out = append(out, engine.Entry{Seq: seq, Data: []byte(data)})
	}
	return out, nil
}

// Last implements engine.Log.
func (l *roomLog) Last(ctx context.Context, roomID string) (uint64, error) {
	v, err := l.s.client.HGet(ctx, l.s.roomKey(roomID, "meta"), "last").Result()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("redis store: last of room %s: %w", roomID, err)
	}
	last, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("redis store: last of room %s is %q, not a seq", roomID, v)
	}
	return last, nil
}

// Delete implements engine.Log: the log and its meta (last, epoch) go in one DEL, so a
// new log in the room starts from seq 1 with a new epoch. The room's roster goes too
// (retention deletes rooms nobody is in); its directory record and credentials are
// removed by Directory.Remove and Credentials.DeleteRoom.
func (l *roomLog) Delete(ctx context.Context, roomID string) error {
	err := l.s.client.Del(ctx, l.s.roomKey(roomID, "meta"), l.s.roomKey(roomID, "log"), l.s.roomKey(roomID, "online")).Err()
	if err != nil {
		return fmt.Errorf("redis store: delete log of room %s: %w", roomID, err)
	}
	return nil
}
