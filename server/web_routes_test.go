package server_test

import (
	"bytes"
	"encoding/json"
	"image/png"
	"net/http"
	"strings"
	"testing"

	"github.com/classroom-debate/debate/fault"
)

// The pages: the shell for every page path (with a strict content security policy),
// the embedded files, and 404 for anything else, including unknown API paths.
func TestWebPages(t *testing.T) {
	ts := newServer(t, nil)
	for _, tc := range []struct {
		path, wantType string
		want           int
	}{
		{"/", "text/html", 200},
		{"/teacher", "text/html", 200},
		{"/teacher/ABCDEFGH", "text/html", 200},
		{"/join/ABCDEFGH", "text/html", 200},
		{"/projector/ABCDEFGH", "text/html", 200},
		{"/print/ABCDEFGH", "text/html", 200},
		{"/preview", "text/html", 200},
		{"/static/js/app.js", "javascript", 200},
		{"/static/css/app.css", "text/css", 200},
		{"/static/i18n/en.json", "json", 200},
		{"/join/ABCDEFGH/extra", "", 404},
		{"/nothing-here", "", 404},
		{"/static/nope.js", "", 404},
		{"/api/nothing", "", 404},
	} {
		req, _ := http.NewRequestWithContext(ctxT(t), http.MethodGet, ts.url+tc.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("GET %s: %d, want %d", tc.path, resp.StatusCode, tc.want)
			continue
		}
		if tc.want == 200 && !strings.Contains(resp.Header.Get("Content-Type"), tc.wantType) {
			t.Errorf("GET %s: Content-Type %q, want %s", tc.path, resp.Header.Get("Content-Type"), tc.wantType)
		}
		if tc.want == 200 && !strings.Contains(resp.Header.Get("Content-Security-Policy"), "script-src 'self'") {
			t.Errorf("GET %s: no content security policy", tc.path)
		}
	}
}

func TestWebContent(t *testing.T) {
	ts := newServer(t, nil)
	status, body := ts.do("GET", "/api/content/scenario", "", "")
	var sc struct {
		Years []struct {
			Year      int
			Decisions []struct{ ID, Historical string }
			Evidence  []struct{ ID, Source string }
		}
		Assumptions []struct{ Text, Trust string }
	}
	if status != 200 || json.Unmarshal(body, &sc) != nil {
		t.Fatalf("scenario: %d %.200s", status, body)
	}
	if len(sc.Years) != 7 || len(sc.Assumptions) == 0 {
		t.Fatalf("scenario has %d years and %d assumptions", len(sc.Years), len(sc.Assumptions))
	}
	for _, y := range sc.Years {
		if len(y.Decisions) == 0 || len(y.Evidence) == 0 {
			t.Errorf("%d: %d decisions, %d evidence cards", y.Year, len(y.Decisions), len(y.Evidence))
		}
		for _, e := range y.Evidence {
			if !strings.HasPrefix(e.ID, "event:") || e.Source == "" {
				t.Errorf("%d: evidence %q without a history id or source", y.Year, e.ID)
			}
		}
	}

	status, body = ts.do("GET", "/api/content/reference", "", "")
	if status != 200 || !bytes.Contains(body, []byte(`"quantity":"grainHarvestMt"`)) {
		t.Fatalf("reference: %d %.200s", status, body)
	}

	status, body = ts.do("GET", "/api/content/roles", "", "")
	var rc struct {
		Roles []struct {
			ID      string
			Profile *struct{ Summary string }
		}
		Cards    []struct{ ID string }
		Glossary []struct{ ID, Term string }
	}
	if status != 200 || json.Unmarshal(body, &rc) != nil || len(rc.Roles) != 5 || len(rc.Cards) == 0 || len(rc.Glossary) == 0 {
		t.Fatalf("roles: %d %.300s", status, body)
	}
	for _, r := range rc.Roles {
		if r.Profile == nil || r.Profile.Summary == "" {
			t.Errorf("role %s has no profile", r.ID)
		}
	}

	status, body = ts.do("GET", "/api/content/briefings/peasant?region=ukraine", "", "")
	var br struct {
		Briefings []struct {
			Year       int
			Paragraphs []struct{ Text string }
		}
	}
	if status != 200 || json.Unmarshal(body, &br) != nil || len(br.Briefings) != 7 || len(br.Briefings[4].Paragraphs) == 0 {
		t.Fatalf("briefings: %d %.300s", status, body)
	}
	status, body = ts.do("GET", "/api/content/briefings/tsar", "", "")
	wantError(t, status, body, 404, fault.NotFound)
	// A student's own briefing is the room's (GET /api/rooms/{code}/briefing): no public
	// route builds one from a path the browser describes.
	status, _ = ts.do("POST", "/api/content/briefing", "", `{"role":"official","year":1928,"context":{"region":"volga","showGraphic":true}}`)
	if status != 404 && status != 405 {
		t.Errorf("POST /api/content/briefing: %d, want no such route", status)
	}
}

