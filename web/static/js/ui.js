// ui.js holds the pieces every page shares: the clock, the connection banner, names of
// roles, regions and phases, and small storage helpers.
import { h, fill } from './dom.js';
import { t, label, has } from './i18n.js';

export const store = {
  get(key) { try { return JSON.parse(localStorage.getItem(key)); } catch { return null; } },
  set(key, v) { try { localStorage.setItem(key, JSON.stringify(v)); } catch { /* storage full or off */ } },
  del(key) { try { localStorage.removeItem(key); } catch { /* off */ } },
};

export const roleName = (id) => (has(`role.${id}.name`) ? t(`role.${id}.name`) : label('role.name.', id || 'none'));
export const regionName = (id) => label('region.', id);
export const phaseName = (id) => label('phase.', id);
export const fateName = (id) => label('fate.', id);

// normCode tidies a typed room code.
export const normCode = (s) => (s || '').trim().toUpperCase().replace(/[^A-Z0-9]/g, '');

// Timer: one element per page that shows the time left of the current phase.
export class Timer {
  constructor(big) {
    this.el = h('div', { class: big ? 'timer timer-big' : 'timer', role: 'timer', 'aria-live': 'off' });
    this.view = null;
    this.skew = 0;
    setInterval(() => this.draw(), 500);
  }
  update(view) { this.view = view; this.draw(); }
  draw() {
    const v = this.view;
    if (!v) return;
    let ms = null;
    let note = '';
    if (v.suspended) { ms = v.remainingMs; note = t('timer.suspended'); }
    else if (v.paused) { ms = v.remainingMs; note = t('timer.paused'); }
    else if (v.deadline) ms = Math.max(0, new Date(v.deadline).getTime() - Date.now());
    if (ms === null || v.phase === 'lobby' || v.phase === 'debrief') { fill(this.el); this.el.hidden = true; return; }
    this.el.hidden = false;
    const s = Math.ceil(ms / 1000);
    const text = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
    fill(this.el, h('span', { class: 'visually-hidden' }, t('timer.left')), h('span', { class: 'time' }, text), note ? h('span', { class: 'timer-note' }, ` ${note}`) : null);
  }
}

// connBanner shows the connection state; "reconnecting…" is visible and announced.
// connBanner shows the connection's state; withDraft: the page keeps a draft the
// student is writing, and says so while it reconnects.
export function connBanner({ withDraft = false } = {}) {
  const el = h('div', { class: 'conn', role: 'status', 'aria-live': 'polite' });
  return {
    el,
    set(state, detail) {
      el.dataset.state = state;
      if (state === 'online') fill(el, h('span', { class: 'dot', 'aria-hidden': 'true' }), t('conn.online'));
      else if (state === 'closed') fill(el, t(`conn.closed.${(detail && detail.kind) || 'closed'}`));
      else if (state === 'connecting') fill(el, t('conn.connecting'));
      else fill(el, t(withDraft ? 'conn.reconnectingDraft' : 'conn.reconnecting'));
    },
  };
}

// yearPhase is the headline: "1930 · Debate".
export function yearPhase(v) {
  if (!v) return '';
  if (v.phase === 'lobby') return t('phase.lobby');
  if (v.phase === 'debrief') return t(v.ended ? 'phase.ended' : 'phase.debrief');
  if (v.derole) return t('exit.deroleTitle');
  return `${v.year} · ${phaseName(v.phase)}`;
}

export function errorText(e) {
  if (!e) return '';
  return e.message || String(e);
}

// toast shows a short message at the bottom of the screen and reads it out.
export function toast(text, kind) {
  let box = document.getElementById('toasts');
  if (!box) { box = h('div', { id: 'toasts', role: 'status', 'aria-live': 'assertive' }); document.body.appendChild(box); }
  const item = h('div', { class: `toast ${kind || ''}` }, text);
  box.appendChild(item);
  setTimeout(() => item.remove(), 6000);
}

// optionLabel finds an option's label in the current year's decisions.
export function optionLabel(view, decisionId, optionId, scenario) {
  const decisions = (view && view.current && view.current.decisions) || [];
  let d = decisions.find((x) => x.id === decisionId);
  if (!d && scenario) for (const y of scenario.years) { d = y.decisions.find((x) => x.id === decisionId); if (d) break; }
  const o = d && d.options.find((x) => x.id === optionId);
  return { decision: d ? d.title : decisionId, option: o ? o.label : optionId };
}

// richText turns briefing text with glossary marks ([[id]] or [[id|shown words]]) into
// text nodes and links to the glossary entries. Nothing in it is read as HTML.
export function richText(text, glossary) {
  const out = [];
  const re = /\[\[([a-z0-9-]+)(?:\|([^\]]+))?\]\]/g;
  let last = 0;
  let m;
  while ((m = re.exec(text || '')) !== null) {
    if (m.index > last) out.push(text.slice(last, m.index));
    const term = glossary && glossary.find((g) => g.id === m[1]);
    const shown = m[2] || (term ? term.term : m[1]);
    out.push(term ? h('a', { href: `#gl-${m[1]}`, class: 'term', title: term.definition }, shown) : shown);
    last = re.lastIndex;
  }
  if (last < (text || '').length) out.push(text.slice(last));
  return out;
}

// contentNoteText is the content note from the shared catalogue, or the client's own.
export function contentNoteParts() {
  if (has('contentNote.title') && has('contentNote.body')) return { title: t('contentNote.title'), body: [t('contentNote.body')] };
  return { title: t('care.title'), body: [t('care.text1'), t('care.text2')] };
}

// joinLink is the room's join link as the server set it (the room's settings keep the
// base address: --public-url, or this machine's LAN address when the teacher's page is
// on localhost): the text, the host to read out and the QR code's address. Every screen
// takes it from here, never from the browser's own address. Rooms made before the room
// kept one get the server's default QR and no text.
export function joinLink(v, code) {
  const base = (v && v.settings && v.settings.joinUrl) || '';
  const q = base ? `?base=${encodeURIComponent(base)}` : '';
  return {
    base,
    url: base ? `${base}/join/${code}` : '',
    host: base.replace(/^https?:\/\//, ''),
    qr: `/api/rooms/${encodeURIComponent(code)}/qr.png${q}`,
    fragmentQr: `/api/rooms/${encodeURIComponent(code)}/qr${q}`,
    // A loopback address no phone can open: the console says so.
    loopback: /^https?:\/\/(localhost|127\.[0-9.]+|\[::1\])(:|$)/i.test(base),
  };
}
