package roles

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/economy/economytest"
)

// What a text may not say where the class's path lacks it. Hunger words are checked on
// the mild path, where the model has no famine; decree words wherever the directive is off;
// the famines' proper names on every counterfactual path (they name history's famines,
// which a counterfactual class did not live through).
var (
	hungerWords = regexp.MustCompile(`(?i)\b(starv\w*|famine\w*|hunger|hungry|swollen|swelling|went hungry|dying|died of|die of|eat(ing)? grass|bark)\b`)
	famineNames = regexp.MustCompile(`(?i)holodomor|asharshylyk`)
	decreeWords = map[string]*regexp.Regexp{
		"socialist-property-law": regexp.MustCompile(`(?i)ten years|10 years|law of 7 august|august law|law on (the protection of )?socialist property|spikelet|ears of grain`),
		"blacklists":             regexp.MustCompile(`(?i)blacklist`),
		"internal-passports":     regexp.MustCompile(`(?i)passport`),
		"sealing-directive":      regexp.MustCompile(`(?i)borders? (are |were |is )?sealed|sealed (the )?border|checkpoint|may not leave to look|for bread’`),
		"december-decree":        regexp.MustCompile(`(?i)decree of 14 december|14 december decree`),
		"politotdely":            regexp.MustCompile(`(?i)politotdel|political departments`),
		// The Kazakh herders' settling and the seizure of their herds.
		"kazakh-sedentarisation": regexp.MustCompile(`(?i)settled (in|into) kolkhoz|herds? (is|are) gone|last of the big flocks|took what was left|lost (its|our) herd|settlement points?|dugouts?|kolkhoz settlement|settlements? without herds|settlement of kazakh herders has stopped|the settling (broke|and the seizures)`),
		"no-relief-line":         regexp.MustCompile(`(?i)no relief (will|is going to) come|moscow (has )?refuse[sd]? relief`),
	}
)

// studentTexts is everything a student reads of a briefing: paragraphs, summary and
// the actions' hints (cards are history's evidence, labelled as such, and excluded).
func studentTexts(c *Content, b Brief) map[string]string {
	out := map[string]string{"summary": c.PlainText(b.Summary)}
	for _, p := range b.Paragraphs {
		out["paragraph "+p.Slot] = c.PlainText(p.Text)
	}
	for _, a := range b.Actions {
		if a.Hint != "" {
			out["hint "+a.ID] = c.PlainText(a.Hint)
		}
		out["action "+a.ID] = a.Title + " " + a.Summary
	}
	return out
}

// TestTextsFollowTheClassPath reads every role's briefing for every region, fate and
// last action on the three class paths and fails where a text tells as fact a decree
// the class's path switched off, a famine's historical name in a counterfactual room, or,
// on the mild path, hunger that the class's path did not have.
func TestTextsFollowTheClassPath(t *testing.T) {
	c := mustContent(t)
	sc := economy.Default()
	paths := economytest.ClassPaths(sc)
	// Each bad text is reported once per run of the test, not once per process: a
	// package-level set made a second run (-count=2) pass whatever the texts said.
	reported := map[string]bool{}
	// A fixed order, and the mild path last: a failure of one path never hides another's.
	for _, name := range []string{economytest.History, economytest.Harsh, economytest.Mild} {
		rec := paths[name]
		outs, err := sc.Run(rec)
		if err != nil {
			t.Fatal(err)
		}
		off := switchedOff(rec)
		// The hunger check reads the mild path, which must have no famine; if the model
		// gives it one, that is reported once and the other checks still run.
		hungerFree := name == economytest.Mild
		if name == economytest.Mild {
			for _, o := range outs {
				if o.FamineDeathsM > 0.005 {
					t.Errorf("the mild path has %.3f M famine deaths in %d; the hunger check needs a path without famine", o.FamineDeathsM, o.Year)
					hungerFree = false
					break
				}
			}
		}
		// The year's title and summary, as the whole class and the projector read them.
		for i, year := 0, sc.FirstYear(); year <= sc.LastYear(); i, year = i+1, year+1 {
			ctx := BriefingContext{DirectivesOff: off}
			if i > 0 {
				ctx.Prev = &outs[i-1]
			}
			if i > 1 {
				ctx.Before = &outs[i-2]
			}
			yt, err := c.Year(year, ctx)
			if err != nil {
				t.Fatalf("%s: year %d: %v", name, year, err)
			}
			checkTexts(t, reported, fmt.Sprintf("%s path, year %d", name, year), name, "", map[string]string{"title": yt.Title, "summary": c.PlainText(yt.Summary)}, off, hungerFree)
			if name == economytest.History && (year == 1932 && yt.Title != "Hunger" || year == 1933 && yt.Title != "The famine") {
				t.Errorf("history's path: %d is titled %q", year, yt.Title)
			}
		}
		for _, role := range IDs {
			rf := c.roles[role]
			actions := []string{""}
			if f, plays := Faction(role); plays {
				for _, a := range sc.Catalogue {
					if a.Faction == f {
						actions = append(actions, a.ID)
					}
				}
			}
			for i, year := 0, sc.FirstYear(); year <= sc.LastYear(); i, year = i+1, year+1 {
				fates := []string{""}
				for _, f := range rf.Fates {
					if f.From <= year && (name == economytest.History || reachableWithout(role, f.ID, sc)) {
						fates = append(fates, f.ID)
					}
				}
				for _, region := range append([]economy.RegionID{""}, economy.Regions...) {
					for _, fate := range fates {
						for _, action := range actions {
							if action != "" && i > 0 && !openIn(sc, year-1, action) {
								continue
							}
							for _, stepped := range []bool{false, true} {
								ctx := BriefingContext{Region: region, Fate: fate, DirectivesOff: off, Stepped: stepped}
								if name == economytest.History {
									// Special settlers exist only where a deportation was in force.
									ctx.SettlerReports, ctx.SettlerLetters = 1, 1
								}
								if i == 0 && (action != "" || stepped) {
									continue
								}
								if i > 0 {
									ctx.Prev = &outs[i-1]
									if !stepped {
										ctx.LastAction = action
									}
								}
								if i > 1 {
									ctx.Before = &outs[i-2]
								}
								b, err := c.Briefing(role, year, ctx)
								if err != nil && action != "" && strings.Contains(err.Error(), "was not open") {
									continue // an action this fate could not have taken
								}
								if err != nil {
									t.Fatalf("%s: %s %d %s: %v", name, role, year, region, err)
								}
								where := fmt.Sprintf("%s path, %s %d, region %q, fate %q, stepped %v, last action %q", name, role, year, region, fate, stepped, action)
								checkTexts(t, reported, where, name, role, studentTexts(c, b), off, hungerFree)
							}
						}
					}
				}
			}
		}
	}
}

