package room

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/roles"
)

// historianRoom is a room in the 1928 debate with two Historians, "d" and "e"; "a", "b"
// and "c" play faction roles.
func historianRoom(t *testing.T) *testRoom {
	t.Helper()
	r := classRoom(t, CreateParams{})
	for _, id := range []string{"d", "e"} {
		r.do(teacher, "assignRole", map[string]string{"playerId": id, "role": roles.Historian})
	}
	for _, id := range []string{"a", "b", "c"} {
		if r.s.c.Players[id].Role == roles.Historian {
			t.Fatalf("%s is a Historian", id)
		}
	}
	return r
}

// testCards returns ids of real evidence cards, read from the content so the test does
// not depend on which cards the content has today.
func testCards(t *testing.T, n int) []string {
	t.Helper()
	c, err := roles.DefaultContent()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, card := range c.Cards() {
		if len(out) < n {
			out = append(out, card.ID)
		}
	}
	if len(out) < n {
		t.Fatalf("only %d cards", len(out))
	}
	return out
}

func argumentView(t *testing.T, s *State, p Principal, id string) ArgumentView {
	t.Helper()
	for _, a := range s.View(p).Arguments {
		if a.ID == id {
			return a
		}
	}
	t.Fatalf("%s does not see argument %s", p.Key(), id)
	return ArgumentView{}
}

func TestHistorianFlagClaim(t *testing.T) {
	r := historianRoom(t)
	arg := r.argue("a", "The kulaks are hoarding half the grain of the country.")
	reply := r.do(pl("b"), "reply", map[string]string{"argumentId": arg, "text": "Where is the proof?"})
	var rd PostData
	mustDecode(t, reply[0], &rd)
	own := r.argue("e", "My own argument.")
	flag := map[string]any{"argumentId": arg, "note": "How much grain, and who counted it?"}

	// Only the Historian, only on someone else's visible argument.
	r.refuse(pl("b"), "flagClaim", flag, fault.Forbidden)
	r.refuse(teacher, "flagClaim", flag, fault.Forbidden)
	r.refuse(projector, "flagClaim", flag, fault.Forbidden)
	r.refuse(pl("e"), "flagClaim", map[string]any{"argumentId": "a999"}, fault.NotFound)
	r.refuse(pl("e"), "flagClaim", map[string]any{"argumentId": rd.ID}, fault.NotFound)
	r.refuse(pl("e"), "flagClaim", map[string]any{"argumentId": own}, fault.Forbidden)
	r.refuse(pl("e"), "flagClaim", map[string]any{"argumentId": arg, "note": strings.Repeat("x", MaxFlagNote+1)}, fault.TooLarge)
	r.refuse(pl("e"), "flagClaim", map[string]any{"argumentId": arg, "note": "bad\x00note"}, fault.Invalid)
	r.refuse(pl("e"), "flagClaim", map[string]any{"argumentId": arg, "withdraw": true}, fault.Conflict)
	r.refuse(pl("e"), "flagClaim", `{"argumentId":5}`, fault.Malformed)

	evs := r.do(pl("e"), "flagClaim", flag)
	var fd ClaimFlagData
	mustDecode(t, evs[0], &fd)
	if evs[0].Type != EvClaimFlagged || fd.ArgumentID != arg || fd.PlayerID != "e" || fd.Note != flag["note"] || fd.Held || fd.Withdrawn || !VisibilityOf(evs[0]).Public {
		t.Fatalf("flag %s %+v %+v", evs[0].Type, fd, VisibilityOf(evs[0]))
	}
	r.refuse(pl("e"), "flagClaim", flag, fault.Conflict)
	// Another historian may flag the same argument; a flag without a note is fine.
	r.do(pl("d"), "flagClaim", map[string]any{"argumentId": arg})
	for _, p := range []Principal{projector, pl("b"), teacher} {
		got := argumentView(t, r.s, p, arg).Flags
		if len(got) != 2 || got[0].PlayerID != "e" || got[0].Note != flag["note"] || got[1].PlayerID != "d" || got[1].Note != "" {
			t.Errorf("%s sees flags %+v", p.Key(), got)
		}
	}

	// Withdrawn: gone for everyone; it can be given again.
	r.do(pl("e"), "flagClaim", map[string]any{"argumentId": arg, "withdraw": true})
	if got := argumentView(t, r.s, projector, arg).Flags; len(got) != 1 || got[0].PlayerID != "d" {
		t.Errorf("after the withdrawal %+v", got)
	}
	r.refuse(pl("e"), "flagClaim", map[string]any{"argumentId": arg, "withdraw": true}, fault.Conflict)

	// A note the word filter catches is held for the teacher: staff and its historian only.
	evs = r.do(pl("e"), "flagClaim", map[string]any{"argumentId": arg, "note": "What a sh1t claim."})
	mustDecode(t, evs[0], &fd)
	if !fd.Held || !fd.Filtered {
		t.Errorf("a filtered note is not held: %+v", fd)
	}
	assertUnseen(t, r, []string{"What a sh1t claim."}, "e")
	if got := argumentView(t, r.s, pl("b"), arg).Flags; len(got) != 1 {
		t.Errorf("a held flag is shown to the class: %+v", got)
	}
	if got := argumentView(t, r.s, pl("e"), arg).Flags; len(got) != 2 || !got[1].Held {
		t.Errorf("the historian does not see their held flag: %+v", got)
	}
	// Its withdrawal stays as private as the flag.
	evs = r.do(pl("e"), "flagClaim", map[string]any{"argumentId": arg, "withdraw": true})
	if vis := VisibilityOf(evs[0]); vis.Public || !vis.Sees(Audience{Kind: Player, PlayerID: "e"}) || vis.Sees(Audience{Kind: Player, PlayerID: "b"}) {
		t.Errorf("the withdrawal of a held flag: %+v", vis)
	}

	// Held and hidden arguments cannot be flagged.
	r.do(teacher, "holdPosts", map[string]bool{"on": true})
	held := r.argue("b", "A post waiting for the teacher.")
	r.do(teacher, "holdPosts", map[string]bool{"on": false})
	r.refuse(pl("e"), "flagClaim", map[string]any{"argumentId": held}, fault.NotFound)
	hidden := r.argue("c", "A post the teacher hides.")
	r.do(teacher, "hidePost", map[string]string{"argumentId": hidden})
	r.refuse(pl("e"), "flagClaim", map[string]any{"argumentId": hidden}, fault.NotFound)

	// A muted historian cannot flag, but can withdraw.
	r.do(pl("e"), "flagClaim", map[string]any{"argumentId": arg})
	r.do(teacher, "mute", map[string]any{"playerId": "e", "on": true})
	second := r.argue("b", "Another claim.")
	r.refuse(pl("e"), "flagClaim", map[string]any{"argumentId": second}, fault.Forbidden)
	r.do(pl("e"), "flagClaim", map[string]any{"argumentId": arg, "withdraw": true})
	r.do(teacher, "mute", map[string]any{"playerId": "e", "on": false})

	// The vote is open for flags; the resolution is not, nor is the game on hold.
	r.toPhase(Vote)
	r.do(pl("e"), "flagClaim", map[string]any{"argumentId": second, "note": "Which year's figures?"})
	r.do(teacher, "suspend", nil)
	r.refuse(pl("e"), "flagClaim", map[string]any{"argumentId": arg}, fault.WrongPhase)
	r.do(teacher, "unsuspend", nil)
	r.toPhase(Resolution)
	r.refuse(pl("e"), "flagClaim", map[string]any{"argumentId": arg}, fault.WrongPhase)
	r.refuse(pl("e"), "flagClaim", map[string]any{"argumentId": second, "withdraw": true}, fault.WrongPhase)
	checkReplay(t, r)
}

