// app.js starts every page: it loads the message catalogue, draws the shared header
// (with the reading options: dyslexia-friendly font, larger text, high contrast) and
// hands the page to the module for its path.
import { h, fill, field } from './dom.js';
import { loadMessages, t } from './i18n.js';
import { store } from './ui.js';

const prefsKey = 'debate.prefs';

function applyPrefs(p) {
  const root = document.documentElement;
  root.dataset.font = p.font || 'default';
  root.dataset.size = p.size || 'normal';
  root.dataset.contrast = p.contrast ? 'high' : 'normal';
}

function header() {
  const prefs = store.get(prefsKey) || {};
  applyPrefs(prefs);
  const font = h('select', { 'data-k': 'font', onchange: (e) => { prefs.font = e.target.value; store.set(prefsKey, prefs); applyPrefs(prefs); } },
    ['default', 'dyslexic', 'mono'].map((f) => h('option', { value: f, selected: (prefs.font || 'default') === f }, t(`prefs.font.${f}`))));
  const size = h('select', { 'data-k': 'size', onchange: (e) => { prefs.size = e.target.value; store.set(prefsKey, prefs); applyPrefs(prefs); } },
    ['normal', 'large', 'larger'].map((f) => h('option', { value: f, selected: (prefs.size || 'normal') === f }, t(`prefs.size.${f}`))));
  const contrast = h('input', { type: 'checkbox', id: 'pref-contrast', checked: !!prefs.contrast, onchange: (e) => { prefs.contrast = e.target.checked; store.set(prefsKey, prefs); applyPrefs(prefs); } });
  const details = h('details', { class: 'prefs' }, h('summary', null, t('prefs.title')),
    h('div', { class: 'prefs-body' }, field(t('prefs.font'), font), field(t('prefs.size'), size),
      h('div', { class: 'field check' }, contrast, h('label', { for: 'pref-contrast' }, t('prefs.contrast')))));
  fill(document.getElementById('top'), h('a', { href: '/', class: 'brand' }, t('app.title')), details);
}

async function main() {
  await loadMessages();
  document.title = t('app.title');
  // index.html carries English until the catalogue is here; put the reader's words in.
  const skip = document.querySelector('.skip');
  if (skip) skip.textContent = t('app.skip');
  const loading = document.querySelector('#main > .loading');
  if (loading) loading.textContent = t('app.loading');
  const path = location.pathname.replace(/\/+$/, '') || '/';
  const parts = path.split('/').filter(Boolean);
  const main = document.getElementById('main');
  const route = parts[0] || '';
  if (route !== 'projector') header();
  else applyPrefs(store.get(prefsKey) || {});
  document.body.dataset.page = route || 'home';
  let mod;
  switch (route) {
    case 'teacher': mod = await import('./teacher.js'); break;
    case 'projector': mod = await import('./projector.js'); break;
    case 'join': case 'rejoin': mod = await import('./student.js'); break;
    case 'preview': mod = await import('./preview.js'); break;
    case 'print': mod = await import('./print.js'); break;
    case 'materials': mod = await import('./materials.js'); break;
    default: mod = await import('./home.js');
  }
  await mod.render(main, parts.slice(1).map(decodeURIComponent));
  document.body.dataset.ready = '1';
}

main().catch((e) => {
  fill(document.getElementById('main'), h('p', { class: 'error', role: 'alert' }, `${e.message || e}`));
});
