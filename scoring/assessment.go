package scoring

import (
	"math"

	"github.com/classroom-debate/debate/room"
)

// Assessment is the teacher's own judgement: the rubric in force and the scores given
// against it, per student and per post. It is computed from the teacher's assess events
// alone and never mixed with the machine's scores or the peer marks.
type Assessment struct {
	Rubric  []room.Criterion   `json:"rubric"`
	Players []PlayerAssessment `json:"players"`
}

// PlayerAssessment is one student's (or group's) line of the teacher's assessment.
type PlayerAssessment struct {
	PlayerID string           `json:"playerId"`
	Nickname string           `json:"nickname"`
	Members  []string         `json:"members,omitempty"` // a group player's members
	Criteria []CriterionScore `json:"criteria"`
}

// CriterionScore is one criterion for one student: the score given to the student, and
// the scores given to their posts. Score is the student's score when there is one, else
// the average over their posts, else nil.
type CriterionScore struct {
	ID      string      `json:"id"`
	Label   string      `json:"label"`
	Max     int         `json:"max"`
	Score   *float64    `json:"score,omitempty"`
	Student *int        `json:"student,omitempty"`
	Posts   []PostScore `json:"posts,omitempty"`
	Notes   []string    `json:"notes,omitempty"`
}

// PostScore is a score given to one post.
type PostScore struct {
	PostID string `json:"postId"`
	Score  int    `json:"score"`
	Note   string `json:"note,omitempty"`
}

// assessment gathers the teacher's scores by student, in join order. Scores on criteria
// no longer in the rubric are left out.
func (ss *session) assessment() *Assessment {
	a := &Assessment{Rubric: ss.state.Rubric(), Players: []PlayerAssessment{}}
	scores := ss.state.Assessments()
	for _, p := range ss.final.Players {
		if p.Status == room.StatusPending {
			continue
		}
		pa := PlayerAssessment{PlayerID: p.ID, Nickname: p.Nickname, Members: ss.members[p.ID], Criteria: []CriterionScore{}}
		for _, c := range a.Rubric {
			cs := CriterionScore{ID: c.ID, Label: c.Label, Max: c.Max}
			sum, n := 0.0, 0
			for _, s := range scores {
				if s.PlayerID != p.ID || s.Criterion != c.ID {
					continue
				}
				if s.ArgumentID == "" {
					v := s.Score
					cs.Student = &v
					if s.Note != "" {
						cs.Notes = append([]string{s.Note}, cs.Notes...)
					}
					continue
				}
				cs.Posts = append(cs.Posts, PostScore{PostID: s.ArgumentID, Score: s.Score, Note: s.Note})
				if s.Note != "" {
					cs.Notes = append(cs.Notes, s.ArgumentID+": "+s.Note)
				}
				sum += float64(s.Score)
				n++
			}
			switch {
			case cs.Student != nil:
				v := float64(*cs.Student)
				cs.Score = &v
			case n > 0:
				v := math.Round(sum/float64(n)*10) / 10
				cs.Score = &v
			}
			pa.Criteria = append(pa.Criteria, cs)
		}
		a.Players = append(a.Players, pa)
	}
	return a
}
