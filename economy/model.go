package economy

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/classroom-debate/debate/fault"
)

type compiledEffect struct {
	ch      int
	value   float64
	regions [numRegions]bool // where it applies (directives and events)
}

type compiledYear struct {
	levers     [numLevers]float64
	directives map[string][]compiledEffect
	events     map[string][]compiledEffect
	actions    map[string]*Action
	actionIDs  []string // sorted, so sums run in a fixed order
	effects    map[string][]compiledEffect
	weather    [numRegions]float64
	dirOrder   []string
}

func regionIndex(r RegionID) int {
	for i, x := range Regions {
		if x == r {
			return i
		}
	}
	return -1
}

func compileEffects(es []Effect) []compiledEffect {
	out := make([]compiledEffect, 0, len(es))
	for _, e := range es {
		ce := compiledEffect{ch: channelIndex[e.Channel], value: e.Value}
		for i := range ce.regions {
			ce.regions[i] = len(e.Regions) == 0
		}
		for _, r := range e.Regions {
			ce.regions[regionIndex(r)] = true
		}
		out = append(out, ce)
	}
	return out
}

func (sc *Scenario) compile() {
	for _, s := range coefSpecs {
		*s.ptr(&sc.c) = sc.Coefficients[s.name].Value
	}
	sc.compiled = make([]compiledYear, len(sc.Years))
	for i := range sc.Years {
		y := &sc.Years[i]
		cy := &sc.compiled[i]
		for l, spec := range leverSpecs {
			cy.levers[l] = y.Levers[spec.name]
		}
		cy.directives = map[string][]compiledEffect{}
		for _, d := range y.Directives {
			cy.directives[d.ID] = compileEffects(d.Effects)
			cy.dirOrder = append(cy.dirOrder, d.ID)
		}
		cy.events = map[string][]compiledEffect{}
		for _, e := range y.Events {
			cy.events[e.ID] = compileEffects(e.Effects)
		}
		cy.actions = map[string]*Action{}
		cy.effects = map[string][]compiledEffect{}
		for j := range y.Actions {
			a := &y.Actions[j]
			cy.actions[a.ID] = a
			cy.effects[a.ID] = compileEffects(a.Effects)
			cy.actionIDs = append(cy.actionIDs, a.ID)
		}
		sort.Strings(cy.actionIDs)
		for r, id := range Regions {
			cy.weather[r] = y.Weather[id].Factor
		}
	}
}

// Start returns the state at the start of the first year (the end of 1927).
func (sc *Scenario) Start() State { return sc.startWith(&sc.c) }

func (sc *Scenario) startWith(c *coefs) State {
	st := State{Year: sc.FirstYear() - 1}
	for i, id := range Regions {
		spec := sc.RegionData[id]
		st.Regions[i] = RegionState{
			ID: id, RuralPopM: spec.RuralPopM, TrendPopM: spec.RuralPopM, CattleM: spec.CattleM, HorsesM: spec.HorsesM, HerdsM: spec.HerdsM,
			Collectivised: sc.Initial.Collectivised, PeakColl: sc.Initial.Collectivised, Pressure: sc.Initial.VillagePressure, DrivePressure: sc.Initial.VillagePressure / 2, Morale: sc.Initial.Morale,
			Extraction: c.extRef, FoodKg: 2 * c.needKg, Capacity: 1,
			ReserveMt: c.reserveStart * c.needKg * spec.RuralPopM / 1000,
		}
	}
	for l := range st.LeverFactor {
		st.LeverFactor[l] = 1
	}
	in := sc.Initial
	st.UrbanPopM, st.IndustryIndex, st.PartyControl = in.UrbanPopM, in.IndustryIndex, in.PartyControl
	st.BukharinInfluence, st.VillagePressure = in.BukharinInfluence, in.VillagePressure
	st.TractorsK, st.ExportsMt = in.TractorsK, in.ExportsMt
	st.StockMt = c.stockStart
	return st
}

// Validate checks a year's choices against the scenario: the year exists, every decision
// of the year has a known option and no unknown one is given, directives are known and
// only switched off in counterfactual mode, actions are open that year to the faction
// that took them, shares lie in [0, 1] and a faction's shares in a region add up to at
// most 1, and injected events exist. Errors are *fault.Error (Invalid or NotFound).
func (sc *Scenario) Validate(in YearChoices, mode Mode) error {
	if mode != Historical && mode != Counterfactual {
		return fault.Newf(fault.Invalid, "Unknown mode %q: use %q or %q.", mode, Historical, Counterfactual)
	}
	y, ok := sc.Year(in.Year)
	if !ok {
		return fault.Newf(fault.NotFound, "The scenario has no year %d; it runs from %d to %d.", in.Year, sc.FirstYear(), sc.LastYear())
	}
	for _, d := range y.Decisions {
		opt, given := in.Decisions[d.ID]
		if !given {
			return fault.Newf(fault.Invalid, "Decision %q of %d has no chosen option.", d.ID, in.Year)
		}
		if _, _, ok := d.Option(opt); !ok {
			return fault.Newf(fault.NotFound, "Decision %q of %d has no option %q.", d.ID, in.Year, opt)
		}
	}
	for _, id := range sortedKeys(in.Decisions) {
		if _, ok := y.Decision(id); !ok {
			return fault.Newf(fault.NotFound, "There is no decision %q in %d.", id, in.Year)
		}
	}
	for _, id := range sortedKeys(in.Directives) {
		if _, ok := sc.compiled[in.Year-sc.FirstYear()].directives[id]; !ok {
			return fault.Newf(fault.NotFound, "There is no directive %q in %d.", id, in.Year)
		}
		if !in.Directives[id] && mode != Counterfactual {
			return fault.Newf(fault.Invalid, "Directive %q is a historical fact; only a counterfactual game may switch it off.", id)
		}
	}
	for _, f := range sortedKeys(in.Actions) {
		if !knownFaction(f) {
			return fault.Newf(fault.NotFound, "There is no faction %q.", f)
		}
		for _, r := range sortedKeys(in.Actions[f]) {
			if !knownRegion(r) {
				return fault.Newf(fault.NotFound, "There is no region %q.", r)
			}
			total := 0.0
			for _, id := range sortedKeys(in.Actions[f][r]) {
				a, ok := sc.compiled[in.Year-sc.FirstYear()].actions[id]
				if !ok {
					return fault.Newf(fault.NotFound, "Action %q is not open in %d.", id, in.Year)
				}
				if a.Faction != f {
					return fault.Newf(fault.Invalid, "Action %q belongs to faction %q, not %q.", id, a.Faction, f)
				}
				s := in.Actions[f][r][id]
				if !(s >= 0 && s <= 1) {
					return fault.Newf(fault.Invalid, "The share of faction %q in %s taking %q is %v; a share lies between 0 and 1.", f, r, id, s)
				}
				total += s
			}
			if total > 1.0001 {
				return fault.Newf(fault.Invalid, "The shares of faction %q in %s add up to %.3f; each player takes at most one action, so they cannot exceed 1.", f, r, total)
			}
		}
	}
	seen := map[string]bool{}
	for _, id := range in.Events {
		if _, ok := sc.compiled[in.Year-sc.FirstYear()].events[id]; !ok {
			return fault.Newf(fault.NotFound, "There is no shock event %q in %d.", id, in.Year)
		}
		if seen[id] {
			return fault.Newf(fault.Invalid, "Shock event %q is injected twice in %d.", id, in.Year)
		}
		seen[id] = true
	}
	return nil
}

