package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/classroom-debate/debate/scoring"
)

// Text a user might type to break the page: it must show as these characters.
const (
	htmlNick = `<img src=x onerror=a()>`
	htmlPost = `<script>alert("xss")</script><img src=x onerror=alert(2)><b>bold</b> is not an argument`
)

// TestClassroom plays a lesson as the "Done when" describes: the teacher creates
// a room and previews it; four students join in separate browser contexts, one with
// WebSockets blocked (so on SSE + POST); the class plays two years through every phase;
// a student's page is reloaded mid-debate and comes back as the same player with the
// draft kept; the teacher holds, approves and hides posts and removes a student; the
// projector shows only approved posts and the charts; the teacher ends the lesson and a
// student answers the exit ticket; a nickname and an argument made of HTML stay text.
// Every view is checked with axe-core, and screenshots and the printed pack are written.
func TestClassroom(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("browser suite skipped in -short mode")
	}
	root := browser(t)
	srv := liveServer(t)
	base := srv.url
	L := messages(t, base)
	phase := func(year int, key string) string { return fmt.Sprintf("%d · %s", year, L("phase."+key)) }
	if err := os.MkdirAll(shotDir, 0o755); err != nil {
		t.Fatal(err)
	}

	// The teacher opens a room from the front page's form.
	teacher := newTab(t, root, base, "teacher", nil)
	teacher.open("/")
	teacher.axe("home")
	teacher.open("/teacher")
	teacher.axe("create room")
	// The lesson-plan menu shows each plan whole, none cut off.
	if cut := eval[[]string](teacher, `(() => { const s = document.querySelector('select[name=plan]'); const cs = getComputedStyle(s); const probe = document.createElement('span');
	  probe.style.font = cs.font; probe.style.position = 'absolute'; probe.style.whiteSpace = 'nowrap'; document.body.appendChild(probe);
	  const room = s.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 20;
	  const out = [...s.options].filter((o) => { probe.textContent = o.textContent; return probe.getBoundingClientRect().width > room; }).map((o) => o.textContent);
	  probe.remove(); return out; })()`); len(cut) > 0 {
		t.Errorf("the lesson-plan menu cuts off %q", cut)
	}
	if got := eval[string](teacher, `document.querySelector('input[name=maxPlayers]').value`); got != "60" {
		t.Fatalf("the largest class defaults to %q, not the room's 60", got)
	}
	teacher.clickText("form.create", L("create.submit"))
	teacher.waitJS(`location.pathname.startsWith('/teacher/') && !!document.querySelector('.join-code') && document.body.dataset.conn === 'online'`, "the console")
	code := eval[string](teacher, `document.querySelector('.join-code').textContent`)
	if len(code) < 4 {
		t.Fatalf("room code %q", code)
	}
	teacher.waitJS(`(() => { const i = document.querySelector('.join-card img.qr'); return i && i.complete && i.naturalWidth >= 200; })()`, "the join QR code")
	// The page is on 127.0.0.1, which no phone can open: the join link is on this
	// machine's first LAN address, and the teacher can switch to the other; the QR code
	// follows the room's choice.
	port := base[strings.LastIndex(base, ":"):]
	firstLink, secondLink := "http://192.0.2.10"+port+"/join/"+code, "http://198.51.100.20"+port+"/join/"+code
	if got := eval[string](teacher, `document.querySelector('.join-url').textContent`); got != firstLink {
		t.Fatalf("the join link on a loopback page is %q, want %q", got, firstLink)
	}
	eval[bool](teacher, `(() => { const s = document.querySelector('#join-base'); s.value = s.options[1].value; s.dispatchEvent(new Event('change')); return true; })()`)
	teacher.waitJS(fmt.Sprintf(`document.querySelector('.join-url').textContent === %s && decodeURIComponent(document.querySelector('.join-card img.qr').src).endsWith('?base=http://198.51.100.20%s') && !document.querySelector('.join-problem')`, jsStr(secondLink), port), "the join link switched to the second address")

	// Starting with fewer than four students asks first, and saying no starts nothing.
	eval[bool](teacher, `(() => { window.__asked = []; window.__confirm = window.confirm; window.confirm = (m) => { window.__asked.push(m); return false; }; return true; })()`)
	teacher.clickText("#t-controls", L("ctl.start"))
	teacher.waitJS(`window.__asked.length === 1 && window.__asked[0] === `+jsStr(strings.ReplaceAll(L("ctl.startFew"), "{n}", "0")), "the question before a game of fewer than four")
	eval[bool](teacher, `(window.confirm = window.__confirm, true)`)
	if phase := eval[string](teacher, `document.querySelector('.yearphase').textContent`); strings.Contains(phase, "1928") {
		t.Fatalf("the game started though the teacher said no: %q", phase)
	}

	// Preview: every year's decisions, the role cards, and the what-if panel's charts.
	preview := newTab(t, root, base, "preview", teacher)
	preview.open("/preview")
	preview.waitJS(`document.querySelectorAll('section.year').length === 7 && document.querySelectorAll('.role-card.mini').length === 5`, "every year and role in the preview")
	preview.waitJS(`document.querySelectorAll('#whatif .chart circle').length > 0`, "the what-if charts")
	// Pick a different 1928 quota and run again: the two paths must part.
	eval[bool](preview, `(() => { const s = document.querySelector('#whatif select[data-decision="quota-1928"]'); s.value = s.options[0].value; return true; })()`)
	preview.clickText("#whatif", L("whatif.run"))
	preview.waitJS(`[...document.querySelectorAll('#whatif tbody tr')].some(tr => [...tr.querySelectorAll('td')].some(td => { const [a, b] = td.textContent.split(' / '); return a !== b; }))`, "the what-if run to differ from history's")
	// In the counterfactual mode the directives can be switched off; the run still works
	// and its figures move away from the historical-mode run.
	before := eval[string](preview, `document.querySelector('#whatif tbody').textContent`)
	eval[bool](preview, `(() => { const m = document.querySelector('#whatif-mode'); m.value = 'counterfactual'; m.dispatchEvent(new Event('change')); return true; })()`)
	preview.waitJS(`(() => { const c = document.querySelector('#wi-dir-dekulakisation'); return c && c.getClientRects().length > 0; })()`, "the directive switches in the counterfactual mode")
	eval[bool](preview, `(document.querySelector('#wi-dir-dekulakisation').click(), true)`)
	preview.clickText("#whatif", L("whatif.run"))
	preview.waitJS(fmt.Sprintf(`!document.querySelector('#whatif .error') && !!document.querySelector('#whatif tbody') && document.querySelector('#whatif tbody').textContent !== %s`, jsStr(before)), "the counterfactual run")
	preview.shot("preview-1280.png", 1280, 720, "")
	preview.axe("preview")

	// Four students, each in their own browser context; the fourth cannot open WebSockets.
	nicks := []string{htmlNick, "Boris", "Chen", "Dana"}
	students := make([]*tab, 4)
	for i, nick := range nicks {
		s := newTab(t, root, base, "student "+nick, nil)
		if i == 3 {
			s.blockWebSockets()
		}
		s.open("/join/" + code)
		if i == 0 {
			s.axe("join")
			// A reader who picks the dyslexia-friendly font gets OpenDyslexic from the
			// server, whatever fonts the machine has.
			eval[bool](s, `(() => { const f = document.querySelector('select[data-k=font]'); f.value = 'dyslexic'; f.dispatchEvent(new Event('change'));
			  document.fonts.load('16px OpenDyslexic').then((faces) => { window.__dyslexicFaces = faces.length; }); return true; })()`)
			s.waitJS(`window.__dyslexicFaces > 0 && getComputedStyle(document.body).fontFamily.replace(/"/g, '').startsWith('OpenDyslexic')`, "the OpenDyslexic font loaded")
			eval[bool](s, `(() => { const f = document.querySelector('select[data-k=font]'); f.value = 'default'; f.dispatchEvent(new Event('change')); return true; })()`)
		}
		if i == 2 {
			// By keyboard alone: the nickname box has the focus; Enter submits.
			s.waitJS(`document.activeElement && document.activeElement.name === 'nickname'`, "the focus in the nickname box")
			s.do(chromedp.KeyEvent(nick + "\r"))
		} else {
			s.typeInto(`input[name=nickname]`, nick)
			s.clickText("form", L("join.submit"))
		}
		s.waitJS(`document.body.dataset.conn === 'online' && !!document.querySelector('#s-head .me')`, "joining")
		students[i] = s
	}
	transport := eval[string](students[3], `document.body.dataset.transport`)
	if transport != "sse" {
		t.Fatalf("the student with WebSockets blocked uses %q, want sse", transport)
	}
	transport = eval[string](students[0], `document.body.dataset.transport`)
	if transport != "ws" {
		t.Fatalf("a student with WebSockets uses %q, want ws", transport)
	}
	teacher.waitJS(`document.querySelectorAll('#t-roster tbody tr').length === 4`, "four players in the roster")
	plainText(t, teacher, htmlNick)

	// Role assignment: the teacher moves Boris to the Volga; Boris's screen follows.
	eval[bool](teacher, `(() => { const tr = [...document.querySelectorAll('#t-roster tbody tr')].find(tr => tr.querySelector('.nick').textContent === 'Boris');
	  const s = tr.querySelectorAll('select')[1]; s.value = 'volga'; s.dispatchEvent(new Event('change')); return true; })()`)
	students[1].waitJS(fmt.Sprintf(`document.querySelector('#s-head .me').textContent.includes(%s)`, jsStr(L("region.volga"))), "Boris's new home region")

	// The projector, in the teacher's browser (it finds the projector key there).
	projector := newTab(t, root, base, "projector", teacher)
	projector.open("/projector/" + code)
	projector.waitJS(`document.body.dataset.conn === 'online' && document.querySelectorAll('.proj-names li').length === 4`, "the projector lobby")
	// The wall says the room's join link, the one its QR code draws, not the browser's host.
	projector.waitJS(fmt.Sprintf(`document.querySelector('.proj-join .proj-label').textContent.includes('198.51.100.20%s/join') && decodeURIComponent(document.querySelector('.proj-join img.qr').src).endsWith('?base=http://198.51.100.20%s')`, port, port), "the room's join link on the projector")
	projector.axe("projector lobby")
	wallText(t, projector, "the lobby")

	// Hold posts, then start.
	eval[bool](teacher, `(document.querySelector('#tg-holdPosts').click(), true)`) // a redraw may replace the node between a DevTools find and click
	teacher.waitJS(`document.querySelector('#tg-holdPosts').checked`, "hold posts on")
	// The graphic-material switch is a room setting the server accepts, on and off again.
	// The second flip follows the first at once, before the room's event for the first
	// has necessarily come back: the switch must not fall back to the old value under
	// the teacher's finger.
	for i, on := range []string{"ctl.graphicOn", "ctl.graphicOff"} {
		eval[bool](teacher, `(document.querySelector('#tg-graphic').click(), true)`)
		teacher.waitJS(`document.querySelector('#live').textContent === `+jsStr(L(on)), L(on))
		teacher.waitJS(fmt.Sprintf(`document.querySelector('#tg-graphic').checked === %t`, i == 0), "the switch showing the room's setting")
	}
	teacher.clickText("#t-controls", L("ctl.start"))
	for _, tb := range append([]*tab{teacher, projector}, students...) {
		tb.waitJS(fmt.Sprintf(`document.querySelector('.yearphase').textContent.includes(%s)`, jsStr(phase(1928, "briefing"))), "the 1928 briefing")
	}
	students[1].waitJS(`document.querySelector('.briefing') !== null`, "the briefing on the role card")
	// The role card shows, paragraph by paragraph, the briefing the room writes for this
	// player (its route, with the player's token in the header).
	roomBriefingShown := func(s *tab, year int) {
		t.Helper()
		want := eval[[]string](s, fmt.Sprintf(`(async () => {
		  const me = JSON.parse(localStorage.getItem('debate.player.' + %[1]s));
		  const b = await (await fetch('/api/rooms/' + %[1]s + '/briefing', { headers: { Authorization: 'Bearer ' + me.token } })).json();
		  const glossary = (await (await fetch('/api/content/roles')).json()).glossary;
		  const plain = (x) => x.replace(/\[\[([a-z0-9-]+)(?:\|([^\]]+))?\]\]/g, (m, id, shown) => shown || (glossary.find((g) => g.id === id) || { term: id }).term);
		  return b.year === %[2]d ? b.paragraphs.map((p) => p.slot + ': ' + plain(p.text)) : [];
		})()`, jsStr(code), year))
		if len(want) == 0 {
			t.Fatalf("%s: the room wrote no %d briefing", s.name, year)
		}
		wantJSON, _ := json.Marshal(want)
		s.waitJS(fmt.Sprintf(`(() => { const want = %s; const got = [...document.querySelectorAll('#sec-card .briefing p[data-slot]')].map((p) => p.dataset.slot + ': ' + p.textContent);
		  return got.length === want.length && want.every((w, i) => w === got[i]); })()`, wantJSON), fmt.Sprintf("the room's %d briefing on the role card", year))
	}
	roomBriefingShown(students[1], 1928)
	teacher.clickText("#t-controls", L("ctl.advance"))
	for _, s := range students {
		s.waitJS(`!!document.querySelector('#arg-text') && document.querySelector('#arg-stance').options.length > 2`, "the compose form in the debate")
	}
	taskFirst(t, students[0], "wall", "#arg-text", strings.NewReplacer("{phase}", phase(1928, "debate"), "{task}", L("student.task.wall")).Replace(L("student.phaseNow")))

	// Arguments: one is HTML and script, one comes over the SSE fallback, one gets hidden.
	texts := []string{htmlPost, "If the state paid a fair price, we would sell our grain.", "The towns will starve without the plan.", "Posted over SSE: the market can feed the towns."}
	post := func(i int, text string) {
		s := students[i]
		eval[bool](s, `(() => { const s = document.querySelector('#arg-stance'); s.value = s.options[1].value; s.dispatchEvent(new Event('change')); return true; })()`)
		s.typeInto(`#arg-text`, text)
		s.clickText("#s-wall", L("wall.post"))
		s.waitJS(fmt.Sprintf(`[...document.querySelectorAll('#wall-list .post-text')].some(e => e.textContent === %s) && document.querySelector('#arg-text').value === ''`, jsStr(text)), "the argument on the wall")
	}
	post(0, texts[0])
	post(1, texts[1])
	post(3, texts[3])

	// Chen types a draft, the page reloads mid-debate, and Chen is back with the draft.
	draft := "A draft that must survive a reload"
	students[2].typeInto(`#arg-text`, draft)
	students[2].do(chromedp.Reload())
	students[2].waitJS(`document.body.dataset.ready === '1' && document.body.dataset.conn === 'online'`, "the reloaded page")
	students[2].waitJS(fmt.Sprintf(`document.querySelector('#arg-text') && document.querySelector('#arg-text').value === %s && document.querySelector('#s-head .me .nick').textContent === 'Chen'`, jsStr(draft)), "the same player with the draft kept")
	players := eval[int](teacher, `document.querySelectorAll('#t-roster tbody tr').length`)
	if players != 4 {
		t.Fatalf("after the reload the roster has %d players, want 4 (the reload must not join again)", players)
	}
	// The network drops: every page shows "reconnecting…", the draft stays in the box,
	// and when the server is back each page resumes by itself (WebSocket and SSE alike).
	srv.outage.Store(true)
	srv.cut()
	for _, s := range []*tab{students[2], students[3]} {
		s.waitJS(fmt.Sprintf(`document.body.dataset.conn === 'reconnecting' && document.querySelector('.conn').textContent === %s`, jsStr(L("conn.reconnectingDraft"))), "the reconnecting state, the draft kept")
	}
	// A page with no draft does not promise to keep one.
	for _, tb := range []*tab{teacher, projector} {
		tb.waitJS(fmt.Sprintf(`document.body.dataset.conn === 'reconnecting' && document.querySelector('.conn').textContent === %s`, jsStr(L("conn.reconnecting"))), "the plain reconnecting state")
	}
	students[2].shot("student-reconnecting-360.png", 360, 740, "#sec-wall")
	// Its WebSocket refused twice while the server is down, Chen's page tries SSE.
	students[2].waitJS(`document.body.dataset.transport === 'sse'`, "Chen's page trying SSE in the outage")
	if got := eval[string](students[2], `document.querySelector('#arg-text').value`); got != draft {
		t.Fatalf("while reconnecting the draft is %q, want %q", got, draft)
	}
	srv.outage.Store(false)
	for _, tb := range append([]*tab{teacher, projector}, students...) {
		tb.waitJS(`document.body.dataset.conn === 'online'`, "coming back online")
	}
	// A WebSocket that failed only because the server was down comes back as a WebSocket.
	for _, s := range students[:3] {
		s.waitJS(`document.body.dataset.conn === 'online' && document.body.dataset.transport === 'ws'`, "back on a WebSocket after the outage")
	}
	if got := eval[string](students[3], `document.body.dataset.transport`); got != "sse" {
		t.Fatalf("after the outage the filtered student uses %q, want sse", got)
	}
	eval[bool](students[2], `(() => { const a = document.querySelector('#arg-text'); a.value = ''; a.dispatchEvent(new Event('input')); return true; })()`)
	post(2, texts[2])

	// Everyone's posts are held: the projector shows none of them yet.
	teacher.waitJS(`document.querySelectorAll('#mod-queue > li.post.held').length === 4`, "four posts in the approval queue")
	onProjector := func() []string {
		return eval[[]string](projector, `[...document.querySelectorAll('.proj-posts .post-text')].map(e => e.textContent)`)
	}
	if got := onProjector(); len(got) != 0 {
		t.Fatalf("the projector shows held posts: %q", got)
	}
	moderate := func(text, button string) {
		t.Helper()
		js := fmt.Sprintf(`(() => { const li = [...document.querySelectorAll('#t-moderation li.post')].find(li => li.querySelector('.post-text').textContent === %s);
		  if (!li) return false; const b = [...li.querySelectorAll('button')].find(b => b.textContent === %s); if (!b) return false; b.click(); return true; })()`, jsStr(text), jsStr(button))
		teacher.waitJS(js, button+" on "+text)
	}
	moderate(texts[0], L("mod.approve"))
	moderate(texts[1], L("mod.approve"))
	moderate(texts[2], L("mod.hide"))
	projector.waitJS(fmt.Sprintf(`(() => { const got = [...document.querySelectorAll('.proj-posts .post-text')].map(e => e.textContent); return got.length === 2 && got.includes(%s) && got.includes(%s); })()`, jsStr(texts[0]), jsStr(texts[1])), "exactly the approved posts on the projector")
	wallText(t, projector, "the 1928 debate")
	students[1].waitJS(fmt.Sprintf(`(() => { const got = [...document.querySelectorAll('#wall-list .post-text')].map(e => e.textContent); return got.includes(%s) && !got.includes(%s) && !got.includes(%s); })()`, jsStr(texts[0]), jsStr(texts[2]), jsStr(texts[3])), "a student seeing approved posts only")
	// The teacher scores one approved post against the rubric, not its author overall:
	// the score is kept with the post and says so, and the form goes back to students.
	moderate(texts[1], L("assess.thisPost"))
	teacher.waitJS(`document.querySelector('#assess-player').disabled && !!document.querySelector('.assess-on-post .notice')`, "the form scoring one post")
	eval[bool](teacher, `(document.querySelector('#assess-criterion').value = 'evidence', true)`)
	teacher.typeInto(`#assess-score`, "2")
	teacher.clickText("#t-assess", L("assess.submit"))
	teacher.waitJS(fmt.Sprintf(`[...document.querySelectorAll('#t-assess table.assessed tbody tr')].some(tr => tr.querySelector('.nick').textContent === 'Boris' && (tr.querySelector('th .hint') || {}).textContent === %s)`,
		jsStr(strings.ReplaceAll(L("assess.onPost"), "{text}", texts[1][:47]+"…"))), "the post's score in the list")
	teacher.waitJS(`!document.querySelector('#assess-player').disabled && !document.querySelector('.assess-on-post .notice')`, "the form back to scoring students")
	for _, tb := range []*tab{teacher, projector, students[1]} {
		plainText(t, tb, htmlPost)
	}
	plainText(t, projector, htmlNick)

	// Each post's Persuasive and Report buttons say which post they belong to.
	type postButton struct{ Text, Label, Nick, Post string }
	buttons := eval[[]postButton](students[1], `[...document.querySelectorAll('#wall-list li.post')].flatMap((li) => [...li.querySelectorAll(':scope > .row-actions button')]
	  .map((b) => ({Text: b.textContent, Label: b.getAttribute('aria-label') || '', Nick: li.querySelector('.nick').textContent, Post: li.querySelector('.post-text').textContent})))`)
	labels := map[string]bool{}
	for _, b := range buttons {
		if b.Text != L("wall.mark") && b.Text != L("wall.report") {
			continue
		}
		if !strings.HasPrefix(b.Label, b.Text) || !strings.Contains(b.Label, b.Nick) || !strings.Contains(b.Label, string([]rune(b.Post)[:10])) || labels[b.Label] {
			t.Errorf("the %q button of %s's post is labelled %q", b.Text, b.Nick, b.Label)
		}
		labels[b.Label] = true
	}
	if len(labels) < 2 {
		t.Errorf("Boris sees %d labelled post buttons: %+v", len(labels), buttons)
	}

	// Marks and a reply, across factions.
	students[1].clickText(`#wall-list`, L("wall.mark"))
	students[1].waitJS(`[...document.querySelectorAll('#wall-list button[aria-pressed="true"]')].length === 1`, "the mark")

	teacher.shot("teacher-1280.png", 1280, 720, "")
	teacher.shot("teacher-360.png", 360, 740, "")
	teacher.axe("teacher console")
	students[1].shot("student-1280.png", 1280, 720, "")
	students[1].shot("student-360.png", 360, 740, "#sec-wall")
	students[1].fits(360)
	// A section scrolled into view starts below the sticky header, on a phone and at 1280.
	for _, w := range []int64{360, 1280} {
		students[1].do(chromedp.EmulateViewport(w, 740))
		for _, sec := range []string{"#sec-card", "#sec-wall"} {
			gap := eval[float64](students[1], fmt.Sprintf(`(() => { const s = document.querySelector(%s); s.scrollIntoView({block: 'start'});
			  return s.querySelector('h2').getBoundingClientRect().top - document.querySelector('.student-head').getBoundingClientRect().bottom; })()`, jsStr(sec)))
			if gap < 0 {
				t.Errorf("at %d px the sticky header covers %s's heading by %.0f px", w, sec, -gap)
			}
		}
	}
	students[1].do(chromedp.EmulateViewport(1280, 720))
	teacher.fits(360)
	students[1].axe("student debate")

	// Boris loses his device: the teacher makes a rejoin code, and on another device the
	// QR link (secret in the fragment) brings Boris back as the same player.
	teacher.waitJS(`(() => { const tr = [...document.querySelectorAll('#t-roster tbody tr')].find(tr => tr.querySelector('.nick').textContent === 'Boris');
	  const b = tr && [...tr.querySelectorAll('button')].find(b => b.textContent === `+jsStr(L("roster.rejoin"))+`); if (!b) return false; b.click(); return true; })()`, "a rejoin code for Boris")
	teacher.waitJS(`(() => { const d = document.querySelector('.rejoin-dialog'); const i = d && d.querySelector('img.qr'); return !!d && d.open && i.complete && i.naturalWidth > 0; })()`, "the rejoin code and its QR code")
	rejoinCode := eval[string](teacher, `document.querySelector('.rejoin-dialog .join-code').textContent`)
	teacher.clickText(".rejoin-dialog", L("roster.close"))
	teacher.waitJS(`!document.querySelector('.rejoin-dialog')`, "the dialog closed")
	again := newTab(t, root, base, "student Boris, second device", nil)
	again.do(chromedp.Navigate(base + "/join/" + code + "#rejoin=" + rejoinCode))
	// Boris's lost device is still connected, so the slip waits for the teacher, whose
	// roster shows the request; approved, Boris is back, and the roster shows the rejoin.
	teacher.waitJS(`(() => { const tr = [...document.querySelectorAll('#t-roster tbody tr')].find(tr => tr.querySelector('.nick').textContent === 'Boris');
	  const b = tr && tr.querySelector('.rejoin-waiting') && [...tr.querySelectorAll('button')].find(b => b.textContent === `+jsStr(L("roster.rejoinApprove"))+`); if (!b) return false; b.click(); return true; })()`, "approving Boris's rejoin")
	again.waitJS(`document.body.dataset.conn === 'online' && document.querySelector('#s-head .me .nick').textContent === 'Boris' && location.hash === ''`, "Boris back on a new device")
	if n := eval[int](teacher, `document.querySelectorAll('#t-roster tbody tr').length`); n != 4 {
		t.Fatalf("after the rejoin the roster has %d players, want 4", n)
	}
	teacher.waitJS(`(() => { const tr = [...document.querySelectorAll('#t-roster tbody tr')].find(tr => tr.querySelector('.nick').textContent === 'Boris'); return tr && tr.querySelectorAll('.rejoins li').length === 1 && !tr.querySelector('.rejoin-waiting'); })()`, "the roster showing Boris's rejoin")
	students[1].cancel() // the lost device
	students[1] = again

	// The teacher removes Chen, whose page says so and stops.
	teacher.waitJS(`(() => { const tr = [...document.querySelectorAll('#t-roster tbody tr')].find(tr => tr.querySelector('.nick').textContent === 'Chen');
	  const b = tr && [...tr.querySelectorAll('button')].find(b => b.textContent === `+jsStr(L("roster.remove"))+`); if (!b) return false; b.click(); return true; })()`, "removing Chen")
	students[2].waitJS(`document.body.dataset.conn === 'closed' && !!document.querySelector('.notice[role=alert]')`, "Chen's page saying they were removed")
	teacher.waitJS(`[...document.querySelectorAll('#t-roster tr.st-removed .nick')].some(e => e.textContent === 'Chen')`, "Chen marked removed")
	active := []*tab{students[0], students[1], students[3]}

	playVote := func(year int, voters []*tab) {
		t.Helper()
		teacher.clickText("#t-controls", L("ctl.advance"))
		for _, s := range voters {
			s.waitJS(fmt.Sprintf(`document.querySelector('.yearphase').textContent.includes(%s) && document.querySelectorAll('#s-vote fieldset.decision').length > 0`, jsStr(phase(year, "vote"))), "the vote")
			if s == students[1] && year == 1928 {
				taskFirst(t, s, "vote", "#s-vote fieldset.decision input[type=radio]", strings.NewReplacer("{phase}", phase(year, "vote"), "{task}", L("student.task.vote")).Replace(L("student.phaseNow")))
			}
			eval[bool](s, `(() => { document.querySelectorAll('#s-vote fieldset.decision').forEach(fs => { const r = fs.querySelector('input[type=radio]:not(:checked)'); if (r && !fs.querySelector('input:checked')) r.click(); }); return true; })()`)
			s.waitJS(`[...document.querySelectorAll('#s-vote fieldset.decision')].every(fs => fs.querySelector('input:checked'))`, "every choice saved")
		}
		teacher.waitJS(fmt.Sprintf(`(() => { const m = document.querySelector('#t-tally .tally'); return m && [...m.querySelectorAll('meter')].reduce((a, x) => a + Number(x.value), 0) === %d; })()`, len(voters)), "every vote in the live tally")
		// The wall counts those who have voted, never who or what.
		voting := eval[int](teacher, `[...document.querySelectorAll('#t-roster tbody tr.st-active')].filter((tr) => tr.querySelector('select').value !== 'historian').length`)
		projector.waitJS(fmt.Sprintf(`document.querySelector('.proj-voted').textContent === %s`, jsStr(strings.NewReplacer("{n}", fmt.Sprint(len(voters)), "{of}", fmt.Sprint(voting)).Replace(L("proj.voted")))), "the voted count on the projector")
		wallText(t, projector, fmt.Sprintf("the %d vote", year))
		if year == 1928 {
			students[3].shot("student-vote-360.png", 360, 740, "#sec-vote")
			students[3].fits(360)
			students[3].axe("student vote")
		}
		teacher.clickText("#t-controls", L("ctl.advance"))
		projector.waitJS(fmt.Sprintf(`document.querySelector('.yearphase').textContent.includes(%s) && document.querySelectorAll('.proj-charts figure').length === 4 && document.querySelectorAll('.proj-charts circle').length >= 4`, jsStr(phase(year, "resolution"))), "the results and charts on the projector")
		for _, s := range active {
			s.waitJS(fmt.Sprintf(`!!document.querySelector('#sec-outcome .outcome') && document.querySelector('#sec-outcome h3').textContent.includes('%d')`, year), "the year's outcome")
		}
	}
	playVote(1928, active)
	// The outcome's figures carry no false precision: a tenth of a million at most.
	if figs := eval[[]string](students[1], `[...document.querySelectorAll('#sec-outcome .outcome .figures dd')].map(e => e.textContent)`); len(figs) == 0 || regexp.MustCompile(`\d[.,]\d\d`).MatchString(strings.Join(figs, " ")) {
		t.Fatalf("the outcome's figures: %q", figs)
	}

	// The end of the year: each student sees their own score, with the human cost as one
	// line in words (no death count), and the famine by region as named ranges; the
	// teacher sees everyone's scores; the projector the class-level part only.
	students[1].waitJS(`!!document.querySelector('#sec-outcome .my-score .score-total') && !!document.querySelector('#sec-outcome .famine-regions, #sec-outcome .famine')`, "Boris's own score at the end of 1928")
	type myScore struct {
		Total  string `json:"total"`
		Cost   string `json:"cost"`
		Others int    `json:"others"`
	}
	mine := eval[myScore](students[1], `({total: document.querySelector('#sec-outcome .my-score .score-total').textContent,
	  cost: [...document.querySelectorAll('#sec-outcome .my-score .line-human-cost .line-label, #sec-outcome .my-score .line-human-cost .hint')].map(e => e.textContent).join(' '),
	  others: document.querySelectorAll('#sec-outcome .all-scores').length})`)
	if mine.Total == "" || mine.Total == "–" || mine.Others != 0 {
		t.Fatalf("Boris's year result: %+v", mine)
	}
	if mine.Cost == "" || strings.ContainsAny(mine.Cost, "0123456789") || strings.Contains(mine.Cost, "million") {
		t.Fatalf("the human cost line is missing or carries a count: %q", mine.Cost)
	}
	teacher.waitJS(`document.querySelectorAll('#t-results .all-scores li[data-player]').length >= 3`, "every player's score on the teacher's console")
	teacher.axe("teacher year result")
	projector.waitJS(`!!document.querySelector('.proj-report .famine') && !!document.querySelector('.proj-report .class-cost')`, "the class-level report on the projector")
	// The class's human cost is said in words: a bare "0" beside it would read as nobody dying.
	if cost := eval[string](projector, `document.querySelector('.proj-report .class-cost').textContent`); regexp.MustCompile(`\d`).MatchString(cost) {
		t.Errorf("the wall's human cost line carries a number: %q", cost)
	}
	if n := eval[int](projector, `document.querySelectorAll('.my-score, .all-scores, .player-scores').length`); n != 0 {
		t.Fatalf("the projector shows %d players' scores", n)
	}
	students[1].shot("student-result-360.png", 360, 740, "#sec-outcome .my-score")
	students[1].fits(360)
	students[1].axe("student year result")
	charts := eval[[]string](projector, `[...document.querySelectorAll('.proj-charts figure')].map(f => f.dataset.quantity)`)
	for _, q := range charts {
		if strings.Contains(strings.ToLower(q), "famine") || strings.Contains(strings.ToLower(q), "death") {
			t.Fatalf("the live charts include %s", q)
		}
	}
	projector.shot("projector-1280.png", 1280, 720, "")
	// The wall at 1280×720 is one screen: no page scroll, no column running over; its
	// chart text is at least 18 px on screen and no value label sits on an axis label.
	wallFits := func(what string) {
		t.Helper()
		type wall struct {
			Scroll, Inner    int
			Over, Overlapped []string
			Smallest         float64
		}
		got := eval[wall](projector, `(() => { const box = (e) => e.getBoundingClientRect(); const meet = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
		  const svgs = [...document.querySelectorAll('.proj-charts svg')];
		  return {Scroll: document.documentElement.scrollHeight, Inner: innerHeight,
		    Over: [...document.querySelectorAll('.proj-grid > section')].filter(s => s.scrollHeight > s.clientHeight + 1).map(s => s.className + ' ' + s.scrollHeight + ' > ' + s.clientHeight),
		    Overlapped: svgs.flatMap(s => [...s.querySelectorAll('.val')].filter(v => [...s.querySelectorAll('.tick')].some(k => meet(box(v), box(k)))).map(v => s.closest('figure').dataset.quantity + ' ' + v.textContent)),
		    Smallest: Math.min(...svgs.flatMap(s => [...s.querySelectorAll('text')]).map(e => e.getScreenCTM().a * parseFloat(getComputedStyle(e).fontSize)))}; })()`)
		if got.Scroll > got.Inner || len(got.Over) > 0 {
			t.Errorf("%s: the projector at 1280×720 scrolls: page %d > %d px, columns running over %q", what, got.Scroll, got.Inner, got.Over)
		}
		if got.Smallest < 24 || len(got.Overlapped) > 0 {
			t.Errorf("%s: the projector's chart text is %.1f px at smallest (want 24), value labels on axis labels: %q", what, got.Smallest, got.Overlapped)
		}
		wallText(t, projector, what)
	}
	wallFits("the end of 1928")
	projector.shot("projector-360.png", 360, 740, "")
	projector.axe("projector results")

	// 1929 is stepped with history's choices; the second played year is 1930.
	teacher.clickText("#t-controls", L("ctl.advance"))
	for _, s := range active {
		s.waitJS(fmt.Sprintf(`document.querySelector('.yearphase').textContent.includes(%s)`, jsStr(phase(1930, "briefing"))), "the 1930 briefing")
	}
	roomBriefingShown(students[3], 1930) // after a stepped year, on the SSE student's card
	// The first student would rather not play a role: they become the Historian.
	students[0].clickText("#s-card", L("card.optOut"))
	students[0].waitJS(fmt.Sprintf(`document.querySelector('#s-head .me').textContent.includes(%s)`, jsStr(L("role.historian.name"))), "the student now the Historian")
	historian := students[0]
	voters := []*tab{students[1], students[3]}

	// The teacher stops holding every post and adds a word of the room's own to the filter.
	eval[bool](teacher, `(document.querySelector('#tg-holdPosts').click(), true)`) // a redraw may replace the node between a DevTools find and click
	teacher.waitJS(`!document.querySelector('#tg-holdPosts').checked`, "hold posts off")
	teacher.typeInto(`#filter-add`, "zorkmid")
	teacher.clickText("#t-moderation", L("filter.addButton"))
	teacher.waitJS(`[...document.querySelectorAll('#t-moderation .filter-word')].some(e => e.textContent === 'zorkmid') && document.querySelector('#filter-add').value === ''`, "the room's word in the filter")

	teacher.clickText("#t-controls", L("ctl.advance"))
	students[0].waitJS(fmt.Sprintf(`!!document.querySelector('#arg-text') && document.querySelector('.yearphase').textContent.includes(%s)`, jsStr(phase(1930, "debate"))), "the 1930 debate")
	arg1930 := "1930: the pace must slow before the spring sowing."
	post(3, arg1930)
	projector.waitJS(`[...document.querySelectorAll('.proj-posts .post-text')].some(e => e.textContent.startsWith('1930:'))`, "the 1930 argument on the projector, no longer held")
	// A post with the filtered word waits for the teacher, marked as a filter hit.
	filtered := "The zorkmid quota will ruin the villages."
	post(1, filtered)
	teacher.waitJS(fmt.Sprintf(`[...document.querySelectorAll('#mod-queue > li.post')].some(li => li.querySelector('.post-text').textContent === %s && li.querySelector('.flags').textContent.includes(%s))`, jsStr(filtered), jsStr(L("mod.filtered"))), "the filtered post in the approval queue")
	teacher.axe("teacher moderation and word filter")

	// The Historian asks for evidence on Dana's argument and attaches a card; everyone sees both.
	onArg := func(sel string) string {
		return fmt.Sprintf(`[...document.querySelectorAll('#wall-list li.post')].find(li => li.querySelector('.post-text').textContent === %s).querySelector(%s)`, jsStr(arg1930), jsStr(sel))
	}
	historian.waitJS(`(() => { const b = `+onArg(`.historian-tools button[aria-expanded]`)+`; if (!b) return false; b.click(); return true; })()`, "the Historian's Ask for evidence button")
	note := "How much grain was sown in 1929, and who counted it?"
	historian.waitJS(onArg(`.flag-note-input`)+` !== null`, "the note box")
	// typeInto, not Focus and SendKeys: a room event redraws the wall, and a DevTools node
	// id found before the redraw is gone by the time it is used ("Could not find node
	// with given id").
	historian.typeInto(`#wall-list .flag-note-input`, note)
	historian.clickText("#wall-list", L("hist.sendFlag"))
	flagShown := fmt.Sprintf(`[...document.querySelectorAll('.historian-flag .flag-note')].some(e => e.textContent === %s)`, jsStr(note))
	for _, tb := range []*tab{historian, teacher, projector, students[1], students[3]} {
		tb.waitJS(flagShown, "the Historian's request for evidence")
	}
	historian.clickText("#wall-list", L("hist.attachCard"))
	historian.waitJS(`(() => { const s = document.querySelector('#wall-list .card-select'); if (!s || s.options.length < 2) return false; s.value = s.options[1].value; return true; })()`, "a card to attach")
	historian.clickText("#wall-list", L("hist.sendCard"))
	students[3].waitJS(`document.querySelectorAll('#wall-list .historian-card .card-title').length === 1`, "the attached card on Dana's screen")
	historian.shot("student-historian-360.png", 360, 740, "#wall-list")
	historian.fits(360)
	historian.axe("historian")
	// The wall's end-of-year report is paged as slides. The longest thing it can carry is
	// a composite family account; whether the class's path brings one in 1930 depends on
	// the model, so the projector's copy of the 1930 report carries the herders' account
	// (the Kazakh famine) whatever the path, and every slide of it must fit the wall.
	fc := scoring.DefaultContent().Famine
	herders := fc.Regions["kazakhstan"].Accounts[0]
	account, err := json.Marshal(scoring.Account{Region: "kazakhstan", Title: herders.Title, Label: fc.CompositeLabel, Text: herders.Text, Testimony: herders.Testimony})
	if err != nil {
		t.Fatal(err)
	}
	eval[bool](projector, fmt.Sprintf(`(() => { const account = %s; const orig = window.fetch;
	  window.fetch = async (url, init) => { const r = await orig(url, init);
	    if (!String(url).endsWith('/years/1930/report') || !r.ok) return r;
	    const rep = await r.json(); rep.famine.accounts = [...(rep.famine.accounts || []).filter((a) => a.title !== account.title), account];
	    return new Response(JSON.stringify(rep), {status: r.status, headers: r.headers}); };
	  return true; })()`, account))
	playVote(1930, voters)

	// At the end of the year the Historian annotates it; the class sees the note.
	annotation := "The harvest sits inside history's band; the livestock figure does not."
	historian.typeInto(`#annotate-1930`, annotation)
	historian.clickText("#sec-outcome", L("hist.annotate"))
	for _, tb := range []*tab{projector, students[1]} {
		tb.waitJS(fmt.Sprintf(`[...document.querySelectorAll('.annotation-text')].some(e => e.textContent === %s)`, jsStr(annotation)), "the Historian's note on 1930")
	}
	projector.waitJS(`!!document.querySelector('.proj-report .famine')`, "the 1930 report on the projector")
	wallFits("the end of 1930, annotated")
	projector.shot("projector-annotated-1280.png", 1280, 720, "")
	// Every slide of the 1930 report fits the wall, and together they show the whole
	// account, in order: its label, title, text and the testimony to read.
	projector.waitJS(`!!document.querySelector('.proj-report .composite')`, "the herders' account in the 1930 report")
	reportSlide := func() (n, of int, parts []string) {
		type seen struct {
			N, Of int
			Parts []string
		}
		s := eval[seen](projector, `(() => { const m = (document.querySelector('.proj-report .slide-n') || {textContent: '1 1'}).textContent.match(/\d+/g).map(Number);
		  const parts = [...document.querySelectorAll('.proj-report .composite :is(p, h5, li)')].filter((e) => e.checkVisibility() && !e.querySelector('p, li'));
		  return {N: m[0], Of: m[1], Parts: parts.map((e) => e.textContent.trim())}; })()`)
		return s.N, s.Of, s.Parts
	}
	_, slides, _ := reportSlide()
	var accountShown []string
	for i := 1; i <= slides; i++ {
		n, of, parts := reportSlide()
		if n != i || of != slides {
			t.Fatalf("on report slide %d the wall says %d of %d (want %d)", i, n, of, slides)
		}
		accountShown = append(accountShown, parts...)
		wallFits(fmt.Sprintf("the 1930 report, slide %d of %d", i, slides))
		if i < slides {
			teacher.clickText("#t-controls", L("ctl.wallNext"))
			projector.waitJS(fmt.Sprintf(`Number(((document.querySelector('.proj-report .slide-n') || {}).textContent || '').match(/\d+/)) === %d`, i+1), fmt.Sprintf("the report's slide %d", i+1))
		}
	}
	// A paragraph taller than a slide is cut between sentences, so the parts read in
	// order make the account, each once.
	if got, want := strings.Join(accountShown, " "), strings.Join(append([]string{fc.CompositeLabel, herders.Title, herders.Text, L("report.testimony")}, herders.Testimony...), " "); got != want {
		t.Errorf("the 1930 report's slides show the account as\n%q\nwant\n%q", got, want)
	}

	// End the lesson: de-roling and the exit ticket.
	teacher.clickText("#t-controls", L("ctl.end"))
	students[1].waitJS(`!!document.querySelector('#sec-exit textarea')`, "the exit ticket")
	students[1].typeInto(`#exit-0`, "Quotas were set without regard to what villages could give.")
	students[1].clickText("#sec-exit", L("exit.send"))
	students[1].waitJS(`document.querySelector('#sec-exit').textContent.includes(`+jsStr(L("exit.thanks"))+`)`, "the exit ticket sent")
	students[1].shot("student-exit-360.png", 360, 740, "#sec-exit")
	students[1].fits(360)
	students[1].axe("student exit ticket")
	teacher.waitJS(`!!document.querySelector('#ex-h') && [...document.querySelectorAll('#t-debrief .post-text')].some(e => e.textContent.startsWith('Quotas were set'))`, "the exit ticket on the teacher's console")
	teacher.clickText("#t-controls", L("ctl.endGame"))
	teacher.waitJS(`!!document.querySelector('#t-debrief .debrief .divergences')`, "the teacher's debrief")
	// The server's debrief: the largest divergences with why, the historians' debate,
	// scores by player and faction, and the exit tickets for the teacher alone.
	type debriefSeen struct {
		Divergences, Explained, Positions, Factions, Players int
		Tickets                                              string
	}
	seen := eval[debriefSeen](teacher, `(() => { const d = document.querySelector('#t-debrief .debrief'); return {
	  Divergences: d.querySelectorAll('.divergences ol > li').length,
	  Explained: [...d.querySelectorAll('.divergences .explanation')].filter(e => e.textContent.length > 20).length,
	  Positions: d.querySelectorAll('.historians-debate .positions > li').length,
	  Factions: d.querySelectorAll('.faction-scores tbody tr').length,
	  Players: d.querySelectorAll('.player-scores > li').length,
	  Tickets: (d.querySelector('.reflections') || {}).textContent || ''}; })()`)
	if seen.Divergences < 1 || seen.Divergences > 3 || seen.Explained != seen.Divergences || seen.Positions < 3 || seen.Factions < 2 || seen.Players < 3 || !strings.Contains(seen.Tickets, "Quotas were set") {
		t.Fatalf("the teacher's debrief: %+v", seen)
	}
	// The debrief's words and numbers: a range of one value is that value, a total's years
	// are said once, "million" once, an index's base year in brackets, and a figure has
	// one precision everywhere.
	debriefText := eval[string](teacher, `document.querySelector('#t-debrief .debrief').textContent`)
	for _, bad := range []*regexp.Regexp{
		regexp.MustCompile(`(?:^|[^\d.,])(\d[\d.,]*)–(\d[\d.,]*)(?:[^\d.,]|$)`),
		regexp.MustCompile(`million million`),
		regexp.MustCompile(`(\d{4})–\d{2,4}, \d{4}–\d{2,4}`),
		regexp.MustCompile(`\d 1928 = 100`),
	} {
		for _, m := range bad.FindAllStringSubmatch(debriefText, -1) {
			if len(m) == 3 && m[1] != m[2] {
				continue // a true range
			}
			t.Errorf("the debrief says %q", m[0])
		}
	}
	chartLabelsApart(t, teacher, "#t-debrief")
	chartLabelsApart(t, teacher, "#t-results")
	// Every figure of the debrief's path is a row of the table "Our path beside
	// history's", for every audience; a famine figure shows as the server's range, and
	// where the class's figure lies is said in words.
	pathRows := eval[[]map[string]any](teacher, `fetch('/api/rooms/`+code+`/debrief', {headers: {Authorization: 'Bearer ' + JSON.parse(localStorage.getItem('debate.teacher.`+code+`')).teacherKey}})
	  .then(r => r.json()).then(d => d.path)`)
	if len(pathRows) == 0 {
		t.Fatal("the debrief's path is empty")
	}
	rangeTexts := []string{}
	for _, r := range pathRows {
		if cr, ok := r["classRange"].(map[string]any); ok {
			rangeTexts = append(rangeTexts, cr["text"].(string))
		}
	}
	pathTable := func(tb *tab, scope string) {
		t.Helper()
		type table struct {
			Rows   int
			Where  []string
			Ranges []string
		}
		got := eval[table](tb, fmt.Sprintf(`(() => { const rows = [...document.querySelectorAll(%s)];
		  return {Rows: rows.length, Where: rows.map(r => r.querySelector('.where').textContent),
		    Ranges: rows.filter(r => r.closest('tbody').dataset.quantity.startsWith('famine')).map(r => r.querySelector('td').textContent)}; })()`, jsStr(scope+" .path-table tbody tr[data-year]")))
		if got.Rows != len(pathRows) {
			t.Errorf("%s: the path table has %d rows, the debrief %d figures", tb.name, got.Rows, len(pathRows))
		}
		words := map[string]bool{L("debrief.where.inside"): true, L("debrief.where.above"): true, L("debrief.where.below"): true}
		for _, w := range got.Where {
			if !words[w] {
				t.Errorf("%s: a row says %q of where the class's figure lies", tb.name, w)
			}
		}
		if strings.Join(got.Ranges, "|") != strings.Join(rangeTexts, "|") {
			t.Errorf("%s: the famine figures read %q, the debrief's ranges %q", tb.name, got.Ranges, rangeTexts)
		}
	}
	pathTable(teacher, "#t-debrief")
	teacher.shot("teacher-debrief-1280.png", 1280, 720, "#t-debrief")
	teacher.shot("teacher-debrief-divergences-1280.png", 1280, 720, "#t-debrief .divergences")
	teacher.axe("teacher debrief")

	// The teacher downloads the gradebook: the key goes in a header, never a URL, and the
	// file arrives under the server's name with the class's nicknames.
	// The page's content security policy keeps blob: URLs from being fetched, so the test
	// keeps each Blob as the page makes its URL and reads it when the link is clicked.
	eval[bool](teacher, `(() => { window.__dl = []; const click = HTMLAnchorElement.prototype.click; const create = URL.createObjectURL; const blobs = new Map();
	  URL.createObjectURL = (b) => { const u = create.call(URL, b); blobs.set(u, b); return u; };
	  HTMLAnchorElement.prototype.click = function () { if (!this.download || !blobs.has(this.href)) return click.call(this); const a = this;
	    blobs.get(a.href).text().then(text => window.__dl.push({name: a.download, text})); }; return true; })()`)
	// Before that the teacher scores Boris against the rubric's first criterion.
	teacher.waitJS(`document.querySelectorAll('#t-assess .rubric-criteria li').length === 5`, "the default rubric's five criteria")
	assessNote := "Cites the 1928 procurement figures."
	eval[bool](teacher, `(() => { const s = document.querySelector('#assess-player'); s.value = [...s.options].find(o => o.textContent === 'Boris').value; document.querySelector('#assess-criterion').value = 'evidence'; return true; })()`)
	teacher.typeInto(`#assess-score`, "3")
	teacher.typeInto(`#assess-note`, assessNote)
	teacher.clickText("#t-assess", L("assess.submit"))
	teacher.waitJS(fmt.Sprintf(`[...document.querySelectorAll('#t-assess table.assessed tbody tr')].some(tr => tr.querySelector('.nick').textContent === 'Boris' && tr.querySelector('.assess-note').textContent === %s)`, jsStr(assessNote)), "Boris's score in the list")
	eval[bool](teacher, `(document.querySelector('button[data-export="gradebook.csv"]').click(), true)`)
	teacher.waitJS(`window.__dl.length === 1`, "the gradebook download")
	type download struct{ Name, Text string }
	got := eval[download](teacher, `({Name: window.__dl[0].name, Text: window.__dl[0].text})`)
	if ok, _ := regexp.MatchString(`^`+code+`-\d{4}-\d{2}-\d{2}\.csv$`, got.Name); !ok {
		t.Fatalf("the gradebook is saved as %q", got.Name)
	}
	// The game's scores are in the gradebook, in columns of their own after the rubric's.
	if head, _, _ := strings.Cut(got.Text, "\n"); !strings.HasSuffix(strings.TrimSpace(head), "game: years scored,game: role result,game: debate points,game: total") || !strings.Contains(head, "teacher: ") {
		t.Errorf("the gradebook's header: %s", head)
	}
	for _, nick := range []string{"Boris", "Dana", htmlNick, assessNote} {
		if !strings.Contains(got.Text, nick) {
			t.Fatalf("the gradebook lacks %q:\n%s", nick, got.Text)
		}
	}
	// The list of posts this screen makes is named as the server names its files.
	teacher.clickText("#t-exports", L("exports.arguments"))
	teacher.waitJS(`window.__dl.length === 2`, "the arguments download")
	got = eval[download](teacher, `({Name: window.__dl[1].name, Text: window.__dl[1].text})`)
	if ok, _ := regexp.MatchString(`^`+code+`-\d{4}-\d{2}-\d{2}-arguments\.csv$`, got.Name); !ok || !strings.Contains(got.Text, texts[1]) {
		t.Fatalf("the arguments are saved as %q with %d bytes", got.Name, len(got.Text))
	}
	// The teacher adds a criterion of their own to the rubric.
	teacher.clickText("#t-assess", L("rubric.edit"))
	teacher.clickText("#t-assess", L("rubric.add"))
	teacher.typeInto(`#t-assess .rubric-rows li:last-child .rubric-label`, "Sources named")
	teacher.clickText("#t-assess", L("rubric.save"))
	teacher.waitJS(`document.querySelectorAll('#t-assess .rubric-criteria li').length === 6 && !document.querySelector('#t-assess .rubric-form') && [...document.querySelectorAll('#assess-criterion option')].some(o => o.value === 'c-sources-named')`, "the teacher's own criterion in the rubric")
	if leaked := eval[bool](teacher, `(() => { const k = JSON.parse(localStorage.getItem('debate.teacher.`+code+`')).teacherKey; return performance.getEntriesByType('resource').some(e => e.name.includes(k)); })()`); leaked {
		t.Fatal("the teacher's key went into a URL")
	}

	projector.waitJS(`!!document.querySelector('.debrief .divergences') && !!document.querySelector('.debrief .historians-debate')`, "the projector's debrief")
	if n := eval[int](projector, `document.querySelectorAll('.debrief .player-scores, .debrief .reflections').length`); n != 0 {
		t.Fatalf("the projector's debrief shows players' scores or exit tickets (%d)", n)
	}
	pathTable(projector, ".debrief")
	// The debrief on the wall is a set of slides the teacher moves through from the
	// console; each fits the screen with every text at least 24 px, and together they
	// show every part of it.
	type slide struct {
		N, Of, Charts int
		Shown         []string
	}
	at := func() slide {
		return eval[slide](projector, `(() => { const m = (document.querySelector('.slide-n') || {textContent: '1 1'}).textContent.match(/\d+/g).map(Number);
		  return {N: m[0], Of: m[1], Charts: [...document.querySelectorAll('.debrief .chart')].filter((c) => c.checkVisibility()).length,
		    Shown: [...document.querySelectorAll('.debrief h3, .debrief tbody[data-quantity], .debrief .divergences ol > li')].filter((e) => e.checkVisibility()).map((e) => e.dataset.quantity || e.textContent.slice(0, 40))}; })()`)
	}
	first := at()
	if first.Of < 2 {
		t.Errorf("the wall's debrief is one slide: %+v", first)
	}
	shown := map[string]bool{}
	chartsShown := 0
	for i := 1; i <= first.Of; i++ {
		s := at()
		if s.N != i {
			t.Fatalf("on slide %d the wall says %d of %d", i, s.N, s.Of)
		}
		for _, x := range s.Shown {
			shown[x] = true
		}
		chartsShown += s.Charts
		wallText(t, projector, fmt.Sprintf("debrief slide %d of %d", i, s.Of))
		if i < first.Of {
			teacher.clickText("#t-controls", L("ctl.wallNext"))
			projector.waitJS(fmt.Sprintf(`Number(((document.querySelector('.slide-n') || {}).textContent || '').match(/\d+/)) === %d`, i+1), fmt.Sprintf("the wall's slide %d", i+1))
		}
	}
	all := eval[[]string](projector, `[...document.querySelectorAll('.debrief h3, .debrief tbody[data-quantity], .debrief .divergences ol > li')].map((e) => e.dataset.quantity || e.textContent.slice(0, 40))`)
	for _, x := range all {
		if !shown[x] {
			t.Errorf("the wall's debrief never shows %q", x)
		}
	}
	if chartsShown < 1 {
		t.Error("no slide of the wall's debrief shows a chart")
	}
	for i := first.Of; i > 1; i-- {
		teacher.clickText("#t-controls", L("ctl.wallPrev"))
	}
	projector.waitJS(`Number(document.querySelector('.slide-n').textContent.match(/\d+/)) === 1`, "the wall back on its first slide")
	projector.shot("projector-debrief-1280.png", 1280, 720, "")
	projector.axe("projector debrief")

	// A student's debrief: their own breakdown opened, nobody's exit tickets.
	students[1].waitJS(`!!document.querySelector('#s-score .debrief .player-scores li.mine details[open] .breakdown')`, "Boris's debrief with his own breakdown")
	if n := eval[int](students[1], `document.querySelectorAll('#s-score .reflections').length`); n != 0 {
		t.Fatal("a student's debrief shows the exit tickets")
	}
	pathTable(students[1], "#s-score")
	students[1].fits(360)
	students[1].axe("student debrief")

	// The printable pack, on A4 and Letter.
	printer := newTab(t, root, base, "print", teacher)
	// Before any rejoin code is issued, each slip still carries a QR code: the room's join
	// link, on the address the room keeps.
	printer.open("/print/" + code)
	printer.waitJS(fmt.Sprintf(`(() => { const slips = [...document.querySelectorAll('.cut.rejoin')]; return slips.length === 3 && slips.every((s) => { const i = s.querySelector('img.qr');
	  return i && i.complete && i.naturalWidth > 0 && decodeURIComponent(i.src).endsWith('?base=http://198.51.100.20%s'); }); })()`, port), "a join QR code on every rejoin slip before codes are issued")
	printer.open("/print/" + code + "?rejoin=1")
	printer.waitJS(`document.querySelectorAll('.slip').length >= 2 && document.querySelectorAll('.role-card.cut').length >= 3`, "the print pack")
	printer.waitJS(`document.querySelectorAll('.rejoin .join-code').length === 3 && [...document.querySelectorAll('.rejoin img.qr')].every(i => i.complete && i.naturalWidth > 0) && location.search === ''`, "a rejoin slip with a QR code for each player still in the game")
	// Graphic material is off in this room: the pack prints the gentler version.
	if got := eval[string](printer, `[...document.querySelectorAll('.evidence-card')].map(e => e.textContent).join('\n')`); !strings.Contains(got, "villages where many houses stood empty") || strings.Contains(got, "strength to bury") {
		t.Errorf("the print pack's famine card does not follow the room's setting:\n%.400s", got)
	}
	printer.axe("print pack")
	printer.waitJS(`[...document.querySelector('#paper').options].every((o) => [...document.styleSheets].some((x) => x.href && x.href.endsWith('/paper-' + o.value + '.css')))`, "every paper size's sheet loaded")
	for _, size := range []string{"A4", "letter"} {
		// The chosen size applies at once, so that Print pressed just after prints it: the
		// only paper sheet in force for print is that size's, loaded, as soon as the
		// choice changes.
		if !eval[bool](printer, fmt.Sprintf(`(() => { const s = document.querySelector('#paper'); s.value = %s; s.dispatchEvent(new Event('change'));
		  const on = [...document.styleSheets].filter((x) => x.href && /\/paper-[^/]*\.css$/.test(x.href) && !x.disabled && x.media.mediaText !== 'not all');
		  return on.length === 1 && on[0].href.endsWith('/paper-' + s.value + '.css') && on[0].cssRules.length > 0; })()`, jsStr(size))) {
			t.Errorf("choosing %s paper does not apply its page size at once", size)
		}
		pdf := printer.pdf()
		if len(pdf) < 1000 || string(pdf[:4]) != "%PDF" {
			t.Fatalf("the %s pack is not a PDF (%d bytes)", size, len(pdf))
		}
		// The page size is the CSS @page size the teacher chose: A4 is 595×842 points,
		// Letter 612×792.
		want := map[string]string{"A4": "/MediaBox [0 0 594.9", "letter": "/MediaBox [0 0 612"}[size]
		if !strings.Contains(string(pdf), want) {
			t.Errorf("the %s pack does not have %s pages", size, size)
		}
		if err := os.WriteFile(filepath.Join(shotDir, "print-pack-"+size+".pdf"), pdf, 0o644); err != nil {
			t.Fatal(err)
		}
		printLayout(t, printer, size, pdfPages(pdf))
	}

	// Last, the teacher deletes the room and is back on the front page; the code is gone.
	key := eval[string](teacher, `JSON.parse(localStorage.getItem('debate.teacher.`+code+`')).teacherKey`)
	teacher.clickText("#t-settings", L("ctl.delete"))
	teacher.waitJS(`location.pathname === '/' && document.body.dataset.ready === '1' && localStorage.getItem('debate.teacher.`+code+`') === null`, "the front page after deleting the room")
	if st := eval[int](teacher, `fetch('/api/rooms/`+code+`/view', {headers: {Authorization: 'Bearer `+key+`'}}).then(r => r.status)`); st < 400 {
		t.Fatalf("the deleted room's view answers %d", st)
	}

	if *updateShots {
		dir := filepath.Join("..", "docs", "screenshots")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"teacher-1280.png", "teacher-360.png", "projector-1280.png", "projector-360.png", "student-1280.png", "student-360.png", "student-vote-360.png", "student-result-360.png", "student-historian-360.png", "preview-1280.png", "projector-debrief-1280.png", "teacher-debrief-1280.png"} {
			copyFile(t, filepath.Join(shotDir, name), filepath.Join(dir, name))
		}
	}
}

