package roles

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// cardUsedIn returns the years in which some role shows the card.
func cardUsedIn(c *Content, id string) []int {
	var years []int
	for _, rf := range c.roles {
		for key, ye := range rf.Years {
			if slices.Contains(ye.Cards, id) {
				y := 0
				for _, ch := range key {
					y = y*10 + int(ch-'0')
				}
				years = append(years, y)
			}
		}
	}
	return years
}

// TestHistoriographyAndSources: the positions and sources a historian-teacher expects
// are on cards a role shows, each saying what it must say.
func TestHistoriographyAndSources(t *testing.T) {
	c := mustContent(t)
	for id, must := range map[string][]string{
		"graziosi-two-famines":    {"Graziosi", "two famines", "late 1932"},
		"kondrashin-all-union":    {"Kondrashin", "Russia", "not aimed at any one nation"},
		"kazakh-debate":           {"Ohayon", "Cameron", "Pianciola", "Kindler"},
		"genocide-debate":         {"consciously abetted"},
		"december-decree-1932":    {"Ukrainisation", "Kuban"},
		"stalin-kaganovich-1932":  {"11 August 1932", "Kaganovich", "lose Ukraine"},
		"torgsin-1933":            {"Torgsin", "gold"},
		"sholokhov-1933":          {"Sholokhov", "April 1933"},
		"ogpu-reports":            {"OGPU", "mood"},
		"bukharin-notes-1928":     {"Notes of an Economist", "September 1928"},
		"bai-confiscation-1928":   {"27 August 1928", "700"},
		"kazakh-flight":           {"million", "China"},
		"kopelev-believer":        {"Kopelev", "True Believer"},
		"twenty-five-thousanders": {"Viola", "27,000"},
	} {
		card, ok := c.Card(id)
		if !ok {
			t.Errorf("no card %s", id)
			continue
		}
		text := c.PlainText(card.Text)
		for _, m := range must {
			if !strings.Contains(text, m) {
				t.Errorf("card %s does not say %q: %q", id, m, text)
			}
		}
		if len(cardUsedIn(c, id)) == 0 {
			t.Errorf("card %s is shown by no role", id)
		}
	}
}

// TestRegimesCasePerYear: in every year some role meets the regime's own case, on a card
// badged as the regime's claim, and the official meets a believer's voice.
func TestRegimesCasePerYear(t *testing.T) {
	c := mustContent(t)
	claimed := map[int]bool{}
	for _, card := range c.Cards() {
		if card.Badge == BadgeRegimeClaim {
			for _, y := range cardUsedIn(c, card.ID) {
				claimed[y] = true
			}
		}
	}
	for y := c.sc.FirstYear(); y <= c.sc.LastYear(); y++ {
		if !claimed[y] {
			t.Errorf("no role meets a regime's-claim card in %d", y)
		}
	}
	believer := 0
	for key, ye := range c.roles[Official].Years {
		for _, id := range ye.Cards {
			if id == "kopelev-believer" || id == "twenty-five-thousanders" {
				believer++
				_ = key
			}
		}
	}
	if believer < 2 {
		t.Errorf("the official meets %d believers' cards, want Kopelev's memoir and Viola's twenty-five thousanders", believer)
	}
}

// TestSmallerCorrections: the corrections a historian-teacher asked for.
func TestSmallerCorrections(t *testing.T) {
	c := mustContent(t)
	if d := c.terms["seed-loan"].Definition; strings.Contains(d, "after deaths had peaked") || !strings.Contains(d, "February to May") {
		t.Errorf("seed loans: %q", d)
	}
	if k, _ := c.Card("kuban-1933"); k.Badge != BadgeEstimate || !strings.Contains(k.Text, "all causes") {
		t.Errorf("the Kuban card: %s, %q", k.Provenance, k.Text)
	}
	if e, _ := c.Card("exports-in-famine"); !strings.Contains(e.Text, "hard currency") || !strings.Contains(e.Text, "value of all exports") {
		t.Errorf("the exports card gives one measure: %q", e.Text)
	}
	if p, _ := c.Card("passports-1932"); !strings.Contains(p.Text, "without the kolkhoz’s permission") {
		t.Errorf("passports: %q", p.Text)
	}
	if d, _ := c.Card("dizzy-with-success"); d.Provenance != "press report" {
		t.Errorf("Dizzy with Success was a Pravda article, not a %s", d.Provenance)
	}
	all := contentStrings(t)
	dw := regexp.MustCompile(`5\.5 (to|and) 6\.5 million`)
	kazakh := regexp.MustCompile(`(?i)(kazakh|asharshylyk).*\d million|\d million.*(kazakh|asharshylyk)`)
	sentence := regexp.MustCompile(`.+?([.!?](\s|$)|$)`)
	for where, s := range all {
		plain := c.PlainText(s)
		if dw.MatchString(plain) {
			t.Errorf("%s: Davies and Wheatcroft's span is written 5.5–6.5 million: %q", where, plain)
		}
		for _, sent := range sentence.FindAllString(plain, -1) {
			if kazakh.MatchString(sent) && regexp.MustCompile(`(?i)died|dead|deaths|lives`).MatchString(sent) &&
				!strings.Contains(sent, "1.3 to over 1.5 million") && !strings.Contains(sent, "Cameron") {
				t.Errorf("%s: the Kazakh death toll is not the one range used everywhere: %q", where, sent)
			}
		}
		// A character's voice never quotes historians: their estimates are set off as a note.
		// (A summary is the narrator's, and the materials are the teacher's, not a character's.)
		if !strings.HasPrefix(where, "historian.json") && !strings.HasPrefix(where, CardsFile) && !strings.HasPrefix(where, GlossaryFile) && !strings.HasPrefix(where, MaterialsFile) && !strings.Contains(where, ".summary") {
			for _, sent := range sentence.FindAllString(plain, -1) {
				if regexp.MustCompile(`(?i)\bhistorians?\b|demographers`).MatchString(sent) && !strings.Contains(plain, "Historian’s note:") {
					t.Errorf("%s: a historian's estimate in a character's voice: %q", where, sent)
				}
			}
		}
	}
}
