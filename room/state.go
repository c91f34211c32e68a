// Package room owns a room's game rules as a pure state machine: the State is the fold of
// the room's events (Apply), and Decide checks a command against the State and returns the
// events it becomes, or a *fault.Error. It also says who may see each event
// (VisibilityOf) and what each viewer's snapshot holds (View).
//
// It also owns the classroom around the game (classroom.go): role choice, lessons and
// their plans (lessons.go), end of lesson with de-roling and exit tickets, recaps, the word
// filter and the teacher's moderation, small debate groups, and fates that change; and the
// Historian's flags, attached evidence cards and annotations (historian.go).
//
// The package has no clock, network, storage or goroutines: time is passed in, randomness
// comes from the room's seed, and the same events always fold to the same State. It imports
// the economy model, roles, history (the recap's bands) and fault. The per-room actor, transport and storage live in
// package engine and around it.
package room

import (
	"encoding/json"
	"time"

	"github.com/classroom-debate/debate/economy"
)

// State is the fold of a room's events. It is not safe for concurrent use: the room's
// actor owns it. Its JSON form (MarshalJSON) holds everything but the scenario, which the
// roomCreated event carries.
type State struct {
	c  core
	sc *economy.Scenario // loaded from the roomCreated event; immutable
}

// core is the serialisable part of State. Maps keep JSON output ordered, so two folds of
// the same events marshal to the same bytes.
type core struct {
	Seq          uint64             `json:"seq"`
	Created      bool               `json:"created"`
	Deleted      bool               `json:"deleted,omitempty"`
	RoomID       string             `json:"roomId"`
	Code         string             `json:"code"`
	Mode         economy.Mode       `json:"mode"`
	VoteMode     VoteMode           `json:"voteMode"`
	Seed         int64              `json:"seed"`
	ScenarioID   string             `json:"scenarioId"`
	ScenarioHash string             `json:"scenarioHash"`
	Settings     Settings           `json:"settings"`
	Phase        Phase              `json:"phase"`
	Year         int                `json:"year"`
	Deadline     *time.Time         `json:"deadline,omitempty"`
	Paused       bool               `json:"paused,omitempty"`
	Suspended    bool               `json:"suspended,omitempty"`
	Remaining    time.Duration      `json:"remaining,omitempty"` // while paused or suspended
	Ended        bool               `json:"ended,omitempty"`     // the teacher ended the game early
	Locked       bool               `json:"locked,omitempty"`
	JoinApproval bool               `json:"joinApproval,omitempty"`
	HoldPosts    bool               `json:"holdPosts,omitempty"`
	Players      map[string]*player `json:"players"`
	Order        []string           `json:"order"` // player ids in join order
	Econ         economy.State      `json:"econ"`
	Directives   map[string]bool    `json:"directives,omitempty"` // the teacher's switches (counterfactual)
	// This year's secret choices, cleared when the next year's briefing opens.
	Votes     map[string]map[string]VoteData `json:"votes,omitempty"`   // player → decision → vote
	Actions   map[string]string              `json:"actions,omitempty"` // player → action id
	Injected  []string                       `json:"injected,omitempty"`
	Posts     map[string]*post               `json:"posts"`
	PostOrder []string                       `json:"postOrder"`
	// Tallies of the year whose votes closed, until its yearResolved event arrives.
	Tallies       []Tally           `json:"tallies,omitempty"`
	Results       []YearResult      `json:"results"`
	Announcements []Announcement    `json:"announcements,omitempty"`
	InjectedAll   []InjectedData    `json:"injectedAll,omitempty"`
	Processed     map[string]uint64 `json:"processed"`
	LastActivity  time.Time         `json:"lastActivity"`
	classroom
	historianNotes // flags, cards and annotations (historian.go)
	// The teacher's rubric (nil: DefaultRubric) and scores in force (assess.go).
	Rubric      []Criterion  `json:"rubric,omitempty"`
	Assessments []Assessment `json:"assessments,omitempty"`
}

type player struct {
	ID       string    `json:"id"`
	Nickname string    `json:"nickname"`
	Role     string    `json:"role"`
	Region   string    `json:"region"`
	Fate     string    `json:"fate,omitempty"`
	Status   string    `json:"status"`
	Joined   time.Time `json:"joined"`
	// Classroom: a group player's members, moderation flags, the debate group, the
	// generation of the last rejoin code issued.
	Members    []string `json:"members,omitempty"`
	Muted      bool     `json:"muted,omitempty"`
	SteppedOut bool     `json:"steppedOut,omitempty"`
	Group      string   `json:"group,omitempty"`
	Rejoin     int      `json:"rejoin,omitempty"`
	// Rejoins (rejoin.go): each one that went through, and the request ids of the one
	// waiting for the teacher, the one approved and not yet picked up, the last refused
	// and the last done.
	Rejoins        []RejoinRecord `json:"rejoins,omitempty"`
	RejoinPending  string         `json:"rejoinPending,omitempty"`
	RejoinApproved string         `json:"rejoinApproved,omitempty"`
	RejoinRefused  string         `json:"rejoinRefused,omitempty"`
	RejoinDone     string         `json:"rejoinDone,omitempty"`
}