// plainText checks that text typed as HTML appears as those characters and that none of
// it became an element or ran.
func plainText(t *testing.T, tb *tab, text string) {
	t.Helper()
	type result struct {
		Shown    bool   `json:"shown"`
		Elements int    `json:"elements"`
		Alerted  string `json:"alerted"`
	}
	res := eval[result](tb, fmt.Sprintf(`({shown: [...document.querySelectorAll('.post-text, .nick')].some(e => e.textContent === %s && e.children.length === 0),
	  elements: document.querySelectorAll('#main img[src="x"], #main script, #main b').length,
	  alerted: window.__alerted || ''})`, jsStr(text)))
	if !res.Shown || res.Elements != 0 || res.Alerted != "" {
		t.Fatalf("%s: %q is not plain text: shown=%v, elements made=%d, alert=%q", tb.name, text, res.Shown, res.Elements, res.Alerted)
	}
}

// taskFirst checks a student's phone (360×740) in a new phase: the phase's task is the
// first section, its first control (first) is on the first screen without scrolling,
// the other sections are folded to their headings, and the change was announced in the
// live region.
func taskFirst(t *testing.T, s *tab, task, first, said string) {
	t.Helper()
	s.do(chromedp.EmulateViewport(360, 740))
	defer s.do(chromedp.EmulateViewport(1280, 720))
	s.waitJS(`document.querySelector('#live').textContent === `+jsStr(said), "the phase change announced: "+said)
	type seen struct {
		First        string
		Top, Bottom  float64
		Folded, Open []string
	}
	got := eval[seen](s, fmt.Sprintf(`(() => { const el = document.querySelector(%s); const r = el.getBoundingClientRect();
	  const boxes = [...document.querySelectorAll('.tasks > .task')].filter((b) => b.querySelector('section'));
	  return {First: boxes[0].dataset.task, Top: r.top + scrollY, Bottom: r.bottom + scrollY,
	    Folded: boxes.filter((b) => b.classList.contains('folded')).map((b) => b.dataset.task), Open: boxes.filter((b) => !b.classList.contains('folded')).map((b) => b.dataset.task)}; })()`, jsStr(first)))
	if got.First != task || got.Bottom > 740 || got.Top < 0 || len(got.Open) != 1 || got.Open[0] != task {
		t.Errorf("%s on a phone: first section %q (want %q), its control at %.0f–%.0f px (want on the first 740 px), open %q, folded %q", s.name, got.First, task, got.Top, got.Bottom, got.Open, got.Folded)
	}
}