// The catalogue merges the client's strings with the shared i18n catalogue.
func TestWebCatalogue(t *testing.T) {
	ts := newServer(t, nil)
	status, body := ts.do("GET", "/api/i18n/en", "", "")
	var m map[string]string
	if status != 200 || json.Unmarshal(body, &m) != nil {
		t.Fatalf("catalogue: %d %.200s", status, body)
	}
	for _, key := range []string{"wall.post", "ctl.start", "role.peasant.name", "contentNote.body", "exit.1928.step-out"} {
		if m[key] == "" {
			t.Errorf("catalogue lacks %s", key)
		}
	}
	for key := range m { // error sentences come rendered with each error; the page needs none
		if strings.HasPrefix(key, "fault.") {
			t.Fatalf("the page's catalogue carries the server's error sentence %s", key)
		}
	}
	status, body = ts.do("GET", "/api/i18n/zz", "", "")
	if status != 200 || json.Unmarshal(body, &m) != nil || m["wall.post"] == "" {
		t.Fatalf("an unknown language should fall back to English: %d %.200s", status, body)
	}
}

func TestWebSimulate(t *testing.T) {
	ts := newServer(t, nil)
	status, body := ts.do("POST", "/api/simulate", "", `{"decisions":{"1928":{"quota-1928":"buy-at-market"}}}`)
	var res struct {
		Outcomes []map[string]any
		History  []map[string]any
	}
	if status != 200 || json.Unmarshal(body, &res) != nil {
		t.Fatalf("simulate: %d %.300s", status, body)
	}
	if len(res.Outcomes) != 7 || len(res.History) != 7 {
		t.Fatalf("got %d outcomes and %d history years, want 7 each", len(res.Outcomes), len(res.History))
	}
	if res.Outcomes[0]["procurementMt"] == res.History[0]["procurementMt"] {
		t.Errorf("buying only at market procured as much as history's emergency measures: %v", res.Outcomes[0]["procurementMt"])
	}
	status, body = ts.do("POST", "/api/simulate", "", `{"through":1929}`)
	if status != 200 || json.Unmarshal(body, &res) != nil || len(res.Outcomes) != 2 {
		t.Fatalf("simulate through 1929: %d %.200s", status, body)
	}
	for _, tc := range []struct {
		body   string
		status int
		code   fault.Code
	}{
		{`{"decisions":{"1928":{"no-such":"x"}}}`, 404, fault.NotFound},
		{`{"decisions":{"1928":{"quota-1928":"no-such-option"}}}`, 404, fault.NotFound},
		{`{"decisions":{"1999":{}}}`, 404, fault.NotFound},
		{`{"mode":"fantasy"}`, 400, fault.Invalid},
		{`{"weather":"sunny"}`, 400, fault.Invalid},
		{`{"directives":{"1930":{"dekulakisation":false}}}`, 400, fault.Invalid}, // historical mode
		{`{"extra":1}`, 400, fault.Malformed},
	} {
		status, body := ts.do("POST", "/api/simulate", "", tc.body)
		wantError(t, status, body, tc.status, tc.code)
	}
	status, _ = ts.do("POST", "/api/simulate", "", `{"mode":"counterfactual","seed":3,"directives":{"1930":{"dekulakisation":false}}}`)
	if status != 200 {
		t.Fatalf("a counterfactual run without dekulakisation: %d", status)
	}
	// The ordinary-weather year: every yield factor 1.0 on the teacher's path, history's
	// own path beside it unchanged.
	status, body = ts.do("POST", "/api/simulate", "", `{"weather":"ordinary"}`)
	if status != 200 || json.Unmarshal(body, &res) != nil {
		t.Fatalf("simulate with ordinary weather: %d %.200s", status, body)
	}
	for _, o := range res.Outcomes {
		for r, w := range o["weather"].(map[string]any) {
			if w.(float64) != 1 {
				t.Errorf("%v %s: weather %v in an ordinary year", o["year"], r, w)
			}
		}
	}
	if res.Outcomes[4]["grainHarvestMt"].(float64) <= res.History[4]["grainHarvestMt"].(float64) {
		t.Errorf("1932 in an ordinary year harvested %v, history's weather %v", res.Outcomes[4]["grainHarvestMt"], res.History[4]["grainHarvestMt"])
	}
}

