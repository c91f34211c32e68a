package room

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/roles"
)

func TestCreate(t *testing.T) {
	r := newRoom(t, CreateParams{Seed: 7})
	s := r.s
	if s.Seq() != 1 || s.ID() != "room-1" || s.Code() != "ABCD" || s.Phase() != Lobby || s.Deleted() {
		t.Fatalf("fresh room: seq %d id %q code %q phase %s", s.Seq(), s.ID(), s.Code(), s.Phase())
	}
	if s.c.Mode != economy.Historical || s.c.VoteMode != HistoricalWeights {
		t.Errorf("defaults: mode %q vote mode %q", s.c.Mode, s.c.VoteMode)
	}
	if s.c.Settings.MaxPlayers != 60 || s.c.Settings.Timers != DefaultTimers {
		t.Errorf("default settings: %+v", s.c.Settings)
	}
	sc := economy.Default()
	if len(s.c.Settings.PlayedYears) != len(sc.Years) {
		t.Errorf("played years %v, want all %d", s.c.Settings.PlayedYears, len(sc.Years))
	}
	if s.c.ScenarioHash != sc.Hash() || s.Scenario().Hash() != sc.Hash() {
		t.Error("the room does not keep the scenario's hash")
	}
	if _, ok := s.NextDeadline(); ok {
		t.Error("the lobby has no timer")
	}
	if !s.LastActivity().Equal(t0) {
		t.Errorf("last activity %v", s.LastActivity())
	}
	if v := VisibilityOf(r.log[0]); v.Public || !v.Staff {
		t.Errorf("roomCreated visibility %+v, want staff only", v)
	}

	bad := []struct {
		name string
		p    CreateParams
	}{
		{"no id", CreateParams{Code: "X"}},
		{"bad mode", CreateParams{RoomID: "r", Code: "X", Mode: "fantasy"}},
		{"bad vote mode", CreateParams{RoomID: "r", Code: "X", VoteMode: "loudest"}},
		{"bad year", CreateParams{RoomID: "r", Code: "X", Settings: Settings{PlayedYears: []int{1927}}}},
		{"too many players", CreateParams{RoomID: "r", Code: "X", Settings: Settings{MaxPlayers: 1000}}},
		{"negative timer", CreateParams{RoomID: "r", Code: "X", Settings: Settings{Timers: Timers{Vote: -5}}}},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Create(tt.p, t0); fault.CodeOf(err) != fault.Invalid {
				t.Errorf("got %v, want invalid", err)
			}
		})
	}
}

func TestCreateCustomSettings(t *testing.T) {
	r := newRoom(t, CreateParams{Mode: economy.Counterfactual, VoteMode: OneEach,
		Settings: Settings{Timers: Timers{Debate: 60}, MaxPlayers: 30, PlayedYears: []int{1932, 1928, 1930, 1928}}})
	st := r.s.c.Settings
	if st.Timers.Debate != 60 || st.Timers.Vote != DefaultTimers.Vote || st.MaxPlayers != 30 {
		t.Errorf("settings %+v", st)
	}
	if got := st.PlayedYears; len(got) != 3 || got[0] != 1928 || got[1] != 1930 || got[2] != 1932 {
		t.Errorf("played years %v, want sorted unique [1928 1930 1932]", got)
	}
}

func TestApplyRefusesCorruptLog(t *testing.T) {
	r := newRoom(t, CreateParams{})
	good := r.log[0]
	tests := []struct {
		name  string
		state func() *State
		e     Event
	}{
		{"gap", func() *State { return r.s.clone() }, Event{V: 1, Seq: 5, Type: EvLockSet, Data: data(FlagData{On: true})}},
		{"repeat", func() *State { return r.s.clone() }, Event{V: 1, Seq: 1, Type: EvLockSet, Data: data(FlagData{On: true})}},
		{"unknown type", func() *State { return r.s.clone() }, Event{V: 1, Seq: 2, Type: "coup"}},
		{"newer format", func() *State { return r.s.clone() }, Event{V: EventFormat + 1, Seq: 2, Type: EvLockSet}},
		{"bad data", func() *State { return r.s.clone() }, Event{V: 1, Seq: 2, Type: EvLockSet, Data: json.RawMessage(`"x"`)}},
		{"first is not roomCreated", NewState, Event{V: 1, Seq: 1, Type: EvLockSet}},
		{"tampered scenario", NewState, func() Event {
			e := good
			var d RoomCreatedData
			_ = json.Unmarshal(e.Data, &d)
			d.ScenarioHash = "0000"
			e.Data = data(d)
			return e
		}()},
		{"unknown player", func() *State { return r.s.clone() }, Event{V: 1, Seq: 2, Type: EvPlayerRemoved, Data: data(PlayerRef{PlayerID: "ghost"})}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := Apply(tt.state(), tt.e); err == nil {
				t.Error("Apply accepted a corrupt event")
			}
		})
	}
}

