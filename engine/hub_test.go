package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/classroom-debate/debate/clock"
	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/engine"
	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/protocol"
	"github.com/classroom-debate/debate/room"
	"github.com/classroom-debate/debate/store/embedded"
)

type rig struct {
	t     testing.TB
	hub   *engine.Hub
	store *embedded.Store
	clock *clock.Fake
	path  string
}

func newRig(t *testing.T) *rig {
	t.Helper()
	path := filepath.Join(t.TempDir(), "debate.db")
	return openRig(t, path, clock.NewFake(time.Date(1930, 3, 2, 9, 0, 0, 0, time.UTC)), 0)
}

func openRig(t *testing.T, path string, clk *clock.Fake, feedBuffer int) *rig {
	return openRigBuffered(t, path, clk, feedBuffer)
}

func openRigTB(t testing.TB, path string, clk *clock.Fake) *rig {
	return openRigBuffered(t, path, clk, 0)
}

func openRigBuffered(t testing.TB, path string, clk *clock.Fake, feedBuffer int) *rig {
	t.Helper()
	st, err := embedded.Open(path, embedded.Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	hub, err := engine.New(engine.Config{
		Log: st.Log(), Directory: st.Directory(), Credentials: st.Credentials(),
		Notifier: embedded.NewNotifier(), Presence: embedded.NewPresence(),
		Scenario: economy.Default(), Clock: clk, FeedBuffer: feedBuffer,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, hub: hub, store: st, clock: clk, path: path}
	t.Cleanup(r.close)
	return r
}

func (r *rig) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = r.hub.Shutdown(ctx)
	_ = r.store.Close()
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

// frame is a decoded server frame.
type frame struct {
	Type   string          `json:"type"`
	Seq    uint64          `json:"seq"`
	Event  room.Event      `json:"event"`
	State  json.RawMessage `json:"state"`
	Online []string        `json:"online"`
}

// next returns the next frame of a feed, failing the test after a deadline.
func next(t *testing.T, f *engine.Feed) (frame, bool) {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	b, err := f.Next(c)
	if errors.Is(err, engine.ErrFeedEnded) {
		return frame{}, false
	}
	if err != nil {
		t.Fatal("no frame within 5s")
	}
	var fr frame
	if err := json.Unmarshal(b, &fr); err != nil {
		t.Fatalf("bad frame %s: %v", b, err)
	}
	return fr, true
}

// drain takes a feed's frames until it ends.
func drain(t testing.TB, f *engine.Feed) {
	t.Helper()
	for {
		c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, err := f.Next(c)
		cancel()
		if err != nil {
			if !errors.Is(err, engine.ErrFeedEnded) {
				t.Fatalf("the feed did not end: %v", err)
			}
			return
		}
	}
}

// nextOfType skips presence frames.
func nextEvent(t *testing.T, f *engine.Feed) room.Event {
	t.Helper()
	for {
		fr, ok := next(t, f)
		if !ok {
			t.Fatal("feed ended while waiting for an event")
		}
		if fr.Type == "event" {
			return fr.Event
		}
	}
}

func staff(c engine.Created) engine.Session {
	return engine.Session{RoomID: c.RoomID, Code: c.Code, Principal: room.Principal{Kind: room.Teacher}}
}

func cmd(id, typ string, data any) room.Command {
	var raw json.RawMessage
	if data != nil {
		raw, _ = json.Marshal(data)
	}
	return room.Command{ID: id, Type: typ, Data: raw}
}

func TestCreateAuthenticateAndKeysAreDistinct(t *testing.T) {
	r := newRig(t)
	c, err := r.hub.Create(ctx(t), engine.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Code) != engine.CodeLength || c.TeacherKey == c.ProjectorKey || c.TeacherKey == c.CoTeacherKey {
		t.Fatalf("bad created room %+v", c)
	}
	for _, tc := range []struct {
		secret string
		want   room.Kind
	}{{c.TeacherKey, room.Teacher}, {c.CoTeacherKey, room.CoTeacher}, {c.ProjectorKey, room.Projector}} {
		s, err := r.hub.Authenticate(ctx(t), c.Code, tc.secret)
		if err != nil || s.Principal.Kind != tc.want || s.RoomID != c.RoomID {
			t.Fatalf("authenticate %s: %+v %v", tc.want, s, err)
		}
	}
	// Lower case with a dash, as people type it.
	lower := []byte(c.Code)
	for i := range lower {
		if lower[i] >= 'A' && lower[i] <= 'Z' {
			lower[i] += 'a' - 'A'
		}
	}
	if _, err := r.hub.Authenticate(ctx(t), string(lower[:4])+"-"+string(lower[4:]), c.TeacherKey); err != nil {
		t.Fatalf("normalised code refused: %v", err)
	}
	if _, err := r.hub.Authenticate(ctx(t), c.Code, "tk_wrong"); fault.CodeOf(err) != fault.Unauthorized {
		t.Fatalf("wrong key: %v", err)
	}
	other, _ := r.hub.Create(ctx(t), engine.CreateOptions{})
	if _, err := r.hub.Authenticate(ctx(t), other.Code, c.TeacherKey); fault.CodeOf(err) != fault.Unauthorized {
		t.Fatalf("key of another room: %v", err)
	}
	if _, err := r.hub.Join(ctx(t), "ZZZZZZZZ", "Anya"); fault.CodeOf(err) != fault.NotFound {
		t.Fatalf("join unknown code: %v", err)
	}
}

func TestSubmitIsDurableDedupedAndFannedOutWithRedaction(t *testing.T) {
	r := newRig(t)
	c, _ := r.hub.Create(ctx(t), engine.CreateOptions{})
	teacher := staff(c)
	tfeed, err := r.hub.Watch(ctx(t), teacher, nil)
	if err != nil {
		t.Fatal(err)
	}
	if fr, _ := next(t, tfeed); fr.Type != "snapshot" || fr.Seq != 1 {
		t.Fatalf("first frame %+v", fr)
	}
	var players []engine.Session
	for _, nick := range []string{"Anya", "Boris", "Chen", "Dana"} {
		j, err := r.hub.Join(ctx(t), c.Code, nick)
		if err != nil {
			t.Fatal(err)
		}
		s, err := r.hub.Authenticate(ctx(t), c.Code, j.Token)
		if err != nil || s.Principal.PlayerID != j.PlayerID {
			t.Fatalf("player auth: %+v %v", s, err)
		}
		players = append(players, s)
	}
	pfeed, err := r.hub.Watch(ctx(t), players[1], nil)
	if err != nil {
		t.Fatal(err)
	}
	snap, _ := next(t, pfeed)
	if snap.Type != "snapshot" {
		t.Fatalf("player first frame %+v", snap)
	}
	seq1, err := r.hub.Submit(ctx(t), teacher, cmd("s1", "start", nil))
	if err != nil {
		t.Fatal(err)
	}
	again, err := r.hub.Submit(ctx(t), teacher, cmd("s1", "start", nil))
	if err != nil || again != seq1 {
		t.Fatalf("repeated id: seq %d (first %d), err %v", again, seq1, err)
	}
	// A student may not run the class.
	if _, err := r.hub.Submit(ctx(t), players[0], cmd("x", "advance", nil)); fault.CodeOf(err) != fault.Forbidden {
		t.Fatalf("student advance: %v", err)
	}
	// The stored log has exactly what was acked.
	last, err := r.store.Log().Last(ctx(t), c.RoomID)
	if err != nil || last != seq1 {
		t.Fatalf("log ends at %d, acked %d (%v)", last, seq1, err)
	}
	// Every viewer receives every seq, in order.
	want := snap.Seq + 1
	for want <= seq1 {
		e := nextEvent(t, pfeed)
		if e.Seq != want {
			t.Fatalf("player feed: got seq %d, want %d", e.Seq, want)
		}
		want++
	}
	_ = tfeed
}

// A rule bug (Decide makes an event Apply refuses) costs only the command that hit it:
// the part of its events already applied is rolled back, the commands decided with it
// in the same batch are stored, and the log holds nothing of the refused command.
func TestRuleBugCostsOnlyItsCommand(t *testing.T) {
	var bug atomic.Bool
	hold, release := make(chan struct{}), make(chan struct{})
	restore := engine.SetApplyDecided(func(s *room.State, e room.Event) error {
		if e.Type == room.EvAnnounced && strings.Contains(string(e.Data), "Hold the room") {
			close(hold)
			<-release // keep the actor busy while the next commands queue
		}
		if bug.Load() && e.Type == room.EvYearResolved {
			return errors.New("a rule bug")
		}
		return room.Apply(s, e)
	})
	t.Cleanup(restore) // registered before the rig, so it runs after the hub has stopped
	r := newRig(t)
	c, _ := r.hub.Create(ctx(t), engine.CreateOptions{})
	for _, nick := range []string{"Anya", "Boris", "Chen", "Dana"} {
		if _, err := r.hub.Join(ctx(t), c.Code, nick); err != nil {
			t.Fatal(err)
		}
	}
	teacher := staff(c)
	for i, step := range []string{"start", "advance", "advance"} { // to the vote
		if _, err := r.hub.Submit(ctx(t), teacher, cmd(fmt.Sprint("p", i), step, nil)); err != nil {
			t.Fatal(err)
		}
	}
	bug.Store(true)
	first := make(chan error, 1)
	go func() {
		_, err := r.hub.Submit(ctx(t), teacher, cmd("h1", "announce", map[string]string{"text": "Hold the room."}))
		first <- err
	}()
	<-hold
	// Closing the vote records the votes and the year's actions before it resolves the
	// year, so part of its events reach the tentative state before the refused one; the
	// announcement is decided after it, in the same batch.
	type answer struct {
		seq uint64
		err error
	}
	closeDone, announceDone := make(chan answer, 1), make(chan answer, 1)
	go func() {
		seq, err := r.hub.Submit(ctx(t), teacher, cmd("v1", "advance", nil))
		closeDone <- answer{seq, err}
	}()
	for r.hub.QueuedCommands(c.RoomID) < 1 {
		runtime.Gosched()
	}
	go func() {
		seq, err := r.hub.Submit(ctx(t), teacher, cmd("a1", "announce", map[string]string{"text": "Still here."}))
		announceDone <- answer{seq, err}
	}()
	for r.hub.QueuedCommands(c.RoomID) < 2 {
		runtime.Gosched()
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	held, _ := r.store.Log().Last(ctx(t), c.RoomID)
	if a := <-closeDone; fault.CodeOf(a.err) != fault.Internal {
		t.Fatalf("closing the vote with a rule bug: %v, want internal", a.err)
	}
	if a := <-announceDone; a.err != nil || a.seq != held+1 {
		t.Fatalf("the command batched with it: seq %d, err %v; want seq %d", a.seq, a.err, held+1)
	}
	bug.Store(false)
	if _, err := r.hub.Submit(ctx(t), teacher, cmd("v2", "advance", nil)); err != nil {
		t.Fatalf("closing the vote once the bug is gone: %v", err)
	}
}

func TestTimerFiresOnceOnTheInjectedClock(t *testing.T) {
	r := newRig(t)
	settings, _ := json.Marshal(room.Settings{Timers: room.Timers{Briefing: 60, Debate: 60, Vote: 60, Resolution: 60}})
	c, _ := r.hub.Create(ctx(t), engine.CreateOptions{Settings: settings})
	teacher := staff(c)
	for _, nick := range []string{"Anya", "Boris", "Chen", "Dana"} {
		if _, err := r.hub.Join(ctx(t), c.Code, nick); err != nil {
			t.Fatal(err)
		}
	}
	f, _ := r.hub.Watch(ctx(t), teacher, nil)
	next(t, f)
	seq, err := r.hub.Submit(ctx(t), teacher, cmd("go", "start", nil))
	if err != nil {
		t.Fatal(err)
	}
	for {
		if e := nextEvent(t, f); e.Seq == seq {
			break
		}
	}
	waitPending(t, r.clock)
	r.clock.Advance(61 * time.Second)
	e := nextEvent(t, f)
	if e.Type != "phaseChanged" || e.By == nil || e.By.Kind != room.System {
		t.Fatalf("expected the timer's phase change, got %+v", e)
	}
	var data struct {
		Phase string `json:"phase"`
	}
	_ = json.Unmarshal(e.Data, &data)
	if data.Phase != "debate" {
		t.Fatalf("after the briefing timer: phase %q", data.Phase)
	}
}

// waitPending waits until the actor has armed its timer.
func waitPending(t *testing.T, c *clock.Fake) {
	t.Helper()
	done := make(chan struct{})
	stop := time.AfterFunc(5*time.Second, func() { close(done) })
	defer stop.Stop()
	if !c.WaitForTimers(1, done) {
		t.Fatal("no timer armed")
	}
}

// waitFor polls a condition that background work makes true, failing after 5 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		case <-tick.C:
		}
	}
}

