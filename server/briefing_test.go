package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/classroom-debate/debate/client"
	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/roles"
	"github.com/classroom-debate/debate/room"
)

// briefingRoom drives a room over plain HTTP: commands by POST, read routes by GET.
type briefingRoom struct {
	ts   *testServer
	room client.Room
	n    int
}

func (br *briefingRoom) cmd(secret, typ string, data any) {
	br.ts.t.Helper()
	br.n++
	frame, _ := json.Marshal(map[string]any{"v": 1, "type": typ, "id": fmt.Sprintf("c-%d", br.n), "data": data})
	status, body := br.ts.do("POST", "/api/rooms/"+br.room.Code+"/commands", secret, string(frame))
	if status != 200 {
		br.ts.t.Fatalf("%s: %d %s", typ, status, body)
	}
}

func (br *briefingRoom) advance(n int) {
	for i := 0; i < n; i++ {
		br.cmd(br.room.TeacherKey, "advance", nil)
	}
}

// brief reads a briefing; the body too, for what it must not contain.
func (br *briefingRoom) brief(secret, query string) (roles.Brief, []byte) {
	br.ts.t.Helper()
	status, body := br.ts.do("GET", "/api/rooms/"+br.room.Code+"/briefing"+query, secret, "")
	var b roles.Brief
	if status != 200 || json.Unmarshal(body, &b) != nil {
		br.ts.t.Fatalf("briefing%s: %d %.300s", query, status, body)
	}
	return b, body
}

func slots(b roles.Brief) []string {
	var out []string
	for _, p := range b.Paragraphs {
		out = append(out, p.Slot)
	}
	return out
}

func texts(b roles.Brief) []string {
	var out []string
	for _, p := range b.Paragraphs {
		out = append(out, p.Text)
	}
	return out
}