// chartLabelsApart checks that no two value labels of a chart overlap, nor a value label
// and an axis label, in the charts under scope.
func chartLabelsApart(t *testing.T, tb *tab, scope string) {
	t.Helper()
	type clash struct {
		Charts, Labels int
		Clashes        []string
	}
	got := eval[clash](tb, fmt.Sprintf(`(() => { const meet = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
	  const svgs = [...document.querySelectorAll(%s + ' svg.chart-svg')].filter((s) => s.getClientRects().length > 0); const clashes = []; let labels = 0;
	  for (const s of svgs) { const vals = [...s.querySelectorAll('.val')]; const ticks = [...s.querySelectorAll('.tick')]; labels += vals.length;
	    vals.forEach((v, i) => { const r = v.getBoundingClientRect();
	      for (const w of vals.slice(i + 1)) if (meet(r, w.getBoundingClientRect())) clashes.push(s.closest('figure').dataset.quantity + ': ' + v.textContent + ' on ' + w.textContent);
	      for (const k of ticks) if (meet(r, k.getBoundingClientRect())) clashes.push(s.closest('figure').dataset.quantity + ': ' + v.textContent + ' on axis ' + k.textContent); }); }
	  return {Charts: svgs.length, Labels: labels, Clashes: clashes}; })()`, jsStr(scope)))
	if got.Charts == 0 || got.Labels == 0 || len(got.Clashes) > 0 {
		t.Errorf("%s, %s: %d charts, %d value labels, overlapping: %q", tb.name, scope, got.Charts, got.Labels, got.Clashes)
	}
}

