package embedded

import (
	"context"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/classroom-debate/debate/engine"
)

// seqKey encodes a sequence number so that byte order is numeric order.
func seqKey(seq uint64) []byte {
	return binary.BigEndian.AppendUint64(nil, seq)
}

// lastSeq returns the sequence number of the last entry in a room bucket (nil: empty).
func lastSeq(room *bolt.Bucket) uint64 {
	if room == nil {
		return 0
	}
	k, _ := room.Cursor().Last()
	if k == nil {
		return 0
	}
	return binary.BigEndian.Uint64(k)
}

// Append implements engine.Log. The expected-seq check and the writes happen in one
// transaction, shared with the other rooms' appends waiting at that moment (group
// commit, commit.go) and fsynced before Append returns.
func (l *Log) Append(ctx context.Context, roomID string, expectedLast uint64, entries []engine.Entry) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if roomID == "" {
		return errEmptyKey
	}
	for i, e := range entries {
		if want := expectedLast + uint64(i) + 1; e.Seq != want {
			return fmt.Errorf("embedded: append to %s: entry %d has seq %d, want %d", roomID, i, e.Seq, want)
		}
	}
	var conflict bool
	key := []byte(roomID)
	err := l.s.enqueue(ctx, func(tx *bolt.Tx) error { return appendTo(tx, key, expectedLast, entries, &conflict) })
	if err != nil {
		return fmt.Errorf("embedded: append to %s: %w", roomID, err)
	}
	if conflict {
		return engine.ErrSeqConflict
	}
	return nil
}

// Read implements engine.Log. The returned Data are copies: bbolt's bytes are only valid
// inside the transaction.
func (l *Log) Read(ctx context.Context, roomID string, after uint64, limit int) ([]engine.Entry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if roomID == "" {
		return nil, errEmptyKey
	}
	var out []engine.Entry
	err := l.s.db.View(func(tx *bolt.Tx) error {
		room := tx.Bucket(bucketLog).Bucket([]byte(roomID))
		if room == nil || after == ^uint64(0) {
			return nil
		}
		c := room.Cursor()
		for k, v := c.Seek(seqKey(after + 1)); k != nil; k, v = c.Next() {
			if limit > 0 && len(out) == limit {
				break
			}
			out = append(out, engine.Entry{Seq: binary.BigEndian.Uint64(k), Data: append([]byte(nil), v...)})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("embedded: read %s: %w", roomID, err)
	}
	return out, nil
}

// Last implements engine.Log.
func (l *Log) Last(ctx context.Context, roomID string) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if roomID == "" {
		return 0, errEmptyKey
	}
	var last uint64
	err := l.s.db.View(func(tx *bolt.Tx) error {
		last = lastSeq(tx.Bucket(bucketLog).Bucket([]byte(roomID)))
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("embedded: last of %s: %w", roomID, err)
	}
	return last, nil
}

// Delete implements engine.Log.
func (l *Log) Delete(ctx context.Context, roomID string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if roomID == "" {
		return errEmptyKey
	}
	err := l.s.write(func(tx *bolt.Tx) error {
		logs := tx.Bucket(bucketLog)
		if logs.Bucket([]byte(roomID)) == nil {
			return nil
		}
		return logs.DeleteBucket([]byte(roomID))
	})
	if err != nil {
		return fmt.Errorf("embedded: delete log %s: %w", roomID, err)
	}
	return nil
}