// A player's briefing comes from the room: the special settler who wrote letters home in
// 1931 reads of them in 1932, the other settler reads the letters that reached them and
// not the writing, and no briefing changes while its year's outcome is on the screen (a
// household deported as 1930 resolves still reads 1930 as it was).
// Staff read any player's; players only their own; the credential never rides in the URL.
// The same game checks that only staff's streams carry exact famine deaths.
func TestRoomBriefingFollowsThePlayersPath(t *testing.T) {
	ts := newServer(t, nil)
	br := &briefingRoom{ts: ts, room: ts.room(`{"playedYears":[1930,1931,1932]}`)}
	code, teacherKey := br.room.Code, br.room.TeacherKey
	writer, quiet := ts.join(code, "Kira"), ts.join(code, "Kolya")
	for _, p := range []client.Player{writer, quiet} {
		br.cmd(teacherKey, "assignRole", map[string]string{"playerId": p.PlayerID, "role": roles.Kulak, "region": "ukraine"})
	}
	streams := map[string]*client.Conn{"player": ts.dial(code, writer.Token), "projector": ts.dial(code, br.room.ProjectorKey), "teacher": ts.dial(code, teacherKey)}

	br.cmd(teacherKey, "start", nil) // 1928 and 1929 stepped
	b1930, _ := br.brief(writer.Token, "")
	if b1930.Year != 1930 || b1930.Fate != roles.Free {
		t.Fatalf("1930 briefing: year %d, fate %q", b1930.Year, b1930.Fate)
	}
	br.advance(3) // 1930 resolves: dekulakisation deports both households
	if again, _ := br.brief(writer.Token, ""); again.Year != 1930 || again.Fate != roles.Free || !slices.Equal(texts(again), texts(b1930)) {
		t.Errorf("the 1930 briefing changed when its household was deported: fate %q", again.Fate)
	}
	br.advance(1)
	b1931, _ := br.brief(writer.Token, "")
	if b1931.Year != 1931 || b1931.Fate != roles.Settler || len(b1931.Paragraphs) == 0 {
		t.Fatalf("1931 briefing: year %d, fate %q, %d paragraphs", b1931.Year, b1931.Fate, len(b1931.Paragraphs))
	}
	if s := slots(b1931); slices.Contains(s, "settlers") || slices.Contains(s, "own") {
		t.Fatalf("1931 briefing already has the settlers' voices: %v", s)
	}
	br.advance(2) // debate, vote
	br.cmd(writer.Token, "act", map[string]string{"action": roles.SettlerLetter})
	br.advance(1) // 1931 resolves
	if again, _ := br.brief(writer.Token, ""); again.Year != 1931 || !slices.Equal(texts(again), texts(b1931)) {
		t.Errorf("the 1931 briefing changed when 1931 resolved: %v", slots(again))
	}
	br.advance(1) // the briefing of 1932

	wrote, _ := br.brief(writer.Token, "")
	heard, _ := br.brief(quiet.Token, "")
	if wrote.Year != 1932 || wrote.Path.LastAction != roles.SettlerLetter || !wrote.Path.SettlerLetters {
		t.Fatalf("the letter writer's 1932 path: %s", wrote.Path)
	}
	if s := slots(wrote); !slices.Contains(s, "own") || !slices.Contains(s, "settlers") {
		t.Errorf("the letter writer's 1932 briefing lacks their letters or the settlers' voices: %v", s)
	}
	if s := slots(heard); slices.Contains(s, "own") || !slices.Contains(s, "settlers") || heard.Path.LastAction != "" {
		t.Errorf("the other settler's 1932 briefing: %v (%s)", s, heard.Path)
	}
	if slices.Equal(texts(wrote), texts(heard)) {
		t.Error("the two settlers read the same 1932 briefing")
	}

	// Staff read a player's briefing by id; players only their own.
	if staff, _ := br.brief(teacherKey, "?player="+writer.PlayerID); !slices.Equal(texts(staff), texts(wrote)) {
		t.Error("the teacher reads a different briefing from the player's")
	}
	for _, tc := range []struct {
		secret, query string
		status        int
		code          fault.Code
	}{
		{teacherKey, "", 400, fault.Invalid},
		{teacherKey, "?player=nobody", 404, fault.NotFound},
		{quiet.Token, "?player=" + writer.PlayerID, 403, fault.Forbidden},
		{br.room.ProjectorKey, "", 403, fault.Forbidden},
		{"", "?token=" + writer.Token, 401, fault.Unauthorized}, // never from the URL
		{"wrong", "", 401, fault.Unauthorized},
	} {
		status, body := ts.do("GET", "/api/rooms/"+code+"/briefing"+tc.query, tc.secret, "")
		wantError(t, status, body, tc.status, tc.code)
	}

	// Exact famine deaths: staff's stream has them, the player's and the projector's none.
	for who, c := range streams {
		if err := c.WaitSeq(ctxT(t), ts.last(br.room.RoomID)); err != nil {
			t.Fatal(err)
		}
		resolved := 0
		for _, e := range c.Events() {
			if e.Type != room.EvYearResolved {
				continue
			}
			resolved++
			if has := bytes.Contains(e.Data, []byte(`"famineDeathsM"`)); has != (who == "teacher") {
				t.Errorf("%s's yearResolved %d carries famine deaths: %v", who, e.Seq, has)
			}
		}
		if resolved != 4 {
			t.Errorf("%s saw %d years resolve, want 4", who, resolved)
		}
	}
	for who, secret := range map[string]string{"player": writer.Token, "projector": br.room.ProjectorKey} {
		status, body := ts.do("GET", "/api/rooms/"+code+"/view", secret, "")
		if status != 200 || bytes.Contains(body, []byte("famineDeaths")) || bytes.Contains(body, []byte("settlerDeaths")) || !bytes.Contains(body, []byte(`"grainHarvestMt"`)) {
			t.Errorf("%s's snapshot: %d, death figures in it: %v", who, status, bytes.Contains(body, []byte("eaths")))
		}
	}
}

