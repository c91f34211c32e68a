package room

import (
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/classroom-debate/debate/fault"
)

// The teacher's assessment: a rubric the teacher can edit and the scores given against it,
// per student or per post. Assessment is the teacher's alone: both events are seen only by
// staff, and nothing the machine computes (package scoring) ever writes to it. Peer marks
// stay in the posts; the two are never mixed.

// Event types of the assessment.
const (
	EvRubricSet = "rubricSet" // staff only
	EvAssessed  = "assessed"  // staff only
)

// Limits of the rubric and of an assessment note.
const (
	MaxCriteria     = 10
	MaxCriterionMax = 100
	MaxCriterionLbl = 60  // runes
	MaxAssessNote   = 500 // runes
)

// Criterion is one line of the teacher's rubric: a score from 0 to Max.
type Criterion struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	Max   int    `json:"max"`
}

// DefaultRubric is the rubric a room starts with until the teacher sends their own.
// Accuracy of evidence is judged here by the teacher (and flagged by the Historian), never
// by the machine.
var DefaultRubric = []Criterion{
	{ID: "evidence", Label: "Use of evidence", Max: 4},
	{ID: "accuracy", Label: "Historical accuracy", Max: 4},
	{ID: "reasoning", Label: "Reasoning", Max: 4},
	{ID: "listening", Label: "Listening and response", Max: 4},
	{ID: "care", Label: "Empathy and care", Max: 4},
}

// RubricData is the whole rubric after a change (rubricSet).
type RubricData struct {
	Criteria []Criterion `json:"criteria"`
}

// AssessedData is one score against one criterion, for a student (ArgumentID empty) or
// for one of their posts (ArgumentID set; PlayerID is then its author). Clear withdraws
// the score given before to the same target and criterion.
type AssessedData struct {
	PlayerID   string `json:"playerId"`
	ArgumentID string `json:"argumentId,omitempty"`
	Criterion  string `json:"criterion"`
	Score      int    `json:"score"`
	Note       string `json:"note,omitempty"`
	Clear      bool   `json:"clear,omitempty"`
}

// Assessment is a score in force: the last one given to its target and criterion.
type Assessment struct {
	AssessedData
	Seq uint64    `json:"seq"`
	At  time.Time `json:"at"`
}

// Rubric returns the rubric in force: the teacher's, or DefaultRubric.
func (s *State) Rubric() []Criterion {
	if len(s.c.Rubric) > 0 {
		return append([]Criterion(nil), s.c.Rubric...)
	}
	return append([]Criterion(nil), DefaultRubric...)
}

// Assessments returns the scores in force, in the order they were first given. Scores on
// criteria the teacher later dropped from the rubric stay here; reports skip them.
func (s *State) Assessments() []Assessment {
	return append([]Assessment(nil), s.c.Assessments...)
}

var criterionID = regexp.MustCompile(`^[a-z][a-z0-9-]{0,31}$`)

type rubricData struct {
	Criteria []Criterion `json:"criteria"`
}

func decideRubric(b *batch) error {
	d, err := decode[rubricData](b)
	if err != nil {
		return err
	}
	if len(d.Criteria) == 0 || len(d.Criteria) > MaxCriteria {
		return fault.T(fault.Invalid, "fault.room.rubricCriteriaCount", MaxCriteria)
	}
	seen := map[string]bool{}
	out := make([]Criterion, 0, len(d.Criteria))
	for _, c := range d.Criteria {
		if !criterionID.MatchString(c.ID) {
			return fault.T(fault.Invalid, "fault.room.criterionIDInvalid", c.ID)
		}
		if seen[c.ID] {
			return fault.T(fault.Invalid, "fault.room.rubricCriterionTwice", c.ID)
		}
		seen[c.ID] = true
		label, err := cleanLabel(c.Label)
		if err != nil {
			return err
		}
		if c.Max < 1 || c.Max > MaxCriterionMax {
			return fault.T(fault.Invalid, "fault.room.criterionMaxOutOfRange", label, MaxCriterionMax)
		}
		out = append(out, Criterion{ID: c.ID, Label: label, Max: c.Max})
	}
	b.add(EvRubricSet, RubricData{Criteria: out})
	return nil
}

