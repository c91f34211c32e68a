package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/classroom-debate/debate/engine"
)

// TestLog checks an engine.Log: ordering, the expected-seq check, all-or-nothing
// appends, concurrent writers, Read's after and limit, Last and Delete.
func TestLog(t *testing.T, newLog func(t *testing.T) engine.Log) {
	ctx := context.Background()

	t.Run("AppendRead", func(t *testing.T) {
		t.Parallel()
		l, room := newLog(t), unique(t, "room")
		mustAppend(t, l, room, 0, entries(1, 3, "a"))
		mustAppend(t, l, room, 3, entries(4, 2, "b"))
		if last := mustLast(t, l, room); last != 5 {
			t.Fatalf("Last = %d, want 5", last)
		}
		got := mustRead(t, l, room, 0, 0)
		want := append(entries(1, 3, "a"), entries(4, 2, "b")...)
		assertEntries(t, got, want)
	})

	t.Run("ReadAfterLimit", func(t *testing.T) {
		t.Parallel()
		l, room := newLog(t), unique(t, "room")
		all := entries(1, 10, "x")
		mustAppend(t, l, room, 0, all)
		for _, c := range []struct {
			after uint64
			limit int
			want  []engine.Entry
		}{
			{0, 0, all},
			{0, -1, all},
			{0, 3, all[:3]},
			{4, 3, all[4:7]},
			{8, 0, all[8:]},
			{8, 5, all[8:]},
			{10, 0, nil},
			{1000, 0, nil},
			{^uint64(0), 0, nil},
		} {
			got := mustRead(t, l, room, c.after, c.limit)
			t.Logf("Read(after=%d, limit=%d)", c.after, c.limit)
			assertEntries(t, got, c.want)
		}
	})

	t.Run("MissingRoom", func(t *testing.T) {
		t.Parallel()
		l, room := newLog(t), unique(t, "room")
		if last := mustLast(t, l, room); last != 0 {
			t.Errorf("Last of a missing log = %d, want 0", last)
		}
		if got := mustRead(t, l, room, 0, 0); len(got) != 0 {
			t.Errorf("Read of a missing log = %v, want nothing", got)
		}
		if err := l.Delete(ctx, room); err != nil {
			t.Errorf("Delete of a missing log: %v", err)
		}
	})

	t.Run("Conflict", func(t *testing.T) {
		t.Parallel()
		l, room := newLog(t), unique(t, "room")
		mustAppend(t, l, room, 0, entries(1, 2, "first"))
		for _, expected := range []uint64{0, 1, 3, 7} {
			err := l.Append(ctx, room, expected, entries(expected+1, 2, "second"))
			if !errors.Is(err, engine.ErrSeqConflict) {
				t.Errorf("Append(expected=%d) on a log ending at 2: err = %v, want ErrSeqConflict", expected, err)
			}
		}
		assertEntries(t, mustRead(t, l, room, 0, 0), entries(1, 2, "first"))
	})

	t.Run("BadSeqsStoreNothing", func(t *testing.T) {
		t.Parallel()
		l, room := newLog(t), unique(t, "room")
		bad := [][]engine.Entry{
			{{Seq: 2, Data: []byte("skips 1")}},
			{{Seq: 1, Data: []byte("ok")}, {Seq: 3, Data: []byte("gap")}},
			{{Seq: 1, Data: []byte("ok")}, {Seq: 1, Data: []byte("duplicate")}},
		}
		for _, es := range bad {
			if err := l.Append(ctx, room, 0, es); err == nil {
				t.Errorf("Append(0, seqs %v) succeeded, want an error", seqs(es))
			}
		}
		if last := mustLast(t, l, room); last != 0 {
			t.Errorf("Last after rejected appends = %d, want 0 (all or nothing)", last)
		}
	})

	t.Run("RoomsAreSeparate", func(t *testing.T) {
		t.Parallel()
		// The second id extends the first, which catches prefix-keyed layouts that
		// forget a separator.
		l := newLog(t)
		a := unique(t, "room")
		b := a + "0"
		mustAppend(t, l, a, 0, entries(1, 3, "a"))
		mustAppend(t, l, b, 0, entries(1, 1, "b"))
		assertEntries(t, mustRead(t, l, a, 0, 0), entries(1, 3, "a"))
		assertEntries(t, mustRead(t, l, b, 0, 0), entries(1, 1, "b"))
		if err := l.Delete(ctx, a); err != nil {
			t.Fatal(err)
		}
		if last := mustLast(t, l, b); last != 1 {
			t.Errorf("Last of %s after deleting %s = %d, want 1", b, a, last)
		}
	})

	t.Run("DataIsCopied", func(t *testing.T) {
		t.Parallel()
		l, room := newLog(t), unique(t, "room")
		in := []engine.Entry{{Seq: 1, Data: []byte("original")}}
		mustAppend(t, l, room, 0, in)
		copy(in[0].Data, "MUTATED!")
		out := mustRead(t, l, room, 0, 0)
		copy(out[0].Data, "mutated?")
		assertEntries(t, mustRead(t, l, room, 0, 0), []engine.Entry{{Seq: 1, Data: []byte("original")}})
	})

	t.Run("Delete", func(t *testing.T) {
		t.Parallel()
		l, room := newLog(t), unique(t, "room")
		mustAppend(t, l, room, 0, entries(1, 4, "old"))
		if err := l.Delete(ctx, room); err != nil {
			t.Fatal(err)
		}
		if last := mustLast(t, l, room); last != 0 {
			t.Errorf("Last after Delete = %d, want 0", last)
		}
		if got := mustRead(t, l, room, 0, 0); len(got) != 0 {
			t.Errorf("Read after Delete returned %d entries", len(got))
		}
		// A deleted log starts again from 0.
		mustAppend(t, l, room, 0, entries(1, 1, "new"))
		assertEntries(t, mustRead(t, l, room, 0, 0), entries(1, 1, "new"))
	})

	t.Run("RaceForOneSeq", func(t *testing.T) {
		t.Parallel()
		l, room := newLog(t), unique(t, "room")
		const n = 8
		errs := make([]error, n)
		startTogether(n, func(i int) {
			errs[i] = l.Append(ctx, room, 0, []engine.Entry{{Seq: 1, Data: fmt.Appendf(nil, "w%d", i)}})
		})
		winner := -1
		for i, err := range errs {
			switch {
			case err == nil && winner >= 0:
				t.Errorf("writers %d and %d both appended seq 1", winner, i)
			case err == nil:
				winner = i
			case !errors.Is(err, engine.ErrSeqConflict):
				t.Errorf("writer %d: %v, want nil or ErrSeqConflict", i, err)
			}
		}
		if winner < 0 {
			t.Fatal("no writer appended seq 1")
		}
		assertEntries(t, mustRead(t, l, room, 0, 0), []engine.Entry{{Seq: 1, Data: fmt.Appendf(nil, "w%d", winner)}})
	})

	t.Run("ConcurrentAppenders", func(t *testing.T) {
		t.Parallel()
		// Writers append one entry at a time, reloading Last after each conflict, as the
		// engine does. The log must hold every entry exactly once, with no gaps.
		l, room := newLog(t), unique(t, "room")
		const writers, each = 4, 12
		var failed sync.Once
		startTogether(writers, func(w int) {
			for i := 0; i < each; {
				last, err := l.Last(ctx, room)
				if err == nil {
					err = l.Append(ctx, room, last, []engine.Entry{{Seq: last + 1, Data: fmt.Appendf(nil, "w%d-%02d", w, i)}})
				}
				switch {
				case err == nil:
					i++
				case !errors.Is(err, engine.ErrSeqConflict):
					failed.Do(func() { t.Errorf("writer %d: %v", w, err) })
					return
				}
			}
		})
		got := mustRead(t, l, room, 0, 0)
		if len(got) != writers*each {
			t.Fatalf("log holds %d entries, want %d", len(got), writers*each)
		}
		seen := map[string]bool{}
		next := make([]int, writers) // each writer's entries must appear in its order
		for i, e := range got {
			if e.Seq != uint64(i+1) {
				t.Fatalf("entry %d has seq %d, want %d", i, e.Seq, i+1)
			}
			var w, n int
			if _, err := fmt.Sscanf(string(e.Data), "w%d-%d", &w, &n); err != nil || w >= writers {
				t.Fatalf("entry %d holds %q", e.Seq, e.Data)
			}
			if seen[string(e.Data)] {
				t.Fatalf("entry %q stored twice", e.Data)
			}
			seen[string(e.Data)] = true
			if n != next[w] {
				t.Fatalf("seq %d holds writer %d's entry %d, want its entry %d", e.Seq, w, n, next[w])
			}
			next[w]++
		}
	})
}

