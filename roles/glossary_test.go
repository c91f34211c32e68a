package roles

import (
	"encoding/json"
	"io/fs"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/classroom-debate/debate/economy"
)

// contentStrings returns every user-facing string of the content files (not ids,
// conditions or card references), keyed by "file: path".
func contentStrings(t *testing.T) map[string]string {
	t.Helper()
	sub, _ := fs.Sub(contentFiles, "content")
	names, _ := fs.Glob(sub, "*.json")
	out := map[string]string{}
	skip := map[string]bool{"id": true, "when": true, "cards": true, "cites": true, "related": true, "requires": true}
	var walk func(file, path string, v any)
	walk = func(file, path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if !skip[k] || (k == "cards" && file == CardsFile) {
					walk(file, path+"."+k, e)
				}
			}
		case []any:
			for i, e := range x {
				walk(file, path+"["+strconv.Itoa(i)+"]", e)
			}
		case string:
			out[file+":"+path] = x
		}
	}
	for _, n := range names {
		raw, _ := fs.ReadFile(sub, n)
		var doc any
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(n, err)
		}
		walk(n, "", doc)
	}
	if len(out) < 500 {
		t.Fatalf("only %d strings found in the content files", len(out))
	}
	return out
}

// scenarioStrings returns the scenario texts a student meets: decisions, options,
// directives and actions.
func scenarioStrings() []string {
	sc := economy.Default()
	var out []string
	for _, a := range sc.Catalogue {
		out = append(out, a.Title, a.Summary)
	}
	for _, y := range sc.Years {
		out = append(out, y.Title, y.Summary)
		for _, d := range y.Decisions {
			out = append(out, d.Title, d.Question)
			for _, o := range d.Options {
				out = append(out, o.Label, o.Summary)
			}
		}
		for _, d := range y.Directives {
			out = append(out, d.Title, d.Summary)
		}
	}
	return out
}

func TestGlossaryMarksDefined(t *testing.T) {
	c := mustContent(t)
	n := 0
	for where, s := range contentStrings(t) {
		marks, problem := parseMarks(s)
		if problem != "" {
			t.Errorf("%s: %s", where, problem)
		}
		for _, m := range marks {
			n++
			if _, ok := c.Term(m.id); !ok {
				t.Errorf("%s: [[%s]] is not in the glossary", where, m.id)
			}
		}
	}
	if n < 100 {
		t.Errorf("only %d glossary marks in the content", n)
	}
}

// TestGlossaryTermsUsed: every term is marked in the content, met in the scenario's texts,
// or listed as general.
func TestGlossaryTermsUsed(t *testing.T) {
	c := mustContent(t)
	used := map[string]bool{}
	for _, s := range contentStrings(t) {
		for _, id := range MarkedTerms(s) {
			used[id] = true
		}
	}
	for _, s := range scenarioStrings() {
		for _, id := range c.TermsIn(s) {
			used[id] = true
		}
	}
	for _, term := range c.Glossary() {
		if !used[term.ID] && !term.General {
			t.Errorf("glossary term %q is never used; use it, or mark it general", term.ID)
		}
	}
}

// TestGlossaryCoversTheBrief lists the terms the classroom issue names.
func TestGlossaryCoversTheBrief(t *testing.T) {
	c := mustContent(t)
	for _, id := range []string{"kolkhoz", "sovkhoz", "serednyak", "bednyak", "kulak", "podkulachnik", "raikom",
		"ogpu", "mts", "politotdel", "nep", "mir", "trudoden", "procurement", "babi-bunty", "special-settler",
		"ryutin-platform", "holodomor", "asharshylyk", "internal-passport", "blacklist", "izvestiia", "politburo",
		"plenum", "dekulakisation", "collectivisation"} {
		term, ok := c.Term(id)
		if !ok || len(strings.Fields(term.Definition)) < 8 {
			t.Errorf("glossary term %q missing or defined too briefly: %+v", id, term)
		}
	}
	mts, _ := c.Term("mts")
	if !strings.Contains(mts.Definition, "Machine-Tractor Station") {
		t.Errorf("MTS must be defined as Machine-Tractor Station: %q", mts.Definition)
	}
}

