package web_test

// The browser suite: a real server (engine, embedded store, Echo) and Debian's headless
// Chromium driven over the DevTools protocol. It plays a lesson the way a class would —
// see TestClassroom — and checks every view with axe-core. Screenshots and the printed
// pack go to web/screenshots/ (ignored by git); with -update-readme-shots the README's
// pictures in docs/screenshots/ are refreshed from them.
//
// Without /usr/bin/chromium (or $CHROMIUM) the suite skips, except under CI=true, where
// a missing browser is a failure.

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/classroom-debate/debate/clock"
	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/engine"
	"github.com/classroom-debate/debate/server"
	"github.com/classroom-debate/debate/store/embedded"
)

var updateShots = flag.Bool("update-readme-shots", false, "copy the screenshots the README shows into docs/screenshots/")

const shotDir = "screenshots"

// browserPath finds Chromium or skips (fails under CI=true).
func browserPath(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed, and CI=true: the browser tests must run (apt-get install chromium)")
	}
	t.Skip("chromium not found (apt-get install chromium, or set CHROMIUM); skipping the browser tests")
	return ""
}

// live is the whole server over httptest, with the real clock: the game's timers are
// long, and the test moves phases with the teacher's buttons.
type live struct {
	url string
	hs  *httptest.Server
	// outage, while set, answers every API request with 503, as a server that is down
	// or restarting would; with hs.CloseClientConnections it cuts every client off.
	outage atomic.Bool

	mu       sync.Mutex
	hijacked []net.Conn // WebSockets, which httptest no longer tracks once upgraded
}

// cut drops every connection, WebSockets included, as a network failure would.
func (l *live) cut() {
	l.hs.CloseClientConnections()
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range l.hijacked {
		_ = c.Close()
	}
	l.hijacked = nil
}

// tracked remembers the connections that handlers take over (WebSocket upgrades).
type tracked struct {
	http.ResponseWriter
	l *live
}

func (w tracked) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, rw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err == nil {
		w.l.mu.Lock()
		w.l.hijacked = append(w.l.hijacked, c)
		w.l.mu.Unlock()
	}
	return c, rw, err
}

func (w tracked) Flush()                      { http.NewResponseController(w.ResponseWriter).Flush() }
func (w tracked) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// testLAN is the machine's LAN addresses as the browser tests see them: fixed, so that
// join links do not depend on the machine's interfaces (the pages are on 127.0.0.1).
func testLAN() []netip.Addr {
	return []netip.Addr{netip.MustParseAddr("192.0.2.10"), netip.MustParseAddr("198.51.100.20")}
}

func liveServer(t *testing.T, configure ...func(*server.Config)) *live {
	t.Helper()
	st, err := embedded.Open(filepath.Join(t.TempDir(), "debate.db"), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	hub, err := engine.New(engine.Config{
		Log: st.Log(), Notifier: embedded.NewNotifier(), Directory: st.Directory(), Credentials: st.Credentials(),
		Presence: embedded.NewPresence(), Scenario: economy.Default(), Clock: clock.Real{}, Logger: log,
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg := server.Config{Hub: hub, Logger: log, LANAddrs: testLAN}
	for _, c := range configure {
		c(&cfg)
	}
	srv := server.New(cfg)
	l := &live{}
	l.hs = httptest.NewServer(l.filter(srv.Handler()))
	l.url = l.hs.URL
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		l.hs.CloseClientConnections()
		l.hs.Close()
		st.Close()
	})
	return l
}

// filter plays the network between the browsers and the server. It refuses every
// WebSocket handshake from a browser that carries the cookie blockws=1, the way a school
// web filter answers an upgrade it does not allow (Chromium's own URL blocking does not
// apply to WebSockets), and during an outage it refuses every API request.
func (l *live) filter(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if l.outage.Load() && strings.HasPrefix(r.URL.Path, "/api/") {
			http.Error(w, "the server is down", http.StatusServiceUnavailable)
			return
		}
		if c, err := r.Cookie("blockws"); err == nil && c.Value == "1" && strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			http.Error(w, "blocked by the school's web filter", http.StatusForbidden)
			return
		}
		next.ServeHTTP(tracked{w, l}, r)
	})
}

