// Package scoringtest records deterministic classroom sessions for the tests of scoring
// and of `debate replay`: it drives room.Decide and room.Apply with a fixed clock, the way
// the engine does, and returns the room's log. It is for tests only.
package scoringtest

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/room"
)

// T0 is the session's first moment; every command moves the clock on by a minute.
var T0 = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

// Principals of a session.
var (
	Teacher   = room.Principal{Kind: room.Teacher}
	CoTeacher = room.Principal{Kind: room.CoTeacher}
	System    = room.Principal{Kind: room.System}
)

// Player is the principal of a player.
func Player(id string) room.Principal { return room.Principal{Kind: room.Player, PlayerID: id} }

// Driver runs commands against a room as the engine does: Decide, then each event
// through JSON, then Apply. The first failure is kept in Err and stops the driver.
type Driver struct {
	State *room.State
	Log   []room.Event
	Now   time.Time
	Err   error
	n     int
}

// NewDriver creates a room.
func NewDriver(p room.CreateParams) *Driver {
	d := &Driver{State: room.NewState(), Now: T0}
	e, err := room.Create(p, d.Now)
	if err != nil {
		d.Err = err
		return d
	}
	d.apply(e)
	return d
}

func (d *Driver) apply(evs ...room.Event) {
	for _, e := range evs {
		b, err := json.Marshal(e)
		if err != nil {
			d.Err = err
			return
		}
		var back room.Event
		if err := json.Unmarshal(b, &back); err != nil {
			d.Err = err
			return
		}
		if err := room.Apply(d.State, back); err != nil {
			d.Err = err
			return
		}
		d.Log = append(d.Log, back)
	}
}

// Do decides and applies one command; a refusal stops the driver.
func (d *Driver) Do(by room.Principal, typ string, data any) []room.Event {
	if d.Err != nil {
		return nil
	}
	d.n++
	d.Now = d.Now.Add(time.Minute)
	var raw json.RawMessage
	if data != nil {
		b, err := json.Marshal(data)
		if err != nil {
			d.Err = err
			return nil
		}
		raw = b
	}
	evs, err := room.Decide(d.State, room.Command{ID: fmt.Sprintf("c%d", d.n), Type: typ, By: by, Data: raw}, d.Now)
	if err != nil {
		d.Err = fmt.Errorf("%s by %s: %w", typ, by.Key(), err)
		return nil
	}
	d.apply(evs...)
	return evs
}

// Advance closes phases until the room is in phase ph.
func (d *Driver) Advance(ph room.Phase) {
	for i := 0; d.Err == nil && d.State.Phase() != ph; i++ {
		if i > 40 {
			d.Err = fmt.Errorf("never reached %s", ph)
			return
		}
		if d.State.Phase() == room.Lobby {
			d.Do(Teacher, "start", nil)
		} else {
			d.Do(Teacher, "advance", nil)
		}
	}
}

// Argue posts an argument for an option of a decision of the year and returns its id.
func (d *Driver) Argue(player, text string, decision, option int, evidence string) string {
	if d.Err != nil {
		return ""
	}
	yr, _ := d.State.Scenario().Year(d.State.Year())
	dec := yr.Decisions[decision%len(yr.Decisions)]
	evs := d.Do(Player(player), "argue", map[string]string{"text": text, "decision": dec.ID, "option": dec.Options[option%len(dec.Options)].ID, "evidence": evidence})
	return postID(evs)
}

// Reply replies to an argument and returns the reply's id.
func (d *Driver) Reply(player, argument, text string) string {
	return postID(d.Do(Player(player), "reply", map[string]string{"argumentId": argument, "text": text}))
}

func postID(evs []room.Event) string {
	if len(evs) == 0 {
		return ""
	}
	var pd room.PostData
	if json.Unmarshal(evs[0].Data, &pd) != nil {
		return ""
	}
	return pd.ID
}

// ExitTicket has a player answer the exit ticket of the lesson that has just ended: the
// answers are cut or padded to the lesson's prompts.
func (d *Driver) ExitTicket(player string, answers ...string) {
	n := 0
	for i := len(d.Log) - 1; i >= 0; i-- {
		if d.Log[i].Type == "lessonEnded" {
			var le struct {
				Prompts []json.RawMessage `json:"prompts"`
			}
			if json.Unmarshal(d.Log[i].Data, &le) == nil {
				n = len(le.Prompts)
			}
			break
		}
	}
	for len(answers) < n {
		answers = append(answers, "")
	}
	d.Do(Player(player), "exitTicket", map[string]any{"answers": answers[:n]})
}

