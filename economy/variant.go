package economy

import (
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/classroom-debate/debate/fault"
)

// variant is how an experiment or a weather choice changes a run beyond the class's
// record: ordinary weather, directives switched off, levers set, the state's stock
// released. The zero value changes nothing.
type variant struct {
	ordinaryWeather bool                    // every weather factor 1.0 and no noise
	ordinaryYears   map[int]bool            // these years' factors 1.0
	off             map[string]bool         // directives switched off, by id, in any mode
	levers          map[int]map[int]float64 // year -> lever -> value, over the class's vote
	releaseStock    map[int]bool            // that year's spring relief adds the whole state stock
	autumnStock     map[int]bool            // the state stock goes to the hungry in that harvest's autumn
}

// ExperimentSpec is one historian's claim as a change to the class's own path: the
// causes it removes, in the scenario's data.
type ExperimentSpec struct {
	ID         string `json:"id"`
	Title      string `json:"title"`
	Historians string `json:"historians"` // who argues the claim, with the work
	Claim      string `json:"claim"`      // the claim in plain words
	Assumption string `json:"assumption"` // what the experiment assumes, in plain words
	// OrdinaryWeather lists years whose weather factors become 1.0 (an ordinary year).
	OrdinaryWeather []int `json:"ordinaryWeather,omitempty"`
	// DirectivesOff lists directives switched off, whatever the game's mode.
	DirectivesOff []string `json:"directivesOff,omitempty"`
	// Levers sets levers by year ("1932": {"exports": 0}), over the class's votes.
	Levers map[string]map[string]float64 `json:"levers,omitempty"`
	// ReleaseStock lists years whose spring relief adds the whole state stock.
	ReleaseStock []int `json:"releaseStock,omitempty"`
	// AutumnStock lists harvest years whose state stock goes to the hungry in the autumn.
	AutumnStock []int `json:"autumnStock,omitempty"`
}

func (e *ExperimentSpec) variant() *variant {
	v := &variant{ordinaryYears: map[int]bool{}, off: map[string]bool{}, levers: map[int]map[int]float64{}, releaseStock: map[int]bool{}, autumnStock: map[int]bool{}}
	for _, y := range e.OrdinaryWeather {
		v.ordinaryYears[y] = true
	}
	for _, id := range e.DirectivesOff {
		v.off[id] = true
	}
	for ys, set := range e.Levers {
		y, _ := strconv.Atoi(ys)
		v.levers[y] = map[int]float64{}
		for name, val := range set {
			v.levers[y][leverIndex[name]] = val
		}
	}
	for _, y := range e.ReleaseStock {
		v.releaseStock[y] = true
	}
	for _, y := range e.AutumnStock {
		v.autumnStock[y] = true
	}
	return v
}

// Weather choices for RunWith.
const (
	WeatherHistory  = "history"  // history's sourced factors (and noise in counterfactual play)
	WeatherOrdinary = "ordinary" // every factor 1.0, no noise: the policies alone
)

// RunOptions change a run beyond its record.
type RunOptions struct {
	Weather    string // WeatherHistory (default) or WeatherOrdinary
	Experiment string // an experiment id, or "" for none
}

// ExperimentIDs lists the scenario's experiments in order.
func (sc *Scenario) ExperimentIDs() []string {
	out := make([]string, 0, len(sc.ExperimentList))
	for _, e := range sc.ExperimentList {
		out = append(out, e.ID)
	}
	return out
}

func (sc *Scenario) experiment(id string) (*ExperimentSpec, bool) {
	for i := range sc.ExperimentList {
		if sc.ExperimentList[i].ID == id {
			return &sc.ExperimentList[i], true
		}
	}
	return nil, false
}

func (sc *Scenario) variantFor(opt RunOptions) (*variant, error) {
	v := &variant{}
	if opt.Experiment != "" {
		e, ok := sc.experiment(opt.Experiment)
		if !ok {
			return nil, fault.Newf(fault.NotFound, "There is no experiment %q; the experiments are %v.", opt.Experiment, sc.ExperimentIDs())
		}
		v = e.variant()
	}
	switch opt.Weather {
	case "", WeatherHistory:
	case WeatherOrdinary:
		v.ordinaryWeather = true
	default:
		return nil, fault.Newf(fault.Invalid, "Unknown weather %q: use %q or %q.", opt.Weather, WeatherHistory, WeatherOrdinary)
	}
	return v, nil
}

// RunWith is Run with ordinary weather or an experiment applied to the record.
func (sc *Scenario) RunWith(rec Record, opt RunOptions) ([]Outcome, error) {
	v, err := sc.variantFor(opt)
	if err != nil {
		return nil, err
	}
	if err := sc.checkRecord(rec); err != nil {
		return nil, err
	}
	return sc.runChecked(&sc.c, v, rec), nil
}

// runChecked steps every year of a record that passed checkRecord.
func (sc *Scenario) runChecked(c *coefs, v *variant, rec Record) []Outcome {
	mode := rec.Mode
	if mode == "" {
		mode = Historical
	}
	st := sc.startWith(c)
	out := make([]Outcome, 0, len(rec.Years))
	for _, y := range rec.Years {
		var o Outcome
		st, o = sc.step(c, v, st, y, mode, rec.Seed)
		out = append(out, o)
	}
	return out
}

