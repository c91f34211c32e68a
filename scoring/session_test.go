package scoring

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/history"
	"github.com/classroom-debate/debate/room"
	"github.com/classroom-debate/debate/scoring/scoringtest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// recording is a session of scoringtest, recorded once per test run.
type recording struct {
	record func() ([]room.Event, error)
	once   sync.Once
	log    []room.Event
	err    error
}

func (r *recording) events(t *testing.T) []room.Event {
	t.Helper()
	r.once.Do(func() { r.log, r.err = r.record() })
	if r.err != nil {
		t.Fatalf("recording the session: %v", r.err)
	}
	return append([]room.Event(nil), r.log...)
}

var (
	historicalSession     = &recording{record: scoringtest.Session}
	counterfactualSession = &recording{record: scoringtest.CounterfactualSession}
)

// recorded returns the historical session of scoringtest.
func recorded(t *testing.T) []room.Event { return historicalSession.events(t) }

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./scoring -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := range gl {
			if i >= len(wl) || gl[i] != wl[i] {
				w := "(end of file)"
				if i < len(wl) {
					w = wl[i]
				}
				t.Fatalf("%s differs at line %d:\n got: %s\nwant: %s\n(run go test ./scoring -update if the change is intended)", name, i+1, gl[i], w)
			}
		}
		t.Fatalf("%s differs: the golden file is longer (run go test ./scoring -update if the change is intended)", name)
	}
}

func TestGoldenGradebookAndTranscript(t *testing.T) {
	evs := recorded(t)
	csvOut, err := Gradebook(evs)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "session.csv.golden", csvOut)
	md, err := Transcript(evs)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "session.md.golden", md)

	// The gradebook: one row per student, the teacher's columns apart from the peer
	// columns, nothing about stepping out of role, formulas defused.
	text := string(csvOut)
	lines := strings.Split(strings.TrimSpace(text), "\n")
	if len(lines) != 1+6 {
		t.Errorf("%d rows, want a header and 6 students", len(lines))
	}
	head := lines[0]
	for _, col := range []string{"teacher: Use of evidence (/4)", "teacher: notes", "peer marks received (own role)", "peer marks received (other roles)", "peer marks given", "votes cast", "actions taken", "exit tickets"} {
		if !strings.Contains(head, col) {
			t.Errorf("the gradebook has no column %q", col)
		}
	}
	for _, bad := range []string{"out of role", "stepped", "ip", "agent"} {
		if strings.Contains(strings.ToLower(head), bad) {
			t.Errorf("the gradebook header mentions %q: %s", bad, head)
		}
	}
	// The game's scores come last, apart from the rubric and the activity, and are the
	// report's; the Historian, whom the teacher judges, has no machine total.
	gameCols := []string{"game: years scored", "game: role result", "game: debate points", "game: total"}
	if !strings.HasSuffix(head, strings.Join(gameCols, ",")) {
		t.Errorf("the gradebook does not end with the game's scores: %s", head)
	}
	rep, err := FromEvents(evs)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	n := len(rows[0])
	checked := 0
	for _, ps := range rep.Players {
		for _, r := range rows[1:] {
			if strings.TrimPrefix(r[0], "'") != ps.Nickname {
				continue
			}
			checked++
			want := []string{strconv.Itoa(ps.Years), strconv.FormatFloat(ps.RoleResult, 'f', -1, 64), strconv.FormatFloat(ps.DebatePoints, 'f', -1, 64), strconv.FormatFloat(ps.Total, 'f', -1, 64)}
			if ps.TeacherJudged {
				want[1], want[3] = "", ""
			}
			if got := r[n-4:]; strings.Join(got, "|") != strings.Join(want, "|") || ps.Years == 0 {
				t.Errorf("%s's game columns %q, want %q", ps.Nickname, got, want)
			}
		}
	}
	if checked != len(rows)-1 {
		t.Errorf("%d of %d rows checked against the report", checked, len(rows)-1)
	}
	if !strings.Contains(text, "\n'=Emil,Emil; Farida,") {
		t.Error("a nickname starting with = is not defused for spreadsheets, or the group's members are missing")
	}
	if !strings.Contains(text, "Lesson 1: The price decides whether we sell. / The towns were hungry too.") {
		t.Error("the exit tickets are not in the gradebook")
	}
	if strings.Contains(string(md), "citing evidence card `") || !strings.Contains(string(md), "citing the evidence card *") {
		t.Error("the transcript cites evidence cards by id, not by title")
	}
	if strings.Contains(string(md), "A post the teacher hides.") || strings.Contains(string(md), "A post the teacher never approves.") {
		t.Error("the transcript shows hidden or held posts")
	}
}