// historyMarked is how a Historian's text says that it tells history's events, not the
// class's: the Historian reads the real record beside the class's world.
var historyMarked = regexp.MustCompile(`(?i)\bin history\b|historians|demographers|archival`)

// checkTexts reports what texts tell that the class's path lacks, each text once in
// reported; hungerFree says the path has no famine, so that no text may assert hunger.
func checkTexts(t *testing.T, reported map[string]bool, where, path, role string, texts map[string]string, off []string, hungerFree bool) {
	t.Helper()
	for what, text := range texts {
		if role == Historian && historyMarked.MatchString(text) {
			continue
		}
		var bad []string
		if path != economytest.History {
			if m := asserted(famineNames, text); m != "" {
				bad = append(bad, "names "+m)
			}
		}
		if hungerFree {
			if m := asserted(hungerWords, text); m != "" {
				bad = append(bad, "asserts hunger ("+m+")")
			}
		}
		for id, rx := range decreeWords {
			if slices.Contains(off, id) {
				if m := asserted(rx, text); m != "" {
					bad = append(bad, "tells of "+id+" ("+m+")")
				}
			}
		}
		if len(bad) > 0 {
			key := path + what + text
			if reported[key] {
				continue
			}
			reported[key] = true
			t.Errorf("%s: %s %s: %q", where, what, strings.Join(bad, ", "), text)
		}
	}
}

// openIn says whether an action was open in a year.
func openIn(sc *economy.Scenario, year int, action string) bool {
	yr, _ := sc.Year(year)
	return slices.ContainsFunc(yr.Actions, func(a economy.Action) bool { return a.ID == action })
}

// negation is a word just before a match, or a phrase just after it, that denies it:
// "no passport stands in the way", "passports do not exist yet", "without hunger".
var (
	negatedBefore = regexp.MustCompile(`(?i)\b(no|not|without|never|nor)\b[^.;:]{0,20}$`)
	negatedAfter  = regexp.MustCompile(`(?i)^[^.;:]{0,12}\b(do not|does not|did not) exist`)
)

// asserted returns the first match of rx in text that no negation next to it denies.
func asserted(rx *regexp.Regexp, text string) string {
	for _, loc := range rx.FindAllStringIndex(text, -1) {
		if negatedBefore.MatchString(text[:loc[0]]) || negatedAfter.MatchString(text[loc[1]:]) {
			continue
		}
		return text[loc[0]:loc[1]]
	}
	return ""
}

// reachableWithout says whether a fate can be reached with no directive in force: a
// household is deported only under a deportation directive.
func reachableWithout(role, fate string, sc *economy.Scenario) bool {
	seen := map[string]bool{InitialFate(role): true}
	none := func(string) bool { return false }
	for changed := true; changed; {
		changed = false
		for f := range seen {
			for _, a := range append([]economy.ActionSpec{{}}, sc.Catalogue...) {
				for _, purged := range []bool{false, true} {
					if n := NextFate(role, f, a.ID, none, purged); !seen[n] {
						seen[n], changed = true, true
					}
				}
			}
		}
	}
	return seen[fate]
}
