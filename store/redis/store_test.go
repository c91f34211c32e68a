package redisstore

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"

	"github.com/classroom-debate/debate/engine"
	"github.com/classroom-debate/debate/store/redis/redistest"
	"github.com/classroom-debate/debate/store/storetest"
)

// wait bounds every wait on Redis or on a goroutine.
const wait = 10 * time.Second

// openStore opens a Store on url under prefix, closed when the test ends. On a shared
// server (REDIS_URL) it also deletes, at the end, every key under its own prefix, and
// only those.
func openStore(t testing.TB, url, prefix string, opts Options) *Store {
	t.Helper()
	opts.URL, opts.KeyPrefix = url, prefix
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	s, err := Open(ctx, opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", url, err)
	}
	t.Cleanup(func() {
		if url == os.Getenv("REDIS_URL") { // a server of the test's own just dies
			deleteOwnKeys(t, s)
		}
		s.Close()
	})
	return s
}

// deleteOwnKeys removes the keys under the store's prefix (every master's, on a Cluster).
func deleteOwnKeys(t testing.TB, s *Store) {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	err := s.forEachMaster(ctx, func(ctx context.Context, c redis.Cmdable) error {
		iter := c.Scan(ctx, 0, s.prefix+"*", 1000).Iterator()
		for iter.Next(ctx) {
			if err := c.Del(ctx, iter.Val()).Err(); err != nil {
				return err
			}
		}
		return iter.Err()
	})
	if err != nil {
		t.Logf("cleaning up keys under %s: %v", s.prefix, err)
	}
}

// sharedStore opens a store on REDIS_URL (under a fresh prefix) or on a server of the
// test's own.
func sharedStore(t *testing.T, opts Options) *Store {
	target := sharedTarget(t)
	return openStore(t, target.URL, target.Prefix, opts)
}

func sharedTarget(t *testing.T) redistest.Target { return redistest.Shared(t) }

// runSuites runs every storetest suite against s.
func runSuites(t *testing.T, s *Store) {
	t.Run("Log", func(t *testing.T) {
		storetest.TestLog(t, func(*testing.T) engine.Log { return s.Log() })
	})
	t.Run("Notifier", func(t *testing.T) {
		storetest.TestNotifier(t, func(*testing.T) engine.Notifier { return s.Notifier() })
	})
	t.Run("Directory", func(t *testing.T) {
		storetest.TestDirectory(t, func(*testing.T) engine.Directory { return s.Directory() })
	})
	t.Run("Credentials", func(t *testing.T) {
		storetest.TestCredentials(t, func(*testing.T) engine.Credentials { return s.Credentials() })
	})
	t.Run("Presence", func(t *testing.T) {
		storetest.TestPresence(t, func(*testing.T) engine.Presence { return s.Presence() })
	})
	t.Run("Limiter", func(t *testing.T) {
		var n int
		storetest.TestLimiter(t, func(t *testing.T, r rate.Limit, burst int) engine.Limiter {
			n++ // each limiter its own name, as cmd/debate gives each its own
			return s.Limiter("suite"+strings.Repeat("x", n), r, burst)
		})
	})
	t.Run("Blocklist", func(t *testing.T) {
		storetest.TestBlocklist(t, func(*testing.T) engine.Blocklist { return s.Blocklist() })
	})
}

// TestSuites runs every conformance suite against one Redis (REDIS_URL or a server of
// the test's own), as one server process would use it.
func TestSuites(t *testing.T) {
	runSuites(t, sharedStore(t, Options{}))
}

