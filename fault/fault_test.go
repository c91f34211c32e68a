package fault_test

import (
	"encoding/json"
	"errors"
	"go/ast"
	"go/token"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/i18n"
	"github.com/classroom-debate/debate/internal/gosource"
)

func TestT(t *testing.T) {
	fe := fault.T(fault.WrongPhase, "fault.room.outcomeNotKnownYet", 1932)
	if fe.Code != fault.WrongPhase || fe.Key != "fault.room.outcomeNotKnownYet" ||
		fe.Message != "The outcome of 1932 is not known yet; annotate it after its resolution." {
		t.Fatalf("T = %+v", fe)
	}
	raw, err := json.Marshal(fe)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"code":"wrong_phase","key":"fault.room.outcomeNotKnownYet","message":"The outcome of 1932 is not known yet; annotate it after its resolution."}`; string(raw) != want {
		t.Errorf("JSON %s, want %s (arguments stay off the wire)", raw, want)
	}
	raw, _ = json.Marshal(fault.New(fault.Invalid, "Not from the catalogue."))
	if want := `{"code":"invalid","message":"Not from the catalogue."}`; string(raw) != want {
		t.Errorf("JSON without a key %s, want %s", raw, want)
	}
	if fe := fault.As(errors.New("disk on fire")); fe.Code != fault.Internal || fe.Key == "" || fe.Message != i18n.T(i18n.Default, fe.Key) || strings.Contains(fe.Message, "disk") {
		t.Errorf("As(a plain error) = %+v", fe)
	}
}

func TestIn(t *testing.T) {
	en, err := json.Marshal(i18n.Catalogue(i18n.Default))
	if err != nil {
		t.Fatal(err)
	}
	restore, err := i18n.Install(fstest.MapFS{
		"en.json": {Data: en},
		"fr.json": {Data: []byte(`{"fault.room.outcomeNotKnownYet": "L'issue de %[1]d n'est pas encore connue ; annotez-la après sa résolution."}`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer restore()

	fe := fault.T(fault.WrongPhase, "fault.room.outcomeNotKnownYet", 1932)
	english := fe.Message
	tests := []struct {
		name string
		err  *fault.Error
		lang string
		want string
	}{
		{"translated", fe, "fr", "L'issue de 1932 n'est pas encore connue ; annotez-la après sa résolution."},
		{"a regional tag", fe, "fr-CA", "L'issue de 1932 n'est pas encore connue ; annotez-la après sa résolution."},
		{"no catalogue for the language", fe, "de", english},
		{"not translated", fault.T(fault.Conflict, "fault.room.alreadyMarked"), "fr", "You have already marked this argument as persuasive."},
		{"no key", fault.New(fault.Invalid, "Plain."), "fr", "Plain."},
		// Decoded from the wire: the key without the arguments its message needs.
		{"no arguments", &fault.Error{Code: fault.WrongPhase, Key: "fault.room.outcomeNotKnownYet", Message: english}, "fr", english},
		{"unknown key", &fault.Error{Code: fault.Invalid, Key: "fault.no.such", Message: "Kept."}, "fr", "Kept."},
	}
	for _, tt := range tests {
		got := tt.err.In(tt.lang)
		if got.Message != tt.want || got.Code != tt.err.Code || got.Key != tt.err.Key {
			t.Errorf("%s: In(%q) = %+v, want message %q", tt.name, tt.lang, got, tt.want)
		}
	}
	if fe.Message != english {
		t.Errorf("In changed the original: %q", fe.Message)
	}
	if (*fault.Error)(nil).In("fr") != nil {
		t.Error("nil.In is not nil")
	}
}

// unconverted lists the packages whose fault.New/Newf may still carry an English
// sentence literal, each with why.
var unconverted = map[string]string{
	// Validation of the scenario and of the model's inputs: a developer (or a hand-made
	// request to /api/simulate) reads these; they name files, fields and ids.
	"economy": "developer-facing validation",
}

// keyLiteral is the shape of a fault sentence's key.
var keyLiteral = regexp.MustCompile(`^fault\.[a-z]+\.[A-Za-z0-9]+$`)

// TestSentencesComeFromTheCatalogue reads every non-test Go file of the module: each
// fault.T has a key of the default catalogue named after its package and passes the
// arguments the message takes; every fault.* key written anywhere (helpers take keys)
// exists, and every fault.* key of the catalogue is used; and no fault.New or fault.Newf
// outside the packages above writes an English sentence.
func TestSentencesComeFromTheCatalogue(t *testing.T) {
	used := map[string]bool{}
	calls := 0
	for _, file := range gosource.Files(t, false) {
		fset, f, dir := file.Fset, file.AST, file.Dir
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil && keyLiteral.MatchString(s) {
					used[s] = true
					if !i18n.Has(s) {
						t.Errorf("%s: key %q is not in the catalogue", fset.Position(lit.Pos()), s)
					}
				}
			}
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			switch faultFunc(call) {
			case "T":
				calls++
				checkT(t, fset, f.Name.Name, call)
			case "New", "Newf":
				if _, ok := unconverted[dir]; !ok && len(call.Args) > 1 && hasLiteral(call.Args[1]) {
					t.Errorf("%s: an English sentence in fault.%s; use fault.T with a catalogue key", fset.Position(call.Pos()), faultFunc(call))
				}
			}
			return true
		})
	}
	if calls < 250 {
		t.Errorf("found only %d fault.T calls; is the scan reading the module?", calls)
	}
	for _, k := range i18n.Keys() {
		if strings.HasPrefix(k, "fault.") && !used[k] {
			t.Errorf("catalogue key %q is used by no code", k)
		}
	}
}

// checkT checks one fault.T call with a literal key.
func checkT(t *testing.T, fset *token.FileSet, pkg string, call *ast.CallExpr) {
	t.Helper()
	if len(call.Args) < 2 {
		return
	}
	lit, ok := call.Args[1].(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return // a key passed in: its literal is checked where it is written
	}
	key, _ := strconv.Unquote(lit.Value)
	at := fset.Position(lit.Pos())
	if !strings.HasPrefix(key, "fault."+pkg+".") {
		t.Errorf("%s: key %q of package %s should start with fault.%s.", at, key, pkg, pkg)
	}
	if !i18n.Has(key) {
		return // reported with the literal
	}
	want := 0
	for _, v := range i18n.Verbs(i18n.T(i18n.Default, key)) {
		index, _, _ := strings.Cut(v, ":")
		n, _ := strconv.Atoi(index)
		want = max(want, n)
	}
	if got := len(call.Args) - 2; got != want && !call.Ellipsis.IsValid() {
		t.Errorf("%s: fault.T(%q) passes %d arguments, the message takes %d", at, key, got, want)
	}
}

// faultFunc is the name of the package fault function call calls ("" for another).
func faultFunc(call *ast.CallExpr) string {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return ""
	}
	if id, ok := sel.X.(*ast.Ident); !ok || id.Name != "fault" {
		return ""
	}
	return sel.Sel.Name
}

// hasLiteral reports whether a sentence is, or is glued together from, a string literal.
func hasLiteral(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return e.Kind == token.STRING
	case *ast.BinaryExpr:
		return e.Op == token.ADD && (hasLiteral(e.X) || hasLiteral(e.Y))
	case *ast.ParenExpr:
		return hasLiteral(e.X)
	}
	return false
}
