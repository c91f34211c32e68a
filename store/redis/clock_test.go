package redisstore

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/classroom-debate/debate/engine"
)

// fakeNow is a clock moved by hand, for Options.Now.
type fakeNow struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeNow() *fakeNow {
	return &fakeNow{now: time.Now().Truncate(time.Millisecond)}
}

func (f *fakeNow) Now() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.now }

func (f *fakeNow) advance(d time.Duration) { f.mu.Lock(); f.now = f.now.Add(d); f.mu.Unlock() }

// TestPresenceHeartbeats: two instances share a room's roster. While an instance lives
// its refresher keeps its connections online; when it dies they leave the roster once
// the presence TTL has passed, as another instance sees it.
func TestPresenceHeartbeats(t *testing.T) {
	ctx := context.Background()
	clock := newFakeNow()
	target := sharedTarget(t)
	opts := Options{Now: clock.Now, PresenceTTL: 30 * time.Second}
	alive := openStore(t, target.URL, target.Prefix, opts)
	dying := openStore(t, target.URL, target.Prefix, opts)
	online := func(want ...string) {
		t.Helper()
		got, err := alive.Presence().Online(ctx, "room")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("Online = %v, want %v", got, want)
		}
	}
	if _, err := alive.Presence().Connect(ctx, "room", "ann"); err != nil {
		t.Fatal(err)
	}
	if _, err := dying.Presence().Connect(ctx, "room", "bob"); err != nil {
		t.Fatal(err)
	}
	online("ann", "bob")

	dying.presence.close() // the instance dies: no more heartbeats, no disconnects
	clock.advance(20 * time.Second)
	if err := alive.presence.refresh(ctx); err != nil {
		t.Fatal(err)
	}
	online("ann", "bob") // bob's heartbeat has 10 s left
	clock.advance(10 * time.Second)
	online("ann") // bob's ran out; ann's was renewed at 20 s
	clock.advance(19 * time.Second)
	online("ann")
	clock.advance(time.Second)
	online() // 30 s since ann's last heartbeat: her instance is presumed dead too
	if err := alive.presence.refresh(ctx); err != nil {
		t.Fatal(err)
	}
	online("ann") // a heartbeat brings back a connection that is still open

	// A graceful stop takes the instance's connections off the roster at once.
	if err := alive.Close(); err != nil {
		t.Fatal(err)
	}
	viewer := openStore(t, target.URL, target.Prefix, opts)
	if got, err := viewer.Presence().Online(ctx, "room"); err != nil || len(got) != 0 {
		t.Errorf("Online after the instance closed = %v, %v; want nobody", got, err)
	}
}

// TestLimiterRefill follows one bucket with the injected clock: the GCRA script must
// refill at the rate and cap at the burst, like embedded.Limiter.
func TestLimiterRefill(t *testing.T) {
	ctx := context.Background()
	clock := newFakeNow()
	s := sharedStore(t, Options{Now: clock.Now})
	l := s.Limiter("refill", 2, 2) // two per second, burst two
	allow := func() bool {
		t.Helper()
		ok, err := l.Allow(ctx, "key")
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !allow() || !allow() || allow() {
		t.Fatal("want the burst of 2, then a refusal")
	}
	clock.advance(499 * time.Millisecond)
	if allow() {
		t.Fatal("a token came back before half a second")
	}
	clock.advance(time.Millisecond)
	if !allow() || allow() {
		t.Fatal("after half a second want exactly one more")
	}
	clock.advance(time.Hour)
	if !allow() || !allow() || allow() {
		t.Fatal("after an hour want the burst of 2 again, not more")
	}
	// The bucket's key expires once it would be full again: Redis keeps only busy keys.
	ttl, err := s.client.PTTL(ctx, s.key("rate:refill:key")).Result()
	if err != nil || ttl <= 0 || ttl > time.Second {
		t.Errorf("bucket TTL = %v, %v; want at most the 1 s an empty bucket takes to refill", ttl, err)
	}
	zero := s.Limiter("zero", 0, 1)
	for i, want := range []bool{true, false} {
		if ok, err := zero.Allow(ctx, "k"); err != nil || ok != want {
			t.Errorf("rate 0, request %d: %v, %v; want %v", i, ok, err, want)
		}
	}
}

// TestBlocklistExpiry: a block ends when its time is up by the Store's clock, and Redis
// forgets it by itself (the key's TTL is the block's length).
func TestBlocklistExpiry(t *testing.T) {
	ctx := context.Background()
	clock := newFakeNow()
	s := sharedStore(t, Options{Now: clock.Now})
	b := s.Blocklist()
	blocked := func(key string) bool {
		t.Helper()
		ok, err := b.Blocked(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if err := b.Block(ctx, "a", time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := b.Block(ctx, "b", time.Hour); err != nil {
		t.Fatal(err)
	}
	clock.advance(59 * time.Second)
	if !blocked("a") || !blocked("b") {
		t.Fatal("a block ended early")
	}
	clock.advance(time.Second)
	if blocked("a") || !blocked("b") {
		t.Fatal("the one-minute block did not end on time, or the hour's did")
	}
	if ttl, err := s.client.PTTL(ctx, s.key("block:b")).Result(); err != nil || ttl <= 59*time.Minute || ttl > time.Hour {
		t.Errorf("block TTL = %v, %v; want about an hour", ttl, err)
	}
}

// TestCredentialExpiry drives grant expiry with the injected clock, and checks that Redis
// is told to drop the grant when it expires.
func TestCredentialExpiry(t *testing.T) {
	ctx := context.Background()
	clock := newFakeNow()
	s := sharedStore(t, Options{Now: clock.Now})
	c := s.Credentials()
	put := func(hash string, expires time.Time) {
		t.Helper()
		if err := c.Put(ctx, hash, engine.Grant{RoomID: "r", Kind: "ticket", PlayerID: hash, Expires: expires}); err != nil {
			t.Fatal(err)
		}
	}
	put("short", clock.Now().Add(30*time.Second))
	put("forever", time.Time{})
	if ttl, err := s.client.PTTL(ctx, s.key("grant:{short}")).Result(); err != nil || ttl <= 29*time.Second || ttl > 30*time.Second {
		t.Errorf("TTL of a 30 s grant = %v, %v", ttl, err)
	}
	if ttl, err := s.client.PTTL(ctx, s.key("grant:{forever}")).Result(); err != nil || ttl != -1 {
		t.Errorf("TTL of a grant without expiry = %v, %v; want none (-1)", ttl, err)
	}
	if _, err := c.Get(ctx, "short"); err != nil {
		t.Fatalf("Get before expiry: %v", err)
	}
	clock.advance(30 * time.Second) // exactly at Expires counts as expired
	if _, err := c.Get(ctx, "short"); !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("Get at expiry: err = %v, want ErrNotFound", err)
	}
	if _, err := c.Take(ctx, "short", "ticket"); !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("Take at expiry: err = %v, want ErrNotFound", err)
	}
	// The next Put in the room drops the expired hash from the room's index.
	put("later", clock.Now().Add(time.Hour))
	members, err := s.client.ZRange(ctx, s.roomKey("r", "grants"), 0, -1).Result()
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(members)
	if !slices.Equal(members, []string{"forever", "later"}) {
		t.Errorf("room index = %v, want [forever later]", members)
	}
}
