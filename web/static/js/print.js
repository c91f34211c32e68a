// print.js lays out the printable pack for a room: teacher notes, role cards, evidence
// cards, vote slips and rejoin slips, on A4 or Letter, from the print stylesheet. Each
// kind starts on a new page; cards are sized to cut out.
import { h, fill } from './dom.js';
import { t } from './i18n.js';
import { provBadge } from './badge.js';
import { api, cached, request } from './api.js';
import { store, roleName, regionName, normCode, errorText, richText, joinLink } from './ui.js';
import { contentNote } from './teacher.js';

const ROLES = ['official', 'peasant', 'kulak', 'bukharinite', 'historian'];

export async function render(main, [codeArg]) {
  const code = normCode(codeArg);
  const rec = store.get(`debate.teacher.${code}`) || {};
  // The evidence cards come from the room when this browser holds its key, so the pack
  // follows the teacher's setting for graphic material; otherwise the public library,
  // which always has the gentler text.
  const [scenario, view, content, roomCards] = await Promise.all([cached('scenario'), rec.teacherKey ? api.view(code, rec.teacherKey).catch(() => null) : Promise.resolve(null), cached('roles'),
    rec.teacherKey ? request('GET', `/api/rooms/${encodeURIComponent(code)}/cards`, { secret: rec.teacherKey }).catch(() => null) : Promise.resolve(null)]);
  const cards = (roomCards && roomCards.cards) || content.cards || [];
  const glossary = content.glossary || [];
  const profile = (role) => (content.roles.find((r) => r.id === role) || {}).profile;
  const played = (view && view.settings && view.settings.playedYears) || scenario.years.map((y) => y.year);
  const timers = (view && view.lessonPlan && view.lessonPlan.timers) || (view && view.settings && view.settings.timers) || {};
  const players = ((view && view.players) || []).filter((p) => p.status !== 'removed');
  const link = joinLink(view, code);
  const joinUrl = link.url || rec.joinUrl || '';

  // The paper size comes from a stylesheet file: the page's security policy allows no
  // inline styles. Both sizes' sheets are loaded with the page and the choice switches
  // which one applies to print, at once: loading a sheet only on the change left the old
  // size in force until it arrived, so a Print pressed just after could print the old size.
  const sizeSheets = Object.fromEntries(['A4', 'letter'].map((s) => [s, document.querySelector(`link[data-paper="${s}"]`)
    || document.head.appendChild(h('link', { rel: 'stylesheet', 'data-paper': s, href: `/static/css/paper-${s}.css`, media: 'not all' }))]));
  const setSize = (s) => {
    const size = s === 'letter' ? 'letter' : 'A4';
    for (const [k, link] of Object.entries(sizeSheets)) link.setAttribute('media', k === size ? 'print' : 'not all');
    document.documentElement.dataset.paper = size; store.set('debate.paper', size);
  };
  const paper = store.get('debate.paper') || 'A4';
  const sizeSel = h('select', { id: 'paper', onchange: (e) => setSize(e.target.value) }, ['A4', 'letter'].map((s) => h('option', { value: s, selected: s === paper }, t(`print.paper.${s}`))));
  setSize(paper);

  const qrs = {};
  // Rejoin codes are shown once when issued (a new one revokes the old): the teacher
  // issues them for the whole class from this page, just before printing.
  const issue = new URLSearchParams(location.search).get('rejoin') === '1';
  let rejoin = null;
  if (issue && rec.teacherKey) {
    rejoin = {};
    for (const p of ((view && view.players) || []).filter((x) => x.status === 'active')) {
      try {
        const r = await request('POST', `/api/rooms/${encodeURIComponent(code)}/players/${encodeURIComponent(p.id)}/rejoin-code`, { secret: rec.teacherKey });
        rejoin[p.id] = r.code;
      } catch { /* printed without a code */ }
    }
    history.replaceState(null, '', location.pathname); // a reload must not revoke these codes
  }
  if (rejoin && rec.teacherKey) {
    await Promise.all(Object.entries(rejoin).map(async ([pid, secret]) => {
      try {
        const r = await request('POST', link.fragmentQr, { body: { fragment: `rejoin=${secret}` }, secret: rec.teacherKey, raw: true });
        qrs[pid] = URL.createObjectURL(await r.blob());
      } catch { /* printed without the QR code */ }
    }));
  }

  const yearsPlayed = scenario.years.filter((y) => played.includes(y.year));
  fill(main,
    h('div', { class: 'no-print card' }, h('h1', null, t('print.title', { code })), h('p', null, t('print.text')),
      h('div', { class: 'field' }, h('label', { for: 'paper' }, t('print.paper')), sizeSel),
      h('p', null, h('a', { href: '/materials', target: '_blank', rel: 'noopener', 'data-k': 'materials' }, t('print.materials'))),
      h('button', { type: 'button', class: 'primary', onclick: () => window.print() }, t('print.print')),
      rec.teacherKey && !issue ? h('p', null, h('a', { class: 'button', href: '?rejoin=1' }, t('print.issueRejoin')), ' ', h('span', { class: 'hint' }, t('print.issueRejoinHint'))) : null,
      view ? null : h('p', { class: 'hint' }, t('print.noRoom'))),
    h('section', { class: 'sheet notes', 'aria-labelledby': 'pn-h' },
      h('h2', { id: 'pn-h' }, t('print.notes', { code })),
      h('div', { class: 'notes-head' },
        h('div', null, h('p', { class: 'join-code' }, code), h('p', null, joinUrl),
          h('dl', { class: 'figures' },
            h('dt', null, t('print.years')), h('dd', null, played.join(', ')),
            ['briefing', 'debate', 'vote', 'resolution'].map((p) => [h('dt', null, t(`phase.${p}`)), h('dd', null, timers[p] ? t('print.seconds', { n: timers[p] }) : '–')]))),
        h('img', { class: 'qr', src: link.qr, alt: t('teacher.qrAlt', { url: joinUrl || code }), width: 160, height: 160 })),
      h('h3', null, t('print.runSheet')),
      h('ol', null, [1, 2, 3, 4, 5, 6].map((i) => h('li', null, t(`print.run${i}`)))),
      contentNote()),
    h('section', { class: 'sheet', 'aria-labelledby': 'prc-h' }, h('h2', { id: 'prc-h' }, t('print.roleCards')),
      h('div', { class: 'cut-grid' }, (players.length ? players : ROLES.map((r) => ({ role: r }))).map((p) => h('article', { class: 'cut role-card' },
        h('h3', null, roleName(p.role)),
        p.nickname ? h('p', null, h('strong', { class: 'nick' }, p.nickname), ` · ${regionName(p.region)}`) : null,
        profile(p.role) ? [h('p', { class: 'summary' }, richText(profile(p.role).summary, glossary)),
          h('ul', null, profile(p.role).goals.map((g) => h('li', null, richText(g.text, glossary), ' ', h('em', null, richText(g.scoring, glossary)))))]
          : h('p', { class: 'summary' }, t(`role.${p.role}.summary`)))))),
    h('section', { class: 'sheet', 'aria-labelledby': 'pe-h' }, h('h2', { id: 'pe-h' }, t('print.evidence')),
      h('div', { class: 'cut-grid' }, cards.map((e) => h('article', { class: 'cut evidence-card' },
        provBadge(e, 'p'), h('h3', null, e.title), h('p', null, richText(e.text, glossary)), h('p', { class: 'hint' }, e.provenance))))),
    h('section', { class: 'sheet', 'aria-labelledby': 'pv-h' }, h('h2', { id: 'pv-h' }, t('print.slips')),
      h('div', { class: 'cut-grid' }, yearsPlayed.flatMap((y) => y.decisions.map((d) => h('article', { class: 'cut slip' },
        h('h3', null, `${y.year}: ${d.title}`), h('p', { class: 'hint' }, d.question),
        h('ul', { class: 'boxes' }, d.options.map((o) => h('li', null, '☐ ', o.label)), h('li', null, '☐ ', t('vote.abstain'))),
        h('p', null, `${t('print.nameLine')} ____________________`)))))),
    h('section', { class: 'sheet', 'aria-labelledby': 'pj-h' }, h('h2', { id: 'pj-h' }, t('print.rejoin')),
      players.length ? h('div', { class: 'cut-grid' }, players.map((p) => h('article', { class: 'cut rejoin' },
        h('h3', { class: 'nick' }, p.nickname),
        h('p', null, t(rejoin && rejoin[p.id] ? 'print.rejoinText' : 'print.rejoinTextNoCode', { url: joinUrl })),
        // Without a code issued the slip still carries a QR code: the room's join link,
        // where the teacher gives a new code.
        rejoin && rejoin[p.id] ? [h('p', { class: 'join-code' }, rejoin[p.id]), qrs[p.id] ? h('img', { class: 'qr', src: qrs[p.id], alt: t('print.rejoinQr', { name: p.nickname }), width: 120, height: 120 }) : null]
          : [h('p', { class: 'hint' }, t('print.noRejoin')), h('img', { class: 'qr', src: link.qr, alt: t('teacher.qrAlt', { url: joinUrl || code }), width: 120, height: 120 })]))) : h('p', { class: 'hint' }, t('print.noPlayers'))));
}

export { errorText };
