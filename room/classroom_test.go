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

// assertUnseen checks that the projector and every player but those allowed never
// receive any of the secrets: not in the events of the log as their audience receives
// them, not in their snapshot.
func assertUnseen(t *testing.T, r *testRoom, secrets []string, allowed ...string) {
	t.Helper()
	auds := map[string]Audience{"projector": {Kind: Projector}}
	for _, id := range r.s.c.Order {
		if !containsString(allowed, id) {
			auds["player "+id] = Audience{Kind: Player, PlayerID: id}
		}
	}
	for name, a := range auds {
		var got strings.Builder
		for _, e := range r.log {
			b, _ := json.Marshal(Redact(e, a))
			got.Write(b)
		}
		p := Principal{Kind: a.Kind, PlayerID: a.PlayerID}
		got.WriteString(viewJSON(t, r.s, p))
		for _, s := range secrets {
			if strings.Contains(got.String(), s) {
				t.Errorf("%s receives %q", name, s)
			}
		}
	}
	// Staff see everything.
	tv := viewJSON(t, r.s, teacher)
	var all strings.Builder
	all.WriteString(tv)
	for _, e := range r.log {
		b, _ := json.Marshal(Redact(e, Audience{Kind: Teacher}))
		all.Write(b)
	}
	for _, s := range secrets {
		if !strings.Contains(all.String(), s) {
			t.Errorf("staff do not receive %q", s)
		}
	}
}

func TestChoiceMode(t *testing.T) {
	r := newRoom(t, CreateParams{Settings: Settings{Assignment: AssignChoice}})
	for i, id := range []string{"a", "b", "c", "d", "e", "f"} {
		d := r.join(id, fmt.Sprintf("Student %d", i+1))
		if d.Role != "" || d.Region != "" {
			t.Fatalf("in choice mode a joiner waits to choose: %+v", d)
		}
	}
	// Six players: plan 1 official, 3 peasants, 1 kulak, 1 Bukharinite.
	if caps := r.s.View(pl("a")).RoleCaps; caps[roles.Official] != 1 || caps[roles.Peasant] != 3 {
		t.Fatalf("caps %v", caps)
	}
	r.do(pl("a"), "chooseRole", map[string]string{"role": roles.Official})
	r.refuse(pl("b"), "chooseRole", map[string]string{"role": roles.Official}, fault.Conflict)
	r.refuse(pl("a"), "chooseRole", map[string]string{"role": roles.Official}, fault.Conflict)
	r.refuse(pl("b"), "chooseRole", map[string]string{"role": roles.Historian}, fault.Invalid)
	r.refuse(pl("b"), "chooseRole", map[string]string{"role": "tsar"}, fault.Invalid)
	for _, id := range []string{"b", "c", "d"} {
		r.do(pl(id), "chooseRole", map[string]string{"role": roles.Peasant})
	}
	r.refuse(pl("e"), "chooseRole", map[string]string{"role": roles.Peasant}, fault.Conflict)
	// A player may change their mind while there is room: a peasant place frees up.
	r.do(pl("d"), "chooseRole", map[string]string{"role": roles.Bukharinite})
	r.do(pl("e"), "chooseRole", map[string]string{"role": roles.Peasant})
	p := r.s.c.Players["a"]
	if p.Role != roles.Official || p.Fate != roles.InOffice || !roles.ValidRegion(p.Region) {
		t.Errorf("chosen official %+v", p)
	}
	// Opting out is always open; the Historian neither votes nor acts.
	r.do(pl("c"), "optOut", nil)
	r.refuse(pl("c"), "optOut", nil, fault.Conflict)
	// The start fills in whoever did not choose.
	r.do(teacher, "start", nil)
	if p := r.s.c.Players["f"]; p.Role != roles.Kulak || p.Fate != roles.Free || p.Region == "" {
		t.Errorf("an undecided player at the start: %+v", p)
	}
	r.refuse(pl("e"), "chooseRole", map[string]string{"role": roles.Official}, fault.WrongPhase)
	r.advance(2)
	d := r.curYear().Decisions[0]
	r.refuse(pl("c"), "vote", map[string]string{"decision": d.ID, "option": d.Options[0].ID}, fault.Forbidden)
	// A late joiner in choice mode gets a role at once.
	if late := r.join("g", "Late"); late.Role == "" {
		t.Error("a late joiner waits for a choice that is closed")
	}
	checkReplay(t, r)

	auto := newRoom(t, CreateParams{})
	auto.join("a", "Ada")
	auto.refuse(pl("a"), "chooseRole", map[string]string{"role": roles.Kulak}, fault.Forbidden)
}

