package web_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/classroom-debate/debate/scoring"
)

// TestFamineReportWarnsAboutTheRestsAverage: in a famine year the report shows, by the
// rest of the USSR's range, that the model averages that region and so understates the
// famine in its grain provinces; in a year without famine it says nothing of the kind.
// The report is drawn by the page's own report.js from the server's famine-year shape.
func TestFamineReportWarnsAboutTheRestsAverage(t *testing.T) {
	l := liveServer(t)
	tb := newTab(t, browser(t), l.url, "teacher", nil)
	msg := messages(t, l.url)
	tb.open("/")

	few := scoring.Range{LowM: 0, HighM: 0.01, Text: "fewer than 10,000"}
	region := func(id, name, famine string, r scoring.Range) scoring.RegionFamine {
		return scoring.RegionFamine{Region: id, Name: name, Famine: famine, Range: r}
	}
	famineYear := scoring.FamineYear{Year: 1933, USSR: scoring.Range{LowM: 3.3, HighM: 5.2, Text: "between 3.3 million and 5.2 million"},
		Regions: []scoring.RegionFamine{
			region("ukraine", "Ukraine", "the Holodomor", scoring.Range{LowM: 1.6, HighM: 3.2, Text: "between 1.6 million and 3.2 million"}),
			region("rest", "the rest of the USSR", "", few),
		}}
	calmYear := scoring.FamineYear{Year: 1928, USSR: few,
		Regions: []scoring.RegionFamine{region("ukraine", "Ukraine", "", few), region("rest", "the rest of the USSR", "", few)}}
	restStruck := scoring.FamineYear{Year: 1933, USSR: famineYear.USSR,
		Regions: []scoring.RegionFamine{region("rest", "the rest of the USSR", "famine", scoring.Range{LowM: 0.02, HighM: 0.05, Text: "between 20,000 and 50,000"})}}

	// draw renders one famine year into a fresh container and returns its warnings' text.
	draw := func(id string, fy scoring.FamineYear) []string {
		t.Helper()
		raw, err := json.Marshal(fy)
		if err != nil {
			t.Fatal(err)
		}
		return eval[[]string](tb, fmt.Sprintf(`import('/static/js/report.js').then((m) => {
		  const box = document.createElement('div'); box.id = %s; document.body.append(box);
		  box.append(m.famine(%s));
		  return [...box.querySelectorAll('.rest-average')].map((e) => e.textContent);
		})`, jsStr(id), raw))
	}
	want := msg("report.restAverage")
	if got := draw("famine-year", famineYear); len(got) != 1 || got[0] != want {
		t.Errorf("a famine year with the rest under 10,000: warnings %q, want one: %q", got, want)
	}
	if got := draw("rest-struck", restStruck); len(got) != 1 || got[0] != want {
		t.Errorf("a famine year with famine in the rest: warnings %q, want one: %q", got, want)
	}
	if got := eval[bool](tb, `!!document.querySelector('#rest-struck li[data-region="rest"] .rest-average')`); !got {
		t.Error("when the rest shows famine, its warning is not beside its range")
	}
	if got := draw("calm-year", calmYear); len(got) != 0 {
		t.Errorf("a year without famine shows the rest's warning: %q", got)
	}
	if errs := eval[[]string](tb, `window.__errors || []`); len(errs) > 0 {
		t.Errorf("script errors: %q", errs)
	}
}

// TestTeacherJudgedRoleShowsNoZeroTotal: the Historian's year, which the teacher judges,
// says so where other roles show their totals, in the breakdown and in the teacher's list
// of everyone's scores, instead of a total of 0 that would read as a mark. A role the
// machine scores keeps its totals. Drawn by report.js from scoring's own JSON.
func TestTeacherJudgedRoleShowsNoZeroTotal(t *testing.T) {
	l := liveServer(t)
	tb := newTab(t, browser(t), l.url, "teacher", nil)
	msg := messages(t, l.url)
	tb.open("/")

	historian := scoring.PlayerYear{PlayerID: "h", Nickname: "Hana", Role: "historian", TeacherJudged: true,
		Goals: []scoring.Line{{ID: "historian-annotations", Label: "Annotate each year's outcome against history", Note: "Judged by your teacher, not by the machine: Accuracy"}}}
	peasant := scoring.PlayerYear{PlayerID: "p", Nickname: "Boris", Role: "peasant", RoleResult: 5, DebatePoints: 2.5, Total: 7.5,
		Goals: []scoring.Line{{ID: "peasant-family-fed", Label: "Feed the family", Points: 4, Max: 4}}}
	view := scoring.YearView{Year: 1930, Scores: scoring.YearScores{Year: 1930, Players: []scoring.PlayerYear{historian, peasant}}}
	raw, err := json.Marshal(view)
	if err != nil {
		t.Fatal(err)
	}
	type drawn struct {
		Summaries  []string `json:"summaries"`
		Totals     []string `json:"totals"`
		LinePoints []string `json:"linePoints"`
	}
	got := eval[drawn](tb, fmt.Sprintf(`import('/static/js/report.js').then((m) => {
	  const box = document.createElement('div'); document.body.append(box);
	  box.append(m.yearReport(%s, { audience: 'teacher' }));
	  const li = (id) => box.querySelector('li[data-player="' + id + '"]');
	  return {
	    summaries: ['h', 'p'].map((id) => li(id).querySelector('summary').textContent),
	    totals: ['h', 'p'].map((id) => li(id).querySelector('.score-total').textContent),
	    linePoints: [...li('h').querySelectorAll('.goals .line-points')].map((e) => e.textContent),
	  };
	})`, raw))
	judged := msg("scoring.teacherJudged")
	if len(got.Summaries) != 2 || !strings.HasSuffix(got.Summaries[0], judged) || strings.Contains(got.Summaries[0], "0") {
		t.Errorf("the Historian's summary %q, want it to end %q and show no total", got.Summaries, judged)
	}
	if len(got.Totals) != 2 || got.Totals[0] != judged || got.Totals[1] != "7.5" {
		t.Errorf("totals %q, want %q for the Historian and 7.5 for the peasant", got.Totals, judged)
	}
	if len(got.LinePoints) != 0 {
		t.Errorf("the teacher-judged goals show machine points: %q", got.LinePoints)
	}
	if errs := eval[[]string](tb, `window.__errors || []`); len(errs) > 0 {
		t.Errorf("script errors: %q", errs)
	}
}
