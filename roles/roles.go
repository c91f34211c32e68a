// Package roles owns the players' roles: their ids, which economy faction each one moves,
// the fate a role starts with and how directives, actions and purges change it, the
// class plan (target shares by largest remainder) with the auto-balance that gives a
// joining player a role and a home region, and the role content (cards, briefings,
// goals, glossary; content.go, briefing.go). The package is pure.
package roles

import (
	"fmt"
	"hash/fnv"
	"sort"

	"github.com/classroom-debate/debate/economy"
)

// Role ids. The first four map to economy factions; the Historian neither votes nor acts.
const (
	Official    = "official"
	Peasant     = "peasant"
	Kulak       = "kulak" // a household labelled "kulak" by the regime
	Bukharinite = "bukharinite"
	Historian   = "historian"
)

// IDs lists every role in a fixed order.
var IDs = []string{Official, Peasant, Kulak, Bukharinite, Historian}

// Valid reports whether id names a role.
func Valid(id string) bool {
	for _, r := range IDs {
		if r == id {
			return true
		}
	}
	return false
}

// factionOf maps each playing role to the economy faction its votes and actions move.
var factionOf = map[string]economy.Faction{
	Official:    economy.Officials,
	Peasant:     economy.Peasants,
	Kulak:       economy.Kulaks,
	Bukharinite: economy.Bukharinist,
}

// Faction returns the economy faction of a role; false for the Historian and unknown ids.
func Faction(role string) (economy.Faction, bool) {
	f, ok := factionOf[role]
	return f, ok
}

// Fates a player can be in. A fate decides which of a faction's actions are open
// (economy.Action.Requires); roles without a changing fate have "".
const (
	Free     = "free"     // a labelled household still on its land
	Settler  = "settler"  // a deported household in a special settlement
	InOffice = "inOffice" // an official holding their post
	Purged   = "purged"   // an official removed from their post: kolkhoz worker or under arrest

	// The Bukharin faction's standing. It starts with no fate (in the leadership); none of
	// these closes an action, so the faction keeps a move every year.
	Demoted    = "demoted"    // removed from the Politburo, still in the party
	Recanted   = "recanted"   // admitted its "errors" in public
	Organising = "organising" // meets and writes in private, as Ryutin's group did in 1932
)

// FateIDs lists every fate, for content checks.
var FateIDs = []string{Free, Settler, InOffice, Purged, Demoted, Recanted, Organising}

// initialFates is the fate each role starts in.
var initialFates = map[string]string{Kulak: Free, Official: InOffice}

// InitialFate returns the fate a player of this role starts with ("" when the role has none).
func InitialFate(role string) string { return initialFates[role] }

// FateChange moves players of Role from fate From to fate To as a year resolves: in a
// year a directive is in force (Directive), or when the player took an action that year
// (Action; played years only). From "*" matches any fate, "" the role's fate before any
// change. Catchup marks a change that befalls the whole role, so a player who takes the
// role later starts in the changed fate (StartingFate).
type FateChange struct {
	Directive string // the scenario's directive id
	Action    string // the scenario's action id
	Role      string
	From, To  string
	Catchup   bool
}

// FateChanges is the data the room applies at each year's resolution, in order: the
// changes by action first (what the player did that year), then the purge (PurgeRules),
// then the changes by directive, each on the fate the one before left.
//
// The dekulakisation resolution of January 1930 and the second wave of 1931 turn labelled
// households still on their land into special settlers; their later actions are the
// settlers' actions. The Bukharin faction is demoted when Bukharin leaves the Politburo
// (November 1929); it recants or organises by its own actions.
var FateChanges = []FateChange{
	{Action: "bukharin-recant", Role: Bukharinite, From: "*", To: Recanted},
	{Action: "bukharin-organise-quietly", Role: Bukharinite, From: "*", To: Organising},
	{Directive: DekulakisationDirective, Role: Kulak, From: Free, To: Settler},
	{Directive: "second-deportation", Role: Kulak, From: Free, To: Settler},
	{Directive: "bukharin-removed", Role: Bukharinite, From: "", To: Demoted, Catchup: true},
}

// DekulakisationDirective is the scenario's id of the Politburo dekulakisation resolution.
const DekulakisationDirective = "dekulakisation"

// StartingFate is the fate of a player who takes role now: its initial fate, moved on by
// every Catchup change whose directive has already been in force (inForce).
func StartingFate(role string, inForce func(directive string) bool) string {
	fate := InitialFate(role)
	for _, fc := range FateChanges {
		if fc.Catchup && fc.Directive != "" && fc.Role == role && fc.matches(fate) && inForce(fc.Directive) {
			fate = fc.To
		}
	}
	return fate
}

// matches reports whether a change applies to a player in fate.
func (fc FateChange) matches(fate string) bool { return fc.From == "*" || fc.From == fate }

// NextFate applies the action and directive changes of one resolved year to a player of
// role in fate: action is what the player took that year ("" for none, or a stepped
// year), inForce says which directives were. It returns the fate after the year (the purge
// comes between the two kinds of change; see Purge).
func NextFate(role, fate, action string, inForce func(directive string) bool, purged bool) string {
	for _, fc := range FateChanges {
		if fc.Action != "" && fc.Role == role && fc.Action == action && fc.matches(fate) {
			fate = fc.To
		}
	}
	if purged {
		fate = Purged
	}
	for _, fc := range FateChanges {
		if fc.Directive != "" && fc.Role == role && fc.matches(fate) && inForce(fc.Directive) {
			fate = fc.To
		}
	}
	return fate
}

