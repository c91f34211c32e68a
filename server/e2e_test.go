package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/classroom-debate/debate/client"
	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/room"
)

// player is one student in the end-to-end game.
type player struct {
	name string
	id   string
	role string
	fate string
	conn *client.Conn
}

// game drives a real server through a whole game: a teacher, a projector and 30
// students (one on the SSE fallback), seven years, every phase, disconnects and resumes.
type game struct {
	t         *testing.T
	ts        *testServer
	room      client.Room
	teacher   *client.Conn
	projector *client.Conn
	players   []*player
	scenario  *economy.Scenario
	refused   int // bad commands refused with their expected code
	// options, when set, gives each player's connection its options (a conformance
	// test's tap).
	options func(name string) *client.Options
}

func TestEndToEndWholeGame(t *testing.T) {
	if testing.Short() {
		t.Skip("the whole game takes a few seconds")
	}
	ts := newServer(t, nil)
	g := &game{t: t, ts: ts, scenario: economy.Default()}
	g.room = ts.room(`{"maxPlayers":40}`)
	g.teacher = ts.dial(g.room.Code, g.room.TeacherKey)
	g.projector = ts.dial(g.room.Code, g.room.ProjectorKey)
	for i := 0; i < 30; i++ {
		g.addPlayer(i, i == 7)
	}

	g.expectRefused("a student starts the game", g.players[0].conn, "start", nil, fault.Forbidden)
	g.send(g.teacher, "start", nil)
	for _, y := range g.scenario.Years {
		g.playYear(y.Year)
	}
	g.waitPhase(room.Debrief)

	final := ts.last(g.room.RoomID)
	if g.refused < 12 {
		t.Fatalf("only %d bad commands were tried", g.refused)
	}
	g.checkStreams(final)
}

func (g *game) ctx() context.Context { return ctxT(g.t) }

func (g *game) addPlayer(i int, sse bool) {
	t := g.t
	name := fmt.Sprintf("Student %02d", i+1)
	p := g.ts.join(g.room.Code, name)
	var conn *client.Conn
	var err error
	var opts *client.Options
	if g.options != nil {
		opts = g.options(name)
	}
	if sse {
		conn, err = g.ts.client.DialSSE(g.ctx(), g.room.Code, p.Token, opts)
	} else {
		conn, err = g.ts.client.Dial(g.ctx(), g.room.Code, p.Token, opts)
	}
	if err != nil {
		t.Fatalf("%s connects: %v", name, err)
	}
	t.Cleanup(func() { conn.Close() })
	f, err := conn.WaitFor(g.ctx(), func(f client.Frame) bool { return f.Type == "snapshot" })
	if err != nil {
		t.Fatal(err)
	}
	var view struct {
		Me struct {
			Role string `json:"role"`
			Fate string `json:"fate"`
		} `json:"me"`
	}
	if err := json.Unmarshal(f.State, &view); err != nil || view.Me.Role == "" {
		t.Fatalf("%s's snapshot has no role: %v", name, err)
	}
	g.players = append(g.players, &player{name: name, id: p.PlayerID, role: view.Me.Role, fate: view.Me.Fate, conn: conn})
}

func (g *game) send(c *client.Conn, typ string, data any) uint64 {
	g.t.Helper()
	seq, err := c.Send(g.ctx(), typ, data)
	if err != nil {
		g.t.Fatalf("%s %v: %v", typ, data, err)
	}
	return seq
}

// expectRefused sends a bad command at a quiet moment and checks its code and that the
// room's log did not move.
func (g *game) expectRefused(what string, c *client.Conn, typ string, data any, code fault.Code) {
	g.t.Helper()
	before := g.ts.last(g.room.RoomID)
	_, err := c.Send(g.ctx(), typ, data)
	if fault.CodeOf(err) != code {
		g.t.Fatalf("%s: got %v, want %s", what, err, code)
	}
	if after := g.ts.last(g.room.RoomID); after != before {
		g.t.Fatalf("%s changed the room: seq %d → %d", what, before, after)
	}
	g.refused++
}

// each runs f for every player at once and waits.
func (g *game) each(f func(i int, p *player) error) {
	g.t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, len(g.players))
	for i, p := range g.players {
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
		g.t.Error(err)
	}
	if g.t.Failed() {
		g.t.FailNow()
	}
}

