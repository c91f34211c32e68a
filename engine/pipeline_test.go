package engine_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/classroom-debate/debate/clock"
	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/engine"
	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/room"
	"github.com/classroom-debate/debate/store/embedded"
)

// countingObserver counts appends and their events.
type countingObserver struct {
	mu       sync.Mutex
	appends  int
	events   int
	commands int
}

func (o *countingObserver) Command(fault.Code, time.Duration) {
	o.mu.Lock()
	o.commands++
	o.mu.Unlock()
}
func (o *countingObserver) Appended(n int, _ time.Duration, err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err == nil {
		o.appends++
		o.events += n
	}
}
func (o *countingObserver) ViewerDropped()    {}
func (o *countingObserver) Resumed(int, bool) {}

func (o *countingObserver) counts() (appends, events, commands int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.appends, o.events, o.commands
}

// Commands queued one after another without waiting (a pipelining socket) are decided
// in that order, answered in that order, and stored together: one append for the
// burst that queued while the room was busy.
func TestQueuedCommandsAreBatchedAndAnsweredInOrder(t *testing.T) {
	hold, release := make(chan struct{}), make(chan struct{})
	restore := engine.SetApplyDecided(func(s *room.State, e room.Event) error {
		if e.Type == room.EvAnnounced && strings.Contains(string(e.Data), "Hold the room") {
			close(hold)
			<-release
		}
		return room.Apply(s, e)
	})
	t.Cleanup(restore)
	hub, obs, st, c := observedHub(t)
	teacher := staff(c)
	held := make(chan error, 1)
	go func() {
		_, err := hub.Submit(ctx(t), teacher, cmd("h", "announce", map[string]string{"text": "Hold the room."}))
		held <- err
	}()
	<-hold
	appendsBefore, _, _ := obs.counts()

	// A burst, queued in order while the room is busy; the third is refused by the rules.
	texts := []string{"One.", "Two.", "", "Four.", "Five."}
	var pending []*engine.Pending
	for i, text := range texts {
		p, err := hub.SubmitQueued(ctx(t), teacher, cmd(fmt.Sprint("b", i), "announce", map[string]string{"text": text}))
		if err != nil {
			t.Fatal(err)
		}
		pending = append(pending, p)
	}
	if n := hub.QueuedCommands(c.RoomID); n != len(texts) {
		t.Fatalf("%d commands queued, want %d", n, len(texts))
	}
	close(release)
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	var last uint64
	for i, p := range pending {
		seq, err := p.Wait()
		if texts[i] == "" {
			if fault.CodeOf(err) != fault.Invalid {
				t.Fatalf("the empty announcement: %v, want invalid", err)
			}
			continue
		}
		if err != nil || seq <= last {
			t.Fatalf("command %d: seq %d after %d, %v", i, seq, last, err)
		}
		last = seq
	}
	appends, _, commands := obs.counts()
	if appends-appendsBefore != 2 { // the held command's, then the whole burst's
		t.Fatalf("%d appends for the held command and the burst, want 2", appends-appendsBefore)
	}
	if commands != 1+len(texts) {
		t.Fatalf("the observer saw %d commands, want %d", commands, 1+len(texts))
	}
	entries, err := st.Log().Read(ctx(t), c.RoomID, last-4, 0)
	if err != nil || len(entries) != 4 {
		t.Fatalf("read back: %d entries, %v", len(entries), err)
	}
	for i, want := range []string{"One.", "Two.", "Four.", "Five."} {
		if !strings.Contains(string(entries[i].Data), want) {
			t.Fatalf("entry %d is %s, want %q", i, entries[i].Data, want)
		}
	}
}

// observedHub is a hub on a real store with a counting observer, and a room in it.
func observedHub(t testing.TB) (*engine.Hub, *countingObserver, *embedded.Store, engine.Created) {
	t.Helper()
	clk := clock.NewFake(time.Date(1930, 3, 2, 9, 0, 0, 0, time.UTC))
	st, err := embedded.Open(filepath.Join(t.TempDir(), "debate.db"), embedded.Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	obs := &countingObserver{}
	hub, err := engine.New(engine.Config{
		Log: st.Log(), Directory: st.Directory(), Credentials: st.Credentials(),
		Notifier: embedded.NewNotifier(), Presence: embedded.NewPresence(), Scenario: economy.Default(),
		Clock: clk, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Observer: obs,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hub.Shutdown(c)
		st.Close()
	})
	c, err := hub.Create(context.Background(), engine.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return hub, obs, st, c
}

// BenchmarkOneSocketInFlight is one connection sending commands as fast as its answers
// allow, with 1 (before pipelining) or 8 commands in flight: with 8, the room's actor
// decides a window together and stores it with one append.
func BenchmarkOneSocketInFlight(b *testing.B) {
	for _, window := range []int{1, 8} {
		b.Run(fmt.Sprint("window=", window), func(b *testing.B) {
			hub, obs, _, c := observedHub(b)
			teacher := staff(c)
			ctx := context.Background()
			appends0, _, _ := obs.counts()
			var queue []*engine.Pending
			b.ResetTimer()
			for i := range b.N {
				p, err := hub.SubmitQueued(ctx, teacher, cmd(fmt.Sprint("a", i), "announce", map[string]string{"text": "Listen."}))
				if err != nil {
					b.Fatal(err)
				}
				queue = append(queue, p)
				if len(queue) == window {
					if _, err := queue[0].Wait(); err != nil {
						b.Fatal(err)
					}
					queue = queue[1:]
				}
			}
			for _, p := range queue {
				if _, err := p.Wait(); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			appends, _, _ := obs.counts()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "commands/s")
			b.ReportMetric(float64(appends-appends0)/float64(b.N), "appends/command")
		})
	}
}

// BenchmarkFoldRoom loads a room of 2,000 stored events on a fresh hub: the log read
// and every event applied (room.Apply), what a restart or another instance pays to
// take a room over.
func BenchmarkFoldRoom(b *testing.B) {
	hub, _, st, c := observedHub(b)
	ctx := context.Background()
	teacher := staff(c)
	var queue []*engine.Pending
	for i := 0; i < 2000; i++ {
		p, err := hub.SubmitQueued(ctx, teacher, cmd(fmt.Sprint("f", i), "announce", map[string]string{"text": "The quota for the district has been raised again."}))
		if err != nil {
			b.Fatal(err)
		}
		if queue = append(queue, p); len(queue) == 32 {
			for _, p := range queue {
				if _, err := p.Wait(); err != nil {
					b.Fatal(err)
				}
			}
			queue = queue[:0]
		}
	}
	for _, p := range queue {
		if _, err := p.Wait(); err != nil {
			b.Fatal(err)
		}
	}
	last, _ := st.Log().Last(ctx, c.RoomID)
	b.ResetTimer()
	for range b.N {
		fresh, err := engine.New(engine.Config{
			Log: st.Log(), Directory: st.Directory(), Credentials: st.Credentials(),
			Notifier: embedded.NewNotifier(), Presence: embedded.NewPresence(), Scenario: economy.Default(),
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		})
		if err != nil {
			b.Fatal(err)
		}
		if err := fresh.Warm(ctx, c.RoomID); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		_ = fresh.Shutdown(ctx)
		b.StartTimer()
	}
	b.ReportMetric(float64(last), "events")
}
