package web_test

import (
	"context"
	"fmt"
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
	// The button is in the room card, beside "Show the content note": the bar of phase
	// controls keeps to the phase. At 1280×720 it is on the screen once scrolled to,
	// not covered, and the page needs no sideways scroll.
	type place struct {
		Found, Hit               bool
		Left, Right, Top, Bottom float64
		InnerW, InnerH, ScrollW  float64
	}
	at := eval[place](teacher, fmt.Sprintf(`(() => { const b = [...document.querySelectorAll('#t-settings button')].find((x) => x.textContent.trim() === %s && x.checkVisibility());
	  if (!b) return {Found: false}; b.scrollIntoView({block: 'center'}); const r = b.getBoundingClientRect(); const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
	  const out = {Found: true, Hit: !!hit && b.contains(hit), Left: r.left, Right: r.right, Top: r.top, Bottom: r.bottom, InnerW: innerWidth, InnerH: innerHeight, ScrollW: document.documentElement.scrollWidth};
	  window.scrollTo(0, 0); return out; })()`, jsStr(L("ctl.bots"))))
	if !at.Found || !at.Hit || at.Left < 0 || at.Right > at.InnerW || at.Top < 0 || at.Bottom > at.InnerH || at.ScrollW > at.InnerW {
		t.Fatalf("the bots button in the room card at 1280×720: %+v", at)
	}
	if eval[bool](teacher, fmt.Sprintf(`[...document.querySelectorAll('#t-controls button')].some((x) => x.textContent.trim() === %s)`, jsStr(L("ctl.bots")))) {
		t.Error("the bots button is also among the phase controls")
	}
	teacher.clickText("#t-settings", L("ctl.bots"))
	teacher.waitJS(`document.querySelectorAll('#t-roster tr[data-player] .presence.on').length === 6`, "six bots online in the roster")
	if errs := eval[[]string](teacher, `window.__errors`); len(errs) > 0 {
		t.Fatalf("script errors: %v", errs)
	}
}