func TestGroupPlayers(t *testing.T) {
	r := classRoom(t, CreateParams{})
	r.refuse(teacher, "setGroup", map[string]any{"playerId": "a", "members": []string{"Ana"}}, fault.Invalid)
	r.refuse(teacher, "setGroup", map[string]any{"playerId": "a", "members": []string{"A", "B", "C", "D", "E"}}, fault.Invalid)
	r.refuse(teacher, "setGroup", map[string]any{"playerId": "a", "members": []string{"Ana", strings.Repeat("n", MaxGroupMemberName+1)}}, fault.Invalid)
	r.refuse(teacher, "setGroup", map[string]any{"playerId": "a", "members": []string{"Ana", " "}}, fault.Invalid)
	r.refuse(teacher, "setGroup", map[string]any{"playerId": "a", "members": []string{"Ana", "Sh1t Head"}}, fault.Invalid)
	r.refuse(teacher, "setGroup", map[string]any{"playerId": "zz", "members": []string{"Ana", "Ben"}}, fault.NotFound)
	r.refuse(pl("a"), "setGroup", map[string]any{"playerId": "a", "members": []string{"Ana", "Ben"}}, fault.Forbidden)
	evs := r.do(teacher, "setGroup", map[string]any{"playerId": "a", "members": []string{" Anastasia Q ", "Benedikt R"}})
	if vis := VisibilityOf(evs[0]); vis.Public || vis.Projector || !vis.Sees(Audience{Kind: Player, PlayerID: "a"}) || vis.Sees(Audience{Kind: Player, PlayerID: "b"}) {
		t.Errorf("group members visibility %+v", vis)
	}
	if m := r.s.View(pl("a")).Me.Members; len(m) != 2 || m[0] != "Anastasia Q" {
		t.Errorf("the player sees members %v", m)
	}
	assertUnseen(t, r, []string{"Anastasia Q", "Benedikt R"}, "a")
	r.refuse(teacher, "setGroup", map[string]any{"playerId": "a", "members": []string{"Anastasia Q", "Benedikt R"}}, fault.Conflict)
	r.do(teacher, "setGroup", map[string]any{"playerId": "a", "members": []string{}})
	if len(r.s.c.Players["a"].Members) != 0 {
		t.Error("members not cleared")
	}
	checkReplay(t, r)
}

func TestWordFilterMatching(t *testing.T) {
	list := []string{normalizeEntry("shit*"), normalizeEntry("arse"), normalizeEntry("kill yourself"), normalizeEntry("h8r")}
	tests := []struct {
		text string
		hit  bool
	}{
		{"This is shit.", true},
		{"SHITTY quotas", true},
		{"sh1t", true},
		{"$hit happens", true},
		{"5h!t", false}, // '!' splits the word: simple leetspeak only
		{"Shitake mushrooms", true},
		{"the arsenal of the revolution", false}, // whole words only
		{"an @rse", true},
		{"4r5e", true},
		{"you should k1ll yourself", true},
		{"kill the plan, yourself included", false},
		{"a h8r", true},
		{"Scunthorpe and Penistone", false},
		{"The famine killed millions; the state seized grain.", false},
		{"1930 kulak deportations", false},
	}
	for _, tt := range tests {
		if got := filterMatch(tt.text, list) != ""; got != tt.hit {
			t.Errorf("%q: match %v, want %v", tt.text, got, tt.hit)
		}
	}
	// The built-in list never holds the history's own vocabulary.
	for _, w := range []string{"kulak", "famine", "starve", "kill", "death", "deport", "shoot", "hunger", "genocide", "holodomor", "kolkhoz"} {
		if m := filterMatch(w, builtinWords); m != "" {
			t.Errorf("the built-in filter catches %q (entry %q)", w, m)
		}
	}
	// Slurs for the lesson's peoples and famine denial are held; the places and peoples
	// themselves, and the debate about the famine, are not.
	for text, hit := range map[string]bool{
		"Typical khokhol thinking":             true,
		"the Moskali took the grain":           true,
		"KATSAPS out":                          true,
		"the Holodomor hoax again":             true,
		"Ukrainians, Russians and Kazakhs":     false,
		"Moscow's quota for Kharkiv":           false,
		"Was the Holodomor a genocide?":        false,
		"the Jewish and Ukrainian settlements": false,
	} {
		if got := filterMatch(text, builtinWords) != ""; got != hit {
			t.Errorf("built-in list on %q: match %v, want %v", text, got, hit)
		}
	}
	if len(builtinWords) < 20 || filterMatch("f.u.c.k you fuckers", builtinWords) == "" {
		t.Errorf("built-in list: %d entries", len(builtinWords))
	}
}

