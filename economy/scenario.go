package economy

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Scenario is the 1928–1934 scenario: every year's decisions, directives, actions, shock
// events, briefing events and weather, the regions' starting figures, the vote-weight
// formula, the tie rule and every coefficient of the model with a note on its source.
// It is loaded once and never changed; share it freely between goroutines.
type Scenario struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Version string `json:"version"`
	Note    string `json:"note,omitempty"`
	// TieRule is "mildest": a tie goes to the tied option with the lowest index, which is
	// the mildest option of an ordered decision.
	TieRule string `json:"tieRule"`
	// Weights is the historical-mode vote-weight formula (see VoteWeights).
	Weights VoteWeightFormula `json:"voteWeights"`
	// Initial is the USSR-wide state at the end of 1927, where the model starts.
	Initial StartSpec `json:"start"`
	// RegionData holds each region's starting figures (end of 1927) and fixed traits.
	RegionData map[RegionID]RegionSpec `json:"regions"`
	// Coefficients of the model by name; the model's code lists every name it needs and
	// the range each may take (see Coefficients()).
	Coefficients map[string]Coefficient `json:"coefficients"`
	// Stated is the model's assumptions in plain words (see Assumptions()).
	Stated []Assumption `json:"assumptions"`
	// Catalogue is every action any faction can take; years open them by id.
	Catalogue []ActionSpec `json:"actions"`
	// Years are 1928..1934 in order.
	Years []Year `json:"years"`
	// ExperimentList holds the historians' claims a class can run on its own path.
	ExperimentList []ExperimentSpec `json:"experiments"`

	raw  []byte
	name string
	hash string
	c    coefs
	// per year, compiled for Step: index of years by year number minus FirstYear.
	compiled []compiledYear
}

// Coefficient is one number of the model with where it comes from.
type Coefficient struct {
	Value float64 `json:"value"`
	Note  string  `json:"note"`
	// Range, when given, is the stated range of an estimated coefficient [low, high]:
	// the experiments' ensembles draw it from there.
	Range []float64 `json:"range,omitempty"`
}

// RegionSpec is a region's starting state (end of 1927) and its fixed traits.
type RegionSpec struct {
	Name         string  `json:"name"`
	RuralPopM    float64 `json:"ruralPopM"`   // rural population, million
	GrainBaseMt  float64 `json:"grainBaseMt"` // harvest in a normal year at 1928 conditions, Mt
	CattleM      float64 `json:"cattleM"`
	HorsesM      float64 `json:"horsesM"`
	HerdsM       float64 `json:"herdsM"`       // sheep, goats and camels, million head
	PlanShare    float64 `json:"planShare"`    // share of the USSR procurement plan allotted here
	PaceWeight   float64 `json:"paceWeight"`   // how hard the collectivisation drive pushed here
	HerdFoodKg   float64 `json:"herdFoodKg"`   // food per head of sheep/goats/camels, kg grain-equivalent a year
	CattleFoodKg float64 `json:"cattleFoodKg"` // food per head of cattle, kg grain-equivalent a year
	HorseFoodKg  float64 `json:"horseFoodKg"`  // food per head of horses (mare's milk, meat) where herders eat them, kg grain-equivalent a year
	OtherFoodKg  float64 `json:"otherFoodKg"`  // food per rural person from potatoes, fish, crafts and trade, kg grain-equivalent
	// Mobility is how readily the hungry leave: 1 for a wholly mobile (nomadic) people.
	Mobility float64 `json:"mobility"`
	Note     string  `json:"note"`
}

// StartSpec is the USSR-wide state at the end of 1927. Indices are on 0–100 scales.
type StartSpec struct {
	UrbanPopM         float64 `json:"urbanPopM"`
	IndustryIndex     float64 `json:"industryIndex"` // 1928 = 100, so a little below 100
	PartyControl      float64 `json:"partyControl"`
	BukharinInfluence float64 `json:"bukharinInfluence"`
	VillagePressure   float64 `json:"villagePressure"`
	Morale            float64 `json:"morale"`
	Collectivised     float64 `json:"collectivised"` // share of households, 0..1
	TractorsK         float64 `json:"tractorsK"`
	ExportsMt         float64 `json:"exportsMt"` // 1927's, which pays for 1928's imported tractors
	Note              string  `json:"note"`
}

