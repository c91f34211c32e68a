// charts.js draws small line charts as SVG: the class's path beside history's band.
// Colour-blind-safe (Okabe–Ito blue and orange), and readable without colour: the band is
// hatched (a range bar for a year standing alone), the class's line is solid with round
// markers, a second path is dashed with square markers, the points carry their values (on
// the projector the latest), the image's label reads every value, and a table follows.
import { h, svg, uid } from './dom.js';
import { t } from './i18n.js';

// The live charts (at most four). Famine deaths are never among them.
export const LIVE = ['grainHarvestMt', 'procurementMt', 'cattleM', 'collectivisedPct'];
// The debrief adds these.
export const DEBRIEF = ['grainHarvestMt', 'procurementMt', 'exportsMt', 'cattleM', 'horsesM', 'collectivisedPct', 'tractorsK', 'industryIndex'];

// Two sizes. The default is read at arm's length, every point labelled; the projector's
// (wall) is drawn about as wide as it shows on a 1280-wide screen, so its type is real
// pixels, and it labels only the latest point, clear of the axis, to leave the chart
// readable from the back of a room.
const SIZES = {
  default: { W: 300, H: 190, L: 40, R: 12, T: 24, B: 26, pad: 18, yTicks: 4, xEvery: 1, latestOnly: false },
  wall: { W: 250, H: 150, L: 50, R: 10, T: 14, B: 34, pad: 14, yTicks: 2, xEvery: 2, latestOnly: true },
};

// fmt writes a chart's figure: no decimals from 100, one from 10, two below (without
// trailing zeros), in the page's language.
export function fmt(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  const a = Math.abs(v);
  return v.toLocaleString(document.documentElement.lang || 'en', { maximumFractionDigits: a >= 100 ? 0 : a >= 10 ? 1 : 2 });
}

// The precision each quantity's figures carry everywhere (charts, tables, outcomes, the
// debrief), so one figure never shows as 9.22 in one place and 9 in another: tonnes and
// head to a tenth of a million, shares, indexes, tractors and rations whole.
const DIGITS = { grainHarvestMt: 1, procurementMt: 1, exportsMt: 1, cattleM: 1, horsesM: 1, collectivisedPct: 0, industryIndex: 0, tractorsK: 0, ruralFoodPerHeadKg: 0 };

// figure writes a quantity's figure to its precision (fmt for a quantity without one).
export function figure(quantity, v) {
  const d = DIGITS[quantity];
  if (d === undefined || typeof v !== 'number' || Number.isNaN(v)) return fmt(v);
  return v.toLocaleString(document.documentElement.lang || 'en', { minimumFractionDigits: d, maximumFractionDigits: d });
}

// withUnit writes a figure with its unit: "9%", "81.2 million tonnes", and an index as
// "99 (1928 = 100)" so the base year does not read as part of the number.
export function withUnit(quantity, v, unit) {
  const u = unit === undefined ? t(`unit.${quantity}`) : unit;
  const n = figure(quantity, v);
  if (!u) return n;
  if (u === '%') return `${n}%`;
  if (u.includes('=')) return `${n} (${u.replace(/^\(|\)$/g, '')})`;
  return `${n} ${u}`;
}

// niceScale picks a top for the axis and a step that reads well (1, 2, 2.5 or 5 times a
// power of ten), so the gridlines carry round numbers.
function niceScale(hi, count) {
  const raw = hi / count;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * p).find((s) => s >= raw);
  return { step, top: Math.ceil(hi / step - 1e-9) * step };
}

// runs splits history's bands into runs of consecutive years: a band is drawn only
// between two years that both have a figure, never across a year history has none for.
function runs(bands) {
  const out = [];
  for (const b of bands) {
    const last = out[out.length - 1];
    if (last && b.year === last[last.length - 1].year + 1) last.push(b);
    else out.push([b]);
  }
  return out;
}

// legend names the lines and the band; a page with several charts shows it once.
export function legend(series, withBand) {
  return h('ul', { class: 'legend' },
    series.map((s, i) => h('li', null, h('span', { class: `sw ${i === 0 ? 'sw-class' : 'sw-alt'}`, 'aria-hidden': 'true' }), s.name)),
    withBand ? h('li', null, h('span', { class: 'sw sw-band', 'aria-hidden': 'true' }), t('chart.historyBand')) : null);
}