// The counterfactual session (directives switched off, shock events brought in, the
// rubric edited after the game) has golden files of its own, and each export shows what
// the teacher changed.
func TestGoldenCounterfactual(t *testing.T) {
	evs := counterfactualSession.events(t)
	csvOut, err := Gradebook(evs)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "counterfactual.csv.golden", csvOut)
	md, err := Transcript(evs)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "counterfactual.md.golden", md)

	// The gradebook's teacher columns are the edited rubric's: renamed, added, dropped.
	head := strings.SplitN(string(csvOut), "\n", 2)[0]
	for _, col := range []string{"teacher: Accuracy against the sources (/5)", "teacher: Reasoning about what might have been (/3)"} {
		if !strings.Contains(head, col) {
			t.Errorf("the gradebook has no column %q: %s", col, head)
		}
	}
	for _, gone := range []string{"Historical accuracy", "Empathy and care"} {
		if strings.Contains(head, gone) {
			t.Errorf("the gradebook keeps the dropped or renamed criterion %q", gone)
		}
	}
	// The transcript says what the teacher switched off and brought in.
	for _, want := range []string{"switched off by the teacher", "### Events brought in by the teacher", "Mode: counterfactual"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("the transcript does not say %q", want)
		}
	}
	// So do the choices record and the debrief's differences from history.
	b, err := ChoicesJSON(evs)
	if err != nil {
		t.Fatal(err)
	}
	var rec economy.Record
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Mode != economy.Counterfactual || len(rec.Years) != 7 || rec.Years[2].Directives["dekulakisation"] ||
		rec.Years[4].Directives["blacklists"] || !reflect.DeepEqual(rec.Years[2].Events, []string{"good-rains-1930"}) ||
		!reflect.DeepEqual(rec.Years[4].Events, []string{"plan-cut-1932"}) {
		t.Errorf("the choices record misses the teacher's changes: %s", b)
	}
	ss, err := fold(evs)
	if err != nil {
		t.Fatal(err)
	}
	snap, _ := ss.year(1930)
	var kinds []string
	for _, c := range choiceDiffs(ss.sc, snap) {
		if c.Kind != "decision" {
			kinds = append(kinds, c.Kind+" "+c.ID+": "+c.Class)
		}
	}
	if want := []string{"directive dekulakisation: switched off", "event good-rains-1930: brought in by the teacher"}; !reflect.DeepEqual(kinds, want) {
		t.Errorf("1930's differences from history: %q, want %q", kinds, want)
	}
	// The Historian's goals name the rubric's criteria as the teacher renamed them.
	rep, err := FromEvents(evs)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, py := range rep.Years[len(rep.Years)-1].Players {
		for _, g := range py.Goals {
			found = found || (py.Role == "historian" && strings.Contains(g.Note, "Accuracy against the sources"))
		}
	}
	if !found {
		t.Error("the Historian's breakdown does not name the renamed criterion")
	}
}

// Export, import, replay: the same final state and scores, byte for byte.
func TestReplayGivesTheSameFinalState(t *testing.T) {
	evs := recorded(t)
	live, err := FinalJSON(evs)
	if err != nil {
		t.Fatal(err)
	}
	file, err := EventLog(evs)
	if err != nil {
		t.Fatal(err)
	}
	lf, err := ReadEventLog(file)
	if err != nil {
		t.Fatalf("the exported log does not read back: %v", err)
	}
	if lf.Code != "GOLD" || lf.RoomID != "room-golden" || len(lf.Events) != len(evs) || lf.Format != LogFormat {
		t.Errorf("header: %+v", lf)
	}
	again, err := FinalJSON(lf.Events)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(live, again) {
		t.Fatal("the replayed final state and scores differ from the live room's")
	}
	// The export itself is stable.
	file2, _ := EventLog(lf.Events)
	if !bytes.Equal(file, file2) {
		t.Error("exporting the imported log gives different bytes")
	}
	var f Final
	if err := json.Unmarshal(live, &f); err != nil {
		t.Fatal(err)
	}
	if f.Seq != evs[len(evs)-1].Seq || f.Scores == nil || !f.Scores.Complete || len(f.Scores.Years) != 7 || f.Assessment == nil {
		t.Errorf("final: seq %d, scores %+v", f.Seq, f.Scores != nil)
	}
}

