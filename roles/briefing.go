package roles

// Briefings: a role's text for a year, assembled from its written slots by the class's
// path. Assembly is a pure function of the content and a BriefingContext.
//
// Order: the year's own slots (the first is the fixed historical core), then the role's
// path slots, which apply from the second year on; a year overrides a path slot by
// defining a slot with the same id (an override with no variants leaves it out). Each slot
// takes the first variant whose conditions all hold.
//
// The condition vocabulary (a "when" list holds all of them; "!" before one negates it):
//
//	first              there is no previous year (the first year of the scenario)
//	stepped            the previous year was stepped with history's choices, not played
//	fate:F             the player's fate is F (one of roles.FateIDs the role lists)
//	region:R           the player's home region is R (ukraine, kazakhstan, …)
//	harvest:good       last year's harvest in the home region was at least 97% of a normal
//	                   year (the scenario's grainBaseMt); harvest:poor below 85%;
//	                   harvest:fair in between
//	hunger:famine      famine deaths in the home region last year (5,000 or more) or food
//	                   below 90% of need (the model's needKg and mortOnset); hunger:short
//	                   food below need; hunger:none otherwise
//	livestock:lost     cattle, horses and herds in the home region fell by more than 8%
//	                   over the previous year
//	retreat            Moscow retreated last year (as after "Dizzy with Success")
//	kolkhoz:few        under 25% of the home region's households in kolkhozy at the end
//	                   of last year; kolkhoz:half 25–60%; kolkhoz:most 60% or more
//	did:A              the player took action A last year
//	settlers:reports   special settlers reported conditions last year
//	settlers:letters   special settlers wrote letters home last year
//	directive:D        Moscow's directive D (of this year or an earlier one) is in force:
//	                   false before its year and in a counterfactual room whose teacher
//	                   switched it off, so a briefing never tells of a decree that the
//	                   class's history did not have
//
// The outcome conditions (harvest, hunger, livestock, retreat, kolkhoz) never hold in the
// first year. A player without a home region (a Historian) reads the USSR-wide figures.

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/fault"
)

// Thresholds of the condition vocabulary.
const (
	goodHarvest    = 0.97 // of a normal year's harvest
	poorHarvest    = 0.85
	famineDeathsM  = 0.005 // 5,000 deaths in a region in a year
	livestockDrop  = 0.08
	fewKolkhoz     = 25.0 // percent of households
	mostKolkhoz    = 60.0
	defaultNeedKg  = 320.0 // used only if the scenario lacks the coefficient
	defaultOnsetKg = 0.9
)

// BriefingContext is what the room knows about a player's path when it builds a briefing.
type BriefingContext struct {
	// Region is the player's home region; "" reads the USSR as a whole (a Historian).
	Region economy.RegionID `json:"region,omitempty"`
	// Fate is the player's fate; "" means the role's initial fate.
	Fate string `json:"fate,omitempty"`
	// Prev is the previous year's outcome: nil in the first year, required after it.
	Prev *economy.Outcome `json:"prev,omitempty"`
	// Before is the outcome of the year before Prev, for livestock losses; nil compares
	// with the scenario's starting figures.
	Before *economy.Outcome `json:"before,omitempty"`
	// Stepped says the previous year was stepped with history's choices (lesson plans).
	Stepped bool `json:"stepped,omitempty"`
	// LastAction is the action this player took last year, "" for none.
	LastAction string `json:"lastAction,omitempty"`
	// SettlerReports and SettlerLetters count the special settlers who reported conditions
	// and who wrote letters home last year.
	SettlerReports int `json:"settlerReports,omitempty"`
	SettlerLetters int `json:"settlerLetters,omitempty"`
	// DirectivesOff lists the directives the teacher switched off (counterfactual mode).
	DirectivesOff []string `json:"directivesOff,omitempty"`
	// ShowGraphic is the teacher's content setting: false shows the non-graphic
	// alternative of the most graphic paragraphs and cards.
	ShowGraphic bool `json:"showGraphic,omitempty"`
}

