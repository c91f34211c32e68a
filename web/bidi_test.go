package web_test

import (
	"testing"
)

// Student text is rendered bidi-isolated: a direction override (U+202E) in an argument,
// reply, note or name is accepted by the server (it is text people may need) but must
// not turn the page's own text around it (finding 8 of issue 10). Every element the
// pages build with a student-text class through the shared helper (dom.js h) is
// isolated, and the text after it keeps its place on the line.
func TestStudentTextIsBidiIsolated(t *testing.T) {
	root := browser(t)
	srv := liveServer(t)
	tb := newTab(t, root, srv.url, "bidi", nil)
	tb.open("/")
	type result struct {
		NotIsolated []string `json:"notIsolated"`
		AfterLeft   float64  `json:"afterLeft"`
		TextRight   float64  `json:"textRight"`
	}
	got := eval[result](tb, `(async () => {
	  const { h, isolated } = await import('/static/js/dom.js');
	  const rlo = '\u202E';
	  const classes = ['nick', 'post-text', 'flag-note', 'annotation-text', 'announcement', 'assess-note', 'student-text'];
	  const box = h('div', { id: 'bidi-box', style: 'width: 600px' });
	  document.body.appendChild(box);
	  const notIsolated = [];
	  for (const c of classes) {
	    const el = h('span', { class: c }, rlo + 'abc');
	    box.appendChild(h('p', null, el));
	    if (getComputedStyle(el).unicodeBidi !== 'isolate') notIsolated.push(c + ': ' + getComputedStyle(el).unicodeBidi);
	  }
	  const text = h('span', { class: 'post-text' }, rlo + 'spoof');
	  const after = h('span', null, ' — Anya');
	  box.appendChild(h('p', { style: 'white-space: nowrap' }, text, after));
	  // Inside a sentence: the words after the isolated text keep their place.
	  const inner = h('span', null, 'x');
	  const line = h('p', { style: 'white-space: nowrap' }, 'Reported: ' + isolated(rlo + 'spoof') + ' ', inner);
	  box.appendChild(line);
	  const range = document.createRange(); range.selectNodeContents(line.firstChild);
	  if (inner.getBoundingClientRect().left + 0.5 < range.getBoundingClientRect().right) notIsolated.push('isolated(): the override leaked');
	  return { notIsolated, afterLeft: after.getBoundingClientRect().left, textRight: text.getBoundingClientRect().right };
	})()`)
	if len(got.NotIsolated) > 0 {
		t.Fatalf("student text not isolated: %v", got.NotIsolated)
	}
	if got.AfterLeft+0.5 < got.TextRight {
		t.Fatalf("the text after a post with U+202E moved left of it (%.1f < %.1f): the override leaked", got.AfterLeft, got.TextRight)
	}
}
