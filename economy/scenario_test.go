package economy

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/classroom-debate/debate/fault"
)

func TestDefaultLoadsWithEveryYear(t *testing.T) {
	sc := Default()
	if sc.FirstYear() != 1928 || sc.LastYear() != 1934 || len(sc.Years) != 7 {
		t.Fatalf("years %d..%d (%d), want 1928..1934", sc.FirstYear(), sc.LastYear(), len(sc.Years))
	}
	if len(sc.Hash()) != 64 || !bytes.Equal(sc.Raw(), defaultScenario) {
		t.Errorf("Raw/Hash do not describe the embedded file (hash %q)", sc.Hash())
	}
	again, err := Load("again.json", sc.Raw())
	if err != nil || again.Hash() != sc.Hash() {
		t.Fatalf("reloading Raw: %v, hash %s vs %s", err, again.Hash(), sc.Hash())
	}
	for _, y := range sc.Years {
		if len(y.Decisions) < 1 || len(y.Decisions) > 3 {
			t.Errorf("%d has %d decisions", y.Year, len(y.Decisions))
		}
		factions := map[Faction]bool{}
		for _, a := range y.Actions {
			factions[a.Faction] = true
		}
		for _, f := range Factions {
			if !factions[f] {
				t.Errorf("%d: faction %s has no action", y.Year, f)
			}
		}
		if len(y.BriefingEvents) == 0 || len(y.Events) == 0 {
			t.Errorf("%d: no briefing events or no shock events", y.Year)
		}
	}
	if _, ok := sc.Year(1935); ok {
		t.Error("Year(1935) found a year")
	}
}

// The scenario keeps its promise that students never vote on persecution: no option of
// any decision moves a repressive channel; those belong to directives.
func TestDecisionsAreEconomicLeversOnly(t *testing.T) {
	for _, y := range Default().Years {
		for _, d := range y.Decisions {
			for _, o := range d.Options {
				for lever := range o.Set {
					if _, ok := leverIndex[lever]; !ok {
						t.Errorf("%s/%s sets %q, which is not an economic lever", d.ID, o.ID, lever)
					}
				}
			}
		}
	}
}

func TestActionsCoverTheRoles(t *testing.T) {
	sc := Default()
	want := map[string][]int{ // action id -> years it must be open
		"official-requisition-squads":     {1928, 1934},
		"official-report-honestly":        {1928, 1934},
		"official-inflate-figures":        {1928, 1934},
		"official-ask-relief":             {1928, 1934},
		"purged-kolkhoz-work":             {1930, 1934},
		"purged-write-appeals":            {1930, 1934},
		"peasant-join-kolkhoz":            {1928, 1934},
		"peasant-hide-grain":              {1928, 1934},
		"peasant-womens-protest":          {1929, 1933},
		"peasant-leave-for-towns":         {1928, 1933},
		"kulak-slaughter-livestock":       {1928, 1931},
		"kulak-flee":                      {1928, 1933},
		"settler-report-conditions":       {1930, 1934},
		"settler-letters-home":            {1930, 1934},
		"settler-petition-rehabilitation": {1930, 1934},
		"bukharin-speak-at-plenum":        {1928, 1929},
		"bukharin-recant":                 {1929, 1934},
	}
	for id, span := range want {
		for y := span[0]; y <= span[1]; y++ {
			yr, _ := sc.Year(y)
			if _, ok := yr.Action(id); !ok {
				t.Errorf("action %s is not open in %d", id, y)
			}
		}
	}
	y1928, _ := sc.Year(1928)
	if _, ok := y1928.Action("settler-letters-home"); ok {
		t.Error("special settlers' actions are open before the 1930 deportations")
	}
	y1932, _ := sc.Year(1932)
	if a, ok := y1932.Action("bukharin-organise-quietly"); !ok || !strings.Contains(a.Summary, "Ryutin") {
		t.Error("the Bukharin faction cannot organise quietly (Ryutin) in 1932")
	}
	for _, a := range sc.Catalogue {
		if len(a.Effects) == 0 {
			t.Errorf("action %s has no effect", a.ID)
		}
	}
}