// Path is the class's path as the condition vocabulary sees it: derived from a
// BriefingContext by PathOf, and enumerable in tests.
type Path struct {
	First          bool             `json:"first,omitempty"`
	Stepped        bool             `json:"stepped,omitempty"`
	Fate           string           `json:"fate,omitempty"`
	Region         economy.RegionID `json:"region,omitempty"`
	Harvest        string           `json:"harvest,omitempty"` // good, fair, poor; "" in the first year
	Hunger         string           `json:"hunger,omitempty"`  // none, short, famine; "" in the first year
	LivestockLost  bool             `json:"livestockLost,omitempty"`
	Retreat        bool             `json:"retreat,omitempty"`
	Kolkhoz        string           `json:"kolkhoz,omitempty"` // few, half, most; "" in the first year
	LastAction     string           `json:"lastAction,omitempty"`
	SettlerReports bool             `json:"settlerReports,omitempty"`
	SettlerLetters bool             `json:"settlerLetters,omitempty"`
	// Directives are the ids of Moscow's directives in force by this year, sorted.
	Directives []string `json:"directives,omitempty"`
}

// String names a path compactly, for test failures and logs.
func (p Path) String() string {
	var parts []string
	add := func(ok bool, s string) {
		if ok {
			parts = append(parts, s)
		}
	}
	add(p.First, "first")
	add(p.Stepped, "stepped")
	add(p.Fate != "", "fate:"+p.Fate)
	add(p.Region != "", "region:"+string(p.Region))
	add(p.Harvest != "", "harvest:"+p.Harvest)
	add(p.Hunger != "", "hunger:"+p.Hunger)
	add(p.LivestockLost, "livestock:lost")
	add(p.Retreat, "retreat")
	add(p.Kolkhoz != "", "kolkhoz:"+p.Kolkhoz)
	add(p.LastAction != "", "did:"+p.LastAction)
	add(p.SettlerReports, "settlers:reports")
	add(p.SettlerLetters, "settlers:letters")
	for _, d := range p.Directives {
		parts = append(parts, "directive:"+d)
	}
	return strings.Join(parts, " ")
}

// Holds evaluates one condition of the vocabulary against the path.
func (p Path) Holds(cond string) bool {
	if neg, ok := strings.CutPrefix(cond, "!"); ok {
		return !p.Holds(neg)
	}
	key, val, _ := strings.Cut(cond, ":")
	switch key {
	case "first":
		return p.First
	case "stepped":
		return p.Stepped
	case "retreat":
		return p.Retreat
	case "fate":
		return p.Fate == val
	case "region":
		return string(p.Region) == val
	case "harvest":
		return p.Harvest == val
	case "hunger":
		return p.Hunger == val
	case "livestock":
		return val == "lost" && p.LivestockLost
	case "kolkhoz":
		return p.Kolkhoz == val
	case "did":
		return p.LastAction == val
	case "settlers":
		return val == "reports" && p.SettlerReports || val == "letters" && p.SettlerLetters
	case "directive":
		return slices.Contains(p.Directives, val)
	}
	return false
}

var conditionValues = map[string][]string{
	"harvest":   {"good", "fair", "poor"},
	"hunger":    {"none", "short", "famine"},
	"livestock": {"lost"},
	"kolkhoz":   {"few", "half", "most"},
	"settlers":  {"reports", "letters"},
}

// checkCondition returns a problem when cond is not in the vocabulary for this role.
func (c *Content) checkCondition(cond string, rf *roleFile, faction economy.Faction) string {
	atom := strings.TrimPrefix(cond, "!")
	key, val, hasVal := strings.Cut(atom, ":")
	switch key {
	case "first", "stepped", "retreat":
		if hasVal {
			return fmt.Sprintf("condition %q takes no value", key)
		}
		return ""
	case "fate":
		for _, f := range rf.Fates {
			if f.ID == val {
				return ""
			}
		}
		return fmt.Sprintf("unknown fate %q for this role in condition %q", val, cond)
	case "region":
		if ValidRegion(val) {
			return ""
		}
		return fmt.Sprintf("unknown region %q in condition %q; the regions are %v", val, cond, economy.Regions)
	case "directive":
		for _, y := range c.sc.Years {
			for _, d := range y.Directives {
				if d.ID == val {
					return ""
				}
			}
		}
		return fmt.Sprintf("dangling id %q: no such directive in the scenario, in condition %q", val, cond)
	case "did":
		for _, a := range c.sc.Catalogue {
			if a.ID == val {
				if a.Faction != faction {
					return fmt.Sprintf("action %q belongs to faction %q, not to this role", val, a.Faction)
				}
				return ""
			}
		}
		return fmt.Sprintf("dangling id %q: no such action in the scenario, in condition %q", val, cond)
	}
	if vals, ok := conditionValues[key]; ok {
		for _, v := range vals {
			if v == val {
				return ""
			}
		}
		return fmt.Sprintf("condition %q takes one of %v, not %q", key, vals, val)
	}
	return fmt.Sprintf("unknown condition %q; see the vocabulary in roles/briefing.go", cond)
}

