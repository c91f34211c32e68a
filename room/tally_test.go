package room

import (
	"fmt"
	"math"
	"testing"

	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/roles"
)

// voteRoom sets up players with the given roles in the vote phase of 1928.
func voteRoom(t *testing.T, mode VoteMode, playerRoles []string) *testRoom {
	t.Helper()
	r := newRoom(t, CreateParams{VoteMode: mode})
	for i, role := range playerRoles {
		id := fmt.Sprintf("p%d", i)
		r.join(id, "Player "+id)
		r.do(teacher, "assignRole", map[string]string{"playerId": id, "role": role})
	}
	r.do(teacher, "start", nil)
	r.advance(2)
	if r.s.Phase() != Vote {
		t.Fatalf("phase %s", r.s.Phase())
	}
	return r
}

// closeVote advances past the vote and returns the tallies and the year's result.
func (r *testRoom) closeVote() ([]Tally, YearResult) {
	r.t.Helper()
	evs := r.do(teacher, "advance", nil)
	if got := types(evs); len(got) != 4 || got[0] != EvVotesClosed || got[1] != EvYearActions || got[2] != EvYearResolved || got[3] != EvPhaseChanged {
		r.t.Fatalf("closing the vote gave %v", got)
	}
	if !VisibilityOf(evs[0]).Public || !VisibilityOf(evs[2]).Public {
		r.t.Error("tallies and outcomes are public")
	}
	// Privacy: the action shares (which name individual actions in a small class) are
	// for staff only, never in the public yearResolved.
	if v := VisibilityOf(evs[1]); v.Public || v.Projector || len(v.Players) != 0 || !v.Staff {
		r.t.Errorf("yearActions visibility %+v, want staff only", v)
	}
	var pub YearResolvedData
	mustDecode(r.t, evs[2], &pub)
	if pub.Choices.Actions != nil {
		r.t.Error("yearResolved carries the action shares")
	}
	var vc VotesClosedData
	mustDecode(r.t, evs[0], &vc)
	return vc.Tallies, r.s.c.Results[len(r.s.c.Results)-1]
}

func TestTallies(t *testing.T) {
	sc := economy.Default()
	y, _ := sc.Year(sc.FirstYear())
	dec := y.Decisions[0]
	opt := func(i int) string { return dec.Options[i].ID }
	const abstain = -1
	O, P, K, B, H := roles.Official, roles.Peasant, roles.Kulak, roles.Bukharinite, roles.Historian

	tests := []struct {
		name    string
		mode    VoteMode
		roles   []string
		votes   map[int]int // player index → option index or abstain
		want    string      // "" = history's option
		tied    bool
		noVotes bool
		voters  int
		abst    int
	}{
		{"one each: majority", OneEach, []string{P, P, P, O, O}, map[int]int{0: 1, 1: 1, 2: 1, 3: 0, 4: 0}, opt(1), false, false, 5, 0},
		{"one each: tie to the tie rule", OneEach, []string{P, O}, map[int]int{0: 0, 1: 1}, sc.TieBreak(dec, []string{opt(0), opt(1)}), true, false, 2, 0},
		{"one each: tie rule sees only the tied", OneEach, []string{P, O, K, B}, map[int]int{0: 1, 1: 1, 2: 0, 3: abstain}, opt(1), false, false, 3, 1},
		{"abstentions are not voters", OneEach, []string{P, P, O}, map[int]int{0: abstain, 1: abstain, 2: 1}, opt(1), false, false, 1, 2},
		{"nobody voted: history", OneEach, []string{P, O}, nil, dec.Historical, false, true, 0, 0},
		{"all abstained: history", HistoricalWeights, []string{P, O}, map[int]int{0: abstain, 1: abstain}, dec.Historical, false, true, 0, 2},
		{"historian does not count", OneEach, []string{H, P}, map[int]int{1: 1}, opt(1), false, false, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := voteRoom(t, tt.mode, tt.roles)
			for i, o := range tt.votes {
				v := map[string]any{"decision": dec.ID, "abstain": true}
				if o != abstain {
					v = map[string]any{"decision": dec.ID, "option": opt(o)}
				}
				r.do(pl(fmt.Sprintf("p%d", i)), "vote", v)
			}
			tallies, res := r.closeVote()
			tl := tallies[0]
			if tl.Decision != dec.ID || tl.Result != tt.want || (len(tl.Tied) > 0) != tt.tied || tl.NoVotes != tt.noVotes || tl.Voters != tt.voters || tl.Abstained != tt.abst {
				t.Errorf("tally %+v", tl)
			}
			if tl.Historical != dec.Historical {
				t.Errorf("history's option %q, want %q", tl.Historical, dec.Historical)
			}
			if res.Choices.Decisions[dec.ID] != tl.Result || res.Stepped || len(res.Tallies) != len(y.Decisions) {
				t.Errorf("year result %+v", res)
			}
			// Every decision of the year is in the record, voted or not.
			for _, d := range y.Decisions {
				if res.Choices.Decisions[d.ID] == "" {
					t.Errorf("decision %s missing from the record", d.ID)
				}
			}
			if tt.mode == OneEach {
				sum := 0.0
				for _, o := range tl.Options {
					if o.Weight != float64(o.Votes) {
						t.Errorf("one each: weight %v for %d votes", o.Weight, o.Votes)
					}
					sum += o.Weight
				}
				if int(sum) != tt.voters {
					t.Errorf("weights sum %v, want %d", sum, tt.voters)
				}
			}
		})
	}
}

