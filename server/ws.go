package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"

	"github.com/classroom-debate/debate/engine"
	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/protocol"
)

// readLimit is the hard limit on one inbound WebSocket message. It is above
// protocol.MaxMessageBytes so that a message a little over the protocol's limit gets a
// too_large error frame (and the socket lives on); one over readLimit closes the socket
// with 1009 (message too big), as gorilla does at its read limit.
const readLimit = 4 * protocol.MaxMessageBytes

// submitTimeout bounds how long a command may wait to enter its room's queue.
const submitTimeout = 15 * time.Second

func (s *Server) upgrader() *websocket.Upgrader {
	return &websocket.Upgrader{
		// Inbound messages are small commands: a small read buffer (a longer message is
		// read in several calls). Write buffers are taken from a pool only while a
		// message is written, so an idle socket holds none.
		ReadBufferSize:  readBufferSize,
		WriteBufferSize: writeBufferSize,
		WriteBufferPool: writeBufferPool,
		CheckOrigin:     s.checkOrigin,
		Error: func(w http.ResponseWriter, r *http.Request, status int, reason error) {
			code := faultOfStatus(status).Code
			if status == http.StatusForbidden {
				code = fault.Forbidden
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = w.Write(protocol.ErrorFrame("", fault.T(code, "fault.server.websocketRefused", reason.Error()).In(requestLang(r))))
		},
	}
}

// checkOrigin allows requests without an Origin (not from a browser), an Origin on the
// list (or any with "*"), and, with no list, only pages served from this same host.
func (s *Server) checkOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	if len(s.cfg.AllowedOrigins) == 0 {
		u, err := url.Parse(origin)
		return err == nil && strings.EqualFold(u.Host, r.Host)
	}
	for _, o := range s.cfg.AllowedOrigins {
		if o == "*" || strings.EqualFold(strings.TrimRight(o, "/"), origin) {
			return true
		}
	}
	return false
}

// websocket: GET /api/rooms/:code/ws. The URL carries no credential: the first message
// must be a hello with a key, token or ticket.
func (s *Server) websocket(c echo.Context) error {
	if err := s.allowConnect(c); err != nil {
		return err
	}
	release, err := s.admitStream(c, "ws")
	if err != nil {
		return err
	}
	hj := &batchHijacker{ResponseWriter: c.Response()}
	ws, err := s.upgrader().Upgrade(hj, c.Request(), nil)
	if err != nil {
		release()
		return nil // the upgrader has answered
	}
	conn := &wsConn{
		s:         s,
		ws:        ws,
		out:       hj.conn,
		release:   release,
		lang:      requestLang(c.Request()),
		log:       logger(c),
		replies:   newReplyQueue(s.cfg.ReplyQueue),
		kick:      make(chan closeReq, 1),
		inflight:  make(chan struct{}, s.cfg.CommandsInFlight),
		answers:   make(chan answer, s.cfg.CommandsInFlight),
		stopped:   make(chan struct{}),
		readEnd:   make(chan struct{}),
		finishing: make(chan struct{}),
		limiter:   rate.NewLimiter(s.cfg.CommandRate, s.cfg.CommandBurst),
		flood:     rate.NewLimiter(5*s.cfg.CommandRate, 5*s.cfg.CommandBurst),
	}
	ws.SetReadLimit(readLimit)
	code := c.Param("code")
	// The socket lives on in goroutines of its own and the handler returns: net/http
	// and Echo then free the request, their connection buffers and this goroutine's
	// deep stack, which would otherwise stay with every idle socket.
	go conn.serve(code)
	return nil
}

type closeReq struct {
	code int
	text string
}