func TestReadEventLogRefuses(t *testing.T) {
	evs := recorded(t)
	good, err := EventLog(evs)
	if err != nil {
		t.Fatal(err)
	}
	swap := func(old, new string) []byte { return bytes.Replace(good, []byte(old), []byte(new), 1) }
	gap := append([]room.Event{}, evs[:3]...)
	gap = append(gap, evs[4:]...)
	gapFile, _ := json.Marshal(LogFile{Format: 1, Kind: LogKind, RoomID: "room-golden", Code: "GOLD", EventFormat: 1, Events: gap})
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"not JSON", []byte("hello"), "not an exported room log"},
		{"a choices record", []byte(`{"format":1,"scenario":"x","mode":"historical","seed":1,"years":[]}`), "not an exported room log"},
		{"wrong kind", swap(LogKind, "something-else"), "kind"},
		{"newer format", swap(`"format":1`, `"format":9`), "format 9"},
		{"newer events", swap(`"eventFormat":1`, `"eventFormat":7`), "newer"},
		{"no events", []byte(`{"format":1,"kind":"` + LogKind + `","roomId":"r","code":"C","eventFormat":1,"events":[]}`), "no events"},
		{"a gap", gapFile, "does not replay"},
		{"another room's header", swap(`"code":"GOLD"`, `"code":"OTHER"`), "header names room"},
		{"trailing data", append(append([]byte{}, good...), []byte("{}")...), "extra data"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadEventLog(c.data)
			if err == nil || !strings.Contains(err.Error(), c.want) || fault.CodeOf(err) != fault.Invalid {
				t.Fatalf("got %v, want an invalid error mentioning %q", err, c.want)
			}
		})
	}
}

// The exported choices record, stepped through the model as `debate simulate --choices`
// does, gives the debrief's figures: for the historical session and for the
// counterfactual one, whose record carries directives switched off and shock events.
func TestChoicesRecordReproducesTheDebrief(t *testing.T) {
	for name, rec := range map[string]*recording{"historical": historicalSession, "counterfactual": counterfactualSession} {
		t.Run(name, func(t *testing.T) { checkChoicesReproduceTheDebrief(t, rec.events(t)) })
	}
}

func checkChoicesReproduceTheDebrief(t *testing.T, evs []room.Event) {
	t.Helper()
	b, err := ChoicesJSON(evs)
	if err != nil {
		t.Fatal(err)
	}
	var rec economy.Record
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rec); err != nil {
		t.Fatalf("the choices export is not a strict choices record: %v", err)
	}
	outs, err := economy.Default().Run(rec)
	if err != nil {
		t.Fatalf("simulate refuses the record: %v", err)
	}
	d, err := Debrief(evs)
	if err != nil {
		t.Fatal(err)
	}
	fromRecord := PathFrom(outs)
	if len(fromRecord) == 0 || len(fromRecord) != len(d.Path) {
		t.Fatalf("%d rows from the record, %d in the debrief", len(fromRecord), len(d.Path))
	}
	for i := range d.Path {
		a, _ := json.Marshal(d.Path[i])
		b, _ := json.Marshal(fromRecord[i])
		if !bytes.Equal(a, b) {
			t.Errorf("row %s: debrief %s, simulate %s", d.Path[i], a, b)
		}
	}
	for i, y := range d.Scores.Years {
		if outs[i].Year != y.Year {
			t.Errorf("year %d of the record is %d", i, outs[i].Year)
		}
	}
}

