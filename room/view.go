package room

import (
	"encoding/json"
	"time"

	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/roles"
)

// View is the snapshot of a room that one principal may see. It never holds another
// player's vote or action, or a held or hidden post, unless the viewer is staff.
type View struct {
	RoomID    string       `json:"roomId"`
	Code      string       `json:"code"`
	Seq       uint64       `json:"seq"`
	As        Kind         `json:"as"` // teacher (also for co-teachers), projector or player
	Mode      economy.Mode `json:"mode"`
	VoteMode  VoteMode     `json:"voteMode"`
	Scenario  ScenarioInfo `json:"scenario"`
	Deleted   bool         `json:"deleted,omitempty"`
	Phase     Phase        `json:"phase"`
	Year      int          `json:"year"`
	Ended     bool         `json:"ended,omitempty"`
	Deadline  *time.Time   `json:"deadline,omitempty"`
	Paused    bool         `json:"paused,omitempty"`
	Suspended bool         `json:"suspended,omitempty"`
	// RemainingMs is the time left while the timer is paused or the game on hold.
	RemainingMs  int64           `json:"remainingMs,omitempty"`
	Locked       bool            `json:"locked,omitempty"`
	JoinApproval bool            `json:"joinApproval,omitempty"`
	HoldPosts    bool            `json:"holdPosts,omitempty"`
	Settings     Settings        `json:"settings"`
	Years        []int           `json:"years"`                // every year of the scenario
	Directives   map[string]bool `json:"directives,omitempty"` // the teacher's switches (counterfactual rooms)
	// Players lists the players in the game, in join order. Staff also see those waiting
	// for approval and those removed (with their status).
	Players       []PlayerInfo   `json:"players"`
	Me            *Me            `json:"me,omitempty"`
	Current       *YearInfo      `json:"current,omitempty"`
	Arguments     []ArgumentView `json:"arguments"`
	Results       []YearResult   `json:"results"`
	Announcements []Announcement `json:"announcements"`
	Injected      []InjectedData `json:"injected"` // shock events brought in, every year so far
	// VoteProgress is how many have voted, while the vote is open (votecount.go).
	VoteProgress *VotersData `json:"voteProgress,omitempty"`

	// Lessons, de-roling, moderation (classroom_view.go).
	ClassroomView

	// Staff only.
	Votes   map[string]map[string]VoteData `json:"votes,omitempty"`   // player → decision → vote, this year
	Actions map[string]string              `json:"actions,omitempty"` // player → action, this year

	// Staff only: the rubric in force and the teacher's scores (assess.go).
	Rubric      []Criterion  `json:"rubric,omitempty"`
	Assessments []Assessment `json:"assessments,omitempty"`
}

// ScenarioInfo names the scenario a room plays.
type ScenarioInfo struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Version string `json:"version,omitempty"`
	Hash    string `json:"hash"`
}

// PlayerInfo is a player as others see them.
type PlayerInfo struct {
	ID       string `json:"id"`
	Nickname string `json:"nickname"`
	Role     string `json:"role"`
	Region   string `json:"region"`
	Fate     string `json:"fate,omitempty"`
	Status   string `json:"status"`
	Group    string `json:"group,omitempty"` // the small debate group
	// Staff (and the player themself) only: a group player's members, whether the
	// teacher muted them, whether they stepped out of role, and the generation of their
	// last rejoin code.
	Members    []string `json:"members,omitempty"`
	Muted      bool     `json:"muted,omitempty"`
	SteppedOut bool     `json:"steppedOut,omitempty"`
	Rejoin     int      `json:"rejoinIssued,omitempty"`
	// Rejoins lists each rejoin that went through; RejoinWaiting says one waits for the
	// teacher's approval (approveRejoin).
	Rejoins       []RejoinRecord `json:"rejoins,omitempty"`
	RejoinWaiting bool           `json:"rejoinWaiting,omitempty"`
}

