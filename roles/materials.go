package roles

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/classroom-debate/debate/history"
)

// MaterialsFile holds the printable materials beside the game (the /materials page and
// the print pack link to it): for each year a student chronology and source worksheet
// and teacher notes; an editable rubric; a lesson without the simulation built on the
// same cards; and an essay question for after the debrief. Written, not generated.
const MaterialsFile = "materials.json"

// Materials is materials.json, checked at load.
type Materials struct {
	Note        string                  `json:"note"`
	Years       map[string]YearMaterial `json:"years"`
	Rubric      Rubric                  `json:"rubric"`
	Alternative AlternativeLesson       `json:"alternative"`
	Essay       Essay                   `json:"essay"`
}

// YearMaterial is one year's chronology, source worksheet and teacher notes.
type YearMaterial struct {
	Chronology []ChronologyEntry `json:"chronology"`
	Worksheet  Worksheet         `json:"worksheet"`
	Teacher    TeacherNotes      `json:"teacher"`
}

// ChronologyEntry is a dated line of the student chronology, resting on an event row.
type ChronologyEntry struct {
	Date string `json:"date"`
	Text string `json:"text"`
	Cite string `json:"cite"`
}

// Worksheet is a source worksheet: cards a role reads that year and questions on them.
type Worksheet struct {
	Cards     []string `json:"cards"`
	Questions []string `json:"questions"`
}

// TeacherNotes say what history chose and why, the common misconceptions, and how to
// frame the bear-witness actions (reports, letters, testimony) that year.
type TeacherNotes struct {
	History        string   `json:"history"`
	Misconceptions []string `json:"misconceptions"`
	Witness        string   `json:"witness"`
}

// Rubric is an editable rubric exemplar: criteria with one descriptor per level.
type Rubric struct {
	Title    string      `json:"title"`
	Levels   []string    `json:"levels"`
	Criteria []Criterion `json:"criteria"`
}

// Criterion is one row of the rubric.
type Criterion struct {
	Name        string   `json:"name"`
	Descriptors []string `json:"descriptors"`
}

// AlternativeLesson is a lesson on the same cards without playing roles.
type AlternativeLesson struct {
	Title string   `json:"title"`
	Who   string   `json:"who"`
	Steps []string `json:"steps"`
	Cards []string `json:"cards"`
}

// Essay is the essay question for after the debrief.
type Essay struct {
	Question string `json:"question"`
	Guidance string `json:"guidance"`
}

// checkMaterials validates materials.json against the scenario, the cards, the role
// files and package history.
func (c *Content) checkMaterials(m *Materials) error {
	fail := func(path, format string, args ...any) error {
		return &ContentError{File: MaterialsFile, Path: path, Problem: fmt.Sprintf(format, args...)}
	}
	blank := func(s string) bool { return strings.TrimSpace(s) == "" }
	if blank(m.Note) || blank(m.Essay.Question) || blank(m.Essay.Guidance) {
		return fail("", "the note and the essay's question and guidance are required")
	}
	for y := c.sc.FirstYear(); y <= c.sc.LastYear(); y++ {
		key := strconv.Itoa(y)
		ym, ok := m.Years[key]
		p := "years." + key
		if !ok {
			return fail("years", "year %d is missing", y)
		}
		if len(ym.Chronology) < 3 {
			return fail(p+".chronology", "a year's chronology needs at least 3 entries")
		}
		for i, e := range ym.Chronology {
			if blank(e.Date) || blank(e.Text) || !history.Known(e.Cite) || !strings.HasPrefix(e.Cite, "event:") {
				return fail(fmt.Sprintf("%s.chronology[%d]", p, i), "an entry needs a date, a text and a cited event row (got %q)", e.Cite)
			}
		}
		if len(ym.Worksheet.Cards) < 2 || len(ym.Worksheet.Questions) < 3 {
			return fail(p+".worksheet", "a worksheet needs at least 2 cards and 3 questions")
		}
		for i, id := range ym.Worksheet.Cards {
			if !c.cardShownIn(id, y) {
				return fail(fmt.Sprintf("%s.worksheet.cards[%d]", p, i), "card %q is not one a role reads in %d", id, y)
			}
		}
		t := ym.Teacher
		if blank(t.History) || blank(t.Witness) || len(t.Misconceptions) == 0 {
			return fail(p+".teacher", "teacher notes need what history chose, misconceptions and how to frame bearing witness")
		}
	}
	for key := range m.Years {
		if y, err := strconv.Atoi(key); err != nil || y < c.sc.FirstYear() || y > c.sc.LastYear() {
			return fail("years."+key, "not a year of the scenario")
		}
	}
	r := m.Rubric
	if blank(r.Title) || len(r.Levels) < 3 || len(r.Criteria) < 3 {
		return fail("rubric", "a rubric needs a title, at least 3 levels and 3 criteria")
	}
	for i, cr := range r.Criteria {
		if blank(cr.Name) || len(cr.Descriptors) != len(r.Levels) || slices.ContainsFunc(cr.Descriptors, blank) {
			return fail(fmt.Sprintf("rubric.criteria[%d]", i), "criterion %q needs a descriptor for each of the %d levels", cr.Name, len(r.Levels))
		}
	}
	a := m.Alternative
	if blank(a.Title) || blank(a.Who) || len(a.Steps) < 3 || len(a.Cards) < 5 {
		return fail("alternative", "the alternative lesson needs a title, who it is for, at least 3 steps and 5 cards")
	}
	for i, id := range a.Cards {
		if c.cards[id] == nil {
			return fail(fmt.Sprintf("alternative.cards[%d]", i), "dangling card id %q", id)
		}
	}
	c.materials = m
	return nil
}

// cardShownIn says whether some role reads the card in year y.
func (c *Content) cardShownIn(id string, y int) bool {
	for _, rf := range c.roles {
		if ye, ok := rf.Years[strconv.Itoa(y)]; ok && slices.Contains(ye.Cards, id) {
			return true
		}
	}
	return false
}

// Materials returns the printable materials.
func (c *Content) Materials() *Materials { return c.materials }
