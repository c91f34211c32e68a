package i18n_test

import (
	"go/ast"
	"go/token"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/i18n"
	"github.com/classroom-debate/debate/internal/gosource"
	"github.com/classroom-debate/debate/roles"
)

func TestT(t *testing.T) {
	tests := []struct {
		lang, key string
		args      []any
		want      string
	}{
		{"en", "phase.vote", nil, "Vote"},
		{"en-GB", "phase.debate", nil, "Debate"},       // base language
		{"fr", "phase.briefing", nil, "Briefing"},      // no catalogue: the default
		{"en", "label.year", []any{1932}, "Year 1932"}, // arguments
		{"en", "stepOut.teacher", []any{"Sasha"}, "Sasha has stepped out of role."},
		{"en", "no.such.key", nil, "no.such.key"}, // visible, not blank
	}
	for _, tt := range tests {
		if got := i18n.T(tt.lang, tt.key, tt.args...); got != tt.want {
			t.Errorf("T(%q, %q, %v) = %q, want %q", tt.lang, tt.key, tt.args, got, tt.want)
		}
	}
	if got := i18n.Catalogue("en-US")["phase.debrief"]; got != "Debrief" {
		t.Errorf("Catalogue(en-US) phase.debrief = %q", got)
	}
	if langs := i18n.Languages(); len(langs) == 0 || langs[0] != i18n.Default && !contains(langs, i18n.Default) {
		t.Errorf("Languages() = %v", langs)
	}
}

func contains(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}

// TestRequiredKeys: the keys the server and client build from ids exist for every id.
func TestRequiredKeys(t *testing.T) {
	var keys []string
	// Phases (room.Phase values; listed here so this test does not depend on package room).
	for _, p := range []string{"lobby", "briefing", "debate", "vote", "resolution", "debrief"} {
		keys = append(keys, "phase."+p, "phase."+p+".help")
	}
	for _, id := range roles.IDs {
		keys = append(keys, "role."+id+".name")
	}
	for _, f := range roles.FateIDs {
		keys = append(keys, "fate."+f)
	}
	for _, r := range economy.Regions {
		keys = append(keys, "region."+string(r))
	}
	for _, c := range []fault.Code{fault.Malformed, fault.UnknownType, fault.TooLarge, fault.Invalid, fault.BadNickname,
		fault.NotFound, fault.Unauthorized, fault.Forbidden, fault.WrongPhase, fault.Conflict, fault.RoomFull,
		fault.RoomLocked, fault.RateLimited, fault.Unavailable, fault.Internal, fault.VersionNeeded, fault.UnsupportedMedia} {
		keys = append(keys, "error."+string(c))
	}
	keys = append(keys, "contentNote.title", "contentNote.body", "contentNote.short", "setting.graphic",
		"button.stepOut", "stepOut.confirm", "deroling.title", "deroling.body", "exitTicket.prompt1", "exitTicket.prompt2",
		"button.endLesson", "button.report", "label.propaganda", "label.composite")
	for _, k := range keys {
		if !i18n.Has(k) {
			t.Errorf("catalogue %s.json lacks %q", i18n.Default, k)
		}
	}
}

// TestNamesMatchContent: the interface's role and region names are the ones the role
// content and the scenario use.
func TestNamesMatchContent(t *testing.T) {
	c, err := roles.DefaultContent()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range roles.IDs {
		p, _ := c.Profile(id)
		if got := i18n.T("en", "role."+id+".name"); got != p.Name {
			t.Errorf("role %s: catalogue %q, content %q", id, got, p.Name)
		}
	}
	sc := economy.Default()
	for _, r := range economy.Regions {
		// The catalogue capitalises a name that starts a label ("The Volga").
		if got, want := i18n.T("en", "region."+string(r)), sc.RegionData[r].Name; !strings.EqualFold(got, want) {
			t.Errorf("region %s: catalogue %q, scenario %q", r, got, want)
		}
	}
}