func TestResumeSendsMissedEventsOrSnapshot(t *testing.T) {
	r := newRig(t)
	c, _ := r.hub.Create(ctx(t), engine.CreateOptions{})
	teacher := staff(c)
	for _, nick := range []string{"Anya", "Boris", "Chen", "Dana"} {
		if _, err := r.hub.Join(ctx(t), c.Code, nick); err != nil {
			t.Fatal(err)
		}
	}
	after := uint64(2)
	f, err := r.hub.Watch(ctx(t), teacher, &after)
	if err != nil {
		t.Fatal(err)
	}
	for want := uint64(3); want <= 5; want++ {
		fr, _ := next(t, f)
		for fr.Type == "presence" {
			fr, _ = next(t, f)
		}
		if fr.Type != "event" || fr.Event.Seq != want {
			t.Fatalf("resume: got %+v, want event %d", fr, want)
		}
	}
	f.Close()
	tooFar := uint64(999)
	f2, _ := r.hub.Watch(ctx(t), teacher, &tooFar)
	if fr, _ := next(t, f2); fr.Type != "snapshot" || fr.Seq != 5 {
		t.Fatalf("resume from the future should snapshot: %+v", fr)
	}
}

func TestSlowViewerIsDroppedWithoutSlowingTheRoom(t *testing.T) {
	path := filepath.Join(t.TempDir(), "debate.db")
	r := openRig(t, path, clock.NewFake(time.Now()), 2)
	c, _ := r.hub.Create(ctx(t), engine.CreateOptions{})
	slow, _ := r.hub.Watch(ctx(t), staff(c), nil) // never read
	for _, nick := range []string{"Anya", "Boris", "Chen", "Dana", "Egor"} {
		if _, err := r.hub.Join(ctx(t), c.Code, nick); err != nil {
			t.Fatal(err)
		}
	}
	drain(t, slow)
	if code, _ := slow.Reason(); code != protocol.CloseSlow {
		t.Fatalf("slow feed ended with %d", code)
	}
}