// Graphic material reaches a student only when the room's setting shows it: never over a
// public content route, and over the room's routes once the teacher turns it on. Staff
// may read it before turning it on by asking.
func TestGraphicContentFollowsTheRoomSetting(t *testing.T) {
	ts := newServer(t, nil)
	br := &briefingRoom{ts: ts, room: ts.room(`{"playedYears":[1933]}`)}
	code, teacherKey := br.room.Code, br.room.TeacherKey
	student := ts.join(code, "Petro")
	br.cmd(teacherKey, "assignRole", map[string]string{"playerId": student.PlayerID, "role": roles.Peasant, "region": "ukraine"})
	br.cmd(teacherKey, "start", nil) // 1928–1932 stepped, as history went: famine in Ukraine

	// What is graphic: the teacher asks to read it; the card library says which cards are.
	asked, _ := br.brief(teacherKey, "?player="+student.PlayerID+"&graphic=1")
	var graphic [][]byte
	for _, p := range asked.Paragraphs {
		if p.Graphic {
			graphic = append(graphic, encoded(p.Text))
		}
	}
	content, err := roles.DefaultContent()
	if err != nil {
		t.Fatal(err)
	}
	cards := 0
	for _, card := range content.Cards() {
		if card.Graphic {
			graphic, cards = append(graphic, encoded(card.Text)), cards+1
		}
	}
	if cards == 0 || len(graphic) == cards {
		t.Fatalf("no graphic card or no graphic paragraph in the 1933 briefing (%s): the test proves nothing", asked.Path)
	}
	if plain, _ := br.brief(teacherKey, "?player="+student.PlayerID); len(plain.Paragraphs) != len(asked.Paragraphs) || containsAny(mustJSON(t, plain), graphic) {
		t.Error("staff who did not ask read the graphic paragraphs")
	}

	studentRoutes := []string{
		"/api/content/roles", "/api/content/briefings/peasant?region=ukraine", "/api/content/briefings/peasant?region=ukraine&graphic=1",
		"/api/rooms/" + code + "/briefing", "/api/rooms/" + code + "/briefing?graphic=1",
		"/api/rooms/" + code + "/cards", "/api/rooms/" + code + "/cards?graphic=1", "/api/rooms/" + code + "/view",
	}
	read := func(path string) []byte {
		t.Helper()
		status, body := ts.do("GET", path, student.Token, "")
		if status != 200 {
			t.Fatalf("%s: %d %.200s", path, status, body)
		}
		return body
	}
	for _, path := range studentRoutes {
		if containsAny(read(path), graphic) {
			t.Errorf("setting off: %s sends graphic text", path)
		}
	}
	mine, _ := br.brief(student.Token, "")
	if len(mine.Paragraphs) != len(asked.Paragraphs) {
		t.Errorf("the gentler briefing has %d paragraphs, the graphic one %d", len(mine.Paragraphs), len(asked.Paragraphs))
	}

	br.cmd(teacherKey, "settings", map[string]bool{"graphicContent": true})
	for _, path := range []string{"/api/rooms/" + code + "/briefing", "/api/rooms/" + code + "/cards"} {
		if body := read(path); !containsAny(body, graphic) {
			t.Errorf("setting on: %s sends no graphic text", path)
		}
	}
	if shown, _ := br.brief(student.Token, ""); !slices.Equal(texts(shown), texts(asked)) {
		t.Error("setting on: the student's briefing is not the one staff read with the graphic passages")
	}
	for _, path := range studentRoutes[:3] {
		if containsAny(read(path), graphic) {
			t.Errorf("setting on: the public %s sends graphic text", path)
		}
	}
}

// encoded is text as it appears in a JSON body.
func encoded(text string) []byte {
	b, _ := json.Marshal(text)
	return bytes.Trim(b, `"`)
}

func containsAny(body []byte, texts [][]byte) bool {
	for _, tx := range texts {
		if bytes.Contains(body, tx) {
			return true
		}
	}
	return false
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