type post struct {
	PostData
	At     time.Time       `json:"at"`
	Hidden bool            `json:"hidden,omitempty"`
	Marks  map[string]bool `json:"marks,omitempty"` // arguments: who marked it persuasive
	// Spotlit: the teacher's spotlight. Promoted: a group's post carried to the whole
	// class. Reports: who reported it, and why.
	Spotlit  bool              `json:"spotlit,omitempty"`
	Promoted bool              `json:"promoted,omitempty"`
	Reports  map[string]string `json:"reports,omitempty"`
}

// YearResult is one resolved year: what the class chose (or history, for a stepped year),
// the public tallies, and what the model made of it.
type YearResult struct {
	Year    int                 `json:"year"`
	Stepped bool                `json:"stepped,omitempty"`
	Tallies []Tally             `json:"tallies,omitempty"`
	Choices economy.YearChoices `json:"choices"`
	Outcome economy.Outcome     `json:"outcome"`
	// Annotations: the historians' notes on the outcome, filled in snapshots only.
	Annotations []AnnotationView `json:"annotations,omitempty"`
	// withheld: a snapshot for players or the projector, without the exact death
	// figures (see MarshalJSON in view.go).
	withheld bool
}

// Announcement is a teacher's free-text message.
type Announcement struct {
	Seq  uint64    `json:"seq"`
	At   time.Time `json:"at"`
	Year int       `json:"year"`
	Text string    `json:"text"`
}

// NewState returns the state of a room before its first event.
func NewState() *State {
	return &State{c: core{
		Players:   map[string]*player{},
		Posts:     map[string]*post{},
		Processed: map[string]uint64{},
		Order:     []string{},
		PostOrder: []string{},
		Results:   []YearResult{},
	}}
}

// Seq is the sequence number of the last event folded in (0 before roomCreated).
func (s *State) Seq() uint64 { return s.c.Seq }

// Deleted reports whether the room has been deleted.
func (s *State) Deleted() bool { return s.c.Deleted }

// ID is the room's id.
func (s *State) ID() string { return s.c.RoomID }

// Code is the room's join code.
func (s *State) Code() string { return s.c.Code }

// Phase and Year say where the game stands.
func (s *State) Phase() Phase { return s.c.Phase }

// Year is the current year (0 in the lobby).
func (s *State) Year() int { return s.c.Year }

// Scenario is the scenario the room plays (nil before roomCreated).
func (s *State) Scenario() *economy.Scenario { return s.sc }

// LastActivity is the time of the room's last event.
func (s *State) LastActivity() time.Time { return s.c.LastActivity }

// PlayerActive reports whether a player exists and has not been removed.
func (s *State) PlayerActive(id string) bool {
	p, ok := s.c.Players[id]
	return ok && p.Status != StatusRemoved
}

// Processed returns the sequence number of the last event produced by a command this
// principal already had accepted, so the engine can ack it again without deciding it twice.
func (s *State) Processed(p Principal, cmdID string) (uint64, bool) {
	seq, ok := s.c.Processed[processedKey(p, cmdID)]
	return seq, ok
}

func processedKey(p Principal, cmdID string) string { return p.Key() + "\x00" + cmdID }

// NextDeadline is the running phase timer's deadline; false when the timer is paused,
// the game suspended, or the phase has no timer.
func (s *State) NextDeadline() (time.Time, bool) {
	if s.c.Deadline == nil || s.c.Paused || s.c.Suspended || s.c.Deleted {
		return time.Time{}, false
	}
	return *s.c.Deadline, true
}

// Record is the room's choices record so far, for exports and `debate simulate`.
func (s *State) Record() economy.Record {
	rec := economy.Record{
		Format:       economy.RecordFormat,
		Scenario:     s.c.ScenarioID,
		ScenarioHash: s.c.ScenarioHash,
		Mode:         s.c.Mode,
		Seed:         s.c.Seed,
		Years:        []economy.YearChoices{},
	}
	for _, r := range s.c.Results {
		rec.Years = append(rec.Years, r.Choices)
	}
	return rec
}

// Results lists the resolved years in order.
func (s *State) Results() []YearResult { return append([]YearResult(nil), s.c.Results...) }

// MarshalJSON encodes the whole state except the scenario; for debugging, tests and
// comparing folds.
func (s *State) MarshalJSON() ([]byte, error) { return json.Marshal(&s.c) }

// clone returns a deep copy sharing the immutable scenario. Decide folds its own events
// into a clone when one event depends on the ones before it, so s is never touched.
func (s *State) clone() *State {
	b, err := json.Marshal(&s.c)
	if err != nil {
		panic("room: state does not encode: " + err.Error())
	}
	n := NewState()
	if err := json.Unmarshal(b, &n.c); err != nil {
		panic("room: state does not decode: " + err.Error())
	}
	n.sc = s.sc
	return n
}
