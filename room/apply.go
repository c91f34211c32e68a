package room

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/classroom-debate/debate/economy"
)

// Apply folds one event into s. It fails only for a corrupt log: a sequence number that is
// not the next one, an unknown type, a newer format, data that does not decode, or a
// scenario that does not load. After an error s must be discarded.
func Apply(s *State, e Event) error {
	if e.V > EventFormat {
		return fmt.Errorf("room: event %d has format %d, newer than this server's %d", e.Seq, e.V, EventFormat)
	}
	if e.Seq != s.c.Seq+1 {
		return fmt.Errorf("room: event %d applied after %d", e.Seq, s.c.Seq)
	}
	if e.Seq == 1 && e.Type != EvRoomCreated {
		return fmt.Errorf("room: the log starts with %q, not %q", e.Type, EvRoomCreated)
	}
	if e.Seq > 1 && s.c.Deleted {
		return fmt.Errorf("room: event %d after the room was deleted", e.Seq)
	}
	fold, ok := folds[e.Type]
	if !ok {
		return fmt.Errorf("room: event %d has unknown type %q", e.Seq, e.Type)
	}
	if err := fold(s, e); err != nil {
		return fmt.Errorf("room: event %d (%s): %w", e.Seq, e.Type, err)
	}
	s.c.Seq = e.Seq
	s.c.LastActivity = e.At
	if e.Cmd != "" && e.By != nil {
		s.c.Processed[processedKey(*e.By, e.Cmd)] = e.Seq
	}
	return nil
}

// folds holds one function per event type.
var folds map[string]func(*State, Event) error

func init() {
	folds = map[string]func(*State, Event) error{
		EvRoomCreated:  foldCreated,
		EvRoomDeleted:  func(s *State, _ Event) error { s.c.Deleted = true; s.c.Deadline = nil; return nil },
		EvPlayerJoined: foldJoined,
		EvPlayerApproved: on(func(s *State, e Event, d PlayerRef) error {
			return withPlayer(s, d.PlayerID, func(p *player) { p.Status = StatusActive })
		}),
		EvPlayerRemoved:   on(foldRemoved),
		EvRoleAssigned:    on(foldRoleAssigned),
		EvPhaseChanged:    on(foldPhase),
		EvTimerPaused:     on(func(s *State, _ Event, d TimerData) error { s.c.Paused = true; stopTimer(s, d); return nil }),
		EvTimerResumed:    on(func(s *State, _ Event, d TimerData) error { s.c.Paused = false; setTimer(s, d); return nil }),
		EvTimerExtended:   on(func(s *State, _ Event, d TimerData) error { setTimer(s, d); return nil }),
		EvSuspended:       on(func(s *State, _ Event, d TimerData) error { s.c.Suspended = true; stopTimer(s, d); return nil }),
		EvUnsuspended:     on(foldUnsuspended),
		EvLockSet:         on(func(s *State, _ Event, d FlagData) error { s.c.Locked = d.On; return nil }),
		EvJoinApprovalSet: on(func(s *State, _ Event, d FlagData) error { s.c.JoinApproval = d.On; return nil }),
		EvHoldPostsSet:    on(func(s *State, _ Event, d FlagData) error { s.c.HoldPosts = d.On; return nil }),
		EvSettingsChanged: on(func(s *State, _ Event, d SettingsData) error { s.c.Settings = d.Settings; return nil }),
		EvDirectiveSet:    on(foldDirective),
		EvEventInjected:   on(foldInjected),
		EvAnnounced:       on(foldAnnounced),
		EvArgumentPosted:  on(foldPost),
		EvReplyPosted:     on(foldPost),
		EvPostApproved:    on(func(s *State, _ Event, d PostData) error { return withPost(s, d.ID, func(p *post) { p.Held = false }) }),
		EvPostHidden:      on(func(s *State, _ Event, d PostRef) error { return withPost(s, d.ID, func(p *post) { p.Hidden = true }) }),
		EvMarkAdded:       on(func(s *State, _ Event, d MarkData) error { return foldMark(s, d, true) }),
		EvMarkRemoved:     on(func(s *State, _ Event, d MarkData) error { return foldMark(s, d, false) }),
		EvVoteCast:        on(foldVote),
		EvVotersCounted:   func(*State, Event) error { return nil }, // a count the view derives from the votes
		EvActionTaken:     on(foldAction),
		EvVotesClosed:     on(func(s *State, _ Event, d VotesClosedData) error { s.c.Tallies = d.Tallies; return nil }),
		EvYearResolved:    on(foldYearResolved),
		EvRubricSet:       on(foldRubric),
		EvAssessed:        on(foldAssessed),
	}
	registerClassroomFolds(folds)
	registerHistorianFolds(folds)
	registerRejoinFolds(folds)
}

