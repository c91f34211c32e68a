package room

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/i18n"
)

// Lesson plans: which years each lesson plays and how long each phase runs so that a
// lesson fits its period exactly. The plans, the time budgets and the exit-ticket prompts
// are data (data/lessons.json), checked when the package loads; a prompt's text is the
// message catalogue's (package i18n) under the prompt's id, so it can be translated.

//go:embed data/lessons.json
var lessonsJSON []byte

// Plan ids. PlanNone ("" in Settings) is a room without lessons: its own timers and years.
const (
	PlanNone   = "none"
	PlanCustom = "custom"
)

// LessonPlan is one of the plans a teacher picks from.
type LessonPlan struct {
	ID      string  `json:"id"`
	Title   string  `json:"title"`
	Summary string  `json:"summary"`
	Minutes int     `json:"minutes,omitempty"` // a fixed length (the block); 0: the teacher's
	Custom  bool    `json:"custom,omitempty"`  // the teacher chooses the lessons' years
	Lessons [][]int `json:"lessons,omitempty"` // played years of each lesson
	// DebriefLesson gives the debrief a lesson of its own after the played ones: the
	// genocide question needs a period, not the last minutes of a lesson.
	DebriefLesson bool `json:"debriefLesson,omitempty"`
}

type lessonData struct {
	Lengths        []int               `json:"lengths"`
	CustomLengths  []int               `json:"customLengths"`
	JoinSeconds    int                 `json:"joinSeconds"`
	RecapSeconds   int                 `json:"recapSeconds"`
	DeroleSeconds  int                 `json:"deroleSeconds"`
	DebriefSeconds int                 `json:"debriefSeconds"`
	MinTurnSeconds int                 `json:"minTurnSeconds"`
	FramingSeconds int                 `json:"framingSeconds"` // the first lesson: what the game covers, before anyone plays
	YearWeights    map[string]float64  `json:"yearWeights"`    // a year's share of a lesson's turn time, against 1
	Split          map[string]float64  `json:"split"`
	KeepTogether   [][]int             `json:"keepTogether"`
	Plans          []LessonPlan        `json:"plans"`
	ExitTickets    map[string][]string `json:"exitTickets"` // prompt ids: message keys
	byID           map[string]*LessonPlan
}

var lessons = mustLoadLessons(lessonsJSON)

func mustLoadLessons(raw []byte) *lessonData {
	d, err := loadLessons(raw)
	if err != nil {
		panic("room: data/lessons.json: " + err.Error())
	}
	return d
}