func TestJoin(t *testing.T) {
	r := newRoom(t, CreateParams{})
	want := []string{roles.Peasant, roles.Official, roles.Kulak, roles.Bukharinite, roles.Peasant}
	regions := map[string]bool{}
	for i, role := range want {
		d := r.join(string(rune('a'+i)), "Student "+string(rune('A'+i)))
		if d.Role != role {
			t.Errorf("player %d got role %s, want %s", i, d.Role, role)
		}
		if d.Fate != roles.InitialFate(role) {
			t.Errorf("player %d fate %q", i, d.Fate)
		}
		if d.Pending {
			t.Error("pending without approval on")
		}
		regions[d.Region] = true
	}
	if len(regions) != 5 {
		t.Errorf("five players cover %d regions", len(regions))
	}
	if !r.s.PlayerActive("a") || r.s.PlayerActive("zz") {
		t.Error("PlayerActive wrong")
	}
	// A nickname is trimmed.
	if d := r.join("t", "  Trimmed  "); d.Nickname != "Trimmed" {
		t.Errorf("nickname %q not trimmed", d.Nickname)
	}

	refusals := []struct {
		name, id, nick string
		code           fault.Code
	}{
		{"empty", "x1", "   ", fault.BadNickname},
		{"too long", "x2", strings.Repeat("я", 25), fault.BadNickname},
		{"control character", "x3", "bad\u0007bell", fault.BadNickname},
		{"newline", "x4", "two\nlines", fault.BadNickname},
		{"zero-width line separator", "x5", "a\u2028b", fault.BadNickname},
		{"zero-width space after a name", "x7", "Student A\u200b", fault.BadNickname},
		{"right-to-left override", "x8", "Bob\u202e", fault.BadNickname},
		{"lone joiner", "x9", "Ann\u200dA", fault.BadNickname},
		{"replacement character", "x10", "Ann\ufffd", fault.BadNickname},
		{"taken, other case", "x6", "student a", fault.Conflict},
		{"same player twice", "a", "Someone New", fault.Conflict},
		{"no player id", "", "Anon", fault.Malformed},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			r.refuse(sys, "join", map[string]string{"playerId": tt.id, "nickname": tt.nick}, tt.code)
		})
	}
	// 24 runes is fine, and so is an emoji sequence with its joiner.
	r.join("long", strings.Repeat("я", 24))
	r.join("astronaut", "Astro \U0001F469\u200d\U0001F680")
	r.refuse(sys, "join", `{"playerId":`, fault.Malformed)
}

func TestJoinFullAndLocked(t *testing.T) {
	r := newRoom(t, CreateParams{Settings: Settings{MaxPlayers: 2}})
	r.join("a", "Ada")
	r.join("b", "Boris")
	r.refuse(sys, "join", map[string]string{"playerId": "c", "nickname": "Cyril"}, fault.RoomFull)
	// A removed player frees a place, and their nickname.
	r.do(teacher, "removePlayer", map[string]string{"playerId": "b"})
	if r.s.PlayerActive("b") {
		t.Error("removed player still active")
	}
	r.join("c", "boris")
	r.do(teacher, "removePlayer", map[string]string{"playerId": "c"})
	r.do(teacher, "lock", map[string]bool{"locked": true})
	r.refuse(sys, "join", map[string]string{"playerId": "d", "nickname": "Dasha"}, fault.RoomLocked)
	r.do(coteacher, "lock", map[string]bool{"locked": false})
	r.join("d", "Dasha")
}