func TestWordFilterInTheRoom(t *testing.T) {
	r := newRoom(t, CreateParams{})
	r.refuse(sys, "join", map[string]string{"playerId": "x", "nickname": "B1tchface"}, fault.BadNickname)
	r.refuse(sys, "join", map[string]string{"playerId": "x", "nickname": "a$$hole"}, fault.BadNickname)
	for i, nick := range []string{"Anya", "Boris", "Chen", "Dana", "Emil"} {
		r.join(string(rune('a'+i)), nick)
	}
	r.refuse(teacher, "rename", map[string]string{"playerId": "a", "nickname": "Dickhead"}, fault.BadNickname)
	// The teacher extends the filter; the list is theirs alone.
	r.refuse(teacher, "filterWords", map[string]any{"add": []string{"x"}}, fault.Invalid)
	r.refuse(teacher, "filterWords", map[string]any{}, fault.Invalid)
	r.refuse(pl("a"), "filterWords", map[string]any{"add": []string{"Stalinface"}}, fault.Forbidden)
	evs := r.do(teacher, "filterWords", map[string]any{"add": []string{"Stalinface", "Zorkmid*"}, "remove": []string{"piss"}})
	if vis := VisibilityOf(evs[0]); vis.Public || vis.Projector || len(vis.Players) != 0 {
		t.Errorf("filter words visibility %+v", vis)
	}
	r.refuse(teacher, "filterWords", map[string]any{"add": []string{"stalinface"}}, fault.Conflict)
	r.refuse(sys, "join", map[string]string{"playerId": "x", "nickname": "5talinFace"}, fault.BadNickname)
	r.join("f", "Pissarro") // whole words: a painter's name is fine
	r.do(teacher, "start", nil)
	r.advance(1)
	d := r.curYear().Decisions[0]
	// A post that trips the filter is held for the teacher, holding on or off.
	evs = r.do(pl("a"), "argue", map[string]string{"text": "The zorkmids are full of ZORKMID nonsense", "decision": d.ID, "option": d.Options[0].ID})
	var pd PostData
	mustDecode(t, evs[0], &pd)
	if !pd.Held || !pd.Filtered {
		t.Fatalf("a filtered argument %+v", pd)
	}
	clean := r.argue("b", "Plain words about the quota.")
	evs = r.do(pl("c"), "reply", map[string]string{"argumentId": clean, "text": "That is sh1t and you know it"})
	mustDecode(t, evs[0], &pd)
	if !pd.Held || !pd.Filtered {
		t.Errorf("a filtered reply %+v", pd)
	}
	r.do(pl("d"), "reply", map[string]string{"argumentId": clean, "text": "I piss on the plan"}) // switched off
	if p := r.s.c.Posts[r.s.c.PostOrder[len(r.s.c.PostOrder)-1]]; p.Held {
		t.Error("a word the teacher switched off still holds the post")
	}
	assertUnseen(t, r, []string{"ZORKMID nonsense", "sh1t and you know"}, "a", "c")
	// The author sees their post waiting, and the reason.
	if args := r.s.View(pl("a")).Arguments; len(args) != 2 || !args[0].Held || !args[0].Filtered {
		t.Errorf("the author's view %+v", args)
	}
	// Approving it carries it to everyone without the filter's mark.
	evs = r.do(teacher, "approvePost", map[string]string{"argumentId": r.s.c.PostOrder[0]})
	var approved PostData
	mustDecode(t, evs[0], &approved)
	if approved.Filtered || approved.Held || !VisibilityOf(evs[0]).Public {
		t.Errorf("approved %+v", approved)
	}
	if f := r.s.View(teacher).Filter; f == nil || len(f.Words) != 2 || len(f.Allowed) != 1 {
		t.Errorf("teacher's filter view %+v", f)
	}
	if r.s.View(pl("b")).Filter != nil || r.s.View(projector).Filter != nil {
		t.Error("the teacher's list leaks")
	}
	// Exit tickets are kept but flagged.
	r.do(teacher, "endLesson", nil)
	evs = r.do(pl("e"), "exitTicket", map[string]any{"answers": []string{"this game is shit"}})
	var et ExitTicketData
	mustDecode(t, evs[0], &et)
	if !et.Flagged || et.Answers[0] != "this game is shit" {
		t.Errorf("exit ticket %+v", et)
	}
	checkReplay(t, r)
}

