package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/classroom-debate/debate/store/embedded"
)

const backupUsage = `usage:
  debate backup [--url URL] [--token TOKEN] --out FILE   copy a running server's store (hot, consistent)
  debate backup --data-dir DIR --out FILE                copy the store of a server that is not running
  debate restore --data-dir DIR FILE                     put a backup into a fresh data directory`

// runBackup copies the embedded store to a file: from a running server over
// GET /api/admin/backup (bbolt locks its file, so another process cannot read it while
// the server runs), or straight from a data directory no server holds. The copy is
// written beside --out, checked, and only then renamed to it.
func runBackup(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("debate backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, backupUsage); fs.PrintDefaults() }
	var a adminFlags
	a.declare(fs)
	dataDir := fs.String("data-dir", "", "copy the store in this directory instead of asking a running server")
	out := fs.String("out", "", "the backup file to write (it must not exist)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *out == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, backupUsage)
		return 2
	}
	if _, err := os.Stat(*out); err == nil {
		fmt.Fprintf(stderr, "debate backup: --out: %s already exists\n", *out)
		return 2
	}
	if *dataDir != "" {
		// Opening a missing store would create an empty one in the wrong directory.
		if _, err := os.Stat(filepath.Join(*dataDir, "debate.db")); err != nil {
			fmt.Fprintf(stderr, "debate backup: --data-dir: no store in %s (%v)\n", *dataDir, err)
			return 2
		}
	} else {
		if err := a.check(); err != nil {
			fmt.Fprintf(stderr, "debate backup: %v\n", err)
			return 2
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	rooms, size, err := backup(ctx, &a, *dataDir, *out)
	if err != nil {
		fmt.Fprintf(stderr, "debate backup: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "backup: %s, %d bytes, %d rooms\n", *out, size, rooms)
	return 0
}

func backup(ctx context.Context, a *adminFlags, dataDir, out string) (rooms int, size int64, err error) {
	tmp, err := os.CreateTemp(filepath.Dir(out), ".backup-*")
	if err != nil {
		return 0, 0, err
	}
	defer func() {
		tmp.Close()
		if err != nil {
			os.Remove(tmp.Name())
		}
	}()
	if dataDir != "" {
		st, oerr := embedded.Open(filepath.Join(dataDir, "debate.db"), embedded.Options{})
		if oerr != nil {
			return 0, 0, fmt.Errorf("%w (a running server holds its store: use --url instead)", oerr)
		}
		size, err = st.Backup(ctx, tmp, nil)
		st.Close()
	} else {
		resp, cerr := a.call(ctx, http.MethodGet, "/api/admin/backup")
		if cerr != nil {
			return 0, 0, cerr
		}
		size, err = io.Copy(tmp, resp.Body) // a body shorter than its Content-Length fails here
		resp.Body.Close()
		if err == nil && resp.ContentLength >= 0 && size != resp.ContentLength {
			err = fmt.Errorf("received %d of %d bytes", size, resp.ContentLength)
		}
	}
	if err != nil {
		return 0, 0, err
	}
	if err = tmp.Sync(); err != nil {
		return 0, 0, err
	}
	if err = tmp.Close(); err != nil {
		return 0, 0, err
	}
	if rooms, err = embedded.Verify(tmp.Name()); err != nil {
		return 0, 0, err
	}
	return rooms, size, os.Rename(tmp.Name(), out)
}

// runRestore puts a backup into a data directory that has no store yet.
func runRestore(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("debate restore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, backupUsage); fs.PrintDefaults() }
	dataDir := fs.String("data-dir", "", "the fresh data directory to restore into")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	switch {
	case *dataDir == "":
		fmt.Fprintln(stderr, "debate restore: --data-dir is required")
		return 2
	case fs.NArg() != 1:
		fmt.Fprintf(stderr, "debate restore: want one backup FILE, got %d arguments\n", fs.NArg())
		return 2
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "debate restore: FILE: %v\n", err)
		return 2
	}
	defer f.Close()
	rooms, err := embedded.Restore(f, filepath.Join(*dataDir, "debate.db"))
	if errors.Is(err, embedded.ErrExists) {
		fmt.Fprintf(stderr, "debate restore: --data-dir: %v (restore only into a fresh directory)\n", err)
		return 2
	}
	if err != nil {
		fmt.Fprintf(stderr, "debate restore: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "restored %d rooms into %s\n", rooms, *dataDir)
	return 0
}
