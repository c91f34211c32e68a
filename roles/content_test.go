package roles

import (
	"encoding/json"
	"errors"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/history"
)

func TestDefaultContentLoads(t *testing.T) {
	c := mustContent(t)
	for _, id := range IDs {
		p, ok := c.Profile(id)
		if !ok || p.Name == "" || p.Who == "" || p.Summary == "" || len(p.Goals) == 0 {
			t.Errorf("role %q: incomplete profile %+v", id, p)
		}
	}
	if p, _ := c.Profile(Kulak); p.Name != "Household labelled “kulak”" {
		t.Errorf("the kulak role is shown as %q", p.Name)
	}
	if p, _ := c.Profile(Bukharinite); p.Name != "Bukharin faction" {
		t.Errorf("the Bukharinite role is shown as %q", p.Name)
	}
}

// TestEveryRoleYear checks what the loader promises, on the shipped files: every year of
// the scenario for every role, 3–5 cards that exist, a summary, and no card left unused.
func TestEveryRoleYear(t *testing.T) {
	c := mustContent(t)
	used := map[string]bool{}
	for _, role := range IDs {
		rf := c.roles[role]
		for y := c.sc.FirstYear(); y <= c.sc.LastYear(); y++ {
			ye := rf.Years[strconv.Itoa(y)]
			if ye == nil {
				t.Errorf("%s: year %d missing", role, y)
				continue
			}
			if n := len(ye.Cards); n < MinCards || n > MaxCards {
				t.Errorf("%s %d: %d cards", role, y, n)
			}
			if len(ye.Summary) == 0 || len(ye.Summary[len(ye.Summary)-1].When) != 0 {
				t.Errorf("%s %d: the summary needs a variant without conditions", role, y)
			}
			for _, id := range ye.Cards {
				if _, ok := c.Card(id); !ok {
					t.Errorf("%s %d: card %q missing", role, y, id)
				}
				used[id] = true
			}
		}
		if len(rf.Years) != c.sc.LastYear()-c.sc.FirstYear()+1 {
			t.Errorf("%s: %d years, want %d", role, len(rf.Years), c.sc.LastYear()-c.sc.FirstYear()+1)
		}
	}
	for _, card := range c.Cards() {
		if !used[card.ID] {
			t.Errorf("card %q is not used by any role in any year", card.ID)
		}
	}
}

// TestCitationsResolve resolves every card's citations in package history.
func TestCitationsResolve(t *testing.T) {
	c := mustContent(t)
	n := 0
	for _, card := range c.Cards() {
		for _, id := range card.Cites {
			n++
			if !history.Known(id) {
				t.Errorf("card %s cites %q, which history does not know", card.ID, id)
			}
		}
		if len(card.Cites) == 0 {
			t.Errorf("card %s cites nothing", card.ID)
		}
	}
	if n < 60 {
		t.Errorf("only %d citations checked", n)
	}
}