// TestSuitesOnCluster runs every suite against a three-master Redis Cluster: per-room
// scripts must touch one slot, notes go by sharded pub/sub.
func TestSuitesOnCluster(t *testing.T) {
	c := redistest.StartCluster(t, redistest.ServerOptions{})
	s := openStore(t, c.URL(), "", Options{})
	if !s.cluster {
		t.Fatalf("a redis+cluster URL opened a %T", s.client)
	}
	runSuites(t, s)
	// Every master's settings are read: these nodes run without the AOF.
	if err := s.CheckDurability(context.Background()); !errors.Is(err, ErrWeakDurability) || !strings.Contains(err.Error(), "appendonly") {
		t.Errorf("CheckDurability on a Cluster without AOF: err = %v, want ErrWeakDurability naming appendonly", err)
	}
	if err := s.Ping(context.Background()); err != nil {
		t.Errorf("Ping of every master: %v", err)
	}
	// The suites' rooms spread over the three masters: the notifier holds one pub/sub
	// connection per master it needed, never one per room.
	t.Run("OneConnectionPerMaster", func(t *testing.T) {
		ctx := context.Background()
		var cancels []func()
		for i := range 30 {
			_, cancel, err := s.Notifier().Subscribe(ctx, "cluster-room-"+string(rune('a'+i%26))+strings.Repeat("z", i/26))
			if err != nil {
				t.Fatal(err)
			}
			cancels = append(cancels, cancel)
		}
		s.notifier.mu.Lock()
		shards := len(s.notifier.shards)
		s.notifier.mu.Unlock()
		if shards < 2 || shards > 3 {
			t.Errorf("30 rooms on 3 masters use %d pub/sub connections, want one per master (2 or 3)", shards)
		}
		for _, c := range cancels {
			c()
		}
	})
	// Killing the sharded pub/sub connections on every node: each reconnects to its
	// slot's master, resubscribes, and re-delivers the room's Last.
	t.Run("PubSubKilled", func(t *testing.T) {
		ctx := context.Background()
		rooms := []string{"kill-a", "kill-b", "kill-c", "kill-d", "kill-e", "kill-f"}
		var notes []<-chan uint64
		for _, room := range rooms {
			mustAppend(t, s.Log(), room, 0, "one")
			ch, cancel, err := s.Notifier().Subscribe(ctx, room)
			if err != nil {
				t.Fatal(err)
			}
			defer cancel()
			notes = append(notes, ch)
			appendSilently(t, s, room, 1, "two")
		}
		for _, n := range c.Nodes {
			if err := n.Client().ClientKillByFilter(ctx, "TYPE", "pubsub").Err(); err != nil {
				t.Fatal(err)
			}
		}
		for i, room := range rooms {
			receiveAtLeast(t, notes[i], 2)
			mustAppend(t, s.Log(), room, 2, "three")
			receiveAtLeast(t, notes[i], 3)
		}
	})
}

