package room

import (
	"encoding/json"
	"time"

	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/roles"
)

// Staff commands: the teacher's and co-teacher's controls.

func decideStart(b *batch) error {
	if b.s.c.Phase != Lobby {
		return fault.T(fault.WrongPhase, "fault.room.gameAlreadyStarted")
	}
	if b.s.c.Suspended {
		return fault.T(fault.WrongPhase, "fault.room.gameOnHold")
	}
	b.fillUndecided()
	return b.nextYear(0)
}

// timed reports whether a phase runs a timer.
func timed(p Phase) bool { return p == Briefing || p == Debate || p == Vote || p == Resolution }

// remaining is the time left on the phase timer at now (0 when there is none).
func (s *State) remaining(now time.Time) time.Duration {
	if s.c.Deadline == nil {
		return s.c.Remaining
	}
	if r := s.c.Deadline.Sub(now); r > 0 {
		return r
	}
	return 0
}

func decidePause(b *batch) error {
	c := &b.s.c
	switch {
	case c.Suspended:
		return fault.T(fault.WrongPhase, "fault.room.gameOnHold")
	case c.Paused:
		return fault.T(fault.Conflict, "fault.room.timerAlreadyPaused")
	case c.Deadline == nil:
		return fault.T(fault.WrongPhase, "fault.room.noTimerToPause")
	}
	b.add(EvTimerPaused, TimerData{RemainingMs: b.s.remaining(b.now).Milliseconds()})
	return nil
}

func decideResume(b *batch) error {
	c := &b.s.c
	switch {
	case c.Suspended:
		return fault.T(fault.WrongPhase, "fault.room.gameOnHoldUntilLesson")
	case !c.Paused:
		return fault.T(fault.Conflict, "fault.room.timerNotPaused")
	}
	dl := b.now.Add(c.Remaining)
	b.add(EvTimerResumed, TimerData{Deadline: &dl})
	return nil
}

type extendData struct {
	Seconds int `json:"seconds"`
}

func decideExtend(b *batch) error {
	d, err := decode[extendData](b)
	if err != nil {
		return err
	}
	c := &b.s.c
	if d.Seconds < 1 || d.Seconds > MaxExtendSeconds {
		return fault.T(fault.Invalid, "fault.room.extraTimeOutOfRange")
	}
	if !timed(c.Phase) {
		return fault.T(fault.WrongPhase, "fault.room.noTimerToExtend")
	}
	add := time.Duration(d.Seconds) * time.Second
	if c.Deadline != nil {
		base := *c.Deadline
		if base.Before(b.now) {
			base = b.now // the deadline passed and its tick is on the way: extend from now
		}
		dl := base.Add(add)
		b.add(EvTimerExtended, TimerData{Deadline: &dl, Seconds: d.Seconds})
		return nil
	}
	b.add(EvTimerExtended, TimerData{RemainingMs: (c.Remaining + add).Milliseconds(), Seconds: d.Seconds})
	return nil
}

func decideAdvance(b *batch) error {
	c := &b.s.c
	switch {
	case c.Phase == Lobby:
		return fault.T(fault.WrongPhase, "fault.room.gameNotStarted")
	case c.Phase == Debrief:
		return fault.T(fault.WrongPhase, "fault.room.gameOverNoNextPhase")
	case c.Suspended:
		return fault.T(fault.WrongPhase, "fault.room.gameOnHold")
	}
	return b.closePhase()
}

func decideEnd(b *batch) error {
	c := &b.s.c
	if c.Phase == Debrief {
		return fault.T(fault.Conflict, "fault.room.gameAlreadyOver")
	}
	b.add(EvPhaseChanged, PhaseChangedData{Year: c.Year, Phase: Debrief, Ended: true})
	return nil
}

func decideSuspend(b *batch) error {
	c := &b.s.c
	switch {
	case c.Suspended:
		return fault.T(fault.Conflict, "fault.room.gameAlreadyOnHold")
	case c.Phase == Debrief:
		return fault.T(fault.WrongPhase, "fault.room.gameOverNothingToHold")
	}
	b.add(EvSuspended, TimerData{RemainingMs: b.s.remaining(b.now).Milliseconds()})
	return nil
}

