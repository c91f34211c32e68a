package scoring

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/history"
	"github.com/classroom-debate/debate/i18n"
	"github.com/classroom-debate/debate/room"
)

// DebriefFormat is the version of the Debriefing JSON.
const DebriefFormat = 1

// Debriefing is what a class sees after the last year: its path beside history's bands,
// the largest divergences explained with sourced events, the model's assumptions and how
// far to trust them, the historians' debate, the famine year by year, the scores with
// their breakdowns, and the exit tickets. The teacher's assessment is kept apart
// (Assessment) and is never in it.
type Debriefing struct {
	Format           int                  `json:"format"`
	RoomID           string               `json:"roomId"`
	Code             string               `json:"code"`
	Mode             economy.Mode         `json:"mode"`
	Complete         bool                 `json:"complete"` // false when the teacher ended the game early
	Years            []int                `json:"years"`    // the years resolved
	Intro            string               `json:"intro"`
	Path             []PathRow            `json:"path"`
	Divergences      []Divergence         `json:"divergences"`
	AssumptionsIntro string               `json:"assumptionsIntro"`
	Assumptions      []economy.Assumption `json:"assumptions"`
	Debate           HistoriansDebate     `json:"debate"`
	Famine           []FamineYear         `json:"famine"`
	ScoresIntro      string               `json:"scoresIntro"`
	Scores           *Report              `json:"scores"`
	Reflections      []Reflection         `json:"reflections"`
}

// PathRow is one quantity in one year (or over the span of a total): the class's figure
// beside history's band. Famine deaths are given as a range (ClassRange), never as a
// single number.
type PathRow struct {
	Quantity   string      `json:"quantity"`
	Label      string      `json:"label"`
	Unit       string      `json:"unit"`
	Year       int         `json:"year"`
	Span       []int       `json:"span,omitempty"` // first and last year of a total
	Class      *float64    `json:"class,omitempty"`
	ClassRange *Range      `json:"classRange,omitempty"`
	History    HistoryBand `json:"history"`
	Inside     bool        `json:"inside"`
	// Distance is how far the class's figure lies from the middle of history's band, in
	// band widths: above 0.5 it is outside. Narrow bands count as a tenth of their size.
	Distance float64 `json:"distance"`

	value float64 // the model's figure, for ranking and tests
}

// Divergence is one of the largest gaps between the class's path and history's, with why.
type Divergence struct {
	PathRow
	Direction   string          `json:"direction"` // "above", "below" or "inside"
	Explanation string          `json:"explanation"`
	Choices     []ChoiceDiff    `json:"choices"` // where the class chose otherwise, in the years that fed it
	Events      []history.Event `json:"events"`  // the sourced events behind history's figure
}

// ChoiceDiff is a decision, directive or shock event where the class's year differed from
// history's.
type ChoiceDiff struct {
	Year    int    `json:"year"`
	Kind    string `json:"kind"` // "decision", "directive" or "event"
	ID      string `json:"id"`
	Title   string `json:"title"`
	Class   string `json:"class"`             // what the class had
	History string `json:"history,omitempty"` // what history had
}

// HistoriansDebate is the debate content with each recognition's sourced event.
type HistoriansDebate struct {
	Intro        string            `json:"intro"`
	Positions    []Position        `json:"positions"`
	Recognitions []RecognitionView `json:"recognitions"`
	Kazakh       string            `json:"kazakh"`
	Questions    []string          `json:"questions"`
	Care         string            `json:"care"`
}

// RecognitionView is a recognition with its event from events.md.
type RecognitionView struct {
	Text  string        `json:"text"`
	Event history.Event `json:"event"`
}

// Reflection is a player's exit-ticket answers for one lesson, with the prompts.
type Reflection struct {
	PlayerID string   `json:"playerId"`
	Nickname string   `json:"nickname"`
	Lesson   int      `json:"lesson"`
	Year     int      `json:"year"` // where the game stood
	Prompts  []string `json:"prompts"`
	Answers  []string `json:"answers"`
	Flagged  bool     `json:"flagged,omitempty"` // the word filter matched: for the teacher's eyes
}

