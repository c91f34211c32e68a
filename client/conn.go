package client

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/protocol"
	"github.com/classroom-debate/debate/room"
)

// ErrDisconnected is returned by Send when the connection ended before the command's
// answer arrived: the command may or may not have taken effect. Resume, then send it
// again with the same id (SendWithID): the server applies an id once.
var ErrDisconnected = errors.New("client: disconnected before the answer arrived")

// ErrClosed is returned after Close.
var ErrClosed = errors.New("client: connection closed")

// Options tune Dial and DialSSE. The zero value works.
type Options struct {
	// After resumes after this sequence number instead of starting from a snapshot.
	After *uint64
	// UseTicket makes a WebSocket hello carry a single-use ticket (fetched with the
	// secret over HTTP) instead of the secret itself.
	UseTicket bool
	// Origin is the Origin header of the WebSocket upgrade. "": the base URL.
	Origin string
	// Tap, when set, sees every frame the server sends, as received and before it is
	// decoded: a frame over the socket or stream, or the answer to a command POSTed over
	// the fallback (conformance tests check them all against the protocol's schema).
	Tap func(raw []byte)
}

// Frame is one decoded server frame. Type says which fields are set.
type Frame struct {
	Type  string          // welcome, snapshot, event, presence, ack, error, pong, closing
	Raw   []byte          // the frame as received
	ID    string          // ack, error: the command id ("" for errors not tied to one)
	Seq   uint64          // ack: the command's last seq; snapshot: the state's seq; event: Event.Seq
	Event *room.Event     // event
	State json.RawMessage // snapshot: the room as this viewer may see it

	Welcome *protocol.Welcome // welcome
	Online  []string          // presence: connected player ids
	Err     *fault.Error      // error

	CloseCode int    // closing: protocol close code (or the WebSocket code the socket closed with)
	Reason    string // closing
}

// wireFrame is the union of every frame's JSON fields. "code" means a room code in a
// welcome, a fault code in an error and a close code in a closing frame.
type wireFrame struct {
	Type      string          `json:"type"`
	ID        string          `json:"id"`
	Seq       uint64          `json:"seq"`
	Event     *room.Event     `json:"event"`
	State     json.RawMessage `json:"state"`
	Online    []string        `json:"online"`
	Code      json.RawMessage `json:"code"`
	Key       string          `json:"key"`
	Message   string          `json:"message"`
	Reason    string          `json:"reason"`
	RoomID    string          `json:"roomId"`
	Principal room.Principal  `json:"principal"`
	Server    string          `json:"server"`
}

func decodeFrame(raw []byte) (Frame, error) {
	var w wireFrame
	if err := json.Unmarshal(raw, &w); err != nil {
		return Frame{}, fmt.Errorf("client: undecodable frame %.80q: %w", raw, err)
	}
	f := Frame{Type: w.Type, Raw: raw, ID: w.ID, Seq: w.Seq}
	switch w.Type {
	case "event":
		if w.Event == nil {
			return f, fmt.Errorf("client: event frame without event: %.80q", raw)
		}
		f.Event, f.Seq = w.Event, w.Event.Seq
	case "snapshot":
		f.State = w.State
	case "presence":
		f.Online = w.Online
	case "welcome":
		var code string
		_ = json.Unmarshal(w.Code, &code)
		f.Welcome = &protocol.Welcome{V: protocol.Version, Type: w.Type, RoomID: w.RoomID, Code: code, Principal: w.Principal, Server: w.Server}
	case "error":
		var code fault.Code
		_ = json.Unmarshal(w.Code, &code)
		f.Err = &fault.Error{Code: code, Key: w.Key, Message: w.Message}
	case "closing":
		_ = json.Unmarshal(w.Code, &f.CloseCode)
		f.Reason = w.Reason
	}
	return f, nil
}

// transport is one live WebSocket or SSE stream of a Conn.
type transport interface {
	// send writes one client message; over SSE it also delivers the answer frame.
	send(ctx context.Context, msg []byte) error
	// close ends the stream; drop does so abruptly, as a lost network would.
	close()
	drop()
	// ended is closed once the stream has ended and its reader has stopped.
	ended() <-chan struct{}
}

// Conn is a connection to a room, over WebSocket or SSE. Frames arrive on Frames in
// order; commands go with Send. It is safe for concurrent use.
//
// Frames are queued without bound, so a slow reader never makes the server drop the
// connection; read them, or they accumulate.
type Conn struct {
	client *Client
	code   string
	secret string
	opts   Options
	sse    bool

	mu       sync.Mutex
	tr       transport
	pending  map[string]chan Frame
	haveSeq  bool
	lastSeq  uint64
	gaps     []error
	events   []room.Event
	welcome  *protocol.Welcome
	snapshot json.RawMessage
	closed   bool
	changed  chan struct{} // closed and replaced whenever lastSeq or the transport changes

	queue  []Frame
	wake   chan struct{}
	frames chan Frame
	done   chan struct{}
}

