// student.js is the student's screen: join with the room code and a nickname (or a
// printed/QR rejoin code), then the role card, the argument wall, the vote and the
// role's action, the year's outcome, stepping out of role, and the exit ticket. The token
// and the draft argument live in this browser's storage, so a reload comes back as the
// same player with the draft kept.
import { h, fill, field, announce } from './dom.js';
import { t, has } from './i18n.js';
import { provBadge } from './badge.js';
import { api, cached, request, Loader } from './api.js';
import { Connection } from './conn.js';
import { RoomState } from './state.js';
import { Timer, connBanner, yearPhase, store, roleName, regionName, fateName, toast, errorText, optionLabel, normCode, richText } from './ui.js';
import { chart, classPath, LIVE } from './charts.js';
import { yearOutcome } from './teacher.js';
import { debrief } from './debrief.js';
import { yearReport } from './report.js';
import { marks, annotations, Tools } from './historian.js';

const playerKey = (code) => `debate.player.${code}`;

export async function render(main, [codeArg]) {
  const frag = new URLSearchParams(location.hash.slice(1));
  const code = normCode(codeArg || frag.get('room') || '');
  const rejoin = frag.get('rejoin');
  if (rejoin && code) {
    history.replaceState(null, '', location.pathname); // the secret leaves the address bar
    return rejoinWith(main, code, rejoin);
  }
  if (!code) return codeForm(main);
  const me = store.get(playerKey(code));
  if (me && me.token) return play(main, code, me);
  return joinForm(main, code);
}

// A room code's length (engine.CodeLength): a typed code is checked once it is whole.
const CODE_LENGTH = 8;

// checkCode asks the server whether a room code names a room (GET .../exists, limited
// like joins), so a mistyped code is reported before the student types a nickname. It
// resolves to true, false, or null when the server could not say (the join then tells).
async function checkCode(code) {
  try {
    const r = await request('GET', `/api/rooms/${encodeURIComponent(code)}/exists`);
    return !!r.exists;
  } catch {
    return null;
  }
}