func TestModerationTools(t *testing.T) {
	r := classRoom(t, CreateParams{})
	arg := r.argue("a", "Argument by Anya.")
	// Report: staff and the reporter.
	r.refuse(pl("a"), "report", map[string]string{"argumentId": arg}, fault.Forbidden)
	r.refuse(pl("b"), "report", map[string]string{"argumentId": "a999"}, fault.NotFound)
	evs := r.do(pl("b"), "report", map[string]string{"argumentId": arg, "reason": "Boris thinks it is rude"})
	if vis := VisibilityOf(evs[0]); vis.Public || vis.Projector || !vis.Sees(Audience{Kind: Player, PlayerID: "b"}) || vis.Sees(Audience{Kind: Player, PlayerID: "a"}) {
		t.Errorf("report visibility %+v", vis)
	}
	r.refuse(pl("b"), "report", map[string]string{"argumentId": arg}, fault.Conflict)
	if av := r.s.View(teacher).Arguments[0]; len(av.Reports) != 1 || av.Reports[0].PlayerID != "b" {
		t.Errorf("teacher's view of the reports %+v", av.Reports)
	}
	if av := r.s.View(pl("b")).Arguments[0]; !av.ReportedByMe || len(av.Reports) != 0 {
		t.Errorf("reporter's view %+v", av)
	}
	assertUnseen(t, r, []string{"Boris thinks it is rude"}, "b")

	// Spotlight: public.
	evs = r.do(teacher, "spotlight", map[string]any{"argumentId": arg, "on": true})
	if !VisibilityOf(evs[0]).Public || !r.s.View(projector).Arguments[0].Spotlit {
		t.Error("the spotlight is for everyone")
	}
	r.refuse(teacher, "spotlight", map[string]any{"argumentId": arg, "on": true}, fault.Conflict)
	r.do(teacher, "spotlight", map[string]any{"argumentId": arg, "on": false})
	r.do(teacher, "hidePost", map[string]string{"argumentId": arg})
	r.refuse(teacher, "spotlight", map[string]any{"argumentId": arg, "on": true}, fault.Conflict)

	// Mute: no posts, votes still count.
	evs = r.do(teacher, "mute", map[string]any{"playerId": "c", "on": true})
	if vis := VisibilityOf(evs[0]); vis.Public || !vis.Sees(Audience{Kind: Player, PlayerID: "c"}) || vis.Sees(Audience{Kind: Projector}) {
		t.Errorf("mute visibility %+v", vis)
	}
	r.refuse(teacher, "mute", map[string]any{"playerId": "c", "on": true}, fault.Conflict)
	d := r.curYear().Decisions[0]
	r.refuse(pl("c"), "argue", map[string]string{"text": "Muted words", "decision": d.ID, "option": d.Options[0].ID}, fault.Forbidden)
	other := r.argue("d", "Dana's point.")
	r.refuse(pl("c"), "reply", map[string]string{"argumentId": other, "text": "Muted reply"}, fault.Forbidden)
	r.advance(1)
	r.do(pl("c"), "vote", map[string]string{"decision": d.ID, "option": d.Options[0].ID})
	if v := r.s.View(pl("d")); playerInfo(v, "c").Muted {
		t.Error("other players see who is muted")
	}
	if !playerInfo(r.s.View(teacher), "c").Muted || !r.s.View(pl("c")).Me.Muted {
		t.Error("the teacher and the player see the mute")
	}

	// Rename: public, and the posts follow.
	r.refuse(teacher, "rename", map[string]string{"playerId": "d", "nickname": "anya"}, fault.Conflict)
	evs = r.do(teacher, "rename", map[string]string{"playerId": "d", "nickname": "Daria"})
	if !VisibilityOf(evs[0]).Public {
		t.Error("a rename is public")
	}
	if av := r.s.View(pl("a")).Arguments; av[0].Nickname != "Daria" {
		t.Errorf("post by the renamed player shows %q", av[0].Nickname)
	}

	// Step out of role: the teacher alone sees it.
	r.refuse(pl("e"), "stepOut", map[string]bool{"out": false}, fault.Conflict)
	evs = r.do(pl("e"), "stepOut", map[string]bool{"out": true})
	if vis := VisibilityOf(evs[0]); vis.Public || vis.Projector || !vis.Sees(Audience{Kind: Player, PlayerID: "e"}) || vis.Sees(Audience{Kind: Player, PlayerID: "a"}) {
		t.Errorf("step out visibility %+v", vis)
	}
	if !playerInfo(r.s.View(teacher), "e").SteppedOut || !r.s.View(pl("e")).Me.SteppedOut || playerInfo(r.s.View(projector), "e").SteppedOut {
		t.Error("stepping out: seen by the wrong viewers")
	}
	for _, e := range r.log {
		if e.Type == EvSteppedOut {
			for _, a := range []Audience{{Kind: Projector}, {Kind: Player, PlayerID: "a"}} {
				if Redact(e, a).Type != RedactedType {
					t.Errorf("%v receives the step out", a)
				}
			}
		}
	}
	r.do(pl("e"), "stepOut", map[string]bool{"out": false})

	// The content note: the teacher shows it to everyone.
	if v := r.s.View(pl("a")); v.ContentNote.Shown || v.ContentNote.MessageID != ContentNoteMessage || !v.HideGraphic {
		t.Errorf("content note before %+v, hide graphic %v", v.ContentNote, v.HideGraphic)
	}
	r.refuse(pl("a"), "showContentNote", nil, fault.Forbidden)
	evs = r.do(teacher, "showContentNote", nil)
	if !VisibilityOf(evs[0]).Public || !r.s.View(projector).ContentNote.Shown {
		t.Error("the content note was not shown to everyone")
	}
	checkReplay(t, r)
}

func playerInfo(v View, id string) PlayerInfo {
	for _, p := range v.Players {
		if p.ID == id {
			return p
		}
	}
	return PlayerInfo{}
}

// Held and hidden posts, arguments and replies alike, never reach the projector or other
// students until approved.
func TestHeldAndHiddenNeverReachOthers(t *testing.T) {
	r := classRoom(t, CreateParams{})
	arg := r.argue("a", "Open argument.")
	r.do(teacher, "holdPosts", map[string]bool{"on": true})
	evs := r.do(pl("b"), "reply", map[string]string{"argumentId": arg, "text": "Held reply by Boris."})
	var pd PostData
	mustDecode(t, evs[0], &pd)
	held := r.argue("c", "Held argument by Chen.")
	hidden := r.argue("d", "Hidden argument by Dana.")
	r.do(teacher, "hidePost", map[string]string{"argumentId": hidden})
	assertUnseen(t, r, []string{"Held reply by Boris.", "Held argument by Chen.", "Hidden argument by Dana."}, "b", "c", "d")
	// A post hidden after it was shown leaves every snapshot but the teacher's.
	r.do(teacher, "hidePost", map[string]string{"argumentId": arg})
	for _, p := range []Principal{projector, pl("a"), pl("e")} {
		if strings.Contains(viewJSON(t, r.s, p), "Open argument.") {
			t.Errorf("%s still sees the hidden argument", p.Key())
		}
	}
	r.refuse(pl("e"), "reply", map[string]string{"argumentId": held, "text": "?"}, fault.NotFound)
	r.refuse(pl("e"), "report", map[string]string{"argumentId": pd.ID}, fault.NotFound)
	r.do(teacher, "approvePost", map[string]string{"argumentId": held})
	if v := r.s.View(projector); len(v.Arguments) != 1 || v.Arguments[0].ID != held {
		t.Errorf("the approved argument is not on the projector: %+v", v.Arguments)
	}
}

