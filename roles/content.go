package roles

// Role content: the five role files, the evidence cards and the glossary under content/,
// embedded and validated at load. The files are data; this file only reads and checks them.
//
// A role file (content/<role>.json) holds the role's name, who they are, a plain summary,
// the fates a player of the role can be in and from which year, the goals and how they
// score, role-wide path slots, and for every scenario year the briefing slots, the
// plain-language summary, the evidence cards (by id, from cards.json) and hints keyed by
// the scenario's action ids. Briefing text is assembled from slots; see briefing.go for
// the condition vocabulary that chooses among a slot's variants.

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/history"
)

//go:embed content/*.json
var contentFiles embed.FS

// The content files besides one file per role.
const (
	CardsFile    = "cards.json"
	GlossaryFile = "glossary.json"
)

// MinCards and MaxCards bound the evidence cards of one role in one year.
const (
	MinCards = 3
	MaxCards = 5
)

// Provenances are the labels an evidence card may carry: where its claim comes from. A
// figure the regime published and later research rejects is a "regime's claim"; official
// figures the project knows only through a partisan writer say so; a story put together
// from several testimonies is a "composite of testimony", never an eyewitness report.
var Provenances = []string{
	"official statistics", "census", "party resolution", "law or decree", "speech",
	"archival document", "eyewitness report", "press report", "historian's estimate",
	"historian's account", "demographers' estimate", "advocacy group's figures",
	"parliamentary resolution", "historians' debate", "regime's claim",
	"official figure and later estimates", "official statistics via a partisan writer",
	"composite of testimony", "memoir",
}

// Badges are the kinds of evidence a card's badge tells apart at a glance, each with its
// own look and its own message key ("prov." + badge) in the browser catalogue: a student
// must see that a regime's claim, a composite or an advocate's figure is not a record.
var Badges = []string{BadgeRecord, BadgeRegimeClaim, BadgePropaganda, BadgeComposite, BadgeEstimate, BadgeAdvocacy, BadgeMemoir}

// The badge ids.
const (
	BadgeRecord      = "record"      // a document, a statistic, a law or a report of the time
	BadgeRegimeClaim = "regimeClaim" // the regime's own figures, which later research rejects
	BadgePropaganda  = "propaganda"  // a text made to persuade, marked propaganda on the card
	BadgeComposite   = "composite"   // a story put together from several testimonies
	BadgeEstimate    = "estimate"    // historians' or demographers' estimates, accounts and debates
	BadgeAdvocacy    = "advocacy"    // figures that come to us through a group or writer with a cause
	BadgeMemoir      = "memoir"      // one person's recollection, written later
)

// provenanceBadge is the badge of each provenance (every provenance has one; a test
// checks that). A card marked propaganda is badged so whatever its provenance.
var provenanceBadge = map[string]string{
	"official statistics": BadgeRecord, "census": BadgeRecord, "party resolution": BadgeRecord,
	"law or decree": BadgeRecord, "speech": BadgeRecord, "archival document": BadgeRecord,
	"eyewitness report": BadgeRecord, "press report": BadgeRecord, "parliamentary resolution": BadgeRecord,
	"historian's estimate": BadgeEstimate, "historian's account": BadgeEstimate,
	"demographers' estimate": BadgeEstimate, "historians' debate": BadgeEstimate,
	"official figure and later estimates":       BadgeEstimate,
	"regime's claim":                            BadgeRegimeClaim,
	"advocacy group's figures":                  BadgeAdvocacy,
	"official statistics via a partisan writer": BadgeAdvocacy,
	"composite of testimony":                    BadgeComposite,
	"memoir":                                    BadgeMemoir,
}

// BadgeOf returns the badge a card with this provenance carries ("" for an unknown
// provenance, which Load refuses).
func BadgeOf(provenance string, propaganda bool) string {
	if propaganda {
		return BadgePropaganda
	}
	return provenanceBadge[provenance]
}

