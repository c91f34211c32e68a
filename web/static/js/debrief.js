// debrief.js draws the end of the game from the server's debrief (GET
// /api/rooms/{code}/debrief, already cut to what the viewer may see): the class's path
// beside history's bands, as charts and as a table of every figure, the three largest
// divergences with why, the human cost as ranges by region (never a score), the model's
// assumptions and how far to trust them, the historians' debate, scores by player and by
// faction with their breakdowns, the historians' claims as experiments on the class's own
// path (GET /api/rooms/{code}/experiments, when the caller passes them) and, for the
// teacher, the exit tickets.
import { h } from './dom.js';
import { t, has } from './i18n.js';
import { chart, classPath, legend, fmt, LIVE, figure, rangeText as bandText, withUnit } from './charts.js';
import { roleName } from './ui.js';
import { breakdown, famine, pts, totalText } from './report.js';

const YEARS = [1928, 1929, 1930, 1931, 1932, 1933, 1934];

const num = (x) => (typeof x !== 'number' ? '–' : fmt(x));

// audience: 'teacher', 'player' or 'projector'. d is the server's debrief, or null while
// it loads: the charts then come from the room's own results and the given list, and show
// at once. Once it has come, the charts and the table cover every quantity in its path.
export function debrief(v, d, { bands, audience, charts, meId, error, experiments }) {
  const results = v.results || [];
  const head = [h('h2', { id: 'deb-h' }, t('debrief.title'))];
  if (!d) {
    return h('section', { class: 'card debrief', 'aria-labelledby': 'deb-h', 'aria-busy': error ? null : 'true' }, head,
      h('p', { class: error ? 'error' : 'loading' }, error ? t('debrief.failed', { error }) : t('debrief.loading')),
      charts.length ? [h('h3', null, t('debrief.path')), pathCharts(results, charts.map((q) => ({ quantity: q })), bands, audience)] : null);
  }
  const rows = d.path || [];
  return h('section', { class: 'card debrief', 'aria-labelledby': 'deb-h' }, head,
    h('p', null, d.intro),
    d.complete ? null : h('p', { class: 'hint' }, t('debrief.incomplete', { years: (d.years || []).join(', ') })),
    h('h3', null, t('debrief.path')),
    pathCharts(results, chartQuantities(rows, audience), pathBands(rows, bands), audience),
    pathTable(rows, d.divergences || []),
    divergences(d.divergences || []),
    humanCost(d.famine || []),
    h('h3', null, t('debrief.assumptions')),
    h('p', null, d.assumptionsIntro),
    h('ul', { class: 'assumptions' }, (d.assumptions || []).map((a) => h('li', null, a.text, h('div', { class: 'hint' }, a.trust)))),
    historiansDebate(d.debate || {}),
    experiments ? experimentsPanel(experiments) : null,
    scores(d, audience, meId),
    audience === 'teacher' ? reflections(d.reflections || []) : null,
    h('h3', null, t('debrief.reflect')),
    h('ul', null, [1, 2, 3].map((i) => h('li', null, t(`debrief.reflect${i}`)))),
    audience === 'teacher' ? h('p', { class: 'hint' }, t('debrief.staffNote')) : null);
}

// chartQuantities picks the path's yearly figures for charts, in the path's order (famine
// deaths are ranges and totals, so they are in the table only). The projector shows at
// most four, the live charts' first.
function chartQuantities(rows, audience) {
  const seen = new Map();
  for (const r of rows) if (typeof r.class === 'number' && !r.span && !seen.has(r.quantity)) seen.set(r.quantity, r);
  let list = [...seen.values()];
  if (audience === 'projector') {
    const rank = (q) => (LIVE.includes(q) ? LIVE.indexOf(q) : LIVE.length);
    list = list.map((r, i) => [r, i]).sort((a, b) => rank(a[0].quantity) - rank(b[0].quantity) || a[1] - b[1]).map(([r]) => r).slice(0, 4);
  }
  return list;
}

// pathBands is history's band from the debrief's path, and from the reference data for
// the years the class did not reach, so an early end still shows where history went.
function pathBands(rows, reference) {
  const out = rows.map((r) => ({ quantity: r.quantity, year: r.year, low: r.history.low, high: r.history.high }));
  const have = new Set(out.map((b) => `${b.quantity}|${b.year}`));
  return out.concat((reference || []).filter((b) => !have.has(`${b.quantity}|${b.year}`)));
}

