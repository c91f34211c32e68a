// preview.js lets a teacher read everything before a lesson: every role card, every
// year's briefing, evidence cards, directives, decisions and actions, the shock events,
// and a what-if panel that runs the economy model on choices the teacher picks, beside
// history's path.
import { h, fill, field } from './dom.js';
import { t } from './i18n.js';
import { provBadge } from './badge.js';
import { api, cached, request } from './api.js';
import { roleName, regionName, errorText, richText } from './ui.js';
import { chart, outcomesPath, LIVE, fmt } from './charts.js';
import { contentNote } from './teacher.js';

const ROLES = ['official', 'peasant', 'kulak', 'bukharinite', 'historian'];

export async function render(main) {
  const [scenario, ref, roles] = await Promise.all([cached('scenario'), cached('reference'), cached('roles')]);
  const bands = ref.bands;
  const years = scenario.years.map((y) => y.year);
  const actionsById = {};
  for (const y of scenario.years) for (const a of y.actions) actionsById[a.id] = a;

  const glossary = roles.glossary || [];
  const briefingsBox = h('div', { 'aria-live': 'polite' });
  const briefingRole = h('select', { id: 'brief-role' }, ROLES.map((r) => h('option', { value: r }, roleName(r))));
  const briefingRegion = h('select', { id: 'brief-region' }, scenario.regions.map((r) => h('option', { value: r.id }, regionName(r.id))));
  async function showBriefings() {
    try {
      const res = await request('GET', `/api/content/briefings/${encodeURIComponent(briefingRole.value)}?region=${encodeURIComponent(briefingRegion.value)}`);
      fill(briefingsBox, res.briefings.map((b) => h('details', { class: 'brief' }, h('summary', null, t('preview.briefingYear', { year: b.year, words: b.words })),
        h('p', { class: 'plain-summary' }, h('strong', null, t('card.inShort')), ' ', richText(b.summary, glossary)),
        b.paragraphs.map((p) => h('p', null, richText(p.text, glossary))),
        b.cards.length ? h('ul', { class: 'evidence' }, b.cards.map((c) => h('li', null, provBadge(c), ' ', h('strong', null, c.title), h('div', null, richText(c.text, glossary)), h('div', { class: 'hint' }, c.provenance)))) : null)));
    } catch (e) { fill(briefingsBox, h('p', { class: 'error' }, errorText(e))); }
  }
  briefingRole.addEventListener('change', showBriefings);
  briefingRegion.addEventListener('change', showBriefings);
  showBriefings();

  const roleCards = h('section', { class: 'card', 'aria-labelledby': 'pr-roles' }, h('h2', { id: 'pr-roles' }, t('preview.roles')),
    h('div', { class: 'cards' }, ROLES.map((r) => {
      const info = roles.roles.find((x) => x.id === r) || { actions: [] };
      const p = info.profile;
      return h('article', { class: 'role-card mini', 'aria-labelledby': `rc-${r}` },
        h('h3', { id: `rc-${r}` }, roleName(r)),
        p ? h('p', { class: 'who' }, richText(p.who, glossary)) : null,
        h('p', { class: 'summary' }, p ? richText(p.summary, glossary) : t(`role.${r}.summary`)),
        h('h4', null, t('card.goals')),
        p ? h('ul', null, p.goals.map((g) => h('li', null, richText(g.text, glossary), h('div', { class: 'hint' }, t('card.howScored'), ' ', richText(g.scoring, glossary))))) : h('p', null, t(`role.${r}.goals`)),
        info.actions.length ? h('details', null, h('summary', null, t('preview.actionsAll', { n: info.actions.length })), h('ul', null, info.actions.map((id) => h('li', null, (actionsById[id] || {}).title || id)))) : h('p', { class: 'hint' }, t('preview.noActions')));
    })),
    h('h3', null, t('preview.briefings')),
    h('div', { class: 'grid2' }, h('div', { class: 'field' }, h('label', { for: 'brief-role' }, t('preview.role')), briefingRole), h('div', { class: 'field' }, h('label', { for: 'brief-region' }, t('preview.region')), briefingRegion)),
    briefingsBox,
    glossary.length ? h('details', { class: 'glossary' }, h('summary', null, t('card.glossary')), h('dl', null, glossary.map((g) => [h('dt', { id: `gl-${g.id}` }, g.term), h('dd', null, g.definition)]))) : null);

  const yearNav = h('nav', { class: 'jump', 'aria-label': t('preview.years') }, years.map((y) => h('a', { href: `#y-${y}` }, String(y))));
  const yearCards = scenario.years.map((y) => h('section', { class: 'card year', id: `y-${y.year}`, 'aria-labelledby': `yh-${y.year}` },
    h('h2', { id: `yh-${y.year}` }, `${y.year}: ${y.title}`),
    h('p', null, y.summary),
    y.directives.length ? [h('h3', null, t('year.directives')), h('ul', null, y.directives.map((d) => h('li', null, h('strong', null, `${d.title} (${d.date})`), h('div', null, d.summary), h('div', { class: 'hint' }, t('card.source', { source: d.source })))))] : null,
    h('h3', null, t('preview.decisions')),
    y.decisions.map((d) => h('div', { class: 'decision-preview' }, h('h4', null, d.title), h('p', { class: 'hint' }, d.question),
      h('ol', null, d.options.map((o) => h('li', null, h('strong', null, o.label), o.id === d.historical ? ` (${t('preview.historical')})` : '', h('div', null, o.summary)))))),
    h('h3', null, t('preview.evidence')),
    (y.evidence || []).length ? h('ul', { class: 'evidence' }, y.evidence.map((e) => h('li', null, h('span', { class: 'prov prov-record' }, t('prov.record')), ' ', h('strong', null, e.date), ' ', e.text, h('div', { class: 'hint' }, t('card.source', { source: e.source }))))) : h('p', { class: 'hint' }, t('preview.noEvidence')),
    h('details', null, h('summary', null, t('preview.actions', { n: y.actions.length })),
      ROLES.filter((r) => r !== 'historian').map((r) => { const list = y.actions.filter((a) => a.faction === r); return list.length ? h('div', null, h('h4', null, roleName(r)), h('ul', null, list.map((a) => h('li', null, h('strong', null, a.title), ` — ${a.summary}`)))) : null; })),
    y.events.length ? h('details', null, h('summary', null, t('preview.shocks', { n: y.events.length })), h('ul', null, y.events.map((e) => h('li', null, h('strong', null, e.title), ` — ${e.summary}`)))) : null,
    Object.keys(y.weather || {}).length ? h('p', { class: 'hint' }, t('preview.weather'), ' ', Object.entries(y.weather).map(([r, n]) => `${regionName(r)}: ${n}`).join(' ')) : null));

  // What-if: one select per decision, every year, history's option preselected. In the
  // counterfactual mode (as a room in that mode would play) each of Moscow's directives
  // can be switched off too; the model then adds the weather's variation, seed 0.
  const selects = [];
  const switches = [];
  const modeSel = h('select', { id: 'whatif-mode', 'data-k': 'whatif-mode', onchange: () => { for (const c of switches) c.closest('.field').hidden = modeSel.value !== 'counterfactual'; } },
    ['historical', 'counterfactual'].map((m) => h('option', { value: m }, t(`whatif.mode.${m}`))));
  const weatherSel = h('select', { id: 'whatif-weather', 'data-k': 'whatif-weather' },
    ['history', 'ordinary'].map((w) => h('option', { value: w }, t(`whatif.weather.${w}`))));
  const whatIfForm = h('form', { class: 'whatif-form', onsubmit: (e) => { e.preventDefault(); run(); } },
    field(t('whatif.mode'), modeSel, t('whatif.modeHint')),
    field(t('whatif.weather'), weatherSel, t('whatif.weatherHint')),
    scenario.years.map((y) => h('fieldset', null, h('legend', null, String(y.year)),
      y.decisions.map((d) => {
        const sel = h('select', { 'data-year': y.year, 'data-decision': d.id }, d.options.map((o) => h('option', { value: o.id, selected: o.id === d.historical }, o.label + (o.id === d.historical ? ` (${t('preview.historical')})` : ''))));
        selects.push(sel);
        return field(d.title, sel);
      }),
      y.directives.map((d) => {
        const id = `wi-dir-${d.id}`;
        const box = h('input', { type: 'checkbox', id, checked: true, 'data-year': y.year, 'data-directive': d.id });
        switches.push(box);
        return h('div', { class: 'field check', hidden: true }, box, h('label', { for: id }, t('whatif.directive', { title: d.title })));
      }))),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, t('whatif.run')),
      h('button', { type: 'button', onclick: () => { for (const s of selects) { const y = scenario.years.find((x) => x.year === Number(s.dataset.year)); s.value = y.decisions.find((d) => d.id === s.dataset.decision).historical; } for (const c of switches) c.checked = true; run(); } }, t('whatif.reset'))));
  const whatIfOut = h('div', { class: 'whatif-out', 'aria-live': 'polite' });
  async function run() {
    const decisions = {};
    for (const s of selects) { (decisions[s.dataset.year] = decisions[s.dataset.year] || {})[s.dataset.decision] = s.value; }
    const mode = modeSel.value;
    const directives = {};
    if (mode === 'counterfactual') for (const c of switches) (directives[c.dataset.year] = directives[c.dataset.year] || {})[c.dataset.directive] = c.checked;
    try {
      const r = await api.simulate({ mode, weather: weatherSel.value, decisions, directives });
      const rows = ['grainHarvestMt', 'procurementMt', 'cattleM', 'collectivisedPct', 'industryIndex', 'ruralFoodPerHeadKg'];
      fill(whatIfOut,
        h('div', { class: 'charts' }, LIVE.map((q) => chart(q, { years, series: [{ name: t('whatif.yours'), values: outcomesPath(r.outcomes, q) }, { name: t('whatif.model'), values: outcomesPath(r.history, q) }], bands }))),
        h('div', { class: 'table-wrap' }, h('table', { class: 'numbers' }, h('caption', null, t('whatif.table')),
          h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('chart.year')), rows.map((q) => h('th', { scope: 'col' }, `${t(`q.${q}`)} (${t(`unit.${q}`)})`)))),
          h('tbody', null, r.outcomes.map((o, i) => h('tr', null, h('th', { scope: 'row' }, String(o.year)), rows.map((q) => h('td', null, `${fmt(o[q])} / ${fmt(r.history[i][q])}`))))))),
        h('p', { class: 'hint' }, t('whatif.note')),
        h('h3', null, t('debrief.assumptions')),
        h('ul', null, scenario.assumptions.map((a) => h('li', null, a.text, h('div', { class: 'hint' }, a.trust)))));
    } catch (e) {
      fill(whatIfOut, h('p', { class: 'error', role: 'alert' }, errorText(e)));
    }
  }

  fill(main,
    h('h1', null, t('preview.title')),
    h('p', { class: 'lede' }, scenario.title),
    contentNote(),
    roleCards,
    yearNav,
    yearCards,
    h('section', { class: 'card', id: 'whatif', 'aria-labelledby': 'wi-h' }, h('h2', { id: 'wi-h' }, t('whatif.title')), h('p', null, t('whatif.text')), whatIfForm, whatIfOut),
    h('section', { class: 'card', 'aria-labelledby': 'vw-h' }, h('h2', { id: 'vw-h' }, t('preview.rules')), h('p', null, scenario.voteWeights), h('p', null, t('preview.tieRule', { rule: scenario.tieRule }))));
  run();
}