// HistoricalChoices returns history's choices for year y: history's option for every
// decision, every directive in force, history's action shares and no shock events.
func (sc *Scenario) HistoricalChoices(year int) YearChoices {
	y, ok := sc.Year(year)
	if !ok {
		return YearChoices{Year: year}
	}
	in := YearChoices{Year: year, Decisions: map[string]string{}, Actions: map[Faction]map[RegionID]map[string]float64{}}
	for _, d := range y.Decisions {
		in.Decisions[d.ID] = d.Historical
	}
	for _, a := range y.Actions {
		for _, r := range Regions {
			s := a.HistoricalShare[r]
			if s == 0 {
				continue
			}
			if in.Actions[a.Faction] == nil {
				in.Actions[a.Faction] = map[RegionID]map[string]float64{}
			}
			if in.Actions[a.Faction][r] == nil {
				in.Actions[a.Faction][r] = map[string]float64{}
			}
			in.Actions[a.Faction][r][a.ID] = s
		}
	}
	return in
}

// HistoricalRecord returns history's whole game as a choices record.
func (sc *Scenario) HistoricalRecord() Record {
	rec := Record{Format: RecordFormat, Scenario: sc.ID, ScenarioHash: sc.hash, Mode: Historical}
	for y := sc.FirstYear(); y <= sc.LastYear(); y++ {
		rec.Years = append(rec.Years, sc.HistoricalChoices(y))
	}
	return rec
}

// Run validates a whole record and steps every year from Start. The record must hold
// the scenario's years in order, from the first; it may stop early (a game in progress).
func (sc *Scenario) Run(rec Record) ([]Outcome, error) {
	if err := sc.checkRecord(rec); err != nil {
		return nil, err
	}
	return sc.runChecked(&sc.c, &variant{}, rec), nil
}

// checkRecord validates a whole record: format, scenario, years in order, choices.
func (sc *Scenario) checkRecord(rec Record) error {
	if rec.Format != RecordFormat {
		return fault.Newf(fault.Invalid, "This choices record has format %d; this version reads format %d.", rec.Format, RecordFormat)
	}
	if rec.Scenario != "" && rec.Scenario != sc.ID {
		return fault.Newf(fault.Invalid, "This choices record is for scenario %q, not %q.", rec.Scenario, sc.ID)
	}
	if rec.ScenarioHash != "" && rec.ScenarioHash != sc.Hash() {
		return fault.New(fault.Invalid, "This choices record was made with another version of the scenario, so its figures would not be reproduced. Replay the room's exported log (debate replay), which carries the scenario the game used.")
	}
	mode := rec.Mode
	if mode == "" {
		mode = Historical
	}
	if len(rec.Years) == 0 {
		return fault.New(fault.Invalid, "This choices record has no years.")
	}
	for i, y := range rec.Years {
		if want := sc.FirstYear() + i; y.Year != want {
			return fault.Newf(fault.Invalid, "Year %d of the choices record should be %d, found %d: years run in order from %d.", i+1, want, y.Year, sc.FirstYear())
		}
		if err := sc.Validate(y, mode); err != nil {
			return err
		}
	}
	return nil
}

// Step moves the model one year: from the state at the end of year in.Year-1 and the
// year's choices to the state at the end of in.Year and what happened. It is
// deterministic: in counterfactual mode the weather noise comes from a PCG generator
// seeded with (seed, year) and nothing else.
func (sc *Scenario) Step(st State, in YearChoices, mode Mode, seed int64) (State, Outcome, error) {
	if err := sc.Validate(in, mode); err != nil {
		return st, Outcome{}, err
	}
	if st.Year != in.Year-1 {
		return st, Outcome{}, fault.Newf(fault.Invalid, "The state is at the end of %d, so the next year to step is %d, not %d.", st.Year, st.Year+1, in.Year)
	}
	next, o := sc.step(&sc.c, &variant{}, st, in, mode, seed)
	return next, o, nil
}

