package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/classroom-debate/debate/clock"
	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/engine"
	"github.com/classroom-debate/debate/server"
	redisstore "github.com/classroom-debate/debate/store/redis"
)

// serveConfig is everything `debate serve` reads from flags and the environment.
type serveConfig struct {
	addr            string
	dataDir         string
	allowedOrigins  []string
	publicURL       string
	trustedProxies  []*net.IPNet
	retention       time.Duration
	teacherCode     string
	adminToken      string
	logFormat       string
	logLevel        slog.Level
	shutdownTimeout time.Duration
	redisURL        string
	redisPrefix     string
	redisAllowWeak  bool
	limits          limitConfig // rate limits and caps (limits.go)
	metrics         bool        // serve /metrics
}

// parseServe reads flags, each with an environment fallback (DEBATE_<FLAG>); a flag wins
// over its variable. Errors name the flag.
func parseServe(args []string, stderr io.Writer) (serveConfig, error) {
	fs := flag.NewFlagSet("debate serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	env := func(name, def string) string {
		if v, ok := os.LookupEnv(name); ok {
			return v
		}
		return def
	}
	addr := fs.String("addr", env("DEBATE_ADDR", ":8080"), "address to listen on (DEBATE_ADDR)")
	dataDir := fs.String("data-dir", env("DEBATE_DATA_DIR", "./data"), "directory for the embedded database (DEBATE_DATA_DIR)")
	origins := fs.String("allowed-origins", env("DEBATE_ALLOWED_ORIGINS", ""), "comma-separated browser origins allowed to open sockets; empty: this host only; * for any (DEBATE_ALLOWED_ORIGINS)")
	publicURL := fs.String("public-url", env("DEBATE_PUBLIC_URL", ""), "the URL students use, for join links; empty: the teacher's page's host, or this machine's LAN address when that is localhost (DEBATE_PUBLIC_URL)")
	proxies := fs.String("trusted-proxies", env("DEBATE_TRUSTED_PROXIES", ""), "comma-separated CIDRs of reverse proxies whose X-Forwarded-For is believed (DEBATE_TRUSTED_PROXIES)")
	retention := fs.String("retention", env("DEBATE_RETENTION", "720h"), "delete rooms this long after their last activity (DEBATE_RETENTION)")
	teacherCode := fs.String("teacher-code", env("DEBATE_TEACHER_CODE", ""), "if set, creating a room needs this code (DEBATE_TEACHER_CODE)")
	adminToken := fs.String("admin-token", env("DEBATE_ADMIN_TOKEN", ""), "if set, enables /api/admin with this bearer token (DEBATE_ADMIN_TOKEN)")
	logFormat := fs.String("log-format", env("DEBATE_LOG_FORMAT", "text"), "text or json (DEBATE_LOG_FORMAT)")
	logLevel := fs.String("log-level", env("DEBATE_LOG_LEVEL", "info"), "debug, info, warn or error (DEBATE_LOG_LEVEL)")
	shutdown := fs.String("shutdown-timeout", env("DEBATE_SHUTDOWN_TIMEOUT", "15s"), "how long a graceful shutdown may take (DEBATE_SHUTDOWN_TIMEOUT)")
	redisURL := fs.String("redis-url", env("DEBATE_REDIS_URL", ""), "Redis to share rooms with other instances: redis://host:6379, redis+sentinel://…, redis+cluster://host:7000,host:7001; empty: the embedded store in --data-dir (DEBATE_REDIS_URL)")
	redisPrefix := fs.String("redis-prefix", env("DEBATE_REDIS_PREFIX", redisstore.DefaultKeyPrefix), "prefix of every Redis key, so several deployments can share one Redis (DEBATE_REDIS_PREFIX)")
	weakEnv := env("DEBATE_REDIS_ALLOW_WEAK_DURABILITY", "")
	if weakEnv == "" {
		weakEnv = "false"
	}
	weakDefault, weakErr := strconv.ParseBool(weakEnv)
	redisWeak := fs.Bool("redis-allow-weak-durability", weakDefault, "accept a Redis without appendonly yes, appendfsync always and maxmemory-policy noeviction, which can lose acknowledged commands (DEBATE_REDIS_ALLOW_WEAK_DURABILITY)")
	readLimits := limitFlags(fs, env)
	metrics := fs.Bool("metrics", env("DEBATE_METRICS", "true") == "true", "serve Prometheus metrics at /metrics, behind the admin token when one is set (DEBATE_METRICS)")
	if err := fs.Parse(args); err != nil {
		return serveConfig{}, err
	}
	if fs.NArg() > 0 {
		return serveConfig{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	cfg := serveConfig{addr: *addr, dataDir: *dataDir, teacherCode: *teacherCode, adminToken: *adminToken}
	var err error
	if cfg.addr == "" {
		return cfg, errors.New("--addr: empty")
	}
	if cfg.dataDir == "" {
		return cfg, errors.New("--data-dir: empty")
	}
	cfg.redisURL, cfg.redisPrefix = *redisURL, *redisPrefix
	if cfg.redisURL != "" {
		if _, perr := redisstore.ParseURL(cfg.redisURL); perr != nil {
			return cfg, fmt.Errorf("--redis-url: %v", perr)
		}
		if cfg.redisPrefix == "" || strings.ContainsAny(cfg.redisPrefix, "{}") {
			return cfg, fmt.Errorf("--redis-prefix: %q must be non-empty and without braces", cfg.redisPrefix)
		}
	}
	if weakErr != nil && !flagSet(fs, "redis-allow-weak-durability") {
		return cfg, fmt.Errorf("DEBATE_REDIS_ALLOW_WEAK_DURABILITY: %q is neither true nor false", weakEnv)
	}
	cfg.redisAllowWeak = *redisWeak
	for _, o := range splitList(*origins) {
		if o != "*" {
			u, perr := url.Parse(o)
			if perr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
				return cfg, fmt.Errorf("--allowed-origins: %q is not an origin like https://debate.example.org", o)
			}
		}
		cfg.allowedOrigins = append(cfg.allowedOrigins, strings.TrimRight(o, "/"))
	}
	if *publicURL != "" {
		u, perr := url.Parse(*publicURL)
		if perr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return cfg, fmt.Errorf("--public-url: %q is not an http(s) URL", *publicURL)
		}
		cfg.publicURL = *publicURL
	}
	for _, p := range splitList(*proxies) {
		if !strings.Contains(p, "/") {
			if ip := net.ParseIP(p); ip != nil && ip.To4() != nil {
				p += "/32"
			} else {
				p += "/128"
			}
		}
		_, n, perr := net.ParseCIDR(p)
		if perr != nil {
			return cfg, fmt.Errorf("--trusted-proxies: %q is not a CIDR like 10.0.0.0/8", p)
		}
		cfg.trustedProxies = append(cfg.trustedProxies, n)
	}
	if cfg.retention, err = time.ParseDuration(*retention); err != nil || cfg.retention <= 0 {
		return cfg, fmt.Errorf("--retention: %q is not a positive duration like 720h", *retention)
	}
	if cfg.shutdownTimeout, err = time.ParseDuration(*shutdown); err != nil || cfg.shutdownTimeout <= 0 {
		return cfg, fmt.Errorf("--shutdown-timeout: %q is not a positive duration like 15s", *shutdown)
	}
	switch *logFormat {
	case "text", "json":
		cfg.logFormat = *logFormat
	default:
		return cfg, fmt.Errorf("--log-format: %q is neither text nor json", *logFormat)
	}
	if err := cfg.logLevel.UnmarshalText([]byte(*logLevel)); err != nil {
		return cfg, fmt.Errorf("--log-level: %q is not debug, info, warn or error", *logLevel)
	}
	cfg.metrics = *metrics
	if cfg.limits, err = readLimits(); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// flagSet reports whether a flag was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// runServe runs the server until SIGINT or SIGTERM, then shuts down gracefully:
// sockets are told to reconnect (close code 4001), writes finish, the store closes.
func runServe(args []string, stdout, stderr io.Writer) int {
	cfg, err := parseServe(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "debate serve: %v\n", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, cfg, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "debate serve: %v\n", err)
		return 1
	}
	return 0
}