// VoteAll has each listed player vote on every decision of the year: the option at the
// given index (mildest first), or abstain for -1.
func (d *Driver) VoteAll(choice map[string]int) {
	yr, _ := d.State.Scenario().Year(d.State.Year())
	for _, id := range sortedIDs(choice) {
		for _, dec := range yr.Decisions {
			if choice[id] < 0 {
				d.Do(Player(id), "vote", map[string]any{"decision": dec.ID, "abstain": true})
				continue
			}
			d.Do(Player(id), "vote", map[string]string{"decision": dec.ID, "option": dec.Options[choice[id]%len(dec.Options)].ID})
		}
	}
}

// Act has a player take the first action of the year open to them whose id is in
// prefer, if any.
func (d *Driver) Act(player string, prefer ...string) {
	v := d.State.View(Player(player))
	if v.Me == nil {
		return
	}
	for _, want := range prefer {
		for _, a := range v.Me.ActionsOpen {
			if a.ID == want {
				d.Do(Player(player), "act", map[string]string{"action": a.ID})
				return
			}
		}
	}
}

func sortedIDs(m map[string]int) []string {
	var ids []string
	for id := range m {
		ids = append(ids, id)
	}
	for i := 1; i < len(ids); i++ {
		for j := i; j > 0 && ids[j] < ids[j-1]; j-- {
			ids[j], ids[j-1] = ids[j-1], ids[j]
		}
	}
	return ids
}