// quantityGetter returns how to read a reference.csv quantity from the class's outcomes:
// a yearly figure, or a total over the span named in the band's unit ("million
// (1932-1934)"). The bool is false for a quantity the debrief cannot read.
func quantityGetter(q string) (func(outs map[int]economy.Outcome, b history.Band) (float64, []int, bool), bool) {
	yearly := map[string]func(o economy.Outcome) float64{
		"grainHarvestMt":         func(o economy.Outcome) float64 { return o.GrainHarvestMt },
		"procurementMt":          func(o economy.Outcome) float64 { return o.ProcurementMt },
		"exportsMt":              func(o economy.Outcome) float64 { return o.ExportsMt },
		"collectivisedPct":       func(o economy.Outcome) float64 { return o.CollectivisedPct },
		"collectivisedSpringPct": func(o economy.Outcome) float64 { return o.CollectivisedSpringPct },
		"tractorsK":              func(o economy.Outcome) float64 { return o.TractorsK },
		"famineDeathsM":          func(o economy.Outcome) float64 { return o.FamineDeathsM },
		"industryIndex":          func(o economy.Outcome) float64 { return o.IndustryIndex },
		"cattleM":                func(o economy.Outcome) float64 { return o.CattleM },
		"horsesM":                func(o economy.Outcome) float64 { return o.HorsesM },
	}
	if f, ok := yearly[q]; ok {
		return func(outs map[int]economy.Outcome, b history.Band) (float64, []int, bool) {
			o, ok := outs[b.Year]
			if !ok {
				return 0, nil, false
			}
			return f(o), nil, true
		}, true
	}
	if f, ok := totalQuantities[q]; ok {
		return func(outs map[int]economy.Outcome, b history.Band) (float64, []int, bool) {
			from, to, ok := spanOf(b.Unit)
			if !ok {
				return 0, nil, false
			}
			sum := 0.0
			for y := from; y <= to; y++ {
				o, ok := outs[y]
				if !ok {
					return 0, nil, false
				}
				sum += f(o)
			}
			return sum, []int{from, to}, true
		}, true
	}
	return nil, false
}

// totalQuantities are the quantities of reference.csv that total a span of years.
var totalQuantities = map[string]func(o economy.Outcome) float64{
	"famineDeathsUkraineTotalM":    func(o economy.Outcome) float64 { return o.FamineDeathsByRegionM[economy.Ukraine] },
	"famineDeathsKazakhstanTotalM": func(o economy.Outcome) float64 { return o.FamineDeathsByRegionM[economy.Kazakhstan] },
	"famineDeathsUSSRTotalM":       func(o economy.Outcome) float64 { return o.FamineDeathsM },
}

var spanRE = regexp.MustCompile(`\((\d{4})-(\d{4})\)`)

// spanOf reads "(1932-1934)" from a total's unit.
func spanOf(unit string) (int, int, bool) {
	m := spanRE.FindStringSubmatch(unit)
	if m == nil {
		return 0, 0, false
	}
	from, _ := strconv.Atoi(m[1])
	to, _ := strconv.Atoi(m[2])
	return from, to, from <= to
}

// Debrief builds the debrief from a room's log. It can be built before the game is over
// (Complete is then false); it covers the years resolved so far.
func Debrief(events []room.Event) (*Debriefing, error) {
	ss, err := fold(events)
	if err != nil {
		return nil, err
	}
	return DefaultContent().debrief(ss, DefaultRules().report(ss)), nil
}

