package engine_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/classroom-debate/debate/clock"
	"github.com/classroom-debate/debate/engine"
	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/room"
)

func TestRejoinCodesIssueRevokeAndRejoin(t *testing.T) {
	r := newRig(t)
	c, _ := r.hub.Create(ctx(t), engine.CreateOptions{})
	teacher := staff(c)
	anya, err := r.hub.Join(ctx(t), c.Code, "Anya")
	if err != nil {
		t.Fatal(err)
	}
	boris, _ := r.hub.Join(ctx(t), c.Code, "Boris")
	bs, _ := r.hub.Authenticate(ctx(t), c.Code, boris.Token)
	if _, err := r.hub.IssueRejoinCode(ctx(t), bs, anya.PlayerID); fault.CodeOf(err) != fault.Forbidden {
		t.Fatalf("a student issuing a code: %v", err)
	}
	if _, err := r.hub.IssueRejoinCode(ctx(t), teacher, "nobody"); fault.CodeOf(err) != fault.NotFound {
		t.Fatalf("a code for nobody: %v", err)
	}
	code1, err := r.hub.IssueRejoinCode(ctx(t), teacher, anya.PlayerID)
	if err != nil {
		t.Fatal(err)
	}
	if len(code1) != engine.RejoinCodeLength || strings.Trim(code1, "ABCDEFGHJKMNPQRSTWXYZ23456789") != "" {
		t.Fatalf("code %q", code1)
	}
	// A code is not a key: it opens nothing by itself.
	if _, err := r.hub.Authenticate(ctx(t), c.Code, code1); fault.CodeOf(err) != fault.Unauthorized {
		t.Fatalf("a rejoin code used as a token: %v", err)
	}
	// Typed from paper: lower case, a dash.
	typed := strings.ToLower(code1[:5]) + "-" + strings.ToLower(code1[5:])
	j, err := r.hub.Rejoin(ctx(t), c.Code, typed)
	if err != nil {
		t.Fatal(err)
	}
	if j.PlayerID != anya.PlayerID || j.Token == anya.Token || j.RoomID != c.RoomID {
		t.Fatalf("rejoined %+v", j)
	}
	s, err := r.hub.Authenticate(ctx(t), c.Code, j.Token)
	if err != nil || s.Principal.PlayerID != anya.PlayerID {
		t.Fatalf("the new token: %+v %v", s, err)
	}
	if _, err := r.hub.Authenticate(ctx(t), c.Code, anya.Token); fault.CodeOf(err) != fault.Unauthorized {
		t.Errorf("the forgotten session's token still works: %v", err)
	}
	// The code keeps working until a new one is issued.
	if _, err := r.hub.Rejoin(ctx(t), c.Code, code1); err != nil {
		t.Fatalf("second use of the code: %v", err)
	}
	code2, err := r.hub.IssueRejoinCode(ctx(t), teacher, anya.PlayerID)
	if err != nil || code2 == code1 {
		t.Fatalf("second code %q %v", code2, err)
	}
	if _, err := r.hub.Rejoin(ctx(t), c.Code, code1); fault.CodeOf(err) != fault.Unauthorized {
		t.Errorf("the revoked code: %v", err)
	}
	if _, err := r.hub.Rejoin(ctx(t), c.Code, code2); err != nil {
		t.Errorf("the new code: %v", err)
	}
	other, _ := r.hub.Create(ctx(t), engine.CreateOptions{})
	if _, err := r.hub.Rejoin(ctx(t), other.Code, code2); fault.CodeOf(err) != fault.Unauthorized {
		t.Errorf("a code in another room: %v", err)
	}
	for _, bad := range []string{"", "SHORT", strings.Repeat("A", 11)} {
		if _, err := r.hub.Rejoin(ctx(t), c.Code, bad); fault.CodeOf(err) != fault.Unauthorized {
			t.Errorf("code %q: %v", bad, err)
		}
	}
	// The log records the generations, never a code.
	entries, err := r.store.Log().Read(ctx(t), c.RoomID, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	gens := 0
	for _, en := range entries {
		if strings.Contains(string(en.Data), code1) || strings.Contains(string(en.Data), code2) {
			t.Fatalf("the log holds a rejoin code: %s", en.Data)
		}
		var e room.Event
		_ = json.Unmarshal(en.Data, &e)
		if e.Type == room.EvRejoinIssued {
			gens++
			if v := room.VisibilityOf(e); v.Public || len(v.Players) != 0 {
				t.Errorf("rejoinIssued visibility %+v", v)
			}
		}
	}
	if gens != 2 {
		t.Errorf("%d rejoinIssued events, want 2", gens)
	}
	// A removed player cannot come back.
	if _, err := r.hub.Submit(ctx(t), teacher, cmd("rm", "removePlayer", map[string]string{"playerId": anya.PlayerID})); err != nil {
		t.Fatal(err)
	}
	if _, err := r.hub.Rejoin(ctx(t), c.Code, code2); fault.CodeOf(err) != fault.Unauthorized {
		t.Errorf("a removed player's rejoin: %v", err)
	}
	if _, err := r.hub.IssueRejoinCode(ctx(t), teacher, anya.PlayerID); fault.CodeOf(err) != fault.NotFound {
		t.Errorf("a code for a removed player: %v", err)
	}
}

// snapshotOf watches the room as p and returns the snapshot's view.
func snapshotOf(t *testing.T, r *rig, s engine.Session) room.View {
	t.Helper()
	f, err := r.hub.Watch(ctx(t), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fr, _ := next(t, f)
	if fr.Type != "snapshot" {
		t.Fatalf("first frame %+v", fr)
	}
	var v room.View
	if err := json.Unmarshal(fr.State, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// End the lesson, answer the exit tickets, restart the server, and resume days later:
// the de-roling, the tickets, the rejoin codes and the recap all survive.
func TestEndLessonAndResumeAcrossARestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "debate.db")
	clk := clock.NewFake(time.Date(1930, 3, 2, 9, 0, 0, 0, time.UTC))
	r := openRig(t, path, clk, 0)
	settings, _ := json.Marshal(room.Settings{LessonPlan: "three", LessonMinutes: 45})
	c, err := r.hub.Create(ctx(t), engine.CreateOptions{Settings: settings})
	if err != nil {
		t.Fatal(err)
	}
	teacher := staff(c)
	var players []engine.Joined
	for _, nick := range []string{"Anya", "Boris", "Chen", "Dana"} {
		j, err := r.hub.Join(ctx(t), c.Code, nick)
		if err != nil {
			t.Fatal(err)
		}
		players = append(players, j)
	}
	code, err := r.hub.IssueRejoinCode(ctx(t), teacher, players[0].PlayerID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.hub.Submit(ctx(t), teacher, cmd("go", "start", nil)); err != nil {
		t.Fatal(err)
	}
	if _, err := r.hub.Submit(ctx(t), teacher, cmd("adv", "advance", nil)); err != nil { // the debate
		t.Fatal(err)
	}
	if _, err := r.hub.Submit(ctx(t), teacher, cmd("end", "endLesson", nil)); err != nil {
		t.Fatal(err)
	}
	ps, _ := r.hub.Authenticate(ctx(t), c.Code, players[1].Token)
	if _, err := r.hub.Submit(ctx(t), ps, cmd("t1", "exitTicket", map[string]any{"answers": []string{"Boris reflects.", "A question."}})); err != nil {
		t.Fatal(err)
	}
	v := snapshotOf(t, r, ps)
	if !v.Derole || !v.Suspended || v.ExitTicket == nil || v.ExitTicket.Answers[0] != "Boris reflects." || v.Recap == nil {
		t.Fatalf("player at the lesson's end: derole %v suspended %v ticket %+v", v.Derole, v.Suspended, v.ExitTicket)
	}
	r.close()

	// Days later, a new server process on the same file.
	clk.Advance(72 * time.Hour)
	r2 := openRig(t, path, clk, 0)
	if err := r2.hub.Start(ctx(t)); err != nil {
		t.Fatal(err)
	}
	tv := snapshotOf(t, r2, teacher)
	if !tv.Derole || !tv.Suspended || len(tv.ExitTickets) != 1 || tv.ExitTickets[0].PlayerID != players[1].PlayerID || tv.Phase != room.Vote {
		t.Fatalf("teacher after the restart: derole %v suspended %v tickets %+v phase %s", tv.Derole, tv.Suspended, tv.ExitTickets, tv.Phase)
	}
	f, err := r2.hub.Watch(ctx(t), teacher, nil)
	if err != nil {
		t.Fatal(err)
	}
	next(t, f)
	seq, err := r2.hub.Submit(ctx(t), teacher, cmd("resume", "unsuspend", nil))
	if err != nil {
		t.Fatal(err)
	}
	var e room.Event
	for e.Seq != seq {
		e = nextEvent(t, f)
	}
	var un room.UnsuspendedData
	if err := json.Unmarshal(e.Data, &un); err != nil || e.Type != room.EvUnsuspended {
		t.Fatalf("resume event %s %v", e.Type, err)
	}
	if !un.NewLesson || un.Lesson != 2 || un.Recap == nil || un.Recap.Lesson != 2 || un.Deadline == nil {
		t.Fatalf("resume %+v", un)
	}
	// The projector shows the recap; the lesson counts on.
	pv := snapshotOf(t, r2, engine.Session{RoomID: c.RoomID, Code: c.Code, Principal: room.Principal{Kind: room.Projector}})
	if pv.Recap == nil || pv.Derole || pv.LessonNumber != 2 || pv.ExitTickets != nil {
		t.Errorf("projector after the resume: recap %v derole %v lesson %d tickets %v", pv.Recap != nil, pv.Derole, pv.LessonNumber, pv.ExitTickets)
	}
	// The printed rejoin code still brings Anya back.
	j, err := r2.hub.Rejoin(ctx(t), c.Code, code)
	if err != nil || j.PlayerID != players[0].PlayerID {
		t.Fatalf("rejoin after the restart: %+v %v", j, err)
	}
	as, _ := r2.hub.Authenticate(ctx(t), c.Code, j.Token)
	if _, err := r2.hub.Submit(ctx(t), as, cmd("so", "stepOut", map[string]bool{"out": true})); err != nil {
		t.Errorf("the rejoined player cannot act: %v", err)
	}
}