// Session records a short, complete classroom game over two lessons: six players (one a
// Historian, one a group of two students), the class plays 1928, 1930 and 1932 and the
// model steps the other years with history's choices. It exercises the caps (one player
// argues five times in 1928), marks from the same and other roles, a held post and a
// hidden one, abstentions, actions, an announcement, a student stepping out of role, the
// Historian's flag, attached card and annotations, the exit tickets of both lessons, and
// the teacher's rubric scores given after the game. The log is the same on every run.
func Session() ([]room.Event, error) {
	d := NewDriver(room.CreateParams{
		RoomID: "room-golden", Code: "GOLD", Seed: 7,
		Settings: room.Settings{PlayedYears: []int{1928, 1930, 1932}},
	})
	for _, p := range []struct{ id, nick string }{
		{"p1", "Anya"}, {"p2", "Boris"}, {"p3", "Chen"}, {"p4", "Dana"}, {"p5", "=Emil"}, {"p6", "Hana"},
	} {
		d.Do(System, "join", map[string]string{"playerId": p.id, "nickname": p.nick})
	}
	// The teacher assigns every role and home region, so the session does not depend on
	// the auto-balance.
	for _, a := range []struct{ id, role, region string }{
		{"p1", "official", "ukraine"}, {"p2", "peasant", "ukraine"}, {"p3", "kulak", "kazakhstan"},
		{"p4", "bukharinite", "rest"}, {"p5", "peasant", "volga"}, {"p6", "historian", "northCaucasus"},
	} {
		d.Do(Teacher, "assignRole", map[string]string{"playerId": a.id, "role": a.role, "region": a.region})
	}
	d.Do(Teacher, "setGroup", map[string]any{"playerId": "p5", "members": []string{"Emil", "Farida"}})
	d.Advance(room.Briefing)

	// 1928.
	d.Do(Teacher, "announce", map[string]string{"text": "Read your role card before the debate."})
	d.Advance(room.Debate)
	a1 := d.Argue("p2", "If the state paid a fair price, we would sell our grain.", 1, 0, "procurement-1928")
	a2 := d.Argue("p1", "The towns and the army must eat; the plan comes first.", 0, 2, "")
	for i := 0; i < 5; i++ {
		d.Argue("p4", fmt.Sprintf("Argument %d: keep NEP's market, and the peasants will keep sowing.", i+1), 1, 0, "nep-begins-1921")
	}
	d.Reply("p3", a1, "We hold our grain because the price is an insult.")
	d.Reply("p1", a1, "Holding grain back is speculation.")
	d.Do(Player("p5"), "mark", map[string]string{"argumentId": a1}) // same role (peasant)
	d.Do(Player("p3"), "mark", map[string]string{"argumentId": a1}) // another role
	d.Do(Player("p6"), "mark", map[string]string{"argumentId": a1}) // the Historian
	d.Do(Player("p4"), "mark", map[string]string{"argumentId": a2})
	d.Advance(room.Vote)
	d.VoteAll(map[string]int{"p1": 2, "p2": 0, "p3": 0, "p4": 0, "p5": -1})
	d.Act("p2", "peasant-petition")
	d.Act("p3", "kulak-hide-grain")
	d.Act("p1", "official-propaganda-meetings")
	d.Advance(room.Resolution)

	// The first lesson ends after 1928; the next one resumes at 1930 (1929 is stepped
	// with history's choices).
	d.Do(Teacher, "endLesson", nil)
	d.ExitTicket("p2", "The price decides whether we sell.", "The towns were hungry too.")
	d.ExitTicket("p3", "Hiding grain felt like the only choice.")
	d.Do(Teacher, "unsuspend", nil)
	d.Advance(room.Debate)
	a3 := d.Argue("p2", "Forced kolkhozy will cost us the horses and the harvest.", 0, 0, "livestock-loss-1930")
	d.Argue("p1", "Moscow demands the pace; I cannot report failure.", 0, 3, "")
	d.Reply("p4", a3, "Even Stalin has called a halt: 'dizzy with success'.")
	d.Do(Player("p1"), "mark", map[string]string{"argumentId": a3})
	d.Do(Player("p4"), "mark", map[string]string{"argumentId": a3})
	d.Do(Player("p3"), "stepOut", map[string]bool{"out": true})
	d.Advance(room.Vote)
	d.VoteAll(map[string]int{"p1": 1, "p2": 0, "p3": 0, "p4": 0, "p5": 0})
	d.Act("p2", "peasant-womens-protest")
	d.Act("p5", "peasant-slaughter-animals")
	d.Advance(room.Resolution)

	// 1932, with posts held for approval.
	d.Advance(room.Debate)
	d.Do(Teacher, "holdPosts", map[string]bool{"on": true})
	a4 := d.Argue("p1", "The villages are starving; I will report it honestly and ask for relief.", 2, 0, "harvest-1932")
	d.Argue("p5", "A post the teacher never approves.", 0, 0, "")
	held := d.Argue("p2", "A post the teacher hides.", 0, 0, "")
	d.Do(Teacher, "approvePost", map[string]string{"argumentId": a4})
	d.Do(Teacher, "hidePost", map[string]string{"argumentId": held})
	d.Do(Teacher, "holdPosts", map[string]bool{"on": false})
	d.Reply("p6", a4, "The Petrovsky and Chubar letter of June 1932 warned of exactly this.")
	d.Do(Player("p2"), "mark", map[string]string{"argumentId": a4})
	d.Do(Player("p6"), "mark", map[string]string{"argumentId": a4})
	// The Historian asks for evidence on an older claim and attaches a card to Anya's.
	d.Do(Player("p6"), "flagClaim", map[string]string{"argumentId": a2, "note": "How much grain did the plan ask for in 1928, and who counted it?"})
	d.Do(Player("p6"), "attachCard", map[string]string{"argumentId": a4, "cardId": "petrovsky-chubar-1932"})
	d.Advance(room.Vote)
	d.VoteAll(map[string]int{"p1": 0, "p2": 0, "p3": 0, "p4": 1, "p5": 0})
	d.Act("p1", "official-report-honestly", "official-ask-relief")
	d.Advance(room.Resolution)
	d.Do(Player("p6"), "annotate", map[string]any{"year": 1932, "text": "The class cut the quota, so the model's famine is far smaller than the real one of 1932–33."})
	d.Advance(room.Debrief)
	d.Do(Player("p6"), "annotate", map[string]any{"year": 1928, "text": "The emergency measures of 1928 were real: grain was seized under article 107."})
	d.Do(Teacher, "endLesson", nil)
	d.ExitTicket("p1", "Reporting the hunger honestly cost me nothing in the game; it cost real officials their posts.")
	d.ExitTicket("p6", "The class's famine was smaller than history's because the quota was cut in 1932.")

	// The teacher assesses after the game.
	d.Do(Teacher, "assess", map[string]any{"playerId": "p1", "criterion": "care", "score": 4, "note": "Spoke about the villages with care."})
	d.Do(Teacher, "assess", map[string]any{"argumentId": a1, "criterion": "evidence", "score": 3})
	d.Do(Teacher, "assess", map[string]any{"argumentId": a3, "criterion": "evidence", "score": 4, "note": "Used the slaughter figures."})
	d.Do(CoTeacher, "assess", map[string]any{"playerId": "p6", "criterion": "accuracy", "score": 4, "note": "Flagged an unsourced claim."})
	return d.Log, d.Err
}

