package economy

import (
	"math"
	"testing"
)

// bands are calibration.md's targets for the historical path (shared/history).
var bands = map[string]map[int][2]float64{
	"grainHarvestMt": {1928: {70, 76}, 1929: {62, 74}, 1930: {65, 84}, 1931: {56, 70}, 1932: {50, 70}, 1933: {62, 71}, 1934: {64, 70}},
	"procurementMt":  {1928: {9, 13}, 1929: {14, 18}, 1930: {19, 24}, 1931: {20, 26}, 1932: {16, 21}, 1933: {20, 25}, 1934: {20, 26}},
	"exportsMt":      {1928: {0, 0.5}, 1929: {0, 0.6}, 1930: {4, 6}, 1931: {4, 6}, 1932: {1, 2.5}, 1933: {1, 2.5}, 1934: {0.3, 1.5}},
	"collectivisedPct": {1928: {1, 3}, 1929: {15, 25}, 1930: {22, 30}, 1931: {52, 60},
		1932: {58, 66}, 1933: {63, 68}, 1934: {68, 75}},
	"collectivisedSpringPct": {1930: {50, 60}},
	"tractorsK":              {1928: {24, 30}, 1932: {135, 160}, 1933: {190, 230}, 1934: {250, 300}},
	"famineDeathsM":          {1928: {0, 0.1}, 1929: {0, 0.1}, 1930: {0, 0.3}, 1931: {0.1, 1.0}, 1932: {1.0, 3.0}, 1933: {3.0, 5.5}, 1934: {0, 0.5}},
	"industryIndex":          {1932: {160, 220}},
}

func field(o Outcome, name string) float64 {
	switch name {
	case "grainHarvestMt":
		return o.GrainHarvestMt
	case "procurementMt":
		return o.ProcurementMt
	case "exportsMt":
		return o.ExportsMt
	case "collectivisedPct":
		return o.CollectivisedPct
	case "collectivisedSpringPct":
		return o.CollectivisedSpringPct
	case "tractorsK":
		return o.TractorsK
	case "famineDeathsM":
		return o.FamineDeathsM
	case "industryIndex":
		return o.IndustryIndex
	}
	panic(name)
}

func historicalRun(t testing.TB) map[int]Outcome {
	t.Helper()
	sc := Default()
	outs, err := sc.Run(sc.HistoricalRecord())
	if err != nil {
		t.Fatal(err)
	}
	m := map[int]Outcome{}
	for _, o := range outs {
		m[o.Year] = o
	}
	return m
}

func TestHistoricalLandsInEveryBand(t *testing.T) {
	years := historicalRun(t)
	for name, perYear := range bands {
		for y, b := range perYear {
			if v := field(years[y], name); v < b[0] || v > b[1] {
				t.Errorf("%s %d = %v, outside history's band [%v, %v]", name, y, v, b[0], b[1])
			}
		}
	}
}

