package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/room"
	"github.com/classroom-debate/debate/scoring"
	"github.com/classroom-debate/debate/scoring/scoringtest"
)

func simulate(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := runSimulate(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestSimulateHistoricalJSON(t *testing.T) {
	code, out, errs := simulate(t, "", "--historical")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	var doc struct {
		Years []map[string]any `json:"years"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Years) != 7 {
		t.Fatalf("%d years, want 7", len(doc.Years))
	}
	for _, key := range []string{"year", "grainHarvestMt", "procurementMt", "exportsMt", "cattleM", "horsesM", "collectivisedPct",
		"collectivisedSpringPct", "tractorsK", "famineDeathsM", "famineDeathsByRegionM", "industryIndex", "partyControl",
		"bukharinInfluence", "villagePressure"} {
		if _, ok := doc.Years[0][key]; !ok {
			t.Errorf("field %q missing", key)
		}
	}
	reg := doc.Years[5]["famineDeathsByRegionM"].(map[string]any)
	for _, r := range []string{"ukraine", "kazakhstan", "northCaucasus", "volga", "rest"} {
		if _, ok := reg[r]; !ok {
			t.Errorf("famineDeathsByRegionM has no %q", r)
		}
	}
	if _, again, _ := simulate(t, "", "--historical"); again != out {
		t.Error("two runs of --historical differ")
	}
}

func TestSimulateTableShowsBands(t *testing.T) {
	code, out, _ := simulate(t, "", "--historical", "--format", "table")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"grain harvest, Mt", "[70.0–76.0]", "[3.00–5.50]", "1934", "Ukraine"} {
		if !strings.Contains(out, want) {
			t.Errorf("table has no %q", want)
		}
	}
}

func TestSimulateChoicesFile(t *testing.T) {
	sc := economy.Default()
	rec := sc.HistoricalRecord()
	rec.Mode = economy.Counterfactual
	rec.Seed = 3
	rec.Years[2].Directives = map[string]bool{"dekulakisation": false}
	b, _ := json.Marshal(rec)
	path := filepath.Join(t.TempDir(), "game.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := simulate(t, "", "--choices", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	_, fromStdin, _ := simulate(t, string(b), "--choices", "-")
	if fromStdin != out {
		t.Error("reading the record from stdin gave different output")
	}
	_, seeded, _ := simulate(t, "", "--choices", path, "--seed", "4")
	if seeded == out {
		t.Error("--seed did not override the record's seed in a counterfactual run")
	}
	if !strings.Contains(out, "switched off dekulakisation") {
		t.Error("the outcome does not say the teacher switched a directive off")
	}
}

func TestSimulateErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	sc := economy.Default()
	rec := sc.HistoricalRecord()
	rec.Years[0].Decisions["quota-1928"] = "take-it-all"
	badOption, _ := json.Marshal(rec)
	rec = sc.HistoricalRecord()
	rec.Years[2].Directives = map[string]bool{"dekulakisation": false}
	offInHistory, _ := json.Marshal(rec)
	cases := []struct {
		name string
		args []string
		says string
	}{
		{"no mode", nil, "exactly one of --historical and --choices"},
		{"both modes", []string{"--historical", "--choices", "x.json"}, "exactly one of"},
		{"unknown flag", []string{"--colour"}, "flag provided but not defined"},
		{"bad format", []string{"--historical", "--format", "xml"}, `unknown format "xml"`},
		{"missing file", []string{"--choices", filepath.Join(dir, "nope.json")}, "cannot read the choices file"},
		{"bad JSON", []string{"--choices", write("bad.json", "{")}, "not a valid choices record"},
		{"unknown key", []string{"--choices", write("typo.json", `{"format":1,"yaers":[]}`)}, "unknown field"},
		{"unknown option", []string{"--choices", write("opt.json", string(badOption))}, `no option "take-it-all"`},
		{"directive off in history", []string{"--choices", write("off.json", string(offInHistory))}, "only a counterfactual game"},
		{"stray argument", []string{"--historical", "extra"}, "unexpected argument"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := simulate(t, "", c.args...)
			if code != 2 || out != "" || !strings.Contains(errs, c.says) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and stderr containing %q", code, out, errs, c.says)
			}
		})
	}
}

func TestSimulateHelpAndAssumptions(t *testing.T) {
	if code, out, _ := simulate(t, "", "--help"); code != 0 || !strings.Contains(out, "--choices FILE") {
		t.Errorf("--help: exit %d, %q", code, out)
	}
	code, out, _ := simulate(t, "", "--assumptions")
	if code != 0 || !strings.Contains(out, "Allen") || !strings.Contains(out, "How far to trust it") {
		t.Errorf("--assumptions: exit %d, %q", code, out)
	}
}

func TestChoicesDocExampleRuns(t *testing.T) {
	doc, err := os.ReadFile("../../docs/CHOICES.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(doc)
	i := strings.Index(s, "```json\n")
	j := strings.Index(s[i+8:], "```")
	if i < 0 || j < 0 {
		t.Fatal("docs/CHOICES.md has no json example")
	}
	code, out, errs := simulate(t, s[i+8:i+8+j], "--choices", "-")
	if code != 0 || !strings.Contains(out, `"year": 1929`) {
		t.Fatalf("the documented example does not run: exit %d, %s", code, errs)
	}
}

// A room's exported choices record, run through `debate simulate --choices`, gives the
// outcomes the room resolved and the figures its debrief shows, byte for byte: for the
// historical session and for the counterfactual one (directives switched off, shock
// events brought in, the rubric edited).
func TestSimulateChoicesReproducesTheRoomsDebrief(t *testing.T) {
	for name, record := range map[string]func() ([]room.Event, error){
		"historical": scoringtest.Session, "counterfactual": scoringtest.CounterfactualSession,
	} {
		t.Run(name, func(t *testing.T) {
			evs, err := record()
			if err != nil {
				t.Fatal(err)
			}
			choices, err := scoring.ChoicesJSON(evs)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "room.choices.json")
			if err := os.WriteFile(path, choices, 0o600); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			if code := run([]string{"simulate", "--choices", path}, nil, &stdout, &stderr); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			var doc struct {
				Years []economy.Outcome `json:"years"`
			}
			dec := json.NewDecoder(&stdout)
			dec.DisallowUnknownFields()
			if err := dec.Decode(&doc); err != nil {
				t.Fatal(err)
			}
			// The outcomes are the room's, year by year.
			var resolved []economy.Outcome
			for _, e := range evs {
				if e.Type == room.EvYearResolved {
					var d room.YearResolvedData
					if err := json.Unmarshal(e.Data, &d); err != nil {
						t.Fatal(err)
					}
					resolved = append(resolved, d.Outcome)
				}
			}
			if len(doc.Years) != len(resolved) || len(resolved) != 7 {
				t.Fatalf("simulate stepped %d years, the room resolved %d", len(doc.Years), len(resolved))
			}
			for i := range resolved {
				a, _ := json.Marshal(resolved[i])
				b, _ := json.Marshal(doc.Years[i])
				if !bytes.Equal(a, b) {
					t.Errorf("%d: the room resolved %s\nsimulate gives %s", resolved[i].Year, a, b)
				}
			}
			// And the debrief's figures are what simulate's outcomes give.
			d, err := scoring.Debrief(evs)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := json.Marshal(d.Path)
			got, _ := json.Marshal(scoring.PathFrom(doc.Years))
			if len(d.Path) == 0 || !bytes.Equal(want, got) {
				t.Errorf("the debrief's path:\n%s\nfrom simulate:\n%s", want, got)
			}
		})
	}
}

// --weather ordinary runs history's choices with every yield factor at 1.0; the famine
// stays, smaller: the policies carry at least half of it.
func TestSimulateOrdinaryWeather(t *testing.T) {
	deaths := func(args ...string) (float64, []map[string]any) {
		code, out, errs := simulate(t, "", args...)
		if code != 0 {
			t.Fatalf("%v: exit %d, %s", args, code, errs)
		}
		var doc struct {
			Years []map[string]any `json:"years"`
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		d := 0.0
		for _, y := range doc.Years {
			if yr := y["year"].(float64); yr >= 1930 {
				d += y["famineDeathsM"].(float64)
			}
		}
		return d, doc.Years
	}
	hist, _ := deaths("--historical", "--weather", "history")
	ord, years := deaths("--historical", "--weather", "ordinary")
	for _, y := range years {
		for r, w := range y["weather"].(map[string]any) {
			if w.(float64) != 1 {
				t.Errorf("%v %s: weather %v under --weather ordinary", y["year"], r, w)
			}
		}
	}
	if !(ord < hist && ord >= 0.5*hist) {
		t.Errorf("deaths 1930-34: history's weather %.2f M, ordinary %.2f M; want fewer but at least half", hist, ord)
	}
	if code, _, errs := simulate(t, "", "--historical", "--weather", "sunny"); code != 2 || !strings.Contains(errs, "sunny") {
		t.Errorf("--weather sunny: exit %d, %q", code, errs)
	}
}

// --experiment runs the path with one cause removed and reports the ensemble's range,
// with the historians and the assumption.
func TestSimulateExperiment(t *testing.T) {
	code, out, errs := simulate(t, "", "--historical", "--experiment", "ordinary-1932", "--runs", "20")
	if code != 0 {
		t.Fatalf("exit %d, %s", code, errs)
	}
	var doc struct {
		Years      []economy.Outcome         `json:"years"`
		Experiment *economy.ExperimentResult `json:"experiment"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	e := doc.Experiment
	if e == nil || e.Runs != 20 || !strings.Contains(e.Historians, "Tauger") || e.Assumption == "" || e.AvoidedM.Median <= 0 {
		t.Fatalf("experiment %+v", e)
	}
	if w := doc.Years[4].Weather[economy.Ukraine]; w != 1 {
		t.Errorf("ordinary-1932: Ukraine's 1932 weather %v", w)
	}
	code, out, _ = simulate(t, "", "--historical", "--experiment", "no-blacklists", "--format", "table", "--runs", "10")
	if code != 0 || !strings.Contains(out, "Conquest") || !strings.Contains(out, "cannot settle") {
		t.Errorf("table: exit %d\n%s", code, out)
	}
	if code, _, errs := simulate(t, "", "--historical", "--experiment", "nope"); code != 2 || !strings.Contains(errs, "ordinary-1932") {
		t.Errorf("unknown experiment: exit %d, %q", code, errs)
	}
	if code, _, _ := simulate(t, "", "--historical", "--experiment", "no-blacklists", "--runs", "1"); code != 2 {
		t.Errorf("--runs 1: exit %d", code)
	}
}

// A bad --weather, --experiment or --runs exits 2 with a sentence that names the flag and
// what it accepts, before any record is read, and prints nothing on standard output.
func TestSimulateBadVariantFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"--weather", "sunny"}, []string{"--weather", `"sunny"`, "history", "ordinary"}},
		{[]string{"--weather", ""}, []string{"--weather", "history", "ordinary"}},
		{[]string{"--experiment", "nope"}, []string{"--experiment", `"nope"`, "ordinary-1932", "no-exports-reserves", "no-blacklists", "collectivisation-1929", "relief-autumn-1932"}},
		{[]string{"--experiment", "no-blacklists", "--runs", "1"}, []string{"--runs 1", "between 2 and 500"}},
		{[]string{"--experiment", "no-blacklists", "--runs", "501"}, []string{"--runs 501", "between 2 and 500"}},
		{[]string{"--runs", "20"}, []string{"--runs", "--experiment"}},
		{[]string{"--runs", "0"}, []string{"--runs", "--experiment"}},
		{[]string{"--runs", "many"}, []string{"-runs", "many"}},
	} {
		for _, source := range [][]string{{"--historical"}, {"--choices", "does-not-exist.json"}} {
			args := append(append([]string{}, source...), tc.args...)
			code, out, errs := simulate(t, "", args...)
			if code != 2 || out != "" {
				t.Errorf("%v: exit %d, stdout %q; want 2 and nothing", args, code, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(errs, w) {
					t.Errorf("%v: stderr %q lacks %q", args, errs, w)
				}
			}
		}
	}
}