// Scores change only when a year resolves: every prefix of the log scores exactly as the
// prefix ending at its last resolution. (The fold is incremental here; FromEvents on each
// prefix gives the same, as TestFoldIsIncremental checks.)
func TestScoresChangeOnlyAtResolution(t *testing.T) {
	evs := recorded(t)
	scores := func(rep *Report) string {
		type total struct{ Role, Debate, Total float64 }
		m := map[string]total{}
		for _, p := range rep.Players {
			if p.Years > 0 {
				m[p.PlayerID] = total{p.RoleResult, p.DebatePoints, p.Total}
			}
		}
		b, _ := json.Marshal(struct {
			Years  []YearScores
			Totals map[string]total
		}{rep.Years, m})
		return string(b)
	}
	last := "" // the scores at the last resolution so far
	changes := 0
	f := newFolder()
	for n := 1; n <= len(evs); n++ {
		if err := f.add(evs[n-1]); err != nil {
			t.Fatal(err)
		}
		ss, err := f.session()
		if err != nil {
			t.Fatalf("prefix %d: %v", n, err)
		}
		got := scores(DefaultRules().report(ss))
		if evs[n-1].Type == room.EvYearResolved {
			if got != last {
				changes++
			}
			last = got
			continue
		}
		if last == "" {
			last = got
		}
		if got != last {
			t.Fatalf("the scores changed at event %d (%s), which is not a resolution", evs[n-1].Seq, evs[n-1].Type)
		}
	}
	if changes != 7 {
		t.Errorf("the scores changed at %d resolutions, want 7", changes)
	}
}

// No points for speed: the same game played at another pace scores the same.
func TestNoPointsForSpeed(t *testing.T) {
	evs := recorded(t)
	slow := make([]room.Event, len(evs))
	for i, e := range evs {
		e.At = e.At.Add(time.Duration(i*i) * time.Second) // later and later, unevenly
		slow[i] = e
	}
	a, err := FromEvents(evs)
	if err != nil {
		t.Fatal(err)
	}
	b, err := FromEvents(slow)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Error("the scores depend on when things were posted")
	}
}

func TestSessionScores(t *testing.T) {
	rep, err := FromEvents(recorded(t))
	if err != nil {
		t.Fatal(err)
	}
	year := func(y int) YearScores {
		for _, ys := range rep.Years {
			if ys.Year == y {
				return ys
			}
		}
		t.Fatalf("no year %d", y)
		return YearScores{}
	}
	player := func(ys YearScores, id string) PlayerYear {
		for _, p := range ys.Players {
			if p.PlayerID == id {
				return p
			}
		}
		t.Fatalf("no player %s in %d", id, ys.Year)
		return PlayerYear{}
	}
	// 1928: Dana (p4) argued five times, citing a card each time: only the caps count.
	if d := player(year(1928), "p4").Debate; d.Arguments != 5 || d.Points != 2+1 {
		t.Errorf("Dana's 1928 debate: %+v", d)
	}
	// Boris (p2): one argument with a card; marks from Emil (peasant), Chen (kulak) and
	// Hana (Historian): 0.5 + 1 + 1, capped at 2.
	if d := player(year(1928), "p2").Debate; d.MarksSame != 1 || d.MarksOther != 2 || d.Points != 1+0.5+2 {
		t.Errorf("Boris's 1928 debate: %+v", d)
	}
	// 1932: the posts held or hidden by the teacher earn nothing.
	if d := player(year(1932), "p5").Debate; d.Arguments != 0 || d.Points != 0 {
		t.Errorf("Emil's held post counted: %+v", d)
	}
	if d := player(year(1932), "p2").Debate; d.Arguments != 0 {
		t.Errorf("Boris's hidden post counted: %+v", d)
	}
	// Anya reported honestly in 1932.
	anya := player(year(1932), "p1")
	if anya.Action != "official-report-honestly" || goalPoints(anya.Goals)["official-honest-record"] != 3 {
		t.Errorf("Anya's honest record: %+v", anya)
	}
	// Stepped years score no play goals.
	for _, l := range player(year(1929), "p1").Goals {
		if l.ID == "official-argue-well" && (l.Max != 0 || l.Points != 0) {
			t.Errorf("1929 was not played: %+v", l)
		}
	}
	// Every faction's breakdown has the year's human-cost line; the Historian's has none.
	for _, ys := range rep.Years {
		for _, p := range ys.Players {
			if (p.HumanCost == nil) != (p.Role == "historian") {
				t.Errorf("%d %s: human cost line %v", ys.Year, p.Role, p.HumanCost)
			}
			sum := 0.0
			if p.HumanCost != nil {
				sum = p.HumanCost.Points
			}
			for _, g := range p.Goals {
				sum += g.Points
			}
			if round1(sum) != p.Total || round1(p.RoleResult+p.DebatePoints) != p.Total {
				t.Errorf("%d %s: the lines add up to %v, the total is %v", ys.Year, p.PlayerID, sum, p.Total)
			}
		}
	}
	if len(rep.Factions) != 4 || rep.Factions[1].Role != "peasant" || rep.Factions[1].Members != 2 {
		t.Errorf("factions: %+v", rep.Factions)
	}
}