// TestRestAverageMatchesTheScenario: the year report's warning by the rest of the USSR's
// range gives the region's size as the scenario has it, names the grain provinces the
// average hides, and says what the scenario's stated assumption says.
func TestRestAverageMatchesTheScenario(t *testing.T) {
	msg := i18n.T("en", "report.restAverage")
	sc := economy.Default()
	size := strconv.FormatFloat(math.Round(sc.RegionData[economy.Rest].RuralPopM), 'f', 0, 64) + " million"
	if !strings.Contains(msg, size) {
		t.Errorf("report.restAverage does not give the rest's %s country people: %q", size, msg)
	}
	var stated string
	for _, a := range sc.Assumptions() {
		if a.ID == "rest-average" {
			stated = a.Text
		}
	}
	if stated == "" {
		t.Fatal("the scenario states no assumption rest-average for the report's warning to match")
	}
	for _, place := range []string{"Central Black Earth", "Urals", "Western Siberia"} {
		if !strings.Contains(msg, place) || !strings.Contains(stated, place) {
			t.Errorf("%q is missing from the report's warning (%q) or the stated assumption (%q)", place, msg, stated)
		}
	}
	if !strings.Contains(stated, size) {
		t.Errorf("the stated assumption does not give the rest's %s country people: %q", size, stated)
	}
}

// TestContentNote: the note says what the game is about and what it involves, that no one
// votes to persecute, and that anyone may step out of role.
func TestContentNote(t *testing.T) {
	body := strings.ToLower(i18n.T("en", "contentNote.body") + " " + i18n.T("en", "contentNote.short"))
	for _, must := range []string{"collectivisation", "famine", "deport", "never vote to persecute", "step out of role", "holodomor", "asharshylyk"} {
		if !strings.Contains(body, must) {
			t.Errorf("the content note does not mention %q", must)
		}
	}
	for _, wrong := range []string{"motor tractor", "1933 alone", "the caucasus", "demoted"} {
		if strings.Contains(body, wrong) {
			t.Errorf("the content note repeats a seed error: %q", wrong)
		}
	}
}

// TestEveryKeyUsedExists scans the module's Go files for i18n.T calls and checks that
// every literal key exists, and that calls pass the arguments the message takes.
func TestEveryKeyUsedExists(t *testing.T) {
	calls := 0
	for _, file := range gosource.Files(t, true) {
		fset := file.Fset
		ast.Inspect(file.AST, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || !isI18nT(call) || len(call.Args) < 2 {
				return true
			}
			lit, ok := call.Args[1].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true // a computed key: covered by TestRequiredKeys
			}
			key, _ := strconv.Unquote(lit.Value)
			calls++
			if !i18n.Has(key) {
				t.Errorf("%s: i18n.T key %q is not in the catalogue", fset.Position(lit.Pos()), key)
				return true
			}
			if want := len(i18n.Verbs(i18n.T(i18n.Default, key))); len(call.Args)-2 != want && !call.Ellipsis.IsValid() {
				t.Errorf("%s: i18n.T(%q) passes %d arguments, the message takes %d", fset.Position(lit.Pos()), key, len(call.Args)-2, want)
			}
			return true
		})
	}
	t.Logf("%d literal i18n.T calls checked", calls)
}

func isI18nT(call *ast.CallExpr) bool {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "T" {
		return false
	}
	id, ok := sel.X.(*ast.Ident)
	return ok && id.Name == "i18n"
}

