package scoring

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/classroom-debate/debate/room"
)

// A player's action stays with the player and the teacher: nobody else's report, year
// view or debrief shows it, or a line scored from it.
func TestReportsAreRedactedPerAudience(t *testing.T) {
	evs := recorded(t)
	rep, err := FromEvents(evs)
	if err != nil {
		t.Fatal(err)
	}
	full, _ := json.Marshal(rep)
	if got, _ := json.Marshal(rep.For(room.Audience{Kind: room.Teacher})); string(got) != string(full) {
		t.Error("the teacher's report is redacted")
	}
	private := []string{"official-honest-record", "peasant-be-heard", "kulak-bear-witness", "official-report-honestly", "peasant-petition", "settler-"}
	anya := room.Audience{Kind: room.Player, PlayerID: "p1"}
	for _, a := range []room.Audience{anya, {Kind: room.Projector}} {
		red := rep.For(a)
		if again, _ := json.Marshal(rep); string(again) != string(full) {
			t.Fatal("redacting changed the report")
		}
		for _, ys := range red.Years {
			for _, py := range ys.Players {
				own := a.Kind == room.Player && py.PlayerID == a.PlayerID
				b, _ := json.Marshal(py)
				for _, word := range private {
					if !own && strings.Contains(string(b), word) {
						t.Errorf("%s sees %q in %s's %d breakdown", a.Kind, word, py.PlayerID, ys.Year)
					}
				}
				sum := 0.0
				if py.HumanCost != nil {
					sum = py.HumanCost.Points
				}
				for _, l := range py.Goals {
					sum += l.Points
				}
				if round1(sum) != py.Total {
					t.Errorf("%s: %s's %d lines add up to %v, the total says %v", a.Kind, py.PlayerID, ys.Year, sum, py.Total)
				}
				if own && (py.Partial || (ys.Year == 1932 && py.Action != "official-report-honestly")) {
					t.Errorf("Anya's own 1932 breakdown is redacted: %+v", py)
				}
			}
		}
		for _, ps := range red.Players {
			own := a.Kind == room.Player && ps.PlayerID == a.PlayerID
			if own == ps.Partial && ps.Role != "historian" && ps.Role != "bukharinite" {
				t.Errorf("%s: %s's totals partial=%v", a.Kind, ps.PlayerID, ps.Partial)
			}
		}
	}

	d, err := Debrief(evs)
	if err != nil {
		t.Fatal(err)
	}
	mine := d.For(room.Audience{Kind: room.Player, PlayerID: "p2"})
	if len(mine.Reflections) != 1 || mine.Reflections[0].PlayerID != "p2" {
		t.Errorf("Boris sees exit tickets %+v", mine.Reflections)
	}
	if pr := d.For(room.Audience{Kind: room.Projector}); len(pr.Reflections) != 0 || pr.Scores.Players[0].Partial != true {
		t.Error("the projector sees exit tickets or unredacted scores")
	}
	if len(d.Reflections) != 4 {
		t.Error("redacting changed the debrief")
	}

	yv, _, err := YearReport(evs, 1932)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(yv.For(room.Audience{Kind: room.Player, PlayerID: "p2"}))
	if strings.Contains(string(b), "official-report-honestly") || strings.Contains(string(b), "official-honest-record") {
		t.Error("Boris's 1932 view shows Anya's action")
	}
	if b, _ := json.Marshal(yv.For(room.Audience{Kind: room.Teacher})); !strings.Contains(string(b), "official-report-honestly") {
		t.Error("the teacher's 1932 view lacks Anya's action")
	}
}
