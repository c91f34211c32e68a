package room

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/i18n"
	"github.com/classroom-debate/debate/roles"
)

// The classroom: role choice and opting out, group players, lessons (end of lesson,
// de-roling, exit tickets), rejoin codes, and the teacher's moderation (word filter,
// reports, spotlight, mute, rename, small debate groups, the content note) and the
// student's "step out of role".

// classroom is the part of the state these commands keep (inlined in core's JSON).
type classroom struct {
	// LessonNo counts the lessons taught: 1 until the first lesson ends and the game
	// resumes (0 in rooms from before lessons; read it through lesson()).
	LessonNo int `json:"lesson,omitempty"`
	// Derole: the lesson has ended; everyone is out of role, answering the exit ticket.
	Derole      bool     `json:"derole,omitempty"`
	RecapShown  bool     `json:"recapShown,omitempty"` // the game just resumed: show the recap
	ExitPrompts []Prompt `json:"exitPrompts,omitempty"`
	// ExitTickets are the latest answers of each player for each lesson.
	ExitTickets   []ExitTicketRecord `json:"exitTickets,omitempty"`
	FilterWords   []string           `json:"filterWords,omitempty"`
	FilterAllowed []string           `json:"filterAllowed,omitempty"`
	ContentNote   bool               `json:"contentNote,omitempty"`
	GroupMode     string             `json:"groupMode,omitempty"`
	GroupSize     int                `json:"groupSize,omitempty"`
	// The private record of resolved years (yearActions): the action shares waiting for
	// their yearResolved, and by year the settlers' testimony, who took which action and
	// who was purged why. FateLog counts the fates reached each year.
	PendingShares map[economy.Faction]map[economy.RegionID]map[string]float64 `json:"pendingShares,omitempty"`
	Voices        map[int]*SettlerVoices                                      `json:"voices,omitempty"`
	Taken         map[int]map[string]string                                   `json:"taken,omitempty"`
	Purges        map[int][]PurgeData                                         `json:"purges,omitempty"`
	FateLog       map[int]map[string]int                                      `json:"fateLog,omitempty"`
}

// ExitTicketRecord is a stored exit ticket.
type ExitTicketRecord struct {
	ExitTicketData
	Seq uint64    `json:"seq"`
	At  time.Time `json:"at"`
}

// lesson is the lesson the class is in, from 1.
func (s *State) lesson() int {
	if s.c.LessonNo < 1 {
		return 1
	}
	return s.c.LessonNo
}

// registerClassroom adds the classroom's commands to the handler table.
func registerClassroom(h map[string]handler) {
	for typ, hd := range map[string]handler{
		"issueRejoin": {system, decideIssueRejoin},

		"endLesson":       {staff, decideEndLesson},
		"setGroup":        {staff, decideSetGroupMembers},
		"filterWords":     {staff, decideFilterWords},
		"spotlight":       {staff, decideSpotlight},
		"mute":            {staff, decideMute},
		"rename":          {staff, decideRename},
		"setGroups":       {staff, decideSetGroups},
		"promote":         {staff, decidePromote},
		"showContentNote": {staff, decideShowContentNote},

		"chooseRole": {activePlayer, decideChooseRole},
		"report":     {activePlayer, decideReport},
		"optOut":     {playerEvenOnHold, decideOptOut},
		"exitTicket": {playerEvenOnHold, decideExitTicket},
		"stepOut":    {playerEvenOnHold, decideStepOut},
	} {
		h[typ] = hd
	}
}