func TestRemovedPlayerIsCutOff(t *testing.T) {
	r := newRig(t)
	c, _ := r.hub.Create(ctx(t), engine.CreateOptions{})
	j, _ := r.hub.Join(ctx(t), c.Code, "Anya")
	s, _ := r.hub.Authenticate(ctx(t), c.Code, j.Token)
	f, _ := r.hub.Watch(ctx(t), s, nil)
	if _, err := r.hub.Submit(ctx(t), staff(c), cmd("rm", "removePlayer", map[string]string{"playerId": j.PlayerID})); err != nil {
		t.Fatal(err)
	}
	drain(t, f)
	if code, _ := f.Reason(); code != protocol.CloseRemoved {
		t.Fatalf("removed player's feed ended with %d", code)
	}
	if _, err := r.hub.Submit(ctx(t), s, cmd("v", "argue", map[string]string{"text": "hi"})); fault.CodeOf(err) != fault.Unauthorized {
		t.Fatalf("removed player's command: %v", err)
	}
	if _, err := r.hub.Watch(ctx(t), s, nil); fault.CodeOf(err) != fault.Unauthorized {
		t.Fatalf("removed player's watch: %v", err)
	}
	if _, err := r.hub.Authenticate(ctx(t), c.Code, j.Token); fault.CodeOf(err) != fault.Unauthorized {
		t.Fatalf("removed player's token still authenticates: %v", err)
	}
}