// pdfPages counts the pages of a PDF as Chromium writes it (one /Type /Page object each).
func pdfPages(pdf []byte) int {
	return len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf, -1))
}

// printLayout lays the pack out as the printer will, with print media emulated at the
// page's printable width, and pages it as Chromium does: each part from a new page, a
// card never split, a role card on a page of its own. It checks that every card fits
// its page (a role card a page, any other card half of one), that no page holds only a
// heading or nothing, and that the count of pages so found is the PDF's.
func printLayout(t *testing.T, tb *tab, size string, pdfPages int) {
	t.Helper()
	// The printable area: the paper less the 12 mm margins, at 96 px an inch.
	mm := 96 / 25.4
	w, h := map[string][2]float64{"A4": {210, 297}, "letter": {215.9, 279.4}}[size][0]-24, map[string][2]float64{"A4": {210, 297}, "letter": {215.9, 279.4}}[size][1]-24
	media := func(m string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m})
			return err
		})
	}
	tb.do(chromedp.EmulateViewport(int64(w*mm), int64(h*mm)), media("print"))
	defer tb.do(chromedp.EmulateViewport(1280, 720), media(""))
	// A screen has a scroll bar and paper has none: the viewport is widened by the bar's
	// width so that the pack is laid out at the paper's printable width, as printed.
	if bar := eval[int](tb, `innerWidth - document.documentElement.clientWidth`); bar > 0 {
		tb.do(chromedp.EmulateViewport(int64(w*mm)+int64(bar), int64(h*mm)))
	}
	if got := eval[float64](tb, `document.documentElement.clientWidth`); math.Abs(got-w*mm) > 1 {
		t.Fatalf("the %s pack is laid out %.0f px wide, its printable width is %.0f px", size, got, w*mm)
	}
	type layout struct {
		Pages    int
		PerPage  []string
		Problems []string
	}
	got := eval[layout](tb, fmt.Sprintf(`(() => { const pageH = %f; const out = {Pages: 0, PerPage: [], Problems: []};
	  for (const sh of document.querySelectorAll('.sheet')) {
	    const name = sh.querySelector('h2').textContent; const top = sh.getBoundingClientRect().top;
	    const cards = [...sh.querySelectorAll('.cut')];
	    if (!cards.length) { const n = Math.max(1, Math.ceil((sh.getBoundingClientRect().height - 1) / pageH)); out.Pages += n; for (let i = 0; i < n; i++) out.PerPage.push(name + ': notes'); continue; }
	    const rows = [];
	    for (const c of cards) { const r = c.getBoundingClientRect(); const row = rows.find((x) => Math.abs(x.top - r.top) < 1);
	      const half = !c.classList.contains('role-card'); if ((half ? 2 : 1) * r.height > pageH) out.Problems.push(name + ': a card of ' + Math.round(r.height) + ' px, more than ' + (half ? 'half ' : '') + 'a page of ' + Math.round(pageH));
	      if (row) { row.bottom = Math.max(row.bottom, r.bottom); row.n++; } else rows.push({top: r.top, bottom: r.bottom, n: 1, forced: getComputedStyle(c).breakBefore === 'page'}); }
	    let used = 0, prev = top, onPage = 0; out.Pages++;
	    rows.forEach((row, i) => { const gap = row.top - prev, ht = row.bottom - row.top;
	      if (i > 0 && (row.forced || used + gap + ht > pageH)) { out.PerPage.push(name + ': ' + onPage); out.Pages++; used = ht; onPage = row.n; }
	      else { if (i === 0 && gap + ht > pageH) out.Problems.push(name + ': its heading alone on a page'); used += gap + ht; onPage += row.n; }
	      prev = row.bottom; });
	    out.PerPage.push(name + ': ' + onPage); }
	  return out; })()`, h*mm))
	for _, p := range got.PerPage {
		if strings.HasSuffix(p, ": 0") {
			got.Problems = append(got.Problems, "a page with no card: "+p)
		}
	}
	if len(got.Problems) > 0 || got.Pages != pdfPages {
		t.Errorf("the %s pack: %d pages laid out, the PDF has %d; per page %q; %q", size, got.Pages, pdfPages, got.PerPage, got.Problems)
	}
}

