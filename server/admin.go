package server

import (
	"context"
	"net/http"
	"net/http/pprof"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/classroom-debate/debate/fault"
)

// The operator's routes beyond the room list and delete (http.go): draining the
// instance, the store's hot backup, and Go's profiler. All need the admin token and
// exist only when one is configured.

// drainTimeout bounds how long POST /api/admin/drain waits for sockets to go.
const drainTimeout = 30 * time.Second

// adminRoutes adds the routes to the admin group and the profiler under /debug/pprof.
func (s *Server) adminRoutes(e *echo.Echo, admin *echo.Group) {
	admin.POST("/drain", s.adminDrain)
	admin.GET("/backup", s.adminBackup)
	prof := e.Group("/debug/pprof", s.requireAdmin)
	prof.GET("/cmdline", echo.WrapHandler(http.HandlerFunc(pprof.Cmdline)))
	prof.GET("/profile", echo.WrapHandler(http.HandlerFunc(pprof.Profile)))
	prof.GET("/symbol", echo.WrapHandler(http.HandlerFunc(pprof.Symbol)))
	prof.POST("/symbol", echo.WrapHandler(http.HandlerFunc(pprof.Symbol)))
	prof.GET("/trace", echo.WrapHandler(http.HandlerFunc(pprof.Trace)))
	prof.GET("/", echo.WrapHandler(http.HandlerFunc(pprof.Index)))
	prof.GET("/*", echo.WrapHandler(http.HandlerFunc(pprof.Index))) // heap, goroutine, allocs, block, mutex…
}

type drainResponse struct {
	Drained     bool `json:"drained"`     // every socket and stream has gone
	Connections int  `json:"connections"` // still open when the answer was written
}

// adminDrain: POST /api/admin/drain. The instance stops taking requests, rooms and
// sockets (503, so a load balancer and the clients' reconnects go elsewhere), tells
// every socket to reconnect (close 4001), finishes the writes it has queued, and
// answers once every socket has gone or drainTimeout has passed. The process keeps
// running, answering 503, until it is stopped.
func (s *Server) adminDrain(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), drainTimeout)
	defer cancel()
	err := s.Shutdown(ctx)
	s.streamMu.Lock()
	open := s.streams
	s.streamMu.Unlock()
	logger(c).Info("instance drained by the operator", "open", open, "err", err)
	return c.JSON(http.StatusOK, drainResponse{Drained: err == nil && open == 0, Connections: open})
}

// adminBackup: GET /api/admin/backup streams a consistent copy of the store (the
// embedded store's file) while the instance serves. A copy cut short by an error ends
// the stream early: `debate backup` checks what it received before keeping it.
func (s *Server) adminBackup(c echo.Context) error {
	if s.cfg.Backup == nil {
		return fault.T(fault.NotFound, "fault.server.noBackupHere")
	}
	w := c.Response()
	w.Header().Set(echo.HeaderContentType, "application/octet-stream")
	w.Header().Set(echo.HeaderContentDisposition, `attachment; filename="debate-`+s.cfg.Clock.Now().UTC().Format("20060102-150405")+`.db"`)
	n, err := s.cfg.Backup(c.Request().Context(), w, func(size int64) {
		w.Header().Set(echo.HeaderContentLength, strconv.FormatInt(size, 10))
		w.WriteHeader(http.StatusOK)
	})
	if !w.Committed {
		return err // failed before the first byte: an ordinary error answer
	}
	if err != nil {
		logger(c).Error("backup failed", "bytes", n, "err", err)
		return nil // the status is written; the short stream is the signal
	}
	logger(c).Info("backup taken by the operator", "bytes", n)
	return nil
}