func serve(ctx context.Context, cfg serveConfig, stdout, stderr io.Writer) error {
	opts := &slog.HandlerOptions{Level: cfg.logLevel}
	var handler slog.Handler = slog.NewTextHandler(stderr, opts)
	if cfg.logFormat == "json" {
		handler = slog.NewJSONHandler(stderr, opts)
	}
	log := slog.New(handler)

	var metrics *server.Metrics
	var observer engine.Observer
	var onCommit func(int)
	if cfg.metrics {
		metrics = server.NewMetrics()
		observer, onCommit = metrics, metrics.StoreCommit
	}
	store, err := openBackend(ctx, cfg, log, onCommit)
	if err != nil {
		return err
	}
	defer store.close()

	instance, _ := os.Hostname()
	ports := store.ports
	ports.Observer = observer
	ports.Scenario = economy.Default()
	ports.Clock = clock.Real{}
	ports.Logger = log
	ports.Retention = cfg.retention
	hub, err := engine.New(ports)
	if err != nil {
		return err
	}
	if err := hub.Start(ctx); err != nil {
		return err
	}
	srvCfg := server.Config{
		Hub:            hub,
		AllowedOrigins: cfg.allowedOrigins,
		PublicURL:      cfg.publicURL,
		TrustedProxies: cfg.trustedProxies,
		TeacherCode:    cfg.teacherCode,
		AdminToken:     cfg.adminToken,
		Logger:         log,
		Instance:       instance,
		Metrics:        metrics,
		Backup:         store.backup,
	}
	cfg.limits.apply(&srvCfg, store)
	srv := server.New(srvCfg)

	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	httpSrv := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(handler, slog.LevelDebug),
	}
	served := make(chan error, 1)
	go func() { served <- httpSrv.Serve(ln) }()
	fmt.Fprintf(stdout, "debate: listening on %s\n", listenURL(ln.Addr()))
	where := cfg.dataDir
	if store.name == "redis" {
		where = "redis" // the URL may hold a password
	}
	log.Info("listening", "addr", ln.Addr().String(), "store", store.name, "data", where,
		"gated", cfg.teacherCode != "", "admin", cfg.adminToken != "")

	sweepDone := make(chan struct{})
	sweepCtx, stopSweep := context.WithCancel(context.Background())
	go func() {
		defer close(sweepDone)
		sweep(sweepCtx, hub, store.sweepCred, log)
	}()

	select {
	case err := <-served:
		stopSweep()
		<-sweepDone
		_ = hub.Shutdown(context.Background())
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	stopSweep()
	<-sweepDone
	sctx, cancel := context.WithTimeout(context.Background(), cfg.shutdownTimeout)
	defer cancel()
	// The listener closes at once; sockets and streams end with CloseRestart as the hub
	// shuts down, and HTTP requests in flight finish.
	httpDone := make(chan error, 1)
	go func() { httpDone <- httpSrv.Shutdown(sctx) }()
	serr := srv.Shutdown(sctx)
	herr := <-httpDone
	if serr != nil || herr != nil {
		log.Warn("shutdown did not finish cleanly", "server", serr, "http", herr)
		return errors.Join(serr, herr)
	}
	log.Info("stopped")
	return nil
}

// sweep deletes rooms past retention (with every key or record of theirs in the store:
// log, epoch, directory entry, credentials) and expired tickets, at start and hourly.
// With Redis every instance sweeps; deleting a room twice is harmless. sweepCred is nil
// when the store expires credentials by itself.
func sweep(ctx context.Context, hub *engine.Hub, sweepCred func(context.Context, time.Time) (int, error), log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		n, err := hub.Sweep(ctx)
		if err != nil && ctx.Err() == nil {
			log.Warn("retention sweep failed", "err", err)
		} else if n > 0 {
			log.Info("retention sweep deleted rooms", "rooms", n)
		}
		if sweepCred != nil {
			if _, err := sweepCred(ctx, time.Now()); err != nil && ctx.Err() == nil {
				log.Warn("expired credential sweep failed", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// listenURL is the address to print: a wildcard listen address is shown as localhost.
func listenURL(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}
