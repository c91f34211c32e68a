package room

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/i18n"
)

// Every plan at every length it offers adds up to the lesson exactly, leaves time to join
// and to de-role, and never ends a lesson between the 1932 and 1933 turns.
func TestEveryPlanFitsItsLessons(t *testing.T) {
	want := map[string][][]int{
		"one":   {{1928, 1930, 1932}},
		"two":   {{1928, 1929, 1930, 1931}, {1932, 1933, 1934}},
		"three": {{1928, 1929}, {1930, 1931}, {1932, 1933, 1934}},
		"block": {{1928, 1929, 1930, 1931, 1932, 1933, 1934}},
	}
	seen := 0
	for _, p := range LessonPlans() {
		if p.Custom {
			continue
		}
		lengths := LessonLengths(p.ID)
		if p.ID == "block" && (len(lengths) != 1 || lengths[0] != 90) {
			t.Errorf("the block runs %v minutes, want 90", lengths)
		}
		if p.ID != "block" && fmt.Sprint(lengths) != "[45 50 55 60]" {
			t.Errorf("%s runs %v minutes", p.ID, lengths)
		}
		if w, ok := want[p.ID]; !ok || fmt.Sprint(w) != fmt.Sprint(p.Lessons) {
			t.Errorf("plan %s plays %v, want %v", p.ID, p.Lessons, w)
		}
		for _, m := range lengths {
			sch, err := ScheduleFor(p.ID, m, nil)
			if err != nil {
				t.Fatalf("%s at %d: %v", p.ID, m, err)
			}
			seen++
			checkSchedule(t, sch, m)
		}
	}
	if seen != 4*3+1 {
		t.Errorf("checked %d plan lengths, want 13", seen)
	}
}

func checkSchedule(t *testing.T, sch Schedule, minutes int) {
	t.Helper()
	for i, l := range sch.Lessons {
		name := fmt.Sprintf("%s/%d min/lesson %d", sch.Plan, minutes, l.Number)
		tm := l.Timers
		if len(l.Years) == 0 {
			// The debrief's own lesson: the recap, the debrief and the last exit ticket.
			if !l.Final || l.Debrief < 20*60 || l.Total() != minutes*60 {
				t.Errorf("%s: the debrief lesson %+v", name, l)
			}
			continue
		}
		if tm.Briefing+tm.Debate+tm.Vote+tm.Resolution != l.Turn {
			t.Errorf("%s: phases %+v do not add up to the turn %d", name, tm, l.Turn)
		}
		for _, v := range []int{tm.Briefing, tm.Debate, tm.Vote, tm.Resolution} {
			if v < 60 || v%10 != 0 {
				t.Errorf("%s: timer %d s is too short or not in tens of seconds", name, v)
			}
		}
		if tm.Debate < tm.Briefing || tm.Debate < tm.Vote {
			t.Errorf("%s: the debate (%d s) should be the longest phase", name, tm.Debate)
		}
		if l.Total() != minutes*60 {
			t.Errorf("%s: %d s, want exactly %d", name, l.Total(), minutes*60)
		}
		base := lessons.RecapSeconds
		if i == 0 {
			base = lessons.JoinSeconds
		}
		if l.Join < base || l.Join-base >= 10*max(1, len(l.Years)) {
			t.Errorf("%s: joining %d s, want %d plus the rounding", name, l.Join, base)
		}
		if l.Derole <= 0 || l.Final != (i == len(sch.Lessons)-1) || (l.Debrief > 0) != l.Final {
			t.Errorf("%s: de-roling %d, debrief %d, final %v", name, l.Derole, l.Debrief, l.Final)
		}
	}
	years := make([][]int, len(sch.Lessons))
	for i, l := range sch.Lessons {
		years[i] = l.Years
	}
	if lessonResolving(years, 1932) != lessonResolving(years, 1933) {
		t.Errorf("%s: a lesson ends between 1932 and 1933: %v", sch.Plan, years)
	}
}

