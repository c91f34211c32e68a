package economy

import (
	"math/rand/v2"
	"testing"
)

// choose returns history's choices for every year, with pick(decision) overriding
// the option where it returns a non-empty id.
func choose(sc *Scenario, mode Mode, seed int64, pick func(y int, d Decision) string) Record {
	rec := sc.HistoricalRecord()
	rec.Mode, rec.Seed = mode, seed
	for i := range rec.Years {
		y, _ := sc.Year(rec.Years[i].Year)
		for _, d := range y.Decisions {
			if id := pick(y.Year, d); id != "" {
				rec.Years[i].Decisions[d.ID] = id
			}
		}
	}
	return rec
}

// nepRecord is the NEP-like path: the mildest option of every ordered decision
// (voluntary pace, market prices, the smallest quotas, no exports, generous plots and
// relief), every directive switched off, and no faction actions.
func nepRecord(sc *Scenario, seed int64) Record {
	rec := choose(sc, Counterfactual, seed, func(_ int, d Decision) string {
		if d.Ordered {
			return d.Options[0].ID
		}
		return ""
	})
	for i := range rec.Years {
		y, _ := sc.Year(rec.Years[i].Year)
		rec.Years[i].Directives = map[string]bool{}
		for _, d := range y.Directives {
			rec.Years[i].Directives[d.ID] = false
		}
		rec.Years[i].Actions = nil
	}
	return rec
}

func run(t testing.TB, sc *Scenario, rec Record) []Outcome {
	t.Helper()
	outs, err := sc.Run(rec)
	if err != nil {
		t.Fatal(err)
	}
	return outs
}

func totalDeaths(outs []Outcome, from, to int) float64 {
	s := 0.0
	for _, o := range outs {
		if o.Year >= from && o.Year <= to {
			s += o.FamineDeathsM
		}
	}
	return s
}

func TestNEPPathHasNoFamineAndKeepsLivestock(t *testing.T) {
	sc := Default()
	hist := historicalRun(t)
	for _, seed := range []int64{0, 1, 2, 3, 42, 1928} {
		outs := run(t, sc, nepRecord(sc, seed))
		if d := totalDeaths(outs, 1928, 1934); d >= 0.2 {
			t.Errorf("seed %d: NEP-like path has %.3f M famine deaths, want well under 0.2 M", seed, d)
		}
		last := outs[len(outs)-1]
		for _, c := range []struct {
			name       string
			got, start float64
		}{{"cattle", last.CattleM, hist[1928].CattleM}, {"horses", last.HorsesM, hist[1928].HorsesM}} {
			if r := c.got / c.start; r < 0.85 || r > 1.3 {
				t.Errorf("seed %d: NEP-like %s in 1934 at %.2f of 1928's, want near 1928 levels", seed, c.name, r)
			}
		}
		if last.CollectivisedPct > 20 {
			t.Errorf("seed %d: NEP-like path collectivised %.1f%% by 1934, want a voluntary trickle", seed, last.CollectivisedPct)
		}
	}
}

// No region starves on a mild path: neither on the NEP-like path nor on the mildest
// options with every directive off and history's faction actions (the roles' mild class
// path). The Kazakh herders, whose food came from their animals, are the test: the NEP
// years had no famine on the steppe, which came with the confiscations, forced
// settlement and procurement of 1928-32 (Cameron 2018; Pianciola 2004).
func TestMildPathsHaveNoRegionalFamine(t *testing.T) {
	sc := Default()
	hist := sc.HistoricalRecord()
	for seed := int64(0); seed < 12; seed++ {
		nep := nepRecord(sc, seed)
		mild := nepRecord(sc, seed)
		for i := range mild.Years {
			mild.Years[i].Actions = hist.Years[i].Actions
		}
		for name, rec := range map[string]Record{"NEP-like": nep, "mildest with history's actions": mild} {
			for _, o := range run(t, sc, rec) {
				for _, id := range Regions {
					if d := o.FamineDeathsByRegionM[id]; d > 0.005 {
						t.Errorf("seed %d, %s path: %s has %.4f M famine deaths in %d (food %.0f kg a head); want none above 0.005 M",
							seed, name, id, d, o.Year, o.ByRegion[id].RuralFoodPerHeadKg)
					}
				}
			}
		}
	}
}

func TestNEPIndustryGrowthIsAnAssumption(t *testing.T) {
	sc := Default()
	found := false
	for _, a := range sc.Assumptions() {
		if a.ID == "nep-industry" && a.Trust != "" {
			found = true
		}
	}
	if !found {
		t.Fatal("the model does not state its assumption about industry under NEP")
	}
	outs := run(t, sc, nepRecord(sc, 0))
	if outs[4].IndustryIndex <= 100 {
		t.Errorf("NEP-like industry in 1932 = %v: NEP grew", outs[4].IndustryIndex)
	}
}

