package room

import "github.com/classroom-debate/debate/fault"

// JumpToData is the jumpTo command: history's choices for every year before Year that
// has not been resolved, then Year's briefing. A teacher who previews the game, or
// resumes a class that played the earlier years elsewhere, gets there in one step.
type JumpToData struct {
	Year int `json:"year"`
}

// decideJumpTo steps the years between here and the chosen one as years not played are
// stepped (yearResolved with stepped set, which every screen announces), the current
// year too when its vote has not closed, and opens the chosen year's briefing. From the
// lobby it starts the game. Only forward, and never past the last year.
func decideJumpTo(b *batch) error {
	d, err := decode[JumpToData](b)
	if err != nil {
		return err
	}
	c := &b.s.c
	switch {
	case c.Phase == Debrief:
		return fault.T(fault.WrongPhase, "fault.room.gameOverNoNextPhase")
	case c.Suspended:
		return fault.T(fault.WrongPhase, "fault.room.gameOnHold")
	}
	years := scenarioYears(b.s.sc)
	known := false
	for _, y := range years {
		known = known || y == d.Year
	}
	if !known {
		return fault.T(fault.Invalid, "fault.room.yearNotInGame", d.Year, years[0], years[len(years)-1])
	}
	if c.Phase != Lobby && d.Year <= c.Year {
		return fault.T(fault.Invalid, "fault.room.jumpOnlyForward", c.Year)
	}
	// after is the last year resolved: the current one once its vote is closed.
	after := 0
	if c.Phase == Lobby {
		b.fillUndecided()
	} else {
		after = c.Year
		if c.Phase != Resolution {
			w := b.fork()
			if err := b.stepYear(c.Year, w.historicalChoices(c.Year), true); err != nil {
				return err
			}
		}
	}
	for _, y := range years {
		if y <= after || y >= d.Year {
			continue
		}
		w := b.fork()
		if err := b.stepYear(y, w.historicalChoices(y), true); err != nil {
			return err
		}
	}
	b.openPhase(d.Year, Briefing)
	return nil
}