// registerClassroomFolds adds the classroom's events to the fold table.
func registerClassroomFolds(f map[string]func(*State, Event) error) {
	f[EvLessonEnded] = on(foldLessonEnded)
	f[EvExitTicket] = on(foldExitTicket)
	f[EvRejoinIssued] = on(func(s *State, _ Event, d RejoinData) error {
		return withPlayer(s, d.PlayerID, func(p *player) { p.Rejoin = d.Generation })
	})
	f[EvFilterWordsSet] = on(func(s *State, _ Event, d FilterWordsData) error {
		s.c.FilterWords, s.c.FilterAllowed = d.Words, d.Allowed
		return nil
	})
	f[EvPostReported] = on(func(s *State, _ Event, d ReportData) error {
		return withPost(s, d.ArgumentID, func(p *post) {
			if p.Reports == nil {
				p.Reports = map[string]string{}
			}
			p.Reports[d.PlayerID] = d.Reason
		})
	})
	f[EvPostSpotlit] = on(func(s *State, _ Event, d SpotlightData) error {
		return withPost(s, d.ArgumentID, func(p *post) { p.Spotlit = d.On })
	})
	f[EvPlayerMuted] = on(func(s *State, _ Event, d PlayerFlagData) error {
		return withPlayer(s, d.PlayerID, func(p *player) { p.Muted = d.On })
	})
	f[EvSteppedOut] = on(func(s *State, _ Event, d PlayerFlagData) error {
		return withPlayer(s, d.PlayerID, func(p *player) { p.SteppedOut = d.On })
	})
	f[EvPlayerRenamed] = on(func(s *State, _ Event, d RenameData) error {
		return withPlayer(s, d.PlayerID, func(p *player) { p.Nickname = d.Nickname })
	})
	f[EvGroupMembersSet] = on(func(s *State, _ Event, d GroupMembersData) error {
		return withPlayer(s, d.PlayerID, func(p *player) { p.Members = d.Members })
	})
	f[EvGroupsSet] = on(foldGroups)
	f[EvPostPromoted] = on(foldPromoted)
	f[EvContentNoteShown] = func(s *State, _ Event) error { s.c.ContentNote = true; return nil }
	f[EvYearActions] = on(foldYearActions)
}

// playerEvenOnHold admits an active player while the game is on hold too: stepping out of
// role, opting out and the exit ticket are always open.
func playerEvenOnHold(b *batch) error { return checkPlayer(b, true) }

// ---- roles: choice, opting out, group players ----

// roleInSentence names a role inside the server's sentences, from the catalogue, in the
// reader's language.
func roleInSentence(role string) i18n.Ref { return i18n.Ref("role." + role + ".inSentence") }

// RoleCaps are the places per faction role in choice mode: the plan for the class as it
// stands (at least MinClass, so the first students can choose any role).
func (s *State) RoleCaps() map[string]int {
	n := 0
	for _, id := range s.c.Order {
		if p := s.c.Players[id]; p.Status != StatusRemoved && p.Role != roles.Historian {
			n++
		}
	}
	return roles.Plan(max(n, roles.MinClass))
}

type roleData struct {
	Role string `json:"role"`
}

func decideChooseRole(b *batch) error {
	d, err := decode[roleData](b)
	if err != nil {
		return err
	}
	c := &b.s.c
	switch {
	case c.Settings.Assignment != AssignChoice:
		return fault.T(fault.Forbidden, "fault.room.rolesGivenByTeacher")
	case c.Phase != Lobby:
		return fault.T(fault.WrongPhase, "fault.room.rolesChosenBeforeStart")
	case d.Role == roles.Historian:
		return fault.T(fault.Invalid, "fault.room.historianUseOptOut")
	}
	if _, ok := roles.Faction(d.Role); !ok {
		return fault.T(fault.Invalid, "fault.room.roleNotChoosable", d.Role)
	}
	if b.me.Role == d.Role {
		return fault.T(fault.Conflict, "fault.room.alreadyHasRole", roleInSentence(d.Role))
	}
	caps := b.s.RoleCaps()
	if b.me.Role == roles.Historian {
		caps = b.s.capsWithOneMore()
	}
	taken := 0
	for _, id := range c.Order {
		if p := c.Players[id]; p.ID != b.me.ID && p.Status != StatusRemoved && p.Role == d.Role {
			taken++
		}
	}
	if taken >= caps[d.Role] {
		return fault.T(fault.Conflict, "fault.room.rolePlacesTaken", caps[d.Role], roleInSentence(d.Role))
	}
	b.add(EvRoleAssigned, b.s.withRole(b.me, d.Role, ""))
	return nil
}

