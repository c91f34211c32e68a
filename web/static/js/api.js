// api.js calls the server's HTTP routes. Errors come back as {code, message}; they are
// thrown as ApiError so pages can show the server's sentence.
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
  }
}

export async function request(method, path, { body, secret, raw } = {}) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (secret) headers.Authorization = `Bearer ${secret}`;
  let r;
  try {
    r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, 'network', e.message);
  }
  if (raw && r.ok) return r;
  const text = await r.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  if (!r.ok) throw new ApiError(r.status, data && data.code, data && data.message);
  return data;
}

export const api = {
  createRoom: (body) => request('POST', '/api/rooms', { body }),
  join: (code, nickname, attempt) => request('POST', `/api/rooms/${encodeURIComponent(code)}/join`, { body: { nickname, attempt } }),
  ticket: (code, secret) => request('POST', `/api/rooms/${encodeURIComponent(code)}/tickets`, { secret }),
  command: (code, secret, frame) => request('POST', `/api/rooms/${encodeURIComponent(code)}/commands`, { body: frame, secret }),
  view: (code, secret) => request('GET', `/api/rooms/${encodeURIComponent(code)}/view`, { secret }),
  scenario: () => request('GET', '/api/content/scenario'),
  reference: () => request('GET', '/api/content/reference'),
  roles: () => request('GET', '/api/content/roles'),
  simulate: (body) => request('POST', '/api/simulate', { body }),
  yearReport: (code, secret, year) => request('GET', `/api/rooms/${encodeURIComponent(code)}/years/${encodeURIComponent(year)}/report`, { secret }),
  debrief: (code, secret) => request('GET', `/api/rooms/${encodeURIComponent(code)}/debrief`, { secret }),
  experiments: (code, secret) => request('GET', `/api/rooms/${encodeURIComponent(code)}/experiments`, { secret }),
};

// saveExport downloads one of the teacher's records: the key travels in the
// Authorization header (a key in a URL would end up in histories and logs), and the file
// is saved under the name the server gives it in Content-Disposition.
export async function saveExport(code, secret, file) {
  const r = await request('GET', `/api/rooms/${encodeURIComponent(code)}/exports/${encodeURIComponent(file)}`, { secret, raw: true });
  const name = fileName(r.headers.get('Content-Disposition')) || file;
  const url = URL.createObjectURL(await r.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  return name;
}

// fileName reads the filename out of a Content-Disposition header (plain or RFC 5987).
export function fileName(header) {
  if (!header) return '';
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  if (star) { try { return decodeURIComponent(star[1].trim()); } catch { /* fall through */ } }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(header);
  return plain ? plain[1].trim() : '';
}

// cached memoises a content request for the life of the page.
const cache = new Map();
export function cached(name) {
  if (!cache.has(name)) cache.set(name, api[name]().catch((e) => { cache.delete(name); throw e; }));
  return cache.get(name);
}

// Loader fetches a value once per key and redraws when it arrives. An answer for an older
// key is dropped; the last value stays shown while a newer one loads.
export class Loader {
  constructor(draw) {
    this.draw = draw;
    this.key = null;
    this.value = null;
    this.error = null;
  }

  get(key, fn) {
    if (key !== this.key) {
      this.key = key;
      this.error = null;
      fn().then((x) => { if (this.key === key) { this.value = x; this.draw(); } })
        .catch((e) => { if (this.key === key) { this.error = e.message || String(e); this.draw(); } });
    }
    return this.value;
  }
}
