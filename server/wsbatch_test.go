package server

import (
	"bytes"
	"net"
	"testing"
)

// countingConn records each Write it gets.
type countingConn struct {
	net.Conn
	writes [][]byte
}

func (c *countingConn) Write(p []byte) (int, error) {
	c.writes = append(c.writes, append([]byte(nil), p...))
	return len(p), nil
}

func TestABatchLeavesInOneWriteAndOtherWritesGoStraightThrough(t *testing.T) {
	raw := &countingConn{}
	b := &batchConn{Conn: raw}
	if _, err := b.Write([]byte("pong")); err != nil || len(raw.writes) != 1 {
		t.Fatalf("a write outside a batch was held back: %v, %d writes", err, len(raw.writes))
	}
	b.begin()
	for _, m := range []string{"one", "two", "three"} {
		if _, err := b.Write([]byte(m)); err != nil {
			t.Fatal(err)
		}
	}
	if len(raw.writes) != 1 {
		t.Fatalf("the batch was written before its flush: %d writes", len(raw.writes))
	}
	if got := b.buffered(); got != len("onetwothree") {
		t.Fatalf("buffered %d bytes", got)
	}
	if err := b.flush(); err != nil {
		t.Fatal(err)
	}
	if len(raw.writes) != 2 || !bytes.Equal(raw.writes[1], []byte("onetwothree")) {
		t.Fatalf("the batch left as %q", raw.writes[1:])
	}
	if err := b.flush(); err != nil || len(raw.writes) != 2 {
		t.Fatalf("a flush without a batch wrote: %v", err)
	}
}

func TestTheReplyQueueIsBoundedAndKeepsOrder(t *testing.T) {
	q := newReplyQueue(3)
	for _, r := range []string{"a", "b", "c"} {
		if !q.put([]byte(r)) {
			t.Fatalf("%s refused below the bound", r)
		}
	}
	if q.put([]byte("d")) {
		t.Fatal("a fourth reply was queued over a bound of 3")
	}
	select {
	case <-q.ready:
	default:
		t.Fatal("no token for queued replies")
	}
	got := q.take(nil, 2)
	if len(got) != 2 || string(got[0]) != "a" || string(got[1]) != "b" {
		t.Fatalf("took %q", got)
	}
	select {
	case <-q.room:
	default:
		t.Fatal("taking replies did not say there is room")
	}
	if !q.put([]byte("d")) {
		t.Fatal("no room after a take")
	}
	got = q.take(nil, 10)
	if len(got) != 2 || string(got[0]) != "c" || string(got[1]) != "d" {
		t.Fatalf("took %q", got)
	}
	if q.items != nil {
		t.Fatal("an empty queue keeps its slice")
	}
}