func TestYearReportAndFamine(t *testing.T) {
	evs := recorded(t)
	if _, ok, err := YearReport(evs, 1927); ok || err != nil {
		t.Errorf("a year before the game: %v %v", ok, err)
	}
	shown := map[string]int{}
	rep, _ := FromEvents(evs)
	for _, ys := range rep.Years {
		yv, ok, err := YearReport(evs, ys.Year)
		if err != nil || !ok {
			t.Fatalf("year %d: %v %v", ys.Year, ok, err)
		}
		snap := yv.Famine
		if len(snap.Regions) != len(economy.Regions) {
			t.Fatalf("%d: %d regions", ys.Year, len(snap.Regions))
		}
		o := outcomeOf(t, evs, ys.Year)
		for _, r := range snap.Regions {
			m := o.FamineDeathsByRegionM[economy.RegionID(r.Region)]
			if m >= fewDeathsM && (r.Range.LowM > m || r.Range.HighM < m) {
				t.Errorf("%d %s: range %+v does not hold the model's %v", ys.Year, r.Region, r.Range, m)
			}
			if !strings.HasPrefix(r.Range.Text, "between") && !strings.HasPrefix(r.Range.Text, "fewer than") {
				t.Errorf("a death toll is not given as a range: %q", r.Range.Text)
			}
			switch r.Famine {
			case "the Holodomor":
				if r.Region != "ukraine" || ys.Year < 1932 || ys.Year > 1933 {
					t.Errorf("the Holodomor named for %s %d", r.Region, ys.Year)
				}
			case "the Asharshylyk":
				if r.Region != "kazakhstan" || ys.Year < 1930 || ys.Year > 1933 {
					t.Errorf("the Asharshylyk named for %s %d", r.Region, ys.Year)
				}
			}
		}
		if snap.USSR.HighM < o.FamineDeathsM && o.FamineDeathsM >= fewDeathsM {
			t.Errorf("%d: the USSR's range %+v is below the model's %v", ys.Year, snap.USSR, o.FamineDeathsM)
		}
		for _, a := range snap.Accounts {
			shown[a.Title]++
			if !strings.Contains(a.Label, "composite") || len(a.Testimony) == 0 {
				t.Errorf("an account without its label or testimony: %+v", a)
			}
		}
	}
	if len(shown) == 0 {
		t.Error("the session's famine showed no composite account")
	}
	for title, n := range shown {
		if n != 1 {
			t.Errorf("account %q shown %d times", title, n)
		}
	}
}

func outcomeOf(t *testing.T, evs []room.Event, year int) economy.Outcome {
	t.Helper()
	for _, e := range evs {
		if e.Type != room.EvYearResolved {
			continue
		}
		var d room.YearResolvedData
		if err := json.Unmarshal(e.Data, &d); err != nil {
			t.Fatal(err)
		}
		if d.Year == year {
			return d.Outcome
		}
	}
	t.Fatalf("no outcome for %d", year)
	return economy.Outcome{}
}