// entries returns n entries with seqs from first, data "<tag>-<seq>".
func entries(first uint64, n int, tag string) []engine.Entry {
	out := make([]engine.Entry, n)
	for i := range out {
		seq := first + uint64(i)
		out[i] = engine.Entry{Seq: seq, Data: fmt.Appendf(nil, "%s-%d", tag, seq)}
	}
	return out
}

func seqs(es []engine.Entry) []uint64 {
	out := make([]uint64, len(es))
	for i, e := range es {
		out[i] = e.Seq
	}
	return out
}

func mustAppend(t *testing.T, l engine.Log, room string, expected uint64, es []engine.Entry) {
	t.Helper()
	if err := l.Append(context.Background(), room, expected, es); err != nil {
		t.Fatalf("Append(%s, %d, seqs %v): %v", room, expected, seqs(es), err)
	}
}

func mustRead(t *testing.T, l engine.Log, room string, after uint64, limit int) []engine.Entry {
	t.Helper()
	es, err := l.Read(context.Background(), room, after, limit)
	if err != nil {
		t.Fatalf("Read(%s, %d, %d): %v", room, after, limit, err)
	}
	return es
}

func mustLast(t *testing.T, l engine.Log, room string) uint64 {
	t.Helper()
	last, err := l.Last(context.Background(), room)
	if err != nil {
		t.Fatalf("Last(%s): %v", room, err)
	}
	return last
}

func assertEntries(t *testing.T, got, want []engine.Entry) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d entries (seqs %v), want %d (seqs %v)", len(got), seqs(got), len(want), seqs(want))
	}
	for i := range got {
		if got[i].Seq != want[i].Seq || string(got[i].Data) != string(want[i].Data) {
			t.Fatalf("entry %d = {%d %q}, want {%d %q}", i, got[i].Seq, got[i].Data, want[i].Seq, want[i].Data)
		}
	}
}
