package embedded

import (
	"context"
	"errors"

	bolt "go.etcd.io/bbolt"

	"github.com/classroom-debate/debate/engine"
)

// Group commit of every write (room log appends, directory and credential changes).
// One goroutine (the committer) owns them: it takes the writes waiting at that moment,
// of every room, runs them in one bbolt transaction and commits it (bbolt's fsyncs),
// then answers them all. There is no
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

// writeReq is one write waiting for the committer: fn runs in the group's transaction
// and may run twice (alone, if the group's transaction fails), so it reports expected
// outcomes through its own variables, set afresh on each run, and returns an error only
// for a real failure.
type writeReq struct {
	fn   func(tx *bolt.Tx) error
	done chan error // buffered: the committer never blocks on it
}

var errClosed = errors.New("embedded: the store is closed")

// enqueue hands a write to the committer and waits for its outcome. If ctx ends first
// it returns ctx's error; the write may still be committed, which callers treat as
// any failed write (the engine rereads the log).
func (s *Store) enqueue(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	r := writeReq{fn: fn, done: make(chan error, 1)}
	select {
	case s.writes <- r:
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

// committer runs until Close. s.writes is unbuffered: a write is in the committer's
// hands only once it has been received, so none is lost at Close.
func (s *Store) committer() {
	defer close(s.committed)
	batch := make([]writeReq, 0, 64)
	for {
		select {
		case r := <-s.writes:
			batch = append(batch[:0], r)
		case <-s.quit:
			return
		}
	collect:
		for len(batch) < maxGroup {
			select {
			case r := <-s.writes:
				batch = append(batch, r)
			default:
				break collect
			}
		}
		s.commitGroup(batch)
		for i := range batch {
			batch[i] = writeReq{} // let the closures go
		}
	}
}

// commitGroup runs a group in one transaction. If it fails, each write is run on its
// own, so that one failing write fails alone.
func (s *Store) commitGroup(batch []writeReq) {
	err := s.db.Update(func(tx *bolt.Tx) error {
		for _, r := range batch {
			if err := r.fn(tx); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		if s.onCommit != nil {
			s.onCommit(len(batch))
		}
		for _, r := range batch {
			r.done <- nil
		}
		return
	}
	if len(batch) == 1 {
		batch[0].done <- err
		return
	}
	for _, r := range batch {
		r.done <- s.db.Update(r.fn)
	}
}

// appendTo writes one room's append into tx; conflict reports that the room's log did
// not end at expected (set afresh on each run).
func appendTo(tx *bolt.Tx, roomID []byte, expected uint64, entries []engine.Entry, conflict *bool) error {
	*conflict = false
	logs := tx.Bucket(bucketLog)
	if lastSeq(logs.Bucket(roomID)) != expected {
		*conflict = true
		return nil
	}
	if len(entries) == 0 {
		return nil
	}
	room, err := logs.CreateBucketIfNotExists(roomID)
	if err != nil {
		return err
	}
	// Keys only ever grow within a room, so pages fill completely.
	room.FillPercent = 1.0
	for _, e := range entries {
		if err := room.Put(seqKey(e.Seq), e.Data); err != nil {
			return err
		}
	}
	return nil
}
