package room

import (
	"strings"
	"testing"

	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/roles"
)

func TestAssignAndRemove(t *testing.T) {
	r := classRoom(t, CreateParams{})
	r.do(teacher, "assignRole", map[string]string{"playerId": "a", "role": roles.Kulak, "region": string(economy.Kazakhstan)})
	p := r.s.c.Players["a"]
	if p.Role != roles.Kulak || p.Region != string(economy.Kazakhstan) || p.Fate != roles.Free {
		t.Errorf("after assign: %+v", p)
	}
	// Region kept when not given; same role keeps the fate.
	r.do(teacher, "assignRole", map[string]string{"playerId": "a", "role": roles.Kulak})
	if p := r.s.c.Players["a"]; p.Region != string(economy.Kazakhstan) || p.Fate != roles.Free {
		t.Errorf("after re-assign: %+v", p)
	}
	r.refuse(teacher, "assignRole", map[string]string{"playerId": "a", "role": "tsar"}, fault.Invalid)
	r.refuse(teacher, "assignRole", map[string]string{"playerId": "a", "role": roles.Peasant, "region": "siberia"}, fault.Invalid)
	r.refuse(teacher, "assignRole", map[string]string{"playerId": "zz", "role": roles.Peasant}, fault.NotFound)

	r.advance(1) // vote
	if act := r.actionFor("b"); act != "" {
		r.do(pl("b"), "act", map[string]string{"action": act})
		r.do(pl("b"), "vote", map[string]string{"decision": r.curYear().Decisions[0].ID, "option": r.curYear().Decisions[0].Options[0].ID})
		// Changing role drops an action that no longer fits.
		r.do(teacher, "assignRole", map[string]string{"playerId": "b", "role": roles.Peasant})
		if _, ok := r.s.c.Actions["b"]; ok {
			t.Error("old role's action kept")
		}
	}
	r.do(teacher, "removePlayer", map[string]string{"playerId": "b"})
	if _, ok := r.s.c.Votes["b"]; ok {
		t.Error("a removed player's vote is kept")
	}
	r.refuse(teacher, "removePlayer", map[string]string{"playerId": "b"}, fault.NotFound)
	r.refuse(pl("b"), "vote", map[string]string{"decision": r.curYear().Decisions[0].ID, "option": r.curYear().Decisions[0].Options[0].ID}, fault.Forbidden)
	for _, pi := range r.s.View(pl("a")).Players {
		if pi.ID == "b" {
			t.Error("players still see a removed player")
		}
	}
}

func TestDirectives(t *testing.T) {
	sc := economy.Default()
	var dir string
	for _, y := range sc.Years {
		if len(y.Directives) > 0 {
			dir = y.Directives[0].ID
			break
		}
	}
	if dir == "" {
		t.Fatal("the scenario has no directives")
	}
	hist := newRoom(t, CreateParams{})
	hist.refuse(teacher, "setDirective", map[string]any{"directive": dir, "on": false}, fault.Forbidden)

	cf := newRoom(t, CreateParams{Mode: economy.Counterfactual})
	cf.refuse(teacher, "setDirective", map[string]any{"directive": "nope", "on": false}, fault.NotFound)
	cf.do(teacher, "setDirective", map[string]any{"directive": dir, "on": false})
	if on, set := cf.s.c.Directives[dir]; !set || on {
		t.Error("directive switch not kept")
	}
	if v := cf.s.View(pl("x")); v.Directives[dir] {
		t.Error("view shows the directive in force")
	}
}

func TestInjectAndAnnounce(t *testing.T) {
	r := newRoom(t, CreateParams{})
	r.join("a", "Ada")
	r.refuse(teacher, "injectEvent", map[string]string{"event": "x"}, fault.WrongPhase)
	r.do(teacher, "start", nil)
	r.refuse(teacher, "injectEvent", map[string]string{"event": "no-such-event"}, fault.NotFound)
	// Find a year with a shock event.
	for len(r.curYear().Events) == 0 && r.s.Year() < r.s.Scenario().LastYear() {
		r.advance(4)
	}
	if len(r.curYear().Events) == 0 {
		t.Fatal("no shock events in the scenario")
	}
	ev := r.curYear().Events[0]
	evs := r.do(teacher, "injectEvent", map[string]string{"event": ev.ID})
	var d InjectedData
	mustDecode(t, evs[0], &d)
	if d.Title != ev.Title || d.Year != r.s.Year() || !VisibilityOf(evs[0]).Public {
		t.Errorf("injected %+v", d)
	}
	r.refuse(teacher, "injectEvent", map[string]string{"event": ev.ID}, fault.Conflict)
	if v := r.s.View(pl("a")); len(v.Injected) != 1 || v.Injected[0].Event != ev.ID || v.Current.Shocks != nil {
		t.Errorf("player view of injected events: %+v", v.Injected)
	}
	if v := r.s.View(teacher); len(v.Current.Shocks) == 0 {
		t.Error("teacher does not see the year's shock events")
	}
	year := r.s.Year()
	r.toPhase(Resolution)
	res := r.s.c.Results[len(r.s.c.Results)-1]
	if res.Year != year || len(res.Choices.Events) != 1 || res.Choices.Events[0] != ev.ID {
		t.Errorf("the choices record misses the injected event: %+v", res.Choices)
	}

	r.do(teacher, "announce", map[string]string{"text": "  Five minutes left.  "})
	if a := r.s.View(projector).Announcements; len(a) != 1 || a[0].Text != "Five minutes left." {
		t.Errorf("announcements %+v", a)
	}
	r.refuse(teacher, "announce", map[string]string{"text": ""}, fault.Invalid)
	r.refuse(teacher, "announce", map[string]string{"text": strings.Repeat("x", MaxAnnouncement+1)}, fault.TooLarge)
}

