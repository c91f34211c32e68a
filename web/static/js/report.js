// report.js draws what the server reports at the end of a year and in the debrief: a
// player's score with its breakdown (the human cost is one line of it, in words, never a
// death count), everyone's scores for the teacher, and the famine by region as ranges,
// named, with the composite account labelled as a composite. None of it ever reaches the
// live charts: it is shown when a year has resolved.
import { h } from './dom.js';
import { t } from './i18n.js';
import { roleName } from './ui.js';

// pts writes points with a sign for losses and one decimal at most.
export const pts = (n) => (typeof n === 'number' ? String(Math.round(n * 10) / 10) : '–');

// lines lists score lines (label, points of max, a note in words). A goal the teacher
// judges has no machine points to show, only its note.
// words: the line in words only, no points (the class's human cost on the wall, where a
// bare "0" beside it would read as nobody dying).
function lines(list, cls, { judged = false, words = false } = {}) {
  return h('ul', { class: `score-lines ${cls || ''}` }, list.map((l) => h('li', { class: `line line-${l.id}` },
    h('span', { class: 'line-label' }, l.label), ' ',
    words || (judged && !l.max && !l.points) ? null
      : h('span', { class: 'line-points' }, l.max ? t('score.ofMax', { n: pts(l.points), max: pts(l.max) }) : t('score.points', { n: pts(l.points) })),
    l.note ? h('div', { class: 'hint' }, l.note) : null)));
}

// totalText is a player's total in words for a summary line ("total 7.5"), or, for a
// role the teacher judges (the Historian), that the teacher judges it: its machine total
// is always 0 and would read as a mark.
export function totalText(p) {
  return p.teacherJudged ? t('scoring.teacherJudged') : t('score.totalIs', { n: pts(p.total) });
}

// breakdown is one player's year: the role's goals, how the debate was counted, the human
// cost as one line, and the totals. A viewer who may not see every line is told so. A
// role the teacher judges shows that in place of totals that would all read 0.
export function breakdown(py) {
  const goals = py.goals || [];
  const debate = (py.debate && py.debate.lines) || [];
  return h('div', { class: 'breakdown' },
    goals.length ? lines(goals, 'goals', { judged: !!py.teacherJudged }) : null,
    debate.length ? h('details', { class: 'debate-lines' }, h('summary', null, t('score.debateHow')), lines(debate)) : null,
    py.humanCost ? h('div', { class: 'human-cost' }, lines([py.humanCost], 'cost')) : null,
    py.teacherJudged ? h('p', { class: 'score-total teacher-judged' }, t('scoring.teacherJudged'))
      : h('dl', { class: 'figures totals' },
        h('dt', null, t('score.roleResult')), h('dd', null, pts(py.roleResult)),
        h('dt', null, t('score.debatePoints')), h('dd', null, pts(py.debatePoints)),
        h('dt', null, t('score.total')), h('dd', { class: 'score-total' }, pts(py.total))),
    py.partial ? h('p', { class: 'hint' }, t('score.partial')) : null);
}

// famine is a year's famine by region: ranges, the famine's name, how the region
// remembers it, the composite accounts (labelled as composites) and the note on ranges.
// In a famine year the rest of the USSR's range carries a warning: the model averages
// that region, so its figure hides the famine in its grain provinces.
export function famine(fy, { headingLevel = 'h4' } = {}) {
  if (!fy) return null;
  const struck = (fy.regions || []).filter((r) => r.famine);
  const calm = (fy.regions || []).filter((r) => !r.famine);
  const restAverage = (where) => (struck.length && where.some((r) => r.region === 'rest')
    ? h('div', { class: 'hint rest-average' }, t('report.restAverage')) : null);
  return h('div', { class: 'famine' },
    h(headingLevel, null, t('report.famine', { year: fy.year })),
    h('p', null, t('report.ussr', { range: fy.ussr ? fy.ussr.text : '–' })),
    struck.length ? h('ul', { class: 'famine-regions' }, struck.map((r) => h('li', { 'data-region': r.region },
      h('strong', null, r.name), ': ', t('report.regionRange', { range: r.range.text }),
      r.famine && r.famine !== 'famine' ? [' — ', h('span', { class: 'famine-name' }, r.famine)] : null,
      r.remember ? h('div', { class: 'hint' }, r.remember) : null,
      restAverage([r])))) : null,
    calm.length ? h('p', { class: 'hint' }, t(struck.length ? 'report.calm' : 'report.calmAll', { regions: calm.map((r) => r.name).join(', '), range: calm[0].range.text })) : null,
    restAverage(calm),
    (fy.accounts || []).map((a) => h('aside', { class: 'composite', 'aria-label': a.title },
      h('p', { class: 'composite-label' }, h('strong', null, a.label)),
      h('h5', null, a.title),
      h('p', null, a.text),
      (a.testimony || []).length ? h('div', null, h('p', { class: 'hint' }, t('report.testimony')), h('ul', { class: 'hint' }, a.testimony.map((x) => h('li', null, x)))) : null)),
    fy.note ? h('p', { class: 'hint' }, fy.note) : null);
}

// yearReport draws GET /years/{year}/report for one audience: a player sees their own
// breakdown, the teacher everyone's, the projector only the class-level part (the human
// cost and the famine).
export function yearReport(rep, { audience, meId }) {
  const sc = rep.scores || {};
  const players = sc.players || [];
  const mine = audience === 'player' ? players.find((p) => p.playerId === meId) : null;
  const cost = sc.humanCost;
  return h('section', { class: 'year-report', 'aria-labelledby': `yr-h-${rep.year}` },
    h('h3', { id: `yr-h-${rep.year}` }, t('report.title', { year: rep.year })),
    mine ? h('div', { class: 'my-score' }, h('h4', null, t('report.mine')), breakdown(mine)) : null,
    audience === 'teacher' && players.length ? h('div', { class: 'all-scores' }, h('h4', null, t('report.everyone')),
      h('ul', { class: 'plain player-scores' }, players.map((p) => h('li', { 'data-player': p.playerId },
        h('details', null, h('summary', null, h('span', { class: 'nick' }, p.nickname), ` · ${roleName(p.role)} · ${totalText(p)}`), breakdown(p)))))) : null,
    cost && !(mine && mine.humanCost) ? h('div', { class: 'class-cost' }, lines([cost], 'cost', { words: true })) : null,
    famine(rep.famine));
}
