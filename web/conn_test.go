package web_test

import (
	"testing"
)

// The page's connection (static/js/conn.js) against a server that accepts each socket
// and then closes it (as the server once did to a resume from far behind: 4001,
// "reconnect and resume"): it must not retry the same resume in a tight loop. Its
// backoff grows although each socket got a welcome, and after two such closes it asks
// for a snapshot instead of resuming. The socket is a stand-in installed in the page,
// so the test controls every close.
func TestConnectionRecoversWithoutLooping(t *testing.T) {
	root := browser(t)
	srv := liveServer(t)
	tb := newTab(t, root, srv.url, "conn", nil)
	tb.open("/")
	type result struct {
		Hellos []map[string]any `json:"hellos"`
		Delays []float64        `json:"delays"`
	}
	got := eval[result](tb, `(async () => {
	  const { Connection } = await import('/static/js/conn.js');
	  const hellos = [], delays = [];
	  class ClosingSocket {
	    constructor() { this.readyState = 0; setTimeout(() => { this.readyState = 1; this.onopen && this.onopen(); }, 0); }
	    send(data) {
	      const m = JSON.parse(data);
	      if (m.type !== 'hello') return;
	      hellos.push(m);
	      setTimeout(() => {
	        this.onmessage && this.onmessage({ data: JSON.stringify({ v: 1, type: 'welcome', roomId: 'r', code: 'ABC', principal: { kind: 'player', playerId: 'p' } }) });
	        this.readyState = 3;
	        this.onclose && this.onclose({ code: 4001, reason: 'restarting' });
	      }, 0);
	    }
	    close() { this.readyState = 3; }
	  }
	  window.WebSocket = ClosingSocket;
	  const c = new Connection({ code: 'ABC', secret: 'pt_x', onFrame() {}, backoffMs: 20,
	    onStatus(s, d) { if (s === 'reconnecting' && d && d.in) delays.push(d.in); } });
	  c.seq = 41;
	  c.start();
	  await new Promise((r) => setTimeout(r, 1500));
	  c.stop();
	  return { hellos, delays };
	})()`)
	if len(got.Hellos) < 3 {
		t.Fatalf("only %d hellos in 1.5 s with a 20 ms backoff", len(got.Hellos))
	}
	if after, ok := got.Hellos[0]["after"]; !ok || after != float64(41) {
		t.Fatalf("the first hello did not resume after 41: %v", got.Hellos[0])
	}
	last := got.Hellos[len(got.Hellos)-1]
	if _, ok := last["after"]; ok {
		t.Fatalf("after %d closes the client still resumes the same position: %v", len(got.Hellos), got.Hellos)
	}
	// 20 ms doubling to a 600 ms cap gives at most 9 attempts in 1.5 s; a loop gives many.
	if len(got.Hellos) > 9 {
		t.Fatalf("%d hellos in 1.5 s: the backoff starts over on every welcome", len(got.Hellos))
	}
	// The delays the client chose (not the wall clock, which a busy machine stretches):
	// each at least the one before, up to the cap.
	for i := 1; i < len(got.Delays) && i < 5; i++ {
		if got.Delays[i] < got.Delays[i-1] {
			t.Fatalf("retry delays shrink: %v", got.Delays)
		}
	}
}
