package server

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/netip"
	"reflect"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"

	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/engine"
	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/protocol"
	"github.com/classroom-debate/debate/room"
)

// Body limits of the JSON requests (commands use protocol.MaxMessageBytes).
const (
	maxCreateBody = 16 << 10 // room settings are the largest part
	maxJoinBody   = 1 << 10
)

type createRequest struct {
	Mode     economy.Mode    `json:"mode"`
	VoteMode room.VoteMode   `json:"voteMode"`
	Settings json.RawMessage `json:"settings"`
	GateCode string          `json:"gateCode"`
}

type createResponse struct {
	Code         string `json:"code"`
	RoomID       string `json:"roomId"`
	TeacherKey   string `json:"teacherKey"`
	CoTeacherKey string `json:"coTeacherKey"`
	ProjectorKey string `json:"projectorKey"`
	// JoinURL is the room's join link (the first of JoinURLs), kept in its settings.
	JoinURL string `json:"joinUrl"`
	// JoinURLs are the links the teacher may switch between: this machine's LAN
	// addresses when the teacher's page is on a loopback address; else the one.
	JoinURLs []string `json:"joinUrls"`
	// JoinReachable is false when the link is on a loopback address no phone can open
	// (no public URL, no LAN address): the console says so.
	JoinReachable bool `json:"joinReachable"`
}

// createRoom: POST /api/rooms.
func (s *Server) createRoom(c echo.Context) error {
	ctx := c.Request().Context()
	if err := s.allow(ctx, s.cfg.Limits.Creates, "create:"+clientKey(c), CreateRate); err != nil {
		return err
	}
	if err := s.roomCapacity(); err != nil {
		return err
	}
	var req createRequest
	if err := readJSON(c, maxCreateBody, &req, true); err != nil {
		return err
	}
	if s.cfg.TeacherCode != "" && !equalSecret(req.GateCode, s.cfg.TeacherCode) {
		return fault.T(fault.Forbidden, "fault.server.teacherCodeNeeded")
	}
	bases, reachable := s.links.joinBases(c)
	settings, err := withJoinURL(req.Settings, bases[0])
	if err != nil {
		return err
	}
	created, err := s.hub.Create(ctx, engine.CreateOptions{Mode: req.Mode, VoteMode: req.VoteMode, Settings: settings})
	if err != nil {
		return err
	}
	urls := make([]string, len(bases))
	for i, b := range bases {
		urls[i] = joinURL(b, created.Code)
	}
	if s.cfg.MaxRooms > 0 {
		// Count the room against the cap now, not when its teacher connects.
		if err := s.hub.Warm(ctx, created.RoomID); err != nil {
			logger(c).Warn("new room not loaded", "room", created.RoomID, "err", err)
		}
	}
	logger(c).Info("room created", "room", created.RoomID)
	return c.JSON(http.StatusCreated, createResponse{
		Code:          created.Code,
		RoomID:        created.RoomID,
		TeacherKey:    created.TeacherKey,
		CoTeacherKey:  created.CoTeacherKey,
		ProjectorKey:  created.ProjectorKey,
		JoinURL:       urls[0],
		JoinURLs:      urls,
		JoinReachable: reachable,
	})
}

// withJoinURL puts the room's join base into the create request's settings: the room
// keeps it, so every screen shows the same link. The server decides it, not the client.
func withJoinURL(settings json.RawMessage, base string) (json.RawMessage, error) {
	m := map[string]json.RawMessage{}
	if len(bytes.TrimSpace(settings)) > 0 && !bytes.Equal(bytes.TrimSpace(settings), []byte("null")) {
		if err := json.Unmarshal(settings, &m); err != nil || m == nil {
			return nil, fault.T(fault.Invalid, "fault.server.settingsNotObject")
		}
	}
	b, _ := json.Marshal(base)
	m["joinUrl"] = b
	return json.Marshal(m)
}

type joinRequest struct {
	Nickname string `json:"nickname"`
	// Attempt is the client's random id for this join, so that sending it again after a
	// lost answer joins once (engine.Hub.JoinAttempt). Optional.
	Attempt string `json:"attempt"`
}

type joinResponse struct {
	RoomID   string `json:"roomId"`
	Code     string `json:"code"`
	PlayerID string `json:"playerId"`
	Token    string `json:"token"`
}

