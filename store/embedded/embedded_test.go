package embedded

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/classroom-debate/debate/engine"
	"github.com/classroom-debate/debate/store/storetest"
)

// openStore opens a fresh store file in the test's temporary directory.
func openStore(t testing.TB, opts Options) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "debate.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// The storage suites share one store per suite, as a server shares one file between
// all rooms; the suites' unique ids keep subtests apart.

func TestLog(t *testing.T) {
	s := openStore(t, Options{})
	storetest.TestLog(t, func(*testing.T) engine.Log { return s.Log() })
}

func TestDirectory(t *testing.T) {
	s := openStore(t, Options{})
	storetest.TestDirectory(t, func(*testing.T) engine.Directory { return s.Directory() })
}

func TestCredentials(t *testing.T) {
	s := openStore(t, Options{})
	storetest.TestCredentials(t, func(*testing.T) engine.Credentials { return s.Credentials() })
}

func TestNotifier(t *testing.T) {
	storetest.TestNotifier(t, func(t *testing.T) engine.Notifier { return NewNotifier() })
}

func TestPresence(t *testing.T) {
	storetest.TestPresence(t, func(t *testing.T) engine.Presence { return NewPresence() })
}

func TestLimiter(t *testing.T) {
	storetest.TestLimiter(t, func(t *testing.T, r rate.Limit, burst int) engine.Limiter {
		return NewLimiter(r, burst)
	})
}

func TestBlocklist(t *testing.T) {
	storetest.TestBlocklist(t, func(t *testing.T) engine.Blocklist { return NewBlocklist(nil) })
}

