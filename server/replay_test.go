package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/classroom-debate/debate/client"
	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/room"
	"github.com/classroom-debate/debate/scoring"
)

// replayGame is a short game played on a real server: a teacher and four students on
// their own connections.
type replayGame struct {
	t       *testing.T
	ts      *testServer
	room    client.Room
	teacher *client.Conn
	players map[string]*replayPlayer // by nickname
	order   []string
}

type replayPlayer struct {
	id, token string
	conn      *client.Conn
}

func (g *replayGame) send(c *client.Conn, typ string, data any) uint64 {
	g.t.Helper()
	seq, err := c.Send(ctxT(g.t), typ, data)
	if err != nil {
		g.t.Fatalf("%s %v: %v", typ, data, err)
	}
	return seq
}

// get fetches a path with a credential and fails on anything but 200.
func (g *replayGame) get(path, secret string) []byte {
	g.t.Helper()
	status, body := g.ts.do("GET", path, secret, "")
	if status != http.StatusOK {
		g.t.Fatalf("GET %s: %d %s", path, status, body)
	}
	return body
}

// view is the room as the holder of secret sees it now, from the live server.
func (g *replayGame) view(secret string) room.View {
	g.t.Helper()
	var v room.View
	if err := json.Unmarshal(g.get("/api/rooms/"+g.room.Code+"/view", secret), &v); err != nil {
		g.t.Fatal(err)
	}
	return v
}

// advanceTo moves the game on, as the teacher, until it reaches phase in year (0: any).
func (g *replayGame) advanceTo(phase room.Phase, year int) {
	g.t.Helper()
	for i := 0; ; i++ {
		v := g.view(g.room.TeacherKey)
		if v.Phase == phase && (year == 0 || v.Year == year) {
			return
		}
		if i > 40 {
			g.t.Fatalf("never reached %s %d (at %s %d)", phase, year, v.Phase, v.Year)
		}
		g.send(g.teacher, "advance", nil)
	}
}

// argue posts an argument for the first option of the year's first decision.
func (g *replayGame) argue(nick, text string, year int) string {
	g.t.Helper()
	yr, _ := economy.Default().Year(year)
	dec := yr.Decisions[0]
	g.send(g.players[nick].conn, "argue", map[string]string{"text": text, "decision": dec.ID, "option": dec.Options[0].ID})
	v := g.view(g.room.TeacherKey)
	for i := len(v.Arguments) - 1; i >= 0; i-- {
		if a := v.Arguments[i]; a.PlayerID == g.players[nick].id && a.Text == text {
			return a.ID
		}
	}
	g.t.Fatalf("%s's argument is not in the room", nick)
	return ""
}

// voteAndAct has every student vote on each decision of the year (option pick of each)
// and take the first action open to them.
func (g *replayGame) voteAndAct(year int, pick int) {
	g.t.Helper()
	yr, _ := economy.Default().Year(year)
	for k, nick := range g.order {
		p := g.players[nick]
		v := g.view(p.token)
		if v.Me == nil || v.Me.Role == "historian" {
			continue
		}
		for _, dec := range yr.Decisions {
			g.send(p.conn, "vote", map[string]string{"decision": dec.ID, "option": dec.Options[(pick+k)%len(dec.Options)].ID})
		}
		if len(v.Me.ActionsOpen) > 0 {
			g.send(p.conn, "act", map[string]string{"action": v.Me.ActionsOpen[(pick+k)%len(v.Me.ActionsOpen)].ID})
		}
	}
}

