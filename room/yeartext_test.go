package room

import (
	"strings"
	"testing"

	"github.com/classroom-debate/debate/economy"
)

// TestYearTextFollowsTheClassPath: the year card every player, the teacher and the
// projector read tells history's year in a room that has history's decrees, and not in a
// counterfactual room whose teacher switched them off.
func TestYearTextFollowsTheClassPath(t *testing.T) {
	hist := newRoom(t, CreateParams{})
	hist.join("a", "Ada")
	hist.toPhase(Briefing)
	cf := newRoom(t, CreateParams{Mode: economy.Counterfactual})
	for _, y := range cf.s.Scenario().Years {
		for _, d := range y.Directives {
			cf.do(teacher, "setDirective", map[string]any{"directive": d.ID, "on": false})
		}
	}
	cf.join("a", "Ada")
	cf.toPhase(Briefing)
	h, c := hist.s.View(pl("a")).Current, cf.s.View(pl("a")).Current
	if h == nil || c == nil {
		t.Fatal("no year card in the briefing")
	}
	const decree = "criminal code"
	if !strings.Contains(h.Summary, decree) {
		t.Errorf("history's room is not told of article 107: %q", h.Summary)
	}
	if strings.Contains(c.Summary, decree) && !strings.Contains(c.Summary, "not turned to the criminal code") {
		t.Errorf("a room with article 107 switched off is told of it as fact: %q", c.Summary)
	}
	if c.Summary == h.Summary {
		t.Errorf("both rooms read the same year card: %q", c.Summary)
	}
}