// Me is what a player sees of themself.
type Me struct {
	PlayerInfo
	Votes       map[string]VoteData `json:"votes"` // this year's, by decision
	Action      string              `json:"action,omitempty"`
	ActionsOpen []ActionInfo        `json:"actionsOpen"` // open to this player this year
	// ActionsByYear lists, for each played year, the ids of the actions open to this
	// player in it as they stand now (role and fate; a fate the game changes later
	// changes them). Actions vary by year: an id not listed for the year in play is
	// answered not_found.
	ActionsByYear map[int][]string `json:"actionsByYear,omitempty"`
}

// ActionInfo describes an action.
type ActionInfo struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
}

// YearInfo is the year in play: its situation, decisions and directives.
type YearInfo struct {
	Year       int             `json:"year"`
	Title      string          `json:"title"`
	Summary    string          `json:"summary"`
	Decisions  []DecisionInfo  `json:"decisions"`
	Directives []DirectiveInfo `json:"directives"`
	// Shocks lists the events the teacher may bring in this year (staff only).
	Shocks []ActionInfo `json:"shocks,omitempty"`
}

// DecisionInfo is one decision put to the vote.
type DecisionInfo struct {
	ID       string       `json:"id"`
	Title    string       `json:"title"`
	Question string       `json:"question"`
	Ordered  bool         `json:"ordered,omitempty"`
	Options  []OptionInfo `json:"options"`
}

// OptionInfo is one option of a decision.
type OptionInfo struct {
	ID      string `json:"id"`
	Label   string `json:"label"`
	Summary string `json:"summary"`
}

// DirectiveInfo is one of Moscow's directives of the year, and whether it is in force.
type DirectiveInfo struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Date    string `json:"date"`
	Summary string `json:"summary"`
	Source  string `json:"source"`
	InForce bool   `json:"inForce"`
}

// ArgumentView is an argument with its replies and marks.
type ArgumentView struct {
	PostView
	Spotlit    bool       `json:"spotlit,omitempty"`
	Marks      int        `json:"marks"`
	MarkedByMe bool       `json:"markedByMe,omitempty"`
	MarkedBy   []string   `json:"markedBy,omitempty"` // staff only
	Replies    []PostView `json:"replies"`

	// Historians' requests for evidence and the cards they attached (historian.go).
	Flags []FlagView `json:"historianFlags,omitempty"`
	Cards []CardView `json:"historianCards,omitempty"`
}

// PostView is an argument's or a reply's content.
type PostView struct {
	PostData
	At       time.Time `json:"at"`
	Hidden   bool      `json:"hidden,omitempty"` // staff only: hidden from everyone else
	Promoted bool      `json:"promoted,omitempty"`
	// Reports: staff only; ReportedByMe: the viewing player reported it.
	Reports      []ReportView `json:"reports,omitempty"`
	ReportedByMe bool         `json:"reportedByMe,omitempty"`
}

// ReportView is one player's report of a post (staff only).
type ReportView struct {
	PlayerID string `json:"playerId"`
	Reason   string `json:"reason,omitempty"`
}

