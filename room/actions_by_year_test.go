package room

import (
	"testing"

	"github.com/classroom-debate/debate/economy"
)

// Actions vary by year: the snapshot lists, for a player with a role, the actions open
// to them in each played year (as they stand now), so a client never offers one that
// answers not_found (finding 8 of issue 10).
func TestSnapshotListsActionsPerYear(t *testing.T) {
	r := newRoom(t, CreateParams{})
	r.join("a", "Anya")
	me := r.s.View(pl("a")).Me
	if me == nil || me.Role == "" {
		t.Fatalf("player has no role: %+v", me)
	}
	sc := economy.Default()
	p := r.s.c.Players["a"]
	if len(me.ActionsByYear) != len(r.s.c.Settings.PlayedYears) {
		t.Fatalf("actionsByYear has %d years, want %d: %v", len(me.ActionsByYear), len(r.s.c.Settings.PlayedYears), me.ActionsByYear)
	}
	differ := false
	var first []string
	for i, y := range r.s.c.Settings.PlayedYears {
		yr, _ := sc.Year(y)
		var want []string
		for _, act := range yr.Actions {
			if openTo(act, p) {
				want = append(want, act.ID)
			}
		}
		got := me.ActionsByYear[y]
		if len(got) != len(want) {
			t.Fatalf("%d: actions %v, want %v", y, got, want)
		}
		for j := range want {
			if got[j] != want[j] {
				t.Fatalf("%d: actions %v, want %v", y, got, want)
			}
		}
		if i == 0 {
			first = got
		} else if len(got) != len(first) || len(got) > 0 && got[0] != first[0] {
			differ = true
		}
	}
	if !differ {
		t.Fatal("the same actions every year: this test would not see a year's difference")
	}
}
