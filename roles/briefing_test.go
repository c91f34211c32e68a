package roles

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/fault"
)

const (
	minWords = 120
	maxWords = 250
)

func mustContent(t testing.TB) *Content {
	t.Helper()
	c, err := DefaultContent()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// referenced collects the values a role-year's conditions name for one key ("did",
// "region"), so enumeration covers each named value plus one that no condition names.
func referenced(rf *roleFile, year int, key string) []string {
	ye := rf.Years[strconv.Itoa(year)]
	seen := map[string]bool{}
	var out []string
	for _, slots := range [][]*slot{ye.core, ye.paths} {
		for _, s := range slots {
			for _, v := range s.Variants {
				for _, cond := range v.When {
					k, val, _ := strings.Cut(strings.TrimPrefix(cond, "!"), ":")
					if k == key && !seen[val] {
						seen[val] = true
						out = append(out, val)
					}
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// reachablePaths enumerates every path of the condition vocabulary a player of role can
// be on in year, restricted to the values the role-year's conditions can tell apart.
// Directives the role-year's conditions name are taken in force, each switched off
// alone, and all switched off (a counterfactual room).
func reachablePaths(c *Content, role string, year int) []Path {
	named := referenced(c.roles[role], year, "directive")
	offs := [][]string{nil}
	for _, d := range named {
		offs = append(offs, []string{d})
	}
	if len(named) > 1 {
		offs = append(offs, named)
	}
	var out []Path
	for _, p := range pathsWithoutDirectives(c, role, year) {
		for _, off := range offs {
			p.Directives = c.directivesInForce(year, off)
			out = append(out, p)
		}
	}
	return out
}

func pathsWithoutDirectives(c *Content, role string, year int) []Path {
	rf := c.roles[role]
	var fates []string
	if InitialFate(role) == "" {
		fates = append(fates, "") // the role's standing before any change
	}
	for _, f := range rf.Fates {
		if f.From <= year {
			fates = append(fates, f.ID)
		}
	}
	regions := []economy.RegionID{""}
	for _, r := range referenced(rf, year, "region") {
		regions = append(regions, economy.RegionID(r))
	}
	var out []Path
	if year == c.sc.FirstYear() {
		for _, f := range fates {
			for _, r := range regions {
				out = append(out, Path{First: true, Fate: f, Region: r})
			}
		}
		return out
	}
	// Actions this role could have taken last year that some condition names.
	dids := []string{""}
	for _, id := range referenced(rf, year, "did") {
		if c.checkLastAction(role, rf, year, id) == nil {
			dids = append(dids, id)
		}
	}
	settlers := [][2]bool{{false, false}}
	if year-1 >= c.settlersFrom() {
		settlers = [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}}
	}
	for _, f := range fates {
		for _, r := range regions {
			for _, harvest := range conditionValues["harvest"] {
				for _, hunger := range conditionValues["hunger"] {
					for _, kolkhoz := range conditionValues["kolkhoz"] {
						for _, lost := range []bool{false, true} {
							for _, retreat := range []bool{false, true} {
								base := Path{Fate: f, Region: r, Harvest: harvest, Hunger: hunger, Kolkhoz: kolkhoz, LivestockLost: lost, Retreat: retreat}
								stepped := base
								stepped.Stepped = true
								out = append(out, stepped)
								for _, d := range dids {
									for _, s := range settlers {
										p := base
										p.LastAction, p.SettlerReports, p.SettlerLetters = d, s[0], s[1]
										out = append(out, p)
									}
								}
							}
						}
					}
				}
			}
		}
	}
	return out
}

// TestBriefingLengthEveryPath assembles every role × year × fate × path the vocabulary
// distinguishes, with graphic material shown and hidden, and checks 120–250 words.
func TestBriefingLengthEveryPath(t *testing.T) {
	c := mustContent(t)
	total := 0
	for _, role := range IDs {
		rf := c.roles[role]
		for year := c.sc.FirstYear(); year <= c.sc.LastYear(); year++ {
			failures := 0
			for _, p := range reachablePaths(c, role, year) {
				words, graphicWords := 0, 0
				for _, ch := range c.assemble(rf, year, p) {
					words += ch.v.words
					if ch.v.Graphic {
						graphicWords += ch.v.altWords - ch.v.words
					}
				}
				total++
				for _, n := range []struct {
					words   int
					setting string
				}{{words, "graphic shown"}, {words + graphicWords, "graphic hidden"}} {
					if n.words < minWords || n.words > maxWords {
						failures++
						if failures <= 5 {
							t.Errorf("%s %d [%s] (%s): %d words, want %d–%d", role, year, p, n.setting, n.words, minWords, maxWords)
						}
					}
				}
			}
			if failures > 5 {
				t.Errorf("%s %d: %d more combinations out of range", role, year, failures-5)
			}
		}
	}
	if total < 10000 {
		t.Errorf("enumerated only %d paths; the enumeration is broken", total)
	}
}

// TestBriefingOnModelPaths builds real briefings from the model's outcomes: history's
// record, and a mild counterfactual record, for every role, region, fate and year.
func TestBriefingOnModelPaths(t *testing.T) {
	c := mustContent(t)
	sc := economy.Default()
	hist := sc.HistoricalRecord()
	mild := sc.HistoricalRecord()
	mild.Mode = economy.Counterfactual
	for i := range mild.Years {
		yr, _ := sc.Year(mild.Years[i].Year)
		for _, d := range yr.Decisions {
			mild.Years[i].Decisions[d.ID] = d.Options[0].ID
		}
	}
	for name, rec := range map[string]economy.Record{"history": hist, "mild": mild} {
		outs, err := sc.Run(rec)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, role := range IDs {
			rf := c.roles[role]
			for i, year := 0, sc.FirstYear(); year <= sc.LastYear(); i, year = i+1, year+1 {
				fates := []string{""}
				for _, f := range rf.Fates {
					if f.From <= year {
						fates = append(fates, f.ID)
					}
				}
				for _, region := range append([]economy.RegionID{""}, economy.Regions...) {
					for _, fate := range fates {
						ctx := BriefingContext{Region: region, Fate: fate, Stepped: i%2 == 1, SettlerReports: 2, SettlerLetters: 1}
						if i > 0 {
							ctx.Prev = &outs[i-1]
						}
						if i > 1 {
							ctx.Before = &outs[i-2]
						}
						b, err := c.Briefing(role, year, ctx)
						if err != nil {
							t.Fatalf("%s: %s %d %s %q: %v", name, role, year, region, fate, err)
						}
						if b.Words < minWords || b.Words > maxWords {
							t.Errorf("%s: %s %d %s %q [%s]: %d words", name, role, year, region, fate, b.Path, b.Words)
						}
						if b.Summary == "" || len(b.Cards) < MinCards || len(b.Cards) > MaxCards {
							t.Errorf("%s: %s %d: summary %q, %d cards", name, role, year, b.Summary, len(b.Cards))
						}
						if got := countWords(b); got != b.Words {
							t.Errorf("%s: %s %d: Words = %d, paragraphs have %d", name, role, year, b.Words, got)
						}
					}
				}
			}
		}
	}
}

func countWords(b Brief) int {
	c, _ := DefaultContent()
	n := 0
	for _, p := range b.Paragraphs {
		n += c.WordCount(p.Text)
	}
	return n
}

func TestPathOf(t *testing.T) {
	c := mustContent(t)
	sc := economy.Default()
	outs, err := sc.Run(sc.HistoricalRecord())
	if err != nil {
		t.Fatal(err)
	}
	o1931, o1932 := &outs[3], &outs[4] // end of 1931, end of 1932
	famine := *o1932
	famine.ByRegion = map[economy.RegionID]economy.RegionOutcome{}
	for k, v := range o1932.ByRegion {
		famine.ByRegion[k] = v
	}
	u := famine.ByRegion[economy.Ukraine]
	u.FamineDeathsM, u.RuralFoodPerHeadKg, u.GrainHarvestMt = 0.9, 200, 10
	famine.ByRegion[economy.Ukraine] = u
	fed := famine
	fed.ByRegion = map[economy.RegionID]economy.RegionOutcome{}
	for k, v := range famine.ByRegion {
		fed.ByRegion[k] = v
	}
	u.FamineDeathsM, u.RuralFoodPerHeadKg, u.GrainHarvestMt, u.CollectivisedPct = 0, 400, 30, 10
	fed.ByRegion[economy.Ukraine] = u

	tests := []struct {
		name string
		role string
		year int
		ctx  BriefingContext
		want []string // conditions that must hold
		not  []string // conditions that must not hold
	}{
		{"first year", Peasant, 1928, BriefingContext{Region: economy.Volga}, []string{"first", "region:volga"}, []string{"harvest:good", "hunger:none", "stepped"}},
		{"famine in the region", Peasant, 1933, BriefingContext{Region: economy.Ukraine, Prev: &famine, Before: o1931}, []string{"hunger:famine", "harvest:poor", "kolkhoz:most"}, []string{"first", "retreat", "hunger:short"}},
		{"fed region", Official, 1933, BriefingContext{Region: economy.Ukraine, Prev: &fed, Before: o1931}, []string{"hunger:none", "harvest:good", "kolkhoz:few", "fate:inOffice"}, []string{"hunger:famine"}},
		{"kulak defaults to free", Kulak, 1929, BriefingContext{Prev: &outs[0]}, []string{"fate:free", "!fate:settler"}, nil},
		{"settler's letters count after 1931", Official, 1932, BriefingContext{Prev: o1931, SettlerLetters: 3, LastAction: "official-ask-relief"}, []string{"settlers:letters", "!settlers:reports", "did:official-ask-relief"}, nil},
		{"no settlers before any exist", Official, 1930, BriefingContext{Prev: &outs[1], SettlerReports: 3}, nil, []string{"settlers:reports"}},
		{"stepped year has no actions", Peasant, 1932, BriefingContext{Prev: o1931, Stepped: true, LastAction: "peasant-hide-grain", SettlerLetters: 2}, []string{"stepped"}, []string{"did:peasant-hide-grain", "settlers:letters"}},
		{"retreat after 1930", Bukharinite, 1931, BriefingContext{Prev: &outs[2], Before: &outs[1]}, []string{"retreat", "livestock:lost"}, nil},
		{"historian reads the USSR", Historian, 1931, BriefingContext{Prev: &outs[2]}, []string{"!region:ukraine"}, []string{"did:x"}},
		{"directives in force by the year", Peasant, 1933, BriefingContext{Region: economy.Ukraine, Prev: o1932, Before: o1931}, []string{"directive:dekulakisation", "directive:blacklists", "directive:sealing-directive"}, []string{"directive:congress-of-victors"}},
		{"a directive the teacher switched off", Peasant, 1933, BriefingContext{Region: economy.Ukraine, Prev: o1932, Before: o1931, DirectivesOff: []string{"blacklists"}}, []string{"directive:december-decree", "!directive:blacklists"}, nil},
		{"directives in the first year", Official, 1928, BriefingContext{}, []string{"directive:article-107"}, []string{"directive:dekulakisation"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := c.PathOf(tt.role, tt.year, tt.ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, cond := range tt.want {
				if !p.Holds(cond) {
					t.Errorf("path [%s]: %q does not hold", p, cond)
				}
			}
			for _, cond := range tt.not {
				if p.Holds(cond) {
					t.Errorf("path [%s]: %q holds", p, cond)
				}
			}
		})
	}
}

func TestBriefingRefuses(t *testing.T) {
	c := mustContent(t)
	sc := economy.Default()
	outs, _ := sc.Run(sc.HistoricalRecord())
	tests := []struct {
		name string
		role string
		year int
		ctx  BriefingContext
		code fault.Code
	}{
		{"unknown role", "tsar", 1930, BriefingContext{Prev: &outs[1]}, fault.NotFound},
		{"year before the scenario", Peasant, 1927, BriefingContext{}, fault.NotFound},
		{"year after the scenario", Peasant, 1935, BriefingContext{Prev: &outs[6]}, fault.NotFound},
		{"missing previous outcome", Peasant, 1930, BriefingContext{}, fault.Invalid},
		{"unknown region", Peasant, 1928, BriefingContext{Region: "siberia"}, fault.Invalid},
		{"settler too early", Kulak, 1930, BriefingContext{Fate: Settler, Prev: &outs[1]}, fault.Invalid},
		{"purged in the first year", Official, 1928, BriefingContext{Fate: Purged}, fault.Invalid},
		{"fate of another role", Peasant, 1930, BriefingContext{Fate: Purged, Prev: &outs[1]}, fault.Invalid},
		{"action of another faction", Peasant, 1930, BriefingContext{LastAction: "official-ask-relief", Prev: &outs[1]}, fault.Invalid},
		{"action not open last year", Bukharinite, 1929, BriefingContext{LastAction: "bukharin-organise-quietly", Prev: &outs[0]}, fault.Invalid},
		{"settler action while free", Kulak, 1930, BriefingContext{LastAction: "settler-letters-home", Prev: &outs[1]}, fault.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Briefing(tt.role, tt.year, tt.ctx)
			if got := fault.CodeOf(err); got != tt.code {
				t.Errorf("error %v, want code %s", err, tt.code)
			}
		})
	}
}

// TestBriefingContents checks what a briefing carries besides its paragraphs.
func TestBriefingContents(t *testing.T) {
	c := mustContent(t)
	sc := economy.Default()
	outs, _ := sc.Run(sc.HistoricalRecord())

	// A settler sees the settlers' actions and not the free household's.
	b, err := c.Briefing(Kulak, 1932, BriefingContext{Fate: Settler, Region: economy.Volga, Prev: &outs[3], LastAction: "settler-letters-home"})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Actions) == 0 {
		t.Fatal("a settler has no actions in 1932")
	}
	for _, a := range b.Actions {
		if a.Requires != Settler {
			t.Errorf("settler offered %s (requires %q)", a.ID, a.Requires)
		}
	}
	if !hasSlotText(b, "own", "wrote home") {
		t.Errorf("the settler's own letters last year are not in the briefing: %+v", b.Paragraphs)
	}
	// An official in office sees no purged actions; a purged one sees only those.
	for fate, want := range map[string]string{InOffice: InOffice, Purged: Purged} {
		b, err := c.Briefing(Official, 1932, BriefingContext{Fate: fate, Prev: &outs[3]})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range b.Actions {
			if a.Requires != want {
				t.Errorf("%s official offered %s", fate, a.ID)
			}
		}
	}
	// The Historian neither votes nor acts.
	b, err = c.Briefing(Historian, 1933, BriefingContext{Prev: &outs[4]})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Actions) != 0 {
		t.Errorf("the Historian has actions: %v", b.Actions)
	}
	// Terms lists the marked glossary terms, and every one is defined.
	if len(b.Terms) == 0 {
		t.Error("no glossary terms in the Historian's 1933 briefing")
	}
	for _, id := range b.Terms {
		if _, ok := c.Term(id); !ok {
			t.Errorf("term %q not defined", id)
		}
	}
	// Settlers' letters reach other roles' briefings, and only when there were letters.
	with, _ := c.Briefing(Peasant, 1932, BriefingContext{Prev: &outs[3], SettlerLetters: 1})
	without, _ := c.Briefing(Peasant, 1932, BriefingContext{Prev: &outs[3]})
	if !hasSlot(with, "settlers") || hasSlot(without, "settlers") {
		t.Errorf("settlers' paragraph: with letters %v, without %v", hasSlot(with, "settlers"), hasSlot(without, "settlers"))
	}
}

func TestGraphicSetting(t *testing.T) {
	c := mustContent(t)
	sc := economy.Default()
	outs, _ := sc.Run(sc.HistoricalRecord())
	prev := outs[4]
	ro := prev.ByRegion[economy.Ukraine]
	ro.FamineDeathsM = 0.5
	prev.ByRegion = map[economy.RegionID]economy.RegionOutcome{economy.Ukraine: ro}
	found := false
	for _, show := range []bool{false, true} {
		b, err := c.Briefing(Peasant, 1933, BriefingContext{Region: economy.Ukraine, Prev: &prev, ShowGraphic: show})
		if err != nil {
			t.Fatal(err)
		}
		graphicPara := false
		for _, p := range b.Paragraphs {
			graphicPara = graphicPara || p.Graphic
		}
		graphicCard := false
		for _, card := range b.Cards {
			graphicCard = graphicCard || card.Graphic
			if card.ID == "famine-village-1933" {
				found = true
				if !show && strings.Contains(card.Text, "swollen") {
					t.Error("the graphic card's text is shown with the setting off")
				}
			}
		}
		if graphicPara != show || graphicCard != show {
			t.Errorf("ShowGraphic=%v: graphic paragraph %v, graphic card %v", show, graphicPara, graphicCard)
		}
	}
	if !found {
		t.Error("the peasant's 1933 briefing lost its graphic card; this test needs one")
	}
	// Every graphic variant and card has a non-graphic alternative.
	for _, role := range IDs {
		rf := c.roles[role]
		for y, ye := range rf.Years {
			for _, slots := range [][]*slot{ye.core, ye.paths} {
				for _, s := range slots {
					for _, v := range s.Variants {
						if v.Graphic && (v.Alt == "" || v.altWords == 0) {
							t.Errorf("%s %s slot %s: graphic paragraph without an alternative", role, y, s.ID)
						}
					}
				}
			}
		}
	}
}

func hasSlot(b Brief, slot string) bool {
	for _, p := range b.Paragraphs {
		if p.Slot == slot {
			return true
		}
	}
	return false
}

func hasSlotText(b Brief, slot, text string) bool {
	for _, p := range b.Paragraphs {
		if p.Slot == slot && strings.Contains(p.Text, text) {
			return true
		}
	}
	return false
}

func ExampleBriefing() {
	b, err := Briefing(Peasant, 1928, BriefingContext{Region: economy.Volga})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(b.Year, b.Path, len(b.Cards) >= MinCards, b.Words >= minWords)
	// Output: 1928 first region:volga directive:article-107 true true
}

// A hint about a decree follows the decree: in a room whose teacher switched the
// passport decree and the January 1933 order off, the peasant is not told the stations
// turn them back.
func TestHintsFollowDirectives(t *testing.T) {
	c := mustContent(t)
	sc := economy.Default()
	outs, err := sc.Run(sc.HistoricalRecord())
	if err != nil {
		t.Fatal(err)
	}
	hintFor := func(off []string) string {
		t.Helper()
		b, err := c.Briefing(Peasant, 1933, BriefingContext{Region: economy.Ukraine, Prev: &outs[4], Before: &outs[3], DirectivesOff: off})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range b.Actions {
			if a.ID == "peasant-leave-for-towns" {
				return a.Hint
			}
		}
		t.Fatal("no leave-for-towns action in 1933")
		return ""
	}
	history := hintFor(nil)
	if !strings.Contains(history, "passport") || !strings.Contains(history, "forbidden") {
		t.Errorf("history's hint: %q", history)
	}
	if free := hintFor([]string{"internal-passports", "sealing-directive"}); strings.Contains(free, "passport") || strings.Contains(free, "forbid") || free == "" {
		t.Errorf("with both switched off the hint still speaks of them: %q", free)
	}
	if sealed := hintFor([]string{"internal-passports"}); strings.Contains(sealed, "Without a passport") || !strings.Contains(sealed, "January") {
		t.Errorf("passports off, the order in force: %q", sealed)
	}
}
