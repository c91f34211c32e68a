package room

import (
	"math"
	"sort"

	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/roles"
)

// Phase transitions: closing a phase, tallying the vote, stepping the model.

// closePhase ends the current phase now and opens the next one.
func (b *batch) closePhase() error {
	w := b.fork()
	switch w.c.Phase {
	case Lobby:
		return b.nextYear(0)
	case Briefing:
		b.openPhase(w.c.Year, Debate)
	case Debate:
		b.openPhase(w.c.Year, Vote)
	case Vote:
		if err := b.resolveYear(); err != nil {
			return err
		}
		b.openPhase(w.c.Year, Resolution)
	case Resolution:
		year := w.c.Year
		if err := b.nextYear(year); err != nil {
			return err
		}
		// The lesson plan's boundary: the lesson ends here, and the next one starts
		// with the next played year's briefing.
		// A plan with a debrief lesson ends the last played lesson on the way into the
		// debrief, which opens the next lesson.
		if sch, ok := w.c.Settings.schedule(); ok && sch.endsLesson(year) && !b.lessonEnding && (w.c.Phase != Debrief || sch.debriefLesson()) {
			return b.endLesson(true)
		}
	default:
		return fault.T(fault.WrongPhase, "fault.room.gameOverNoNextPhase")
	}
	return nil
}

// openPhase moves to a phase with its full timer running.
func (b *batch) openPhase(year int, ph Phase) {
	d := PhaseChangedData{Year: year, Phase: ph}
	if dur := b.fork().c.Settings.timersFor(year).Duration(ph); dur > 0 {
		dl := b.now.Add(dur)
		d.Deadline = &dl
	}
	b.add(EvPhaseChanged, d)
}

// nextYear steps the years after `after` that the class does not play, with history's
// choices, and opens the briefing of the next played year, or the debrief after the last.
func (b *batch) nextYear(after int) error {
	w := b.fork()
	for _, y := range scenarioYears(w.sc) {
		if y <= after {
			continue
		}
		if w.c.Settings.played(y) {
			b.openPhase(y, Briefing)
			return nil
		}
		if err := b.stepYear(y, w.historicalChoices(y), true); err != nil {
			return err
		}
	}
	last := after
	if ys := scenarioYears(w.sc); len(ys) > 0 && ys[len(ys)-1] > last {
		last = ys[len(ys)-1]
	}
	b.add(EvPhaseChanged, PhaseChangedData{Year: last, Phase: Debrief})
	return nil
}

// historicalChoices is history's record for a year the class does not play, with the
// teacher's directive switches of a counterfactual room.
func (s *State) historicalChoices(y int) economy.YearChoices {
	ch := s.sc.HistoricalChoices(y)
	s.applyDirectives(&ch)
	return ch
}

// applyDirectives records whether each of the year's directives is in force.
func (s *State) applyDirectives(ch *economy.YearChoices) {
	yr, ok := s.sc.Year(ch.Year)
	if !ok || len(yr.Directives) == 0 {
		return
	}
	dirs := map[string]bool{}
	for k, v := range ch.Directives {
		dirs[k] = v
	}
	for _, d := range yr.Directives {
		on, set := s.c.Directives[d.ID]
		if s.c.Mode != economy.Counterfactual || !set {
			on = true
		}
		dirs[d.ID] = on
	}
	ch.Directives = dirs
}

// stepYear runs the model one year and emits its record in two parts: yearActions (staff
// only: the action shares, which in a small class name what each player did, the
// settlers' testimony and the purges' reasons) and yearResolved (public: the choices
// without the actions, the outcome and the fates).
func (b *batch) stepYear(y int, ch economy.YearChoices, stepped bool) error {
	w := b.fork()
	// The model seeds each year's noise from (seed, year) itself, so the room passes its own
	// seed: the exported Record then replays with `debate simulate` to the same outcomes.
	seed := w.c.Seed
	_, out, err := w.sc.Step(w.c.Econ, ch, w.c.Mode, seed)
	if err != nil {
		return fault.As(err)
	}
	fates, purges := w.fateChanges(ch, out, stepped)
	private := YearActionsData{Year: y, Actions: ch.Actions, Purges: purges}
	if !stepped {
		private.Settlers, private.Taken = w.settlerVoices(), w.takenActions()
	}
	public := ch
	public.Actions = nil
	if private.Actions != nil || private.Settlers != nil || private.Taken != nil || private.Purges != nil {
		b.add(EvYearActions, private)
	}
	b.add(EvYearResolved, YearResolvedData{Year: y, Stepped: stepped, Seed: seed, Choices: public, Outcome: out, Fates: fates})
	return nil
}

// inForce reports whether a directive is one of the year's and was not switched off.
func inForce(yr *economy.Year, ch economy.YearChoices, id string) bool {
	for _, d := range yr.Directives {
		if d.ID == id {
			on, set := ch.Directives[id]
			return !set || on
		}
	}
	return false
}

// resolveYear closes the vote: tallies, action shares, the model's step.
func (b *batch) resolveYear() error {
	w := b.fork()
	yr, ok := w.sc.Year(w.c.Year)
	if !ok {
		return fault.T(fault.Internal, "fault.room.yearMissingFromScenario")
	}
	tallies := w.tally(yr)
	b.add(EvVotesClosed, VotesClosedData{Year: yr.Year, Mode: w.c.VoteMode, Tallies: tallies})
	ch := economy.YearChoices{Year: yr.Year, Decisions: map[string]string{}, Actions: w.actionShares(yr)}
	for _, t := range tallies {
		ch.Decisions[t.Decision] = t.Result
	}
	w.applyDirectives(&ch)
	if len(w.c.Injected) > 0 {
		ch.Events = append([]string(nil), w.c.Injected...)
	}
	return b.stepYear(yr.Year, ch, false)
}