func decideUnsuspend(b *batch) error {
	c := &b.s.c
	if !c.Suspended {
		return fault.T(fault.Conflict, "fault.room.gameNotOnHold")
	}
	d := UnsuspendedData{TimerData: TimerData{RemainingMs: c.Remaining.Milliseconds()}}
	if timed(c.Phase) && !c.Paused {
		dl := b.now.Add(c.Remaining)
		d.TimerData = TimerData{Deadline: &dl}
	}
	// A new lesson after the end of one; every resume shows where the class stands.
	recap := b.s.Recap()
	if c.Derole {
		d.NewLesson, d.Lesson = true, b.s.lesson()+1
		recap.Lesson = d.Lesson
	}
	d.Recap = &recap
	b.add(EvUnsuspended, d)
	return nil
}

type lockData struct {
	Locked bool `json:"locked"`
}

func decideLock(b *batch) error {
	d, err := decode[lockData](b)
	if err != nil {
		return err
	}
	b.add(EvLockSet, FlagData{On: d.Locked})
	return nil
}

type onData struct {
	On bool `json:"on"`
}

// decideApproveJoins switches join approval; switching it off lets every waiting player in.
func decideApproveJoins(b *batch) error {
	d, err := decode[onData](b)
	if err != nil {
		return err
	}
	b.add(EvJoinApprovalSet, FlagData{On: d.On})
	if !d.On {
		for _, id := range b.s.c.Order {
			if p := b.s.c.Players[id]; p.Status == StatusPending {
				pd := p.data()
				pd.Pending = false
				b.add(EvPlayerApproved, pd)
			}
		}
	}
	return nil
}

func (p *player) data() PlayerData {
	return PlayerData{PlayerID: p.ID, Nickname: p.Nickname, Role: p.Role, Region: p.Region, Fate: p.Fate, Pending: p.Status == StatusPending, Group: p.Group}
}

type playerRef struct {
	PlayerID string `json:"playerId"`
}

func (b *batch) player(id string) (*player, error) {
	p, ok := b.s.c.Players[id]
	if !ok || p.Status == StatusRemoved {
		return nil, fault.T(fault.NotFound, "fault.room.noSuchPlayer")
	}
	return p, nil
}

func decideApprovePlayer(b *batch) error {
	d, err := decode[playerRef](b)
	if err != nil {
		return err
	}
	p, err := b.player(d.PlayerID)
	if err != nil {
		return err
	}
	if p.Status != StatusPending {
		return fault.T(fault.Conflict, "fault.room.playerAlreadyInGame", p.Nickname)
	}
	pd := p.data()
	pd.Pending = false
	b.add(EvPlayerApproved, pd)
	return nil
}

func decideRemovePlayer(b *batch) error {
	d, err := decode[playerRef](b)
	if err != nil {
		return err
	}
	if _, err := b.player(d.PlayerID); err != nil {
		return err
	}
	b.add(EvPlayerRemoved, PlayerRef{PlayerID: d.PlayerID})
	return nil
}

type assignData struct {
	PlayerID string `json:"playerId"`
	Role     string `json:"role"`
	Region   string `json:"region"`
}

func decideAssignRole(b *batch) error {
	d, err := decode[assignData](b)
	if err != nil {
		return err
	}
	p, err := b.player(d.PlayerID)
	if err != nil {
		return err
	}
	if !roles.Valid(d.Role) {
		return fault.T(fault.Invalid, "fault.room.notARole", d.Role)
	}
	region := d.Region
	if region == "" {
		region = p.Region
	}
	if region != "" && !roles.ValidRegion(region) {
		return fault.T(fault.Invalid, "fault.room.notARegion", region)
	}
	b.add(EvRoleAssigned, b.s.withRole(p, d.Role, region))
	return nil
}

type directiveData struct {
	Directive string `json:"directive"`
	On        bool   `json:"on"`
}

func decideSetDirective(b *batch) error {
	d, err := decode[directiveData](b)
	if err != nil {
		return err
	}
	c := &b.s.c
	if c.Mode != economy.Counterfactual {
		return fault.T(fault.Forbidden, "fault.room.directivesFixedInHistorical")
	}
	if c.Phase == Debrief {
		return fault.T(fault.WrongPhase, "fault.room.gameOver")
	}
	found := false
	for _, y := range b.s.sc.Years {
		for _, dir := range y.Directives {
			found = found || dir.ID == d.Directive
		}
	}
	if !found {
		return fault.T(fault.NotFound, "fault.room.noSuchDirective", d.Directive)
	}
	b.add(EvDirectiveSet, DirectiveData{Directive: d.Directive, On: d.On})
	return nil
}

