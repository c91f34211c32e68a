package scoring

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/roles"
	"github.com/classroom-debate/debate/room"
)

// Rules are the scoring rules: each role's goals, the human cost of a year and the debate
// points. They are data (rules.json, embedded), validated at load. A goal is measured by
// one of a fixed set of measures (see Measures); none of them reads procurement, exports,
// deaths, deportations or hunger, so no goal can reward them.
type Rules struct {
	Version int    `json:"version"`
	Note    string `json:"note"`
	// HerdWeight counts a head of sheep, goats or camels as this share of a head of cattle
	// or a horse in the livestock measure.
	HerdWeight float64              `json:"herdWeight"`
	Roles      map[string]RoleRules `json:"roles"`
	HumanCost  HumanCostRules       `json:"humanCost"`
	Debate     DebateRules          `json:"debate"`
}

// RoleRules are one role's goals.
type RoleRules struct {
	Goals []Goal `json:"goals"`
}

// Goal is one of a role's goals: up to Points a year, scored by the first case whose fate
// matches the player's.
type Goal struct {
	ID     string  `json:"id"`
	Label  string  `json:"label"`
	Points float64 `json:"points"`
	How    string  `json:"how"` // in plain words, for the role card and the breakdown
	// Played marks a goal that depends on how the class played (an action, the vote, the
	// debate): it is not scored in a year the class did not play.
	Played bool   `json:"played,omitempty"`
	Cases  []Case `json:"cases"`
}

// Case is how a goal is measured for players in Fate ("" matches any fate). The measure
// gives a share from 0 to 1: linear from Lo (nothing) to Hi (full), which may run either
// way; a fate's share from Fates or an action's from Actions ("*" for any other); or the
// weakest (min), the strongest (max) or the average (mean) of Parts.
type Case struct {
	Fate       string             `json:"fate,omitempty"`
	Measure    string             `json:"measure"`
	Scope      string             `json:"scope,omitempty"`      // "home" region or the whole "ussr"
	HerdWeight *float64           `json:"herdWeight,omitempty"` // livestock: overrides Rules.HerdWeight
	Lo         float64            `json:"lo,omitempty"`
	Hi         float64            `json:"hi,omitempty"`
	Fates      map[string]float64 `json:"fates,omitempty"`
	Actions    map[string]float64 `json:"actions,omitempty"`
	Decisions  []string           `json:"decisions,omitempty"` // vote: decision id prefixes ("quota-")
	Rule       string             `json:"rule,omitempty"`      // vote: "milderHalf" or "milderThanHistory"
	Parts      []Case             `json:"parts,omitempty"`
	Criteria   []string           `json:"criteria,omitempty"` // "teacher": the rubric criteria that judge it
}

// The measures a goal may use.
const (
	MeasureFate            = "fate"            // the player's fate, through Fates
	MeasureFood            = "food"            // rural food per head after procurement, shared over the living and the famine's dead, kg a year
	MeasureLivestock       = "livestock"       // cattle + horses + herds×HerdWeight, as a share of the start
	MeasureSettlerSurvival = "settlerSurvival" // special settlers' death rate in the year (Lo > Hi)
	MeasureIndustryGrowth  = "industryGrowth"  // industrial growth in the year, percent
	MeasureInfluence       = "influence"       // Bukharin-faction influence, 0–100
	MeasureAction          = "action"          // the player's action that year, through Actions
	MeasureRetreat         = "retreat"         // the villages forced a retreat that year
	MeasureVote            = "vote"            // the share of the year's ordered decisions the class voted milder
	MeasureDebate          = "debate"          // the player's debate points that year (DebateRules)
	MeasureMin             = "min"             // the weakest of Parts
	MeasureMax             = "max"             // the strongest of Parts
	MeasureMean            = "mean"            // the average of Parts
	MeasureTeacher         = "teacher"         // judged by the teacher; no machine points
)

