package scoring

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/history"
)

func TestDefaultContentCoversReference(t *testing.T) {
	c := DefaultContent()
	for _, b := range history.Reference() {
		if _, ok := c.quantity(b.Quantity); !ok {
			t.Errorf("reference.csv's %s has no debrief entry", b.Quantity)
		}
		if _, ok := quantityGetter(b.Quantity); !ok {
			t.Errorf("the debrief cannot read %s from an outcome", b.Quantity)
		}
	}
	for _, r := range economy.Regions {
		if _, ok := c.Famine.Regions[string(r)]; !ok {
			t.Errorf("no famine entry for %s", r)
		}
	}
	if c.Famine.Regions["ukraine"].Famine != "the Holodomor" || c.Famine.Regions["kazakhstan"].Famine != "the Asharshylyk" {
		t.Error("the famines are not named")
	}
}

// contentWith loads the embedded content with one file changed.
func contentWith(t *testing.T, file string, f func(m map[string]any)) error {
	t.Helper()
	read := func(name string) ([]byte, error) {
		b, err := contentFiles.ReadFile("content/" + name)
		if err != nil || name != file {
			return b, err
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		f(m)
		return json.Marshal(m)
	}
	_, err := LoadContent(read)
	return err
}

func TestLoadContentRejects(t *testing.T) {
	quantities := func(m map[string]any) []any { return m["quantities"].([]any) }
	period := func(m map[string]any, q, p int) map[string]any {
		return obj(m, "quantities", q, "periods", p).(map[string]any)
	}
	account := func(m map[string]any) map[string]any {
		return obj(m, "regions", "ukraine", "accounts", 0).(map[string]any)
	}
	for _, c := range []struct {
		name, file, want string
		f                func(m map[string]any)
	}{
		{"unknown field", "debrief.json", "unknown field", func(m map[string]any) { m["extra"] = 1 }},
		{"dangling event", "debrief.json", "dangling id", func(m map[string]any) {
			period(m, 0, 0)["events"] = []any{"event:1999-01-01"}
		}},
		{"no events", "debrief.json", "needs the events", func(m map[string]any) { period(m, 0, 0)["events"] = []any{} }},
		// The harvest of 1928 explained with the famine of 1933.
		{"an event after its period", "debrief.json", "lies outside 1927–1928", func(m map[string]any) {
			period(m, 0, 0)["events"] = []any{"event:1927-28", "event:1933-01"}
		}},
		{"an event long before its period", "debrief.json", "lies outside", func(m map[string]any) {
			period(m, 0, 0)["events"] = []any{"event:1921-03-08"}
		}},
		{"a year left unexplained", "debrief.json", "no explanation for 1928", func(m map[string]any) {
			q := quantities(m)[0].(map[string]any)
			q["periods"] = q["periods"].([]any)[1:]
		}},
		{"a total's span left unexplained", "debrief.json", "no explanation for 1932–1934", func(m map[string]any) {
			for _, q := range quantities(m) {
				if q := q.(map[string]any); q["id"] == "famineDeathsUkraineTotalM" {
					q["periods"].([]any)[0].(map[string]any)["years"] = []any{1932.0, 1933.0}
				}
			}
		}},
		{"a period without its years", "debrief.json", "a period is [year] or [first, last]", func(m map[string]any) {
			period(m, 0, 0)["years"] = []any{}
		}},
		{"one text for two periods", "debrief.json", "same explanation", func(m map[string]any) {
			period(m, 0, 1)["above"] = period(m, 0, 0)["above"]
		}},
		{"a period without one of its explanations", "debrief.json", "both explanations", func(m map[string]any) {
			period(m, 0, 0)["below"] = " "
		}},
		{"a quantity left out", "debrief.json", "does not explain it", func(m map[string]any) { m["quantities"] = quantities(m)[1:] }},
		{"a quantity the model lacks", "debrief.json", "cannot read", func(m map[string]any) {
			m["quantities"] = append(quantities(m), map[string]any{"id": "sheepM"})
		}},
		{"a recognition without its event", "debrief.json", "dangling id", func(m map[string]any) {
			obj(m, "debate", "recognitions", 0).(map[string]any)["event"] = "event:1987"
		}},
		{"no care note", "debrief.json", "care note", func(m map[string]any) { obj(m, "debate").(map[string]any)["care"] = "" }},
		{"a missing region", "famine.json", "missing region", func(m map[string]any) { delete(obj(m, "regions").(map[string]any), "volga") }},
		{"an account without testimony", "famine.json", "real testimony", func(m map[string]any) { account(m)["testimony"] = []any{} }},
		{"an unlabelled account", "famine.json", "composite", func(m map[string]any) { m["compositeLabel"] = "A family's story." }},
		{"an account requiring an unknown directive", "famine.json", "no directive", func(m map[string]any) {
			account(m)["requires"] = []any{"directive:grain-amnesty"}
		}},
		{"an account requiring an option a decision lacks", "famine.json", "no option", func(m map[string]any) {
			account(m)["requires"] = []any{"decision:quota-1932=double"}
		}},
		{"a region without a counterfactual text", "famine.json", "counterfactual", func(m map[string]any) {
			obj(m, "regions", "volga").(map[string]any)["counterfactual"] = ""
		}},
		{"a named famine without years", "famine.json", "named famine", func(m map[string]any) {
			obj(m, "regions", "ukraine").(map[string]any)["from"] = 0.0
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := contentWith(t, c.file, c.f)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.file) {
				t.Fatalf("got %v, want an error naming %s and mentioning %q", err, c.file, c.want)
			}
		})
	}
}

