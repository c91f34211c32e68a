package economy

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// Ukraine's procurement on history's path lands within 15% of the sourced 7.5, 7.0 and
// 4.2 Mt (attribution.md, regions.csv), and every year reports the plan and what was
// collected, nationally and by region.
func TestUkraineProcurementMatchesTheSources(t *testing.T) {
	years := historicalRun(t)
	for y, want := range map[int]float64{1930: 7.5, 1931: 7.0, 1932: 4.2} {
		if got := years[y].ByRegion[Ukraine].ProcurementMt; math.Abs(got/want-1) > 0.15 {
			t.Errorf("Ukraine's procurement %d = %.2f Mt, want within 15%% of %.1f", y, got, want)
		}
	}
	for y := 1928; y <= 1934; y++ {
		o := years[y]
		if o.PlanMt <= 0 || o.OfficialHarvestMt <= o.GrainHarvestMt {
			t.Errorf("%d: plan %.2f, official estimate %.2f over a harvest of %.2f", y, o.PlanMt, o.OfficialHarvestMt, o.GrainHarvestMt)
		}
		plan := 0.0
		for _, r := range Regions {
			plan += o.ByRegion[r].PlanMt
		}
		if math.Abs(plan-o.PlanMt) > 0.01 {
			t.Errorf("%d: regional plans add up to %.3f, the USSR's is %.3f", y, plan, o.PlanMt)
		}
	}
	// The official estimate runs 20-30% over the threshed grain in an orderly year.
	if r := years[1928].OfficialHarvestMt / years[1928].GrainHarvestMt; r < 1.2 || r > 1.3 {
		t.Errorf("1928 official estimate over the real harvest = %.3f, want 1.2-1.3", r)
	}
}

// weatherScenario returns a copy of the scenario with year y's weather in every region
// multiplied by f.
func weatherScenario(y int, f float64) *Scenario {
	cp := *Default()
	cp.compiled = slices.Clone(cp.compiled)
	i := y - cp.FirstYear()
	for r := range cp.compiled[i].weather {
		cp.compiled[i].weather[r] *= f
	}
	return &cp
}

// A better or worse harvest changes what the state collects: procurement meets the
// harvest instead of every shortfall falling on the villages. In a good year the plan
// binds and procurement moves little; when grain is short (1931, 1932) it moves much.
func TestProcurementRespondsToTheHarvest(t *testing.T) {
	for y, least := range map[int]float64{1930: 0.005, 1931: 0.3, 1932: 0.3, 1933: 0.05} {
		i := y - 1928
		base := run(t, Default(), Default().HistoricalRecord())[i]
		for _, f := range []float64{0.95, 1.05} {
			sc := weatherScenario(y, f)
			o := run(t, sc, sc.HistoricalRecord())[i]
			dP := o.ProcurementMt - base.ProcurementMt
			if f < 1 && dP > -least || f > 1 && dP < least {
				t.Errorf("%d weather x%.2f moved procurement by %.3f Mt (harvest %.2f -> %.2f)", y, f, dP, base.GrainHarvestMt, o.GrainHarvestMt)
			}
		}
	}
}

// The grain balance: fodder follows the herds, seed follows the sown area, and the state
// carries a stock from year to year that relief draws on.
func TestGrainBalance(t *testing.T) {
	years := historicalRun(t)
	if years[1933].FodderMt >= 0.8*years[1928].FodderMt {
		t.Errorf("fodder 1933 %.2f Mt against 1928 %.2f: it does not follow the herds' fall", years[1933].FodderMt, years[1928].FodderMt)
	}
	if years[1933].SeedMt >= years[1928].SeedMt {
		t.Errorf("seed 1933 %.2f Mt >= 1928 %.2f: lost labour and horses sow less", years[1933].SeedMt, years[1928].SeedMt)
	}
	for y := 1928; y <= 1934; y++ {
		if years[y].StateStockMt <= 0 {
			t.Errorf("%d: the state carries no stock", y)
		}
	}
	// Relief draws on the stock: generous relief in 1933 leaves less of it.
	sc := Default()
	rec := choose(sc, Historical, 0, func(y int, d Decision) string {
		if d.ID == "relief-1933" {
			return d.Options[0].ID
		}
		return ""
	})
	more := run(t, sc, rec)
	if more[5].StateStockMt >= years[1933].StateStockMt {
		t.Errorf("generous relief in 1933 left the state stock at %.2f (history %.2f)", more[5].StateStockMt, years[1933].StateStockMt)
	}
}