func TestEpoch(t *testing.T) {
	s := sharedStore(t, Options{})
	ctx := context.Background()
	log := s.Log()
	epoch := func() string {
		t.Helper()
		e, err := s.Epoch(ctx, "room")
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	if e := epoch(); e != "" {
		t.Fatalf("epoch of a room without a log = %q, want empty", e)
	}
	mustAppend(t, log, "room", 0, "a")
	first := epoch()
	if first == "" {
		t.Fatal("the first append set no epoch")
	}
	mustAppend(t, log, "room", 1, "b")
	if e := epoch(); e != first {
		t.Errorf("epoch changed from %q to %q on a later append", first, e)
	}
	if err := log.Delete(ctx, "room"); err != nil {
		t.Fatal(err)
	}
	if e := epoch(); e != "" {
		t.Errorf("epoch after Delete = %q, want empty", e)
	}
	mustAppend(t, log, "room", 0, "c")
	if e := epoch(); e == "" || e == first {
		t.Errorf("epoch of the log made again = %q, want a new one (was %q)", e, first)
	}
}

func mustAppend(t testing.TB, l engine.Log, room string, last uint64, data string) {
	t.Helper()
	if err := l.Append(context.Background(), room, last, []engine.Entry{{Seq: last + 1, Data: []byte(data)}}); err != nil {
		t.Fatalf("Append(%s, %d): %v", room, last, err)
	}
}

// appendSilently appends without announcing it on the room's channel (the note goes to
// another channel): how a note lost on a broken connection looks to a subscriber.
func appendSilently(t testing.TB, s *Store, room string, last uint64, data string) {
	t.Helper()
	err := appendScript.Run(context.Background(), s.client,
		[]string{s.roomKey(room, "meta"), s.roomKey(room, "log")},
		last, last+1, newEpoch(), s.roomKey(room, "nobody-listens"), s.publishCommand(), data).Err()
	if err != nil {
		t.Fatal(err)
	}
}

// receiveAtLeast reads notes until one is at least want.
func receiveAtLeast(t testing.TB, notes <-chan uint64, want uint64) {
	t.Helper()
	deadline := time.After(wait)
	for {
		select {
		case seq, ok := <-notes:
			if !ok {
				t.Fatal("notes closed")
			}
			if seq >= want {
				return
			}
		case <-deadline:
			t.Fatalf("no note of seq %d", want)
		}
	}
}

func TestOneSharedPubSubConnection(t *testing.T) {
	srv := redistest.StartServer(t, redistest.ServerOptions{})
	s := openStore(t, srv.URL(), "", Options{})
	ctx := context.Background()
	var chans []<-chan uint64
	for i := range 40 {
		notes, cancel, err := s.Notifier().Subscribe(ctx, "room-"+string(rune('a'+i%20))+strings.Repeat("x", i/20))
		if err != nil {
			t.Fatal(err)
		}
		defer cancel()
		chans = append(chans, notes)
	}
	list, err := srv.Client().Do(ctx, "CLIENT", "LIST", "TYPE", "pubsub").Text()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(strings.Fields(strings.ReplaceAll(list, " ", "_"))); n != 1 {
		t.Errorf("40 rooms use %d pub/sub connections, want 1:\n%s", n, list)
	}
	mustAppend(t, s.Log(), "room-c", 0, "x")
	receiveAtLeast(t, chans[2], 1)
}

// TestPubSubKilled: CLIENT KILL TYPE pubsub cuts the notifier's connection. It
// reconnects and resubscribes, notes flow again, and the note lost meanwhile is made up
// by the re-delivery of the room's Last.
func TestPubSubKilled(t *testing.T) {
	srv := redistest.StartServer(t, redistest.ServerOptions{})
	s := openStore(t, srv.URL(), "", Options{})
	ctx := context.Background()
	mustAppend(t, s.Log(), "room", 0, "one")
	notes, cancel, err := s.Notifier().Subscribe(ctx, "room")
	if err != nil {
		t.Fatal(err)
	}
	defer cancel()
	appendSilently(t, s, "room", 1, "two")
	if n, err := srv.Client().ClientKillByFilter(ctx, "TYPE", "pubsub").Result(); err != nil || n != 1 {
		t.Fatalf("CLIENT KILL TYPE pubsub = %d, %v; want 1 connection killed", n, err)
	}
	receiveAtLeast(t, notes, 2) // only the re-delivery of Last can bring 2
	mustAppend(t, s.Log(), "room", 2, "three")
	receiveAtLeast(t, notes, 3)

	// A room whose log is gone gets a note of 0 after a reconnect, so its subscribers
	// look and find it gone.
	empty, cancelEmpty, err := s.Notifier().Subscribe(ctx, "gone")
	if err != nil {
		t.Fatal(err)
	}
	defer cancelEmpty()
	if err := srv.Client().ClientKillByFilter(ctx, "TYPE", "pubsub").Err(); err != nil {
		t.Fatal(err)
	}
	select {
	case seq := <-empty:
		if seq != 0 {
			t.Errorf("note for a room without a log = %d, want 0", seq)
		}
	case <-time.After(wait):
		t.Error("no note for a room without a log after the reconnect")
	}
}

// TestRedisKilledAndRestarted: Redis (with the AOF) is SIGKILLed. Commands fail while it
// is down, and promptly; after the restart the same Store appends again, its notifier
// is subscribed again, and the subscriber gets the room's current seq.
func TestRedisKilledAndRestarted(t *testing.T) {
	srv := redistest.StartServer(t, redistest.ServerOptions{AOF: true})
	s := openStore(t, srv.URL()+"?dial_timeout=500ms&max_retries=1", "", Options{})
	ctx := context.Background()
	mustAppend(t, s.Log(), "room", 0, "one")
	notes, cancel, err := s.Notifier().Subscribe(ctx, "room")
	if err != nil {
		t.Fatal(err)
	}
	defer cancel()
	appendSilently(t, s, "room", 1, "two")
	epoch, _ := s.Epoch(ctx, "room")

	srv.Kill()
	down, cancelDown := context.WithTimeout(ctx, wait)
	err = s.Log().Append(down, "room", 2, []engine.Entry{{Seq: 3, Data: []byte("lost")}})
	cancelDown()
	if err == nil || errors.Is(err, engine.ErrSeqConflict) {
		t.Fatalf("Append with Redis down: err = %v, want a connection error", err)
	}

	srv.Restart()
	receiveAtLeast(t, notes, 2)
	if e, err := s.Epoch(ctx, "room"); err != nil || e != epoch {
		t.Errorf("epoch after a restart with the AOF = %q, %v; want %q unchanged", e, err, epoch)
	}
	mustAppend(t, s.Log(), "room", 2, "three")
	receiveAtLeast(t, notes, 3)
	got, err := s.Log().Read(ctx, "room", 0, 0)
	if err != nil || len(got) != 3 || string(got[2].Data) != "three" {
		t.Errorf("log after the restart = %v, %v; want one, two, three", got, err)
	}
}

// TestRestartWithoutPersistence: Redis without the AOF loses the log on a restart; the
// epoch shows it (gone, then a new one), so an instance can tell loss from quiet.
func TestRestartWithoutPersistence(t *testing.T) {
	srv := redistest.StartServer(t, redistest.ServerOptions{})
	s := openStore(t, srv.URL(), "", Options{})
	ctx := context.Background()
	mustAppend(t, s.Log(), "room", 0, "one")
	mustAppend(t, s.Log(), "room", 1, "two")
	before, _ := s.Epoch(ctx, "room")

	srv.Restart()
	after, err := s.Epoch(ctx, "room")
	if err != nil {
		t.Fatal(err)
	}
	if after != "" {
		t.Fatalf("epoch after losing the data = %q, want empty", after)
	}
	if last, err := s.Log().Last(ctx, "room"); err != nil || last != 0 {
		t.Errorf("Last after losing the data = %d, %v; want 0", last, err)
	}
	if err := s.Log().Append(ctx, "room", 2, []engine.Entry{{Seq: 3, Data: []byte("x")}}); !errors.Is(err, engine.ErrSeqConflict) {
		t.Errorf("Append after the lost seq 2: err = %v, want ErrSeqConflict", err)
	}
	mustAppend(t, s.Log(), "room", 0, "again")
	if e, _ := s.Epoch(ctx, "room"); e == "" || e == before {
		t.Errorf("epoch of the new log = %q, want a new value (was %q)", e, before)
	}
}

// TestTwoInstancesRace: two Stores ("instances") on one Redis race to append the same
// seq and to take the same ticket: exactly one wins each race.
func TestTwoInstancesRace(t *testing.T) {
	target := redistest.Shared(t)
	a := openStore(t, target.URL, target.Prefix, Options{})
	b := openStore(t, target.URL, target.Prefix, Options{})
	ctx := context.Background()
	for round := range 20 {
		room := "race-" + string(rune('a'+round))
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, s := range []*Store{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = s.Log().Append(ctx, room, 0, []engine.Entry{{Seq: 1, Data: []byte{byte('a' + i)}}})
			}()
		}
		wg.Wait()
		wins, conflicts := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				wins++
			case errors.Is(err, engine.ErrSeqConflict):
				conflicts++
			default:
				t.Fatal(err)
			}
		}
		if wins != 1 || conflicts != 1 {
			t.Fatalf("round %d: %d appends won and %d conflicted, want 1 and 1", round, wins, conflicts)
		}

		hash := "ticket-" + room
		future := time.Now().Add(time.Hour)
		if err := a.Credentials().Put(ctx, hash, engine.Grant{RoomID: room, Kind: "ticket", Expires: future}); err != nil {
			t.Fatal(err)
		}
		for i, s := range []*Store{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = s.Credentials().Take(ctx, hash, "ticket")
			}()
		}
		wg.Wait()
		if (errs[0] == nil) == (errs[1] == nil) {
			t.Fatalf("round %d: Takes returned %v and %v, want exactly one grant", round, errs[0], errs[1])
		}
		for _, err := range errs {
			if err != nil && !errors.Is(err, engine.ErrNotFound) {
				t.Fatal(err)
			}
		}
	}
}

