package client

import (
	"io"
	"strings"
	"testing"

	"github.com/classroom-debate/debate/fault"
)

func TestDecodeFrame(t *testing.T) {
	tests := []struct {
		raw   string
		check func(Frame) bool
	}{
		{`{"v":1,"type":"welcome","roomId":"r1","code":"KXT4PMQA","principal":{"kind":"player","playerId":"p1"}}`,
			func(f Frame) bool { return f.Welcome.Code == "KXT4PMQA" && f.Welcome.Principal.PlayerID == "p1" }},
		{`{"v":1,"type":"error","id":"c1","code":"wrong_phase","message":"Not now."}`,
			func(f Frame) bool {
				return f.ID == "c1" && f.Err.Code == fault.WrongPhase && f.Err.Message == "Not now."
			}},
		{`{"v":1,"type":"closing","code":4001,"reason":"restart"}`,
			func(f Frame) bool { return f.CloseCode == 4001 && f.Reason == "restart" }},
		{`{"v":1,"type":"event","event":{"v":1,"seq":7,"type":"announced","at":"2025-03-03T09:00:00Z"}}`,
			func(f Frame) bool { return f.Seq == 7 && f.Event.Type == "announced" }},
		{`{"v":1,"type":"snapshot","seq":3,"state":{"phase":"lobby"}}`,
			func(f Frame) bool { return f.Seq == 3 && string(f.State) == `{"phase":"lobby"}` }},
		{`{"v":1,"type":"ack","id":"c2","seq":9}`, func(f Frame) bool { return f.ID == "c2" && f.Seq == 9 }},
		{`{"v":1,"type":"presence","online":["p1","p2"]}`, func(f Frame) bool { return len(f.Online) == 2 }},
	}
	for _, tt := range tests {
		f, err := decodeFrame([]byte(tt.raw))
		if err != nil || !tt.check(f) {
			t.Errorf("decodeFrame(%s) = %+v, %v", tt.raw, f, err)
		}
	}
	for _, bad := range []string{`{"type":"event"}`, `not json`} {
		if _, err := decodeFrame([]byte(bad)); err == nil {
			t.Errorf("decodeFrame(%s) accepted", bad)
		}
	}
}

func TestSSEReader(t *testing.T) {
	stream := ": keep-alive\n\n" +
		"data: {\"a\":1}\n\n" +
		"id: 5\nevent: message\ndata: {\"b\":\ndata: 2}\n\n" +
		"data:{\"c\":3}\n\n" +
		"data: {\"cut\""
	r := newSSEReader(strings.NewReader(stream))
	for _, want := range []string{`{"a":1}`, "{\"b\":\n2}", `{"c":3}`} {
		got, err := r.next()
		if err != nil || string(got) != want {
			t.Fatalf("next = %q, %v; want %q", got, err, want)
		}
	}
	if _, err := r.next(); err != io.EOF {
		t.Fatalf("a cut message: %v, want EOF", err)
	}
}
