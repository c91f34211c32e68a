package room

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/roles"
)

// Decide checks cmd against s and returns the events it becomes, numbered from s.Seq()+1,
// stamped with now, cmd.ID and cmd.By. A command the rules refuse returns a *fault.Error
// and no events. A command that is valid but has nothing to do (a stale tick) returns no
// events and no error. Decide never changes s.
func Decide(s *State, cmd Command, now time.Time) ([]Event, error) {
	if !s.c.Created {
		return nil, fault.T(fault.NotFound, "fault.room.noSuchRoom")
	}
	if s.c.Deleted {
		return nil, fault.T(fault.NotFound, "fault.room.roomDeleted")
	}
	if cmd.By.Kind == Projector {
		return nil, fault.T(fault.Forbidden, "fault.room.projectorWatchOnly")
	}
	h, ok := handlers[cmd.Type]
	if !ok {
		return nil, fault.T(fault.UnknownType, "fault.room.unknownCommand", cmd.Type)
	}
	b := &batch{s: s, cmd: cmd, now: now}
	if err := h.who(b); err != nil {
		return nil, err
	}
	if err := h.run(b); err != nil {
		return nil, err
	}
	if b.err != nil {
		// A bug, not the user's doing: refuse the command rather than log bad events.
		return nil, fault.T(fault.Internal, "fault.room.commandFailed")
	}
	return b.events, nil
}

// handler is one command: who may send it and what it does.
type handler struct {
	who func(*batch) error
	run func(*batch) error
}

var handlers map[string]handler

func init() {
	handlers = map[string]handler{
		"join": {system, decideJoin},
		"tick": {system, decideTick},

		"start":         {staff, decideStart},
		"pause":         {staff, decidePause},
		"resume":        {staff, decideResume},
		"extend":        {staff, decideExtend},
		"advance":       {staff, decideAdvance},
		"jumpTo":        {staff, decideJumpTo},
		"end":           {staff, decideEnd},
		"suspend":       {staff, decideSuspend},
		"unsuspend":     {staff, decideUnsuspend},
		"lock":          {staff, decideLock},
		"approveJoins":  {staff, decideApproveJoins},
		"approvePlayer": {staff, decideApprovePlayer},
		"removePlayer":  {staff, decideRemovePlayer},
		"assignRole":    {staff, decideAssignRole},
		"setDirective":  {staff, decideSetDirective},
		"injectEvent":   {staff, decideInjectEvent},
		"announce":      {staff, decideAnnounce},
		"holdPosts":     {staff, decideHoldPosts},
		"approvePost":   {staff, decideApprovePost},
		"hidePost":      {staff, decideHidePost},
		"settings":      {staff, decideSettings},
		"delete":        {staff, decideDelete},
		"rubric":        {staff, decideRubric},
		"assess":        {staff, decideAssess},

		"argue":  {activePlayer, decideArgue},
		"reply":  {activePlayer, decideReply},
		"mark":   {activePlayer, decideMark(true)},
		"unmark": {activePlayer, decideMark(false)},
		"vote":   {activePlayer, decideVote},
		"act":    {activePlayer, decideAct},
	}
	registerClassroom(handlers)
	registerHistorian(handlers)
	handlers["rejoin"] = handler{system, decideRejoin}
	handlers["approveRejoin"] = handler{staff, decideApproveRejoin}
}