func (c *Content) debrief(ss *session, rep *Report) *Debriefing {
	d := &Debriefing{
		Format: DebriefFormat, RoomID: ss.final.RoomID, Code: ss.final.Code, Mode: ss.final.Mode, Complete: ss.complete(),
		Years: []int{}, Intro: c.Debrief.Intro, AssumptionsIntro: c.Debrief.AssumptionsIntro, Assumptions: ss.sc.Assumptions(),
		Famine: c.famineYears(ss), ScoresIntro: c.Debrief.ScoresIntro, Scores: rep, Reflections: reflections(ss),
	}
	for _, y := range ss.years {
		d.Years = append(d.Years, y.Year)
	}
	d.Path = c.path(ss)
	d.Divergences = c.divergences(ss, d.Path)
	db := c.Debrief.Debate
	d.Debate = HistoriansDebate{Intro: db.Intro, Positions: db.Positions, Recognitions: []RecognitionView{}, Kazakh: db.Kazakh, Questions: db.Questions, Care: db.Care}
	for _, r := range db.Recognitions {
		ev, _ := history.EventByID(r.Event)
		d.Debate.Recognitions = append(d.Debate.Recognitions, RecognitionView{Text: r.Text, Event: ev})
	}
	return d
}

// outcomes maps each resolved year to its outcome.
func (ss *session) outcomes() map[int]economy.Outcome {
	out := map[int]economy.Outcome{}
	for _, y := range ss.years {
		out[y.Year] = y.Result.Outcome
	}
	return out
}

// path lists every band of reference.csv that the resolved years cover, in file order.
func (c *Content) path(ss *session) []PathRow {
	return c.pathFrom(ss.outcomes())
}

// PathFrom is the debrief's path for outcomes stepped outside a room, as `debate simulate
// --choices` steps a room's exported choices record: the same rows, byte for byte, as the
// room's debrief when the record is the room's.
func PathFrom(outs []economy.Outcome) []PathRow {
	byYear := map[int]economy.Outcome{}
	for _, o := range outs {
		byYear[o.Year] = o
	}
	return DefaultContent().pathFrom(byYear)
}

func (c *Content) pathFrom(outs map[int]economy.Outcome) []PathRow {
	rows := []PathRow{}
	sp := Spreads()
	for _, b := range history.Reference() {
		get, ok := quantityGetter(b.Quantity)
		qc, known := c.quantity(b.Quantity)
		if !ok || !known {
			continue
		}
		v, span, ok := get(outs, b)
		if !ok {
			continue
		}
		row := PathRow{Quantity: b.Quantity, Label: qc.Label, Unit: qc.Unit, Year: b.Year, Span: span, History: *bandOf(b), value: v}
		if qc.Famine {
			var r Range
			if b.Quantity == "famineDeathsM" || b.Quantity == ussrSpreadQuantity {
				r = ussrRange(v, regionDeaths(outs, b.Year, span), sp)
			} else {
				r = rangeOf(v, famineSpread(b.Quantity, sp))
			}
			row.ClassRange = &r
		} else {
			x := v
			row.Class = &x
		}
		row.Inside = v >= b.Low && v <= b.High
		width := math.Max(b.High-b.Low, 0.1*math.Max(math.Abs(b.Low), math.Abs(b.High)))
		if width <= 0 {
			width = 1e-6
		}
		row.Distance = round3(math.Abs(v-(b.Low+b.High)/2) / width)
		rows = append(rows, row)
	}
	return rows
}

// regionDeaths sums each region's deaths over a span (or in one year).
func regionDeaths(outs map[int]economy.Outcome, year int, span []int) map[economy.RegionID]float64 {
	from, to := year, year
	if len(span) == 2 {
		from, to = span[0], span[1]
	}
	out := map[economy.RegionID]float64{}
	for y := from; y <= to; y++ {
		for r, v := range outs[y].FamineDeathsByRegionM {
			out[r] += v
		}
	}
	return out
}

// famineSpread picks the spread for a famine quantity: the region's for its total, the
// USSR's otherwise.
func famineSpread(q string, sp map[string]Spread) Spread {
	for r, rq := range spreadQuantity {
		if rq == q {
			return sp[string(r)]
		}
	}
	return sp["ussr"]
}