// browser starts one headless Chromium for the test.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := browserPath(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("font-render-hinting", "none"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 720),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	if err := chromedp.Do(ctx); err != nil { // start the browser
		cancel()
		cancelAlloc()
		t.Fatalf("starting chromium: %v", err)
	}
	t.Cleanup(func() { cancel(); cancelAlloc() })
	return ctx
}

// tab is one page in a browser context, with helpers that fail the test.
type tab struct {
	t      *testing.T
	name   string
	ctx    context.Context
	cancel context.CancelFunc // closes the tab
	base   string
}

// newTab opens a tab: in a fresh browser context (its own storage and cookies, like a
// separate device) unless share is set, in which case it opens in share's context.
func newTab(t *testing.T, parent context.Context, base, name string, share *tab) *tab {
	t.Helper()
	var ctx context.Context
	var cancel context.CancelFunc
	if share != nil {
		ctx, cancel = chromedp.NewContext(share.ctx)
	} else {
		ctx, cancel = chromedp.NewContext(parent, chromedp.WithNewBrowserContext())
	}
	t.Cleanup(cancel)
	tb := &tab{t: t, name: name, ctx: ctx, cancel: cancel, base: base}
	// The first run opens the tab; it must not carry a timeout, which would close it.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("%s: opening a tab: %v", name, err)
	}
	tb.do(
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			if _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); err != nil {
				return err
			}
			// Dialogs (confirm) are accepted; an alert() would mean injected script ran.
			_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
				Source: `window.confirm = () => true; window.alert = (m) => { window.__alerted = String(m); };
				  window.__errors = []; window.addEventListener('error', (e) => window.__errors.push(String(e.message)));
				  window.addEventListener('unhandledrejection', (e) => window.__errors.push(String(e.reason && (e.reason.stack || e.reason))));`})
			return err
		}),
		chromedp.EmulateViewport(1280, 720),
	)
	return tb
}

// blockWebSockets puts this tab's browser context behind the filter (live.filter).
func (tb *tab) blockWebSockets() {
	tb.t.Helper()
	tb.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.SetCookie, network.SetCookieParams{Name: "blockws", Value: "1", URL: tb.base})
		return err
	}))
}

func (tb *tab) do(steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		tb.t.Fatalf("%s: %v", tb.name, err)
	}
}

func (tb *tab) open(path string) {
	tb.t.Helper()
	tb.do(chromedp.Navigate(tb.base + path))
	tb.waitJS(`document.body.dataset.ready === '1'`, "the page to load")
}

// waitJS polls a JavaScript expression until it is true.
func (tb *tab) waitJS(expr, what string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 20*time.Second)
	defer cancel()
	var err error
	for {
		// A navigation (a form that moves to the next page, a reload) ends a poll
		// early; poll again in the new document until the deadline.
		// An exception (an element not drawn yet) counts as "not yet".
		_, err = chromedp.Run(ctx, chromedp.Poll[bool]("(() => { try { return !!("+expr+"); } catch (e) { return false; } })()", chromedp.WithPollingInterval(50*time.Millisecond)))
		if err == nil || ctx.Err() != nil || !strings.Contains(err.Error(), "navigated") && !strings.Contains(err.Error(), "context") {
			break
		}
	}
	if err != nil {
		// The page's own script errors come first: they are usually why.
		dump, _ := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`(window.__errors || []).slice(-3).join('\n') + '\n' + document.body.dataset.conn + ' | ' + (document.getElementById('main').innerText.slice(0, 800) + ' …… ' + ((document.getElementById('wall-list') || {}).innerText || '').slice(0, 1200))`))
		tb.t.Fatalf("%s: waiting for %s (%s): %v\npage: %s", tb.name, what, expr, err, dump)
	}
}

