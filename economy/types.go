// Package economy owns the yearly model of the Soviet countryside, 1928–1934, and the
// scenario that drives it: decisions the class votes on, Moscow's directives, history's
// weather, the actions open to each faction, shock events, the vote-weight formula and
// every coefficient with a note on where its number comes from.
//
// The package is pure: no network, no clock, no global randomness. The same scenario,
// choices and seed always give byte-identical results. It imports only the standard
// library. Rooms, scoring, the debrief and the charts read from it.
package economy

// RegionID names one of the model's regions.
type RegionID string

// The model's regions. Every region appears in every per-region map the package returns.
const (
	Ukraine       RegionID = "ukraine"
	Kazakhstan    RegionID = "kazakhstan"
	NorthCaucasus RegionID = "northCaucasus"
	Volga         RegionID = "volga"
	Rest          RegionID = "rest"
)

// Regions lists every region in a fixed order, used wherever output must be stable.
var Regions = []RegionID{Ukraine, Kazakhstan, NorthCaucasus, Volga, Rest}

// Faction names one of the playing factions. The Historian is not a faction: it neither
// votes nor acts, so it never appears here.
type Faction string

// The factions whose votes and actions move the model.
const (
	Officials   Faction = "official"
	Peasants    Faction = "peasant"
	Kulaks      Faction = "kulak" // households labelled "kulak"; special settlers after deportation
	Bukharinist Faction = "bukharinite"
)

// Factions lists every faction in a fixed order.
var Factions = []Faction{Officials, Peasants, Kulaks, Bukharinist}

// Mode says how a year is stepped.
type Mode string

const (
	// Historical: history's weather, directives fixed on, no noise.
	Historical Mode = "historical"
	// Counterfactual: the teacher may switch directives off; the weather gets seeded noise.
	Counterfactual Mode = "counterfactual"
)

// YearChoices is everything one year needs from the class: the "choices record" for a year.
// Its JSON form is documented in docs/CHOICES.md.
type YearChoices struct {
	Year int `json:"year"`
	// Decisions maps a decision id to the chosen option id. Every decision of the year
	// must be present.
	Decisions map[string]string `json:"decisions"`
	// Directives maps a directive id to whether it is in force. A directive that is absent
	// is in force. Only a counterfactual record may switch one off.
	Directives map[string]bool `json:"directives,omitempty"`
	// Actions holds, per faction and region, the share (0..1) of that faction's players in
	// that region who took each action id. A faction with no players is absent.
	Actions map[Faction]map[RegionID]map[string]float64 `json:"actions,omitempty"`
	// Events lists the ids of shock events the teacher injected this year.
	Events []string `json:"events,omitempty"`
}

// Record is a whole game's choices: what `debate simulate --choices` reads and what a
// room exports.
type Record struct {
	Format       int           `json:"format"`
	Scenario     string        `json:"scenario"`
	ScenarioHash string        `json:"scenarioHash,omitempty"`
	Mode         Mode          `json:"mode"`
	Seed         int64         `json:"seed"`
	Years        []YearChoices `json:"years"`
}

// RecordFormat is the current version of the Record JSON format.
const RecordFormat = 1