// TestPropagandaMarked holds the cards' provenance to what they rest on: propaganda and
// the regime's own claims are marked and say so, official figures the project knows only
// through a partisan writer name him, and a composite of testimony is never passed off as
// one eyewitness's report.
func TestPropagandaMarked(t *testing.T) {
	c := mustContent(t)
	for _, id := range []string{"dizzy-with-success", "duranty-1933"} {
		card, ok := c.Card(id)
		if !ok || !card.Propaganda {
			t.Errorf("card %q must exist and be marked propaganda", id)
		}
	}
	// The regime's published figures that later research rejects.
	for _, id := range []string{"five-year-plan-results", "harvest-1933", "harvest-1934"} {
		card, ok := c.Card(id)
		if !ok || card.Provenance != provRegimeClaim {
			t.Errorf("card %q must exist and be marked as the regime's claim, not %q", id, card.Provenance)
		}
	}
	if card, ok := c.Card("famine-village-1933"); !ok || card.Provenance != provComposite {
		t.Errorf("the famine village card is a composite and must be labelled so, not %q", card.Provenance)
	}
	partisan := 0
	for _, card := range c.Cards() {
		text := strings.ToLower(c.PlainText(card.Text + " " + card.Alt))
		if card.Propaganda && !strings.Contains(text, "propaganda") {
			t.Errorf("propaganda card %s does not say so in its text", card.ID)
		}
		if card.Provenance == provRegimeClaim && !strings.Contains(text, "claim") {
			t.Errorf("card %s is the regime's claim and must say so in its text", card.ID)
		}
		if composite := slices.Contains(MarkedTerms(card.Text), "composite"); composite != (card.Provenance == provComposite) {
			t.Errorf("card %s: marked composite %v, provenance %q; a composite must be labelled as one, and only a composite", card.ID, composite, card.Provenance)
		}
		// A card resting on a row the history tables flag as partisan names the writer.
		for _, id := range card.Cites {
			source := ""
			if row, ok := history.SeriesRowByID(id); ok {
				source = row.Source
			} else if row, ok := history.RegionRowByID(id); ok {
				source = row.Source
			}
			if !strings.Contains(strings.ToLower(source), "partisan") {
				continue
			}
			partisan++
			if card.Provenance != provPartisan || !strings.Contains(text, "martens") {
				t.Errorf("card %s cites %s, which rests on a partisan source (%s); label it %q and name the writer", card.ID, id, source, provPartisan)
			}
		}
	}
	if partisan == 0 {
		t.Error("no card cites a partisan row; the check has nothing to hold, or the history tables lost their flags")
	}
}

// TestHintsAndConditionsNameScenarioActions checks every action id the role files name
// (hints, did: conditions) against the scenario: open that year, for the role's faction.
func TestHintsAndConditionsNameScenarioActions(t *testing.T) {
	c := mustContent(t)
	sc := economy.Default()
	hints := 0
	for _, role := range IDs {
		rf := c.roles[role]
		faction, plays := Faction(role)
		for key, ye := range rf.Years {
			y, _ := strconv.Atoi(key)
			yr, _ := sc.Year(y)
			for id := range ye.Hints {
				hints++
				a, ok := yr.Action(id)
				if !ok || !plays || a.Faction != faction {
					t.Errorf("%s %d: hint for %q, not an action of this faction open that year", role, y, id)
				}
			}
			for _, id := range referenced(rf, y, "did") {
				found := false
				for _, a := range sc.Catalogue {
					found = found || (a.ID == id && a.Faction == faction)
				}
				if !found {
					t.Errorf("%s %d: condition did:%s names no action of this faction", role, y, id)
				}
			}
		}
	}
	if hints < 50 {
		t.Errorf("only %d hints; the role files lost their hints", hints)
	}
}

// TestGoalsNeverRewardSuffering: a goal that mentions deaths, hunger or deportation must
// say they lower results, never that they earn points.
func TestGoalsNeverRewardSuffering(t *testing.T) {
	c := mustContent(t)
	for _, role := range IDs {
		p, _ := c.Profile(role)
		for _, g := range p.Goals {
			text := strings.ToLower(g.Text + " " + g.Scoring)
			for _, w := range []string{"death", "deport", "hunger", "famine", "starv"} {
				if strings.Contains(text, w) && !strings.Contains(text, "never") && !strings.Contains(text, "lower") {
					t.Errorf("goal %s mentions %q without saying it never adds points: %q", g.ID, w, g.Scoring)
				}
			}
			for _, bad := range []string{"points for deport", "points for requisition", "points by the quota", "points for the quota", "points for extraction"} {
				if strings.Contains(text, bad) {
					t.Errorf("goal %s rewards %q", g.ID, bad)
				}
			}
		}
	}
	off, _ := c.Profile(Official)
	ids := map[string]bool{}
	for _, g := range off.Goals {
		ids[g.ID] = true
	}
	if !ids["official-keep-post"] || !ids["official-district-fed"] {
		t.Errorf("officials must score for keeping their post and their district fed: %v", ids)
	}
}