// join: POST /api/rooms/:code/join.
func (s *Server) join(c echo.Context) error {
	ctx := c.Request().Context()
	addr := clientKey(c)
	if s.isBlocked(ctx, addr) {
		return s.blocked(ctx, addr)
	}
	if err := s.allow(ctx, s.cfg.Limits.Joins, "join:"+addr, JoinRate); err != nil {
		return err
	}
	if err := s.allowRoomJoin(ctx, c.Param("code")); err != nil {
		return err
	}
	var req joinRequest
	if err := readJSON(c, maxJoinBody, &req, false); err != nil {
		return err
	}
	joined, err := s.hub.JoinAttempt(ctx, c.Param("code"), req.Nickname, req.Attempt)
	if err != nil {
		return s.countWrongCode(c, addr, err)
	}
	logger(c).Debug("player joined", "room", joined.RoomID, "player", joined.PlayerID)
	return c.JSON(http.StatusCreated, joinResponse{RoomID: joined.RoomID, Code: joined.Code, PlayerID: joined.PlayerID, Token: joined.Token})
}

// codeExists: GET /api/rooms/:code/exists, the join page's check of a code as soon as
// it is typed. It is limited and counted as a join is (a code naming no room counts
// towards the block), so it is no faster a way to search the code space, and it says
// only whether the room exists.
func (s *Server) codeExists(c echo.Context) error {
	ctx := c.Request().Context()
	addr := clientKey(c)
	if s.isBlocked(ctx, addr) {
		return s.blocked(ctx, addr)
	}
	if err := s.allow(ctx, s.cfg.Limits.Joins, "join:"+addr, JoinRate); err != nil {
		return err
	}
	exists, err := s.hub.RoomExists(ctx, c.Param("code"))
	if err != nil {
		return err
	}
	if !exists {
		if err := s.countWrongCode(c, addr, errNoSuchCode); fault.CodeOf(err) == fault.RateLimited {
			return err
		}
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, map[string]bool{"exists": exists})
}

var errNoSuchCode = fault.T(fault.NotFound, "fault.server.noRoomWithCode")

// countWrongCode passes err on, first counting it against addr when it says the room
// code (or a rejoin code) was wrong; past the budget the address is blocked and gets
// 429 instead.
func (s *Server) countWrongCode(c echo.Context, addr string, err error) error {
	code := fault.CodeOf(err)
	if (code != fault.NotFound && code != fault.Unauthorized) || s.cfg.Limits.WrongCodes == nil {
		return err
	}
	ctx := c.Request().Context()
	ok, lerr := s.cfg.Limits.WrongCodes.Allow(ctx, "wrongcode:"+addr)
	if lerr == nil && !ok {
		s.cfg.Metrics.refused("wrong_codes")
		logger(c).Info("joins blocked: too many wrong codes from one address")
		if s.cfg.Limits.Blocks == nil {
			return s.limited(ctx, s.cfg.Limits.WrongCodes, "wrongcode:"+addr, WrongCodeRate, errTooManyJoins)
		}
		s.block(ctx, addr)
		return s.blocked(ctx, addr)
	}
	return err
}

type rejoinRequest struct {
	RejoinCode string `json:"rejoinCode"`
	// Request is the device's id for this rejoin (optional): a rejoin that waits for the
	// teacher is asked about again with it.
	Request string `json:"request"`
}

type rejoinPending struct {
	RoomID   string `json:"roomId"`
	Code     string `json:"code"`
	PlayerID string `json:"playerId"`
	Pending  bool   `json:"pending"`
	Request  string `json:"request"`
}

// rejoin: POST /api/rooms/:code/rejoin, a student back with the code the teacher printed.
// Limited per address as join is: wrong codes count towards the block.
func (s *Server) rejoin(c echo.Context) error {
	ctx := c.Request().Context()
	addr := clientKey(c)
	if s.isBlocked(ctx, addr) {
		return s.blocked(ctx, addr)
	}
	if err := s.allow(ctx, s.cfg.Limits.Joins, "join:"+addr, JoinRate); err != nil {
		return err
	}
	if err := s.allowRoomJoin(ctx, c.Param("code")); err != nil {
		return err
	}
	var req rejoinRequest
	if err := readJSON(c, maxJoinBody, &req, false); err != nil {
		return err
	}
	joined, err := s.hub.RejoinRequest(ctx, c.Param("code"), req.RejoinCode, req.Request)
	if err != nil {
		return s.countWrongCode(c, addr, err)
	}
	if joined.Pending {
		return c.JSON(http.StatusAccepted, rejoinPending{RoomID: joined.RoomID, Code: joined.Code, PlayerID: joined.PlayerID, Pending: true, Request: joined.Request})
	}
	return c.JSON(http.StatusCreated, joinResponse{RoomID: joined.RoomID, Code: joined.Code, PlayerID: joined.PlayerID, Token: joined.Token})
}

