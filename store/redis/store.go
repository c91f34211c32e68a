// Package redisstore (directory store/redis) owns the Redis implementations of the
// engine's storage and sync ports, for running many server instances on one set of
// rooms: the room logs with their epochs, the notifier (Redis pub/sub), the room
// directory, hashed credentials, shared rate limiters, the blocklist and presence. The
// package is named redisstore so that it does not shadow go-redis, which it imports as
// redis. It imports engine and its libraries (go-redis, x/time/rate) only.
//
// # Connecting
//
// Options.URL takes one of three forms; go-redis's query options (dial_timeout,
// read_timeout, pool_size, protocol, client_name, …) may follow any of them:
//
//	redis://[user:password@]host:port[/db]                   one Redis
//	rediss://…                                               the same over TLS
//	redis+sentinel://[user:password@]host:port,host:port/master[/db]
//	                                                         a Sentinel group; the user
//	                                                         and password are the
//	                                                         sentinels' (go-redis's form)
//	redis+cluster://[user:password@]host:port,host:port,…    a Redis Cluster (any reachable
//	rediss+cluster://…, rediss+sentinel://…                  nodes; the rest are found)
//
// All three become one go-redis UniversalClient, so the code above it is the same.
//
// # Keys
//
// Every key starts with Options.KeyPrefix (default "debate:", written P below). Every key
// of one room carries the room id as a hash tag, so on a Cluster they live in one slot and
// each per-room script touches one slot only:
//
//	P{room}:log      Stream: one entry per event, entry id "<seq>-0", field "d" = event bytes
//	P{room}:meta     Hash: last (the last seq), epoch (random, set when the log is created)
//	P{room}:notes    pub/sub channel: the new last seq, as decimal text
//	P{room}:info     Hash: the room's directory record (code, created, last activity)
//	P{room}:grants   Sorted set: hashes of the room's credentials, scored by expiry (ms)
//	P{room}:online   Sorted set: open connections "<instance>/<n>/<player>", scored by
//	                 the time (ms) their heartbeat runs out
//	Pcode:{code}     String: the room id holding a join code
//	Pcodes           Sorted set of all codes (score 0, so ordered by code): List
//	Pgrant:{hash}    Hash: one credential (room, kind, player, subject, expires)
//	Prate:<name>:<key>   String: a GCRA limiter's theoretical arrival time (µs)
//	Pblock:<key>     String: the end of a block (ms); the key expires with the block
//
// The log is a Stream rather than a list because a stream entry's id is the event's seq:
// Read(after, limit) is XRANGE from after+1 with COUNT, addressed by seq and not by
// position, XADD refuses an id that does not grow (a second guard against a corrupt
// append), and a stream of small entries is stored compactly in listpacks. The last seq
// and the epoch sit in a separate hash so that Last and the conflict check are one HGET.
//
// # Append and epoch
//
// Append is one Lua script over P{room}:meta and P{room}:log: it compares meta.last with
// the expected seq (a mismatch stores nothing and answers ErrSeqConflict), XADDs the
// entries, sets meta.last, sets meta.epoch when the log is new, and PUBLISHes (SPUBLISH on
// a Cluster) the new last seq on P{room}:notes. Redis runs a script as one step, so two
// instances appending at once land in one order, exactly once. The epoch is a random
// value the Go side proposes with each append to an empty log; it changes only when the
// log is created anew, which is how an instance notices that Redis lost the room (a
// restart without AOF, a failover to a replica that had not received it): the epoch it
// remembered is gone or different. Epoch reads it.
//
// # Notes
//
// Each Store holds one pub/sub connection for all its subscriptions (on a Cluster one per
// master, since a sharded channel lives on the node owning its slot). After a reconnect
// (Redis restarted, the connection killed, or replaced after an unanswered ping) every
// channel is subscribed again and each room's current last seq is delivered, which makes
// up for notes published meanwhile. On a Cluster whose slots move while a subscription is
// open, the subscription follows its slot on the next reconnect only; this package does
// not watch for resharding.
//
// Append is acknowledged once Redis has run the script; with appendonly yes and
// appendfsync always Redis writes and fsyncs the AOF before it replies, which is what
// "Append returns only once the entries are durable" needs. CheckDurability says whether
// the connected server is configured so.
package redisstore

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"

	"github.com/classroom-debate/debate/engine"
)

// DefaultKeyPrefix starts every key when Options.KeyPrefix is empty.
const DefaultKeyPrefix = "debate:"

