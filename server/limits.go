package server

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"

	"github.com/classroom-debate/debate/engine"
	"github.com/classroom-debate/debate/fault"
)

// tooMany is a rate_limited refusal that knows when the client may come back: the
// edge sends it as Retry-After, so every 429 says truly when to retry.
type tooMany struct {
	fe    *fault.Error
	after time.Duration
}

func (e *tooMany) Error() string { return e.fe.Error() }
func (e *tooMany) Unwrap() error { return e.fe }

// retryAfterSeconds is the Retry-After of a refusal: whole seconds, rounded up (a
// client that waits that long is allowed), at least 1.
func retryAfterSeconds(err error) string {
	secs := 1
	var tm *tooMany
	if errors.As(err, &tm) && tm.after > 0 {
		secs = max(1, int(math.Ceil(tm.after.Seconds())))
	}
	return strconv.Itoa(secs)
}

// setRetryAfter sets Retry-After on a 429 answer.
func setRetryAfter(c echo.Context, status int, err error) {
	if status == http.StatusTooManyRequests {
		c.Response().Header().Set("Retry-After", retryAfterSeconds(err))
	}
}

// limited is the refusal of limiter l for key: the wait is what the limiter says
// (engine.LimiterRetry), or, for a limiter that cannot say, the time its bucket takes to
// refill one request at its configured rate (an upper bound once it has refused).
func (s *Server) limited(ctx context.Context, l engine.Limiter, key string, configured rate.Limit, fe *fault.Error) error {
	wait := time.Duration(0)
	if lr, ok := l.(engine.LimiterRetry); ok {
		if d, err := lr.RetryAfter(ctx, key); err == nil {
			wait = d
		}
	}
	if wait <= 0 && configured > 0 && configured != rate.Inf {
		wait = time.Duration(float64(time.Second) / float64(configured))
	}
	return &tooMany{fe: fe, after: wait}
}

// blocked is the refusal of an address under a join block: the wait is what is left of
// the block (engine.BlocklistRetry), or the whole block's length.
func (s *Server) blocked(ctx context.Context, addr string) error {
	wait := s.cfg.BlockFor
	if br, ok := s.cfg.Limits.Blocks.(engine.BlocklistRetry); ok {
		if d, err := br.BlockedFor(ctx, "joins:"+addr); err == nil && d > 0 {
			wait = d
		}
	}
	return &tooMany{fe: errTooManyJoins, after: wait}
}

// allowConnect counts one socket or stream opened from the client's address.
func (s *Server) allowConnect(c echo.Context) error {
	return s.allow(c.Request().Context(), s.cfg.Limits.Connects, "connect:"+clientKey(c), s.cfg.ConnectRate)
}