// wsConn is one WebSocket: after the hello, a read pump and a write pump run on
// goroutines of their own (the handler has returned), and an acker while commands are
// in flight. Only the write pump writes (besides the hello exchange, before it starts).
type wsConn struct {
	s       *Server
	ws      *websocket.Conn
	out     *batchConn // ws's connection: the write pump batches writes on it
	lang    string     // the upgrade request's Accept-Language: every error frame's language
	log     *slog.Logger
	sess    engine.Session
	feed    *engine.Feed
	release func() // from admitStream: called once, when the socket ends

	replies *replyQueue   // acks, errors and pongs for the write pump
	kick    chan closeReq // the read pump asks the write pump to close the socket
	// Pipelining: a socket may have CommandsInFlight messages waiting for their answer.
	// Each holds a slot of inflight until its answer is queued for writing; answers
	// carries them, in the order the messages came, to the acker, which waits for each
	// in turn. With every slot taken the read pump stops reading: back-pressure.
	inflight chan struct{}
	answers  chan answer
	// ackerMu guards acking: an acker runs only while answers wait, so an idle socket
	// keeps no goroutine (and no stack) for it.
	ackerMu sync.Mutex
	acking  bool
	stopped chan struct{} // closed when the write pump has finished
	readEnd chan struct{} // closed when the read pump has finished
	closing atomic.Bool   // set once the socket is closing: no new commands
	// finishing is closed when the write pump starts to say goodbye: a reply waiting for
	// room in the queue gives up then.
	finishing chan struct{}

	limiter  *rate.Limiter // commands per second
	flood    *rate.Limiter // 5× the rate: beyond it the socket is closed
	refusals int           // rate-limited messages in a row
}

// serve says hello, authenticates and starts the feed, then hands the socket to a read
// pump and a write pump of their own: this goroutine's stack, grown by the hello and
// the room's answer, is freed rather than kept by every idle socket.
func (c *wsConn) serve(code string) {
	if !c.open(code) {
		c.ws.Close()
		c.release()
		return
	}
	go c.writePump()
	go func() {
		// The stream ends here, not when the handler returns (right after the upgrade):
		// the connection caps and metrics count the socket until then.
		defer c.release()
		defer c.ws.Close()
		c.readPump()
		<-c.stopped
	}()
}

// open runs the hello exchange and starts the feed; it reports whether the socket
// lives on.
func (c *wsConn) open(code string) bool {
	in, ok := c.hello()
	if !ok {
		return false
	}
	sess, err := c.authenticate(code, in)
	if err != nil {
		c.refuse("", err)
		return false
	}
	c.sess = sess
	c.log = c.log.With("room", sess.RoomID, "kind", sess.Principal.Kind)
	ctx, cancel := context.WithTimeout(context.Background(), submitTimeout)
	feed, err := c.s.hub.Watch(ctx, sess, in.After)
	cancel()
	if err != nil {
		c.refuse("", err)
		return false
	}
	c.feed = feed
	welcome := protocol.WelcomeFrame(protocol.Welcome{RoomID: sess.RoomID, Code: sess.Code, Principal: sess.Principal, Server: c.s.cfg.Instance})
	if err := c.write(websocket.TextMessage, welcome); err != nil {
		feed.Close()
		return false
	}
	c.log.Debug("socket opened")
	return true
}

// hello reads the first message, which must be a hello, within HelloTimeout.
func (c *wsConn) hello() (protocol.Inbound, bool) {
	c.ws.SetReadDeadline(time.Now().Add(c.s.cfg.HelloTimeout))
	_, data, err := c.ws.ReadMessage()
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			c.closeNow(protocol.CloseIdle, "no hello in time")
		}
		return protocol.Inbound{}, false
	}
	in, err := protocol.Decode(data)
	if err != nil {
		c.refuse(in.ID, err)
		return in, false
	}
	if in.Type != protocol.TypeHello {
		c.refuse(in.ID, fault.T(fault.Malformed, "fault.server.firstMessageNotHello"))
		return in, false
	}
	return in, true
}

func (c *wsConn) authenticate(code string, in protocol.Inbound) (engine.Session, error) {
	ctx, cancel := context.WithTimeout(context.Background(), submitTimeout)
	defer cancel()
	var (
		sess engine.Session
		err  error
	)
	if in.Ticket != "" {
		sess, err = c.s.hub.RedeemTicket(ctx, code, in.Ticket)
	} else {
		sess, err = c.s.hub.Authenticate(ctx, code, in.Key)
	}
	return sess, hideMissingRoom(err)
}

// errorFrame is the error frame for err, in the socket's language.
func (c *wsConn) errorFrame(id string, err error) []byte {
	return protocol.ErrorFrame(id, fault.As(err).In(c.lang))
}