// directivesInForce lists the directives of year and earlier years not switched off.
func (c *Content) directivesInForce(year int, off []string) []string {
	var ids []string
	for _, y := range c.sc.Years {
		if y.Year > year {
			continue
		}
		for _, d := range y.Directives {
			if !slices.Contains(off, d.ID) {
				ids = append(ids, d.ID)
			}
		}
	}
	slices.Sort(ids)
	return ids
}

// PathOf derives the path of a player of role in year from the room's context.
func (c *Content) PathOf(role string, year int, ctx BriefingContext) (Path, error) {
	rf, ok := c.roles[role]
	if !ok {
		return Path{}, fault.T(fault.NotFound, "fault.roles.noSuchRole", role)
	}
	if year < c.sc.FirstYear() || year > c.sc.LastYear() {
		return Path{}, fault.T(fault.NotFound, "fault.roles.noSuchYear", year)
	}
	p := Path{Stepped: ctx.Stepped, Region: ctx.Region, LastAction: ctx.LastAction,
		SettlerReports: ctx.SettlerReports > 0, SettlerLetters: ctx.SettlerLetters > 0}
	if ctx.Region != "" && !ValidRegion(string(ctx.Region)) {
		return Path{}, fault.T(fault.Invalid, "fault.roles.noSuchRegion", ctx.Region)
	}
	p.Fate = ctx.Fate
	if p.Fate == "" {
		p.Fate = InitialFate(role)
	}
	if p.Fate != "" {
		okFate := false
		for _, f := range rf.Fates {
			if f.ID == p.Fate && year >= f.From {
				okFate = true
			}
		}
		if !okFate {
			return Path{}, fault.T(fault.Invalid, "fault.roles.fateNotPossible", rf.Name, p.Fate, year)
		}
	}
	p.Directives = c.directivesInForce(year, ctx.DirectivesOff)
	if year == c.sc.FirstYear() {
		// Nothing has happened yet: no outcome, nothing stepped, no actions, no settlers.
		return Path{First: true, Fate: p.Fate, Region: p.Region, Directives: p.Directives}, nil
	}
	if ctx.Stepped {
		// A stepped year used history's choices: no player acted in it.
		p.LastAction, p.SettlerReports, p.SettlerLetters = "", false, false
	}
	if p.LastAction != "" {
		if err := c.checkLastAction(role, rf, year, p.LastAction); err != nil {
			return Path{}, err
		}
	}
	if year-1 < c.settlersFrom() {
		// No special settler could have acted last year.
		p.SettlerReports, p.SettlerLetters = false, false
	}
	if ctx.Prev == nil {
		return Path{}, fault.T(fault.Invalid, "fault.roles.briefingNeedsLastOutcome", year, year-1)
	}
	prev := c.regionFigures(ctx.Prev, ctx.Region)
	base := c.baseFigures(ctx.Region)
	switch r := prev.grain / base.grain; {
	case r >= goodHarvest:
		p.Harvest = "good"
	case r < poorHarvest:
		p.Harvest = "poor"
	default:
		p.Harvest = "fair"
	}
	need, onset := defaultNeedKg, defaultOnsetKg
	if k, ok := c.sc.Coefficients["needKg"]; ok && k.Value > 0 {
		need = k.Value
	}
	if k, ok := c.sc.Coefficients["mortOnset"]; ok && k.Value > 0 {
		onset = k.Value
	}
	switch {
	case prev.deaths >= famineDeathsM || prev.food < onset*need:
		p.Hunger = "famine"
	case prev.food < need:
		p.Hunger = "short"
	default:
		p.Hunger = "none"
	}
	earlier := base
	if ctx.Before != nil {
		earlier = c.regionFigures(ctx.Before, ctx.Region)
	}
	if e := earlier.livestock; e > 0 && prev.livestock < (1-livestockDrop)*e {
		p.LivestockLost = true
	}
	p.Retreat = ctx.Prev.Retreat
	switch {
	case prev.kolkhozPct < fewKolkhoz:
		p.Kolkhoz = "few"
	case prev.kolkhozPct < mostKolkhoz:
		p.Kolkhoz = "half"
	default:
		p.Kolkhoz = "most"
	}
	return p, nil
}