// capsWithOneMore are the caps once a Historian rejoins the factions.
func (s *State) capsWithOneMore() map[string]int {
	n := 1
	for _, id := range s.c.Order {
		if p := s.c.Players[id]; p.Status != StatusRemoved && p.Role != roles.Historian {
			n++
		}
	}
	return roles.Plan(max(n, roles.MinClass))
}

// withRole is a player's data after taking role: the fate the role starts in now, the
// home region (region "" spreads the role's players over the regions) and, with groups by
// faction, a group of the new role.
func (s *State) withRole(p *player, role, region string) PlayerData {
	pd := p.data()
	if role != p.Role {
		pd.Fate = s.startingFate(role)
	}
	if region == "" {
		region = string(s.regionFor(role, p.ID))
	}
	pd.Role, pd.Region = role, region
	pd.Group = s.groupFor(p.ID, role)
	return pd
}

// regionFor spreads a role's players over the regions (roles.Region), not counting
// player except.
func (s *State) regionFor(role, except string) economy.RegionID {
	same, all := map[string]int{}, map[string]int{}
	for _, id := range s.c.Order {
		p := s.c.Players[id]
		if p.ID == except || p.Status == StatusRemoved || p.Region == "" {
			continue
		}
		all[p.Region]++
		if p.Role == role {
			same[p.Region]++
		}
	}
	return roles.Region(regionCounts(same), regionCounts(all))
}

func decideOptOut(b *batch) error {
	if b.me.Role == roles.Historian {
		return fault.T(fault.Conflict, "fault.room.alreadyHistorian")
	}
	b.add(EvRoleAssigned, b.s.withRole(b.me, roles.Historian, b.me.Region))
	return nil
}

// fillUndecided gives every player still without a role one by auto-balance, in join
// order (choice mode: those who did not choose before the start).
func (b *batch) fillUndecided() {
	w := b.fork()
	for _, id := range w.c.Order {
		p := w.c.Players[id]
		if p.Status == StatusRemoved || p.Role != "" {
			continue
		}
		counts := map[string]int{}
		for _, oid := range w.c.Order {
			if o := w.c.Players[oid]; o.Status != StatusRemoved {
				counts[o.Role]++
			}
		}
		b.add(EvRoleAssigned, w.withRole(p, roles.Assign(counts), ""))
	}
}

type membersData struct {
	PlayerID string   `json:"playerId"`
	Members  []string `json:"members"`
}

func decideSetGroupMembers(b *batch) error {
	d, err := decode[membersData](b)
	if err != nil {
		return err
	}
	p, err := b.player(d.PlayerID)
	if err != nil {
		return err
	}
	if len(d.Members) == 1 || len(d.Members) > MaxGroupMembers {
		return fault.T(fault.Invalid, "fault.room.groupSizeOutOfRange", MaxGroupMembers)
	}
	names := []string{}
	for _, m := range d.Members {
		name := strings.TrimSpace(m)
		switch {
		case !utf8.ValidString(name) || name == "":
			return fault.T(fault.Invalid, "fault.room.groupMemberNameMissing")
		case utf8.RuneCountInString(name) > MaxGroupMemberName:
			return fault.T(fault.Invalid, "fault.room.groupMemberNameTooLong", MaxGroupMemberName)
		case strings.IndexFunc(name, unicode.IsControl) >= 0:
			return fault.T(fault.Invalid, "fault.room.groupMemberNameCharacters")
		case b.s.filtered(name):
			return fault.T(fault.Invalid, "fault.room.groupMemberNameFiltered", name)
		}
		names = append(names, name)
	}
	if equalStrings(names, p.Members) || len(names) == 0 && len(p.Members) == 0 {
		return fault.T(fault.Conflict, "fault.room.groupNamesUnchanged")
	}
	b.add(EvGroupMembersSet, GroupMembersData{PlayerID: p.ID, Members: names})
	return nil
}

