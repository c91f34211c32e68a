package engine

import (
	"context"
	"errors"
	"time"
)

// The engine talks to storage and to other instances only through the small interfaces
// below. Each has an embedded implementation (package store/embedded: bbolt plus
// in-process notification) and, later, a Redis one. Implementations must pass the shared
// conformance suite in store/storetest.

// ErrSeqConflict is returned by Log.Append when the log's last sequence number is not the
// one the caller expected: another writer got there first. The caller reloads and retries.
var ErrSeqConflict = errors.New("room log: sequence conflict")

// ErrNotFound is returned when a room, code or credential does not exist.
var ErrNotFound = errors.New("not found")

// Entry is one stored event: its sequence number and its encoded bytes.
type Entry struct {
	Seq  uint64
	Data []byte
}

// Log is a room's ordered, durable event log.
type Log interface {
	// Append stores entries after expectedLast, which must be the sequence number of the
	// room's last stored entry (0 for an empty log). The entries' Seq must run
	// expectedLast+1, expectedLast+2, … Append returns only once the entries are durable
	// (fsynced); it is all or nothing. If the log's last entry is not expectedLast it
	// returns ErrSeqConflict and stores nothing.
	Append(ctx context.Context, roomID string, expectedLast uint64, entries []Entry) error
	// Read returns up to limit entries with Seq > after, in order (limit <= 0: all).
	Read(ctx context.Context, roomID string, after uint64, limit int) ([]Entry, error)
	// Last returns the sequence number of the room's last entry, 0 when the log is empty.
	Last(ctx context.Context, roomID string) (uint64, error)
	// Delete removes the room's log. Deleting a missing log is not an error.
	Delete(ctx context.Context, roomID string) error
}

// Notifier tells every instance that a room's log has grown. It carries no event data:
// a subscriber reads the log from its last sequence number, so a lost or coalesced
// notification delays delivery but never loses an event.
type Notifier interface {
	// Publish announces that roomID's log now ends at seq.
	Publish(ctx context.Context, roomID string, seq uint64) error
	// Subscribe delivers announcements for roomID until cancel is called. The channel is
	// buffered; when it is full, newer announcements replace older ones (only the latest
	// seq matters, and a reader never sees seq go backwards). cancel is idempotent and
	// closes the channel. ctx bounds the Subscribe call only, not the subscription.
	Subscribe(ctx context.Context, roomID string) (notes <-chan uint64, cancel func(), err error)
}

// RoomInfo is what the directory knows of a room.
type RoomInfo struct {
	RoomID       string
	Code         string
	Created      time.Time
	LastActivity time.Time
}

// Directory maps join codes to rooms and remembers when each room was last active, for
// retention.
type Directory interface {
	// Claim registers code for a new room. It returns false, nil if the code is taken.
	Claim(ctx context.Context, info RoomInfo) (bool, error)
	// Lookup returns the room a code belongs to, or ErrNotFound.
	Lookup(ctx context.Context, code string) (RoomInfo, error)
	// Get returns a room by id, or ErrNotFound.
	Get(ctx context.Context, roomID string) (RoomInfo, error)
	// Touch records activity in a room; ErrNotFound for an unknown room.
	Touch(ctx context.Context, roomID string, at time.Time) error
	// List returns every room, ordered by code.
	List(ctx context.Context) ([]RoomInfo, error)
	// Remove forgets a room and frees its code. Removing a missing room is not an error.
	Remove(ctx context.Context, roomID string) error
}

// Grant is what a credential lets its holder do.
type Grant struct {
	RoomID   string
	Kind     string    // "teacher", "coteacher", "projector", "player", "rejoin", "ticket"
	PlayerID string    // for player, rejoin and ticket grants of a player
	Subject  string    // for tickets: the kind of the principal that asked for it
	Expires  time.Time // zero: never expires
}

// Credentials stores credentials hashed: the secret itself is never stored, only
// sha256(secret). Secrets are high-entropy random strings made by the engine.
type Credentials interface {
	// Put stores a grant under the hash of a secret.
	Put(ctx context.Context, hash string, g Grant) error
	// Get returns the grant stored under hash, or ErrNotFound (also once it has expired).
	Get(ctx context.Context, hash string) (Grant, error)
	// Take returns and deletes the grant stored under hash in one step, if it is of kind:
	// single-use tickets. A grant of another kind is left as it is and Take reports
	// ErrNotFound, so a key or token offered where a ticket belongs is not destroyed.
	Take(ctx context.Context, hash, kind string) (Grant, error)
	// Delete removes the grant stored under hash.
	Delete(ctx context.Context, hash string) error
	// DeleteRoom removes every grant of a room.
	DeleteRoom(ctx context.Context, roomID string) error
	// DeletePlayer removes every grant of kind for one player (a removed player, a rejoin
	// code replaced by a new one). An empty kind removes all of the player's grants.
	DeletePlayer(ctx context.Context, roomID, playerID, kind string) error
}

// Limiter decides whether one more request under a key is allowed now.
type Limiter interface {
	Allow(ctx context.Context, key string) (bool, error)
}

// LimiterRetry is a Limiter that can also say how long key must wait until Allow
// would allow it (0: now). The HTTP edge puts it in Retry-After; for a Limiter without
// it the edge computes the wait from the limiter's configured rate.
type LimiterRetry interface {
	RetryAfter(ctx context.Context, key string) (time.Duration, error)
}

// BlocklistRetry is a Blocklist that can also say how long key stays blocked (0: not
// blocked), for Retry-After; without it the edge says the whole block's length.
type BlocklistRetry interface {
	BlockedFor(ctx context.Context, key string) (time.Duration, error)
}

// Blocklist holds keys refused outright for a while (an address that guessed too many
// join codes). Like the limiters it is shared, so a block on one instance holds on all.
type Blocklist interface {
	// Block refuses key for d from now; blocking a blocked key again extends the block.
	Block(ctx context.Context, key string, d time.Duration) error
	// Blocked reports whether key is refused now.
	Blocked(ctx context.Context, key string) (bool, error)
}

// Epochs tells a room log's epoch: a value the store sets when the room's log is
// created and never changes after. A store that lost data (a Redis restarted without its
// append-only file, a failover to a replica that missed writes) and then created the log
// anew reports another epoch, so an instance holding the room notices instead of
// diverging. Optional: a store that cannot lose acknowledged writes (the embedded one)
// has none.
type Epochs interface {
	// Epoch returns the epoch of roomID's log; "" or ErrNotFound when there is no log.
	Epoch(ctx context.Context, roomID string) (string, error)
}

// Presence records which players are connected, across instances.
type Presence interface {
	// Connect marks a connection of player in room as open; the returned func closes it.
	// A player is online while at least one of their connections is open.
	Connect(ctx context.Context, roomID, playerID string) (disconnect func(), err error)
	// Online returns the ids of players with an open connection, sorted.
	Online(ctx context.Context, roomID string) ([]string, error)
}
