// home.js is the front page: join a room (students) or open one (teachers).
import { h, fill, field } from './dom.js';
import { t } from './i18n.js';
import { normCode, store } from './ui.js';

export function render(main) {
  const code = h('input', { name: 'code', autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', required: true, maxlength: 16, class: 'code-input' });
  const form = h('form', { class: 'card', onsubmit: (e) => { e.preventDefault(); const c = normCode(code.value); if (c) location.href = `/join/${encodeURIComponent(c)}`; } },
    h('h2', null, t('home.student')),
    field(t('join.code'), code, t('join.codeHint')),
    h('button', { type: 'submit', class: 'primary' }, t('home.join')));
  const mine = Object.keys(localStorage).filter((k) => k.startsWith('debate.teacher.')).map((k) => ({ code: k.slice(15), ...store.get(k) }))
    .sort((a, b) => (b.createdAt || 0) - (a.createdAt || 0)).slice(0, 5);
  fill(main,
    h('h1', null, t('app.title')),
    h('p', { class: 'lede' }, t('home.lede')),
    h('div', { class: 'grid2' },
      form,
      h('section', { class: 'card' }, h('h2', null, t('home.teacher')),
        h('p', null, t('home.teacherText')),
        h('p', null, h('a', { class: 'button primary', href: '/teacher' }, t('home.create'))),
        h('p', null, h('a', { href: '/preview' }, t('home.preview'))),
        mine.length ? h('div', null, h('h3', null, t('home.myRooms')), h('ul', null, mine.map((r) => h('li', null, h('a', { href: `/teacher/${encodeURIComponent(r.code)}` }, r.code))))) : null)));
}