// step is Step without validation: in must have passed Validate.
func (sc *Scenario) step(c *coefs, v *variant, st State, in YearChoices, mode Mode, seed int64) (State, Outcome) {
	yi := in.Year - sc.FirstYear()
	cy := &sc.compiled[yi]
	year := &sc.Years[yi]
	var notes []string

	// Levers: history's settings, overridden by the chosen options.
	// A lever the class does not vote on this year follows history's setting, scaled by
	// how far the class's last vote on it departed from history's choice: a class that
	// stopped exports in 1932 does not see history's exports return in 1933.
	L := cy.levers
	factor := st.LeverFactor
	voted := [numLevers]bool{}
	for _, d := range year.Decisions {
		o, _, _ := d.Option(in.Decisions[d.ID])
		h, _, _ := d.Option(d.Historical)
		for _, name := range sortedKeys(o.Set) {
			l := leverIndex[name]
			L[l] = o.Set[name]
			voted[l] = true
			if hv := h.Set[name]; hv > 0 {
				factor[l] = o.Set[name] / hv
			} else {
				factor[l] = 1
			}
		}
	}
	for l := range L {
		if !voted[l] {
			L[l] = clamp(L[l]*factor[l], leverSpecs[l].min, leverSpecs[l].max)
		}
	}
	// An experiment's settings override the class's (they do not change the factors a
	// later year carries, so only the years it names move).
	for l, val := range v.levers[in.Year] {
		L[l] = val
	}

	// Channels from directives, shock events and actions.
	var X [numRegions][numChannels]float64
	var N [numChannels]float64
	apply := func(es []compiledEffect) {
		for _, e := range es {
			if channelSpecs[e.ch].national {
				N[e.ch] += e.value
				continue
			}
			for r := range Regions {
				if e.regions[r] {
					X[r][e.ch] += e.value
				}
			}
		}
	}
	var off []string
	for _, id := range cy.dirOrder {
		if on, given := in.Directives[id]; (given && !on && mode == Counterfactual) || v.off[id] {
			off = append(off, id)
			continue
		}
		apply(cy.directives[id])
	}
	for _, id := range in.Events {
		apply(cy.events[id])
	}
	for _, f := range Factions {
		byRegion := in.Actions[f]
		if len(byRegion) == 0 {
			continue // a faction with no players takes no actions
		}
		for _, id := range cy.actionIDs {
			if cy.actions[id].Faction != f {
				continue
			}
			sum, n := 0.0, 0
			for r, rid := range Regions {
				shares, present := byRegion[rid]
				if !present {
					continue
				}
				n++
				s := shares[id]
				sum += s
				for _, e := range cy.effects[id] {
					if !channelSpecs[e.ch].national {
						X[r][e.ch] += e.value * s
					}
				}
			}
			if n > 0 {
				for _, e := range cy.effects[id] {
					if channelSpecs[e.ch].national {
						N[e.ch] += e.value * sum / float64(n)
					}
				}
			}
		}
	}

	// Weather: history's factors; noise only in counterfactual play. The noise has a
	// part common to every region (a year's weather is broad) and a regional part.
	var W [numRegions]float64
	var rng *rand.Rand
	if mode == Counterfactual && !v.ordinaryWeather {
		rng = rand.New(rand.NewPCG(uint64(seed), uint64(in.Year)))
	}
	common := 0.0
	if rng != nil {
		common = rng.NormFloat64()
	}
	for r := range Regions {
		w := cy.weather[r]
		if v.ordinaryWeather || v.ordinaryYears[in.Year] {
			w = 1
		}
		w *= 1 + X[r][chWeather]
		if rng != nil {
			z := math.Sqrt(c.weatherCommon)*common + math.Sqrt(1-c.weatherCommon)*rng.NormFloat64()
			w *= 1 + c.weatherNoise*z
		}
		W[r] = clamp(w, 0.85, 1.10)
	}

	next := st
	next.Year = in.Year
	next.LeverFactor = factor
	pc := st.PartyControl / 100

	// 1. Spring: last harvest's hunger, eased by relief, worsened by blockades.
	// Relief comes out of the state's stock first, then out of this year's procurement
	// (the towns' grain), so what was exported cannot be sent without cutting the towns.
	// It goes where hunger is (the shortfall below comfort); officials' requests go to
	// their own region.
	var relief [numRegions]float64
	var deaths, fled [numRegions]float64
	var deportK, springMort [numRegions]float64
	reliefWanted := L[lvRelief]
	if v.releaseStock[in.Year] {
		reliefWanted += math.Max(0, st.StockMt)
	}
	// The food goes where hunger is (the shortfall below comfort, plus a quarter of need
	// per head by population, so that a little more hunger never draws more food than it
	// costs); seed loans go by the land to be sown (grain base). Officials' requests go to
	// their own region.
	var key [numRegions]float64
	keySum, baseSum := 0.0, sc.totalGrainBase()
	for r := range Regions {
		rs := &st.Regions[r]
		key[r] = mouthsOf(rs, c) * (math.Max(0, c.reserveComfort*c.needKg-rs.FoodKg) + c.needKg/4)
		keySum += key[r]
	}
	var reliefFood, reliefSeed [numRegions]float64
	reliefOut := 0.0
	for r, id := range Regions {
		ask := X[r][chReliefAsk]
		reliefFood[r] = c.reliefFoodShare * (reliefWanted*key[r]/keySum + ask)
		reliefSeed[r] = (1 - c.reliefFoodShare) * (reliefWanted*sc.RegionData[id].GrainBaseMt/baseSum + ask)
		relief[r] = reliefFood[r] + reliefSeed[r]
		reliefOut += relief[r]
	}
	settlerDeaths := 0.0
	for r, id := range Regions {
		rs := &next.Regions[r]
		spec := sc.RegionData[id]
		// Relief is food and seed: the food is eaten in the spring; the seed first replaces
		// seed that was eaten or taken, and what is left of it is kept against the coming
		// year (the households' reserve).
		seedNeed := c.seedRate * spec.GrainBaseMt
		filled := math.Min(reliefSeed[r], rs.SeedGap*seedNeed)
		rs.SeedGap -= filled / seedNeed
		rs.ReserveMt += reliefSeed[r] - filled
		food := rs.FoodKg + reliefFood[r]*1000/mouthsOf(rs, c)
		h := hazard(c, food)
		trap := clamp(c.trapCarry*st.Regions[r].Trap+X[r][chTrap], 0, 1)
		d := atRisk(c, rs, spec) * h * (1 - c.autumnShare) * (1 - c.escapeMax*(1-trap))
		f := c.fleeK * spec.Mobility * h * (1 - c.autumnShare) * (1 - clamp(X[r][chBlockLeave], 0, 1)) * rs.RuralPopM
		springMort[r] = h * atRisk(c, rs, spec) / rs.RuralPopM
		rs.RuralPopM -= d + f
		rs.DeadM += d
		rs.FledM += f
		deaths[r] += d
		fled[r] += f
	}
	stock := st.StockMt - reliefOut

	// 2. Collectivisation, deportation and village pressure.
	var gain, forced, spring, pushOf, volOf [numRegions]float64
	rawVP, driveVP, popSum := 0.0, 0.0, 0.0
	for r, id := range Regions {
		rs := &next.Regions[r]
		spec := sc.RegionData[id]
		prev := rs.Collectivised
		push := clamp(L[lvPace]*spec.PaceWeight*(1-X[r][chResist]), 0, 0.95)
		vol := clamp(c.volBase+X[r][chJoin], 0, 0.5)
		// The shock of the drive (slaughter, disorder, revolt) falls on households it has
		// not reached before; those who left after a retreat had already lost their animals.
		forced[r] = (1 - rs.PeakColl) * push
		pushOf[r], volOf[r] = push, vol
		// A drive first takes back those who left after a retreat (all of them once its
		// pace reaches regainPace), then reaches into households never collectivised, as
		// the 1931 drive did after the 1930 retreat.
		b := clamp(push+vol, 0, 0.97)
		back := math.Min(1, b/c.regainPace)
		spring[r] = prev + (rs.PeakColl-prev)*back + (1-rs.PeakColl)*b
		gain[r] = spring[r] - prev

		deportK[r] = X[r][chDeportK]
		deportedM := deportK[r] * c.hhSize / 1000
		deportShare := deportedM / spec.RuralPopM // of the 1927 rural population
		rs.RuralPopM -= deportedM
		rs.TrendPopM -= deportedM

		// Pressure from the drive itself (forced collectivisation, deportations, protests)
		// is kept apart from pressure over prices and quotas: only the first made Moscow
		// retreat in 1930, and only it can undo a year's collectivisation here.
		damp := (1 - c.pressRepress*pc) * math.Max(0, 1-c.pressHunger*springMort[r]) * rs.Capacity
		drive := (c.pressPace*forced[r] + c.pressDeport*deportShare + X[r][chProtest]) * damp
		other := (c.pressExtract*math.Max(0, st.Regions[r].Extraction-c.extRef) + c.pressPrice*math.Max(0, 1-L[lvPrice])) * damp
		rs.DrivePressure = clamp(c.pressDecay*st.Regions[r].DrivePressure+drive, 0, 100)
		rs.Pressure = clamp(c.pressDecay*st.Regions[r].Pressure+drive+other, 0, 100)
		// National averages of pressure weigh the regions by their 1927 rural population,
		// so that deaths never change the weights.
		driveVP += rs.DrivePressure * spec.RuralPopM
		// A revolt spends the villages' strength to resist: its leaders are arrested or
		// deported, and the next drive meets less open resistance.
		rs.Capacity = clamp(rs.Capacity+c.capRecover-c.capExhaust*math.Max(0, rs.Pressure-c.retreatThreshold)/100, 0.2, 1)
		rawVP += rs.Pressure * spec.RuralPopM
		popSum += spec.RuralPopM
	}
	next.DeportedK = st.DeportedK
	for r := range Regions {
		next.DeportedK += deportK[r]
	}
	settlerDeaths = st.SettlersK * c.settlerMort * clamp(1-avgChannel(&X, chSettlerCare), 0, 1)
	next.SettlersK = st.SettlersK - settlerDeaths
	for r := range Regions {
		next.SettlersK += deportK[r] * c.hhSize
	}
	peakVP := rawVP / popSum
	driveVP /= popSum
	retreat := 0.0
	if driveVP > c.retreatThreshold {
		retreat = c.retreatMax * clamp((driveVP-c.retreatThreshold)/c.retreatSpan, 0, 1)
	}
	for r := range Regions {
		rs := &next.Regions[r]
		rs.Collectivised = spring[r] - retreat*gain[r]
		// The peak counts every household the drive has reached, including those a retreat
		// let go before the year's end and those a later drive took back, so a household
		// is only driven in (and slaughters its animals) once.
		rs.PeakColl = math.Max(rs.PeakColl+(1-rs.PeakColl)*clamp(pushOf[r]+volOf[r], 0, 0.97), spring[r])
		rs.Pressure *= 1 - c.retreatCalm*retreat
		rs.DrivePressure *= 1 - c.retreatCalm*retreat
	}
	if retreat > 0.05 {
		notes = append(notes, fmt.Sprintf("Village pressure reached %.0f of 100: Moscow retreated and let households leave the kolkhozy, undoing %.0f%% of the year's collectivisation.", peakVP, 100*retreat))
	}

	// 3. Livestock: slaughter before joining, losses in the kolkhozy, hunger, seizure.
	qp := (L[lvQuota] + L[lvExports]) / sc.totalGrainBase()
	for r := range Regions {
		rs := &next.Regions[r]
		s := c.slBase + c.slPace*forced[r] + X[r][chSlaughter] + c.slFamine*springMort[r]
		grow := 1 + c.lsGrowth
		rs.CattleM *= grow * clamp(1-s, 0, 1)
		rs.HorsesM *= grow * clamp(1-s-c.horseColl*rs.PeakColl, 0, 1)
		sed := X[r][chSedentarise] * (1 + c.seizeK*math.Max(0, qp-c.extRef))
		// Sheep, goats and camels are lost faster than cattle to slaughter and hunger, but
		// an ordinary year's losses are the same as cattle's, so herds hold under NEP.
		rs.HerdsM *= grow * clamp(1-c.slBase-c.herdMult*(s-c.slBase)-sed, 0, 1)
		rs.CattleM *= clamp(1-0.9*sed, 0, 1)
		rs.ReserveMt *= clamp(1-sed, 0, 1) // settled by force, nomads lose their stores with their herds
		rs.HorsesM *= clamp(1-0.5*sed, 0, 1)
	}

	// 4. Tractors arrive late: plants take a year to produce.
	// Plants built this year produce from next year on.
	next.TractorsK = st.TractorsK*(1-c.scrap) + c.tractorImportK*L[lvTractorImports] + st.PlantsK
	next.PlantsK = st.PlantsK + c.tractorPlantK*L[lvTractorPlants]
	startTractors := sc.Initial.TractorsK

	// 5. Harvest and procurement. The sown area follows the labour left (deaths and
	// flight against the no-famine trend) and the draught power (horses and tractors).
	// The plan is set on the official harvest estimate, which runs above the grain really
	// threshed; what the state collects turns smoothly from the plan to the grain that is
	// there, as far as the force applied (squeeze, seizure of seed) lets it reach.
	// Collectivisation's productivity loss (lost skills and animals, disorder,
	// labour-day pay) falls on every kolkhoz household, less as the kolkhoz system is
	// organised year by year from 1929 (machine-tractor stations, the political
	// departments of 1933).
	unorganised := math.Pow(1-c.settleRate, math.Max(0, float64(in.Year-1929)))
	var H, P, plan, official, food, sq, seedNeed, area [numRegions]float64
	totalBase := sc.totalGrainBase()
	var totalH, totalP, totalPlan, totalOfficial float64
	for r, id := range Regions {
		rs := &next.Regions[r]
		spec := sc.RegionData[id]
		share := spec.GrainBaseMt / totalBase
		// Sowing is done with the horses alive in the spring: half the year's losses.
		horses := (rs.HorsesM + st.Regions[r].HorsesM) / 2
		draught := (horses + next.TractorsK*share*c.horseEq/1000) / (spec.HorsesM + startTractors*share*c.horseEq/1000)
		labour := clamp(rs.RuralPopM/rs.TrendPopM, 0.3, 1)
		area[r] = math.Pow(draught, c.draughtElast) * math.Pow(labour, c.labourElast)
		effort := 1 + c.effPrice*(L[lvPrice]-c.priceRef) - c.effExtract*math.Max(0, st.Regions[r].Extraction-c.extRef) -
			c.effKolkhoz*rs.PeakColl*unorganised + c.effMorale*(st.Regions[r].Morale-sc.Initial.Morale)/50 -
			c.effPlots*(1-L[lvPlots])*rs.PeakColl + X[r][chEffort]
		effort = clamp(effort, 0.5, 1.2)
		disrupt := clamp(c.disPace*forced[r]+X[r][chDisruption]+c.deportDisrupt*deportK[r]*c.hhSize/1000/rs.RuralPopM, 0, 0.5)
		H[r] = spec.GrainBaseMt * W[r] * effort * area[r] * (1 - disrupt) * (1 - c.seedGapEffect*rs.SeedGap)
		official[r] = H[r] * (1 + c.bioGap + c.bioDisorder*disrupt)
		totalH += H[r]
		totalOfficial += official[r]
	}
	// Moscow cut the plan, partly, as its all-Union estimate fell below an ordinary
	// year's harvest, never raising it above what it asked for; each region keeps its
	// share of the plan, whatever its own harvest (Ukraine's pleas for cuts were mostly
	// refused: attribution.md, events.md).
	for r, id := range Regions {
		rs := &next.Regions[r]
		spec := sc.RegionData[id]
		// A region's plan is set to match what was asked of it last year, then lowered
		// (Ukraine's 1932 plan: attribution.md): never below planRatchet of that.
		cut := math.Pow(math.Min(1, (1-c.planNational)*official[r]/spec.GrainBaseMt+c.planNational*totalOfficial/totalBase), c.planAdjust)
		asked := spec.PlanShare * (L[lvQuota] + L[lvExports])
		plan[r] = math.Max(asked*cut, c.planRatchet*st.Regions[r].LastPlanMt)
		rs.LastPlanMt = asked * clamp(1+X[r][chInflate]-X[r][chHonest], 0, 2)
		squeeze := clamp(c.sq0+c.sqPC*pc+X[r][chSqueeze], 0, 0.9)
		sq[r] = squeeze
		seedNeed[r] = c.seedRate * spec.GrainBaseMt * area[r]
		seize := clamp(X[r][chSeedSeize], 0, 1)
		protect := (seedNeed[r]*(1-seize) + c.floorKg*rs.RuralPopM/1000) * (1 - squeeze)
		fromHarvest := math.Max(0, H[r]-protect)
		// Searches reach into the households' reserves as far as the squeeze allows.
		avail := fromHarvest + squeeze*rs.ReserveMt
		eff := clamp(c.ce0+c.ceColl*rs.PeakColl+c.cePC*pc+X[r][chCollect]-X[r][chHide], 0.2, 1)
		P[r] = eff * smoothMin(plan[r], avail, c.collectSharp)
		if taken := P[r] - fromHarvest; taken > 0 {
			rs.ReserveMt -= taken
		}
		totalP += P[r]
		totalPlan += plan[r]
	}

	// 6. The state's grain: exports leave once the towns' minimum is kept (they may draw
	// on the stock); a share is carried over as the stock; the towns and the army get the
	// rest. Relief in the autumn (an experiment) comes out of it before the towns.
	urbanMin := next.UrbanPopM * c.urbanMinKg / 1000
	E := math.Min(L[lvExports], math.Max(0, stock+totalP-urbanMin))
	if E < L[lvExports]-0.05 {
		notes = append(notes, fmt.Sprintf("Procurement fell short, so only %.1f Mt of the %.1f Mt export plan went abroad.", E, L[lvExports]))
	}
	next.ExportsMt = E
	stateGrain := stock + totalP - E
	autumnOut := 0.0
	if v.autumnStock[in.Year] {
		autumnOut = math.Max(0, math.Min(stock, stateGrain))
		stateGrain -= autumnOut
	}

	// 7. Rural food from this harvest: what procurement left, less next year's seed and
	// the herds' fodder, plus relief, reserves, animals, plots and other food, less fines
	// in kind. Then Torgsin, hunger, autumn deaths and flight.
	var seedSum, fodderSum float64
	var gap [numRegions]float64
	gapSum := 0.0
	for r, id := range Regions {
		rs := &next.Regions[r]
		spec := sc.RegionData[id]
		left := math.Max(0, H[r]-math.Min(P[r], H[r]))
		seedKept := math.Min(seedNeed[r], left)
		fodder := math.Min(c.feedKg*(rs.CattleM+rs.HorsesM)/1000, c.fodderShare*(left-seedKept))
		seedSum += seedKept
		fodderSum += fodder
		grain := left - seedKept - fodder
		plots := c.plotKg * (1 - rs.PeakColl + rs.PeakColl*L[lvPlots])
		// Fines in kind and searches take meat and potatoes too, as far as the squeeze goes.
		// Food is reckoned per head of the living and a share of the famine's dead, so
		// that a death never makes food for the living look more plentiful (mouthsTrend).
		mouths := mouthsOf(rs, c)
		fines := clamp(c.finesInKind*sq[r]+X[r][chFines], 0, 0.9)
		other := (spec.CattleFoodKg*rs.CattleM/mouths + spec.HorseFoodKg*rs.HorsesM/mouths + spec.HerdFoodKg*rs.HerdsM/mouths + plots + spec.OtherFoodKg) * (1 - fines)
		grainKg := grain * 1000 / mouths
		// Households eat from their reserves when the year falls short of comfort, and
		// put part of a good year's surplus by. The cap (reserveMax) limits saving only:
		// grain already held above it (seed relief kept against the coming year, or a
		// reserve shared by fewer mouths) stays, or a year just above comfort would take
		// more from the reserve than a year just below it.
		comfort := c.reserveComfort * c.needKg
		if short := comfort - grainKg - other; short > 0 {
			draw := math.Min(rs.ReserveMt, short*mouths/1000)
			rs.ReserveMt -= draw
			grainKg += draw * 1000 / mouths
		} else if room := c.reserveMax*c.needKg*mouths/1000 - rs.ReserveMt; room > 0 {
			rs.ReserveMt += math.Min(c.reserveSave*(-short)*mouths/1000, room)
		}
		food[r] = grainKg + other
		gap[r] = math.Max(0, c.needKg-food[r]) * mouths / 1000
		gapSum += gap[r]
		// Seed for next year's sowing: what procurement or hunger left of it.
		rs.SeedGap = clamp((seedNeed[r]-seedKept)/seedNeed[r]+c.seedGapK*math.Max(0, 1-food[r]/c.needKg), 0, 0.6)
	}
	// Torgsin (1932-35): valuables traded for bread, only where people were hungry, never
	// more than the shortfall. Autumn relief, like spring relief, goes where hunger is.
	torgsin := 0.0
	if in.Year >= 1932 && gapSum > 0 {
		torgsin = math.Min(c.torgsinMt, 0.5*gapSum)
	}
	var ruralPop, foodSum, moraleSum, collSum, springSum float64
	migTotal := 0.0
	for r, id := range Regions {
		rs := &next.Regions[r]
		spec := sc.RegionData[id]
		mouths := mouthsOf(rs, c)
		if gapSum > 0 {
			food[r] += (torgsin + autumnOut) * gap[r] / gapSum * 1000 / mouths
		}
		h := hazard(c, food[r])
		trap := clamp(X[r][chTrap], 0, 1)
		autumn := atRisk(c, rs, spec) * h * c.autumnShare * (1 - c.escapeMax*(1-trap))
		f := c.fleeK * spec.Mobility * h * c.autumnShare * (1 - clamp(X[r][chBlockLeave], 0, 1)) * rs.RuralPopM
		deaths[r] += autumn
		fled[r] += f
		rs.DeadM += autumn
		rs.FledM += f
		// The rest of this harvest year's toll falls in the spring (next Step); keep the
		// hunger, not the count.
		rs.RuralPopM -= autumn + f
		rs.FoodKg = food[r]
		rs.Trap = trap
		rs.Extraction = P[r] / math.Max(H[r], 0.01)
		growth := c.popGrowth * clamp(1-4*math.Max(0, 1-food[r]/c.needKg), 0, 1)
		mig := rs.RuralPopM * (c.migBase + X[r][chLeave]) * (1 - clamp(X[r][chBlockLeave], 0, 1))
		rs.RuralPopM = rs.RuralPopM*(1+growth) - mig
		rs.TrendPopM = rs.TrendPopM*(1+c.popGrowth) - mig
		migTotal += mig
		m := h * atRisk(c, rs, spec) / rs.RuralPopM
		target := 60 - c.moraleExtract*math.Max(0, rs.Extraction-c.extRef) - 60*forced[r] - 200*m + 20*(L[lvPlots]-0.5) + 20*(L[lvPrice]-0.7) + X[r][chMorale]
		rs.Morale = clamp(c.moraleDecay*st.Regions[r].Morale+(1-c.moraleDecay)*target, 0, 100)
		ruralPop += rs.RuralPopM
		foodSum += food[r] * rs.RuralPopM
		moraleSum += rs.Morale * rs.RuralPopM
		collSum += rs.Collectivised * rs.RuralPopM
		springSum += spring[r] * rs.RuralPopM
	}
	next.StockMt = c.stockKeep * math.Max(0, stateGrain)
	towns := math.Max(0, stateGrain) - next.StockMt
	next.UrbanPopM = st.UrbanPopM*(1+c.urbanGrowth) + migTotal

	// 8. Industry: machinery bought with exports, labour from the villages, grain for
	// the towns.
	supply := towns / (next.UrbanPopM * c.urbanNeedKg / 1000)
	g := c.indBase + c.indExport*E + c.indLabour*migTotal/st.UrbanPopM + c.indSupply*clamp(supply-1, -0.3, 0.3) + N[chIndustry]/100
	next.IndustryIndex = st.IndustryIndex * (1 + g)

	// 9. Politics.
	collPct := 100 * collSum / ruralPop
	// Points of households newly reached by the drive (the peak, not the net), weighed by
	// the regions' 1927 rural population, so that deaths never change the party's gain.
	dColl := 0.0
	basePop := 0.0
	for _, id := range Regions {
		basePop += sc.RegionData[id].RuralPopM
	}
	for r, id := range Regions {
		dColl += 100 * (next.Regions[r].PeakColl - st.Regions[r].PeakColl) * sc.RegionData[id].RuralPopM / basePop
	}
	next.PartyControl = clamp(st.PartyControl+N[chPartyControl]+c.pcColl*math.Max(0, dColl), 0, 100)
	next.BukharinInfluence = clamp(st.BukharinInfluence*c.biDecay+N[chBukharin]-c.biPC*math.Max(0, next.PartyControl-st.PartyControl)+c.biPressure*math.Max(0, driveVP-50), 0, 100)
	endVP := 0.0
	for r := range Regions {
		endVP += next.Regions[r].Pressure * sc.RegionData[Regions[r]].RuralPopM
	}
	next.VillagePressure = endVP / basePop

	// Outcome.
	o := Outcome{
		Year:                   in.Year,
		GrainHarvestMt:         round(totalH, 3),
		ProcurementMt:          round(totalP, 3),
		ExportsMt:              round(E, 3),
		TractorsK:              round(next.TractorsK, 2),
		IndustryIndex:          round(next.IndustryIndex, 2),
		PartyControl:           round(next.PartyControl, 2),
		BukharinInfluence:      round(next.BukharinInfluence, 2),
		VillagePressure:        round(peakVP, 2),
		CollectivisedPct:       round(collPct, 2),
		CollectivisedSpringPct: round(100*springSum/ruralPop, 2),
		RuralFoodPerHeadKg:     round(foodSum/ruralPop, 1),
		PeasantMorale:          round(moraleSum/ruralPop, 2),
		UrbanWorkersM:          round(next.UrbanPopM, 3),
		RuralPopM:              round(ruralPop, 3),
		SettlerDeathsK:         round(settlerDeaths, 2),
		PlanMt:                 round(totalPlan, 3),
		OfficialHarvestMt:      round(totalOfficial, 3),
		StateStockMt:           round(next.StockMt, 3),
		ReliefMt:               round(reliefOut+autumnOut, 3),
		TorgsinMt:              round(torgsin, 3),
		SeedMt:                 round(seedSum, 3),
		FodderMt:               round(fodderSum, 3),
		Retreat:                retreat > 0.05,
		FamineDeathsByRegionM:  map[RegionID]float64{},
		Weather:                map[RegionID]float64{},
		ByRegion:               map[RegionID]RegionOutcome{},
	}
	var cattle, horses, herds, deathSum, depSum, fledSum float64
	for r, id := range Regions {
		rs := &next.Regions[r]
		cattle += rs.CattleM
		horses += rs.HorsesM
		herds += rs.HerdsM
		d := round(deaths[r], 4)
		deathSum += d
		depSum += deportK[r]
		fledSum += fled[r]
		o.FamineDeathsByRegionM[id] = d
		o.Weather[id] = round(W[r], 4)
		o.ByRegion[id] = RegionOutcome{
			GrainHarvestMt: round(H[r], 3), ProcurementMt: round(P[r], 3), RuralFoodPerHeadKg: round(food[r], 1),
			PlanMt: round(plan[r], 3), OfficialHarvestMt: round(official[r], 3), ReliefMt: round(relief[r], 3), RefugeesM: round(fled[r], 4),
			CattleM: round(rs.CattleM, 3), HorsesM: round(rs.HorsesM, 3), HerdsM: round(rs.HerdsM, 3),
			CollectivisedPct: round(100*rs.Collectivised, 2), FamineDeathsM: d, RuralPopM: round(rs.RuralPopM, 3),
			VillagePressure: round(rs.Pressure, 2), HouseholdsDeportedK: round(deportK[r], 1),
		}
	}
	o.CattleM = round(cattle, 3)
	o.HorsesM = round(horses, 3)
	o.HerdsM = round(herds, 3)
	o.FamineDeathsM = round(deathSum, 4)
	o.HouseholdsDeportedK = round(depSum, 1)
	o.RefugeesM = round(fledSum, 4)
	if len(off) > 0 {
		notes = append(notes, "Counterfactual: the teacher switched off "+strings.Join(off, ", ")+".")
	}
	o.Notes = append(sc.explain(st, next, &o, L, W), notes...)
	return next, o
}