// pathCharts draws the class's line over the years beside history's bands, with one key
// for all of them. rows: [{quantity, label?, unit?}].
function pathCharts(results, rows, bands, audience) {
  if (!rows.length) return null;
  const name = t('chart.class');
  const size = audience === 'projector' ? 'wall' : undefined;
  const drawn = rows.map((r) => chart(r.quantity, { years: YEARS, series: [{ name, values: classPath(results, r.quantity) }], bands },
    { size, legend: false, title: quantityName(r), unit: quantityUnit(r) }));
  return h('div', { class: 'path-charts' }, legend([{ name }], true), h('div', { class: 'charts' }, drawn));
}

const quantityName = (r) => (has(`q.${r.quantity}`) ? t(`q.${r.quantity}`) : r.label || r.quantity);
const quantityUnit = (r) => (has(`unit.${r.quantity}`) ? t(`unit.${r.quantity}`) : r.unit || '');

// pathTable lists every figure of the path, quantity by quantity, year by year: the
// class's figure (a range for famine deaths), history's range and, in words, where the
// class's lies, so nothing rests on reading a chart or telling colours apart.
function pathTable(rows, divs) {
  if (!rows.length) return h('p', { class: 'hint' }, t('debrief.pathNone'));
  const groups = new Map();
  for (const r of rows) {
    if (!groups.has(r.quantity)) groups.set(r.quantity, []);
    groups.get(r.quantity).push(r);
  }
  const band = (b, q) => bandText(q, b.low, b.high);
  // Each quantity is a group of rows under a heading row (scope rowgroup), so the table
  // keeps four narrow columns and reads on a phone.
  return h('div', { class: 'table-wrap' }, h('table', { class: 'path-table numbers' },
    h('caption', null, t('debrief.pathTable')),
    h('thead', null, h('tr', null, ['chart.year', 'chart.class', 'debrief.col.history', 'debrief.col.where'].map((k) => h('th', { scope: 'col' }, t(k))))),
    [...groups.values()].map((list) => h('tbody', { 'data-quantity': list[0].quantity },
      h('tr', { class: 'group' }, h('th', { scope: 'rowgroup', colspan: 4 }, quantityName(list[0]), h('span', { class: 'unit' }, ` (${quantityUnit(list[0])})`))),
      list.map((r) => {
        const dir = where(r, divs);
        return h('tr', { 'data-year': r.year, class: `dir-${dir}` },
          h('th', { scope: 'row' }, r.span ? r.span.join('–') : String(r.year)),
          h('td', null, r.classRange ? r.classRange.text : (typeof r.class === 'number' ? figure(r.quantity, r.class) : '–')),
          h('td', null, band(r.history, r.quantity)),
          h('td', { class: 'where' }, t(`debrief.where.${dir}`)));
      })))));
}

// where says whether the class's figure lies inside history's range, above or below it.
// A famine row carries a range, not the model's figure; the figure is then found again
// from its distance to the band's middle, as the one of the two candidates inside the range.
function where(r, divs) {
  if (r.inside) return 'inside';
  const dv = divs.find((x) => x.quantity === r.quantity && x.year === r.year && x.direction);
  if (dv) return dv.direction;
  const { low, high } = r.history;
  if (typeof r.class === 'number') return r.class > high ? 'above' : 'below';
  const range = r.classRange || { lowM: 0, highM: 0 };
  if (range.lowM > high) return 'above';
  if (range.highM < low) return 'below';
  const mid = (low + high) / 2;
  const width = Math.max(high - low, 0.1 * Math.max(Math.abs(low), Math.abs(high))) || 1e-6;
  const within = (x) => x >= range.lowM - 1e-3 && x <= range.highM + 1e-3;
  const up = within(mid + r.distance * width), down = within(mid - r.distance * width);
  if (up !== down) return up ? 'above' : 'below';
  return (range.lowM + range.highM) / 2 > mid ? 'above' : 'below';
}

// divergenceTitle names a divergence once with its years: a total's label already says
// its span ("Famine deaths in the USSR, 1930–33"), so the span is not said again.
function divergenceTitle(x) {
  if (!x.span) return `${x.label}, ${x.year}`;
  const short = `${x.span[0]}–${String(x.span[1]).slice(2)}`;
  const long = x.span.join('–');
  return x.label.includes(short) || x.label.includes(long) ? x.label : `${x.label}, ${long}`;
}