func TestDebrief(t *testing.T) {
	evs := recorded(t)
	d, err := Debrief(evs)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Complete || len(d.Years) != 7 {
		t.Errorf("complete %v, years %v", d.Complete, d.Years)
	}
	// Every band of reference.csv is on the path.
	if len(d.Path) != len(history.Reference()) {
		t.Errorf("the path has %d rows, reference.csv %d", len(d.Path), len(history.Reference()))
	}
	for _, r := range d.Path {
		qc, _ := DefaultContent().quantity(r.Quantity)
		if qc.Famine != (r.ClassRange != nil) || (r.Class == nil) != qc.Famine {
			t.Errorf("%s: famine figures must be ranges and only ranges: %+v", r, r)
		}
		if r.Inside != (r.Distance <= 0.5) && r.History.High-r.History.Low >= 0.1*r.History.High {
			t.Errorf("%s: inside %v but distance %v", r, r.Inside, r.Distance)
		}
	}
	if len(d.Divergences) != 3 {
		t.Fatalf("%d divergences", len(d.Divergences))
	}
	for i, dv := range d.Divergences {
		if i > 0 && dv.Distance > d.Divergences[i-1].Distance {
			t.Error("divergences are not in order")
		}
		if len(dv.Events) == 0 || dv.Explanation == "" || dv.Direction == "" {
			t.Errorf("divergence %s is not explained: %+v", dv.PathRow, dv)
		}
		from, to := dv.Year, dv.Year
		if len(dv.Span) == 2 {
			from, to = dv.Span[0], dv.Span[1]
		}
		for _, ev := range dv.Events {
			if !eventWithin(ev, from-1, to) {
				t.Errorf("divergence %s shows event %s (%s), not within or just before its years", dv.PathRow, ev.ID, ev.Date)
			}
		}
	}
	shown := map[string]bool{}
	for _, dv := range d.Divergences {
		if shown[dv.Quantity] {
			t.Errorf("%s shown twice", dv.Quantity)
		}
		shown[dv.Quantity] = true
	}
	for _, r := range d.Path {
		if r.Distance > d.Divergences[2].Distance && !shown[r.Quantity] {
			t.Errorf("%s (distance %v) is larger than the divergences shown", r, r.Distance)
		}
	}
	if len(d.Assumptions) == 0 || !reflect.DeepEqual(d.Assumptions, economy.Default().Assumptions()) {
		t.Error("the debrief does not carry the model's assumptions")
	}
	text, _ := json.Marshal(d.Debate)
	for _, name := range []string{"Conquest", "Davies", "Wheatcroft", "Ellman", "Tauger", "Applebaum", "Kotkin", "Werth", "genocide", "1948"} {
		if !strings.Contains(string(text), name) {
			t.Errorf("the historians' debate does not mention %s", name)
		}
	}
	var ids []string
	for _, r := range d.Debate.Recognitions {
		ids = append(ids, r.Event.ID)
	}
	if !reflect.DeepEqual(ids, []string{"event:1988-04-22", "event:2006-11-28", "event:2022-11-30"}) {
		t.Errorf("recognitions: %v", ids)
	}
	if d.Scores == nil || len(d.Scores.Players) != 6 || len(d.Famine) != 7 {
		t.Error("the debrief misses the scores or the famine years")
	}
	if len(d.Reflections) != 4 || d.Reflections[0].Nickname != "Boris" || d.Reflections[0].Lesson != 1 ||
		len(d.Reflections[0].Prompts) != len(d.Reflections[0].Answers) || d.Reflections[3].Lesson != 2 {
		t.Errorf("reflections: %+v", d.Reflections)
	}
	// The debrief holds no teacher assessment.
	b, _ := json.Marshal(d)
	if strings.Contains(string(b), "Spoke about the villages with care") {
		t.Error("the teacher's notes leak into the debrief")
	}
}

// A game the teacher ends early debriefs what was resolved.
func TestDebriefOfAGameEndedEarly(t *testing.T) {
	d := scoringtest.NewDriver(room.CreateParams{RoomID: "r", Code: "EARLY", Seed: 1})
	d.Do(scoringtest.System, "join", map[string]string{"playerId": "p1", "nickname": "Ada"})
	d.Advance(room.Resolution)
	d.Do(scoringtest.Teacher, "end", nil)
	if d.Err != nil {
		t.Fatal(d.Err)
	}
	db, err := Debrief(d.Log)
	if err != nil {
		t.Fatal(err)
	}
	if db.Complete || len(db.Years) != 1 || len(db.Divergences) != 3 {
		t.Errorf("complete %v years %v divergences %d", db.Complete, db.Years, len(db.Divergences))
	}
	for _, r := range db.Path {
		if r.Year != 1928 || len(r.Span) > 0 {
			t.Errorf("a row for an unresolved year: %s", r)
		}
	}
	md, err := Transcript(d.Log)
	if err != nil || !strings.Contains(string(md), "ended the game early") {
		t.Errorf("transcript: %v", err)
	}
}

