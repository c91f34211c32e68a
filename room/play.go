package room

import (
	"fmt"
	"unicode/utf8"

	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/roles"
)

// Player commands: debate, votes and actions.

// year returns the scenario year in play.
func (b *batch) year() (*economy.Year, error) {
	yr, ok := b.s.sc.Year(b.s.c.Year)
	if !ok {
		return nil, fault.T(fault.WrongPhase, "fault.room.noYearInPlay")
	}
	return yr, nil
}

// decision finds a decision of the year in play, and an option of it when option != "".
func (b *batch) decision(id, option string) (*economy.Decision, error) {
	yr, err := b.year()
	if err != nil {
		return nil, err
	}
	for i := range yr.Decisions {
		d := &yr.Decisions[i]
		if d.ID != id {
			continue
		}
		if option == "" {
			return d, nil
		}
		for _, o := range d.Options {
			if o.ID == option {
				return d, nil
			}
		}
		return nil, fault.T(fault.NotFound, "fault.room.notAnOption", option, d.Title)
	}
	return nil, fault.T(fault.NotFound, "fault.room.noSuchDecision", id)
}

type argueData struct {
	Text     string `json:"text"`
	Decision string `json:"decision"`
	Option   string `json:"option"`
	Evidence string `json:"evidence"`
}

func decideArgue(b *batch) error {
	d, err := decode[argueData](b)
	if err != nil {
		return err
	}
	if b.s.c.Phase != Debate {
		return fault.T(fault.WrongPhase, "fault.room.argumentsOnlyInDebate")
	}
	if err := b.mayPost(); err != nil {
		return err
	}
	text, err := cleanText(d.Text, "argument", MaxArgument)
	if err != nil {
		return err
	}
	if d.Decision == "" || d.Option == "" {
		return fault.T(fault.Invalid, "fault.room.argumentNeedsOption")
	}
	if _, err := b.decision(d.Decision, d.Option); err != nil {
		return err
	}
	if len(d.Evidence) > MaxEvidence {
		return fault.T(fault.TooLarge, "fault.room.cardIDTooLong")
	}
	if d.Evidence != "" && !utf8.ValidString(d.Evidence) {
		return fault.T(fault.Invalid, "fault.room.cardIDUnreadable")
	}
	if d.Evidence != "" {
		// Cited evidence counts in the debate score, so it must be a card that exists.
		content, err := roles.DefaultContent()
		if err != nil {
			return fault.T(fault.Internal, "fault.room.cardsNotLoaded")
		}
		if _, ok := content.Card(d.Evidence); !ok {
			return fault.T(fault.NotFound, "fault.room.noSuchCard")
		}
	}
	seq := b.s.Seq() + 1
	pd := PostData{
		ID: fmt.Sprintf("a%d", seq), PlayerID: b.me.ID, Nickname: b.me.Nickname, Role: b.me.Role,
		Year: b.s.c.Year, Decision: d.Decision, Option: d.Option, Evidence: d.Evidence,
		Text: text, Held: b.s.c.HoldPosts,
	}
	if b.s.c.GroupMode != "" && b.me.Group != "" {
		pd.Group, pd.Audience = b.me.Group, b.s.audienceOf(b.me.Group)
	}
	b.s.screen(&pd)
	b.add(EvArgumentPosted, pd)
	return nil
}

type replyData struct {
	ArgumentID string `json:"argumentId"`
	Text       string `json:"text"`
}

// argument finds an argument the sending player can see.
func (b *batch) argument(id string) (*post, error) {
	p, ok := b.s.c.Posts[id]
	if !ok || p.Parent != "" || !p.visibleTo(AudienceOf(b.cmd.By)) {
		return nil, fault.T(fault.NotFound, "fault.room.noSuchArgument")
	}
	return p, nil
}

// mayPost refuses a muted player's posts (their votes and actions still count).
func (b *batch) mayPost() error {
	if b.me.Muted {
		return fault.T(fault.Forbidden, "fault.room.postingPaused")
	}
	return nil
}

// screen runs a post through the word filter: a post that trips it is held for the
// teacher, who approves or hides it, whether or not the room holds every post.
func (s *State) screen(pd *PostData) {
	if s.filtered(pd.Text) {
		pd.Held, pd.Filtered = true, true
	}
}

