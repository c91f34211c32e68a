package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/classroom-debate/debate/client"
	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/roles"
	"github.com/classroom-debate/debate/room"
)

// The classroom end to end (issue 4): the one-lesson plan with 12 students, through the
// end of a lesson, exit tickets, a resume the next day and the final de-roling, with a
// deported household that keeps acting after its deportation.
//
// The one-lesson plan has a single lesson, which ends in the debrief, where endLesson puts
// nothing on hold. So the class here overruns: the teacher ends the lesson during the 1932
// debate (the phase closes, the game goes on hold with the vote's full time, everyone is
// de-roled and writes an exit ticket), resumes it the next day with a recap, finishes
// 1932, and ends the lesson again in the debrief for the final exit ticket.

// pupil is one student of the class.
type pupil struct {
	name  string
	id    string
	token string
	role  string
	sse   bool
	conn  *client.Conn
	past  []*client.Conn // connections the student left for a new one (their events count)
}

// events are every event the student received, across their connections.
func (p *pupil) events() []room.Event {
	var out []room.Event
	for _, c := range p.past {
		out = append(out, c.Events()...)
	}
	return append(out, p.conn.Events()...)
}

// lesson drives the class.
type lesson struct {
	t         *testing.T
	ts        *testServer
	room      client.Room
	sc        *economy.Scenario
	timers    map[int]room.Timers // the plan's timers of each played year (one lesson)
	teacher   *client.Conn
	projector *client.Conn
	pupils    []*pupil
	kulaks    []*pupil
	deadline  time.Time // the running phase's deadline

	mu    sync.Mutex
	acted map[int]map[string]string   // year → player → action taken
	voted map[int]map[string][]string // year → player → "decision=option|abstain"
}

func TestClassroomOneLessonEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("the classroom game takes a few seconds")
	}
	ts := newServer(t, nil)
	sched, err := room.ScheduleFor("one", 45, nil)
	if err != nil || len(sched.Lessons) != 1 || !slices.Equal(sched.Lessons[0].Years, []int{1928, 1930, 1932}) {
		t.Fatalf("the one-lesson plan: %+v, %v", sched, err)
	}
	l := &lesson{
		t: t, ts: ts, sc: economy.Default(), timers: sched.Lessons[0].YearTimers,
		acted: map[int]map[string]string{}, voted: map[int]map[string][]string{},
	}
	l.room = ts.room(`{"lessonPlan":"one","lessonMinutes":45}`)
	l.teacher = ts.dial(l.room.Code, l.room.TeacherKey)
	l.projector = ts.dial(l.room.Code, l.room.ProjectorKey)

	tv, _ := l.view(l.room.TeacherKey)
	if tv.Lesson == nil || tv.Lesson.Plan != "one" || tv.Lesson.Minutes != 45 || tv.Lesson.Of != 1 ||
		!slices.Equal(tv.Settings.PlayedYears, []int{1928, 1930, 1932}) {
		t.Fatalf("the teacher's view of the plan: %+v, played %v", tv.Lesson, tv.Settings.PlayedYears)
	}

	l.joinClass(12, 2) // the first labelled household follows on the SSE fallback

	l.refused("ending a lesson in the lobby", l.teacher, "endLesson", nil, fault.WrongPhase)
	l.refused("an exit ticket before any lesson ended", l.pupils[0].conn, "exitTicket", map[string]any{"answers": []string{"Too early."}}, fault.WrongPhase)
	l.send(l.teacher, "start", nil)

	// 1928.
	l.phase(room.Briefing, 1928)
	l.runOut()
	l.phase(room.Debate, 1928)
	l.debate(1928, nil)
	l.send(l.teacher, "advance", nil)
	l.phase(room.Vote, 1928)
	l.vote(1928)
	l.send(l.teacher, "advance", nil)
	l.phase(room.Resolution, 1928)
	l.runOut()

	// 1929 is stepped with history's choices; 1930 is played. In its debate the student on
	// the SSE fallback and a peasant drop off and resume.
	l.phase(room.Briefing, 1930)
	l.runOut()
	l.phase(room.Debate, 1930)
	l.debate(1930, []*pupil{l.kulaks[0], l.firstOf(roles.Peasant)})
	l.send(l.teacher, "advance", nil)
	l.phase(room.Vote, 1930)
	l.refused("a household not yet deported takes a settler's action", l.kulaks[0].conn, "act",
		map[string]string{"action": roles.SettlerLetter}, fault.Forbidden)
	l.vote(1930)
	l.runOut() // the vote closes by its timer
	l.phase(room.Resolution, 1930)
	l.checkDeported()
	l.runOut()

	// 1931 is stepped; 1932 is played. The deported households are settlers now, and
	// their view offers the settlers' actions.
	l.phase(room.Briefing, 1932)
	l.checkSettlerViews(1932)
	l.runOut()
	l.phase(room.Debate, 1932)
	l.debate(1932, nil)
	stepper := l.firstOf(roles.Official)
	l.send(stepper.conn, "stepOut", map[string]bool{"out": true})

	// The bell rings before the vote. The second household's laptop loses the network
	// just before; it comes back after the end of the lesson, from its last seq.
	late := l.kulaks[1]
	late.conn.Disconnect()
	lateLast := late.conn.LastSeq()
	prompts := l.endLesson(1)
	l.rejoinAfter(late, lateLast)
	l.checkDerole(1, prompts, stepper)
	l.exitTickets(1, prompts)
	l.checkExitTicketPrivacy(1)

	// The night passes on hold: no timer runs, nothing happens.
	l.barrier()
	if n := ts.clock.Pending(); n != 0 {
		t.Fatalf("%d timers armed while the game is on hold", n)
	}
	before := ts.last(l.room.RoomID)
	ts.clock.Advance(20 * time.Hour)
	l.barrier()
	if after := ts.last(l.room.RoomID); after != before {
		t.Fatalf("the room moved on hold overnight: seq %d → %d", before, after)
	}

	// The next day: the teacher resumes; everyone gets the recap and the vote's full time.
	l.resumeLesson()
	l.send(stepper.conn, "stepOut", map[string]bool{"out": false})
	l.checkSettlerViews(1932)
	l.refused("a settler takes a free household's action", l.kulaks[0].conn, "act",
		map[string]string{"action": "kulak-hide-grain"}, fault.Forbidden)
	l.vote(1932)
	l.send(l.teacher, "advance", nil)
	l.phase(room.Resolution, 1932)
	l.checkSettlerVoices(1932)
	l.runOut()

	// 1933 and 1934 are stepped; the debrief. The teacher ends the (final) lesson: the
	// de-roling and the final exit ticket, with nothing put on hold.
	l.phase(room.Debrief, 1934)
	final := l.endLesson(2)
	l.checkDerole(2, final, nil)
	l.exitTickets(2, final)
	l.checkExitTicketPrivacy(2)
	l.refused("unsuspending a finished game", l.teacher, "unsuspend", nil, fault.Conflict)

	l.checkStepped()
	l.checkStreams()
}

