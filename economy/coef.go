package economy

// coefs holds the model's coefficients, read from the scenario at load so that Step
// never touches a map.
type coefs struct {
	seedRate, feedRate, needKg, floorKg, plotKg                                                                                          float64
	mortK, mouthsTrend, autumnShare, escapeMax, trapCarry                                                                                float64
	reliefFoodShare, seedGapK, seedGapEffect                                                                                             float64
	volBase, regainPace, retreatThreshold, retreatSpan, retreatMax, retreatCalm                                                          float64
	pressDecay, pressPace, pressExtract, pressPrice, pressDeport, pressRepress, pressHunger                                              float64
	slBase, slPace, slFamine, lsGrowth, horseColl, herdMult, seizeK                                                                      float64
	hhSize, deportDisrupt, settlerMort                                                                                                   float64
	scrap, tractorImportK, tractorPlantK, horseEq, draughtElast                                                                          float64
	effPrice, priceRef, effExtract, extRef, effKolkhoz, effMorale, effPlots                                                              float64
	disPace, sq0, sqPC, ce0, ceColl, cePC                                                                                                float64
	urbanMinKg, urbanNeedKg, popGrowth, migBase, urbanGrowth                                                                             float64
	indBase, indExport, indLabour, indSupply                                                                                             float64
	pcColl, biDecay, biPC, biPressure                                                                                                    float64
	finesInKind, reserveStart, reserveComfort, reserveSave, reserveMax, moraleDecay, moraleExtract, weatherNoise, capExhaust, capRecover float64
	bioGap, bioDisorder, planAdjust, collectSharp, feedKg, fodderShare, labourElast                                                      float64
	planNational, settleRate, planRatchet, frailShare, mortScale, mortShape, fleeK, stockKeep, stockStart, torgsinMt, weatherCommon      float64
}

type coefSpec struct {
	name     string
	min, max float64
	doc      string
	ptr      func(*coefs) *float64
}

