package server

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"sync"
)

// Socket buffers. Each connection borrows a write buffer only while a message is being
// written; the read buffer is small because inbound messages are small commands.
const (
	readBufferSize  = 512
	writeBufferSize = 4096
	// flushAt: a batch that has buffered this much is flushed before it grows further.
	flushAt = 32 << 10
	// keepBatchBuffer: batch buffers larger than this (a big snapshot) are not pooled.
	keepBatchBuffer = 64 << 10
)

var writeBufferPool = &sync.Pool{}

var batchBufferPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// batchConn is a socket's connection as gorilla/websocket sees it. While the write pump
// writes a batch of messages (begin … flush), gorilla's writes are gathered in a pooled
// buffer and leave in one write: one syscall for a burst, not one per message. Outside a
// batch (pongs and close frames from the read side, the hello exchange) writes go
// straight through. gorilla serialises its own writes; mu orders them with flush.
type batchConn struct {
	net.Conn
	mu       sync.Mutex
	batching bool
	buf      *[]byte
}

func (b *batchConn) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.batching {
		*b.buf = append(*b.buf, p...)
		return len(p), nil
	}
	return b.Conn.Write(p)
}

// begin starts gathering writes.
func (b *batchConn) begin() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.batching = true
	b.buf = batchBufferPool.Get().(*[]byte)
}

// buffered is how many bytes the current batch holds.
func (b *batchConn) buffered() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf == nil {
		return 0
	}
	return len(*b.buf)
}

// flush writes what the batch gathered, with the write deadline last set, and ends it.
func (b *batchConn) flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.batching {
		return nil
	}
	b.batching = false
	var err error
	if len(*b.buf) > 0 {
		_, err = b.Conn.Write(*b.buf)
	}
	if cap(*b.buf) <= keepBatchBuffer {
		*b.buf = (*b.buf)[:0]
		batchBufferPool.Put(b.buf)
	}
	b.buf = nil
	return err
}

// batchHijacker hands gorilla's upgrader the hijacked connection wrapped in a
// batchConn, and keeps it for the write pump.
type batchHijacker struct {
	http.ResponseWriter
	conn *batchConn
}

func (h *batchHijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := h.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("server: the response cannot be hijacked")
	}
	conn, brw, err := hj.Hijack()
	if err != nil {
		return nil, nil, err
	}
	h.conn = &batchConn{Conn: conn}
	return h.conn, brw, nil
}

// replyQueue holds a socket's acks, errors and pongs until the write pump writes them:
// at most limit, in a slice that grows only as replies wait (an idle socket holds no
// queue), where a buffered channel would hold limit slots for life.
type replyQueue struct {
	mu    sync.Mutex
	items [][]byte
	limit int
	ready chan struct{} // a token when replies wait
	room  chan struct{} // a token when the write pump has taken replies
}

func newReplyQueue(limit int) *replyQueue {
	return &replyQueue{limit: limit, ready: make(chan struct{}, 1), room: make(chan struct{}, 1)}
}

// put queues a reply; it reports false when the queue is full.
func (q *replyQueue) put(frame []byte) bool {
	q.mu.Lock()
	if len(q.items) >= q.limit {
		q.mu.Unlock()
		return false
	}
	q.items = append(q.items, frame)
	q.mu.Unlock()
	select {
	case q.ready <- struct{}{}:
	default:
	}
	return true
}

// take appends up to max queued replies to dst, oldest first.
func (q *replyQueue) take(dst [][]byte, max int) [][]byte {
	q.mu.Lock()
	n := min(max, len(q.items))
	dst = append(dst, q.items[:n]...)
	clear(q.items[:n])
	q.items = q.items[n:]
	if len(q.items) == 0 {
		q.items = nil
	} else {
		select {
		case q.ready <- struct{}{}:
		default:
		}
	}
	q.mu.Unlock()
	if n > 0 {
		select {
		case q.room <- struct{}{}:
		default:
		}
	}
	return dst
}
