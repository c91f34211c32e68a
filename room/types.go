package room

import (
	"encoding/json"
	"time"
)

// EventFormat is the version of the event encoding written to the log. Apply refuses
// events of a newer format; older formats stay readable forever.
const EventFormat = 1

// Kind says who is speaking to the room.
type Kind string

const (
	Teacher   Kind = "teacher"   // the room's owner; full powers
	CoTeacher Kind = "coteacher" // a teaching assistant; the teacher's powers
	Projector Kind = "projector" // read-only shared view
	Player    Kind = "player"    // a student or a group of students on one device
	System    Kind = "system"    // the server itself: joins, timers
)

// Principal is an authenticated speaker. PlayerID is set for players only.
type Principal struct {
	Kind     Kind   `json:"kind"`
	PlayerID string `json:"playerId,omitempty"`
}

// IsStaff reports whether p holds the teacher's powers.
func (p Principal) IsStaff() bool { return p.Kind == Teacher || p.Kind == CoTeacher }

// Key is a stable string for p, used to remember which command ids it has sent.
func (p Principal) Key() string {
	if p.Kind == Player {
		return "player:" + p.PlayerID
	}
	return string(p.Kind)
}

// Command is one request to change a room. Data holds the type-specific fields as JSON;
// Decide validates it. ID is chosen by the client and is unique per principal: the same
// ID twice has its effect once.
type Command struct {
	ID   string          `json:"id"`
	Type string          `json:"type"`
	By   Principal       `json:"by"`
	Data json.RawMessage `json:"data,omitempty"`
}

// Event is one entry of a room's log. The room's state is the fold of its events.
type Event struct {
	V    int             `json:"v"`
	Seq  uint64          `json:"seq"`
	Type string          `json:"type"`
	At   time.Time       `json:"at"`
	By   *Principal      `json:"by,omitempty"`
	Cmd  string          `json:"cmd,omitempty"` // id of the command that produced the event
	Data json.RawMessage `json:"data,omitempty"`
}

// RedactedType is the type of the stub an audience receives in place of an event it may
// not see, so that every viewer still receives every sequence number.
const RedactedType = "redacted"

// Stub returns the redacted form of e: its sequence number, time and nothing else.
func Stub(e Event) Event {
	return Event{V: e.V, Seq: e.Seq, Type: RedactedType, At: e.At}
}

// Visibility says who may see an event in full. Everyone else receives Stub(e).
type Visibility struct {
	Public    bool     // everyone, including the projector
	Staff     bool     // teacher and co-teacher (always true when Public)
	Projector bool     // the projector view (always true when Public)
	Players   []string // these players, besides the above
}

// Audience is a class of viewers who receive identical event streams and snapshots:
// the engine encodes each event once per audience, not once per socket.
type Audience struct {
	Kind     Kind   // Teacher (for teacher and co-teacher), Projector or Player
	PlayerID string // for Player
}

// AudienceOf returns the audience a principal belongs to.
func AudienceOf(p Principal) Audience {
	switch p.Kind {
	case Teacher, CoTeacher:
		return Audience{Kind: Teacher}
	case Projector:
		return Audience{Kind: Projector}
	default:
		return Audience{Kind: Player, PlayerID: p.PlayerID}
	}
}

// Sees reports whether an audience may see an event of visibility v in full.
func (v Visibility) Sees(a Audience) bool {
	if v.Public {
		return true
	}
	switch a.Kind {
	case Teacher:
		return v.Staff
	case Projector:
		return v.Projector
	case Player:
		for _, id := range v.Players {
			if id == a.PlayerID {
				return true
			}
		}
	}
	return false
}