func TestJoinApproval(t *testing.T) {
	r := newRoom(t, CreateParams{})
	r.do(teacher, "approveJoins", map[string]bool{"on": true})
	d := r.join("a", "Ada")
	if !d.Pending || r.s.c.Players["a"].Status != StatusPending || !r.s.PlayerActive("a") {
		t.Fatalf("player should wait for approval: %+v", d)
	}
	if v := VisibilityOf(r.log[len(r.log)-1]); v.Public || !v.Sees(Audience{Kind: Player, PlayerID: "a"}) || v.Sees(Audience{Kind: Player, PlayerID: "b"}) {
		t.Errorf("a pending join is for staff and the player: %+v", v)
	}
	r.join("b", "Boris")
	r.join("c", "Cyril")
	r.do(teacher, "start", nil)
	r.advance(1) // debate
	r.refuse(pl("a"), "argue", map[string]string{"text": "hi", "decision": r.curYear().Decisions[0].ID, "option": r.curYear().Decisions[0].Options[0].ID}, fault.Forbidden)
	if v := r.s.View(pl("c")); len(v.Players) != 0 {
		t.Errorf("other players see pending players: %+v", v.Players)
	}
	if v := r.s.View(teacher); len(v.Players) != 3 {
		t.Errorf("teacher sees %d players, want 3 (pending included)", len(v.Players))
	}
	evs := r.do(teacher, "approvePlayer", map[string]string{"playerId": "a"})
	if !VisibilityOf(evs[0]).Public || r.s.c.Players["a"].Status != StatusActive {
		t.Error("approval should be public and make the player active")
	}
	r.refuse(teacher, "approvePlayer", map[string]string{"playerId": "a"}, fault.Conflict)
	r.refuse(teacher, "approvePlayer", map[string]string{"playerId": "nobody"}, fault.NotFound)
	// Switching approval off lets everyone waiting in.
	evs = r.do(teacher, "approveJoins", map[string]bool{"on": false})
	if got := types(evs); len(got) != 3 || got[1] != EvPlayerApproved || got[2] != EvPlayerApproved {
		t.Errorf("approveJoins off: %v", got)
	}
	for _, id := range []string{"b", "c"} {
		if r.s.c.Players[id].Status != StatusActive {
			t.Errorf("%s still pending", id)
		}
	}
}

// Every command: who may send it. Anything else is forbidden with nothing changed.
func TestPermissions(t *testing.T) {
	r := newRoom(t, CreateParams{})
	r.join("a", "Ada")
	who := map[string]string{
		"join": "system", "tick": "system", "issueRejoin": "system", "rejoin": "system",
		"argue": "player", "reply": "player", "mark": "player", "unmark": "player", "vote": "player", "act": "player",
		"chooseRole": "player", "optOut": "player", "exitTicket": "player", "report": "player", "stepOut": "player",
		"flagClaim": "player", "attachCard": "player", "annotate": "player",
	}
	for _, typ := range CommandTypes() {
		if who[typ] == "" {
			who[typ] = "staff"
		}
	}
	// 30 of the room engine, 15 of the classroom, 2 of the teacher's assessment, 3 of the
	// Historian, 2 of rejoin approval.
	if want := 30 + 15 + 2 + 3 + 2; len(who) != want {
		t.Errorf("%d command types, want %d", len(who), want)
	}
	kinds := map[string][]Principal{
		"system": {sys},
		"staff":  {teacher, coteacher},
		"player": {pl("a")},
	}
	for typ, allowed := range who {
		for group, ps := range kinds {
			if group == allowed {
				continue
			}
			for _, p := range ps {
				r.refuse(p, typ, nil, fault.Forbidden)
			}
		}
		r.refuse(projector, typ, nil, fault.Forbidden)
	}
	r.refuse(teacher, "coup", nil, fault.UnknownType)
	r.refuse(pl("ghost"), "argue", nil, fault.Forbidden)
}

