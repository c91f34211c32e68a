package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/room"
)

func TestDecodeAccepts(t *testing.T) {
	seven := uint64(7)
	tests := []struct {
		name string
		in   string
		want Inbound
	}{
		{"command", `{"v":1,"type":"postArgument","id":"c1","data":{"text":"Grain"}}`,
			Inbound{V: 1, Type: "postArgument", ID: "c1", Data: json.RawMessage(`{"text":"Grain"}`)}},
		{"command without data", `{"v":1,"type":"startGame","id":"c2"}`,
			Inbound{V: 1, Type: "startGame", ID: "c2"}},
		{"null data is no data", `{"v":1,"type":"startGame","id":"c2","data":null}`,
			Inbound{V: 1, Type: "startGame", ID: "c2"}},
		{"surrounding JSON whitespace", " \r\n\t{\"v\":1,\"type\":\"ping\"}\n",
			Inbound{V: 1, Type: "ping"}},
		{"hello with key", `{"v":1,"type":"hello","key":"k-secret"}`,
			Inbound{V: 1, Type: "hello", Key: "k-secret"}},
		{"hello with ticket and after", `{"v":1,"type":"hello","ticket":"t1","after":7}`,
			Inbound{V: 1, Type: "hello", Ticket: "t1", After: &seven}},
		{"id at the limit", `{"v":1,"type":"x","id":"` + strings.Repeat("a", MaxIDLen) + `"}`,
			Inbound{V: 1, Type: "x", ID: strings.Repeat("a", MaxIDLen)}},
		{"type with digits", `{"v":1,"type":"vote2","id":"a"}`, Inbound{V: 1, Type: "vote2", ID: "a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode([]byte(tt.in))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if got.V != tt.want.V || got.Type != tt.want.Type || got.ID != tt.want.ID ||
				got.Key != tt.want.Key || got.Ticket != tt.want.Ticket ||
				!bytes.Equal(got.Data, tt.want.Data) || !equalSeq(got.After, tt.want.After) {
				t.Fatalf("Decode = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func equalSeq(a, b *uint64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func TestDecodeRefuses(t *testing.T) {
	big := `{"v":1,"type":"postArgument","id":"big","data":{"text":"` + strings.Repeat("x", MaxMessageBytes) + `"}}`
	tests := []struct {
		name   string
		in     string
		code   fault.Code
		wantID string // the id the error frame may carry
	}{
		{"empty", ``, fault.Malformed, ""},
		{"only spaces", "  \n ", fault.Malformed, ""},
		{"array", `[{"v":1,"type":"ping"}]`, fault.Malformed, ""},
		{"string", `"hello"`, fault.Malformed, ""},
		{"not JSON", `hello`, fault.Malformed, ""},
		{"truncated", `{"v":1,"type":"x","id":"a"`, fault.Malformed, ""},
		{"invalid UTF-8", "{\"v\":1,\"type\":\"x\",\"id\":\"\xff\"}", fault.Malformed, ""},
		{"unicode space before object", "\u00a0{\"v\":1,\"type\":\"ping\"}", fault.Malformed, ""},
		{"unknown field", `{"v":1,"type":"x","id":"a","extra":1}`, fault.Malformed, "a"},
		{"field name in other case", `{"v":1,"TYPE":"x","id":"a"}`, fault.Malformed, "a"},
		{"duplicate field", `{"v":1,"type":"x","type":"y","id":"a"}`, fault.Malformed, "a"},
		{"trailing brace", `{"v":1,"type":"x","id":"a"}}`, fault.Malformed, "a"},
		{"two objects", `{"v":1,"type":"x","id":"a"} {"v":1}`, fault.Malformed, "a"},
		{"wrong field type", `{"v":1,"type":7,"id":"a"}`, fault.Malformed, "a"},
		{"fractional version", `{"v":1.5,"type":"x","id":"a"}`, fault.Malformed, "a"},
		{"negative after", `{"v":1,"type":"hello","key":"k","after":-1}`, fault.Malformed, ""},
		{"too large", big, fault.TooLarge, ""},
		{"no version", `{"type":"x","id":"a"}`, fault.VersionNeeded, "a"},
		{"old version", `{"v":0,"type":"x","id":"a"}`, fault.VersionNeeded, "a"},
		{"new version", `{"v":2,"type":"x","id":"a"}`, fault.VersionNeeded, "a"},
		{"no type", `{"v":1,"id":"a"}`, fault.Malformed, "a"},
		{"type with punctuation", `{"v":1,"type":"cast-vote","id":"a"}`, fault.UnknownType, "a"},
		{"type starting with a digit", `{"v":1,"type":"1vote","id":"a"}`, fault.UnknownType, "a"},
		{"type too long", `{"v":1,"type":"` + strings.Repeat("a", MaxTypeLen+1) + `","id":"a"}`, fault.UnknownType, "a"},
		{"id too long", `{"v":1,"type":"x","id":"` + strings.Repeat("a", MaxIDLen+1) + `"}`, fault.Malformed, ""},
		{"data not an object", `{"v":1,"type":"x","id":"a","data":[1]}`, fault.Malformed, "a"},
		{"data a string", `{"v":1,"type":"x","id":"a","data":"s"}`, fault.Malformed, "a"},
		{"command without id", `{"v":1,"type":"startGame"}`, fault.Malformed, ""},
		{"key on a command", `{"v":1,"type":"startGame","id":"a","key":"k"}`, fault.Malformed, "a"},
		{"ticket on a command", `{"v":1,"type":"startGame","id":"a","ticket":"t"}`, fault.Malformed, "a"},
		{"after on a command", `{"v":1,"type":"startGame","id":"a","after":3}`, fault.Malformed, "a"},
		{"hello without credential", `{"v":1,"type":"hello"}`, fault.Unauthorized, ""},
		{"hello with key and ticket", `{"v":1,"type":"hello","key":"k","ticket":"t"}`, fault.Malformed, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode([]byte(tt.in))
			var fe *fault.Error
			if !errors.As(err, &fe) {
				t.Fatalf("Decode(%.60q) error = %v, want a *fault.Error", tt.in, err)
			}
			if fe.Code != tt.code {
				t.Fatalf("Decode(%.60q) code = %s (%s), want %s", tt.in, fe.Code, fe.Message, tt.code)
			}
			if fe.Message == "" {
				t.Fatal("error without a sentence")
			}
			if got.ID != tt.wantID {
				t.Fatalf("salvaged id = %q, want %q", got.ID, tt.wantID)
			}
		})
	}
}

func TestCommandCarriesPrincipal(t *testing.T) {
	in, err := Decode([]byte(`{"v":1,"type":"castVote","id":"v1","data":{"option":"slow"}}`))
	if err != nil {
		t.Fatal(err)
	}
	by := room.Principal{Kind: room.Player, PlayerID: "p9"}
	cmd := in.Command(by)
	if cmd.ID != "v1" || cmd.Type != "castVote" || cmd.By != by || string(cmd.Data) != `{"option":"slow"}` {
		t.Fatalf("Command = %+v", cmd)
	}
}

// Every frame the server builds must be valid JSON with v and type, so a client can
// always decode it; these pin the exact shapes docs/PROTOCOL.md shows.
func TestFrames(t *testing.T) {
	at := time.Date(1930, 3, 2, 9, 0, 0, 0, time.UTC)
	ev, err := EventFrame(room.Event{V: 1, Seq: 12, Type: "argumentPosted", At: at, Data: json.RawMessage(`{"argumentId":"a1"}`)})
	if err != nil {
		t.Fatal(err)
	}
	snap, err := SnapshotFrame(11, map[string]any{"phase": "debate"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		frame []byte
		want  string
	}{
		{"event", ev, `{"v":1,"type":"event","event":{"v":1,"seq":12,"type":"argumentPosted","at":"1930-03-02T09:00:00Z","data":{"argumentId":"a1"}}}`},
		{"snapshot", snap, `{"v":1,"type":"snapshot","seq":11,"state":{"phase":"debate"}}`},
		{"ack", AckFrame(`c"1`, 12), `{"v":1,"type":"ack","id":"c\"1","seq":12}`},
		{"error", ErrorFrame("c2", fault.New(fault.WrongPhase, "Voting has closed.")), `{"v":1,"type":"error","id":"c2","code":"wrong_phase","message":"Voting has closed."}`},
		{"error with key", ErrorFrame("c3", fault.T(fault.WrongPhase, "fault.room.votingOnlyInVote")), `{"v":1,"type":"error","id":"c3","code":"wrong_phase","key":"fault.room.votingOnlyInVote","message":"Voting is open only during the vote."}`},
		{"error without id", ErrorFrame("", errors.New("disk on fire")), `{"v":1,"type":"error","code":"internal","key":"error.internal","message":"Something went wrong on the server; nothing was changed. Please try again."}`},
		{"welcome", WelcomeFrame(Welcome{RoomID: "r1", Code: "KXT4PM", Principal: room.Principal{Kind: room.Player, PlayerID: "p1"}}),
			`{"v":1,"type":"welcome","roomId":"r1","code":"KXT4PM","principal":{"kind":"player","playerId":"p1"}}`},
		{"presence", PresenceFrame(nil), `{"v":1,"type":"presence","online":[]}`},
		{"pong", PongFrame(), `{"v":1,"type":"pong"}`},
		{"closing", ClosingFrame(CloseRestart, "The server is restarting."), `{"v":1,"type":"closing","code":4001,"reason":"The server is restarting."}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if string(tt.frame) != tt.want {
				t.Fatalf("frame\n got %s\nwant %s", tt.frame, tt.want)
			}
			if !json.Valid(tt.frame) {
				t.Fatal("frame is not valid JSON")
			}
		})
	}
}

func TestEventFrameRefusesBadData(t *testing.T) {
	if _, err := EventFrame(room.Event{Seq: 1, Data: json.RawMessage(`{broken`)}); err == nil {
		t.Fatal("EventFrame accepted invalid event data")
	}
}

// The stub of a secret event carries its sequence number and nothing of its content.
func TestStubFrameHidesContent(t *testing.T) {
	by := room.Principal{Kind: room.Player, PlayerID: "p3"}
	secret := room.Event{V: 1, Seq: 40, Type: "voteCast", By: &by, Cmd: "v9", Data: json.RawMessage(`{"option":"forced"}`)}
	frame, err := EventFrame(room.Stub(secret))
	if err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{"p3", "v9", "forced", "voteCast"} {
		if bytes.Contains(frame, []byte(leak)) {
			t.Fatalf("stub frame %s leaks %q", frame, leak)
		}
	}
	if !bytes.Contains(frame, []byte(`"seq":40`)) {
		t.Fatalf("stub frame %s lost its seq", frame)
	}
}

func TestFrameSeq(t *testing.T) {
	by := room.Principal{Kind: room.Player, PlayerID: "p3"}
	event := room.Event{V: 1, Seq: 4127, Type: "voteCast", By: &by, Cmd: "v9", Data: json.RawMessage(`{"option":"forced"}`)}
	ev, _ := EventFrame(event)
	stub, _ := EventFrame(room.Stub(room.Event{V: 1, Seq: 40, Type: "voteCast", By: &by}))
	snap, _ := SnapshotFrame(987654321, map[string]any{"seq": 1, "phase": "debate"})
	tests := []struct {
		name  string
		frame []byte
		seq   uint64
		ok    bool
	}{
		{"event", ev, 4127, true},
		{"redacted stub", stub, 40, true},
		{"snapshot, whose state has a seq of its own", snap, 987654321, true},
		{"event in another field order", []byte(`{"type":"event","v":1,"event":{"seq":12,"v":1,"type":"x"}}`), 12, true},
		{"ack", []byte(`{"v":1,"type":"ack","id":"c1","seq":5}`), 0, false},
		{"not JSON", []byte(`{"v":1,"type":"event","event":{"v":1,"seq":`), 0, false},
	}
	for _, tt := range tests {
		if seq, ok := FrameSeq(tt.frame); seq != tt.seq || ok != tt.ok {
			t.Errorf("%s: FrameSeq = %d, %v; want %d, %v", tt.name, seq, ok, tt.seq, tt.ok)
		}
	}
}