// ---- lessons ----

func decideEndLesson(b *batch) error {
	c := &b.s.c
	switch {
	case c.Phase == Lobby:
		return fault.T(fault.WrongPhase, "fault.room.lessonEndBeforeStart")
	case c.Derole:
		return fault.T(fault.Conflict, "fault.room.lessonAlreadyEnded")
	}
	return b.endLesson(false)
}

// endLesson ends the lesson: the running phase closes (unless the game is over, on hold,
// or the plan's boundary already closed it: auto), the game goes on hold with the next
// phase's full time kept for the next lesson, and everyone steps out of role with an
// exit ticket. In the debrief the game is over and nothing is held.
func (b *batch) endLesson(auto bool) error {
	b.lessonEnding = true
	w := b.fork()
	if !auto && w.c.Phase != Debrief && !w.c.Suspended {
		if err := b.closePhase(); err != nil {
			return err
		}
	}
	// The debrief ends the game's last lesson, unless the plan gives the debrief a lesson
	// of its own and this is the lesson before it.
	final := w.c.Phase == Debrief
	if sch, ok := w.c.Settings.schedule(); ok && final && sch.debriefLesson() && w.lesson() < len(sch.Lessons) {
		final = false
	}
	if !final && !w.c.Suspended {
		b.add(EvSuspended, TimerData{RemainingMs: w.remaining(b.now).Milliseconds()})
	}
	// The prompts reflect on the last year the class itself played: a year stepped by
	// history was only announced, so there is little of the class's own to reflect on.
	year := w.c.Year
	for i := len(w.c.Results) - 1; i >= 0; i-- {
		if !w.c.Results[i].Stepped {
			year = w.c.Results[i].Year
			break
		}
	}
	b.add(EvLessonEnded, LessonEndedData{
		Lesson: w.lesson(), Year: w.c.Year, Phase: w.c.Phase, Final: final, Auto: auto,
		Prompts: exitPrompts(year, final), Recap: w.Recap(),
	})
	return nil
}

func foldLessonEnded(s *State, _ Event, d LessonEndedData) error {
	s.c.Derole, s.c.ExitPrompts, s.c.RecapShown = true, d.Prompts, false
	if s.c.LessonNo < 1 {
		s.c.LessonNo = 1
	}
	return nil
}

type exitData struct {
	Answers []string `json:"answers"`
}

func decideExitTicket(b *batch) error {
	d, err := decode[exitData](b)
	if err != nil {
		return err
	}
	c := &b.s.c
	if !c.Derole {
		return fault.T(fault.WrongPhase, "fault.room.exitTicketNotOpen")
	}
	if len(d.Answers) == 0 || len(d.Answers) > len(c.ExitPrompts) {
		return fault.T(fault.Invalid, "fault.room.exitTicketAnswerCount", len(c.ExitPrompts))
	}
	answers := make([]string, len(d.Answers))
	wrote := false
	for i, a := range d.Answers {
		if strings.TrimSpace(a) == "" {
			continue
		}
		text, err := cleanText(a, "answer", MaxExitAnswer)
		if err != nil {
			return err
		}
		answers[i], wrote = text, true
	}
	if !wrote {
		return fault.T(fault.Invalid, "fault.room.exitTicketEmpty")
	}
	flagged := false
	for _, a := range answers {
		flagged = flagged || b.s.filtered(a)
	}
	b.add(EvExitTicket, ExitTicketData{PlayerID: b.me.ID, Lesson: b.s.lesson(), Answers: answers, Flagged: flagged})
	return nil
}