// divergenceLine sets the class's figure beside history's: a famine range is already in
// words and carries its unit; history's range collapses to one figure when the sources
// give one.
function divergenceLine(x) {
  const unit = has(`unit.${x.quantity}`) ? t(`unit.${x.quantity}`) : (x.unit || '').replace(/^\(|\)$/g, '');
  const ours = typeof x.class === 'number' ? withUnit(x.quantity, x.class, unit) : (x.classRange ? x.classRange.text : '–');
  const theirs = x.history.low === x.history.high ? withUnit(x.quantity, x.history.low, unit) : `${bandText(x.quantity, x.history.low, x.history.high)}${unit === '%' ? '%' : ` ${unit}`}`;
  return t(x.history.low === x.history.high ? 'debrief.divergenceOne' : 'debrief.divergenceRange', { ours, theirs });
}

function divergences(list) {
  return h('div', { class: 'divergences' }, h('h3', null, t('debrief.divergences')),
    list.length ? h('ol', null, list.map((x) => h('li', { 'data-quantity': x.quantity },
      h('p', null, h('strong', null, divergenceTitle(x)), ': ', divergenceLine(x),
        ` (${t(`debrief.dir.${x.direction}`)})`),
      h('p', { class: 'explanation' }, x.explanation),
      (x.choices || []).length ? h('div', null, h('p', { class: 'hint' }, t('debrief.choicesDiffered')),
        h('ul', null, x.choices.map((c) => h('li', null, `${c.year}, ${c.title}: `, t('debrief.choiceDiff', { ours: c.class, theirs: c.history || '–' }))))) : null,
      (x.events || []).length ? h('details', null, h('summary', null, t('debrief.events')),
        h('ul', null, x.events.map((e) => h('li', null, h('strong', null, e.date), ' ', e.text, h('div', { class: 'hint' }, e.source))))) : null,
      h('p', { class: 'hint' }, t('debrief.bandSource', { source: x.history.source }))))) : h('p', null, t('debrief.noDivergence')));
}

// humanCost shows each year with famine deaths in the model, by region as ranges.
function humanCost(years) {
  const hit = years.filter((fy) => (fy.regions || []).some((r) => r.famine));
  return h('div', { class: 'debrief-cost' }, h('h3', null, t('debrief.cost')),
    h('p', null, t('debrief.costIntro')),
    hit.length ? hit.map((fy) => famine(fy, { headingLevel: 'h4' })) : h('p', null, t('debrief.costNone')));
}

function historiansDebate(db) {
  return h('div', { class: 'historians-debate' }, h('h3', null, t('debrief.debate')),
    db.intro ? h('p', null, db.intro) : null,
    (db.positions || []).length ? h('ul', { class: 'positions' }, db.positions.map((p) => h('li', null,
      h('strong', null, p.who), ', ', h('cite', null, p.work), h('p', null, p.view)))) : null,
    (db.recognitions || []).length ? [h('h4', null, t('debrief.recognitions')),
      h('ul', null, db.recognitions.map((r) => h('li', null, r.text, r.event && r.event.source ? h('div', { class: 'hint' }, r.event.source) : null)))] : null,
    db.kazakh ? h('p', null, db.kazakh) : null,
    (db.questions || []).length ? [h('h4', null, t('debrief.questions')), h('ul', null, db.questions.map((q) => h('li', null, q)))] : null,
    db.care ? h('p', { class: 'content-note' }, db.care) : null);
}

