package room

import (
	"time"

	"github.com/classroom-debate/debate/fault"
)

// Rejoins: a rejoin slip (a printed code) brings a student back as the same player on
// any device, in any lesson. When the player is connected at that moment, though, the
// slip may be in the wrong hands (it was left on a desk): the rejoin then waits for the
// teacher's approval. Every rejoin is recorded, so the teacher's roster shows each.
//
// The engine sends the server's own rejoin command for each use of a slip, saying
// whether the player had a connection open; the request id is the device's, so that it
// can ask again until the teacher has answered.

// The rejoin events. All are for staff; a request also goes to the player, whose open
// device learns that someone is asking to take their place.
const (
	EvRejoinRequested = "rejoinRequested" // staff + the player
	EvRejoinApproved  = "rejoinApproved"  // staff
	EvRejoinRefused   = "rejoinRefused"   // staff
	EvPlayerRejoined  = "playerRejoined"  // staff
)

// RejoinRequestData is a rejoin that waits for the teacher, or the teacher's answer.
type RejoinRequestData struct {
	PlayerID string `json:"playerId"`
	Request  string `json:"request"`
}

// PlayerRejoinedData records a rejoin that went through: at once (the player was not
// connected), or after the teacher approved it.
type PlayerRejoinedData struct {
	PlayerID string `json:"playerId"`
	Request  string `json:"request"`
	Approved bool   `json:"approved,omitempty"`
	Lesson   int    `json:"lesson"`
}

// RejoinRecord is one rejoin as the roster shows it.
type RejoinRecord struct {
	At       time.Time `json:"at"`
	Lesson   int       `json:"lesson"`
	Approved bool      `json:"approved,omitempty"` // it waited for the teacher
}

type rejoinData struct {
	PlayerID  string `json:"playerId"`
	Request   string `json:"request"`
	Connected bool   `json:"connected"`
}

// RejoinCommand is the engine's command for one use of a rejoin slip by the device with
// request id request; connected says whether the player had a connection open.
func RejoinCommand(id, playerID, request string, connected bool) Command {
	return Command{ID: id, Type: "rejoin", By: Principal{Kind: System},
		Data: mustJSON(rejoinData{PlayerID: playerID, Request: request, Connected: connected})}
}

// RejoinStatus says where a device's rejoin request stands: "done" once it went through
// (the engine then hands out a token), "pending" while it waits for the teacher, "" when
// the room knows nothing of it.
func (s *State) RejoinStatus(playerID, request string) string {
	p, ok := s.c.Players[playerID]
	switch {
	case !ok || request == "":
		return ""
	case p.RejoinDone == request:
		return "done"
	case p.RejoinPending == request:
		return "pending"
	}
	return ""
}

func decideRejoin(b *batch) error {
	d, err := decode[rejoinData](b)
	if err != nil {
		return err
	}
	p, err := b.player(d.PlayerID)
	if err != nil {
		return err
	}
	if d.Request == "" {
		return fault.T(fault.Invalid, "fault.room.rejoinNeedsRequest")
	}
	switch {
	case d.Request == p.RejoinRefused:
		return fault.T(fault.Forbidden, "fault.room.rejoinRefused")
	case d.Request == p.RejoinDone:
		return nil // asked again after it went through: the engine hands out a token again
	case d.Request == p.RejoinApproved:
		b.add(EvPlayerRejoined, PlayerRejoinedData{PlayerID: p.ID, Request: d.Request, Approved: true, Lesson: b.s.lesson()})
	case !d.Connected:
		b.add(EvPlayerRejoined, PlayerRejoinedData{PlayerID: p.ID, Request: d.Request, Lesson: b.s.lesson()})
	case d.Request == p.RejoinPending:
		return nil // still waiting for the teacher
	default:
		b.add(EvRejoinRequested, RejoinRequestData{PlayerID: p.ID, Request: d.Request})
	}
	return nil
}

type approveRejoinData struct {
	PlayerID string `json:"playerId"`
	Refuse   bool   `json:"refuse"`
}

// decideApproveRejoin is the teacher's answer to the player's waiting rejoin.
func decideApproveRejoin(b *batch) error {
	d, err := decode[approveRejoinData](b)
	if err != nil {
		return err
	}
	p, err := b.player(d.PlayerID)
	if err != nil {
		return err
	}
	if p.RejoinPending == "" {
		return fault.T(fault.Conflict, "fault.room.noRejoinWaiting")
	}
	if d.Refuse {
		b.add(EvRejoinRefused, RejoinRequestData{PlayerID: p.ID, Request: p.RejoinPending})
	} else {
		b.add(EvRejoinApproved, RejoinRequestData{PlayerID: p.ID, Request: p.RejoinPending})
	}
	return nil
}

func registerRejoinFolds(f map[string]func(*State, Event) error) {
	f[EvRejoinRequested] = on(func(s *State, _ Event, d RejoinRequestData) error {
		return withPlayer(s, d.PlayerID, func(p *player) { p.RejoinPending = d.Request })
	})
	f[EvRejoinApproved] = on(func(s *State, _ Event, d RejoinRequestData) error {
		return withPlayer(s, d.PlayerID, func(p *player) { p.RejoinPending, p.RejoinApproved = "", d.Request })
	})
	f[EvRejoinRefused] = on(func(s *State, _ Event, d RejoinRequestData) error {
		return withPlayer(s, d.PlayerID, func(p *player) { p.RejoinPending, p.RejoinRefused = "", d.Request })
	})
	f[EvPlayerRejoined] = on(func(s *State, e Event, d PlayerRejoinedData) error {
		return withPlayer(s, d.PlayerID, func(p *player) {
			if p.RejoinPending == d.Request {
				p.RejoinPending = ""
			}
			if p.RejoinApproved == d.Request {
				p.RejoinApproved = ""
			}
			p.RejoinDone = d.Request
			p.Rejoins = append(p.Rejoins, RejoinRecord{At: e.At, Lesson: d.Lesson, Approved: d.Approved})
		})
	})
}

// rejoinVisibility says who sees the rejoin events; false for other events.
func rejoinVisibility(e Event) (Visibility, bool) {
	switch e.Type {
	case EvRejoinRequested:
		return Visibility{Staff: true, Players: []string{playerIDOf(e.Data)}}, true
	case EvRejoinApproved, EvRejoinRefused, EvPlayerRejoined:
		return Visibility{Staff: true}, true
	}
	return Visibility{}, false
}