// DefaultPresenceTTL is how long a connection stays online without a heartbeat. The
// refresher renews every connection of this instance at a third of it, so a dead
// instance's connections leave Online within this time.
const DefaultPresenceTTL = 30 * time.Second

// Options configure Open. URL is required.
type Options struct {
	// URL says where Redis is; see the package comment for the forms.
	URL string
	// KeyPrefix starts every key and channel name (DefaultKeyPrefix when empty). It must
	// not contain '{' or '}', which would change the keys' hash slots.
	KeyPrefix string
	// Now is the clock for credential and block expiry and presence heartbeats. Nil:
	// time.Now. Rate limiters use it too when it is set; otherwise they use the Redis
	// server's clock, which all instances share.
	Now func() time.Time
	// Logger receives reconnects and other events worth an operator's attention.
	// Nil: slog.Default().
	Logger *slog.Logger
	// AllowWeakDurability makes CheckDurability accept a server without AOF, appendfsync
	// always or noeviction: the operator accepts losing acknowledged events.
	AllowWeakDurability bool
	// PresenceTTL overrides DefaultPresenceTTL.
	PresenceTTL time.Duration
	// InstanceID names this instance in presence entries. Empty: a random id.
	InstanceID string
}

// Store is a connection to Redis handing out the engine's ports. It is safe for
// concurrent use. One Store per process: it holds one pub/sub connection (one per
// Cluster master) shared by all of the process's subscriptions.
type Store struct {
	client  redis.UniversalClient
	cluster bool // sharded pub/sub (SPUBLISH/SSUBSCRIBE) and per-node pub/sub connections
	prefix  string
	now     func() time.Time
	clocked bool // Options.Now was given
	log     *slog.Logger
	weak    bool

	notifier *notifier
	presence *presence

	closeOnce sync.Once
}

// Open connects to Redis and checks that it answers. It does not check durability
// settings: call CheckDurability for that.
func Open(ctx context.Context, opts Options) (*Store, error) {
	prefix := opts.KeyPrefix
	if prefix == "" {
		prefix = DefaultKeyPrefix
	}
	if strings.ContainsAny(prefix, "{}") {
		return nil, fmt.Errorf("redis store: key prefix %q contains a brace, which would move keys out of their room's hash slot", prefix)
	}
	target, err := ParseURL(opts.URL)
	if err != nil {
		return nil, err
	}
	s := &Store{
		client:  target.NewClient(),
		cluster: target.Mode == ModeCluster,
		prefix:  prefix,
		now:     opts.Now,
		clocked: opts.Now != nil,
		log:     opts.Logger,
		weak:    opts.AllowWeakDurability,
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if err := s.Ping(ctx); err != nil {
		s.client.Close()
		return nil, err
	}
	ttl := opts.PresenceTTL
	if ttl <= 0 {
		ttl = DefaultPresenceTTL
	}
	instance := opts.InstanceID
	if instance == "" {
		instance = rand.Text()[:12]
	}
	s.notifier = newNotifier(s)
	s.presence = newPresence(s, instance, ttl)
	return s, nil
}

// Close removes this instance's open connections from the rosters (they would run out
// within the presence TTL anyway), stops the presence refresher, closes the pub/sub
// connections (closing every subscription's channel) and the client.
func (s *Store) Close() error {
	var err error
	s.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if perr := s.presence.shutdown(ctx); perr != nil {
			s.log.Warn("redis store: could not clear this instance's connections; they leave the rosters when their heartbeats run out", "err", perr)
		}
		s.notifier.close()
		err = s.client.Close()
	})
	return err
}

// Ping checks that Redis answers (every master, on a Cluster).
func (s *Store) Ping(ctx context.Context) error {
	if err := s.forEachMaster(ctx, func(ctx context.Context, c redis.Cmdable) error {
		return c.Ping(ctx).Err()
	}); err != nil {
		return fmt.Errorf("redis store: ping: %w", err)
	}
	return nil
}

// Client returns the underlying go-redis client (for health checks and tests).
func (s *Store) Client() redis.UniversalClient { return s.client }

// Log returns the room logs.
func (s *Store) Log() engine.Log { return &roomLog{s} }

// Notifier returns the store's notifier: one pub/sub connection (one per Cluster master)
// carries every subscription of this Store.
func (s *Store) Notifier() engine.Notifier { return s.notifier }

// Directory returns the room directory.
func (s *Store) Directory() engine.Directory { return &directory{s} }

// Credentials returns the credential store.
func (s *Store) Credentials() engine.Credentials { return &credentials{s} }

