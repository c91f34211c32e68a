package embedded

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Backup writes a consistent copy of the whole store to w while it serves: a bbolt read
// transaction sees one committed state, and writers go on committing meanwhile. size,
// when not nil, is told the copy's exact length before the first byte is written (an
// HTTP route sets Content-Length with it, so a copy cut short shows as one). It returns
// the bytes written. A cancelled ctx stops the copy with its error.
func (s *Store) Backup(ctx context.Context, w io.Writer, size func(int64)) (int64, error) {
	var n int64
	err := s.db.View(func(tx *bolt.Tx) error {
		if size != nil {
			size(tx.Size())
		}
		var err error
		n, err = tx.WriteTo(ctxWriter{ctx, w})
		return err
	})
	return n, err
}

type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

// ErrExists is returned by Restore when the destination file is already there: a
// restore never overwrites a store.
var ErrExists = errors.New("embedded: the destination already holds a store")

// Restore writes the backup read from src to path, which must not exist yet. The copy
// is written beside path, fsynced, checked (it must open as a store with every bucket
// and pass bbolt's consistency check) and only then renamed into place, so a failed
// restore leaves nothing behind. It returns the number of rooms in the backup.
func Restore(src io.Reader, path string) (rooms int, err error) {
	if _, err := os.Stat(path); err == nil {
		return 0, fmt.Errorf("%w: %s", ErrExists, path)
	} else if !errors.Is(err, os.ErrNotExist) {
		return 0, err
	}
	dir := filepath.Dir(path)
	made := missingDirs(dir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return 0, err
	}
	// A failed restore leaves no trace, not even the directories it made (os.Remove
	// takes only empty ones: never anything the operator put there).
	defer func() {
		if err != nil {
			for _, d := range made {
				os.Remove(d)
			}
		}
	}()
	tmp, err := os.CreateTemp(dir, ".restore-*")
	if err != nil {
		return 0, err
	}
	defer func() {
		if err != nil {
			os.Remove(tmp.Name())
		}
	}()
	if _, err = io.Copy(tmp, src); err != nil {
		tmp.Close()
		return 0, fmt.Errorf("embedded: restore: copy: %w", err)
	}
	if err = tmp.Sync(); err != nil {
		tmp.Close()
		return 0, err
	}
	if err = tmp.Close(); err != nil {
		return 0, err
	}
	if rooms, err = Verify(tmp.Name()); err != nil {
		return 0, err
	}
	if err = os.Chmod(tmp.Name(), 0o600); err != nil {
		return 0, err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return 0, err
	}
	return rooms, syncDir(dir)
}

// Verify opens the store file at path read-only, checks bbolt's invariants and that
// every bucket of the layout is there, and returns how many rooms it holds.
func Verify(path string) (int, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		return 0, fmt.Errorf("embedded: %s is not a store: %w", path, err)
	}
	defer db.Close()
	rooms := 0
	err = db.View(func(tx *bolt.Tx) error {
		var damage error
		for err := range tx.Check() { // read to the end: the checker runs until then
			if damage == nil {
				damage = fmt.Errorf("embedded: %s is damaged: %w", path, err)
			}
		}
		if damage != nil {
			return damage
		}
		for _, name := range [][]byte{bucketLog, bucketRooms, bucketCodes, bucketGrants, bucketGrantIndex} {
			if tx.Bucket(name) == nil {
				return fmt.Errorf("embedded: %s is not a debate store (no %s bucket)", path, name)
			}
		}
		rooms = tx.Bucket(bucketRooms).Stats().KeyN
		return nil
	})
	return rooms, err
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// missingDirs lists dir and those of its ancestors that do not exist yet, deepest first.
func missingDirs(dir string) []string {
	var out []string
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); !errors.Is(err, os.ErrNotExist) {
			return out
		}
		out = append(out, d)
		if filepath.Dir(d) == d {
			return out
		}
	}
}