// checkLastAction errors unless action was open last year to the role's faction, for a
// fate the role could have had then.
func (c *Content) checkLastAction(role string, rf *roleFile, year int, action string) error {
	faction, ok := Faction(role)
	last, okYear := c.sc.Year(year - 1)
	if !ok || !okYear {
		return fault.T(fault.Invalid, "fault.roles.noActionBefore", rf.Name, year)
	}
	a, open := last.Action(action)
	if !open || a.Faction != faction || (a.Requires != "" && !c.fateBy(rf, a.Requires, year-1)) {
		return fault.T(fault.Invalid, "fault.roles.actionNotOpen", action, rf.Name, year-1)
	}
	return nil
}

// fateBy reports whether the role has fate f in year y or earlier.
func (c *Content) fateBy(rf *roleFile, f string, y int) bool {
	for _, spec := range rf.Fates {
		if spec.ID == f && spec.From <= y {
			return true
		}
	}
	return false
}

// settlersFrom is the first year a player can be a special settler (after the scenario
// when no role has the fate).
func (c *Content) settlersFrom() int {
	for _, rf := range c.roles {
		for _, f := range rf.Fates {
			if f.ID == Settler {
				return f.From
			}
		}
	}
	return c.sc.LastYear() + 1
}

type figures struct {
	grain, food, deaths, livestock, kolkhozPct float64
}

// regionFigures reads an outcome for one region, or USSR-wide when region is "".
func (c *Content) regionFigures(o *economy.Outcome, region economy.RegionID) figures {
	if ro, ok := o.ByRegion[region]; ok && region != "" {
		return figures{grain: ro.GrainHarvestMt, food: ro.RuralFoodPerHeadKg, deaths: ro.FamineDeathsM,
			livestock: ro.CattleM + ro.HorsesM + ro.HerdsM, kolkhozPct: ro.CollectivisedPct}
	}
	return figures{grain: o.GrainHarvestMt, food: o.RuralFoodPerHeadKg, deaths: o.FamineDeathsM,
		livestock: o.CattleM + o.HorsesM + o.HerdsM, kolkhozPct: o.CollectivisedPct}
}

// baseFigures is a normal year at 1928 conditions: the scenario's starting figures.
func (c *Content) baseFigures(region economy.RegionID) figures {
	var f figures
	for id, r := range c.sc.RegionData {
		if region == "" || id == region {
			f.grain += r.GrainBaseMt
			f.livestock += r.CattleM + r.HorsesM + r.HerdsM
		}
	}
	if f.grain <= 0 {
		f.grain = 1
	}
	return f
}

// Brief is a player's briefing for one year: the assembled paragraphs, the plain-language
// summary, the evidence cards, the actions open to the player with the role's hints, and
// the glossary terms used. Paragraphs, cards and hints carry glossary marks ([[id]] or
// [[id|words]]) for the client to render as links; (*Content).PlainText strips them.
type Brief struct {
	Role       string       `json:"role"`
	Year       int          `json:"year"`
	Fate       string       `json:"fate,omitempty"`
	Paragraphs []Paragraph  `json:"paragraphs"`
	Words      int          `json:"words"`
	Summary    string       `json:"summary"`
	Cards      []Card       `json:"cards"`
	Actions    []ActionView `json:"actions"`
	Terms      []string     `json:"terms"`
	Path       Path         `json:"path"`
}

// Paragraph is one paragraph of a briefing. Graphic is true only when graphic material
// was chosen and shown (the teacher turned it on).
type Paragraph struct {
	Slot    string `json:"slot"`
	Text    string `json:"text"`
	Graphic bool   `json:"graphic,omitempty"`
}

// ActionView is an action open to the player this year: the scenario's title and summary
// and the role's hint, if any.
type ActionView struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Summary  string `json:"summary"`
	Requires string `json:"requires,omitempty"`
	Hint     string `json:"hint,omitempty"`
}

// Briefing builds the briefing of role for year from the default content. See
// (*Content).Briefing.
func Briefing(role string, year int, ctx BriefingContext) (Brief, error) {
	c, err := DefaultContent()
	if err != nil {
		return Brief{}, fault.T(fault.Internal, "fault.roles.contentNotLoaded")
	}
	return c.Briefing(role, year, ctx)
}

