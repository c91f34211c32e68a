// state.js keeps a room's view up to date: the snapshot the server sends, folded with
// each event that follows (the same rules as room.View, seen from the client's side).
// Anything it cannot fold exactly (a new year's content, a role change) makes it ask the
// server for a fresh snapshot instead of guessing.
import { api } from './api.js';

export class RoomState {
  constructor({ code, secret, onChange }) {
    this.code = code;
    this.secret = secret;
    this.onChange = onChange;
    this.view = null;
    this.online = new Set();
    this.pendingTallies = null;
    this.refreshing = null;
    this.buffer = [];
  }

  get staff() { return this.view && this.view.as === 'teacher'; }
  get me() { return this.view && this.view.me; }

  snapshot(view) {
    this.view = view;
    normalise(view);
    this.changed('snapshot');
  }

  changed(why) { if (this.onChange) this.onChange(why); }

  player(id) { return this.view.players.find((p) => p.id === id); }

  // refresh fetches the current snapshot over HTTP while events keep arriving; events
  // newer than the snapshot are folded in after it.
  refresh() {
    if (this.refreshing) return this.refreshing;
    this.buffer = [];
    this.refreshing = api.view(this.code, this.secret).then((v) => {
      const later = this.buffer.filter((e) => e.seq > v.seq);
      this.refreshing = null;
      this.view = normalise(v);
      for (const e of later) this.fold(e);
      this.changed('snapshot');
    }).catch(() => { this.refreshing = null; });
    return this.refreshing;
  }

  apply(e) {
    if (this.refreshing) this.buffer.push(e);
    if (!this.view) return;
    this.fold(e);
    this.changed(e.type);
  }

  fold(e) {
    const v = this.view;
    v.seq = e.seq;
    const d = e.data || {};
    const me = v.me;
    const fn = folds[e.type];
    if (fn) fn.call(this, v, d, e, me);
    else if (e.type !== 'redacted') this.refresh(); // a kind of event this client does not know yet
  }
}

function normalise(v) {
  for (const k of ['players', 'arguments', 'results', 'announcements', 'injected']) v[k] = v[k] || [];
  for (const a of v.arguments) a.replies = a.replies || [];
  return v;
}

function upsertPlayer(v, p) {
  const i = v.players.findIndex((x) => x.id === p.id);
  if (i >= 0) v.players[i] = { ...v.players[i], ...p };
  else v.players.push(p);
}

function findPost(v, id) {
  for (const a of v.arguments) {
    if (a.id === id) return { post: a, arg: a };
    for (const r of a.replies) if (r.id === id) return { post: r, arg: a, reply: true };
  }
  return null;
}

function addPost(v, d, at) {
  if (d.argumentId) {
    const parent = v.arguments.find((a) => a.id === d.argumentId);
    if (!parent) return;
    if (!parent.replies.some((r) => r.id === d.id)) parent.replies.push({ ...d, at });
  } else if (!v.arguments.some((a) => a.id === d.id)) {
    v.arguments.push({ ...d, at, marks: 0, replies: [] });
    // A post approved late arrives after later ones; keep the wall in posting order.
    v.arguments.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  }
}