// eval runs an expression and returns its value as T.
func eval[T any](tb *tab, expr string) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("%s: %s: %v", tb.name, expr, err)
	}
	return v
}

// clickText clicks the first visible, enabled button (or link) whose text is label,
// inside the element matched by scope ("" for the whole page).
func (tb *tab) clickText(scope, label string) {
	tb.t.Helper()
	js := fmt.Sprintf(`(() => { const root = %s ? document.querySelector(%s) : document;
	  if (!root) return false;
	  const el = [...root.querySelectorAll('button, a.button')].find(b => b.textContent.trim() === %s && !b.disabled && b.offsetParent !== null);
	  if (!el) return false; el.click(); return true; })()`, jsStr(scope), jsStr(scope), jsStr(label))
	tb.waitJS(js, "a button "+label)
}

// typeInto types text into the field sel, as keystrokes.
//
// The pages redraw on every room event, moving kept inputs to a new parent. A DevTools
// node id dies with each move, so a redraw between finding the field and typing fails
// with "Could not find node", and keystrokes sent while the field is detached go
// nowhere. The field itself (and what reached it) survives a redraw, so the typing is
// checked and, when cut short, starts again from the value the field had.
func (tb *tab) typeInto(sel, text string) {
	tb.t.Helper()
	valueJS := fmt.Sprintf(`(() => { const el = document.querySelector(%s); return el ? el.value : ''; })()`, jsStr(sel))
	before := eval[string](tb, valueJS)
	var err error
	for attempt := 1; attempt <= 5; attempt++ {
		ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
		err = chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.Focus(chromedp.CSS(sel)), chromedp.SendKeys(chromedp.CSS(sel), text))
		cancel()
		if err != nil && !strings.Contains(err.Error(), "Could not find node") {
			break
		}
		got := eval[string](tb, valueJS)
		if err == nil && got == before+text {
			return
		}
		if err == nil {
			err = fmt.Errorf("the field holds %q, want %q", got, before+text)
		}
		eval[bool](tb, fmt.Sprintf(`(() => { const el = document.querySelector(%s); if (el) el.value = %s; return true; })()`, jsStr(sel), jsStr(before)))
	}
	tb.t.Fatalf("%s: typing into %s: %v", tb.name, sel, err)
}

// shot takes a screenshot of the viewport at w×h, scrolled to the element at (or the
// top of the page when at is "").
func (tb *tab) shot(name string, w, h int64, at string) {
	tb.t.Helper()
	tb.do(chromedp.EmulateViewport(w, h))
	eval[bool](tb, fmt.Sprintf(`(() => { const el = %s && document.querySelector(%s); if (el) el.scrollIntoView({block: 'start'}); else window.scrollTo(0, 0); return true; })()`, jsStr(at), jsStr(at)))
	// Wait for fonts, images and two frames, so the picture shows the settled layout.
	eval[bool](tb, `document.fonts.ready.then(() => Promise.all([...document.images].map(i => i.complete ? 0 : new Promise(r => { i.onload = i.onerror = r; }))))
	  .then(() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true)))))`)
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		tb.t.Fatalf("%s: screenshot: %v", tb.name, err)
	}
	if err := os.WriteFile(filepath.Join(shotDir, name), buf, 0o644); err != nil {
		tb.t.Fatal(err)
	}
	tb.do(chromedp.EmulateViewport(1280, 720))
}

