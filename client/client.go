// Package client is a Go client for the debate server's protocol (docs/PROTOCOL.md): the
// HTTP calls (create a room, join, get a ticket) and a Conn that speaks the room protocol
// over WebSocket or over the Server-Sent Events + HTTP POST fallback, with one API for
// both. The end-to-end tests, the Redis tests and the bots use it.
//
// It imports only the protocol's own packages (protocol, room, fault) and its libraries.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/classroom-debate/debate/fault"
)

// Client makes HTTP calls to one server.
type Client struct {
	BaseURL string       // e.g. "http://localhost:8080", no trailing slash needed
	HTTP    *http.Client // nil: http.DefaultClient
}

// New returns a Client for baseURL.
func New(baseURL string) *Client {
	return &Client{BaseURL: strings.TrimRight(baseURL, "/")}
}

func (c *Client) http() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return http.DefaultClient
}

// CreateRequest is the body of POST /api/rooms. Every field is optional.
type CreateRequest struct {
	Mode     string          `json:"mode,omitempty"`     // "historical" (default) or "counterfactual"
	VoteMode string          `json:"voteMode,omitempty"` // "" = historical weights
	Settings json.RawMessage `json:"settings,omitempty"` // room settings (timers…), nil = defaults
	GateCode string          `json:"gateCode,omitempty"` // the operator's teacher code, when the server has one
}

// Room is what creating a room returns: the join code and the staff credentials.
type Room struct {
	Code         string `json:"code"`
	RoomID       string `json:"roomId"`
	TeacherKey   string `json:"teacherKey"`
	CoTeacherKey string `json:"coTeacherKey"`
	ProjectorKey string `json:"projectorKey"`
	JoinURL      string `json:"joinUrl"`
}

// Player is what joining a room returns. A rejoin that waits for the teacher's
// approval (the player was connected) is Pending, without a token: ask again with
// RejoinRequest and the same Request.
type Player struct {
	RoomID   string `json:"roomId"`
	Code     string `json:"code"`
	PlayerID string `json:"playerId"`
	Token    string `json:"token"`
	Pending  bool   `json:"pending,omitempty"`
	Request  string `json:"request,omitempty"`
}

// Ticket is a short-lived, single-use credential for a URL.
type Ticket struct {
	Ticket  string    `json:"ticket"`
	Expires time.Time `json:"expires"`
}

// CreateRoom creates a room.
func (c *Client) CreateRoom(ctx context.Context, req CreateRequest) (Room, error) {
	var out Room
	err := c.do(ctx, http.MethodPost, "/api/rooms", "", req, &out)
	return out, err
}

// Join joins the room with code under nickname.
func (c *Client) Join(ctx context.Context, code, nickname string) (Player, error) {
	var out Player
	err := c.do(ctx, http.MethodPost, roomPath(code, "join"), "", map[string]string{"nickname": nickname}, &out)
	return out, err
}

// RejoinCode asks, with a teacher or co-teacher key, for a printable rejoin code for a
// player; it replaces the player's earlier code.
func (c *Client) RejoinCode(ctx context.Context, code, key, playerID string) (string, error) {
	var out struct {
		Code string `json:"code"`
	}
	err := c.do(ctx, http.MethodPost, roomPath(code, "players/"+url.PathEscape(playerID)+"/rejoin-code"), key, nil, &out)
	return out.Code, err
}

// Rejoin exchanges a rejoin code for a fresh token of the same player; the player's older
// tokens stop working.
// It may come back Pending (see Player).
func (c *Client) Rejoin(ctx context.Context, code, rejoinCode string) (Player, error) {
	return c.RejoinRequest(ctx, code, rejoinCode, "")
}

// RejoinRequest is Rejoin as the device with request id request ("": the server makes
// one); asked again with the same id, it tells whether the teacher approved.
func (c *Client) RejoinRequest(ctx context.Context, code, rejoinCode, request string) (Player, error) {
	var out Player
	body := map[string]string{"rejoinCode": rejoinCode}
	if request != "" {
		body["request"] = request
	}
	err := c.do(ctx, http.MethodPost, roomPath(code, "rejoin"), "", body, &out)
	return out, err
}

// Ticket exchanges a key or token for a single-use ticket.
func (c *Client) Ticket(ctx context.Context, code, secret string) (Ticket, error) {
	var out Ticket
	err := c.do(ctx, http.MethodPost, roomPath(code, "tickets"), secret, nil, &out)
	return out, err
}

// DeleteRoom deletes the room now; key is the teacher's or a co-teacher's.
func (c *Client) DeleteRoom(ctx context.Context, code, key string) error {
	return c.do(ctx, http.MethodDelete, roomPath(code, ""), key, nil, nil)
}

func roomPath(code, tail string) string {
	p := "/api/rooms/" + url.PathEscape(code)
	if tail != "" {
		p += "/" + tail
	}
	return p
}

// do sends one JSON request. A non-2xx answer becomes the *fault.Error in its body.
func (c *Client) do(ctx context.Context, method, path, bearer string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := c.http().Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return responseError(resp.StatusCode, data)
	}
	if out == nil || resp.StatusCode == http.StatusNoContent {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("client: %s %s: decoding the answer: %w", method, path, err)
	}
	return nil
}

// StatusError is returned for a non-2xx HTTP answer; it wraps the *fault.Error the
// server sent, so fault.CodeOf and errors.As see the code.
type StatusError struct {
	Status int
	Err    *fault.Error
}

func (e *StatusError) Error() string { return fmt.Sprintf("HTTP %d: %v", e.Status, e.Err) }
func (e *StatusError) Unwrap() error { return e.Err }

func responseError(status int, body []byte) error {
	var fe fault.Error
	if json.Unmarshal(body, &fe) != nil || fe.Code == "" {
		fe = fault.Error{Code: fault.Internal, Message: strings.TrimSpace(string(body))}
	}
	return &StatusError{Status: status, Err: &fe}
}