func TestWebQRAndView(t *testing.T) {
	ts := newServer(t, nil)
	r := ts.room("")
	status, body := ts.do("GET", "/api/rooms/"+r.Code+"/qr.png", "", "")
	if status != 200 {
		t.Fatalf("qr: %d", status)
	}
	img, err := png.Decode(bytes.NewReader(body))
	if err != nil || img.Bounds().Dx() < 256 {
		t.Fatalf("qr is not a PNG of a useful size: %v", err)
	}
	status, body = ts.do("GET", "/api/rooms/not%20a%20code!/qr.png", "", "")
	wantError(t, status, body, 400, fault.Invalid)

	// Rejoin QR codes carry their secret in a POST body, for staff only.
	p := ts.join(r.Code, "Anya")
	status, body = ts.do("POST", "/api/rooms/"+r.Code+"/qr", r.TeacherKey, `{"fragment":"rejoin=ABCDE23456"}`)
	if status != 200 || !bytes.HasPrefix(body, []byte("\x89PNG")) {
		t.Fatalf("rejoin qr: %d", status)
	}
	status, body = ts.do("POST", "/api/rooms/"+r.Code+"/qr", p.Token, `{"fragment":"rejoin=ABCDE23456"}`)
	wantError(t, status, body, 403, fault.Forbidden)
	status, body = ts.do("POST", "/api/rooms/"+r.Code+"/qr", r.TeacherKey, `{"fragment":"a b"}`)
	wantError(t, status, body, 400, fault.Invalid)

	// The view: what the viewer may see, now.
	status, body = ts.do("GET", "/api/rooms/"+r.Code+"/view", p.Token, "")
	var v struct {
		As      string
		Seq     uint64
		Me      struct{ ID, Nickname string }
		Players []struct{ ID string }
	}
	if status != 200 || json.Unmarshal(body, &v) != nil {
		t.Fatalf("view: %d %.200s", status, body)
	}
	if v.As != "player" || v.Me.ID != p.PlayerID || v.Me.Nickname != "Anya" || v.Seq == 0 {
		t.Fatalf("view = %+v", v)
	}
	status, body = ts.do("GET", "/api/rooms/"+r.Code+"/view", r.ProjectorKey, "")
	if status != 200 || !bytes.Contains(body, []byte(`"as":"projector"`)) {
		t.Fatalf("projector view: %d %.200s", status, body)
	}
	status, body = ts.do("GET", "/api/rooms/"+r.Code+"/view", "wrong", "")
	wantError(t, status, body, 401, fault.Unauthorized)
	status, body = ts.do("GET", "/api/rooms/"+r.Code+"/view", "", "")
	wantError(t, status, body, 401, fault.Unauthorized)
}
