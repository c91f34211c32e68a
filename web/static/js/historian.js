// historian.js draws the Historian's work wherever an argument or a year's result is
// shown — requests for evidence, evidence cards attached to arguments, notes on a year's
// outcome — and, on a Historian's own screen, the controls to add them. The Historian
// neither votes nor acts; nothing here is scored.
import { h, fill, uid } from './dom.js';
import { t } from './i18n.js';

// ctx: nick(playerId) → nickname; card(cardId) → {title, text} or undefined; meId; and,
// when the viewer is a Historian who may work on the argument now, send(type, data, ok).

// marks lists the flags and cards on an argument, or null when there are none.
export function marks(a, ctx) {
  const flags = a.historianFlags || [];
  const cards = a.historianCards || [];
  if (!flags.length && !cards.length) return null;
  const mine = (x) => ctx.meId && x.playerId === ctx.meId;
  return h('div', { class: 'historian-marks' },
    flags.length ? h('ul', { class: 'historian-flags', 'aria-label': t('hist.flagsLabel') }, flags.map((f) => h('li', { class: `historian-flag ${f.held ? 'held' : ''}` },
      h('strong', null, t('hist.flagBy', { name: ctx.nick(f.playerId) })),
      f.note ? [' ', h('span', { class: 'flag-note' }, f.note)] : null,
      f.held ? h('span', { class: 'hint' }, ` (${t('hist.heldNote')})`) : null,
      mine(f) && ctx.send ? [' ', h('button', { type: 'button', class: 'quiet', 'data-k': `fw-${a.id}`, onclick: () => ctx.send('flagClaim', { argumentId: a.id, withdraw: true }, t('hist.flagWithdrawn')) }, t('hist.withdrawFlag'))] : null))) : null,
    cards.length ? h('ul', { class: 'historian-cards', 'aria-label': t('hist.cardsLabel') }, cards.map((c) => {
      const card = ctx.card(c.cardId);
      const title = c.title || (card && card.title) || c.cardId;
      return h('li', { class: 'historian-card' },
        h('strong', null, t('hist.cardBy', { name: ctx.nick(c.playerId) })), ' ', h('span', { class: 'card-title' }, title),
        card && card.text ? h('details', null, h('summary', null, t('hist.readCard')), h('p', null, cardText(card, ctx)), card.provenance ? h('p', { class: 'hint' }, card.provenance) : null) : null,
        mine(c) && ctx.send ? [' ', h('button', { type: 'button', class: 'quiet', 'data-k': `cw-${a.id}-${c.cardId}`, onclick: () => ctx.send('attachCard', { argumentId: a.id, cardId: c.cardId, withdraw: true }, t('hist.cardWithdrawn')) }, t('hist.withdrawCard'))] : null);
    })) : null);
}

// cardText is the card's text with glossary marks shown as their words, and the
// non-graphic alternative when the room hides graphic material.
function cardText(card, ctx) {
  const text = card.graphic && ctx.hideGraphic && card.alt ? card.alt : card.text;
  return text.replace(/\[\[[a-z0-9-]+\|([^\]]+)\]\]/g, '$1').replace(/\[\[([a-z0-9-]+)\]\]/g, '$1');
}

// annotations lists the historians' notes on one year's result, or null.
export function annotations(r, ctx) {
  const notes = (r && r.annotations) || [];
  if (!notes.length) return null;
  return h('div', { class: 'annotations' }, h('h4', null, t('hist.annotationsTitle', { year: r.year })),
    h('ul', { class: 'plain' }, notes.map((n) => h('li', { class: `annotation ${n.held ? 'held' : ''}` },
      h('strong', null, t('hist.annotationBy', { name: ctx.nick(n.playerId) })), ' ', h('span', { class: 'annotation-text' }, n.text),
      n.held ? h('span', { class: 'hint' }, ` (${t('hist.heldNote')})`) : null))));
}

// Tools keeps a Historian's open forms and what is typed in them across redraws: the
// page redraws on every event, and a note half written must survive it.
export class Tools {
  constructor(send) {
    this.send = send;
    this.forms = new Map(); // argument id → {note, cardSel, open}
    this.annotation = null;
  }

  form(id) {
    if (!this.forms.has(id)) {
      this.forms.set(id, {
        open: '',
        note: h('textarea', { rows: 2, maxlength: 300, id: uid('flag-note'), 'data-k': `fn-${id}`, class: 'flag-note-input' }),
        cardSel: h('select', { id: uid('card-sel'), 'data-k': `cs-${id}`, class: 'card-select' }),
      });
    }
    return this.forms.get(id);
  }