// The spreads come from reference.csv: each total's band around its printed figure.
func TestSpreads(t *testing.T) {
	sp := Spreads()
	for _, c := range []struct {
		region   string
		down, up float64
	}{
		{"ukraine", 1 - 2.6/3.9, 5.0/3.9 - 1},
		{"kazakhstan", 1 - 1.2/1.5, 2.3/1.5 - 1},
		{"ussr", 1 - 5.5/6.0, 8.7/6.0 - 1},
		// No sourced estimate: the widest on each side.
		{"northCaucasus", 1 - 2.6/3.9, 2.3/1.5 - 1},
		{"volga", 1 - 2.6/3.9, 2.3/1.5 - 1},
		{"rest", 1 - 2.6/3.9, 2.3/1.5 - 1},
	} {
		s := sp[c.region]
		if math.Abs(s.Down-c.down) > 0.001 || math.Abs(s.Up-c.up) > 0.001 || s.Source == "" {
			t.Errorf("%s: %+v, want −%.3f/+%.3f", c.region, s, c.down, c.up)
		}
	}
}

func TestRanges(t *testing.T) {
	uk := Spreads()["ukraine"]
	for _, c := range []struct {
		m      float64
		s      Spread
		lo, hi float64
		text   string
	}{
		{0, uk, 0, fewDeathsM, "fewer than 10,000"},
		{0.005, uk, 0, fewDeathsM, "fewer than 10,000"},
		{3.9, uk, 2.6, 5, "between 2.6 million and 5 million"},
		{0.2, Spread{Down: 0.2, Up: 0.5}, 0.16, 0.3, "between 160,000 and 300,000"},
		{0.0333, Spread{Down: 0.1, Up: 0.1}, 0.029, 0.037, "between 29,000 and 37,000"},
		{1.234, Spread{Down: 0.1, Up: 0.1}, 1.1, 1.4, "between 1.1 million and 1.4 million"},
	} {
		r := rangeOf(c.m, c.s)
		if math.Abs(r.LowM-c.lo) > 1e-9 || math.Abs(r.HighM-c.hi) > 1e-9 || r.Text != c.text {
			t.Errorf("rangeOf(%v) = %+v, want [%v, %v] %q", c.m, r, c.lo, c.hi, c.text)
		}
		if c.m >= fewDeathsM && (r.LowM > c.m || r.HighM < c.m) {
			t.Errorf("rangeOf(%v) = %+v does not hold the figure", c.m, r)
		}
	}
	// The USSR's range is never narrower than a region's.
	by := map[economy.RegionID]float64{economy.Kazakhstan: 0.5}
	u := ussrRange(0.52, by, Spreads())
	k := rangeOf(0.5, Spreads()["kazakhstan"])
	if u.HighM < k.HighM || u.LowM < k.LowM {
		t.Errorf("USSR %+v narrower than Kazakhstan %+v", u, k)
	}
}