// Provenance labels that carry a warning the card's text must repeat (see the tests).
const (
	provRegimeClaim = "regime's claim"
	provPartisan    = "official statistics via a partisan writer"
	provComposite   = "composite of testimony"
)

// Profile is what a role is: shown on the role card and in the teacher's preview.
type Profile struct {
	ID      string     `json:"id"`
	Name    string     `json:"name"`
	Who     string     `json:"who"`
	Summary string     `json:"summary"`
	Fates   []FateSpec `json:"fates,omitempty"`
	Goals   []Goal     `json:"goals"`
}

// FateSpec is a fate a player of the role can be in, from a year on.
type FateSpec struct {
	ID    string `json:"id"`
	From  int    `json:"from"`
	Label string `json:"label"`
}

// Goal is one of a role's goals. The scoring package reads goals by id; Scoring says in
// plain words how the goal counts. No goal rewards deaths, deportations or hunger.
type Goal struct {
	ID      string `json:"id"`
	Text    string `json:"text"`
	Scoring string `json:"scoring"`
}

// Card is an evidence card: what a source says, in our words, with the history rows it
// rests on (history ids), where it comes from and whether it is propaganda. A graphic card
// has a non-graphic Alt text shown unless the teacher turns graphic material on.
type Card struct {
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	Text       string   `json:"text"`
	Cites      []string `json:"cites"`
	Provenance string   `json:"provenance"`
	Propaganda bool     `json:"propaganda,omitempty"`
	// Badge is derived from Provenance and Propaganda at load (BadgeOf); the file never
	// sets it.
	Badge   string `json:"badge"`
	Graphic bool   `json:"graphic,omitempty"`
	Alt     string `json:"alt,omitempty"`
}

// Term is a glossary entry. Text marks a term as [[id]] or [[id|shown words]]; Aliases
// are other forms (plurals, Russian spellings) found in unmarked text such as the
// scenario's decisions and actions. A General term is defined for reference even when no
// text uses it.
type Term struct {
	ID         string   `json:"id"`
	Term       string   `json:"term"`
	Aliases    []string `json:"aliases,omitempty"`
	Definition string   `json:"definition"`
	Related    []string `json:"related,omitempty"`
	General    bool     `json:"general,omitempty"`
}

// roleFile is the JSON form of one role file.
type roleFile struct {
	ID      string                `json:"id"`
	Name    string                `json:"name"`
	Who     string                `json:"who"`
	Summary string                `json:"summary"`
	Fates   []FateSpec            `json:"fates"`
	Goals   []Goal                `json:"goals"`
	Paths   []slot                `json:"paths"`
	Years   map[string]*yearEntry `json:"years"`
}

// yearEntry is one year of a role file.
type yearEntry struct {
	Briefing []slot          `json:"briefing"`
	Summary  []variant       `json:"summary"`
	Cards    []string        `json:"cards"`
	Hints    map[string]hint `json:"hints"`

	core  []*slot // the year's own slots, in order
	paths []*slot // the role's path slots with this year's overrides, in order
}

// slot is a place in a briefing filled by the first of its variants whose conditions all
// hold, or left out when none does. A Required slot must end with a variant without
// conditions, so it is always filled.
type slot struct {
	ID       string    `json:"id"`
	Required bool      `json:"required"`
	Variants []variant `json:"variants"`
}

// variant is one written paragraph with the conditions under which it is chosen. A
// graphic variant carries a non-graphic Alt.
type variant struct {
	When    []string `json:"when"`
	Text    string   `json:"text"`
	Graphic bool     `json:"graphic"`
	Alt     string   `json:"alt"`

	words, altWords int // counted at load
}

// hint is an action's hint for a year: a plain string, or variants with conditions like a
// briefing slot's ("when"), so a hint about a decree can say something else in a room
// whose teacher switched the decree off. The first variant that holds is shown.
type hint []variant

func (h *hint) UnmarshalJSON(b []byte) error {
	var text string
	if err := json.Unmarshal(b, &text); err == nil {
		*h = hint{{Text: text}}
		return nil
	}
	var vs []variant
	if err := json.Unmarshal(b, &vs); err != nil {
		return fmt.Errorf("a hint is a string or a list of variants: %w", err)
	}
	*h = vs
	return nil
}

