// projector.js is the read-only shared view for the classroom wall: year, phase, timer,
// the join code while students arrive, the decisions, approved and spotlighted arguments,
// at most four live charts (never famine deaths), results and the debrief. It is made to
// be read from the back of a room at 1280×720.
import { h, fill, field } from './dom.js';
import { t } from './i18n.js';
import { api, cached, Loader, request } from './api.js';
import { Connection } from './conn.js';
import { RoomState } from './state.js';
import { Timer, connBanner, yearPhase, store, roleName, optionLabel, normCode, joinLink } from './ui.js';
import { chart, classPath, legend, LIVE } from './charts.js';
import { debrief } from './debrief.js';
import { contentNote } from './teacher.js';
import { yearReport } from './report.js';
import { marks, annotations } from './historian.js';

const YEARS = [1928, 1929, 1930, 1931, 1932, 1933, 1934];

export async function render(main, [codeArg]) {
  const code = normCode(codeArg);
  const frag = new URLSearchParams(location.hash.slice(1));
  if (frag.get('key')) {
    store.set(`debate.projector.${code}`, frag.get('key'));
    history.replaceState(null, '', location.pathname);
  }
  const key = store.get(`debate.projector.${code}`) || (store.get(`debate.teacher.${code}`) || {}).projectorKey;
  if (!key) {
    const input = h('input', { type: 'password', autocomplete: 'off', required: true });
    fill(main, h('form', { class: 'card narrow', onsubmit: (e) => { e.preventDefault(); store.set(`debate.projector.${code}`, input.value.trim()); location.reload(); } },
      h('h1', null, t('proj.title', { code })), field(t('proj.key'), input, t('proj.keyHint')), h('button', { type: 'submit', class: 'primary' }, t('teacher.open'))));
    return;
  }
  const timer = new Timer(true);
  const banner = connBanner();
  let scenario = null;
  let bands = [];
  cached('scenario').then((s) => { scenario = s; draw(); }).catch(() => {});
  cached('reference').then((r) => { bands = r.bands; draw(); }).catch(() => {});
  const top = h('div', { class: 'proj-top' });
  const body = h('div', { class: 'proj-body' });
  fill(main, h('h1', { class: 'visually-hidden' }, t('proj.title', { code })), top, body, h('div', { class: 'proj-foot' }, banner.el));
  // Cards the Historian attaches show as the room's graphic setting says: the room's own
  // library, fetched again when the teacher changes the setting (the public library,
  // always the gentler text, until it arrives).
  let library = [];
  let libraryFor = null;
  cached('roles').then((r) => { if (libraryFor === null) { library = r.cards; draw(); } }).catch(() => {});
  const roomLibrary = (graphic) => {
    if (libraryFor === graphic) return;
    libraryFor = graphic;
    request('GET', `/api/rooms/${encodeURIComponent(code)}/cards`, { secret: key })
      .then((r) => { if (libraryFor === graphic) { library = r.cards; draw(); } }).catch(() => {});
  };
  const reports = new Loader(() => draw());
  const debriefs = new Loader(() => draw());
  const st = new RoomState({ code, secret: key, onChange: () => draw() });
  const conn = new Connection({
    code, secret: key,
    onStatus: (s, d) => banner.set(s, d),
    onFrame: (f) => { if (f.type === 'snapshot') st.snapshot(f.state); else if (f.type === 'event') st.apply(f.event); },
  });
  // Slides: the arguments and the debrief show a screen at a time. The teacher moves on
  // with the arrow keys or Page Down on this window, its buttons, or the console's wall
  // buttons in the same browser (a BroadcastChannel, so nothing goes through the room).
  const deck = { key: '', page: 0, pages: 1 };
  const move = (by) => { const next = Math.max(0, Math.min(deck.pages - 1, deck.page + by)); if (next !== deck.page) { deck.page = next; draw(); } };
  document.addEventListener('keydown', (e) => {
    if (e.target.closest && e.target.closest('input, textarea, select')) return;
    if (['ArrowRight', 'PageDown', ' '].includes(e.key)) { e.preventDefault(); move(1); }
    if (['ArrowLeft', 'PageUp'].includes(e.key)) { e.preventDefault(); move(-1); }
  });
  if ('BroadcastChannel' in window) new BroadcastChannel(`debate-wall-${code}`).onmessage = (e) => { if (e.data === 'next') move(1); if (e.data === 'prev') move(-1); };
  const pager = (n, of) => h('div', { class: 'pager' },
    h('button', { type: 'button', 'data-k': 'slide-prev', disabled: n === 0, onclick: () => move(-1) }, t('proj.slidePrev')),
    h('p', { class: 'slide-n', 'aria-live': 'polite' }, t('proj.slide', { n: n + 1, of })),
    h('button', { type: 'button', 'data-k': 'slide-next', disabled: n >= of - 1, onclick: () => move(1) }, t('proj.slideNext')));

  // paginate splits what box holds into slides that fit its height: units are the
  // smallest parts that stay whole (a post, a table's group of rows, a list's item, a
  // paragraph, a heading with what follows it); a unit is split into its children only
  // when it alone is taller than a slide. Containers left with nothing shown are hidden.
  // A column beside the main one (withPager false) follows the same slide number.
  function paginate(box, roots, key, { withPager = true } = {}) {
    if (withPager && deck.key !== key) { deck.key = key; deck.page = 0; }
    for (const el of box.querySelectorAll('.slide-off')) el.classList.remove('slide-off');
    const slot = h('div', { class: 'pager-slot' });
    box.appendChild(slot);
    fill(slot, pager(0, 2)); // measure with the pager in place
    const head = roots.length ? roots[0].getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop : 0;
    const room = box.clientHeight - head - slot.offsetHeight - 8;
    const units = [];
    const containers = [];
    const tall = (el) => el.getBoundingClientRect().height > room;
    const walk = (list) => {
      for (let i = 0; i < list.length; i += 1) {
        const el = list[i];
        // A heading goes with what follows it, unless that must be split itself.
        if (/^H[2-5]$/.test(el.tagName) && list[i + 1] && !tall(list[i + 1])) { units.push([el, list[i + 1]]); i += 1; continue; }
        const kids = [...el.children].filter((c) => c.getClientRects().length > 0);
        if (!tall(el) || !kids.length || el.matches('svg, figure, p, h2, h3, h4, h5, tr')) { units.push(el); continue; }
        containers.push(el);
        walk(kids);
      }
    };
    walk(roots.filter((r) => r.getClientRects().length > 0));
    // A unit inside a container that is split keeps the container's edges on its slide
    // (a composite account's border and padding, a list's margin): they are counted
    // above the first unit of a slide and below its last one.
    const edges = (el, side) => {
      let sum = 0;
      for (const c of containers) {
        if (c === el || !c.contains(el)) continue;
        const cs = getComputedStyle(c);
        sum += side === 'top' ? parseFloat(cs.marginTop) + parseFloat(cs.borderTopWidth) + parseFloat(cs.paddingTop)
          : parseFloat(cs.marginBottom) + parseFloat(cs.borderBottomWidth) + parseFloat(cs.paddingBottom);
      }
      return sum;
    };
    const first = (u) => (Array.isArray(u) ? u[0] : u);
    const last = (u) => (Array.isArray(u) ? u[u.length - 1] : u);
    const top = (u) => first(u).getBoundingClientRect().top - edges(first(u), 'top');
    const bottom = (u) => last(u).getBoundingClientRect().bottom + edges(last(u), 'bottom');
    const pages = [];
    let start = null;
    for (let i = 0; i < units.length; i += 1) {
      const u = units[i];
      // A paragraph of plain text taller than what is left of the slide (a composite
      // account runs to a thousand characters) is cut between sentences: what fits stays
      // here and the rest becomes a paragraph of its own, paged in turn.
      if (start !== null && bottom(u) - start > room) {
        const rest = splitText(u, () => bottom(u) - start <= room);
        if (rest) units.splice(i + 1, 0, rest);
      }
      if (start === null || bottom(u) - start > room) {
        pages.push([]); start = top(u);
        if (bottom(u) - start > room) { const rest = splitText(u, () => bottom(u) - start <= room); if (rest) units.splice(i + 1, 0, rest); }
      }
      pages[pages.length - 1].push(u);
    }
    deck.pages = Math.max(withPager ? 1 : deck.pages, pages.length);
    deck.page = Math.min(deck.page, deck.pages - 1);
    const shownPage = Math.min(deck.page, Math.max(0, pages.length - 1));
    pages.forEach((pg, i) => { if (i !== shownPage) for (const u of pg.flat()) u.classList.add('slide-off'); });
    for (const c of containers.reverse()) if (![...c.children].some((k) => !k.classList.contains('slide-off'))) c.classList.add('slide-off');
    slot.remove();
    return () => { if (withPager && deck.pages > 1) box.appendChild(h('div', { class: 'pager-slot' }, pager(deck.page, deck.pages))); };
  }

  // splitText cuts a paragraph of plain text after as many whole sentences as keep
  // fits() true, and puts the rest into a copy of the paragraph just after it, which it
  // returns; it leaves the paragraph whole (and returns null) when not even its first
  // sentence fits or it is not plain text.
  function splitText(el, fits) {
    if (el.tagName !== 'P' || el.children.length || !('Segmenter' in Intl)) return null;
    const text = el.textContent;
    const sentences = [...new Intl.Segmenter(document.documentElement.lang || 'en', { granularity: 'sentence' }).segment(text)].map((x) => x.segment);
    if (sentences.length < 2) return null;
    let keep = 0;
    for (let n = 1; n < sentences.length; n += 1) {
      el.textContent = sentences.slice(0, n).join('').trimEnd();
      if (!fits()) break;
      keep = n;
    }
    if (!keep) { el.textContent = text; return null; }
    el.textContent = sentences.slice(0, keep).join('').trimEnd();
    const rest = el.cloneNode(false);
    rest.removeAttribute('id');
    rest.textContent = sentences.slice(keep).join('');
    el.after(rest);
    return rest;
  }

  let raf = 0;
  function draw() { if (!raf) raf = requestAnimationFrame(() => { raf = 0; drawNow(); }); }
  function drawNow() {
    const v = st.view;
    if (!v) return;
    roomLibrary(!!(v.settings && v.settings.graphicContent));
    timer.update(v);
    const last = (v.announcements || [])[v.announcements.length - 1];
    // While the vote is open: how many of those who vote have voted (counts only).
    const vp = v.phase === 'vote' ? v.voteProgress : null;
    const voting = v.phase === 'vote' ? (v.players || []).filter((p) => p.status === 'active' && p.role && p.role !== 'historian').length : 0;
    fill(top, h('div', { class: 'proj-year' }, h('p', { class: 'yearphase' }, yearPhase(v)), v.current && v.phase !== 'debrief' ? h('p', { class: 'proj-title' }, v.current.title) : null),
      v.phase === 'vote' ? h('p', { class: 'proj-voted', role: 'status' }, t('proj.voted', { n: vp && vp.year === v.year ? vp.voted : 0, of: vp && vp.year === v.year ? vp.of : voting })) : null, timer.el,
      last ? h('p', { class: 'announcement' }, last.text) : null);
    const note = v.contentNote && v.contentNote.shown && ['lobby', 'briefing'].includes(v.phase) ? contentNote() : null;
    if (v.phase === 'lobby') {
      // The link is the room's, as the server set it (--public-url, or the LAN address
      // of a server the teacher opened on localhost), the same the QR code draws.
      const link = joinLink(v, code);
      fill(body, note, h('div', { class: 'proj-join' },
        h('div', null, link.host ? h('p', { class: 'proj-label' }, t('proj.joinAt', { host: link.host })) : h('p', { class: 'proj-label' }, t('proj.joinWith')), h('p', { class: 'join-code huge' }, code),
          h('p', { class: 'proj-label' }, t('proj.players', { n: v.players.length })),
          h('ul', { class: 'proj-names' }, v.players.map((p) => h('li', { class: 'nick' }, p.nickname)))),
        h('img', { class: 'qr qr-big', src: link.qr, alt: t('teacher.qrAlt', { url: link.url || code }) })));
      return;
    }
    if (v.phase !== 'debrief' && (v.derole || (v.suspended && v.recap))) {
      const r = v.recap;
      fill(body, h('section', { class: 'proj-recap' }, h('h2', null, v.derole ? t('proj.deroling') : t('proj.onHold')),
        v.derole ? h('p', { class: 'proj-label' }, t('exit.deroling')) : null,
        r ? h('ul', { class: 'proj-recap-list' }, (r.years || []).map((y) => h('li', null, h('strong', null, `${y.year}: ${y.title}`), ' — ', (y.decisions || []).map((d) => d.chosenLabel).join('; ')))) : null));
      return;
    }
    if (v.phase === 'debrief') {
      const d = debriefs.get(`${v.results.length}`, () => api.debrief(code, key));
      const deb = debrief(v, d, { bands, audience: 'projector', charts: LIVE, error: debriefs.error });
      const slides = h('div', { class: 'proj-deck' }, deb);
      fill(body, slides);
      paginate(slides, [...deb.children], `debrief|${d ? 'full' : 'loading'}`)();
      return;
    }
    const args = (v.arguments || []).filter((a) => a.year === v.year && !a.held && !a.hidden);
    const spot = args.filter((a) => a.spotlit);
    const shown = spot.length ? spot : args.slice().sort((a, b) => b.marks - a.marks);
    const latest = (v.results || [])[v.results.length - 1];
    const nick = (id) => (v.players.find((p) => p.id === id) || {}).nickname || id;
    const hctx = { nick, card: (id) => library.find((c) => c.id === id), meId: null, hideGraphic: v.hideGraphic };
    // At the end of the year the wall shows the class-level report (the human cost, the
    // famine by region as ranges) in place of the arguments.
    const atEnd = v.phase === 'resolution' && latest && latest.year === v.year;
    const rep = atEnd ? reports.get(`${latest.year}|${v.results.length}`, () => api.yearReport(code, key, latest.year)) : null;
    // Three columns that keep their places all year: the decisions (at the end of the
    // year, what the class chose), the arguments (then the year's report) and the charts.
    // Each column fits the screen; one that cannot (a famine year's accounts) scrolls by
    // itself, so the year and the charts stay in view.
    const decided = atEnd ? h('section', { class: 'proj-col proj-result', tabindex: 0, 'aria-labelledby': 'pd-h' }, h('h2', { id: 'pd-h' }, t('results.year', { year: latest.year })),
      h('ul', { class: 'proj-chosen' }, (latest.tallies || []).map((tl) => { const l = optionLabel(v, tl.decision, tl.result, scenario); return h('li', null, h('span', { class: 'proj-chosen-decision' }, l.decision), h('strong', null, l.option)); })),
      // The Historian's notes on the year; the model's notes are slides of the report.
      annotations(latest, hctx)) :
      h('section', { class: 'proj-col', tabindex: 0, 'aria-labelledby': 'pd-h' }, h('h2', { id: 'pd-h' }, t('proj.decisions')),
        v.current ? v.current.decisions.map((d) => h('div', { class: 'proj-decision' }, h('h3', null, d.title), h('ol', null, d.options.map((o) => h('li', null, o.label))))) : null);
    const series = [{ name: t('chart.class') }];
    const reportCol = atEnd && rep && rep.year === latest.year
      ? h('section', { class: 'proj-col proj-report', tabindex: 0, 'aria-label': t('report.title', { year: latest.year }) },
        ((latest.outcome || {}).notes || []).length ? h('ul', { class: 'notes' }, latest.outcome.notes.map((n) => h('li', null, n))) : null,
        yearReport(rep, { audience: 'projector' })) : null;
    const posts = shown.length ? h('ul', { class: 'posts proj-posts' }, shown.map((a) => {
      const l = optionLabel(v, a.decision, a.option, scenario);
      return h('li', { class: 'post', 'data-post': a.id }, h('p', { class: 'post-text' }, a.text), h('p', { class: 'post-meta' }, h('span', { class: 'nick' }, a.nickname), ` · ${roleName(a.role)} · ${l.option} · ${t('wall.marks', { n: a.marks })}`), marks(a, hctx));
    })) : null;
    const argCol = reportCol || h('section', { class: 'proj-col proj-args', tabindex: 0, 'aria-labelledby': 'pa-h' }, h('h2', { id: 'pa-h' }, spot.length ? t('proj.spotlight') : t('proj.arguments')),
      posts || h('p', { class: 'hint' }, t('proj.noArguments')));
    fill(body, h('div', { class: 'proj-grid' },
      decided,
      argCol,
      h('section', { class: 'proj-charts', 'aria-labelledby': 'pc-h' }, h('h2', { id: 'pc-h', class: 'visually-hidden' }, t('results.title')),
        legend(series, bands.length > 0),
        LIVE.map((q) => chart(q, { years: YEARS, series: [{ ...series[0], values: classPath(v.results, q) }], bands }, { size: 'wall', legend: false })))));
    // The arguments, or the year's report, a slide at a time.
    // The main column sets the slides; the decisions column beside it follows.
    const showPager = reportCol ? paginate(reportCol, [...reportCol.children], `report|${latest.year}`)
      : posts ? paginate(argCol, [...posts.children], `args|${v.year}|${spot.length ? 'spot' : 'all'}`) : () => {};
    paginate(decided, [...decided.children].slice(1), `decided|${v.year}`, { withPager: false });
    showPager();
  }

  conn.start();
}
