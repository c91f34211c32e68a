// teacher.js is the teacher console: create a room, then run it — join code and QR code,
// clock and phase controls, roster and roles, live tally, moderation, results, exports
// and the debrief. The keys stay in this browser's storage, never in a URL.
import { h, fill, field, download, announce, isolated } from './dom.js';
import { t } from './i18n.js';
import { api, cached, request, saveExport, Loader } from './api.js';
import { Connection } from './conn.js';
import { RoomState } from './state.js';
import { Timer, connBanner, yearPhase, store, roleName, regionName, fateName, toast, errorText, optionLabel, normCode, contentNoteParts, joinLink } from './ui.js';
import { chart, classPath, LIVE, DEBRIEF, withUnit } from './charts.js';
import { debrief } from './debrief.js';
import { yearReport } from './report.js';
import { marks, annotations } from './historian.js';

const ROLES = ['official', 'peasant', 'kulak', 'bukharinite', 'historian'];
const REGIONS = ['ukraine', 'kazakhstan', 'northCaucasus', 'volga', 'rest'];
const ALL_YEARS = [1928, 1929, 1930, 1931, 1932, 1933, 1934];
// The room's own default (room.DefaultMaxPlayers).
const DEFAULT_MAX_PLAYERS = 60;

// Lesson plans: the years played in the first lesson set the timers; a lesson never
// ends between the 1932 and 1933 turns.
export const PLANS = {
  one: { played: [1928, 1930, 1932], firstLesson: 3 },
  two: { played: ALL_YEARS, firstLesson: 4 },
  three: { played: ALL_YEARS, firstLesson: 2 },
  block: { played: ALL_YEARS, firstLesson: 7, minutes: 90 },
  custom: { played: ALL_YEARS, firstLesson: 7 },
  free: { played: ALL_YEARS, firstLesson: 7 },
};

// planTimers splits a lesson (less ten minutes for joining and the debrief) over its
// turns: a fifth for the briefing, most for the debate, the rest for vote and results.
export function planTimers(plan, minutes) {
  const p = PLANS[plan] || PLANS.one;
  const total = (p.minutes || minutes) - 10;
  const perTurn = (total * 60) / p.firstLesson;
  const r = (x) => Math.max(30, Math.round((perTurn * x) / 15) * 15);
  return { briefing: r(0.2), debate: r(0.45), vote: r(0.2), resolution: r(0.15) };
}

export async function render(main, [code]) {
  if (!code) return createForm(main);
  return consolePage(main, normCode(code));
}

function radioGroup(name, legend, values, checked) {
  return h('fieldset', { class: 'radios' }, h('legend', null, legend),
    values.map((v) => h('label', null, h('input', { type: 'radio', name, value: v, checked: v === checked }), ' ', t(`${name}.${v}`))));
}

function createForm(main) {
  const plan = h('select', { name: 'plan' }, Object.keys(PLANS).map((p) => h('option', { value: p, selected: p === 'one' }, t(`plan.${p}`))));
  const length = h('select', { name: 'length' }, [45, 50, 55, 60].map((m) => h('option', { value: m, selected: m === 50 }, t('plan.minutes', { n: m }))));
  const timers = {};
  for (const ph of ['briefing', 'debate', 'vote', 'resolution']) timers[ph] = h('input', { type: 'number', min: 10, max: 7200, step: 5, name: `timer-${ph}`, required: true });
  const years = ALL_YEARS.map((y) => h('input', { type: 'checkbox', name: 'year', value: y, id: `year-${y}` }));
  const sync = () => {
    const tm = planTimers(plan.value, Number(length.value));
    for (const k of Object.keys(timers)) timers[k].value = tm[k];
    const played = PLANS[plan.value].played;
    years.forEach((cb) => { cb.checked = played.includes(Number(cb.value)); cb.disabled = plan.value !== 'custom' && plan.value !== 'free'; });
    length.disabled = plan.value === 'block' || plan.value === 'free';
    timerSet.hidden = plan.value !== 'free';
  };
  plan.addEventListener('change', sync);
  length.addEventListener('change', sync);
  const graphic = h('input', { type: 'checkbox', id: 'graphic', name: 'graphic' });
  const timerSet = h('fieldset', { class: 'timers' }, h('legend', null, t('create.timers')),
    Object.entries(timers).map(([k, el]) => field(t(`phase.${k}`), el, t('create.seconds'))));
  const gate = h('input', { name: 'gate', autocomplete: 'off', type: 'password' });
  const maxPlayers = h('input', { type: 'number', min: 4, max: 200, value: DEFAULT_MAX_PLAYERS, name: 'maxPlayers' });
  const status = h('p', { role: 'alert', class: 'error' });
  const form = h('form', { class: 'card create', onsubmit: async (e) => {
    e.preventDefault();
    fill(status);
    const played = years.filter((cb) => cb.checked).map((cb) => Number(cb.value));
    const settings = { maxPlayers: Number(maxPlayers.value) || DEFAULT_MAX_PLAYERS, graphicContent: graphic.checked, assignment: form.querySelector('input[name=assignment]:checked').value };
    if (plan.value === 'free') {
      settings.timers = {};
      for (const k of Object.keys(timers)) settings.timers[k] = Number(timers[k].value);
      settings.playedYears = played.length ? played : PLANS.one.played;
    } else {
      // The room computes each lesson's timers from the plan and its length.
      settings.lessonPlan = plan.value;
      settings.lessonMinutes = plan.value === 'block' ? 90 : Number(length.value);
      if (plan.value === 'custom') settings.lessons = [played.length ? played : PLANS.one.played];
    }
    const body = { mode: form.querySelector('input[name=mode]:checked').value, voteMode: form.querySelector('input[name=voteMode]:checked').value, settings };
    if (gate.value) body.gateCode = gate.value;
    try {
      const r = await api.createRoom(body);
      store.set(`debate.teacher.${r.code}`, { ...r, createdAt: Date.now(), plan: plan.value, length: Number(length.value), graphic: graphic.checked });
      location.href = `/teacher/${encodeURIComponent(r.code)}`;
    } catch (err) {
      fill(status, errorText(err));
    }
  } },
  h('h1', null, t('create.title')),
  contentNote(),
  h('div', { class: 'grid2' },
    h('div', null,
      field(t('plan.label'), plan, t('plan.hint')),
      field(t('plan.length'), length),
      h('fieldset', { class: 'years' }, h('legend', null, t('plan.years')), years.map((cb) => h('label', { for: cb.id }, cb, ` ${cb.value}`))),
      radioGroup('voteMode', t('create.voteMode'), ['historical', 'oneEach'], 'historical'),
      radioGroup('mode', t('create.mode'), ['historical', 'counterfactual'], 'historical'),
      radioGroup('assignment', t('create.assignment'), ['auto', 'choice'], 'auto')),
    h('div', null,
      timerSet,
      field(t('create.maxPlayers'), maxPlayers),
      h('div', { class: 'field check' }, graphic, h('label', { for: 'graphic' }, t('create.graphic'))),
      field(t('create.gate'), gate, t('create.gateHint')))),
  status,
  h('button', { type: 'submit', class: 'primary big' }, t('create.submit')),
  h('p', null, h('a', { href: '/preview' }, t('home.preview'))));
  sync();
  fill(main, form);
}