// text is the hint on path p: the first variant whose conditions hold, or "".
func (h hint) text(p Path) string {
	for _, v := range h {
		if holdsAll(p, v.When) {
			return v.Text
		}
	}
	return ""
}

type glossaryFile struct {
	Terms []Term `json:"terms"`
}

type cardsFile struct {
	Cards []Card `json:"cards"`
}

// Content is the loaded, validated role content. It is never changed after Load; share
// it freely between goroutines.
type Content struct {
	sc        *economy.Scenario
	roles     map[string]*roleFile
	cards     map[string]*Card
	order     []string // card ids in file order
	terms     map[string]*Term
	termList  []string         // term ids in file order
	years     map[int]yearText // years.json
	materials *Materials       // materials.json
}

// ContentError says what is wrong with a content file: the file, the JSON path inside it
// and the problem.
type ContentError struct {
	File    string
	Path    string
	Problem string
}

func (e *ContentError) Error() string {
	if e.Path == "" {
		return "roles/content/" + e.File + ": " + e.Problem
	}
	return "roles/content/" + e.File + ": " + e.Path + ": " + e.Problem
}

var (
	defaultOnce    sync.Once
	defaultContent *Content
	defaultErr     error
)

// DefaultContent returns the embedded content checked against economy.Default(). A test
// guarantees that it loads; callers still get the error rather than a panic.
func DefaultContent() (*Content, error) {
	defaultOnce.Do(func() {
		sub, err := fs.Sub(contentFiles, "content")
		if err != nil {
			defaultErr = err
			return
		}
		defaultContent, defaultErr = Load(sub, economy.Default())
	})
	return defaultContent, defaultErr
}

// Load reads and validates the content in fsys (one file per role id, cards.json and
// glossary.json) against the scenario sc: every year of the scenario must be present for
// every role, every citation must resolve in package history, every action hint must name
// an action open to the role's faction that year, every marked glossary term must be
// defined. The first problem found is returned as a *ContentError.
func Load(fsys fs.FS, sc *economy.Scenario) (*Content, error) {
	c := &Content{sc: sc, roles: map[string]*roleFile{}, cards: map[string]*Card{}, terms: map[string]*Term{}}
	var gf glossaryFile
	if err := decodeFile(fsys, GlossaryFile, &gf); err != nil {
		return nil, err
	}
	if err := c.addGlossary(gf); err != nil {
		return nil, err
	}
	var cf cardsFile
	if err := decodeFile(fsys, CardsFile, &cf); err != nil {
		return nil, err
	}
	if err := c.addCards(cf); err != nil {
		return nil, err
	}
	for _, id := range IDs {
		name := id + ".json"
		rf := &roleFile{}
		if err := decodeFile(fsys, name, rf); err != nil {
			return nil, err
		}
		if err := c.checkRole(name, id, rf); err != nil {
			return nil, err
		}
		c.roles[id] = rf
	}
	var yf yearsFile
	if err := decodeFile(fsys, YearsFile, &yf); err != nil {
		return nil, err
	}
	if err := c.checkYears(yf); err != nil {
		return nil, err
	}
	var m Materials
	if err := decodeFile(fsys, MaterialsFile, &m); err != nil {
		return nil, err
	}
	if err := c.checkMaterials(&m); err != nil {
		return nil, err
	}
	return c, nil
}

// decodeFile reads one JSON file strictly: syntax errors by line, then unknown fields and
// wrong types by JSON path, then the typed decode.
func decodeFile(fsys fs.FS, name string, into any) error {
	raw, err := fs.ReadFile(fsys, name)
	if err != nil {
		return &ContentError{File: name, Problem: "cannot read the file: " + err.Error()}
	}
	var generic any
	if err := json.Unmarshal(raw, &generic); err != nil {
		path := ""
		if se, ok := err.(*json.SyntaxError); ok && se.Offset <= int64(len(raw)) {
			path = "line " + strconv.Itoa(bytes.Count(raw[:se.Offset], []byte("\n"))+1)
		}
		return &ContentError{File: name, Path: path, Problem: "not valid JSON: " + err.Error()}
	}
	if path, problem := shapeCheck(generic, reflect.TypeOf(into).Elem(), ""); problem != "" {
		return &ContentError{File: name, Path: path, Problem: problem}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		return &ContentError{File: name, Problem: "not valid content JSON: " + err.Error()}
	}
	return nil
}

