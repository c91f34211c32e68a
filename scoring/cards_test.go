package scoring

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/classroom-debate/debate/roles"
	"github.com/classroom-debate/debate/room"
)

// cardProblems lists where a role card's "how it scores" text (package roles) says
// something other than the rule that scores the goal. It checks what the rules' data can
// tell: whether the goal is judged by the teacher (the "teacher" measure and its rubric
// criteria) or counted by the machine, the goal's points, the thresholds of its measures,
// and whether it waits for a year the class plays.
func cardProblems(g Goal, card string) []string {
	text := strings.ToLower(card)
	var out []string
	if usesMeasure(g.Cases, MeasureTeacher) {
		if !strings.Contains(text, "teacher") || !strings.Contains(text, "not by the machine") {
			out = append(out, "the teacher judges this goal, but the card does not say it is judged by the teacher, not by the machine")
		}
		if pointsWord.MatchString(text) {
			out = append(out, "the teacher judges this goal, but the card speaks of points")
		}
		for _, id := range criteriaOf(g.Cases) {
			for _, c := range room.DefaultRubric {
				if c.ID == id && !strings.Contains(text, strings.ToLower(c.Label)) {
					out = append(out, fmt.Sprintf("the rubric's %q judges this goal, but the card does not name it", c.Label))
				}
			}
		}
		return out
	}
	for _, w := range []string{"rubric", "judged by", "assessed by", "not by the machine"} {
		if strings.Contains(text, w) {
			out = append(out, fmt.Sprintf("the machine counts this goal, but the card says %q", w))
		}
	}
	if want := "up to " + cardNum(g.Points) + " point"; !strings.Contains(text, want) {
		out = append(out, fmt.Sprintf("the goal is worth %v points a year; the card should say %q", g.Points, want))
	}
	for _, f := range thresholds(g.Cases) {
		if !strings.Contains(text, f) {
			out = append(out, fmt.Sprintf("the rule turns on %s, which the card does not give", f))
		}
	}
	if g.Played && !strings.Contains(text, "the class plays") {
		out = append(out, "the goal is not scored in a year the class does not play, and the card does not say so")
	}
	return out
}

// pointsWord finds "point" or "points" in any sense: a teacher-judged card avoids the word
// altogether, even as a verb ("a flag marks a gap", not "points to one").
var pointsWord = regexp.MustCompile(`\bpoints?\b`)

func usesMeasure(cs []Case, m string) bool {
	for _, c := range cs {
		if c.Measure == m || usesMeasure(c.Parts, m) {
			return true
		}
	}
	return false
}

func criteriaOf(cs []Case) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Criteria...)
		out = append(out, criteriaOf(c.Parts)...)
	}
	return out
}

// thresholds are the figures, as a card writes them, where a linear measure starts or
// reaches full points. A zero is left out: cards say it in words ("when none die").
func thresholds(cs []Case) []string {
	var out []string
	for _, c := range cs {
		var f func(float64) string
		switch c.Measure {
		case MeasureFood:
			f = func(v float64) string { return cardNum(v) + " kg" }
		case MeasureLivestock, MeasureSettlerSurvival:
			f = func(v float64) string { return cardNum(v*100) + "%" }
		case MeasureInfluence, MeasureIndustryGrowth:
			f = cardNum
		}
		if f != nil {
			for _, v := range []float64{c.Lo, c.Hi} {
				if v != 0 {
					out = append(out, f(v))
				}
			}
		}
		out = append(out, thresholds(c.Parts)...)
	}
	return out
}

func cardNum(v float64) string { return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64) }

// Every role card says how its goals score as the rules score them.
func TestRoleCardsMatchRules(t *testing.T) {
	c, err := roles.DefaultContent()
	if err != nil {
		t.Fatalf("the role content does not load: %v", err)
	}
	rules := DefaultRules()
	checked := 0
	for _, role := range roles.IDs {
		p, _ := c.Profile(role)
		for _, card := range p.Goals {
			var g *Goal
			for i := range rules.Roles[role].Goals {
				if rules.Roles[role].Goals[i].ID == card.ID {
					g = &rules.Roles[role].Goals[i]
				}
			}
			if g == nil {
				continue // TestGoalIDsMatchRoleContent names it
			}
			checked++
			for _, problem := range cardProblems(*g, card.Scoring) {
				t.Errorf("%s: %s: %q", card.ID, problem, card.Scoring)
			}
		}
	}
	if checked < len(roles.IDs) {
		t.Fatalf("only %d goals checked", checked)
	}
}

// The check catches the mismatches it exists for.
func TestCardProblems(t *testing.T) {
	rules := DefaultRules()
	goal := func(role, id string) Goal {
		for _, g := range rules.Roles[role].Goals {
			if g.ID == id {
				return g
			}
		}
		t.Fatalf("no goal %s", id)
		return Goal{}
	}
	for _, c := range []struct {
		name, role, id, card, want string
	}{
		{"a debate goal sent to the rubric", roles.Official, "official-argue-well",
			"Up to 6 points in each year the class plays. Assessed by the teacher’s rubric: arguments that use evidence cards.", "rubric"},
		{"a teacher-judged goal promising points", roles.Historian, "historian-cards-attached",
			"Points for each evidence card you attach that the teacher judges relevant (use of evidence), not by the machine.", "speaks of points"},
		{"a teacher-judged goal said to be machine-scored", roles.Historian, "historian-annotations",
			"Counted each year: annotations that compare the class’s figures with history, for historical accuracy and reasoning.", "not by the machine"},
		{"the wrong criterion", roles.Historian, "historian-fair-flags",
			"Judged by your teacher, not by the machine, for the use of evidence.", "Historical accuracy"},
		{"the wrong points", roles.Peasant, "peasant-keep-livestock",
			"Up to 4 points a year, by the cattle and horses: nothing at 30% or less, full at 100%.", "worth 3 points"},
		{"the wrong threshold", roles.Official, "official-district-fed",
			"Up to 4 points a year: more when food is above need, none at 220 kg or less.", "360 kg"},
		{"a played goal without its years", roles.Official, "official-honest-record",
			"Up to 3 points for reporting honestly.", "does not play"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := strings.Join(cardProblems(goal(c.role, c.id), c.card), "; ")
			if !strings.Contains(got, c.want) {
				t.Errorf("got %q, want a problem mentioning %q", got, c.want)
			}
		})
	}
}