func TestMarkup(t *testing.T) {
	c := mustContent(t)
	tests := []struct {
		text, plain string
		terms       []string
		problem     string
	}{
		{"Join the [[kolkhoz]].", "Join the kolkhoz.", []string{"kolkhoz"}, ""},
		{"The [[kolkhoz|kolkhozy]] and the [[mts]]; the [[kolkhoz]] again.", "The kolkhozy and the MTS; the kolkhoz again.", []string{"kolkhoz", "mts"}, ""},
		{"No marks here.", "No marks here.", nil, ""},
		{"An [[open mark", "", nil, "without"},
		{"A stray]] end", "", nil, "without"},
		{"[[Kolkhoz]] in capitals", "", nil, "term id"},
		{"[[kolkhoz|]] empty", "", nil, "empty shown"},
	}
	for _, tt := range tests {
		_, problem := parseMarks(tt.text)
		if tt.problem != "" {
			if !strings.Contains(problem, tt.problem) {
				t.Errorf("parseMarks(%q) problem %q, want %q", tt.text, problem, tt.problem)
			}
			continue
		}
		if problem != "" {
			t.Errorf("parseMarks(%q): %s", tt.text, problem)
		}
		if got := c.PlainText(tt.text); got != tt.plain {
			t.Errorf("PlainText(%q) = %q, want %q", tt.text, got, tt.plain)
		}
		if got := MarkedTerms(tt.text); !reflect.DeepEqual(got, tt.terms) {
			t.Errorf("MarkedTerms(%q) = %v, want %v", tt.text, got, tt.terms)
		}
	}
	if got := c.WordCount("The [[kolkhoz|collective farm]] — and 12 cows."); got != 6 {
		t.Errorf("WordCount = %d, want 6", got)
	}
}