// waitPhase waits until the teacher has seen the room enter phase.
func (g *game) waitPhase(phase room.Phase) uint64 {
	g.t.Helper()
	f, err := g.teacher.WaitFor(g.ctx(), func(f client.Frame) bool {
		if f.Type != "event" || f.Event.Type != room.EvPhaseChanged {
			return false
		}
		var d room.PhaseChangedData
		return json.Unmarshal(f.Event.Data, &d) == nil && d.Phase == phase
	})
	if err != nil {
		g.t.Fatalf("waiting for phase %s: %v", phase, err)
	}
	return f.Seq
}

// byTimer lets the phase timer run out on the test clock. The refused "resume" is a
// barrier: the room's actor handles it only after re-arming its timer for the phase.
func (g *game) byTimer(phase room.Phase, d time.Duration) {
	g.t.Helper()
	_, err := g.teacher.Send(g.ctx(), "resume", nil)
	if c := fault.CodeOf(err); c != fault.Conflict && c != fault.WrongPhase {
		g.t.Fatalf("barrier: %v", err)
	}
	g.ts.clock.Advance(d)
}

func (g *game) playYear(year int) {
	t := g.t
	y, ok := g.scenario.Year(year)
	if !ok {
		t.Fatalf("no year %d", year)
	}
	g.waitPhase(room.Briefing)
	g.byTimer(room.Briefing, 3*time.Minute)
	g.waitPhase(room.Debate)

	// Debate: everyone argues, for an option of a decision of the year.
	g.each(func(i int, p *player) error {
		d := y.Decisions[i%len(y.Decisions)]
		_, err := p.conn.Send(g.ctx(), "argue", map[string]string{
			"text":     fmt.Sprintf("%s argues, in %d, for %s.", p.name, year, d.Options[i%len(d.Options)].ID),
			"decision": d.ID, "option": d.Options[i%len(d.Options)].ID,
		})
		return err
	})
	if year == 1929 {
		g.disconnectSome()
	}
	args := g.arguments(year)

	// Replies and persuasive marks, each on someone else's argument. In 1929 five
	// students are away while the others do this, and catch up on resume.
	away := func(i int) bool { return year == 1929 && i >= 10 && i < 15 }
	markAndReply := func(i int, p *player) error {
		other := g.players[(i+1)%len(g.players)]
		if _, err := p.conn.Send(g.ctx(), "mark", map[string]string{"argumentId": args[other.id]}); err != nil {
			return fmt.Errorf("mark: %w", err)
		}
		if i%3 == 0 {
			if _, err := p.conn.Send(g.ctx(), "reply", map[string]string{"argumentId": args[other.id], "text": "I am not convinced yet."}); err != nil {
				return fmt.Errorf("reply: %w", err)
			}
		}
		return nil
	}
	g.each(func(i int, p *player) error {
		if away(i) {
			return nil
		}
		return markAndReply(i, p)
	})
	if year == 1929 {
		g.resumeSome()
		g.each(func(i int, p *player) error {
			if !away(i) {
				return nil
			}
			return markAndReply(i, p)
		})
	}
	if year == 1928 {
		p0, p1 := g.players[0], g.players[1]
		g.expectRefused("marking one's own argument", p0.conn, "mark", map[string]string{"argumentId": args[p0.id]}, fault.Forbidden)
		g.expectRefused("marking twice", p0.conn, "mark", map[string]string{"argumentId": args[p1.id]}, fault.Conflict)
		g.expectRefused("marking an unknown argument", p0.conn, "mark", map[string]string{"argumentId": "a-none"}, fault.NotFound)
		g.expectRefused("voting in the debate", p0.conn, "vote", map[string]string{"decision": y.Decisions[0].ID, "option": y.Decisions[0].Options[0].ID}, fault.WrongPhase)
		g.expectRefused("an argument too long", p0.conn, "argue", map[string]string{"text": strings.Repeat("я", 601), "decision": y.Decisions[0].ID, "option": y.Decisions[0].Options[0].ID}, fault.TooLarge)
		g.expectRefused("an argument without a stance", p0.conn, "argue", map[string]string{"text": "No side."}, fault.Invalid)
		g.expectRefused("an unknown command", p0.conn, "burnTheBarn", nil, fault.UnknownType)
		g.expectRefused("the projector announces", g.projector, "announce", map[string]string{"text": "hi"}, fault.Forbidden)
		g.expectRefused("a student advances", p1.conn, "advance", nil, fault.Forbidden)
		g.expectRefused("a student removes a player", p1.conn, "removePlayer", map[string]string{"playerId": p0.id}, fault.Forbidden)
	}
	g.send(g.teacher, "announce", map[string]string{"text": fmt.Sprintf("Voting on %d opens.", year)})
	g.send(g.teacher, "advance", nil)
	g.waitPhase(room.Vote)

	// Vote, every decision; some abstain, some change their minds; one action each.
	g.each(func(i int, p *player) error {
		for k, d := range y.Decisions {
			data := map[string]any{"decision": d.ID, "option": d.Options[(i+k)%len(d.Options)].ID}
			if (i+k)%7 == 0 {
				data = map[string]any{"decision": d.ID, "abstain": true}
			}
			_, err := p.conn.Send(g.ctx(), "vote", data)
			if p.role == "historian" {
				if fault.CodeOf(err) != fault.Forbidden {
					return fmt.Errorf("a historian's vote: %v, want forbidden", err)
				}
				continue
			}
			if err != nil {
				return fmt.Errorf("vote: %w", err)
			}
			if i%5 == 0 { // a change of mind; the last vote counts
				data = map[string]any{"decision": d.ID, "option": d.Options[0].ID}
				if _, err := p.conn.Send(g.ctx(), "vote", data); err != nil {
					return fmt.Errorf("second vote: %w", err)
				}
			}
		}
		if a := g.actionFor(y, p); a != "" {
			if _, err := p.conn.Send(g.ctx(), "act", map[string]string{"action": a}); err != nil {
				return fmt.Errorf("act %s: %w", a, err)
			}
		}
		return nil
	})
	if year == 1930 {
		p := g.firstVoter()
		g.expectRefused("arguing in the vote", p.conn, "argue", map[string]string{"text": "Late.", "decision": y.Decisions[0].ID, "option": y.Decisions[0].Options[0].ID}, fault.WrongPhase)
		g.expectRefused("voting for an option that does not exist", p.conn, "vote", map[string]string{"decision": y.Decisions[0].ID, "option": "free-tractors-for-all"}, fault.NotFound)
		g.expectRefused("voting and abstaining at once", p.conn, "vote", map[string]any{"decision": y.Decisions[0].ID, "option": y.Decisions[0].Options[0].ID, "abstain": true}, fault.Invalid)
		if other := g.otherFactionAction(y, p); other != "" {
			g.expectRefused("another faction's action", p.conn, "act", map[string]string{"action": other}, fault.Forbidden)
		}
	}
	// The vote closes by the teacher in even years, by the timer in odd ones.
	if year%2 == 0 {
		g.send(g.teacher, "advance", nil)
	} else {
		g.byTimer(room.Vote, 3*time.Minute)
	}
	g.waitPhase(room.Resolution)
	g.updateFates(year)
	if year == 1931 {
		// The SSE student drops and resumes while the year resolves.
		for _, p := range g.players {
			if p.name == "Student 08" {
				p.conn.Disconnect()
				g.send(g.teacher, "announce", map[string]string{"text": "The harvest figures are in."})
				if err := p.conn.Resume(g.ctx()); err != nil {
					g.t.Fatalf("SSE resume: %v", err)
				}
			}
		}
	}
	if year == g.scenario.Years[len(g.scenario.Years)-1].Year {
		g.send(g.teacher, "advance", nil)
	} else {
		g.byTimer(room.Resolution, 3*time.Minute)
	}
}