// loadLessons reads and checks the lesson data; errors name the field.
func loadLessons(raw []byte) (*lessonData, error) {
	var d lessonData
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, err
	}
	d.byID = map[string]*LessonPlan{}
	for _, f := range []struct {
		name string
		v    int
	}{{"joinSeconds", d.JoinSeconds}, {"recapSeconds", d.RecapSeconds}, {"deroleSeconds", d.DeroleSeconds}, {"debriefSeconds", d.DebriefSeconds}, {"minTurnSeconds", d.MinTurnSeconds}, {"framingSeconds", d.FramingSeconds}} {
		if f.v <= 0 || f.v%10 != 0 {
			return nil, fmt.Errorf("%s: %d is not a positive multiple of 10 seconds", f.name, f.v)
		}
	}
	for key, w := range d.YearWeights {
		if _, err := strconv.Atoi(key); err != nil || w < 1 || w > 2 {
			return nil, fmt.Errorf("yearWeights.%s: %v; a year's weight is between 1 and 2", key, w)
		}
	}
	sum := 0.0
	for _, ph := range []string{"briefing", "vote", "resolution"} {
		v, ok := d.Split[ph]
		if !ok || v <= 0 {
			return nil, fmt.Errorf("split.%s: missing or not positive", ph)
		}
		sum += v
	}
	if sum >= 0.8 {
		return nil, fmt.Errorf("split: briefing, vote and resolution take %.2f of a turn, leaving the debate too little", sum)
	}
	if len(d.Lengths) == 0 || len(d.CustomLengths) == 0 {
		return nil, fmt.Errorf("lengths: none listed")
	}
	for i, p := range d.Plans {
		if p.ID == "" || p.ID == PlanNone || d.byID[p.ID] != nil {
			return nil, fmt.Errorf("plans[%d].id: %q is empty, reserved or repeated", i, p.ID)
		}
		if p.Title == "" {
			return nil, fmt.Errorf("plans[%d].title: missing", i)
		}
		if p.Custom != (len(p.Lessons) == 0) {
			return nil, fmt.Errorf("plans[%d].lessons: a custom plan has none, every other plan lists them", i)
		}
		d.byID[p.ID] = &d.Plans[i]
	}
	if c := d.byID[PlanCustom]; c == nil || !c.Custom {
		return nil, fmt.Errorf("plans: no %q plan", PlanCustom)
	}
	for key, ps := range d.ExitTickets {
		if key != "final" {
			if _, err := strconv.Atoi(key); err != nil {
				return nil, fmt.Errorf("exitTickets.%s: not a year or \"final\"", key)
			}
		}
		if len(ps) < 1 || len(ps) > 2 {
			return nil, fmt.Errorf("exitTickets.%s: %d prompts, want one or two", key, len(ps))
		}
		for i, id := range ps {
			if !strings.HasPrefix(id, "exit.") || !i18n.Has(id) {
				return nil, fmt.Errorf("exitTickets.%s[%d]: %q is not an exit.* message of the catalogue %s.json", key, i, id, i18n.Default)
			}
		}
	}
	if len(d.ExitTickets["final"]) == 0 {
		return nil, fmt.Errorf("exitTickets.final: missing")
	}
	// Every fixed plan must fit every length it offers.
	for _, p := range d.Plans {
		if p.Custom {
			continue
		}
		for _, m := range d.lengthsOf(&p) {
			if _, err := d.schedule(&p, m, p.Lessons); err != nil {
				return nil, fmt.Errorf("plans.%s at %d minutes: %v", p.ID, m, err)
			}
		}
	}
	return &d, nil
}

// lengthsOf lists the lesson lengths a plan can be run at.
func (d *lessonData) lengthsOf(p *LessonPlan) []int {
	switch {
	case p.Minutes > 0:
		return []int{p.Minutes}
	case p.Custom:
		return d.CustomLengths
	}
	return d.Lengths
}

// LessonPlans lists the plans, for the teacher's menu.
func LessonPlans() []LessonPlan {
	out := make([]LessonPlan, len(lessons.Plans))
	copy(out, lessons.Plans)
	return out
}

// LessonLengths lists the lesson lengths in minutes a plan can be run at.
func LessonLengths(plan string) []int {
	p := lessons.byID[plan]
	if p == nil {
		return nil
	}
	return append([]int(nil), lessons.lengthsOf(p)...)
}

// Schedule is a lesson plan worked out for a lesson length: every lesson's years and timers.
type Schedule struct {
	Plan    string         `json:"plan"`
	Minutes int            `json:"minutes"`
	Lessons []LessonBudget `json:"lessons"`
}

// LessonBudget is one lesson's time, in seconds. Join, the turns, Derole and Debrief add
// up to the lesson's length exactly.
type LessonBudget struct {
	Number int   `json:"number"` // from 1
	Years  []int `json:"years"`  // the years played in this lesson
	// Join is the time to join and read the role cards (first lesson), or to rejoin and
	// hear the recap (later lessons), with the rounding of the turns.
	Join int `json:"joinSeconds"`
	// Framing is the first lesson's time before play: what the game covers and why, the
	// content note, and the reminder that the people are invented, like millions who
	// were real.
	Framing int    `json:"framingSeconds,omitempty"`
	Turn    int    `json:"turnSeconds"` // one played year of weight 1: the four phases
	Timers  Timers `json:"timers"`      // the timers of a year of weight 1
	// YearTurns and YearTimers give each played year its own turn: the years the plan
	// weighs (1932 and 1933, the famine) get more time than the others.
	YearTurns  map[int]int    `json:"yearTurnSeconds"`
	YearTimers map[int]Timers `json:"yearTimers"`
	Derole     int            `json:"deroleSeconds"`  // de-roling and the exit ticket
	Debrief    int            `json:"debriefSeconds"` // the last lesson only
	Final      bool           `json:"final,omitempty"`
}

// Total is the lesson's length in seconds.
func (l LessonBudget) Total() int {
	t := l.Join + l.Framing + l.Derole + l.Debrief
	for _, y := range l.Years {
		t += l.YearTurns[y]
	}
	return t
}