// on adapts a typed fold to the folds table, decoding the event's data first.
func on[T any](f func(*State, Event, T) error) func(*State, Event) error {
	return func(s *State, e Event) error {
		var d T
		if len(e.Data) > 0 {
			if err := json.Unmarshal(e.Data, &d); err != nil {
				return fmt.Errorf("data: %w", err)
			}
		}
		return f(s, e, d)
	}
}

func foldCreated(s *State, e Event) error {
	var d RoomCreatedData
	if err := json.Unmarshal(e.Data, &d); err != nil {
		return fmt.Errorf("data: %w", err)
	}
	sc, err := loadScenario(d)
	if err != nil {
		return err
	}
	s.sc = sc
	s.c.Created = true
	s.c.RoomID, s.c.Code = d.RoomID, d.Code
	s.c.Mode, s.c.VoteMode, s.c.Seed = d.Mode, d.VoteMode, d.Seed
	s.c.ScenarioID, s.c.ScenarioHash = d.ScenarioID, d.ScenarioHash
	s.c.Settings = d.Settings
	s.c.Phase = Lobby
	s.c.Econ = sc.Start()
	return nil
}

// loadScenario loads the scenario a room was created with. Rooms on the current default
// scenario share its loaded copy (it is immutable); others load their own bytes.
func loadScenario(d RoomCreatedData) (*economy.Scenario, error) {
	sum := sha256.Sum256([]byte(d.Scenario))
	h := hex.EncodeToString(sum[:])
	if h != d.ScenarioHash {
		return nil, fmt.Errorf("scenario hash %s, the event says %s", h, d.ScenarioHash)
	}
	if def := economy.Default(); def.Hash() == h {
		return def, nil
	}
	sc, err := economy.Load("room "+d.RoomID+" scenario", []byte(d.Scenario))
	if err != nil {
		return nil, fmt.Errorf("scenario: %w", err)
	}
	return sc, nil
}

func foldJoined(s *State, e Event) error {
	var d PlayerData
	if err := json.Unmarshal(e.Data, &d); err != nil {
		return fmt.Errorf("data: %w", err)
	}
	if _, dup := s.c.Players[d.PlayerID]; dup {
		return fmt.Errorf("player %s joined twice", d.PlayerID)
	}
	status := StatusActive
	if d.Pending {
		status = StatusPending
	}
	s.c.Players[d.PlayerID] = &player{ID: d.PlayerID, Nickname: d.Nickname, Role: d.Role, Region: d.Region, Fate: d.Fate, Status: status, Joined: e.At, Group: d.Group}
	s.c.Order = append(s.c.Order, d.PlayerID)
	return nil
}

func foldRemoved(s *State, _ Event, d PlayerRef) error {
	delete(s.c.Votes, d.PlayerID)
	delete(s.c.Actions, d.PlayerID)
	return withPlayer(s, d.PlayerID, func(p *player) { p.Status = StatusRemoved })
}

func foldRoleAssigned(s *State, _ Event, d PlayerData) error {
	return withPlayer(s, d.PlayerID, func(p *player) {
		if p.Role != d.Role {
			delete(s.c.Actions, p.ID) // an action of the old role no longer fits
		}
		p.Role, p.Region, p.Fate, p.Group = d.Role, d.Region, d.Fate, d.Group
	})
}

func foldPhase(s *State, _ Event, d PhaseChangedData) error {
	if d.Phase == Briefing && d.Year != s.c.Year {
		s.c.Votes, s.c.Actions, s.c.Injected, s.c.Tallies = nil, nil, nil, nil
	}
	s.c.Phase, s.c.Year, s.c.Ended = d.Phase, d.Year, d.Ended
	s.c.Deadline, s.c.Paused, s.c.Remaining = d.Deadline, false, 0
	s.c.RecapShown = false
	if d.Phase == Debrief {
		s.c.Suspended = false
	}
	return nil
}

// stopTimer and setTimer fold the timer state that pause, resume, extend, suspend and
// unsuspend events carry.
// foldUnsuspended resumes the game; after a lesson's end it starts the next lesson, out of
// the de-roling screen, with the recap shown.
func foldUnsuspended(s *State, _ Event, d UnsuspendedData) error {
	s.c.Suspended = false
	setTimer(s, d.TimerData)
	if d.NewLesson {
		s.c.Derole, s.c.ExitPrompts, s.c.LessonNo = false, nil, d.Lesson
	}
	s.c.RecapShown = d.Recap != nil
	return nil
}

