// Package server owns the network edge: the Echo HTTP routes, the WebSocket connections
// (one read pump and one write pump each) and the Server-Sent Events fallback, the
// per-address and per-connection rate limits, origin checks, and the one place where a
// fault code becomes an HTTP status. It talks to rooms only through *engine.Hub and
// imports engine, protocol, room, fault and clock; it knows nothing of storage.
package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"github.com/classroom-debate/debate/clock"
	"github.com/classroom-debate/debate/engine"
	"github.com/classroom-debate/debate/fault"
)

// Limits are the shared rate limiters, keyed per client address or per session. A nil
// limiter does not limit. cmd/debate wires in-process ones (or Redis ones, so that
// several instances share the counts).
type Limits struct {
	// Joins counts every join attempt per address. It must allow a whole class behind
	// one school NAT to join at once (a burst of well over 60).
	Joins engine.Limiter
	// WrongCodes counts join attempts with a code that names no room, per address.
	// When it refuses, the address is blocked for Config.BlockFor: every join from it
	// gets 429, right code or wrong, so the block says nothing about which codes exist.
	WrongCodes engine.Limiter
	// Creates counts room creations per address.
	Creates engine.Limiter
	// RoomJoins counts join attempts per room code, from every address: it bounds how
	// fast one room fills, so the per-address budget can be large enough for a whole
	// school behind one address. Nil: no per-room limit.
	RoomJoins engine.Limiter
	// Commands counts commands sent by HTTP POST (the SSE fallback), per session.
	// WebSocket connections have their own per-connection limiter (CommandRate).
	Commands engine.Limiter
	// Connects counts WebSockets and SSE streams opened per address: a client stuck in a
	// reconnect loop must not slow everyone else's sockets. Built from Config.ConnectRate
	// and ConnectBurst.
	Connects engine.Limiter
	// Blocks holds the addresses WrongCodes has refused, for Config.BlockFor. Nil
	// blocks nobody (WrongCodes still refuses while its bucket is empty).
	Blocks engine.Blocklist
}

// Default limits, per client address (Joins, WrongCodes, Creates) or per session
// (Commands): a rate per second and a burst. Joins let two classes behind one school NAT
// join at once; wrong codes allow a class's typos, not a search of the code space
// (29^8 codes). cmd/debate builds its limiters from these.
//
// Joins per address allow 1,000 students behind one school address to join in under
// 30 s (a burst of 300, then 30/s); each room takes a whole class at once (200, the
// largest room) and then 5/s. Wrong codes are counted on their own, so the large join
// budget buys no guesses.
const (
	JoinRate       = 30
	JoinBurst      = 300
	RoomJoinRate   = 5
	RoomJoinBurst  = 200
	WrongCodeRate  = 1.0 / 3
	WrongCodeBurst = 30
	CreateRate     = 0.2
	CreateBurst    = 20
	CommandRate    = 20
	CommandBurst   = 40
	// Sockets and streams opened per address: as joins, so a school's classes behind one
	// NAT address connect (or reconnect after a restart) at once, while a client stuck
	// in a reconnect loop is held to a steady rate.
	ConnectRate  = 30
	ConnectBurst = 300
)

// Config wires a Server. Hub is required; every zero duration or rate gets the default
// noted beside it.
type Config struct {
	Hub    *engine.Hub
	Limits Limits
	// AllowedOrigins are the browser origins ("https://debate.school.example") that may
	// open a WebSocket. Empty: only pages served from the request's own host. "*": any.
	AllowedOrigins []string
	// PublicURL is the server's address as students reach it, for join links. Empty:
	// taken from each create request.
	PublicURL string
	// LANAddrs is this machine's LAN addresses, for join links when the teacher's page
	// is on a loopback address and PublicURL is empty. Nil: SystemLANAddrs.
	LANAddrs LANAddrs
	// TrustedProxies are the networks whose X-Forwarded-For is believed. Empty: the
	// client address is the TCP peer.
	TrustedProxies []*net.IPNet
	// TeacherCode, when set, must be sent as gateCode to create a room.
	TeacherCode string
	// AdminToken, when set, enables the operator routes under /api/admin.
	AdminToken string
	Logger     *slog.Logger // nil: slog.Default()
	Clock      clock.Clock  // nil: clock.Real{}; used for rate limits and join blocks
	Instance   string       // this instance's name, shown in welcome frames

	HelloTimeout  time.Duration // 10 s: a socket must say hello within this
	PongWait      time.Duration // 60 s: a socket silent this long is dropped; pings go at 9/10 of it
	WriteWait     time.Duration // 10 s: deadline of each write
	Heartbeat     time.Duration // 15 s: SSE comment interval, so proxies keep the stream open
	CommandRate   rate.Limit    // 20/s per WebSocket connection
	CommandBurst  int           // 40
	FloodRefusals int           // 200: refused messages in a row that close a socket
	BlockFor      time.Duration // 1 min: how long an address that guessed codes is blocked
	ReplyQueue    int           // 64: acks and errors a socket may have waiting to be written
	// ConnectRate and ConnectBurst are the numbers of Limits.Connects, per address
	// (cmd/debate builds it from them; Retry-After falls back on the rate).
	ConnectRate  rate.Limit // 30/s (ConnectRate)
	ConnectBurst int        // 300 (ConnectBurst)

	// CommandsInFlight is how many messages a WebSocket may have waiting for their
	// answer (8); answers come in the order the messages were sent.
	CommandsInFlight int

	// Caps of this instance; 0: no cap. Past one, the request is refused with
	// at_capacity (503, Retry-After), never queued.
	MaxRooms                 int // live rooms: past it, creating a room is refused
	MaxConnections           int // open WebSockets and SSE streams
	MaxConnectionsPerAddress int // open WebSockets and SSE streams from one client address

	// Metrics, when set, are served at /metrics (behind AdminToken when one is set) and
	// count connections and refusals; the same value is the engine's Observer.
	Metrics *Metrics
	// Backup, when set, writes a consistent copy of the store while it serves, for
	// GET /api/admin/backup (the embedded store's Store.Backup); it calls size with
	// the copy's length before writing.
	Backup func(ctx context.Context, w io.Writer, size func(int64)) (int64, error)
	// MaxBotsPerRoom is how many student bots a teacher may add to their room to try
	// the game (POST /api/rooms/:code/bots); 0: the route refuses.
	MaxBotsPerRoom int
}

