package economy

import "math"

const numRegions = 5

// RegionState is one region at the end of a year.
type RegionState struct {
	ID            RegionID `json:"id"`
	RuralPopM     float64  `json:"ruralPopM"`
	TrendPopM     float64  `json:"trendPopM"` // rural population had there been no famine, million
	CattleM       float64  `json:"cattleM"`
	HorsesM       float64  `json:"horsesM"`
	HerdsM        float64  `json:"herdsM"`        // sheep, goats and camels
	Collectivised float64  `json:"collectivised"` // share of households in kolkhozy, 0..1
	// PeakColl is the highest share the drive has reached. The drive's apparatus, its
	// pooled and lost animals and the damage to household farming outlast a retreat,
	// so procurement, effort, plots and horses follow the peak, not the net share.
	PeakColl      float64 `json:"peakColl"`
	Pressure      float64 `json:"pressure"`      // village pressure, 0..100
	DrivePressure float64 `json:"drivePressure"` // the part of it raised by the collectivisation drive
	Morale        float64 `json:"morale"`        // peasant morale, 0..100
	Extraction    float64 `json:"extraction"`    // last procurement as a share of the harvest
	SeedGap       float64 `json:"seedGap"`       // share of next year's seed eaten or taken
	FoodKg        float64 `json:"foodKg"`        // food per rural head from the last harvest, kg grain-equivalent
	Trap          float64 `json:"trap"`          // last year's blockades, 0..1
	ReserveMt     float64 `json:"reserveMt"`     // grain households hold in reserve, Mt
	Capacity      float64 `json:"capacity"`      // the villages' remaining strength to protest, 0..1
	DeadM         float64 `json:"deadM"`         // famine deaths so far, million
	LastPlanMt    float64 `json:"lastPlanMt"`    // what last year's plan asked of the region before cuts, Mt
	FledM         float64 `json:"fledM"`         // people who fled hunger so far, million
}

// State is the model's state at the end of a year. It is a plain value: Step never
// changes the state it is given, and a State round-trips through JSON.
type State struct {
	Year              int                     `json:"year"` // the last year stepped; FirstYear-1 at the start
	Regions           [numRegions]RegionState `json:"regions"`
	UrbanPopM         float64                 `json:"urbanPopM"`
	IndustryIndex     float64                 `json:"industryIndex"` // 1928 = 100
	PartyControl      float64                 `json:"partyControl"`  // 0..100
	BukharinInfluence float64                 `json:"bukharinInfluence"`
	VillagePressure   float64                 `json:"villagePressure"`
	TractorsK         float64                 `json:"tractorsK"`
	PlantsK           float64                 `json:"plantsK"`   // tractor plants' yearly output, thousand
	ExportsMt         float64                 `json:"exportsMt"` // last year's, which buys this year's imported tractors
	SettlersK         float64                 `json:"settlersK"` // special settlers alive, thousand persons
	DeportedK         float64                 `json:"deportedK"` // households deported so far, thousand
	StockMt           float64                 `json:"stockMt"`   // the state's grain stock carried over, Mt
	// LeverFactor is, per lever, the class's last vote on it over history's choice; a
	// year without a vote on a lever scales history's setting by it (1 = as history).
	LeverFactor [numLevers]float64 `json:"leverFactor"`
}

// Region returns the state of region id.
func (st *State) Region(id RegionID) *RegionState {
	for i := range st.Regions {
		if st.Regions[i].ID == id {
			return &st.Regions[i]
		}
	}
	return nil
}

