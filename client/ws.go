package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/protocol"
)

const writeWait = 10 * time.Second

type wsTransport struct {
	conn    *websocket.Conn
	writeMu sync.Mutex
	done    chan struct{}
	once    sync.Once
}

// dialWS opens the socket, says hello and waits for the welcome.
func dialWS(ctx context.Context, c *Conn, after *uint64) (*wsTransport, error) {
	u, err := url.Parse(c.client.BaseURL)
	if err != nil {
		return nil, err
	}
	origin := c.opts.Origin
	if origin == "" {
		origin = u.Scheme + "://" + u.Host
	}
	switch u.Scheme {
	case "https":
		u.Scheme = "wss"
	default:
		u.Scheme = "ws"
	}
	u.Path = strings.TrimRight(u.Path, "/") + roomPath(c.code, "ws")

	hello := map[string]any{"v": protocol.Version, "type": protocol.TypeHello}
	if c.opts.UseTicket {
		t, err := c.client.Ticket(ctx, c.code, c.secret)
		if err != nil {
			return nil, err
		}
		hello["ticket"] = t.Ticket
	} else {
		hello["key"] = c.secret
	}
	if after != nil {
		hello["after"] = *after
	}

	dialer := websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	ws, resp, err := dialer.DialContext(ctx, u.String(), map[string][]string{"Origin": {origin}})
	if err != nil {
		if resp != nil {
			var body [1024]byte
			n, _ := resp.Body.Read(body[:])
			resp.Body.Close()
			return nil, responseError(resp.StatusCode, body[:n])
		}
		return nil, err
	}
	t := &wsTransport{conn: ws, done: make(chan struct{})}
	helloBytes, _ := json.Marshal(hello)
	if err := t.send(ctx, helloBytes); err != nil {
		ws.Close()
		return nil, err
	}

	// The first frame is the welcome, or an error followed by a close.
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(30 * time.Second)
	}
	ws.SetReadDeadline(deadline)
	_, first, err := ws.ReadMessage()
	if err != nil {
		ws.Close()
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			return nil, fault.T(fault.Unavailable, "fault.client.connectionClosed", ce.Code, ce.Text)
		}
		return nil, err
	}
	f, err := decodeFrame(first)
	if err != nil {
		ws.Close()
		return nil, err
	}
	switch f.Type {
	case "welcome":
	case "error":
		ws.Close()
		return nil, f.Err
	default:
		ws.Close()
		return nil, fmt.Errorf("client: the server's first frame was %q, not a welcome", f.Type)
	}
	ws.SetReadDeadline(time.Time{})
	c.handle(first)
	go t.read(c)
	return t, nil
}

func (t *wsTransport) read(c *Conn) {
	defer t.once.Do(func() { close(t.done) })
	for {
		_, data, err := t.conn.ReadMessage()
		if err != nil {
			code, reason := websocket.CloseAbnormalClosure, err.Error()
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				code, reason = ce.Code, ce.Text
			}
			t.conn.Close()
			c.ended(t, closingFrame(code, reason))
			return
		}
		c.handle(data)
	}
}

func (t *wsTransport) send(ctx context.Context, msg []byte) error {
	t.writeMu.Lock()
	defer t.writeMu.Unlock()
	deadline := time.Now().Add(writeWait)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	t.conn.SetWriteDeadline(deadline)
	if err := t.conn.WriteMessage(websocket.TextMessage, msg); err != nil {
		return fmt.Errorf("%w: %v", ErrDisconnected, err)
	}
	return nil
}

// close says goodbye with 1000 and waits briefly for the server's close; the reader
// then stops.
func (t *wsTransport) close() {
	msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "")
	if t.conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second)) != nil {
		t.conn.Close()
		return
	}
	select {
	case <-t.done:
	case <-time.After(2 * time.Second):
		t.conn.Close()
	}
}

func (t *wsTransport) drop() { t.conn.NetConn().Close() }

func (t *wsTransport) ended() <-chan struct{} { return t.done }
