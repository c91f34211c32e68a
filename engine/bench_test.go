package engine_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/classroom-debate/debate/clock"
	"github.com/classroom-debate/debate/engine"
	"github.com/classroom-debate/debate/room"
)

// BenchmarkAnnounceTo30Viewers measures one staff command end to end: decide, append
// with fsync, and fan out to a teacher, a projector and 30 students, all reading.
func BenchmarkAnnounceTo30Viewers(b *testing.B) {
	benchFanOut(b, 30, false)
}

// BenchmarkAnnounceTo30ViewersParallel sends the commands from 8 goroutines at once, so
// the actor batches them: many commands share one append and one fsync.
func BenchmarkAnnounceTo30ViewersParallel(b *testing.B) {
	benchFanOut(b, 30, true)
}

func benchFanOut(b *testing.B, students int, parallel bool) {
	path := filepath.Join(b.TempDir(), "bench.db")
	r := openBenchRig(b, path)
	ctx := context.Background()
	c, err := r.hub.Create(ctx, engine.CreateOptions{Settings: []byte(`{"maxPlayers":200}`)})
	if err != nil {
		b.Fatal(err)
	}
	var sessions []engine.Session
	sessions = append(sessions, staff(c), engine.Session{RoomID: c.RoomID, Code: c.Code, Principal: room.Principal{Kind: room.Projector}})
	for i := 0; i < students; i++ {
		j, err := r.hub.Join(ctx, c.Code, fmt.Sprintf("student%02d", i))
		if err != nil {
			b.Fatal(err)
		}
		s, _ := r.hub.Authenticate(ctx, c.Code, j.Token)
		sessions = append(sessions, s)
	}
	var readers sync.WaitGroup
	var feeds []*engine.Feed
	for _, s := range sessions {
		f, err := r.hub.Watch(ctx, s, nil)
		if err != nil {
			b.Fatal(err)
		}
		feeds = append(feeds, f)
		readers.Add(1)
		go func() {
			defer readers.Done()
			// Read as a socket's write pump does: take all that waits at each wake.
			var batch [][]byte
			for range f.Ready() {
				var done bool
				if batch, done = f.Take(batch[:0], 64); done {
					return
				}
			}
		}()
	}
	teacher := staff(c)
	b.ReportAllocs()
	b.ResetTimer()
	if parallel {
		var mu sync.Mutex
		n := 0
		b.SetParallelism(4)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				mu.Lock()
				n++
				id := fmt.Sprintf("a%d", n)
				mu.Unlock()
				if _, err := r.hub.Submit(ctx, teacher, cmd(id, "announce", map[string]string{"text": "Two minutes left in the debate."})); err != nil {
					b.Error(err)
					return
				}
			}
		})
	} else {
		for i := 0; i < b.N; i++ {
			if _, err := r.hub.Submit(ctx, teacher, cmd(fmt.Sprintf("a%d", i), "announce", map[string]string{"text": "Two minutes left in the debate."})); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.StopTimer()
	for _, f := range feeds {
		f.Close()
	}
	readers.Wait()
}

func openBenchRig(b *testing.B, path string) *rig {
	return openRigTB(b, path, clock.NewFake(time.Now()))
}