// mouthsOf is the population food is shared among and deaths are counted against: the
// living plus a share of those the famine has already killed (see coefficient
// mouthsTrend), so that one more survivor never costs more than one life later.
func mouthsOf(rs *RegionState, c *coefs) float64 {
	return rs.RuralPopM + c.mouthsTrend*math.Max(0, rs.TrendPopM-rs.RuralPopM)
}

// hazard is the yearly famine death hazard among the people at risk at food foodKg per
// head: zero while food meets need, then rising with the shortfall along a Weibull
// curve to at most mortK. Famine demography finds deaths rising smoothly with the
// shortfall and falling first on the frailest (infants, the old, the sick): Ó Gráda,
// Famine: A Short History (2009), ch. 4; the hazard on a pool of people at risk (see
// atRisk) is that frailty selection.
func hazard(c *coefs, foodKg float64) float64 {
	d := 1 - foodKg/c.needKg
	if d <= 0 {
		return 0
	}
	return c.mortK * (1 - math.Exp(-math.Pow(d/c.mortScale, c.mortShape)))
}

// atRisk is the part of a region's 1927 rural population still at risk of dying in
// famine: frailShare of it, less those already dead. It caps a region's famine deaths
// at frailShare of its rural population, however harsh the path (the worst recorded,
// 38-42% of ethnic Kazakhs, regions.csv).
func atRisk(c *coefs, rs *RegionState, spec RegionSpec) float64 {
	return math.Max(0, c.frailShare*spec.RuralPopM-rs.DeadM)
}