// refuse sends an error frame and closes the socket with the close code for its fault.
func (c *wsConn) refuse(id string, err error) {
	fe := fault.As(err).In(c.lang)
	_ = c.write(websocket.TextMessage, protocol.ErrorFrame(id, fe))
	code := protocol.CloseProtocol
	switch fe.Code {
	case fault.Unauthorized:
		code = protocol.CloseUnauthorized
	case fault.Unavailable:
		code = protocol.CloseRestart
	case fault.NotFound:
		code = protocol.CloseDeleted
	case fault.Internal:
		c.log.Error("socket refused", "err", err)
		code = websocket.CloseInternalServerErr
	}
	c.closeNow(code, fe.Message)
}

// closeNow sends a close frame; the deferred ws.Close ends the connection.
func (c *wsConn) closeNow(code int, text string) {
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, closeText(text)),
		time.Now().Add(c.s.cfg.WriteWait))
}

// closeText fits a reason into a close frame (125 bytes with the code), on a rune
// boundary.
func closeText(s string) string {
	const max = 123
	if len(s) <= max {
		return s
	}
	s = s[:max]
	for len(s) > 0 && s[len(s)-1]&0xC0 == 0x80 {
		s = s[:len(s)-1]
	}
	if len(s) > 0 && s[len(s)-1] >= 0xC0 {
		s = s[:len(s)-1]
	}
	return s
}

// drainOversized runs after a message over the read limit. The library has already
// sent close 1009, but the client may still be writing the rest of that message; closing
// now would reset the connection under its write and lose the close frame, so the
// client would see a bare reset instead of why. Discard what it sends, within a bound,
// until it closes its side.
func (c *wsConn) drainOversized() {
	raw := c.ws.NetConn()
	_ = raw.SetReadDeadline(time.Now().Add(c.s.cfg.WriteWait))
	_, _ = io.CopyN(io.Discard, raw, oversizedDrainBytes)
}

// oversizedDrainBytes bounds what drainOversized reads: enough for any honest mistake
// (a pasted essay), not a sink for a flood.
const oversizedDrainBytes = 1 << 20

func (c *wsConn) write(kind int, data []byte) error {
	c.ws.SetWriteDeadline(time.Now().Add(c.s.cfg.WriteWait))
	return c.ws.WriteMessage(kind, data)
}

// readPump reads messages until the socket fails or closes. It never blocks on the
// write pump: replies go into a bounded queue, and a client that lets that queue fill
// (it sends and does not read) is closed as slow.
func (c *wsConn) readPump() {
	defer close(c.readEnd)
	pongWait := c.s.cfg.PongWait
	c.ws.SetReadDeadline(time.Now().Add(pongWait))
	c.ws.SetPongHandler(func(string) error {
		c.ws.SetReadDeadline(time.Now().Add(pongWait))
		return nil
	})
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			if errors.Is(err, websocket.ErrReadLimit) {
				c.drainOversized()
			}
			if websocket.IsUnexpectedCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway, websocket.CloseNoStatusReceived) {
				c.log.Debug("socket read ended", "err", err)
			}
			return
		}
		c.ws.SetReadDeadline(time.Now().Add(pongWait))
		if c.closing.Load() {
			continue // closing: drain until the close handshake ends the socket
		}
		c.handleApart(data)
	}
}

// handleApart answers one inbound message on a goroutine of its own and waits for it:
// decoding and submitting a command need a deep stack, which then goes with that
// goroutine instead of staying with the read pump of every socket that ever sent one.
func (c *wsConn) handleApart(data []byte) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.handle(data)
	}()
	<-done
}

// handle answers one inbound message.
func (c *wsConn) handle(data []byte) {
	now := c.s.cfg.Clock.Now()
	if !c.flood.AllowN(now, 1) {
		c.log.Info("socket closed for flooding")
		c.requestClose(protocol.CloseFlood, "too many messages; wait a few seconds, then reconnect")
		return
	}
	if !c.limiter.AllowN(now, 1) {
		c.refusals++
		if c.refusals >= c.s.cfg.FloodRefusals {
			c.log.Info("socket closed for flooding")
			c.requestClose(protocol.CloseFlood, "too many messages; wait a few seconds, then reconnect")
			return
		}
		c.s.cfg.Metrics.refused("socket_messages")
		in, _ := protocol.Decode(data)
		c.answer(answer{frame: c.errorFrame(in.ID, fault.T(fault.RateLimited, "fault.server.tooManyMessages"))})
		return
	}
	c.refusals = 0
	in, err := protocol.Decode(data)
	if err != nil {
		c.answer(answer{frame: c.errorFrame(in.ID, err)})
		return
	}
	switch in.Type {
	case protocol.TypePing:
		c.answer(answer{frame: protocol.PongFrame()})
		return
	case protocol.TypeHello:
		c.answer(answer{frame: c.errorFrame(in.ID, fault.T(fault.Conflict, "fault.server.helloTwice"))})
		return
	}
	c.submit(in)
}