func TestSettingsCommand(t *testing.T) {
	r := newRoom(t, CreateParams{})
	r.do(teacher, "settings", map[string]any{"timers": map[string]int{"debate": 90}, "playedYears": []int{1928, 1932}})
	st := r.s.c.Settings
	if st.Timers.Debate != 90 || st.Timers.Briefing != DefaultTimers.Briefing || len(st.PlayedYears) != 2 || st.MaxPlayers != 60 {
		t.Errorf("settings %+v", st)
	}
	r.refuse(teacher, "settings", map[string]any{"playedYears": []int{1900}}, fault.Invalid)
	r.refuse(teacher, "settings", map[string]any{"maxPlayers": -1}, fault.Invalid)
	r.refuse(teacher, "settings", map[string]any{"timers": map[string]int{"vote": MaxTimerSeconds + 1}}, fault.Invalid)
	r.refuse(teacher, "settings", `[1,2]`, fault.Malformed)
}

func TestHeldPosts(t *testing.T) {
	r := classRoom(t, CreateParams{})
	r.do(teacher, "holdPosts", map[string]bool{"on": true})
	evs := r.do(pl("a"), "argue", map[string]string{"text": "Held for now.", "decision": r.curYear().Decisions[0].ID, "option": r.curYear().Decisions[0].Options[0].ID})
	var pd PostData
	mustDecode(t, evs[0], &pd)
	vis := VisibilityOf(evs[0])
	if !pd.Held || vis.Public || vis.Projector || !vis.Staff || !vis.Sees(Audience{Kind: Player, PlayerID: "a"}) || vis.Sees(Audience{Kind: Player, PlayerID: "b"}) {
		t.Fatalf("held post %+v visibility %+v", pd, vis)
	}
	if Redact(evs[0], Audience{Kind: Player, PlayerID: "b"}).Type != RedactedType {
		t.Error("another player receives a held post")
	}
	for _, p := range []Principal{pl("b"), projector} {
		if v := r.s.View(p); len(v.Arguments) != 0 {
			t.Errorf("%s sees a held post", p.Key())
		}
	}
	if v := r.s.View(pl("a")); len(v.Arguments) != 1 || !v.Arguments[0].Held {
		t.Error("the author does not see their held post")
	}
	// Others cannot reply to or mark a held post.
	r.refuse(pl("b"), "reply", map[string]string{"argumentId": pd.ID, "text": "?"}, fault.NotFound)
	r.refuse(pl("b"), "mark", map[string]string{"argumentId": pd.ID}, fault.NotFound)
	// Approval carries the full post to everyone.
	evs = r.do(teacher, "approvePost", map[string]string{"argumentId": pd.ID})
	var ap PostData
	mustDecode(t, evs[0], &ap)
	if !VisibilityOf(evs[0]).Public || ap.Text != "Held for now." || ap.Held {
		t.Errorf("approval %+v", ap)
	}
	if v := r.s.View(projector); len(v.Arguments) != 1 {
		t.Error("the projector does not see the approved post")
	}
	r.refuse(teacher, "approvePost", map[string]string{"argumentId": pd.ID}, fault.Conflict)
	r.refuse(teacher, "approvePost", map[string]string{"argumentId": "zz"}, fault.NotFound)
	// Hiding removes it for everyone but staff, its author included.
	r.do(teacher, "hidePost", map[string]string{"argumentId": pd.ID})
	for _, p := range []Principal{pl("a"), pl("b"), projector} {
		if v := r.s.View(p); len(v.Arguments) != 0 {
			t.Errorf("%s sees a hidden post", p.Key())
		}
	}
	if v := r.s.View(teacher); len(v.Arguments) != 1 || !v.Arguments[0].Hidden {
		t.Error("the teacher loses a hidden post")
	}
	r.refuse(teacher, "hidePost", map[string]string{"argumentId": pd.ID}, fault.Conflict)
	r.refuse(teacher, "approvePost", map[string]string{"argumentId": pd.ID}, fault.Conflict)
	r.refuse(pl("b"), "mark", map[string]string{"argumentId": pd.ID}, fault.NotFound)
	// Turning holding off: new posts are public at once.
	r.do(teacher, "holdPosts", map[string]bool{"on": false})
	evs = r.do(pl("b"), "argue", map[string]string{"text": "Public.", "decision": r.curYear().Decisions[0].ID, "option": r.curYear().Decisions[0].Options[0].ID})
	if !VisibilityOf(evs[0]).Public {
		t.Error("post held after holding was switched off")
	}
}