// Measures lists every goal measure.
var Measures = []string{MeasureFate, MeasureFood, MeasureLivestock, MeasureSettlerSurvival, MeasureIndustryGrowth,
	MeasureInfluence, MeasureAction, MeasureRetreat, MeasureVote, MeasureDebate, MeasureMin, MeasureMax, MeasureMean, MeasureTeacher}

// The rules of the vote measure.
const (
	MilderHalf        = "milderHalf"        // the class chose an option in the milder half of the decision
	MilderThanHistory = "milderThanHistory" // the class chose an option milder than history's
)

// playMeasures depend on how the class played; a goal using one must be marked Played.
var playMeasures = map[string]bool{MeasureAction: true, MeasureVote: true, MeasureDebate: true}

// HumanCostRules say how the year's human cost lowers every faction's result: each
// component costs one point for every step its figure reaches. The line shows the total
// and a word for it, never a count of the dead.
type HumanCostRules struct {
	ID         string          `json:"id"`
	Label      string          `json:"label"`
	How        string          `json:"how"`
	Roles      []string        `json:"roles"` // the roles it applies to: every faction
	Components []CostComponent `json:"components"`
	Words      []CostWord      `json:"words"`
}

// CostComponent is one part of the human cost.
type CostComponent struct {
	ID      string    `json:"id"`
	Measure string    `json:"measure"`
	Steps   []float64 `json:"steps"`
}

// The human-cost measures, all for the whole USSR in the year.
const (
	CostFamineDeaths = "famineDeathsM"       // famine deaths, million
	CostDeported     = "householdsDeportedK" // households deported, thousand
	CostSettlerDeath = "settlerDeathsK"      // special settlers who died, thousand
	CostHungryShare  = "hungryShare"         // share of the rural population in regions below the model's need
)

// CostWord names a total cost from From points up.
type CostWord struct {
	From int    `json:"from"`
	Text string `json:"text"`
}

// DebateRules are the debate points of one year. Each count is capped, so posting more
// than the cap earns nothing; marks from another faction weigh more.
type DebateRules struct {
	Argument CountRule `json:"argument"`
	Reply    CountRule `json:"reply"`
	Evidence CountRule `json:"evidence"`
	Marks    MarkRule  `json:"marks"`
}

// CountRule gives Points for each of up to Cap items a year.
type CountRule struct {
	Label  string  `json:"label"`
	Points float64 `json:"points"`
	Cap    int     `json:"cap"`
}

// MarkRule weighs persuasive marks received, by whether the marker plays the same role as
// the author, up to Cap points a year.
type MarkRule struct {
	Label        string  `json:"label"`
	SameFaction  float64 `json:"sameFaction"`
	OtherFaction float64 `json:"otherFaction"`
	Cap          float64 `json:"cap"`
}

// RulesFile is the name the embedded rules are loaded under, used in load errors.
const RulesFile = "scoring/rules.json"

//go:embed rules.json
var rulesJSON []byte

var defaultRules = mustRules(RulesFile, rulesJSON)

func mustRules(name string, data []byte) *Rules {
	r, err := LoadRules(name, data)
	if err != nil {
		panic(err)
	}
	return r
}

// DefaultRules returns the embedded rules. A test guarantees that they load.
func DefaultRules() *Rules { return defaultRules }

// RulesError says what is wrong with a rules file: the file, the JSON path and the problem.
type RulesError struct {
	File, Path, Problem string
}

func (e *RulesError) Error() string { return e.File + ": " + e.Path + ": " + e.Problem }

// LoadRules parses and validates a rules file strictly (unknown fields are errors).
func LoadRules(name string, data []byte) (*Rules, error) {
	r := &Rules{}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(r); err != nil {
		return nil, &RulesError{name, "", "not valid rules JSON: " + err.Error()}
	}
	if err := r.validate(); err != nil {
		err.File = name
		return nil, err
	}
	return r, nil
}