// contentFS returns the shipped files as a MapFS, with one file replaced by edit's result.
func contentFS(t *testing.T, file string, edit func(map[string]any)) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	sub, _ := fs.Sub(contentFiles, "content")
	names, err := fs.Glob(sub, "*.json")
	if err != nil || len(names) == 0 {
		t.Fatal("no content files", err)
	}
	for _, n := range names {
		raw, _ := fs.ReadFile(sub, n)
		if n == file && edit != nil {
			var doc map[string]any
			if err := json.Unmarshal(raw, &doc); err != nil {
				t.Fatal(err)
			}
			edit(doc)
			raw, _ = json.Marshal(doc)
		}
		m[n] = &fstest.MapFile{Data: raw}
	}
	return m
}

func obj(v any, path ...string) map[string]any {
	m := v.(map[string]any)
	for _, p := range path {
		m = m[p].(map[string]any)
	}
	return m
}

func list(v any) []any { return v.([]any) }

// TestLoadErrors: the loader names the file, the JSON path and the problem.
func TestLoadErrors(t *testing.T) {
	sc := economy.Default()
	year := func(doc map[string]any, y string) map[string]any { return obj(doc, "years", y) }
	tests := []struct {
		name     string
		file     string
		edit     func(map[string]any)
		raw      []byte // replaces the file when set
		wantPath string
		wantProb string
	}{
		{"bad JSON", "peasant.json", nil, []byte("{\n \"id\": \"peasant\",\n \"name\": \n}"), "line 4", "not valid JSON"},
		{"unknown role field", "peasant.json", func(d map[string]any) { d["colour"] = "red" }, nil, "colour", "unknown field \"colour\""},
		{"unknown nested field", "official.json", func(d map[string]any) { obj(list(d["goals"])[0])["points"] = 3.0 }, nil, "goals[0].points", "unknown field"},
		{"wrong type", "kulak.json", func(d map[string]any) { obj(list(d["fates"])[0])["from"] = "1928" }, nil, "fates[0].from", "whole number"},
		{"missing year", "bukharinite.json", func(d map[string]any) { delete(obj(d, "years"), "1931") }, nil, "years.1931", "missing year 1931"},
		{"year outside the scenario", "historian.json", func(d map[string]any) { obj(d, "years")["1935"] = year(d, "1934") }, nil, "years.1935", "not a year of the scenario"},
		{"too few cards", "official.json", func(d map[string]any) { year(d, "1930")["cards"] = []any{"retreat-1930", "dizzy-with-success"} }, nil, "years.1930.cards", "2 evidence cards"},
		{"too many cards", "official.json", func(d map[string]any) {
			year(d, "1930")["cards"] = []any{"retreat-1930", "dizzy-with-success", "harvest-1930", "exports-1930", "towns-grow", "mts-1929"}
		}, nil, "years.1930.cards", "6 evidence cards"},
		{"dangling card", "peasant.json", func(d map[string]any) { list(year(d, "1929")["cards"])[0] = "no-such-card" }, nil, "years.1929.cards[0]", "dangling id \"no-such-card\""},
		{"dangling citation", "cards.json", func(d map[string]any) { obj(list(d["cards"])[2])["cites"] = []any{"series:9999"} }, nil, "cards[2].cites[0]", "dangling citation \"series:9999\""},
		{"unknown provenance", "cards.json", func(d map[string]any) { obj(list(d["cards"])[0])["provenance"] = "hearsay" }, nil, "cards[0].provenance", "unknown provenance"},
		{"graphic card without alt", "cards.json", func(d map[string]any) { obj(list(d["cards"])[0])["graphic"] = true }, nil, "cards[0].alt", "non-graphic alt"},
		{"hint for an action not open that year", "bukharinite.json", func(d map[string]any) {
			obj(year(d, "1931"), "hints")["bukharin-speak-at-plenum"] = "x"
		}, nil, "years.1931.hints.bukharin-speak-at-plenum", "no such action open in 1931"},
		{"hint for another faction", "peasant.json", func(d map[string]any) { obj(year(d, "1930"), "hints")["official-ask-relief"] = "x" }, nil, "years.1930.hints.official-ask-relief", "belongs to faction \"official\""},
		{"historian hint", "historian.json", func(d map[string]any) { year(d, "1930")["hints"] = map[string]any{"peasant-petition": "x"} }, nil, "years.1930.hints.peasant-petition", "takes no actions"},
		{"unknown condition", "official.json", func(d map[string]any) {
			v := obj(list(obj(list(d["paths"])[0])["variants"])[0])
			v["when"] = []any{"weather:cold"}
		}, nil, "paths[0].variants[0].when[0]", "unknown condition \"weather:cold\""},
		{"condition on another faction's action", "peasant.json", func(d map[string]any) {
			v := obj(list(obj(list(d["paths"])[0])["variants"])[0])
			v["when"] = []any{"did:official-ask-relief"}
		}, nil, "paths[0].variants[0].when[0]", "belongs to faction"},
		{"undefined glossary term", "kulak.json", func(d map[string]any) { d["who"] = "A [[tsarist-landlord|landlord]]." }, nil, "who", "not defined"},
		{"required slot that can be empty", "historian.json", func(d map[string]any) {
			core := obj(list(year(d, "1929")["briefing"])[0])
			v := obj(list(core["variants"])[0])
			v["when"] = []any{"stepped"}
		}, nil, "years.1929.briefing[0].variants[0].when", "last variant must have no conditions"},
		{"graphic paragraph without alt", "peasant.json", func(d map[string]any) {
			core := obj(list(year(d, "1929")["briefing"])[0])
			obj(list(core["variants"])[0])["graphic"] = true
		}, nil, "years.1929.briefing[0].variants[0].alt", "non-graphic alt"},
		{"goal id of another role", "peasant.json", func(d map[string]any) { obj(list(d["goals"])[0])["id"] = "official-fed" }, nil, "goals[0].id", "must start with \"peasant-\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := contentFS(t, tt.file, tt.edit)
			if tt.raw != nil {
				fsys[tt.file] = &fstest.MapFile{Data: tt.raw}
			}
			_, err := Load(fsys, sc)
			var ce *ContentError
			if !errors.As(err, &ce) {
				t.Fatalf("Load: %v, want a *ContentError", err)
			}
			if ce.File != tt.file || ce.Path != tt.wantPath || !strings.Contains(ce.Problem, tt.wantProb) {
				t.Errorf("got %q (file %q, path %q), want file %q, path %q, problem containing %q", err, ce.File, ce.Path, tt.file, tt.wantPath, tt.wantProb)
			}
		})
	}
	// The unchanged files load.
	if _, err := Load(contentFS(t, "", nil), sc); err != nil {
		t.Fatalf("shipped content: %v", err)
	}
}

