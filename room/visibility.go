package room

import "encoding/json"

// VisibilityOf says who may see an event in full, from the event alone. Everyone else
// receives Stub(e).
//   - voteCast and actionTaken: staff and the player concerned;
//   - a held argument or reply: staff and its author (postApproved later carries it to all);
//   - a post (or a mark) in a small debate group: staff and the group's members;
//   - the classroom's private events (classroomVisibility): exit tickets, reports, mutes,
//     stepping out, rejoin codes, the teacher's filter words, a year's private record;
//   - playerJoined and roleAssigned of a player waiting for approval: staff and that player;
//   - roomCreated (it carries the whole scenario): staff;
//   - everything else: everyone.
func VisibilityOf(e Event) Visibility {
	staffAnd := func(ids ...string) Visibility { return Visibility{Staff: true, Players: ids} }
	if v, ok := classroomVisibility(e); ok {
		return v
	}
	if v, ok := historianVisibility(e); ok {
		return v
	}
	if v, ok := rejoinVisibility(e); ok {
		return v
	}
	switch e.Type {
	case EvVoteCast, EvActionTaken:
		var d PlayerRef
		if json.Unmarshal(e.Data, &d) != nil {
			return staffAnd()
		}
		return staffAnd(d.PlayerID)
	case EvArgumentPosted, EvReplyPosted, EvPostApproved:
		var d PostData
		if json.Unmarshal(e.Data, &d) != nil {
			return staffAnd()
		}
		if d.Held {
			return staffAnd(d.PlayerID)
		}
		if len(d.Audience) > 0 {
			return staffAnd(d.Audience...)
		}
	case EvMarkAdded, EvMarkRemoved:
		var d MarkData
		if json.Unmarshal(e.Data, &d) != nil {
			return staffAnd()
		}
		if len(d.Audience) > 0 {
			return staffAnd(d.Audience...)
		}
	case EvPlayerJoined, EvRoleAssigned:
		var d PlayerData
		if json.Unmarshal(e.Data, &d) != nil {
			return staffAnd()
		}
		if d.Pending {
			return staffAnd(d.PlayerID)
		}
	case EvRoomCreated, EvRubricSet, EvAssessed: // the scenario; the teacher's assessment
		return staffAnd()
	}
	return Visibility{Public: true, Staff: true, Projector: true}
}

// Redact returns e as audience a receives it: in full, without the exact death figures
// (FormFor), or as its stub.
func Redact(e Event, a Audience) Event {
	return InForm(e, FormFor(e, VisibilityOf(e), a))
}
