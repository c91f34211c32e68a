// charts.js draws small line charts as SVG: the class's path beside history's band.
// Colour-blind-safe (Okabe–Ito blue and orange), and readable without colour: the band is
// hatched, the class's line is solid with round markers, a second path is dashed with
// square markers, every point carries its value, and a table of the numbers follows.
import { h, svg, uid } from './dom.js';
import { t } from './i18n.js';

// The live charts (at most four). Famine deaths are never among them.
export const LIVE = ['grainHarvestMt', 'procurementMt', 'cattleM', 'collectivisedPct'];
// The debrief adds these.
export const DEBRIEF = ['grainHarvestMt', 'procurementMt', 'exportsMt', 'cattleM', 'horsesM', 'collectivisedPct', 'tractorsK', 'industryIndex'];

const W = 300, H = 190, L = 40, R = 10, T = 24, B = 26;

function fmt(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(2).replace(/0$/, '');
}

// chart(quantity, {years, series:[{name, values:{year:v}, dashed}], bands}) → <figure>.
export function chart(quantity, { years, series, bands }) {
  const band = (bands || []).filter((b) => b.quantity === quantity);
  const vals = [];
  for (const s of series) for (const y of years) if (s.values[y] !== undefined) vals.push(s.values[y]);
  for (const b of band) vals.push(b.low, b.high);
  let lo = Math.min(...vals, 0), hi = Math.max(...vals, 1);
  if (lo > 0) lo = 0;
  hi = hi * 1.1;
  const x = (y) => L + ((y - years[0]) / Math.max(1, years[years.length - 1] - years[0])) * (W - L - R);
  const yv = (v) => T + (1 - (v - lo) / (hi - lo)) * (H - T - B);
  const hatch = uid('hatch');
  const title = t(`q.${quantity}`);
  const unit = t(`unit.${quantity}`);
  const parts = [
    svg('defs', {}, svg('pattern', { id: hatch, width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
      svg('rect', { width: 6, height: 6, fill: '#F5D9A0' }),
      svg('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#9A6400', 'stroke-width': 1.5 }))),
  ];
  // axes and grid
  for (let i = 0; i <= 4; i += 1) {
    const v = lo + ((hi - lo) * i) / 4;
    parts.push(svg('line', { x1: L, x2: W - R, y1: yv(v), y2: yv(v), stroke: '#d0d0d0', 'stroke-width': 1 }));
    parts.push(svg('text', { x: L - 4, y: yv(v) + 4, 'text-anchor': 'end', class: 'tick' }, fmt(v)));
  }
  for (const y of years) parts.push(svg('text', { x: x(y), y: H - 10, 'text-anchor': 'middle', class: 'tick' }, `’${String(y).slice(2)}`));
  // history's band
  const inBand = band.filter((b) => years.includes(b.year)).sort((a, b) => a.year - b.year);
  if (inBand.length > 1) {
    const top = inBand.map((b) => `${x(b.year)},${yv(b.high)}`);
    const bottom = inBand.slice().reverse().map((b) => `${x(b.year)},${yv(b.low)}`);
    parts.push(svg('polygon', { points: [...top, ...bottom].join(' '), fill: `url(#${hatch})`, stroke: '#9A6400', 'stroke-width': 1, opacity: 0.9 }));
  } else {
    for (const b of inBand) parts.push(svg('rect', { x: x(b.year) - 5, width: 10, y: yv(b.high), height: Math.max(2, yv(b.low) - yv(b.high)), fill: `url(#${hatch})`, stroke: '#9A6400' }));
  }
  // paths
  series.forEach((s, i) => {
    const pts = years.filter((y) => s.values[y] !== undefined).map((y) => [x(y), yv(s.values[y]), s.values[y]]);
    const colour = i === 0 ? '#0072B2' : '#D55E00';
    if (pts.length > 1) parts.push(svg('polyline', { points: pts.map((p) => `${p[0]},${p[1]}`).join(' '), fill: 'none', stroke: colour, 'stroke-width': 3, 'stroke-dasharray': i === 0 ? null : '7 4' }));
    for (const [px, py, v] of pts) {
      parts.push(i === 0
        ? svg('circle', { cx: px, cy: py, r: 4.5, fill: colour, stroke: '#fff', 'stroke-width': 1.5 })
        : svg('rect', { x: px - 4, y: py - 4, width: 8, height: 8, fill: colour, stroke: '#fff', 'stroke-width': 1.5 }));
      parts.push(svg('text', { x: px, y: py + (i === 0 ? -9 : 17), 'text-anchor': 'middle', class: 'val' }, fmt(v)));
    }
  });
  const summary = series.map((s) => `${s.name}: ${years.filter((y) => s.values[y] !== undefined).map((y) => `${y} ${fmt(s.values[y])}`).join(', ') || t('chart.noData')}`).join('. ');
  const graphic = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `${title} (${unit}). ${summary}`, class: 'chart-svg' }, parts);

  const legend = h('ul', { class: 'legend' },
    series.map((s, i) => h('li', null, h('span', { class: `sw ${i === 0 ? 'sw-class' : 'sw-alt'}`, 'aria-hidden': 'true' }), s.name)),
    inBand.length ? h('li', null, h('span', { class: 'sw sw-band', 'aria-hidden': 'true' }), t('chart.historyBand')) : null);

  const table = h('table', { class: 'numbers' },
    h('caption', { class: 'visually-hidden' }, title),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('chart.year')), series.map((s) => h('th', { scope: 'col' }, s.name)), inBand.length ? h('th', { scope: 'col' }, t('chart.historyBand')) : null)),
    h('tbody', null, years.map((y) => {
      const b = inBand.find((x2) => x2.year === y);
      return h('tr', null, h('th', { scope: 'row' }, String(y)), series.map((s) => h('td', null, fmt(s.values[y]))), inBand.length ? h('td', null, b ? `${fmt(b.low)}–${fmt(b.high)}` : '–') : null);
    })));

  return h('figure', { class: 'chart', 'data-quantity': quantity },
    h('figcaption', null, h('strong', null, title), ' ', h('span', { class: 'unit' }, `(${unit})`)),
    graphic, legend,
    h('details', { class: 'chart-table' }, h('summary', null, t('chart.showNumbers')), table));
}

// classPath turns a room's results into {year: value} for one quantity.
export function classPath(results, quantity) {
  const out = {};
  for (const r of results || []) if (r.outcome && typeof r.outcome[quantity] === 'number') out[r.year] = r.outcome[quantity];
  return out;
}

export function outcomesPath(outcomes, quantity) {
  const out = {};
  for (const o of outcomes || []) if (typeof o[quantity] === 'number') out[o.year] = o[quantity];
  return out;
}
