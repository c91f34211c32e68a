// materials.js draws the printable teacher and student materials (GET
// /api/content/materials): for each year a student chronology and source worksheet and
// the teacher's notes; an editable rubric; a lesson without the simulation on the same
// cards; and the essay question. Each part starts on a new printed page (print.css,
// .sheet). The rubric's cells are editable, so a teacher can adapt them before printing.
import { h, fill } from './dom.js';
import { t } from './i18n.js';
import { provBadge } from './badge.js';
import { request } from './api.js';
import { richText } from './ui.js';

export async function render(main) {
  const data = await request('GET', '/api/content/materials');
  const m = data.materials;
  const cardOf = (id) => (data.cards || []).find((c) => c.id === id);
  const card = (id) => {
    const c = cardOf(id);
    return c ? h('article', { class: 'evidence-card', 'data-card': id }, provBadge(c, 'p'), h('h4', null, c.title), h('p', null, richText(c.text, [])), h('p', { class: 'hint' }, c.provenance)) : null;
  };
  const years = Object.keys(m.years).sort();
  fill(main,
    h('h1', null, t('materials.title')),
    h('p', { class: 'hint no-print' }, t('materials.intro')),
    h('nav', { class: 'no-print', 'aria-label': t('materials.contents') }, h('ul', null,
      h('li', null, h('a', { href: '#student' }, t('materials.student'))),
      h('li', null, h('a', { href: '#teacher' }, t('materials.teacher'))),
      h('li', null, h('a', { href: '#rubric' }, t('materials.rubric'))),
      h('li', null, h('a', { href: '#alternative' }, t('materials.alternative'))),
      h('li', null, h('a', { href: '#essay' }, t('materials.essay'))))),
    h('button', { type: 'button', class: 'no-print', onclick: () => window.print() }, t('materials.print')),
    h('div', { id: 'student' }, years.map((y) => h('section', { class: 'sheet student-sheet', 'data-year': y, 'aria-labelledby': `ms-${y}` },
      h('h2', { id: `ms-${y}` }, t('materials.studentYear', { year: y })),
      h('h3', null, t('materials.chronology')),
      h('ol', { class: 'chronology' }, m.years[y].chronology.map((e) => h('li', null, h('strong', null, e.date), ' — ', e.text))),
      h('h3', null, t('materials.worksheet')),
      h('div', { class: 'cut-grid' }, m.years[y].worksheet.cards.map(card)),
      h('ol', { class: 'questions' }, m.years[y].worksheet.questions.map((q) => h('li', null, h('p', null, q), h('div', { class: 'answer-space' }))))))),
    h('div', { id: 'teacher' }, years.map((y) => {
      const n = m.years[y].teacher;
      return h('section', { class: 'sheet teacher-sheet', 'data-year': y, 'aria-labelledby': `mt-${y}` },
        h('h2', { id: `mt-${y}` }, t('materials.teacherYear', { year: y })),
        h('h3', null, t('materials.historyChose')), h('p', null, n.history),
        h('h3', null, t('materials.misconceptions')), h('ul', null, n.misconceptions.map((x) => h('li', null, x))),
        h('h3', null, t('materials.witness')), h('p', null, n.witness));
    })),
    h('section', { class: 'sheet', id: 'rubric', 'aria-labelledby': 'm-rubric' },
      h('h2', { id: 'm-rubric' }, m.rubric.title),
      h('p', { class: 'hint no-print' }, t('materials.rubricEdit')),
      h('table', { class: 'rubric' },
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('materials.criterion')), m.rubric.levels.map((l) => h('th', { scope: 'col', contenteditable: 'true' }, l)))),
        h('tbody', null, m.rubric.criteria.map((c) => h('tr', null, h('th', { scope: 'row', contenteditable: 'true' }, c.name), c.descriptors.map((d) => h('td', { contenteditable: 'true' }, d))))))),
    h('section', { class: 'sheet', id: 'alternative', 'aria-labelledby': 'm-alt' },
      h('h2', { id: 'm-alt' }, m.alternative.title),
      h('p', null, m.alternative.who),
      h('ol', null, m.alternative.steps.map((s) => h('li', null, s))),
      h('h3', null, t('materials.cards')),
      h('div', { class: 'cut-grid' }, m.alternative.cards.map(card))),
    h('section', { class: 'sheet', id: 'essay', 'aria-labelledby': 'm-essay' },
      h('h2', { id: 'm-essay' }, t('materials.essay')),
      h('p', { class: 'essay-question' }, h('strong', null, m.essay.question)),
      h('p', null, m.essay.guidance)));
}
