package room

import (
	"net/url"
	"sort"
	"time"

	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/fault"
)

// Settings are the room's adjustable rules. The zero value of any field means its default.
type Settings struct {
	Timers Timers `json:"timers"`
	// MaxPlayers caps the class (default 60).
	MaxPlayers int `json:"maxPlayers,omitempty"`
	// PlayedYears lists the years the class plays (default: every year of the scenario).
	// The others are stepped with history's choices and announced.
	PlayedYears []int `json:"playedYears,omitempty"`
	// Assignment is how players get roles: "auto" (the default: balanced as they join) or
	// "choice" (players choose in the lobby under the plan's caps; see chooseRole).
	Assignment string `json:"assignment,omitempty"`
	// LessonPlan is the lesson plan (lessons.go): "" for none (the room's own timers and
	// played years), or a plan id. With a plan, the plan's years and timers apply and
	// PlayedYears and Timers follow it. Send "none" to drop the plan.
	LessonPlan string `json:"lessonPlan,omitempty"`
	// LessonMinutes is the length of a lesson (45, 50, 55 or 60; the block is 90).
	LessonMinutes int `json:"lessonMinutes,omitempty"`
	// Lessons are the played years of each lesson: the teacher's for the custom plan,
	// filled in from the plan otherwise.
	Lessons [][]int `json:"lessons,omitempty"`
	// GraphicContent shows the material marked graphic; off (the default), clients show
	// its non-graphic alternative.
	GraphicContent bool `json:"graphicContent,omitempty"`
	// JoinURL is the link students open to join, as the server offered it when the
	// room was made (or the teacher picked among its addresses): the console, the
	// projector and the print pack all show this one. The room only checks its form.
	JoinURL string `json:"joinUrl,omitempty"`
}

// Timers holds each phase's length in seconds.
type Timers struct {
	Briefing   int `json:"briefing,omitempty"`
	Debate     int `json:"debate,omitempty"`
	Vote       int `json:"vote,omitempty"`
	Resolution int `json:"resolution,omitempty"`
}

// Defaults and limits.
const (
	DefaultMaxPlayers = 60
	MaxMaxPlayers     = 200
	MaxTimerSeconds   = 2 * 60 * 60
	MaxNickname       = 24  // runes, after trimming
	MaxArgument       = 600 // runes
	MaxAnnouncement   = 1000
	MaxEvidence       = 64 // bytes
	MaxExtendSeconds  = 60 * 60
)

// DefaultTimers are the phase lengths when a room sets none.
var DefaultTimers = Timers{Briefing: 180, Debate: 480, Vote: 180, Resolution: 180}

// Duration returns the timer of a phase (0 for phases without one).
func (t Timers) Duration(p Phase) time.Duration {
	var s int
	switch p {
	case Briefing:
		s = t.Briefing
	case Debate:
		s = t.Debate
	case Vote:
		s = t.Vote
	case Resolution:
		s = t.Resolution
	}
	return time.Duration(s) * time.Second
}

// normalize fills defaults and checks ranges against the scenario's years.
func (st Settings) normalize(sc *economy.Scenario) (Settings, error) {
	out := st
	fill := func(v *int, def int, name string) error {
		if *v == 0 {
			*v = def
		}
		if *v < 1 || *v > MaxTimerSeconds {
			return fault.T(fault.Invalid, "fault.room.timerOutOfRange", name)
		}
		return nil
	}
	for _, f := range []struct {
		v    *int
		def  int
		name string
	}{
		{&out.Timers.Briefing, DefaultTimers.Briefing, "briefing"},
		{&out.Timers.Debate, DefaultTimers.Debate, "debate"},
		{&out.Timers.Vote, DefaultTimers.Vote, "vote"},
		{&out.Timers.Resolution, DefaultTimers.Resolution, "resolution"},
	} {
		if err := fill(f.v, f.def, f.name); err != nil {
			return st, err
		}
	}
	if out.MaxPlayers == 0 {
		out.MaxPlayers = DefaultMaxPlayers
	}
	if out.MaxPlayers < 1 || out.MaxPlayers > MaxMaxPlayers {
		return st, fault.T(fault.Invalid, "fault.room.maxPlayersOutOfRange", MaxMaxPlayers)
	}
	years := scenarioYears(sc)
	if out.PlayedYears != nil && len(out.PlayedYears) == 0 {
		// Sent as [] (absent stays nil): a class plays at least one year.
		return st, fault.T(fault.Invalid, "fault.room.noYearsPlayed")
	}
	if len(out.PlayedYears) == 0 {
		out.PlayedYears = years
	} else {
		valid := map[int]bool{}
		for _, y := range years {
			valid[y] = true
		}
		seen := map[int]bool{}
		var played []int
		for _, y := range out.PlayedYears {
			if !valid[y] {
				return st, fault.T(fault.Invalid, "fault.room.yearNotInGame", y, years[0], years[len(years)-1])
			}
			if !seen[y] {
				seen[y] = true
				played = append(played, y)
			}
		}
		sort.Ints(played)
		out.PlayedYears = played
	}
	switch out.Assignment {
	case "":
		out.Assignment = AssignAuto
	case AssignAuto, AssignChoice:
	default:
		return st, fault.T(fault.Invalid, "fault.room.notAnAssignment", out.Assignment)
	}
	if err := out.normalizeLessons(years); err != nil {
		return st, err
	}
	if out.JoinURL != "" && !validJoinURL(out.JoinURL) {
		return st, fault.T(fault.Invalid, "fault.room.joinUrlInvalid")
	}
	return out, nil
}

