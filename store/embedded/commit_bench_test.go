package embedded

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/classroom-debate/debate/engine"
)

// The write path's candidates, side by side: 300 rooms, each appending one ~200-byte
// event at a time and waiting for it, as room actors do. Run with
//
//	go test -run '^$' -bench 'AppendRooms|Fsync' -benchtime 20000x ./store/embedded
//
//   - group: the store's Append, group commit in bbolt with no delay (commit.go);
//   - batch-2ms: the previous Append, bbolt's db.Batch with a 2 ms delay;
//   - wal-floor: what a write-ahead log of our own would cost at best: every waiting
//     append written to one file with one write and one fdatasync, nothing else (no
//     index, no reads, no recovery), the floor a segment log could approach.
//
// Each reports appends/s, the p50 and p99 latency of one append (µs), and fsyncs (bbolt
// commits, or fdatasyncs for the floor) per append. BenchmarkFsync is one fdatasync of a
// small write, the unit the p99 target is stated in.

const benchRooms = 300

func BenchmarkAppendRooms(b *testing.B) {
	b.Run("group", func(b *testing.B) {
		s := openStore(b, Options{})
		commits := lastTxID(b, s)
		runRooms(b, func(ctx context.Context, room string, seq uint64) error {
			return s.Log().Append(ctx, room, seq-1, []engine.Entry{{Seq: seq, Data: event}})
		})
		b.ReportMetric(float64(lastTxID(b, s)-commits)/float64(b.N), "fsyncs/append")
	})
	b.Run("batch-2ms", func(b *testing.B) {
		s := openStore(b, Options{})
		s.db.MaxBatchDelay = 2 * time.Millisecond
		commits := lastTxID(b, s)
		runRooms(b, func(ctx context.Context, room string, seq uint64) error {
			return batchAppend(s, room, seq-1, []engine.Entry{{Seq: seq, Data: event}})
		})
		b.ReportMetric(float64(lastTxID(b, s)-commits)/float64(b.N), "fsyncs/append")
	})
	b.Run("wal-floor", func(b *testing.B) {
		w := openWALFloor(b)
		runRooms(b, func(ctx context.Context, room string, seq uint64) error {
			return w.append(room, seq, event)
		})
		b.ReportMetric(float64(w.syncs.Load())/float64(b.N), "fsyncs/append")
	})
}

// runRooms shares b.N appends among benchRooms goroutines, one room each, and reports
// throughput and latency percentiles.
func runRooms(b *testing.B, appendOne func(ctx context.Context, room string, seq uint64) error) {
	ctx := context.Background()
	var next atomic.Int64
	lat := make([][]time.Duration, benchRooms)
	var wg sync.WaitGroup
	b.ResetTimer()
	for r := range benchRooms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			room := fmt.Sprintf("room-%03d", r)
			for seq := uint64(1); next.Add(1) <= int64(b.N); seq++ {
				start := time.Now()
				if err := appendOne(ctx, room, seq); err != nil {
					b.Error(err)
					return
				}
				lat[r] = append(lat[r], time.Since(start))
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	all := slices.Concat(lat...)
	slices.Sort(all)
	pct := func(q float64) float64 { return float64(all[int(q*float64(len(all)-1))]) / float64(time.Microsecond) }
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "appends/s")
	b.ReportMetric(pct(0.5), "p50-µs")
	b.ReportMetric(pct(0.99), "p99-µs")
}

// batchAppend is the previous Append: db.Batch, whose delay collects concurrent writers.
func batchAppend(s *Store, roomID string, expectedLast uint64, entries []engine.Entry) error {
	var conflict bool
	err := s.db.Batch(func(tx *bolt.Tx) error { return appendTo(tx, []byte(roomID), expectedLast, entries, &conflict) })
	if err == nil && conflict {
		return engine.ErrSeqConflict
	}
	return err
}

// walFloor is the least a write-ahead log must do: append records, fdatasync, answer.
type walFloor struct {
	f     *os.File
	reqs  chan walReq
	syncs atomic.Int64
}

type walReq struct {
	rec  []byte
	done chan error
}

func openWALFloor(b *testing.B) *walFloor {
	f, err := os.OpenFile(filepath.Join(b.TempDir(), "wal"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		b.Fatal(err)
	}
	w := &walFloor{f: f, reqs: make(chan walReq)}
	quit := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		var buf []byte
		var batch []walReq
		for {
			select {
			case r := <-w.reqs:
				batch = append(batch[:0], r)
			case <-quit:
				return
			}
		collect:
			for {
				select {
				case r := <-w.reqs:
					batch = append(batch, r)
				default:
					break collect
				}
			}
			buf = buf[:0]
			for _, r := range batch {
				buf = append(buf, r.rec...)
			}
			_, err := f.Write(buf)
			if err == nil {
				err = syscall.Fdatasync(int(f.Fd()))
				w.syncs.Add(1)
			}
			for _, r := range batch {
				r.done <- err
			}
		}
	}()
	b.Cleanup(func() { close(quit); <-stopped; f.Close() })
	return w
}

func (w *walFloor) append(room string, seq uint64, data []byte) error {
	rec := fmt.Appendf(nil, "%s %d %d ", room, seq, len(data))
	rec = append(rec, data...)
	r := walReq{rec: rec, done: make(chan error, 1)}
	w.reqs <- r
	return <-r.done
}

// BenchmarkFsync is one small write and one fdatasync: the disk's unit of durability.
func BenchmarkFsync(b *testing.B) {
	f, err := os.OpenFile(filepath.Join(b.TempDir(), "f"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	for range b.N {
		if _, err := f.Write(event); err != nil {
			b.Fatal(err)
		}
		if err := syscall.Fdatasync(int(f.Fd())); err != nil {
			b.Fatal(err)
		}
	}
}