// Spread is a range over an ensemble: the 10th percentile, the median and the 90th.
type Spread struct {
	Low    float64 `json:"low"`
	Median float64 `json:"median"`
	High   float64 `json:"high"`
}

func spreadOf(xs []float64) Spread {
	s := slices.Clone(xs)
	slices.Sort(s)
	at := func(q float64) float64 {
		pos := q * float64(len(s)-1)
		i := int(pos)
		if i+1 >= len(s) {
			return s[len(s)-1]
		}
		return s[i] + (pos-float64(i))*(s[i+1]-s[i])
	}
	return Spread{round(at(0.1), 3), round(at(0.5), 3), round(at(0.9), 3)}
}

// ExperimentResult is what follows from one claim on the class's path, as ranges over an
// ensemble that draws every estimated coefficient from its stated range.
type ExperimentResult struct {
	ID         string `json:"id"`
	Title      string `json:"title"`
	Historians string `json:"historians"`
	Claim      string `json:"claim"`
	Assumption string `json:"assumption"`
	Runs       int    `json:"runs"`
	// DeathsM: famine deaths 1930-34 on the class's path (Baseline) and with the cause
	// removed (Experiment); Avoided is their difference, run by run.
	BaselineM   Spread `json:"baselineM"`
	ExperimentM Spread `json:"experimentM"`
	AvoidedM    Spread `json:"avoidedM"`
	// AvoidedShare is Avoided over Baseline, run by run.
	AvoidedShare Spread `json:"avoidedShare"`
	// Ukraine 1932-33, the same way.
	UkraineAvoidedM Spread `json:"ukraineAvoidedM"`
}

// EnsembleSeed fixes the ensemble's draws, so that the same path always shows the
// same ranges.
const EnsembleSeed = 1933

// ensembleCoefs returns n coefficient sets: the scenario's own first, then draws of
// every coefficient with a stated range, uniform over it.
func (sc *Scenario) ensembleCoefs(n int) []coefs {
	out := make([]coefs, n)
	rng := rand.New(rand.NewPCG(EnsembleSeed, uint64(n)))
	for i := range out {
		out[i] = sc.c
		if i == 0 {
			continue
		}
		for _, spec := range coefSpecs {
			r := sc.Coefficients[spec.name].Range
			u := rng.Float64()
			if len(r) == 2 {
				*spec.ptr(&out[i]) = r[0] + u*(r[1]-r[0])
			}
		}
	}
	return out
}

// The size of an experiment's ensemble: two runs make the smallest range, and 500
// keep a run of every experiment within a few seconds.
const (
	MinEnsembleRuns = 2
	MaxEnsembleRuns = 500
)

// RunExperiments runs the class's record with each experiment (all when ids is empty)
// over an ensemble of runs coefficient sets, and returns each claim's ranges.
func (sc *Scenario) RunExperiments(rec Record, ids []string, runs int) ([]ExperimentResult, error) {
	if runs < MinEnsembleRuns || runs > MaxEnsembleRuns {
		return nil, fault.Newf(fault.Invalid, "An ensemble has between %d and %d runs, not %d.", MinEnsembleRuns, MaxEnsembleRuns, runs)
	}
	if err := sc.checkRecord(rec); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		ids = sc.ExperimentIDs()
	}
	var specs []*ExperimentSpec
	for _, id := range ids {
		e, ok := sc.experiment(id)
		if !ok {
			return nil, fault.Newf(fault.NotFound, "There is no experiment %q; the experiments are %v.", id, sc.ExperimentIDs())
		}
		specs = append(specs, e)
	}
	sets := sc.ensembleCoefs(runs)
	base := make([]float64, runs)
	baseUA := make([]float64, runs)
	for i := range sets {
		outs := sc.runChecked(&sets[i], &variant{}, rec)
		base[i], baseUA[i] = deathsOf(outs)
	}
	res := make([]ExperimentResult, 0, len(specs))
	for _, e := range specs {
		v := e.variant()
		exp, avoided, share, ua := make([]float64, runs), make([]float64, runs), make([]float64, runs), make([]float64, runs)
		for i := range sets {
			d, u := deathsOf(sc.runChecked(&sets[i], v, rec))
			exp[i], avoided[i], ua[i] = d, base[i]-d, baseUA[i]-u
			if base[i] > 0 {
				share[i] = (base[i] - d) / base[i]
			}
		}
		res = append(res, ExperimentResult{
			ID: e.ID, Title: e.Title, Historians: e.Historians, Claim: e.Claim, Assumption: e.Assumption, Runs: runs,
			BaselineM: spreadOf(base), ExperimentM: spreadOf(exp), AvoidedM: spreadOf(avoided), AvoidedShare: spreadOf(share), UkraineAvoidedM: spreadOf(ua),
		})
	}
	return res, nil
}

// deathsOf returns famine deaths 1930-34 and Ukraine's 1932-33 of a run (the years the
// run reached).
func deathsOf(outs []Outcome) (total, ukraine float64) {
	for _, o := range outs {
		if o.Year >= 1930 && o.Year <= 1934 {
			total += o.FamineDeathsM
		}
		if o.Year == 1932 || o.Year == 1933 {
			ukraine += o.FamineDeathsByRegionM[Ukraine]
		}
	}
	return total, ukraine
}