// divergences picks the three rows furthest from history's band, each explained; a
// quantity appears once, in its furthest year, so the three tell three stories.
func (c *Content) divergences(ss *session, path []PathRow) []Divergence {
	order := make([]int, len(path))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return path[order[a]].Distance > path[order[b]].Distance })
	out := []Divergence{}
	seen := map[string]bool{}
	for _, i := range order {
		if len(out) == 3 {
			break
		}
		row := path[i]
		if seen[row.Quantity] {
			continue
		}
		seen[row.Quantity] = true
		dv := c.explain(row)
		dv.Choices = []ChoiceDiff{}
		years := []int{row.Year - 1, row.Year}
		if len(row.Span) == 2 {
			years = nil
			for y := row.Span[0]; y <= row.Span[1]; y++ {
				years = append(years, y)
			}
		}
		voted := false
		var fed []int
		for _, y := range years {
			if snap, ok := ss.year(y); ok {
				dv.Choices = append(dv.Choices, choiceDiffs(ss.sc, snap)...)
				voted = voted || classVoted(snap)
				fed = append(fed, y)
			}
		}
		if !voted && len(fed) > 0 && dv.Direction != "inside" {
			dv.Explanation = notTheClass(dv.Explanation, fed)
		}
		out = append(out, dv)
	}
	return out
}

// explain words a path row's gap from history with the explanation written for its year
// (or its total's span), and the sourced events within or just before it.
func (c *Content) explain(row PathRow) Divergence {
	dv := Divergence{PathRow: row, Events: []history.Event{}}
	from, to := row.Year, row.Year
	if len(row.Span) == 2 {
		from, to = row.Span[0], row.Span[1]
	}
	qc, _ := c.quantity(row.Quantity)
	per, _ := qc.period(from, to) // the content check makes sure there is one
	switch mid := (row.History.Low + row.History.High) / 2; {
	case row.Inside:
		dv.Direction, dv.Explanation = "inside", i18n.T(i18n.Default, "scoring.divergence.inside")
	case row.value > mid:
		dv.Direction, dv.Explanation = "above", per.Above
	default:
		dv.Direction, dv.Explanation = "below", per.Below
	}
	dv.Events = eventsWithin(per.Events, from-1, to)
	return dv
}

// classVoted reports whether anyone in the class voted in a resolved year: a year not
// played, or one where nobody voted, took history's choices.
func classVoted(snap *yearSnap) bool {
	if snap.Stepped {
		return false
	}
	for _, t := range snap.Result.Tallies {
		if !t.NoVotes {
			return true
		}
	}
	return false
}

// notTheClass words a gap the class did not choose: nobody voted in the years behind it,
// so history's choices stood and the gap is the model's. The explanation's first
// sentence, which says what "your class" did, gives way to that, and so does any other
// sentence about the class; the rest, on what happened in history, stays.
func notTheClass(explanation string, years []int) string {
	rest := ""
	if i := strings.Index(explanation, ". "); i >= 0 {
		for _, sentence := range strings.SplitAfter(strings.TrimSpace(explanation[i+2:]), ". ") {
			if sentence = strings.TrimSpace(sentence); sentence != "" && !mentionsTheClass(sentence) {
				rest += " " + sentence
			}
		}
	}
	span := fmt.Sprint(years[0])
	if len(years) > 1 {
		span = fmt.Sprintf("%d–%d", years[0], years[len(years)-1])
	}
	return i18n.T(i18n.Default, "scoring.divergence.noVotes", span) + rest
}

// mentionsTheClass reports whether a sentence tells what the class did.
func mentionsTheClass(sentence string) bool {
	lower := strings.ToLower(sentence)
	return strings.Contains(lower, "your class") || strings.Contains(lower, "the class's")
}