// shapeCheck walks decoded JSON against a Go type and names the first unknown field or
// wrongly typed value by its JSON path, which encoding/json's own errors do not.
func shapeCheck(v any, t reflect.Type, path string) (string, string) {
	where := path
	if where == "" {
		where = "(top)"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if v == nil {
		return "", ""
	}
	if _, plain := v.(string); plain && t == reflect.TypeOf(hint{}) {
		return "", "" // a hint may be a plain string (see hint.UnmarshalJSON)
	}
	switch t.Kind() {
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return where, "expected an object"
		}
		fields := map[string]reflect.StructField{}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := strings.Split(f.Tag.Get("json"), ",")[0]
			if tag == "" || tag == "-" || !f.IsExported() {
				continue
			}
			fields[tag] = f
		}
		for _, k := range sortedStrings(m) {
			f, ok := fields[k]
			if !ok {
				known := make([]string, 0, len(fields))
				for n := range fields {
					known = append(known, n)
				}
				sort.Strings(known)
				return join(path, k), fmt.Sprintf("unknown field %q; the fields are %s", k, strings.Join(known, ", "))
			}
			if p, pr := shapeCheck(m[k], f.Type, join(path, k)); pr != "" {
				return p, pr
			}
		}
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok {
			return where, "expected an object"
		}
		for _, k := range sortedStrings(m) {
			if p, pr := shapeCheck(m[k], t.Elem(), join(path, k)); pr != "" {
				return p, pr
			}
		}
	case reflect.Slice:
		s, ok := v.([]any)
		if !ok {
			return where, "expected a list"
		}
		for i, e := range s {
			if p, pr := shapeCheck(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); pr != "" {
				return p, pr
			}
		}
	case reflect.String:
		if _, ok := v.(string); !ok {
			return where, "expected a string"
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			return where, "expected true or false"
		}
	case reflect.Int:
		f, ok := v.(float64)
		if !ok || f != float64(int(f)) {
			return where, "expected a whole number"
		}
	}
	return "", ""
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func sortedStrings[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func (c *Content) addGlossary(gf glossaryFile) error {
	fail := func(path, format string, args ...any) error {
		return &ContentError{File: GlossaryFile, Path: path, Problem: fmt.Sprintf(format, args...)}
	}
	if len(gf.Terms) == 0 {
		return fail("terms", "the glossary has no terms")
	}
	for i, t := range gf.Terms {
		p := fmt.Sprintf("terms[%d]", i)
		if !validID(t.ID) {
			return fail(p+".id", "term id %q must be lower-case letters, digits and hyphens", t.ID)
		}
		if c.terms[t.ID] != nil {
			return fail(p+".id", "duplicate term id %q", t.ID)
		}
		if strings.TrimSpace(t.Term) == "" || strings.TrimSpace(t.Definition) == "" {
			return fail(p, "term %q needs a term and a definition", t.ID)
		}
		if strings.Contains(t.Definition, "[[") {
			return fail(p+".definition", "definitions are plain text; link related terms with \"related\"")
		}
		t := t
		c.terms[t.ID] = &t
		c.termList = append(c.termList, t.ID)
	}
	for i, t := range gf.Terms {
		for j, r := range t.Related {
			if c.terms[r] == nil {
				return fail(fmt.Sprintf("terms[%d].related[%d]", i, j), "dangling id %q: no such glossary term", r)
			}
		}
	}
	return nil
}

var provenanceSet = func() map[string]bool {
	m := map[string]bool{}
	for _, p := range Provenances {
		m[p] = true
	}
	return m
}()

func (c *Content) addCards(cf cardsFile) error {
	fail := func(path, format string, args ...any) error {
		return &ContentError{File: CardsFile, Path: path, Problem: fmt.Sprintf(format, args...)}
	}
	for i, card := range cf.Cards {
		p := fmt.Sprintf("cards[%d]", i)
		if !validID(card.ID) {
			return fail(p+".id", "card id %q must be lower-case letters, digits and hyphens", card.ID)
		}
		if c.cards[card.ID] != nil {
			return fail(p+".id", "duplicate card id %q", card.ID)
		}
		if strings.TrimSpace(card.Title) == "" || strings.TrimSpace(card.Text) == "" {
			return fail(p, "card %q needs a title and a text", card.ID)
		}
		if len(card.Cites) == 0 {
			return fail(p+".cites", "card %q cites nothing; every card rests on at least one history row", card.ID)
		}
		for j, id := range card.Cites {
			if !history.Known(id) {
				return fail(fmt.Sprintf("%s.cites[%d]", p, j), "dangling citation %q: no such row or event in package history", id)
			}
		}
		if !provenanceSet[card.Provenance] {
			return fail(p+".provenance", "unknown provenance %q; use one of: %s", card.Provenance, strings.Join(Provenances, "; "))
		}
		if card.Badge != "" {
			return fail(p+".badge", "card %q sets its badge; the badge is derived from its provenance", card.ID)
		}
		card.Badge = BadgeOf(card.Provenance, card.Propaganda)
		if card.Graphic && strings.TrimSpace(card.Alt) == "" {
			return fail(p+".alt", "graphic card %q needs a non-graphic alt text", card.ID)
		}
		if !card.Graphic && card.Alt != "" {
			return fail(p+".alt", "card %q has an alt text but is not marked graphic", card.ID)
		}
		for _, field := range []struct{ name, text string }{{"text", card.Text}, {"alt", card.Alt}, {"title", card.Title}} {
			if err := c.checkMarkup(field.text); err != "" {
				return fail(p+"."+field.name, "%s", err)
			}
		}
		card := card
		c.cards[card.ID] = &card
		c.order = append(c.order, card.ID)
	}
	return nil
}

func knownFate(id string) bool {
	for _, f := range FateIDs {
		if f == id {
			return true
		}
	}
	return false
}

func validID(id string) bool {
	if id == "" {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// checkMarkup returns a problem when a [[term]] is malformed or not in the glossary.
func (c *Content) checkMarkup(text string) string {
	marks, err := parseMarks(text)
	if err != "" {
		return err
	}
	for _, m := range marks {
		if c.terms[m.id] == nil {
			return fmt.Sprintf("glossary term %q is marked but not defined in %s", m.id, GlossaryFile)
		}
	}
	return ""
}

func (c *Content) checkRole(file, id string, rf *roleFile) error {
	fail := func(path, format string, args ...any) error {
		return &ContentError{File: file, Path: path, Problem: fmt.Sprintf(format, args...)}
	}
	if rf.ID != id {
		return fail("id", "the file of role %q says id %q", id, rf.ID)
	}
	for _, f := range []struct{ name, val string }{{"name", rf.Name}, {"who", rf.Who}, {"summary", rf.Summary}} {
		if strings.TrimSpace(f.val) == "" {
			return fail(f.name, "role %q needs a %s", id, f.name)
		}
		if e := c.checkMarkup(f.val); e != "" {
			return fail(f.name, "%s", e)
		}
	}
	faction, plays := Faction(id)
	// Fates: only the ones package roles knows, and the initial fate from the first year.
	seenFate := map[string]bool{}
	for i, f := range rf.Fates {
		p := fmt.Sprintf("fates[%d]", i)
		if !knownFate(f.ID) {
			return fail(p+".id", "unknown fate %q; the fates are %s", f.ID, strings.Join(FateIDs, ", "))
		}
		if seenFate[f.ID] {
			return fail(p+".id", "duplicate fate %q", f.ID)
		}
		seenFate[f.ID] = true
		if f.From < c.sc.FirstYear() || f.From > c.sc.LastYear() {
			return fail(p+".from", "year %d is outside the scenario's %d–%d", f.From, c.sc.FirstYear(), c.sc.LastYear())
		}
		if strings.TrimSpace(f.Label) == "" {
			return fail(p+".label", "fate %q needs a label", f.ID)
		}
	}
	if init := InitialFate(id); init != "" && !seenFate[init] {
		return fail("fates", "role %q starts as %q, so its fates must list it", id, init)
	}
	// Goals.
	if len(rf.Goals) == 0 {
		return fail("goals", "role %q has no goals", id)
	}
	seenGoal := map[string]bool{}
	for i, g := range rf.Goals {
		p := fmt.Sprintf("goals[%d]", i)
		if !validID(g.ID) || !strings.HasPrefix(g.ID, id+"-") {
			return fail(p+".id", "goal id %q must start with %q and use lower-case letters, digits and hyphens", g.ID, id+"-")
		}
		if seenGoal[g.ID] {
			return fail(p+".id", "duplicate goal id %q", g.ID)
		}
		seenGoal[g.ID] = true
		if strings.TrimSpace(g.Text) == "" || strings.TrimSpace(g.Scoring) == "" {
			return fail(p, "goal %q needs a text and a scoring note", g.ID)
		}
	}
	// Role-wide path slots.
	for i := range rf.Paths {
		if err := c.checkSlot(file, fmt.Sprintf("paths[%d]", i), &rf.Paths[i], rf, faction); err != nil {
			return err
		}
	}
	// Years: exactly the scenario's.
	for y := c.sc.FirstYear(); y <= c.sc.LastYear(); y++ {
		if rf.Years[strconv.Itoa(y)] == nil {
			return fail("years."+strconv.Itoa(y), "missing year %d: every role needs every year of the scenario", y)
		}
	}
	for _, key := range sortedStrings(rf.Years) {
		y, err := strconv.Atoi(key)
		p := "years." + key
		if err != nil || y < c.sc.FirstYear() || y > c.sc.LastYear() {
			return fail(p, "%q is not a year of the scenario (%d–%d)", key, c.sc.FirstYear(), c.sc.LastYear())
		}
		ye := rf.Years[key]
		if len(ye.Briefing) == 0 {
			return fail(p+".briefing", "year %d has no briefing", y)
		}
		seenSlot := map[string]bool{}
		for i := range ye.Briefing {
			sp := fmt.Sprintf("%s.briefing[%d]", p, i)
			if seenSlot[ye.Briefing[i].ID] {
				return fail(sp+".id", "duplicate slot id %q", ye.Briefing[i].ID)
			}
			seenSlot[ye.Briefing[i].ID] = true
			if err := c.checkSlot(file, sp, &ye.Briefing[i], rf, faction); err != nil {
				return err
			}
		}
		if !ye.Briefing[0].Required {
			return fail(p+".briefing[0].required", "the first slot is the year's fixed core and must be required")
		}
		ye.core, ye.paths = resolveSlots(rf.Paths, ye.Briefing)
		summary := slot{ID: "summary", Required: true, Variants: ye.Summary}
		if err := c.checkSlot(file, p+".summary", &summary, rf, faction); err != nil {
			return err
		}
		ye.Summary = summary.Variants
		if n := len(ye.Cards); n < MinCards || n > MaxCards {
			return fail(p+".cards", "year %d has %d evidence cards; a role needs %d to %d a year", y, n, MinCards, MaxCards)
		}
		seenCard := map[string]bool{}
		for i, cid := range ye.Cards {
			if c.cards[cid] == nil {
				return fail(fmt.Sprintf("%s.cards[%d]", p, i), "dangling id %q: no such card in %s", cid, CardsFile)
			}
			if seenCard[cid] {
				return fail(fmt.Sprintf("%s.cards[%d]", p, i), "card %q is listed twice", cid)
			}
			seenCard[cid] = true
		}
		yr, _ := c.sc.Year(y)
		for _, aid := range sortedStrings(ye.Hints) {
			hp := p + ".hints." + aid
			if !plays {
				return fail(hp, "role %q takes no actions, so it has no action hints", id)
			}
			a, ok := yr.Action(aid)
			if !ok {
				return fail(hp, "dangling id %q: no such action open in %d in the scenario", aid, y)
			}
			if a.Faction != faction {
				return fail(hp, "action %q belongs to faction %q, not to role %q", aid, a.Faction, id)
			}
			if len(ye.Hints[aid]) == 0 {
				return fail(hp, "empty hint")
			}
			for i, v := range ye.Hints[aid] {
				vp := fmt.Sprintf("%s[%d]", hp, i)
				if strings.TrimSpace(v.Text) == "" {
					return fail(vp, "empty hint")
				}
				if v.Graphic || v.Alt != "" {
					return fail(vp, "a hint is never graphic")
				}
				if e := c.checkMarkup(v.Text); e != "" {
					return fail(vp, "%s", e)
				}
				for _, cond := range v.When {
					if prob := c.checkCondition(cond, rf, faction); prob != "" {
						return fail(vp, "%s", prob)
					}
				}
			}
		}
	}
	return nil
}

// resolveSlots splits a year's slots into its own (in order) and the role's path slots
// with the year's overrides put in their place.
func resolveSlots(paths, year []slot) (own, resolved []*slot) {
	override := map[string]*slot{}
	isPath := map[string]bool{}
	for i := range paths {
		isPath[paths[i].ID] = true
	}
	for i := range year {
		if isPath[year[i].ID] {
			override[year[i].ID] = &year[i]
			continue
		}
		own = append(own, &year[i])
	}
	for i := range paths {
		s := &paths[i]
		if o, ok := override[s.ID]; ok {
			s = o
		}
		resolved = append(resolved, s)
	}
	return own, resolved
}

func (c *Content) checkSlot(file, p string, s *slot, rf *roleFile, faction economy.Faction) error {
	fail := func(path, format string, args ...any) error {
		return &ContentError{File: file, Path: path, Problem: fmt.Sprintf(format, args...)}
	}
	if s.ID != "summary" && !validID(s.ID) {
		return fail(p+".id", "slot id %q must be lower-case letters, digits and hyphens", s.ID)
	}
	if s.Required && len(s.Variants) == 0 {
		return fail(p+".variants", "a required slot needs at least one variant")
	}
	for i := range s.Variants {
		v := &s.Variants[i]
		vp := fmt.Sprintf("%s.variants[%d]", p, i)
		if s.ID == "summary" {
			vp = fmt.Sprintf("%s[%d]", p, i)
		}
		if strings.TrimSpace(v.Text) == "" {
			return fail(vp+".text", "empty paragraph")
		}
		for j, cond := range v.When {
			if prob := c.checkCondition(cond, rf, faction); prob != "" {
				return fail(fmt.Sprintf("%s.when[%d]", vp, j), "%s", prob)
			}
		}
		if v.Graphic && strings.TrimSpace(v.Alt) == "" {
			return fail(vp+".alt", "a graphic paragraph needs a non-graphic alt text")
		}
		if !v.Graphic && v.Alt != "" {
			return fail(vp+".alt", "an alt text belongs only to a paragraph marked graphic")
		}
		if e := c.checkMarkup(v.Text); e != "" {
			return fail(vp+".text", "%s", e)
		}
		if e := c.checkMarkup(v.Alt); e != "" {
			return fail(vp+".alt", "%s", e)
		}
		v.words = c.WordCount(v.Text)
		v.altWords = c.WordCount(v.Alt)
	}
	if s.Required && len(s.Variants[len(s.Variants)-1].When) != 0 {
		return fail(fmt.Sprintf("%s.variants[%d].when", p, len(s.Variants)-1), "slot %q is required, so its last variant must have no conditions", s.ID)
	}
	return nil
}
