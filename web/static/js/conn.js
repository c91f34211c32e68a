// conn.js keeps one live connection to a room: a WebSocket when the network allows it,
// otherwise Server-Sent Events for frames and HTTP POST for commands (same protocol, same
// sequence numbers). It reconnects with backoff, resumes after the last sequence number
// it applied, and resends commands that were not acknowledged (ids make that safe).
// Whatever ends a connection, it never retries the same thing in a tight loop: the
// backoff only starts over once a connection has delivered the room (a snapshot or an
// event) or stayed up a while, and a resume that keeps failing starts from a snapshot.
import { api } from './api.js';

const PERMANENT = { 4101: 'unauthorized', 4103: 'removed', 4104: 'deleted', 4400: 'protocol' };

// A connection that stays open this long counts as healthy even if the room was quiet.
const STABLE_MS = 10000;
// After this many closes in a row without progress, the resume position is dropped.
const STALLS_BEFORE_SNAPSHOT = 2;

export class Connection {
  // opts: code, secret, onFrame(frame), onStatus(status, detail)
  constructor(opts) {
    this.code = opts.code;
    this.secret = opts.secret;
    this.onFrame = opts.onFrame;
    this.onStatus = opts.onStatus || (() => {});
    this.backoffMs = opts.backoffMs || 500; // the first retry's delay; it doubles up to 30×
    this.seq = null; // last sequence number applied; null until a snapshot
    this.pending = new Map(); // id -> {frame, resolve, reject}
    this.attempt = 0;
    this.wsFailures = 0;
    this.transport = null;
    this.stopped = false;
    this.ws = null;
    this.es = null;
    this.timer = null;
    this.counter = 0;
    this.stalls = 0; // closes in a row since the connection last delivered the room
    this.reached = false; // the current attempt got an answer from the server
    this.stableTimer = null;
    // A school filter that blocks WebSockets makes every attempt fail before it opens;
    // after two such failures in a row the client goes on by SSE. So does a server that
    // is down, though: once on SSE, the client tries one WebSocket again (probeWS) and
    // goes back to it if it opens.
    this.forceSSE = false;
    this.probing = false;
  }