// smoothMin is a smooth minimum of a and b (both >= 0): near the smaller when they
// differ much, below both when they are close; larger k is sharper.
func smoothMin(a, b, k float64) float64 {
	if a <= 0 || b <= 0 {
		return 0
	}
	return a * b / math.Pow(math.Pow(a, k)+math.Pow(b, k), 1/k)
}

func prevPopOf(st *State) float64 {
	t := 0.0
	for r := range st.Regions {
		t += st.Regions[r].RuralPopM
	}
	return t
}

func avgChannel(X *[numRegions][numChannels]float64, ch int) float64 {
	s := 0.0
	for r := range X {
		s += X[r][ch]
	}
	return s / numRegions
}

func (sc *Scenario) totalGrainBase() float64 {
	t := 0.0
	for _, r := range Regions {
		t += sc.RegionData[r].GrainBaseMt
	}
	return t
}

// explain writes the year's main story in plain words. It names where hunger killed
// and why, but gives no death counts: how deaths are shown is the room's choice.
func (sc *Scenario) explain(prev, next State, o *Outcome, L [numLevers]float64, W [numRegions]float64) []string {
	var out []string
	share := 100 * o.ProcurementMt / math.Max(o.GrainHarvestMt, 0.01)
	out = append(out, fmt.Sprintf("The harvest was %.1f Mt; the state procured %.1f Mt of it (%.0f%%) and exported %.1f Mt.", o.GrainHarvestMt, o.ProcurementMt, share, o.ExportsMt))
	var dry []string
	for r, id := range Regions {
		if W[r] < 0.97 {
			dry = append(dry, sc.RegionData[id].Name)
		}
	}
	if len(dry) > 0 {
		out = append(out, "Bad weather cut yields in "+strings.Join(dry, ", ")+".")
	}
	prevColl, prevCattle := 0.0, 0.0
	prevPop := prevPopOf(&prev)
	for r := range prev.Regions {
		prevColl += 100 * prev.Regions[r].Collectivised * prev.Regions[r].RuralPopM / prevPop
		prevCattle += prev.Regions[r].CattleM
	}
	if d := o.CollectivisedPct - prevColl; d > 5 {
		out = append(out, fmt.Sprintf("The kolkhoz drive took collectivisation from %.0f%% to %.0f%% of households (%.0f%% at its height).", prevColl, o.CollectivisedPct, o.CollectivisedSpringPct))
	}
	if loss := 1 - o.CattleM/math.Max(prevCattle, 0.01); loss > 0.05 {
		out = append(out, fmt.Sprintf("Households slaughtered or lost %.0f%% of the cattle: rather than hand animals to the kolkhoz, for food, or for want of fodder.", 100*loss))
	}
	if o.HouseholdsDeportedK > 0 {
		out = append(out, fmt.Sprintf("About %.0f thousand households were deported as \"kulaks\" to special settlements.", o.HouseholdsDeportedK))
	}
	var hungry []string
	for _, id := range Regions {
		if o.FamineDeathsByRegionM[id] >= 0.01 {
			name := sc.RegionData[id].Name
			switch {
			case id == Ukraine && o.Year >= 1932 && o.Year <= 1933:
				name += " (the Holodomor)"
			case id == Kazakhstan && o.Year >= 1930 && o.Year <= 1933:
				name += " (the Asharshylyk)"
			}
			hungry = append(hungry, name)
		}
	}
	if len(hungry) > 0 {
		out = append(out, "People died of hunger in "+strings.Join(hungry, ", ")+": what was left after procurement, seed and fodder fell below what a family needs, and blockades kept the hungry from trading or leaving.")
	}
	return out
}