// rejoinCode: POST /api/rooms/:code/players/:playerId/rejoin-code, staff only. The code
// is shown once, for printing; it replaces the player's earlier one.
func (s *Server) rejoinCode(c echo.Context) error {
	sess, err := s.authenticate(c)
	if err != nil {
		return err
	}
	code, err := s.hub.IssueRejoinCode(c.Request().Context(), sess, c.Param("playerId"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]string{"code": code})
}

// clientKey is the address rate limits count under: the client's IPv4 address, or
// the /64 network of an IPv6 one (a single host usually holds a whole /64, so counting
// single IPv6 addresses would let it pick a fresh one for every guess).
func clientKey(c echo.Context) string {
	ip, err := netip.ParseAddr(c.RealIP())
	if err != nil {
		return c.RealIP()
	}
	ip = ip.Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}

var errTooManyJoins = fault.T(fault.RateLimited, "fault.server.tooManyJoins")

// isBlocked reports whether addr guessed too many codes recently. Without a blocklist
// nothing is blocked (the WrongCodes limiter alone still refuses); a failing one is
// logged and lets the join through, as a failing limiter does.
func (s *Server) isBlocked(ctx context.Context, addr string) bool {
	if s.cfg.Limits.Blocks == nil {
		return false
	}
	blocked, err := s.cfg.Limits.Blocks.Blocked(ctx, "joins:"+addr)
	if err != nil {
		s.log.Warn("blocklist failed; allowing", "err", err)
		return false
	}
	if blocked {
		s.cfg.Metrics.refused("blocked")
	}
	return blocked
}

func (s *Server) block(ctx context.Context, addr string) {
	if s.cfg.Limits.Blocks == nil {
		return
	}
	if err := s.cfg.Limits.Blocks.Block(ctx, "joins:"+addr, s.cfg.BlockFor); err != nil {
		s.log.Warn("blocklist failed; the address is not blocked", "err", err)
	}
}

// allow asks a limiter; a nil limiter allows everything, a failing one is logged and
// allows (a broken limiter should not lock a class out). configured is the rate the
// limiter was built with, for Retry-After when the limiter cannot say itself.
func (s *Server) allow(ctx context.Context, l engine.Limiter, key string, configured rate.Limit) error {
	if l == nil {
		return nil
	}
	ok, err := l.Allow(ctx, key)
	if err != nil {
		s.log.Warn("rate limiter failed; allowing", "err", err)
		return nil
	}
	if !ok {
		s.cfg.Metrics.refused(limitName(key))
		return s.limited(ctx, l, key, configured, fault.T(fault.RateLimited, "fault.server.tooManyRequests"))
	}
	return nil
}

type ticketResponse struct {
	Ticket  string    `json:"ticket"`
	Expires time.Time `json:"expires"`
}

// ticket: POST /api/rooms/:code/tickets.
func (s *Server) ticket(c echo.Context) error {
	ctx := c.Request().Context()
	sess, err := s.authenticate(c)
	if err != nil {
		return err
	}
	t, expires, err := s.hub.IssueTicket(ctx, sess)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, ticketResponse{Ticket: t, Expires: expires})
}

// authenticate reads the bearer credential and turns it into a session.
func (s *Server) authenticate(c echo.Context) (engine.Session, error) {
	secret, ok := bearer(c.Request())
	if !ok {
		return engine.Session{}, fault.T(fault.Unauthorized, "fault.server.credentialHeaderNeeded")
	}
	sess, err := s.hub.Authenticate(c.Request().Context(), c.Param("code"), secret)
	return sess, hideMissingRoom(err)
}

// hideMissingRoom turns "no such room" into "not valid for this room" on credential
// checks, so that only the rate-limited join route tells whether a code exists.
func hideMissingRoom(err error) error {
	if fault.CodeOf(err) == fault.NotFound {
		return fault.T(fault.Unauthorized, "fault.server.credentialInvalid")
	}
	return err
}

func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	const prefix = "bearer "
	if len(h) <= len(prefix) || !strings.EqualFold(h[:len(prefix)], prefix) {
		return "", false
	}
	secret := strings.TrimSpace(h[len(prefix):])
	return secret, secret != ""
}