func foldExitTicket(s *State, e Event, d ExitTicketData) error {
	rec := ExitTicketRecord{ExitTicketData: d, Seq: e.Seq, At: e.At}
	for i, t := range s.c.ExitTickets {
		if t.PlayerID == d.PlayerID && t.Lesson == d.Lesson {
			s.c.ExitTickets[i] = rec
			return nil
		}
	}
	s.c.ExitTickets = append(s.c.ExitTickets, rec)
	return nil
}

// ---- rejoin codes ----

// decideIssueRejoin records that the engine issued a rejoin code for a player. The
// command is the server's own (the engine sends it with the teacher's request once the
// code's hash is stored), so the log never holds a code and never claims one that was
// not made.
func decideIssueRejoin(b *batch) error {
	d, err := decode[playerRef](b)
	if err != nil {
		return err
	}
	p, err := b.player(d.PlayerID)
	if err != nil {
		return err
	}
	b.add(EvRejoinIssued, RejoinData{PlayerID: p.ID, Generation: p.Rejoin + 1})
	return nil
}

// IssueRejoinCommand is the command the engine submits after storing a new rejoin code
// for a player; id is a fresh id for the command.
func IssueRejoinCommand(id, playerID string) Command {
	return Command{ID: id, Type: "issueRejoin", By: Principal{Kind: System}, Data: mustJSON(playerRef{PlayerID: playerID})}
}

// ---- moderation ----

// visibleTo reports whether an audience may see a post: staff see everything; nobody
// else sees a hidden post; a held post only its author; a group's post (until promoted)
// only the group's members when it was posted.
func (p *post) visibleTo(a Audience) bool {
	switch {
	case a.Kind == Teacher:
		return true
	case p.Hidden:
		return false
	case p.Held:
		return a.Kind == Player && a.PlayerID == p.PlayerID
	case len(p.Audience) > 0 && !p.Promoted:
		return a.Kind == Player && containsString(p.Audience, a.PlayerID)
	}
	return true
}

// groupOnly reports whether a post is still confined to its group.
func (p *post) groupOnly() bool { return len(p.Audience) > 0 && !p.Promoted }