// chart(quantity, {years, series:[{name, values:{year:v}}], bands}, {size, legend, title,
// unit}) → <figure>. size 'wall' is the projector's; legend false leaves the key to the
// page (see legend); title and unit name a quantity the catalogue does not.
export function chart(quantity, { years, series, bands }, opts = {}) {
  const S = SIZES[opts.size] || SIZES.default;
  const { W, H, L, R, T, B, pad } = S;
  const band = (bands || []).filter((b) => b.quantity === quantity);
  const inBand = band.filter((b) => years.includes(b.year)).sort((a, b) => a.year - b.year);
  const vals = [];
  for (const s of series) for (const y of years) if (s.values[y] !== undefined) vals.push(s.values[y]);
  for (const b of inBand) vals.push(b.low, b.high);
  const { step, top } = niceScale(Math.max(...vals, 1) * 1.05, S.yTicks);
  const lo = 0, hi = top;
  // The first and last years sit a little inside the axes, so no point or its label
  // touches the axis labels.
  const x = (y) => L + pad + ((y - years[0]) / Math.max(1, years[years.length - 1] - years[0])) * (W - L - R - 2 * pad);
  const yv = (v) => T + (1 - (v - lo) / (hi - lo)) * (H - T - B);
  const hatch = uid('hatch');
  const title = opts.title || t(`q.${quantity}`);
  const unit = opts.unit || t(`unit.${quantity}`);
  const parts = [
    svg('defs', {}, svg('pattern', { id: hatch, width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
      svg('rect', { width: 6, height: 6, fill: '#F5D9A0' }),
      svg('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#9A6400', 'stroke-width': 1.5 }))),
  ];
  // Value labels must not overlap each other or the axis labels: each is placed where it
  // meets none already placed, and a point with no free place has its value on hover and
  // focus instead (and in the table and the chart's description, as every value has).
  const ticks = [];
  const placed = [];
  const VAL_PX = opts.size === 'wall' ? 27 : 14;
  const meets = (a, b) => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
  const place = (px, py, text, tries) => {
    const w = 0.62 * VAL_PX * text.length;
    for (const [dy, anchor] of tries) {
      const x1 = anchor === 'start' ? px + 9 : anchor === 'end' ? px - 9 - w : px - w / 2;
      const box = { x1, x2: x1 + w, y1: py + dy - VAL_PX * 0.8, y2: py + dy + VAL_PX * 0.25 };
      if (box.x1 < 0 || box.x2 > W || box.y1 < 0 || box.y2 > H - B + 4) continue;
      if (placed.some((b) => meets(b, box)) || ticks.some((b) => meets(b, box))) continue;
      placed.push(box);
      return { x: anchor === 'start' ? px + 9 : anchor === 'end' ? px - 9 : px, y: py + dy, anchor };
    }
    return null;
  };
  // axes and grid
  for (let v = lo; v <= hi + step / 2; v += step) {
    parts.push(svg('line', { x1: L, x2: W - R, y1: yv(v), y2: yv(v), stroke: '#d0d0d0', 'stroke-width': 1 }));
    parts.push(svg('text', { x: L - 5, y: yv(v), 'dominant-baseline': 'middle', 'text-anchor': 'end', class: 'tick' }, fmt(v)));
    ticks.push({ x1: 0, x2: L, y1: yv(v) - 8, y2: yv(v) + 8 });
  }
  years.forEach((y, i) => {
    if (i % S.xEvery && i !== years.length - 1) return;
    parts.push(svg('text', { x: x(y), y: H - 6, 'text-anchor': 'middle', class: 'tick' }, `’${String(y).slice(2)}`));
    ticks.push({ x1: x(y) - 0.4 * VAL_PX * 1.5, x2: x(y) + 0.4 * VAL_PX * 1.5, y1: H - B + 4, y2: H });
  });
  // history's band: a hatched area across consecutive years, a range bar for a lone year
  for (const run of runs(inBand)) {
    if (run.length > 1) {
      const upper = run.map((b) => `${x(b.year)},${yv(b.high)}`);
      const lower = run.slice().reverse().map((b) => `${x(b.year)},${yv(b.low)}`);
      parts.push(svg('polygon', { points: [...upper, ...lower].join(' '), fill: `url(#${hatch})`, stroke: '#9A6400', 'stroke-width': 1, opacity: 0.9, class: 'band' }));
    } else {
      const [b] = run;
      const bx = x(b.year), yHigh = yv(b.high), yLow = Math.max(yv(b.low), yHigh + 3);
      parts.push(svg('g', { class: 'band band-bar' },
        svg('rect', { x: bx - 5, width: 10, y: yHigh, height: yLow - yHigh, fill: `url(#${hatch})`, stroke: '#9A6400', 'stroke-width': 1 }),
        svg('line', { x1: bx - 8, x2: bx + 8, y1: yHigh, y2: yHigh, stroke: '#9A6400', 'stroke-width': 2 }),
        svg('line', { x1: bx - 8, x2: bx + 8, y1: yLow, y2: yLow, stroke: '#9A6400', 'stroke-width': 2 })));
    }
  }
  // paths
  series.forEach((s, i) => {
    const shownYears = years.filter((y) => s.values[y] !== undefined);
    const y = (k) => shownYears[k];
    const pts = shownYears.map((yr) => [x(yr), yv(s.values[yr]), s.values[yr]]);
    const colour = i === 0 ? '#0072B2' : '#D55E00';
    if (pts.length > 1) parts.push(svg('polyline', { points: pts.map((p) => `${p[0]},${p[1]}`).join(' '), fill: 'none', stroke: colour, 'stroke-width': 3, 'stroke-dasharray': i === 0 ? null : '7 4' }));
    pts.forEach(([px, py, v], k) => {
      const label = figure(quantity, v);
      const mark = i === 0
        ? svg('circle', { cx: px, cy: py, r: 4.5, fill: colour, stroke: '#fff', 'stroke-width': 1.5 })
        : svg('rect', { x: px - 4, y: py - 4, width: 8, height: 8, fill: colour, stroke: '#fff', 'stroke-width': 1.5 });
      parts.push(mark);
      if (!S.latestOnly) {
        const at = place(px, py, label, i === 0 ? [[-9, 'middle'], [17, 'middle'], [4, 'start'], [4, 'end']] : [[17, 'middle'], [-9, 'middle'], [4, 'end'], [4, 'start']]);
        if (at) parts.push(svg('text', { x: at.x, y: at.y, 'text-anchor': at.anchor, class: 'val' }, label));
        else mark.appendChild(svg('title', {}, `${y(k)} ${label}`));
      } else if (k === pts.length - 1) {
        // Beside the point, to the right where the label has room (the years still to
        // come), else to the left: never over the axis or off the chart.
        // Beside the point where the label has room (to the right, the years still to
        // come), else to the left, above or below: never over an axis label.
        const at = place(px, py, label, [[VAL_PX * 0.35, 'start'], [VAL_PX * 0.35, 'end'], [-10, 'middle'], [VAL_PX + 6, 'middle']]);
        if (at) parts.push(svg('text', { x: at.x, y: at.y, 'text-anchor': at.anchor, class: 'val' }, label));
        else mark.appendChild(svg('title', {}, `${y(k)} ${label}`));
      }
    });
  });
  const summary = series.map((s) => `${s.name}: ${years.filter((y) => s.values[y] !== undefined).map((y) => `${y} ${figure(quantity, s.values[y])}`).join(', ') || t('chart.noData')}`).join('. ');
  const graphic = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `${title} (${unit}). ${summary}`, class: 'chart-svg' }, parts);

  const table = h('table', { class: 'numbers' },
    h('caption', { class: 'visually-hidden' }, title),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('chart.year')), series.map((s) => h('th', { scope: 'col' }, s.name)), inBand.length ? h('th', { scope: 'col' }, t('chart.historyBand')) : null)),
    h('tbody', null, years.map((y) => {
      const b = inBand.find((x2) => x2.year === y);
      return h('tr', null, h('th', { scope: 'row' }, String(y)), series.map((s) => h('td', null, figure(quantity, s.values[y]))), inBand.length ? h('td', null, b ? rangeText(quantity, b.low, b.high) : '–') : null);
    })));

  return h('figure', { class: 'chart', 'data-quantity': quantity },
    h('figcaption', null, h('strong', null, title), ' ', h('span', { class: 'unit' }, `(${unit})`)),
    graphic, opts.legend === false ? null : legend(series, inBand.length > 0),
    h('details', { class: 'chart-table' }, h('summary', null, t('chart.showNumbers')), table));
}

// rangeText writes history's range, or its one figure when the sources give one.
export function rangeText(quantity, low, high) {
  return low === high ? figure(quantity, low) : `${figure(quantity, low)}–${figure(quantity, high)}`;
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