func TestCustomPlans(t *testing.T) {
	tests := []struct {
		name    string
		minutes int
		lessons [][]int
		ok      bool
	}{
		{"four lessons", 45, [][]int{{1928}, {1929, 1930}, {1931}, {1932, 1933, 1934}}, true},
		{"the block as custom", 90, [][]int{{1928, 1929, 1930, 1931, 1932, 1933, 1934}}, true},
		{"1933 stepped into the famine lesson", 50, [][]int{{1928, 1930}, {1932, 1934}}, true},
		{"a boundary between 1932 and 1933", 60, [][]int{{1928, 1929, 1930, 1931, 1932}, {1933, 1934}}, false},
		{"1932 stepped at the end of a lesson", 60, [][]int{{1928, 1929, 1930, 1931}, {1933, 1934}}, false},
		{"seven turns in 45 minutes", 45, [][]int{{1928, 1929, 1930, 1931, 1932, 1933, 1934}}, false},
		{"out of order", 45, [][]int{{1930}, {1928}}, false},
		{"a year twice", 45, [][]int{{1928, 1928}}, false},
		{"an empty lesson", 45, [][]int{{1928}, {}}, false},
		{"no lessons", 45, nil, false},
		{"a length no school has", 40, [][]int{{1928}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sch, err := ScheduleFor(PlanCustom, tt.minutes, tt.lessons)
			if tt.ok {
				if err != nil {
					t.Fatal(err)
				}
				checkSchedule(t, sch, tt.minutes)
				return
			}
			if fault.CodeOf(err) != fault.Invalid || err.Error() == "" {
				t.Errorf("got %v, want invalid", err)
			}
		})
	}
	// The same checks guard the room's settings.
	if _, err := Create(CreateParams{RoomID: "r", Code: "C", Settings: Settings{LessonPlan: PlanCustom, LessonMinutes: 60, Lessons: [][]int{{1928, 1929, 1930, 1931, 1932}, {1933, 1934}}}}, t0); fault.CodeOf(err) != fault.Invalid {
		t.Errorf("a room with a boundary between 1932 and 1933: %v", err)
	}
	if _, err := Create(CreateParams{RoomID: "r", Code: "C", Settings: Settings{LessonPlan: "weekly"}}, t0); fault.CodeOf(err) != fault.Invalid {
		t.Errorf("an unknown plan: %v", err)
	}
	if _, err := Create(CreateParams{RoomID: "r", Code: "C", Settings: Settings{LessonPlan: "one", LessonMinutes: 40}}, t0); fault.CodeOf(err) != fault.Invalid {
		t.Errorf("a 40-minute lesson: %v", err)
	}
}

func TestLessonPlanSettings(t *testing.T) {
	r := newRoom(t, CreateParams{Settings: Settings{LessonPlan: "two", LessonMinutes: 50}})
	st := r.s.c.Settings
	if fmt.Sprint(st.PlayedYears) != "[1928 1929 1930 1931 1932 1933 1934]" || len(st.Lessons) != 2 || st.LessonMinutes != 50 {
		t.Fatalf("settings %+v", st)
	}
	r.do(teacher, "settings", map[string]any{"lessonPlan": "one"})
	st = r.s.c.Settings
	if fmt.Sprint(st.PlayedYears) != "[1928 1930 1932]" || st.LessonMinutes != 45 || len(st.Lessons) != 1 {
		t.Errorf("after switching to one lesson: %+v", st)
	}
	r.do(teacher, "settings", map[string]any{"lessonMinutes": 60})
	if r.s.c.Settings.LessonMinutes != 60 {
		t.Error("lesson length not changed")
	}
	r.refuse(teacher, "settings", map[string]any{"playedYears": []int{1928}}, fault.Invalid)
	r.refuse(teacher, "settings", map[string]any{"lessonMinutes": 47}, fault.Invalid)
	r.do(teacher, "settings", map[string]any{"lessonPlan": "custom", "lessons": [][]int{{1928, 1929}, {1930, 1932}}})
	if fmt.Sprint(r.s.c.Settings.PlayedYears) != "[1928 1929 1930 1932]" {
		t.Errorf("custom years %v", r.s.c.Settings.PlayedYears)
	}
	r.do(teacher, "settings", map[string]any{"lessonPlan": "none"})
	if st := r.s.c.Settings; st.LessonPlan != "" || st.Lessons != nil {
		t.Errorf("after dropping the plan: %+v", st)
	}
	r.do(teacher, "settings", map[string]any{"playedYears": []int{1930, 1932}})
	v := r.s.View(teacher)
	if v.Lesson != nil || v.LessonNumber != 1 {
		t.Errorf("a room without a plan: lesson %+v number %d", v.Lesson, v.LessonNumber)
	}
	// The content setting is a real on/off switch, not only an overlay.
	r.do(teacher, "settings", map[string]any{"graphicContent": true})
	if v := r.s.View(pl("x")); v.HideGraphic {
		t.Error("graphic material still hidden after the teacher turned it on")
	}
	r.do(teacher, "settings", map[string]any{"graphicContent": false})
	if v := r.s.View(projector); !v.HideGraphic {
		t.Error("graphic material shown after the teacher turned it off")
	}
	checkReplay(t, r)
}