// answer is one message's answer: a ready frame, or a command queued in its room.
type answer struct {
	id      string
	typ     string
	pending *engine.Pending
	frame   []byte
}

// answer takes a slot and queues a for the acker, behind the answers before it. It
// waits while every slot is taken (back-pressure on a client that sends faster than
// its room answers) and gives up once the write pump has stopped or the socket is
// closing.
func (c *wsConn) answer(a answer) bool {
	select {
	case c.inflight <- struct{}{}:
	case <-c.stopped:
		return false
	}
	if c.closing.Load() {
		<-c.inflight
		return false
	}
	c.queueAnswer(a)
	return true
}

// submit queues a command in its room, in the order this socket sent it, and leaves
// its answer to the acker: the read pump goes on to the next message at once, so a
// student's burst reaches the room's actor together and is stored with one append.
func (c *wsConn) submit(in protocol.Inbound) {
	ctx, cancel := context.WithTimeout(context.Background(), submitTimeout)
	defer cancel()
	// Take the slot before queueing, so that commands reach the room in order and at
	// most CommandsInFlight are there at once.
	select {
	case c.inflight <- struct{}{}:
	case <-c.stopped:
		return
	}
	if c.closing.Load() {
		<-c.inflight
		return
	}
	a := answer{id: in.ID, typ: in.Type}
	p, err := c.s.hub.SubmitQueued(ctx, c.sess, in.Command(c.sess.Principal))
	if err != nil {
		a.frame = c.errorFrame(in.ID, err)
	} else {
		a.pending = p
	}
	c.queueAnswer(a)
}

// queueAnswer hands a to the acker, starting one if none runs. The caller holds a slot,
// so the send never blocks: answers has as many places as there are slots.
func (c *wsConn) queueAnswer(a answer) {
	c.answers <- a
	c.ackerMu.Lock()
	start := !c.acking
	c.acking = true
	c.ackerMu.Unlock()
	if start {
		go c.acker()
	}
}

// acker writes the answers in the order their messages came: it waits for each queued
// command in turn, queues its ack or error for the write pump, and frees its slot. It
// returns once no answer waits; queueAnswer starts the next one.
func (c *wsConn) acker() {
	for {
		var a answer
		select {
		case a = <-c.answers:
		default:
			// Checked again under the lock: an answer queued before queueAnswer saw
			// acking is this acker's to write.
			c.ackerMu.Lock()
			if len(c.answers) > 0 {
				c.ackerMu.Unlock()
				continue
			}
			c.acking = false
			c.ackerMu.Unlock()
			return
		}
		if a.pending != nil {
			seq, err := a.pending.Wait()
			if err != nil {
				if fault.CodeOf(err) == fault.Internal {
					c.log.Error("command failed", "type", a.typ, "err", err)
				}
				a.frame = c.errorFrame(a.id, err)
			} else {
				a.frame = protocol.AckFrame(a.id, seq)
			}
		}
		c.reply(a.frame)
		<-c.inflight
	}
}

// reply queues an answer for the write pump. Every message read gets one answer, and
// the read pump answers refusals (rate_limited, malformed) far faster than the write
// pump can write them, so a full queue says nothing about the client: a flooder that
// reads every answer filled it in a few milliseconds and was closed as slow (4008)
// instead of as a flooder (4029). So a full queue holds the read pump back instead: it
// stops reading until the write pump catches up, which paces a fast sender to the
// speed its answers go out (and lets the flood limits, not the queue, decide). Only a
// write pump that cannot write for WriteWait means the client does not read.
func (c *wsConn) reply(frame []byte) {
	if c.replies.put(frame) {
		return
	}
	wait := time.NewTimer(c.s.cfg.WriteWait)
	defer wait.Stop()
	for {
		select {
		case <-c.replies.room:
			if c.replies.put(frame) {
				return
			}
		case <-c.finishing:
			// The socket is closing and its write pump waits for this command to finish:
			// the answer is lost with the socket, and the client resends the id on resume.
			return
		case <-c.stopped:
			return
		case <-wait.C:
			c.requestClose(protocol.CloseSlow, "the connection is not reading its answers")
			return
		}
	}
}

