package scoring

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/room"
)

// session is what the scoring reads from a room's log: the folded room, and a snapshot
// of the room at each year's resolution. Scores are computed from the snapshots only, so
// nothing that happens between two resolutions changes a score.
type session struct {
	state   *room.State
	sc      *economy.Scenario
	mode    economy.Mode
	final   room.View // the teacher's view of the folded room
	years   []yearSnap
	votes   map[voteKey]room.VoteData // the vote in force per player, year and decision
	actions map[actKey]string         // the action in force per player and year
	tickets []ticket                  // exit-ticket answers, in order
	prompts map[int][]prompt          // each lesson's exit-ticket prompts
	members map[string][]string       // a group player's members' names
}

// The classroom's events the reports read: exit tickets, their prompts and the members of
// group players. They are decoded here by type name with the fields the reports need, so
// a log without them (an older room) reads the same.
const (
	evExitTicket   = "exitTicketAnswered"
	evLessonEnded  = "lessonEnded"
	evGroupMembers = "groupMembersSet"
)

type exitTicketData struct {
	PlayerID string   `json:"playerId"`
	Lesson   int      `json:"lesson"`
	Answers  []string `json:"answers"`
	Flagged  bool     `json:"flagged,omitempty"`
}

type ticket struct {
	Seq  uint64
	Year int
	exitTicketData
}

type prompt struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

type lessonEndedData struct {
	Lesson  int      `json:"lesson"`
	Prompts []prompt `json:"prompts"`
}

type groupMembersData struct {
	PlayerID string   `json:"playerId"`
	Members  []string `json:"members"`
}

// yearSnap is the room as one year resolved.
type yearSnap struct {
	Seq     uint64
	Year    int
	Stepped bool
	Result  room.YearResult
	Before  economy.State // the model at the start of the year
	After   economy.State
	Players []room.PlayerInfo   // every player, with their status, role and fate after the year
	Posts   []room.ArgumentView // every post so far, as staff see it, with who marked it
}

type voteKey struct {
	Player   string
	Year     int
	Decision string
}

type actKey struct {
	Player string
	Year   int
}

var teacher = room.Principal{Kind: room.Teacher}

// fold replays a room's log with room.Apply, which refuses a corrupt log, and keeps a
// snapshot at every yearResolved event.
func fold(events []room.Event) (*session, error) {
	if len(events) == 0 {
		return nil, errors.New("the log is empty")
	}
	f := newFolder()
	for _, e := range events {
		if err := f.add(e); err != nil {
			return nil, err
		}
	}
	return f.session()
}

// folder folds a log one event at a time. The model is stepped alongside from each
// year's recorded choices, as the room itself does, for the figures an outcome does not
// carry (the special settlers alive at the start of a year).
type folder struct {
	ss   *session
	econ economy.State
}

func newFolder() *folder {
	return &folder{ss: &session{state: room.NewState(), votes: map[voteKey]room.VoteData{}, actions: map[actKey]string{},
		prompts: map[int][]prompt{}, members: map[string][]string{}}}
}

// add folds one event.
func (f *folder) add(e room.Event) error {
	ss := f.ss
	if err := room.Apply(ss.state, e); err != nil {
		return err
	}
	bad := func(err error) error { return fmt.Errorf("event %d: %w", e.Seq, err) }
	switch e.Type {
	case room.EvRoomCreated:
		var d room.RoomCreatedData
		if err := json.Unmarshal(e.Data, &d); err != nil {
			return bad(err)
		}
		ss.sc, ss.mode = ss.state.Scenario(), d.Mode
		f.econ = ss.sc.Start()
	case room.EvVoteCast:
		var d room.VoteData
		if err := json.Unmarshal(e.Data, &d); err != nil {
			return bad(err)
		}
		ss.votes[voteKey{d.PlayerID, ss.state.Year(), d.Decision}] = d
	case room.EvActionTaken:
		var d room.ActionData
		if err := json.Unmarshal(e.Data, &d); err != nil {
			return bad(err)
		}
		if d.Action == "" {
			delete(ss.actions, actKey{d.PlayerID, d.Year})
		} else {
			ss.actions[actKey{d.PlayerID, d.Year}] = d.Action
		}
	case evExitTicket:
		var d exitTicketData
		if err := json.Unmarshal(e.Data, &d); err != nil {
			return bad(err)
		}
		t := ticket{Seq: e.Seq, Year: ss.state.Year(), exitTicketData: d}
		for i := range ss.tickets {
			if ss.tickets[i].PlayerID == d.PlayerID && ss.tickets[i].Lesson == d.Lesson {
				ss.tickets[i] = t // a second answer replaces the first, as in the room
				return nil
			}
		}
		ss.tickets = append(ss.tickets, t)
	case evLessonEnded:
		var d lessonEndedData
		if err := json.Unmarshal(e.Data, &d); err != nil {
			return bad(err)
		}
		ss.prompts[d.Lesson] = d.Prompts
	case evGroupMembers:
		var d groupMembersData
		if err := json.Unmarshal(e.Data, &d); err != nil {
			return bad(err)
		}
		ss.members[d.PlayerID] = d.Members
	case room.EvYearResolved:
		var d room.YearResolvedData
		if err := json.Unmarshal(e.Data, &d); err != nil {
			return bad(err)
		}
		// The room keeps the year's full choices (a later room version keeps the action
		// shares out of the public event), so read them back from its record.
		rec := ss.state.Record()
		ch := rec.Years[len(rec.Years)-1]
		next, _, err := ss.sc.Step(f.econ, ch, ss.mode, d.Seed)
		if err != nil {
			return bad(fmt.Errorf("step %d: %w", d.Year, err))
		}
		v := ss.state.View(teacher)
		ss.years = append(ss.years, yearSnap{
			Seq: e.Seq, Year: d.Year, Stepped: d.Stepped, Result: v.Results[len(v.Results)-1],
			Before: f.econ, After: next, Players: v.Players, Posts: v.Arguments,
		})
		f.econ = next
	}
	return nil
}

// session returns what has been folded so far.
func (f *folder) session() (*session, error) {
	if f.ss.sc == nil {
		return nil, errors.New("the log has no roomCreated event")
	}
	f.ss.final = f.ss.state.View(teacher)
	return f.ss, nil
}

// year returns the snapshot of year y.
func (ss *session) year(y int) (*yearSnap, bool) {
	for i := range ss.years {
		if ss.years[i].Year == y {
			return &ss.years[i], true
		}
	}
	return nil, false
}

// complete reports whether the game reached the debrief after its last year.
func (ss *session) complete() bool {
	return ss.final.Phase == room.Debrief && len(ss.years) == len(ss.sc.Years)
}