func TestVoteWeightsFollowTheState(t *testing.T) {
	sc := Default()
	st := sc.Start()
	w := sc.VoteWeights(st)
	total := 0.0
	for _, f := range Factions {
		total += w[f]
	}
	if total < 0.999 || total > 1.001 {
		t.Fatalf("weights add up to %v", total)
	}
	st.PartyControl = 95
	st.BukharinInfluence = 2
	w2 := sc.VoteWeights(st)
	if w2[Officials] <= w[Officials] || w2[Bukharinist] >= w[Bukharinist] {
		t.Errorf("more party control and less Bukharin influence should move weight to officials: %v -> %v", w, w2)
	}
	st.VillagePressure = 90
	if w3 := sc.VoteWeights(st); w3[Peasants] <= w2[Peasants] {
		t.Errorf("village pressure should raise the peasants' weight: %v -> %v", w2[Peasants], w3[Peasants])
	}
}

func TestTieBreakTakesTheMildest(t *testing.T) {
	sc := Default()
	y, _ := sc.Year(1930)
	d, _ := y.Decision("pace-1930")
	for _, c := range []struct {
		tied []string
		want string
	}{
		{[]string{"all-out", "steady"}, "steady"},
		{[]string{"fast", "voluntary", "all-out"}, "voluntary"},
		{[]string{"nonsense", "fast"}, "fast"},
		{nil, ""},
	} {
		if got := sc.TieBreak(*d, c.tied); got != c.want {
			t.Errorf("TieBreak(%v) = %q, want %q", c.tied, got, c.want)
		}
	}
}

// mutate decodes the default scenario into generic JSON, applies f and re-encodes it.
func mutate(t *testing.T, f func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(defaultScenario, &m); err != nil {
		t.Fatal(err)
	}
	f(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func year(m map[string]any, i int) map[string]any { return m["years"].([]any)[i].(map[string]any) }
func decision(m map[string]any, y, d int) map[string]any {
	return year(m, y)["decisions"].([]any)[d].(map[string]any)
}

func TestLoadErrorsNameFilePathAndProblem(t *testing.T) {
	cases := []struct {
		name     string
		data     []byte
		path     string
		contains string
	}{
		{"bad JSON", []byte(`{"id": "x",`), "", "not valid scenario JSON"},
		{"unknown field", mutate(t, func(m map[string]any) { m["colour"] = "red" }), "", "unknown field"},
		{"unknown historical option", mutate(t, func(m map[string]any) { decision(m, 2, 0)["historical"] = "faster-still" }),
			"years[2].decisions[0].historical", `unknown option "faster-still"`},
		{"missing year", mutate(t, func(m map[string]any) {
			ys := m["years"].([]any)
			m["years"] = append(ys[:3:3], ys[4:]...)
		}), "years[3].year", "missing year 1931"},
		{"dangling briefing event", mutate(t, func(m map[string]any) {
			year(m, 0)["briefingEvents"] = []any{"event:1999-01-01"}
		}), "years[0].briefingEvents[0]", "dangling id"},
		{"dangling action", mutate(t, func(m map[string]any) {
			year(m, 1)["open"].(map[string]any)["peasant-fly-to-the-moon"] = 0.1
		}), "years[1].open.peasant-fly-to-the-moon", "dangling id"},
		{"coefficient out of range", mutate(t, func(m map[string]any) {
			m["coefficients"].(map[string]any)["seedRate"].(map[string]any)["value"] = 0.9
		}), "coefficients.seedRate.value", "out of range"},
		{"coefficient missing", mutate(t, func(m map[string]any) { delete(m["coefficients"].(map[string]any), "needKg") }),
			"coefficients.needKg", "missing coefficient"},
		{"coefficient without a note", mutate(t, func(m map[string]any) {
			m["coefficients"].(map[string]any)["needKg"].(map[string]any)["note"] = ""
		}), "coefficients.needKg.note", "needs a note"},
		{"weather out of range", mutate(t, func(m map[string]any) {
			year(m, 3)["weather"].(map[string]any)["volga"].(map[string]any)["factor"] = 0.7
		}), "years[3].weather.volga.factor", "out of range [0.85, 1.10]"},
		{"ordered decision out of order", mutate(t, func(m map[string]any) {
			opts := decision(m, 2, 0)["options"].([]any)
			opts[0], opts[3] = opts[3], opts[0]
		}), "years[2].decisions[0].options[1].set.pace", "ordered mildest first"},
		{"unknown lever", mutate(t, func(m map[string]any) {
			decision(m, 0, 0)["options"].([]any)[0].(map[string]any)["set"] = map[string]any{"deportations": 1}
		}), "years[0].decisions[0].options[0].set.deportations", `unknown lever "deportations"`},
		{"unknown channel", mutate(t, func(m map[string]any) {
			year(m, 0)["directives"].([]any)[0].(map[string]any)["effects"] = []any{map[string]any{"channel": "magic", "value": 1}}
		}), "years[0].directives[0].effects[0].channel", `unknown channel "magic"`},
		{"shares over one", mutate(t, func(m map[string]any) {
			year(m, 0)["open"].(map[string]any)["peasant-hide-grain"] = 0.9
		}), "years[0].open", "must not exceed 1"},
		{"duplicate id", mutate(t, func(m map[string]any) { decision(m, 1, 0)["id"] = "quota-1928" }),
			"years[1].decisions[0].id", `duplicate id "quota-1928"`},
		{"plan shares", mutate(t, func(m map[string]any) {
			m["regions"].(map[string]any)["rest"].(map[string]any)["planShare"] = 0.5
		}), "regions", "must add up to 1"},
		{"unknown tie rule", mutate(t, func(m map[string]any) { m["tieRule"] = "harshest" }), "tieRule", "unknown tie rule"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load("test-scenario.json", c.data)
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("got %v, want a *LoadError", err)
			}
			if le.File != "test-scenario.json" || (c.path != "" && le.Path != c.path) || !strings.Contains(le.Problem, c.contains) {
				t.Errorf("got file %q path %q problem %q; want path %q and a problem containing %q", le.File, le.Path, le.Problem, c.path, c.contains)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, "test-scenario.json: ") {
				t.Errorf("Error() = %q does not start with the file name", msg)
			}
		})
	}
}