// Outcome is what happened in one year: end-of-year values (harvest-year for grain,
// procurement under its harvest year, livestock at the end of the year), with notes in
// plain words saying what happened and why. Field names are `debate simulate`'s.
type Outcome struct {
	Year                   int                        `json:"year"`
	GrainHarvestMt         float64                    `json:"grainHarvestMt"`
	ProcurementMt          float64                    `json:"procurementMt"`
	PlanMt                 float64                    `json:"planMt"`            // the procurement plan after Moscow's cuts, set on the official estimate
	OfficialHarvestMt      float64                    `json:"officialHarvestMt"` // the official (biological) harvest estimate
	StateStockMt           float64                    `json:"stateStockMt"`      // the state's grain stock carried into next year
	ReliefMt               float64                    `json:"reliefMt"`          // food relief and seed loans sent in the spring, out of the state stock
	TorgsinMt              float64                    `json:"torgsinMt"`         // grain bought at Torgsin with valuables
	SeedMt                 float64                    `json:"seedMt"`            // seed kept for next year's sowing
	FodderMt               float64                    `json:"fodderMt"`          // grain fed to cattle and horses
	RefugeesM              float64                    `json:"refugeesM"`         // people who fled hunger this year
	ExportsMt              float64                    `json:"exportsMt"`
	CattleM                float64                    `json:"cattleM"`
	HorsesM                float64                    `json:"horsesM"`
	HerdsM                 float64                    `json:"herdsM"`
	CollectivisedPct       float64                    `json:"collectivisedPct"`
	CollectivisedSpringPct float64                    `json:"collectivisedSpringPct"` // the year's peak, before any retreat
	TractorsK              float64                    `json:"tractorsK"`
	FamineDeathsM          float64                    `json:"famineDeathsM"`
	FamineDeathsByRegionM  map[RegionID]float64       `json:"famineDeathsByRegionM"`
	IndustryIndex          float64                    `json:"industryIndex"`
	PartyControl           float64                    `json:"partyControl"`
	BukharinInfluence      float64                    `json:"bukharinInfluence"`
	VillagePressure        float64                    `json:"villagePressure"` // the year's peak
	RuralFoodPerHeadKg     float64                    `json:"ruralFoodPerHeadKg"`
	PeasantMorale          float64                    `json:"peasantMorale"`
	UrbanWorkersM          float64                    `json:"urbanWorkersM"` // people in towns: workers and their families
	RuralPopM              float64                    `json:"ruralPopM"`
	HouseholdsDeportedK    float64                    `json:"householdsDeportedK"`
	SettlerDeathsK         float64                    `json:"settlerDeathsK"` // special settlers who died, thousand (not in famine deaths)
	Retreat                bool                       `json:"retreat"`
	Weather                map[RegionID]float64       `json:"weather"`
	ByRegion               map[RegionID]RegionOutcome `json:"byRegion"`
	Notes                  []string                   `json:"notes"`
}

// RegionOutcome is one region's year.
type RegionOutcome struct {
	GrainHarvestMt      float64 `json:"grainHarvestMt"`
	ProcurementMt       float64 `json:"procurementMt"`
	PlanMt              float64 `json:"planMt"`
	OfficialHarvestMt   float64 `json:"officialHarvestMt"`
	ReliefMt            float64 `json:"reliefMt"`
	RefugeesM           float64 `json:"refugeesM"`
	RuralFoodPerHeadKg  float64 `json:"ruralFoodPerHeadKg"`
	CattleM             float64 `json:"cattleM"`
	HorsesM             float64 `json:"horsesM"`
	HerdsM              float64 `json:"herdsM"`
	CollectivisedPct    float64 `json:"collectivisedPct"`
	FamineDeathsM       float64 `json:"famineDeathsM"`
	RuralPopM           float64 `json:"ruralPopM"`
	VillagePressure     float64 `json:"villagePressure"`
	HouseholdsDeportedK float64 `json:"householdsDeportedK"`
}

// round rounds to d decimals; it keeps output stable and readable.
func round(x float64, d int) float64 {
	p := math.Pow10(d)
	r := math.Round(x*p) / p
	if r == 0 {
		return 0 // no negative zero
	}
	return r
}

func clamp(x, lo, hi float64) float64 {
	if x < lo {
		return lo
	}
	if x > hi {
		return hi
	}
	return x
}
