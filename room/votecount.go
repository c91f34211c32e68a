package room

import "github.com/classroom-debate/debate/roles"

// EvVotersCounted says how many of the players who vote have voted on every decision of
// the year: the wall shows "N of M have voted" while the vote is open. Public: it holds
// counts only, never who voted or what.
const EvVotersCounted = "votersCounted"

// VotersData is the vote's progress.
type VotersData struct {
	Year  int `json:"year"`
	Voted int `json:"voted"` // players with a vote (or an abstention) on every decision
	Of    int `json:"of"`    // active players who vote (every role but the Historian)
}

// voteProgress counts the vote's progress in s's current year.
func (s *State) voteProgress() VotersData {
	c := &s.c
	d := VotersData{Year: c.Year}
	decisions := s.yearDecisions()
	for _, id := range c.Order {
		p := c.Players[id]
		if p.Status != StatusActive {
			continue
		}
		if _, ok := roles.Faction(p.Role); !ok {
			continue
		}
		d.Of++
		if decisions > 0 && len(c.Votes[id]) >= decisions {
			d.Voted++
		}
	}
	return d
}

// yearDecisions is how many decisions the current year puts to the vote.
func (s *State) yearDecisions() int {
	if s.sc != nil {
		if yr, ok := s.sc.Year(s.c.Year); ok {
			return len(yr.Decisions)
		}
	}
	return 0
}

// countVoters follows the voter's vote on decision with the new count when it completes
// their ballot. A changed vote completes nothing new; the count is worked out from the
// state before the vote, without a copy of the room, as votes are the busiest command.
func (b *batch) countVoters(decision string) {
	votes := b.s.c.Votes[b.me.ID]
	if _, had := votes[decision]; had || len(votes)+1 != b.s.yearDecisions() {
		return
	}
	after := b.s.voteProgress()
	after.Voted++
	b.add(EvVotersCounted, after)
}