func TestValidateRejectsBadChoices(t *testing.T) {
	sc := Default()
	good := sc.HistoricalChoices(1930)
	if err := sc.Validate(good, Historical); err != nil {
		t.Fatalf("history's choices are invalid: %v", err)
	}
	edit := func(f func(in *YearChoices)) YearChoices {
		b, _ := json.Marshal(good)
		var in YearChoices
		_ = json.Unmarshal(b, &in)
		f(&in)
		return in
	}
	cases := []struct {
		name string
		in   YearChoices
		mode Mode
		code fault.Code
		says string
	}{
		{"no such year", edit(func(in *YearChoices) { in.Year = 1940 }), Historical, fault.NotFound, "no year 1940"},
		{"missing decision", edit(func(in *YearChoices) { delete(in.Decisions, "pace-1930") }), Historical, fault.Invalid, "no chosen option"},
		{"unknown option", edit(func(in *YearChoices) { in.Decisions["pace-1930"] = "glacial" }), Historical, fault.NotFound, `no option "glacial"`},
		{"unknown decision", edit(func(in *YearChoices) { in.Decisions["quota-1928"] = "steady-plan" }), Historical, fault.NotFound, `no decision "quota-1928"`},
		{"directive off in historical mode", edit(func(in *YearChoices) { in.Directives = map[string]bool{"dekulakisation": false} }), Historical, fault.Invalid, "only a counterfactual game"},
		{"unknown directive", edit(func(in *YearChoices) { in.Directives = map[string]bool{"blacklists": false} }), Counterfactual, fault.NotFound, `no directive "blacklists"`},
		{"share above one", edit(func(in *YearChoices) { in.Actions[Peasants][Ukraine]["peasant-hide-grain"] = 1.5 }), Historical, fault.Invalid, "between 0 and 1"},
		{"shares add above one", edit(func(in *YearChoices) {
			in.Actions[Peasants][Ukraine]["peasant-hide-grain"] = 0.9
			in.Actions[Peasants][Ukraine]["peasant-stay-out"] = 0.9
		}), Historical, fault.Invalid, "cannot exceed 1"},
		{"action of another faction", edit(func(in *YearChoices) { in.Actions[Peasants][Ukraine]["kulak-flee"] = 0.1 }), Historical, fault.Invalid, "belongs to faction"},
		{"action not open", edit(func(in *YearChoices) { in.Actions[Kulaks][Ukraine]["kulak-sell-up-twice"] = 0.1 }), Historical, fault.NotFound, "not open in 1930"},
		{"unknown event", edit(func(in *YearChoices) { in.Events = []string{"locusts-1929"} }), Historical, fault.NotFound, "no shock event"},
		{"bad mode", good, "sideways", fault.Invalid, "Unknown mode"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := sc.Validate(c.in, c.mode)
			var fe *fault.Error
			if !errors.As(err, &fe) || fe.Code != c.code || !strings.Contains(fe.Message, c.says) {
				t.Errorf("got %v, want %s containing %q", err, c.code, c.says)
			}
		})
	}
	// A counterfactual game may switch a directive off.
	off := edit(func(in *YearChoices) { in.Directives = map[string]bool{"dekulakisation": false} })
	if err := sc.Validate(off, Counterfactual); err != nil {
		t.Errorf("counterfactual directive off: %v", err)
	}
}