// voters returns the players whose votes and actions count: in the game, with a faction.
func (s *State) voters() []*player {
	var out []*player
	for _, id := range s.c.Order {
		p := s.c.Players[id]
		if _, ok := roles.Faction(p.Role); ok && p.Status == StatusActive {
			out = append(out, p)
		}
	}
	return out
}

// tally counts every decision of the year. In historical mode each faction's weight (the
// scenario's formula on the model's state) is shared among its members who voted on that
// decision; in oneEach mode every vote weighs 1. Ties go to the scenario's tie rule; a
// decision nobody voted on takes history's option.
func (s *State) tally(yr *economy.Year) []Tally {
	var weights map[economy.Faction]float64
	if s.c.VoteMode == HistoricalWeights {
		weights = s.sc.VoteWeights(s.c.Econ)
	}
	players := s.voters()
	out := make([]Tally, 0, len(yr.Decisions))
	for _, d := range yr.Decisions {
		t := Tally{Decision: d.ID, Historical: d.Historical}
		idx := map[string]int{}
		for i, o := range d.Options {
			idx[o.ID] = i
			t.Options = append(t.Options, OptionTally{Option: o.ID})
		}
		perFaction := map[economy.Faction]int{}
		for _, p := range players {
			v, ok := s.c.Votes[p.ID][d.ID]
			if !ok {
				continue
			}
			if v.Abstain {
				t.Abstained++
				continue
			}
			if _, ok := idx[v.Option]; !ok {
				continue
			}
			f, _ := roles.Faction(p.Role)
			perFaction[f]++
			t.Voters++
		}
		if weights != nil && t.Voters > 0 {
			// Renormalise over the factions that voted, so the options' weights add up to 1.
			sum := 0.0
			for _, f := range economy.Factions { // a fixed order: float sums must replay alike
				if perFaction[f] > 0 {
					sum += weights[f]
				}
			}
			t.Weights = map[economy.Faction]float64{}
			for f := range perFaction {
				if sum > 0 {
					t.Weights[f] = weights[f] / sum
				} else {
					t.Weights[f] = 1 / float64(len(perFaction))
				}
			}
		}
		for _, p := range players {
			v, ok := s.c.Votes[p.ID][d.ID]
			i, known := idx[v.Option]
			if !ok || v.Abstain || !known {
				continue
			}
			f, _ := roles.Faction(p.Role)
			t.Options[i].Votes++
			if t.Weights != nil {
				t.Options[i].Weight += t.Weights[f] / float64(perFaction[f])
			} else {
				t.Options[i].Weight++
			}
		}
		if t.Voters == 0 {
			t.Result, t.NoVotes = d.Historical, true
			out = append(out, t)
			continue
		}
		best := math.Inf(-1)
		for _, o := range t.Options {
			best = math.Max(best, o.Weight)
		}
		var tied []string
		for _, o := range t.Options {
			if o.Weight >= best-1e-9 {
				tied = append(tied, o.Option)
			}
		}
		if len(tied) == 1 {
			t.Result = tied[0]
		} else {
			t.Tied = tied
			t.Result = s.sc.TieBreak(d, tied)
		}
		out = append(out, t)
	}
	return out
}

// actionShares is, per faction and region, the share of that faction's players living
// there who took each of the year's actions. A region without players of a faction takes
// the faction's class-wide share; a faction without players is absent.
func (s *State) actionShares(yr *economy.Year) map[economy.Faction]map[economy.RegionID]map[string]float64 {
	type count struct {
		players int
		took    map[string]int
	}
	byFaction := map[economy.Faction]map[economy.RegionID]*count{}
	total := map[economy.Faction]*count{}
	for _, p := range s.voters() {
		f, _ := roles.Faction(p.Role)
		r := economy.RegionID(p.Region)
		if byFaction[f] == nil {
			byFaction[f] = map[economy.RegionID]*count{}
			total[f] = &count{took: map[string]int{}}
		}
		if byFaction[f][r] == nil {
			byFaction[f][r] = &count{took: map[string]int{}}
		}
		byFaction[f][r].players++
		total[f].players++
		if a := s.c.Actions[p.ID]; a != "" {
			byFaction[f][r].took[a]++
			total[f].took[a]++
		}
	}
	out := map[economy.Faction]map[economy.RegionID]map[string]float64{}
	for f, regions := range byFaction {
		var ids []string
		for _, a := range yr.Actions {
			if a.Faction == f {
				ids = append(ids, a.ID)
			}
		}
		sort.Strings(ids)
		out[f] = map[economy.RegionID]map[string]float64{}
		for _, r := range economy.Regions {
			c := regions[r]
			if c == nil {
				c = total[f]
			}
			shares := map[string]float64{}
			for _, id := range ids {
				shares[id] = float64(c.took[id]) / float64(c.players)
			}
			out[f][r] = shares
		}
	}
	return out
}

// regionCounts converts a count keyed by region string into the economy's key type.
func regionCounts(m map[string]int) map[economy.RegionID]int {
	out := make(map[economy.RegionID]int, len(m))
	for k, v := range m {
		out[economy.RegionID(k)] = v
	}
	return out
}