// VoteWeightFormula gives each faction's historical-mode weight from the state:
// weight = base + partyControl·pc + bukharinInfluence·bi + villagePressure·vp, with pc, bi
// and vp on their 0–100 scales divided by 100. Weights are then normalised to sum to 1
// over all factions; a room renormalises over the factions that have voters.
type VoteWeightFormula struct {
	Note     string                  `json:"note"`
	Factions map[Faction]WeightTerms `json:"factions"`
}

// WeightTerms are one faction's terms of the vote-weight formula.
type WeightTerms struct {
	Base              float64 `json:"base"`
	PartyControl      float64 `json:"partyControl"`
	BukharinInfluence float64 `json:"bukharinInfluence"`
	VillagePressure   float64 `json:"villagePressure"`
}

// Assumption is one of the model's stated assumptions, for the debrief.
type Assumption struct {
	ID    string `json:"id"`
	Text  string `json:"text"`
	Trust string `json:"trust"` // how far to trust it, in plain words
}

// Year is one turn of the scenario.
type Year struct {
	Year    int    `json:"year"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
	// Levers are history's policy settings this year; a decision's chosen option
	// overrides the levers it sets. See Levers() for the list.
	Levers     map[string]float64 `json:"levers"`
	Decisions  []Decision         `json:"decisions"`
	Directives []Directive        `json:"directives"`
	// Open maps each action open this year to history's share of its faction that took
	// it: a number, or an object by region. Actions is built from it at load.
	Open           map[string]Share     `json:"open"`
	Actions        []Action             `json:"actions,omitempty"`
	Events         []ShockEvent         `json:"events"`
	BriefingEvents []string             `json:"briefingEvents"`
	Weather        map[RegionID]Weather `json:"weather"`
}

// Weather is history's harvest-yield factor for one region and year, with its source.
type Weather struct {
	Factor float64 `json:"factor"` // in [0.85, 1.10]; 1 is an ordinary year
	Note   string  `json:"note"`
}

// Decision is an economic lever the class votes on. Options of an ordered decision run
// from mildest (least extraction from the countryside) to harshest.
type Decision struct {
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	Question   string   `json:"question"`
	Ordered    bool     `json:"ordered"`
	Options    []Option `json:"options"`
	Historical string   `json:"historical"` // the option history chose
}

// Option is one choice of a decision. Set gives the levers it sets.
type Option struct {
	ID      string             `json:"id"`
	Label   string             `json:"label"`
	Summary string             `json:"summary"`
	Set     map[string]float64 `json:"set"`
}

// Directive is a decision from Moscow: announced in the briefing, never voted. Only a
// counterfactual game may switch one off.
type Directive struct {
	ID      string   `json:"id"`
	Title   string   `json:"title"`
	Date    string   `json:"date"`
	Summary string   `json:"summary"`
	Source  string   `json:"source"`
	Effects []Effect `json:"effects"`
}

// Effect moves one channel of the model by Value, in the listed regions (all when
// empty). Action effects apply in the player's home region and list no regions.
// See Channels() for the channels and their units.
type Effect struct {
	Channel string     `json:"channel"`
	Value   float64    `json:"value"`
	Regions []RegionID `json:"regions,omitempty"`
}

// ActionSpec is an action in the scenario's catalogue.
type ActionSpec struct {
	ID      string  `json:"id"`
	Faction Faction `json:"faction"`
	Title   string  `json:"title"`
	Summary string  `json:"summary"`
	// Requires: "" any player of the faction; "free" a kulak-labelled household not (yet)
	// deported; "settler" a deported special settler; "inOffice" an official not purged;
	// "purged" a purged official (kolkhoz worker or under arrest).
	Requires string   `json:"requires"`
	Effects  []Effect `json:"effects"`
}

// Action is an action open in one year, with history's share of its faction that took
// it in each region (used by HistoricalChoices and --historical).
type Action struct {
	ID              string               `json:"id"`
	Faction         Faction              `json:"faction"`
	Title           string               `json:"title"`
	Summary         string               `json:"summary"`
	Requires        string               `json:"requires"`
	Effects         []Effect             `json:"effects"`
	HistoricalShare map[RegionID]float64 `json:"historicalShare"`
}

// ShockEvent is an event a teacher may inject into a year, with its effects.
type ShockEvent struct {
	ID      string   `json:"id"`
	Title   string   `json:"title"`
	Summary string   `json:"summary"`
	Effects []Effect `json:"effects"`
}

// Share is history's share of a faction that took an action: one number for every
// region, or one per region (missing regions take "default", else 0).
type Share map[RegionID]float64

// UnmarshalJSON accepts a number or an object of region → number.
func (s *Share) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] != '{' {
		var v float64
		if err := json.Unmarshal(b, &v); err != nil {
			return fmt.Errorf("a share is a number or an object of region to number")
		}
		m := Share{}
		for _, r := range Regions {
			m[r] = v
		}
		*s = m
		return nil
	}
	var m map[RegionID]float64
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("a share is a number or an object of region to number")
	}
	*s = m
	return nil
}

//go:embed data/scenario.json
var defaultScenario []byte

// DefaultFile is the name Default's scenario is loaded under, used in load errors.
const DefaultFile = "economy/data/scenario.json"

var defaultLoaded = mustLoad(DefaultFile, defaultScenario)

func mustLoad(name string, data []byte) *Scenario {
	sc, err := Load(name, data)
	if err != nil {
		panic(err)
	}
	return sc
}

// Default returns the embedded 1928–1934 scenario. A test guarantees that it loads.
func Default() *Scenario { return defaultLoaded }

// Raw returns the exact bytes the scenario was loaded from: rooms store them so that an
// upgrade of the server never changes a game in progress. Do not modify the slice.
func (sc *Scenario) Raw() []byte { return sc.raw }

// Hash returns the hex SHA-256 of Raw.
func (sc *Scenario) Hash() string { return sc.hash }

// Name returns the file name the scenario was loaded under.
func (sc *Scenario) Name() string { return sc.name }

// FirstYear returns the first year of the scenario (1928).
func (sc *Scenario) FirstYear() int { return sc.Years[0].Year }

// LastYear returns the last year of the scenario (1934).
func (sc *Scenario) LastYear() int { return sc.Years[len(sc.Years)-1].Year }

// Year returns the scenario's year y.
func (sc *Scenario) Year(y int) (*Year, bool) {
	i := y - sc.FirstYear()
	if i < 0 || i >= len(sc.Years) {
		return nil, false
	}
	return &sc.Years[i], true
}

// Decision returns the decision with the given id in year y.
func (y *Year) Decision(id string) (*Decision, bool) {
	for i := range y.Decisions {
		if y.Decisions[i].ID == id {
			return &y.Decisions[i], true
		}
	}
	return nil, false
}

// Action returns the action with the given id if it is open in year y.
func (y *Year) Action(id string) (*Action, bool) {
	for i := range y.Actions {
		if y.Actions[i].ID == id {
			return &y.Actions[i], true
		}
	}
	return nil, false
}

// Option returns the option with the given id and its index.
func (d *Decision) Option(id string) (*Option, int, bool) {
	for i := range d.Options {
		if d.Options[i].ID == id {
			return &d.Options[i], i, true
		}
	}
	return nil, -1, false
}

// Assumptions returns the model's stated assumptions in plain words.
func (sc *Scenario) Assumptions() []Assumption { return append([]Assumption(nil), sc.Stated...) }

// TieBreak picks among tied option ids of d by the scenario's rule: "mildest" takes the
// tied option with the lowest index. Unknown ids are ignored; with none known it returns "".
func (sc *Scenario) TieBreak(d Decision, tied []string) string {
	best, bestIdx := "", len(d.Options)
	for _, id := range tied {
		for i, o := range d.Options {
			if o.ID == id && i < bestIdx {
				best, bestIdx = id, i
			}
		}
	}
	return best
}

// VoteWeights returns each faction's historical-mode vote weight in state st (the state
// at the start of the vote's year), from the scenario's formula, normalised to sum to 1.
func (sc *Scenario) VoteWeights(st State) map[Faction]float64 {
	out := make(map[Faction]float64, len(Factions))
	total := 0.0
	for _, f := range Factions {
		t := sc.Weights.Factions[f]
		w := t.Base + t.PartyControl*st.PartyControl/100 + t.BukharinInfluence*st.BukharinInfluence/100 + t.VillagePressure*st.VillagePressure/100
		if w < 0 {
			w = 0
		}
		out[f] = w
		total += w
	}
	for _, f := range Factions {
		if total > 0 {
			out[f] = round(out[f]/total, 4)
		} else {
			out[f] = round(1/float64(len(Factions)), 4)
		}
	}
	return out
}

// LoadError says what is wrong with a scenario file: the file, the JSON path inside it
// and the problem.
type LoadError struct {
	File    string
	Path    string
	Problem string
}

func (e *LoadError) Error() string {
	if e.Path == "" {
		return e.File + ": " + e.Problem
	}
	return e.File + ": " + e.Path + ": " + e.Problem
}

// Load parses and validates a scenario. name is the file name used in errors. Every
// reference is checked: decisions' historical options, levers, channels, open actions,
// briefing events (against package history), regions, weather and coefficients.
func Load(name string, data []byte) (*Scenario, error) {
	sc := &Scenario{}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(sc); err != nil {
		return nil, &LoadError{File: name, Path: jsonErrorPath(data, err), Problem: "not valid scenario JSON: " + err.Error()}
	}
	if dec.More() {
		return nil, &LoadError{File: name, Problem: "extra data after the scenario object"}
	}
	sc.raw = append([]byte(nil), data...)
	sum := sha256.Sum256(sc.raw)
	sc.hash = hex.EncodeToString(sum[:])
	sc.name = name
	v := &validator{file: name}
	sc.validate(v)
	if v.err != nil {
		return nil, v.err
	}
	sc.compile()
	return sc, nil
}

// jsonErrorPath gives a rough location for a decoding error: the byte offset's line.
func jsonErrorPath(data []byte, err error) string {
	var off int64 = -1
	switch e := err.(type) {
	case *json.SyntaxError:
		off = e.Offset
	case *json.UnmarshalTypeError:
		if e.Field != "" {
			return e.Field
		}
		off = e.Offset
	}
	if off < 0 || off > int64(len(data)) {
		return ""
	}
	return "line " + strconv.Itoa(bytes.Count(data[:off], []byte("\n"))+1)
}

type validator struct {
	file string
	err  *LoadError
}

func (v *validator) fail(path, format string, args ...any) {
	if v.err == nil {
		v.err = &LoadError{File: v.file, Path: path, Problem: fmt.Sprintf(format, args...)}
	}
}

func sortedKeys[K ~string, V any](m map[K]V) []K {
	ks := make([]K, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func knownRegion(r RegionID) bool {
	for _, x := range Regions {
		if x == r {
			return true
		}
	}
	return false
}

func knownFaction(f Faction) bool {
	for _, x := range Factions {
		if x == f {
			return true
		}
	}
	return false
}

var requiresKinds = map[string]bool{"": true, "free": true, "settler": true, "inOffice": true, "purged": true}

func (sc *Scenario) validate(v *validator) {
	if sc.ID == "" {
		v.fail("id", "the scenario needs an id")
	}
	if sc.TieRule != "mildest" {
		v.fail("tieRule", "unknown tie rule %q; the only rule is \"mildest\"", sc.TieRule)
	}
	for _, f := range Factions {
		if _, ok := sc.Weights.Factions[f]; !ok {
			v.fail("voteWeights.factions."+string(f), "missing the vote-weight terms of faction %q", f)
		}
	}
	for _, f := range sortedKeys(sc.Weights.Factions) {
		t := sc.Weights.Factions[f]
		p := "voteWeights.factions." + string(f)
		if !knownFaction(f) {
			v.fail(p, "unknown faction %q", f)
		}
		for _, x := range []float64{t.Base, t.PartyControl, t.BukharinInfluence, t.VillagePressure} {
			if x < 0 || x > 10 {
				v.fail(p, "vote-weight terms must lie in [0, 10], found %v", x)
			}
		}
	}
	in := sc.Initial
	for _, c := range []struct {
		name   string
		val    float64
		lo, hi float64
	}{
		{"urbanPopM", in.UrbanPopM, 1, 100}, {"industryIndex", in.IndustryIndex, 50, 100},
		{"partyControl", in.PartyControl, 0, 100}, {"bukharinInfluence", in.BukharinInfluence, 0, 100},
		{"villagePressure", in.VillagePressure, 0, 100}, {"morale", in.Morale, 0, 100},
		{"collectivised", in.Collectivised, 0, 1}, {"tractorsK", in.TractorsK, 1, 1000}, {"exportsMt", in.ExportsMt, 0, 10},
	} {
		if c.val < c.lo || c.val > c.hi {
			v.fail("start."+c.name, "value %v is out of range [%v, %v]", c.val, c.lo, c.hi)
		}
	}
	if strings.TrimSpace(in.Note) == "" {
		v.fail("start.note", "the starting state needs a note saying where its numbers come from")
	}
	// Regions.
	planSum := 0.0
	for _, r := range Regions {
		spec, ok := sc.RegionData[r]
		p := "regions." + string(r)
		if !ok {
			v.fail(p, "missing region %q", r)
			continue
		}
		for _, c := range []struct {
			name   string
			val    float64
			lo, hi float64
		}{
			{"ruralPopM", spec.RuralPopM, 0.5, 200}, {"grainBaseMt", spec.GrainBaseMt, 0.1, 100},
			{"cattleM", spec.CattleM, 0, 100}, {"horsesM", spec.HorsesM, 0, 60}, {"herdsM", spec.HerdsM, 0, 200},
			{"planShare", spec.PlanShare, 0, 1}, {"paceWeight", spec.PaceWeight, 0, 2}, {"mobility", spec.Mobility, 0, 1},
			{"herdFoodKg", spec.HerdFoodKg, 0, 200}, {"cattleFoodKg", spec.CattleFoodKg, 0, 400}, {"horseFoodKg", spec.HorseFoodKg, 0, 200}, {"otherFoodKg", spec.OtherFoodKg, 0, 300},
		} {
			if c.val < c.lo || c.val > c.hi {
				v.fail(p+"."+c.name, "value %v is out of range [%v, %v]", c.val, c.lo, c.hi)
			}
		}
		planSum += spec.PlanShare
	}
	for _, r := range sortedKeys(sc.RegionData) {
		if !knownRegion(r) {
			v.fail("regions."+string(r), "unknown region %q; the regions are %v", r, Regions)
		}
	}
	if planSum < 0.999 || planSum > 1.001 {
		v.fail("regions", "the regions' planShare must add up to 1, found %.4f", planSum)
	}
	// Coefficients.
	for _, spec := range coefSpecs {
		c, ok := sc.Coefficients[spec.name]
		p := "coefficients." + spec.name
		if !ok {
			v.fail(p, "missing coefficient %q (%s)", spec.name, spec.doc)
			continue
		}
		if c.Value < spec.min || c.Value > spec.max {
			v.fail(p+".value", "coefficient %q is %v, out of range [%v, %v]", spec.name, c.Value, spec.min, spec.max)
		}
		if strings.TrimSpace(c.Note) == "" {
			v.fail(p+".note", "coefficient %q needs a note saying where its number comes from", spec.name)
		}
		if c.Range != nil && (len(c.Range) != 2 || c.Range[0] > c.Value || c.Range[1] < c.Value || c.Range[0] < spec.min || c.Range[1] > spec.max) {
			v.fail(p+".range", "coefficient %q has range %v: a range is [low, high] around its value %v, inside [%v, %v]", spec.name, c.Range, c.Value, spec.min, spec.max)
		}
	}
	for _, name := range sortedKeys(sc.Coefficients) {
		if _, ok := coefIndex[name]; !ok {
			v.fail("coefficients."+name, "unknown coefficient %q", name)
		}
	}
	// Assumptions.
	seenA := map[string]bool{}
	for i, a := range sc.Stated {
		p := fmt.Sprintf("assumptions[%d]", i)
		if a.ID == "" || a.Text == "" || a.Trust == "" {
			v.fail(p, "an assumption needs an id, a text and a trust")
		}
		if seenA[a.ID] {
			v.fail(p+".id", "duplicate assumption id %q", a.ID)
		}
		seenA[a.ID] = true
	}
	// Action catalogue.
	catalogue := map[string]*ActionSpec{}
	for i := range sc.Catalogue {
		a := &sc.Catalogue[i]
		p := fmt.Sprintf("actions[%d]", i)
		if a.ID == "" {
			v.fail(p+".id", "an action needs an id")
		}
		if catalogue[a.ID] != nil {
			v.fail(p+".id", "duplicate action id %q", a.ID)
		}
		catalogue[a.ID] = a
		if !knownFaction(a.Faction) {
			v.fail(p+".faction", "unknown faction %q", a.Faction)
		}
		if !requiresKinds[a.Requires] {
			v.fail(p+".requires", "unknown requirement %q; use \"\", \"free\", \"settler\", \"inOffice\" or \"purged\"", a.Requires)
		}
		if a.Title == "" || a.Summary == "" {
			v.fail(p, "action %q needs a title and a summary", a.ID)
		}
		if len(a.Effects) == 0 {
			v.fail(p+".effects", "action %q has no effect on the model", a.ID)
		}
		for j, e := range a.Effects {
			if len(e.Regions) > 0 {
				v.fail(fmt.Sprintf("%s.effects[%d].regions", p, j), "an action's effects apply in the player's home region; do not list regions")
			}
			validateEffect(v, fmt.Sprintf("%s.effects[%d]", p, j), e)
		}
	}
	// Years.
	if len(sc.Years) == 0 {
		v.fail("years", "the scenario has no years")
		return
	}
	ids := map[string]string{} // decision, directive and event ids are unique across the scenario
	claim := func(path, kind, id string) {
		if id == "" {
			v.fail(path, "a %s needs an id", kind)
			return
		}
		if prev, dup := ids[id]; dup {
			v.fail(path, "duplicate id %q (also at %s)", id, prev)
		}
		ids[id] = path
	}
	for i := range sc.Years {
		y := &sc.Years[i]
		p := fmt.Sprintf("years[%d]", i)
		if want := sc.Years[0].Year + i; y.Year != want {
			v.fail(p+".year", "missing year %d: years must run one after another, found %d", want, y.Year)
			return
		}
		if y.Title == "" || y.Summary == "" {
			v.fail(p, "year %d needs a title and a summary", y.Year)
		}
		if len(y.Actions) > 0 {
			v.fail(p+".actions", "a year's actions are built from the catalogue; list them under \"open\"")
		}
		for _, l := range leverSpecs {
			val, ok := y.Levers[l.name]
			if !ok {
				v.fail(p+".levers."+l.name, "missing history's setting of lever %q (%s)", l.name, l.doc)
				continue
			}
			if val < l.min || val > l.max {
				v.fail(p+".levers."+l.name, "lever %q is %v, out of range [%v, %v]", l.name, val, l.min, l.max)
			}
		}
		for _, name := range sortedKeys(y.Levers) {
			if _, ok := leverIndex[name]; !ok {
				v.fail(p+".levers."+name, "unknown lever %q", name)
			}
		}
		if len(y.Decisions) < 1 || len(y.Decisions) > 3 {
			v.fail(p+".decisions", "a year has 1 to 3 decisions, found %d", len(y.Decisions))
		}
		for j := range y.Decisions {
			validateDecision(v, fmt.Sprintf("%s.decisions[%d]", p, j), &y.Decisions[j], claim)
		}
		for j, d := range y.Directives {
			dp := fmt.Sprintf("%s.directives[%d]", p, j)
			claim(dp+".id", "directive", d.ID)
			if d.Title == "" || d.Date == "" || d.Summary == "" || d.Source == "" {
				v.fail(dp, "directive %q needs a title, a date, a summary and a source", d.ID)
			}
			if len(d.Effects) == 0 {
				v.fail(dp+".effects", "directive %q has no effect on the model", d.ID)
			}
			for k, e := range d.Effects {
				validateEffect(v, fmt.Sprintf("%s.effects[%d]", dp, k), e)
			}
		}
		for j, e := range y.Events {
			ep := fmt.Sprintf("%s.events[%d]", p, j)
			claim(ep+".id", "shock event", e.ID)
			if e.Title == "" || e.Summary == "" || len(e.Effects) == 0 {
				v.fail(ep, "shock event %q needs a title, a summary and effects", e.ID)
			}
			for k, ef := range e.Effects {
				validateEffect(v, fmt.Sprintf("%s.effects[%d]", ep, k), ef)
			}
		}
		for j, id := range y.BriefingEvents {
			if !historyKnows(id) {
				v.fail(fmt.Sprintf("%s.briefingEvents[%d]", p, j), "dangling id %q: no such event in history/data/events.md", id)
			}
		}
		for _, r := range Regions {
			w, ok := y.Weather[r]
			wp := p + ".weather." + string(r)
			if !ok {
				v.fail(wp, "missing history's weather for region %q", r)
				continue
			}
			if w.Factor < 0.85 || w.Factor > 1.10 {
				v.fail(wp+".factor", "weather factor %v is out of range [0.85, 1.10]", w.Factor)
			}
			if strings.TrimSpace(w.Note) == "" {
				v.fail(wp+".note", "every weather factor needs a note with its source")
			}
		}
		for _, r := range sortedKeys(y.Weather) {
			if !knownRegion(r) {
				v.fail(p+".weather."+string(r), "unknown region %q", r)
			}
		}
		// Open actions, resolved from the catalogue.
		totals := map[Faction]map[RegionID]float64{}
		y.Actions = nil
		for _, id := range sortedKeys(y.Open) {
			ap := p + ".open." + id
			spec, ok := catalogue[id]
			if !ok {
				v.fail(ap, "dangling id %q: no such action in the catalogue", id)
				continue
			}
			sh := map[RegionID]float64{}
			for _, r := range sortedKeys(y.Open[id]) {
				if !knownRegion(r) {
					v.fail(ap+"."+string(r), "unknown region %q", r)
				}
			}
			for _, r := range Regions {
				s := y.Open[id][r]
				if s < 0 || s > 1 {
					v.fail(ap, "history's share %v is outside [0, 1]", s)
				}
				sh[r] = s
				if totals[spec.Faction] == nil {
					totals[spec.Faction] = map[RegionID]float64{}
				}
				totals[spec.Faction][r] += s
			}
			y.Actions = append(y.Actions, Action{ID: spec.ID, Faction: spec.Faction, Title: spec.Title, Summary: spec.Summary,
				Requires: spec.Requires, Effects: spec.Effects, HistoricalShare: sh})
		}
		for _, f := range Factions {
			for _, r := range Regions {
				if totals[f][r] > 1.0001 {
					v.fail(p+".open", "history's shares of faction %q in %s add up to %.3f; a player takes at most one action, so they must not exceed 1", f, r, totals[f][r])
				}
			}
		}
		// Keep actions in catalogue order, which is the order the scenario presents them.
		order := map[string]int{}
		for i, a := range sc.Catalogue {
			order[a.ID] = i
		}
		sort.SliceStable(y.Actions, func(a, b int) bool { return order[y.Actions[a].ID] < order[y.Actions[b].ID] })
	}
}

func validateDecision(v *validator, p string, d *Decision, claim func(path, kind, id string)) {
	claim(p+".id", "decision", d.ID)
	if d.Title == "" || d.Question == "" {
		v.fail(p, "decision %q needs a title and a question", d.ID)
	}
	if len(d.Options) < 2 || len(d.Options) > 4 {
		v.fail(p+".options", "decision %q needs 2 to 4 options, found %d", d.ID, len(d.Options))
	}
	seen := map[string]bool{}
	for k, o := range d.Options {
		op := fmt.Sprintf("%s.options[%d]", p, k)
		if o.ID == "" || o.Label == "" || o.Summary == "" {
			v.fail(op, "an option needs an id, a label and a summary")
		}
		if seen[o.ID] {
			v.fail(op+".id", "duplicate option id %q", o.ID)
		}
		seen[o.ID] = true
		if len(o.Set) == 0 {
			v.fail(op+".set", "option %q sets no lever", o.ID)
		}
		for _, name := range sortedKeys(o.Set) {
			l, ok := leverIndex[name]
			if !ok {
				v.fail(op+".set."+name, "unknown lever %q", name)
				continue
			}
			spec := leverSpecs[l]
			if val := o.Set[name]; val < spec.min || val > spec.max {
				v.fail(op+".set."+name, "lever %q is %v, out of range [%v, %v]", name, val, spec.min, spec.max)
			}
			if d.Ordered && spec.harsh == 0 {
				v.fail(op+".set."+name, "lever %q is not about extraction, so a decision setting it must be unordered", name)
			}
		}
	}
	if !seen[d.Historical] {
		v.fail(p+".historical", "unknown option %q: history's choice must be one of the decision's options", d.Historical)
	}
	if d.Ordered {
		// Mildest first: each lever must move towards more extraction, option by option.
		for k := 1; k < len(d.Options); k++ {
			prev, cur := d.Options[k-1], d.Options[k]
			for _, name := range sortedKeys(cur.Set) {
				l, ok := leverIndex[name]
				if !ok {
					continue
				}
				pv, ok := prev.Set[name]
				if !ok {
					v.fail(fmt.Sprintf("%s.options[%d].set.%s", p, k, name), "every option of an ordered decision must set the same levers")
					continue
				}
				if float64(leverSpecs[l].harsh)*(cur.Set[name]-pv) < 0 {
					v.fail(fmt.Sprintf("%s.options[%d].set.%s", p, k, name), "decision %q is ordered mildest first, but option %q is milder than %q on lever %q", d.ID, cur.ID, prev.ID, name)
				}
			}
			if len(prev.Set) != len(cur.Set) {
				v.fail(fmt.Sprintf("%s.options[%d].set", p, k), "every option of an ordered decision must set the same levers")
			}
		}
	}
}

func validateEffect(v *validator, p string, e Effect) {
	spec, ok := channelIndex[e.Channel]
	if !ok {
		v.fail(p+".channel", "unknown channel %q", e.Channel)
		return
	}
	cs := channelSpecs[spec]
	if e.Value < cs.min || e.Value > cs.max {
		v.fail(p+".value", "channel %q moves by %v, out of range [%v, %v]", e.Channel, e.Value, cs.min, cs.max)
	}
	for i, r := range e.Regions {
		if !knownRegion(r) {
			v.fail(fmt.Sprintf("%s.regions[%d]", p, i), "unknown region %q", r)
		}
	}
}