func TestCheckDurability(t *testing.T) {
	ctx := context.Background()
	t.Run("Durable", func(t *testing.T) {
		srv := redistest.StartServer(t, redistest.ServerOptions{AOF: true, Args: []string{"--maxmemory-policy", "noeviction"}})
		if err := openStore(t, srv.URL(), "", Options{}).CheckDurability(ctx); err != nil {
			t.Errorf("CheckDurability on appendonly yes, appendfsync always, noeviction: %v", err)
		}
	})
	t.Run("Weak", func(t *testing.T) {
		srv := redistest.StartServer(t, redistest.ServerOptions{Args: []string{"--maxmemory-policy", "allkeys-lru"}})
		err := openStore(t, srv.URL(), "", Options{}).CheckDurability(ctx)
		if !errors.Is(err, ErrWeakDurability) {
			t.Fatalf("CheckDurability without AOF: err = %v, want ErrWeakDurability", err)
		}
		for _, want := range []string{`appendonly is "no"`, `appendfsync is "everysec"`, `maxmemory-policy is "allkeys-lru"`} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not say %s", err, want)
			}
		}
		if err := openStore(t, srv.URL(), "", Options{AllowWeakDurability: true}).CheckDurability(ctx); err != nil {
			t.Errorf("CheckDurability with AllowWeakDurability: %v", err)
		}
	})
	t.Run("ConfigDisabled", func(t *testing.T) {
		srv := redistest.StartServer(t, redistest.ServerOptions{AOF: true, Args: []string{"--rename-command", "CONFIG", ""}})
		err := openStore(t, srv.URL(), "", Options{}).CheckDurability(ctx)
		if !errors.Is(err, ErrWeakDurability) || !strings.Contains(err.Error(), "CONFIG is disabled") {
			t.Errorf("CheckDurability with CONFIG renamed away: err = %v, want it to say CONFIG is disabled", err)
		}
	})
}

