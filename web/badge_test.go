package web_test

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/classroom-debate/debate/roles"
	"github.com/classroom-debate/debate/web"
)

// TestProvenanceBadgesRender: every card of the library the server publishes is drawn
// with the badge of its own provenance (badge.js, as the student view, the preview and
// the print pack draw it): the right word from the catalogue, its own class, and a look
// that differs from every other kind's. A regime's claim or a composite drawn as
// "Record" fails.
func TestProvenanceBadgesRender(t *testing.T) {
	l := liveServer(t)
	tb := newTab(t, browser(t), l.url, "teacher", nil)
	msg := messages(t, l.url)
	tb.open("/")
	type drawn struct {
		ID, Badge, Class, Text, Look string
	}
	got := eval[[]drawn](tb, `Promise.all([import('/static/js/badge.js'), fetch('/api/content/roles').then((r) => r.json())]).then(([m, lib]) => {
	  const box = document.createElement('div'); document.body.append(box);
	  return lib.cards.map((c) => {
	    const el = m.provBadge(c); box.append(el);
	    const st = getComputedStyle(el);
	    return { ID: c.id, Badge: el.dataset.badge, Class: el.className, Text: el.textContent,
	      Look: [st.backgroundColor, st.borderStyle, st.fontStyle].join(' ') };
	  });
	})`)
	content, err := roles.DefaultContent()
	if err != nil {
		t.Fatal(err)
	}
	cards := content.Cards()
	if len(got) != len(cards) {
		t.Fatalf("drew %d badges for %d cards", len(got), len(cards))
	}
	looks := map[string]string{}
	for i, card := range cards {
		d := got[i]
		want := roles.BadgeOf(card.Provenance, card.Propaganda)
		if d.ID != card.ID || d.Badge != want || d.Class != "prov prov-"+want || d.Text != msg("prov."+want) {
			t.Errorf("card %s (%q): drawn as %+v, want the %q badge %q", card.ID, card.Provenance, d, want, msg("prov."+want))
		}
		if other, ok := looks[d.Look]; ok && other != d.Badge {
			t.Errorf("the %q and %q badges look the same (%s)", other, d.Badge, d.Look)
		}
		looks[d.Look] = d.Badge
	}
	if len(looks) != len(roles.Badges) {
		t.Errorf("%d distinct looks for %d badges: %v", len(looks), len(roles.Badges), looks)
	}
	if errs := eval[[]string](tb, `window.__errors || []`); len(errs) > 0 {
		t.Errorf("script errors: %q", errs)
	}
}

// TestPagesDrawBadgesFromProvenance: the student view, the preview and the print pack
// draw a card's badge with badge.js, never the old two-way propaganda/record switch, and
// every badge has its message.
func TestPagesDrawBadgesFromProvenance(t *testing.T) {
	assets := web.Assets()
	for _, name := range []string{"js/student.js", "js/preview.js", "js/print.js"} {
		b, err := fs.ReadFile(assets, name)
		if err != nil {
			t.Fatal(err)
		}
		src := string(b)
		if !strings.Contains(src, "provBadge(") || strings.Contains(src, "prov-propaganda' : 'prov-record'") || strings.Contains(src, "e.propaganda ? t('prov.propaganda') : t('prov.record')") {
			t.Errorf("%s does not draw card badges with badge.js's provBadge", name)
		}
	}
	raw, ok := web.Catalogue("en")
	if !ok {
		t.Fatal("no English catalogue")
	}
	for _, b := range roles.Badges {
		if !strings.Contains(string(raw), `"prov.`+b+`":`) {
			t.Errorf("badge %q has no message prov.%s", b, b)
		}
	}
}
