package scoring

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/history"
	"github.com/classroom-debate/debate/i18n"
)

// Famine deaths are never a live figure. At the end of each year they are reported by
// region as a range, never a single count: the model's figure widened by the relative
// spread of history's own estimates.
//
// The USSR's range is never narrower than any one region's (see ussrRange).
//
// The spread comes from reference.csv's totals (quantities ending in TotalM), each a band
// [low, high] around the figure history prints (display):
//
//	down = 1 − low/display     up = high/display − 1
//
// Ukraine 1932–34 (2.6–5.0 around 3.9 M) gives −33%/+28%; Kazakhstan 1930–33 (1.2–2.3
// around 1.5 M) −20%/+53%; the USSR 1930–33 (5.5–8.7 around 6.0 M) −8%/+45%. The North
// Caucasus, the Volga and the rest of the USSR have no sourced estimate in the project's
// data (events.md, section b), so their range takes the widest spread on each side found
// for any region: what is not known is at least as uncertain as what is.

// Spread is the relative uncertainty of history's estimates on each side.
type Spread struct {
	Down   float64 `json:"down"`   // the low estimate lies this share below the printed figure
	Up     float64 `json:"up"`     // the high estimate lies this share above it
	Source string  `json:"source"` // the reference row it comes from, or how it was derived
}

// spreadQuantity maps a region to history's total for it.
var spreadQuantity = map[economy.RegionID]string{
	economy.Ukraine:    "famineDeathsUkraineTotalM",
	economy.Kazakhstan: "famineDeathsKazakhstanTotalM",
}

const ussrSpreadQuantity = "famineDeathsUSSRTotalM"

// Spreads returns the spread used for each region and for the USSR ("ussr"), derived from
// the project's copy of reference.csv.
func Spreads() map[string]Spread {
	out := map[string]Spread{}
	var widest Spread
	from := func(q string) (Spread, bool) {
		for _, b := range history.Reference() {
			if b.Quantity == q && b.Display != nil && *b.Display > 0 {
				return Spread{Down: round3(1 - b.Low / *b.Display), Up: round3(b.High / *b.Display - 1), Source: b.ID}, true
			}
		}
		return Spread{}, false
	}
	for _, q := range []string{spreadQuantity[economy.Ukraine], spreadQuantity[economy.Kazakhstan], ussrSpreadQuantity} {
		if s, ok := from(q); ok {
			widest.Down = math.Max(widest.Down, s.Down)
			widest.Up = math.Max(widest.Up, s.Up)
		}
	}
	widest.Source = "no sourced estimate: the widest spread found for any region"
	for _, r := range economy.Regions {
		if s, ok := from(spreadQuantity[r]); ok {
			out[string(r)] = s
		} else {
			out[string(r)] = widest
		}
	}
	if s, ok := from(ussrSpreadQuantity); ok {
		out["ussr"] = s
	} else {
		out["ussr"] = widest
	}
	return out
}

// Range is a death toll as a range, in million, with the words to show.
type Range struct {
	LowM  float64 `json:"lowM"`
	HighM float64 `json:"highM"`
	Text  string  `json:"text"`
}

// fewDeathsM is the figure under which a region's year is reported as "fewer than 10,000".
const fewDeathsM = 0.01

// rangeOf widens a model figure by a spread, rounded outwards to two significant figures.
func rangeOf(m float64, s Spread) Range { return widen(m*(1-s.Down), m*(1+s.Up)) }

// widen rounds a range outwards and words it.
func widen(lo, hi float64) Range {
	if hi < fewDeathsM {
		return Range{LowM: 0, HighM: fewDeathsM, Text: i18n.T(i18n.Default, "scoring.range.fewerThan", people(fewDeathsM))}
	}
	lo, hi = roundSig(lo, false), roundSig(hi, true)
	return Range{LowM: lo, HighM: hi, Text: i18n.T(i18n.Default, "scoring.range.between", people(lo), people(hi))}
}