func TestOpenRefusesBadInput(t *testing.T) {
	ctx := context.Background()
	if _, err := Open(ctx, Options{URL: "redis://127.0.0.1:1", KeyPrefix: "a{b}"}); err == nil || !strings.Contains(err.Error(), "brace") {
		t.Errorf("Open with a prefix holding braces: err = %v", err)
	}
	if _, err := Open(ctx, Options{URL: "http://example"}); err == nil {
		t.Error("Open of an http URL succeeded")
	}
}

// TestPubSubUnanswered: a pub/sub connection that stays open but stops answering (here
// Redis pauses every client, as a half-open connection would look) is replaced after an
// unanswered ping, and the new connection's resubscription re-delivers the room's Last.
func TestPubSubUnanswered(t *testing.T) {
	srv := redistest.StartServer(t, redistest.ServerOptions{})
	s := openStore(t, srv.URL(), "", Options{})
	s.notifier.healthEvery = 100 * time.Millisecond
	ctx := context.Background()
	mustAppend(t, s.Log(), "room", 0, "one")
	notes, cancel, err := s.Notifier().Subscribe(ctx, "room")
	if err != nil {
		t.Fatal(err)
	}
	defer cancel()
	appendSilently(t, s, "room", 1, "two")
	if err := srv.Client().Do(ctx, "CLIENT", "PAUSE", "1500", "ALL").Err(); err != nil {
		t.Fatal(err)
	}
	receiveAtLeast(t, notes, 2) // only a new connection's re-delivery of Last can bring 2
	s.notifier.mu.Lock()
	rebuilt := s.notifier.rebuilt
	s.notifier.mu.Unlock()
	if rebuilt == 0 {
		t.Error("the connection was not replaced")
	}
	mustAppend(t, s.Log(), "room", 2, "three")
	receiveAtLeast(t, notes, 3)
}

