package economy

import "github.com/classroom-debate/debate/history"

func historyKnows(id string) bool {
	_, ok := history.EventByID(id)
	return ok
}

// Levers are the policy settings the model reads each year. Each year of the scenario
// gives history's setting of every lever; a decision's chosen option overrides some.
const (
	lvPace = iota
	lvQuota
	lvPrice
	lvExports
	lvPlots
	lvRelief
	lvTractorImports
	lvTractorPlants
	numLevers
)

type leverSpec struct {
	name     string
	min, max float64
	harsh    int // +1: a higher value extracts more from the countryside; -1: a lower value does; 0: not about extraction
	doc      string
}

var leverSpecs = [numLevers]leverSpec{
	lvPace:           {"pace", 0, 0.9, +1, "share of the remaining individual households driven into kolkhozy during the year"},
	lvQuota:          {"quota", 0, 40, +1, "state procurement plan for the towns and the army, Mt, before exports"},
	lvPrice:          {"price", 0.2, 1.2, -1, "price the state pays for grain, as a share of the market price"},
	lvExports:        {"exports", 0, 10, +1, "grain export plan, Mt, added to the procurement plan"},
	lvPlots:          {"plots", 0, 1, -1, "private plots, own livestock and kolkhoz markets allowed: 0 none, 1 generous"},
	lvRelief:         {"relief", 0, 5, -1, "food relief and seed loans sent to the villages in the spring, Mt"},
	lvTractorImports: {"tractorImports", 0, 1, 0, "share of export earnings spent on tractors abroad"},
	lvTractorPlants:  {"tractorPlants", 0, 2, 0, "effort put into building tractor plants at home (1 = history's)"},
}

var leverIndex = func() map[string]int {
	m := map[string]int{}
	for i, l := range leverSpecs {
		m[l.name] = i
	}
	return m
}()

// LeverInfo describes one lever for documentation and clients.
type LeverInfo struct {
	Name    string  `json:"name"`
	Min     float64 `json:"min"`
	Max     float64 `json:"max"`
	Harsher int     `json:"harsher"` // +1 higher is harsher, -1 lower is harsher, 0 not about extraction
	Doc     string  `json:"doc"`
}

// Levers lists the model's policy levers.
func Levers() []LeverInfo {
	out := make([]LeverInfo, 0, numLevers)
	for _, l := range leverSpecs {
		out = append(out, LeverInfo{l.name, l.min, l.max, l.harsh, l.doc})
	}
	return out
}

// Channels are the hooks through which directives, actions and shock events move the
// model. Regional channels act in a region (an action's in the player's home region);
// national channels act on the whole USSR.
const (
	chHide = iota
	chSlaughter
	chProtest
	chLeave
	chJoin
	chResist
	chCollect
	chHonest
	chInflate
	chReliefAsk
	chEffort
	chMorale
	chDeportK
	chSqueeze
	chTrap
	chBlockLeave
	chDisruption
	chSedentarise
	chWeather
	chSettlerCare
	chFines
	chSeedSeize
	numRegional
	// national
	chPartyControl = iota - 1
	chBukharin
	chIndustry
	numChannels
)

type channelSpec struct {
	name     string
	min, max float64
	national bool
	doc      string
}

var channelSpecs = [numChannels]channelSpec{
	chHide:         {"hide", 0, 0.3, false, "share of the grain the procurers would take that is hidden from them"},
	chSlaughter:    {"slaughter", 0, 0.5, false, "extra share of cattle, horses and herds slaughtered or sold off this year"},
	chProtest:      {"protest", -20, 40, false, "village pressure, points on a 0–100 scale"},
	chLeave:        {"leave", 0, 0.1, false, "share of the rural population leaving for the towns this year"},
	chJoin:         {"join", 0, 0.5, false, "share of individual households joining kolkhozy of their own accord"},
	chResist:       {"resist", 0, 0.5, false, "share of the collectivisation drive that households hold off"},
	chCollect:      {"collect", -0.3, 0.3, false, "procurement collection efficiency, as a share of the plan"},
	chHonest:       {"honest", 0, 0.3, false, "share by which honest reports of shortage cut the region's plan"},
	chInflate:      {"inflate", 0, 0.3, false, "share by which inflated harvest reports raise the region's plan"},
	chReliefAsk:    {"reliefAsk", 0, 1, false, "extra relief grain sent to the region in the spring, Mt"},
	chEffort:       {"effort", -0.2, 0.2, false, "peasants' work effort, as a share of the harvest"},
	chMorale:       {"morale", -30, 30, false, "peasant morale, points on a 0–100 scale"},
	chDeportK:      {"deportK", 0, 500, false, "households deported from the region as \"kulaks\", thousand"},
	chSqueeze:      {"squeeze", -0.3, 0.6, false, "share of the villages' own seed and food that procurement may take"},
	chTrap:         {"trap", 0, 1, false, "share of hungry people's escape routes (trade, flight for bread) cut off"},
	chBlockLeave:   {"blockLeave", 0, 1, false, "share of departures for the towns blocked"},
	chDisruption:   {"disruption", 0, 0.3, false, "share of the harvest lost to disorder in the villages"},
	chSedentarise:  {"sedentarise", 0, 0.8, false, "share of the herds lost to forced settlement of nomads and livestock seizure"},
	chWeather:      {"weather", -0.15, 0.15, false, "change to the harvest-yield factor (shock events only)"},
	chSettlerCare:  {"settlerCare", 0, 0.5, false, "share by which special settlers' deaths fall (reports, petitions)"},
	chFines:        {"fines", 0, 1, false, "share of the households' other food (meat, potatoes, animals) taken as fines in kind"},
	chSeedSeize:    {"seedSeize", 0, 1, false, "share of the seed set aside for next year that procurement may take"},
	chPartyControl: {"partyControl", -20, 20, true, "party control, points on a 0–100 scale"},
	chBukharin:     {"bukharin", -30, 20, true, "Bukharin-faction influence, points on a 0–100 scale"},
	chIndustry:     {"industry", -20, 20, true, "industrial growth this year, percentage points"},
}

var channelIndex = func() map[string]int {
	m := map[string]int{}
	for i, c := range channelSpecs {
		m[c.name] = i
	}
	return m
}()

// ChannelInfo describes one effect channel.
type ChannelInfo struct {
	Name     string  `json:"name"`
	Min      float64 `json:"min"`
	Max      float64 `json:"max"`
	National bool    `json:"national"`
	Doc      string  `json:"doc"`
}

// Channels lists the channels effects may name.
func Channels() []ChannelInfo {
	out := make([]ChannelInfo, 0, numChannels)
	for _, c := range channelSpecs {
		out = append(out, ChannelInfo{c.name, c.min, c.max, c.national, c.doc})
	}
	return out
}