func (c *wsConn) requestClose(code int, text string) {
	c.closing.Store(true)
	select {
	case c.kick <- closeReq{code, text}:
	default: // a close is already on its way
	}
}

// writePump writes feed frames and replies, pings at 9/10 of the pong wait, and closes
// the socket when the feed ends (with the feed's reason), when the read pump asks, or
// when the client has gone. Everything waiting when it wakes (the room's frames and the
// replies) is written as one message each, then flushed with one write.
func (c *wsConn) writePump() {
	defer close(c.stopped)
	ping := time.NewTicker(c.s.cfg.PongWait * 9 / 10)
	defer ping.Stop()
	for {
		select {
		case <-c.feed.Ready():
		case <-c.replies.ready:
		case k := <-c.kick:
			c.feed.Close()
			c.finish(k.code, k.text)
			return
		case <-ping.C:
			c.ws.SetWriteDeadline(time.Now().Add(c.s.cfg.WriteWait))
			if c.ws.WriteMessage(websocket.PingMessage, nil) != nil {
				c.feed.Close()
				c.ws.Close()
				return
			}
			continue
		case <-c.readEnd:
			// The client closed or vanished: answer a close handshake and stop.
			c.feed.Close()
			c.closeNow(websocket.CloseNormalClosure, "")
			c.ws.Close()
			return
		}
		done, ok := c.writeWaiting()
		if !ok {
			c.feed.Close()
			c.ws.Close()
			return
		}
		if done {
			code, text := c.feed.Reason()
			c.finish(code, text)
			return
		}
	}
}

// maxWriteBatch bounds how many messages go out in one flush.
const maxWriteBatch = 64

// writeWaiting writes the feed's waiting frames and the queued replies, and flushes
// them together. done reports that the feed has ended and all of it was written.
func (c *wsConn) writeWaiting() (done, ok bool) {
	bp := batchPool.Get().(*[][]byte)
	defer func() {
		clear(*bp)
		*bp = (*bp)[:0]
		batchPool.Put(bp)
	}()
	batch, done := c.feed.Take(*bp, maxWriteBatch)
	batch = c.replies.take(batch, 2*maxWriteBatch-len(batch))
	*bp = batch
	if len(batch) == 0 {
		return done, true
	}
	c.ws.SetWriteDeadline(time.Now().Add(c.s.cfg.WriteWait))
	c.out.begin()
	for _, m := range batch {
		if c.ws.WriteMessage(websocket.TextMessage, m) != nil {
			c.out.flush()
			return done, false
		}
		if c.out.buffered() >= flushAt {
			if c.out.flush() != nil {
				return done, false
			}
			c.out.begin()
		}
	}
	return done, c.out.flush() == nil
}

var batchPool = sync.Pool{New: func() any { b := make([][]byte, 0, maxWriteBatch); return &b }}

// finish says goodbye: it lets the commands already with the hub get their answers
// written, flushes queued replies, sends the close frame and waits briefly for the
// client's.
func (c *wsConn) finish(code int, text string) {
	c.closing.Store(true)
	close(c.finishing)
	wait := time.NewTimer(c.s.cfg.WriteWait)
	defer wait.Stop()
	// Take every slot: held from here on, so no command starts, and each taken slot is
	// one answer already queued for writing.
slots:
	for range cap(c.inflight) {
		select {
		case c.inflight <- struct{}{}:
		case <-wait.C:
			break slots
		}
	}
	for _, r := range c.replies.take(nil, c.s.cfg.ReplyQueue) {
		if c.write(websocket.TextMessage, r) != nil {
			break
		}
	}
	if code == 0 {
		code = websocket.CloseNormalClosure
	}
	c.closeNow(code, text)
	handshake := time.NewTimer(c.s.cfg.WriteWait)
	defer handshake.Stop()
	select {
	case <-c.readEnd:
	case <-handshake.C:
	}
	c.ws.Close()
}