// Dial connects to the room with code over WebSocket, authenticating with secret (a
// teacher, co-teacher or projector key, or a player token). It returns once the server
// has welcomed the connection; a refused credential is a *fault.Error (unauthorized).
func Dial(ctx context.Context, baseURL, code, secret string, opts *Options) (*Conn, error) {
	return New(baseURL).Dial(ctx, code, secret, opts)
}

// DialSSE is Dial over the fallback: an SSE stream for frames, HTTP POST for commands.
func DialSSE(ctx context.Context, baseURL, code, secret string, opts *Options) (*Conn, error) {
	return New(baseURL).DialSSE(ctx, code, secret, opts)
}

// Dial is the package Dial for this client's server.
func (c *Client) Dial(ctx context.Context, code, secret string, opts *Options) (*Conn, error) {
	return c.open(ctx, code, secret, opts, false)
}

// DialSSE is the package DialSSE for this client's server.
func (c *Client) DialSSE(ctx context.Context, code, secret string, opts *Options) (*Conn, error) {
	return c.open(ctx, code, secret, opts, true)
}

func (c *Client) open(ctx context.Context, code, secret string, opts *Options, sse bool) (*Conn, error) {
	conn := &Conn{
		client:  c,
		code:    code,
		secret:  secret,
		sse:     sse,
		pending: map[string]chan Frame{},
		changed: make(chan struct{}),
		wake:    make(chan struct{}, 1),
		frames:  make(chan Frame),
		done:    make(chan struct{}),
	}
	if opts != nil {
		conn.opts = *opts
	}
	if err := conn.connect(ctx, conn.opts.After); err != nil {
		return nil, err
	}
	go conn.pump()
	return conn, nil
}

func (c *Conn) connect(ctx context.Context, after *uint64) error {
	var (
		tr  transport
		err error
	)
	if c.sse {
		tr, err = dialSSE(ctx, c, after)
	} else {
		tr, err = dialWS(ctx, c, after)
	}
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		tr.close()
		return ErrClosed
	}
	c.tr = tr
	c.notifyLocked()
	return nil
}

// Frames delivers every frame except the answers to Send (acks and errors with the id
// of a pending Send), in order. When a stream ends, a "closing" frame says why (over
// WebSocket it is made from the close code); Resume continues on the same channel. The
// channel is closed by Close.
func (c *Conn) Frames() <-chan Frame { return c.frames }

// Send sends a command with a fresh id and waits for its answer: the seq of its last
// event for an ack, the *fault.Error of an error frame, ErrDisconnected if the stream
// ended first, or ctx's error.
func (c *Conn) Send(ctx context.Context, cmdType string, data any) (uint64, error) {
	return c.SendWithID(ctx, NewID(), cmdType, data)
}

// SendWithID is Send with a chosen command id: sending the same id again must be acked
// with the same seq and have its effect once.
func (c *Conn) SendWithID(ctx context.Context, id, cmdType string, data any) (uint64, error) {
	msg := map[string]any{"v": protocol.Version, "type": cmdType, "id": id}
	if data != nil {
		msg["data"] = data
	}
	b, err := json.Marshal(msg)
	if err != nil {
		return 0, err
	}
	answer := make(chan Frame, 1)
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return 0, ErrClosed
	}
	tr := c.tr
	if _, dup := c.pending[id]; dup {
		c.mu.Unlock()
		return 0, fmt.Errorf("client: command id %q is already waiting for its answer", id)
	}
	c.pending[id] = answer
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.pending, id)
		c.mu.Unlock()
	}()
	if err := tr.send(ctx, b); err != nil {
		return 0, err
	}
	select {
	case f := <-answer:
		if f.Type == "error" {
			return 0, f.Err
		}
		return f.Seq, nil
	case <-tr.ended():
		// The answer may have been handled just before the stream ended.
		select {
		case f := <-answer:
			if f.Type == "error" {
				return 0, f.Err
			}
			return f.Seq, nil
		default:
			return 0, ErrDisconnected
		}
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// SendRaw sends data as it is, for tests of bad input. Its answer, if any, arrives on
// Frames.
func (c *Conn) SendRaw(ctx context.Context, data []byte) error {
	c.mu.Lock()
	tr, closed := c.tr, c.closed
	c.mu.Unlock()
	if closed {
		return ErrClosed
	}
	return tr.send(ctx, data)
}

// NewID returns a fresh command id.
func NewID() string { return "c" + rand.Text() }

// handle routes one received frame. It runs on the transport's reader, one frame at a
// time, so the sequence checks see frames in arrival order.
func (c *Conn) handle(raw []byte) {
	if c.opts.Tap != nil {
		c.opts.Tap(raw)
	}
	f, err := decodeFrame(raw)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		c.gaps = append(c.gaps, err)
		return
	}
	switch f.Type {
	case "ack", "error":
		if f.ID != "" {
			if answer, ok := c.pending[f.ID]; ok {
				select {
				case answer <- f:
				default: // already answered (a duplicate); the first answer stands
				}
				return
			}
		}
	case "welcome":
		c.welcome = f.Welcome
	case "snapshot":
		c.haveSeq, c.lastSeq, c.snapshot = true, f.Seq, f.State
		c.notifyLocked()
	case "event":
		if c.haveSeq && f.Seq != c.lastSeq+1 {
			c.gaps = append(c.gaps, fmt.Errorf("client: after seq %d came seq %d (%s)", c.lastSeq, f.Seq, f.Event.Type))
		}
		c.haveSeq, c.lastSeq = true, f.Seq
		c.events = append(c.events, *f.Event)
		c.notifyLocked()
	}
	c.enqueueLocked(f)
}