// ScheduleFor works a plan out for a lesson length. custom gives the years of each lesson
// for the custom plan and is ignored otherwise. Refusals are *fault.Error (invalid).
func ScheduleFor(plan string, minutes int, custom [][]int) (Schedule, error) {
	p := lessons.byID[plan]
	if p == nil {
		return Schedule{}, fault.T(fault.Invalid, "fault.room.notALessonPlan", plan, planNames())
	}
	if p.Minutes > 0 && minutes == 0 {
		minutes = p.Minutes
	}
	ok := false
	for _, m := range lessons.lengthsOf(p) {
		ok = ok || m == minutes
	}
	if !ok {
		return Schedule{}, fault.T(fault.Invalid, "fault.room.planLessonLengthNotOffered", p.Title, listInts(lessons.lengthsOf(p), "or"))
	}
	years := p.Lessons
	if p.Custom {
		years = custom
	}
	return lessons.schedule(p, minutes, years)
}

func (d *lessonData) schedule(p *LessonPlan, minutes int, years [][]int) (Schedule, error) {
	if err := d.checkLessons(years); err != nil {
		return Schedule{}, err
	}
	s := Schedule{Plan: p.ID, Minutes: minutes}
	for i, ys := range years {
		l := LessonBudget{Number: i + 1, Years: append([]int(nil), ys...), Derole: d.DeroleSeconds}
		base := d.RecapSeconds
		if i == 0 {
			base = d.JoinSeconds
		}
		if i == len(years)-1 && !p.DebriefLesson {
			l.Debrief, l.Final = d.DebriefSeconds, true
		}
		if i == 0 {
			l.Framing = d.FramingSeconds
		}
		free := minutes*60 - base - l.Framing - l.Derole - l.Debrief
		weights := 0.0
		for _, y := range ys {
			weights += d.weight(y)
		}
		unit := float64(free) / weights
		l.Turn = int(unit) / 10 * 10
		l.YearTurns, l.YearTimers = map[int]int{}, map[int]Timers{}
		used := 0
		for _, y := range ys {
			turn := int(unit*d.weight(y)) / 10 * 10
			if turn < d.MinTurnSeconds {
				return Schedule{}, fault.T(fault.Invalid, "fault.room.yearsDoNotFitLesson", len(ys), minutes, d.MinTurnSeconds/60)
			}
			l.YearTurns[y], l.YearTimers[y] = turn, d.timers(turn)
			used += turn
		}
		l.Join = base + free - used
		l.Timers = d.timers(l.Turn)
		s.Lessons = append(s.Lessons, l)
	}
	if p.DebriefLesson {
		// The recap, the whole debrief, and the last exit ticket.
		s.Lessons = append(s.Lessons, LessonBudget{Number: len(years) + 1, Years: []int{}, Join: d.RecapSeconds, Derole: d.DeroleSeconds,
			Debrief: minutes*60 - d.RecapSeconds - d.DeroleSeconds, Final: true, YearTurns: map[int]int{}, YearTimers: map[int]Timers{}})
	}
	return s, nil
}

// debriefLesson says whether the plan's last lesson is the debrief's own.
func (s Schedule) debriefLesson() bool {
	return len(s.Lessons) > 1 && len(s.Lessons[len(s.Lessons)-1].Years) == 0
}

// weight is a year's share of a lesson's turn time (1 unless the data weighs it).
func (d *lessonData) weight(y int) float64 {
	if w, ok := d.YearWeights[strconv.Itoa(y)]; ok {
		return w
	}
	return 1
}

// timers splits a turn among its phases; the debate takes the rest.
func (d *lessonData) timers(turn int) Timers {
	part := func(ph string) int { return int(float64(turn)*d.Split[ph]) / 10 * 10 }
	tm := Timers{Briefing: part("briefing"), Vote: part("vote"), Resolution: part("resolution")}
	tm.Debate = turn - tm.Briefing - tm.Vote - tm.Resolution
	return tm
}