// command: POST /api/rooms/:code/commands, the fallback's way to send a command. The
// answer is the ack or error frame a WebSocket would get, with the error's HTTP status.
func (s *Server) command(c echo.Context) error {
	ctx := c.Request().Context()
	sess, err := s.authenticate(c)
	if err != nil {
		return err
	}
	body, err := readBody(c, protocol.MaxMessageBytes)
	if err != nil {
		return frameError(c, "", err)
	}
	in, err := protocol.Decode(body)
	if err != nil {
		return frameError(c, in.ID, err)
	}
	switch in.Type {
	case protocol.TypePing:
		return c.JSONBlob(http.StatusOK, protocol.PongFrame())
	case protocol.TypeHello:
		return frameError(c, in.ID, fault.T(fault.Malformed, "fault.server.helloOverHTTP"))
	}
	if err := s.allow(ctx, s.cfg.Limits.Commands, "cmd:"+sess.RoomID+":"+sess.Principal.Key(), CommandRate); err != nil {
		return frameError(c, in.ID, err)
	}
	seq, err := s.hub.Submit(ctx, sess, in.Command(sess.Principal))
	if err != nil {
		return frameError(c, in.ID, err)
	}
	return c.JSONBlob(http.StatusOK, protocol.AckFrame(in.ID, seq))
}

// frameError answers a POSTed command with an error frame, which has the code, key and
// message of every error response (the message in the request's language) plus the
// command's id.
func frameError(c echo.Context, id string, err error) error {
	fe := fault.As(err)
	if fe.Code == fault.Internal {
		logger(c).Error("command failed", "err", err)
	}
	setRetryAfter(c, StatusOf(fe.Code), err)
	return c.JSONBlob(StatusOf(fe.Code), protocol.ErrorFrame(id, fe.In(requestLang(c.Request()))))
}

// deleteRoom: DELETE /api/rooms/:code, teacher or co-teacher only.
func (s *Server) deleteRoom(c echo.Context) error {
	sess, err := s.authenticate(c)
	if err != nil {
		return err
	}
	if !sess.Principal.IsStaff() {
		return fault.T(fault.Forbidden, "fault.server.deleteTeacherOnly")
	}
	if err := s.hub.DeleteRoom(c.Request().Context(), sess.RoomID); err != nil {
		return err
	}
	logger(c).Info("room deleted by its teacher", "room", sess.RoomID)
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) requireAdmin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		token, ok := bearer(c.Request())
		if !ok || !equalSecret(token, s.cfg.AdminToken) {
			return fault.T(fault.Unauthorized, "fault.server.adminTokenNeeded")
		}
		return next(c)
	}
}

// adminRooms: GET /api/admin/rooms.
func (s *Server) adminRooms(c echo.Context) error {
	rooms, err := s.hub.Rooms(c.Request().Context())
	if err != nil {
		return err
	}
	if rooms == nil {
		rooms = []engine.RoomSummary{}
	}
	return c.JSON(http.StatusOK, map[string]any{"rooms": rooms})
}

// adminDeleteRoom: DELETE /api/admin/rooms/:roomId.
func (s *Server) adminDeleteRoom(c echo.Context) error {
	roomID := c.Param("roomId")
	if err := s.hub.DeleteRoom(c.Request().Context(), roomID); err != nil {
		return err
	}
	logger(c).Info("room deleted by the operator", "room", roomID)
	return c.NoContent(http.StatusNoContent)
}

// equalSecret compares in constant time (for equal lengths).
func equalSecret(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// readBody reads at most limit bytes of the request body.
func readBody(c echo.Context, limit int) ([]byte, error) {
	r := http.MaxBytesReader(c.Response(), c.Request().Body, int64(limit))
	b, err := io.ReadAll(r)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, fault.T(fault.TooLarge, "fault.server.bodyTooLarge", limit)
	}
	if err != nil {
		return nil, fault.T(fault.Malformed, "fault.server.bodyUnreadable")
	}
	return b, nil
}

// readJSON decodes a JSON object strictly: no unknown fields, nothing after it. An
// empty body is allowed when emptyOK (every field optional).
func readJSON(c echo.Context, limit int, v any, emptyOK bool) error {
	b, err := readBody(c, limit)
	if err != nil {
		return err
	}
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		if emptyOK {
			return nil
		}
		return fault.T(fault.Malformed, "fault.server.bodyMissing")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fault.JSON(err, "")
	}
	if dec.InputOffset() != int64(len(b)) {
		return fault.T(fault.Malformed, "fault.server.bodyNotOneObject")
	}
	return exactFields(b, v)
}

// exactFields holds a body to the protocol decoder's rule (protocol.CheckFields): each
// top-level name one of the route's struct tags, spelt exactly, given once.
func exactFields(body []byte, v any) error {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	names := map[string]bool{}
	for i := range t.NumField() {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); name != "" && name != "-" {
			names[name] = true
		}
	}
	return protocol.CheckFields(body, names)
}
