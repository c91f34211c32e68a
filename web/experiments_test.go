package web_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/classroom-debate/debate/economy"
)

// TestDebriefExperimentsPanel: the debrief's experiments panel, drawn by the page's own
// debrief.js from the economy's answer for a whole path, shows every historian's claim
// with the historians named, what the experiment assumes and the deaths as ranges, and
// says plainly that a model cannot settle the debate, also while it loads or fails.
func TestDebriefExperimentsPanel(t *testing.T) {
	l := liveServer(t)
	tb := newTab(t, browser(t), l.url, "teacher", nil)
	msg := messages(t, l.url)
	tb.open("/")

	sc := economy.Default()
	res, err := sc.RunExperiments(sc.HistoricalRecord(), nil, 50)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(map[string]any{"years": []int{1928, 1929, 1930, 1931, 1932, 1933, 1934}, "runs": 50, "experiments": res})
	if err != nil {
		t.Fatal(err)
	}
	type item struct {
		ID         string `json:"id"`
		Historians string `json:"historians"`
		Assumption string `json:"assumption"`
		Range      string `json:"range"`
	}
	type drawn struct {
		Heading string   `json:"heading"`
		Caveat  string   `json:"caveat"`
		Items   []item   `json:"items"`
		Loading []string `json:"loading"`
		Failed  []string `json:"failed"`
	}
	got := eval[drawn](tb, fmt.Sprintf(`import('/static/js/debrief.js').then((m) => {
	  const box = document.createElement('div'); document.body.append(box);
	  box.append(m.experimentsPanel({ value: %s }));
	  const texts = (el) => [...el.querySelectorAll('p')].map((p) => p.textContent);
	  const loading = m.experimentsPanel({ value: null }); const failed = m.experimentsPanel({ value: null, error: 'the server is down' });
	  return {
	    heading: box.querySelector('h3').textContent,
	    caveat: box.querySelector('.experiments-caveat').textContent,
	    items: [...box.querySelectorAll('li.experiment')].map((li) => ({
	      id: li.dataset.experiment,
	      historians: li.querySelector('.experiment-historians').textContent,
	      assumption: li.querySelector('.experiment-assumption').textContent,
	      range: li.querySelector('.experiment-range').textContent,
	    })),
	    loading: texts(loading), failed: texts(failed),
	  };
	})`, raw))
	if got.Heading != msg("debrief.experiments") || got.Caveat != msg("debrief.experimentsCaveat") {
		t.Errorf("heading %q, caveat %q", got.Heading, got.Caveat)
	}
	if !strings.Contains(got.Caveat, "cannot settle") {
		t.Errorf("the caveat %q does not say a model cannot settle the debate", got.Caveat)
	}
	if len(got.Items) != len(res) {
		t.Fatalf("%d experiments drawn, want %d", len(got.Items), len(res))
	}
	for i, e := range res {
		it := got.Items[i]
		if it.ID != e.ID || it.Historians != e.Historians || !strings.Contains(it.Assumption, e.Assumption) {
			t.Errorf("experiment %d drawn %+v, want %s by %s", i, it, e.ID, e.Historians)
		}
		base := fmt.Sprintf("%.1f", e.BaselineM.Low)
		exp := oneOrRange(e.ExperimentM.Low, e.ExperimentM.High) + " million"
		if !strings.Contains(it.Range, "1930–1934") || !strings.Contains(it.Range, base) || !strings.Contains(it.Range, exp) {
			t.Errorf("%s: range %q, want the years 1930–1934, %s and %s", e.ID, it.Range, base, exp)
		}
	}
	for _, who := range []string{"Tauger", "Ellman", "Conquest", "Applebaum", "Graziosi", "Naumenko", "Davies"} {
		found := false
		for _, it := range got.Items {
			found = found || strings.Contains(it.Historians, who)
		}
		if !found {
			t.Errorf("no experiment names %s", who)
		}
	}
	if len(got.Loading) != 2 || got.Loading[0] != msg("debrief.experimentsCaveat") || got.Loading[1] != msg("debrief.experimentsLoading") {
		t.Errorf("while loading: %q", got.Loading)
	}
	if len(got.Failed) != 2 || !strings.Contains(got.Failed[1], "the server is down") {
		t.Errorf("when failed: %q", got.Failed)
	}
	// A path with no famine in the years the claims concern: every range has equal ends
	// and is said as one figure, as the debrief says every range.
	none := res[0]
	none.BaselineM, none.ExperimentM, none.AvoidedM, none.AvoidedShare = economy.Spread{}, economy.Spread{}, economy.Spread{}, economy.Spread{}
	rawNone, err := json.Marshal(map[string]any{"years": []int{1930}, "runs": 50, "experiments": []economy.ExperimentResult{none}})
	if err != nil {
		t.Fatal(err)
	}
	gotNone := eval[string](tb, fmt.Sprintf(`import('/static/js/debrief.js').then((m) => m.experimentsPanel({ value: %s }).querySelector('.experiment-range').textContent)`, rawNone))
	if want := "Famine deaths 1930: on your path 0.0 million; with the claim 0.0 million; that is 0.0 million fewer (0% of your path's)."; gotNone != want {
		t.Errorf("with no famine: %q, want %q", gotNone, want)
	}
	if errs := eval[[]string](tb, `window.__errors || []`); len(errs) > 0 {
		t.Errorf("script errors: %q", errs)
	}
}

// oneOrRange writes a range of deaths in million as the panel does: one figure when its
// ends round to the same tenth.
func oneOrRange(lo, hi float64) string {
	a, b := fmt.Sprintf("%.1f", lo), fmt.Sprintf("%.1f", hi)
	if a == b {
		return a
	}
	return a + "–" + b
}