func (l *lesson) ctx() context.Context { return ctxT(l.t) }

// joinClass joins n students; sseKulak picks which labelled household (from 1) uses the
// SSE fallback. Roles come from the auto-balance: each must be the one roles.Assign gives
// for the class so far, and the class must end at roles.Plan(n).
func (l *lesson) joinClass(n, sseKulak int) {
	t := l.t
	counts := map[string]int{}
	kulaksSeen := 0
	for i := 0; i < n; i++ {
		want := roles.Assign(counts)
		counts[want]++
		sse := false
		if want == roles.Kulak {
			kulaksSeen++
			sse = kulaksSeen == sseKulak
		}
		name := fmt.Sprintf("Pupil %02d", i+1)
		pl := l.ts.join(l.room.Code, name)
		var (
			conn *client.Conn
			err  error
		)
		if sse {
			conn, err = l.ts.client.DialSSE(l.ctx(), l.room.Code, pl.Token, nil)
		} else {
			conn, err = l.ts.client.Dial(l.ctx(), l.room.Code, pl.Token, nil)
		}
		if err != nil {
			t.Fatalf("%s connects: %v", name, err)
		}
		p := &pupil{name: name, id: pl.PlayerID, token: pl.Token, sse: sse, conn: conn}
		t.Cleanup(func() {
			for _, c := range append(p.past, p.conn) {
				c.Close()
			}
		})
		f, err := conn.WaitFor(l.ctx(), func(f client.Frame) bool { return f.Type == "snapshot" })
		if err != nil {
			t.Fatal(err)
		}
		var v room.View
		if err := json.Unmarshal(f.State, &v); err != nil || v.Me == nil {
			t.Fatalf("%s's snapshot: %v", name, err)
		}
		if v.Me.Role != want {
			t.Fatalf("%s got role %q; the auto-balance gives %q", name, v.Me.Role, want)
		}
		if want == roles.Kulak && v.Me.Fate != roles.Free {
			t.Fatalf("%s, a labelled household, starts as %q", name, v.Me.Fate)
		}
		p.role = v.Me.Role
		l.pupils = append(l.pupils, p)
		if p.role == roles.Kulak {
			l.kulaks = append(l.kulaks, p)
		}
	}
	plan := roles.Plan(n)
	for role, c := range plan {
		if counts[role] != c {
			t.Fatalf("class of %d: %v, want the plan %v", n, counts, plan)
		}
	}
	if len(l.kulaks) < 2 || !l.kulaks[sseKulak-1].sse {
		t.Fatalf("want two labelled households, one on SSE; have %d", len(l.kulaks))
	}
}

func (l *lesson) firstOf(role string) *pupil {
	for _, p := range l.pupils {
		if p.role == role && !p.sse {
			return p
		}
	}
	l.t.Fatalf("no %s in the class", role)
	return nil
}

func (l *lesson) send(c *client.Conn, typ string, data any) uint64 {
	l.t.Helper()
	seq, err := c.Send(l.ctx(), typ, data)
	if err != nil {
		l.t.Fatalf("%s %v: %v", typ, data, err)
	}
	return seq
}

// refused sends a command that must be refused with code, at a quiet moment, and checks
// that the room's log did not move.
func (l *lesson) refused(what string, c *client.Conn, typ string, data any, code fault.Code) {
	l.t.Helper()
	before := l.ts.last(l.room.RoomID)
	_, err := c.Send(l.ctx(), typ, data)
	if fault.CodeOf(err) != code {
		l.t.Fatalf("%s: got %v, want %s", what, err, code)
	}
	if after := l.ts.last(l.room.RoomID); after != before {
		l.t.Fatalf("%s changed the room: seq %d → %d", what, before, after)
	}
}

