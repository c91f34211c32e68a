package embedded

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/classroom-debate/debate/engine"
)

// The benchmarks measure fsynced appends of one ~200-byte event. Run them with
//
//	go test -run '^$' -bench Append -benchtime 2s ./store/embedded
//
// Single shows one room's latency (one commit per append, no delay); Parallel shows
// the group commit sharing commits between rooms (commit.go). Both report appends/s and
// fsyncs/append (bbolt commits per append: below 1 means coalescing).

var event = []byte(`{"type":"argument","player":"p7","text":"The grain quotas leave the village nothing to sow in spring; the procurement price must rise or the fields will be empty.","seq":0}`)

func BenchmarkAppendSingle(b *testing.B) {
	s := openStore(b, Options{})
	log := s.Log()
	ctx := context.Background()
	commits := lastTxID(b, s)
	b.ResetTimer()
	for i := range b.N {
		seq := uint64(i) + 1
		if err := log.Append(ctx, "room", seq-1, []engine.Entry{{Seq: seq, Data: event}}); err != nil {
			b.Fatal(err)
		}
	}
	report(b, s, commits)
}

func BenchmarkAppendParallel(b *testing.B) {
	s := openStore(b, Options{})
	log := s.Log()
	ctx := context.Background()
	var rooms atomic.Int64
	commits := lastTxID(b, s)
	b.SetParallelism(32) // 32 goroutines per CPU, each its own room
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		room := fmt.Sprintf("room-%d", rooms.Add(1))
		var seq uint64
		for pb.Next() {
			if err := log.Append(ctx, room, seq, []engine.Entry{{Seq: seq + 1, Data: event}}); err != nil {
				b.Error(err)
				return
			}
			seq++
		}
	})
	report(b, s, commits)
}

func report(b *testing.B, s *Store, txBefore uint64) {
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "appends/s")
	b.ReportMetric(float64(lastTxID(b, s)-txBefore)/float64(b.N), "fsyncs/append")
}

// lastTxID returns the id of the last committed write transaction: a read transaction
// sees that id, and every commit (one fsync of data plus meta) increments it.
func lastTxID(b *testing.B, s *Store) uint64 {
	var id uint64
	if err := s.db.View(func(tx *bolt.Tx) error { id = uint64(tx.ID()); return nil }); err != nil {
		b.Fatal(err)
	}
	return id
}