// View returns the snapshot p may see.
func (s *State) View(p Principal) View {
	a := AudienceOf(p)
	staff := a.Kind == Teacher
	c := &s.c
	v := View{
		RoomID: c.RoomID, Code: c.Code, Seq: c.Seq, As: a.Kind, Mode: c.Mode, VoteMode: c.VoteMode,
		Deleted: c.Deleted, Phase: c.Phase, Year: c.Year, Ended: c.Ended, Deadline: c.Deadline,
		Paused: c.Paused, Suspended: c.Suspended, Locked: c.Locked, JoinApproval: c.JoinApproval,
		HoldPosts: c.HoldPosts, Settings: c.Settings,
		Players: []PlayerInfo{}, Arguments: []ArgumentView{}, Results: append([]YearResult{}, c.Results...),
		Announcements: append([]Announcement{}, c.Announcements...), Injected: append([]InjectedData{}, c.InjectedAll...),
	}
	if !staff {
		for i := range v.Results {
			v.Results[i].withholdDeaths()
		}
	}
	if c.Deadline == nil {
		v.RemainingMs = c.Remaining.Milliseconds()
	}
	if len(c.Directives) > 0 {
		v.Directives = map[string]bool{}
		for k, on := range c.Directives {
			v.Directives[k] = on
		}
	}
	if s.sc != nil {
		v.Scenario = ScenarioInfo{ID: s.sc.ID, Title: s.sc.Title, Version: s.sc.Version, Hash: c.ScenarioHash}
		v.Years = scenarioYears(s.sc)
	}

	for _, id := range c.Order {
		pl := c.Players[id]
		if staff || pl.Status == StatusActive {
			v.Players = append(v.Players, pl.info(staff))
		}
	}
	var yr *economy.Year
	if s.sc != nil && c.Phase != Lobby {
		if y, ok := s.sc.Year(c.Year); ok {
			yr = y
			v.Current = s.yearInfo(y, staff)
		}
	}
	if a.Kind == Player {
		if me, ok := c.Players[a.PlayerID]; ok {
			m := &Me{PlayerInfo: me.info(true), Votes: map[string]VoteData{}, Action: c.Actions[me.ID], ActionsOpen: []ActionInfo{}}
			for d, vote := range c.Votes[me.ID] {
				m.Votes[d] = vote
			}
			if yr != nil {
				for _, act := range yr.Actions {
					if openTo(act, me) {
						m.ActionsOpen = append(m.ActionsOpen, ActionInfo{ID: act.ID, Title: act.Title, Summary: act.Summary})
					}
				}
			}
			m.ActionsByYear = s.actionsByYear(me)
			v.Me = m
		}
	}
	if staff {
		v.Votes = map[string]map[string]VoteData{}
		for pid, byDecision := range c.Votes {
			v.Votes[pid] = map[string]VoteData{}
			for d, vote := range byDecision {
				v.Votes[pid][d] = vote
			}
		}
		v.Actions = map[string]string{}
		for pid, act := range c.Actions {
			v.Actions[pid] = act
		}
		s.assessView(&v)
	}
	if c.Phase == Vote {
		vp := s.voteProgress()
		v.VoteProgress = &vp
	}
	v.Arguments = s.arguments(a)
	s.classroomView(&v, a)
	s.historianView(&v, a)
	return v
}

// info is a player as others see them; private adds what only staff and the player see.
func (p *player) info(private bool) PlayerInfo {
	pi := PlayerInfo{ID: p.ID, Nickname: p.Nickname, Role: p.Role, Region: p.Region, Fate: p.Fate, Status: p.Status, Group: p.Group}
	if private {
		pi.Members = append([]string(nil), p.Members...)
		pi.Muted, pi.SteppedOut, pi.Rejoin = p.Muted, p.SteppedOut, p.Rejoin
		pi.Rejoins, pi.RejoinWaiting = append([]RejoinRecord(nil), p.Rejoins...), p.RejoinPending != ""
	}
	return pi
}

// yearInfo describes the year in play, with each directive's state.
func (s *State) yearInfo(y *economy.Year, staff bool) *YearInfo {
	yi := &YearInfo{Year: y.Year, Title: y.Title, Summary: y.Summary, Decisions: []DecisionInfo{}, Directives: []DirectiveInfo{}}
	// The year's title and summary as the class's path has it (roles' years.json): a
	// counterfactual room is not told history's year as its own.
	if content, err := roles.DefaultContent(); err == nil && y.Year == s.c.Year {
		ctx, _ := s.classContext()
		if yt, err := content.Year(y.Year, ctx); err == nil {
			yi.Title, yi.Summary = yt.Title, yt.Summary
		}
	}
	for _, d := range y.Decisions {
		di := DecisionInfo{ID: d.ID, Title: d.Title, Question: d.Question, Ordered: d.Ordered, Options: []OptionInfo{}}
		for _, o := range d.Options {
			di.Options = append(di.Options, OptionInfo{ID: o.ID, Label: o.Label, Summary: o.Summary})
		}
		yi.Decisions = append(yi.Decisions, di)
	}
	ch := economy.YearChoices{Year: y.Year}
	s.applyDirectives(&ch)
	for _, d := range y.Directives {
		yi.Directives = append(yi.Directives, DirectiveInfo{ID: d.ID, Title: d.Title, Date: d.Date, Summary: d.Summary, Source: d.Source, InForce: ch.Directives[d.ID]})
	}
	if staff {
		for _, e := range y.Events {
			yi.Shocks = append(yi.Shocks, ActionInfo{ID: e.ID, Title: e.Title, Summary: e.Summary})
		}
	}
	return yi
}