// Server serves the HTTP API, WebSockets and SSE streams for one Hub.
type Server struct {
	cfg  Config
	hub  *engine.Hub
	log  *slog.Logger
	echo *echo.Echo

	draining atomic.Bool

	links  joinLinks  // the join links of rooms and their QR codes
	models readModels // scores, year reports and debrief, memoised per room by last seq
	bots   botRuns    // rooms playing with bots (bots.go)

	writeRoutes map[string]bool // "POST /api/rooms": the routes guardWrites guards

	streamMu sync.Mutex
	streams  int            // live WebSocket and SSE connections
	perAddr  map[string]int // live connections per client address (clientKey), when capped
	idle     chan struct{}  // closed when streams drops to 0 during Shutdown

}

// New returns a Server for cfg.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real{}
	}
	setDefault(&cfg.HelloTimeout, 10*time.Second)
	setDefault(&cfg.PongWait, 60*time.Second)
	setDefault(&cfg.WriteWait, 10*time.Second)
	setDefault(&cfg.Heartbeat, 15*time.Second)
	setDefault(&cfg.BlockFor, time.Minute)
	if cfg.CommandRate <= 0 {
		cfg.CommandRate = CommandRate
	}
	if cfg.CommandBurst <= 0 {
		cfg.CommandBurst = CommandBurst
	}
	if cfg.FloodRefusals <= 0 {
		cfg.FloodRefusals = 200
	}
	if cfg.ConnectRate <= 0 {
		cfg.ConnectRate = ConnectRate
	}
	if cfg.ConnectBurst <= 0 {
		cfg.ConnectBurst = ConnectBurst
	}
	if cfg.ReplyQueue <= 0 {
		cfg.ReplyQueue = 64
	}
	if cfg.CommandsInFlight <= 0 {
		cfg.CommandsInFlight = 8
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	s := &Server{cfg: cfg, hub: cfg.Hub, log: cfg.Logger, links: joinLinks{public: cfg.PublicURL, lan: cfg.LANAddrs}}
	s.echo = s.routes()
	return s
}

func setDefault(d *time.Duration, v time.Duration) {
	if *d <= 0 {
		*d = v
	}
}

// Handler returns the HTTP handler (an *echo.Echo).
func (s *Server) Handler() http.Handler { return s.echo }