  start() { this.connect(); }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.stableTimer);
    this.closeTransport();
  }

  status(s, detail) {
    this.state = s;
    document.body.dataset.conn = s;
    if (this.transport) document.body.dataset.transport = this.transport;
    this.onStatus(s, detail);
  }

  // resync drops the position so the next connection starts from a snapshot.
  resync() {
    this.seq = null;
    this.closeTransport();
    this.connect();
  }

  connect() {
    if (this.stopped) return;
    clearTimeout(this.timer);
    if (this.forceSSE || !('WebSocket' in window)) this.openSSE();
    else this.openWS();
  }

  closeTransport() {
    if (this.ws) { const ws = this.ws; this.ws = null; ws.onclose = ws.onerror = ws.onmessage = ws.onopen = null; try { ws.close(1000); } catch { /* closed */ } }
    if (this.es) { this.es.close(); this.es = null; }
  }

  // progress marks the connection as working: the backoff starts over.
  progress() {
    clearTimeout(this.stableTimer);
    this.attempt = 0;
    this.stalls = 0;
  }

  retry(delayHint) {
    if (this.stopped) return;
    this.closeTransport();
    clearTimeout(this.stableTimer);
    this.attempt += 1;
    if (this.reached) this.stalls += 1; // the server answered, then the connection ended
    this.reached = false;
    // A resume that keeps ending before it delivers anything asks for a snapshot next.
    if (this.stalls >= STALLS_BEFORE_SNAPSHOT) this.seq = null;
    const base = Math.min(30 * this.backoffMs, this.backoffMs * 2 ** Math.min(this.attempt - 1, 5));
    const delay = Math.max(delayHint || 0, base / 2 + Math.random() * base / 2);
    this.status('reconnecting', { in: delay });
    this.timer = setTimeout(() => this.connect(), delay);
  }

  fatal(code, reason) {
    this.stopped = true;
    this.closeTransport();
    for (const p of this.pending.values()) p.reject(Object.assign(new Error(reason || 'closed'), { code: PERMANENT[code] || 'closed' }));
    this.pending.clear();
    this.status('closed', { code, reason, kind: PERMANENT[code] || 'closed' });
  }

  wsURL() {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${proto}//${location.host}/api/rooms/${encodeURIComponent(this.code)}/ws`;
  }

  openWS() {
    let opened = false;
    let ws;
    try {
      ws = new WebSocket(this.wsURL());
    } catch {
      this.wsFailed();
      return;
    }
    this.ws = ws;
    this.transport = 'ws';
    this.status(this.seq === null && this.attempt === 0 ? 'connecting' : 'reconnecting');
    ws.onopen = () => {
      opened = true;
      this.reached = true;
      this.wsFailures = 0; // the failures before were an outage, not a filter
      const hello = { v: 1, type: 'hello', key: this.secret };
      if (this.seq !== null) hello.after = this.seq;
      ws.send(JSON.stringify(hello));
    };
    ws.onmessage = (m) => {
      let f;
      try { f = JSON.parse(m.data); } catch { return; }
      this.handle(f);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (!opened) { this.wsFailed(); return; }
      if (PERMANENT[ev.code]) { this.fatal(ev.code, ev.reason); return; }
      this.retry(ev.code === 4029 ? 5000 : 0);
    };
  }

  wsFailed() {
    this.wsFailures += 1;
    if (this.wsFailures >= 2) {
      this.forceSSE = true;
      this.attempt = 0;
      this.openSSE();
      return;
    }
    this.retry(300);
  }

  // probeWS opens one WebSocket beside a live SSE stream that replaced failed WebSockets.
  // If it opens, WebSockets work (the failures were the server or the network being
  // down): the client moves back to them, resuming from its last sequence number. If not
  // (a filter), it stays on SSE until its next reconnect, which probes again.
  probeWS() {
    if (!this.forceSSE || this.probing || this.stopped || !('WebSocket' in window)) return;
    let ws;
    try { ws = new WebSocket(this.wsURL()); } catch { return; }
    this.probing = true;
    const done = () => { this.probing = false; ws.onopen = ws.onerror = ws.onclose = null; };
    ws.onopen = () => {
      done();
      try { ws.close(1000); } catch { /* closed */ }
      if (this.stopped || this.transport !== 'sse' || this.state !== 'online') return;
      this.forceSSE = false;
      this.wsFailures = 0;
      this.closeTransport();
      this.connect();
    };
    ws.onerror = done;
    ws.onclose = done;
  }

  async openSSE() {
    this.transport = 'sse';
    this.status(this.seq === null && this.attempt === 0 ? 'connecting' : 'reconnecting');
    let ticket;
    try {
      ticket = (await api.ticket(this.code, this.secret)).ticket;
    } catch (e) {
      if (e.status === 401) { this.fatal(4101, e.message); return; }
      if (e.status === 404 || e.status === 410) { this.fatal(4104, e.message); return; }
      this.retry(e.status === 429 ? 5000 : 0);
      return;
    }
    if (this.stopped) return;
    this.reached = true;
    let url = `/api/rooms/${encodeURIComponent(this.code)}/events?ticket=${encodeURIComponent(ticket)}`;
    if (this.seq !== null) url += `&after=${this.seq}`;
    const es = new EventSource(url);
    this.es = es;
    es.onmessage = (m) => {
      let f;
      try { f = JSON.parse(m.data); } catch { return; }
      if (f.type === 'closing') {
        if (PERMANENT[f.code]) this.fatal(f.code, f.reason);
        else this.retry(f.code === 4029 ? 5000 : 0);
        return;
      }
      this.handle(f);
    };
    // EventSource would reconnect by itself with the same URL, but a ticket works once:
    // take over and come back with a new ticket from the last sequence number.
    es.onerror = () => { if (this.es === es) this.retry(0); };
  }

  handle(f) {
    switch (f.type) {
      case 'welcome':
        clearTimeout(this.stableTimer);
        this.stableTimer = setTimeout(() => this.progress(), STABLE_MS);
        this.principal = f.principal;
        this.status('online');
        this.flushPending();
        if (this.transport === 'sse') this.probeWS();
        break;
      case 'snapshot':
        this.progress();
        this.seq = f.seq;
        this.onFrame(f);
        break;
      case 'event': {
        const e = f.event;
        if (this.seq === null || e.seq <= this.seq) return; // a duplicate after a resume
        if (e.seq !== this.seq + 1) { this.resync(); return; } // a gap means loss: start afresh
        this.progress();
        this.seq = e.seq;
        this.onFrame(f);
        break;
      }
      case 'ack': case 'error': {
        const p = this.pending.get(f.id);
        if (!p) { if (f.type === 'error' && !f.id) this.onFrame(f); return; }
        this.pending.delete(f.id);
        if (f.type === 'ack') p.resolve(f);
        else p.reject(Object.assign(new Error(f.message), { code: f.code }));
        break;
      }
      default:
        this.onFrame(f); // presence, pong
    }
  }

  flushPending() {
    for (const [id, p] of this.pending) this.transmit(id, p.frame);
  }

  // send submits a command and resolves with its ack (or rejects with the server's
  // error). While offline it waits and goes out on the next connection.
  send(type, data) {
    this.counter += 1;
    const id = `c${Date.now().toString(36)}${this.counter}${Math.random().toString(36).slice(2, 6)}`;
    const frame = { v: 1, type, id };
    if (data) frame.data = data;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { frame, resolve, reject });
      if (this.state === 'online') this.transmit(id, frame);
    });
  }

  async transmit(id, frame) {
    if (this.transport === 'ws' && this.ws && this.ws.readyState === 1) {
      this.ws.send(JSON.stringify(frame));
      return;
    }
    if (this.transport !== 'sse') return; // waits for the socket to come back
    try {
      const reply = await api.command(this.code, this.secret, frame);
      this.handle(reply);
    } catch (e) {
      const p = this.pending.get(id);
      if (!p) return;
      if (e.status === 0 || e.status >= 500 || e.status === 429) return; // kept; resent on reconnect
      this.pending.delete(id);
      p.reject(Object.assign(new Error(e.message), { code: e.code }));
    }
  }
}
