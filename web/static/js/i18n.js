// i18n.js loads the message catalogue from the server and looks messages up. Every word
// the pages show comes from here, so a class can have the game in its own language.
let messages = {};
let fallback = {};

export async function loadMessages() {
  const want = (localStorage.getItem('debate.lang') || navigator.language || 'en').toLowerCase().split('-')[0];
  fallback = await fetchCatalogue('en');
  messages = want === 'en' ? fallback : (await fetchCatalogue(want)) || fallback;
  document.documentElement.lang = want in { en: 1 } || messages === fallback ? 'en' : want;
}

async function fetchCatalogue(lang) {
  try {
    const r = await fetch(`/api/i18n/${encodeURIComponent(lang)}`);
    if (!r.ok) return null;
    return await r.json();
  } catch {
    return null;
  }
}

// t looks up a message and fills {name} placeholders. A missing key shows as the key in
// brackets, so it is easy to spot.
export function t(key, vars) {
  let s = messages[key] ?? fallback[key];
  if (s === undefined) return `[${key}]`;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return s;
}

// has reports whether the catalogue has a key (for optional, data-driven labels).
export function has(key) { return key in messages || key in fallback; }

// label returns t(prefix+id) when the catalogue names it, else the id itself.
export function label(prefix, id) { return has(prefix + id) ? t(prefix + id) : id; }