// The one-lesson plan: its timers run the phases, 1929, 1931, 1933 and 1934 are stepped,
// the debrief comes, and the teacher ends the lesson with de-roling and exit tickets.
func TestOneLessonPlanRunsToTheDebrief(t *testing.T) {
	r := newRoom(t, CreateParams{Seed: 3, Settings: Settings{LessonPlan: "one", LessonMinutes: 45}})
	for i, id := range []string{"a", "b", "c", "d", "e"} {
		r.join(id, fmt.Sprintf("Student %d", i+1))
	}
	sch, _ := ScheduleFor("one", 45, nil)
	r.do(teacher, "start", nil)
	start := r.now
	for _, y := range []int{1928, 1930, 1932} {
		tm := sch.Lessons[0].YearTimers[y] // the famine year has more time than the others
		if r.s.Year() != y || r.s.Phase() != Briefing {
			t.Fatalf("at %d %s, want %d briefing", r.s.Year(), r.s.Phase(), y)
		}
		if dl, _ := r.s.NextDeadline(); !dl.Equal(r.now.Add(time.Duration(tm.Briefing) * time.Second)) {
			t.Fatalf("%d briefing runs to %v, want the plan's %d s", y, dl, tm.Briefing)
		}
		if lv := r.s.View(teacher).Lesson; lv == nil || lv.PlanLesson != 1 || lv.Of != 1 || lv.EndsAfter != 0 || lv.Timers != tm {
			t.Fatalf("lesson view %+v", lv)
		}
		for i := 0; i < 4; i++ {
			r.fireTimer()
		}
	}
	if r.s.Phase() != Debrief {
		t.Fatalf("after 1932: %s", r.s.Phase())
	}
	turns := 0
	for _, y := range sch.Lessons[0].Years {
		turns += sch.Lessons[0].YearTurns[y]
	}
	if got, want := r.now.Sub(start), time.Duration(turns)*time.Second; got < want || got > want+time.Second {
		t.Errorf("three turns took %v, want the plan's %v", got, want)
	}
	for _, res := range r.s.Results() {
		played := res.Year == 1928 || res.Year == 1930 || res.Year == 1932
		if res.Stepped == played {
			t.Errorf("%d stepped=%v", res.Year, res.Stepped)
		}
	}
	evs := r.do(teacher, "endLesson", nil)
	if got := types(evs); len(got) != 1 || got[0] != EvLessonEnded {
		t.Fatalf("end of the last lesson: %v", got)
	}
	var le LessonEndedData
	mustDecode(t, evs[0], &le)
	if !le.Final || len(le.Prompts) == 0 || le.Prompts[0].ID != "exit.final.step-out" || len(le.Recap.Years) != 7 {
		t.Errorf("final lesson end %+v", le)
	}
	if !r.s.c.Derole || r.s.c.Suspended {
		t.Error("the debrief de-roles without putting the game on hold")
	}
	r.do(pl("a"), "exitTicket", map[string]any{"answers": []string{"I would not have sent the squads.", "How were the quotas set?"}})
	r.refuse(teacher, "endLesson", nil, fault.Conflict)
	checkReplay(t, r)
}