// Briefing builds the briefing of role for year on the path ctx describes. It errors
// (fault.NotFound) for an unknown role or year, and (fault.Invalid) for a fate the role
// cannot have that year, an unknown region or a missing previous outcome.
func (c *Content) Briefing(role string, year int, ctx BriefingContext) (Brief, error) {
	p, err := c.PathOf(role, year, ctx)
	if err != nil {
		return Brief{}, err
	}
	rf := c.roles[role]
	ye := rf.Years[strconv.Itoa(year)]
	b := Brief{Role: role, Year: year, Fate: p.Fate, Path: p}
	for _, ch := range c.assemble(rf, year, p) {
		text, graphic := ch.v.Text, ch.v.Graphic
		if graphic && !ctx.ShowGraphic {
			text, graphic = ch.v.Alt, false
		}
		b.Paragraphs = append(b.Paragraphs, Paragraph{Slot: ch.slot, Text: text, Graphic: graphic})
		b.Words += c.WordCount(text)
	}
	for _, v := range ye.Summary {
		if holdsAll(p, v.When) {
			b.Summary = v.Text
			break
		}
	}
	for _, id := range ye.Cards {
		card := *c.cards[id]
		card.Cites = append([]string(nil), card.Cites...)
		if card.Graphic && !ctx.ShowGraphic {
			card.Text, card.Graphic, card.Alt = card.Alt, false, ""
		}
		b.Cards = append(b.Cards, card)
	}
	if faction, ok := Faction(role); ok {
		yr, _ := c.sc.Year(year)
		for _, a := range yr.Actions {
			if a.Faction != faction || (a.Requires != "" && a.Requires != p.Fate) {
				continue
			}
			b.Actions = append(b.Actions, ActionView{ID: a.ID, Title: a.Title, Summary: a.Summary, Requires: a.Requires, Hint: ye.Hints[a.ID].text(p)})
		}
	}
	seen := map[string]bool{}
	addTerms := func(text string) {
		for _, id := range MarkedTerms(text) {
			if !seen[id] {
				seen[id] = true
				b.Terms = append(b.Terms, id)
			}
		}
	}
	for _, para := range b.Paragraphs {
		addTerms(para.Text)
	}
	addTerms(b.Summary)
	for _, card := range b.Cards {
		addTerms(card.Text)
	}
	for _, a := range b.Actions {
		addTerms(a.Hint)
	}
	return b, nil
}

type chosen struct {
	slot string
	v    *variant
}

// assemble picks each slot's variant for a path, in briefing order: the year's own slots,
// then (after the first year) the role's path slots with the year's overrides.
func (c *Content) assemble(rf *roleFile, year int, p Path) []chosen {
	ye := rf.Years[strconv.Itoa(year)]
	out := make([]chosen, 0, len(ye.core)+len(ye.paths))
	pick := func(s *slot) {
		for i := range s.Variants {
			if holdsAll(p, s.Variants[i].When) {
				out = append(out, chosen{slot: s.ID, v: &s.Variants[i]})
				return
			}
		}
	}
	for _, s := range ye.core {
		pick(s)
	}
	if !p.First {
		for _, s := range ye.paths {
			pick(s)
		}
	}
	return out
}

func holdsAll(p Path, conds []string) bool {
	for _, cond := range conds {
		if !p.Holds(cond) {
			return false
		}
	}
	return true
}

// Profile returns what a role is: name, who they are, summary, fates and goals.
func (c *Content) Profile(role string) (Profile, bool) {
	rf, ok := c.roles[role]
	if !ok {
		return Profile{}, false
	}
	return Profile{ID: rf.ID, Name: rf.Name, Who: rf.Who, Summary: rf.Summary,
		Fates: append([]FateSpec(nil), rf.Fates...), Goals: append([]Goal(nil), rf.Goals...)}, true
}

// Card returns the evidence card with the given id (graphic text included: the caller
// applies the content setting).
func (c *Content) Card(id string) (Card, bool) {
	card, ok := c.cards[id]
	if !ok {
		return Card{}, false
	}
	out := *card
	out.Cites = append([]string(nil), card.Cites...)
	return out, true
}

// Cards returns every evidence card in file order (for the Historian's card library and
// the printable pack).
func (c *Content) Cards() []Card {
	out := make([]Card, 0, len(c.order))
	for _, id := range c.order {
		card, _ := c.Card(id)
		out = append(out, card)
	}
	return out
}