// TestBlocklistExpiry: a block ends when its time is up, and ended blocks are forgotten.
func TestBlocklistExpiry(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	b := NewBlocklist(clock)
	blocked := func(key string) bool {
		t.Helper()
		ok, err := b.Blocked(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	_ = b.Block(ctx, "a", time.Minute)
	_ = b.Block(ctx, "b", time.Hour)
	advance(59 * time.Second)
	if !blocked("a") || !blocked("b") {
		t.Fatal("a block ended early")
	}
	advance(time.Second)
	if blocked("a") || !blocked("b") {
		t.Fatal("the one-minute block did not end on time, or the hour's did")
	}
	_ = b.Block(ctx, "c", time.Minute)
	advance(2 * time.Minute)
	_ = b.Block(ctx, "d", time.Minute) // sweeps c, never asked about since
	if b.Len() != 2 {
		t.Fatalf("%d keys remembered, want 2 (b and d)", b.Len())
	}
}

// TestReopen checks that everything written is there after the file is closed and
// opened again: what Append returned for is on disk.
func TestReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "debate.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	created := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	room := engine.RoomInfo{RoomID: "room-1", Code: "KOLK28", Created: created, LastActivity: created}
	grant := engine.Grant{RoomID: "room-1", Kind: "rejoin", PlayerID: "p1", Expires: created.Add(24 * time.Hour)}
	entries := []engine.Entry{{Seq: 1, Data: []byte(`{"type":"opened"}`)}, {Seq: 2, Data: []byte(`{"type":"joined"}`)}}
	if err := s.Log().Append(ctx, "room-1", 0, entries); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.Directory().Claim(ctx, room); !ok || err != nil {
		t.Fatalf("Claim = %v, %v", ok, err)
	}
	if err := s.Credentials().Put(ctx, "hash-1", grant); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(path, Options{Now: func() time.Time { return created }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Log().Read(ctx, "room-1", 0, 0)
	if err != nil || len(got) != 2 || string(got[1].Data) != `{"type":"joined"}` {
		t.Errorf("Read after reopen = %v, %v; want the 2 entries", got, err)
	}
	// The reopened log continues where it ended.
	if err := s.Log().Append(ctx, "room-1", 2, []engine.Entry{{Seq: 3, Data: []byte("x")}}); err != nil {
		t.Errorf("Append after reopen: %v", err)
	}
	if info, err := s.Directory().Lookup(ctx, "KOLK28"); err != nil || info.RoomID != "room-1" || !info.Created.Equal(created) {
		t.Errorf("Lookup after reopen = %+v, %v", info, err)
	}
	if g, err := s.Credentials().Get(ctx, "hash-1"); err != nil || g.PlayerID != "p1" || !g.Expires.Equal(grant.Expires) {
		t.Errorf("Get grant after reopen = %+v, %v", g, err)
	}
}

// TestExpiryAndSweep drives credential expiry with the injected clock.
func TestExpiryAndSweep(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	s := openStore(t, Options{Now: clock}).Credentials()

	put := func(hash string, expires time.Time) {
		t.Helper()
		if err := s.Put(ctx, hash, engine.Grant{RoomID: "r", Kind: "ticket", PlayerID: hash, Expires: expires}); err != nil {
			t.Fatal(err)
		}
	}
	put("short", now.Add(30*time.Second))
	put("long", now.Add(time.Hour))
	put("forever", time.Time{})

	if _, err := s.Get(ctx, "short"); err != nil {
		t.Fatalf("Get before expiry: %v", err)
	}
	advance(30 * time.Second) // exactly at Expires counts as expired
	if _, err := s.Get(ctx, "short"); !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("Get at expiry: err = %v, want ErrNotFound", err)
	}
	if n, err := s.Sweep(ctx, clock()); err != nil || n != 1 {
		t.Errorf("Sweep = %d, %v; want 1 grant removed", n, err)
	}
	advance(2 * time.Hour)
	if n, err := s.Sweep(ctx, clock()); err != nil || n != 1 {
		t.Errorf("second Sweep = %d, %v; want 1 grant removed", n, err)
	}
	if _, err := s.Get(ctx, "forever"); err != nil {
		t.Errorf("grant without expiry after sweeps: %v", err)
	}
	// Sweep also removed the index entries: DeleteRoom finds only "forever".
	if err := s.DeleteRoom(ctx, "r"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, "forever"); !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("Get after DeleteRoom: err = %v, want ErrNotFound", err)
	}
}

func TestLimiterRefillAndEviction(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	now := start
	at := func(d time.Duration) { now = start.Add(d) }
	// Two per second, burst 2: an empty bucket is full again after one second, so that
	// is the default idle period.
	l := NewLimiter(2, 2, WithClock(func() time.Time { return now }))
	allow := func(key string) bool {
		ok, err := l.Allow(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !allow("a") || !allow("a") || allow("a") {
		t.Fatal("want 2 allowed, then refused")
	}
	at(500 * time.Millisecond)
	if !allow("a") || allow("a") {
		t.Error("after half a second want exactly one more token")
	}
	allow("b")
	at(900 * time.Millisecond)
	if !allow("busy") || !allow("busy") {
		t.Fatal("a new key should get its burst")
	}
	if l.Len() != 3 {
		t.Fatalf("Len = %d, want 3 keys", l.Len())
	}
	// The first call a full idle period after the last sweep (at 0) sweeps again: a
	// and b have been idle for a whole refill and go; busy has not.
	at(1500 * time.Millisecond)
	allow("new")
	if l.Len() != 2 {
		t.Errorf("Len after idle sweep = %d, want 2 (busy, new)", l.Len())
	}
	// busy, emptied at 0.9s, has refilled 1.2 tokens: one request, not a fresh burst.
	if !allow("busy") || allow("busy") {
		t.Error("busy should have exactly one token: the sweep must keep keys in use")
	}
	// A forgotten key starts with a full bucket, as it would have had anyway.
	if !allow("a") || !allow("a") || allow("a") {
		t.Error("a forgotten key should get the full burst, then be refused")
	}
}

func TestNotifierLateSmallerSeq(t *testing.T) {
	// A publisher that lost a race and announces an older seq while a newer one waits
	// must not move the reader back.
	n := NewNotifier()
	ctx := context.Background()
	notes, cancel, err := n.Subscribe(ctx, "r")
	if err != nil {
		t.Fatal(err)
	}
	defer cancel()
	n.Publish(ctx, "r", 9)
	n.Publish(ctx, "r", 8)
	if got := <-notes; got != 9 {
		t.Errorf("received %d, want 9", got)
	}
	cancel()
	if len(n.subs) != 0 {
		t.Errorf("%d rooms still subscribed after cancel", len(n.subs))
	}
}