// The two-lesson plan ends the first lesson by itself after 1931, with a recap, the
// de-roling screen and exit tickets; the game resumes another day with the second lesson's
// timers and a recap.
func TestLessonBoundaryEndsTheLesson(t *testing.T) {
	r := newRoom(t, CreateParams{Settings: Settings{LessonPlan: "two", LessonMinutes: 50}})
	for i, id := range []string{"a", "b", "c", "d", "e"} {
		r.join(id, fmt.Sprintf("Student %d", i+1))
	}
	sch, _ := ScheduleFor("two", 50, nil)
	r.do(teacher, "start", nil)
	for r.s.Year() < 1931 || r.s.Phase() != Resolution {
		r.fireTimer()
	}
	if lv := r.s.View(pl("a")).Lesson; lv.EndsAfter != 1931 || lv.PlanLesson != 1 {
		t.Errorf("lesson view before the boundary %+v", lv)
	}
	dl, _ := r.s.NextDeadline()
	r.now = dl.Add(time.Millisecond)
	evs, err := Decide(r.s, TickCommand(r.s), r.now)
	if err != nil {
		t.Fatal(err)
	}
	r.apply(evs...)
	got := types(evs)
	if len(got) != 3 || got[0] != EvPhaseChanged || got[1] != EvSuspended || got[2] != EvLessonEnded {
		t.Fatalf("the boundary gave %v", got)
	}
	var le LessonEndedData
	mustDecode(t, evs[2], &le)
	if !le.Auto || le.Final || le.Lesson != 1 || le.Year != 1932 || le.Phase != Briefing || len(le.Prompts) != 2 || !strings.HasPrefix(le.Prompts[0].ID, "exit.1931") {
		t.Errorf("lesson end %+v", le)
	}
	if len(le.Recap.Years) != 4 || le.Recap.Years[3].Year != 1931 {
		t.Errorf("recap of the first lesson: %+v", le.Recap.Years)
	}
	if _, ok := r.s.NextDeadline(); ok || r.s.c.Remaining != time.Duration(sch.Lessons[1].YearTimers[1932].Briefing)*time.Second {
		t.Errorf("on hold with %v left, want the second lesson's full briefing", r.s.c.Remaining)
	}
	// Everyone is out of role: the player commands of the game wait, the exit ticket
	// and stepping out do not.
	v := r.s.View(pl("b"))
	if !v.Derole || v.ExitTicket == nil || len(v.ExitTicket.Prompts) != 2 || v.Recap == nil {
		t.Fatalf("player view at the end of the lesson: derole %v ticket %+v recap %v", v.Derole, v.ExitTicket, v.Recap != nil)
	}
	checkReplay(t, r)

	// Days later: the second lesson.
	r.now = r.now.Add(72 * time.Hour)
	evs = r.do(teacher, "unsuspend", nil)
	var un UnsuspendedData
	mustDecode(t, evs[0], &un)
	if !un.NewLesson || un.Lesson != 2 || un.Recap == nil || len(un.Recap.Years) != 4 || un.Recap.Lesson != 2 || un.Deadline == nil {
		t.Fatalf("resume %+v", un)
	}
	if !un.Deadline.Equal(r.now.Add(time.Duration(sch.Lessons[1].YearTimers[1932].Briefing) * time.Second)) {
		t.Errorf("the briefing runs to %v", un.Deadline)
	}
	v = r.s.View(projector)
	// The plan gives the debrief a lesson of its own: the second lesson ends after 1934.
	if v.Derole || v.Recap == nil || v.LessonNumber != 2 || v.Lesson.PlanLesson != 2 || v.Lesson.EndsAfter != 1934 {
		t.Errorf("projector after the resume: derole %v recap %v lesson %d %+v", v.Derole, v.Recap != nil, v.LessonNumber, v.Lesson)
	}
	r.fireTimer() // the debate opens: the recap goes
	if r.s.View(projector).Recap != nil {
		t.Error("the recap stays after the next phase opened")
	}
	if dl, _ := r.s.NextDeadline(); !dl.Equal(r.now.Add(time.Duration(sch.Lessons[1].YearTimers[1932].Debate) * time.Second)) {
		t.Error("the second lesson's debate does not run the second lesson's timer")
	}
	checkReplay(t, r)
}