// fits checks that the page at its current viewport needs no sideways scrolling, and
// names the widest elements when it does.
func (tb *tab) fits(width int) {
	tb.t.Helper()
	tb.do(chromedp.EmulateViewport(int64(width), 740))
	// It names the elements that stick out and are not inside a scrolling box (a wide
	// table in its wrapper is clipped there and does no harm), and boxes whose text
	// spills out of them, each with its path.
	over := eval[string](tb, fmt.Sprintf(`(() => { const w = %d; const sw = document.documentElement.scrollWidth; if (sw <= w) return '';
	  const over = (e) => e.getBoundingClientRect().right > w + 1;
	  const clipped = (e) => { for (let p = e.parentElement; p && p.id !== 'main'; p = p.parentElement) if (getComputedStyle(p).overflowX !== 'visible') return true; return false; };
	  const all = [...document.querySelectorAll('body *')].filter(over);
	  // Text that cannot break (a long URL) overflows its box without widening any element.
	  const spill = [...document.querySelectorAll('body *')].filter(e => e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible' && !clipped(e));
	  const free = [...all.filter(e => !clipped(e)), ...spill];
	  return 'scrollWidth ' + sw + ': ' + (free.length ? free : all).slice(-6).map(e => { const path = []; for (let p = e; p && p.id !== 'main'; p = p.parentElement) path.unshift(p.tagName.toLowerCase() + (typeof p.className === 'string' && p.className.trim() ? '.' + p.className.trim().split(/\s+/).join('.') : ''));
	    return path.join(' > ') + ' ' + Math.round(e.getBoundingClientRect().right); }).join(', '); })()`, width))
	tb.do(chromedp.EmulateViewport(1280, 720))
	if over != "" {
		tb.t.Errorf("%s: the page is wider than %d px: %s", tb.name, width, over)
	}
}

// pdf prints the page as the browser's print dialog would, with the page's own size.
func (tb *tab) pdf() []byte {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	yes := true
	res, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &yes, PrintBackground: &yes})
	if err != nil {
		tb.t.Fatalf("%s: pdf: %v", tb.name, err)
	}
	return res.Data
}

// noRawKeys fails when the page shows a catalogue key instead of its text (i18n.js shows
// a missing message as "[key]"), in its text, its options or its labels.
func (tb *tab) noRawKeys(view string) {
	tb.t.Helper()
	raw := eval[[]string](tb, `(() => { const key = /\[[a-z][A-Za-z0-9]*(?:\.[A-Za-z0-9_-]+)+\]/g;
	  const attrs = [...document.querySelectorAll('[aria-label], [alt], [title], [placeholder]')].flatMap((e) => ['aria-label', 'alt', 'title', 'placeholder'].map((a) => e.getAttribute(a) || ''));
	  return [...new Set([document.title, document.body.textContent, ...attrs].join('\n').match(key) || [])]; })()`)
	if len(raw) > 0 {
		tb.t.Errorf("%s, %s view: catalogue keys shown raw: %q", tb.name, view, raw)
	}
}

// axe runs axe-core in the page and fails on any serious or critical violation.
func (tb *tab) axe(view string) {
	tb.t.Helper()
	tb.noRawKeys(view)
	src, err := os.ReadFile("testdata/axe.min.js")
	if err != nil {
		tb.t.Fatal(err)
	}
	eval[bool](tb, string(src)+";true")
	res := eval[string](tb, `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})
	  .then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}))))`)
	var violations []struct {
		ID, Impact, Help string
		Nodes            []string
	}
	if err := json.Unmarshal([]byte(res), &violations); err != nil {
		tb.t.Fatalf("axe result: %v", err)
	}
	for _, v := range violations {
		if v.Impact == "serious" || v.Impact == "critical" {
			tb.t.Errorf("axe, %s view: %s (%s): %s\n  %s", view, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n  "))
		} else {
			tb.t.Logf("axe, %s view (minor): %s (%s)", view, v.ID, v.Impact)
		}
	}
}

func jsStr(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// messages is the catalogue the pages read (the server's merged English), so the test
// finds buttons by what a user reads.
func messages(t *testing.T, base string) func(key string) string {
	t.Helper()
	resp, err := http.Get(base + "/api/i18n/en")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatal(err)
	}
	return func(key string) string {
		s, ok := m[key]
		if !ok {
			t.Fatalf("no message %q", key)
		}
		return s
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
