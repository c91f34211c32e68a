package embedded

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/classroom-debate/debate/engine"
)

// A grant whose Expires is the zero time never expires (teacher credentials live as
// long as the room). Expired grants are invisible at once and removed by Sweep.

// indexPrefix builds the grantIndex prefix of the given parts, each length-prefixed so
// that a prefix scan for player "p1" cannot match player "p10".
func indexPrefix(parts ...string) []byte {
	var b []byte
	for _, p := range parts {
		b = binary.AppendUvarint(b, uint64(len(p)))
		b = append(b, p...)
	}
	return b
}

func indexKey(hash string, g engine.Grant) []byte {
	return append(indexPrefix(g.RoomID, g.PlayerID, g.Kind), hash...)
}

func expired(g engine.Grant, now time.Time) bool {
	return !g.Expires.IsZero() && !now.Before(g.Expires)
}

// loadGrant reads the grant under hash; ok is false when there is none.
func loadGrant(tx *bolt.Tx, hash string) (g engine.Grant, ok bool, err error) {
	v := tx.Bucket(bucketGrants).Get([]byte(hash))
	if v == nil {
		return g, false, nil
	}
	if err := json.Unmarshal(v, &g); err != nil {
		return g, false, fmt.Errorf("grant %.8s…: %w", hash, err)
	}
	return g, true, nil
}

// deleteGrant removes the grant under hash and its index entry.
func deleteGrant(tx *bolt.Tx, hash string) error {
	g, ok, err := loadGrant(tx, hash)
	if err != nil || !ok {
		return err
	}
	if err := tx.Bucket(bucketGrantIndex).Delete(indexKey(hash, g)); err != nil {
		return err
	}
	return tx.Bucket(bucketGrants).Delete([]byte(hash))
}

// Put implements engine.Credentials. Putting over an existing hash replaces the grant.
func (c *Credentials) Put(ctx context.Context, hash string, g engine.Grant) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if hash == "" {
		return errEmptyKey
	}
	value, err := json.Marshal(g)
	if err != nil {
		return err
	}
	err = c.s.write(func(tx *bolt.Tx) error {
		if err := deleteGrant(tx, hash); err != nil { // drop the old index entry, if any
			return err
		}
		if err := tx.Bucket(bucketGrantIndex).Put(indexKey(hash, g), []byte(hash)); err != nil {
			return err
		}
		return tx.Bucket(bucketGrants).Put([]byte(hash), value)
	})
	if err != nil {
		return fmt.Errorf("embedded: put grant: %w", err)
	}
	return nil
}

// Get implements engine.Credentials.
func (c *Credentials) Get(ctx context.Context, hash string) (engine.Grant, error) {
	if err := ctx.Err(); err != nil {
		return engine.Grant{}, err
	}
	var g engine.Grant
	var ok bool
	err := c.s.db.View(func(tx *bolt.Tx) (err error) {
		g, ok, err = loadGrant(tx, hash)
		return err
	})
	if err != nil {
		return engine.Grant{}, fmt.Errorf("embedded: get grant: %w", err)
	}
	if !ok || expired(g, c.s.now()) {
		return engine.Grant{}, engine.ErrNotFound
	}
	return g, nil
}

// Take implements engine.Credentials. Reading and deleting share one write
// transaction, and bbolt runs write transactions one at a time, so of two concurrent
// Takes exactly one gets the grant. An expired grant is deleted and not returned.
func (c *Credentials) Take(ctx context.Context, hash, kind string) (engine.Grant, error) {
	if err := ctx.Err(); err != nil {
		return engine.Grant{}, err
	}
	now := c.s.now()
	var g engine.Grant
	var ok bool
	err := c.s.write(func(tx *bolt.Tx) (err error) {
		g, ok, err = loadGrant(tx, hash)
		if err != nil || !ok {
			return err
		}
		if g.Kind != kind {
			ok = false // not ours to consume: leave it
			return nil
		}
		return deleteGrant(tx, hash)
	})
	if err != nil {
		return engine.Grant{}, fmt.Errorf("embedded: take grant: %w", err)
	}
	if !ok || expired(g, now) {
		return engine.Grant{}, engine.ErrNotFound
	}
	return g, nil
}

// Delete implements engine.Credentials. Deleting a missing grant is not an error.
func (c *Credentials) Delete(ctx context.Context, hash string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := c.s.write(func(tx *bolt.Tx) error { return deleteGrant(tx, hash) }); err != nil {
		return fmt.Errorf("embedded: delete grant: %w", err)
	}
	return nil
}

// DeleteRoom implements engine.Credentials.
func (c *Credentials) DeleteRoom(ctx context.Context, roomID string) error {
	return c.deleteByPrefix(ctx, indexPrefix(roomID))
}

// DeletePlayer implements engine.Credentials.
func (c *Credentials) DeletePlayer(ctx context.Context, roomID, playerID, kind string) error {
	prefix := indexPrefix(roomID, playerID)
	if kind != "" {
		prefix = indexPrefix(roomID, playerID, kind)
	}
	return c.deleteByPrefix(ctx, prefix)
}

// deleteByPrefix deletes every grant whose index key starts with prefix.
func (c *Credentials) deleteByPrefix(ctx context.Context, prefix []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := c.s.write(func(tx *bolt.Tx) error {
		// Collect first: deleting under a bbolt cursor can skip the next key.
		var hashes []string
		cur := tx.Bucket(bucketGrantIndex).Cursor()
		for k, v := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = cur.Next() {
			hashes = append(hashes, string(v))
		}
		for _, h := range hashes {
			if err := deleteGrant(tx, h); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("embedded: delete grants: %w", err)
	}
	return nil
}

// Sweep deletes every grant that has expired at now and returns how many it deleted.
// Expired grants are already invisible; Sweep only reclaims their space, so calling it
// every few minutes is plenty. It scans all grants: a server holds a few per player.
func (c *Credentials) Sweep(ctx context.Context, now time.Time) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	var n int
	err := c.s.db.Update(func(tx *bolt.Tx) error {
		n = 0
		var hashes []string
		err := tx.Bucket(bucketGrants).ForEach(func(k, v []byte) error {
			var g engine.Grant
			if err := json.Unmarshal(v, &g); err != nil {
				return fmt.Errorf("grant %.8s…: %w", k, err)
			}
			if expired(g, now) {
				hashes = append(hashes, string(k))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, h := range hashes {
			if err := deleteGrant(tx, h); err != nil {
				return err
			}
		}
		n = len(hashes)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("embedded: sweep grants: %w", err)
	}
	return n, nil
}
