package server_test

import (
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/classroom-debate/debate/client"
	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/server"
	"github.com/classroom-debate/debate/store/embedded"
)

// A school behind one address: 1,000 students join ten rooms within 30 s of the
// limiters' clock, all from the test's one address, at the default limits. Guessing
// codes from that same address is still blocked after the wrong-code budget.
func TestSchoolJoinsFromOneAddress(t *testing.T) {
	ts := newServer(t, nil)
	const rooms, perRoom = 10, 100
	codes := make([]string, rooms)
	for i := range codes {
		codes[i] = ts.room(`{"maxPlayers":200}`).Code
	}
	// One join per room every 300 ms: 1,000 joins over 30 s.
	for round := 0; round < perRoom; round++ {
		ts.clock.Advance(300 * time.Millisecond)
		var wg sync.WaitGroup
		errs := make([]error, rooms)
		for r, code := range codes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[r] = ts.client.Join(ctxT(t), code, fmt.Sprintf("s%d", round))
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatalf("round %d (%d joins so far): %v", round, round*rooms, err)
		}
	}
	for i := 0; i < server.WrongCodeBurst; i++ {
		status, body := ts.do("POST", fmt.Sprintf("/api/rooms/WRNG%04d/join", i), "", `{"nickname":"x"}`)
		wantError(t, status, body, 404, fault.NotFound)
	}
	status, body := ts.do("POST", "/api/rooms/WRNGWRNG/join", "", `{"nickname":"x"}`)
	wantError(t, status, body, 429, fault.RateLimited)
	status, body = ts.do("POST", "/api/rooms/"+codes[0]+"/join", "", `{"nickname":"late"}`)
	wantError(t, status, body, 429, fault.RateLimited)
}

// One room fills at its own pace, whoever joins: past its burst it refuses, while
// another room still takes players.
func TestRoomJoinLimit(t *testing.T) {
	ts := newServer(t, func(c *server.Config) {
		c.Limits.RoomJoins = embedded.NewLimiter(1, 3, embedded.WithClock(c.Clock.Now))
	})
	a, b := ts.room(""), ts.room("")
	for i := 0; i < 3; i++ {
		ts.join(a.Code, fmt.Sprintf("a%d", i))
	}
	_, err := ts.client.Join(ctxT(t), a.Code, "a3")
	wantFault(t, err, fault.RateLimited)
	// The same room spelt another way shares the bucket.
	_, err = ts.client.Join(ctxT(t), a.Code[:4]+"-"+a.Code[4:], "a3")
	wantFault(t, err, fault.RateLimited)
	ts.join(b.Code, "b0")
	ts.clock.Advance(time.Second)
	ts.join(a.Code, "a3")
}

func TestRoomCap(t *testing.T) {
	ts := newServer(t, func(c *server.Config) { c.MaxRooms = 2 })
	ts.room("")
	ts.room("")
	status, body := ts.do("POST", "/api/rooms", "", "")
	wantError(t, status, body, http.StatusServiceUnavailable, fault.AtCapacity)
}

func TestConnectionCaps(t *testing.T) {
	for _, perAddress := range []bool{false, true} {
		t.Run(fmt.Sprintf("perAddress=%v", perAddress), func(t *testing.T) {
			ts := newServer(t, func(c *server.Config) {
				if perAddress {
					c.MaxConnectionsPerAddress = 2
				} else {
					c.MaxConnections = 2
				}
			})
			r := ts.room("")
			first := ts.dial(r.Code, r.TeacherKey)
			ts.dial(r.Code, r.ProjectorKey)
			_, err := ts.client.Dial(ctxT(t), r.Code, r.CoTeacherKey, nil)
			wantCapacity(t, err)
			// SSE streams count too.
			_, err = ts.client.DialSSE(ctxT(t), r.Code, r.CoTeacherKey, nil)
			wantCapacity(t, err)
			// A closed socket frees its place (once the server has seen it go).
			first.Close()
			ctx := ctxT(t)
			for {
				c, err := ts.client.Dial(ctx, r.Code, r.CoTeacherKey, nil)
				if err == nil {
					c.Close()
					break
				}
				wantCapacity(t, err)
				if ctx.Err() != nil {
					t.Fatal("the closed socket's place was never freed")
				}
			}
		})
	}
}

func wantCapacity(t *testing.T, err error) {
	t.Helper()
	wantFault(t, err, fault.AtCapacity)
	var se *client.StatusError
	if !errors.As(err, &se) || se.Status != http.StatusServiceUnavailable {
		t.Fatalf("refused with %v, want status 503", err)
	}
}