func TestSmallGroups(t *testing.T) {
	r := newRoom(t, CreateParams{})
	for i := 0; i < 10; i++ {
		r.join(fmt.Sprintf("p%d", i), fmt.Sprintf("Student %d", i))
	}
	r.do(teacher, "start", nil)
	r.advance(1)
	r.refuse(teacher, "setGroups", map[string]any{"mode": "houses"}, fault.Invalid)
	r.refuse(teacher, "setGroups", map[string]any{"mode": "villages", "size": 1}, fault.Invalid)
	r.refuse(teacher, "setGroups", map[string]any{"mode": "none"}, fault.Conflict)
	r.refuse(pl("p0"), "setGroups", map[string]any{"mode": "villages"}, fault.Forbidden)

	// Villages mix the factions.
	evs := r.do(teacher, "setGroups", map[string]any{"mode": "villages", "size": 4})
	var gd GroupsData
	mustDecode(t, evs[0], &gd)
	villages := map[string][]string{}
	for id, g := range gd.Groups {
		villages[g] = append(villages[g], r.s.c.Players[id].Role)
	}
	if len(villages) != 3 || len(gd.Groups) != 10 {
		t.Fatalf("villages %v", villages)
	}
	for g, rs := range villages {
		mixed := map[string]bool{}
		for _, role := range rs {
			mixed[role] = true
		}
		if len(rs) > 4 || len(mixed) < 2 {
			t.Errorf("%s: %v is not a mixed village of at most 4", g, rs)
		}
	}
	again, _ := r.decide(teacher, "setGroups", map[string]any{"mode": "villages", "size": 4})
	if string(again[0].Data) != string(evs[0].Data) {
		t.Error("the villages are not deterministic")
	}

	// A village's argument is for the village and staff; not the projector.
	author := "p0"
	mine := r.s.c.Players[author].Group
	members := r.s.audienceOf(mine)
	var outsider string
	for _, id := range r.s.c.Order {
		if !containsString(members, id) {
			outsider = id
			break
		}
	}
	arg := r.argue(author, "Village talk, not for the whole class.")
	insider := members[1]
	r.do(pl(insider), "reply", map[string]string{"argumentId": arg, "text": "Village reply."})
	r.do(pl(insider), "mark", map[string]string{"argumentId": arg})
	r.refuse(pl(outsider), "reply", map[string]string{"argumentId": arg, "text": "?"}, fault.NotFound)
	r.refuse(pl(outsider), "mark", map[string]string{"argumentId": arg}, fault.NotFound)
	r.refuse(teacher, "spotlight", map[string]any{"argumentId": arg, "on": true}, fault.Conflict)
	assertUnseen(t, r, []string{"Village talk", "Village reply"}, members...)
	for _, e := range r.log[len(r.log)-3:] {
		if Redact(e, Audience{Kind: Player, PlayerID: outsider}).Type != RedactedType {
			t.Errorf("an outsider receives %s", e.Type)
		}
	}
	if v := r.s.View(pl(insider)); len(v.Arguments) != 1 || len(v.Arguments[0].Replies) != 1 || v.Arguments[0].Marks != 1 {
		t.Errorf("a member's view %+v", v.Arguments)
	}

	// Promoted: the whole class, the projector included, with its replies.
	r.refuse(pl(author), "promote", map[string]string{"argumentId": arg}, fault.Forbidden)
	evs = r.do(teacher, "promote", map[string]string{"argumentId": arg})
	if !VisibilityOf(evs[0]).Public {
		t.Error("a promotion is public")
	}
	var pd PromotedData
	mustDecode(t, evs[0], &pd)
	if pd.Argument.Audience != nil || len(pd.Replies) != 1 {
		t.Errorf("promoted %+v", pd)
	}
	if v := r.s.View(projector); len(v.Arguments) != 1 || len(v.Arguments[0].Replies) != 1 || v.Arguments[0].Audience != nil {
		t.Errorf("projector after the promotion %+v", v.Arguments)
	}
	r.refuse(teacher, "promote", map[string]string{"argumentId": arg}, fault.Conflict)
	r.do(pl(outsider), "reply", map[string]string{"argumentId": arg, "text": "Now anyone may answer."})
	r.do(teacher, "spotlight", map[string]any{"argumentId": arg, "on": true})

	// By faction: each faction's players in their own groups; a late joiner finds room.
	evs = r.do(teacher, "setGroups", map[string]any{"mode": "faction", "size": 3})
	mustDecode(t, evs[0], &gd)
	for id, g := range gd.Groups {
		if role := r.s.c.Players[id].Role; !strings.HasPrefix(g, role+"-") {
			t.Errorf("%s (%s) in group %s", id, role, g)
		}
	}
	late := r.join("late", "Latecomer")
	if !strings.HasPrefix(late.Group, late.Role+"-") {
		t.Errorf("late joiner's group %q for a %s", late.Group, late.Role)
	}
	r.do(teacher, "assignRole", map[string]string{"playerId": "late", "role": roles.Historian})
	if g := r.s.c.Players["late"].Group; g != "historian-1" {
		t.Errorf("a new Historian's group %q", g)
	}
	r.do(teacher, "setGroups", map[string]any{"mode": "none"})
	if r.s.c.Players["p0"].Group != "" || r.s.View(pl("p0")).Groups != nil {
		t.Error("groups remain after none")
	}
	checkReplay(t, r)
}