// wallText checks the projector from the back of the room: every text on the screen is
// at least 24 px (chart text measured as drawn), and the page does not scroll.
func wallText(t *testing.T, tb *tab, what string) {
	t.Helper()
	type seen struct {
		Small         []string
		Scroll, Inner int
		Texts         int
	}
	got := eval[seen](tb, `(() => { const small = []; let texts = 0;
	  for (const e of document.querySelectorAll('body *')) {
	    if (!e.checkVisibility() || e.closest('.visually-hidden, .skip, .top')) continue;
	    if (![...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
	    texts++;
	    const px = parseFloat(getComputedStyle(e).fontSize) * (e instanceof SVGElement ? e.getScreenCTM().a : 1);
	    if (px < 23.9) small.push(e.tagName.toLowerCase() + '.' + (e.getAttribute('class') || '') + ' ' + Math.round(px * 10) / 10 + 'px "' + e.textContent.trim().slice(0, 30) + '"'); }
	  return {Small: small.slice(0, 12), Scroll: document.documentElement.scrollHeight, Inner: innerHeight, Texts: texts}; })()`)
	if len(got.Small) > 0 || got.Texts == 0 {
		t.Errorf("projector, %s: %d texts, smaller than 24 px: %q", what, got.Texts, got.Small)
	}
	if got.Scroll > got.Inner {
		t.Errorf("projector, %s: the page scrolls (%d > %d px)", what, got.Scroll, got.Inner)
	}
}