// Purge reasons.
const (
	MissedQuota    = "missedQuota"    // the home region's procurement fell far short
	ReportedHunger = "reportedHunger" // the official reported the hunger honestly
)

// PurgeRule is one way an official in office can lose the post as a played year resolves.
// A rule applies from FromYear on. MissedQuota applies when the home region delivered
// less than Below of what history's path delivered against its own plan (the region's
// share of the quota and export levers); regions where history met less than a quarter
// of the plan (Kazakhstan's grain: its quota was herds) are not judged on grain.
// ReportedHunger applies when the official took Action that year. Each applying rule adds
// its Risk; the risks combine as independent chances, and a draw from the room's seed
// (PurgeDraw) decides, so a replay purges the same officials.
type PurgeRule struct {
	Reason   string
	FromYear int
	Action   string
	Below    float64
	Risk     float64
}

// PurgeRules are the officials' dilemma as data: a missed quota risks a purge (the purges
// of district officials in 1930–1933), and so does reporting hunger honestly once hunger
// is "sabotage" (1932–1933).
var PurgeRules = []PurgeRule{
	{Reason: MissedQuota, FromYear: 1930, Below: 0.8, Risk: 0.5},
	{Reason: ReportedHunger, FromYear: 1932, Action: "official-report-honestly", Risk: 0.5},
}

// JudgedOnQuota is the least share of its plan that history's path delivered for a
// region to be judged on the quota at all.
const JudgedOnQuota = 0.25

// PurgeRisk is the chance that an official is purged given the reasons that apply.
func PurgeRisk(reasons []string) float64 {
	keep := 1.0
	for _, r := range PurgeRules {
		for _, why := range reasons {
			if why == r.Reason {
				keep *= 1 - r.Risk
			}
		}
	}
	return 1 - keep
}

// PurgeDraw is the room's deterministic draw in [0, 1) for one official in one year:
// purged when it falls below PurgeRisk.
func PurgeDraw(seed int64, year int, playerID string) float64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "purge/%d/%d/%s", seed, year, playerID)
	return float64(h.Sum64()>>11) / (1 << 53)
}

// The special settlers' actions whose counts feed the next year's briefings.
const (
	SettlerReport   = "settler-report-conditions"
	SettlerLetter   = "settler-letters-home"
	SettlerPetition = "settler-petition-rehabilitation"
)

// target is a faction role's share of the class under auto-balance, in percent, in the
// fixed order used to break ties.
type target struct {
	role string
	pct  int
}

var targets = []target{{Official, 20}, {Peasant, 40}, {Kulak, 20}, {Bukharinite, 20}}

// MinClass is the smallest class that gives every faction a player.
const MinClass = 4

// Plan returns how many players of each faction role a class of n should have: the target
// shares (20% officials, 40% peasants, 20% labelled kulaks, 20% Bukharin faction) rounded
// by largest remainder, ties going to the earlier role in that order. It sums to n, and
// from MinClass players on every faction has at least one. A class that joins one by one
// under Assign reaches Plan(n) at every n. Choice mode caps each role at its planned count.
func Plan(n int) map[string]int {
	out := make(map[string]int, len(targets))
	if n <= 0 {
		for _, t := range targets {
			out[t.role] = 0
		}
		return out
	}
	left := n
	for _, t := range targets {
		out[t.role] = n * t.pct / 100
		left -= out[t.role]
	}
	// Integer remainders, so the rounding has no floating-point ties.
	order := make([]int, len(targets))
	for i := range order {
		order[i] = i
	}
	rem := func(i int) int { return n * targets[i].pct % 100 }
	sort.SliceStable(order, func(a, b int) bool { return rem(order[a]) > rem(order[b]) })
	for _, i := range order[:left] {
		out[targets[i].role]++
	}
	return out
}

// Assign returns the role for the next player under plain auto-balance: the faction role
// furthest below its target share (20% officials, 40% peasants, 20% labelled kulaks, 20%
// Bukharin faction), counting the newcomer, so that the first four players get one of each
// and five get the target exactly. counts holds the players already in each role;
// Historians and unknown keys are ignored. Ties go to the earlier role in the order above.
func Assign(counts map[string]int) string {
	n := 1 // the newcomer
	for _, t := range targets {
		n += counts[t.role]
	}
	best, bestGap := "", 0.0
	for _, t := range targets {
		gap := float64(t.pct)/100*float64(n) - float64(counts[t.role])
		if best == "" || gap > bestGap+1e-9 {
			best, bestGap = t.role, gap
		}
	}
	return best
}

// Region returns the home region for the next player of a role: the region with the fewest
// players of that role (sameRole), then the fewest players overall (all), then the first in
// economy.Regions order — so each faction spreads over the regions and a small class still
// covers as many regions as it can.
func Region(sameRole, all map[economy.RegionID]int) economy.RegionID {
	best := economy.Regions[0]
	for _, r := range economy.Regions[1:] {
		if sameRole[r] < sameRole[best] || (sameRole[r] == sameRole[best] && all[r] < all[best]) {
			best = r
		}
	}
	return best
}

// ValidRegion reports whether id names a model region.
func ValidRegion(id string) bool {
	for _, r := range economy.Regions {
		if string(r) == id {
			return true
		}
	}
	return false
}
