package room

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/fault"
)

var t0 = time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)

var (
	teacher   = Principal{Kind: Teacher}
	coteacher = Principal{Kind: CoTeacher}
	projector = Principal{Kind: Projector}
	sys       = Principal{Kind: System}
)

func pl(id string) Principal { return Principal{Kind: Player, PlayerID: id} }

// testRoom drives a State through Decide and Apply the way the engine does, checking on
// every call that Decide leaves the state untouched.
type testRoom struct {
	t      *testing.T
	s      *State
	log    []Event
	now    time.Time
	nextID int
}

func newRoom(t *testing.T, p CreateParams) *testRoom {
	t.Helper()
	if p.RoomID == "" {
		p.RoomID, p.Code = "room-1", "ABCD"
	}
	e, err := Create(p, t0)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	r := &testRoom{t: t, s: NewState(), now: t0}
	r.apply(e)
	return r
}

func (r *testRoom) apply(evs ...Event) {
	r.t.Helper()
	for _, e := range evs {
		// Events travel as JSON between Decide, the log and Apply.
		b, err := json.Marshal(e)
		if err != nil {
			r.t.Fatalf("encode event: %v", err)
		}
		var back Event
		if err := json.Unmarshal(b, &back); err != nil {
			r.t.Fatalf("decode event: %v", err)
		}
		if err := Apply(r.s, back); err != nil {
			r.t.Fatalf("Apply %s: %v", e.Type, err)
		}
		r.log = append(r.log, back)
	}
}

func stateJSON(t *testing.T, s *State) []byte {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatalf("marshal state: %v", err)
	}
	return b
}

func data(v any) json.RawMessage {
	if v == nil {
		return nil
	}
	if s, ok := v.(string); ok {
		return json.RawMessage(s)
	}
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// decide runs Decide and checks that it did not touch the state.
func (r *testRoom) decide(by Principal, typ string, d any) ([]Event, error) {
	r.t.Helper()
	r.nextID++
	before := stateJSON(r.t, r.s)
	evs, err := Decide(r.s, Command{ID: fmt.Sprintf("c%d", r.nextID), Type: typ, By: by, Data: data(d)}, r.now)
	if after := stateJSON(r.t, r.s); !bytes.Equal(before, after) {
		r.t.Fatalf("Decide(%s) changed the state", typ)
	}
	if err != nil && len(evs) != 0 {
		r.t.Fatalf("Decide(%s) returned events with an error", typ)
	}
	return evs, err
}

// do decides and applies a command that must succeed.
func (r *testRoom) do(by Principal, typ string, d any) []Event {
	r.t.Helper()
	evs, err := r.decide(by, typ, d)
	if err != nil {
		r.t.Fatalf("%s by %s: %v", typ, by.Key(), err)
	}
	for i, e := range evs {
		if e.Seq != r.s.Seq()+uint64(i)+1 || !e.At.Equal(r.now) || e.By == nil || *e.By != by || e.V != EventFormat {
			r.t.Fatalf("%s: event %d badly stamped: %+v", typ, i, e)
		}
	}
	r.apply(evs...)
	return evs
}

// refuse checks that a command is refused with code and changes nothing.
func (r *testRoom) refuse(by Principal, typ string, d any, code fault.Code) {
	r.t.Helper()
	seq := r.s.Seq()
	_, err := r.decide(by, typ, d)
	if got := fault.CodeOf(err); got != code {
		r.t.Fatalf("%s by %s: got %q (%v), want %q", typ, by.Key(), got, err, code)
	}
	var fe *fault.Error
	if !asFault(err, &fe) || fe.Message == "" {
		r.t.Fatalf("%s: error %v is not a *fault.Error with a sentence", typ, err)
	}
	if r.s.Seq() != seq {
		r.t.Fatalf("%s: seq moved", typ)
	}
}

func asFault(err error, fe **fault.Error) bool {
	f, ok := err.(*fault.Error)
	*fe = f
	return ok
}

func (r *testRoom) join(id, nick string) PlayerData {
	r.t.Helper()
	evs := r.do(sys, "join", map[string]string{"playerId": id, "nickname": nick})
	var d PlayerData
	mustDecode(r.t, evs[0], &d)
	return d
}

func (r *testRoom) advance(n int) {
	r.t.Helper()
	for i := 0; i < n; i++ {
		r.do(teacher, "advance", nil)
	}
}

// toPhase advances until the room reaches phase ph (in any year).
func (r *testRoom) toPhase(ph Phase) {
	r.t.Helper()
	for i := 0; r.s.Phase() != ph; i++ {
		if i > 40 {
			r.t.Fatalf("never reached %s", ph)
		}
		if r.s.Phase() == Lobby {
			r.do(teacher, "start", nil)
		} else {
			r.do(teacher, "advance", nil)
		}
	}
}

func mustDecode(t *testing.T, e Event, v any) {
	t.Helper()
	if err := json.Unmarshal(e.Data, v); err != nil {
		t.Fatalf("decode %s: %v", e.Type, err)
	}
}

func eventsOf(evs []Event, typ string) []Event {
	var out []Event
	for _, e := range evs {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

func types(evs []Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Type)
	}
	return out
}

// curYear returns the scenario year in play.
func (r *testRoom) curYear() *economy.Year {
	r.t.Helper()
	y, ok := r.s.Scenario().Year(r.s.Year())
	if !ok {
		r.t.Fatalf("no year %d", r.s.Year())
	}
	return y
}

// actionFor returns an action of the year open to the player, or "".
func (r *testRoom) actionFor(id string) string {
	p := r.s.c.Players[id]
	for _, a := range r.curYear().Actions {
		if openTo(a, p) {
			return a.ID
		}
	}
	return ""
}

func viewJSON(t *testing.T, s *State, p Principal) string {
	t.Helper()
	b, err := json.Marshal(s.View(p))
	if err != nil {
		t.Fatalf("marshal view: %v", err)
	}
	return string(b)
}