func TestHistoricalMultiYearTargets(t *testing.T) {
	years := historicalRun(t)
	ratio := func(f func(Outcome) float64) float64 { return f(years[1933]) / f(years[1928]) }
	if r := ratio(func(o Outcome) float64 { return o.CattleM }); r < 0.45 || r > 0.60 {
		t.Errorf("cattle 1933/1928 = %.3f, want [0.45, 0.60]", r)
	}
	if r := ratio(func(o Outcome) float64 { return o.HorsesM }); r < 0.40 || r > 0.55 {
		t.Errorf("horses 1933/1928 = %.3f, want [0.40, 0.55]", r)
	}
	sum := func(from, to int, f func(Outcome) float64) float64 {
		s := 0.0
		for y := from; y <= to; y++ {
			s += f(years[y])
		}
		return s
	}
	if d := sum(1930, 1934, func(o Outcome) float64 { return o.FamineDeathsM }); d < 5 || d > 8.7 {
		t.Errorf("famine deaths 1930-34 = %.3f M, want [5, 8.7]", d)
	}
	if d := sum(1932, 1933, func(o Outcome) float64 { return o.FamineDeathsByRegionM[Ukraine] }); d < 2.6 || d > 5.0 {
		t.Errorf("Ukraine famine deaths 1932-33 = %.3f M, want [2.6, 5.0]", d)
	}
	if d := sum(1930, 1933, func(o Outcome) float64 { return o.FamineDeathsByRegionM[Kazakhstan] }); d < 1.2 || d > 2.3 {
		t.Errorf("Kazakhstan famine deaths 1930-33 = %.3f M, want [1.2, 2.3]", d)
	}
	// The project's own targets, not calibration.md's: no sound regional total was found
	// for these two regions. The autumn-1932 procurement drive was launched in Ukraine,
	// the Kuban and the Lower and Middle Volga (Werth, massviolence.org), and Nove names
	// the Lower Volga with Ukraine and the North Caucasus as the grain-surplus areas, so
	// the Volga must starve badly in 1932-33 (the Lower Volga alone lost up to 0.175 M,
	// regions.csv); and the North Caucasus, 8.4 M people in 1926, with 0.12 M registered
	// deaths of all causes in 1932 and 0.42 M in 1933 (regions.csv), must not lose well
	// over a million. The bands are wide because deaths respond steeply to the plan
	// shares (see the regions' notes in scenario.json).
	if d := sum(1932, 1933, func(o Outcome) float64 { return o.FamineDeathsByRegionM[Volga] }); d < 0.25 || d > 0.5 {
		t.Errorf("Volga famine deaths 1932-33 = %.3f M, want the project's target [0.25, 0.5]", d)
	}
	if d := sum(1932, 1933, func(o Outcome) float64 { return o.FamineDeathsByRegionM[NorthCaucasus] }); d < 0.6 || d > 1.0 {
		t.Errorf("North Caucasus famine deaths 1932-33 = %.3f M, want the project's target [0.6, 1.0]", d)
	}
	for y := 1928; y <= 1934; y++ {
		o := years[y]
		total := 0.0
		for _, r := range Regions {
			d, ok := o.FamineDeathsByRegionM[r]
			if !ok || d < 0 {
				t.Errorf("%d: deaths in %s = %v (present %v), want a non-negative figure", y, r, d, ok)
			}
			total += d
		}
		if math.Abs(total-o.FamineDeathsM) > 0.01*o.FamineDeathsM+1e-6 {
			t.Errorf("%d: regions add up to %.4f, USSR figure is %.4f", y, total, o.FamineDeathsM)
		}
	}
	if years[1934].PartyControl <= years[1928].PartyControl {
		t.Errorf("party control 1934 (%v) is not above 1928 (%v)", years[1934].PartyControl, years[1928].PartyControl)
	}
	if years[1930].BukharinInfluence >= 0.5*years[1928].BukharinInfluence {
		t.Errorf("Bukharin influence 1930 (%v) is not below half of 1928 (%v)", years[1930].BukharinInfluence, years[1928].BukharinInfluence)
	}
	peak := 1928
	for y := 1928; y <= 1934; y++ {
		if years[y].VillagePressure > years[peak].VillagePressure {
			peak = y
		}
	}
	if peak != 1930 {
		t.Errorf("village pressure peaks in %d, want 1930", peak)
	}
	if !years[1930].Retreat {
		t.Error("the 1930 peak of village pressure did not produce a retreat")
	}
	for y := 1928; y <= 1934; y++ {
		if y != 1930 && years[y].Retreat {
			t.Errorf("a retreat in %d on the historical path; history had one only in 1930", y)
		}
	}
}

func TestWeatherIsSourcedAndBounded(t *testing.T) {
	sc := Default()
	bad := 0
	for _, y := range sc.Years {
		for _, r := range Regions {
			w := y.Weather[r]
			if w.Factor < 0.85 || w.Factor > 1.10 || w.Note == "" {
				t.Errorf("%d %s: weather %v with note %q", y.Year, r, w.Factor, w.Note)
			}
			if w.Factor != 1 {
				bad++
			}
		}
	}
	// Only the sourced bad years (1931, 1932) depart from ordinary weather.
	for _, y := range sc.Years {
		for _, r := range Regions {
			if y.Weather[r].Factor != 1 && y.Year != 1931 && y.Year != 1932 {
				t.Errorf("%d %s has weather %v; only 1931 and 1932 have sourced weather", y.Year, r, y.Weather[r].Factor)
			}
		}
	}
	if bad == 0 {
		t.Error("no year has weather: the 1931 drought and 1932 harvest are missing")
	}
}