// Switching a directive off in counterfactual play removes its mechanism: the January
// 1933 directive blocks flight from Ukraine, the blacklists take other food.
func TestDirectivesCarryTheirMechanisms(t *testing.T) {
	sc := Default()
	hist := sc.HistoricalRecord()
	hist.Mode = Counterfactual
	base := run(t, sc, hist)
	for _, id := range []string{"sealing-directive", "blacklists", "december-decree"} {
		rec := sc.HistoricalRecord()
		rec.Mode = Counterfactual
		for i := range rec.Years {
			rec.Years[i].Directives = map[string]bool{}
			y, _ := sc.Year(rec.Years[i].Year)
			for _, d := range y.Directives {
				if d.ID == id {
					rec.Years[i].Directives[id] = false
				}
			}
		}
		off := run(t, sc, rec)
		a, b := base[4].FamineDeathsByRegionM[Ukraine]+base[5].FamineDeathsByRegionM[Ukraine], off[4].FamineDeathsByRegionM[Ukraine]+off[5].FamineDeathsByRegionM[Ukraine]
		if b >= a-0.01 {
			t.Errorf("%s off: Ukraine's 1932-33 deaths %.3f -> %.3f; its mechanism is not in the model", id, a, b)
		}
		if id == "sealing-directive" && off[5].ByRegion[Ukraine].RefugeesM <= base[5].ByRegion[Ukraine].RefugeesM {
			t.Errorf("without the January 1933 directive no more people fled Ukraine in 1933: %.4f vs %.4f", off[5].ByRegion[Ukraine].RefugeesM, base[5].ByRegion[Ukraine].RefugeesM)
		}
	}
}

// People, not only grain: the Kazakh herders flee in the sources' numbers, deaths and
// flight lower the next harvest, and relief goes where hunger is.
func TestPeopleFleeAndTheirLabourIsLost(t *testing.T) {
	years := historicalRun(t)
	fled := 0.0
	for y := 1930; y <= 1933; y++ {
		fled += years[y].ByRegion[Kazakhstan].RefugeesM
	}
	if fled < 0.67 || fled > 1.1 {
		t.Errorf("Kazakh refugees 1930-33 = %.3f M, want the sources' 0.67-1.1 M", fled)
	}
	// Deaths reduce next year's labour and sowing: the same state with fewer people
	// harvests less.
	sc := Default()
	st := sc.Start()
	for y := 1928; y <= 1932; y++ {
		st, _, _ = sc.Step(st, sc.HistoricalChoices(y), Historical, 0)
	}
	fewer := st
	fewer.Regions[0].RuralPopM -= 2
	_, a, _ := sc.Step(st, sc.HistoricalChoices(1933), Historical, 0)
	_, b, _ := sc.Step(fewer, sc.HistoricalChoices(1933), Historical, 0)
	if b.ByRegion[Ukraine].GrainHarvestMt >= a.ByRegion[Ukraine].GrainHarvestMt {
		t.Errorf("2 M fewer people in Ukraine harvested %.2f Mt against %.2f", b.ByRegion[Ukraine].GrainHarvestMt, a.ByRegion[Ukraine].GrainHarvestMt)
	}
	// Relief goes where hunger is: in the spring of 1933 Ukraine, the hungriest, gets more
	// per head than the rest of the USSR.
	o := years[1933]
	ua := o.ByRegion[Ukraine].ReliefMt / sc.RegionData[Ukraine].RuralPopM
	rest := o.ByRegion[Rest].ReliefMt / sc.RegionData[Rest].RuralPopM
	if ua <= rest {
		t.Errorf("relief per head 1933: Ukraine %.4f, rest %.4f; relief should go where hunger is", ua, rest)
	}
	if o.TorgsinMt <= 0 || years[1931].TorgsinMt != 0 {
		t.Errorf("Torgsin sold %.2f Mt in 1933 and %.2f in 1931; it sold bread for valuables from 1932", o.TorgsinMt, years[1931].TorgsinMt)
	}
}

