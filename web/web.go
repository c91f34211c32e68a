// Package web owns the browser client: the teacher console, the projector view, the
// student screens, the content preview and the printable pack. It is plain HTML, CSS and
// JavaScript modules with no build step, embedded in the binary with go:embed, and the
// English message catalogue the pages read their text from. The package serves files
// only; the JSON routes the pages call live in package server. It imports only the
// standard library.
package web

import (
	"embed"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var static embed.FS

// The standard library's table lacks fonts; with nosniff the type must be right.
func init() { _ = mime.AddExtensionType(".otf", "font/otf") }

// Assets returns the client's files (index.html, js/, css/, i18n/).
func Assets() fs.FS {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		panic("web: " + err.Error()) // the embed pattern guarantees the folder
	}
	return sub
}

// Catalogue returns the embedded message catalogue for a language ("en"), or false.
func Catalogue(lang string) ([]byte, bool) {
	if !validLang(lang) {
		return nil, false
	}
	b, err := fs.ReadFile(Assets(), "i18n/"+lang+".json")
	return b, err == nil
}

func validLang(lang string) bool {
	if len(lang) < 2 || len(lang) > 8 {
		return false
	}
	for _, c := range lang {
		if !(c >= 'a' && c <= 'z' || c == '-') {
			return false
		}
	}
	return true
}

// Pages are the paths that answer with the application shell (index.html); the script
// reads the path and draws the page. A code or key never needs to be in the path: keys
// stay in the browser's storage or in the URL fragment, which browsers do not send.
var Pages = []string{"/", "/teacher", "/teacher/*", "/projector/*", "/join", "/join/*", "/preview", "/print/*", "/materials", "/rejoin"}

// securityHeaders applies to every page and asset: scripts only from this server, no
// inline script (user text can never become code), no framing, no referrer (a join
// fragment is never sent anyway, but a path may hold a room code).
func securityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
}

// Handler serves the client: /static/… from the embedded files, and the application
// shell for every page path. Anything else is 404.
func Handler() http.Handler {
	assets := Assets()
	files := http.StripPrefix("/static/", http.FileServer(http.FS(assets)))
	shell, err := fs.ReadFile(assets, "index.html")
	if err != nil {
		panic("web: index.html missing")
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		securityHeaders(w.Header())
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		p := path.Clean("/" + r.URL.Path)
		if strings.HasPrefix(p, "/static/") {
			// Files change only with the binary; a short cache keeps a class's
			// thirty Chromebooks from refetching on every reload without pinning
			// an old client after an upgrade.
			w.Header().Set("Cache-Control", "public, max-age=300")
			files.ServeHTTP(w, r)
			return
		}
		if !IsPage(p) {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write(shell)
	})
}

// IsPage reports whether p (a cleaned path) is one of Pages.
func IsPage(p string) bool {
	for _, pat := range Pages {
		if strings.HasSuffix(pat, "/*") {
			prefix := strings.TrimSuffix(pat, "*")
			if strings.HasPrefix(p, prefix) && len(p) > len(prefix) && !strings.Contains(p[len(prefix):], "/") {
				return true
			}
			continue
		}
		if p == pat {
			return true
		}
	}
	return false
}