func TestTermsIn(t *testing.T) {
	c := mustContent(t)
	tests := []struct {
		text string
		want []string
	}{
		{"Join the kolkhoz", []string{"kolkhoz"}},
		{"Join a women's protest (bab'i bunt)", []string{"babi-bunty"}},
		{"political departments (politotdely) in the Machine-Tractor Stations and state farms", []string{"mts", "politotdel", "sovkhoz"}},
		{"Kolkhozniks", nil}, // whole words only
	}
	for _, tt := range tests {
		got := c.TermsIn(tt.text)
		sort.Strings(tt.want)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("TermsIn(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

// errata are the seed's errors (../shared/history/seed-errata.md) as checks on a
// sentence of plain text: each returns a complaint or "".
var errata = []struct {
	name  string
	check func(sentence string) bool // true = the error is repeated
}{
	{"Machine-Tractor, not Motor Tractor", rx(`(?i)motor[- ]tractor`)},
	{"NEP began in 1921, not 1917", func(s string) bool {
		return strings.Contains(s, "NEP") && strings.Contains(s, "1917") || rx(`(?i)unchanged since`)(s)
	}},
	{"NEP was state policy, not run by the mir", rx(`(?i)(NEP|new economic policy)[^.]*run\w* by[^.]*mir`)},
	{"no law made collectivisation compulsory", func(s string) bool {
		return rx(`(?i)collectivi[sz]`)(s) && rx(`(?i)mandatory|compulsory|obligatory|by law|made law`)(s) && !rx(`(?i)\bno\b|\bnot\b|never|none|warned against`)(s)
	}},
	{"deported to the North and Kazakhstan too", func(s string) bool {
		return rx(`(?i)deport`)(s) && rx(`Siberia|Urals`)(s) && !rx(`North|Kazakhstan|distant`)(s)
	}},
	{"slaughter was general, not only by kulaks", rx(`(?i)slaughter\w*( of)?( the)? (livestock|animals|cattle)s? by (the )?kulaks`)},
	{"no 'recovered only in 1953'", rx(`1953`)},
	{"73.3 Mt is the official figure", func(s string) bool { return strings.Contains(s, "73.3") && !rx(`(?i)official`)(s) }},
	{"North Caucasus, not 'the Caucasus'", rx(`(?:^|[^h] )Caucasus|(?i)the caucasus`)},
	{"no '4 million in 1933 alone'", func(s string) bool {
		return rx(`(?i)1933 alone`)(s) || rx(`\b4 (million|M)\b`)(s) && strings.Contains(s, "1933")
	}},
	{"the Webbs at model farms is unverified", rx(`Webb`)},
	{"'62% → 93%' and '<1% under NEP' are unverified", rx(`93%|62%|<\s?1%|(?i)less than 1%`)},
	{"1927–28 was a procurement crisis, not a scissors crisis", rx(`(?i)scissor`)},
	{"Bukharin, Tomsky and Rykov were removed, not 'demoted'", rx(`(?i)demot`)},
	{"the Kazakh famine ran 1930–33", func(s string) bool {
		return rx(`(?i)kazakh|asharshylyk`)(s) && rx(`(?i)famine|hunger`)(s) && rx(`1932[–-]33`)(s) && !strings.Contains(s, "1930")
	}},
}

// rx returns a matcher for pattern, compiled once: the errata checks run on every
// sentence of the content.
func rx(pattern string) func(string) bool {
	re, ok := rxCache[pattern]
	if !ok {
		re = regexp.MustCompile(pattern)
		rxCache[pattern] = re
	}
	return re.MatchString
}

var rxCache = map[string]*regexp.Regexp{}

var sentenceEnd = regexp.MustCompile(`[.!?]["’”)]?\s+`)

func sentences(text string) []string { return sentenceEnd.Split(text, -1) }

// TestNoSeedErrata checks every sentence of the content against the seed's errata.
func TestNoSeedErrata(t *testing.T) {
	c := mustContent(t)
	for where, s := range contentStrings(t) {
		for _, sentence := range sentences(c.PlainText(s)) {
			for _, e := range errata {
				if e.check(sentence) {
					t.Errorf("%s repeats a seed error (%s): %q", where, e.name, sentence)
				}
			}
		}
	}
}

// TestErrataChecksCatchTheSeed runs the checks on the seed's own wrong sentences, so a
// check that can never fail is caught.
func TestErrataChecksCatchTheSeed(t *testing.T) {
	seed := []string{
		"The creation of Motor Tractor Stations (MTS) which provided machinery",
		"It has been unchanged since the revolution of 1917",
		"The previous policy of NEP dates from 1917",
		"As you all know, NEP has been running by mir, some village elders",
		"In this exciting year of 1929, collectivization is now mandatory for everyone",
		"Kulaks are to be deported to Siberia and Urals",
		"The slaughtering of the livestocks by the kulaks had serious effect",
		"the number of cattle halved, which only recovered in 1953",
		"Grain production also fell from 73.3 M tonnes in 1928",
		"especially affected the Ukraine, Kazakhstan and the Caucasus region",
		"famine-related deaths at 4M for 1933 alone",
		"a claim supported by Sidney and Beatrice Webb",
		"increased from 62% in 1932 to 93% in 1937",
		"We are facing a dilemma, a scissor crisis",
		"Bukharin, Tomsky, Rykov were all demoted within the party",
		"the Kazakh famine of 1932–33",
	}
	for _, s := range seed {
		caught := false
		for _, e := range errata {
			caught = caught || e.check(s)
		}
		if !caught {
			t.Errorf("no errata check catches the seed's sentence %q", s)
		}
	}
	for _, fine := range []string{
		"No law made collectivisation compulsory in 1929.",
		"The official figure for the 1928 grain harvest is 73.3 million tonnes.",
		"deported to the North, the Urals, Siberia and Kazakhstan",
		"Ukraine and the North Caucasus must complete procurement",
		"Bukharin was removed from the Politburo on 17 November 1929.",
		"the Kazakh famine of 1930–33",
	} {
		for _, e := range errata {
			if e.check(fine) {
				t.Errorf("errata check %q rejects a correct sentence: %q", e.name, fine)
			}
		}
	}
}

// jargon lists the Russian, Kazakh and party words and the proper names a student meets in
// the role files and the cards. Every one must really appear there (the list stays honest)
// and have a glossary entry (its term or an alias), marked or not.
var jargon = []string{
	"kolkhoz", "kolkhozy", "artel", "kulak", "raikom", "village soviet", "OGPU", "NKVD", "NEP",
	"mir", "troika", "brigadier", "bai", "aul", "stanitsa", "Holodomor", "Asharshylyk",
	"Politburo", "Central Committee", "plenum", "stenogram", "Sovnarkom", "Comintern",
	"Pravda", "Izvestiia", "Kalinin", "Congress of Victors", "Great Turn", "the line",
	"Urals-Siberian method", "article 107", "Ryutin platform", "bab’i bunty", "special settlers",
}

func TestJargonHasGlossaryEntries(t *testing.T) {
	c := mustContent(t)
	var plain []string
	for where, s := range contentStrings(t) {
		if strings.HasPrefix(where, GlossaryFile+":") {
			continue // the glossary defines the words; the roles and the cards use them
		}
		plain = append(plain, strings.ToLower(c.PlainText(s)))
	}
	for _, word := range jargon {
		used := slices.ContainsFunc(plain, func(s string) bool { return containsWord(s, strings.ToLower(word)) })
		if !used {
			t.Errorf("%q is on the jargon list but appears in no role file or card; take it off the list", word)
		}
		if len(c.TermsIn(word)) == 0 {
			t.Errorf("%q appears in the content but has no glossary entry (term or alias)", word)
		}
	}
}

// TestQuotationMarks: an opening quotation mark never directly follows a letter or digit
// (‘NEP‘s’ should be ‘NEP’s’), and a closing one never follows a space.
func TestQuotationMarks(t *testing.T) {
	c := mustContent(t)
	wrongOpen := regexp.MustCompile(`[\p{L}\p{N}]‘`)
	wrongClose := regexp.MustCompile(`(^|\s)’`)
	for where, s := range contentStrings(t) {
		text := c.PlainText(s)
		if m := wrongOpen.FindStringIndex(text); m != nil {
			t.Errorf("%s: ‘ after a letter (use ’): %q", where, text[max(0, m[0]-20):min(len(text), m[1]+10)])
		}
		if m := wrongClose.FindStringIndex(text); m != nil {
			t.Errorf("%s: ’ after a space (use ‘): %q", where, text[max(0, m[0]-10):min(len(text), m[1]+20)])
		}
	}
	if !regexp.MustCompile(`[\p{L}\p{N}]‘`).MatchString("NEP‘s") {
		t.Error("the check misses ‘NEP‘s’")
	}
}