func TestTicketsAreSingleUseAndExpire(t *testing.T) {
	r := newRig(t)
	c, _ := r.hub.Create(ctx(t), engine.CreateOptions{})
	tk, _, err := r.hub.IssueTicket(ctx(t), staff(c))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.hub.Authenticate(ctx(t), c.Code, tk); fault.CodeOf(err) != fault.Unauthorized {
		t.Fatalf("a ticket must not work as a key: %v", err)
	}
	s, err := r.hub.RedeemTicket(ctx(t), c.Code, tk)
	if err != nil || s.Principal.Kind != room.Teacher {
		t.Fatalf("redeem: %+v %v", s, err)
	}
	if _, err := r.hub.RedeemTicket(ctx(t), c.Code, tk); fault.CodeOf(err) != fault.Unauthorized {
		t.Fatalf("second redeem: %v", err)
	}
	tk2, _, _ := r.hub.IssueTicket(ctx(t), staff(c))
	r.clock.Advance(2 * time.Minute)
	if _, err := r.hub.RedeemTicket(ctx(t), c.Code, tk2); fault.CodeOf(err) != fault.Unauthorized {
		t.Fatalf("expired ticket: %v", err)
	}
}

// A key or token offered where a ticket belongs is refused and keeps working: a
// mistaken (or malicious) ticket must never lock a teacher out of their room.
func TestKeyOfferedAsTicketSurvives(t *testing.T) {
	r := newRig(t)
	c, _ := r.hub.Create(ctx(t), engine.CreateOptions{})
	j, err := r.hub.Join(ctx(t), c.Code, "Anya")
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{c.TeacherKey, j.Token} {
		if _, err := r.hub.RedeemTicket(ctx(t), c.Code, secret); fault.CodeOf(err) != fault.Unauthorized {
			t.Fatalf("a key redeemed as a ticket: %v", err)
		}
		if _, err := r.hub.Authenticate(ctx(t), c.Code, secret); err != nil {
			t.Fatalf("after being offered as a ticket the credential no longer works: %v", err)
		}
	}
}

