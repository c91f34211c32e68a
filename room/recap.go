package room

import (
	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/history"
)

// Recap is where the class stands, for the start of a lesson and the end of one: the
// years resolved so far (played or stepped with history's choices), what the class chose
// beside what history chose, and the key figures beside history's band. Famine deaths are
// not among the figures: they are never a scoreboard, and the year's resolution reports
// them with care.
type Recap struct {
	Lesson int         `json:"lesson"`
	Year   int         `json:"year"`  // the year in play
	Phase  Phase       `json:"phase"` // the phase in play
	Years  []RecapYear `json:"years"`
}

// RecapYear is one resolved year.
type RecapYear struct {
	Year       int             `json:"year"`
	Title      string          `json:"title"`
	Stepped    bool            `json:"stepped,omitempty"`
	Decisions  []RecapDecision `json:"decisions"`
	Directives []string        `json:"directives"` // titles of the directives in force
	Figures    []RecapFigure   `json:"figures"`
	Retreat    bool            `json:"retreat,omitempty"`
	Fates      map[string]int  `json:"fates,omitempty"` // fate → players who came to it that year
}

// RecapDecision is one decision: the class's option (or history's, for a stepped year)
// and history's.
type RecapDecision struct {
	ID              string `json:"id"`
	Title           string `json:"title"`
	Chosen          string `json:"chosen"`
	ChosenLabel     string `json:"chosenLabel"`
	Historical      string `json:"historical"`
	HistoricalLabel string `json:"historicalLabel"`
	AsHistory       bool   `json:"asHistory,omitempty"`
}

// RecapFigure is one of the model's figures beside history's band.
type RecapFigure struct {
	Quantity string   `json:"quantity"` // a `debate simulate` field name
	Unit     string   `json:"unit"`
	Class    float64  `json:"class"`
	Low      *float64 `json:"historyLow,omitempty"`
	High     *float64 `json:"historyHigh,omitempty"`
	History  *float64 `json:"history,omitempty"` // history's single figure, where one is sound
	Source   string   `json:"source,omitempty"`
}

// recapFigures are the figures a recap shows, in order.
var recapFigures = []struct {
	quantity, unit string
	value          func(o *economy.Outcome) float64
}{
	{"grainHarvestMt", "Mt", func(o *economy.Outcome) float64 { return o.GrainHarvestMt }},
	{"procurementMt", "Mt", func(o *economy.Outcome) float64 { return o.ProcurementMt }},
	{"exportsMt", "Mt", func(o *economy.Outcome) float64 { return o.ExportsMt }},
	{"collectivisedPct", "%", func(o *economy.Outcome) float64 { return o.CollectivisedPct }},
	{"cattleM", "million head", func(o *economy.Outcome) float64 { return o.CattleM }},
	{"horsesM", "million head", func(o *economy.Outcome) float64 { return o.HorsesM }},
}

// Recap computes the recap from the state.
func (s *State) Recap() Recap {
	r := Recap{Lesson: s.lesson(), Year: s.c.Year, Phase: s.c.Phase, Years: []RecapYear{}}
	if s.sc == nil {
		return r
	}
	for _, res := range s.c.Results {
		yr, ok := s.sc.Year(res.Year)
		if !ok {
			continue
		}
		ry := RecapYear{Year: res.Year, Title: yr.Title, Stepped: res.Stepped, Decisions: []RecapDecision{}, Directives: []string{}, Figures: []RecapFigure{}, Retreat: res.Outcome.Retreat}
		for _, d := range yr.Decisions {
			rd := RecapDecision{ID: d.ID, Title: d.Title, Chosen: res.Choices.Decisions[d.ID], Historical: d.Historical}
			if o, _, ok := d.Option(rd.Chosen); ok {
				rd.ChosenLabel = o.Label
			}
			if o, _, ok := d.Option(d.Historical); ok {
				rd.HistoricalLabel = o.Label
			}
			rd.AsHistory = rd.Chosen == rd.Historical
			ry.Decisions = append(ry.Decisions, rd)
		}
		for _, d := range yr.Directives {
			if on, set := res.Choices.Directives[d.ID]; !set || on {
				ry.Directives = append(ry.Directives, d.Title)
			}
		}
		out := res.Outcome
		for _, f := range recapFigures {
			fig := RecapFigure{Quantity: f.quantity, Unit: f.unit, Class: f.value(&out)}
			if band, ok := history.BandFor(f.quantity, res.Year); ok {
				lo, hi := band.Low, band.High
				fig.Low, fig.High, fig.History, fig.Source = &lo, &hi, band.Display, band.Source
				if band.Unit != "" {
					fig.Unit = band.Unit
				}
			}
			ry.Figures = append(ry.Figures, fig)
		}
		if n := s.c.FateLog[res.Year]; len(n) > 0 {
			ry.Fates = map[string]int{}
			for f, c := range n {
				ry.Fates[f] = c
			}
		}
		r.Years = append(r.Years, ry)
	}
	return r
}