// ussrRange is the USSR's range: its figure widened by the USSR's own spread, and never
// narrower than the range of any one region, since the whole is at least its largest part.
func ussrRange(m float64, byRegion map[economy.RegionID]float64, sp map[string]Spread) Range {
	lo, hi := m*(1-sp["ussr"].Down), m*(1+sp["ussr"].Up)
	for _, r := range economy.Regions {
		s := sp[string(r)]
		lo = math.Max(lo, byRegion[r]*(1-s.Down))
		hi = math.Max(hi, byRegion[r]*(1+s.Up))
	}
	return widen(lo, hi)
}

// roundSig rounds x to two significant figures, up or down.
func roundSig(x float64, up bool) float64 {
	if x <= 0 {
		return 0
	}
	p := math.Pow(10, math.Floor(math.Log10(x))-1)
	v := x / p
	if up {
		v = math.Ceil(v - 1e-9)
	} else {
		v = math.Floor(v + 1e-9)
	}
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v*p, 'g', 12, 64), 64)
	return r
}

// people writes a figure in million in words: "1.5 million", "40,000".
func people(m float64) string {
	if m >= 1 {
		return i18n.T(i18n.Default, "scoring.range.million", strconv.FormatFloat(round3(m), 'f', -1, 64))
	}
	n := int64(math.Round(m * 1e6))
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

// FamineYear is the end-of-year report of famine deaths: by region, as ranges, named.
type FamineYear struct {
	Year     int            `json:"year"`
	Regions  []RegionFamine `json:"regions"`
	USSR     Range          `json:"ussr"`
	History  *HistoryBand   `json:"history,omitempty"` // history's band for the USSR that year
	Accounts []Account      `json:"accounts"`          // composite family accounts, each shown once
	Note     string         `json:"note"`
}

// RegionFamine is one region's year.
type RegionFamine struct {
	Region   string `json:"region"`
	Name     string `json:"name"`             // the region's name
	Famine   string `json:"famine,omitempty"` // the famine's name where the model shows one in its years
	Range    Range  `json:"range"`
	Remember string `json:"remember,omitempty"` // how history remembers this region's famine
}

// HistoryBand is history's band for a quantity and year, from reference.csv.
type HistoryBand struct {
	ID      string   `json:"id"`
	Low     float64  `json:"low"`
	High    float64  `json:"high"`
	Display *float64 `json:"display,omitempty"`
	Source  string   `json:"source"`
}

func bandOf(b history.Band) *HistoryBand {
	return &HistoryBand{ID: b.ID, Low: b.Low, High: b.High, Display: b.Display, Source: b.Source}
}

// Account is a short composite family account: no single real family, labelled as such,
// pointing to real testimony.
type Account struct {
	Region    string   `json:"region"`
	Title     string   `json:"title"`
	Label     string   `json:"label"` // says that it is a composite
	Text      string   `json:"text"`
	Testimony []string `json:"testimony"` // real collections of testimony to read
}

// famineCtx is the class's path as the famine report reads it: the room's mode, the
// directives switched off so far and the options chosen so far.
type famineCtx struct {
	sc             *economy.Scenario
	counterfactual bool
	off            map[string]bool   // directive id → switched off
	chosen         map[string]string // decision id → option chosen
}

// holds says whether the class's path up to year has what an account narrates.
func (fc famineCtx) holds(req string, year int) bool {
	kind, rest, _ := strings.Cut(req, ":")
	switch kind {
	case "directive":
		if fc.off[rest] {
			return false
		}
		for _, yr := range fc.sc.Years {
			if yr.Year > year {
				break
			}
			for _, d := range yr.Directives {
				if d.ID == rest {
					return true
				}
			}
		}
		return false
	case "decision":
		id, opts, _ := strings.Cut(rest, "=")
		got, ok := fc.chosen[id]
		return ok && slices.Contains(strings.Split(opts, "|"), got)
	}
	return false
}

// checkRequirement checks an account's requirement against the default scenario: a known
// directive or decision of a year no later than the account's first year, and options
// that decision has. It returns the problem, or "".
func checkRequirement(req string, from int) string {
	sc := economy.Default()
	kind, rest, _ := strings.Cut(req, ":")
	switch kind {
	case "directive":
		for _, yr := range sc.Years {
			for _, d := range yr.Directives {
				if d.ID == rest {
					if yr.Year > from {
						return fmt.Sprintf("directive %q comes in %d, after the account's first year %d", rest, yr.Year, from)
					}
					return ""
				}
			}
		}
		return fmt.Sprintf("no directive %q in the scenario", rest)
	case "decision":
		id, opts, _ := strings.Cut(rest, "=")
		for _, yr := range sc.Years {
			for _, d := range yr.Decisions {
				if d.ID != id {
					continue
				}
				if yr.Year > from {
					return fmt.Sprintf("decision %q comes in %d, after the account's first year %d", id, yr.Year, from)
				}
				for _, o := range strings.Split(opts, "|") {
					if _, _, ok := d.Option(o); !ok {
						return fmt.Sprintf("decision %q has no option %q", id, o)
					}
				}
				return ""
			}
		}
		return fmt.Sprintf("no decision %q in the scenario", id)
	}
	return fmt.Sprintf("requirement %q is neither directive:ID nor decision:ID=OPT|OPT", req)
}

// famineYear builds the report for one resolved year; shown lists the accounts already
// shown in earlier years, so each is told once. A region's famine carries history's name
// only in a historical room; a counterfactual room names it plainly and says what
// history's was called. An account is told only where the class's path had what it
// narrates.
func famineYear(c *Content, o economy.Outcome, fctx famineCtx, shown map[string]bool) FamineYear {
	sp := Spreads()
	fy := FamineYear{Year: o.Year, Regions: []RegionFamine{}, Accounts: []Account{}, USSR: ussrRange(o.FamineDeathsM, o.FamineDeathsByRegionM, sp), Note: c.Famine.Note + " " + spreadNote()}
	if b, ok := history.BandFor("famineDeathsM", o.Year); ok {
		fy.History = bandOf(b)
	}
	for _, r := range economy.Regions {
		m := o.FamineDeathsByRegionM[r]
		fc := c.Famine.Regions[string(r)]
		rf := RegionFamine{Region: string(r), Name: fc.Name, Range: rangeOf(m, sp[string(r)])}
		if m >= fewDeathsM {
			rf.Famine = "famine"
			rf.Remember = fc.Remember
			if fctx.counterfactual {
				rf.Remember = fc.Counterfactual
			} else if fc.Famine != "" && o.Year >= fc.From && o.Year <= fc.To {
				rf.Famine = fc.Famine
			}
		accounts:
			for _, a := range fc.Accounts {
				if shown[a.Title] || o.Year < a.From || o.Year > a.To {
					continue
				}
				for _, req := range a.Requires {
					if !fctx.holds(req, o.Year) {
						continue accounts
					}
				}
				shown[a.Title] = true
				fy.Accounts = append(fy.Accounts, Account{Region: string(r), Title: a.Title, Label: c.Famine.CompositeLabel, Text: a.Text, Testimony: a.Testimony})
			}
		}
		fy.Regions = append(fy.Regions, rf)
	}
	return fy
}

// spreadNote explains the ranges in one sentence with the spreads used.
func spreadNote() string {
	sp := Spreads()
	pct := func(x float64) string { return fmt.Sprintf("%.0f%%", x*100) }
	return i18n.T(i18n.Default, "scoring.famine.rangesNote",
		pct(sp["ukraine"].Down), pct(sp["ukraine"].Up), pct(sp["kazakhstan"].Down), pct(sp["kazakhstan"].Up),
		pct(sp["ussr"].Down), pct(sp["ussr"].Up), pct(sp["volga"].Down), pct(sp["volga"].Up))
}