func decideReply(b *batch) error {
	d, err := decode[replyData](b)
	if err != nil {
		return err
	}
	if b.s.c.Phase != Debate && b.s.c.Phase != Vote {
		return fault.T(fault.WrongPhase, "fault.room.repliesOnlyInDebateOrVote")
	}
	if err := b.mayPost(); err != nil {
		return err
	}
	arg, err := b.argument(d.ArgumentID)
	if err != nil {
		return err
	}
	text, err := cleanText(d.Text, "reply", MaxArgument)
	if err != nil {
		return err
	}
	seq := b.s.Seq() + 1
	pd := PostData{
		ID: fmt.Sprintf("r%d", seq), Parent: arg.ID, PlayerID: b.me.ID, Nickname: b.me.Nickname,
		Role: b.me.Role, Year: b.s.c.Year, Text: text, Held: b.s.c.HoldPosts,
	}
	if arg.groupOnly() { // a reply stays in its argument's group
		pd.Group, pd.Audience = arg.Group, arg.Audience
	}
	b.s.screen(&pd)
	b.add(EvReplyPosted, pd)
	return nil
}

func decideMark(on bool) func(*batch) error {
	return func(b *batch) error {
		d, err := decode[postRef](b)
		if err != nil {
			return err
		}
		if b.s.c.Phase != Debate && b.s.c.Phase != Vote {
			return fault.T(fault.WrongPhase, "fault.room.marksOnlyInDebateOrVote")
		}
		arg, err := b.argument(d.ArgumentID)
		if err != nil {
			return err
		}
		if arg.PlayerID == b.me.ID {
			return fault.T(fault.Forbidden, "fault.room.markOwnArgument")
		}
		if arg.Held {
			return fault.T(fault.NotFound, "fault.room.noSuchArgument")
		}
		marked := arg.Marks[b.me.ID]
		switch {
		case on && marked:
			return fault.T(fault.Conflict, "fault.room.alreadyMarked")
		case !on && !marked:
			return fault.T(fault.Conflict, "fault.room.notMarked")
		}
		md := MarkData{ArgumentID: arg.ID, PlayerID: b.me.ID}
		if arg.groupOnly() {
			md.Audience = arg.Audience
		}
		if on {
			b.add(EvMarkAdded, md)
		} else {
			b.add(EvMarkRemoved, md)
		}
		return nil
	}
}

type voteData struct {
	Decision string `json:"decision"`
	Option   string `json:"option"`
	Abstain  bool   `json:"abstain"`
}

func decideVote(b *batch) error {
	d, err := decode[voteData](b)
	if err != nil {
		return err
	}
	if b.s.c.Phase != Vote {
		return fault.T(fault.WrongPhase, "fault.room.votingOnlyInVote")
	}
	if _, ok := roles.Faction(b.me.Role); !ok {
		return fault.T(fault.Forbidden, "fault.room.historiansDoNotVote")
	}
	if d.Abstain == (d.Option != "") {
		return fault.T(fault.Invalid, "fault.room.voteNeedsOneOption")
	}
	if _, err := b.decision(d.Decision, d.Option); err != nil {
		return err
	}
	b.add(EvVoteCast, VoteData{PlayerID: b.me.ID, Decision: d.Decision, Option: d.Option, Abstain: d.Abstain})
	b.countVoters(d.Decision)
	return nil
}

type actData struct {
	Action string `json:"action"`
}

// openTo reports whether an action is open to a player: their faction's, and matching
// their fate when it requires one.
func openTo(a economy.Action, p *player) bool {
	f, ok := roles.Faction(p.Role)
	return ok && a.Faction == f && (a.Requires == "" || a.Requires == p.Fate)
}

func decideAct(b *batch) error {
	d, err := decode[actData](b)
	if err != nil {
		return err
	}
	if b.s.c.Phase != Vote {
		return fault.T(fault.WrongPhase, "fault.room.actionsOnlyInVote")
	}
	if _, ok := roles.Faction(b.me.Role); !ok {
		return fault.T(fault.Forbidden, "fault.room.historiansTakeNoActions")
	}
	if d.Action == "" {
		if b.s.c.Actions[b.me.ID] == "" {
			return fault.T(fault.Conflict, "fault.room.noActionToWithdraw")
		}
		b.add(EvActionTaken, ActionData{PlayerID: b.me.ID, Year: b.s.c.Year})
		return nil
	}
	yr, err := b.year()
	if err != nil {
		return err
	}
	found := false
	for _, a := range yr.Actions {
		if a.ID != d.Action {
			continue
		}
		found = true
		if openTo(a, b.me) {
			b.add(EvActionTaken, ActionData{PlayerID: b.me.ID, Year: b.s.c.Year, Action: a.ID})
			return nil
		}
	}
	if found {
		return fault.T(fault.Forbidden, "fault.room.actionNotOpen")
	}
	return fault.T(fault.NotFound, "fault.room.noSuchAction", d.Action)
}