// experimentsPanel shows the historians' claims run on the class's own path: each claim
// with its historians, what the experiment assumes, and the famine deaths it leaves as
// ranges over the model's ensemble, with the plain warning that a model cannot settle the
// debate. x is { value, error }: the server's answer (or null while it loads).
export function experimentsPanel({ value, error }) {
  const head = h('h3', { id: 'exp-h' }, t('debrief.experiments'));
  const caveat = h('p', { class: 'content-note experiments-caveat' }, t('debrief.experimentsCaveat'));
  if (!value) {
    return h('section', { class: 'experiments', 'aria-labelledby': 'exp-h', 'aria-busy': error ? null : 'true' }, head, caveat,
      h('p', { class: error ? 'error' : 'loading' }, error ? t('debrief.experimentsFailed', { error }) : t('debrief.experimentsLoading')));
  }
  const years = value.years || [];
  const from = years.includes(1930) ? 1930 : years[0];
  const to = years[years.length - 1];
  const r1 = (x) => (Math.round(x * 10) / 10).toFixed(1);
  const pct = (x) => String(Math.round(100 * x));
  // A range whose ends read the same is one figure: "0.0", not "0.0–0.0".
  const span = (lo, hi, f) => (f(lo) === f(hi) ? f(lo) : `${f(lo)}–${f(hi)}`);
  return h('section', { class: 'experiments', 'aria-labelledby': 'exp-h' }, head,
    h('p', null, t('debrief.experimentsIntro', { runs: value.runs })), caveat,
    h('ul', { class: 'experiment-list' }, (value.experiments || []).map((e) => h('li', { class: 'experiment', 'data-experiment': e.id },
      h('h4', null, e.title),
      h('p', { class: 'experiment-claim' }, h('strong', { class: 'experiment-historians' }, e.historians), ': ', e.claim),
      h('p', { class: 'hint experiment-assumption' }, t('debrief.experimentAssumes', { text: e.assumption })),
      h('p', { class: 'experiment-range' }, t('debrief.experimentRange', {
        years: span(from, to, String),
        base: span(e.baselineM.low, e.baselineM.high, r1),
        exp: span(e.experimentM.low, e.experimentM.high, r1),
        avoided: span(Math.max(0, e.avoidedM.low), Math.max(0, e.avoidedM.high), r1),
        share: span(Math.max(0, e.avoidedShare.low), Math.max(0, e.avoidedShare.high), pct),
      }))))));
}

// scores: factions for everyone; players with their year-by-year breakdowns for the
// teacher and the players (a player sees others' public lines only). The projector, on
// the classroom wall, shows factions only.
function scores(d, audience, meId) {
  const rep = d.scores;
  if (!rep) return null;
  const byPlayer = (id) => (rep.years || []).map((y) => ({ year: y.year, stepped: y.stepped, py: (y.players || []).find((p) => p.playerId === id) })).filter((x) => x.py);
  const factions = h('div', { class: 'table-wrap' }, h('table', { class: 'faction-scores' },
    h('caption', null, t('debrief.factions')),
    h('thead', null, h('tr', null, ['debrief.role', 'debrief.members', 'score.roleResult', 'score.debatePoints', 'score.total'].map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', null, (rep.factions || []).map((f) => h('tr', null, h('th', { scope: 'row' }, roleName(f.role)), h('td', null, String(f.members)), h('td', null, pts(f.roleResult)), h('td', null, pts(f.debatePoints)), h('td', null, pts(f.total)))))));
  const players = audience === 'projector' ? null : h('div', null, h('h4', null, t('debrief.players')),
    h('ul', { class: 'plain player-scores' }, (rep.players || []).map((p) => h('li', { 'data-player': p.playerId, class: p.playerId === meId ? 'mine' : null },
      h('details', { open: p.playerId === meId && audience === 'player' },
        h('summary', null, h('span', { class: 'nick' }, p.nickname), ` · ${roleName(p.role)} · ${totalText(p)}`, p.playerId === meId ? ` (${t('debrief.you')})` : ''),
        h('ul', { class: 'plain years' }, byPlayer(p.playerId).map((x) => h('li', null, h('h5', null, x.stepped ? t('results.stepped', { year: x.year }) : String(x.year)), breakdown(x.py)))))))));
  return h('div', { class: 'debrief-scores' }, h('h3', null, t('debrief.scores')), h('p', null, d.scoresIntro), factions, players);
}

function reflections(list) {
  return h('div', { class: 'reflections' }, h('h3', null, t('debrief.tickets', { n: list.length })),
    list.length ? h('ul', { class: 'posts' }, list.map((r) => h('li', { class: 'post' },
      h('div', { class: 'post-meta' }, h('strong', { class: 'nick' }, r.nickname), ` · ${t('exit.lesson', { n: r.lesson })}`, r.flagged ? ` · ${t('mod.filtered')}` : ''),
      h('dl', null, r.answers.map((a, i) => [h('dt', null, r.prompts[i] || ''), h('dd', { class: 'post-text' }, a || '–')]))))) : h('p', { class: 'hint' }, t('debrief.noTickets')));
}
