package server_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/classroom-debate/debate/client"
	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/i18n"
	"github.com/classroom-debate/debate/room"
)

// docSchema is what docs/PROTOCOL.md documents about the frames a client receives.
type docSchema struct {
	frames      map[string]map[string]bool // frame type → the fields its examples show
	eventFields map[string]bool            // fields of every event ("Every event: {…}")
	events      map[string]map[string]bool // event type → the data fields its row shows
	staffOnly   map[string]bool            // event types seen by staff only
	staffAndP   map[string]bool            // event types seen by staff and the player they name
	errorCodes  map[string]bool
	closeCodes  map[int]bool
}

var (
	docKey     = regexp.MustCompile(`"([A-Za-z][A-Za-z0-9]*)":`)
	docCode    = regexp.MustCompile("`([A-Za-z][A-Za-z0-9_]*)`")
	docAsIn    = regexp.MustCompile("as in `([A-Za-z]+)`")
	docSection = regexp.MustCompile(`^#{2,3} (.*)$`)
)

func keysIn(s string) map[string]bool {
	out := map[string]bool{}
	for _, m := range docKey.FindAllStringSubmatch(s, -1) {
		out[m[1]] = true
	}
	return out
}

// loadSchema reads docs/PROTOCOL.md: the server frames' JSON examples, the event tables
// (type, who sees it, the data example), the error codes and the close codes.
func loadSchema(t *testing.T) docSchema {
	t.Helper()
	f, err := os.Open("../docs/PROTOCOL.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := docSchema{frames: map[string]map[string]bool{}, events: map[string]map[string]bool{},
		staffOnly: map[string]bool{}, staffAndP: map[string]bool{}, errorCodes: map[string]bool{}, closeCodes: map[int]bool{}}
	asIn := map[string]string{}
	var section, sub, table string
	inCode := false
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "```") {
			inCode = !inCode
			continue
		}
		if inCode {
			if section == "Server frames" && sub != "" {
				if s.frames[sub] == nil {
					s.frames[sub] = map[string]bool{}
				}
				for k := range keysIn(line) {
					s.frames[sub][k] = true
				}
			}
			continue
		}
		if m := docSection.FindStringSubmatch(line); m != nil {
			if strings.HasPrefix(line, "## ") {
				section, sub = m[1], ""
			} else {
				sub = m[1]
			}
			continue
		}
		if strings.HasPrefix(line, "Every event: `") {
			s.eventFields = keysIn(line)
		}
		if !strings.HasPrefix(line, "|") {
			table = ""
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), " | ")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if table == "" {
			table = strings.Join(cells, "|")
			continue
		}
		switch {
		case table == "type|from|seen by|data" && len(cells) >= 4:
			data := strings.Join(cells[3:], " | ")
			for _, typ := range docCode.FindAllStringSubmatch(cells[0], -1) {
				s.events[typ[1]] = keysIn(data)
				if m := docAsIn.FindStringSubmatch(data); m != nil {
					asIn[typ[1]] = m[1]
				}
				switch strings.Trim(cells[2], "*") {
				case "staff":
					s.staffOnly[typ[1]] = true
				case "staff+voter", "staff+player", "staff+P":
					s.staffAndP[typ[1]] = true
				}
			}
		case section == "Error codes" && table == "code|HTTP|when":
			if m := docCode.FindStringSubmatch(cells[0]); m != nil {
				s.errorCodes[m[1]] = true
			}
		case section == "Close codes" && table == "code|meaning|client should":
			var code int
			if _, err := fmt.Sscan(cells[0], &code); err == nil {
				s.closeCodes[code] = true
			}
		}
	}
	for typ, other := range asIn {
		for k := range s.events[other] {
			s.events[typ][k] = true
		}
	}
	if len(s.frames) < 8 || len(s.events) < 40 || len(s.eventFields) < 6 || len(s.errorCodes) < 15 || len(s.closeCodes) < 9 {
		t.Fatalf("docs/PROTOCOL.md did not parse as expected: %d frames, %d events, %d event fields, %d error codes, %d close codes",
			len(s.frames), len(s.events), len(s.eventFields), len(s.errorCodes), len(s.closeCodes))
	}
	return s
}

