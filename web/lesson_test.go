package web_test

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/classroom-debate/debate/server"
)

// TestConsoleOnTheProjectorLaptop runs a class of 30 from the teacher's console at
// 1280×720, the projector laptop's screen, on a machine with no LAN address: the
// console says why phones cannot open the link; the roster of 30 fits two screens with
// every action reachable without sideways scrolling; the phase controls stay in view in
// every phase wherever the page is scrolled; the join card folds away once the game
// starts; and one action steps history's choices to a later year, announced.
func TestConsoleOnTheProjectorLaptop(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("browser suite skipped in -short mode")
	}
	root := browser(t)
	srv := liveServer(t, func(c *server.Config) { c.LANAddrs = func() []netip.Addr { return nil } })
	L := messages(t, srv.url)

	teacher := newTab(t, root, srv.url, "teacher", nil)
	teacher.open("/teacher")
	teacher.clickText("form.create", L("create.submit"))
	teacher.waitJS(`location.pathname.startsWith('/teacher/') && !!document.querySelector('.join-code') && document.body.dataset.conn === 'online'`, "the console")
	code := eval[string](teacher, `document.querySelector('.join-code').textContent`)
	// No LAN address: the link stays on 127.0.0.1 and the console says plainly why no
	// phone can open it.
	teacher.waitJS(`(() => { const p = document.querySelector('.join-card .join-problem'); return !!p && p.textContent === `+jsStr(L("teacher.joinLoopback"))+` && p.getClientRects().length > 0; })()`, "the console saying the link is unreachable")

	// A wrong code is reported as soon as it is typed, before any nickname; the right one
	// is not; a join link with a wrong code says so at once.
	student := newTab(t, root, srv.url, "student", nil)
	student.open("/join")
	student.typeInto(`.code-input`, "WRNGWRNG")
	noRoom := func(c string) string { return strings.ReplaceAll(L("join.noSuchRoom"), "{code}", c) }
	student.waitJS(fmt.Sprintf(`document.querySelector('#code-status').textContent === %s && document.querySelector('.code-input').getAttribute('aria-invalid') === 'true' && !document.querySelector('input[name=nickname]')`, jsStr(noRoom("WRNGWRNG"))), "the wrong code reported as typed")
	eval[bool](student, `(() => { const i = document.querySelector('.code-input'); i.value = ''; i.dispatchEvent(new Event('input')); return true; })()`)
	student.typeInto(`.code-input`, strings.ToLower(code))
	student.waitJS(`document.querySelector('.code-input').getAttribute('aria-invalid') === 'false' && document.querySelector('#code-status').textContent === ''`, "the right code accepted")
	student.axe("join by code")
	student.open("/join/QQQQQQQQ")
	student.waitJS(fmt.Sprintf(`document.querySelector('form [role=alert]').textContent.startsWith(%s)`, jsStr(noRoom("QQQQQQQQ"))), "a join link with a wrong code reported at once")

	// Thirty students join.
	eval[bool](teacher, fmt.Sprintf(`Promise.all([...Array(30).keys()].map((i) => fetch('/api/rooms/%s/join', {method: 'POST', headers: {'Content-Type': 'application/json'},
	  body: JSON.stringify({nickname: 'Student ' + String(i + 1).padStart(2, '0') + ' Longname'})}).then((r) => r.ok))).then((ok) => ok.every(Boolean))`, code))
	teacher.waitJS(`document.querySelectorAll('#t-roster tbody tr').length === 30`, "thirty students in the roster")

	teacher.shot("teacher-roster-lobby-1280.png", 1280, 720, "#t-roster")
	type rosterBox struct {
		Body, Bar, Inner, InnerW, ScrollW float64
		Wide                              []string
	}
	// Everything a row offers, its "More" menu open, lies inside the window and the
	// table's box: nothing needs a sideways scroll.
	roster := eval[rosterBox](teacher, `(() => { const tb = document.querySelector('#t-roster tbody'); const wrap = tb.closest('.table-wrap');
	  const last = tb.querySelector('tr:last-child .row-more'); last.open = true;
	  const wide = [...tb.querySelectorAll('button, select, summary')].filter((e) => e.checkVisibility()).filter((e) => { const r = e.getBoundingClientRect(); return r.right > Math.min(innerWidth, wrap.getBoundingClientRect().right) + 1 || r.left < 0; })
	    .map((e) => e.textContent.slice(0, 30) + ' ' + Math.round(e.getBoundingClientRect().right));
	  last.open = false;
	  return {Body: tb.getBoundingClientRect().height, Bar: document.querySelector('.phase-bar').getBoundingClientRect().height, Inner: innerHeight, InnerW: innerWidth,
	    ScrollW: Math.max(document.documentElement.scrollWidth, wrap.scrollWidth - wrap.clientWidth + innerWidth), Wide: wide}; })()`)
	if roster.Body > 2*(roster.Inner-roster.Bar) {
		t.Errorf("30 students take %.0f px, more than two screens of %.0f px below the %.0f px controls", roster.Body, roster.Inner-roster.Bar, roster.Bar)
	}
	if roster.ScrollW > roster.InnerW || len(roster.Wide) > 0 {
		t.Errorf("the roster scrolls sideways (%.0f > %.0f px) or has actions out of reach: %q", roster.ScrollW, roster.InnerW, roster.Wide)
	}

	// inView checks that each phase control is on the screen and not covered, at the top
	// of the page, in the middle of the roster and at the bottom.
	inView := func(what string, labels ...string) {
		t.Helper()
		for _, at := range []string{"0", "document.querySelector('#t-roster tbody tr:nth-child(20)').getBoundingClientRect().top + scrollY - 200", "document.documentElement.scrollHeight"} {
			var want []string
			for _, l := range labels {
				want = append(want, jsStr(l))
			}
			missing := eval[[]string](teacher, fmt.Sprintf(`(() => { window.scrollTo(0, %s); return [%s].filter((label) => {
			  const b = [...document.querySelectorAll('#t-controls button')].find((x) => x.textContent === label);
			  if (!b) return true; const r = b.getBoundingClientRect();
			  if (r.top < 0 || r.bottom > innerHeight || r.left < 0 || r.right > innerWidth) return true;
			  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2); return !(hit && b.contains(hit)); }); })()`, at, strings.Join(want, ",")))
			if len(missing) > 0 {
				t.Errorf("%s, scrolled to %s: %q not in view", what, at, missing)
			}
		}
		eval[bool](teacher, `(window.scrollTo(0, 0), true)`)
	}
	inView("in the lobby", L("ctl.start"), L("ctl.jump"))
	if !eval[bool](teacher, `document.querySelector('.join-card').open`) {
		t.Error("the join card is folded in the lobby")
	}
	teacher.clickText("#t-controls", L("ctl.start"))
	teacher.waitJS(`document.querySelector('.yearphase').textContent.includes('1928')`, "the game started")
	teacher.waitJS(`!document.querySelector('.join-card').open`, "the join card folded once the game started")
	for _, ph := range []string{"briefing", "debate", "vote", "resolution"} {
		teacher.waitJS(fmt.Sprintf(`document.querySelector('.yearphase').textContent.includes(%s)`, jsStr("1928 · "+L("phase."+ph))), "the 1928 "+ph)
		inView("1928 "+ph, L("ctl.pause"), L("ctl.extend1"), L("ctl.extend5"), L("ctl.advance"), L("ctl.end"), L("ctl.endGame"), L("ctl.jump"))
		if ph != "resolution" {
			teacher.clickText("#t-controls", L("ctl.advance"))
		}
	}
	teacher.shot("teacher-class-1280.png", 1280, 720, "#t-roster")

	// One step to 1932: 1929 to 1931 take history's choices, announced as years not played.
	eval[bool](teacher, `(() => { const s = document.querySelector('#jump-year'); s.value = '1932'; return true; })()`)
	teacher.clickText("#t-controls", L("ctl.jump"))
	teacher.waitJS(fmt.Sprintf(`document.querySelector('.yearphase').textContent.includes(%s)`, jsStr("1932 · "+L("phase.briefing"))), "the 1932 briefing")
	teacher.waitJS(fmt.Sprintf(`document.querySelector('#live').textContent === %s`, jsStr(strings.ReplaceAll(L("ctl.jumped"), "{year}", "1932"))), "the jump announced")
	teacher.waitJS(fmt.Sprintf(`document.querySelector('#t-results .outcome h3').textContent === %s`, jsStr(strings.ReplaceAll(L("results.stepped"), "{year}", "1931"))), "1931 shown as stepped with history's choices")
	inView("1932 briefing", L("ctl.pause"), L("ctl.advance"), L("ctl.end"))
	if *updateShots {
		copyFile(t, filepath.Join(shotDir, "teacher-class-1280.png"), filepath.Join("..", "docs", "screenshots", "teacher-class-1280.png"))
	}
}