func (r *Rules) validate() *RulesError {
	fail := func(path, format string, args ...any) *RulesError {
		return &RulesError{Path: path, Problem: fmt.Sprintf(format, args...)}
	}
	if r.Version != 1 {
		return fail("version", "unknown rules version %d; this server reads version 1", r.Version)
	}
	if r.HerdWeight <= 0 || r.HerdWeight > 1 {
		return fail("herdWeight", "must lie in (0, 1], found %v", r.HerdWeight)
	}
	for _, id := range roles.IDs {
		if _, ok := r.Roles[id]; !ok {
			return fail("roles."+id, "missing the goals of role %q", id)
		}
	}
	for _, id := range sortedKeys(r.Roles) {
		if !roles.Valid(id) {
			return fail("roles."+id, "unknown role %q; the roles are %v", id, roles.IDs)
		}
		rr := r.Roles[id]
		if len(rr.Goals) == 0 {
			return fail("roles."+id+".goals", "role %q has no goals", id)
		}
		seen := map[string]bool{}
		total := 0.0
		for i, g := range rr.Goals {
			p := fmt.Sprintf("roles.%s.goals[%d]", id, i)
			if !validID(g.ID) || seen[g.ID] {
				return fail(p+".id", "goal id %q is empty, malformed or repeated", g.ID)
			}
			seen[g.ID] = true
			if strings.TrimSpace(g.Label) == "" || strings.TrimSpace(g.How) == "" {
				return fail(p, "goal %q needs a label and a plain-words how", g.ID)
			}
			if g.Points < 0 || g.Points > 20 {
				return fail(p+".points", "points must lie in [0, 20], found %v", g.Points)
			}
			total += g.Points
			if len(g.Cases) == 0 {
				return fail(p+".cases", "goal %q has no cases", g.ID)
			}
			for j, c := range g.Cases {
				cp := fmt.Sprintf("%s.cases[%d]", p, j)
				if c.Fate != "" && !knownFate(c.Fate) {
					return fail(cp+".fate", "unknown fate %q; the fates are %v", c.Fate, roles.FateIDs)
				}
				if err := validateCase(cp, c, g.Points, 0); err != nil {
					return err
				}
			}
			if last := g.Cases[len(g.Cases)-1]; last.Fate != "" {
				return fail(p+".cases", "the last case of goal %q must match any fate (no \"fate\")", g.ID)
			}
			if usesPlay(g.Cases) && !g.Played {
				return fail(p+".played", "goal %q reads the class's play (an action, the vote or the debate), so it must be marked played", g.ID)
			}
		}
		if _, faction := roles.Faction(id); faction && total <= 0 {
			return fail("roles."+id+".goals", "a faction's goals must be worth some points")
		}
	}
	hc := r.HumanCost
	if !validID(hc.ID) || strings.TrimSpace(hc.Label) == "" || strings.TrimSpace(hc.How) == "" {
		return fail("humanCost", "the human cost needs an id, a label and a how")
	}
	for _, id := range roles.IDs {
		if _, faction := roles.Faction(id); faction && !contains(hc.Roles, id) {
			return fail("humanCost.roles", "the human cost must lower every faction's result; %q is missing", id)
		}
	}
	for _, id := range hc.Roles {
		if !roles.Valid(id) {
			return fail("humanCost.roles", "unknown role %q", id)
		}
	}
	if len(hc.Components) == 0 {
		return fail("humanCost.components", "the human cost has no components")
	}
	for i, c := range hc.Components {
		p := fmt.Sprintf("humanCost.components[%d]", i)
		switch c.Measure {
		case CostFamineDeaths, CostDeported, CostSettlerDeath, CostHungryShare:
		default:
			return fail(p+".measure", "unknown human-cost measure %q", c.Measure)
		}
		if len(c.Steps) == 0 {
			return fail(p+".steps", "a component needs at least one step")
		}
		for k, s := range c.Steps {
			if s <= 0 || (k > 0 && s <= c.Steps[k-1]) {
				return fail(p+".steps", "steps must be positive and rising, found %v", c.Steps)
			}
		}
	}
	if len(hc.Words) == 0 || hc.Words[0].From != 0 {
		return fail("humanCost.words", "the words must start from 0 points")
	}
	for i, w := range hc.Words {
		if strings.TrimSpace(w.Text) == "" || containsDigit(w.Text) || (i > 0 && w.From <= hc.Words[i-1].From) {
			return fail(fmt.Sprintf("humanCost.words[%d]", i), "words need a text without figures and rising thresholds")
		}
	}
	d := r.Debate
	for _, c := range []struct {
		name string
		rule CountRule
	}{{"argument", d.Argument}, {"reply", d.Reply}, {"evidence", d.Evidence}} {
		if strings.TrimSpace(c.rule.Label) == "" || c.rule.Points < 0 || c.rule.Cap < 1 || c.rule.Cap > 20 {
			return fail("debate."+c.name, "needs a label, points ≥ 0 and a cap from 1 to 20")
		}
	}
	m := d.Marks
	if strings.TrimSpace(m.Label) == "" || m.SameFaction < 0 || m.Cap <= 0 {
		return fail("debate.marks", "needs a label, weights ≥ 0 and a positive cap")
	}
	if m.OtherFaction <= m.SameFaction {
		return fail("debate.marks.otherFaction", "a mark from another faction must weigh more than one from the author's own (%v ≤ %v)", m.OtherFaction, m.SameFaction)
	}
	// A debate goal is worth exactly what the capped debate can earn.
	for _, id := range sortedKeys(r.Roles) {
		for i, g := range r.Roles[id].Goals {
			for _, c := range g.Cases {
				if c.Measure == MeasureDebate && g.Points != d.max() {
					return fail(fmt.Sprintf("roles.%s.goals[%d].points", id, i), "a debate goal is worth what the capped debate earns, %v, not %v", d.max(), g.Points)
				}
			}
		}
	}
	return nil
}