// TestFatesCoverTheRules: every fate the rules in roles.go can give a role (by directive,
// action or purge) is in the role's content from the first year it can occur, so the room
// never asks for a briefing the content cannot write.
func TestFatesCoverTheRules(t *testing.T) {
	c := mustContent(t)
	sc := economy.Default()
	type key struct{ role, fate string }
	earliest := map[key]int{}
	note := func(k key, y int) {
		if e, ok := earliest[k]; !ok || y < e {
			earliest[k] = y
		}
	}
	for _, fc := range FateChanges {
		for _, yr := range sc.Years {
			if fc.Directive != "" {
				for _, d := range yr.Directives {
					if d.ID == fc.Directive {
						note(key{fc.Role, fc.To}, yr.Year+1)
					}
				}
			}
			if _, open := yr.Action(fc.Action); fc.Action != "" && open {
				note(key{fc.Role, fc.To}, yr.Year+1)
			}
		}
	}
	for _, r := range PurgeRules {
		note(key{Official, Purged}, r.FromYear+1)
	}
	if len(earliest) < 4 {
		t.Fatalf("found only %d fate changes in the rules: %v", len(earliest), earliest)
	}
	for k, y := range earliest {
		if y > sc.LastYear() {
			continue
		}
		rf := c.roles[k.role]
		found := false
		for _, f := range rf.Fates {
			if f.ID == k.fate {
				found = true
				if f.From > y {
					t.Errorf("%s can be %q from %d, but its content starts that fate in %d", k.role, k.fate, y, f.From)
				}
			}
		}
		if !found {
			t.Errorf("%s can become %q (from %d), but its content has no such fate", k.role, k.fate, y)
		}
	}
}