// checkLessons checks the years of a plan's lessons: none empty, in order across lessons,
// none twice, and no lesson boundary between years that belong together (the famine's
// 1932 and 1933: a class never leaves the room with the grain taken and the hunger
// untold).
func (d *lessonData) checkLessons(years [][]int) error {
	if len(years) == 0 {
		return fault.T(fault.Invalid, "fault.room.lessonPlanEmpty")
	}
	last := 0
	for i, ys := range years {
		if len(ys) == 0 {
			return fault.T(fault.Invalid, "fault.room.lessonWithoutYears", i+1)
		}
		for _, y := range ys {
			if y <= last {
				return fault.T(fault.Invalid, "fault.room.lessonYearsOutOfOrder", i+1, y)
			}
			last = y
		}
	}
	for _, pair := range d.KeepTogether {
		a, b := lessonResolving(years, pair[0]), lessonResolving(years, pair[1])
		if a != b {
			return fault.T(fault.Invalid, "fault.room.lessonBoundaryNotAllowed", pair[0], pair[1])
		}
	}
	return nil
}

// lessonResolving is the index of the lesson in which year y resolves: years not played
// are stepped when the class leaves the last played year before them, so they resolve in
// that lesson (and years before the first played year in the first lesson).
func lessonResolving(years [][]int, y int) int {
	for i := len(years) - 1; i > 0; i-- {
		if len(years[i]) > 0 && y >= years[i][0] { // the debrief's own lesson plays no year
			return i
		}
	}
	return 0
}

// exitPrompts are the reflection prompts for a lesson that ends after year (final: the
// game is over). Each carries its text in the default language as well as its id, so
// exports and old logs read without the catalogue; a client shows its own language's
// message for the id.
func exitPrompts(year int, final bool) []Prompt {
	key := strconv.Itoa(year)
	if final {
		key = "final"
	}
	ids := lessons.ExitTickets[key]
	if len(ids) == 0 {
		ids = lessons.ExitTickets["final"]
	}
	out := make([]Prompt, len(ids))
	for i, id := range ids {
		out[i] = Prompt{ID: id, Text: i18n.T(i18n.Default, id)}
	}
	return out
}

func planNames() string {
	var ids []string
	for _, p := range lessons.Plans {
		ids = append(ids, p.ID)
	}
	ids = append(ids, PlanNone)
	return listStrings(ids, "or")
}

func listInts(xs []int, conj string) string {
	ss := make([]string, len(xs))
	for i, x := range xs {
		ss[i] = strconv.Itoa(x)
	}
	return listStrings(ss, conj)
}

func listStrings(ss []string, conj string) string {
	switch len(ss) {
	case 0:
		return ""
	case 1:
		return ss[0]
	}
	out := ""
	for i, s := range ss[:len(ss)-1] {
		if i > 0 {
			out += ", "
		}
		out += s
	}
	return out + " " + conj + " " + ss[len(ss)-1]
}

// schedule is the room's schedule (false for a room without a lesson plan).
func (st Settings) schedule() (Schedule, bool) {
	if st.LessonPlan == "" {
		return Schedule{}, false
	}
	s, err := ScheduleFor(st.LessonPlan, st.LessonMinutes, st.Lessons)
	return s, err == nil
}

// lessonOf is the plan's lesson (index) that plays year y, or -1.
func (s Schedule) lessonOf(y int) int {
	for i, l := range s.Lessons {
		for _, py := range l.Years {
			if py == y {
				return i
			}
		}
	}
	return -1
}

// endsLesson reports whether year y is the last played year of a lesson that is not the
// plan's last: when its resolution closes, the lesson ends.
func (s Schedule) endsLesson(y int) bool {
	for _, l := range s.Lessons[:len(s.Lessons)-1] {
		if len(l.Years) > 0 && l.Years[len(l.Years)-1] == y {
			return true
		}
	}
	return false
}

// timersFor are the phase timers for a year: the plan's lesson that plays it, or the
// room's own timers.
func (st Settings) timersFor(y int) Timers {
	if sch, ok := st.schedule(); ok {
		if i := sch.lessonOf(y); i >= 0 {
			if tm, ok := sch.Lessons[i].YearTimers[y]; ok {
				return tm
			}
			return sch.Lessons[i].Timers
		}
	}
	return st.Timers
}

// playedUnion is every year the lessons play, in order.
func playedUnion(ls [][]int) []int {
	var out []int
	for _, ys := range ls {
		out = append(out, ys...)
	}
	sort.Ints(out)
	return out
}
