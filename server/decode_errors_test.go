package server_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/classroom-debate/debate/fault"
)

// goInternals matches what encoding/json and Go say about themselves: struct and type
// names, package paths, Go's own words. None of it may reach a reader.
var goInternals = regexp.MustCompile(`Go (struct|value)|struct field|of type|unmarshal|json:|\b(u?int(8|16|32|64)?|float(32|64)|bool|string)\b|\b(economy|room|protocol|server|engine)\.[A-Za-z]|createRequest|joinRequest|Inbound|Settings|\[\]|map\[`)

// Every decode error is a sentence from the catalogue that names the field as the
// client spelled it, never Go's text (finding 4 of issue 10).
func TestDecodeErrorsSpeakToTheReader(t *testing.T) {
	ts := newServer(t, nil)
	r := ts.room("")
	p := ts.join(r.Code, "Anna")
	type bad struct {
		path, bearer, body string
		field              string // the field the sentence must name ("" for none)
	}
	create, join, cmd := "/api/rooms", "/api/rooms/"+r.Code+"/join", "/api/rooms/"+r.Code+"/commands"
	cases := []bad{
		{create, "", `{"mode":1}`, "mode"},
		{create, "", `{"mode":true}`, "mode"},
		{create, "", `{"voteMode":[]}`, "voteMode"},
		{create, "", `{"gateCode":5}`, "gateCode"},
		{create, "", `{"settings":{"maxPlayers":"x"}}`, "maxPlayers"},
		{create, "", `{"settings":{"maxPlayers":1.5}}`, "maxPlayers"},
		{create, "", `{"settings":{"maxPlayers":-1}}`, ""}, // a rules refusal: invalid
		{create, "", `{"settings":{"timers":{"debate":"x"}}}`, "debate"},
		{create, "", `{"settings":{"playedYears":"1928"}}`, "playedYears"},
		{create, "", `{"settings":{"playedYears":["1928"]}}`, "playedYears"},
		{create, "", `{"settings":{"lessonMinutes":true}}`, "lessonMinutes"},
		{create, "", `{"settings":[]}`, "settings"},
		{create, "", `{"settings":{"nope":1}}`, "nope"},
		{create, "", `{"mode":"historical"`, ""},
		{create, "", `{"mode" "historical"}`, ""},
		{create, "", `[1,2]`, ""},
		{create, "", `"text"`, ""},
		{create, "", `{"mode":"historical"} {}`, ""},
		{join, "", `{"nickname":5}`, "nickname"},
		{join, "", `{"nickname":"x","attempt":[]}`, "attempt"},
		{cmd, p.Token, `{"v":1.0,"type":"ping"}`, "v"},
		{cmd, p.Token, `{"v":1e0,"type":"ping"}`, "v"},
		{cmd, p.Token, `{"v":"1","type":"ping"}`, "v"},
		{cmd, p.Token, `{"v":1,"type":5}`, "type"},
		{cmd, p.Token, `{"v":1,"type":"mark","id":7}`, "id"},
		{cmd, p.Token, `{"v":1,"type":"hello","key":"x","after":-5}`, "after"},
		{cmd, p.Token, `{"v":1,"type":"hello","key":"x","after":1.5}`, "after"},
		{cmd, p.Token, `{"v":1,"type":"mark","id":"m","data":{"argumentId":5}}`, "argumentId"},
		{cmd, p.Token, `{"v":1,"type":"vote","id":"v","data":{"decision":"d","abstain":"yes"}}`, "abstain"},
		{cmd, r.TeacherKey, `{"v":1,"type":"extend","id":"e","data":{"seconds":"60"}}`, "seconds"},
		{cmd, r.TeacherKey, `{"v":1,"type":"extend","id":"e2","data":{"seconds":1.5}}`, "seconds"},
		{cmd, r.TeacherKey, `{"v":1,"type":"settings","id":"s","data":{"maxPlayers":"x"}}`, "maxPlayers"},
		{cmd, r.TeacherKey, `{"v":1,"type":"settings","id":"s2","data":{"timers":{"vote":[]}}}`, "vote"},
		{cmd, r.TeacherKey, `{"v":1,"type":"assignRole","id":"a","data":{"playerId":["x"]}}`, "playerId"},
	}
	for _, c := range cases {
		status, body := ts.do("POST", c.path, c.bearer, c.body)
		var fe fault.Error
		if err := json.Unmarshal(body, &fe); err != nil || fe.Message == "" {
			t.Errorf("%s %s: %d %s is not an error", c.path, c.body, status, body)
			continue
		}
		if status/100 != 4 || fe.Key == "" {
			t.Errorf("%s %s: %d %s: want a 4xx with a catalogue key", c.path, c.body, status, body)
		}
		if m := goInternals.FindString(fe.Message); m != "" {
			t.Errorf("%s %s: message shows Go's %q: %s", c.path, c.body, m, fe.Message)
		}
		if c.field != "" && !strings.Contains(fe.Message, c.field) {
			t.Errorf("%s %s: message does not name the field %q: %s", c.path, c.body, c.field, fe.Message)
		}
	}
}
