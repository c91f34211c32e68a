package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/classroom-debate/debate/client"
	"github.com/classroom-debate/debate/room"
)

// fill pushes n announcements into a room, in parallel so that the engine stores them
// in batches (one fsync each) rather than one by one. It returns the room's last seq.
func (ts *testServer) fill(r client.Room, n int) uint64 {
	ts.t.Helper()
	ctx := ctxT(ts.t)
	sess, err := ts.hub.Authenticate(ctx, r.Code, r.TeacherKey)
	if err != nil {
		ts.t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	work := make(chan int)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				data, _ := json.Marshal(map[string]string{"text": fmt.Sprintf("note %d", i)})
				cmd := room.Command{ID: fmt.Sprintf("fill-%d", i), Type: "announce", By: sess.Principal, Data: data}
				if _, err := ts.hub.Submit(ctx, sess, cmd); err != nil {
					errs <- err
				}
			}
		}()
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		ts.t.Fatalf("fill: %v", err)
	}
	return ts.last(r.RoomID)
}

// A resume from further back than the viewer's queue holds gets a snapshot and then
// live events, on a WebSocket and on SSE, never an endless "reconnect" (finding 1 of
// issue 10: the catch-up overflowed the feed and the server answered unavailable).
func TestFarResumeGetsSnapshot(t *testing.T) {
	ts := newServer(t, nil)
	r := ts.room("")
	last := ts.fill(r, 700)
	if last < 700 {
		t.Fatalf("room ends at seq %d", last)
	}
	for _, after := range []uint64{0, 1, last - 600} {
		for _, sse := range []bool{false, true} {
			t.Run(fmt.Sprintf("after=%d,sse=%v", after, sse), func(t *testing.T) {
				from := after
				opts := &client.Options{After: &from}
				var c *client.Conn
				var err error
				if sse {
					c, err = ts.client.DialSSE(ctxT(t), r.Code, r.TeacherKey, opts)
				} else {
					c, err = ts.client.Dial(ctxT(t), r.Code, r.TeacherKey, opts)
				}
				if err != nil {
					t.Fatalf("far resume refused: %v", err)
				}
				defer c.Close()
				f, err := c.WaitFor(ctxT(t), func(f client.Frame) bool { return f.Type == "snapshot" || f.Type == "closing" })
				if err != nil {
					t.Fatal(err)
				}
				if f.Type != "snapshot" || f.Seq != ts.last(r.RoomID) {
					t.Fatalf("got %s seq %d (%d %q), want a snapshot at %d", f.Type, f.Seq, f.CloseCode, f.Reason, ts.last(r.RoomID))
				}
				seq, err := c.Send(ctxT(t), "announce", map[string]string{"text": "live"})
				if err != nil {
					t.Fatal(err)
				}
				if err := c.WaitSeq(ctxT(t), seq); err != nil {
					t.Fatal(err)
				}
				if gaps := c.Gaps(); len(gaps) > 0 {
					t.Fatalf("gaps after the snapshot: %v", gaps)
				}
			})
		}
	}
}

// A resume the log can serve within the queue still gets the missed events one by one.
func TestNearResumeGetsEvents(t *testing.T) {
	ts := newServer(t, nil)
	r := ts.room("")
	last := ts.fill(r, 300)
	from := last - 250
	c, err := ts.client.Dial(ctxT(t), r.Code, r.TeacherKey, &client.Options{After: &from})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.WaitSeq(context.Background(), last); err != nil {
		t.Fatal(err)
	}
	if c.Snapshot() != nil {
		t.Fatal("a near resume got a snapshot")
	}
	if n := len(c.Events()); n != 250 {
		t.Fatalf("got %d events, want 250", n)
	}
}
