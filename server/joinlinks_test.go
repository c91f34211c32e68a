package server

import (
	"net/http/httptest"
	"net/netip"
	"reflect"
	"testing"

	"github.com/labstack/echo/v4"
)

func TestJoinBases(t *testing.T) {
	lan := func(addrs ...string) LANAddrs {
		return func() []netip.Addr {
			var out []netip.Addr
			for _, a := range addrs {
				out = append(out, netip.MustParseAddr(a))
			}
			return out
		}
	}
	tests := []struct {
		name      string
		links     joinLinks
		host      string
		want      []string
		reachable bool
	}{
		{"public URL wins", joinLinks{public: "https://debate.school.example", lan: lan("192.168.1.20")}, "localhost:8080",
			[]string{"https://debate.school.example"}, true},
		{"a LAN host is used as it is", joinLinks{lan: lan("192.168.1.20", "10.0.0.7")}, "192.168.1.20:8080",
			[]string{"http://192.168.1.20:8080"}, true},
		{"localhost: the LAN addresses, IPv4 first, loopback and link-local left out", joinLinks{lan: lan("fd00::5", "127.0.0.1", "fe80::1", "10.0.0.7", "::ffff:192.168.1.20", "10.0.0.7")}, "localhost:8080",
			[]string{"http://10.0.0.7:8080", "http://192.168.1.20:8080", "http://[fd00::5]:8080"}, true},
		{"127.0.0.1 without a port", joinLinks{lan: lan("10.0.0.7")}, "127.0.0.1",
			[]string{"http://10.0.0.7"}, true},
		{"[::1]", joinLinks{lan: lan("10.0.0.7")}, "[::1]:9000",
			[]string{"http://10.0.0.7:9000"}, true},
		{"no LAN address: the loopback link, not reachable", joinLinks{lan: lan("127.0.0.1", "fe80::1")}, "localhost:8080",
			[]string{"http://localhost:8080"}, false},
	}
	e := echo.New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("POST", "/api/rooms", nil)
			req.Host = tt.host
			c := e.NewContext(req, httptest.NewRecorder())
			got, reachable := tt.links.joinBases(c)
			if !reflect.DeepEqual(got, tt.want) || reachable != tt.reachable {
				t.Fatalf("joinBases = %q, %v; want %q, %v", got, reachable, tt.want, tt.reachable)
			}
			for _, b := range got {
				if !tt.links.allowedBase(c, b) {
					t.Errorf("offered base %q is not allowed for its QR code", b)
				}
			}
			if tt.links.public == "" && len(tt.links.lanAddrs()) > 0 {
				// Reached on one LAN address, the server still draws the room's link on another.
				other := "http://" + tt.links.lanAddrs()[len(tt.links.lanAddrs())-1].String() + ":8080"
				if tt.links.lanAddrs()[len(tt.links.lanAddrs())-1].Is6() {
					other = "http://[" + tt.links.lanAddrs()[len(tt.links.lanAddrs())-1].String() + "]:8080"
				}
				if !tt.links.allowedBase(c, other) {
					t.Errorf("this machine's own address %q is not allowed", other)
				}
			}
			for _, b := range []string{"http://evil.example", "http://10.0.0.7:8080/x", "javascript:alert(1)", "http://u:p@10.0.0.7:8080"} {
				if tt.links.allowedBase(c, b) && b != "http://10.0.0.7:8080" {
					t.Errorf("base %q is allowed", b)
				}
			}
		})
	}
}