func TestHistorianAttachCard(t *testing.T) {
	r := historianRoom(t)
	cards := testCards(t, 5)
	d := r.curYear().Decisions[0]
	evs := r.do(pl("a"), "argue", map[string]string{"text": "The price is too low.", "decision": d.ID, "option": d.Options[0].ID, "evidence": cards[4]})
	var pd PostData
	mustDecode(t, evs[0], &pd)
	arg := pd.ID
	attach := func(card string) map[string]any { return map[string]any{"argumentId": arg, "cardId": card} }

	r.refuse(pl("a"), "attachCard", attach(cards[0]), fault.Forbidden)
	r.refuse(pl("b"), "attachCard", attach(cards[0]), fault.Forbidden)
	r.refuse(pl("e"), "attachCard", attach("no-such-card"), fault.NotFound)
	r.refuse(pl("e"), "attachCard", map[string]any{"argumentId": "a999", "cardId": cards[0]}, fault.NotFound)
	r.refuse(pl("e"), "attachCard", attach(cards[4]), fault.Conflict) // the argument cites it already
	r.refuse(pl("e"), "attachCard", map[string]any{"argumentId": arg, "cardId": cards[0], "withdraw": true}, fault.Conflict)

	evs = r.do(pl("e"), "attachCard", attach(cards[0]))
	var cd CardAttachedData
	mustDecode(t, evs[0], &cd)
	if evs[0].Type != EvCardAttached || cd.CardID != cards[0] || cd.PlayerID != "e" || cd.ArgumentID != arg || !VisibilityOf(evs[0]).Public {
		t.Fatalf("attached %+v", cd)
	}
	r.refuse(pl("e"), "attachCard", attach(cards[0]), fault.Conflict)
	r.refuse(pl("d"), "attachCard", attach(cards[0]), fault.Conflict)
	r.do(pl("d"), "attachCard", attach(cards[1]))
	r.do(pl("e"), "attachCard", attach(cards[2]))
	// Three cards from historians is the most an argument carries.
	r.refuse(pl("d"), "attachCard", attach(cards[3]), fault.Conflict)

	content, _ := roles.DefaultContent()
	want, _ := content.Card(cards[1])
	got := argumentView(t, r.s, projector, arg).Cards
	if len(got) != 3 || got[0].CardID != cards[0] || got[1].CardID != cards[1] || got[1].Title != want.Title || got[1].PlayerID != "d" {
		t.Fatalf("the projector sees cards %+v", got)
	}
	// Only the historian who attached a card takes it off; then there is room again.
	r.refuse(pl("e"), "attachCard", map[string]any{"argumentId": arg, "cardId": cards[1], "withdraw": true}, fault.Forbidden)
	r.do(pl("d"), "attachCard", map[string]any{"argumentId": arg, "cardId": cards[1], "withdraw": true})
	r.do(pl("d"), "attachCard", attach(cards[3]))
	if got := argumentView(t, r.s, pl("b"), arg).Cards; len(got) != 3 || got[2].CardID != cards[3] {
		t.Errorf("after a card was taken off: %+v", got)
	}
	r.toPhase(Resolution)
	r.refuse(pl("e"), "attachCard", attach(cards[1]), fault.WrongPhase)
	checkReplay(t, r)
}

