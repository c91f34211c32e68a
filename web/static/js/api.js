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
  join: (code, nickname) => request('POST', `/api/rooms/${encodeURIComponent(code)}/join`, { body: { nickname } }),
  ticket: (code, secret) => request('POST', `/api/rooms/${encodeURIComponent(code)}/tickets`, { secret }),
  command: (code, secret, frame) => request('POST', `/api/rooms/${encodeURIComponent(code)}/commands`, { body: frame, secret }),
  view: (code, secret) => request('GET', `/api/rooms/${encodeURIComponent(code)}/view`, { secret }),
  scenario: () => request('GET', '/api/content/scenario'),
  reference: () => request('GET', '/api/content/reference'),
  roles: () => request('GET', '/api/content/roles'),
  simulate: (body) => request('POST', '/api/simulate', { body }),
};

// cached memoises a content request for the life of the page.
const cache = new Map();
export function cached(name) {
  if (!cache.has(name)) cache.set(name, api[name]().catch((e) => { cache.delete(name); throw e; }));
  return cache.get(name);
}