func TestHarsherAndMilderVariants(t *testing.T) {
	sc := Default()
	hist := run(t, sc, sc.HistoricalRecord())
	harshest := run(t, sc, choose(sc, Historical, 0, func(_ int, d Decision) string {
		if d.Ordered {
			return d.Options[len(d.Options)-1].ID
		}
		return ""
	}))
	mildest := run(t, sc, choose(sc, Historical, 0, func(_ int, d Decision) string {
		if d.Ordered {
			return d.Options[0].ID
		}
		return ""
	}))
	h, hh, m := totalDeaths(hist, 1930, 1934), totalDeaths(harshest, 1930, 1934), totalDeaths(mildest, 1930, 1934)
	if !(hh > h && h > m) {
		t.Errorf("deaths 1930-34: harshest %.3f, history %.3f, mildest %.3f; want harshest > history > mildest", hh, h, m)
	}
	// Milder choices with the directives still in force help, but do not undo them.
	if m <= 0.01 {
		t.Errorf("mildest choices under history's directives give %.3f M deaths; the directives' effects vanished", m)
	}
	if harshest[6].CattleM >= hist[6].CattleM || mildest[6].CattleM <= hist[6].CattleM {
		t.Errorf("cattle 1934: harshest %.1f, history %.1f, mildest %.1f; want harshest < history < mildest",
			harshest[6].CattleM, hist[6].CattleM, mildest[6].CattleM)
	}
}

// randomRecord draws a random path: random options for every decision, and in
// counterfactual mode random directives, actions and seed.
func randomRecord(sc *Scenario, rng *rand.Rand) Record {
	mode := Historical
	if rng.IntN(2) == 0 {
		mode = Counterfactual
	}
	rec := choose(sc, mode, rng.Int64(), func(_ int, d Decision) string {
		return d.Options[rng.IntN(len(d.Options))].ID
	})
	for i := range rec.Years {
		y, _ := sc.Year(rec.Years[i].Year)
		if mode == Counterfactual {
			rec.Years[i].Directives = map[string]bool{}
			for _, d := range y.Directives {
				rec.Years[i].Directives[d.ID] = rng.IntN(2) == 0
			}
			if len(y.Events) > 0 && rng.IntN(3) == 0 {
				rec.Years[i].Events = []string{y.Events[rng.IntN(len(y.Events))].ID}
			}
		}
		switch rng.IntN(3) {
		case 0: // no players in some factions, random shares in the rest
			acts := map[Faction]map[RegionID]map[string]float64{}
			for _, a := range y.Actions {
				if rng.IntN(3) == 0 {
					continue
				}
				r := Regions[rng.IntN(len(Regions))]
				if acts[a.Faction] == nil {
					acts[a.Faction] = map[RegionID]map[string]float64{}
				}
				if acts[a.Faction][r] == nil {
					acts[a.Faction][r] = map[string]float64{}
				}
				left := 1.0
				for _, s := range acts[a.Faction][r] {
					left -= s
				}
				acts[a.Faction][r][a.ID] = left * rng.Float64()
			}
			rec.Years[i].Actions = acts
		case 1:
			rec.Years[i].Actions = nil
		}
	}
	return rec
}

type notch struct {
	year     int
	decision string
}

func orderedNotches(sc *Scenario, rec Record, harsher bool) []notch {
	var out []notch
	for _, yc := range rec.Years {
		y, _ := sc.Year(yc.Year)
		for _, d := range y.Decisions {
			_, i, _ := d.Option(yc.Decisions[d.ID])
			if d.Ordered && ((harsher && i < len(d.Options)-1) || (!harsher && i > 0)) {
				out = append(out, notch{y.Year, d.ID})
			}
		}
	}
	return out
}

func moved(sc *Scenario, rec Record, n notch, step int) Record {
	cp := rec
	cp.Years = append([]YearChoices(nil), rec.Years...)
	i := n.year - sc.FirstYear()
	cp.Years[i].Decisions = map[string]string{}
	for k, v := range rec.Years[i].Decisions {
		cp.Years[i].Decisions[k] = v
	}
	y, _ := sc.Year(n.year)
	d, _ := y.Decision(n.decision)
	_, idx, _ := d.Option(cp.Years[i].Decisions[n.decision])
	cp.Years[i].Decisions[n.decision] = d.Options[idx+step].ID
	return cp
}

