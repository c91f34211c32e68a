package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/classroom-debate/debate/clock"
	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/engine"
	"github.com/classroom-debate/debate/server"
	"github.com/classroom-debate/debate/store/embedded"
)

// "Try the game with bots": the teacher's button in the lobby seats six bots, which
// join and come online in the roster.
func TestTryTheGameWithBots(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("browser suite skipped in -short mode")
	}
	root := browser(t)
	st, err := embedded.Open(filepath.Join(t.TempDir(), "debate.db"), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	hub, err := engine.New(engine.Config{
		Log: st.Log(), Notifier: embedded.NewNotifier(), Directory: st.Directory(), Credentials: st.Credentials(),
		Presence: embedded.NewPresence(), Scenario: economy.Default(), Clock: clock.Real{}, Logger: log,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(server.Config{Hub: hub, Logger: log, MaxBotsPerRoom: 6})
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		hs.Close()
		st.Close()
	})
	L := messages(t, hs.URL)

	teacher := newTab(t, root, hs.URL, "teacher", nil)
	teacher.open("/teacher")
	teacher.clickText("form.create", L("create.submit"))
	teacher.waitJS(`location.pathname.startsWith('/teacher/') && !!document.querySelector('.join-code') && document.body.dataset.conn === 'online'`, "the console")
	teacher.clickText("#t-controls", L("ctl.bots"))
	teacher.waitJS(`document.querySelectorAll('#t-roster tr[data-player] .presence.on').length === 6`, "six bots online in the roster")
	if errs := eval[[]string](teacher, `window.__errors`); len(errs) > 0 {
		t.Fatalf("script errors: %v", errs)
	}
}