var coefSpecs = []coefSpec{
	{"seedRate", 0.05, 0.25, "seed kept per tonne harvested", func(c *coefs) *float64 { return &c.seedRate }},
	{"feedRate", 0, 0.3, "grain fed to animals per tonne harvested", func(c *coefs) *float64 { return &c.feedRate }},
	{"needKg", 150, 400, "food a rural person needs a year, kg grain-equivalent", func(c *coefs) *float64 { return &c.needKg }},
	{"floorKg", 0, 400, "grain per rural head procurers leave when nothing forces them lower, kg", func(c *coefs) *float64 { return &c.floorKg }},
	{"plotKg", 0, 150, "food per head from private plots when plots are generous, kg grain-equivalent", func(c *coefs) *float64 { return &c.plotKg }},
	{"mortK", 0, 0.8, "largest yearly famine death hazard among the people at risk", func(c *coefs) *float64 { return &c.mortK }},
	{"mouthsTrend", 0, 1, "share of famine deaths still counted among the mouths food is shared by", func(c *coefs) *float64 { return &c.mouthsTrend }},
	{"autumnShare", 0, 0.6, "share of a harvest year's famine deaths falling before 1 January", func(c *coefs) *float64 { return &c.autumnShare }},
	{"escapeMax", 0, 0.6, "share of famine deaths avoided by trade and flight for bread when nothing blocks them", func(c *coefs) *float64 { return &c.escapeMax }},
	{"trapCarry", 0, 1, "share of last year's blockades still in force in the spring", func(c *coefs) *float64 { return &c.trapCarry }},
	{"reliefFoodShare", 0, 1, "share of spring relief that is food (the rest is seed)", func(c *coefs) *float64 { return &c.reliefFoodShare }},
	{"seedGapK", 0, 2, "share of seed eaten per unit of food shortfall", func(c *coefs) *float64 { return &c.seedGapK }},
	{"seedGapEffect", 0, 1, "share of next harvest lost per unit of seed missing", func(c *coefs) *float64 { return &c.seedGapEffect }},
	{"volBase", 0, 0.1, "share of individual households joining kolkhozy each year of their own accord", func(c *coefs) *float64 { return &c.volBase }},
	{"regainPace", 0.01, 1, "pace of the drive at which every household that left after a retreat is taken back", func(c *coefs) *float64 { return &c.regainPace }},
	{"retreatThreshold", 0, 100, "village pressure above which Moscow retreats", func(c *coefs) *float64 { return &c.retreatThreshold }},
	{"retreatSpan", 1, 100, "points of village pressure above the threshold at which the retreat is full", func(c *coefs) *float64 { return &c.retreatSpan }},
	{"retreatMax", 0, 0.95, "largest share of a year's collectivisation a retreat can undo", func(c *coefs) *float64 { return &c.retreatMax }},
	{"retreatCalm", 0, 1, "share of village pressure a full retreat calms", func(c *coefs) *float64 { return &c.retreatCalm }},
	{"pressDecay", 0, 1, "share of village pressure carried into the next year", func(c *coefs) *float64 { return &c.pressDecay }},
	{"pressPace", 0, 300, "pressure points per unit of households driven into kolkhozy", func(c *coefs) *float64 { return &c.pressPace }},
	{"pressExtract", 0, 300, "pressure points per unit of procurement share above the NEP level", func(c *coefs) *float64 { return &c.pressExtract }},
	{"pressPrice", 0, 100, "pressure points per unit of price below the market", func(c *coefs) *float64 { return &c.pressPrice }},
	{"pressDeport", 0, 5000, "pressure points per unit of the rural population deported", func(c *coefs) *float64 { return &c.pressDeport }},
	{"pressRepress", 0, 1, "share of new pressure suppressed at full party control", func(c *coefs) *float64 { return &c.pressRepress }},
	{"pressHunger", 0, 20, "share of new pressure suppressed per unit of famine death rate", func(c *coefs) *float64 { return &c.pressHunger }},
	{"slBase", 0, 0.2, "livestock slaughtered or lost in an ordinary year", func(c *coefs) *float64 { return &c.slBase }},
	{"slPace", 0, 2, "livestock slaughtered per unit of households driven into kolkhozy", func(c *coefs) *float64 { return &c.slPace }},
	{"slFamine", 0, 10, "livestock eaten per unit of famine death rate", func(c *coefs) *float64 { return &c.slFamine }},
	{"lsGrowth", 0, 0.3, "natural growth of herds in an ordinary year", func(c *coefs) *float64 { return &c.lsGrowth }},
	{"horseColl", 0, 0.3, "extra horse losses per unit of households in kolkhozy (no one's horses)", func(c *coefs) *float64 { return &c.horseColl }},
	{"herdMult", 0, 3, "sheep, goats and camels' losses relative to cattle's", func(c *coefs) *float64 { return &c.herdMult }},
	{"seizeK", 0, 10, "rise of herd losses to seizure per unit of procurement plan over the NEP share", func(c *coefs) *float64 { return &c.seizeK }},
	{"hhSize", 3, 7, "persons per deported household", func(c *coefs) *float64 { return &c.hhSize }},
	{"deportDisrupt", 0, 20, "share of the harvest lost per unit of the rural population deported", func(c *coefs) *float64 { return &c.deportDisrupt }},
	{"settlerMort", 0, 0.3, "yearly death rate of special settlers", func(c *coefs) *float64 { return &c.settlerMort }},
	{"scrap", 0, 0.3, "share of tractors worn out each year", func(c *coefs) *float64 { return &c.scrap }},
	{"tractorImportK", 0, 20, "tractors bought abroad in a year at full import effort, thousand", func(c *coefs) *float64 { return &c.tractorImportK }},
	{"tractorPlantK", 0, 200, "yearly output of tractor plants added per year of full building effort, thousand", func(c *coefs) *float64 { return &c.tractorPlantK }},
	{"horseEq", 0, 30, "horses one tractor replaces", func(c *coefs) *float64 { return &c.horseEq }},
	{"draughtElast", 0, 1, "elasticity of the harvest in draught power", func(c *coefs) *float64 { return &c.draughtElast }},
	{"effPrice", 0, 1, "harvest effort lost per unit of price below the market", func(c *coefs) *float64 { return &c.effPrice }},
	{"priceRef", 0.2, 1.2, "state grain price, as a share of the market price, in 1928: the harvest base assumes it", func(c *coefs) *float64 { return &c.priceRef }},
	{"effExtract", 0, 2, "harvest effort lost per unit of last year's procurement share above the NEP level", func(c *coefs) *float64 { return &c.effExtract }},
	{"extRef", 0, 0.5, "procurement share of the harvest under NEP", func(c *coefs) *float64 { return &c.extRef }},
	{"effKolkhoz", 0, 0.5, "harvest effort lost per unit of households in kolkhozy, before the kolkhoz system is organised", func(c *coefs) *float64 { return &c.effKolkhoz }},
	{"effMorale", 0, 0.5, "harvest effort gained per unit of morale above 50 (scaled to ±1)", func(c *coefs) *float64 { return &c.effMorale }},
	{"effPlots", 0, 0.3, "kolkhoz effort lost when plots and markets are closed", func(c *coefs) *float64 { return &c.effPlots }},
	{"disPace", 0, 1, "share of the harvest lost per unit of households driven into kolkhozy", func(c *coefs) *float64 { return &c.disPace }},
	{"sq0", 0, 0.5, "squeeze below the villages' needs with nothing forcing it", func(c *coefs) *float64 { return &c.sq0 }},
	{"sqPC", 0, 1, "squeeze per unit of party control", func(c *coefs) *float64 { return &c.sqPC }},
	{"ce0", 0, 1, "procurement collection efficiency with no kolkhozy and no party control", func(c *coefs) *float64 { return &c.ce0 }},
	{"ceColl", 0, 1, "collection efficiency per unit of households in kolkhozy", func(c *coefs) *float64 { return &c.ceColl }},
	{"cePC", 0, 1, "collection efficiency per unit of party control", func(c *coefs) *float64 { return &c.cePC }},
	{"urbanMinKg", 0, 400, "grain per town dweller the state keeps before it exports, kg", func(c *coefs) *float64 { return &c.urbanMinKg }},
	{"urbanNeedKg", 0, 600, "state grain per town dweller for full rations, kg", func(c *coefs) *float64 { return &c.urbanNeedKg }},
	{"popGrowth", 0, 0.03, "natural growth of the rural population in a year without hunger", func(c *coefs) *float64 { return &c.popGrowth }},
	{"migBase", 0, 0.05, "share of the rural population moving to the towns in an ordinary year", func(c *coefs) *float64 { return &c.migBase }},
	{"urbanGrowth", 0, 0.03, "natural growth of the town population", func(c *coefs) *float64 { return &c.urbanGrowth }},
	{"indBase", 0, 0.3, "industrial growth a year without exports, migration or grain pressure (an assumption)", func(c *coefs) *float64 { return &c.indBase }},
	{"indExport", 0, 0.1, "industrial growth per Mt of grain exported for machinery", func(c *coefs) *float64 { return &c.indExport }},
	{"indLabour", 0, 3, "industrial growth per unit of town growth from migration", func(c *coefs) *float64 { return &c.indLabour }},
	{"indSupply", 0, 1, "industrial growth per unit of town grain supply above or below full rations", func(c *coefs) *float64 { return &c.indSupply }},
	{"pcColl", 0, 2, "party control points per point of households collectivised", func(c *coefs) *float64 { return &c.pcColl }},
	{"biDecay", 0, 1, "share of Bukharin-faction influence kept from one year to the next", func(c *coefs) *float64 { return &c.biDecay }},
	{"biPC", 0, 2, "Bukharin-faction influence lost per point party control gains", func(c *coefs) *float64 { return &c.biPC }},
	{"biPressure", 0, 1, "Bukharin-faction influence gained per point of the collectivisation drive's village pressure above 50", func(c *coefs) *float64 { return &c.biPressure }},
	{"moraleDecay", 0, 1, "share of peasant morale carried into the next year", func(c *coefs) *float64 { return &c.moraleDecay }},
	{"moraleExtract", 0, 300, "morale points lost per unit of procurement share above NEP's", func(c *coefs) *float64 { return &c.moraleExtract }},
	{"capExhaust", 0, 10, "share of the villages' strength to protest spent per 100 points of pressure above the retreat threshold", func(c *coefs) *float64 { return &c.capExhaust }},
	{"capRecover", 0, 1, "share of the villages' strength to protest regained each year", func(c *coefs) *float64 { return &c.capRecover }},
	{"finesInKind", 0, 1, "share of non-grain food taken per unit of squeeze (fines in kind, searches)", func(c *coefs) *float64 { return &c.finesInKind }},
	{"reserveStart", 0, 2, "grain households held in reserve at the end of 1927, in years of need", func(c *coefs) *float64 { return &c.reserveStart }},
	{"reserveComfort", 0.5, 2, "food, as a share of need, below which households eat from reserves", func(c *coefs) *float64 { return &c.reserveComfort }},
	{"reserveSave", 0, 1, "share of a surplus above comfort put into reserve", func(c *coefs) *float64 { return &c.reserveSave }},
	{"reserveMax", 0, 2, "largest reserve, in years of need", func(c *coefs) *float64 { return &c.reserveMax }},
	{"weatherNoise", 0, 0.1, "standard deviation of the counterfactual weather noise", func(c *coefs) *float64 { return &c.weatherNoise }},
	{"weatherCommon", 0, 1, "share of the weather noise's variance common to every region", func(c *coefs) *float64 { return &c.weatherCommon }},
	{"bioGap", 0, 0.6, "share by which the official (biological) harvest estimate exceeds the grain threshed in an orderly year", func(c *coefs) *float64 { return &c.bioGap }},
	{"bioDisorder", 0, 3, "extra overestimate per unit of the harvest lost to disorder", func(c *coefs) *float64 { return &c.bioDisorder }},
	{"planAdjust", 0, 1, "elasticity of a region's plan in its official harvest estimate: how far Moscow cut the plan as its estimates fell", func(c *coefs) *float64 { return &c.planAdjust }},
	{"planNational", 0, 1, "weight of the all-Union official estimate, against the region's own, in cutting a region's plan", func(c *coefs) *float64 { return &c.planNational }},
	{"settleRate", 0, 1, "share of collectivisation's productivity loss the organising of the kolkhoz system makes up each year from 1930", func(c *coefs) *float64 { return &c.settleRate }},
	{"planRatchet", 0, 1, "share of last year's collection below which a region's plan is not cut", func(c *coefs) *float64 { return &c.planRatchet }},
	{"collectSharp", 1, 20, "how sharply collection turns from the plan to the grain really there (smooth minimum)", func(c *coefs) *float64 { return &c.collectSharp }},
	{"feedKg", 0, 300, "grain fed a year per head of cattle and horses, kg", func(c *coefs) *float64 { return &c.feedKg }},
	{"fodderShare", 0, 1, "largest share of the grain left after procurement and seed that goes to fodder", func(c *coefs) *float64 { return &c.fodderShare }},
	{"labourElast", 0, 1, "elasticity of the sown area in the rural labour left, against the no-famine trend", func(c *coefs) *float64 { return &c.labourElast }},
	{"frailShare", 0.1, 0.4, "share of a region's 1927 rural population at risk of dying in famine: the cap on famine deaths", func(c *coefs) *float64 { return &c.frailShare }},
	{"mortScale", 0.05, 1, "food shortfall, as a share of need, at which the yearly death hazard reaches 63% of its largest", func(c *coefs) *float64 { return &c.mortScale }},
	{"mortShape", 1, 4, "shape of the death hazard in the food shortfall (Weibull): 1 rises at once, above 1 starts gently", func(c *coefs) *float64 { return &c.mortShape }},
	{"fleeK", 0, 1, "share of the people at risk who flee per unit of the death hazard, in a fully mobile population", func(c *coefs) *float64 { return &c.fleeK }},
	{"stockKeep", 0, 0.5, "share of the state's grain (stock and procurement, after exports) carried over as the state stock", func(c *coefs) *float64 { return &c.stockKeep }},
	{"stockStart", 0, 10, "state grain stock at the end of 1927, Mt", func(c *coefs) *float64 { return &c.stockStart }},
	{"torgsinMt", 0, 1, "grain and flour bought at Torgsin with valuables in a year of famine, Mt", func(c *coefs) *float64 { return &c.torgsinMt }},
}

var coefIndex = func() map[string]int {
	m := map[string]int{}
	for i, s := range coefSpecs {
		m[s.name] = i
	}
	return m
}()