func TestRestartRefoldsEveryRoom(t *testing.T) {
	path := filepath.Join(t.TempDir(), "debate.db")
	clk := clock.NewFake(time.Date(1932, 8, 7, 10, 0, 0, 0, time.UTC))
	r := openRig(t, path, clk, 0)
	c, _ := r.hub.Create(ctx(t), engine.CreateOptions{})
	var tokens []string
	for _, nick := range []string{"Anya", "Boris", "Chen", "Dana"} {
		j, _ := r.hub.Join(ctx(t), c.Code, nick)
		tokens = append(tokens, j.Token)
	}
	seq, err := r.hub.Submit(ctx(t), staff(c), cmd("go", "start", nil))
	if err != nil {
		t.Fatal(err)
	}
	r.close()

	r2 := openRig(t, path, clk, 0)
	if err := r2.hub.Start(ctx(t)); err != nil {
		t.Fatal(err)
	}
	s, err := r2.hub.Authenticate(ctx(t), c.Code, tokens[2])
	if err != nil {
		t.Fatalf("token after restart: %v", err)
	}
	f, err := r2.hub.Watch(ctx(t), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	fr, _ := next(t, f)
	if fr.Type != "snapshot" || fr.Seq != seq {
		t.Fatalf("after restart: %+v, want snapshot at %d", fr, seq)
	}
	// The same command id is still remembered after the restart.
	again, err := r2.hub.Submit(ctx(t), staff(c), cmd("go", "start", nil))
	if err != nil || again != seq {
		t.Fatalf("repeat after restart: %d %v", again, err)
	}
}

// A phase timer survives a restart: a deadline that passed while the server was down
// fires once when it starts again, with nobody connected, and a second restart does
// not fire it again.
func TestTimerSurvivesRestartAndFiresOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "debate.db")
	clk := clock.NewFake(time.Date(1932, 8, 7, 10, 0, 0, 0, time.UTC))
	r := openRig(t, path, clk, 0)
	settings, _ := json.Marshal(room.Settings{Timers: room.Timers{Briefing: 60, Debate: 60, Vote: 60, Resolution: 60}})
	c, _ := r.hub.Create(ctx(t), engine.CreateOptions{Settings: settings})
	for _, nick := range []string{"Anya", "Boris", "Chen", "Dana"} {
		if _, err := r.hub.Join(ctx(t), c.Code, nick); err != nil {
			t.Fatal(err)
		}
	}
	started, err := r.hub.Submit(ctx(t), staff(c), cmd("go", "start", nil))
	if err != nil {
		t.Fatal(err)
	}
	r.close()
	clk.Advance(90 * time.Second) // the briefing's deadline passes while the server is down

	r2 := openRig(t, path, clk, 0)
	if err := r2.hub.Start(ctx(t)); err != nil {
		t.Fatal(err)
	}
	waitLast(t, r2, c.RoomID, started+1)
	entries, err := r2.store.Log().Read(ctx(t), c.RoomID, started, 0)
	if err != nil || len(entries) != 1 {
		t.Fatalf("after the restart the log holds %d new events (%v), want the timer's one", len(entries), err)
	}
	var e room.Event
	_ = json.Unmarshal(entries[0].Data, &e)
	var data struct {
		Phase string `json:"phase"`
	}
	_ = json.Unmarshal(e.Data, &data)
	if e.Type != room.EvPhaseChanged || e.By == nil || e.By.Kind != room.System || data.Phase != "debate" {
		t.Fatalf("the timer's event: %s by %+v to %q, want phaseChanged to debate by the system", e.Type, e.By, data.Phase)
	}
	waitPending(t, clk) // the debate's timer is armed, not yet due
	r2.close()

	r3 := openRig(t, path, clk, 0)
	if err := r3.hub.Start(ctx(t)); err != nil {
		t.Fatal(err)
	}
	waitPending(t, clk)
	if last, _ := r3.store.Log().Last(ctx(t), c.RoomID); last != started+1 {
		t.Fatalf("a second restart wrote seq %d; the briefing's timer fired again", last)
	}
}

