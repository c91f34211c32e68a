package scoring

import (
	"regexp"
	"strings"
	"testing"

	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/economy/economytest"
)

// famineReportOn runs a record through the model and builds every year's famine report
// as a room with that record would show it.
func famineReportOn(t *testing.T, sc *economy.Scenario, rec economy.Record) []FamineYear {
	t.Helper()
	outs, err := sc.Run(rec)
	if err != nil {
		t.Fatal(err)
	}
	c := DefaultContent()
	fctx := famineCtx{sc: sc, counterfactual: rec.Mode == economy.Counterfactual, off: map[string]bool{}, chosen: map[string]string{}}
	shown := map[string]bool{}
	var out []FamineYear
	for i, o := range outs {
		for id, on := range rec.Years[i].Directives {
			if !on {
				fctx.off[id] = true
			}
		}
		for id, opt := range rec.Years[i].Decisions {
			fctx.chosen[id] = opt
		}
		out = append(out, famineYear(c, o, fctx, shown))
	}
	return out
}

// The words an account or a region's note may use only when the class's path had the
// directive: the blacklists, the checkpoints of January 1933, the August law, the
// deportations of the December decree.
var directiveWords = map[string]*regexp.Regexp{
	"blacklists":             regexp.MustCompile(`(?i)blacklist`),
	"sealing-directive":      regexp.MustCompile(`(?i)checkpoint|without a permit|closed borders`),
	"socialist-property-law": regexp.MustCompile(`(?i)august law|law on socialist property|ears of grain`),
	"december-decree":        regexp.MustCompile(`(?i)deported to the north`),
}

// TestFamineReportFollowsTheClassPath: on the harsh counterfactual (history's options,
// every directive off) the model has famine, and the report neither names it with
// history's proper name nor tells of a switched-off directive as the class's story; it
// names the region's famine plainly and says what history's was called.
func TestFamineReportFollowsTheClassPath(t *testing.T) {
	sc := economy.Default()
	years := famineReportOn(t, sc, economytest.DirectivesOff(sc, false))
	struck := 0
	for _, fy := range years {
		for _, r := range fy.Regions {
			if r.Famine == "" {
				continue
			}
			struck++
			if r.Famine != "famine" {
				t.Errorf("%d %s: a counterfactual famine is named %q", fy.Year, r.Region, r.Famine)
			}
			want := DefaultContent().Famine.Regions[r.Region].Counterfactual
			if r.Remember != want {
				t.Errorf("%d %s: a counterfactual room is told %q, want %q", fy.Year, r.Region, r.Remember, want)
			}
			for id, rx := range directiveWords {
				if rx.MatchString(r.Remember) {
					t.Errorf("%d %s: with %s off the region's note says %q", fy.Year, r.Region, id, r.Remember)
				}
			}
		}
		for _, a := range fy.Accounts {
			for id, rx := range directiveWords {
				if rx.MatchString(a.Text) {
					t.Errorf("%d: with %s off, the account %q tells of it", fy.Year, id, a.Title)
				}
			}
		}
	}
	if struck == 0 {
		t.Fatal("the harsh counterfactual shows no famine anywhere; the test checks nothing")
	}
	for _, r := range []string{"ukraine", "kazakhstan"} {
		if cf := DefaultContent().Famine.Regions[r].Counterfactual; !strings.Contains(cf, DefaultContent().Famine.Regions[r].Famine[len("the "):]) {
			t.Errorf("%s: the counterfactual text %q does not say what history's famine was called", r, cf)
		}
	}
	// History's own path names its famines and tells its accounts.
	hist := famineReportOn(t, sc, sc.HistoricalRecord())
	named, told := false, map[string]bool{}
	for _, fy := range hist {
		for _, r := range fy.Regions {
			named = named || r.Famine == "the Holodomor"
		}
		for _, a := range fy.Accounts {
			told[a.Title] = true
		}
	}
	if !named || !told["The Kovalenko family, Poltava region, 1932–33"] || !told["A Cossack stanitsa in the Kuban, 1932–33"] {
		t.Errorf("history's path: Holodomor named %v, accounts told %v", named, told)
	}
}

// yearsInTitle finds the last year an account's title names ("1932–33" → 1933).
var yearsInTitle = regexp.MustCompile(`(\d{4})(?:–(\d{2}))?$`)

// TestAccountsNeverForetell: on history's path no composite account appears in a report
// before the last year it narrates, so the 1931 report never tells of 1932–33 before the
// class has voted on 1932.
func TestAccountsNeverForetell(t *testing.T) {
	sc := economy.Default()
	for _, fy := range famineReportOn(t, sc, sc.HistoricalRecord()) {
		for _, a := range fy.Accounts {
			m := yearsInTitle.FindStringSubmatch(a.Title)
			if m == nil {
				t.Fatalf("account %q: its title names no years", a.Title)
			}
			last := m[1]
			if m[2] != "" {
				last = m[1][:2] + m[2]
			}
			if y := fy.Year; itoa(y) < last {
				t.Errorf("account %q is told in the %d report, before %s", a.Title, y, last)
			}
		}
	}
}