// "End the lesson here": the phase closes, the game goes on hold, everyone de-roles and
// answers the exit ticket; resuming shows the recap.
func TestEndLessonHere(t *testing.T) {
	r := classRoom(t, CreateParams{Settings: Settings{Timers: Timers{Vote: 200}}}) // in the 1928 debate
	r.refuse(pl("a"), "exitTicket", map[string]any{"answers": []string{"too early"}}, fault.WrongPhase)
	evs := r.do(coteacher, "endLesson", nil)
	got := types(evs)
	if len(got) != 3 || got[0] != EvPhaseChanged || got[1] != EvSuspended || got[2] != EvLessonEnded {
		t.Fatalf("endLesson in the debate: %v", got)
	}
	if r.s.Phase() != Vote || !r.s.c.Suspended || r.s.c.Remaining != 200*time.Second || !r.s.c.Derole {
		t.Fatalf("after endLesson: %s suspended=%v remaining %v derole %v", r.s.Phase(), r.s.c.Suspended, r.s.c.Remaining, r.s.c.Derole)
	}
	var le LessonEndedData
	mustDecode(t, evs[2], &le)
	if le.Auto || le.Final || le.Year != 1928 || !strings.HasPrefix(le.Prompts[0].ID, "exit.1928") || len(le.Recap.Years) != 0 {
		t.Errorf("lesson end %+v", le)
	}
	if !VisibilityOf(evs[2]).Public {
		t.Error("lessonEnded is for everyone")
	}
	r.refuse(teacher, "endLesson", nil, fault.Conflict)
	d := r.curYear().Decisions[0]
	r.refuse(pl("a"), "vote", map[string]string{"decision": d.ID, "option": d.Options[0].ID}, fault.WrongPhase)

	// Exit tickets: one or two answers, kept private.
	r.refuse(pl("a"), "exitTicket", map[string]any{"answers": []string{}}, fault.Invalid)
	r.refuse(pl("a"), "exitTicket", map[string]any{"answers": []string{"a", "b", "c"}}, fault.Invalid)
	r.refuse(pl("a"), "exitTicket", map[string]any{"answers": []string{" ", ""}}, fault.Invalid)
	r.refuse(pl("a"), "exitTicket", map[string]any{"answers": []string{strings.Repeat("x", MaxExitAnswer+1)}}, fault.TooLarge)
	r.refuse(teacher, "exitTicket", map[string]any{"answers": []string{"x"}}, fault.Forbidden)
	evs = r.do(pl("a"), "exitTicket", map[string]any{"answers": []string{"Secret reflection of Anya.", ""}})
	if vis := VisibilityOf(evs[0]); vis.Public || vis.Projector || !vis.Sees(Audience{Kind: Player, PlayerID: "a"}) || vis.Sees(Audience{Kind: Player, PlayerID: "b"}) || !vis.Staff {
		t.Errorf("exit ticket visibility %+v", vis)
	}
	r.do(pl("a"), "exitTicket", map[string]any{"answers": []string{"Second thoughts of Anya.", "More."}})
	if n := len(r.s.c.ExitTickets); n != 1 {
		t.Errorf("%d tickets kept, want the latest one", n)
	}
	if tv := r.s.View(pl("a")).ExitTicket; tv == nil || tv.Answers[0] != "Second thoughts of Anya." {
		t.Errorf("the author's view of the ticket: %+v", tv)
	}
	if tv := r.s.View(teacher).ExitTickets; len(tv) != 1 || tv[0].PlayerID != "a" {
		t.Errorf("the teacher's tickets: %+v", tv)
	}
	r.do(pl("b"), "stepOut", map[string]bool{"out": true}) // open on hold
	assertUnseen(t, r, []string{"Secret reflection", "Second thoughts"}, "a")

	evs = r.do(teacher, "unsuspend", nil)
	var un UnsuspendedData
	mustDecode(t, evs[0], &un)
	if !un.NewLesson || un.Lesson != 2 || un.Recap == nil || r.s.c.Derole || r.s.lesson() != 2 {
		t.Errorf("resume after the lesson: %+v", un)
	}
	r.refuse(pl("a"), "exitTicket", map[string]any{"answers": []string{"late"}}, fault.WrongPhase)
	r.do(pl("a"), "vote", map[string]string{"decision": d.ID, "option": d.Options[0].ID})
	// A plain hold (not a lesson's end) resumes in the same lesson, with a recap too.
	r.do(teacher, "suspend", nil)
	evs = r.do(teacher, "unsuspend", nil)
	var plain UnsuspendedData
	mustDecode(t, evs[0], &plain)
	if plain.NewLesson || plain.Recap == nil || r.s.lesson() != 2 {
		t.Errorf("resume after a plain hold: %+v", plain)
	}
	checkReplay(t, r)
}

