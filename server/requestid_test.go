package server_test

import (
	"regexp"
	"strings"
	"testing"
)

// A proxy's X-Request-Id is echoed only when it is a plain token; anything else (markup,
// spaces, quotes, a very long value) is replaced by the server's own id (finding 8 of
// issue 10).
func TestRequestIDEchoedOnlyWhenSafe(t *testing.T) {
	ts := newServer(t, nil)
	own := regexp.MustCompile(`^[0-9a-f]{16}$`)
	for _, id := range []string{"3f1c9a7e-5b2d-4c6a-8e0f-1a2b3c4d5e6f", "req_42", "a1.b2:c3"} {
		_, h, _ := ts.doHeader("GET", "/healthz", "", "", "X-Request-Id", id)
		if got := h.Get("X-Request-Id"); got != id {
			t.Errorf("safe id %q came back as %q", id, got)
		}
	}
	for _, id := range []string{`<script>alert(1)</script>`, `a b`, `"quoted"`, `x;y`, `../etc`, strings.Repeat("a", 65)} {
		_, h, _ := ts.doHeader("GET", "/healthz", "", "", "X-Request-Id", id)
		if got := h.Get("X-Request-Id"); !own.MatchString(got) {
			t.Errorf("hostile id %q came back as %q", id, got)
		}
	}
}
