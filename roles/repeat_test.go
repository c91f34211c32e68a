package roles

import (
	"fmt"
	"slices"
	"testing"

	"github.com/classroom-debate/debate/economy"
)

// repeatRecords are the class paths on which a role's briefings are read year after year:
// history's record, a mild counterfactual (the mildest option of every ordered decision,
// history's choice of the others) with Moscow's directives in force, and the same with
// every directive switched off.
func repeatRecords(sc *economy.Scenario) map[string]economy.Record {
	mild := func(directivesOff bool) economy.Record {
		rec := sc.HistoricalRecord()
		rec.Mode = economy.Counterfactual
		for i := range rec.Years {
			yr, _ := sc.Year(rec.Years[i].Year)
			for _, d := range yr.Decisions {
				if d.Ordered {
					rec.Years[i].Decisions[d.ID] = d.Options[0].ID
				}
			}
			if directivesOff {
				rec.Years[i].Directives = map[string]bool{}
				for _, d := range yr.Directives {
					rec.Years[i].Directives[d.ID] = false
				}
			}
		}
		return rec
	}
	return map[string]economy.Record{
		"history":              sc.HistoricalRecord(),
		"mild":                 mild(false),
		"mild, directives off": mild(true),
	}
}

// switchedOff lists the directives a record switches off.
func switchedOff(rec economy.Record) []string {
	var off []string
	for _, y := range rec.Years {
		for id, on := range y.Directives {
			if !on {
				off = append(off, id)
			}
		}
	}
	slices.Sort(off)
	return off
}

// TestBriefingNoRepeatInConsecutiveYears reads every role's briefings year after year
// along real paths and fails when a paragraph is printed word for word in two
// consecutive years: a student should never read last year's paragraph again. The paths:
// history's record and the mild ones; every home region (the Historian reads the USSR);
// every year played or the one-lesson plan's stepped years (1929, 1931 and 1933); with
// and without special settlers' reports and letters; a player who takes no action or the
// same action in every year it is offered; the fate as the room moves it (deported when
// a deportation directive is in force, the Bukharin faction demoted, recanting or
// organising), a labelled household that stays on its land, and an official kept in
// office or purged at the end of any year a purge can strike.
func TestBriefingNoRepeatInConsecutiveYears(t *testing.T) {
	c := mustContent(t)
	sc := economy.Default()
	steppedPlans := map[string]func(year int) bool{
		"every year played":  func(int) bool { return false },
		"one-lesson stepped": func(year int) bool { return year == 1929 || year == 1931 || year == 1933 },
	}
	purgeYears := []int{0}
	for y := sc.FirstYear(); y < sc.LastYear(); y++ {
		for _, r := range PurgeRules {
			if y >= r.FromYear && !slices.Contains(purgeYears, y) {
				purgeYears = append(purgeYears, y)
			}
		}
	}
	checked := 0
	for recName, rec := range repeatRecords(sc) {
		outs, err := sc.Run(rec)
		if err != nil {
			t.Fatalf("%s: %v", recName, err)
		}
		off := switchedOff(rec)
		// The directives of that very year in force, as the room moves fates.
		inForce := func(year int) func(string) bool {
			yr, _ := sc.Year(year)
			return func(id string) bool {
				return !slices.Contains(off, id) && slices.ContainsFunc(yr.Directives, func(d economy.Directive) bool { return d.ID == id })
			}
		}
		for _, role := range IDs {
			actions, regions, purges := []string{""}, []economy.RegionID{""}, []int{0}
			faction, plays := Faction(role)
			if plays {
				for _, a := range sc.Catalogue {
					if a.Faction == faction {
						actions = append(actions, a.ID)
					}
				}
				regions = append(regions, economy.Regions...)
			}
			if role == Official {
				purges = purgeYears
			}
			fateMoves := []bool{plays} // a Historian's fate never moves
			if role == Kulak {
				fateMoves = append(fateMoves, false) // a household that stays on its land
			}
			for _, region := range regions {
				for _, moves := range fateMoves {
					for _, purgedIn := range purges {
						for planName, stepped := range steppedPlans {
							for _, settlers := range []int{0, 1} {
								for _, action := range actions {
									for _, graphic := range []bool{false, true} {
										path := fmt.Sprintf("%s, %s, region %q, fate moves %v, purged in %d, %s, settlers %d, action %q, graphic %v",
											recName, role, region, moves, purgedIn, planName, settlers, action, graphic)
										checked++
										readYearAfterYear(t, c, sc, outs, role, path, briefingPlan{
											region: region, off: off, stepped: stepped, settlers: settlers, action: action,
											graphic: graphic, fateMoves: moves, purgedIn: purgedIn, inForce: inForce,
										})
									}
								}
							}
						}
					}
				}
			}
		}
	}
	if checked < 1000 {
		t.Errorf("read only %d paths; the enumeration is broken", checked)
	}
}

// briefingPlan is one player's way through the years.
type briefingPlan struct {
	region    economy.RegionID
	off       []string
	stepped   func(year int) bool
	settlers  int
	action    string // taken in every year it is offered and the year is played
	graphic   bool
	fateMoves bool                             // the fate follows the room's rules
	purgedIn  int                              // the year whose resolution purges an official; 0 never
	inForce   func(year int) func(string) bool // the directives of that very year in force
}

// readYearAfterYear builds one player's briefings from the first year to the last and
// reports any paragraph that repeats the previous year's.
func readYearAfterYear(t *testing.T, c *Content, sc *economy.Scenario, outs []economy.Outcome, role, path string, plan briefingPlan) {
	t.Helper()
	fate := InitialFate(role)
	last, took := map[string]bool{}, ""
	for i, year := 0, sc.FirstYear(); year <= sc.LastYear(); i, year = i+1, year+1 {
		ctx := BriefingContext{Region: plan.region, Fate: fate, DirectivesOff: plan.off, ShowGraphic: plan.graphic}
		if i > 0 {
			ctx.Prev = &outs[i-1]
			ctx.Stepped = plan.stepped(year - 1)
			if !ctx.Stepped {
				ctx.LastAction = took
				ctx.SettlerReports, ctx.SettlerLetters = plan.settlers, plan.settlers
			}
		}
		if i > 1 {
			ctx.Before = &outs[i-2]
		}
		b, err := c.Briefing(role, year, ctx)
		if err != nil {
			t.Fatalf("%s, %d: %v", path, year, err)
		}
		this := map[string]bool{}
		for _, p := range b.Paragraphs {
			if last[p.Text] {
				t.Errorf("%s: the %q paragraph of %d repeats %d's: %q", path, p.Slot, year, year-1, p.Text)
			}
			this[p.Text] = true
		}
		last = this
		took = ""
		if plan.action != "" && !plan.stepped(year) && slices.ContainsFunc(b.Actions, func(a ActionView) bool { return a.ID == plan.action }) {
			took = plan.action
		}
		if plan.fateMoves {
			// A purge strikes only an official in office, and only in a played year.
			purged := year == plan.purgedIn && fate == InOffice && !plan.stepped(year)
			fate = NextFate(role, fate, took, plan.inForce(year), purged)
		}
	}
}