type injectData struct {
	Event string `json:"event"`
}

func decideInjectEvent(b *batch) error {
	d, err := decode[injectData](b)
	if err != nil {
		return err
	}
	c := &b.s.c
	if c.Phase != Briefing && c.Phase != Debate && c.Phase != Vote {
		return fault.T(fault.WrongPhase, "fault.room.eventsOnlyDuringYear")
	}
	yr, ok := b.s.sc.Year(c.Year)
	if !ok {
		return fault.T(fault.WrongPhase, "fault.room.noYearInPlay")
	}
	for _, ev := range yr.Events {
		if ev.ID != d.Event {
			continue
		}
		for _, done := range c.Injected {
			if done == d.Event {
				return fault.T(fault.Conflict, "fault.room.eventAlreadyHappened")
			}
		}
		b.add(EvEventInjected, InjectedData{Year: c.Year, Event: ev.ID, Title: ev.Title, Summary: ev.Summary})
		return nil
	}
	return fault.T(fault.NotFound, "fault.room.noSuchEvent", d.Event, c.Year)
}

type textData struct {
	Text string `json:"text"`
}

func decideAnnounce(b *batch) error {
	d, err := decode[textData](b)
	if err != nil {
		return err
	}
	text, err := cleanText(d.Text, "announcement", MaxAnnouncement)
	if err != nil {
		return err
	}
	b.add(EvAnnounced, AnnouncedData{Text: text})
	return nil
}

func decideHoldPosts(b *batch) error {
	d, err := decode[onData](b)
	if err != nil {
		return err
	}
	b.add(EvHoldPostsSet, FlagData{On: d.On})
	return nil
}

type postRef struct {
	ArgumentID string `json:"argumentId"`
}

func (b *batch) post(id string) (*post, error) {
	p, ok := b.s.c.Posts[id]
	if !ok {
		return nil, fault.T(fault.NotFound, "fault.room.noSuchArgument")
	}
	return p, nil
}

func decideApprovePost(b *batch) error {
	d, err := decode[postRef](b)
	if err != nil {
		return err
	}
	p, err := b.post(d.ArgumentID)
	if err != nil {
		return err
	}
	if p.Hidden {
		return fault.T(fault.Conflict, "fault.room.postHidden")
	}
	if !p.Held {
		return fault.T(fault.Conflict, "fault.room.postAlreadyVisible")
	}
	pd := p.PostData
	pd.Held, pd.Filtered = false, false
	if p.Promoted {
		pd.Audience = nil // its thread went to the whole class meanwhile
	}
	b.add(EvPostApproved, pd)
	return nil
}

func decideHidePost(b *batch) error {
	d, err := decode[postRef](b)
	if err != nil {
		return err
	}
	p, err := b.post(d.ArgumentID)
	if err != nil {
		return err
	}
	if p.Hidden {
		return fault.T(fault.Conflict, "fault.room.postAlreadyHidden")
	}
	b.add(EvPostHidden, PostRef{ID: p.ID})
	return nil
}

func decideSettings(b *batch) error {
	d, err := decode[Settings](b)
	if err != nil {
		return err
	}
	if b.s.c.Phase == Debrief {
		return fault.T(fault.WrongPhase, "fault.room.gameOver")
	}
	var flags struct {
		GraphicContent *bool `json:"graphicContent"`
	}
	if len(b.cmd.Data) > 0 { // d decoded already, so this cannot fail; absence needs a pointer
		_ = json.Unmarshal(b.cmd.Data, &flags)
	}
	cur := b.s.c.Settings
	if len(d.PlayedYears) > 0 && (d.LessonPlan != "" && d.LessonPlan != PlanNone || d.LessonPlan == "" && cur.LessonPlan != "") {
		return fault.T(fault.Invalid, "fault.room.yearsSetByLessonPlan")
	}
	merged := cur.merge(d)
	if flags.GraphicContent != nil {
		merged.GraphicContent = *flags.GraphicContent
	}
	next, err := merged.normalize(b.s.sc)
	if err != nil {
		return err
	}
	b.add(EvSettingsChanged, SettingsData{Settings: next})
	return nil
}

func decideDelete(b *batch) error {
	b.add(EvRoomDeleted, struct{}{})
	return nil
}
