package embedded

import (
	"context"
	"errors"

	bolt "go.etcd.io/bbolt"

	"github.com/classroom-debate/debate/engine"
)

// Group commit of room log appends. One goroutine (the committer) owns every append:
// it takes the appends waiting at that moment, of every room, writes them in one bbolt
// transaction and commits it (bbolt's fsyncs), then answers them all. There is no
// fixed delay: a lone append is committed at once, and appends that arrive during a
// commit wait only for it to end, then share the next one. Under load the batch grows
// by itself to whatever arrived during the last commit, so the fsyncs per second stay
// bounded by the disk while appends per second grow with the number of rooms.
//
// bbolt's own db.Batch does the same with a timer (MaxBatchDelay) and a size limit; the
// timer makes a lone room pay the delay on every append, and its batches end at the
// timer, not at the end of the previous commit (BenchmarkAppendRooms compares them).

// maxGroup bounds one commit, so that a burst of many rooms is spread over a few
// commits rather than one very large transaction.
const maxGroup = 2048

// appendReq is one room's append, waiting for the committer.
type appendReq struct {
	roomID   []byte
	expected uint64
	entries  []engine.Entry
	done     chan error // buffered: the committer never blocks on it
}

var errClosed = errors.New("embedded: the store is closed")

// errSeqConflict marks a request whose room log did not end at its expected seq.
var errSeqConflict = engine.ErrSeqConflict

// enqueue hands an append to the committer and waits for its outcome. If ctx ends
// first Append returns ctx's error; the append may still be committed, which the
// engine handles as any failed append (it rereads the log).
func (s *Store) enqueue(ctx context.Context, r appendReq) error {
	r.done = make(chan error, 1)
	select {
	case s.appends <- r:
	case <-s.quit:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-r.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// committer runs until Close. s.appends is unbuffered: an append is in the committer's
// hands only once it has been received, so none is lost at Close.
func (s *Store) committer() {
	defer close(s.committed)
	batch := make([]appendReq, 0, 64)
	for {
		select {
		case r := <-s.appends:
			batch = append(batch[:0], r)
		case <-s.quit:
			return
		}
	collect:
		for len(batch) < maxGroup {
			select {
			case r := <-s.appends:
				batch = append(batch, r)
			default:
				break collect
			}
		}
		s.commitGroup(batch)
		for i := range batch {
			batch[i] = appendReq{} // let the entries go
		}
	}
}

// commitGroup stores a group in one transaction. Sequence conflicts are answered
// without failing the others. If the transaction fails, each append is tried on its
// own, so that one bad append (a value bbolt refuses) fails alone.
func (s *Store) commitGroup(batch []appendReq) {
	outcome := make([]error, len(batch))
	err := s.db.Update(func(tx *bolt.Tx) error {
		return applyAppends(tx, batch, outcome)
	})
	if err != nil && len(batch) > 1 {
		for i := range batch {
			one := outcome[i : i+1]
			if err := s.db.Update(func(tx *bolt.Tx) error { return applyAppends(tx, batch[i:i+1], one) }); err != nil {
				one[0] = err
			}
		}
	} else if err != nil {
		outcome[0] = err
	}
	if s.onCommit != nil && err == nil {
		s.onCommit(len(batch))
	}
	for i, r := range batch {
		r.done <- outcome[i]
	}
}

// applyAppends writes the appends into tx in order; a later append of the same room in
// the same group sees the earlier one. It sets outcome afresh on every call.
func applyAppends(tx *bolt.Tx, batch []appendReq, outcome []error) error {
	logs := tx.Bucket(bucketLog)
	for i, r := range batch {
		outcome[i] = nil
		if lastSeq(logs.Bucket(r.roomID)) != r.expected {
			outcome[i] = errSeqConflict
			continue
		}
		if len(r.entries) == 0 {
			continue
		}
		room, err := logs.CreateBucketIfNotExists(r.roomID)
		if err != nil {
			return err
		}
		// Keys only ever grow within a room, so pages fill completely.
		room.FillPercent = 1.0
		for _, e := range r.entries {
			if err := room.Put(seqKey(e.Seq), e.Data); err != nil {
				return err
			}
		}
	}
	return nil
}