// tolerance absorbs the 4-decimal rounding of regional deaths (a few hundred people).
const tolerance = 0.0006

// herdTolerance absorbs the 3-decimal rounding of each region's herds, in million head.
const herdTolerance = 0.005

// TestOneNotchHarsherNeverLowersDeaths moves every ordered decision of 1,000 random
// paths one notch harsher, one at a time (about 12,000 comparisons): famine deaths
// 1930-34, deaths in that year and in that year and the next together never fall, and
// 1934's cattle, horses and herds never rise. The next year alone may fall: people who
// died a year earlier can no longer die, so that year is checked with the one before.
func TestOneNotchHarsherNeverLowersDeaths(t *testing.T) {
	sc := Default()
	rng := rand.New(rand.NewPCG(1, 2))
	compared := 0
	for path := 0; path < 1000; path++ {
		rec := randomRecord(sc, rng)
		base := run(t, sc, rec)
		for _, n := range orderedNotches(sc, rec, true) {
			harsh := run(t, sc, moved(sc, rec, n, +1))
			compared++
			if a, b := totalDeaths(base, 1930, 1934), totalDeaths(harsh, 1930, 1934); b < a-tolerance {
				t.Errorf("path %d: %s in %d one notch harsher lowered deaths 1930-34 from %.4f to %.4f (mode %s)", path, n.decision, n.year, a, b, rec.Mode)
			}
			i := n.year - sc.FirstYear()
			if a, b := base[i].FamineDeathsM, harsh[i].FamineDeathsM; b < a-tolerance {
				t.Errorf("path %d: %s in %d one notch harsher lowered deaths that year from %.4f to %.4f (mode %s)", path, n.decision, n.year, a, b, rec.Mode)
			}
			if a, b := totalDeaths(base, n.year, n.year+1), totalDeaths(harsh, n.year, n.year+1); b < a-tolerance {
				t.Errorf("path %d: %s in %d one notch harsher lowered deaths in %d-%d from %.4f to %.4f (mode %s)", path, n.decision, n.year, n.year, n.year+1, a, b, rec.Mode)
			}
			last, hl := base[len(base)-1], harsh[len(harsh)-1]
			for _, c := range []struct {
				name      string
				base, got float64
			}{{"cattle", last.CattleM, hl.CattleM}, {"horses", last.HorsesM, hl.HorsesM}, {"herds", last.HerdsM, hl.HerdsM}} {
				if c.got > c.base+herdTolerance {
					t.Errorf("path %d: %s in %d one notch harsher raised 1934 %s from %.3f to %.3f (mode %s)", path, n.decision, n.year, c.name, c.base, c.got, rec.Mode)
				}
			}
			if t.Failed() {
				return
			}
		}
	}
	if compared < 10000 {
		t.Fatalf("only %d comparisons", compared)
	}
}

func TestMoreReliefNeverRaisesDeaths(t *testing.T) {
	sc := Default()
	rng := rand.New(rand.NewPCG(3, 4))
	tested := 0
	for attempts := 0; tested < 200 && attempts < 5000; attempts++ {
		rec := randomRecord(sc, rng)
		var ns []notch
		for _, n := range orderedNotches(sc, rec, false) {
			y, _ := sc.Year(n.year)
			d, _ := y.Decision(n.decision)
			if _, ok := d.Options[0].Set["relief"]; ok {
				ns = append(ns, n)
			}
		}
		if len(ns) == 0 {
			continue
		}
		n := ns[rng.IntN(len(ns))]
		base := run(t, sc, rec)
		more := run(t, sc, moved(sc, rec, n, -1))
		tested++
		if a, b := totalDeaths(base, 1928, 1934), totalDeaths(more, 1928, 1934); b > a+tolerance {
			t.Errorf("%s in %d: more relief raised deaths from %.4f to %.4f", n.decision, n.year, a, b)
		}
		// That year, and that year and the next together: a life saved in the spring
		// can still be lost the next year, so the next year alone may rise a little.
		i := n.year - sc.FirstYear()
		if a, b := base[i].FamineDeathsM, more[i].FamineDeathsM; b > a+tolerance {
			t.Errorf("%s in %d: more relief raised deaths that year from %.4f to %.4f", n.decision, n.year, a, b)
		}
		if a, b := totalDeaths(base, n.year, n.year+1), totalDeaths(more, n.year, n.year+1); b > a+tolerance {
			t.Errorf("%s in %d: more relief raised deaths in %d-%d from %.4f to %.4f", n.decision, n.year, n.year, n.year+1, a, b)
		}
	}
	if tested < 200 {
		t.Fatalf("only %d relief paths tested", tested)
	}
}