func TestLoadRejects(t *testing.T) {
	en := `{"a": "Year %[1]d", "b": "Hello"}`
	tests := []struct {
		name  string
		files fstest.MapFS
		want  string
	}{
		{"no default", fstest.MapFS{"fr.json": {Data: []byte(`{"a": "x"}`)}}, "missing the default"},
		{"not flat", fstest.MapFS{"en.json": {Data: []byte(`{"a": {"b": "c"}}`)}}, "not a flat object"},
		{"key not in default", fstest.MapFS{"en.json": {Data: []byte(en)}, "fr.json": {Data: []byte(`{"c": "x"}`)}}, "fr.json: c: key not in the default"},
		{"arguments differ", fstest.MapFS{"en.json": {Data: []byte(en)}, "fr.json": {Data: []byte(`{"a": "Année"}`)}}, "fr.json: a: takes arguments"},
		{"empty message", fstest.MapFS{"en.json": {Data: []byte(`{"a": " "}`)}}, "empty message"},
	}
	for _, tt := range tests {
		_, err := i18n.Load(tt.files)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
	ok := fstest.MapFS{"en.json": {Data: []byte(en)}, "fr.json": {Data: []byte(`{"a": "Année %[1]d"}`)}}
	if _, err := i18n.Load(ok); err != nil {
		t.Errorf("a good pair of catalogues: %v", err)
	}
}

// TestMessagesArePlainText: no stray markup or template syntax in interface text.
func TestMessagesArePlainText(t *testing.T) {
	bad := regexp.MustCompile(`\{\{|\}\}|\[\[|<[a-z]`)
	for _, k := range i18n.Keys() {
		if msg := i18n.T(i18n.Default, k); bad.MatchString(msg) {
			t.Errorf("%s: %q contains markup", k, msg)
		}
	}
}

func TestFromAcceptLanguage(t *testing.T) {
	for header, want := range map[string]string{
		"de-CH,de;q=0.9,en;q=0.8": "de",
		"fr":                      "fr",
		" EN-gb ; q=1":            "en",
		"":                        i18n.Default,
		"*":                       i18n.Default,
		"x,de":                    i18n.Default, // the first tag is the reader's choice, even a bad one
		"d3;q=1":                  i18n.Default,
		"de_AT":                   "de",
	} {
		if got := i18n.FromAcceptLanguage(header); got != want {
			t.Errorf("FromAcceptLanguage(%q) = %q, want %q", header, got, want)
		}
	}
}

// Verbs sees an argument with a precision too ("%.64[2]q"), so Load compares it.
func TestVerbsWithPrecision(t *testing.T) {
	if got := strings.Join(i18n.Verbs("%[1]d has no decision %.64[2]q; %.3[3]f"), " "); got != "1:d 2:q 3:f" {
		t.Errorf("Verbs = %q", got)
	}
	cats := fstest.MapFS{"en.json": {Data: []byte(`{"a": "No field %.40[1]q."}`)}, "fr.json": {Data: []byte(`{"a": "Aucun champ."}`)}}
	if _, err := i18n.Load(cats); err == nil {
		t.Error("a translation that drops a precise argument was accepted")
	}
}

// Install swaps the catalogues in and restore swaps them back.
func TestInstall(t *testing.T) {
	restore, err := i18n.Install(fstest.MapFS{
		"en.json": {Data: []byte(`{"phase.vote": "Vote"}`)},
		"de.json": {Data: []byte(`{"phase.vote": "Abstimmung"}`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	got, has := i18n.T("de-DE", "phase.vote"), i18n.Has("phase.debate")
	restore()
	if got != "Abstimmung" || has {
		t.Errorf("installed: T(de-DE) = %q, Has(phase.debate) = %v", got, has)
	}
	if got := i18n.T("de", "phase.vote"); got != "Vote" || !i18n.Has("phase.debate") {
		t.Errorf("restored: T(de) = %q", got)
	}
	if _, err := i18n.Install(fstest.MapFS{"de.json": {Data: []byte(`{}`)}}); err == nil {
		t.Error("Install took catalogues without the default one")
	}
}

// A Ref argument is rendered in the message's own language, so a translated sentence
// does not carry an English word inside it.
func TestRefRendersInTheMessagesLanguage(t *testing.T) {
	restore, err := i18n.Install(fstest.MapFS{
		"en.json": {Data: []byte(`{"taken": "You are already a %[1]s.", "role": "peasant"}`)},
		"de.json": {Data: []byte(`{"taken": "Du bist schon %[1]s.", "role": "Bauer"}`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer restore()
	args := []any{i18n.Ref("role")}
	taken := "taken" // a key of the test catalogue, not of the project's
	if got := i18n.T("de", taken, args...); got != "Du bist schon Bauer." {
		t.Errorf("German: %q", got)
	}
	if got := i18n.T("en", taken, args...); got != "You are already a peasant." {
		t.Errorf("English: %q", got)
	}
	if _, still := args[0].(i18n.Ref); !still {
		t.Error("T wrote into the caller's arguments")
	}
}
