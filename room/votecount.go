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
	decisions := 0
	if s.sc != nil {
		if yr, ok := s.sc.Year(c.Year); ok {
			decisions = len(yr.Decisions)
		}
	}
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

// countVoters follows a vote with the new count when it changed.
func (b *batch) countVoters() {
	before := b.s.voteProgress()
	after := b.fork().voteProgress()
	if after != before {
		b.add(EvVotersCounted, after)
	}
}
