package server

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/protocol"
)

// events: GET /api/rooms/:code/events?ticket=…&after=N, the fallback's frame stream.
// The ticket (single-use, short-lived) is the only credential a URL may carry; keys
// and tokens are never read from the URL. Every message is one frame as "data:", with
// "id:" set to the seq of event and snapshot frames; comments keep proxies from timing
// the stream out; the last message is a closing frame with the reason code.
func (s *Server) events(c echo.Context) error {
	req := c.Request()
	ticket := c.QueryParam("ticket")
	if ticket == "" {
		return fault.T(fault.Unauthorized, "fault.server.eventStreamNeedsTicket")
	}
	var after *uint64
	resume := c.QueryParam("after")
	if resume == "" {
		resume = req.Header.Get("Last-Event-ID")
	}
	if resume != "" {
		n, err := strconv.ParseUint(resume, 10, 64)
		if err != nil {
			return fault.T(fault.Malformed, "fault.server.afterNotASequence")
		}
		after = &n
	}
	if err := s.allowConnect(c); err != nil {
		return err
	}
	release, err := s.admitStream(c, "sse")
	if err != nil {
		return err
	}
	defer release()
	ctx := req.Context()
	sess, err := s.hub.RedeemTicket(ctx, c.Param("code"), ticket)
	if err != nil {
		return hideMissingRoom(err)
	}
	feed, err := s.hub.Watch(ctx, sess, after)
	if err != nil {
		return err
	}
	defer feed.Close()
	log := logger(c).With("room", sess.RoomID, "kind", sess.Principal.Kind)

	w := c.Response()
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	send := func(b []byte) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(s.cfg.WriteWait))
		if _, err := w.Write(b); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	welcome := protocol.WelcomeFrame(protocol.Welcome{RoomID: sess.RoomID, Code: sess.Code, Principal: sess.Principal, Server: s.cfg.Instance})
	if !send(sseMessage(welcome)) {
		return nil
	}
	log.Debug("event stream opened")
	beat := time.NewTicker(s.cfg.Heartbeat)
	defer beat.Stop()
	var batch [][]byte
	for {
		select {
		case <-feed.Ready():
			// Everything waiting goes out with one flush.
			var done bool
			batch, done = feed.Take(batch[:0], maxWriteBatch)
			_ = rc.SetWriteDeadline(time.Now().Add(s.cfg.WriteWait))
			for _, f := range batch {
				if writeSSE(w, f) != nil {
					return nil
				}
			}
			clear(batch)
			if done {
				code, text := feed.Reason()
				send(sseMessage(protocol.ClosingFrame(code, text)))
				log.Debug("event stream ended", "code", code)
				return nil
			}
			if rc.Flush() != nil {
				return nil
			}
		case <-beat.C:
			if !send([]byte(": keep-alive\n\n")) {
				return nil
			}
		case <-ctx.Done():
			if ctx.Err() == context.Canceled {
				log.Debug("event stream closed by the client")
			}
			return nil
		}
	}
}

// writeSSE writes one protocol frame as an event-stream message into w's buffer,
// without copying the frame (it is shared with the room's other viewers).
func writeSSE(w io.Writer, frame []byte) error {
	var head [32]byte
	h := head[:0]
	if seq, ok := protocol.FrameSeq(frame); ok {
		h = append(h, "id: "...)
		h = strconv.AppendUint(h, seq, 10)
		h = append(h, '\n')
	}
	h = append(h, "data: "...)
	if _, err := w.Write(h); err != nil {
		return err
	}
	if _, err := w.Write(frame); err != nil {
		return err
	}
	_, err := w.Write([]byte("\n\n"))
	return err
}

// sseMessage frames one protocol frame for an event stream. Frames are single-line JSON
// (json.Marshal escapes newlines), so one data line suffices.
func sseMessage(frame []byte) []byte {
	var b bytes.Buffer
	b.Grow(len(frame) + 32)
	if seq, ok := protocol.FrameSeq(frame); ok {
		b.WriteString("id: ")
		b.WriteString(strconv.FormatUint(seq, 10))
		b.WriteByte('\n')
	}
	b.WriteString("data: ")
	b.Write(frame)
	b.WriteString("\n\n")
	return b.Bytes()
}
