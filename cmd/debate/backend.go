package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/classroom-debate/debate/engine"
	"github.com/classroom-debate/debate/server"
	"github.com/classroom-debate/debate/store/embedded"
	redisstore "github.com/classroom-debate/debate/store/redis"
)

// backend is the store a server runs on: the engine's ports, the server's shared
// limiters, and what the sweep and readiness need. The embedded store keeps one
// instance's rooms in a bbolt file; Redis lets any number of instances share them.
type backend struct {
	name      string // "embedded" or "redis", for the log
	ports     engine.Config
	limits    server.Limits
	sweepCred func(ctx context.Context, now time.Time) (int, error) // nil: credentials expire by themselves
	close     func() error
}

// openBackend opens Redis when --redis-url is set, the embedded store otherwise.
func openBackend(ctx context.Context, cfg serveConfig, log *slog.Logger) (*backend, error) {
	if cfg.redisURL != "" {
		return openRedis(ctx, cfg, log)
	}
	if err := os.MkdirAll(cfg.dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	st, err := embedded.Open(filepath.Join(cfg.dataDir, "debate.db"), embedded.Options{})
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
		limits: server.Limits{
			Joins:      embedded.NewLimiter(server.JoinRate, server.JoinBurst),
			WrongCodes: embedded.NewLimiter(server.WrongCodeRate, server.WrongCodeBurst),
			Creates:    embedded.NewLimiter(server.CreateRate, server.CreateBurst),
			Commands:   embedded.NewLimiter(server.CommandRate, server.CommandBurst),
			Connects:   embedded.NewLimiter(server.ConnectRate, server.ConnectBurst),
			Blocks:     embedded.NewBlocklist(nil),
		},
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
		limits: server.Limits{
			Joins:      st.Limiter("joins", server.JoinRate, server.JoinBurst),
			WrongCodes: st.Limiter("wrong-codes", server.WrongCodeRate, server.WrongCodeBurst),
			Creates:    st.Limiter("creates", server.CreateRate, server.CreateBurst),
			Commands:   st.Limiter("commands", server.CommandRate, server.CommandBurst),
			Connects:   st.Limiter("connects", server.ConnectRate, server.ConnectBurst),
			Blocks:     st.Blocklist(),
		},
		close: st.Close,
	}, nil
}