func TestRejoinIsRecordedWithoutTheCode(t *testing.T) {
	r := classRoom(t, CreateParams{})
	r.refuse(teacher, "issueRejoin", map[string]string{"playerId": "a"}, fault.Forbidden)
	for gen := 1; gen <= 2; gen++ {
		evs, err := Decide(r.s, IssueRejoinCommand(fmt.Sprintf("rj%d", gen), "a"), r.now)
		if err != nil {
			t.Fatal(err)
		}
		r.apply(evs...)
		var d RejoinData
		mustDecode(t, evs[0], &d)
		if d.Generation != gen || d.PlayerID != "a" {
			t.Errorf("rejoin %+v", d)
		}
		if vis := VisibilityOf(evs[0]); vis.Public || len(vis.Players) != 0 {
			t.Errorf("rejoin visibility %+v", vis)
		}
	}
	if playerInfo(r.s.View(teacher), "a").Rejoin != 2 || playerInfo(r.s.View(pl("b")), "a").Rejoin != 0 {
		t.Error("rejoin generation: wrong viewers")
	}
	r.do(teacher, "removePlayer", map[string]string{"playerId": "a"})
	if _, err := Decide(r.s, IssueRejoinCommand("rj3", "a"), r.now); fault.CodeOf(err) != fault.NotFound {
		t.Errorf("a removed player's rejoin: %v", err)
	}
}

// The public record of a year never names a player's action: the shares go to staff.
func TestYearResultsKeepActionsPrivate(t *testing.T) {
	r := newRoom(t, CreateParams{})
	for i := 0; i < 4; i++ {
		r.join(fmt.Sprintf("p%d", i), fmt.Sprintf("Student %d", i))
	}
	r.do(teacher, "start", nil)
	r.advance(2)
	for i := 0; i < 4; i++ {
		id := fmt.Sprintf("p%d", i)
		if a := r.actionFor(id); a != "" {
			r.do(pl(id), "act", map[string]string{"action": a})
		}
	}
	r.advance(1)
	res := r.s.Results()[0]
	if len(res.Choices.Actions) == 0 || len(r.s.Record().Years[0].Actions) == 0 {
		t.Fatal("the state's record lost the action shares")
	}
	for _, p := range []Principal{projector, pl("p1")} {
		if v := r.s.View(p); v.Results[0].Choices.Actions != nil {
			t.Errorf("%s sees the action shares", p.Key())
		}
	}
	if v := r.s.View(teacher); v.Results[0].Choices.Actions == nil {
		t.Error("staff lost the action shares")
	}
	if r.s.c.Results[0].Choices.Actions == nil {
		t.Error("the View stripped the state itself")
	}
	checkReplay(t, r)
}

