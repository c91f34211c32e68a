package server

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/classroom-debate/debate/client/bots"
	"github.com/classroom-debate/debate/fault"
)

// "Try the game with bots": a teacher adds student bots (package client/bots) to their
// own room from the console, to see a class play before a lesson. The bots run in
// this process and reach it as any client would, over the address the teacher's
// request came in on, so they take the same path as students (and the same limits).
// They follow the teacher's phases at a lesson's pace and leave at the debrief, when
// the room is closed, after botsFor, or when the server shuts down.

// botsFor bounds how long one room's bots stay.
const botsFor = 3 * time.Hour

// maxBotRuns bounds how many rooms may have bots at once on this instance.
const maxBotRuns = 20

type botRuns struct {
	mu     sync.Mutex
	rooms  map[string]context.CancelFunc // room id → stops its bots
	closed bool
}

// stop ends every room's bots (at shutdown).
func (b *botRuns) stop() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	for _, cancel := range b.rooms {
		cancel()
	}
}

type botsRequest struct {
	Students int `json:"students"`
}

// addBots: POST /api/rooms/:code/bots, staff only: {"students": n} bots join the room.
func (s *Server) addBots(c echo.Context) error {
	sess, err := s.authenticate(c)
	if err != nil {
		return err
	}
	if !sess.Principal.IsStaff() {
		return fault.T(fault.Forbidden, "fault.server.botsTeacherOnly")
	}
	if s.cfg.MaxBotsPerRoom <= 0 {
		return fault.T(fault.Forbidden, "fault.server.botsOff")
	}
	var req botsRequest
	if err := readJSON(c, maxJoinBody, &req, true); err != nil {
		return err
	}
	if req.Students == 0 {
		req.Students = min(6, s.cfg.MaxBotsPerRoom)
	}
	if req.Students < 1 || req.Students > s.cfg.MaxBotsPerRoom {
		return fault.T(fault.Invalid, "fault.server.botsOutOfRange", s.cfg.MaxBotsPerRoom)
	}
	local, ok := c.Request().Context().Value(http.LocalAddrContextKey).(net.Addr)
	if !ok {
		return fault.T(fault.Forbidden, "fault.server.botsOff")
	}
	scheme := "http"
	if c.Request().TLS != nil {
		scheme = "https"
	}
	b := &s.bots
	b.mu.Lock()
	switch {
	case b.closed || s.draining.Load():
		b.mu.Unlock()
		return errDraining
	case b.rooms[sess.RoomID] != nil:
		b.mu.Unlock()
		return fault.T(fault.Conflict, "fault.server.botsAlreadyPlaying")
	case len(b.rooms) >= maxBotRuns:
		b.mu.Unlock()
		return fault.T(fault.AtCapacity, "fault.server.botsBusy")
	}
	ctx, cancel := context.WithTimeout(context.Background(), botsFor)
	if b.rooms == nil {
		b.rooms = map[string]context.CancelFunc{}
	}
	b.rooms[sess.RoomID] = cancel
	b.mu.Unlock()

	var seed [8]byte
	_, _ = rand.Read(seed[:])
	cfg := bots.Config{
		URL: scheme + "://" + local.String(), Join: sess.Code, Students: req.Students,
		Speed: 1, Seed: binary.LittleEndian.Uint64(seed[:]), Transport: "ws",
	}
	// On a server that allows only listed origins, the bots present the first one, as
	// the teacher's own page does.
	if o := s.cfg.AllowedOrigins; len(o) > 0 && o[0] != "*" {
		cfg.Origin = o[0]
	}
	log := logger(c).With("room", sess.RoomID)
	go func() {
		defer func() {
			cancel()
			b.mu.Lock()
			delete(b.rooms, sess.RoomID)
			b.mu.Unlock()
		}()
		report, err := bots.Run(ctx, cfg)
		if err != nil {
			log.Warn("bots could not start", "err", err)
			return
		}
		log.Info("bots left the room", "commands", report.Commands, "problems", len(report.Problems))
	}()
	log.Info("bots added by the teacher", "students", req.Students)
	return c.JSON(http.StatusAccepted, map[string]int{"students": req.Students})
}