func TestProcessedDedup(t *testing.T) {
	r := newRoom(t, CreateParams{})
	r.join("a", "Ada")
	cmd := Command{ID: "same", Type: "lock", By: teacher, Data: data(map[string]bool{"locked": true})}
	if _, ok := r.s.Processed(teacher, "same"); ok {
		t.Fatal("processed before it was sent")
	}
	evs, err := Decide(r.s, cmd, r.now)
	if err != nil {
		t.Fatal(err)
	}
	r.apply(evs...)
	seq, ok := r.s.Processed(teacher, "same")
	if !ok || seq != evs[len(evs)-1].Seq {
		t.Fatalf("Processed = %d, %v; want %d", seq, ok, evs[0].Seq)
	}
	// The id is per principal: the co-teacher's "same" is another command.
	if _, ok := r.s.Processed(coteacher, "same"); ok {
		t.Error("a command id leaked across principals")
	}
	// A multi-event command is remembered by its last event.
	cmd = Command{ID: "go", Type: "start", By: teacher}
	evs, err = Decide(r.s, cmd, r.now)
	if err != nil {
		t.Fatal(err)
	}
	r.apply(evs...)
	if seq, _ := r.s.Processed(teacher, "go"); seq != r.s.Seq() {
		t.Errorf("start remembered at %d, want %d", seq, r.s.Seq())
	}
	// Refused commands are not remembered.
	r.refuse(teacher, "start", nil, fault.WrongPhase)
	if _, ok := r.s.Processed(teacher, fmt.Sprintf("c%d", r.nextID)); ok {
		t.Error("a refused command was remembered")
	}
}

func TestDeleted(t *testing.T) {
	r := newRoom(t, CreateParams{})
	r.join("a", "Ada")
	r.do(teacher, "start", nil)
	r.do(teacher, "delete", nil)
	if !r.s.Deleted() {
		t.Fatal("not deleted")
	}
	if _, ok := r.s.NextDeadline(); ok {
		t.Error("a deleted room keeps a timer")
	}
	r.refuse(teacher, "pause", nil, fault.NotFound)
	r.refuse(sys, "join", map[string]string{"playerId": "b", "nickname": "B"}, fault.NotFound)
	if _, err := Decide(NewState(), Command{Type: "start", By: teacher}, t0); fault.CodeOf(err) != fault.NotFound {
		t.Errorf("a room that was never created: %v", err)
	}
	if err := Apply(r.s, Event{V: 1, Seq: r.s.Seq() + 1, Type: EvLockSet, At: t0, Data: data(FlagData{})}); err == nil {
		t.Error("Apply accepted an event after deletion")
	}
}

func TestStateMarshalRoundTrip(t *testing.T) {
	r := newRoom(t, CreateParams{})
	r.join("a", "Ada")
	r.do(teacher, "start", nil)
	c := r.s.clone()
	if string(stateJSON(t, c)) != string(stateJSON(t, r.s)) {
		t.Error("clone differs from the original")
	}
	c.c.Players["a"].Nickname = "changed"
	if r.s.c.Players["a"].Nickname != "Ada" {
		t.Error("clone shares memory with the original")
	}
}

// A room keeps the scenario it was created with: a replay on a server whose default
// scenario has changed still loads the room's own bytes.
func TestRoomKeepsItsScenario(t *testing.T) {
	raw := append(append([]byte(nil), economy.Default().Raw()...), '\n')
	own, err := economy.Load("older.json", raw)
	if err != nil {
		t.Fatal(err)
	}
	r := newRoom(t, CreateParams{Scenario: own})
	if r.s.Scenario() == economy.Default() || r.s.Scenario().Hash() != own.Hash() || own.Hash() == economy.Default().Hash() {
		t.Fatal("the room does not use its own scenario")
	}
	fresh := NewState()
	if err := Apply(fresh, r.log[0]); err != nil || fresh.Scenario().Hash() != own.Hash() {
		t.Fatalf("replay: %v", err)
	}
	// On the default scenario, rooms share the loaded copy.
	if d := newRoom(t, CreateParams{}); d.s.Scenario() != economy.Default() {
		t.Error("a default room loaded its own copy")
	}
}