// normalizeLessons checks the lesson plan and makes the played years follow it.
func (st *Settings) normalizeLessons(years []int) error {
	if st.LessonPlan == "" || st.LessonPlan == PlanNone {
		if st.LessonMinutes != 0 {
			// Without a plan a lesson length means nothing; dropping it silently would
			// ack a change that changes nothing.
			return fault.T(fault.Invalid, "fault.room.lessonMinutesNeedPlan")
		}
		st.LessonPlan, st.LessonMinutes, st.Lessons = "", 0, nil
		return nil
	}
	p := lessons.byID[st.LessonPlan]
	if p == nil {
		return fault.T(fault.Invalid, "fault.room.notALessonPlan", st.LessonPlan, planNames())
	}
	switch {
	case p.Minutes > 0 && st.LessonMinutes == 0:
		st.LessonMinutes = p.Minutes // a plan of one length (the block); another is refused below
	case st.LessonMinutes == 0:
		st.LessonMinutes = lessons.lengthsOf(p)[0]
	}
	if !p.Custom {
		st.Lessons = nil
		for _, ys := range p.Lessons {
			st.Lessons = append(st.Lessons, append([]int(nil), ys...))
		}
	}
	if _, err := ScheduleFor(st.LessonPlan, st.LessonMinutes, st.Lessons); err != nil {
		return err
	}
	valid := map[int]bool{}
	for _, y := range years {
		valid[y] = true
	}
	for _, y := range playedUnion(st.Lessons) {
		if !valid[y] {
			return fault.T(fault.Invalid, "fault.room.planYearNotInGame", p.Title, y)
		}
	}
	st.PlayedYears = playedUnion(st.Lessons)
	return nil
}

// merge overlays the non-zero fields of a settings change on the current settings.
func (st Settings) merge(ch Settings) Settings {
	out := st
	out.PlayedYears = append([]int(nil), st.PlayedYears...)
	if ch.Timers.Briefing != 0 {
		out.Timers.Briefing = ch.Timers.Briefing
	}
	if ch.Timers.Debate != 0 {
		out.Timers.Debate = ch.Timers.Debate
	}
	if ch.Timers.Vote != 0 {
		out.Timers.Vote = ch.Timers.Vote
	}
	if ch.Timers.Resolution != 0 {
		out.Timers.Resolution = ch.Timers.Resolution
	}
	if ch.MaxPlayers != 0 {
		out.MaxPlayers = ch.MaxPlayers
	}
	if ch.PlayedYears != nil {
		out.PlayedYears = append([]int{}, ch.PlayedYears...) // [] stays [], for normalize to refuse
	}
	if ch.Assignment != "" {
		out.Assignment = ch.Assignment
	}
	if ch.LessonPlan != "" && ch.LessonPlan != out.LessonPlan {
		out.LessonPlan, out.LessonMinutes, out.Lessons = ch.LessonPlan, 0, nil
	}
	if ch.LessonMinutes != 0 {
		out.LessonMinutes = ch.LessonMinutes
	}
	if len(ch.Lessons) != 0 {
		out.Lessons = ch.Lessons
	}
	if ch.JoinURL != "" {
		out.JoinURL = ch.JoinURL
	}
	return out
}

// played reports whether the class plays year y.
func (st Settings) played(y int) bool {
	for _, p := range st.PlayedYears {
		if p == y {
			return true
		}
	}
	return false
}

// scenarioYears lists the scenario's years in order.
func scenarioYears(sc *economy.Scenario) []int {
	ys := make([]int, 0, len(sc.Years))
	for _, y := range sc.Years {
		ys = append(ys, y.Year)
	}
	sort.Ints(ys)
	return ys
}

// MaxJoinURL bounds the join link a room keeps (bytes).
const MaxJoinURL = 300

// validJoinURL reports whether s is an http(s) link with a host and nothing secret in
// it: it is shown on the wall and drawn as a QR code.
func validJoinURL(s string) bool {
	if len(s) > MaxJoinURL {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil && u.RawQuery == "" && u.Fragment == ""
}