func TestHistorianAnnotate(t *testing.T) {
	r := historianRoom(t)
	note := map[string]any{"year": 1928, "text": "The model's harvest sits inside history's band; the procurement is lower than 1928's real campaign."}
	r.refuse(pl("e"), "annotate", note, fault.WrongPhase) // nothing resolved yet
	r.toPhase(Resolution)
	r.refuse(pl("a"), "annotate", note, fault.Forbidden)
	r.refuse(teacher, "annotate", note, fault.Forbidden)
	r.refuse(pl("e"), "annotate", map[string]any{"year": 1900, "text": "Too early."}, fault.NotFound)
	r.refuse(pl("e"), "annotate", map[string]any{"year": 1930, "text": "Not yet."}, fault.WrongPhase)
	r.refuse(pl("e"), "annotate", map[string]any{"year": 1928, "text": "  "}, fault.Invalid)
	r.refuse(pl("e"), "annotate", map[string]any{"year": 1928, "text": strings.Repeat("y", MaxAnnotation+1)}, fault.TooLarge)

	evs := r.do(pl("e"), "annotate", note)
	var ad AnnotationData
	mustDecode(t, evs[0], &ad)
	if evs[0].Type != EvYearAnnotated || ad.Year != 1928 || ad.PlayerID != "e" || ad.Text != note["text"] || ad.Held || !VisibilityOf(evs[0]).Public {
		t.Fatalf("annotation %+v", ad)
	}
	results := r.s.View(projector).Results
	if len(results) != 1 || len(results[0].Annotations) != 1 || results[0].Annotations[0].Text != note["text"] {
		t.Fatalf("the projector's results %+v", results)
	}
	if len(r.s.Results()[0].Annotations) != 0 {
		t.Error("the state's results carry the annotations; only snapshots should")
	}

	// Later in the game the year can still be annotated; a second note replaces the first.
	r.toPhase(Briefing)
	r.do(pl("e"), "annotate", map[string]any{"year": 1928, "text": "Rewritten: the harvest is inside the band."})
	r.do(pl("d"), "annotate", map[string]any{"year": 1928, "text": "The shut-down markets explain the lower sales."})
	got := r.s.View(pl("a")).Results[0].Annotations
	if len(got) != 2 || got[0].PlayerID != "e" || got[0].Text != "Rewritten: the harvest is inside the band." || got[1].PlayerID != "d" {
		t.Errorf("annotations %+v", got)
	}

	// A note the word filter catches is held: staff and its historian only.
	evs = r.do(pl("d"), "annotate", map[string]any{"year": 1928, "text": "This sh1t harvest figure is wrong."})
	mustDecode(t, evs[0], &ad)
	if !ad.Held || !ad.Filtered {
		t.Errorf("a filtered annotation is not held: %+v", ad)
	}
	assertUnseen(t, r, []string{"This sh1t harvest figure is wrong."}, "d")
	if n := len(r.s.View(pl("a")).Results[0].Annotations); n != 1 {
		t.Errorf("the class sees %d annotations, want the one not held", n)
	}
	if n := len(r.s.View(pl("d")).Results[0].Annotations); n != 2 {
		t.Errorf("the historian sees %d annotations, want 2", n)
	}
	r.do(teacher, "end", nil)
	r.do(pl("e"), "annotate", map[string]any{"year": 1928, "text": "In the debrief: the band is wide."})
	checkReplay(t, r)
}

