package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/server"
)

// A teacher on http://127.0.0.1 (the test server, as on http://localhost:8080) gets the
// machine's LAN addresses as join links; the room keeps the first, every QR code draws
// one the server offers and no other, and without a LAN address the answer says the
// link is not reachable.
func TestCreateOnLoopbackOffersLANLinks(t *testing.T) {
	ts := newServer(t, func(c *server.Config) {
		c.LANAddrs = func() []netip.Addr {
			return []netip.Addr{netip.MustParseAddr("fd00::5"), netip.MustParseAddr("192.168.1.20"), netip.MustParseAddr("10.0.0.7")}
		}
	})
	status, body := ts.do("POST", "/api/rooms", "", `{"settings":{"maxPlayers":30}}`)
	if status != http.StatusCreated {
		t.Fatalf("create = %d %s", status, body)
	}
	var r struct {
		Code, TeacherKey, JoinURL string
		JoinURLs                  []string
		JoinReachable             bool
	}
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatal(err)
	}
	port := ts.url[strings.LastIndex(ts.url, ":"):]
	want := []string{"http://192.168.1.20" + port + "/join/" + r.Code, "http://10.0.0.7" + port + "/join/" + r.Code, "http://[fd00::5]" + port + "/join/" + r.Code}
	if !reflect.DeepEqual(r.JoinURLs, want) || r.JoinURL != want[0] || !r.JoinReachable {
		t.Fatalf("create answer: joinUrl %q, joinUrls %q, reachable %v; want %q", r.JoinURL, r.JoinURLs, r.JoinReachable, want)
	}
	status, body = ts.do("GET", "/api/rooms/"+r.Code+"/view", r.TeacherKey, "")
	var view struct {
		Settings struct {
			JoinURL    string `json:"joinUrl"`
			MaxPlayers int    `json:"maxPlayers"`
		} `json:"settings"`
	}
	if err := json.Unmarshal(body, &view); status != 200 || err != nil || view.Settings.JoinURL != "http://192.168.1.20"+port || view.Settings.MaxPlayers != 30 {
		t.Fatalf("the room's settings (%d): %s", status, body)
	}
	if status, body := ts.do("GET", "/api/rooms/"+r.Code+"/qr.png?base="+url.QueryEscape("http://10.0.0.7"+port), "", ""); status != 200 || !bytes.HasPrefix(body, []byte("\x89PNG")) {
		t.Fatalf("the QR code of the second address = %d", status)
	}
	status, body = ts.do("GET", "/api/rooms/"+r.Code+"/qr.png?base="+url.QueryEscape("http://phish.example"), "", "")
	wantError(t, status, body, http.StatusBadRequest, fault.Invalid)

	none := newServer(t, func(c *server.Config) {
		c.LANAddrs = func() []netip.Addr { return []netip.Addr{netip.MustParseAddr("127.0.0.1")} }
	})
	status, body = none.do("POST", "/api/rooms", "", `{}`)
	if err := json.Unmarshal(body, &r); status != http.StatusCreated || err != nil || r.JoinReachable || len(r.JoinURLs) != 1 || !strings.HasPrefix(r.JoinURL, none.url) {
		t.Fatalf("with no LAN address: %d %s", status, body)
	}
}

// The join page checks a code as soon as it is typed: the answer is exists or not and
// nothing more, and wrong codes count towards the same block as wrong joins.
func TestCodeExists(t *testing.T) {
	_, loopback, _ := net.ParseCIDR("127.0.0.0/8")
	ts := newServer(t, func(c *server.Config) { c.TrustedProxies = []*net.IPNet{loopback} })
	r := ts.room("")
	from := func(addr string) []string { return []string{"X-Forwarded-For", addr} }
	for code, want := range map[string]string{r.Code: `{"exists":true}`, strings.ToLower(r.Code): `{"exists":true}`, "WRNGWRNG": `{"exists":false}`, "x": `{"exists":false}`} {
		status, body := ts.do("GET", "/api/rooms/"+code+"/exists", "", "", from("192.0.2.9")...)
		if status != http.StatusOK || strings.TrimSpace(string(body)) != want {
			t.Errorf("exists %s = %d %s, want %s", code, status, body, want)
		}
	}
	guesser := from("198.51.100.7")
	for i := 0; i < server.WrongCodeBurst; i++ {
		status, body := ts.do("GET", fmt.Sprintf("/api/rooms/WRNG%04d/exists", i), "", "", guesser...)
		if status != http.StatusOK || !strings.Contains(string(body), "false") {
			t.Fatalf("check %d = %d %s", i, status, body)
		}
	}
	status, body := ts.do("GET", "/api/rooms/WRNGWRNG/exists", "", "", guesser...)
	wantError(t, status, body, 429, fault.RateLimited)
	// Blocked: the right code gets the same answer, and so does a join.
	status, body = ts.do("GET", "/api/rooms/"+r.Code+"/exists", "", "", guesser...)
	wantError(t, status, body, 429, fault.RateLimited)
	status, body = ts.do("POST", "/api/rooms/"+r.Code+"/join", "", `{"nickname":"y"}`, guesser...)
	wantError(t, status, body, 429, fault.RateLimited)
}