  // controls are "Ask for evidence" and "Attach a card" on someone else's argument. cards
  // are the year's cards first (from the Historian's briefing), then the library.
  controls(a, { mine, yearCards, library, redraw }) {
    const f = this.form(a.id);
    const flagged = (a.historianFlags || []).some((x) => x.playerId === mine);
    const attached = new Set((a.historianCards || []).map((c) => c.cardId));
    if (a.evidence) attached.add(a.evidence);
    const toggle = (which) => { f.open = f.open === which ? '' : which; redraw(); };
    const flagPanelId = `fp-${a.id}`;
    const cardPanelId = `cp-${a.id}`;
    const keepCard = f.cardSel.value;
    const usable = (list) => list.filter((c) => !attached.has(c.id));
    const yearIds = new Set(yearCards.map((c) => c.id));
    fill(f.cardSel, h('option', { value: '' }, t('hist.chooseCard')),
      usable(yearCards).length ? h('optgroup', { label: t('hist.yearCards') }, usable(yearCards).map((c) => h('option', { value: c.id }, c.title))) : null,
      h('optgroup', { label: t('hist.libraryCards') }, usable(library.filter((c) => !yearIds.has(c.id))).map((c) => h('option', { value: c.id }, c.title))));
    f.cardSel.value = keepCard;
    return h('div', { class: 'historian-tools' },
      h('div', { class: 'buttons' },
        flagged ? null : h('button', { type: 'button', 'data-k': `hf-${a.id}`, 'aria-expanded': f.open === 'flag' ? 'true' : 'false', 'aria-controls': flagPanelId, onclick: () => toggle('flag') }, t('hist.askEvidence')),
        h('button', { type: 'button', 'data-k': `hc-${a.id}`, 'aria-expanded': f.open === 'card' ? 'true' : 'false', 'aria-controls': cardPanelId, onclick: () => toggle('card') }, t('hist.attachCard'))),
      f.open === 'flag' && !flagged ? h('form', { class: 'historian-form', id: flagPanelId, onsubmit: async (e) => {
        e.preventDefault();
        if (await this.send('flagClaim', { argumentId: a.id, note: f.note.value.trim() }, t('hist.flagSent'))) { f.note.value = ''; f.open = ''; redraw(); }
      } }, h('label', { for: f.note.id }, t('hist.noteLabel', { name: a.nickname })), f.note, h('p', { class: 'hint' }, t('hist.noteHint')),
      h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary', 'data-k': `hfs-${a.id}` }, t('hist.sendFlag')), h('button', { type: 'button', class: 'quiet', onclick: () => toggle('flag') }, t('hist.cancel')))) : null,
      f.open === 'card' ? h('form', { class: 'historian-form', id: cardPanelId, onsubmit: async (e) => {
        e.preventDefault();
        if (!f.cardSel.value) return;
        if (await this.send('attachCard', { argumentId: a.id, cardId: f.cardSel.value }, t('hist.cardSent'))) { f.cardSel.value = ''; f.open = ''; redraw(); }
      } }, h('label', { for: f.cardSel.id }, t('hist.cardLabel', { name: a.nickname })), f.cardSel,
      h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary', 'data-k': `hcs-${a.id}` }, t('hist.sendCard')), h('button', { type: 'button', class: 'quiet', onclick: () => toggle('card') }, t('hist.cancel')))) : null);
  }

  // annotate is the form for the Historian's note on a resolved year; re-sending
  // replaces the note.
  annotate(r, mine) {
    const own = (r.annotations || []).find((n) => n.playerId === mine);
    if (!this.annotation || this.annotation.year !== r.year) {
      const box = h('textarea', { id: `annotate-${r.year}`, rows: 3, maxlength: 600, 'data-k': `an-${r.year}` });
      box.value = own ? own.text : '';
      this.annotation = { year: r.year, box };
    }
    const { box } = this.annotation;
    return h('form', { class: 'historian-form annotate', onsubmit: async (e) => {
      e.preventDefault();
      if (!box.value.trim()) return;
      await this.send('annotate', { year: r.year, text: box.value.trim() }, t('hist.annotated'));
    } }, h('label', { for: box.id }, t('hist.annotateLabel', { year: r.year })), box, h('p', { class: 'hint' }, t('hist.annotateHint')),
    h('button', { type: 'submit', class: 'primary', 'data-k': `ans-${r.year}` }, own ? t('hist.annotateAgain') : t('hist.annotate')));
  }
}
