package scoring

import (
	"encoding/json"

	"github.com/classroom-debate/debate/room"
)

// A player's action is seen only by staff and the player (room.VisibilityOf), and a goal
// scored from it would give the action away: the points an official earns for an honest
// record say that they reported honestly, the very thing that gets officials purged. So
// the reports are redacted per audience, as the room's events are:
//   - staff see everything;
//   - a player sees their own breakdown in full, and of everyone else only the lines that
//     follow from what is public (the outcome, roles, regions and fates, the debate, the
//     human cost), with totals and faction averages over those lines;
//   - the projector sees what any player sees of everyone else;
//   - exit tickets are staff's and their author's alone.

// private reports whether a goal reads something private: a player's action.
func (g Goal) private() bool { return anyMeasure(g.Cases, MeasureAction) }

func anyMeasure(cs []Case, m string) bool {
	for _, c := range cs {
		if c.Measure == m || anyMeasure(c.Parts, m) {
			return true
		}
	}
	return false
}

// For returns the report as audience a may see it. The report itself is not changed.
func (rep *Report) For(a room.Audience) *Report {
	if a.Kind == room.Teacher {
		return rep
	}
	return DefaultRules().redact(rep, a)
}

func (r *Rules) redact(rep *Report, a room.Audience) *Report {
	out := deepCopy(rep)
	for yi := range out.Years {
		for pi := range out.Years[yi].Players {
			py := &out.Years[yi].Players[pi]
			if a.Kind == room.Player && py.PlayerID == a.PlayerID {
				continue
			}
			r.publicLines(py)
		}
	}
	r.sumTotals(out)
	return out
}

// publicLines keeps the lines of a player's year that anyone may see and adds them up.
func (r *Rules) publicLines(py *PlayerYear) {
	goals := r.Roles[py.Role].Goals
	kept := []Line{}
	total, debate := 0.0, 0.0
	for i, l := range py.Goals {
		if i < len(goals) && goals[i].private() {
			py.Partial = true
			continue
		}
		kept = append(kept, l)
		total += l.Points
		if i < len(goals) && goals[i].measures(MeasureDebate) {
			debate += l.Points
		}
	}
	if py.HumanCost != nil {
		total += py.HumanCost.Points
	}
	py.Goals, py.Action = kept, ""
	py.Total, py.DebatePoints, py.RoleResult = round1(total), round1(debate), round1(total-debate)
}

// For returns the year's view as audience a may see it.
func (yv *YearView) For(a room.Audience) *YearView {
	if a.Kind == room.Teacher {
		return yv
	}
	out := deepCopy(yv)
	r := DefaultRules()
	for pi := range out.Scores.Players {
		py := &out.Scores.Players[pi]
		if a.Kind == room.Player && py.PlayerID == a.PlayerID {
			continue
		}
		r.publicLines(py)
	}
	return out
}

// For returns the debrief as audience a may see it: the scores redacted as in
// Report.For, and only the viewer's own exit tickets.
func (d *Debriefing) For(a room.Audience) *Debriefing {
	if a.Kind == room.Teacher {
		return d
	}
	out := deepCopy(d)
	out.Scores = d.Scores.For(a)
	mine := []Reflection{}
	for _, r := range out.Reflections {
		if a.Kind == room.Player && r.PlayerID == a.PlayerID {
			mine = append(mine, r)
		}
	}
	out.Reflections = mine
	return out
}

// deepCopy copies a report through JSON, which every report type round-trips.
func deepCopy[T any](v *T) *T {
	b, err := json.Marshal(v)
	if err != nil {
		panic("scoring: a report does not encode: " + err.Error())
	}
	out := new(T)
	if err := json.Unmarshal(b, out); err != nil {
		panic("scoring: a report does not decode: " + err.Error())
	}
	return out
}