// arguments lists the posts an audience may see: staff see all; others never see a hidden
// post, and see a held one only if they wrote it.
func (s *State) arguments(a Audience) []ArgumentView {
	staff := a.Kind == Teacher
	visible := func(p *post) bool { return p.visibleTo(a) }
	out := []ArgumentView{}
	index := map[string]int{}
	for _, id := range s.c.PostOrder {
		p := s.c.Posts[id]
		if !visible(p) {
			continue
		}
		pv := PostView{PostData: p.PostData, At: p.At, Promoted: p.Promoted}
		if au, ok := s.c.Players[p.PlayerID]; ok {
			pv.Nickname = au.Nickname // after a rename, posts show the new name
		}
		if staff {
			pv.Hidden = p.Hidden
			for _, pid := range s.c.Order {
				if reason, ok := p.Reports[pid]; ok {
					pv.Reports = append(pv.Reports, ReportView{PlayerID: pid, Reason: reason})
				}
			}
		} else {
			pv.Filtered = pv.Filtered && a.Kind == Player && a.PlayerID == p.PlayerID
			if !p.groupOnly() {
				pv.Audience = nil // a promoted post's old group is nobody's business
			}
		}
		if a.Kind == Player {
			_, pv.ReportedByMe = p.Reports[a.PlayerID]
		}
		if p.Parent == "" {
			av := ArgumentView{PostView: pv, Marks: len(p.Marks), Replies: []PostView{}, Spotlit: p.Spotlit}
			if a.Kind == Player {
				av.MarkedByMe = p.Marks[a.PlayerID]
			}
			if staff {
				for _, pid := range s.c.Order {
					if p.Marks[pid] {
						av.MarkedBy = append(av.MarkedBy, pid)
					}
				}
			}
			index[p.ID] = len(out)
			out = append(out, av)
			continue
		}
		if i, ok := index[p.Parent]; ok {
			out[i].Replies = append(out[i].Replies, pv)
		}
	}
	return out
}

// Exact death figures are staff's: famine deaths are never a live scoreboard. Players and
// the projector read them in the year report and the debrief, as ranges (package
// scoring); the exact figures stay in the log, the teacher's view and the exports.
var (
	deathFields       = []string{"famineDeathsM", "famineDeathsByRegionM", "settlerDeathsK"}
	regionDeathFields = []string{"famineDeathsM"}
)

// withholdDeaths clears a result's death figures, and marks it so that its JSON leaves
// them out rather than showing a zero that would read as "nobody died". The regions are
// copied first: the result shares its maps with the room's state.
func (r *YearResult) withholdDeaths() {
	o := &r.Outcome
	o.FamineDeathsM, o.SettlerDeathsK, o.FamineDeathsByRegionM = 0, 0, nil
	if o.ByRegion != nil {
		regions := make(map[economy.RegionID]economy.RegionOutcome, len(o.ByRegion))
		for id, ro := range o.ByRegion {
			ro.FamineDeathsM = 0
			regions[id] = ro
		}
		o.ByRegion = regions
	}
	r.withheld = true
}

// MarshalJSON writes a result; one withheld from players and the projector has no death
// figures at all.
func (r YearResult) MarshalJSON() ([]byte, error) {
	type plain YearResult // no methods: marshals field by field
	if !r.withheld {
		return json.Marshal(plain(r))
	}
	full, err := json.Marshal(r.Outcome)
	if err != nil {
		return nil, err
	}
	out, err := outcomeWithoutDeaths(full)
	if err != nil {
		return nil, err
	}
	return json.Marshal(struct {
		plain
		Outcome json.RawMessage `json:"outcome"`
	}{plain(r), out})
}