// Roles change at each directive: labelled households are deported, the Bukharin faction
// is demoted when Bukharin leaves the Politburo (even in a stepped year), recants or
// organises by its actions, and a latecomer to the faction starts demoted.
func TestRolesChangeAtDirectives(t *testing.T) {
	r := newRoom(t, CreateParams{Settings: Settings{PlayedYears: []int{1928, 1930, 1931, 1932}}})
	for _, p := range []struct{ id, role string }{{"k", roles.Kulak}, {"b", roles.Bukharinite}, {"c", roles.Bukharinite}, {"o", roles.Official}, {"p", roles.Peasant}} {
		r.join(p.id, "Player "+p.id)
		r.do(teacher, "assignRole", map[string]string{"playerId": p.id, "role": p.role})
	}
	r.do(teacher, "start", nil)
	r.toPhase(Resolution) // 1928
	r.do(teacher, "advance", nil)
	// 1929 was stepped: Bukharin out of the Politburo.
	if f := r.s.c.Players["b"].Fate; f != roles.Demoted {
		t.Errorf("after 1929 the Bukharinite is %q, want demoted", f)
	}
	late := r.join("n", "Newcomer")
	r.do(teacher, "assignRole", map[string]string{"playerId": late.PlayerID, "role": roles.Bukharinite})
	if f := r.s.c.Players["n"].Fate; f != roles.Demoted {
		t.Errorf("a Bukharinite joining in 1930 starts %q", f)
	}
	r.toPhase(Vote) // 1930
	r.do(pl("b"), "act", map[string]string{"action": "bukharin-organise-quietly"})
	r.do(pl("c"), "act", map[string]string{"action": "bukharin-recant"})
	r.do(pl("k"), "act", map[string]string{"action": "kulak-hide-grain"})
	r.do(teacher, "advance", nil)
	for id, want := range map[string]string{"b": roles.Organising, "c": roles.Recanted, "k": roles.Settler, "n": roles.Demoted} {
		if got := r.s.c.Players[id].Fate; got != want {
			t.Errorf("%s after 1930: %q, want %q", id, got, want)
		}
	}
	if rec := r.s.Recap(); rec.Years[2].Fates[roles.Settler] != 1 {
		t.Errorf("the recap of 1930 misses the deportation: %+v", rec.Years[2].Fates)
	}
	// The settler acts as a settler, and the testimony feeds next year's briefing.
	r.toPhase(Vote) // 1931
	open := r.s.View(pl("k")).Me.ActionsOpen
	if len(open) == 0 {
		t.Fatal("a special settler has no action")
	}
	for _, a := range open {
		if !strings.HasPrefix(a.ID, "settler-") {
			t.Errorf("settler offered %s", a.ID)
		}
	}
	r.do(pl("k"), "act", map[string]string{"action": roles.SettlerLetter})
	r.do(teacher, "advance", nil)
	// While 1931's outcome is shown, 1931 is still the year in play: its briefing's path
	// ends in 1930.
	if ctx, _ := r.s.BriefingContext("k"); ctx.Prev == nil || ctx.Prev.Year != 1930 || ctx.LastAction != "kulak-hide-grain" || ctx.SettlerLetters != 0 {
		t.Errorf("briefing context of 1931 after it resolved: %+v", ctx)
	}
	r.toPhase(Briefing) // 1932
	ctx, ok := r.s.BriefingContext("k")
	if !ok || ctx.SettlerLetters != 1 || ctx.SettlerReports != 0 || ctx.LastAction != roles.SettlerLetter || ctx.Fate != roles.Settler || ctx.Prev == nil || ctx.Prev.Year != 1931 || ctx.Before == nil {
		t.Errorf("briefing context %+v", ctx)
	}
	if other, _ := r.s.BriefingContext("p"); other.SettlerLetters != 1 || other.LastAction != "" {
		t.Errorf("another player's briefing context %+v", other)
	}
	if _, ok := r.s.BriefingContext("nobody"); ok {
		t.Error("context for an unknown player")
	}
	checkReplay(t, r)
}

// The purge: an official who reports the hunger honestly in 1932 risks the post; the
// room's seed decides, the reasons stay with staff, and a purged official keeps playing.
func TestPurge(t *testing.T) {
	risk := roles.PurgeRisk([]string{roles.ReportedHunger})
	var purgedSeed, keptSeed int64 = -1, -1
	for seed := int64(1); purgedSeed < 0 || keptSeed < 0; seed++ {
		if roles.PurgeDraw(seed, 1932, "o") < risk {
			if purgedSeed < 0 {
				purgedSeed = seed
			}
		} else if keptSeed < 0 && roles.PurgeDraw(seed, 1932, "o") >= roles.PurgeRisk([]string{roles.ReportedHunger, roles.MissedQuota}) {
			keptSeed = seed
		}
	}
	for _, tc := range []struct {
		seed int64
		want string
	}{{purgedSeed, roles.Purged}, {keptSeed, roles.InOffice}} {
		t.Run(tc.want, func(t *testing.T) {
			r := newRoom(t, CreateParams{Seed: tc.seed, Settings: Settings{PlayedYears: []int{1932, 1933}}})
			for _, p := range []struct{ id, role string }{{"o", roles.Official}, {"p", roles.Peasant}, {"q", roles.Official}} {
				r.join(p.id, "Player "+p.id)
				r.do(teacher, "assignRole", map[string]string{"playerId": p.id, "role": p.role})
			}
			r.do(teacher, "start", nil)
			r.toPhase(Vote)
			r.do(pl("o"), "act", map[string]string{"action": "official-report-honestly"})
			evs := r.do(teacher, "advance", nil)
			if got := r.s.c.Players["o"].Fate; got != tc.want {
				t.Fatalf("official after reporting hunger: %q, want %q", got, tc.want)
			}
			private := eventsOf(evs, EvYearActions)
			var ya YearActionsData
			mustDecode(t, private[0], &ya)
			found := false
			for _, p := range ya.Purges {
				if p.PlayerID == "o" && containsString(p.Reasons, roles.ReportedHunger) {
					found = true
				}
				if p.PlayerID == "q" && containsString(p.Reasons, roles.ReportedHunger) {
					t.Error("an official who did not report is purged for reporting")
				}
			}
			if found != (tc.want == roles.Purged) {
				t.Errorf("purges %+v", ya.Purges)
			}
			if tc.want != roles.Purged {
				return
			}
			if v := r.s.View(pl("p")); v.Purges != nil || playerInfo(v, "o").Fate != roles.Purged {
				t.Error("the purge is public, its reasons are not")
			}
			if r.s.View(teacher).Purges[1932][0].PlayerID != "o" {
				t.Error("staff do not see the purge's reasons")
			}
			r.toPhase(Vote) // 1933
			acts := r.s.View(pl("o")).Me.ActionsOpen
			if len(acts) == 0 {
				t.Fatal("a purged official has no moves")
			}
			for _, a := range acts {
				if !strings.HasPrefix(a.ID, "purged-") {
					t.Errorf("purged official offered %s", a.ID)
				}
			}
			r.do(pl("o"), "act", map[string]string{"action": "purged-write-appeals"})
			r.refuse(pl("o"), "act", map[string]string{"action": "official-report-honestly"}, fault.Forbidden)
			checkReplay(t, r)
		})
	}
}

