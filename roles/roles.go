// Package roles owns the players' roles: their ids, which economy faction each one moves,
// the fate a role starts with and how directives change it, and the plain auto-balance
// that gives a joining player a role and a home region. The full role content (cards,
// briefings, objectives, manual and choice-based assignment) comes with the classroom
// issue. The package is pure and imports only the economy's types.
package roles

import "github.com/classroom-debate/debate/economy"

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
	Purged   = "purged"   // an official removed from their post
)

// initialFates is the fate each role starts in.
var initialFates = map[string]string{Kulak: Free, Official: InOffice}

// InitialFate returns the fate a player of this role starts with ("" when the role has none).
func InitialFate(role string) string { return initialFates[role] }

// FateChange moves players of Role from fate From to fate To in the year a directive is in
// force and resolves.
type FateChange struct {
	Directive string // the scenario's directive id
	Role      string
	From, To  string
}

// FateChanges is the data the room applies at each year's resolution. The dekulakisation
// resolution of January 1930 turns labelled households still on their land into special
// settlers; their later actions are the settlers' actions.
var FateChanges = []FateChange{
	{Directive: DekulakisationDirective, Role: Kulak, From: Free, To: Settler},
}

// DekulakisationDirective is the scenario's id of the Politburo dekulakisation resolution.
const DekulakisationDirective = "dekulakisation"

// target is a faction role's share of the class under auto-balance, in the fixed order
// used to break ties.
type target struct {
	role  string
	share float64
}

var targets = []target{{Official, 0.2}, {Peasant, 0.4}, {Kulak, 0.2}, {Bukharinite, 0.2}}

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
		gap := t.share*float64(n) - float64(counts[t.role])
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