// TestSuitesThroughSentinel: a redis+sentinel URL finds the master through a Sentinel,
// and the suites pass on it.
func TestSuitesThroughSentinel(t *testing.T) {
	master := redistest.StartServer(t, redistest.ServerOptions{AOF: true})
	sentinel := redistest.StartSentinel(t, master)
	s := openStore(t, sentinel.URL(), "", Options{})
	runSuites(t, s)
}

// TestSubscribeWhileDown: with Redis down, Subscribe gives up when its ctx ends; once
// Redis is back it works again. Close ends every subscription by closing its channel.
func TestSubscribeWhileDown(t *testing.T) {
	srv := redistest.StartServer(t, redistest.ServerOptions{})
	s := openStore(t, srv.URL()+"?dial_timeout=200ms", "", Options{})
	ctx := context.Background()
	srv.Kill()
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	_, _, err := s.Notifier().Subscribe(short, "room")
	cancel()
	if err == nil {
		t.Fatal("Subscribe with Redis down succeeded")
	}
	srv.Restart()
	notes, _, err := s.Notifier().Subscribe(ctx, "room")
	if err != nil {
		t.Fatalf("Subscribe after the restart: %v", err)
	}
	mustAppend(t, s.Log(), "room", 0, "one")
	receiveAtLeast(t, notes, 1)
	s.Close()
	select {
	case _, ok := <-notes:
		if ok {
			t.Fatal("a note after Close")
		}
	case <-time.After(wait):
		t.Fatal("Close did not close the subscription's channel")
	}
}

// TestRetentionLeavesNoKeys: what the engine's retention calls for a room (Log.Delete,
// Credentials.DeleteRoom, Directory.Remove) leaves no key of the room in Redis.
func TestRetentionLeavesNoKeys(t *testing.T) {
	srv := redistest.StartServer(t, redistest.ServerOptions{})
	s := openStore(t, srv.URL(), "", Options{})
	ctx := context.Background()
	at := time.Now()
	if ok, err := s.Directory().Claim(ctx, engine.RoomInfo{RoomID: "room", Code: "KOLK28", Created: at, LastActivity: at}); !ok || err != nil {
		t.Fatalf("Claim = %v, %v", ok, err)
	}
	mustAppend(t, s.Log(), "room", 0, "one")
	if err := s.Credentials().Put(ctx, "h1", engine.Grant{RoomID: "room", Kind: "teacher"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Credentials().Put(ctx, "h2", engine.Grant{RoomID: "room", Kind: "player", PlayerID: "p1", Expires: at.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Presence().Connect(ctx, "room", "p1"); err != nil {
		t.Fatal(err)
	}
	if err := s.Log().Delete(ctx, "room"); err != nil {
		t.Fatal(err)
	}
	if err := s.Credentials().DeleteRoom(ctx, "room"); err != nil {
		t.Fatal(err)
	}
	if err := s.Directory().Remove(ctx, "room"); err != nil {
		t.Fatal(err)
	}
	keys, err := srv.Client().Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 0 {
		t.Errorf("keys left after retention: %v", keys)
	}
}
