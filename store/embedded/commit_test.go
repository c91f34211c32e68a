package embedded_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/classroom-debate/debate/engine"
	"github.com/classroom-debate/debate/store/embedded"
)

// Many rooms appending at once share commits, and every append is answered for itself:
// the appends that race for one room's next seq get one success and conflicts for the
// rest, without failing the other rooms' appends in the same commit.
func TestGroupCommit(t *testing.T) {
	var commits, committed atomic.Int64
	st, err := embedded.Open(filepath.Join(t.TempDir(), "debate.db"), embedded.Options{OnCommit: func(n int) {
		commits.Add(1)
		committed.Add(int64(n))
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	const rooms, appends, racers = 40, 25, 8
	var wg sync.WaitGroup
	for r := 0; r < rooms; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("room-%d", r)
			for seq := uint64(1); seq <= appends; seq++ {
				if err := st.Log().Append(ctx, id, seq-1, []engine.Entry{{Seq: seq, Data: []byte("e")}}); err != nil {
					t.Errorf("%s seq %d: %v", id, seq, err)
					return
				}
			}
		}()
	}
	var won, lost atomic.Int64
	for i := 0; i < racers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := st.Log().Append(ctx, "contested", 0, []engine.Entry{{Seq: 1, Data: fmt.Appendf(nil, "racer %d", i)}})
			switch {
			case err == nil:
				won.Add(1)
			case errors.Is(err, engine.ErrSeqConflict):
				lost.Add(1)
			default:
				t.Errorf("racer %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	if won.Load() != 1 || lost.Load() != racers-1 {
		t.Fatalf("%d racers won, %d lost; want 1 and %d", won.Load(), lost.Load(), racers-1)
	}
	for r := 0; r < rooms; r++ {
		if last, err := st.Log().Last(ctx, fmt.Sprintf("room-%d", r)); err != nil || last != appends {
			t.Fatalf("room %d ends at %d, %v", r, last, err)
		}
	}
	total := int64(rooms*appends + racers)
	if committed.Load() != total || commits.Load() >= total {
		t.Fatalf("%d writes answered by %d commits; want %d in fewer commits", committed.Load(), commits.Load(), total)
	}
	t.Logf("%d appends in %d commits", total, commits.Load())
}

// Close lets appends in flight finish; an append after Close fails instead of hanging.
func TestAppendAfterClose(t *testing.T) {
	st, err := embedded.Open(filepath.Join(t.TempDir(), "debate.db"), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := st.Log().Append(ctx, "r", 0, []engine.Entry{{Seq: 1, Data: []byte("x")}}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if err := st.Log().Append(ctx, "r", 1, []engine.Entry{{Seq: 2, Data: []byte("y")}}); err == nil {
		t.Fatal("an append after Close succeeded")
	}
}