// No path, however harsh, kills more than 40% of a region's rural population.
func TestNoPathKillsMoreThanFortyPercent(t *testing.T) {
	sc := Default()
	check := func(name string, rec Record) {
		outs := run(t, sc, rec)
		for _, r := range Regions {
			d := 0.0
			for _, o := range outs {
				d += o.FamineDeathsByRegionM[r]
			}
			if share := d / sc.RegionData[r].RuralPopM; share > 0.4 {
				t.Errorf("%s: %s lost %.1f%% of its rural population", name, r, 100*share)
			}
		}
	}
	harshest := choose(sc, Historical, 0, func(_ int, d Decision) string { return d.Options[len(d.Options)-1].ID })
	check("harshest", harshest)
	rng := rand.New(rand.NewPCG(40, 40))
	for i := 0; i < 300; i++ {
		rec := randomRecord(sc, rng)
		// Push every ordered decision to its harshest and keep every directive.
		for j := range rec.Years {
			y, _ := sc.Year(rec.Years[j].Year)
			for _, d := range y.Decisions {
				if d.Ordered && rng.IntN(2) == 0 {
					rec.Years[j].Decisions[d.ID] = d.Options[len(d.Options)-1].ID
				}
			}
			rec.Years[j].Directives = nil
		}
		check("random harsh path", rec)
	}
}

// Weather is a contributor: with every factor 1.0 and history's choices the model keeps
// at least half of its famine deaths, in the USSR 1930-34 and in Ukraine 1932-33.
func TestOrdinaryWeatherKeepsMostDeaths(t *testing.T) {
	sc := Default()
	hist := run(t, sc, sc.HistoricalRecord())
	ord, err := sc.RunWith(sc.HistoricalRecord(), RunOptions{Weather: WeatherOrdinary})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range ord {
		for _, r := range Regions {
			if o.Weather[r] != 1 {
				t.Fatalf("%d %s: ordinary weather %v", o.Year, r, o.Weather[r])
			}
		}
	}
	h, u := deathsOf(hist)
	oh, ou := deathsOf(ord)
	if oh < 0.5*h || ou < 0.5*u {
		t.Errorf("ordinary weather keeps %.0f%% of the USSR's deaths 1930-34 (%.2f of %.2f M) and %.0f%% of Ukraine's 1932-33 (%.2f of %.2f M); want at least half", 100*oh/h, oh, h, 100*ou/u, ou, u)
	}
	t.Logf("ordinary weather keeps %.0f%% (USSR) and %.0f%% (Ukraine)", 100*oh/h, 100*ou/u)
	if _, err := sc.RunWith(sc.HistoricalRecord(), RunOptions{Weather: "sunny"}); err == nil {
		t.Error("an unknown weather was accepted")
	}
}

// Counterfactual weather noise (the 1920s' yield variability) spreads deaths 1930-34
// over seeds by (p90 - p10) / median <= 0.5 on history's choices.
func TestWeatherNoiseSpread(t *testing.T) {
	sc := Default()
	var ds []float64
	for s := int64(0); s < 200; s++ {
		rec := sc.HistoricalRecord()
		rec.Mode, rec.Seed = Counterfactual, s
		d, _ := deathsOf(run(t, sc, rec))
		ds = append(ds, d)
	}
	sp := spreadOf(ds)
	if r := (sp.High - sp.Low) / sp.Median; r > 0.5 {
		t.Errorf("weather noise spreads deaths 1930-34 from %.2f to %.2f M around %.2f: (p90-p10)/median = %.2f, want <= 0.5", sp.Low, sp.High, sp.Median, r)
	} else {
		t.Logf("(p90-p10)/median = %.3f (%.2f, %.2f, %.2f)", r, sp.Low, sp.Median, sp.High)
	}
}

// Under the NEP-like path the herds recover instead of drifting down.
func TestNEPHerdsRecover(t *testing.T) {
	sc := Default()
	for _, seed := range []int64{0, 1, 2} {
		outs := run(t, sc, nepRecord(sc, seed))
		first, last := outs[0], outs[len(outs)-1]
		if last.HerdsM < first.HerdsM || last.CattleM < first.CattleM {
			t.Errorf("seed %d: NEP-like herds %.1f -> %.1f, cattle %.1f -> %.1f: they should recover, not drift down", seed, first.HerdsM, last.HerdsM, first.CattleM, last.CattleM)
		}
	}
}

