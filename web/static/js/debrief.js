// debrief.js draws the end of the game: the class's path beside history's, the largest
// divergences, the human cost as ranges by region (never a score), the model's
// assumptions and how far to trust them, the historians' debate, and scores when the
// room reports them.
import { h } from './dom.js';
import { t } from './i18n.js';
import { chart, classPath } from './charts.js';
import { regionName } from './ui.js';

const YEARS = [1928, 1929, 1930, 1931, 1932, 1933, 1934];
const NAMED = { ukraine: 'famine.holodomor', kazakhstan: 'famine.asharshylyk' };

// divergences lists the largest gaps between the class's figures and history's display
// value, relative to history's band width, biggest first.
export function divergences(results, bands, n = 3) {
  const out = [];
  for (const r of results || []) {
    if (!r.outcome || r.stepped) continue;
    for (const b of bands || []) {
      if (b.year !== r.year || b.display === undefined || b.display === null || b.quantity.startsWith('famine')) continue;
      const v = r.outcome[b.quantity];
      if (typeof v !== 'number') continue;
      const width = Math.max(b.high - b.low, Math.abs(b.display) * 0.05, 1e-9);
      const outside = v < b.low ? b.low - v : v > b.high ? v - b.high : 0;
      if (outside > 0) out.push({ year: r.year, quantity: b.quantity, value: v, band: b, score: outside / width });
    }
  }
  return out.sort((a, b) => b.score - a.score).slice(0, n);
}

export function famineRanges(outcome, bands, year) {
  const band = (bands || []).find((b) => b.quantity === 'famineDeathsM' && b.year === year);
  const spread = band && band.display ? Math.min(0.6, (band.high - band.low) / 2 / band.display) : 0.3;
  const by = outcome.famineDeathsByRegionM || {};
  return Object.keys(by).filter((r) => by[r] >= 0.005).map((r) => ({ region: r, low: by[r] * (1 - spread), high: by[r] * (1 + spread) }));
}

const m = (x) => (x >= 1 ? x.toFixed(1) : x.toFixed(2));

export function debrief(v, { scenario, bands, staff, graphic, charts }) {
  const results = v.results || [];
  const div = divergences(results, bands);
  const famine = [];
  for (const r of results) {
    if (!r.outcome) continue;
    for (const f of famineRanges(r.outcome, bands, r.year)) famine.push({ year: r.year, ...f });
  }
  return h('section', { class: 'card debrief', 'aria-labelledby': 'deb-h' },
    h('h2', { id: 'deb-h' }, t('debrief.title')),
    h('p', null, t('debrief.intro')),
    h('h3', null, t('debrief.path')),
    h('div', { class: 'charts' }, charts.map((q) => chart(q, { years: YEARS, series: [{ name: t('chart.class'), values: classPath(results, q) }], bands }))),
    h('h3', null, t('debrief.divergences')),
    div.length ? h('ul', null, div.map((d) => h('li', null, t('debrief.divergence', { year: d.year, quantity: t(`q.${d.quantity}`), value: m(d.value), low: m(d.band.low), high: m(d.band.high), unit: t(`unit.${d.quantity}`) }), h('div', { class: 'hint' }, d.band.source)))) : h('p', null, t('debrief.noDivergence')),
    h('h3', null, t('debrief.cost')),
    h('p', null, t('debrief.costIntro')),
    famine.length ? h('ul', null, famine.map((f) => h('li', null, t('debrief.costLine', { year: f.year, region: regionName(f.region), low: m(f.low), high: m(f.high) }), NAMED[f.region] ? ` — ${t(NAMED[f.region])}` : ''))) : h('p', null, t('debrief.costNone')),
    h('aside', { class: 'composite' }, h('h4', null, t('debrief.compositeTitle')), h('p', null, t('debrief.composite')), graphic ? h('p', null, t('debrief.compositeMore')) : null, h('p', { class: 'hint' }, t('debrief.testimony'))),
    h('h3', null, t('debrief.assumptions')),
    scenario ? h('ul', null, scenario.assumptions.map((a) => h('li', null, a.text, h('div', { class: 'hint' }, a.trust)))) : null,
    h('h3', null, t('debrief.debate')),
    h('p', null, t('debrief.debate1')),
    h('p', null, t('debrief.debate2')),
    v.scores ? h('div', null, h('h3', null, t('debrief.scores')), h('ul', null, v.scores.map((s) => h('li', null, `${s.nickname || s.playerId}: ${s.total}`)))) : null,
    h('h3', null, t('debrief.reflect')),
    h('ul', null, [1, 2, 3].map((i) => h('li', null, t(`debrief.reflect${i}`)))),
    staff ? h('p', { class: 'hint' }, t('debrief.staffNote')) : null);
}
