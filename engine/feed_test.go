package engine_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/classroom-debate/debate/clock"
	"github.com/classroom-debate/debate/engine"
	"github.com/classroom-debate/debate/protocol"
	"github.com/classroom-debate/debate/room"
)

// takeEvents takes frames from f until it has seen the event with seq want, and returns
// the event frames it took.
func takeEvents(t *testing.T, f *engine.Feed, want uint64) [][]byte {
	t.Helper()
	var out [][]byte
	c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		b, err := f.Next(c)
		if err != nil {
			t.Fatalf("waiting for event %d: %v", want, err)
		}
		var fr frame
		if err := json.Unmarshal(b, &fr); err != nil {
			t.Fatal(err)
		}
		if fr.Type != "event" {
			continue
		}
		out = append(out, b)
		if fr.Event.Seq == want {
			return out
		}
	}
}

func TestViewersShareOneEncodingAndTheRingReleasesWhatAllHaveRead(t *testing.T) {
	r := newRig(t)
	c, _ := r.hub.Create(ctx(t), engine.CreateOptions{})
	var players []engine.Session
	for _, nick := range []string{"Anya", "Boris", "Chen"} {
		j, err := r.hub.Join(ctx(t), c.Code, nick)
		if err != nil {
			t.Fatal(err)
		}
		s, _ := r.hub.Authenticate(ctx(t), c.Code, j.Token)
		players = append(players, s)
	}
	var feeds []*engine.Feed
	for _, s := range append([]engine.Session{staff(c)}, players...) {
		f, err := r.hub.Watch(ctx(t), s, nil)
		if err != nil {
			t.Fatal(err)
		}
		feeds = append(feeds, f)
	}
	var last uint64
	for i := 0; i < 20; i++ {
		seq, err := r.hub.Submit(ctx(t), staff(c), cmd("a"+string(rune('a'+i)), "announce", map[string]string{"text": "Two minutes left."}))
		if err != nil {
			t.Fatal(err)
		}
		last = seq
	}
	if held := r.hub.RingHeld(c.RoomID); held < 20 {
		t.Fatalf("the ring holds %d entries while nobody has read; want the 20 announcements", held)
	}
	got := make([][][]byte, len(feeds))
	for i, f := range feeds {
		got[i] = takeEvents(t, f, last)
	}
	// The players receive the same form: one encoding, shared, not a copy each.
	for k := range got[1] {
		if &got[1][k][0] != &got[2][k][0] || &got[2][k][0] != &got[3][k][0] {
			t.Fatalf("event %d was encoded for each player, not once for the room", k)
		}
	}
	// One more event: the append releases all that every viewer has read.
	seq, err := r.hub.Submit(ctx(t), staff(c), cmd("last", "announce", map[string]string{"text": "Vote now."}))
	if err != nil {
		t.Fatal(err)
	}
	if held := r.hub.RingHeld(c.RoomID); held > 1 {
		t.Fatalf("the ring holds %d entries after every viewer read them; want at most the newest", held)
	}
	for _, f := range feeds {
		takeEvents(t, f, seq)
	}
}

func TestAViewerBehindTheBufferEndsSlowAndNoLongerHoldsTheRing(t *testing.T) {
	r := openRig(t, filepath.Join(t.TempDir(), "debate.db"), clock.NewFake(time.Now()), 8)
	c, _ := r.hub.Create(ctx(t), engine.CreateOptions{})
	reader, _ := r.hub.Watch(ctx(t), staff(c), nil)
	slow, _ := r.hub.Watch(ctx(t), engine.Session{RoomID: c.RoomID, Code: c.Code, Principal: room.Principal{Kind: room.Projector}}, nil)
	var last uint64
	for i := 0; i < 12; i++ {
		seq, err := r.hub.Submit(ctx(t), staff(c), cmd("a"+string(rune('a'+i)), "announce", map[string]string{"text": "Two minutes left."}))
		if err != nil {
			t.Fatal(err)
		}
		last = seq
		takeEvents(t, reader, seq) // the reader keeps up
	}
	drain(t, slow)
	if code, _ := slow.Reason(); code != protocol.CloseSlow {
		t.Fatalf("the viewer that never read ended with %d, want %d", code, protocol.CloseSlow)
	}
	seq, err := r.hub.Submit(ctx(t), staff(c), cmd("z", "announce", map[string]string{"text": "Vote now."}))
	if err != nil {
		t.Fatal(err)
	}
	if held := r.hub.RingHeld(c.RoomID); held > 1 {
		t.Fatalf("the ring holds %d entries for a viewer that was dropped", held)
	}
	if got := takeEvents(t, reader, seq); len(got) != 1 || last+1 != seq {
		t.Fatalf("the reader got %d frames for the last announcement", len(got))
	}
}

func TestTakeReturnsAtMostMaxAndLeavesTheRestReady(t *testing.T) {
	r := newRig(t)
	c, _ := r.hub.Create(ctx(t), engine.CreateOptions{})
	f, _ := r.hub.Watch(ctx(t), staff(c), nil)
	var last uint64
	for i := 0; i < 5; i++ {
		last, _ = r.hub.Submit(ctx(t), staff(c), cmd("a"+string(rune('a'+i)), "announce", map[string]string{"text": "Hello."}))
	}
	waitFor(t, "the room's five announcements", func() bool { return r.hub.RingHeld(c.RoomID) >= 5 })
	var taken [][]byte
	for len(taken) < 5+2 { // snapshot, presence, five events
		select {
		case <-f.Ready():
		case <-time.After(5 * time.Second):
			t.Fatalf("no token after %d frames", len(taken))
		}
		before := len(taken)
		taken, _ = f.Take(taken, 2)
		if len(taken)-before > 2 {
			t.Fatalf("Take(2) returned %d frames", len(taken)-before)
		}
	}
	var fr frame
	_ = json.Unmarshal(taken[len(taken)-1], &fr)
	if fr.Event.Seq != last {
		t.Fatalf("the last frame taken is %s, want event %d", taken[len(taken)-1], last)
	}
}