// Limiter returns a limiter shared by every instance using this Redis and key prefix:
// each key may make r requests per second with bursts of up to burst, the same rule as
// embedded.NewLimiter. name keeps limiters with different rates apart ("joins",
// "commands"); two Limiter calls with one name share their buckets.
func (s *Store) Limiter(name string, r rate.Limit, burst int) engine.Limiter {
	return newLimiter(s, name, r, burst)
}

// Blocklist returns the blocklist shared by every instance.
func (s *Store) Blocklist() engine.Blocklist { return &blocklist{s} }

// Presence returns this instance's presence table view; Online sees every instance's
// connections.
func (s *Store) Presence() engine.Presence { return s.presence }

// Epoch returns the epoch of roomID's log: a random value set when the log was created.
// It is "" when the room has no log. An epoch that differs from one read earlier (or
// that is gone) means the log was lost and started again: Redis lost data.
func (s *Store) Epoch(ctx context.Context, roomID string) (string, error) {
	epoch, err := s.client.HGet(ctx, s.roomKey(roomID, "meta"), "epoch").Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("redis store: epoch of room %s: %w", roomID, err)
	}
	return epoch, nil
}

// ErrWeakDurability is wrapped by CheckDurability's error when the server's settings
// can lose acknowledged writes.
var ErrWeakDurability = errors.New("redis settings can lose acknowledged events")

// CheckDurability returns nil when every master has appendonly yes, appendfsync always
// and maxmemory-policy noeviction, or when Options.AllowWeakDurability is set. Otherwise
// its error (wrapping ErrWeakDurability) names every setting that is missing, or says
// that CONFIG is disabled and the settings cannot be read.
func (s *Store) CheckDurability(ctx context.Context) error {
	if s.weak {
		return nil
	}
	var mu sync.Mutex
	var problems []string
	err := s.forEachMaster(ctx, func(ctx context.Context, c redis.Cmdable) error {
		found, err := c.ConfigGet(ctx, "*").Result()
		if err != nil {
			if strings.Contains(strings.ToLower(err.Error()), "unknown command") {
				return fmt.Errorf("%w: cannot read them, CONFIG is disabled on this server (%v); set appendonly yes, appendfsync always and maxmemory-policy noeviction, and start the server with --redis-allow-weak-durability to run without checking", ErrWeakDurability, err)
			}
			return err
		}
		missing := durabilityProblems(found)
		mu.Lock()
		for _, p := range missing {
			if !containsString(problems, p) {
				problems = append(problems, p)
			}
		}
		mu.Unlock()
		return nil
	})
	if err != nil {
		if errors.Is(err, ErrWeakDurability) {
			return err
		}
		return fmt.Errorf("redis store: read the durability settings: %w", err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: %s", ErrWeakDurability, strings.Join(problems, "; "))
	}
	return nil
}

// durabilityProblems lists, as sentences, the settings in a CONFIG GET answer that can
// lose acknowledged writes.
func durabilityProblems(config map[string]string) []string {
	var out []string
	if v := config["appendonly"]; v != "yes" {
		out = append(out, fmt.Sprintf("appendonly is %q, want \"yes\" (without the AOF a restart loses every event since the last snapshot)", v))
	}
	if v := config["appendfsync"]; v != "always" {
		out = append(out, fmt.Sprintf("appendfsync is %q, want \"always\" (otherwise a crash loses up to a second of acknowledged events)", v))
	}
	if v := config["maxmemory-policy"]; v != "noeviction" {
		out = append(out, fmt.Sprintf("maxmemory-policy is %q, want \"noeviction\" (otherwise Redis may evict room logs when memory runs short)", v))
	}
	return out
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// forEachMaster runs fn on every master of a Cluster, or once on the client otherwise.
func (s *Store) forEachMaster(ctx context.Context, fn func(ctx context.Context, c redis.Cmdable) error) error {
	if cc, ok := s.client.(*redis.ClusterClient); ok {
		return cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error { return fn(ctx, c) })
	}
	return fn(ctx, s.client)
}

// roomKey is the key of one of a room's values: P{room}:part.
func (s *Store) roomKey(roomID, part string) string {
	return s.prefix + "{" + roomID + "}:" + part
}

// key is a global key: P + parts joined.
func (s *Store) key(parts ...string) string {
	return s.prefix + strings.Join(parts, "")
}

// errEmptyID guards against keys built from an empty id.
var errEmptyID = errors.New("redis store: empty id")
