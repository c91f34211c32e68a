package server

import (
	"context"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/classroom-debate/debate/engine"
	"github.com/classroom-debate/debate/fault"
)

// The instance's caps (Config.MaxRooms, MaxConnections, MaxConnectionsPerAddress) and
// the per-room join limit. A cap refuses at once with at_capacity: a full instance
// should send people elsewhere or later, not make them wait in a queue.

var (
	errTooManyRooms              = fault.T(fault.AtCapacity, "fault.server.tooManyRooms")
	errTooManyConnections        = fault.T(fault.AtCapacity, "fault.server.tooManyConnections")
	errTooManyConnectionsFromNet = fault.T(fault.AtCapacity, "fault.server.tooManyConnectionsFromNetwork")
	errTooManyJoinsToRoom        = fault.T(fault.RateLimited, "fault.server.tooManyJoinsToRoom")
)

// roomCapacity refuses a new room once the instance runs MaxRooms live rooms.
func (s *Server) roomCapacity() error {
	if s.cfg.MaxRooms > 0 && s.hub.LiveRooms() >= s.cfg.MaxRooms {
		s.log.Warn("room refused: the instance is at its room cap", "max", s.cfg.MaxRooms)
		s.cfg.Metrics.refused("rooms")
		return errTooManyRooms
	}
	return nil
}

// allowRoomJoin counts a join against the room its code names, across addresses. The
// code is normalised as the engine reads it, so "abcd-efgh" and "ABCDEFGH" share one
// bucket. A code that names no room gets a bucket too; the wrong-code limit, not this
// one, is what stops a search of the code space.
func (s *Server) allowRoomJoin(ctx context.Context, code string) error {
	l := s.cfg.Limits.RoomJoins
	if l == nil {
		return nil
	}
	key := "roomjoin:" + engine.NormalizeCode(code)
	ok, err := l.Allow(ctx, key)
	if err != nil {
		s.log.Warn("rate limiter failed; allowing", "err", err)
		return nil
	}
	if !ok {
		s.cfg.Metrics.refused("room_joins")
		return s.limited(ctx, l, key, RoomJoinRate, errTooManyJoinsToRoom)
	}
	return nil
}

// admitStream counts a new WebSocket or SSE stream of transport ("ws" or "sse") from
// the request's address. It refuses while draining (unavailable) and past the
// connection caps (at_capacity). release undoes it, once.
func (s *Server) admitStream(c echo.Context, transport string) (release func(), err error) {
	addr := ""
	if s.cfg.MaxConnectionsPerAddress > 0 {
		addr = clientKey(c)
	}
	s.streamMu.Lock()
	switch {
	case s.draining.Load():
		err = errDraining
	case s.cfg.MaxConnections > 0 && s.streams >= s.cfg.MaxConnections:
		err = errTooManyConnections
	case addr != "" && s.perAddr[addr] >= s.cfg.MaxConnectionsPerAddress:
		err = errTooManyConnectionsFromNet
	}
	if err != nil {
		s.streamMu.Unlock()
		if err != errDraining {
			s.cfg.Metrics.refused("connections")
		}
		return nil, err
	}
	s.streams++
	if addr != "" {
		if s.perAddr == nil {
			s.perAddr = map[string]int{}
		}
		s.perAddr[addr]++
	}
	s.streamMu.Unlock()
	s.cfg.Metrics.connOpened(transport)
	return func() {
		s.cfg.Metrics.connClosed(transport)
		s.streamMu.Lock()
		if addr != "" {
			if s.perAddr[addr]--; s.perAddr[addr] <= 0 {
				delete(s.perAddr, addr)
			}
		}
		s.streamMu.Unlock()
		s.endStream()
	}, nil
}

// adminIfSet guards a route with the admin token when one is configured (metrics may
// be scraped openly on a server without one: they count, they name nobody).
func (s *Server) adminIfSet(next echo.HandlerFunc) echo.HandlerFunc {
	if s.cfg.AdminToken == "" {
		return next
	}
	return s.requireAdmin(next)
}

// limitName is the refusals metric's label for a limiter key's prefix.
func limitName(key string) string {
	prefix, _, _ := strings.Cut(key, ":")
	switch prefix {
	case "join":
		return "joins"
	case "create":
		return "creates"
	case "cmd":
		return "commands"
	}
	return prefix
}