func TestEndLessonRefusals(t *testing.T) {
	r := newRoom(t, CreateParams{})
	r.join("a", "Ada")
	r.refuse(teacher, "endLesson", nil, fault.WrongPhase)
	r.refuse(pl("a"), "endLesson", nil, fault.Forbidden)
	r.do(teacher, "start", nil)
	// On hold already: the phase stays as it is for the next lesson.
	r.do(teacher, "suspend", nil)
	evs := r.do(teacher, "endLesson", nil)
	if got := types(evs); len(got) != 1 || got[0] != EvLessonEnded || r.s.Phase() != Briefing {
		t.Errorf("ending a held lesson: %v in %s", got, r.s.Phase())
	}
}

// exitPrompts come from the data for every year of the scenario and the end.
func TestExitPromptsForEveryYear(t *testing.T) {
	for y := 1928; y <= 1934; y++ {
		ps := exitPrompts(y, false)
		if len(ps) < 1 || len(ps) > 2 || !strings.HasPrefix(ps[0].ID, fmt.Sprintf("exit.%d.", y)) {
			t.Errorf("%d: %+v", y, ps)
		}
	}
	if ps := exitPrompts(1930, true); ps[0].ID != "exit.final.step-out" {
		t.Errorf("final: %+v", ps)
	}
	var raw map[string]any
	if err := json.Unmarshal(lessonsJSON, &raw); err != nil {
		t.Fatal(err)
	}
	if _, err := loadLessons([]byte(`{"plans":[]}`)); err == nil {
		t.Error("empty lesson data accepted")
	}
}

// A prompt's text is the catalogue's message under its id; the data keeps only ids, and
// an id without a message is refused when the data loads.
func TestExitPromptTextFromCatalogue(t *testing.T) {
	for _, y := range []int{1928, 1932} {
		for _, p := range exitPrompts(y, false) {
			if p.Text == "" || p.Text != i18n.T(i18n.Default, p.ID) {
				t.Errorf("%d: prompt %q has text %q", y, p.ID, p.Text)
			}
		}
	}
	var data map[string]json.RawMessage
	if err := json.Unmarshal(lessonsJSON, &data); err != nil {
		t.Fatal(err)
	}
	data["exitTickets"] = json.RawMessage(`{"final": ["exit.final.step-out", "exit.final.no-such-prompt"]}`)
	raw, _ := json.Marshal(data)
	if _, err := loadLessons(raw); err == nil || !strings.Contains(err.Error(), "exit.final.no-such-prompt") {
		t.Errorf("a prompt id without a message: %v", err)
	}
	data["exitTickets"] = json.RawMessage(`{"final": ["exit.final.step-out"]}`)
	raw, _ = json.Marshal(data)
	if _, err := loadLessons(raw); err != nil {
		t.Errorf("good exit tickets refused: %v", err)
	}
}

// TestLessonsGiveTheHardestYearsRoom: the famine years get more time than any other
// year of their lesson, the first lesson keeps framing time before play, the briefing of
// the famine years is longer than two minutes, and the debrief is at least ten minutes.
func TestLessonsGiveTheHardestYearsRoom(t *testing.T) {
	for _, p := range LessonPlans() {
		if p.Custom {
			continue
		}
		for _, m := range LessonLengths(p.ID) {
			sch, err := ScheduleFor(p.ID, m, nil)
			if err != nil {
				t.Fatal(err)
			}
			for i, l := range sch.Lessons {
				name := fmt.Sprintf("%s/%d min/lesson %d", p.ID, m, l.Number)
				if (l.Framing > 0) != (i == 0) || i == 0 && l.Framing < 180 {
					t.Errorf("%s: framing %d s; the first lesson, and only it, starts with at least 3 minutes of framing", name, l.Framing)
				}
				if l.Final && l.Debrief < 600 {
					t.Errorf("%s: a debrief of %d s", name, l.Debrief)
				}
				for _, famine := range []int{1932, 1933} {
					ft, ok := l.YearTurns[famine]
					if !ok {
						continue
					}
					if tm := l.YearTimers[famine]; tm.Briefing < 120 || tm.Briefing+tm.Debate+tm.Vote+tm.Resolution != ft {
						t.Errorf("%s: %d's timers %+v (turn %d s)", name, famine, tm, ft)
					}
					if got := (Settings{LessonPlan: p.ID, LessonMinutes: m}).timersFor(famine); got != l.YearTimers[famine] {
						t.Errorf("%s: the room runs %d with %+v, not its own timers %+v", name, famine, got, l.YearTimers[famine])
					}
					for _, y := range l.Years {
						if y != 1932 && y != 1933 && l.YearTurns[y] >= ft {
							t.Errorf("%s: %d gets %d s, %d only %d s", name, y, l.YearTurns[y], famine, ft)
						}
					}
				}
			}
		}
	}
}

