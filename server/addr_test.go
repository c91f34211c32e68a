package server

import (
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
)

func TestClientKey(t *testing.T) {
	tests := []struct{ remote, want string }{
		{"203.0.113.5:4000", "203.0.113.5"},
		{"[::ffff:203.0.113.5]:4000", "203.0.113.5"},
		{"[2001:db8:1:2:aaaa::1]:4000", "2001:db8:1:2::/64"},
		{"[2001:db8:1:2:bbbb::9]:4000", "2001:db8:1:2::/64"},
		{"[2001:db8:1:3::1]:4000", "2001:db8:1:3::/64"},
	}
	e := echo.New()
	e.IPExtractor = ipExtractor(nil)
	for _, tt := range tests {
		req := httptest.NewRequest("POST", "/api/rooms", nil)
		req.RemoteAddr = tt.remote
		req.Header.Set("X-Forwarded-For", "198.51.100.1") // not trusted: ignored
		if got := clientKey(e.NewContext(req, httptest.NewRecorder())); got != tt.want {
			t.Errorf("clientKey(%s) = %s, want %s", tt.remote, got, tt.want)
		}
	}
}
