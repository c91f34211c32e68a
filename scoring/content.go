package scoring

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
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
// history's band, with the events behind history's figure.
type QuantityContent struct {
	ID       string   `json:"id"`
	Label    string   `json:"label"`
	Unit     string   `json:"unit"`
	Decimals int      `json:"decimals"`
	Famine   bool     `json:"famine,omitempty"` // deaths: shown as ranges
	Above    string   `json:"above"`
	Below    string   `json:"below"`
	Events   []string `json:"events"`
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
	Name     string           `json:"name"`
	Famine   string           `json:"famine"` // the famine's own name, used in its years (From–To)
	From     int              `json:"from"`
	To       int              `json:"to"`
	Remember string           `json:"remember"`
	Accounts []AccountContent `json:"accounts"`
}

// AccountContent is a composite account, told in the first year From–To in which the
// region has famine.
type AccountContent struct {
	Title     string   `json:"title"`
	From      int      `json:"from"`
	To        int      `json:"to"`
	Text      string   `json:"text"`
	Testimony []string `json:"testimony"`
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
	for i, q := range d.Quantities {
		p := fmt.Sprintf("quantities[%d]", i)
		if have[q.ID] {
			return fail("debrief.json", p+".id", "quantity %q listed twice", q.ID)
		}
		have[q.ID] = true
		if _, ok := quantityGetter(q.ID); !ok {
			return fail("debrief.json", p+".id", "the debrief cannot read %q from the model's outcomes", q.ID)
		}
		if blank(q.Label) || blank(q.Unit) || blank(q.Above) || blank(q.Below) || q.Decimals < 0 || q.Decimals > 3 {
			return fail("debrief.json", p, "quantity %q needs a label, a unit, 0–3 decimals and both explanations", q.ID)
		}
		if len(q.Events) == 0 {
			return fail("debrief.json", p+".events", "quantity %q needs the events behind history's figure", q.ID)
		}
		for j, id := range q.Events {
			if err := event("debrief.json", fmt.Sprintf("%s.events[%d]", p, j), id); err != nil {
				return err
			}
		}
	}
	for _, b := range history.Reference() {
		if !have[b.Quantity] {
			return fail("debrief.json", "quantities", "reference.csv has %q (%s) but the debrief does not explain it", b.Quantity, b.ID)
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
		if blank(rc.Name) || blank(rc.Remember) {
			return fail("famine.json", p, "a region needs a name and what history remembers")
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

// quantity returns the content entry of a quantity.
func (c *Content) quantity(id string) (QuantityContent, bool) {
	for _, q := range c.Debrief.Quantities {
		if q.ID == id {
			return q, true
		}
	}
	return QuantityContent{}, false
}