// TestCardBadgesFollowProvenance: a card's badge says what kind of evidence it is, read
// from its provenance, so that no regime's claim, composite, estimate or advocate's
// figure is shown to students as a record.
func TestCardBadgesFollowProvenance(t *testing.T) {
	c := mustContent(t)
	// What a history teacher would call each kind of source.
	want := map[string]string{
		"official statistics": "record", "census": "record", "party resolution": "record",
		"law or decree": "record", "speech": "record", "archival document": "record",
		"eyewitness report": "record", "press report": "record", "parliamentary resolution": "record",
		"historian's estimate": "estimate", "historian's account": "estimate", "demographers' estimate": "estimate",
		"historians' debate": "estimate", "official figure and later estimates": "estimate",
		"regime's claim": "regimeClaim", "advocacy group's figures": "advocacy",
		"official statistics via a partisan writer": "advocacy", "composite of testimony": "composite",
		"memoir": "memoir",
	}
	for _, p := range Provenances {
		b := BadgeOf(p, false)
		if b == "" || b != want[p] {
			t.Errorf("provenance %q has badge %q, want %q", p, b, want[p])
		}
		if !slices.Contains(Badges, b) {
			t.Errorf("provenance %q: badge %q is not one of %v", p, b, Badges)
		}
	}
	seen := map[string]bool{}
	for _, card := range c.Cards() {
		w := want[card.Provenance]
		if card.Propaganda {
			w = "propaganda"
		}
		if card.Badge != w {
			t.Errorf("card %s (%q, propaganda %v) is badged %q, want %q", card.ID, card.Provenance, card.Propaganda, card.Badge, w)
		}
		seen[card.Badge] = true
	}
	// The cards a reader found mislabelled "Record".
	for id, w := range map[string]string{
		"famine-village-1933": "composite", "five-year-plan-results": "regimeClaim", "harvest-1933": "regimeClaim",
		"collectivised-1931": "advocacy", "ukraine-procurement": "advocacy", "dizzy-with-success": "propaganda",
		"ukraine-deaths": "estimate", "gareth-jones-1933": "record",
	} {
		if card, ok := c.Card(id); !ok || card.Badge != w {
			t.Errorf("card %s is badged %q, want %q", id, card.Badge, w)
		}
	}
	for _, b := range Badges {
		if !seen[b] {
			t.Errorf("no card carries the %q badge; a badge no card uses cannot be checked to render", b)
		}
	}
}

// TestNoVoteToSendNothing: the content note promises that students never vote to starve
// anyone. Sending no relief is Moscow's announced line (a directive, which a
// counterfactual teacher may switch off), never an option of the class's vote; every
// relief option sends something; and the question does not speak of starving villages,
// since on a mild path there are none.
func TestNoVoteToSendNothing(t *testing.T) {
	sc := economy.Default()
	relief, line := 0, false
	for _, yr := range sc.Years {
		for _, d := range yr.Directives {
			if d.ID == "no-relief-line" {
				line = yr.Year <= 1932
			}
		}
		for _, d := range yr.Decisions {
			if !strings.HasPrefix(d.ID, "relief-") {
				continue
			}
			relief++
			if q := strings.ToLower(d.Question); strings.Contains(q, "starv") || strings.Contains(q, "hungry") || strings.Contains(q, "famine") {
				t.Errorf("%s asks %q: the question assumes hunger the class's path may not have", d.ID, d.Question)
			}
			for _, o := range d.Options {
				words := strings.ToLower(o.Label + " " + o.Summary)
				if o.Set["relief"] <= 0 || strings.Contains(words, "nothing") || strings.Contains(words, "none") {
					t.Errorf("%s offers %q (%q, relief %v): a vote to send nothing", d.ID, o.Label, o.Summary, o.Set["relief"])
				}
			}
		}
	}
	if relief < 2 {
		t.Errorf("found %d relief decisions, want those of 1932 and 1933", relief)
	}
	if !line {
		t.Error("no directive no-relief-line by 1932: sending nothing must be Moscow's announced line")
	}
}