// Shutdown stops taking new requests and sockets (they get 503 unavailable), shuts the
// hub down (every feed ends with protocol.CloseRestart, so clients reconnect and
// resume), and waits until every socket and stream has written its last frames, or ctx
// ends.
func (s *Server) Shutdown(ctx context.Context) error {
	s.streamMu.Lock()
	s.draining.Store(true)
	if s.idle == nil {
		s.idle = make(chan struct{})
		if s.streams == 0 {
			close(s.idle)
		}
	}
	idle := s.idle
	s.streamMu.Unlock()
	s.bots.stop()
	herr := s.hub.Shutdown(ctx)
	select {
	case <-idle:
		return herr
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Server) endStream() {
	s.streamMu.Lock()
	defer s.streamMu.Unlock()
	s.streams--
	if s.streams == 0 && s.idle != nil {
		close(s.idle)
	}
}

var errDraining = fault.T(fault.Unavailable, "fault.server.restartingTryAgain")

func (s *Server) routes() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = ipExtractor(s.cfg.TrustedProxies)
	e.Use(s.requestLog)
	e.Use(s.guardWrites)
	if len(s.cfg.AllowedOrigins) > 0 {
		// A web client served from another origin calls the API with fetch; it sends
		// credentials in the Authorization header, never cookies, so no credentials mode.
		e.Use(middleware.CORSWithConfig(middleware.CORSConfig{
			AllowOrigins:  s.cfg.AllowedOrigins,
			AllowMethods:  []string{http.MethodGet, http.MethodPost, http.MethodDelete},
			AllowHeaders:  []string{"Authorization", "Content-Type", "Last-Event-ID"},
			ExposeHeaders: []string{echo.HeaderXRequestID, "Retry-After"},
			MaxAge:        600,
		}))
	}

	if s.cfg.Metrics != nil {
		s.cfg.Metrics.WatchRooms(s.hub)
		e.GET("/metrics", s.cfg.Metrics.handler(), s.adminIfSet)
	}
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)

	api := e.Group("/api", s.refuseWhileDraining)
	api.POST("/rooms", s.createRoom)
	api.POST("/rooms/:code/join", s.join)
	api.GET("/rooms/:code/exists", s.codeExists)
	api.POST("/rooms/:code/rejoin", s.rejoin)
	api.POST("/rooms/:code/players/:playerId/rejoin-code", s.rejoinCode)
	api.POST("/rooms/:code/tickets", s.ticket)
	api.POST("/rooms/:code/bots", s.addBots)
	api.GET("/rooms/:code/ws", s.websocket)
	api.GET("/rooms/:code/events", s.events)
	api.POST("/rooms/:code/commands", s.command)
	api.DELETE("/rooms/:code", s.deleteRoom)
	api.GET("/rooms/:code/exports/:file", s.exportFile)
	api.GET("/rooms/:code/years/:year/report", s.yearReport)
	api.GET("/rooms/:code/debrief", s.debrief)
	api.GET("/rooms/:code/experiments", s.experimentsRoute)
	api.GET("/rooms/:code/briefing", s.roomBriefing)
	api.GET("/rooms/:code/cards", s.roomCards)
	if s.cfg.AdminToken != "" {
		admin := api.Group("/admin", s.requireAdmin)
		admin.GET("/rooms", s.adminRooms)
		admin.DELETE("/rooms/:roomId", s.adminDeleteRoom)
		s.adminRoutes(e, admin)
	}
	RegisterWeb(e, WebConfig{Hub: s.hub, PublicURL: s.cfg.PublicURL, LANAddrs: s.cfg.LANAddrs})
	s.writeRoutes = stateChanging(e)
	return e
}

// ipExtractor believes X-Forwarded-For only from the trusted proxies. Echo would by
// default also trust every private and loopback address, which on a school LAN is
// every client: a student could then pick their own address and dodge the join limits.
func ipExtractor(trusted []*net.IPNet) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

type ctxKey int

const loggerKey ctxKey = iota

// requestLog gives each request an id and a logger carrying it, and writes an access
// line at debug level. It logs the route pattern, never the raw URL: an SSE URL carries
// a ticket. Addresses are logged at debug only.
func (s *Server) requestLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		id := req.Header.Get(echo.HeaderXRequestID)
		if !validRequestID(id) {
			id = newRequestID()
		}
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		log := s.log.With("req", id)
		c.Set("log", log)
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		if s.log.Enabled(req.Context(), slog.LevelDebug) {
			log.Debug("request", "method", req.Method, "route", c.Path(), "status", c.Response().Status,
				"ms", time.Since(start).Milliseconds(), "addr", c.RealIP())
		}
		return nil
	}
}

// validRequestID accepts a proxy's request id only when it is a plain token: 1–64
// letters, digits, '-', '_', '.' or ':' (a UUID, a trace id). Anything else is replaced,
// so no markup, quotes or separators are echoed into responses and logs.
func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == ':') {
			return false
		}
	}
	return true
}

func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// logger returns the request's logger.
func logger(c echo.Context) *slog.Logger {
	if l, ok := c.Get("log").(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}

func (s *Server) refuseWhileDraining(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.draining.Load() {
			return errDraining
		}
		return next(c)
	}
}

func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) readyz(c echo.Context) error {
	if s.draining.Load() {
		return fault.T(fault.Unavailable, "fault.server.shuttingDown")
	}
	if err := s.hub.Ready(c.Request().Context()); err != nil {
		return asUnavailable(err)
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}

func asUnavailable(err error) error {
	if fe := fault.As(err); fe.Code == fault.Unavailable {
		return fe
	}
	return fault.T(fault.Unavailable, "fault.server.notReady")
}