// In small groups, the Historian works on the arguments of their own group, and what
// they add is seen by that group (and staff) until the argument is promoted.
func TestHistorianInGroups(t *testing.T) {
	r := historianRoom(t)
	r.do(teacher, "setGroups", map[string]any{"mode": "villages", "size": 2})
	mine := r.s.c.Players["e"].Group
	var inside, outside string
	for _, id := range []string{"a", "b", "c"} {
		switch g := r.s.c.Players[id].Group; {
		case g == mine && inside == "":
			inside = id
		case g != mine && outside == "":
			outside = id
		}
	}
	if inside == "" || outside == "" {
		t.Fatalf("groups %v", r.s.assignGroups(GroupsVillages, 2))
	}
	near := r.argue(inside, "In our village the grain is hidden in pits.")
	far := r.argue(outside, "In theirs it is sold to the towns.")
	r.refuse(pl("e"), "flagClaim", map[string]any{"argumentId": far}, fault.NotFound)
	card := testCards(t, 1)[0]
	r.refuse(pl("e"), "attachCard", map[string]any{"argumentId": far, "cardId": card}, fault.NotFound)

	evs := r.do(pl("e"), "flagClaim", map[string]any{"argumentId": near, "note": "Which village, which year?"})
	evs = append(evs, r.do(pl("e"), "attachCard", map[string]any{"argumentId": near, "cardId": card})...)
	for _, e := range evs {
		vis := VisibilityOf(e)
		if vis.Public || vis.Projector || !vis.Sees(Audience{Kind: Player, PlayerID: inside}) || vis.Sees(Audience{Kind: Player, PlayerID: outside}) {
			t.Errorf("%s in a group: %+v", e.Type, vis)
		}
	}
	assertUnseen(t, r, []string{"Which village, which year?"}, r.s.audienceOf(mine)...)

	// Promoted to the class, the argument shows its flag and card to everyone.
	r.do(teacher, "promote", map[string]string{"argumentId": near})
	av := argumentView(t, r.s, projector, near)
	if len(av.Flags) != 1 || av.Flags[0].Note != "Which village, which year?" || len(av.Cards) != 1 {
		t.Errorf("after the promotion the projector sees %+v %+v", av.Flags, av.Cards)
	}
	checkReplay(t, r)
}

// VisibilityOf decides from the event alone, whatever the state.
func TestHistorianVisibility(t *testing.T) {
	ev := func(typ string, d any) Event {
		b, _ := json.Marshal(d)
		return Event{V: 1, Seq: 9, Type: typ, Data: b}
	}
	a, b := Audience{Kind: Player, PlayerID: "a"}, Audience{Kind: Player, PlayerID: "b"}
	proj, staff := Audience{Kind: Projector}, Audience{Kind: Teacher}
	for _, c := range []struct {
		name          string
		e             Event
		a, b, proj, t bool
	}{
		{"public flag", ev(EvClaimFlagged, ClaimFlagData{ArgumentID: "a1", PlayerID: "a", Note: "Source?"}), true, true, true, true},
		{"held flag", ev(EvClaimFlagged, ClaimFlagData{ArgumentID: "a1", PlayerID: "a", Held: true}), true, false, false, true},
		{"group flag", ev(EvClaimFlagged, ClaimFlagData{ArgumentID: "a1", PlayerID: "a", Audience: []string{"a", "c"}}), true, false, false, true},
		{"public card", ev(EvCardAttached, CardAttachedData{ArgumentID: "a1", PlayerID: "a", CardID: "x"}), true, true, true, true},
		{"group card", ev(EvCardAttached, CardAttachedData{ArgumentID: "a1", PlayerID: "a", CardID: "x", Audience: []string{"b"}}), false, true, false, true},
		{"annotation", ev(EvYearAnnotated, AnnotationData{Year: 1928, PlayerID: "a", Text: "Note."}), true, true, true, true},
		{"held annotation", ev(EvYearAnnotated, AnnotationData{Year: 1928, PlayerID: "a", Text: "Note.", Held: true}), true, false, false, true},
		{"unreadable", Event{V: 1, Seq: 9, Type: EvYearAnnotated, Data: json.RawMessage(`[`)}, false, false, false, true},
	} {
		v := VisibilityOf(c.e)
		if v.Sees(a) != c.a || v.Sees(b) != c.b || v.Sees(proj) != c.proj || v.Sees(staff) != c.t {
			t.Errorf("%s: %+v", c.name, v)
		}
		if got := Redact(c.e, proj); (got.Type == RedactedType) == c.proj {
			t.Errorf("%s: the projector gets %s", c.name, got.Type)
		}
	}
}