// outcomeWithoutDeaths removes the death figures from an outcome's JSON, keeping every
// other field as it is.
func outcomeWithoutDeaths(raw json.RawMessage) (json.RawMessage, error) {
	var o map[string]json.RawMessage
	if err := json.Unmarshal(raw, &o); err != nil {
		return nil, err
	}
	for _, k := range deathFields {
		delete(o, k)
	}
	if br, ok := o["byRegion"]; ok {
		var regions map[string]map[string]json.RawMessage
		if err := json.Unmarshal(br, &regions); err != nil {
			return nil, err
		}
		for _, r := range regions {
			for _, k := range regionDeathFields {
				delete(r, k)
			}
		}
		b, err := json.Marshal(regions)
		if err != nil {
			return nil, err
		}
		o["byRegion"] = b
	}
	return json.Marshal(o)
}

// Form is the form in which an audience receives an event.
type Form uint8

const (
	Whole   Form = iota // as stored
	Public              // without the exact death figures (a yearResolved for non-staff)
	Stubbed             // as Stub(e): the audience may not see it
)

// FormFor says in which form audience a receives e, whose visibility is vis (VisibilityOf).
func FormFor(e Event, vis Visibility, a Audience) Form {
	if !vis.Sees(a) {
		return Stubbed
	}
	if a.Kind != Teacher && e.Type == EvYearResolved {
		return Public
	}
	return Whole
}

// InForm returns e in form f. An event whose figures cannot be taken out (its data is not
// what its type says) goes as a stub rather than whole.
func InForm(e Event, f Form) Event {
	switch f {
	case Stubbed:
		return Stub(e)
	case Public:
		var d map[string]json.RawMessage
		if err := json.Unmarshal(e.Data, &d); err != nil {
			return Stub(e)
		}
		if out, ok := d["outcome"]; ok {
			pub, err := outcomeWithoutDeaths(out)
			if err != nil {
				return Stub(e)
			}
			d["outcome"] = pub
		}
		data, err := json.Marshal(d)
		if err != nil {
			return Stub(e)
		}
		e.Data = data
	}
	return e
}

// ShowsGraphic reports the teacher's content setting: whether the material marked graphic
// is shown to the class.
func (s *State) ShowsGraphic() bool { return s.c.Settings.GraphicContent }

// Briefing is a player's briefing of the year in play, written for their path
// (BriefingContext), with the graphic material shown as showGraphic says: the caller
// decides (the room's setting, or staff asking to read it). NotFound before the game
// starts and for a player who is not in the game or has no role yet.
func (s *State) Briefing(playerID string, showGraphic bool) (roles.Brief, error) {
	if s.c.Phase == Lobby || s.sc == nil {
		return roles.Brief{}, fault.T(fault.NotFound, "fault.room.noYearInPlay")
	}
	p, ok := s.c.Players[playerID]
	if !ok || p.Status != StatusActive {
		return roles.Brief{}, fault.T(fault.NotFound, "fault.room.noSuchPlayer")
	}
	if p.Role == "" {
		return roles.Brief{}, fault.T(fault.NotFound, "fault.room.noRoleYet")
	}
	ctx, _ := s.BriefingContext(playerID)
	ctx.ShowGraphic = showGraphic
	return roles.Briefing(p.Role, s.c.Year, ctx)
}

// actionsByYear lists the actions open to p in each played year (nil for a player
// without a faction: the Historian, or no role yet).
func (s *State) actionsByYear(p *player) map[int][]string {
	if s.sc == nil || p.Role == "" {
		return nil
	}
	out := map[int][]string{}
	some := false
	for _, y := range s.c.Settings.PlayedYears {
		yr, ok := s.sc.Year(y)
		if !ok {
			continue
		}
		ids := []string{}
		for _, act := range yr.Actions {
			if openTo(act, p) {
				ids = append(ids, act.ID)
				some = true
			}
		}
		out[y] = ids
	}
	if !some {
		return nil
	}
	return out
}