// each runs f for every student at once and waits; errors fail the test.
func (l *lesson) each(f func(i int, p *pupil) error) {
	l.t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, len(l.pupils))
	for i, p := range l.pupils {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(i, p); err != nil {
				errs <- fmt.Errorf("%s (%s): %w", p.name, p.role, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		l.t.Error(err)
	}
	if l.t.Failed() {
		l.t.FailNow()
	}
}

// waitTeacher reads the teacher's frames until an event of type typ.
func (l *lesson) waitTeacher(typ string) room.Event {
	l.t.Helper()
	return *waitEvent(l.t, l.teacher, typ).Event
}

// phase waits until the teacher sees the room enter phase, checks the year and that the
// phase runs the plan's timer, and keeps the deadline for runOut.
func (l *lesson) phase(phase room.Phase, year int) {
	l.t.Helper()
	f, err := l.teacher.WaitFor(l.ctx(), func(f client.Frame) bool {
		if f.Type != "event" || f.Event.Type != room.EvPhaseChanged {
			return false
		}
		var d room.PhaseChangedData
		return json.Unmarshal(f.Event.Data, &d) == nil && d.Phase == phase
	})
	if err != nil {
		l.t.Fatalf("waiting for the %s of %d: %v", phase, year, err)
	}
	var d room.PhaseChangedData
	json.Unmarshal(f.Event.Data, &d)
	if d.Year != year {
		l.t.Fatalf("phase %s opened in %d, want %d", phase, d.Year, year)
	}
	if phase == room.Debrief {
		return
	}
	if want := l.timers[year].Duration(phase); d.Deadline == nil || d.Deadline.Sub(f.Event.At) != want {
		l.t.Fatalf("%s %d: deadline %v at %v, want the plan's %v", phase, year, d.Deadline, f.Event.At, want)
	}
	l.deadline = *d.Deadline
}

// barrier is a command the room refuses (resume while not paused, or on hold): the room
// handles it only after the commands before it and after re-arming its timer.
func (l *lesson) barrier() {
	l.t.Helper()
	_, err := l.teacher.Send(l.ctx(), "resume", nil)
	if c := fault.CodeOf(err); c != fault.Conflict && c != fault.WrongPhase {
		l.t.Fatalf("barrier: %v", err)
	}
}

// runOut lets the running phase's timer run out on the test clock.
func (l *lesson) runOut() {
	l.t.Helper()
	l.barrier()
	l.ts.clock.Advance(l.deadline.Sub(l.ts.clock.Now()))
}

// sync waits until the teacher has every stored event.
func (l *lesson) sync() {
	l.t.Helper()
	if err := l.teacher.WaitSeq(l.ctx(), l.ts.last(l.room.RoomID)); err != nil {
		l.t.Fatal(err)
	}
}

// teacherEvents are the teacher's events of a type, decoded.
func teacherEvents[T any](l *lesson, typ string) []T {
	var out []T
	for _, e := range l.teacher.Events() {
		if e.Type != typ {
			continue
		}
		var d T
		if err := json.Unmarshal(e.Data, &d); err != nil {
			l.t.Fatalf("%s %d: %v", typ, e.Seq, err)
		}
		out = append(out, d)
	}
	return out
}

// view fetches the room as the holder of secret sees it now, decoded and raw.
func (l *lesson) view(secret string) (room.View, []byte) {
	l.t.Helper()
	v, raw, err := l.fetchView(secret)
	if err != nil {
		l.t.Fatal(err)
	}
	return v, raw
}

// fetchView is view for goroutines: it returns its error.
func (l *lesson) fetchView(secret string) (room.View, []byte, error) {
	req, err := http.NewRequestWithContext(l.ctx(), http.MethodGet, l.ts.url+"/api/rooms/"+l.room.Code+"/view", nil)
	if err != nil {
		return room.View{}, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return room.View{}, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return room.View{}, nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return room.View{}, nil, fmt.Errorf("view: %d %s", resp.StatusCode, raw)
	}
	var v room.View
	if err := json.Unmarshal(raw, &v); err != nil {
		return room.View{}, nil, fmt.Errorf("view: %w", err)
	}
	return v, raw, nil
}

// debate: every student argues for an option of a decision of the year, then marks the
// next student's argument; every third replies to it. away drop off after arguing and
// resume (client Resume) after a teacher's announcement they missed.
func (l *lesson) debate(year int, away []*pupil) {
	t := l.t
	y, _ := l.sc.Year(year)
	l.each(func(i int, p *pupil) error {
		d := y.Decisions[i%len(y.Decisions)]
		o := d.Options[i%len(d.Options)]
		_, err := p.conn.Send(l.ctx(), "argue", map[string]string{
			"text": fmt.Sprintf("%s argues in %d for %s: the village has to live through the winter.", p.name, year, o.ID), "decision": d.ID, "option": o.ID,
		})
		return err
	})
	l.sync()
	args := map[string]string{}
	for _, d := range teacherEvents[room.PostData](l, room.EvArgumentPosted) {
		if d.Year == year {
			args[d.PlayerID] = d.ID
		}
	}
	if len(args) != len(l.pupils) {
		t.Fatalf("%d arguments in %d, want %d", len(args), year, len(l.pupils))
	}
	isAway := map[*pupil]bool{}
	for _, p := range away {
		isAway[p] = true
		p.conn.Disconnect()
	}
	if len(away) > 0 {
		l.send(l.teacher, "announce", map[string]string{"text": "Some of you dropped off; your arguments are safe."})
	}
	respond := func(i int, p *pupil) error {
		other := l.pupils[(i+1)%len(l.pupils)]
		if _, err := p.conn.Send(l.ctx(), "mark", map[string]string{"argumentId": args[other.id]}); err != nil {
			return fmt.Errorf("mark: %w", err)
		}
		if i%3 == 0 {
			if _, err := p.conn.Send(l.ctx(), "reply", map[string]string{"argumentId": args[other.id], "text": "Who will feed the towns then?"}); err != nil {
				return fmt.Errorf("reply: %w", err)
			}
		}
		return nil
	}
	l.each(func(i int, p *pupil) error {
		if isAway[p] {
			return nil
		}
		return respond(i, p)
	})
	if len(away) == 0 {
		return
	}
	for _, p := range away {
		if err := p.conn.Resume(l.ctx()); err != nil {
			t.Fatalf("%s resumes: %v", p.name, err)
		}
	}
	l.each(func(i int, p *pupil) error {
		if !isAway[p] {
			return nil
		}
		// Back, they catch up the announcement they missed, with no gap, then take part.
		if err := p.conn.WaitSeq(l.ctx(), l.ts.last(l.room.RoomID)); err != nil {
			return err
		}
		if gaps := p.conn.Gaps(); len(gaps) > 0 {
			return fmt.Errorf("gaps after resume: %v", gaps)
		}
		got := false
		for _, e := range p.conn.Events() {
			got = got || e.Type == room.EvAnnounced && strings.Contains(string(e.Data), "dropped off")
		}
		if !got {
			return fmt.Errorf("the announcement made while away never arrived")
		}
		return respond(i, p)
	})
}

// vote: every student reads their own view, votes on every decision (some abstain) and
// takes one of the actions the view offers. A labelled household's view offers only the
// free household's actions before the deportation and only the settlers' after it; the
// settler's action must succeed. The teacher's view then holds exactly these votes and
// actions; no student's view holds anyone's.
func (l *lesson) vote(year int) {
	t := l.t
	y, _ := l.sc.Year(year)
	requires := map[string]string{}
	for _, a := range y.Actions {
		requires[a.ID] = a.Requires
	}
	settlersNow := year > 1930
	l.each(func(i int, p *pupil) error {
		v, _, err := l.fetchView(p.token)
		if err != nil {
			return err
		}
		if v.Phase != room.Vote || v.Year != year || v.Votes != nil || v.Actions != nil {
			return fmt.Errorf("view in the %d vote: phase %s %d, votes %v, actions %v", year, v.Phase, v.Year, v.Votes, v.Actions)
		}
		var cast []string
		for k, d := range y.Decisions {
			data := map[string]any{"decision": d.ID, "option": d.Options[(i+k)%len(d.Options)].ID}
			rec := d.ID + "=" + d.Options[(i+k)%len(d.Options)].ID
			if (i+k)%5 == 0 {
				data, rec = map[string]any{"decision": d.ID, "abstain": true}, d.ID+"=abstain"
			}
			if _, err := p.conn.Send(l.ctx(), "vote", data); err != nil {
				return fmt.Errorf("vote %v: %w", data, err)
			}
			cast = append(cast, rec)
		}
		open := v.Me.ActionsOpen
		if p.role == roles.Kulak {
			want := roles.Free
			if settlersNow {
				want = roles.Settler
			}
			var wantOpen []string
			for _, a := range y.Actions {
				if a.Faction == economy.Faction(roles.Kulak) && a.Requires == want {
					wantOpen = append(wantOpen, a.ID)
				}
			}
			var got []string
			for _, a := range open {
				got = append(got, a.ID)
			}
			if v.Me.Fate != want || len(wantOpen) == 0 || !slices.Equal(got, wantOpen) {
				return fmt.Errorf("in %d, fate %q and actions %v offered, want %q and %v", year, v.Me.Fate, got, want, wantOpen)
			}
		}
		if len(open) == 0 {
			return fmt.Errorf("no action offered in %d", year)
		}
		action := open[i%len(open)].ID
		if _, err := p.conn.Send(l.ctx(), "act", map[string]string{"action": action}); err != nil {
			return fmt.Errorf("act %s (requires %q): %w", action, requires[action], err)
		}
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.acted[year] == nil {
			l.acted[year], l.voted[year] = map[string]string{}, map[string][]string{}
		}
		l.acted[year][p.id], l.voted[year][p.id] = action, cast
		return nil
	})
	for _, k := range l.kulaks {
		if a := l.acted[year][k.id]; settlersNow && requires[a] != roles.Settler {
			t.Fatalf("%s, a settler, took %q in %d", k.name, a, year)
		}
	}
	l.sync()
	tv, _ := l.view(l.room.TeacherKey)
	if !mapsEqual(tv.Actions, l.acted[year]) {
		t.Fatalf("the teacher's view of the %d actions: %v, want %v", year, tv.Actions, l.acted[year])
	}
	for id, cast := range l.voted[year] {
		var got []string
		for _, d := range y.Decisions {
			vd := tv.Votes[id][d.ID]
			if vd.Abstain {
				got = append(got, d.ID+"=abstain")
			} else {
				got = append(got, d.ID+"="+vd.Option)
			}
		}
		if !slices.Equal(got, cast) {
			t.Fatalf("the teacher's view of %s's %d votes: %v, want %v", id, year, got, cast)
		}
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// checkDeported: 1930's resolution makes both labelled households special settlers (the
// dekulakisation directive), and nobody else.
func (l *lesson) checkDeported() {
	l.sync()
	var settled []string
	for _, d := range teacherEvents[room.YearResolvedData](l, room.EvYearResolved) {
		if d.Year > 1930 {
			l.t.Fatalf("%d resolved already", d.Year)
		}
		for _, f := range d.Fates {
			if f.Fate == roles.Settler {
				if d.Year != 1930 {
					l.t.Fatalf("%s became a settler in %d", f.PlayerID, d.Year)
				}
				settled = append(settled, f.PlayerID)
			}
		}
	}
	var want []string
	for _, k := range l.kulaks {
		want = append(want, k.id)
	}
	slices.Sort(settled)
	slices.Sort(want)
	if !slices.Equal(settled, want) {
		l.t.Fatalf("settlers after 1930: %v, want the labelled households %v", settled, want)
	}
}

// checkSettlerViews: the settlers' own views, in a later played year, say "settler" and
// offer the year's settler actions, and every other student sees their fate too.
func (l *lesson) checkSettlerViews(year int) {
	t := l.t
	y, _ := l.sc.Year(year)
	var want []string
	for _, a := range y.Actions {
		if a.Requires == roles.Settler {
			want = append(want, a.ID)
		}
	}
	if len(want) == 0 {
		t.Fatalf("%d has no settler actions", year)
	}
	for _, k := range l.kulaks {
		v, _ := l.view(k.token)
		var got []string
		for _, a := range v.Me.ActionsOpen {
			got = append(got, a.ID)
		}
		if v.Year != year || v.Me.Fate != roles.Settler || !slices.Equal(got, want) {
			t.Fatalf("%s in %d: fate %q, actions offered %v, want settler and %v", k.name, v.Year, v.Me.Fate, got, want)
		}
	}
	v, _ := l.view(l.firstOf(roles.Peasant).token)
	for _, pi := range v.Players {
		if pi.Role == roles.Kulak && pi.Fate != roles.Settler {
			t.Fatalf("a peasant sees %s as %q", pi.Nickname, pi.Fate)
		}
	}
}

// checkSettlerVoices: the year's private record (teacher only) counts the settlers and
// what each did.
func (l *lesson) checkSettlerVoices(year int) {
	l.sync()
	want := room.SettlerVoices{Settlers: len(l.kulaks)}
	for _, k := range l.kulaks {
		switch l.acted[year][k.id] {
		case roles.SettlerReport:
			want.Reports++
		case roles.SettlerLetter:
			want.Letters++
		case roles.SettlerPetition:
			want.Petitions++
		}
	}
	for _, d := range teacherEvents[room.YearActionsData](l, room.EvYearActions) {
		if d.Year != year {
			continue
		}
		if d.Settlers == nil || *d.Settlers != want {
			l.t.Fatalf("settlers' voices in %d: %+v, want %+v", year, d.Settlers, want)
		}
		for _, k := range l.kulaks {
			if d.Taken[k.id] != l.acted[year][k.id] {
				l.t.Fatalf("%s took %q in %d, the record says %q", k.name, l.acted[year][k.id], year, d.Taken[k.id])
			}
		}
		return
	}
	l.t.Fatalf("no yearActions for %d", year)
}

// endLesson: the teacher presses "End the lesson here". Mid-game the chain is the phase's
// close, the hold, then lessonEnded; in the debrief only lessonEnded (final). It returns
// the exit ticket's prompts.
func (l *lesson) endLesson(number int) []room.Prompt {
	t := l.t
	cmd := client.NewID()
	if _, err := l.teacher.SendWithID(l.ctx(), cmd, "endLesson", nil); err != nil {
		t.Fatalf("endLesson: %v", err)
	}
	ended := l.waitTeacher(room.EvLessonEnded)
	var d room.LessonEndedData
	json.Unmarshal(ended.Data, &d)
	var chain []string
	for _, e := range l.teacher.Events() {
		if e.Cmd == cmd {
			chain = append(chain, e.Type)
		}
	}
	final := number == 2
	wantChain := []string{room.EvPhaseChanged, room.EvSuspended, room.EvLessonEnded}
	if final {
		wantChain = []string{room.EvLessonEnded}
	}
	if !slices.Equal(chain, wantChain) {
		t.Fatalf("endLesson %d produced %v, want %v", number, chain, wantChain)
	}
	if d.Lesson != number || d.Final != final || d.Auto || len(d.Prompts) < 1 || len(d.Prompts) > 2 {
		t.Fatalf("lessonEnded: %+v", d)
	}
	if final {
		if d.Phase != room.Debrief || !strings.HasPrefix(d.Prompts[0].ID, "exit.final.") || len(d.Recap.Years) != 7 {
			t.Fatalf("the final lessonEnded: phase %s, prompts %v, %d recap years", d.Phase, d.Prompts, len(d.Recap.Years))
		}
		return d.Prompts
	}
	// The game will resume in 1932's vote, with its full time kept for tomorrow.
	var hold room.TimerData
	for _, e := range l.teacher.Events() {
		if e.Cmd == cmd && e.Type == room.EvSuspended {
			json.Unmarshal(e.Data, &hold)
		}
	}
	if d.Year != 1932 || d.Phase != room.Vote || hold.RemainingMs != l.timers[1932].Duration(room.Vote).Milliseconds() {
		t.Fatalf("the lesson ended to resume at %d %s with %d ms", d.Year, d.Phase, hold.RemainingMs)
	}
	if years := recapYears(d.Recap); !slices.Equal(years, []string{"1928", "1929 stepped", "1930", "1931 stepped"}) {
		t.Fatalf("the end-of-lesson recap covers %v", years)
	}
	return d.Prompts
}

func recapYears(r room.Recap) []string {
	var out []string
	for _, y := range r.Years {
		s := fmt.Sprint(y.Year)
		if y.Stepped {
			s += " stepped"
		}
		out = append(out, s)
	}
	return out
}

// rejoinAfter reconnects a student who dropped off on a new connection with `after` =
// the last seq it had: it must get exactly what it missed (the end of the lesson), no
// snapshot, no gap.
func (l *lesson) rejoinAfter(p *pupil, last uint64) {
	t := l.t
	conn, err := l.ts.client.Dial(l.ctx(), l.room.Code, p.token, &client.Options{After: &last})
	if err != nil {
		t.Fatalf("%s reconnects after %d: %v", p.name, last, err)
	}
	p.past, p.conn = append(p.past, p.conn), conn
	if _, err := conn.WaitFor(l.ctx(), func(f client.Frame) bool {
		return f.Type == "event" && f.Event.Type == room.EvLessonEnded
	}); err != nil {
		t.Fatalf("%s never caught up the end of the lesson: %v", p.name, err)
	}
	evs := conn.Events()
	if conn.Snapshot() != nil || len(evs) == 0 || evs[0].Seq != last+1 {
		t.Fatalf("%s's catch-up after %d: snapshot %v, first seq %d", p.name, last, conn.Snapshot() != nil, evs[0].Seq)
	}
}

// checkDerole: everyone's view shows the de-roling screen; mid-game the room is on hold
// with the recap. Each student's view has the exit ticket's prompts; the teacher and the
// projector have none. stepper stepped out of role: only they and the teacher see it.
func (l *lesson) checkDerole(number int, prompts []room.Prompt, stepper *pupil) {
	t := l.t
	final := number == 2
	check := func(who string, v room.View, player bool) {
		if !v.Derole || v.Recap == nil || v.Suspended == final || v.LessonNumber != number {
			t.Fatalf("%s's view after lesson %d ends: derole %v, recap %v, suspended %v, lesson %d", who, number, v.Derole, v.Recap != nil, v.Suspended, v.LessonNumber)
		}
		if player != (v.ExitTicket != nil) {
			t.Fatalf("%s's view: exit ticket %+v", who, v.ExitTicket)
		}
		if player && !slices.Equal(v.ExitTicket.Prompts, prompts) {
			t.Fatalf("%s's exit ticket prompts %v, want %v", who, v.ExitTicket.Prompts, prompts)
		}
		if stepper == nil {
			return
		}
		if who == stepper.name {
			if !v.Me.SteppedOut {
				t.Fatalf("%s's own view does not say they stepped out", who)
			}
			return
		}
		for _, pi := range v.Players {
			if pi.ID == stepper.id && pi.SteppedOut != (who == "teacher") {
				t.Fatalf("%s sees %s stepped out: %v", who, stepper.name, pi.SteppedOut)
			}
		}
	}
	tv, _ := l.view(l.room.TeacherKey)
	check("teacher", tv, false)
	pv, _ := l.view(l.room.ProjectorKey)
	check("projector", pv, false)
	for _, p := range l.pupils {
		v, _ := l.view(p.token)
		check(p.name, v, true)
	}
	if !final {
		p := l.pupils[0]
		l.refused("a vote while on hold", p.conn, "vote", map[string]any{"decision": "quota-1932", "option": "cut"}, fault.WrongPhase)
		l.refused("advancing while on hold", l.teacher, "advance", nil, fault.WrongPhase)
		l.refused("suspending twice", l.teacher, "suspend", nil, fault.Conflict)
	}
	l.refused("ending the lesson twice", l.teacher, "endLesson", nil, fault.Conflict)
	answers := make([]string, len(prompts)+1)
	for i := range answers {
		answers[i] = "One answer too many."
	}
	l.refused("more answers than prompts", l.pupils[1].conn, "exitTicket", map[string]any{"answers": answers}, fault.Invalid)
}

// ticketMark is a string only one student's exit ticket of one lesson contains.
func ticketMark(p *pupil, number int) string {
	return fmt.Sprintf("[ticket %s lesson %d]", p.id, number)
}

// exitTickets: every student answers every prompt.
func (l *lesson) exitTickets(number int, prompts []room.Prompt) {
	l.each(func(i int, p *pupil) error {
		answers := make([]string, len(prompts))
		for k := range prompts {
			answers[k] = fmt.Sprintf("Answer %d: my character wanted to keep the family together. %s", k+1, ticketMark(p, number))
		}
		_, err := p.conn.Send(l.ctx(), "exitTicket", map[string]any{"answers": answers})
		return err
	})
	l.sync()
}

// checkExitTicketPrivacy: the answers are stored, the teacher's view lists them all,
// each student's view shows only their own and the projector's none.
func (l *lesson) checkExitTicketPrivacy(number int) {
	t := l.t
	tv, traw := l.view(l.room.TeacherKey)
	stored := map[string]room.ExitTicketRecord{}
	for _, et := range tv.ExitTickets {
		if et.Lesson == number {
			stored[et.PlayerID] = et
		}
	}
	if len(stored) != len(l.pupils) {
		t.Fatalf("the teacher sees %d exit tickets for lesson %d, want %d", len(stored), number, len(l.pupils))
	}
	for _, p := range l.pupils {
		et := stored[p.id]
		if len(et.Answers) == 0 || !strings.Contains(et.Answers[0], ticketMark(p, number)) || !bytes.Contains(traw, []byte(ticketMark(p, number))) || et.Flagged {
			t.Fatalf("%s's stored exit ticket: %+v", p.name, et)
		}
	}
	_, praw := l.view(l.room.ProjectorKey)
	for _, viewer := range l.pupils {
		v, raw := l.view(viewer.token)
		if v.ExitTickets != nil {
			t.Fatalf("%s's view lists exit tickets", viewer.name)
		}
		if v.ExitTicket != nil && (len(v.ExitTicket.Answers) == 0 || !strings.Contains(v.ExitTicket.Answers[0], ticketMark(viewer, number))) {
			t.Fatalf("%s's view of their own exit ticket: %+v", viewer.name, v.ExitTicket)
		}
		for _, other := range l.pupils {
			if other != viewer && bytes.Contains(raw, []byte(ticketMark(other, number))) {
				t.Fatalf("%s's view shows %s's exit ticket", viewer.name, other.name)
			}
			if bytes.Contains(praw, []byte(ticketMark(other, number))) {
				t.Fatalf("the projector shows %s's exit ticket", other.name)
			}
		}
	}
}

// resumeLesson: the teacher unsuspends the next day. Everyone receives the recap with
// the new lesson; the vote gets its full time; the de-roling ends.
func (l *lesson) resumeLesson() {
	t := l.t
	l.send(l.teacher, "unsuspend", nil)
	e := l.waitTeacher(room.EvUnsuspended)
	var d room.UnsuspendedData
	json.Unmarshal(e.Data, &d)
	if !d.NewLesson || d.Lesson != 2 || d.Recap == nil || d.Recap.Lesson != 2 || d.Recap.Year != 1932 || d.Recap.Phase != room.Vote ||
		d.Deadline == nil || d.Deadline.Sub(e.At) != l.timers[1932].Duration(room.Vote) {
		t.Fatalf("unsuspended: %+v", d)
	}
	if years := recapYears(*d.Recap); !slices.Equal(years, []string{"1928", "1929 stepped", "1930", "1931 stepped"}) {
		t.Fatalf("the resume's recap covers %v", years)
	}
	l.deadline = *d.Deadline
	for name, c := range l.clients() {
		if name == "teacher" {
			continue // read above
		}
		if _, err := c.WaitFor(l.ctx(), func(f client.Frame) bool {
			return f.Type == "event" && f.Event.Type == room.EvUnsuspended
		}); err != nil {
			t.Fatalf("%s never got the recap: %v", name, err)
		}
	}
	for _, p := range l.pupils {
		v, _ := l.view(p.token)
		if v.Derole || v.Suspended || v.ExitTicket != nil || v.Recap == nil || v.LessonNumber != 2 || v.Phase != room.Vote {
			t.Fatalf("%s's view after the resume: derole %v, suspended %v, recap %v, lesson %d, %s", p.name, v.Derole, v.Suspended, v.Recap != nil, v.LessonNumber, v.Phase)
		}
	}
	l.refused("an exit ticket after the resume", l.pupils[0].conn, "exitTicket", map[string]any{"answers": []string{"Late."}}, fault.WrongPhase)
}

// clients are every live connection by name.
func (l *lesson) clients() map[string]*client.Conn {
	all := map[string]*client.Conn{"teacher": l.teacher, "projector": l.projector}
	for _, p := range l.pupils {
		all[p.name] = p.conn
	}
	return all
}

// checkStepped: every client saw the played years resolve and the others stepped with
// history's choices, in order.
func (l *lesson) checkStepped() {
	t := l.t
	final := l.ts.last(l.room.RoomID)
	want := []string{"1928", "1929 stepped", "1930", "1931 stepped", "1932", "1933 stepped", "1934 stepped"}
	streams := map[string][]room.Event{"teacher": nil, "projector": nil}
	for name, c := range l.clients() {
		if err := c.WaitSeq(l.ctx(), final); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	streams["teacher"], streams["projector"] = l.teacher.Events(), l.projector.Events()
	for _, p := range l.pupils {
		streams[p.name] = p.events()
	}
	for name, evs := range streams {
		var got []string
		for _, e := range evs {
			if e.Type != room.EvYearResolved {
				continue
			}
			var d room.YearResolvedData
			json.Unmarshal(e.Data, &d)
			s := fmt.Sprint(d.Year)
			if d.Stepped {
				s += " stepped"
				if h := l.sc.HistoricalChoices(d.Year); !mapsEqual(d.Choices.Decisions, h.Decisions) {
					t.Fatalf("%s: stepped %d chose %v, history %v", name, d.Year, d.Choices.Decisions, h.Decisions)
				}
			}
			got = append(got, s)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%s saw the years resolve as %v, want %v", name, got, want)
		}
	}
}

// classroomPrivate are the events only staff and the player they name may see (nil: staff only).
var classroomPrivate = map[string]bool{
	room.EvVoteCast: true, room.EvActionTaken: true, room.EvExitTicket: true, room.EvSteppedOut: true,
	room.EvYearActions: false,
}

// checkStreams: every client received every seq from its first event to the last, once
// and in order, across resumes; each event is the teacher's, in full or as a stub exactly
// as room.VisibilityOf says; and, checked independently of that function, no vote, action,
// exit ticket or step-out reached anyone but the teacher and the student concerned, and
// the year's private record only the teacher.
func (l *lesson) checkStreams() {
	t := l.t
	final := l.ts.last(l.room.RoomID)
	type stream struct {
		me    string
		aud   room.Audience
		conns []*client.Conn
		evs   []room.Event
	}
	streams := map[string]stream{
		"teacher":   {aud: room.Audience{Kind: room.Teacher}, conns: []*client.Conn{l.teacher}, evs: l.teacher.Events()},
		"projector": {aud: room.Audience{Kind: room.Projector}, conns: []*client.Conn{l.projector}, evs: l.projector.Events()},
	}
	for _, p := range l.pupils {
		if err := p.conn.WaitSeq(l.ctx(), final); err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		streams[p.name] = stream{me: p.id, aud: room.Audience{Kind: room.Player, PlayerID: p.id}, conns: append(append([]*client.Conn{}, p.past...), p.conn), evs: p.events()}
	}
	full := map[uint64]room.Event{}
	for _, e := range streams["teacher"].evs {
		if e.Type == room.RedactedType {
			t.Fatalf("the teacher got a stub at seq %d", e.Seq)
		}
		full[e.Seq] = e
	}
	seenOwn := map[string]int{}
	for name, s := range streams {
		for _, c := range s.conns {
			if gaps := c.Gaps(); len(gaps) > 0 {
				t.Fatalf("%s had gaps: %v", name, gaps)
			}
		}
		if len(s.evs) == 0 || s.evs[len(s.evs)-1].Seq != final {
			t.Fatalf("%s did not reach seq %d", name, final)
		}
		for i, e := range s.evs {
			if e.Seq != s.evs[0].Seq+uint64(i) {
				t.Fatalf("%s: event %d has seq %d after %d", name, i, e.Seq, s.evs[i-1].Seq)
			}
			want, ok := full[e.Seq]
			if !ok {
				continue // before the teacher connected
			}
			if sees := room.VisibilityOf(want).Sees(s.aud); sees != (e.Type != room.RedactedType) {
				t.Fatalf("%s got event %d %s as %s; visibility says sees=%v", name, e.Seq, want.Type, e.Type, sees)
			}
			if e.Type == room.RedactedType {
				if len(e.Data) > 0 && string(e.Data) != "null" && string(e.Data) != "{}" {
					t.Fatalf("%s's stub %d carries data %s", name, e.Seq, e.Data)
				}
				continue
			}
			want = room.Redact(want, s.aud) // a yearResolved without the exact deaths, for non-staff
			if e.Type != want.Type || !bytes.Equal(e.Data, want.Data) || !e.At.Equal(want.At) {
				t.Fatalf("%s's event %d differs from the teacher's: %s %s vs %s %s", name, e.Seq, e.Type, e.Data, want.Type, want.Data)
			}
			if name != "teacher" && bytes.Contains(e.Data, []byte("famineDeaths")) {
				t.Fatalf("%s's event %d carries exact famine deaths", name, e.Seq)
			}
			named, secret := classroomPrivate[e.Type]
			if !secret || name == "teacher" {
				continue
			}
			var d room.PlayerRef
			json.Unmarshal(e.Data, &d)
			if !named || s.me == "" || d.PlayerID != s.me {
				t.Fatalf("%s saw %s (seq %d) of player %q", name, e.Type, e.Seq, d.PlayerID)
			}
			seenOwn[e.Type]++
		}
	}
	// The check above checked something: each student got their own votes, actions and
	// exit tickets (two lessons), and the one who stepped out their step-outs.
	n := len(l.pupils)
	if seenOwn[room.EvActionTaken] != 3*n || seenOwn[room.EvExitTicket] != 2*n || seenOwn[room.EvSteppedOut] != 2 || seenOwn[room.EvVoteCast] < 3*n {
		t.Fatalf("students saw their own private events %v", seenOwn)
	}
	yearActions := 0
	for _, e := range streams["teacher"].evs {
		if e.Type == room.EvYearActions {
			yearActions++
		}
	}
	if yearActions < 3 {
		t.Fatalf("the teacher got %d yearActions, want one per played year at least", yearActions)
	}
}