// waitLast waits until a room's log reaches seq.
func waitLast(t *testing.T, r *rig, roomID string, seq uint64) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		last, err := r.store.Log().Last(ctx(t), roomID)
		if err == nil && last >= seq {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the log stayed at %d (%v), want %d", last, err, seq)
		}
		<-tick.C
	}
}

func TestDeleteRoomEndsFeedsAndForgetsCredentials(t *testing.T) {
	r := newRig(t)
	c, _ := r.hub.Create(ctx(t), engine.CreateOptions{})
	f, _ := r.hub.Watch(ctx(t), staff(c), nil)
	if _, err := r.hub.Submit(ctx(t), staff(c), cmd("del", "delete", nil)); err != nil {
		t.Fatal(err)
	}
	drain(t, f)
	if code, _ := f.Reason(); code != protocol.CloseDeleted {
		t.Fatalf("feed of a deleted room ended with %d", code)
	}
	waitFor(t, "the purge of the deleted room", func() bool {
		_, err := r.store.Directory().Lookup(ctx(t), c.Code)
		return errors.Is(err, engine.ErrNotFound)
	})
	// The key is refused as any wrong key is: nothing says the room once existed.
	if _, err := r.hub.Authenticate(ctx(t), c.Code, c.TeacherKey); fault.CodeOf(err) != fault.Unauthorized {
		t.Fatalf("the deleted room's key: %v", err)
	}
}

// A credential offered for a code that names no room gets exactly the answer a wrong
// credential for a real room gets, so credential routes cannot be used to find rooms.
func TestUnknownCodeAnswersLikeAWrongCredential(t *testing.T) {
	r := newRig(t)
	c, _ := r.hub.Create(ctx(t), engine.CreateOptions{})
	_, wrongKey := r.hub.Authenticate(ctx(t), c.Code, "tk_wrong")
	_, noRoom := r.hub.Authenticate(ctx(t), "ZZZZ2222", "tk_wrong")
	_, wrongTicket := r.hub.RedeemTicket(ctx(t), c.Code, "tt_wrong")
	_, noRoomTicket := r.hub.RedeemTicket(ctx(t), "ZZZZ2222", "tt_wrong")
	for _, pair := range [][2]error{{wrongKey, noRoom}, {wrongTicket, noRoomTicket}} {
		a, b := fault.As(pair[0]), fault.As(pair[1])
		if a.Code != fault.Unauthorized || a.Code != b.Code || a.Key != b.Key || a.Message != b.Message {
			t.Errorf("wrong credential: %+v; unknown code: %+v — want the same unauthorized answer", a, b)
		}
	}
}

func TestSweepDeletesIdleRooms(t *testing.T) {
	r := newRig(t)
	old, _ := r.hub.Create(ctx(t), engine.CreateOptions{})
	r.clock.Advance(31 * 24 * time.Hour)
	fresh, _ := r.hub.Create(ctx(t), engine.CreateOptions{})
	n, err := r.hub.Sweep(ctx(t))
	if err != nil || n != 1 {
		t.Fatalf("sweep: %d %v", n, err)
	}
	if _, err := r.store.Directory().Lookup(ctx(t), old.Code); !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("old room still in the directory: %v", err)
	}
	if _, err := r.hub.Authenticate(ctx(t), old.Code, old.TeacherKey); fault.CodeOf(err) != fault.Unauthorized {
		t.Fatalf("old room's key: %v", err)
	}
	if _, err := r.hub.Authenticate(ctx(t), fresh.Code, fresh.TeacherKey); err != nil {
		t.Fatalf("fresh room: %v", err)
	}
}
