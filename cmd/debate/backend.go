package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/time/rate"

	"github.com/classroom-debate/debate/engine"
	"github.com/classroom-debate/debate/store/embedded"
	redisstore "github.com/classroom-debate/debate/store/redis"
)

// backend is the store a server runs on: the engine's ports, the server's shared
// limiters, and what the sweep and readiness need. The embedded store keeps one
// instance's rooms in a bbolt file; Redis lets any number of instances share them.
type backend struct {
	name  string // "embedded" or "redis", for the log
	ports engine.Config
	// limiter makes one of the server's rate limiters (name tells them apart in a
	// shared store); blocks is the wrong-code blocklist. On Redis both are shared by
	// every instance, so a limit or a block holds whichever instance a client reaches.
	limiter   func(name string, r rate.Limit, burst int) engine.Limiter
	blocks    engine.Blocklist
	backup    func(ctx context.Context, w io.Writer, size func(int64)) (int64, error) // nil: back up Redis itself
	sweepCred func(ctx context.Context, now time.Time) (int, error)                   // nil: credentials expire by themselves
	close     func() error
}

// openBackend opens Redis when --redis-url is set, the embedded store otherwise.
// onCommit, when set, is told how many writes each commit of the embedded store carried
// (for the metrics).
func openBackend(ctx context.Context, cfg serveConfig, log *slog.Logger, onCommit func(int)) (*backend, error) {
	if cfg.redisURL != "" {
		return openRedis(ctx, cfg, log)
	}
	if err := os.MkdirAll(cfg.dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	st, err := embedded.Open(filepath.Join(cfg.dataDir, "debate.db"), embedded.Options{OnCommit: onCommit})
	if err != nil {
		return nil, err
	}
	return &backend{
		name: "embedded",
		ports: engine.Config{
			Log:         st.Log(),
			Notifier:    embedded.NewNotifier(),
			Directory:   st.Directory(),
			Credentials: st.Credentials(),
			Presence:    embedded.NewPresence(),
		},
		limiter: func(_ string, r rate.Limit, burst int) engine.Limiter {
			return embedded.NewLimiter(r, burst)
		},
		blocks:    embedded.NewBlocklist(nil),
		backup:    st.Backup,
		sweepCred: st.Credentials().Sweep,
		close:     st.Close,
	}, nil
}

// openRedis connects to Redis. Every port, limiter and the blocklist are shared by all
// instances on the same Redis, so a block or a rate limit holds whichever instance the
// load balancer picks. The durability settings are not required to start (the server
// then serves, but /readyz says why it is not ready), so an operator sees the reason
// instead of a crash loop.
func openRedis(ctx context.Context, cfg serveConfig, log *slog.Logger) (*backend, error) {
	octx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	st, err := redisstore.Open(octx, redisstore.Options{
		URL:                 cfg.redisURL,
		KeyPrefix:           cfg.redisPrefix,
		Logger:              log,
		AllowWeakDurability: cfg.redisAllowWeak,
	})
	if err != nil {
		return nil, fmt.Errorf("redis: %w", err)
	}
	if err := st.CheckDurability(octx); err != nil {
		log.Warn("redis can lose acknowledged commands; /readyz answers 503 until it is fixed", "err", err)
	}
	return &backend{
		name: "redis",
		ports: engine.Config{
			Log:          st.Log(),
			Notifier:     st.Notifier(),
			Directory:    st.Directory(),
			Credentials:  st.Credentials(),
			Presence:     st.Presence(),
			Epochs:       st,
			CheckStorage: st.CheckDurability,
		},
		limiter: st.Limiter,
		blocks:  st.Blocklist(),
		close:   st.Close,
	}, nil
}