// compactJSON is a JSON document without insignificant space, for comparing documents
// encoded by different encoders.
func compactJSON(t *testing.T, what string, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	if err := json.Compact(&out, b); err != nil {
		t.Fatalf("%s is not JSON: %v", what, err)
	}
	return out.Bytes()
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The exported log replays to what the live server reports: a short counterfactual game
// is played on a real server (votes, arguments, replies, marks, actions, a directive
// switched off, a shock event, the teacher's assessment); the teacher downloads the log
// over HTTP, and the path `debate replay` takes (scoring.ReadEventLog, then
// scoring.FinalJSON) gives the room's final.json export byte for byte. The replayed room
// is checked against the live server's own reports too, which it builds from its store
// and memo rather than from the file: the teacher's view of the room, the debrief, every
// year's report, and the debrief and choices exports.
func TestReplayOfTheExportedLogMatchesTheLiveRoom(t *testing.T) {
	ts := newServer(t, nil)
	r, err := ts.client.CreateRoom(ctxT(t), client.CreateRequest{Mode: "counterfactual", Settings: json.RawMessage(`{"playedYears":[1928,1930]}`)})
	if err != nil {
		t.Fatal(err)
	}
	g := &replayGame{t: t, ts: ts, room: r, teacher: ts.dial(r.Code, r.TeacherKey), players: map[string]*replayPlayer{}}
	for _, p := range []struct{ nick, role, region string }{
		{"Anya", "official", "ukraine"}, {"Boris", "peasant", "ukraine"}, {"Chen", "kulak", "kazakhstan"}, {"Dana", "historian", "volga"},
	} {
		pl := ts.join(r.Code, p.nick)
		g.players[p.nick] = &replayPlayer{id: pl.PlayerID, token: pl.Token, conn: ts.dial(r.Code, pl.Token)}
		g.order = append(g.order, p.nick)
		g.send(g.teacher, "assignRole", map[string]string{"playerId": pl.PlayerID, "role": p.role, "region": p.region})
	}
	g.send(g.teacher, "start", nil)

	// 1928, played.
	g.advanceTo(room.Debate, 1928)
	a1 := g.argue("Boris", "A fair price and we would sell our grain.", 1928)
	g.argue("Anya", "The towns must eat; the plan comes first.", 1928)
	g.send(g.players["Chen"].conn, "reply", map[string]string{"argumentId": a1, "text": "We hold our grain because the price is too low."})
	g.send(g.players["Chen"].conn, "mark", map[string]string{"argumentId": a1})
	g.send(g.players["Dana"].conn, "mark", map[string]string{"argumentId": a1})
	g.advanceTo(room.Vote, 1928)
	g.voteAndAct(1928, 0)
	g.advanceTo(room.Resolution, 1928)

	// 1929 is stepped; 1930 is played with dekulakisation switched off and a shock event.
	g.advanceTo(room.Briefing, 1930)
	g.send(g.teacher, "setDirective", map[string]any{"directive": "dekulakisation", "on": false})
	g.send(g.teacher, "injectEvent", map[string]string{"event": "good-rains-1930"})
	g.advanceTo(room.Debate, 1930)
	a2 := g.argue("Anya", "Moscow wants the pace; I cannot report failure.", 1930)
	g.send(g.players["Boris"].conn, "reply", map[string]string{"argumentId": a2, "text": "The pace will cost us the horses."})
	g.send(g.players["Boris"].conn, "mark", map[string]string{"argumentId": a2})
	g.advanceTo(room.Vote, 1930)
	g.voteAndAct(1930, 1)
	g.advanceTo(room.Debrief, 0)
	g.send(g.teacher, "assess", map[string]any{"playerId": g.players["Anya"].id, "criterion": "reasoning", "score": 3, "note": "Weighed the plan against the villages."})

	// The teacher downloads the log, and the replay reads it as `debate replay` does.
	exportPath := "/api/rooms/" + r.Code + "/exports/"
	logFile := g.get(exportPath+"log.json", r.TeacherKey)
	lf, err := scoring.ReadEventLog(logFile)
	if err != nil {
		t.Fatalf("the downloaded log does not read back: %v", err)
	}
	replayed, err := scoring.FinalJSON(lf.Events)
	if err != nil {
		t.Fatal(err)
	}
	if live := g.get(exportPath+"final.json", r.TeacherKey); !bytes.Equal(live, replayed) {
		t.Fatalf("the replay differs from the live room's final.json:\nlive:     %.400s\nreplayed: %.400s", live, replayed)
	}
	var final scoring.Final
	if err := json.Unmarshal(replayed, &final); err != nil {
		t.Fatal(err)
	}
	if last := ts.last(r.RoomID); final.Seq != last || lf.RoomID != r.RoomID || lf.Code != r.Code {
		t.Fatalf("the replay stops at seq %d of room %s; the live room is at %d of %s", final.Seq, lf.RoomID, last, r.RoomID)
	}
	if final.Scores == nil || !final.Scores.Complete || len(final.Scores.Years) != 7 || len(final.Scores.Players) != 4 {
		t.Fatalf("the replayed scores are not a finished game's: %+v", final.Scores)
	}

	// The live room as the teacher sees it is the replayed room's state.
	st := room.NewState()
	for _, e := range lf.Events {
		if err := room.Apply(st, e); err != nil {
			t.Fatalf("event %d: %v", e.Seq, err)
		}
	}
	teacher := room.Principal{Kind: room.Teacher}
	liveView := g.get("/api/rooms/"+r.Code+"/view", r.TeacherKey)
	if want := mustMarshal(t, st.View(teacher)); !bytes.Equal(compactJSON(t, "the live view", liveView), want) {
		t.Errorf("the live teacher's view differs from the replayed room's:\nlive:     %.400s\nreplayed: %.400s", liveView, want)
	}

	// The live debrief (scores, path, divergences) is the replay's.
	aud := room.AudienceOf(teacher)
	d, err := scoring.Debrief(lf.Events)
	if err != nil {
		t.Fatal(err)
	}
	liveDebrief := g.get("/api/rooms/"+r.Code+"/debrief", r.TeacherKey)
	if want := mustMarshal(t, d.For(aud)); !bytes.Equal(compactJSON(t, "the live debrief", liveDebrief), want) {
		t.Errorf("the live debrief differs from the replayed one:\nlive:     %.400s\nreplayed: %.400s", liveDebrief, want)
	}
	var shown scoring.Debriefing
	if err := json.Unmarshal(liveDebrief, &shown); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(mustMarshal(t, shown.Scores), mustMarshal(t, final.Scores)) {
		t.Error("the scores the live debrief shows are not the replayed final scores")
	}
	if want, err := scoring.DebriefJSON(lf.Events); err != nil || !bytes.Equal(g.get(exportPath+"debrief.json", r.TeacherKey), want) {
		t.Errorf("the debrief export differs from the replay's (%v)", err)
	}
	if want, err := scoring.ChoicesJSON(lf.Events); err != nil || !bytes.Equal(g.get(exportPath+"choices.json", r.TeacherKey), want) {
		t.Errorf("the choices export differs from the replay's (%v)", err)
	}

	// Every year's live report is the replay's.
	for _, ys := range final.Scores.Years {
		yv, ok, err := scoring.YearReport(lf.Events, ys.Year)
		if err != nil || !ok {
			t.Fatalf("the replay has no report for %d: %v", ys.Year, err)
		}
		live := g.get(fmt.Sprintf("/api/rooms/%s/years/%d/report", r.Code, ys.Year), r.TeacherKey)
		if want := mustMarshal(t, yv.For(aud)); !bytes.Equal(compactJSON(t, "the live year report", live), want) {
			t.Errorf("%d: the live report differs from the replayed one:\nlive:     %.300s\nreplayed: %.300s", ys.Year, live, want)
		}
	}

	// What was played is in the replayed scores: debate counted, actions taken, and the
	// teacher's switch and shock event in the choices.
	played := map[int]bool{}
	for _, ys := range final.Scores.Years {
		played[ys.Year] = !ys.Stepped
	}
	if !played[1928] || played[1929] || !played[1930] {
		t.Errorf("played years in the replay: %v", played)
	}
	boris1928 := scoring.PlayerYear{}
	for _, py := range final.Scores.Years[0].Players {
		if py.PlayerID == g.players["Boris"].id {
			boris1928 = py
		}
	}
	if boris1928.Debate.Arguments != 1 || boris1928.Debate.MarksOther != 2 || boris1928.Action == "" {
		t.Errorf("Boris's 1928 in the replay: %+v", boris1928.Debate)
	}
	var rec economy.Record
	if err := json.Unmarshal(g.get(exportPath+"choices.json", r.TeacherKey), &rec); err != nil {
		t.Fatal(err)
	}
	if y := rec.Years[2]; y.Directives["dekulakisation"] || len(y.Events) != 1 || y.Events[0] != "good-rains-1930" {
		t.Errorf("the replayed 1930 lost the teacher's changes: %+v %v", y.Directives, y.Events)
	}
}