// In historical mode a faction's weight is shared among its members who voted.
func TestHistoricalWeights(t *testing.T) {
	O, P, K := roles.Official, roles.Peasant, roles.Kulak
	r := voteRoom(t, HistoricalWeights, []string{O, O, K, P, P, P})
	dec := r.curYear().Decisions[0]
	w := r.s.Scenario().VoteWeights(r.s.c.Econ)
	// Officials split 1–1 between option 0 and 1, the kulak votes 1, peasants: one votes 0,
	// one abstains, one does not vote.
	votes := map[string]any{
		"p0": dec.Options[0].ID, "p1": dec.Options[1].ID, "p2": dec.Options[1].ID, "p3": dec.Options[0].ID, "p4": nil,
	}
	for id, o := range votes {
		v := map[string]any{"decision": dec.ID, "abstain": true}
		if o != nil {
			v = map[string]any{"decision": dec.ID, "option": o}
		}
		r.do(pl(id), "vote", v)
	}
	tallies, _ := r.closeVote()
	tl := tallies[0]
	sum := w[economy.Officials] + w[economy.Kulaks] + w[economy.Peasants]
	wo, wk, wp := w[economy.Officials]/sum, w[economy.Kulaks]/sum, w[economy.Peasants]/sum
	want0 := wo/2 + wp // the one peasant who voted carries the whole peasant weight
	want1 := wo/2 + wk
	if math.Abs(tl.Options[0].Weight-want0) > 1e-9 || math.Abs(tl.Options[1].Weight-want1) > 1e-9 {
		t.Errorf("weights %v / %v, want %v / %v", tl.Options[0].Weight, tl.Options[1].Weight, want0, want1)
	}
	if _, ok := tl.Weights[economy.Bukharinist]; ok {
		t.Error("a faction without voters has a weight")
	}
	if tl.Voters != 4 || tl.Abstained != 1 || tl.Options[0].Votes != 2 || tl.Options[1].Votes != 2 {
		t.Errorf("counts %+v", tl)
	}
	wantResult := dec.Options[0].ID
	if want1 > want0+1e-9 {
		wantResult = dec.Options[1].ID
	}
	if math.Abs(want1-want0) > 1e-9 && tl.Result != wantResult {
		t.Errorf("result %s, want %s", tl.Result, wantResult)
	}
}

func TestActionShares(t *testing.T) {
	P, O := roles.Peasant, roles.Official
	r := voteRoom(t, OneEach, []string{P, P, P, P, O})
	regions := []economy.RegionID{economy.Ukraine, economy.Ukraine, economy.Volga, economy.Volga, economy.Rest}
	for i, reg := range regions {
		role := P
		if i == 4 {
			role = O
		}
		r.do(teacher, "assignRole", map[string]string{"playerId": fmt.Sprintf("p%d", i), "role": role, "region": string(reg)})
	}
	var peasantActs []string
	for _, a := range r.curYear().Actions {
		if a.Faction == economy.Peasants && a.Requires == "" {
			peasantActs = append(peasantActs, a.ID)
		}
	}
	if len(peasantActs) == 0 {
		t.Fatal("no peasant action in the first year")
	}
	x := peasantActs[0]
	r.do(pl("p0"), "act", map[string]string{"action": x}) // Ukraine: 1 of 2
	r.do(pl("p2"), "act", map[string]string{"action": x}) // Volga: 2 of 2
	r.do(pl("p3"), "act", map[string]string{"action": x})
	_, res := r.closeVote()
	sh := res.Choices.Actions[economy.Peasants]
	if sh == nil {
		t.Fatal("no peasant shares")
	}
	check := func(reg economy.RegionID, want float64) {
		if got := sh[reg][x]; math.Abs(got-want) > 1e-12 {
			t.Errorf("%s share %v, want %v", reg, got, want)
		}
	}
	check(economy.Ukraine, 0.5)
	check(economy.Volga, 1)
	check(economy.Kazakhstan, 0.75) // no peasants there: the class-wide share
	check(economy.Rest, 0.75)
	for _, other := range peasantActs[1:] {
		if sh[economy.Ukraine][other] != 0 {
			t.Errorf("untaken action %s has a share", other)
		}
	}
	if len(sh) != len(economy.Regions) {
		t.Errorf("%d regions, want all", len(sh))
	}
	if _, ok := res.Choices.Actions[economy.Kulaks]; ok {
		t.Error("a faction without players has shares")
	}
	if off := res.Choices.Actions[economy.Officials]; off == nil {
		t.Error("officials (present, no action taken) should have zero shares")
	}
}