// CounterfactualSession records a short counterfactual game in one lesson: five players,
// the class plays 1930 and 1932 and the model steps the other years. The teacher switches
// off the dekulakisation directive before 1930 resolves and the blacklists before 1932
// does, brings in a shock event each played year, and edits the rubric after the game (a
// criterion renamed, one dropped, one added) before assessing against it. The log is the
// same on every run.
func CounterfactualSession() ([]room.Event, error) {
	d := NewDriver(room.CreateParams{
		RoomID: "room-counterfactual", Code: "WHATIF", Seed: 11, Mode: economy.Counterfactual,
		Settings: room.Settings{PlayedYears: []int{1930, 1932}},
	})
	for _, p := range []struct{ id, nick string }{
		{"p1", "Olena"}, {"p2", "Mykola"}, {"p3", "Aigerim"}, {"p4", "Pavel"}, {"p5", "Ruth"},
	} {
		d.Do(System, "join", map[string]string{"playerId": p.id, "nickname": p.nick})
	}
	for _, a := range []struct{ id, role, region string }{
		{"p1", "official", "ukraine"}, {"p2", "peasant", "ukraine"}, {"p3", "kulak", "kazakhstan"},
		{"p4", "bukharinite", "rest"}, {"p5", "historian", "volga"},
	} {
		d.Do(Teacher, "assignRole", map[string]string{"playerId": a.id, "role": a.role, "region": a.region})
	}
	// 1928 and 1929 are stepped with history's choices; the class starts in 1930.
	d.Advance(room.Briefing)
	d.Do(Teacher, "setDirective", map[string]any{"directive": "dekulakisation", "on": false})
	d.Advance(room.Debate)
	d.Do(CoTeacher, "injectEvent", map[string]string{"event": "good-rains-1930"})
	a1 := d.Argue("p2", "Without deportations the villages can sow in peace; join the kolkhoz slowly.", 0, 0, "livestock-loss-1930")
	d.Argue("p1", "The plan still asks for grain, directive or no directive.", 0, 2, "")
	d.Reply("p3", a1, "No one came for our family this spring. We sowed every field.")
	d.Do(Player("p4"), "mark", map[string]string{"argumentId": a1})
	d.Do(Player("p5"), "mark", map[string]string{"argumentId": a1})
	d.Advance(room.Vote)
	d.VoteAll(map[string]int{"p1": 1, "p2": 0, "p3": 0, "p4": 0})
	d.Act("p2", "peasant-petition")
	d.Act("p1", "official-report-honestly")
	d.Act("p3", "kulak-hide-grain")
	d.Advance(room.Resolution)
	d.Do(Player("p5"), "annotate", map[string]any{"year": 1930, "text": "In history about 1.8 million people were deported in 1930–31; here the teacher switched the directive off."})

	// 1931 is stepped; 1932 is played with the blacklists switched off and the plan cut.
	d.Advance(room.Briefing)
	d.Do(Teacher, "setDirective", map[string]any{"directive": "blacklists", "on": false})
	d.Do(Teacher, "injectEvent", map[string]string{"event": "plan-cut-1932"})
	d.Advance(room.Debate)
	a2 := d.Argue("p1", "The villages are hungry; I will ask Moscow for relief and report the harvest as it is.", 2, 0, "harvest-1932")
	d.Reply("p4", a2, "Cut the exports and the villages keep their seed.")
	d.Do(Player("p2"), "mark", map[string]string{"argumentId": a2})
	d.Do(Player("p5"), "flagClaim", map[string]string{"argumentId": a2, "note": "Which harvest figure: the official one or the later estimates?"})
	d.Advance(room.Vote)
	d.VoteAll(map[string]int{"p1": 0, "p2": 0, "p3": -1, "p4": 0})
	d.Act("p1", "official-ask-relief", "official-report-honestly")
	d.Act("p2", "peasant-petition")
	d.Advance(room.Resolution)
	d.Advance(room.Debrief)
	d.Do(Teacher, "endLesson", nil)
	d.ExitTicket("p2", "Switching one decree off changed who was left in the villages to sow.", "The famine was not inevitable.")

	// The teacher renames a criterion, drops one and adds one, then assesses.
	d.Do(Teacher, "rubric", map[string]any{"criteria": []map[string]any{
		{"id": "evidence", "label": "Use of evidence", "max": 4},
		{"id": "accuracy", "label": "Accuracy against the sources", "max": 5},
		{"id": "reasoning", "label": "Reasoning", "max": 4},
		{"id": "counterfactual", "label": "Reasoning about what might have been", "max": 3},
	}})
	d.Do(Teacher, "assess", map[string]any{"playerId": "p1", "criterion": "counterfactual", "score": 3, "note": "Saw what the switched-off directive changed."})
	d.Do(Teacher, "assess", map[string]any{"argumentId": a1, "criterion": "evidence", "score": 4})
	d.Do(Teacher, "assess", map[string]any{"playerId": "p5", "criterion": "accuracy", "score": 5, "note": "Asked which harvest figure, rightly."})
	return d.Log, d.Err
}
