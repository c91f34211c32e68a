// dom.js builds elements. Text is always inserted as text nodes, never parsed as HTML, so
// a nickname or an argument written as HTML shows as the characters typed.

// h(tag, attrs, ...children): attrs keys starting with "on" add listeners; "class",
// "for" and every other key become attributes; true adds a bare attribute, false/null
// skip it. Children may be strings, numbers, nodes, arrays, null or false.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') {
        el.addEventListener(k.slice(2).toLowerCase(), v);
      } else if (k === 'value') {
        el.value = v;
      } else if (k === 'checked' || k === 'selected' || k === 'disabled') {
        el[k] = !!v;
        if (v) el.setAttribute(k, '');
      } else {
        el.setAttribute(k, v === true ? '' : String(v));
      }
    }
    if (attrs.class && STUDENT_TEXT.some((c) => el.classList.contains(c))) isolate(el);
  }
  append(el, children);
  return el;
}

// STUDENT_TEXT are the classes of elements that show what people in the room wrote:
// nicknames, posts, notes, annotations, announcements, exit tickets. Such text may hold
// direction controls (U+202E reverses what follows) or be in a right-to-left script;
// h() isolates every element with one of these classes (the class student-text, which
// app.css gives unicode-bidi: isolate, and dir=auto), so the text cannot reorder the
// page around it. A page adds the class; the helper does the rest.
export const STUDENT_TEXT = ['nick', 'post-text', 'flag-note', 'annotation-text', 'announcement', 'assess-note', 'student-text'];

// isolated wraps student text that goes inside a sentence (a string, not an element) in
// FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE: the same isolation, for text in text.
export function isolated(text) {
  return `\u2068${text}\u2069`;
}

function isolate(el) {
  el.classList.add('student-text');
  if (!el.hasAttribute('dir')) el.setAttribute('dir', 'auto');
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

// svg creates an SVG element with attributes.
export function svg(tag, attrs, ...children) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== null && v !== undefined && v !== false) el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// fill replaces a container's children and keeps keyboard focus: an element with a
// data-k attribute that had focus gets it back in the new content, so a live update never
// throws a keyboard user back to the top of the page.
export function fill(container, ...children) {
  if (!container) return;
  const active = document.activeElement;
  const key = active && container.contains(active) ? active.getAttribute('data-k') : null;
  container.replaceChildren();
  append(container, children);
  if (key) {
    const again = container.querySelector(`[data-k="${CSS.escape(key)}"]`);
    if (again) again.focus({ preventScroll: true });
  }
}

// announce reads a short message to screen readers through the page's live region.
export function announce(text) {
  const live = document.getElementById('live');
  if (!live) return;
  live.textContent = '';
  setTimeout(() => { live.textContent = text; }, 50);
}

// download offers a text file to save.
export function download(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: name });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

let idCounter = 0;
export function uid(prefix) { idCounter += 1; return `${prefix}-${idCounter}`; }

// field wraps a control with its visible label.
export function field(label, control, hint) {
  if (!control.id) control.id = uid('f');
  const hintEl = hint ? h('span', { class: 'hint', id: control.id + '-hint' }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hintEl);
}
