package embedded_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/classroom-debate/debate/engine"
	"github.com/classroom-debate/debate/store/embedded"
)

// A backup taken while rooms append is one consistent state: every log in the copy is
// a gap-free prefix of what was written, and the copy restores into a store that opens.
func TestBackupWhileWritingAndRestore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := embedded.Open(filepath.Join(dir, "debate.db"), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const rooms, appends = 8, 40
	for r := 0; r < rooms; r++ {
		if ok, err := st.Directory().Claim(ctx, engine.RoomInfo{RoomID: fmt.Sprintf("r%d", r), Code: fmt.Sprintf("CODE%04d", r), Created: time.Now(), LastActivity: time.Now()}); !ok || err != nil {
			t.Fatal(ok, err)
		}
	}
	var wg sync.WaitGroup
	halfway := make(chan struct{})
	var once sync.Once
	for r := 0; r < rooms; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("r%d", r)
			for i := uint64(1); i <= appends; i++ {
				if err := st.Log().Append(ctx, id, i-1, []engine.Entry{{Seq: i, Data: []byte(fmt.Sprintf(`{"n":%d}`, i))}}); err != nil {
					t.Error(err)
					return
				}
				if i == appends/2 {
					once.Do(func() { close(halfway) })
				}
			}
		}()
	}
	<-halfway
	var backup bytes.Buffer
	var announced int64
	n, err := st.Backup(ctx, &backup, func(size int64) { announced = size })
	if err != nil || n != announced || int64(backup.Len()) != n {
		t.Fatalf("backup: %d bytes written, %d announced, %d received, %v", n, announced, backup.Len(), err)
	}
	wg.Wait()

	restored := filepath.Join(t.TempDir(), "fresh", "debate.db")
	nRooms, err := embedded.Restore(bytes.NewReader(backup.Bytes()), restored)
	if err != nil || nRooms != rooms {
		t.Fatalf("restore: %d rooms, %v", nRooms, err)
	}
	if _, err := embedded.Restore(bytes.NewReader(backup.Bytes()), restored); !errors.Is(err, embedded.ErrExists) {
		t.Fatalf("restoring over a store: %v", err)
	}
	st2, err := embedded.Open(restored, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	total := 0
	for r := 0; r < rooms; r++ {
		entries, err := st2.Log().Read(ctx, fmt.Sprintf("r%d", r), 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		for i, e := range entries {
			if e.Seq != uint64(i+1) || string(e.Data) != fmt.Sprintf(`{"n":%d}`, i+1) {
				t.Fatalf("room %d entry %d: %d %s", r, i, e.Seq, e.Data)
			}
		}
		total += len(entries)
	}
	if total == 0 || total == rooms*appends && backup.Len() == 0 {
		t.Fatalf("the backup holds %d entries", total)
	}
	if _, err := st2.Directory().Lookup(ctx, "CODE0003"); err != nil {
		t.Fatalf("directory in the backup: %v", err)
	}
}

func TestRestoreRefusesWhatIsNotAStore(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "debate.db")
	if _, err := embedded.Restore(bytes.NewReader([]byte("not a database at all")), dest); err == nil {
		t.Fatal("restored garbage")
	}
	if _, err := os.Stat(dest); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a failed restore left %s: %v", dest, err)
	}
	left, _ := os.ReadDir(filepath.Dir(dest))
	if len(left) != 0 {
		t.Fatalf("a failed restore left %v", left)
	}
}

// A failed restore into a data directory that did not exist leaves no empty directory
// behind, and one that existed is left as it was.
func TestFailedRestoreRemovesOnlyTheDirectoryItMade(t *testing.T) {
	root := t.TempDir()
	made := filepath.Join(root, "fresh", "data")
	if _, err := embedded.Restore(bytes.NewReader([]byte("garbage")), filepath.Join(made, "debate.db")); err == nil {
		t.Fatal("restored garbage")
	}
	if _, err := os.Stat(filepath.Join(root, "fresh")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a failed restore left the directories it made: %v", err)
	}
	if _, err := embedded.Restore(bytes.NewReader([]byte("garbage")), filepath.Join(root, "debate.db")); err == nil {
		t.Fatal("restored garbage")
	}
	if _, err := os.Stat(root); err != nil {
		t.Fatalf("a failed restore removed a directory it did not make: %v", err)
	}
}