// max is the most the capped debate can earn in a year.
func (d DebateRules) max() float64 {
	return float64(d.Argument.Cap)*d.Argument.Points + float64(d.Reply.Cap)*d.Reply.Points +
		float64(d.Evidence.Cap)*d.Evidence.Points + d.Marks.Cap
}

func usesPlay(cs []Case) bool {
	for _, c := range cs {
		if playMeasures[c.Measure] || usesPlay(c.Parts) {
			return true
		}
	}
	return false
}

func validateCase(p string, c Case, points float64, depth int) *RulesError {
	fail := func(path, format string, args ...any) *RulesError {
		return &RulesError{Path: path, Problem: fmt.Sprintf(format, args...)}
	}
	if depth > 2 {
		return fail(p, "parts may not nest more than twice")
	}
	linear := func(lo, hi float64) *RulesError {
		if c.Lo == c.Hi || c.Lo < lo || c.Lo > hi || c.Hi < lo || c.Hi > hi {
			return fail(p, "measure %q needs lo ≠ hi within [%v, %v], found lo %v hi %v", c.Measure, lo, hi, c.Lo, c.Hi)
		}
		return nil
	}
	switch c.Measure {
	case MeasureFate:
		if _, ok := c.Fates["*"]; !ok {
			return fail(p+".fates", "a fate measure needs a \"*\" share for any other fate")
		}
		for _, f := range sortedKeys(c.Fates) {
			if f != "*" && !knownFate(f) {
				return fail(p+".fates."+f, "unknown fate %q", f)
			}
			if v := c.Fates[f]; v < 0 || v > 1 {
				return fail(p+".fates."+f, "a fate's share must lie in [0, 1], found %v", v)
			}
		}
	case MeasureFood:
		if c.Scope != "home" && c.Scope != "ussr" {
			return fail(p+".scope", "scope must be \"home\" or \"ussr\", found %q", c.Scope)
		}
		return linear(0, 2000)
	case MeasureLivestock:
		if c.Scope != "home" && c.Scope != "ussr" {
			return fail(p+".scope", "scope must be \"home\" or \"ussr\", found %q", c.Scope)
		}
		if c.HerdWeight != nil && (*c.HerdWeight < 0 || *c.HerdWeight > 1) {
			return fail(p+".herdWeight", "must lie in [0, 1], found %v", *c.HerdWeight)
		}
		return linear(0, 5)
	case MeasureSettlerSurvival:
		if c.Lo <= c.Hi {
			return fail(p, "a death rate scores less as it rises: lo must be above hi")
		}
		return linear(0, 1)
	case MeasureIndustryGrowth:
		return linear(-50, 100)
	case MeasureInfluence:
		return linear(0, 100)
	case MeasureAction:
		if _, ok := c.Actions["*"]; !ok {
			return fail(p+".actions", "an action measure needs a \"*\" share for any other action")
		}
		for _, a := range sortedKeys(c.Actions) {
			if a != "*" && !knownAction(a) {
				return fail(p+".actions."+a, "dangling id %q: no such action in the scenario", a)
			}
			if v := c.Actions[a]; v < 0 || v > 1 {
				return fail(p+".actions."+a, "an action's share must lie in [0, 1], found %v", v)
			}
		}
	case MeasureRetreat:
	case MeasureVote:
		if c.Rule != MilderHalf && c.Rule != MilderThanHistory {
			return fail(p+".rule", "the vote rule must be %q or %q, found %q", MilderHalf, MilderThanHistory, c.Rule)
		}
		if len(c.Decisions) == 0 {
			return fail(p+".decisions", "name the decisions (id prefixes) the vote measure reads")
		}
		for _, prefix := range c.Decisions {
			if !knownOrderedDecision(prefix) {
				return fail(p+".decisions", "no ordered decision of the scenario has an id starting with %q", prefix)
			}
		}
	case MeasureDebate:
		if depth > 0 {
			return fail(p, "the debate measure stands alone, not as a part")
		}
	case MeasureMin, MeasureMax, MeasureMean:
		if len(c.Parts) < 2 {
			return fail(p+".parts", "%q needs at least two parts", c.Measure)
		}
		for i, part := range c.Parts {
			if part.Fate != "" {
				return fail(fmt.Sprintf("%s.parts[%d].fate", p, i), "parts take the case's fate; do not set one")
			}
			if err := validateCase(fmt.Sprintf("%s.parts[%d]", p, i), part, points, depth+1); err != nil {
				return err
			}
		}
	case MeasureTeacher:
		if points != 0 {
			return fail(p, "a goal judged by the teacher earns no machine points; set points to 0")
		}
		if len(c.Criteria) == 0 {
			return fail(p+".criteria", "name the rubric criteria that judge this goal")
		}
		for _, id := range c.Criteria {
			if !defaultCriterion(id) {
				return fail(p+".criteria", "%q is not a criterion of the default rubric", id)
			}
		}
	default:
		return fail(p+".measure", "unknown measure %q; the measures are %v", c.Measure, Measures)
	}
	return nil
}

// GoalIDs lists each role's goal ids in order, for cross-checks with the role content.
func (r *Rules) GoalIDs() map[string][]string {
	out := map[string][]string{}
	for role, rr := range r.Roles {
		for _, g := range rr.Goals {
			out[role] = append(out[role], g.ID)
		}
	}
	return out
}

func defaultCriterion(id string) bool {
	for _, c := range room.DefaultRubric {
		if c.ID == id {
			return true
		}
	}
	return false
}

func knownFate(f string) bool { return contains(roles.FateIDs, f) }

// knownAction reports whether the default scenario's catalogue has the action.
func knownAction(id string) bool {
	for _, a := range economy.Default().Catalogue {
		if a.ID == id {
			return true
		}
	}
	return false
}

// knownOrderedDecision reports whether an ordered decision of the default scenario has
// an id starting with prefix.
func knownOrderedDecision(prefix string) bool {
	for _, y := range economy.Default().Years {
		for _, d := range y.Decisions {
			if d.Ordered && strings.HasPrefix(d.ID, prefix) {
				return true
			}
		}
	}
	return false
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func containsDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }

func validID(id string) bool {
	if id == "" || len(id) > 40 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