func containsString(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

type reportData struct {
	ArgumentID string `json:"argumentId"`
	Reason     string `json:"reason"`
}

func decideReport(b *batch) error {
	d, err := decode[reportData](b)
	if err != nil {
		return err
	}
	p, ok := b.s.c.Posts[d.ArgumentID]
	if !ok || !p.visibleTo(AudienceOf(b.cmd.By)) {
		return fault.T(fault.NotFound, "fault.room.noSuchPost")
	}
	if p.PlayerID == b.me.ID {
		return fault.T(fault.Forbidden, "fault.room.reportOwnPost")
	}
	if _, done := p.Reports[b.me.ID]; done {
		return fault.T(fault.Conflict, "fault.room.alreadyReported")
	}
	reason := ""
	if strings.TrimSpace(d.Reason) != "" {
		if reason, err = cleanText(d.Reason, "reason", MaxReportReason); err != nil {
			return err
		}
	}
	b.add(EvPostReported, ReportData{ArgumentID: p.ID, PlayerID: b.me.ID, Reason: reason})
	return nil
}

type spotlightData struct {
	ArgumentID string `json:"argumentId"`
	On         bool   `json:"on"`
}

func decideSpotlight(b *batch) error {
	d, err := decode[spotlightData](b)
	if err != nil {
		return err
	}
	p, ok := b.s.c.Posts[d.ArgumentID]
	switch {
	case !ok || p.Parent != "":
		return fault.T(fault.NotFound, "fault.room.noSuchArgument")
	case d.On && p.Hidden:
		return fault.T(fault.Conflict, "fault.room.argumentHidden")
	case d.On && p.Held:
		return fault.T(fault.Conflict, "fault.room.spotlightNeedsApproval")
	case d.On && p.groupOnly():
		return fault.T(fault.Conflict, "fault.room.spotlightNeedsPromotion")
	case p.Spotlit == d.On && d.On:
		return fault.T(fault.Conflict, "fault.room.alreadyInSpotlight")
	case p.Spotlit == d.On:
		return fault.T(fault.Conflict, "fault.room.notInSpotlight")
	}
	b.add(EvPostSpotlit, SpotlightData{ArgumentID: p.ID, On: d.On})
	return nil
}

type playerFlag struct {
	PlayerID string `json:"playerId"`
	On       bool   `json:"on"`
}

func decideMute(b *batch) error {
	d, err := decode[playerFlag](b)
	if err != nil {
		return err
	}
	p, err := b.player(d.PlayerID)
	if err != nil {
		return err
	}
	if p.Muted == d.On {
		if d.On {
			return fault.T(fault.Conflict, "fault.room.alreadyMuted", p.Nickname)
		}
		return fault.T(fault.Conflict, "fault.room.notMuted", p.Nickname)
	}
	b.add(EvPlayerMuted, PlayerFlagData{PlayerID: p.ID, On: d.On})
	return nil
}

type renameData struct {
	PlayerID string `json:"playerId"`
	Nickname string `json:"nickname"`
}

func decideRename(b *batch) error {
	d, err := decode[renameData](b)
	if err != nil {
		return err
	}
	p, err := b.player(d.PlayerID)
	if err != nil {
		return err
	}
	nick, err := b.s.checkNickname(d.Nickname)
	if err != nil {
		return err
	}
	if nick == p.Nickname {
		return fault.T(fault.Conflict, "fault.room.nicknameUnchanged", nick)
	}
	if other := b.s.nicknameTaken(nick, p.ID); other {
		return fault.T(fault.Conflict, "fault.room.nicknameTaken", nick)
	}
	b.add(EvPlayerRenamed, RenameData{PlayerID: p.ID, Nickname: nick, Pending: p.Status == StatusPending})
	return nil
}

// nicknameTaken reports whether another player still in the room has nick, ignoring case.
func (s *State) nicknameTaken(nick, except string) bool {
	for _, id := range s.c.Order {
		if p := s.c.Players[id]; p.ID != except && p.Status != StatusRemoved && strings.EqualFold(p.Nickname, nick) {
			return true
		}
	}
	return false
}

type playerOn struct {
	Out bool `json:"out"`
}

func decideStepOut(b *batch) error {
	d, err := decode[playerOn](b)
	if err != nil {
		return err
	}
	if b.me.SteppedOut == d.Out {
		if d.Out {
			return fault.T(fault.Conflict, "fault.room.alreadySteppedOut")
		}
		return fault.T(fault.Conflict, "fault.room.notSteppedOut")
	}
	b.add(EvSteppedOut, PlayerFlagData{PlayerID: b.me.ID, On: d.Out})
	return nil
}

func decideShowContentNote(b *batch) error {
	b.add(EvContentNoteShown, struct {
		Lesson int `json:"lesson"`
	}{b.s.lesson()})
	return nil
}

// ---- small debate groups ----

type groupsData struct {
	Mode string `json:"mode"`
	Size int    `json:"size"`
}

func decideSetGroups(b *batch) error {
	d, err := decode[groupsData](b)
	if err != nil {
		return err
	}
	if d.Size == 0 {
		d.Size = defaultGroupSize
	}
	switch d.Mode {
	case GroupsNone:
		if b.s.c.GroupMode == "" {
			return fault.T(fault.Conflict, "fault.room.alreadyWholeClass")
		}
		b.add(EvGroupsSet, GroupsData{Mode: GroupsNone})
		return nil
	case GroupsFaction, GroupsVillages:
	default:
		return fault.T(fault.Invalid, "fault.room.notAGroupingMode", d.Mode)
	}
	if d.Size < 2 || d.Size > maxGroupSize {
		return fault.T(fault.Invalid, "fault.room.debateGroupSizeOutOfRange", maxGroupSize)
	}
	b.add(EvGroupsSet, GroupsData{Mode: d.Mode, Size: d.Size, Groups: b.s.assignGroups(d.Mode, d.Size)})
	return nil
}

// roleOrder ranks roles for grouping; a player without a role yet comes last.
func roleOrder(role string) int {
	for i, r := range roles.IDs {
		if r == role {
			return i
		}
	}
	return len(roles.IDs)
}

// groupPrefix names the groups a player of role joins in a mode.
func groupPrefix(mode, role string) string {
	if mode == GroupsVillages {
		return "village"
	}
	if role == "" {
		return "unassigned"
	}
	return role
}

// assignGroups deals the players into groups of at most size, deterministically: by
// faction, each role's players in join order dealt round the role's groups; in villages,
// the players ordered by role then join order dealt round the villages, so that every
// village mixes the factions.
func (s *State) assignGroups(mode string, size int) map[string]string {
	var ps []*player
	for _, id := range s.c.Order {
		if p := s.c.Players[id]; p.Status != StatusRemoved {
			ps = append(ps, p)
		}
	}
	sort.SliceStable(ps, func(i, j int) bool { return roleOrder(ps[i].Role) < roleOrder(ps[j].Role) })
	out := map[string]string{}
	deal := func(members []*player, prefix string) {
		n := (len(members) + size - 1) / size
		for i, p := range members {
			out[p.ID] = prefix + "-" + strconv.Itoa(i%n+1)
		}
	}
	if mode == GroupsVillages {
		deal(ps, "village")
		return out
	}
	for i := 0; i < len(ps); {
		j := i
		for j < len(ps) && ps[j].Role == ps[i].Role {
			j++
		}
		deal(ps[i:j], groupPrefix(mode, ps[i].Role))
		i = j
	}
	return out
}

// groupFor is the group a player joins when they arrive or change role while the room
// has groups: the emptiest group of theirs that has room, else a new one.
func (s *State) groupFor(playerID, role string) string {
	mode := s.c.GroupMode
	if mode == "" {
		return ""
	}
	prefix := groupPrefix(mode, role)
	if p, ok := s.c.Players[playerID]; ok && p.Group != "" && (mode == GroupsVillages || strings.HasPrefix(p.Group, prefix+"-")) {
		return p.Group // a village keeps its members whatever their role
	}
	sizes := map[int]int{}
	top := 0
	for _, id := range s.c.Order {
		p := s.c.Players[id]
		if p.ID == playerID || p.Status == StatusRemoved {
			continue
		}
		rest, ok := strings.CutPrefix(p.Group, prefix+"-")
		k, err := strconv.Atoi(rest)
		if !ok || err != nil {
			continue
		}
		sizes[k]++
		top = max(top, k)
	}
	best := 0
	for k := 1; k <= top; k++ {
		if n, ok := sizes[k]; ok && n < s.c.GroupSize && (best == 0 || n < sizes[best]) {
			best = k
		}
	}
	if best == 0 {
		best = top + 1
	}
	return prefix + "-" + strconv.Itoa(best)
}

func foldGroups(s *State, _ Event, d GroupsData) error {
	if d.Mode == GroupsNone {
		s.c.GroupMode, s.c.GroupSize = "", 0
	} else {
		s.c.GroupMode, s.c.GroupSize = d.Mode, d.Size
	}
	for _, p := range s.c.Players {
		p.Group = d.Groups[p.ID]
	}
	return nil
}

// audienceOf lists the members of a group now, in join order: who sees a post made in it.
func (s *State) audienceOf(group string) []string {
	var out []string
	for _, id := range s.c.Order {
		if p := s.c.Players[id]; p.Status != StatusRemoved && p.Group == group {
			out = append(out, p.ID)
		}
	}
	return out
}

func decidePromote(b *batch) error {
	d, err := decode[postRef](b)
	if err != nil {
		return err
	}
	p, ok := b.s.c.Posts[d.ArgumentID]
	switch {
	case !ok || p.Parent != "":
		return fault.T(fault.NotFound, "fault.room.noSuchArgument")
	case p.Hidden:
		return fault.T(fault.Conflict, "fault.room.argumentHidden")
	case p.Held:
		return fault.T(fault.Conflict, "fault.room.promoteNeedsApproval")
	case !p.groupOnly():
		return fault.T(fault.Conflict, "fault.room.alreadyPromoted")
	}
	data := PromotedData{Argument: p.PostData}
	data.Argument.Audience = nil
	for _, id := range b.s.c.PostOrder {
		r := b.s.c.Posts[id]
		if r.Parent == p.ID && !r.Hidden && !r.Held {
			rd := r.PostData
			rd.Audience = nil
			data.Replies = append(data.Replies, rd)
		}
	}
	b.add(EvPostPromoted, data)
	return nil
}

func foldPromoted(s *State, _ Event, d PromotedData) error {
	if err := withPost(s, d.Argument.ID, func(p *post) { p.Promoted = true }); err != nil {
		return err
	}
	for _, p := range s.c.Posts {
		if p.Parent == d.Argument.ID {
			p.Promoted = true
		}
	}
	return nil
}

// ---- the year's private record ----

func foldYearActions(s *State, _ Event, d YearActionsData) error {
	s.c.PendingShares = d.Actions
	if d.Settlers != nil {
		if s.c.Voices == nil {
			s.c.Voices = map[int]*SettlerVoices{}
		}
		s.c.Voices[d.Year] = d.Settlers
	}
	if len(d.Taken) > 0 {
		if s.c.Taken == nil {
			s.c.Taken = map[int]map[string]string{}
		}
		s.c.Taken[d.Year] = d.Taken
	}
	if len(d.Purges) > 0 {
		if s.c.Purges == nil {
			s.c.Purges = map[int][]PurgeData{}
		}
		s.c.Purges[d.Year] = d.Purges
	}
	return nil
}

// takenActions copies who took which action this year (played years).
func (s *State) takenActions() map[string]string {
	if len(s.c.Actions) == 0 {
		return nil
	}
	out := make(map[string]string, len(s.c.Actions))
	for _, p := range s.voters() {
		if a := s.c.Actions[p.ID]; a != "" {
			out[p.ID] = a
		}
	}
	return out
}

// classroomVisibility says who sees the classroom's events; false for other events.
func classroomVisibility(e Event) (Visibility, bool) {
	public := Visibility{Public: true, Staff: true, Projector: true}
	staffAnd := func(ids ...string) Visibility { return Visibility{Staff: true, Players: ids} }
	switch e.Type {
	case EvLessonEnded, EvPostSpotlit, EvGroupsSet, EvPostPromoted, EvContentNoteShown:
		return public, true
	case EvRejoinIssued, EvFilterWordsSet, EvYearActions:
		return staffAnd(), true
	case EvExitTicket, EvPlayerMuted, EvSteppedOut, EvGroupMembersSet:
		if id := playerIDOf(e.Data); id != "" {
			return staffAnd(id), true
		}
		return staffAnd(), true
	case EvPostReported:
		var d ReportData
		if json.Unmarshal(e.Data, &d) != nil {
			return staffAnd(), true
		}
		return staffAnd(d.PlayerID), true
	case EvPlayerRenamed:
		var d RenameData
		if json.Unmarshal(e.Data, &d) != nil {
			return staffAnd(), true
		}
		if d.Pending {
			return staffAnd(d.PlayerID), true
		}
		return public, true
	}
	return Visibility{}, false
}

// playerIDOf reads the playerId field of an event's data ("" when it has none).
func playerIDOf(raw []byte) string {
	var d PlayerRef
	_ = json.Unmarshal(raw, &d)
	return d.PlayerID
}