export function contentNote() {
  const note = contentNoteParts();
  return h('aside', { class: 'content-note', 'aria-labelledby': 'cn-title' },
    h('h2', { id: 'cn-title' }, note.title),
    note.body.map((p) => h('p', null, p)));
}

async function consolePage(main, code) {
  const rec = store.get(`debate.teacher.${code}`);
  if (!rec || !rec.teacherKey) return keyForm(main, code);
  const key = rec.teacherKey;
  const timer = new Timer(true);
  const banner = connBanner();
  const regions = {};
  for (const id of ['headline', 'controls', 'settings', 'current', 'tally', 'roster', 'assess', 'moderation', 'results', 'debrief', 'exports']) regions[id] = h('div', { id: `t-${id}` });
  const presence = new Set();
  let scenario = null;
  let bands = [];
  cached('scenario').then((s) => { scenario = s; draw(); }).catch(() => {});
  cached('reference').then((r) => { bands = r.bands; draw(); }).catch(() => {});
  // The card library: the public one (graphic cards in their gentler text) until the
  // room's arrives, as the room's content setting shows it, fetched again when it changes.
  let publicCards = [];
  cached('roles').then((r) => { publicCards = r.cards; draw(); }).catch(() => {});
  let roomCards = null;
  let roomCardsKey = '';
  function cardsFor(v) {
    const setting = String(v.hideGraphic);
    if (setting !== roomCardsKey) {
      roomCardsKey = setting;
      request('GET', `/api/rooms/${encodeURIComponent(code)}/cards`, { secret: key })
        .then((r) => { if (roomCardsKey === setting) { roomCards = r; draw(); } }).catch(() => {});
    }
    return roomCards && !(roomCards.graphic && v.hideGraphic) ? roomCards.cards : publicCards;
  }
  const reports = new Loader(() => draw());
  const debriefs = new Loader(() => draw());
  const experiments = new Loader(() => draw());

  const st = new RoomState({ code, secret: key, onChange: () => draw() });
  const conn = new Connection({
    code, secret: key,
    onStatus: (s, d) => banner.set(s, d),
    onFrame: (f) => {
      if (f.type === 'snapshot') st.snapshot(f.state);
      else if (f.type === 'event') st.apply(f.event);
      else if (f.type === 'presence') { presence.clear(); for (const id of f.online) presence.add(id); draw(); }
    },
  });
  // Switches the teacher has flipped whose event has not come back yet. A redraw for an
  // unrelated event would otherwise show the old value under the teacher's finger, and a
  // second flip would send the wrong one. Each holds its wanted value until the view has
  // caught up with the command's seq (known from its ack).
  const flipped = new Map();
  const switchOn = (id, stateOn) => {
    const f = flipped.get(id);
    if (f && st.view && st.view.seq >= f.seq) flipped.delete(id);
    return flipped.has(id) ? flipped.get(id).on : !!stateOn;
  };
  const flip = async (id, on, type, data, okText) => {
    const mark = { on, seq: Infinity };
    flipped.set(id, mark);
    try {
      const ack = await conn.send(type, data);
      mark.seq = ack && typeof ack.seq === 'number' ? ack.seq : 0;
      if (okText) announce(okText);
    } catch (e) {
      if (flipped.get(id) === mark) flipped.delete(id);
      toast(errorText(e), 'error');
    }
    draw();
  };
  const send = async (type, data, okText) => {
    try {
      await conn.send(type, data);
      if (okText) announce(okText);
      return true;
    } catch (e) {
      toast(errorText(e), 'error');
      return false;
    }
  };

  // The word filter's inputs are built once: the moderation panel redraws on every post,
  // and a half-typed list must survive it.
  const filterAdd = h('input', { type: 'text', id: 'filter-add', 'data-k': 'filter-add', autocomplete: 'off', spellcheck: 'false', maxlength: 400 });
  const filterRemove = h('input', { type: 'text', id: 'filter-remove', 'data-k': 'filter-remove', autocomplete: 'off', spellcheck: 'false', maxlength: 400 });
  const words = (s) => s.split(/[,\n]/).map((w) => w.trim()).filter(Boolean);
  const filterForms = [
    h('form', { class: 'inline filter-add', onsubmit: async (e) => { e.preventDefault(); const add = words(filterAdd.value); if (add.length && await send('filterWords', { add }, t('filter.added', { n: add.length }))) filterAdd.value = ''; } },
      field(t('filter.add'), filterAdd, t('filter.addHint')), h('button', { type: 'submit', 'data-k': 'filter-add-btn' }, t('filter.addButton'))),
    h('form', { class: 'inline filter-remove', onsubmit: async (e) => { e.preventDefault(); const remove = words(filterRemove.value); if (remove.length && await send('filterWords', { remove }, t('filter.removed', { n: remove.length }))) filterRemove.value = ''; } },
      field(t('filter.remove'), filterRemove, t('filter.removeHint')), h('button', { type: 'submit', 'data-k': 'filter-remove-btn' }, t('filter.removeButton'))),
  ];

  // The assessment form is built once too, for the same reason; drawAssess refreshes its
  // choices and the lists around it.
  const assessPlayer = h('select', { id: 'assess-player', 'data-k': 'assess-player', required: true });
  const assessCrit = h('select', { id: 'assess-criterion', 'data-k': 'assess-criterion', required: true, onchange: () => setScoreMax() });
  const assessScore = h('input', { type: 'number', id: 'assess-score', 'data-k': 'assess-score', min: 0, max: 4, step: 1, required: true });
  const assessNote = h('textarea', { id: 'assess-note', 'data-k': 'assess-note', rows: 2, maxlength: 500 });
  const rubricList = h('ul', { class: 'plain rubric-criteria', 'aria-labelledby': 'rubric-h' });
  const assessList = h('div', { class: 'assessments' });
  // The post being assessed, when the teacher chose "Assess this post" on the wall: the
  // score then belongs to that argument (and its author), not to the student overall.
  let assessPost = null;
  const assessOnPost = h('div', { class: 'assess-on-post', 'aria-live': 'polite' });
  const excerpt = (text, max = 90) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
  const drawAssessPost = () => {
    assessPlayer.disabled = !!assessPost;
    if (assessPost) assessPlayer.value = assessPost.playerId;
    fill(assessOnPost, assessPost ? h('p', { class: 'notice' }, t('assess.forPost', { text: isolated(excerpt(assessPost.text)) }), ' ',
      h('button', { type: 'button', class: 'quiet', 'data-k': 'assess-post-clear', onclick: () => { assessPost = null; drawAssessPost(); assessPlayer.focus(); } }, t('assess.forStudent'))) : null);
  };
  const assessThisPost = (p) => {
    assessPost = { id: p.id, playerId: p.playerId, text: p.text };
    drawAssessPost();
    assessForm.scrollIntoView({ block: 'center', behavior: matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth' });
    assessCrit.focus({ preventScroll: true });
  };
  let rubric = [];
  const setScoreMax = () => { const c = rubric.find((x) => x.id === assessCrit.value); assessScore.max = c ? c.max : 0; };
  const assessForm = h('form', { class: 'assess-form', onsubmit: async (e) => {
    e.preventDefault();
    const c = rubric.find((x) => x.id === assessCrit.value);
    const score = Number(assessScore.value);
    if (!assessPlayer.value || !c || assessScore.value === '') return;
    const data = assessPost ? { argumentId: assessPost.id, criterion: c.id, score } : { playerId: assessPlayer.value, criterion: c.id, score };
    if (assessNote.value.trim()) data.note = assessNote.value.trim();
    const name = assessPlayer.selectedOptions[0] ? assessPlayer.selectedOptions[0].textContent : '';
    if (await send('assess', data, t('assess.done', { name, criterion: c.label, score, max: c.max }))) { assessScore.value = ''; assessNote.value = ''; assessPost = null; drawAssessPost(); }
  } },
  assessOnPost,
  h('div', { class: 'grid2' }, field(t('assess.student'), assessPlayer), field(t('assess.criterion'), assessCrit)),
  field(t('assess.score'), assessScore, t('assess.scoreHint')),
  field(t('assess.note'), assessNote, t('assess.noteHint')),
  h('button', { type: 'submit', 'data-k': 'assess-submit' }, t('assess.submit')));
  // The rubric editor is drawn from the rubric when the teacher opens it and left alone
  // by redraws until saved or cancelled. Criteria keep their ids (scores given stay
  // attached); a new one gets an id made from its label.
  const rubricEditor = h('div', { class: 'rubric-editor' });
  const closeEditor = () => fill(rubricEditor, h('button', { type: 'button', 'data-k': 'rubric-edit', onclick: openEditor }, t('rubric.edit')));
  function openEditor() {
    const rows = h('ol', { class: 'plain rubric-rows' });
    const row = (c) => {
      const n = rows.children.length + 1;
      const label = h('input', { type: 'text', class: 'rubric-label', maxlength: 60, required: true, value: c.label || '', 'aria-label': t('rubric.labelN', { n }) });
      const max = h('input', { type: 'number', class: 'rubric-max', min: 1, max: 100, step: 1, required: true, value: c.max || 4, 'aria-label': t('rubric.maxN', { n }) });
      const li = h('li', { 'data-id': c.id || '' }, label, ' ', max, ' ',
        h('button', { type: 'button', class: 'quiet', 'aria-label': t('rubric.removeN', { n }), onclick: () => { li.remove(); addBtn.focus(); } }, t('rubric.remove')));
      rows.appendChild(li);
      return label;
    };
    const addBtn = h('button', { type: 'button', 'data-k': 'rubric-add', onclick: () => { if (rows.children.length < 10) row({}).focus(); } }, t('rubric.add'));
    for (const c of rubric) row(c);
    const slug = (label, used) => {
      const base = (`c-${label.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '')}`).slice(0, 28).replace(/-+$/, '');
      let id = base; let i = 2;
      while (used.has(id)) { id = `${base}-${i}`; i += 1; }
      used.add(id);
      return id;
    };
    const form = h('form', { class: 'rubric-form', 'aria-labelledby': 'rubric-edit-h', onsubmit: async (e) => {
      e.preventDefault();
      const items = [...rows.children].map((li) => ({ id: li.dataset.id, label: li.querySelector('.rubric-label').value.trim(), max: Number(li.querySelector('.rubric-max').value) }));
      const used = new Set(items.map((c) => c.id).filter(Boolean));
      const criteria = items.filter((c) => c.label).map((c) => ({ id: c.id || slug(c.label, used), label: c.label, max: c.max }));
      if (criteria.length && await send('rubric', { criteria }, t('rubric.saved', { n: criteria.length }))) closeEditor();
    } },
    h('h4', { id: 'rubric-edit-h' }, t('rubric.editTitle')),
    h('p', { class: 'hint' }, t('rubric.hint')),
    rows,
    h('div', { class: 'buttons' },
      addBtn,
      h('button', { type: 'submit', class: 'primary', 'data-k': 'rubric-save' }, t('rubric.save')),
      h('button', { type: 'button', onclick: closeEditor }, t('rubric.cancel'))));
    fill(rubricEditor, form);
    const first = form.querySelector('input');
    if (first) first.focus();
  }
  closeEditor();
  const assessSection = h('section', { class: 'card', 'aria-labelledby': 'assess-h' },
    h('h2', { id: 'assess-h' }, t('assess.title')),
    h('p', { class: 'hint' }, t('assess.text')),
    h('h3', { id: 'rubric-h' }, t('assess.rubric')), rubricList, rubricEditor,
    assessForm,
    h('h3', null, t('assess.given')), assessList);
  fill(regions.assess, assessSection);

  // The join card folds away once the game starts (the teacher can open it again); its
  // link is the room's, as the server set it, and the teacher may switch between this
  // machine's addresses when the server offered several.
  const joinBody = h('div', { class: 'join-body' });
  const joinCard = h('details', { class: 'card join-card', open: true },
    h('summary', null, h('h2', { id: 'join-h' }, t('teacher.joinTitle'))), joinBody);
  let joinSig = null;
  let lastPhase = null;
  const baseOf = (url) => url.slice(0, url.lastIndexOf('/join/'));
  function drawJoin(v) {
    if (lastPhase !== v.phase) {
      if (lastPhase === null) joinCard.open = v.phase === 'lobby';
      else if (lastPhase === 'lobby') joinCard.open = false;
      lastPhase = v.phase;
    }
    const link = joinLink(v, code);
    const url = link.url || rec.joinUrl || '';
    const bases = (rec.joinUrls || []).map(baseOf).filter(Boolean);
    if (link.base && !bases.includes(link.base)) bases.unshift(link.base);
    const unreachable = link.loopback || (!link.base && rec.joinReachable === false);
    const sig = JSON.stringify([url, bases, unreachable, v.phase === 'debrief']);
    if (sig === joinSig) return;
    joinSig = sig;
    const choose = bases.length > 1 ? field(t('teacher.joinVia'), h('select', { id: 'join-base', 'data-k': 'join-base', disabled: v.phase === 'debrief',
      onchange: (e) => send('settings', { joinUrl: e.target.value }, t('teacher.joinSwitched', { url: `${e.target.value}/join/${code}` })) },
    bases.map((b) => h('option', { value: b, selected: b === link.base }, b.replace(/^https?:\/\//, '')))), t('teacher.joinViaHint')) : null;
    fill(joinBody,
      h('p', { class: 'join-code', 'aria-label': t('teacher.codeIs', { code: code.split('').join(' ') }) }, code),
      h('img', { class: 'qr', src: link.qr, alt: t('teacher.qrAlt', { url }), width: 220, height: 220 }),
      h('p', { class: 'join-url' }, url),
      unreachable ? h('p', { class: 'notice join-problem', role: 'status' }, t('teacher.joinLoopback')) : null,
      choose,
      h('div', { class: 'buttons' },
        h('button', { type: 'button', onclick: () => openProjector(code, rec.projectorKey) }, t('teacher.openProjector')),
        h('a', { class: 'button', href: `/print/${encodeURIComponent(code)}`, target: '_blank', rel: 'noopener' }, t('teacher.print')),
        h('a', { class: 'button', href: '/preview', target: '_blank', rel: 'noopener' }, t('teacher.preview'))),
      h('details', null, h('summary', null, t('teacher.keys')),
        h('p', null, t('teacher.keysText')),
        h('dl', { class: 'keys' },
          h('dt', null, t('teacher.coKey')), h('dd', null, h('code', null, rec.coTeacherKey || '')),
          h('dt', null, t('teacher.projKey')), h('dd', null, h('code', null, rec.projectorKey || '')))));
  }

  // The phase controls and the clock stay at the top of the screen in every phase; the
  // rest of the room's switches sit in their own card below.
  fill(main,
    h('div', { class: 'console-head' }, h('h1', null, t('teacher.title', { code })), banner.el),
    h('div', { class: 'phase-bar', role: 'region', 'aria-label': t('ctl.title') }, regions.headline, regions.controls),
    h('div', { class: 'console' },
      h('div', { class: 'col' }, joinCard, regions.roster, regions.settings, regions.assess),
      h('div', { class: 'col' }, regions.current, regions.tally, regions.moderation, regions.results, regions.debrief, regions.exports)),
    h('details', { class: 'card' }, h('summary', null, t('care.title')), contentNote()));

  let raf = 0;
  function draw() {
    if (raf) return;
    raf = requestAnimationFrame(() => { raf = 0; drawNow(); });
  }
  function drawNow() {
    const v = st.view;
    if (!v) return;
    timer.update(v);
    fill(regions.headline, h('div', { class: 'headline' }, h('p', { class: 'yearphase' }, yearPhase(v)), timer.el));
    drawJoin(v);
    drawControls(v);
    drawRoster(v);
    drawAssess(v);
    drawCurrent(v);
    drawTally(v);
    drawModeration(v);
    drawResults(v);
    drawDebrief(v);
    drawExports(v);
  }

  const wall = 'BroadcastChannel' in window ? new BroadcastChannel(`debate-wall-${code}`) : null;
  function drawControls(v) {
    const b = (label, type, data, opts = {}) => h('button', { type: 'button', 'data-k': `ctl-${type}-${label}`, class: opts.cls || null, disabled: opts.disabled,
      onclick: async () => { if (opts.confirm && !window.confirm(opts.confirm)) return; await send(type, data, label); } }, label);
    const inLesson = v.phase !== 'lobby' && v.phase !== 'debrief';
    const buttons = [];
    // The roles are shared out for a class of at least four (one of each); with fewer the
    // game still runs, with roles left empty, so the teacher is asked, not stopped.
    const seated = (v.players || []).filter((p) => p.status === 'active').length;
    if (v.phase === 'lobby') buttons.push(b(t('ctl.start'), 'start', null, { cls: 'primary', confirm: seated < 4 ? t('ctl.startFew', { n: seated }) : null }));
    if (inLesson && !v.suspended) {
      buttons.push(v.paused ? b(t('ctl.resume'), 'resume') : b(t('ctl.pause'), 'pause'));
      buttons.push(b(t('ctl.extend1'), 'extend', { seconds: 60 }), b(t('ctl.extend5'), 'extend', { seconds: 300 }));
      buttons.push(b(t('ctl.advance'), 'advance', null, { cls: 'primary' }));
      buttons.push(b(t('ctl.suspend'), 'suspend'));
    }
    if (v.suspended) buttons.push(b(t('ctl.unsuspend'), 'unsuspend', null, { cls: 'primary' }));
    if (v.phase !== 'lobby' && !v.derole) buttons.push(b(t('ctl.end'), 'endLesson', null, { cls: 'danger', confirm: t('ctl.endConfirm') }));
    if (v.phase !== 'debrief' && v.phase !== 'lobby') buttons.push(b(t('ctl.endGame'), 'end', null, { confirm: t('ctl.endGameConfirm') }));
    // The wall's slides (arguments, the year's report, the debrief), moved from here when
    // the projector window is open in this browser.
    if (v.phase !== 'lobby' && wall) {
      buttons.push(h('button', { type: 'button', 'data-k': 'wall-prev', onclick: () => wall.postMessage('prev') }, t('ctl.wallPrev')),
        h('button', { type: 'button', 'data-k': 'wall-next', onclick: () => wall.postMessage('next') }, t('ctl.wallNext')));
    }
    // One step to a later year with history's choices for the years between (a preview,
    // or a class that played the earlier years elsewhere).
    const later = ALL_YEARS.filter((y) => (v.phase === 'lobby' ? true : y > v.year));
    const jumpSel = h('select', { id: 'jump-year', 'data-k': 'jump-year', 'aria-label': t('ctl.jumpYear') }, later.map((y) => h('option', { value: y }, String(y))));
    const jump = (v.phase === 'lobby' || inLesson) && !v.suspended && later.length ? h('form', { class: 'inline jump', onsubmit: async (e) => {
      e.preventDefault();
      const year = Number(jumpSel.value);
      if (window.confirm(t('ctl.jumpConfirm', { year }))) await send('jumpTo', { year }, t('ctl.jumped', { year }));
    } }, h('button', { type: 'submit', 'data-k': 'ctl-jump' }, t('ctl.jump')), ' ', jumpSel) : null;
    // Before a lesson, a teacher can watch bots play the room (POST /api/rooms/:code/bots).
    const bots = v.phase === 'lobby' ? h('button', { type: 'button', 'data-k': 'ctl-bots', onclick: async (e) => {
      e.target.disabled = true;
      try { const r = await request('POST', `/api/rooms/${encodeURIComponent(code)}/bots`, { secret: key, body: { students: 6 } }); announce(t('ctl.botsAdded', { n: r.students })); } catch (err) { toast(errorText(err), 'error'); e.target.disabled = false; }
    } }, t('ctl.bots')) : null;
    const toggle = (key, type, on) => {
      const id = `tg-${type}`;
      return h('div', { class: 'field check' }, h('input', { type: 'checkbox', id, 'data-k': id, checked: switchOn(id, on),
        onchange: (e) => flip(id, e.target.checked, type, type === 'lock' ? { locked: e.target.checked } : { on: e.target.checked }) }), h('label', { for: id }, t(key)));
    };
    const note = h('textarea', { rows: 2, maxlength: 1000, 'data-k': 'announce', id: 'announce-text' });
    const prevNote = regions.settings.querySelector('#announce-text');
    if (prevNote) note.value = prevNote.value;
    const announceForm = h('form', { class: 'inline', onsubmit: async (e) => { e.preventDefault(); if (note.value.trim() && await send('announce', { text: note.value.trim() }, t('ctl.announced'))) note.value = ''; } },
      field(t('ctl.announce'), note), h('button', { type: 'submit' }, t('ctl.send')));
    const shocks = (v.current && v.current.shocks) || [];
    const injectedNow = new Set((v.injected || []).filter((x) => x.year === v.year).map((x) => x.event));
    const inject = shocks.length && ['briefing', 'debate', 'vote'].includes(v.phase) ? h('div', { class: 'inject' }, h('h3', null, t('ctl.inject')),
      h('ul', { class: 'plain' }, shocks.map((s) => h('li', null, h('button', { type: 'button', 'data-k': `inj-${s.id}`, disabled: injectedNow.has(s.id), onclick: () => { if (window.confirm(t('ctl.injectConfirm', { title: s.title }))) send('injectEvent', { event: s.id }, s.title); } }, s.title), ' ', h('span', { class: 'hint' }, s.summary))))) : null;
    const dirs = v.mode === 'counterfactual' && v.current && v.current.directives.length ? h('div', null, h('h3', null, t('ctl.directives')),
      v.current.directives.map((d) => { const id = `dir-${d.id}`; return h('div', { class: 'field check' }, h('input', { type: 'checkbox', id, 'data-k': id, checked: switchOn(id, d.inForce), onchange: (e) => flip(id, e.target.checked, 'setDirective', { directive: d.id, on: e.target.checked }) }), h('label', { for: id }, `${d.title} (${d.date})`)); })) : null;
    const lp = v.lessonPlan;
    const groupsSel = h('select', { id: 'groups-mode', 'data-k': 'groups', onchange: (e) => send('setGroups', e.target.value === 'none' ? { mode: 'none' } : { mode: e.target.value, size: 4 }) },
      ['none', 'villages', 'faction'].map((m) => h('option', { value: m, selected: ((v.groups && v.groups.mode) || 'none') === m }, t(`groups.${m}`))));
    fill(regions.controls, h('div', { class: 'controls' },
      h('h2', { id: 'ctl-h', class: 'visually-hidden' }, t('ctl.title')),
      h('div', { class: 'buttons' }, buttons, jump)));
    fill(regions.settings, h('section', { class: 'card', 'aria-labelledby': 'set-h' },
      h('h2', { id: 'set-h' }, t('ctl.roomTitle')),
      lp ? h('p', { class: 'hint' }, t('ctl.lesson', { n: v.lesson || 1, of: lp.of || '?', title: lp.title || '' })) : null,
      v.derole ? h('p', { class: 'notice' }, t('ctl.deroling', { n: (v.exitTickets || []).filter((x) => x.lesson === (v.exitTicket ? v.exitTicket.lesson : x.lesson)).length })) : null,
      h('div', { class: 'buttons' }, b(t('ctl.showNote'), 'showContentNote', null, {}), bots),
      h('div', { class: 'toggles' }, toggle('ctl.lock', 'lock', v.locked), toggle('ctl.approveJoins', 'approveJoins', v.joinApproval), toggle('ctl.holdPosts', 'holdPosts', v.holdPosts), graphicToggle(v)),
      field(t('groups.label'), groupsSel, t('groups.hint')),
      announceForm, inject, dirs,
      h('div', { class: 'danger-zone' }, h('button', { type: 'button', class: 'danger', 'data-k': 'delete-room', onclick: deleteRoom }, t('ctl.delete')))));
  }

  // graphicToggle switches the material marked graphic on and off for the class (the
  // settings command); the game's settings are closed once the debrief opens.
  function graphicToggle(v) {
    const on = switchOn('tg-graphic', v.settings && v.settings.graphicContent);
    return h('div', { class: 'field check' },
      h('input', { type: 'checkbox', id: 'tg-graphic', 'data-k': 'tg-graphic', checked: on, disabled: v.phase === 'debrief', 'aria-describedby': 'tg-graphic-hint',
        onchange: (e) => flip('tg-graphic', e.target.checked, 'settings', { graphicContent: e.target.checked }, t(e.target.checked ? 'ctl.graphicOn' : 'ctl.graphicOff')) }),
      h('label', { for: 'tg-graphic' }, t('ctl.graphic')),
      h('span', { class: 'hint', id: 'tg-graphic-hint' }, t('ctl.graphicHint')));
  }

  // deleteRoom removes the room and its records on the server at once; the key goes in
  // the Authorization header like every other credential.
  async function deleteRoom(e) {
    if (!window.confirm(t('ctl.deleteConfirm', { code }))) return;
    const btn = e.currentTarget;
    btn.disabled = true;
    try {
      await request('DELETE', `/api/rooms/${encodeURIComponent(code)}`, { secret: key });
      conn.stop();
      store.del(`debate.teacher.${code}`);
      store.del(`debate.projector.${code}`);
      location.href = '/';
    } catch (err) {
      btn.disabled = false;
      toast(errorText(err), 'error');
    }
  }

  function drawRoster(v) {
    const players = v.players || [];
    const voted = (pid) => Object.keys((v.votes || {})[pid] || {}).length;
    const rows = players.map((p) => {
      const online = presence.has(p.id);
      const roleSel = h('select', { 'data-k': `role-${p.id}`, 'aria-label': t('roster.roleFor', { name: p.nickname }), disabled: p.status === 'removed', onchange: (e) => send('assignRole', { playerId: p.id, role: e.target.value }) },
        ROLES.map((r) => h('option', { value: r, selected: r === p.role }, roleName(r))));
      const regionSel = h('select', { 'data-k': `region-${p.id}`, 'aria-label': t('roster.regionFor', { name: p.nickname }), disabled: p.status === 'removed', onchange: (e) => send('assignRole', { playerId: p.id, role: p.role, region: e.target.value }) },
        REGIONS.map((r) => h('option', { value: r, selected: r === p.region }, regionName(r))));
      const flags = [];
      if (p.steppedOut) flags.push(t('roster.outOfRole'));
      if (p.group) flags.push(t('roster.group', { group: p.group }));
      if (p.muted) flags.push(t('roster.muted'));
      if (p.members && p.members.length) flags.push(t('roster.members', { names: p.members.join(', ') }));
      // One line a student: the rarely used actions fold into a "More" menu per row, so a
      // class of 30 fits two screens of the projector laptop with no sideways scroll.
      return h('tr', { class: `st-${p.status}`, 'data-player': p.id },
        h('th', { scope: 'row' }, h('span', { class: `presence ${online ? 'on' : 'off'}`, title: online ? t('roster.online') : t('roster.offline') }, online ? '●' : '○'), h('span', { class: 'visually-hidden' }, online ? t('roster.online') : t('roster.offline')), ' ', h('span', { class: 'nick', title: p.nickname }, p.nickname),
          flags.length ? h('span', { class: 'hint roster-flags' }, flags.join(' · ')) : null),
        h('td', null, roleSel), h('td', null, regionSel),
        // A student playing shows their fate; any other status says itself. Each rejoin
        // is listed; a rejoin waiting for the teacher stays in view with its answer.
        h('td', { class: 'roster-status' }, p.status === 'active' && p.fate ? fateName(p.fate) : t(`status.${p.status}`), v.phase === 'vote' && p.status === 'active' ? h('span', { class: 'hint' }, ` · ${t('roster.voted', { n: voted(p.id) })}`) : null,
          p.rejoinWaiting ? h('div', { class: 'notice rejoin-waiting' }, t('roster.rejoinWaiting')) : null,
          (p.rejoins || []).length ? h('ul', { class: 'hint rejoins' }, p.rejoins.map((r) => h('li', null, t(r.approved ? 'roster.rejoinedApproved' : 'roster.rejoined', { lesson: r.lesson, time: new Date(r.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) })))) : null),
        h('td', { class: 'roster-actions' },
          p.rejoinWaiting ? h('button', { type: 'button', 'data-k': `rja-${p.id}`, onclick: () => send('approveRejoin', { playerId: p.id }) }, t('roster.rejoinApprove')) : null,
          p.rejoinWaiting ? h('button', { type: 'button', 'data-k': `rjr-${p.id}`, onclick: () => send('approveRejoin', { playerId: p.id, refuse: true }) }, t('roster.rejoinRefuse')) : null,
          p.status === 'pending' ? h('button', { type: 'button', 'data-k': `ap-${p.id}`, onclick: () => send('approvePlayer', { playerId: p.id }) }, t('roster.approve')) : null,
          p.status !== 'removed' ? h('details', { class: 'row-more' }, h('summary', { 'aria-label': t('roster.moreFor', { name: p.nickname }) }, t('roster.more')), h('div', { class: 'row-actions' },
          h('button', { type: 'button', 'data-k': `mute-${p.id}`, 'aria-pressed': p.muted ? 'true' : 'false', onclick: () => send('mute', { playerId: p.id, on: !p.muted }) }, t('roster.mute')),
          h('button', { type: 'button', 'data-k': `ren-${p.id}`, onclick: () => { const n = window.prompt(t('roster.renamePrompt', { name: p.nickname }), p.nickname); if (n && n.trim() && n.trim() !== p.nickname) send('rename', { playerId: p.id, nickname: n.trim() }); } }, t('roster.rename')),
          h('button', { type: 'button', 'data-k': `grp-${p.id}`, onclick: () => { const n = window.prompt(t('roster.membersPrompt'), (p.members || []).join(', ')); if (n !== null) send('setGroup', { playerId: p.id, members: n.split(',').map((x) => x.trim()).filter(Boolean) }); } }, t('roster.setMembers')),
          p.status === 'active' ? h('button', { type: 'button', 'data-k': `rj-${p.id}`, onclick: () => issueRejoin(p) }, t('roster.rejoin')) : null,
          h('button', { type: 'button', class: 'danger', 'data-k': `rm-${p.id}`, onclick: () => { if (window.confirm(t('roster.removeConfirm', { name: p.nickname }))) send('removePlayer', { playerId: p.id }, t('roster.removed', { name: p.nickname })); } }, t('roster.remove')))) : null));
    });
    const counts = {};
    for (const p of players) if (p.status === 'active') counts[p.role] = (counts[p.role] || 0) + 1;
    fill(regions.roster, h('section', { class: 'card', 'aria-labelledby': 'roster-h' },
      h('h2', { id: 'roster-h' }, t('roster.title', { n: players.filter((p) => p.status !== 'removed').length, online: players.filter((p) => presence.has(p.id)).length })),
      h('p', { class: 'hint' }, ROLES.map((r) => `${roleName(r)}: ${counts[r] || 0}`).join(' · ')),
      players.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'roster' },
        h('thead', null, h('tr', null, ['roster.name', 'roster.role', 'roster.region', 'roster.status', 'roster.actions'].map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', null, rows))) : h('p', null, t('roster.empty'))));
  }

  // options replaces a select's choices only when they changed, keeping the choice made.
  function options(sel, items) {
    const sig = JSON.stringify(items);
    if (sel.dataset.sig === sig) return;
    const was = sel.value;
    sel.dataset.sig = sig;
    fill(sel, items.map(([value, label]) => h('option', { value, selected: value === was }, label)));
  }

  // drawAssess is the teacher's rubric and the scores given against it. Assessment is the
  // teacher's own judgement: only staff see it, and it goes into the gradebook.
  function drawAssess(v) {
    rubric = v.rubric || [];
    const players = (v.players || []).filter((p) => p.status !== 'removed');
    const nick = (id) => ((v.players || []).find((p) => p.id === id) || {}).nickname || id;
    options(assessPlayer, players.map((p) => [p.id, p.nickname]));
    const postText = (id) => { for (const a of v.arguments || []) { if (a.id === id) return a.text; for (const r of a.replies || []) if (r.id === id) return r.text; } return null; };
    if (assessPost && postText(assessPost.id) === null) assessPost = null; // hidden or gone
    drawAssessPost();
    options(assessCrit, rubric.map((c) => [c.id, t('assess.criterionMax', { label: c.label, max: c.max })]));
    setScoreMax();
    fill(rubricList, rubric.map((c) => h('li', null, t('assess.criterionMax', { label: c.label, max: c.max }))));
    const given = v.assessments || [];
    const label = (id) => (rubric.find((c) => c.id === id) || {}).label || id;
    const max = (id) => (rubric.find((c) => c.id === id) || {}).max;
    fill(assessList, given.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'assessed' },
      h('thead', null, h('tr', null, ['assess.student', 'assess.criterion', 'assess.score', 'assess.note', 'roster.actions'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', null, given.map((a) => h('tr', { 'data-player': a.playerId, 'data-criterion': a.criterion },
        h('th', { scope: 'row' }, h('span', { class: 'nick' }, nick(a.playerId)), a.argumentId ? h('div', { class: 'hint' }, t('assess.onPost', { text: excerpt(postText(a.argumentId) || '', 48) })) : null),
        h('td', null, label(a.criterion)),
        h('td', { class: 'assess-score' }, max(a.criterion) ? t('assess.scoreOf', { score: a.score, max: max(a.criterion) }) : String(a.score)),
        h('td', { class: 'assess-note' }, a.note || ''),
        h('td', { class: 'row-actions' }, h('button', { type: 'button', class: 'quiet', 'aria-label': t('assess.withdrawFor', { name: nick(a.playerId), criterion: label(a.criterion) }),
          onclick: () => { const data = { criterion: a.criterion, clear: true }; if (a.argumentId) data.argumentId = a.argumentId; else data.playerId = a.playerId; send('assess', data, t('assess.withdrawn')); } }, t('assess.withdraw')))))))) : h('p', { class: 'hint' }, t('assess.none')));
  }

  // issueRejoin asks the server for a new rejoin code (the old one stops working) and
  // shows it once, with its QR code, for the teacher to read out or print.
  async function issueRejoin(p) {
    if (!window.confirm(t('roster.rejoinConfirm', { name: p.nickname }))) return;
    try {
      const r = await request('POST', `/api/rooms/${encodeURIComponent(code)}/players/${encodeURIComponent(p.id)}/rejoin-code`, { secret: key });
      const img = await request('POST', joinLink(st.view, code).fragmentQr, { body: { fragment: `rejoin=${r.code}` }, secret: key, raw: true });
      const url = URL.createObjectURL(await img.blob());
      const dlg = h('dialog', { class: 'rejoin-dialog', 'aria-labelledby': 'rj-h' },
        h('h2', { id: 'rj-h' }, t('roster.rejoinFor', { name: p.nickname })),
        h('p', { class: 'join-code' }, r.code),
        h('img', { class: 'qr', src: url, alt: t('print.rejoinQr', { name: p.nickname }), width: 200, height: 200 }),
        h('p', { class: 'hint' }, t('roster.rejoinHint')),
        h('form', { method: 'dialog' }, h('button', { type: 'submit', class: 'primary' }, t('roster.close'))));
      dlg.addEventListener('close', () => { URL.revokeObjectURL(url); dlg.remove(); });
      document.body.appendChild(dlg);
      dlg.showModal();
    } catch (e) {
      toast(errorText(e), 'error');
    }
  }

  function drawCurrent(v) {
    if (!v.current) { fill(regions.current); return; }
    const c = v.current;
    fill(regions.current, h('section', { class: 'card', 'aria-labelledby': 'cur-h' },
      h('h2', { id: 'cur-h' }, `${c.year}: ${c.title}`),
      h('p', null, c.summary),
      c.directives.length ? h('div', null, h('h3', null, t('year.directives')), h('ul', null, c.directives.map((d) => h('li', null, h('strong', null, `${d.title} (${d.date})`), d.inForce ? '' : ` — ${t('year.switchedOff')}`, h('div', { class: 'hint' }, d.summary))))) : null,
      (v.injected || []).filter((x) => x.year === v.year).map((x) => h('p', { class: 'injected' }, h('strong', null, x.title), ' ', x.summary))));
  }

  function drawTally(v) {
    if (!v.current || !['vote', 'debate'].includes(v.phase)) { fill(regions.tally); return; }
    const votes = v.votes || {};
    const decisions = v.current.decisions.map((d) => {
      const counts = {}; let abstain = 0; let n = 0;
      for (const byDecision of Object.values(votes)) {
        const x = byDecision[d.id];
        if (!x) continue;
        n += 1;
        if (x.abstain) abstain += 1; else counts[x.option] = (counts[x.option] || 0) + 1;
      }
      return h('div', { class: 'tally' }, h('h3', null, d.title), h('p', { class: 'hint' }, d.question),
        h('ul', { class: 'bars' }, d.options.map((o) => h('li', null, h('span', { class: 'bar-label' }, o.label), h('meter', { min: 0, max: Math.max(1, n), value: counts[o.id] || 0, 'aria-label': o.label }), h('span', { class: 'bar-n' }, String(counts[o.id] || 0)))),
          h('li', null, h('span', { class: 'bar-label' }, t('vote.abstain')), h('meter', { min: 0, max: Math.max(1, n), value: abstain, 'aria-label': t('vote.abstain') }), h('span', { class: 'bar-n' }, String(abstain)))));
    });
    const actions = Object.entries(v.actions || {}).filter(([, a]) => a).length;
    fill(regions.tally, h('section', { class: 'card', 'aria-labelledby': 'tally-h' },
      h('h2', { id: 'tally-h' }, t('tally.title')), h('p', { class: 'hint' }, t(v.voteMode === 'oneEach' ? 'tally.oneEach' : 'tally.weights')),
      decisions, h('p', null, t('tally.actions', { n: actions }))));
  }

  function drawModeration(v) {
    const args = v.arguments || [];
    const nick = (id) => (v.players.find((p) => p.id === id) || {}).nickname || id;
    const hctx = historianContext(v);
    const post = (p, isReply) => {
      const flags = [p.held ? t('mod.held') : null, p.filtered ? t('mod.filtered') : null, p.hidden ? t('mod.hidden') : null, p.spotlit ? t('mod.spotlit') : null, p.group && !p.promoted ? t('mod.groupOnly', { group: p.group }) : null, (p.reports || []).length ? t('mod.reports', { n: p.reports.length }) : null].filter(Boolean);
      const stance = !isReply && p.decision ? optionLabel(v, p.decision, p.option, scenario) : null;
      return h('li', { class: `post ${p.held ? 'held' : ''} ${p.hidden ? 'hidden-post' : ''}`, 'data-post': p.id },
        h('div', { class: 'post-meta' }, h('strong', { class: 'nick' }, p.nickname || nick(p.playerId)), ` · ${roleName(p.role)}`, stance ? ` · ${stance.option}` : '', flags.length ? h('span', { class: 'flags' }, ` · ${flags.join(' · ')}`) : null),
        h('p', { class: 'post-text' }, p.text),
        isReply ? null : marks(p, hctx),
        h('div', { class: 'row-actions' },
          p.held && !p.hidden ? h('button', { type: 'button', 'data-k': `apv-${p.id}`, onclick: () => send('approvePost', { argumentId: p.id }, t('mod.approved')) }, t('mod.approve')) : null,
          !p.hidden ? h('button', { type: 'button', class: 'danger', 'data-k': `hide-${p.id}`, onclick: () => send('hidePost', { argumentId: p.id }, t('mod.hiddenDone')) }, t('mod.hide')) : null,
          !isReply && !p.hidden && !p.held && (!p.group || p.promoted) ? h('button', { type: 'button', 'data-k': `spot-${p.id}`, onclick: () => send('spotlight', { argumentId: p.id, on: !p.spotlit }) }, p.spotlit ? t('mod.unspotlight') : t('mod.spotlight')) : null,
          !isReply && !p.hidden && !p.held && p.group && !p.promoted ? h('button', { type: 'button', 'data-k': `pro-${p.id}`, onclick: () => send('promote', { argumentId: p.id }, t('mod.promoted')) }, t('mod.promote')) : null,
          !isReply && !p.hidden && !p.held && (v.rubric || []).length ? h('button', { type: 'button', 'data-k': `assess-${p.id}`, 'aria-label': t('assess.thisPostBy', { name: p.nickname || nick(p.playerId) }), onclick: () => assessThisPost(p) }, t('assess.thisPost')) : null),
        (p.reports || []).length ? h('ul', { class: 'hint' }, p.reports.map((r) => h('li', null, t('mod.reportBy', { name: nick(r.playerId), reason: r.reason ? isolated(r.reason) : '–' })))) : null,
        !isReply && p.replies && p.replies.length ? h('ul', { class: 'replies' }, p.replies.map((r) => post(r, true))) : null);
    };
    const held = [];
    for (const a of args) { if (a.held && !a.hidden) held.push(a); for (const r of a.replies) if (r.held && !r.hidden) held.push({ ...r, replies: [] }); }
    const year = args.filter((a) => a.year === v.year);
    fill(regions.moderation, h('section', { class: 'card', 'aria-labelledby': 'mod-h' },
      h('h2', { id: 'mod-h' }, t('mod.title')),
      h('h3', null, t('mod.queue', { n: held.length })),
      held.length ? h('ul', { class: 'posts', id: 'mod-queue' }, held.map((p) => post(p, !!p.argumentId))) : h('p', { class: 'hint' }, t('mod.queueEmpty')),
      h('h3', null, t('mod.wall', { n: year.length })),
      year.length ? h('ul', { class: 'posts' }, year.map((p) => post(p, false))) : h('p', { class: 'hint' }, t('mod.wallEmpty')),
      filterEditor(v)));
  }

  // filterEditor is the room's own word list: words added here hold a post for the
  // teacher like the built-in list does; built-in words can be switched off and on.
  function filterEditor(v) {
    const f = v.filter || { words: [], allowed: [] };
    const list = (items, label, button, data) => h('ul', { class: 'plain filter-words', 'aria-label': label }, items.map((w) => h('li', null,
      h('span', { class: 'filter-word' }, w), ' ',
      h('button', { type: 'button', class: 'quiet', 'data-k': `fw-${button}-${w}`, 'aria-label': t(`filter.${button}For`, { word: w }), onclick: () => send('filterWords', data(w), t(`filter.${button}Done`, { word: w })) }, t(`filter.${button}`)))));
    return h('div', { class: 'filter-editor', role: 'group', 'aria-labelledby': 'filter-h' },
      h('h3', { id: 'filter-h' }, t('filter.title')),
      h('p', { class: 'hint' }, t('filter.text')),
      f.words && f.words.length ? [h('p', null, t('filter.ours', { n: f.words.length })), list(f.words, t('filter.ours', { n: f.words.length }), 'drop', (w) => ({ remove: [w] }))] : h('p', { class: 'hint' }, t('filter.none')),
      f.allowed && f.allowed.length ? [h('p', null, t('filter.allowed')), list(f.allowed, t('filter.allowed'), 'restore', (w) => ({ add: [w] }))] : null,
      filterForms);
  }

  function historianContext(v) {
    const nick = (id) => (v.players.find((p) => p.id === id) || {}).nickname || id;
    const library = cardsFor(v);
    return { nick, card: (id) => library.find((c) => c.id === id), meId: null, hideGraphic: v.hideGraphic };
  }

  function drawResults(v) {
    const played = (v.results || []).filter((r) => !r.stepped || r.outcome);
    if (!played.length) { fill(regions.results); return; }
    const last = v.results[v.results.length - 1];
    // The year's report (scores, famine by region) shows at the end of the year only.
    const atEnd = v.phase === 'resolution' && last && last.year === v.year;
    const rep = atEnd ? reports.get(`${last.year}|${v.results.length}`, () => api.yearReport(code, key, last.year)) : null;
    fill(regions.results, h('section', { class: 'card', 'aria-labelledby': 'res-h' },
      h('h2', { id: 'res-h' }, t('results.title')),
      last ? yearOutcome(last, v, scenario) : null,
      last ? annotations(last, historianContext(v)) : null,
      atEnd && rep && rep.year === last.year ? yearReport(rep, { audience: 'teacher' }) : null,
      atEnd && reports.error ? h('p', { class: 'error' }, reports.error) : null,
      h('div', { class: 'charts' }, LIVE.map((q) => chart(q, { years: ALL_YEARS, series: [{ name: t('chart.class'), values: classPath(v.results, q) }], bands })))));
  }

  function drawDebrief(v) {
    const tickets = v.exitTickets || [];
    const nick = (id) => (v.players.find((p) => p.id === id) || {}).nickname || id;
    const ticketList = tickets.length ? h('section', { class: 'card', 'aria-labelledby': 'ex-h' }, h('h2', { id: 'ex-h' }, t('exit.received', { n: tickets.length })),
      h('ul', { class: 'posts' }, tickets.map((x) => h('li', { class: 'post' }, h('div', { class: 'post-meta' }, h('strong', { class: 'nick' }, nick(x.playerId)), ` · ${t('exit.lesson', { n: x.lesson })}`, x.flagged ? ` · ${t('mod.filtered')}` : ''), x.answers.map((a) => h('p', { class: 'post-text' }, a)))))) : null;
    if (v.phase !== 'debrief') { fill(regions.debrief, ticketList); return; }
    // Fetched again when a result or an exit ticket arrives.
    const d = debriefs.get(`${v.results.length}|${tickets.length}|${tickets.map((x) => x.seq).join(',')}`, () => api.debrief(code, key));
    const ex = { value: experiments.get(`${v.results.length}`, () => api.experiments(code, key)), error: experiments.error };
    fill(regions.debrief, debrief(v, d, { bands, audience: 'teacher', charts: DEBRIEF, error: debriefs.error, experiments: ex }));
  }

  // drawExports offers the room's records as the server writes them (fetched with the key
  // in a header, saved under the server's file name), and the one list only this screen
  // has: every post with its moderation state, hidden and held ones included.
  function drawExports(v) {
    const csv = (rows) => rows.map((r) => r.map((c) => `"${defused(String(c ?? '')).replace(/"/g, '""')}"`).join(',')).join('\r\n');
    const file = (name) => h('button', { type: 'button', 'data-export': name, 'data-k': `exp-${name}`, onclick: async (e) => {
      const btn = e.currentTarget;
      btn.disabled = true;
      try { announce(t('exports.saved', { name: await saveExport(code, key, name) })); } catch (err) { toast(errorText(err), 'error'); } finally { btn.disabled = false; }
    } }, t(`exports.file.${name.replace('.', '_')}`));
    fill(regions.exports, h('section', { class: 'card', 'aria-labelledby': 'exp-h' },
      h('h2', { id: 'exp-h' }, t('exports.title')),
      h('p', { class: 'hint' }, t('exports.text')),
      h('div', { class: 'buttons' }, ['gradebook.csv', 'transcript.md', 'log.json', 'choices.json', 'debrief.json'].map(file)),
      h('h3', null, t('exports.fromScreen')),
      h('div', { class: 'buttons' },
        h('button', { type: 'button', onclick: () => {
          const rows = [['id', 'year', 'nickname', 'role', 'decision', 'option', 'evidence', 'marks', 'held', 'hidden', 'replyTo', 'text']];
          for (const a of v.arguments) { rows.push([a.id, a.year, a.nickname, a.role, a.decision, a.option, a.evidence, a.marks, a.held, a.hidden, '', a.text]); for (const r of a.replies) rows.push([r.id, r.year, r.nickname, r.role, '', '', '', '', r.held, r.hidden, a.id, r.text]); }
          download(exportName(code, 'arguments.csv'), 'text/csv', csv(rows));
        } }, t('exports.arguments')))));
  }

  conn.start();
}

// defused keeps a spreadsheet from reading a cell as a formula (a student's "=HYPERLINK(…)"
// would run): text that starts with = + - @ or a tab or carriage return gets a leading
// apostrophe, as the server's CSV exports do (scoring's cell).
function defused(text) {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

// exportName names a file made on this screen as the server names its exports: the room
// code and today's date, then the kind (KXT4PMQA-2026-11-25-arguments.csv).
function exportName(code, kind) {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  const room = String(code).replace(/[^A-Za-z0-9-]/g, '') || 'room';
  return `${room}-${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}-${kind}`;
}

// The outcome's figures carry each quantity's precision (charts.js figure), with their units.
// yearOutcome summarises one resolved year: the decisions taken and what changed.
export function yearOutcome(r, v, scenario) {
  const o = r.outcome || {};
  const rows = ['grainHarvestMt', 'procurementMt', 'cattleM', 'collectivisedPct', 'industryIndex'].filter((q) => typeof o[q] === 'number');
  return h('div', { class: 'outcome' },
    h('h3', null, r.stepped ? t('results.stepped', { year: r.year }) : t('results.year', { year: r.year })),
    (r.tallies || []).length ? h('ul', null, r.tallies.map((tl) => { const l = optionLabel(v, tl.decision, tl.result, scenario); return h('li', null, h('strong', null, `${l.decision}: `), l.option, tl.noVotes ? ` (${t('results.noVotes')})` : '', tl.tied ? ` (${t('results.tied')})` : ''); })) : null,
    h('dl', { class: 'figures' }, rows.map((q) => [h('dt', null, t(`q.${q}`)), h('dd', null, withUnit(q, o[q]))])),
    (o.notes || []).length ? h('ul', { class: 'notes' }, o.notes.map((n) => h('li', null, n))) : null);
}

function openProjector(code, key) {
  store.set(`debate.projector.${code}`, key);
  window.open(`/projector/${encodeURIComponent(code)}`, `projector-${code}`, 'noopener');
}

function keyForm(main, code) {
  const key = h('input', { type: 'password', autocomplete: 'off', required: true });
  fill(main, h('form', { class: 'card', onsubmit: (e) => { e.preventDefault(); store.set(`debate.teacher.${code}`, { code, teacherKey: key.value.trim(), createdAt: Date.now() }); location.reload(); } },
    h('h1', null, t('teacher.title', { code })), h('p', null, t('teacher.needKey')), field(t('teacher.key'), key), h('button', { type: 'submit', class: 'primary' }, t('teacher.open'))));
}
