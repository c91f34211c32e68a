package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/classroom-debate/debate/engine"
	"github.com/classroom-debate/debate/fault"
)

// fullDisk is a room log that refuses every write while full is set, as a store on a
// full disk does; reads work.
type fullDisk struct {
	engine.Log
	full *atomic.Bool
}

func (f fullDisk) Append(ctx context.Context, roomID string, expectedLast uint64, entries []engine.Entry) error {
	if f.full.Load() {
		return fmt.Errorf("write room log: %w", syscall.ENOSPC)
	}
	return f.Log.Append(ctx, roomID, expectedLast, entries)
}

// While the store cannot write, /readyz answers 503 with the reason and the log says so
// once; when writes work again readiness and commands come back by themselves (the
// "also" of issue 10).
func TestReadinessWhileStorageCannotWrite(t *testing.T) {
	var full atomic.Bool
	ts := newServerWithLog(t, func(l engine.Log) engine.Log { return fullDisk{l, &full} }, nil)
	r := ts.room("")
	teacher := ts.dial(r.Code, r.TeacherKey)
	if status, body := ts.do("GET", "/readyz", "", ""); status != http.StatusOK {
		t.Fatalf("readyz before: %d %s", status, body)
	}
	full.Store(true)
	for i := range 5 {
		_, err := teacher.Send(ctxT(t), "announce", map[string]string{"text": fmt.Sprintf("lost %d", i)})
		wantFault(t, err, fault.Unavailable)
	}
	status, body := ts.do("GET", "/readyz", "", "")
	wantError(t, status, body, http.StatusServiceUnavailable, fault.Unavailable)
	if !strings.Contains(string(body), "fault.engine.storageCannotWrite") {
		t.Fatalf("readyz does not say why: %s", body)
	}
	if n := strings.Count(ts.logs.String(), "storage cannot write"); n != 1 {
		t.Fatalf("the log says the store cannot write %d times, want once:\n%s", n, ts.logs)
	}
	// Space comes back: readiness sees it without any command, and commands work.
	full.Store(false)
	if status, body := ts.do("GET", "/readyz", "", ""); status != http.StatusOK {
		t.Fatalf("readyz after space came back: %d %s", status, body)
	}
	if _, err := teacher.Send(ctxT(t), "announce", map[string]string{"text": "kept"}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(ts.logs.String(), "storage writes again"); n != 1 {
		t.Fatalf("recovery logged %d times, want once:\n%s", n, ts.logs)
	}
}
