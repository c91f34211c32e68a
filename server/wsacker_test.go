package server

import (
	"fmt"
	"runtime"
	"testing"
	"time"
)

// ackerTestConn is a socket's answering side alone: the slots, the answers and the
// reply queue the write pump would drain.
func ackerTestConn(slots int) *wsConn {
	return &wsConn{
		s:         &Server{cfg: Config{WriteWait: time.Minute}},
		replies:   newReplyQueue(64),
		inflight:  make(chan struct{}, slots),
		answers:   make(chan answer, slots),
		stopped:   make(chan struct{}),
		finishing: make(chan struct{}),
	}
}

// waitAckerGone waits until no acker runs and every slot is free, or fails.
func waitAckerGone(t *testing.T, c *wsConn) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c.ackerMu.Lock()
		acking := c.acking
		c.ackerMu.Unlock()
		if !acking && len(c.inflight) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("an acker still runs (acking %v, %d slots held) with nothing to answer", acking, len(c.inflight))
		}
		runtime.Gosched()
	}
}

// An idle socket keeps no acker: one runs while answers wait, writes them in the order
// they came, and returns; the next answer starts another.
func TestTheAckerRunsOnlyWhileAnswersWait(t *testing.T) {
	c := ackerTestConn(8)
	var want []string
	for round := range 3 {
		for i := range 20 { // more than the slots: answer waits for the acker to free one
			frame := fmt.Sprintf("answer %d.%d", round, i)
			want = append(want, frame)
			if !c.answer(answer{frame: []byte(frame)}) {
				t.Fatalf("answer %s was refused", frame)
			}
			if i%7 == 0 {
				// Drain the queue now and then, as the write pump does.
				for _, r := range c.replies.take(nil, 64) {
					if got := string(r); got != want[0] {
						t.Fatalf("got %q, want %q", got, want[0])
					}
					want = want[1:]
				}
			}
		}
		waitAckerGone(t, c)
		for _, r := range c.replies.take(nil, 64) {
			if got := string(r); got != want[0] {
				t.Fatalf("got %q, want %q", got, want[0])
			}
			want = want[1:]
		}
		if len(want) != 0 {
			t.Fatalf("round %d: %d answers never written: %q", round, len(want), want)
		}
	}
}