func stopTimer(s *State, d TimerData) {
	s.c.Remaining = time.Duration(d.RemainingMs) * time.Millisecond
	s.c.Deadline = nil
}

func setTimer(s *State, d TimerData) {
	if d.Deadline != nil {
		s.c.Deadline, s.c.Remaining = d.Deadline, 0
		return
	}
	s.c.Remaining = time.Duration(d.RemainingMs) * time.Millisecond
}

func foldDirective(s *State, _ Event, d DirectiveData) error {
	if s.c.Directives == nil {
		s.c.Directives = map[string]bool{}
	}
	s.c.Directives[d.Directive] = d.On
	return nil
}

func foldInjected(s *State, _ Event, d InjectedData) error {
	s.c.Injected = append(s.c.Injected, d.Event)
	s.c.InjectedAll = append(s.c.InjectedAll, d)
	return nil
}

func foldAnnounced(s *State, e Event, d AnnouncedData) error {
	s.c.Announcements = append(s.c.Announcements, Announcement{Seq: e.Seq, At: e.At, Year: s.c.Year, Text: d.Text})
	return nil
}

func foldPost(s *State, e Event, d PostData) error {
	if _, dup := s.c.Posts[d.ID]; dup {
		return fmt.Errorf("post %s posted twice", d.ID)
	}
	s.c.Posts[d.ID] = &post{PostData: d, At: e.At}
	s.c.PostOrder = append(s.c.PostOrder, d.ID)
	return nil
}

func foldMark(s *State, d MarkData, on bool) error {
	return withPost(s, d.ArgumentID, func(p *post) {
		if on {
			if p.Marks == nil {
				p.Marks = map[string]bool{}
			}
			p.Marks[d.PlayerID] = true
		} else {
			delete(p.Marks, d.PlayerID)
		}
	})
}

func foldVote(s *State, _ Event, d VoteData) error {
	if s.c.Votes == nil {
		s.c.Votes = map[string]map[string]VoteData{}
	}
	if s.c.Votes[d.PlayerID] == nil {
		s.c.Votes[d.PlayerID] = map[string]VoteData{}
	}
	s.c.Votes[d.PlayerID][d.Decision] = d
	return nil
}

func foldAction(s *State, _ Event, d ActionData) error {
	if d.Action == "" {
		delete(s.c.Actions, d.PlayerID)
		return nil
	}
	if s.c.Actions == nil {
		s.c.Actions = map[string]string{}
	}
	s.c.Actions[d.PlayerID] = d.Action
	return nil
}

// foldYearResolved steps the model again from the event's choices: the model is
// deterministic and the room keeps its scenario, so the fold lands where Decide did.
func foldYearResolved(s *State, _ Event, d YearResolvedData) error {
	// The action shares travel in the staff-only yearActions just before (older logs
	// carry them here).
	if d.Choices.Actions == nil && s.c.PendingShares != nil {
		d.Choices.Actions = s.c.PendingShares
	}
	s.c.PendingShares = nil
	next, _, err := s.sc.Step(s.c.Econ, d.Choices, s.c.Mode, d.Seed)
	if err != nil {
		return fmt.Errorf("step %d: %w", d.Year, err)
	}
	s.c.Econ = next
	res := YearResult{Year: d.Year, Stepped: d.Stepped, Choices: d.Choices, Outcome: d.Outcome}
	if !d.Stepped {
		res.Tallies = s.c.Tallies
	}
	s.c.Tallies = nil
	s.c.Results = append(s.c.Results, res)
	for _, f := range d.Fates {
		if p, ok := s.c.Players[f.PlayerID]; ok {
			p.Fate = f.Fate
		}
		if s.c.FateLog == nil {
			s.c.FateLog = map[int]map[string]int{}
		}
		if s.c.FateLog[d.Year] == nil {
			s.c.FateLog[d.Year] = map[string]int{}
		}
		s.c.FateLog[d.Year][f.Fate]++
	}
	return nil
}

func withPlayer(s *State, id string, f func(*player)) error {
	p, ok := s.c.Players[id]
	if !ok {
		return fmt.Errorf("no player %s", id)
	}
	f(p)
	return nil
}

func withPost(s *State, id string, f func(*post)) error {
	p, ok := s.c.Posts[id]
	if !ok {
		return fmt.Errorf("no post %s", id)
	}
	f(p)
	return nil
}