func TestFileName(t *testing.T) {
	day := time.Date(2026, 11, 25, 23, 30, 0, 0, time.UTC)
	for _, c := range []struct {
		code string
		kind Kind
		want string
	}{
		{"GOLD", KindGradebook, "GOLD-2026-11-25.csv"},
		{"GOLD", KindLog, "GOLD-2026-11-25.log.json"},
		{"GOLD", KindTranscript, "GOLD-2026-11-25.md"},
		{"GOLD", KindChoices, "GOLD-2026-11-25.choices.json"},
		{"GOLD", KindFinal, "GOLD-2026-11-25.final.json"},
		{"../x y", KindGradebook, "xy-2026-11-25.csv"},
		{"", KindGradebook, "room-2026-11-25.csv"},
	} {
		if got := FileName(c.code, day, c.kind); got != c.want {
			t.Errorf("FileName(%q, %s) = %q, want %q", c.code, c.kind, got, c.want)
		}
	}
}

func TestAssessmentStaysApart(t *testing.T) {
	evs := recorded(t)
	b, err := FinalJSON(evs)
	if err != nil {
		t.Fatal(err)
	}
	var f Final
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	var boris PlayerAssessment
	for _, p := range f.Assessment.Players {
		if p.PlayerID == "p2" {
			boris = p
		}
	}
	ev := boris.Criteria[0]
	if ev.ID != "evidence" || ev.Student != nil || len(ev.Posts) != 2 || ev.Score == nil || *ev.Score != 3.5 {
		t.Errorf("Boris's evidence: two post scores (3 and 4) average 3.5: %+v", ev)
	}
	// The machine's scores carry no rubric score.
	sb, _ := json.Marshal(f.Scores)
	if strings.Contains(string(sb), "Used the slaughter figures") {
		t.Error("the teacher's notes are in the machine's scores")
	}
}

// Folding a prefix event by event gives what FromEvents gives for that prefix.
func TestFoldIsIncremental(t *testing.T) {
	evs := recorded(t)
	f := newFolder()
	for n, e := range evs {
		if err := f.add(e); err != nil {
			t.Fatal(err)
		}
		if n%23 != 11 {
			continue
		}
		ss, _ := f.session()
		a, _ := json.Marshal(DefaultRules().report(ss))
		rep, err := FromEvents(evs[:n+1])
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(rep)
		if !bytes.Equal(a, b) {
			t.Fatalf("prefix %d: the incremental fold differs", n+1)
		}
	}
}

// A class that cast no votes took history's choices: the debrief does not tell it what
// "your class" did, but that the gap is the model's; a class that voted keeps the
// written explanation.
func TestDebriefWithNoVotesBlamesNobody(t *testing.T) {
	d := scoringtest.NewDriver(room.CreateParams{RoomID: "r", Code: "NOVOTE", Seed: 1})
	d.Do(scoringtest.System, "join", map[string]string{"playerId": "p1", "nickname": "Ada"})
	for d.Err == nil && d.State.Phase() != room.Debrief {
		if d.State.Phase() == room.Lobby {
			d.Do(scoringtest.Teacher, "start", nil)
		} else {
			d.Do(scoringtest.Teacher, "advance", nil)
		}
	}
	if d.Err != nil {
		t.Fatal(d.Err)
	}
	db, err := Debrief(d.Log)
	if err != nil {
		t.Fatal(err)
	}
	blamed := 0
	for _, dv := range db.Divergences {
		if dv.Direction == "inside" {
			continue
		}
		if strings.Contains(strings.ToLower(dv.Explanation), "your class") || !strings.HasPrefix(dv.Explanation, "Nobody in the class voted in ") {
			t.Errorf("%s: %q", dv.Quantity, dv.Explanation)
		}
		blamed++
	}
	if blamed == 0 {
		t.Fatal("no divergence outside history's band to check")
	}
	voted, err := Debrief(recorded(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, dv := range voted.Divergences {
		if strings.HasPrefix(dv.Explanation, "Nobody") {
			t.Errorf("a class that voted is told nobody did: %s", dv.Quantity)
		}
	}
}