// The quota rule: judged against history's own shortfall, and not where history's grain
// quota was never met (Kazakhstan).
func TestMissedQuotaRule(t *testing.T) {
	sc := economy.Default()
	r := newRoom(t, CreateParams{})
	yr, _ := sc.Year(1932)
	hist := sc.HistoricalChoices(1932)
	j := r.s.newQuotaJudge(yr, hist)
	if j.histOut == nil || j.plan <= 0 || j.plan != j.histPlan {
		t.Fatalf("judge %+v", j)
	}
	out := *j.histOut
	if j.missed(economy.Ukraine, 0.8, out) {
		t.Error("history's own procurement counts as a missed quota")
	}
	low := out
	low.ByRegion = map[economy.RegionID]economy.RegionOutcome{}
	for id, ro := range out.ByRegion {
		ro.ProcurementMt *= 0.5
		low.ByRegion[id] = ro
	}
	if !j.missed(economy.Ukraine, 0.8, low) {
		t.Error("half of history's procurement is not a missed quota")
	}
	if j.missed(economy.Kazakhstan, 0.8, low) {
		t.Error("Kazakhstan is judged on a grain quota history never met")
	}
	p := &player{Region: string(economy.Ukraine)}
	if why := j.reasons(p, "official-report-honestly", low); len(why) != 2 {
		t.Errorf("reasons %v", why)
	}
	j.year = 1929
	if why := j.reasons(p, "official-report-honestly", low); len(why) != 0 {
		t.Errorf("purge rules before their years: %v", why)
	}
}

func TestRecapBesideHistory(t *testing.T) {
	r := newRoom(t, CreateParams{Settings: Settings{PlayedYears: []int{1929}}})
	r.join("a", "Ada")
	r.do(teacher, "start", nil) // 1928 stepped
	rec := r.s.Recap()
	if len(rec.Years) != 1 || !rec.Years[0].Stepped || rec.Year != 1929 || rec.Phase != Briefing {
		t.Fatalf("recap %+v", rec)
	}
	y := rec.Years[0]
	if len(y.Decisions) == 0 || !y.Decisions[0].AsHistory || y.Decisions[0].ChosenLabel == "" || len(y.Directives) == 0 {
		t.Errorf("decisions %+v directives %v", y.Decisions, y.Directives)
	}
	b, _ := json.Marshal(rec)
	if strings.Contains(strings.ToLower(string(b)), "death") {
		t.Error("the recap shows deaths")
	}
	harvest := y.Figures[0]
	if harvest.Quantity != "grainHarvestMt" || harvest.Low == nil || harvest.High == nil || harvest.Class <= 0 || harvest.Source == "" {
		t.Errorf("harvest figure %+v", harvest)
	}
}

// Every player's briefing can be built from the room's context in every year, whatever
// their fate (the content in package roles reads BriefingContext).
func TestBriefingContextFeedsEveryBriefing(t *testing.T) {
	r := newRoom(t, CreateParams{Seed: 5, Settings: Settings{PlayedYears: []int{1928, 1930, 1931, 1932, 1933}}})
	for _, p := range []struct{ id, role string }{{"o", roles.Official}, {"p", roles.Peasant}, {"k", roles.Kulak}, {"b", roles.Bukharinite}, {"h", roles.Historian}} {
		r.join(p.id, "Player "+p.id)
		r.do(teacher, "assignRole", map[string]string{"playerId": p.id, "role": p.role})
	}
	r.do(teacher, "start", nil)
	for r.s.Phase() != Debrief {
		if r.s.Phase() == Briefing {
			for _, id := range r.s.c.Order {
				ctx, _ := r.s.BriefingContext(id)
				if _, err := roles.Briefing(r.s.c.Players[id].Role, r.s.Year(), ctx); err != nil {
					t.Errorf("%d briefing of %s (%s): %v", r.s.Year(), id, r.s.c.Players[id].Fate, err)
				}
			}
		}
		if r.s.Phase() == Vote {
			for _, id := range r.s.c.Order {
				a := r.actionFor(id)
				if id == "b" && r.s.Year() >= 1930 {
					a = "bukharin-organise-quietly"
				}
				if a != "" {
					r.do(pl(id), "act", map[string]string{"action": a})
				}
			}
		}
		r.do(teacher, "advance", nil)
	}
	if k, b := r.s.c.Players["k"].Fate, r.s.c.Players["b"].Fate; k != roles.Settler || b != roles.Organising {
		t.Errorf("fates at the end: kulak %q, Bukharinite %q", k, b)
	}
}
