package protocol

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/classroom-debate/debate/fault"
)

// FuzzDecode: whatever a client sends, Decode must not panic, must fail only with a
// *fault.Error carrying a sentence, must keep echoed ids within MaxIDLen, and must return
// only messages that satisfy the rules the server relies on afterwards.
// The seed corpus is below and in testdata/fuzz/FuzzDecode.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"v":1,"type":"hello","key":"k"}`,
		`{"v":1,"type":"hello","ticket":"t","after":3}`,
		`{"v":1,"type":"ping"}`,
		`{"v":1,"type":"castVote","id":"c1","data":{"decision":"pace","option":"slow"}}`,
		`{"v":1,"type":"castVote","id":"c1","data":null}`,
		`{"v":1,"type":"x","id":"a"}}`,
		`{"v":1,"TYPE":"x","id":"a"}`,
		`{"v":1,"type":"x","type":"y","id":"a"}`,
		`{"v":2,"type":"x","id":"a"}`,
		`{"v":1,"type":"x","id":"a","data":[1,2]}`,
		`{"v":1e400}`,
		`{"id":"` + strings.Repeat("z", 80) + `"`,
		`[]`, `null`, ``, "\xff", "\u00a0{}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := Decode(data)
		if len(in.ID) > MaxIDLen {
			t.Fatalf("Decode returned an id of %d bytes", len(in.ID))
		}
		if err != nil {
			var fe *fault.Error
			if !errors.As(err, &fe) {
				t.Fatalf("Decode error %T %v is not a *fault.Error", err, err)
			}
			if fe.Code == "" || fe.Message == "" {
				t.Fatalf("Decode error without code or sentence: %+v", fe)
			}
			if !utf8.ValidString(fe.Message) {
				t.Fatalf("error sentence is not UTF-8: %q", fe.Message)
			}
			return
		}
		if in.V != Version || in.Type == "" || len(in.Type) > MaxTypeLen || !isName(in.Type) {
			t.Fatalf("Decode accepted %+v", in)
		}
		if len(in.Data) > 0 && in.Data[0] != '{' {
			t.Fatalf("Decode accepted data %q", in.Data)
		}
		switch in.Type {
		case TypeHello:
			if (in.Key == "") == (in.Ticket == "") {
				t.Fatalf("hello with key %q and ticket %q accepted", in.Key, in.Ticket)
			}
		case TypePing:
		default:
			if in.ID == "" || in.Key != "" || in.Ticket != "" || in.After != nil {
				t.Fatalf("command accepted with id %q or credentials: %+v", in.ID, in)
			}
		}
	})
}
