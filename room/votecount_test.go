package room

import "testing"

// While the vote is open everyone, the projector included, sees how many of those who
// vote have voted on every decision; the count moves only when a player completes the
// year's ballot, and says nothing of who or what.
func TestVoteProgress(t *testing.T) {
	r := classRoom(t, CreateParams{})
	proj := Principal{Kind: Projector}
	if v := r.s.View(proj); v.VoteProgress != nil {
		t.Fatalf("progress shown in the debate: %+v", v.VoteProgress)
	}
	r.advance(1) // vote
	voters := r.s.voteProgress()
	if voters.Of < 4 || voters.Voted != 0 || r.s.View(proj).VoteProgress == nil || *r.s.View(proj).VoteProgress != voters {
		t.Fatalf("at the start of the vote: %+v, projector %+v", voters, r.s.View(proj).VoteProgress)
	}
	var voter string
	for _, id := range r.s.c.Order {
		if r.s.c.Players[id].Role != "historian" {
			voter = id
			break
		}
	}
	decisions := r.curYear().Decisions
	for i, d := range decisions {
		evs := r.do(pl(voter), "vote", map[string]string{"decision": d.ID, "option": d.Options[0].ID})
		counted := eventsOf(evs, EvVotersCounted)
		last := i == len(decisions)-1
		if last != (len(counted) == 1) {
			t.Fatalf("after vote %d of %d: %v", i+1, len(decisions), types(evs))
		}
		if last {
			var got VotersData
			mustDecode(t, counted[0], &got)
			if got != (VotersData{Year: r.s.Year(), Voted: 1, Of: voters.Of}) || !VisibilityOf(counted[0]).Public {
				t.Fatalf("the count: %+v, visibility %+v", got, VisibilityOf(counted[0]))
			}
		}
	}
	// Changing a vote changes no count.
	if evs := r.do(pl(voter), "vote", map[string]any{"decision": decisions[0].ID, "abstain": true}); len(eventsOf(evs, EvVotersCounted)) != 0 {
		t.Fatalf("a changed vote counted again: %v", types(evs))
	}
	if v := r.s.View(proj); v.VoteProgress == nil || v.VoteProgress.Voted != 1 {
		t.Fatalf("the projector's view: %+v", v.VoteProgress)
	}
}