func cleanLabel(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" || !utf8.ValidString(s) {
		return "", fault.T(fault.Invalid, "fault.room.criterionLabelMissing")
	}
	if utf8.RuneCountInString(s) > MaxCriterionLbl {
		return "", fault.T(fault.TooLarge, "fault.room.criterionLabelTooLong", MaxCriterionLbl)
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return "", fault.T(fault.Invalid, "fault.room.criterionLabelControlChars")
		}
	}
	return s, nil
}

type assessData struct {
	PlayerID   string `json:"playerId"`
	ArgumentID string `json:"argumentId"`
	Criterion  string `json:"criterion"`
	Score      *int   `json:"score"`
	Note       string `json:"note"`
	Clear      bool   `json:"clear"`
}

// decideAssess scores a student or a post against one criterion. It is open in every
// phase, the debrief included: teachers often assess after the lesson.
func decideAssess(b *batch) error {
	d, err := decode[assessData](b)
	if err != nil {
		return err
	}
	if (d.PlayerID == "") == (d.ArgumentID == "") {
		return fault.T(fault.Invalid, "fault.room.assessTargetMissing")
	}
	out := AssessedData{PlayerID: d.PlayerID, ArgumentID: d.ArgumentID, Criterion: d.Criterion, Clear: d.Clear}
	if d.ArgumentID != "" {
		p, ok := b.s.c.Posts[d.ArgumentID]
		if !ok {
			return fault.T(fault.NotFound, "fault.room.noSuchArgument")
		}
		out.PlayerID = p.PlayerID
	} else if _, ok := b.s.c.Players[d.PlayerID]; !ok {
		return fault.T(fault.NotFound, "fault.room.noSuchPlayer")
	}
	var crit *Criterion
	rubric := b.s.Rubric()
	for i := range rubric {
		if rubric[i].ID == d.Criterion {
			crit = &rubric[i]
		}
	}
	if crit == nil {
		return fault.T(fault.NotFound, "fault.room.notACriterion", d.Criterion)
	}
	if d.Clear {
		if b.s.assessmentIndex(out) < 0 {
			return fault.T(fault.Conflict, "fault.room.noScoreToWithdraw")
		}
		b.add(EvAssessed, out)
		return nil
	}
	if d.Score == nil {
		return fault.T(fault.Invalid, "fault.room.scoreRequired", crit.Max, crit.Label)
	}
	if *d.Score < 0 || *d.Score > crit.Max {
		return fault.T(fault.Invalid, "fault.room.scoreOutOfRange", crit.Label, crit.Max)
	}
	out.Score = *d.Score
	if strings.TrimSpace(d.Note) != "" {
		note, err := cleanText(d.Note, "note", MaxAssessNote)
		if err != nil {
			return err
		}
		out.Note = note
	}
	b.add(EvAssessed, out)
	return nil
}

// assessmentIndex finds the score in force for the same target and criterion, or -1.
func (s *State) assessmentIndex(d AssessedData) int {
	for i, a := range s.c.Assessments {
		if a.PlayerID == d.PlayerID && a.ArgumentID == d.ArgumentID && a.Criterion == d.Criterion {
			return i
		}
	}
	return -1
}

func foldRubric(s *State, _ Event, d RubricData) error {
	s.c.Rubric = append([]Criterion(nil), d.Criteria...)
	return nil
}

func foldAssessed(s *State, e Event, d AssessedData) error {
	i := s.assessmentIndex(d)
	if d.Clear {
		if i >= 0 {
			s.c.Assessments = append(s.c.Assessments[:i], s.c.Assessments[i+1:]...)
		}
		return nil
	}
	a := Assessment{AssessedData: d, Seq: e.Seq, At: e.At}
	if i >= 0 {
		s.c.Assessments[i] = a
		return nil
	}
	s.c.Assessments = append(s.c.Assessments, a)
	return nil
}

// assessView fills a staff view's rubric and scores.
func (s *State) assessView(v *View) {
	v.Rubric = s.Rubric()
	if len(s.c.Assessments) > 0 {
		v.Assessments = s.Assessments()
	}
}