// stream is what one connection received, as raw frames.
type stream struct {
	name   string
	player string // the player id for a player's stream
	staff  bool
	mu     sync.Mutex
	frames [][]byte
}

func (st *stream) tap(raw []byte) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.frames = append(st.frames, append([]byte(nil), raw...))
}

// TestFramesMatchProtocolDoc plays a short game (a teacher, the projector and sixteen
// students, one on SSE, two years with refusals, a resume and the room's deletion) and
// checks every frame every connection received against docs/PROTOCOL.md: frame types and
// fields, event types and data fields, who may see an event in full (others get a stub
// with seq, type and time only), consecutive seqs, documented error and close codes and
// catalogue keys. A new frame, field or event the document does not show fails here.
func TestFramesMatchProtocolDoc(t *testing.T) {
	if testing.Short() {
		t.Skip("plays two years")
	}
	schema := loadSchema(t)
	ts := newServer(t, nil)
	g := &game{t: t, ts: ts, scenario: economy.Default()}
	g.room = ts.room(`{"maxPlayers":40}`)
	var streams []*stream
	var mu sync.Mutex
	newStream := func(name string, staff bool) (*stream, *client.Options) {
		st := &stream{name: name, staff: staff}
		mu.Lock()
		streams = append(streams, st)
		mu.Unlock()
		return st, &client.Options{Tap: st.tap}
	}
	dial := func(name, key string, staff bool) *client.Conn {
		_, opts := newStream(name, staff)
		c, err := ts.client.Dial(ctxT(t), g.room.Code, key, opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	g.teacher = dial("teacher", g.room.TeacherKey, true)
	g.projector = dial("projector", g.room.ProjectorKey, false)
	byName := map[string]*stream{}
	g.options = func(name string) *client.Options {
		st, opts := newStream(name, false)
		byName[name] = st
		return opts
	}
	for i := range 16 {
		g.addPlayer(i, i == 7)
	}
	for _, p := range g.players {
		byName[p.name].player = p.id
	}
	g.send(g.teacher, "start", nil)
	g.playYear(1928)
	g.playYear(1929)
	if _, err := g.teacher.Send(ctxT(t), "ping", nil); err == nil {
		t.Fatal("ping as a command was acked")
	}
	if err := g.teacher.SendRaw(ctxT(t), []byte(`{"v":1,"type":"ping"}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := g.teacher.WaitFor(ctxT(t), func(f client.Frame) bool { return f.Type == "pong" }); err != nil {
		t.Fatal(err)
	}
	g.send(g.teacher, "delete", nil)
	for _, c := range append([]*client.Conn{g.teacher, g.projector}, connsOf(g.players)...) {
		if _, err := c.WaitFor(ctxT(t), func(f client.Frame) bool { return f.Type == "closing" }); err != nil {
			t.Fatal(err)
		}
	}

	seen := map[string]int{}
	for _, st := range streams {
		checkStream(t, schema, st, seen)
	}
	// Which private events others got as stubs: the teacher's stream has every event.
	full := eventsOf(streams[0])
	for _, st := range streams[1:] {
		for seq, e := range eventsOf(st) {
			if e.Type == room.RedactedType {
				seen["stub "+full[seq].Type]++
			}
		}
	}
	// The game must have shown the checks something: every kind of frame, and the
	// private events as stubs to others.
	for _, want := range []string{"frame welcome", "frame snapshot", "frame event", "frame ack", "frame error", "frame presence", "frame pong", "frame closing",
		"event argumentPosted", "event voteCast", "event yearResolved", "event redacted", "stub voteCast", "stub actionTaken"} {
		if seen[want] == 0 {
			t.Errorf("the game never produced %s", want)
		}
	}
	if t.Failed() {
		var kinds []string
		for k, n := range seen {
			kinds = append(kinds, fmt.Sprintf("%s=%d", k, n))
		}
		sort.Strings(kinds)
		t.Logf("seen: %s", strings.Join(kinds, " "))
	}
}

func connsOf(ps []*player) []*client.Conn {
	out := make([]*client.Conn, len(ps))
	for i, p := range ps {
		out[i] = p.conn
	}
	return out
}

// checkStream checks one connection's frames; seen counts what was checked.
func checkStream(t *testing.T, s docSchema, st *stream, seen map[string]int) {
	t.Helper()
	var last uint64
	have := false
	fail := func(i int, raw []byte, format string, args ...any) {
		t.Errorf("%s, frame %d %.200s: %s", st.name, i, raw, fmt.Sprintf(format, args...))
	}
	for i, raw := range st.frames {
		var f map[string]json.RawMessage
		if err := json.Unmarshal(raw, &f); err != nil {
			fail(i, raw, "not a JSON object: %v", err)
			continue
		}
		var v int
		var typ string
		_ = json.Unmarshal(f["v"], &v)
		_ = json.Unmarshal(f["type"], &typ)
		fields, ok := s.frames[typ]
		if v != 1 || !ok {
			fail(i, raw, "v %d, type %q: not a documented frame", v, typ)
			continue
		}
		seen["frame "+typ]++
		for k := range f {
			if !fields[k] {
				fail(i, raw, "field %q is not documented for %s frames", k, typ)
			}
		}
		switch typ {
		case "snapshot":
			var seq uint64
			_ = json.Unmarshal(f["seq"], &seq)
			last, have = seq, true
		case "event":
			var e map[string]json.RawMessage
			if err := json.Unmarshal(f["event"], &e); err != nil {
				fail(i, raw, "event is not an object")
				continue
			}
			var ev room.Event
			_ = json.Unmarshal(f["event"], &ev)
			for k := range e {
				if !s.eventFields[k] {
					fail(i, raw, "event field %q is not documented", k)
				}
			}
			if have && ev.Seq != last+1 {
				fail(i, raw, "seq %d after %d", ev.Seq, last)
			}
			last, have = ev.Seq, true
			seen["event "+ev.Type]++
			if ev.Type == room.RedactedType {
				if len(e) != 4 || e["at"] == nil || e["seq"] == nil {
					fail(i, raw, "a stub carries v, seq, type and at only")
				}
				continue
			}
			dataFields, ok := s.events[ev.Type]
			if !ok {
				fail(i, raw, "event type %q is not documented", ev.Type)
				continue
			}
			var data map[string]json.RawMessage
			if len(ev.Data) > 0 && json.Unmarshal(ev.Data, &data) != nil {
				fail(i, raw, "data is not an object")
			}
			for k := range data {
				if !dataFields[k] {
					fail(i, raw, "data field %q of %s is not documented", k, ev.Type)
				}
			}
			if !st.staff && s.staffOnly[ev.Type] {
				fail(i, raw, "%s is for staff only, yet %s got it in full", ev.Type, st.name)
			}
			if !st.staff && s.staffAndP[ev.Type] {
				var d struct {
					PlayerID string `json:"playerId"`
				}
				_ = json.Unmarshal(ev.Data, &d)
				if d.PlayerID != st.player {
					fail(i, raw, "%s of player %s reached %s in full", ev.Type, d.PlayerID, st.name)
				}
			}
		case "ack":
			var a struct {
				ID  string `json:"id"`
				Seq uint64 `json:"seq"`
			}
			if json.Unmarshal(raw, &a) != nil || a.ID == "" {
				fail(i, raw, "an ack names its command")
			}
		case "error":
			var e struct {
				Code    string `json:"code"`
				Key     string `json:"key"`
				Message string `json:"message"`
			}
			_ = json.Unmarshal(raw, &e)
			if !s.errorCodes[e.Code] || e.Message == "" {
				fail(i, raw, "error code %q is not documented, or no message", e.Code)
			}
			if e.Key != "" && !i18n.Has(e.Key) {
				fail(i, raw, "key %q is not in the catalogue", e.Key)
			}
		case "closing":
			var c struct {
				Code int `json:"code"`
			}
			_ = json.Unmarshal(raw, &c)
			if !s.closeCodes[c.Code] {
				fail(i, raw, "close code %d is not documented", c.Code)
			}
		}
	}
}

// eventsOf returns a stream's events by seq.
func eventsOf(st *stream) map[uint64]room.Event {
	out := map[uint64]room.Event{}
	for _, raw := range st.frames {
		var f struct {
			Type  string     `json:"type"`
			Event room.Event `json:"event"`
		}
		if json.Unmarshal(raw, &f) == nil && f.Type == "event" {
			out[f.Event.Seq] = f.Event
		}
	}
	return out
}
