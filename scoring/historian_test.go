package scoring

import (
	"encoding/csv"
	"strings"
	"testing"

	"github.com/classroom-debate/debate/roles"
	"github.com/classroom-debate/debate/room"
	"github.com/classroom-debate/debate/scoring/scoringtest"
)

// The Historian's flags, cards and annotations reach the transcript and the gradebook;
// notes the word filter held for the teacher do not, and are not counted.
func TestHistorianInExports(t *testing.T) {
	content, err := roles.DefaultContent()
	if err != nil {
		t.Fatal(err)
	}
	cards := content.Cards()
	if len(cards) < 2 {
		t.Fatal("too few cards")
	}
	d := scoringtest.NewDriver(room.CreateParams{RoomID: "room-h", Code: "HIST", Seed: 3, Settings: room.Settings{PlayedYears: []int{1928}}})
	for _, p := range []struct{ id, nick, role string }{{"p1", "Anya", "peasant"}, {"p2", "Boris", "official"}, {"h1", "Hana", "historian"}, {"h2", "Ivo", "historian"}} {
		d.Do(scoringtest.System, "join", map[string]string{"playerId": p.id, "nickname": p.nick})
		d.Do(scoringtest.Teacher, "assignRole", map[string]string{"playerId": p.id, "role": p.role, "region": "ukraine"})
	}
	d.Advance(room.Debate)
	a1 := d.Argue("p1", "Nobody will sell grain at these prices.", 0, 0, "")
	a2 := d.Argue("p2", "The towns must be fed first.", 0, 1, "")
	d.Do(scoringtest.Player("h1"), "flagClaim", map[string]string{"argumentId": a1, "note": "Which prices, and whose figures?"})
	d.Do(scoringtest.Player("h2"), "flagClaim", map[string]string{"argumentId": a2, "note": "What a sh1t claim."}) // held by the filter
	d.Do(scoringtest.Player("h1"), "attachCard", map[string]string{"argumentId": a2, "cardId": cards[0].ID})
	d.Do(scoringtest.Player("h1"), "attachCard", map[string]string{"argumentId": a1, "cardId": cards[1].ID})
	d.Advance(room.Resolution)
	d.Do(scoringtest.Player("h1"), "annotate", map[string]any{"year": 1928, "text": "The harvest was close to history's band."})
	d.Do(scoringtest.Player("h2"), "annotate", map[string]any{"year": 1928, "text": "Sh1t figures."}) // held
	d.Advance(room.Debrief)
	if d.Err != nil {
		t.Fatal(d.Err)
	}

	tr, err := Transcript(d.Log)
	if err != nil {
		t.Fatal(err)
	}
	text := string(tr)
	for _, want := range []string{
		"- *A historian (Hana) asks for evidence:* Which prices, and whose figures?",
		"- *A historian (Hana) attached the evidence card* " + md(cards[0].Title) + " (`" + cards[0].ID + "`)",
		"### Historians' notes\n\n- **Hana** (Historian): The harvest was close to history's band.\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the transcript lacks %q", want)
		}
	}
	if strings.Contains(text, "sh1t") || strings.Contains(text, "Sh1t") {
		t.Error("the transcript shows a note the word filter held")
	}
	// The flag sits under its argument, before the next one.
	if i, j := strings.Index(text, "Nobody will sell"), strings.Index(text, "Which prices"); i < 0 || j < i || strings.Index(text[i:j], "The towns must be fed") >= 0 {
		t.Error("the flag is not listed under its argument")
	}

	out, err := Gradebook(d.Log)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(string(out))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	want := map[string][3]string{"Anya": {"", "", ""}, "Boris": {"", "", ""}, "Hana": {"1", "2", "1"}, "Ivo": {"0", "0", "0"}}
	for _, row := range rows[1:] {
		w, ok := want[row[0]]
		if !ok {
			t.Fatalf("unexpected row %v", row)
		}
		got := [3]string{row[col["historian: flags"]], row[col["historian: cards attached"]], row[col["historian: annotations"]]}
		if got != w {
			t.Errorf("%s: historian columns %v, want %v", row[0], got, w)
		}
		delete(want, row[0])
	}
	if len(want) != 0 {
		t.Errorf("rows missing: %v", want)
	}
}
