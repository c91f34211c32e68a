package scoring

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/history"
)

// Content is the written material of the debrief and the famine reports (content/*.json),
// embedded and checked at load: every history event id must resolve, every quantity of
// reference.csv must have an entry, and every region a famine entry.
type Content struct {
	Debrief DebriefContent
	Famine  FamineContent
}

// DebriefContent is content/debrief.json.
type DebriefContent struct {
	Intro            string            `json:"intro"`
	Quantities       []QuantityContent `json:"quantities"`
	AssumptionsIntro string            `json:"assumptionsIntro"`
	Debate           DebateContent     `json:"debate"`
	ScoresIntro      string            `json:"scoresIntro"`
}

// QuantityContent explains one quantity of reference.csv when the class's path leaves
// history's band: one written explanation per period, since what stood behind history's
// figure in 1928 is not what stood behind it in 1933.
type QuantityContent struct {
	ID       string          `json:"id"`
	Label    string          `json:"label"`
	Unit     string          `json:"unit"`
	Decimals int             `json:"decimals"`
	Famine   bool            `json:"famine,omitempty"` // deaths: shown as ranges
	Periods  []PeriodContent `json:"periods"`
}

// PeriodContent explains a quantity's gap from history in a year or a span of years
// (Years: [year] or [first, last]; a total's span is its band's), with the sourced events
// behind history's figure. Every event falls in the period or the year before it; a
// divergence shows only the events within or just before its own year.
type PeriodContent struct {
	Years  []int    `json:"years"`
	Above  string   `json:"above"`
	Below  string   `json:"below"`
	Events []string `json:"events"`
}

// span is the period's first and last year.
func (p PeriodContent) span() (int, int) {
	if len(p.Years) == 0 {
		return 0, -1
	}
	return p.Years[0], p.Years[len(p.Years)-1]
}

// DebateContent is the historians' debate, including the genocide question.
type DebateContent struct {
	Intro        string        `json:"intro"`
	Positions    []Position    `json:"positions"`
	Recognitions []Recognition `json:"recognitions"`
	Kazakh       string        `json:"kazakh"`
	Questions    []string      `json:"questions"`
	Care         string        `json:"care"`
}

// Position is one historian's view, in our words.
type Position struct {
	Who  string `json:"who"`
	Work string `json:"work"`
	View string `json:"view"`
}

// Recognition is a public recognition, tied to a history event.
type Recognition struct {
	Event string `json:"event"`
	Text  string `json:"text"`
}

// FamineContent is content/famine.json.
type FamineContent struct {
	Note           string                   `json:"note"`
	CompositeLabel string                   `json:"compositeLabel"`
	Regions        map[string]RegionContent `json:"regions"`
}

// RegionContent names a region's famine and holds its composite accounts.
type RegionContent struct {
	Name     string `json:"name"`
	Famine   string `json:"famine"` // the famine's own name, used in its years (From–To)
	From     int    `json:"from"`
	To       int    `json:"to"`
	Remember string `json:"remember"`
	// Counterfactual replaces Remember in a counterfactual room: it names the class's
	// famine plainly and says what history's famine here was called, since a famine the
	// class's choices made is not the one history remembers.
	Counterfactual string           `json:"counterfactual"`
	Accounts       []AccountContent `json:"accounts"`
}

// AccountContent is a composite account, told in the first year From–To in which the
// region has famine.
type AccountContent struct {
	Title     string   `json:"title"`
	From      int      `json:"from"`
	To        int      `json:"to"`
	Text      string   `json:"text"`
	Testimony []string `json:"testimony"`
	// Requires lists what the account narrates that the class's path must have had:
	// "directive:ID" (Moscow's directive in force, not switched off) and
	// "decision:ID=OPT|OPT" (the class chose one of these options). An account that tells
	// of blacklists is never shown in a room whose teacher switched the blacklists off.
	Requires []string `json:"requires"`
}

//go:embed content/*.json
var contentFiles embed.FS

var defaultContent = mustContent()

func mustContent() *Content {
	c, err := LoadContent(func(name string) ([]byte, error) { return contentFiles.ReadFile("content/" + name) })
	if err != nil {
		panic(err)
	}
	return c
}

// DefaultContent returns the embedded content. A test guarantees that it loads.
func DefaultContent() *Content { return defaultContent }

