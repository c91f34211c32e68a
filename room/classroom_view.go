package room

// ClassroomView is the classroom's part of a snapshot (inlined in View's JSON).
type ClassroomView struct {
	// Assignment is how roles are given ("auto" or "choice"); RoleCaps are the places
	// per faction role while players choose in the lobby.
	Assignment string         `json:"assignment"`
	RoleCaps   map[string]int `json:"roleCaps,omitempty"`
	// Lesson is where the class stands in its lesson plan (nil without a plan: Lesson
	// still counts in LessonNumber).
	Lesson       *LessonView `json:"lessonPlan,omitempty"`
	LessonNumber int         `json:"lesson"`
	// Derole: the lesson has ended; everyone is out of role (the de-roling screen).
	Derole bool `json:"derole,omitempty"`
	// Recap is shown while the game is on hold, during de-roling, and when it resumes
	// until the next phase begins.
	Recap *Recap `json:"recap,omitempty"`
	// ExitTicket is the viewing player's exit ticket during de-roling.
	ExitTicket *ExitTicketView `json:"exitTicket,omitempty"`
	// ContentNote: the content note's message id, and whether the teacher has shown it
	// to the class. HideGraphic: clients show the non-graphic alternative of material
	// marked graphic (the teacher's content setting is off).
	ContentNote ContentNoteView `json:"contentNote"`
	HideGraphic bool            `json:"hideGraphic"`
	// Groups are the small debate groups, when the room has them.
	Groups *GroupsView `json:"groups,omitempty"`

	// Staff only: every exit ticket, the teacher's part of the word filter, and the
	// purges with their reasons by year.
	ExitTickets []ExitTicketRecord  `json:"exitTickets,omitempty"`
	Filter      *FilterWordsData    `json:"filter,omitempty"`
	Purges      map[int][]PurgeData `json:"purges,omitempty"`
}

// LessonView is the lesson plan and where the class stands in it.
type LessonView struct {
	Plan    string `json:"plan"`
	Title   string `json:"title"`
	Minutes int    `json:"minutes"`
	// PlanLesson is the plan's lesson (from 1) that plays the year in play (0 in the lobby
	// or the debrief); Of is how many lessons the plan has.
	PlanLesson int `json:"planLesson,omitempty"`
	Of         int `json:"of"`
	// EndsAfter is the year whose resolution ends the plan's lesson (0: the last lesson,
	// which ends with the debrief).
	EndsAfter int      `json:"endsAfter,omitempty"`
	Timers    Timers   `json:"timers"` // in force for the year in play
	Schedule  Schedule `json:"schedule"`
}

// ExitTicketView is a player's exit ticket: the prompts and their answers so far.
type ExitTicketView struct {
	Lesson  int      `json:"lesson"`
	Prompts []Prompt `json:"prompts"`
	Answers []string `json:"answers,omitempty"`
}

// ContentNoteView says which message is the content note and whether it was shown.
type ContentNoteView struct {
	MessageID string `json:"messageId"`
	Shown     bool   `json:"shown"`
}

// ContentNoteMessage is the message id of the content note in the message catalogue.
const ContentNoteMessage = "contentNote.body"

// GroupsView describes the small debate groups.
type GroupsView struct {
	Mode string `json:"mode"`
	Size int    `json:"size"`
}

// classroomView fills the classroom's part of a snapshot for audience a, and takes out of
// the results what only staff may see.
func (s *State) classroomView(v *View, a Audience) {
	c := &s.c
	staff := a.Kind == Teacher
	cv := ClassroomView{
		Assignment: c.Settings.Assignment, LessonNumber: s.lesson(), Derole: c.Derole,
		ContentNote: ContentNoteView{MessageID: ContentNoteMessage, Shown: c.ContentNote},
		HideGraphic: !c.Settings.GraphicContent,
	}
	if cv.Assignment == "" {
		cv.Assignment = AssignAuto
	}
	if cv.Assignment == AssignChoice && c.Phase == Lobby {
		cv.RoleCaps = s.RoleCaps()
	}
	if sch, ok := c.Settings.schedule(); ok {
		lv := &LessonView{Plan: sch.Plan, Minutes: sch.Minutes, Of: len(sch.Lessons), Schedule: sch, Timers: c.Settings.timersFor(c.Year)}
		if p := lessons.byID[sch.Plan]; p != nil {
			lv.Title = p.Title
		}
		if i := sch.lessonOf(c.Year); i >= 0 && c.Phase != Lobby && c.Phase != Debrief {
			lv.PlanLesson = i + 1
			if !sch.Lessons[i].Final {
				ys := sch.Lessons[i].Years
				lv.EndsAfter = ys[len(ys)-1]
			}
		}
		cv.Lesson = lv
	}
	if c.Suspended || c.Derole || c.RecapShown {
		r := s.Recap()
		cv.Recap = &r
	}
	if c.Derole && a.Kind == Player {
		et := &ExitTicketView{Lesson: s.lesson(), Prompts: append([]Prompt{}, c.ExitPrompts...)}
		for _, t := range c.ExitTickets {
			if t.PlayerID == a.PlayerID && t.Lesson == s.lesson() {
				et.Answers = append([]string(nil), t.Answers...)
			}
		}
		cv.ExitTicket = et
	}
	if c.GroupMode != "" {
		cv.Groups = &GroupsView{Mode: c.GroupMode, Size: c.GroupSize}
	}
	if staff {
		cv.ExitTickets = append([]ExitTicketRecord(nil), c.ExitTickets...)
		cv.Filter = &FilterWordsData{Words: append([]string{}, c.FilterWords...), Allowed: append([]string{}, c.FilterAllowed...)}
		if len(c.Purges) > 0 {
			cv.Purges = map[int][]PurgeData{}
			for y, ps := range c.Purges {
				cv.Purges[y] = append([]PurgeData(nil), ps...)
			}
		}
	} else {
		// The action shares name individual players' actions in a small class.
		for i := range v.Results {
			v.Results[i].Choices.Actions = nil
		}
	}
	v.ClassroomView = cv
}