func TestRunChecksTheRecord(t *testing.T) {
	sc := Default()
	rec := sc.HistoricalRecord()
	rec.Years = rec.Years[:3] // a game in progress
	if outs, err := sc.Run(rec); err != nil || len(outs) != 3 {
		t.Fatalf("a three-year record: %v, %d outcomes", err, len(outs))
	}
	rec.Years = append(rec.Years[:1], rec.Years[2])
	if _, err := sc.Run(rec); fault.CodeOf(err) != fault.Invalid {
		t.Errorf("a record that skips 1929: %v", err)
	}
	rec = sc.HistoricalRecord()
	rec.Format = 99
	if _, err := sc.Run(rec); fault.CodeOf(err) != fault.Invalid {
		t.Errorf("format 99: %v", err)
	}
	st := sc.Start()
	if _, _, err := sc.Step(st, sc.HistoricalChoices(1930), Historical, 0); fault.CodeOf(err) != fault.Invalid {
		t.Errorf("stepping 1930 from the start of 1928: %v", err)
	}
}

func TestDeterministicOutput(t *testing.T) {
	sc := Default()
	rec := nepRecord(sc, 7)
	rec.Years[2].Events = []string{"good-rains-1930"}
	enc := func(r Record) []byte {
		outs, err := sc.Run(r)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(outs)
		return b
	}
	a, b := enc(rec), enc(rec)
	if !bytes.Equal(a, b) {
		t.Fatal("the same record gave different output")
	}
	h1, h2 := enc(sc.HistoricalRecord()), enc(sc.HistoricalRecord())
	if !bytes.Equal(h1, h2) {
		t.Fatal("history gave different output twice")
	}
	rec.Seed = 8
	if bytes.Equal(a, enc(rec)) {
		t.Error("a different seed changed nothing in counterfactual mode")
	}
	hist := sc.HistoricalRecord()
	hist.Seed = 12345
	if !bytes.Equal(h1, enc(hist)) {
		t.Error("the seed changed a historical run; history has no noise")
	}
}

func TestStateRoundTripsThroughJSON(t *testing.T) {
	sc := Default()
	st := sc.Start()
	st, _, _ = sc.Step(st, sc.HistoricalChoices(1928), Historical, 0)
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	var back State
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	_, o1, _ := sc.Step(st, sc.HistoricalChoices(1929), Historical, 0)
	_, o2, _ := sc.Step(back, sc.HistoricalChoices(1929), Historical, 0)
	j1, _ := json.Marshal(o1)
	j2, _ := json.Marshal(o2)
	if !bytes.Equal(j1, j2) {
		t.Error("a state that went through JSON steps differently")
	}
}

func BenchmarkRunHistorical(b *testing.B) {
	sc := Default()
	rec := sc.HistoricalRecord()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sc.Run(rec); err != nil {
			b.Fatal(err)
		}
	}
}