// ended is called by a transport's reader when its stream is over; f is the closing
// frame Frames reports (the server's own over SSE, one made from the close code over
// WebSocket).
func (c *Conn) ended(tr transport, f Frame) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tr == tr {
		c.notifyLocked()
	}
	c.enqueueLocked(f)
}

func closingFrame(code int, reason string) Frame {
	return Frame{Type: "closing", CloseCode: code, Reason: reason, Raw: protocol.ClosingFrame(code, reason)}
}

func (c *Conn) enqueueLocked(f Frame) {
	c.queue = append(c.queue, f)
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *Conn) notifyLocked() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// pump moves queued frames to the Frames channel, so a reader that is not reading never
// stalls the network reader (and never gets the connection dropped as slow).
func (c *Conn) pump() {
	defer close(c.frames)
	for {
		c.mu.Lock()
		var next Frame
		have := len(c.queue) > 0
		if have {
			next = c.queue[0]
			c.queue[0] = Frame{}
			c.queue = c.queue[1:]
		}
		c.mu.Unlock()
		if !have {
			select {
			case <-c.wake:
				continue
			case <-c.done:
				return
			}
		}
		select {
		case c.frames <- next:
		case <-c.done:
			return
		}
	}
}

// LastSeq returns the highest sequence number received (0 before any).
func (c *Conn) LastSeq() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lastSeq
}

// WaitSeq waits until the connection has received every event up to seq.
func (c *Conn) WaitSeq(ctx context.Context, seq uint64) error {
	for {
		c.mu.Lock()
		last, changed := c.lastSeq, c.changed
		c.mu.Unlock()
		if last >= seq {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("client: waiting for seq %d (have %d): %w", seq, last, ctx.Err())
		}
	}
}

// Gaps returns every sequence gap or undecodable frame seen; a correct server never
// causes one.
func (c *Conn) Gaps() []error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]error(nil), c.gaps...)
}

// Events returns a copy of every event received, in order of arrival, across resumes.
func (c *Conn) Events() []room.Event {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]room.Event(nil), c.events...)
}

// Welcome returns the latest welcome: who the server takes this connection to be.
func (c *Conn) Welcome() protocol.Welcome {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.welcome == nil {
		return protocol.Welcome{}
	}
	return *c.welcome
}

// Snapshot returns the state of the latest snapshot received.
func (c *Conn) Snapshot() json.RawMessage {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.snapshot
}

// Next returns the next frame, or ctx's error, or ErrClosed after Close.
func (c *Conn) Next(ctx context.Context) (Frame, error) {
	select {
	case f, ok := <-c.frames:
		if !ok {
			return Frame{}, ErrClosed
		}
		return f, nil
	case <-ctx.Done():
		return Frame{}, ctx.Err()
	}
}

// WaitFor reads frames until one satisfies match, and returns it; the frames before it
// are consumed.
func (c *Conn) WaitFor(ctx context.Context, match func(Frame) bool) (Frame, error) {
	for {
		f, err := c.Next(ctx)
		if err != nil {
			return f, err
		}
		if match(f) {
			return f, nil
		}
	}
}

// Resume ends the current stream (if still open) and opens a new one that continues
// after LastSeq: the server sends what was missed, or a fresh snapshot.
func (c *Conn) Resume(ctx context.Context) error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return ErrClosed
	}
	old, have, last := c.tr, c.haveSeq, c.lastSeq
	c.mu.Unlock()
	old.close()
	<-old.ended()
	var after *uint64
	if have {
		after = &last
	}
	return c.connect(ctx, after)
}

// Disconnect drops the stream without a goodbye, as a lost network would. Resume
// reconnects.
func (c *Conn) Disconnect() {
	c.mu.Lock()
	tr := c.tr
	c.mu.Unlock()
	tr.drop()
	<-tr.ended()
}

// Ended is closed when the current stream has ended (a server close, a drop). Resume
// starts a new stream with a new Ended channel.
func (c *Conn) Ended() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.tr.ended()
}

// Close ends the connection for good and closes Frames. It is idempotent.
func (c *Conn) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	tr := c.tr
	c.mu.Unlock()
	tr.close()
	<-tr.ended()
	close(c.done)
	return nil
}

// header returns the Authorization header for the conn's secret.
func (c *Conn) header() http.Header {
	return http.Header{"Authorization": {"Bearer " + c.secret}}
}
