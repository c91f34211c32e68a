package server

import (
	"mime"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/classroom-debate/debate/fault"
)

// stateChanging lists the routes guardWrites guards: every POST, PUT, PATCH and DELETE
// route of e, by method and path pattern.
func stateChanging(e *echo.Echo) map[string]bool {
	out := map[string]bool{}
	for _, r := range e.Routes() {
		switch r.Method {
		case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
			out[r.Method+" "+r.Path] = true
		}
	}
	return out
}

// guardWrites stands between other sites' pages and every state-changing route. A
// browser lets any page send a "simple" cross-site POST (a form, or fetch with
// text/plain) without asking the server first; with a room code in hand such a page
// could add players, spend the school address's room budget or trip its wrong-code
// block. So a POST, PUT, PATCH or DELETE from a browser Origin that may not use the API
// is refused (403, the WebSocket upgrade's rule: checkOrigin), and a body not declared
// application/json is refused (415): a simple request cannot declare it, so a foreign
// page can only send it after a CORS preflight, which lists the allowed origins only.
// A request without a body needs no Content-Type (a ticket, a rejoin code). Requests
// that match no route pass through, to get their 404 or 405.
func (s *Server) guardWrites(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if !s.writeRoutes[req.Method+" "+c.Path()] {
			return next(c)
		}
		if !s.checkOrigin(req) {
			return fault.T(fault.Forbidden, "fault.server.originNotAllowed")
		}
		ct := req.Header.Get("Content-Type")
		if ct == "" && req.ContentLength == 0 {
			return next(c)
		}
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			return fault.T(fault.UnsupportedMedia, "fault.server.bodyNotDeclaredJSON")
		}
		return next(c)
	}
}
