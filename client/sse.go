package client

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/gorilla/websocket"

	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/protocol"
)

// maxSSEFrame bounds one SSE message (a snapshot of a full room is the largest).
const maxSSEFrame = 8 << 20

type sseTransport struct {
	c      *Conn
	body   io.ReadCloser
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
}

// dialSSE gets a ticket with the secret, opens the event stream with it and reads the
// welcome. Commands go by POST with the secret in the Authorization header.
func dialSSE(ctx context.Context, c *Conn, after *uint64) (*sseTransport, error) {
	t, err := c.client.Ticket(ctx, c.code, c.secret)
	if err != nil {
		return nil, err
	}
	q := url.Values{"ticket": {t.Ticket}}
	if after != nil {
		q.Set("after", strconv.FormatUint(*after, 10))
	}
	// The stream outlives ctx (which bounds only the dial), so it gets its own context.
	streamCtx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(streamCtx, http.MethodGet,
		c.client.BaseURL+roomPath(c.code, "events")+"?"+q.Encode(), nil)
	if err != nil {
		cancel()
		return nil, err
	}
	req.Header.Set("Accept", "text/event-stream")
	stop := context.AfterFunc(ctx, cancel) // abandon the dial if ctx ends first
	resp, err := c.client.http().Do(req)
	if err != nil {
		cancel()
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
		resp.Body.Close()
		cancel()
		return nil, responseError(resp.StatusCode, body)
	}
	tr := &sseTransport{c: c, body: resp.Body, cancel: cancel, done: make(chan struct{})}
	events := newSSEReader(resp.Body)
	first, err := events.next()
	if !stop() {
		resp.Body.Close()
		return nil, ctx.Err()
	}
	if err != nil {
		cancel()
		resp.Body.Close()
		return nil, fmt.Errorf("client: reading the welcome: %w", err)
	}
	f, err := decodeFrame(first)
	if err != nil || f.Type != "welcome" {
		cancel()
		resp.Body.Close()
		if f.Type == "error" {
			return nil, f.Err
		}
		return nil, fmt.Errorf("client: the stream did not start with a welcome: %.80q", first)
	}
	c.handle(first)
	go tr.read(events)
	return tr, nil
}

func (t *sseTransport) read(events *sseReader) {
	defer t.once.Do(func() { close(t.done) })
	defer t.body.Close()
	for {
		data, err := events.next()
		if err != nil {
			// No closing frame: the stream was cut, as a socket that closes abnormally.
			t.c.ended(t, closingFrame(websocket.CloseAbnormalClosure, err.Error()))
			return
		}
		f, derr := decodeFrame(data)
		if derr == nil && f.Type == "closing" {
			if t.c.opts.Tap != nil {
				t.c.opts.Tap(data)
			}
			// The closing frame is what Frames reports; the reader stops here.
			t.c.ended(t, f)
			return
		}
		t.c.handle(data)
	}
}

// send POSTs one command and hands its answer (an ack or error frame) to the conn.
func (t *sseTransport) send(ctx context.Context, msg []byte) error {
	c := t.c
	req, err := http.NewRequestWithContext(ctx, http.MethodPost,
		c.client.BaseURL+roomPath(c.code, "commands"), bytes.NewReader(msg))
	if err != nil {
		return err
	}
	req.Header = c.header()
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.client.http().Do(req)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrDisconnected, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrDisconnected, err)
	}
	f, err := decodeFrame(body)
	if err != nil || (f.Type != "ack" && f.Type != "error") {
		// Not a frame (a proxy's page, say): report it as an error frame for the command.
		fe := fault.As(responseError(resp.StatusCode, body))
		var probe struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(msg, &probe)
		body = protocol.ErrorFrame(probe.ID, fe)
	}
	c.handle(body)
	return nil
}

func (t *sseTransport) close() {
	t.cancel()
	t.body.Close()
	<-t.done
}

func (t *sseTransport) drop() { t.close() }

func (t *sseTransport) ended() <-chan struct{} { return t.done }

// sseReader splits an event stream into the data of each message. Comments (heartbeats)
// and the id and event fields are skipped: frames carry their own sequence numbers.
type sseReader struct {
	sc *bufio.Scanner
}

func newSSEReader(r io.Reader) *sseReader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxSSEFrame)
	return &sseReader{sc: sc}
}

func (r *sseReader) next() ([]byte, error) {
	var data []byte
	have := false
	for r.sc.Scan() {
		line := r.sc.Text()
		switch {
		case line == "":
			if have {
				return data, nil
			}
		case strings.HasPrefix(line, ":"):
		case strings.HasPrefix(line, "data:"):
			v := strings.TrimPrefix(strings.TrimPrefix(line, "data:"), " ")
			if have {
				data = append(data, '\n')
			}
			data, have = append(data, v...), true
		}
	}
	if err := r.sc.Err(); err != nil {
		return nil, err
	}
	return nil, io.EOF
}
