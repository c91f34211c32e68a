package server_test

import (
	"fmt"
	"testing"

	"github.com/classroom-debate/debate/client"
	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/server"
)

// A socket may send commands without waiting for each answer: they are decided in the
// order sent and answered in that order, pings and refusals included, and more than
// the in-flight bound only waits (back-pressure), it is never refused.
func TestPipelinedCommandsAnsweredInOrder(t *testing.T) {
	ts := newServer(t, func(c *server.Config) { c.CommandsInFlight = 4 })
	r := ts.room("")
	teacher := ts.dial(r.Code, r.TeacherKey)
	const n = 12 // three times the in-flight bound
	var want []string
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("p%02d", i)
		msg := fmt.Sprintf(`{"v":1,"type":"announce","id":%q,"data":{"text":"Announcement %d."}}`, id, i)
		switch i {
		case 5:
			msg = fmt.Sprintf(`{"v":1,"type":"announce","id":%q,"data":{"text":""}}`, id) // refused by the rules
		case 8:
			msg = `{"v":1,"type":"ping","id":"ping"}`
			id = "pong"
		}
		want = append(want, id)
		if err := teacher.SendRaw(ctxT(t), []byte(msg)); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	var lastSeq uint64
	for len(got) < n {
		f, err := teacher.WaitFor(ctxT(t), func(f client.Frame) bool { return f.Type == "ack" || f.Type == "error" || f.Type == "pong" })
		if err != nil {
			t.Fatalf("after %v: %v", got, err)
		}
		switch f.Type {
		case "pong":
			got = append(got, "pong")
		case "error":
			if f.ID != "p05" || f.Err.Code != fault.Invalid {
				t.Fatalf("error frame %s %+v", f.ID, f.Err)
			}
			got = append(got, f.ID)
		case "ack":
			if f.Seq <= lastSeq {
				t.Fatalf("ack %s at seq %d after seq %d", f.ID, f.Seq, lastSeq)
			}
			lastSeq = f.Seq
			got = append(got, f.ID)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("answers in the order %v, want %v", got, want)
	}
	if err := teacher.WaitSeq(ctxT(t), lastSeq); err != nil {
		t.Fatal(err)
	}
	if last := ts.last(r.RoomID); last != lastSeq {
		t.Fatalf("the log ends at %d, the last ack says %d", last, lastSeq)
	}
}