// LoadContent reads debrief.json and famine.json through read and checks them.
func LoadContent(read func(name string) ([]byte, error)) (*Content, error) {
	c := &Content{}
	for _, f := range []struct {
		name string
		into any
	}{{"debrief.json", &c.Debrief}, {"famine.json", &c.Famine}} {
		b, err := read(f.name)
		if err != nil {
			return nil, fmt.Errorf("scoring/content/%s: %w", f.name, err)
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(f.into); err != nil {
			return nil, fmt.Errorf("scoring/content/%s: not valid JSON for this file: %w", f.name, err)
		}
	}
	if err := c.check(); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Content) check() error {
	fail := func(file, path, format string, args ...any) error {
		return fmt.Errorf("scoring/content/%s: %s: %s", file, path, fmt.Sprintf(format, args...))
	}
	event := func(file, path, id string) error {
		if _, ok := history.EventByID(id); !ok {
			return fail(file, path, "dangling id %q: no such event in history/data/events.md", id)
		}
		return nil
	}
	d := c.Debrief
	if blank(d.Intro) || blank(d.AssumptionsIntro) || blank(d.ScoresIntro) {
		return fail("debrief.json", "", "the intro, assumptionsIntro and scoresIntro are required")
	}
	have := map[string]bool{}
	written := map[string]string{} // explanation → where, so none is written twice
	for i, q := range d.Quantities {
		p := fmt.Sprintf("quantities[%d]", i)
		if have[q.ID] {
			return fail("debrief.json", p+".id", "quantity %q listed twice", q.ID)
		}
		have[q.ID] = true
		if _, ok := quantityGetter(q.ID); !ok {
			return fail("debrief.json", p+".id", "the debrief cannot read %q from the model's outcomes", q.ID)
		}
		if blank(q.Label) || blank(q.Unit) || q.Decimals < 0 || q.Decimals > 3 {
			return fail("debrief.json", p, "quantity %q needs a label, a unit and 0–3 decimals", q.ID)
		}
		if len(q.Periods) == 0 {
			return fail("debrief.json", p+".periods", "quantity %q needs its explanations, period by period", q.ID)
		}
		for j, per := range q.Periods {
			pp := fmt.Sprintf("%s.periods[%d]", p, j)
			from, to := per.span()
			if len(per.Years) < 1 || len(per.Years) > 2 || from > to || from < 1900 {
				return fail("debrief.json", pp+".years", "a period is [year] or [first, last], found %v", per.Years)
			}
			if blank(per.Above) || blank(per.Below) {
				return fail("debrief.json", pp, "quantity %q needs both explanations for %v", q.ID, per.Years)
			}
			for _, text := range []string{per.Above, per.Below} {
				if where, dup := written[text]; dup {
					return fail("debrief.json", pp, "the same explanation is written for %s: each period says something of its own", where)
				}
				written[text] = pp
			}
			if len(per.Events) == 0 {
				return fail("debrief.json", pp+".events", "quantity %q needs the events behind history's figure in %v", q.ID, per.Years)
			}
			for k, id := range per.Events {
				ep := fmt.Sprintf("%s.events[%d]", pp, k)
				if err := event("debrief.json", ep, id); err != nil {
					return err
				}
				ev, _ := history.EventByID(id)
				if !eventWithin(ev, from-1, to) {
					return fail("debrief.json", ep, "event %s (%s) lies outside %d–%d, the period and the year before it", id, ev.Date, from-1, to)
				}
			}
		}
	}
	for _, b := range history.Reference() {
		if !have[b.Quantity] {
			return fail("debrief.json", "quantities", "reference.csv has %q (%s) but the debrief does not explain it", b.Quantity, b.ID)
		}
		qc, _ := c.quantity(b.Quantity)
		from, to, ok := bandYears(b)
		if !ok {
			return fail("debrief.json", "quantities", "reference.csv's %s has a span the debrief cannot read: %q", b.ID, b.Unit)
		}
		per, ok := qc.period(from, to)
		if !ok {
			return fail("debrief.json", "quantities", "quantity %q has no explanation for %s", b.Quantity, yearsText(from, to))
		}
		if len(eventsWithin(per.Events, from-1, to)) == 0 {
			return fail("debrief.json", "quantities", "quantity %q has no event within or just before %s", b.Quantity, yearsText(from, to))
		}
	}
	db := d.Debate
	if blank(db.Intro) || blank(db.Kazakh) || blank(db.Care) || len(db.Positions) == 0 || len(db.Questions) == 0 {
		return fail("debrief.json", "debate", "the debate needs an intro, positions, the Kazakh paragraph, questions and a care note")
	}
	for i, p := range db.Positions {
		if blank(p.Who) || blank(p.Work) || blank(p.View) {
			return fail("debrief.json", fmt.Sprintf("debate.positions[%d]", i), "a position needs who, work and view")
		}
	}
	for i, r := range db.Recognitions {
		if blank(r.Text) {
			return fail("debrief.json", fmt.Sprintf("debate.recognitions[%d]", i), "a recognition needs a text")
		}
		if err := event("debrief.json", fmt.Sprintf("debate.recognitions[%d].event", i), r.Event); err != nil {
			return err
		}
	}
	f := c.Famine
	if blank(f.Note) || blank(f.CompositeLabel) || !strings.Contains(strings.ToLower(f.CompositeLabel), "composite") {
		return fail("famine.json", "", "the note and a compositeLabel that says \"composite\" are required")
	}
	for _, r := range economy.Regions {
		rc, ok := f.Regions[string(r)]
		p := "regions." + string(r)
		if !ok {
			return fail("famine.json", p, "missing region %q", r)
		}
		if blank(rc.Name) || blank(rc.Remember) || blank(rc.Counterfactual) {
			return fail("famine.json", p, "a region needs a name, what history remembers and what a counterfactual room is told")
		}
		if rc.Famine != "" && (rc.From == 0 || rc.To < rc.From) {
			return fail("famine.json", p, "a named famine needs the years it is named for")
		}
		for i, a := range rc.Accounts {
			ap := fmt.Sprintf("%s.accounts[%d]", p, i)
			if blank(a.Title) || blank(a.Text) || a.From == 0 || a.To < a.From {
				return fail("famine.json", ap, "an account needs a title, a text and its years")
			}
			if len(a.Testimony) == 0 {
				return fail("famine.json", ap+".testimony", "an account must point to real testimony")
			}
			for j, req := range a.Requires {
				if problem := checkRequirement(req, a.From); problem != "" {
					return fail("famine.json", fmt.Sprintf("%s.requires[%d]", ap, j), "%s", problem)
				}
			}
		}
	}
	for _, k := range sortedKeys(f.Regions) {
		if !knownRegion(k) {
			return fail("famine.json", "regions."+k, "unknown region %q", k)
		}
	}
	return nil
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

func knownRegion(id string) bool {
	for _, r := range economy.Regions {
		if string(r) == id {
			return true
		}
	}
	return false
}

// period returns the period that explains a quantity in the years from–to: the one that
// covers them all.
func (q QuantityContent) period(from, to int) (PeriodContent, bool) {
	for _, p := range q.Periods {
		if a, b := p.span(); a <= from && to <= b {
			return p, true
		}
	}
	return PeriodContent{}, false
}

// bandYears are the years a band of reference.csv covers: its year, or the span a total
// names in its unit.
func bandYears(b history.Band) (int, int, bool) {
	if _, total := totalQuantities[b.Quantity]; total {
		return spanOf(b.Unit)
	}
	return b.Year, b.Year, true
}

func yearsText(from, to int) string {
	if from == to {
		return fmt.Sprint(from)
	}
	return fmt.Sprintf("%d–%d", from, to)
}

// eventYearRE finds the years in an event's date: "1927–28", "1930-02 → 09", "1930–33".
var eventYearRE = regexp.MustCompile(`(1[89]\d\d|20\d\d)(?:–(\d\d)\b)?`)

// eventYears is the first and last year an event of events.md covers, read from its date.
func eventYears(ev history.Event) (int, int, bool) {
	ms := eventYearRE.FindAllStringSubmatch(ev.Date, -1)
	if len(ms) == 0 {
		return 0, 0, false
	}
	first, _ := strconv.Atoi(ms[0][1])
	last := first
	for _, m := range ms {
		y, _ := strconv.Atoi(m[1])
		if m[2] != "" {
			yy, _ := strconv.Atoi(m[2])
			y = y/100*100 + yy
		}
		last = max(last, y)
	}
	return first, last, true
}

// eventWithin reports whether an event falls, at least in part, in the years from–to.
func eventWithin(ev history.Event, from, to int) bool {
	a, b, ok := eventYears(ev)
	return ok && a <= to && b >= from
}

// eventsWithin returns the events, by id, that fall within the years from–to.
func eventsWithin(ids []string, from, to int) []history.Event {
	out := []history.Event{}
	for _, id := range ids {
		if ev, ok := history.EventByID(id); ok && eventWithin(ev, from, to) {
			out = append(out, ev)
		}
	}
	return out
}

// quantity returns the content entry of a quantity.
func (c *Content) quantity(id string) (QuantityContent, bool) {
	for _, q := range c.Debrief.Quantities {
		if q.ID == id {
			return q, true
		}
	}
	return QuantityContent{}, false
}