// choiceDiffs lists where a resolved year differed from history's choices: decisions,
// directives switched off (counterfactual rooms) and shock events brought in.
func choiceDiffs(sc *economy.Scenario, snap *yearSnap) []ChoiceDiff {
	yr, ok := sc.Year(snap.Year)
	if !ok {
		return nil
	}
	ch := snap.Result.Choices
	var out []ChoiceDiff
	label := func(d *economy.Decision, id string) string {
		if o, _, ok := d.Option(id); ok {
			return o.Label
		}
		return id
	}
	for i := range yr.Decisions {
		d := &yr.Decisions[i]
		if got := ch.Decisions[d.ID]; got != "" && got != d.Historical {
			out = append(out, ChoiceDiff{Year: snap.Year, Kind: "decision", ID: d.ID, Title: d.Title, Class: label(d, got), History: label(d, d.Historical)})
		}
	}
	for _, dir := range yr.Directives {
		if on, set := ch.Directives[dir.ID]; set && !on {
			out = append(out, ChoiceDiff{Year: snap.Year, Kind: "directive", ID: dir.ID, Title: dir.Title, Class: i18n.T(i18n.Default, "scoring.choice.switchedOff"), History: i18n.T(i18n.Default, "scoring.choice.inForce")})
		}
	}
	for _, id := range ch.Events {
		for _, ev := range yr.Events {
			if ev.ID == id {
				out = append(out, ChoiceDiff{Year: snap.Year, Kind: "event", ID: id, Title: ev.Title, Class: i18n.T(i18n.Default, "scoring.choice.broughtIn")})
			}
		}
	}
	return out
}

// famineYears is the end-of-year famine report of every resolved year.
func (c *Content) famineYears(ss *session) []FamineYear {
	shown := map[string]bool{}
	out := []FamineYear{}
	fctx := famineCtx{sc: ss.sc, counterfactual: ss.mode == economy.Counterfactual, off: map[string]bool{}, chosen: map[string]string{}}
	for _, y := range ss.years {
		for id, on := range y.Result.Choices.Directives {
			if !on {
				fctx.off[id] = true
			}
		}
		for id, opt := range y.Result.Choices.Decisions {
			fctx.chosen[id] = opt
		}
		out = append(out, famineYear(c, y.Result.Outcome, fctx, shown))
	}
	return out
}

// reflections lists the exit-ticket answers with their prompts, in the order given.
func reflections(ss *session) []Reflection {
	nick := map[string]string{}
	for _, p := range ss.final.Players {
		nick[p.ID] = p.Nickname
	}
	out := []Reflection{}
	for _, t := range ss.tickets {
		r := Reflection{PlayerID: t.PlayerID, Nickname: nick[t.PlayerID], Lesson: t.Lesson, Year: t.Year,
			Prompts: []string{}, Answers: append([]string{}, t.Answers...), Flagged: t.Flagged}
		for _, p := range ss.prompts[t.Lesson] {
			r.Prompts = append(r.Prompts, p.Text)
		}
		out = append(out, r)
	}
	return out
}

// YearView is the report of one resolved year, for the resolution view: every player's
// breakdown and the famine by region as ranges.
type YearView struct {
	Year    int        `json:"year"`
	Stepped bool       `json:"stepped,omitempty"`
	Scores  YearScores `json:"scores"`
	Famine  FamineYear `json:"famine"`
}

// YearReport builds the report of year y from a room's log; false when y has not resolved.
// A client shows a player their own breakdown and the teacher everyone's.
func YearReport(events []room.Event, year int) (*YearView, bool, error) {
	ss, err := fold(events)
	if err != nil {
		return nil, false, err
	}
	rep := DefaultRules().report(ss)
	fam := DefaultContent().famineYears(ss)
	for i, ys := range rep.Years {
		if ys.Year == year {
			return &YearView{Year: year, Stepped: ys.Stepped, Scores: ys, Famine: fam[i]}, true, nil
		}
	}
	return nil, false, nil
}

// String names a path row for messages.
func (r PathRow) String() string { return fmt.Sprintf("%s %d", r.Quantity, r.Year) }
