// Package embedded owns the single-process implementations of the engine's storage and
// sync ports: a bbolt file for the room logs, the room directory and the credentials
// (Store), and in-memory Notifier, Limiter and Presence. It is the default when no Redis
// is configured. It imports only engine and its libraries (bbolt, x/time/rate).
//
// Key layout of the bbolt file (buckets nest; "/" separates levels):
//
//	log/<roomID>/<seq, 8-byte big-endian>   → event bytes
//	rooms/<roomID>                          → RoomInfo as JSON
//	codes/<code>                            → roomID
//	grants/<hash>                           → Grant as JSON
//	grantIndex/<room><player><kind><hash>   → hash (each part but hash length-prefixed)
//
// One bucket per room log because it makes every log operation a single step: Last is
// cursor.Last, Read(after) is Seek(after+1) then Next (big-endian keys sort numerically),
// Delete is DeleteBucket. Small room buckets are stored inline in their parent page, so
// thousands of rooms cost little. grantIndex lets DeleteRoom and DeletePlayer find a
// room's or a player's grants with one prefix scan; the length prefixes keep "p1" from
// matching "p10".
package embedded

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/classroom-debate/debate/engine"
)

// Compile-time checks that the views provide the ports they are meant to.
var (
	_ engine.Log         = (*Log)(nil)
	_ engine.Directory   = (*Directory)(nil)
	_ engine.Credentials = (*Credentials)(nil)
)

var (
	bucketLog        = []byte("log")
	bucketRooms      = []byte("rooms")
	bucketCodes      = []byte("codes")
	bucketGrants     = []byte("grants")
	bucketGrantIndex = []byte("grantIndex")
)

// Options tune Open. The zero value is ready to use.
type Options struct {
	// Now is the clock used to decide whether a credential has expired. Nil: time.Now.
	Now func() time.Time
	// LockTimeout is how long Open waits for another process to release the file.
	// Zero: 1 second (bbolt would otherwise wait forever).
	LockTimeout time.Duration
	// OnCommit, when set, is told how many writes each group commit made durable
	// (for the metrics). It runs on the committer and must be quick.
	OnCommit func(writes int)
}

// Store is a bbolt file holding room logs, the room directory and credentials. Every
// write is fsynced before it returns. It is safe for concurrent use.
//
// The three ports share method names with different meanings (Directory.Get takes a
// room id, Credentials.Get a hash), so Store hands out one view per port rather than
// implementing them itself.
type Store struct {
	db  *bolt.DB
	now func() time.Time

	writes    chan writeReq // to the committer (commit.go); unbuffered
	quit      chan struct{} // closed by Close
	committed chan struct{} // closed when the committer has stopped
	onCommit  func(writes int)
	closeOnce sync.Once
}

// Log is the Store seen as an engine.Log.
type Log struct{ s *Store }

// Directory is the Store seen as an engine.Directory.
type Directory struct{ s *Store }

// Credentials is the Store seen as an engine.Credentials.
type Credentials struct{ s *Store }

// Log returns the room logs.
func (s *Store) Log() *Log { return &Log{s} }

// Directory returns the room directory.
func (s *Store) Directory() *Directory { return &Directory{s} }

// Credentials returns the credential store.
func (s *Store) Credentials() *Credentials { return &Credentials{s} }

// Open opens (creating if needed) the store file at path.
func Open(path string, opts Options) (*Store, error) {
	timeout := opts.LockTimeout
	if timeout == 0 {
		timeout = time.Second
	}
	// NoSync stays false: durability is the point of this store, in tests too.
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout})
	if err != nil {
		return nil, fmt.Errorf("embedded: open %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketLog, bucketRooms, bucketCodes, bucketGrants, bucketGrantIndex} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("embedded: create buckets in %s: %w", path, err)
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	st := &Store{db: db, now: now, writes: make(chan writeReq), quit: make(chan struct{}),
		committed: make(chan struct{}), onCommit: opts.OnCommit}
	go st.committer()
	return st, nil
}

// Close closes the file. Writes in flight finish first; appends after Close fail.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		close(s.quit)
		<-s.committed
	})
	return s.db.Close()
}

// write runs fn in a write transaction shared with the other writes waiting at that
// moment (group commit, commit.go), so many rooms' writes cost one commit. Two rules
// follow:
//   - fn may run more than once, so it must set its results afresh on every run;
//   - an error from fn fails the whole group's transaction and reruns each write on its
//     own, so expected outcomes (a sequence conflict, a taken code, a missing grant)
//     are reported through fn's captured variables and fn returns nil. Errors are for
//     real failures only.
func (s *Store) write(fn func(tx *bolt.Tx) error) error {
	return s.enqueue(context.Background(), fn)
}

// errEmptyKey guards bbolt, which refuses empty keys with a less helpful message.
var errEmptyKey = errors.New("embedded: empty id")