// Every divergence the debrief can show (each quantity of reference.csv, in each year or
// span it has a band for, above or below the band) has its own written explanation, and
// the events shown with it fall within its year or span or the year just before: the
// debrief never explains 1928 with the winter of 1929–30.
func TestEveryDivergenceIsExplainedForItsYear(t *testing.T) {
	c := DefaultContent()
	mentioned := regexp.MustCompile(`\b(19\d\d)(?:–(\d\d)\b)?`)
	seen := map[string]string{}
	n := 0
	for _, b := range history.Reference() {
		from, to, ok := bandYears(b)
		if !ok {
			t.Fatalf("%s: no span in %q", b.ID, b.Unit)
		}
		row := PathRow{Quantity: b.Quantity, Year: b.Year, History: *bandOf(b)}
		if from != to {
			row.Span = []int{from, to}
		}
		qc, _ := c.quantity(b.Quantity)
		per, ok := qc.period(from, to)
		if !ok {
			t.Errorf("%s %s: no period", b.Quantity, yearsText(from, to))
			continue
		}
		_, last := per.span()
		for _, dir := range []string{"above", "below"} {
			row.value = b.High + 1 + math.Abs(b.High)
			if dir == "below" {
				row.value = b.Low - 1 - math.Abs(b.Low)
			}
			dv := c.explain(row)
			what := fmt.Sprintf("%s %s, %s", b.Quantity, yearsText(from, to), dir)
			n++
			if dv.Direction != dir || strings.TrimSpace(dv.Explanation) == "" {
				t.Errorf("%s: direction %q, explanation %q", what, dv.Direction, dv.Explanation)
			}
			if where, dup := seen[dv.Explanation+"|"+yearsText(from, to)]; dup {
				t.Errorf("%s: the same explanation as %s", what, where)
			}
			seen[dv.Explanation+"|"+yearsText(from, to)] = what
			if len(dv.Events) == 0 {
				t.Errorf("%s: no event shown", what)
			}
			for _, ev := range dv.Events {
				a, z, ok := eventYears(ev)
				if !ok || z < from-1 || a > to {
					t.Errorf("%s: event %s (%s) is not within or just before %s", what, ev.ID, ev.Date, yearsText(from, to))
				}
			}
			// The explanation speaks of no year after its period.
			for _, m := range mentioned.FindAllStringSubmatch(dv.Explanation, -1) {
				y, _ := strconv.Atoi(m[1])
				if m[2] != "" {
					yy, _ := strconv.Atoi(m[2])
					y = y/100*100 + yy
				}
				if y > last {
					t.Errorf("%s: the explanation speaks of %s, after its period: %q", what, m[0], dv.Explanation)
				}
			}
		}
	}
	if n != 2*len(history.Reference()) {
		t.Errorf("%d explanations checked for %d bands", n, len(history.Reference()))
	}
}

func TestEventYears(t *testing.T) {
	for date, want := range map[string][2]int{
		"1927–28": {1927, 1928}, "1928-01-15 [verify] → early Feb": {1928, 1928}, "1930-02 → 09": {1930, 1930},
		"1930-01/03": {1930, 1930}, "1930–33": {1930, 1933}, "1931": {1931, 1931}, "1934-01-26 → 02-10": {1934, 1934},
		"2022-11-30 / 2022-12-15 / 2023-10-12": {2022, 2023},
	} {
		a, b, ok := eventYears(history.Event{Date: date})
		if !ok || a != want[0] || b != want[1] {
			t.Errorf("eventYears(%q) = %d, %d, %v; want %v", date, a, b, ok, want)
		}
	}
}
