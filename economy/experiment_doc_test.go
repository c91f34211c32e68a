package economy

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestExperimentRangesDocumented runs every experiment on history's path over the
// ensemble docs/ECONOMY.md describes (50 runs) and checks that the page gives each
// avoided range (10th–90th percentile, to 0.1 M) as measured.
func TestExperimentRangesDocumented(t *testing.T) {
	sc := Default()
	res, err := sc.RunExperiments(sc.HistoricalRecord(), nil, 50)
	if err != nil {
		t.Fatal(err)
	}
	// How the page names each experiment in its sentence of ranges.
	phrases := map[string]string{
		"ordinary-1932":         "an ordinary 1932 avoids",
		"no-exports-reserves":   "stopped exports and released reserves",
		"no-blacklists":         "no blacklists or closed roads",
		"collectivisation-1929": "collectivisation held at 1929",
		"relief-autumn-1932":    "relief from the autumn of 1932",
	}
	raw, err := os.ReadFile("../docs/ECONOMY.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Join(strings.Fields(string(raw)), " ")
	if len(res) != len(phrases) {
		t.Errorf("%d experiments, the page's sentence names %d", len(res), len(phrases))
	}
	for _, r := range res {
		phrase, ok := phrases[r.ID]
		if !ok {
			t.Errorf("experiment %s: docs/ECONOMY.md gives no range for it", r.ID)
			continue
		}
		want := fmt.Sprintf("%s %.1f–%.1f M", phrase, r.AvoidedM.Low, r.AvoidedM.High)
		if !strings.Contains(doc, want) {
			t.Errorf("docs/ECONOMY.md should say %q (measured %.3f–%.3f M)", want, r.AvoidedM.Low, r.AvoidedM.High)
		}
	}
}