// TestEveryTicketStepsOut: every lesson's exit ticket asks each student to step out of
// role; the famine prompts ask what happened in the class's world beside history's,
// without telling the class what to conclude; and the de-roling screen says the
// characters were invented, not real.
func TestEveryTicketStepsOut(t *testing.T) {
	for y := 1928; y <= 1934; y++ {
		ps := exitPrompts(y, false)
		if !slices.ContainsFunc(ps, func(p Prompt) bool { return strings.HasSuffix(p.ID, ".step-out") }) {
			t.Errorf("the ticket after %d has no step-out prompt: %+v", y, ps)
		}
		for _, p := range ps {
			for _, pre := range []string{"made the hunger worse", "not caused by the weather alone", "made it deadlier"} {
				if strings.Contains(p.Text, pre) {
					t.Errorf("%s tells the class what to conclude (%q): %q", p.ID, pre, p.Text)
				}
			}
		}
	}
	for _, y := range []int{1932, 1933} {
		if p := exitPrompts(y, false)[0]; !strings.Contains(p.Text, "your class's world") || !strings.Contains(p.Text, "history") {
			t.Errorf("%d: the famine prompt does not follow the class's outcome: %q", y, p.Text)
		}
	}
	body := i18n.T(i18n.Default, "deroling.body")
	if strings.Contains(body, "The people you played were real") || !strings.Contains(body, "invented") {
		t.Errorf("de-roling says: %q", body)
	}
}

// TestDebriefHasItsOwnLesson: in a multi-lesson plan the last played lesson ends on the
// way into the debrief, with the last year's exit ticket and the game on hold; the next
// lesson is the debrief's own, and ending it gives the final ticket.
func TestDebriefHasItsOwnLesson(t *testing.T) {
	r := newRoom(t, CreateParams{Settings: Settings{LessonPlan: "two", LessonMinutes: 45}})
	for i, id := range []string{"a", "b", "c"} {
		r.join(id, fmt.Sprintf("Student %d", i+1))
	}
	r.do(teacher, "start", nil)
	for i := 0; r.s.Phase() != Debrief; i++ {
		if i > 200 {
			t.Fatal("never reached the debrief")
		}
		if r.s.c.Suspended {
			r.do(teacher, "unsuspend", nil)
			continue
		}
		r.fireTimer()
	}
	if !r.s.c.Suspended || !r.s.c.Derole || r.s.lesson() != 2 {
		t.Fatalf("entering the debrief: on hold %v, de-roled %v, lesson %d; want the second lesson ended", r.s.c.Suspended, r.s.c.Derole, r.s.lesson())
	}
	if ps := r.s.c.ExitPrompts; len(ps) == 0 || !strings.HasPrefix(ps[0].ID, "exit.1934.") {
		t.Errorf("the second lesson's ticket: %+v", ps)
	}
	evs := r.do(teacher, "unsuspend", nil)
	var un UnsuspendedData
	mustDecode(t, evs[0], &un)
	if !un.NewLesson || un.Lesson != 3 || r.s.Phase() != Debrief || r.s.c.Derole {
		t.Fatalf("the debrief lesson: %+v in %s", un, r.s.Phase())
	}
	evs = r.do(teacher, "endLesson", nil)
	var le LessonEndedData
	mustDecode(t, eventsOf(evs, EvLessonEnded)[0], &le)
	if !le.Final || le.Lesson != 3 || le.Prompts[0].ID != "exit.final.step-out" {
		t.Errorf("the end of the debrief lesson: %+v", le)
	}
}