func (g *game) disconnectSome() {
	for _, p := range g.players[10:15] {
		p.conn.Disconnect()
	}
	// Sent while they are away; they must get it on resume.
	g.send(g.teacher, "announce", map[string]string{"text": "Some of you dropped off; carry on."})
}

func (g *game) resumeSome() {
	for _, p := range g.players[10:15] {
		if err := p.conn.Resume(g.ctx()); err != nil {
			g.t.Fatalf("%s resumes: %v", p.name, err)
		}
	}
}

// arguments maps each player to their argument of the year, from the teacher's stream.
func (g *game) arguments(year int) map[string]string {
	g.t.Helper()
	if err := g.teacher.WaitSeq(g.ctx(), g.ts.last(g.room.RoomID)); err != nil {
		g.t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range g.teacher.Events() {
		if e.Type != room.EvArgumentPosted {
			continue
		}
		var d struct {
			ID       string `json:"id"`
			PlayerID string `json:"playerId"`
			Year     int    `json:"year"`
		}
		if json.Unmarshal(e.Data, &d) == nil && d.Year == year {
			out[d.PlayerID] = d.ID
		}
	}
	if len(out) != len(g.players) {
		g.t.Fatalf("%d arguments in %d, want %d", len(out), year, len(g.players))
	}
	return out
}

func (g *game) actionFor(y *economy.Year, p *player) string {
	for _, a := range y.Actions {
		if string(a.Faction) == p.role && (a.Requires == "" || a.Requires == p.fate) {
			return a.ID
		}
	}
	return ""
}

func (g *game) otherFactionAction(y *economy.Year, p *player) string {
	for _, a := range y.Actions {
		if string(a.Faction) != p.role {
			return a.ID
		}
	}
	return ""
}

func (g *game) firstVoter() *player {
	for _, p := range g.players {
		if p.role != "historian" {
			return p
		}
	}
	g.t.Fatal("no voter")
	return nil
}

// updateFates reads the year's resolution for changed fates (deported households).
func (g *game) updateFates(year int) {
	if err := g.teacher.WaitSeq(g.ctx(), g.ts.last(g.room.RoomID)); err != nil {
		g.t.Fatal(err)
	}
	for _, e := range g.teacher.Events() {
		if e.Type != room.EvYearResolved {
			continue
		}
		var d struct {
			Year  int `json:"year"`
			Fates []struct {
				PlayerID string `json:"playerId"`
				Fate     string `json:"fate"`
			} `json:"fates"`
		}
		if json.Unmarshal(e.Data, &d) != nil || d.Year != year {
			continue
		}
		for _, f := range d.Fates {
			for _, p := range g.players {
				if p.id == f.PlayerID {
					p.fate = f.Fate
				}
			}
		}
	}
}

// secretTypes are the events only staff and the player concerned may see.
var secretTypes = map[string]bool{room.EvVoteCast: true, room.EvActionTaken: true}

// checkStreams: every client reached the final seq with no gap; every seq it saw is the
// teacher's event, in full or as a stub exactly as room.VisibilityOf says; no student saw
// another's vote or action; the projector saw none.
func (g *game) checkStreams(final uint64) {
	t := g.t
	all := map[string]*client.Conn{"teacher": g.teacher, "projector": g.projector}
	for _, p := range g.players {
		all[p.name] = p.conn
	}
	for name, c := range all {
		if err := c.WaitSeq(g.ctx(), final); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if gaps := c.Gaps(); len(gaps) > 0 {
			t.Fatalf("%s had gaps: %v", name, gaps)
		}
	}
	full := map[uint64]room.Event{}
	for _, e := range g.teacher.Events() {
		if e.Type == room.RedactedType {
			t.Fatalf("the teacher got a stub at seq %d", e.Seq)
		}
		full[e.Seq] = e
	}
	secrets := 0
	for name, c := range all {
		me := ""
		for _, p := range g.players {
			if p.conn == c {
				me = p.id
			}
		}
		audience := room.AudienceOf(c.Welcome().Principal)
		for _, e := range c.Events() {
			want, ok := full[e.Seq]
			if !ok {
				continue // before the teacher connected
			}
			// Full or stub exactly as the rules' visibility says.
			if sees := room.VisibilityOf(want).Sees(audience); sees != (e.Type != room.RedactedType) {
				t.Fatalf("%s got event %d %s as %s; visibility says sees=%v", name, e.Seq, want.Type, e.Type, sees)
			}
			if e.Type == room.RedactedType {
				continue
			}
			want = room.Redact(want, audience) // a yearResolved without the exact deaths, for non-staff
			if e.Type != want.Type || !bytes.Equal(e.Data, want.Data) || !e.At.Equal(want.At) {
				t.Fatalf("%s's event %d differs from the teacher's: %s %s vs %s %s", name, e.Seq, e.Type, e.Data, want.Type, want.Data)
			}
			if name != "teacher" && bytes.Contains(e.Data, []byte("famineDeaths")) {
				t.Fatalf("%s's event %d carries exact famine deaths", name, e.Seq)
			}
			// And independently of that function: nobody but the teacher and the player
			// concerned ever sees a vote or an action.
			if secretTypes[e.Type] && name != "teacher" {
				var d struct {
					PlayerID string `json:"playerId"`
				}
				json.Unmarshal(e.Data, &d)
				if me == "" || d.PlayerID != me {
					t.Fatalf("%s saw %s of player %s", name, e.Type, d.PlayerID)
				}
				secrets++
			}
		}
	}
	if secrets == 0 {
		t.Fatal("no player saw their own vote: the secrecy check checked nothing")
	}
	// From its first event on, every client received every seq up to the last.
	for name, c := range all {
		events := c.Events()
		if len(events) == 0 {
			t.Fatalf("%s received no events", name)
		}
		seen := map[uint64]bool{}
		for _, e := range events {
			seen[e.Seq] = true
		}
		for s := events[0].Seq; s <= final; s++ {
			if !seen[s] {
				t.Fatalf("%s never received seq %d", name, s)
			}
		}
	}
}