// The historians' claims run as experiments: each has its historians, claim and
// assumption in words, and gives ranges over an ensemble of the estimated coefficients.
func TestExperiments(t *testing.T) {
	sc := Default()
	want := []string{"ordinary-1932", "no-exports-reserves", "no-blacklists", "collectivisation-1929", "relief-autumn-1932"}
	if got := sc.ExperimentIDs(); !slices.Equal(got, want) {
		t.Fatalf("experiments %v, want %v", got, want)
	}
	res, err := sc.RunExperiments(sc.HistoricalRecord(), nil, 50)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Historians == "" || r.Claim == "" || r.Assumption == "" || r.Runs != 50 {
			t.Errorf("%s: historians %q, claim %q, assumption %q, runs %d", r.ID, r.Historians, r.Claim, r.Assumption, r.Runs)
		}
		for _, s := range []Spread{r.BaselineM, r.ExperimentM, r.AvoidedM} {
			if !(s.Low <= s.Median && s.Median <= s.High) {
				t.Errorf("%s: range %+v out of order", r.ID, s)
			}
		}
		if r.AvoidedM.Median <= 0 {
			t.Errorf("%s: removing the cause avoids %.2f M deaths (median): the experiment moves nothing", r.ID, r.AvoidedM.Median)
		}
		if r.BaselineM.High <= r.BaselineM.Low {
			t.Errorf("%s: the ensemble does not vary: %+v", r.ID, r.BaselineM)
		}
	}
	if _, err := sc.RunExperiments(sc.HistoricalRecord(), []string{"no-such"}, 50); err == nil {
		t.Error("an unknown experiment ran")
	}
	// Experiments switch directives off even in historical play, and leave the class's
	// record alone.
	rec := sc.HistoricalRecord()
	off, err := sc.RunWith(rec, RunOptions{Experiment: "no-blacklists"})
	if err != nil {
		t.Fatal(err)
	}
	if a, b := historicalRun(t)[1933].FamineDeathsByRegionM[Ukraine], off[5].FamineDeathsByRegionM[Ukraine]; b >= a {
		t.Errorf("no blacklists: Ukraine 1933 %.3f -> %.3f", a, b)
	}
	if rec.Years[4].Directives != nil {
		t.Error("the experiment changed the record")
	}
}

func BenchmarkEnsemble50(b *testing.B) {
	sc := Default()
	rec := sc.HistoricalRecord()
	for b.Loop() {
		if _, err := sc.RunExperiments(rec, []string{"no-blacklists"}, 50); err != nil {
			b.Fatal(err)
		}
	}
}

// The reserve's cap limits what a good year puts by; it never takes grain the households
// already hold (seed relief kept against the coming year, or a reserve shared by fewer
// mouths). When a year just above comfort cut the reserve down to the cap while a year
// just below it drew only what it needed, a worse year could leave the villages more
// grain: one notch more exports in 1931 lowered deaths 1930-34 on a random path.
func TestSavingNeverShrinksTheReserve(t *testing.T) {
	sc := Default()
	c := &sc.c
	st := sc.Start()
	r := regionIndex(NorthCaucasus)
	rs := &st.Regions[r]
	rs.ReserveMt = 1.5 * c.reserveMax * c.needKg * mouthsOf(rs, c) / 1000
	next, o, err := sc.Step(st, sc.HistoricalChoices(1928), Historical, 0)
	if err != nil {
		t.Fatal(err)
	}
	if food, comfort := o.ByRegion[NorthCaucasus].RuralFoodPerHeadKg, c.reserveComfort*c.needKg; food <= comfort {
		t.Fatalf("the North Caucasus ate %.1f kg a head in 1928, not above comfort (%.0f kg): the test needs a year of surplus", food, comfort)
	}
	if before, after := rs.ReserveMt, next.Regions[r].ReserveMt; after < before {
		t.Errorf("a year of surplus cut the North Caucasus' reserve from %.3f to %.3f Mt", before, after)
	}
}