function codeForm(main) {
  const code = h('input', { autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', required: true, maxlength: 16, class: 'code-input', 'aria-describedby': 'code-status' });
  const rj = h('input', { autocomplete: 'off', spellcheck: 'false', maxlength: 64 });
  const status = h('p', { id: 'code-status', role: 'alert', class: 'error' });
  let checked = '';
  const check = async () => {
    const c = normCode(code.value);
    if (c.length !== CODE_LENGTH || c === checked) return;
    checked = c;
    const ok = await checkCode(c);
    if (normCode(code.value) !== c) return;
    code.setAttribute('aria-invalid', ok === false ? 'true' : 'false');
    fill(status, ok === false ? t('join.noSuchRoom', { code: c }) : null);
  };
  code.addEventListener('input', () => { if (normCode(code.value).length !== CODE_LENGTH) { fill(status); code.removeAttribute('aria-invalid'); } check(); });
  fill(main, h('form', { class: 'card narrow', onsubmit: async (e) => {
    e.preventDefault();
    const c = normCode(code.value);
    if (!c) return;
    if (rj.value.trim()) { rejoinWith(main, c, rj.value.trim()); return; }
    if (await checkCode(c) === false) { fill(status, t('join.noSuchRoom', { code: c })); code.focus(); return; }
    location.href = `/join/${encodeURIComponent(c)}`;
  } }, h('h1', null, t('join.title')), field(t('join.code'), code, t('join.codeHint')), status,
  h('details', null, h('summary', null, t('join.haveRejoin')), field(t('join.rejoinCode'), rj, t('join.rejoinHint'))),
  h('button', { type: 'submit', class: 'primary big' }, t('join.next'))));
}

function joinForm(main, code) {
  const nick = h('input', { name: 'nickname', autocomplete: 'off', required: true, maxlength: 24, spellcheck: 'false' });
  const status = h('p', { role: 'alert', class: 'error' });
  const rj = h('input', { autocomplete: 'off', spellcheck: 'false', maxlength: 64 });
  // One random id for this form's join: pressing Join again after a lost answer (a
  // dropped school Wi-Fi) finds the player the first press made instead of a "nickname
  // taken" and a ghost in the roster. getRandomValues works on a plain-http classroom
  // LAN, where crypto.randomUUID does not.
  const attempt = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
  fill(main, h('form', { class: 'card narrow', onsubmit: async (e) => {
    e.preventDefault();
    fill(status);
    if (rj.value.trim()) { rejoinWith(main, code, rj.value.trim()); return; }
    try {
      const r = await api.join(code, nick.value, attempt);
      const me = { token: r.token, playerId: r.playerId, nickname: nick.value.trim(), code: r.code };
      store.set(playerKey(r.code), me);
      if (r.code !== code) { location.href = `/join/${encodeURIComponent(r.code)}`; return; }
      play(main, code, me);
    } catch (err) {
      fill(status, errorText(err));
    }
  } },
  h('h1', null, t('join.room', { code })),
  h('p', null, t('join.nickText')),
  field(t('join.nickname'), nick, t('join.nickHint')),
  status,
  h('button', { type: 'submit', class: 'primary big' }, t('join.submit')),
  h('details', null, h('summary', null, t('join.haveRejoin')), field(t('join.rejoinCode'), rj, t('join.rejoinHint')))));
  nick.focus();
  // A link or QR code with a wrong code is reported at once, not after the nickname.
  checkCode(code).then((ok) => {
    if (ok === false && !status.textContent) fill(status, h('span', null, t('join.noSuchRoom', { code }), ' ', h('a', { href: '/join' }, t('join.otherCode'))));
  });
}

// rejoinWith trades a printed or QR rejoin code for a fresh token.
// While the player is connected elsewhere the rejoin waits for the teacher (202): the
// page asks again with the same request id until the teacher answers.
async function rejoinWith(main, code, secret, pendingRequest) {
  fill(main, h('p', { class: 'loading' }, t(pendingRequest ? 'join.rejoinWaiting' : 'join.rejoining')));
  try {
    const body = { rejoinCode: secret };
    if (pendingRequest) body.request = pendingRequest;
    const r = await request('POST', `/api/rooms/${encodeURIComponent(code)}/rejoin`, { body });
    if (r.pending) {
      fill(main, h('p', { class: 'loading', role: 'status' }, t('join.rejoinWaiting')));
      setTimeout(() => rejoinWith(main, code, secret, r.request), 3000);
      return;
    }
    const me = { token: r.token, playerId: r.playerId, nickname: r.nickname || '', code };
    store.set(playerKey(code), me);
    play(main, code, me);
  } catch (e) {
    fill(main, h('div', { class: 'card narrow' }, h('p', { role: 'alert', class: 'error' }, t('join.rejoinFailed'), ' ', errorText(e)), h('p', null, h('a', { href: `/join/${encodeURIComponent(code)}` }, t('join.back')))));
  }
}

function play(main, code, me) {
  const timer = new Timer(false);
  const banner = connBanner({ withDraft: true });
  const draftKey = `debate.draft.${code}.${me.playerId}`;
  const draft = store.get(draftKey) || {};
  let scenario = null;
  let bands = [];
  cached('scenario').then((s) => { scenario = s; draw(); }).catch(() => {});
  cached('reference').then((r) => { bands = r.bands; draw(); }).catch(() => {});
  let content = null; // profiles, cards, glossary (package roles; graphic cards in their gentler text)
  cached('roles').then((r) => { content = r; draw(); }).catch(() => {});
  const roomPath = `/api/rooms/${encodeURIComponent(code)}`;
  // The briefing is the room's: the server writes it for this player's path (fate,
  // region, last year's outcome, their own action, the settlers' letters and reports) and
  // the room's content setting. Fetched again when any of those can have changed.
  let brief = null;
  let briefKey = '';
  function loadBriefing(v) {
    const mine = v.me;
    if (!mine || !v.current || !mine.role || mine.status !== 'active') return;
    const key = [mine.role, mine.region, mine.fate, v.current.year, (v.results || []).length, v.hideGraphic, JSON.stringify(v.directives || {})].join('|');
    if (key === briefKey) return;
    briefKey = key;
    request('GET', `${roomPath}/briefing`, { secret: me.token })
      .then((b) => { if (briefKey === key) { brief = b; draw(); } })
      .catch(() => { if (briefKey === key) { brief = null; draw(); } });
  }
  // The card library as the room shows it (graphic cards only when the teacher allows
  // them), fetched again when the setting changes; until it comes, the public library.
  let library = null;
  let libraryKey = '';
  function loadLibrary(v) {
    const key = String(v.hideGraphic);
    if (key === libraryKey) return;
    libraryKey = key;
    request('GET', `${roomPath}/cards`, { secret: me.token })
      .then((r) => { if (libraryKey === key) { library = r; draw(); } })
      .catch(() => {});
  }
  // The briefing in hand, if it is this year's and this role's; one with graphic passages
  // is not shown once the teacher hides them again (a new one is on its way).
  function briefFor(v, role) {
    const graphic = brief && ((brief.paragraphs || []).some((p) => p.graphic) || (brief.cards || []).some((c) => c.graphic));
    return brief && v.current && brief.year === v.current.year && brief.role === role && !(graphic && v.hideGraphic) ? brief : null;
  }
  let shownCards = [];
  function cardsFor(v) {
    if (library && !(library.graphic && v.hideGraphic)) return library.cards;
    return (content && content.cards) || [];
  }

  const regions = {};
  for (const id of ['head', 'notice', 'card', 'wall', 'vote', 'outcome', 'score', 'exit']) regions[id] = h('div', { id: `s-${id}` });

  // The compose form is built once and never redrawn, so typing survives every update
  // and every reconnect; its text is saved as it is typed.
  const stance = h('select', { id: 'arg-stance', name: 'stance', required: true });
  const evidence = h('select', { id: 'arg-evidence', name: 'evidence' });
  const text = h('textarea', { id: 'arg-text', name: 'text', rows: 4, maxlength: 600, required: true });
  const counter = h('span', { class: 'hint', 'aria-live': 'off' });
  text.value = draft.text || '';
  const saveDraft = () => { store.set(draftKey, { text: text.value, stance: stance.value, evidence: evidence.value }); counter.textContent = t('wall.count', { n: text.value.length }); };
  text.addEventListener('input', saveDraft);
  stance.addEventListener('change', saveDraft);
  evidence.addEventListener('change', saveDraft);
  const composeStatus = h('p', { class: 'error', role: 'alert' });
  const compose = h('form', { class: 'compose', onsubmit: async (e) => {
    e.preventDefault();
    fill(composeStatus);
    const [decision, option] = stance.value.split('|');
    if (!decision || !text.value.trim()) { fill(composeStatus, t('wall.needStance')); return; }
    const data = { text: text.value.trim(), decision, option };
    if (evidence.value) data.evidence = evidence.value;
    const btn = compose.querySelector('button[type=submit]');
    btn.disabled = true;
    try {
      await conn.send('argue', data);
      text.value = '';
      saveDraft();
      announce(t('wall.posted'));
    } catch (err) {
      fill(composeStatus, errorText(err));
    } finally { btn.disabled = false; }
  } },
  h('h3', null, t('wall.write')),
  field(t('wall.stance'), stance), field(t('wall.evidence'), evidence, t('wall.evidenceHint')), field(t('wall.text'), text), counter, composeStatus,
  h('button', { type: 'submit', class: 'primary' }, t('wall.post')));
  saveDraft();

  const st = new RoomState({ code, secret: me.token, onChange: () => draw() });
  const conn = new Connection({
    code, secret: me.token,
    onStatus: (s, d) => {
      banner.set(s, d);
      if (s === 'closed' && d && (d.kind === 'removed' || d.kind === 'unauthorized')) {
        store.del(playerKey(code));
        fill(regions.notice, h('div', { class: 'card notice', role: 'alert' }, h('p', null, t(d.kind === 'removed' ? 'student.removed' : 'student.unauthorized')), h('p', null, h('a', { href: `/join/${encodeURIComponent(code)}` }, t('join.back')))));
      }
    },
    onFrame: (f) => {
      if (f.type === 'snapshot') st.snapshot(f.state);
      else if (f.type === 'event') st.apply(f.event);
    },
  });
  const send = async (type, data, okText) => {
    try { await conn.send(type, data); if (okText) announce(okText); return true; } catch (e) { toast(errorText(e), 'error'); return false; }
  };
  const tools = new Tools(send);
  const reports = new Loader(() => draw());
  const debriefs = new Loader(() => draw());
  const experiments = new Loader(() => draw());
  function historianContext(v, working) {
    const nick = (id) => (v.players.find((p) => p.id === id) || {}).nickname || (v.me && v.me.id === id ? v.me.nickname : t('hist.aHistorian'));
    return { nick, card: (id) => shownCards.find((c) => c.id === id), meId: v.me && v.me.id, send: working ? send : null, hideGraphic: v.hideGraphic };
  }

  // The current phase's task comes first (read → argue → vote → results), the other
  // sections folded to their headings (each opens again with its button); a phase
  // change scrolls back to the task and is announced, since the page has reordered.
  const FOLDABLE = ['card', 'wall', 'vote', 'outcome'];
  const tasks = {};
  const setFold = (k, folded) => {
    const box = tasks[k];
    box.classList.toggle('folded', folded);
    const btn = box.querySelector(':scope > .unfold');
    btn.setAttribute('aria-expanded', folded ? 'false' : 'true');
    // Short on the screen, whole for a screen reader ("Show Vote").
    btn.textContent = t(folded ? 'student.unfoldShort' : 'student.foldShort');
    btn.setAttribute('aria-label', t(folded ? 'student.unfold' : 'student.fold', { what: t(`student.nav.${k}`) }));
  };
  for (const k of ['card', 'wall', 'vote', 'outcome', 'score', 'exit']) {
    tasks[k] = h('div', { class: 'task', 'data-task': k },
      FOLDABLE.includes(k) ? h('button', { type: 'button', class: 'quiet unfold', 'aria-controls': `s-${k}`, 'data-k': `fold-${k}`, onclick: () => setFold(k, !tasks[k].classList.contains('folded')) }) : null,
      regions[k]);
    if (FOLDABLE.includes(k)) setFold(k, false);
  }
  const taskList = h('div', { class: 'tasks' }, Object.values(tasks));
  let shownTask = null;
  let shownPhase = null;
  const taskOf = (v) => {
    if (v.derole) return 'exit';
    if (v.phase === 'debrief') return 'score';
    return { debate: 'wall', vote: 'vote', resolution: 'outcome' }[v.phase] || 'card';
  };
  function orderTasks(v) {
    const task = taskOf(v);
    const phaseKey = `${v.year}|${v.phase}|${!!v.derole}`;
    if (task !== shownTask) {
      shownTask = task;
      taskList.prepend(tasks[task]);
      for (const k of ['card', 'wall', 'vote', 'outcome', 'score', 'exit']) if (k !== task) taskList.appendChild(tasks[k]);
      for (const k of FOLDABLE) setFold(k, k !== task);
    }
    if (shownPhase !== null && phaseKey !== shownPhase) {
      window.scrollTo(0, 0);
      announce(t('student.phaseNow', { phase: yearPhase(v), task: t(`student.task.${task}`) }));
    }
    shownPhase = phaseKey;
  }

  fill(main,
    h('div', { class: 'student-head' }, regions.head, banner.el),
    h('nav', { class: 'jump', 'aria-label': t('student.sections') }, ['card', 'wall', 'vote', 'outcome'].map((s) => h('a', { href: `#sec-${s}`, onclick: () => setFold(s, false) }, t(`student.nav.${s}`)))),
    regions.notice, taskList);

  const wallList = h('div', { id: 'wall-list' });
  const wallSection = h('section', { class: 'card', id: 'sec-wall', 'aria-labelledby': 'wall-h' }, h('h2', { id: 'wall-h' }, t('wall.title')), h('div', { id: 'compose-slot' }), wallList);
  regions.wall.appendChild(wallSection);

  let raf = 0;
  function draw() { if (!raf) raf = requestAnimationFrame(() => { raf = 0; drawNow(); }); }
  function drawNow() {
    const v = st.view;
    if (!v) return;
    const mine = v.me;
    loadLibrary(v);
    shownCards = cardsFor(v);
    timer.update(v);
    fill(regions.head, h('p', { class: 'yearphase' }, yearPhase(v)), timer.el,
      mine ? h('p', { class: 'me' }, h('span', { class: 'nick' }, mine.nickname), ` · ${roleName(mine.role)} · ${regionName(mine.region)}`, mine.fate ? ` · ${fateName(mine.fate)}` : '') : null);
    const notes = [];
    if (mine && mine.status === 'pending') notes.push(h('p', null, t('student.pending')));
    if (v.suspended && !v.derole) notes.push(h('p', null, t('student.suspended')));
    if (mine && mine.muted) notes.push(h('p', null, t('student.muted')));
    if (mine && v.phase === 'lobby' && v.assignment === 'choice' && mine.status === 'active') {
      const caps = v.roleCaps || {};
      notes.push(h('div', { class: 'choose-role' }, h('h2', null, t('student.chooseRole')),
        h('div', { class: 'buttons' }, ['official', 'peasant', 'kulak', 'bukharinite'].map((r) => h('button', { type: 'button', 'data-k': `choose-${r}`, 'aria-pressed': mine.role === r ? 'true' : 'false', onclick: () => send('chooseRole', { role: r }, roleName(r)) },
          roleName(r), caps[r] !== undefined ? ` (${t('student.places', { n: caps[r] })})` : '')))));
    }
    const lastNote = (v.announcements || [])[v.announcements.length - 1];
    if (lastNote) notes.push(h('p', { class: 'announcement' }, h('strong', null, t('student.announcement')), ' ', lastNote.text));
    if (mine && mine.status !== 'removed' && !regions.notice.querySelector('[role=alert]')) fill(regions.notice, notes.length ? h('div', { class: 'card notice' }, notes) : null);
    orderTasks(v);
    drawCard(v);
    drawWall(v);
    drawVote(v);
    drawOutcome(v);
    drawExit(v);
  }

  function drawCard(v) {
    const mine = v.me;
    if (!mine) { fill(regions.card); return; }
    loadBriefing(v);
    const role = mine.role;
    const c = v.current;
    const glossary = (content && content.glossary) || [];
    const profile = content && (content.roles.find((r) => r.id === role) || {}).profile;
    const b = briefFor(v, role);
    // A Historian's briefing has no actions; any list the server leaves out is empty.
    const cards = (b && b.cards) || [];
    const terms = b ? glossary.filter((g) => (b.terms || []).includes(g.id) || g.general) : glossary;
    const goals = profile ? h('ul', { class: 'goals' }, profile.goals.map((g) => h('li', null, richText(g.text, glossary), h('div', { class: 'hint' }, t('card.howScored'), ' ', richText(g.scoring, glossary))))) : h('p', null, t(`role.${role}.goals`));
    fill(regions.card, h('section', { class: 'card role-card', id: 'sec-card', 'aria-labelledby': 'card-h' },
      h('h2', { id: 'card-h' }, t('card.title', { role: roleName(role) })),
      h('p', { class: 'hint' }, t('card.region', { region: regionName(mine.region) }), mine.fate ? ` · ${fateName(mine.fate)}` : ''),
      profile ? h('p', { class: 'who' }, richText(profile.who, glossary)) : null,
      h('p', { class: 'summary' }, profile ? richText(profile.summary, glossary) : t(`role.${role}.summary`)),
      c ? h('div', { class: 'briefing' }, h('h3', null, t('card.briefing', { year: c.year })), h('p', null, h('strong', null, c.title)),
        b ? [h('p', { class: 'plain-summary' }, h('strong', null, t('card.inShort')), ' ', richText(b.summary, glossary)), (b.paragraphs || []).map((p) => h('p', { 'data-slot': p.slot }, richText(p.text, glossary)))] : h('p', null, c.summary),
        c.directives.length ? h('div', null, h('h4', null, t('year.directives')), h('ul', null, c.directives.map((d) => h('li', null, h('strong', null, `${d.title} (${d.date})`), d.inForce ? '' : ` — ${t('year.switchedOff')}`, h('div', null, d.summary), h('div', { class: 'hint' }, t('card.source', { source: d.source })))))) : null,
        (v.injected || []).filter((x) => x.year === c.year).map((x) => h('p', { class: 'injected' }, h('strong', null, x.title), ' ', x.summary))) : h('p', null, t('card.waiting')),
      h('h3', null, t('card.goals')), goals,
      cards.length ? h('div', null, h('h3', null, t('card.evidence')), h('ul', { class: 'evidence' }, cards.map((e) => h('li', { id: `ev-${e.id}` },
        provBadge(e), ' ', h('strong', null, e.title), h('div', null, richText(e.text, glossary)), h('div', { class: 'hint' }, e.provenance))))) : null,
      b && (b.actions || []).length ? h('div', null, h('h3', null, t('card.actions')), h('ul', null, b.actions.map((a) => h('li', null, h('strong', null, a.title), ' — ', a.summary, a.hint ? h('div', { class: 'hint' }, a.hint) : null)))) : (mine.actionsOpen && mine.actionsOpen.length ? h('div', null, h('h3', null, t('card.actions')), h('ul', null, mine.actionsOpen.map((a) => h('li', null, h('strong', null, a.title), ' — ', a.summary)))) : null),
      terms.length ? h('details', { class: 'glossary' }, h('summary', null, t('card.glossary')), h('dl', null, terms.map((g) => [h('dt', { id: `gl-${g.id}` }, g.term), h('dd', null, g.definition)]))) : null,
      h('div', { class: 'step-out' },
        role !== 'historian' ? h('button', { type: 'button', class: 'quiet', 'data-k': 'optout', onclick: () => { if (window.confirm(t('card.optOutConfirm'))) send('optOut', null, t('card.optedOut')); } }, t('card.optOut')) : null,
        h('button', { type: 'button', 'data-k': 'stepout', onclick: () => { if (mine.steppedOut || window.confirm(t('card.stepOutConfirm'))) send('stepOut', { out: !mine.steppedOut }, mine.steppedOut ? t('card.steppedIn') : t('card.steppedOut')); } }, mine.steppedOut ? t('card.stepBackIn') : t('card.stepOut')),
        mine.steppedOut ? h('p', { class: 'ok' }, t('card.youAreOut')) : null,
        h('p', { class: 'hint' }, t('card.stepOutHint')))));
    // stance and evidence choices follow the year; the chosen values survive a redraw
    const opts = c ? c.decisions.map((d) => h('optgroup', { label: d.title }, d.options.map((o) => h('option', { value: `${d.id}|${o.id}` }, o.label)))) : [];
    const keep = stance.value || draft.stance || '';
    fill(stance, h('option', { value: '' }, t('wall.chooseStance')), opts);
    stance.value = keep; if (stance.value !== keep) stance.value = '';
    const keepEv = evidence.value || draft.evidence || '';
    fill(evidence, h('option', { value: '' }, t('wall.noEvidence')), cards.map((e) => h('option', { value: e.id }, e.title)));
    evidence.value = keepEv; if (evidence.value !== keepEv) evidence.value = '';
  }

  function evidenceTitle(id) {
    const card = shownCards.find((c) => c.id === id);
    return card ? card.title : id;
  }

  function drawWall(v) {
    const slot = wallSection.querySelector('#compose-slot');
    const canPost = v.phase === 'debate' && v.me && v.me.status === 'active' && !v.suspended;
    if (canPost && !slot.contains(compose)) slot.appendChild(compose);
    if (!canPost && slot.contains(compose)) compose.remove();
    const canReply = ['debate', 'vote'].includes(v.phase) && v.me && v.me.status === 'active';
    const args = (v.arguments || []).filter((a) => a.year === v.year || v.phase === 'debrief');
    const meId = v.me && v.me.id;
    // A Historian asks for evidence and attaches cards during the debate and the vote.
    const historian = v.me && v.me.role === 'historian' && v.me.status === 'active' && ['debate', 'vote'].includes(v.phase) && !v.suspended;
    const hctx = historianContext(v, historian);
    const b = briefFor(v, 'historian');
    const yearCards = (b && b.cards) || [];
    const library = shownCards;
    fill(wallList, args.length ? h('ul', { class: 'posts' }, args.map((a) => {
      const l = optionLabel(v, a.decision, a.option, scenario);
      const own = a.playerId === meId;
      const replyText = h('textarea', { rows: 2, maxlength: 600, 'data-k': `rt-${a.id}`, id: `rt-${a.id}` });
      const old = wallList.querySelector(`#rt-${CSS.escape(a.id)}`);
      if (old) replyText.value = old.value;
      // A screen reader going from button to button hears which post each one is for.
      const onPost = (action) => t('wall.actionOn', { action, name: a.nickname, text: a.text.length > 40 ? `${a.text.slice(0, 39)}…` : a.text });
      return h('li', { class: `post ${a.held ? 'held' : ''}`, 'data-post': a.id },
        h('div', { class: 'post-meta' }, h('strong', { class: 'nick' }, a.nickname), ` · ${roleName(a.role)}`),
        h('p', { class: 'stance' }, t('wall.stanceIs', { decision: l.decision, option: l.option })),
        h('p', { class: 'post-text' }, a.text),
        a.evidence ? h('p', { class: 'hint' }, t('wall.cites', { id: evidenceTitle(a.evidence) })) : null,
        a.held ? h('p', { class: 'hint' }, t('wall.heldNote')) : null,
        marks(a, hctx),
        historian && !own && !a.held && !a.hidden ? tools.controls(a, { mine: meId, yearCards, library, redraw: draw }) : null,
        h('div', { class: 'row-actions' },
          h('span', { class: 'marks' }, t('wall.marks', { n: a.marks })),
          canReply && !own ? h('button', { type: 'button', 'aria-pressed': a.markedByMe ? 'true' : 'false', 'data-k': `mk-${a.id}`, 'aria-label': onPost(t('wall.mark')), onclick: () => send(a.markedByMe ? 'unmark' : 'mark', { argumentId: a.id }) }, a.markedByMe ? t('wall.unmark') : t('wall.mark')) : null,
          !own && !a.reportedByMe ? h('button', { type: 'button', class: 'quiet', 'data-k': `rp-${a.id}`, 'aria-label': onPost(t('wall.report')), onclick: () => { if (window.confirm(t('wall.reportConfirm'))) send('report', { argumentId: a.id }, t('wall.reported')); } }, t('wall.report')) : null,
          a.reportedByMe ? h('span', { class: 'hint' }, t('wall.reported')) : null,
          a.spotlit ? h('span', { class: 'hint' }, t('mod.spotlit')) : null),
        a.replies.length ? h('ul', { class: 'replies' }, a.replies.map((r) => h('li', { class: 'reply', 'data-post': r.id }, h('strong', { class: 'nick' }, r.nickname), ` · ${roleName(r.role)}: `, h('span', { class: 'post-text' }, r.text), r.held ? h('span', { class: 'hint' }, ` (${t('wall.heldNote')})`) : null))) : null,
        canReply ? h('form', { class: 'reply-form', onsubmit: async (e) => { e.preventDefault(); if (!replyText.value.trim()) return; if (await send('reply', { argumentId: a.id, text: replyText.value.trim() }, t('wall.replied'))) replyText.value = ''; } },
          h('label', { for: replyText.id }, t('wall.replyTo', { name: a.nickname })), replyText, h('button', { type: 'submit', 'data-k': `rs-${a.id}` }, t('wall.reply'))) : null);
    })) : h('p', { class: 'hint' }, v.phase === 'debate' ? t('wall.empty') : t('wall.notYet')));
  }

  function drawVote(v) {
    const mine = v.me;
    if (!mine || !v.current || v.phase !== 'vote') {
      fill(regions.vote, h('section', { class: 'card', id: 'sec-vote', 'aria-labelledby': 'vote-h' }, h('h2', { id: 'vote-h' }, t('vote.title')), h('p', { class: 'hint' }, t('vote.notYet'))));
      return;
    }
    const historian = mine.role === 'historian';
    const groups = historian ? [h('p', null, t('vote.historian'))] : v.current.decisions.map((d) => {
      const cur = mine.votes[d.id] || {};
      const name = `vote-${d.id}`;
      const radio = (value, text, checked, data) => {
        const id = `${name}-${value}`;
        return h('div', { class: 'radio' }, h('input', { type: 'radio', name, id, value, 'data-k': id, checked, onchange: () => send('vote', data, t('vote.saved')) }), h('label', { for: id }, text));
      };
      return h('fieldset', { class: 'decision' }, h('legend', null, d.title), h('p', { class: 'hint' }, d.question),
        d.options.map((o) => radio(o.id, [h('strong', null, o.label), h('span', { class: 'opt-sum' }, ` — ${o.summary}`)], cur.option === o.id, { decision: d.id, option: o.id })),
        radio('abstain', t('vote.abstain'), !!cur.abstain, { decision: d.id, abstain: true }));
    });
    const acts = mine.actionsOpen || [];
    const actionSet = !historian && acts.length ? h('fieldset', { class: 'decision' }, h('legend', null, t('vote.action')), h('p', { class: 'hint' }, t('vote.actionHint')),
      acts.map((a) => { const id = `act-${a.id}`; return h('div', { class: 'radio' }, h('input', { type: 'radio', name: 'action', id, 'data-k': id, checked: mine.action === a.id, onchange: () => send('act', { action: a.id }, t('vote.actionSaved')) }), h('label', { for: id }, h('strong', null, a.title), h('span', { class: 'opt-sum' }, ` — ${a.summary}`))); }),
      mine.action ? h('button', { type: 'button', class: 'quiet', 'data-k': 'act-none', onclick: () => send('act', { action: '' }, t('vote.actionWithdrawn')) }, t('vote.noAction')) : null) : null;
    fill(regions.vote, h('section', { class: 'card', id: 'sec-vote', 'aria-labelledby': 'vote-h' }, h('h2', { id: 'vote-h' }, t('vote.title')), h('p', { class: 'hint' }, t('vote.secret')), groups, actionSet));
  }

  function drawOutcome(v) {
    const results = (v.results || []).filter((r) => r.outcome);
    const last = results[results.length - 1];
    const parts = [h('h2', { id: 'out-h' }, t('student.outcome'))];
    if (!last) parts.push(h('p', { class: 'hint' }, t('student.noOutcome')));
    else {
      parts.push(yearOutcome(last, v, scenario));
      parts.push(annotations(last, historianContext(v, false)));
      // At the end of the year: the player's own score, and the famine by region.
      if (v.phase === 'resolution' && last.year === v.year) {
        const rep = reports.get(`${last.year}|${v.results.length}`, () => api.yearReport(code, me.token, last.year));
        if (rep && rep.year === last.year) parts.push(yearReport(rep, { audience: 'player', meId: v.me && v.me.id }));
        else if (reports.error) parts.push(h('p', { class: 'error' }, reports.error));
        else parts.push(h('p', { class: 'loading' }, t('report.loading')));
        if (v.me && v.me.role === 'historian' && v.me.status === 'active' && !v.suspended) parts.push(tools.annotate(last, v.me.id));
      }
      parts.push(h('details', null, h('summary', null, t('student.charts')), h('div', { class: 'charts' }, LIVE.map((q) => chart(q, { years: [1928, 1929, 1930, 1931, 1932, 1933, 1934], series: [{ name: t('chart.class'), values: classPath(v.results, q) }], bands })))));
    }
    if (v.me && v.me.score !== undefined) parts.push(h('p', { class: 'score' }, t('student.score', { n: v.me.score })));
    fill(regions.outcome, h('section', { class: 'card', id: 'sec-outcome', 'aria-labelledby': 'out-h' }, parts));
    if (v.phase === 'debrief') {
      const d = debriefs.get(`${v.results.length}`, () => api.debrief(code, me.token));
      const ex = { value: experiments.get(`${v.results.length}`, () => api.experiments(code, me.token)), error: experiments.error };
      fill(regions.score, debrief(v, d, { bands, audience: 'player', charts: LIVE, meId: v.me && v.me.id, error: debriefs.error, experiments: ex }));
    } else fill(regions.score);
  }

  function drawExit(v) {
    const ticket = v.exitTicket;
    if (!v.derole || !ticket) { delete regions.exit.dataset.lesson; fill(regions.exit); return; }
    const sent = (ticket.answers || []).some(Boolean);
    if (regions.exit.dataset.lesson === `${ticket.lesson}|${sent}`) return; // keep what is being typed
    regions.exit.dataset.lesson = `${ticket.lesson}|${sent}`;
    // A prompt's id is its message key: the student's language when the catalogue has it,
    // else the English text the event carries.
    const prompts = (ticket.prompts || []).map((p) => (typeof p === 'string' ? p : (p.id && has(p.id) ? t(p.id) : p.text)));
    const boxes = prompts.map((p, i) => h('textarea', { id: `exit-${i}`, rows: 3, maxlength: 1000 }));
    boxes.forEach((b, i) => { b.value = (ticket.answers || [])[i] || ''; });
    const status = h('p', { role: 'status' });
    fill(regions.exit, h('section', { class: 'card exit', id: 'sec-exit', 'aria-labelledby': 'exit-h' },
      h('h2', { id: 'exit-h' }, t('exit.deroleTitle')),
      h('p', null, t('exit.deroling')),
      v.recap ? recapBlock(v.recap) : null,
      h('h3', null, t('exit.title')),
      sent ? h('p', { class: 'ok' }, t('exit.thanks')) : null,
      h('form', { onsubmit: async (e) => {
        e.preventDefault();
        const answers = boxes.map((b) => b.value.trim());
        if (!answers.some(Boolean)) { fill(status, t('exit.empty')); return; }
        try {
          await conn.send('exitTicket', { answers });
          fill(status, h('span', { class: 'ok' }, t('exit.thanks')));
        } catch (err) { fill(status, errorText(err)); }
      } }, prompts.map((p, i) => field(p, boxes[i])), status, h('button', { type: 'submit', class: 'primary' }, sent ? t('exit.update') : t('exit.send')))));
  }

  function recapBlock(r) {
    return h('details', { class: 'recap' }, h('summary', null, t('recap.where', { year: r.year })),
      h('ul', null, (r.years || []).map((y) => h('li', null, h('strong', null, `${y.year}: ${y.title}`), y.stepped ? ` (${t('results.stepped', { year: y.year })})` : '',
        h('ul', null, (y.decisions || []).map((d) => h('li', null, `${d.title}: ${d.chosenLabel}`, d.asHistory ? ` (${t('recap.asHistory')})` : ` (${t('recap.history', { label: d.historicalLabel })})`)))))));
  }

  conn.start();
}
