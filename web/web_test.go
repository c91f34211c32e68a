package web_test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/classroom-debate/debate/i18n"
	"github.com/classroom-debate/debate/web"
)

func TestIsPage(t *testing.T) {
	for path, want := range map[string]bool{
		"/": true, "/teacher": true, "/teacher/ABCD": true, "/join": true, "/join/ABCD": true,
		"/projector/ABCD": true, "/print/ABCD": true, "/preview": true,
		"/projector": false, "/join/ABCD/x": false, "/teacher/": false, "/static/js/app.js": false, "/api/rooms": false,
	} {
		if got := web.IsPage(path); got != want {
			t.Errorf("IsPage(%q) = %v, want %v", path, got, want)
		}
	}
}

func TestHandler(t *testing.T) {
	h := web.Handler()
	for _, tc := range []struct {
		method, path string
		want         int
	}{
		{"GET", "/join/ABCD", 200},
		{"HEAD", "/", 200},
		{"POST", "/", 405},
		{"GET", "/static/js/conn.js", 200},
		{"GET", "/static/../web.go", 404},
		{"GET", "/elsewhere", 404},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
		if rec.Code != tc.want {
			t.Errorf("%s %s: %d, want %d", tc.method, tc.path, rec.Code, tc.want)
		}
		if rec.Header().Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s %s: no frame protection", tc.method, tc.path)
		}
	}
	// The dyslexia-friendly font comes from the binary, typed as a font, with its licence.
	for _, name := range []string{"OpenDyslexic-Regular.otf", "OpenDyslexic-Bold.otf"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/static/fonts/"+name, nil))
		if rec.Code != 200 || rec.Header().Get("Content-Type") != "font/otf" || !bytes.HasPrefix(rec.Body.Bytes(), []byte("OTTO")) {
			t.Errorf("%s: %d %q, %d bytes", name, rec.Code, rec.Header().Get("Content-Type"), rec.Body.Len())
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/static/fonts/OpenDyslexic-LICENSE.txt", nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "CC-BY-3.0") {
		t.Errorf("the font's licence is not served: %d", rec.Code)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/teacher", nil))
	if !strings.Contains(rec.Body.String(), `src="/static/js/app.js"`) || rec.Header().Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("the shell is not served: %q", rec.Body.String())
	}
}

// Every message key the scripts use exists in the client's catalogue or the shared one,
// so no page shows a "[key]" placeholder; and the scripts never use innerHTML, so user
// text can only ever be text.
func TestScriptsUseCatalogueAndNoHTML(t *testing.T) {
	assets := web.Assets()
	raw, ok := web.Catalogue("en")
	if !ok {
		t.Fatal("no English catalogue")
	}
	var own map[string]string
	if err := json.Unmarshal(raw, &own); err != nil {
		t.Fatal(err)
	}
	shared := i18n.Catalogue("en")
	key := regexp.MustCompile(`\bt\('([a-zA-Z0-9_.]+)'`)
	scripts, err := fs.Glob(assets, "js/*.js")
	if err != nil || len(scripts) < 8 {
		t.Fatalf("scripts: %v %v", scripts, err)
	}
	for _, name := range scripts {
		b, err := fs.ReadFile(assets, name)
		if err != nil {
			t.Fatal(err)
		}
		src := string(b)
		for _, m := range key.FindAllStringSubmatch(src, -1) {
			if own[m[1]] == "" && shared[m[1]] == "" {
				t.Errorf("%s: message %q is in no catalogue", name, m[1])
			}
		}
		for _, bad := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("} {
			if strings.Contains(src, bad) {
				t.Errorf("%s uses %s", name, bad)
			}
		}
	}
}
