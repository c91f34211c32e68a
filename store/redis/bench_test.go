package redisstore

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/classroom-debate/debate/engine"
	"github.com/classroom-debate/debate/store/redis/redistest"
)

// The benchmarks run on a redis-server of their own with appendonly yes and appendfsync
// always, as a deployment that keeps its promise must run it:
//
//	go test -run '^$' -bench . ./store/redis

var event = []byte(`{"type":"argument","player":"p7","text":"The grain quotas leave the village nothing to sow in spring; the procurement price must rise or the fields will be empty.","seq":0}`)

// BenchmarkAppendPublish measures one event's round trip across instances: Append (the
// script: check, XADD, fsync of the AOF, PUBLISH) until a subscriber on another Store
// holds the note.
func BenchmarkAppendPublish(b *testing.B) {
	srv := redistest.StartServer(b, redistest.ServerOptions{AOF: true})
	writer := openStore(b, srv.URL(), "", Options{})
	reader := openStore(b, srv.URL(), "", Options{})
	ctx := context.Background()
	notes, cancel, err := reader.Notifier().Subscribe(ctx, "room")
	if err != nil {
		b.Fatal(err)
	}
	defer cancel()
	log := writer.Log()
	b.ResetTimer()
	for i := range b.N {
		seq := uint64(i) + 1
		if err := log.Append(ctx, "room", seq-1, []engine.Entry{{Seq: seq, Data: event}}); err != nil {
			b.Fatal(err)
		}
		for got := uint64(0); got < seq; {
			got = <-notes
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "appends/s")
}

// BenchmarkCatchUp1000 measures an instance (or a resuming client's instance) reading a
// room's 1,000 events from the start.
func BenchmarkCatchUp1000(b *testing.B) {
	srv := redistest.StartServer(b, redistest.ServerOptions{AOF: true})
	s := openStore(b, srv.URL(), "", Options{})
	ctx := context.Background()
	const n = 1000
	batch := make([]engine.Entry, 100)
	for first := uint64(1); first <= n; first += uint64(len(batch)) {
		for i := range batch {
			batch[i] = engine.Entry{Seq: first + uint64(i), Data: event}
		}
		if err := s.Log().Append(ctx, "room", first-1, batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for range b.N {
		got, err := s.Log().Read(ctx, "room", 0, 0)
		if err != nil || len(got) != n {
			b.Fatalf("Read = %d entries, %v", len(got), err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkAppendParallel measures many rooms appending at once on one Redis: with
// appendfsync always, Redis writes and fsyncs the AOF once per event-loop turn for every
// script run in it, so concurrent rooms share fsyncs.
func BenchmarkAppendParallel(b *testing.B) {
	srv := redistest.StartServer(b, redistest.ServerOptions{AOF: true})
	s := openStore(b, srv.URL()+"?pool_size=64", "", Options{})
	ctx := context.Background()
	var rooms atomic.Int64
	b.SetParallelism(32) // 32 goroutines per CPU, each its own room
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		room := fmt.Sprintf("room-%d", rooms.Add(1))
		var seq uint64
		for pb.Next() {
			if err := s.Log().Append(ctx, room, seq, []engine.Entry{{Seq: seq + 1, Data: event}}); err != nil {
				b.Error(err)
				return
			}
			seq++
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "appends/s")
}