const folds = {
  roomCreated() {},
  playerJoined(v, d) {
    upsertPlayer(v, { id: d.playerId, nickname: d.nickname, role: d.role, region: d.region, fate: d.fate, status: d.pending ? 'pending' : 'active' });
  },
  playerApproved(v, d) {
    upsertPlayer(v, { id: d.playerId, nickname: d.nickname, role: d.role, region: d.region, status: 'active' });
    if (v.me && v.me.id === d.playerId) this.refresh();
  },
  playerRemoved(v, d) {
    if (v.as === 'teacher') upsertPlayer(v, { id: d.playerId, status: 'removed' });
    else v.players = v.players.filter((p) => p.id !== d.playerId);
    if (v.me && v.me.id === d.playerId) v.me.status = 'removed';
  },
  roleAssigned(v, d) {
    upsertPlayer(v, { id: d.playerId, nickname: d.nickname, role: d.role, region: d.region, fate: d.fate });
    if (v.me && v.me.id === d.playerId) this.refresh(); // the actions open change with the role
  },
  phaseChanged(v, d) {
    const newYear = d.year !== v.year || v.phase === 'lobby';
    v.phase = d.phase;
    v.year = d.year;
    v.deadline = d.deadline || null;
    v.paused = false;
    v.remainingMs = 0;
    if (d.ended) v.ended = true;
    if (newYear || d.phase === 'vote') {
      if (v.me) { v.me.votes = {}; }
      if (newYear && v.as === 'teacher') { v.votes = {}; v.actions = {}; }
      this.refresh(); // the year's content (decisions, actions open) comes with a snapshot
    }
  },
  timerPaused(v, d) { v.paused = true; v.deadline = null; v.remainingMs = d.remainingMs; },
  timerResumed(v, d) { v.paused = false; v.deadline = d.deadline; v.remainingMs = 0; },
  timerExtended(v, d) { if (d.deadline) v.deadline = d.deadline; else v.remainingMs = d.remainingMs; },
  suspended(v, d) { v.suspended = true; v.deadline = null; v.remainingMs = d.remainingMs; },
  unsuspended(v, d) {
    v.suspended = false;
    if (d.deadline) { v.deadline = d.deadline; v.paused = false; v.remainingMs = 0; } else { v.remainingMs = d.remainingMs; v.paused = true; }
  },
  lockSet(v, d) { v.locked = d.on; },
  joinApprovalSet(v, d) { v.joinApproval = d.on; },
  holdPostsSet(v, d) { v.holdPosts = d.on; },
  settingsChanged(v, d) {
    const hide = !(d.settings && d.settings.graphicContent);
    const changed = v.hideGraphic !== hide;
    v.settings = d.settings;
    v.hideGraphic = hide;
    // A briefing's graphic passages come from the server: fetch it again.
    if (changed && v.as !== 'teacher') this.refresh();
  },
  // The teacher's rubric and scores (staff only): the last score per target and
  // criterion stands; a clear withdraws it.
  rubricSet(v, d) { v.rubric = d.criteria || []; },
  assessed(v, d, e) {
    const same = (a) => a.playerId === d.playerId && (a.argumentId || '') === (d.argumentId || '') && a.criterion === d.criterion;
    const list = v.assessments || [];
    const i = list.findIndex(same);
    if (d.clear) { if (i >= 0) list.splice(i, 1); } else {
      const rec = { playerId: d.playerId, argumentId: d.argumentId, criterion: d.criterion, score: d.score, note: d.note, seq: e.seq, at: e.at };
      if (i >= 0) list[i] = rec; else list.push(rec);
    }
    v.assessments = list;
  },
  directiveSet(v, d) {
    v.directives = v.directives || {};
    v.directives[d.directive] = d.on;
    if (v.current) for (const x of v.current.directives) if (x.id === d.directive) x.inForce = d.on;
  },
  eventInjected(v, d) { v.injected.push(d); },
  announced(v, d, e) { v.announcements.push({ seq: e.seq, at: e.at, year: v.year, text: d.text }); },
  argumentPosted(v, d, e) { addPost(v, d, e.at); },
  replyPosted(v, d, e) { addPost(v, d, e.at); },
  postApproved(v, d, e) {
    const f = findPost(v, d.id);
    if (f) delete f.post.held;
    else addPost(v, d, e.at);
  },
  postHidden(v, d) {
    const f = findPost(v, d.id);
    if (!f) return;
    if (v.as === 'teacher') { f.post.hidden = true; return; }
    if (f.reply) f.arg.replies = f.arg.replies.filter((r) => r.id !== d.id);
    else v.arguments = v.arguments.filter((a) => a.id !== d.id);
  },
  markAdded(v, d) {
    const a = v.arguments.find((x) => x.id === d.argumentId);
    if (!a) return;
    a.marks += 1;
    if (v.me && d.playerId === v.me.id) a.markedByMe = true;
    if (v.as === 'teacher') a.markedBy = [...(a.markedBy || []), d.playerId];
  },
  markRemoved(v, d) {
    const a = v.arguments.find((x) => x.id === d.argumentId);
    if (!a) return;
    a.marks = Math.max(0, a.marks - 1);
    if (v.me && d.playerId === v.me.id) a.markedByMe = false;
    if (a.markedBy) a.markedBy = a.markedBy.filter((p) => p !== d.playerId);
  },
  voteCast(v, d) {
    const vote = d.abstain ? { abstain: true } : { option: d.option };
    if (v.me && v.me.id === d.playerId) v.me.votes[d.decision] = vote;
    if (v.as === 'teacher') {
      v.votes = v.votes || {};
      v.votes[d.playerId] = v.votes[d.playerId] || {};
      v.votes[d.playerId][d.decision] = vote;
    }
  },
  actionTaken(v, d) {
    if (v.me && v.me.id === d.playerId) v.me.action = d.action;
    if (v.as === 'teacher') { v.actions = v.actions || {}; v.actions[d.playerId] = d.action; }
  },
  votersCounted(v, d) { v.voteProgress = d; },
  votesClosed(v, d) { this.pendingTallies = d; },
  yearResolved(v, d) {
    const tallies = this.pendingTallies && this.pendingTallies.year === d.year ? this.pendingTallies.tallies : [];
    this.pendingTallies = null;
    const before = v.results.find((r) => r.year === d.year);
    v.results = v.results.filter((r) => r.year !== d.year);
    v.results.push({ year: d.year, stepped: d.stepped, tallies, choices: d.choices, outcome: d.outcome, annotations: before ? before.annotations : undefined });
    for (const f of d.fates || []) {
      upsertPlayer(v, { id: f.playerId, fate: f.fate });
      if (v.me && v.me.id === f.playerId) v.me.fate = f.fate;
    }
  },
  roomDeleted(v) { v.deleted = true; },
  postSpotlit(v, d) { const f = findPost(v, d.argumentId); if (f) f.post.spotlit = d.on; },
  steppedOut(v, d) { upsertPlayer(v, { id: d.playerId, steppedOut: d.on }); if (v.me && v.me.id === d.playerId) v.me.steppedOut = d.on; },
  playerMuted(v, d) { upsertPlayer(v, { id: d.playerId, muted: d.on }); if (v.me && v.me.id === d.playerId) v.me.muted = d.on; },
  playerRenamed(v, d) {
    upsertPlayer(v, { id: d.playerId, nickname: d.nickname });
    if (v.me && v.me.id === d.playerId) v.me.nickname = d.nickname;
    for (const a of v.arguments) { if (a.playerId === d.playerId) a.nickname = d.nickname; for (const r of a.replies) if (r.playerId === d.playerId) r.nickname = d.nickname; }
  },
  postReported(v, d) {
    const f = findPost(v, d.argumentId);
    if (!f) return;
    if (v.me && v.me.id === d.playerId) f.post.reportedByMe = true;
    if (v.as === 'teacher') f.post.reports = [...(f.post.reports || []), { playerId: d.playerId, reason: d.reason }];
  },
  contentNoteShown(v) { v.contentNote = { ...(v.contentNote || {}), shown: true }; },
  filterWordsSet(v, d) { v.filter = { words: d.words || [], allowed: d.allowed || [] }; },
  // The Historian's work: one flag per historian per argument, cards by card id, one
  // annotation per historian per year; a later event replaces an earlier one.
  claimFlagged(v, d, e) {
    const f = findPost(v, d.argumentId);
    if (!f) return;
    const flags = (f.post.historianFlags || []).filter((x) => x.playerId !== d.playerId);
    if (!d.withdrawn) flags.push({ playerId: d.playerId, note: d.note, held: d.held, filtered: d.filtered, seq: e.seq, at: e.at });
    f.post.historianFlags = flags;
  },
  cardAttached(v, d, e) {
    const f = findPost(v, d.argumentId);
    if (!f) return;
    const cards = (f.post.historianCards || []).filter((x) => x.cardId !== d.cardId);
    if (!d.withdrawn) cards.push({ cardId: d.cardId, playerId: d.playerId, seq: e.seq, at: e.at });
    f.post.historianCards = cards;
  },
  yearAnnotated(v, d, e) {
    const r = v.results.find((x) => x.year === d.year);
    if (!r) { this.refresh(); return; }
    const notes = r.annotations || [];
    const rec = { year: d.year, playerId: d.playerId, text: d.text, held: d.held, filtered: d.filtered, seq: e.seq, at: e.at };
    const i = notes.findIndex((x) => x.playerId === d.playerId);
    if (i >= 0) notes[i] = rec; else notes.push(rec);
    r.annotations = notes;
  },
};