// CommandTypes lists every command type the room knows, sorted.
func CommandTypes() []string {
	out := make([]string, 0, len(handlers))
	for t := range handlers {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

func system(b *batch) error {
	if b.cmd.By.Kind != System {
		return fault.T(fault.Forbidden, "fault.room.serverOnlyCommand")
	}
	return nil
}

func staff(b *batch) error {
	if !b.cmd.By.IsStaff() {
		return fault.T(fault.Forbidden, "fault.room.teacherOnly")
	}
	return nil
}

func activePlayer(b *batch) error { return checkPlayer(b, false) }

// checkPlayer admits an active player; evenOnHold admits them while the game is on hold.
func checkPlayer(b *batch, evenOnHold bool) error {
	if b.cmd.By.Kind != Player {
		return fault.T(fault.Forbidden, "fault.room.playersOnly")
	}
	p, ok := b.s.c.Players[b.cmd.By.PlayerID]
	switch {
	case !ok || p.Status == StatusRemoved:
		return fault.T(fault.Forbidden, "fault.room.noLongerPlayer")
	case p.Status == StatusPending:
		return fault.T(fault.Forbidden, "fault.room.waitingForAdmission")
	case b.s.c.Suspended && !evenOnHold:
		return fault.T(fault.WrongPhase, "fault.room.gameOnHoldForTeacher")
	}
	b.me = p
	return nil
}

// batch collects the events of one command. Events that depend on earlier ones in the
// same command read the state through fork, a private copy with those events folded in.
type batch struct {
	s      *State
	cmd    Command
	now    time.Time
	me     *player // the sending player, for player commands
	events []Event
	work   *State
	err    error
	// lessonEnding: the command is ending the lesson, so closing its phase must not end
	// it a second time at a plan's boundary.
	lessonEnding bool
}

// add appends an event of the given type and data. A failure (data that does not encode,
// such as a NaN from the model) is kept in b.err and makes Decide refuse the command.
func (b *batch) add(typ string, data any) {
	if b.err != nil {
		return
	}
	raw, err := json.Marshal(data)
	if err != nil {
		b.err = fmt.Errorf("encode %s: %w", typ, err)
		return
	}
	by := b.cmd.By
	e := Event{
		V:    EventFormat,
		Seq:  b.s.Seq() + uint64(len(b.events)) + 1,
		Type: typ,
		At:   b.now,
		By:   &by,
		Cmd:  b.cmd.ID,
		Data: raw,
	}
	b.events = append(b.events, e)
	if b.work != nil {
		if err := Apply(b.work, e); err != nil {
			b.err = err
		}
	}
}

// fork returns the state with the batch's events so far folded in; s stays untouched.
func (b *batch) fork() *State {
	if b.work == nil {
		b.work = b.s.clone()
		for _, e := range b.events {
			if err := Apply(b.work, e); err != nil && b.err == nil {
				b.err = err
			}
		}
	}
	return b.work
}

// decode reads the command's data into T.
func decode[T any](b *batch) (T, error) {
	var d T
	if len(b.cmd.Data) == 0 || string(b.cmd.Data) == "null" {
		return d, nil
	}
	// Strict: a misspelt field must be an error, not a default. ("lock" with "on" instead
	// of "locked" would otherwise unlock the room, and "evidnce" drop the evidence.)
	dec := json.NewDecoder(bytes.NewReader(b.cmd.Data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			return d, fault.T(fault.Malformed, "fault.room.commandDataUnknownField", b.cmd.Type, strings.Trim(field, `"`))
		}
		return d, fault.JSON(err, "data")
	}
	if dec.More() {
		return d, fault.T(fault.Malformed, "fault.room.commandDataUnreadable", b.cmd.Type)
	}
	return d, nil
}

// CleanNickname trims a nickname and checks it: 1 to 24 characters, no control characters.
func CleanNickname(nick string) (string, error) {
	if !utf8.ValidString(nick) {
		return "", fault.T(fault.BadNickname, "fault.room.nicknameUnreadable")
	}
	nick = strings.TrimSpace(nick)
	if nick == "" {
		return "", fault.T(fault.BadNickname, "fault.room.nicknameMissing")
	}
	if n := utf8.RuneCountInString(nick); n > MaxNickname {
		return "", fault.T(fault.BadNickname, "fault.room.nicknameTooLong", MaxNickname)
	}
	runes := []rune(nick)
	for i, r := range runes {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || r == utf8.RuneError {
			return "", fault.T(fault.BadNickname, "fault.room.nicknameCharacters")
		}
		// Invisible format characters (zero-width spaces, direction overrides) would let
		// "Ann\u200b" pass for Ann. The one kept is the joiner inside an emoji sequence
		// (👩‍🚀), where it sits between two symbols and changes no letters.
		if unicode.Is(unicode.Cf, r) && !(r == '\u200d' && i > 0 && i < len(runes)-1 && isEmojiPart(runes[i-1]) && isEmojiPart(runes[i+1])) {
			return "", fault.T(fault.BadNickname, "fault.room.nicknameCharacters")
		}
	}
	return nick, nil
}

// isEmojiPart reports whether r can stand on either side of a joiner in an emoji
// sequence: a symbol, or a variation selector or skin-tone modifier after one.
func isEmojiPart(r rune) bool {
	return unicode.Is(unicode.So, r) || unicode.Is(unicode.Sk, r) || r == '\ufe0f'
}

// cleanText trims a posted text and checks its length and characters; line breaks and
// tabs are fine, other control characters are not.
func cleanText(text, what string, max int) (string, error) {
	if !utf8.ValidString(text) {
		return "", fault.T(fault.Invalid, "fault.room.textUnreadable", what)
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return "", fault.T(fault.Invalid, "fault.room.textEmpty", what)
	}
	if n := utf8.RuneCountInString(text); n > max {
		return "", fault.T(fault.TooLarge, "fault.room.textTooLong", what, n, max)
	}
	for _, r := range text {
		if unicode.IsControl(r) && r != '\n' && r != '\t' && r != '\r' {
			return "", fault.T(fault.Invalid, "fault.room.textControlChar", what)
		}
	}
	return text, nil
}

// ---- system commands ----

type joinData struct {
	PlayerID string `json:"playerId"`
	Nickname string `json:"nickname"`
}

func decideJoin(b *batch) error {
	d, err := decode[joinData](b)
	if err != nil {
		return err
	}
	c := &b.s.c
	if d.PlayerID == "" {
		return fault.T(fault.Malformed, "fault.room.joinNeedsPlayerID")
	}
	if _, dup := c.Players[d.PlayerID]; dup {
		return fault.T(fault.Conflict, "fault.room.playerAlreadyJoined")
	}
	if c.Locked {
		return fault.T(fault.RoomLocked, "fault.room.roomLocked")
	}
	counts := map[string]int{}
	sameRole := map[string]map[string]int{}
	all := map[string]int{}
	n := 0
	for _, id := range c.Order {
		p := c.Players[id]
		if p.Status == StatusRemoved {
			continue
		}
		n++
		counts[p.Role]++
		all[p.Region]++
		if sameRole[p.Role] == nil {
			sameRole[p.Role] = map[string]int{}
		}
		sameRole[p.Role][p.Region]++
	}
	if n >= c.Settings.MaxPlayers {
		return fault.T(fault.RoomFull, "fault.room.roomFull", c.Settings.MaxPlayers)
	}
	nick, err := b.s.checkNickname(d.Nickname)
	if err != nil {
		return err
	}
	for _, id := range c.Order {
		if p := c.Players[id]; p.Status != StatusRemoved && strings.EqualFold(p.Nickname, nick) {
			return fault.T(fault.Conflict, "fault.room.nicknameTaken", nick)
		}
	}
	role := roles.Assign(counts)
	region := string(roles.Region(regionCounts(sameRole[role]), regionCounts(all)))
	if c.Settings.Assignment == AssignChoice && c.Phase == Lobby {
		role, region = "", "" // the player chooses (chooseRole), or gets one at the start
	}
	b.add(EvPlayerJoined, PlayerData{
		PlayerID: d.PlayerID, Nickname: nick, Role: role, Region: region,
		Fate: b.s.startingFate(role), Pending: c.JoinApproval, Group: b.s.groupFor(d.PlayerID, role),
	})
	return nil
}

type tickData struct {
	Deadline time.Time `json:"deadline"`
}

// TickCommand is the command the engine submits once now >= NextDeadline(). It names the
// deadline it targets, so a tick for a deadline that has moved (pause, extend, advance) or
// already fired does nothing; its id is derived from the deadline, so racing instances
// submit the same command and the room takes it once.
func TickCommand(s *State) Command {
	d, _ := s.NextDeadline()
	return Command{
		ID:   fmt.Sprintf("tick:%d:%s:%d", s.c.Year, s.c.Phase, d.UnixNano()),
		Type: "tick",
		By:   Principal{Kind: System},
		Data: mustJSON(tickData{Deadline: d}),
	}
}

func decideTick(b *batch) error {
	d, err := decode[tickData](b)
	if err != nil {
		return err
	}
	deadline, ok := b.s.NextDeadline()
	if !ok || !deadline.Equal(d.Deadline) || b.now.Before(deadline) {
		return nil // stale, early or duplicate: nothing to do
	}
	return b.closePhase()
}
