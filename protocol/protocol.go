// Package protocol owns the wire format between clients and the server: the JSON
// messages a client sends (decoded here, strictly, with a fault code for every way a
// message can be wrong), the frames the server sends, and the WebSocket close codes.
// The same messages run over WebSocket and over the SSE + HTTP POST fallback.
// docs/PROTOCOL.md documents every message with an example.
package protocol

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/room"
)

// Version is the protocol version this server speaks. Every message carries it as "v".
const Version = 1

// Limits on inbound messages.
const (
	MaxMessageBytes = 16 << 10 // a WebSocket frame or POST body; the longest command, an exit ticket of two 1,000-character answers in a four-byte script, is ~8.2 KB
	MaxTypeLen      = 32
	MaxIDLen        = 64
)

// Control message types; every other type is a room command.
const (
	TypeHello = "hello" // first message on a WebSocket: authenticate and say where to resume
	TypePing  = "ping"  // keep-alive from clients that cannot send WebSocket pings
)

// Close codes the server uses on WebSocket connections (and as "reason" on SSE streams).
// 4000–4099: reconnect is expected to work; 4100+: do not reconnect without user action.
const (
	CloseRestart      = 4001 // the server is shutting down or restarting: reconnect and resume
	CloseSlow         = 4008 // the client fell too far behind: reconnect and resume
	CloseIdle         = 4009 // no hello in time or no pong: reconnect
	CloseFlood        = 4029 // too many messages: wait a few seconds, then reconnect
	CloseUnauthorized = 4101 // the hello carried a wrong or revoked credential
	CloseRemoved      = 4103 // the teacher removed this player
	CloseDeleted      = 4104 // the room was deleted
	CloseProtocol     = 4400 // the client broke the protocol (bad hello, wrong version)
)

// Inbound is a decoded client message.
type Inbound struct {
	V    int             `json:"v"`
	Type string          `json:"type"`
	ID   string          `json:"id,omitempty"`
	Data json.RawMessage `json:"data,omitempty"`

	// hello only
	Key    string  `json:"key,omitempty"`    // teacher, co-teacher or projector key, or a player token
	Ticket string  `json:"ticket,omitempty"` // alternatively a single-use ticket
	After  *uint64 `json:"after,omitempty"`  // resume after this sequence number
}

// Decode parses and checks one client message. Every failure is a *fault.Error with
// code Malformed, TooLarge, UnknownType, VersionNeeded or (a hello without a credential)
// Unauthorized; the caller sends it back (with the message id when one could be read)
// and changes nothing.
//
// Decoding is strict: field names must match exactly (encoding/json alone would accept
// "TYPE"), a field may appear once, and nothing may follow the object.
func Decode(data []byte) (Inbound, error) {
	var in Inbound
	if len(data) > MaxMessageBytes {
		return in, fault.T(fault.TooLarge, "fault.protocol.messageTooLarge", len(data), MaxMessageBytes)
	}
	if !utf8.Valid(data) {
		return in, fault.T(fault.Malformed, "fault.protocol.notUTF8")
	}
	trimmed := trimJSONSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return in, fault.T(fault.Malformed, "fault.protocol.notAnObject")
	}
	if err := CheckFields(trimmed, fieldNames); err != nil {
		return Inbound{ID: salvageID(trimmed)}, err
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return Inbound{ID: salvageID(trimmed)}, fault.JSON(err, "")
	}
	if dec.InputOffset() != int64(len(trimmed)) {
		return Inbound{ID: shortID(in.ID)}, fault.T(fault.Malformed, "fault.protocol.oneObjectPerMessage")
	}
	if len(in.ID) > MaxIDLen {
		return Inbound{}, fault.T(fault.Malformed, "fault.protocol.idTooLong", MaxIDLen)
	}
	if in.V != Version {
		return Inbound{ID: in.ID}, fault.T(fault.VersionNeeded, "fault.protocol.versionMismatch", Version, in.V)
	}
	if in.Type == "" {
		return Inbound{ID: in.ID}, fault.T(fault.Malformed, "fault.protocol.typeMissing")
	}
	if len(in.Type) > MaxTypeLen || !isName(in.Type) {
		return Inbound{ID: in.ID}, fault.T(fault.UnknownType, "fault.protocol.unknownType")
	}
	if bytes.Equal(in.Data, []byte("null")) {
		in.Data = nil
	}
	if len(in.Data) > 0 && in.Data[0] != '{' {
		return Inbound{ID: in.ID}, fault.T(fault.Malformed, "fault.protocol.dataNotAnObject")
	}
	switch in.Type {
	case TypeHello:
		if in.Key == "" && in.Ticket == "" {
			return in, fault.T(fault.Unauthorized, "fault.protocol.helloNeedsCredential")
		}
		if in.Key != "" && in.Ticket != "" {
			return in, fault.T(fault.Malformed, "fault.protocol.helloKeyAndTicket")
		}
	case TypePing:
	default:
		if in.ID == "" {
			return in, fault.T(fault.Malformed, "fault.protocol.commandNeedsID")
		}
		if in.Key != "" || in.Ticket != "" || in.After != nil {
			return in, fault.T(fault.Malformed, "fault.protocol.credentialsOnlyInHello")
		}
	}
	return in, nil
}

// fieldNames are the exact top-level names of an Inbound message.
var fieldNames = map[string]bool{"v": true, "type": true, "id": true, "data": true, "key": true, "ticket": true, "after": true}

// CheckFields walks a JSON object's top-level names: each must be one of known, spelt
// exactly, and appear once (encoding/json alone takes "TYPE" for "type" and lets a second
// field win over the first). Values are skipped; the struct decode checks them. The HTTP
// routes hold their bodies to the same rule.
func CheckFields(obj []byte, known map[string]bool) error {
	dec := json.NewDecoder(bytes.NewReader(obj))
	tok, err := dec.Token()
	if err != nil {
		return fault.JSON(err, "")
	}
	if tok != json.Delim('{') {
		return fault.T(fault.Malformed, "fault.protocol.notAnObject")
	}
	seen := make(map[string]bool, len(known))
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fault.JSON(err, "")
		}
		name, _ := tok.(string)
		if !known[name] {
			return fault.T(fault.Malformed, "fault.protocol.unknownField", name)
		}
		if seen[name] {
			return fault.T(fault.Malformed, "fault.protocol.duplicateField", name)
		}
		seen[name] = true
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return fault.JSON(err, "")
		}
	}
	return nil
}

// trimJSONSpace trims the four whitespace characters JSON allows (bytes.TrimSpace would
// also accept Unicode spaces that no JSON parser does).
func trimJSONSpace(b []byte) []byte {
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

func shortID(id string) string {
	if len(id) > MaxIDLen {
		return ""
	}
	return id
}

// Command turns a decoded room command into a room.Command for principal by.
func (in Inbound) Command(by room.Principal) room.Command {
	return room.Command{ID: in.ID, Type: in.Type, By: by, Data: in.Data}
}

func isName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' && i > 0) {
			return false
		}
	}
	return true
}

// salvageID reads the "id" of a message that failed to decode, so the error can be
// matched to the command the client sent.
func salvageID(data []byte) string {
	var probe struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(data, &probe) == nil && len(probe.ID) <= MaxIDLen {
		return probe.ID
	}
	return ""
}

// Outbound frames. Each is built once and sent as is to every connection that gets it.

// EventFrame is {"v":1,"type":"event","event":{…}}.
func EventFrame(e room.Event) ([]byte, error) {
	ev, err := json.Marshal(e)
	if err != nil {
		return nil, err
	}
	return wrap("event", "event", ev), nil
}

// SnapshotFrame is {"v":1,"type":"snapshot","seq":N,"state":{…}}: the room as the viewer
// may see it, as of seq. Events with larger seq follow.
func SnapshotFrame(seq uint64, view any) ([]byte, error) {
	st, err := json.Marshal(view)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString(`{"v":1,"type":"snapshot","seq":`)
	b.WriteString(strconv.FormatUint(seq, 10))
	b.WriteString(`,"state":`)
	b.Write(st)
	b.WriteByte('}')
	return b.Bytes(), nil
}

// AckFrame is {"v":1,"type":"ack","id":"…","seq":N}: the command id was accepted and its
// events end at seq (they reach the client as event frames too).
func AckFrame(id string, seq uint64) []byte {
	idj, _ := json.Marshal(id)
	var b bytes.Buffer
	b.WriteString(`{"v":1,"type":"ack","id":`)
	b.Write(idj)
	b.WriteString(`,"seq":`)
	b.WriteString(strconv.FormatUint(seq, 10))
	b.WriteByte('}')
	return b.Bytes()
}

// ErrorFrame is {"v":1,"type":"error","id":"…","code":"…","key":"…","message":"…"}; id is
// absent for errors not tied to a command, key (the sentence's catalogue key) for a
// sentence not from the catalogue. The message is as err has it: the edge renders it in
// the reader's language first (fault.Error.In).
func ErrorFrame(id string, err error) []byte {
	fe := fault.As(err)
	out, _ := json.Marshal(struct {
		V       int        `json:"v"`
		Type    string     `json:"type"`
		ID      string     `json:"id,omitempty"`
		Code    fault.Code `json:"code"`
		Key     string     `json:"key,omitempty"`
		Message string     `json:"message"`
	}{Version, "error", id, fe.Code, fe.Key, fe.Message})
	return out
}

// Welcome is the first frame on a stream: who the server takes the client to be.
type Welcome struct {
	V         int            `json:"v"`
	Type      string         `json:"type"` // "welcome"
	RoomID    string         `json:"roomId"`
	Code      string         `json:"code"`
	Principal room.Principal `json:"principal"`
	Server    string         `json:"server,omitempty"` // instance name, for support
}

// WelcomeFrame encodes a welcome.
func WelcomeFrame(w Welcome) []byte {
	w.V, w.Type = Version, "welcome"
	out, _ := json.Marshal(w)
	return out
}

// PresenceFrame is {"v":1,"type":"presence","online":[…player ids…]}, sent to staff
// when who is connected changes. It carries no sequence number: presence is not part of
// the room's log.
func PresenceFrame(online []string) []byte {
	if online == nil {
		online = []string{}
	}
	out, _ := json.Marshal(struct {
		V      int      `json:"v"`
		Type   string   `json:"type"`
		Online []string `json:"online"`
	}{Version, "presence", online})
	return out
}

// PongFrame answers a ping.
func PongFrame() []byte { return []byte(`{"v":1,"type":"pong"}`) }

// ClosingFrame tells an SSE client (which has no close codes) why the stream ends:
// {"v":1,"type":"closing","code":4001,"reason":"…"}.
func ClosingFrame(code int, reason string) []byte {
	out, _ := json.Marshal(struct {
		V      int    `json:"v"`
		Type   string `json:"type"`
		Code   int    `json:"code"`
		Reason string `json:"reason"`
	}{Version, "closing", code, reason})
	return out
}

// FrameSeq returns the seq of an event or snapshot frame (false for any other frame).
// The frames this package makes carry it near the front, so it is read there without
// parsing the rest: a snapshot may be large and the SSE fallback needs the seq of every
// frame for its event ids. Any other shape is parsed in full.
func FrameSeq(frame []byte) (uint64, bool) {
	if rest, ok := bytes.CutPrefix(frame, []byte(`{"v":1,"type":"snapshot","seq":`)); ok {
		return leadingUint(rest)
	}
	if rest, ok := bytes.CutPrefix(frame, []byte(`{"v":1,"type":"event","event":{"v":`)); ok {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if rest, ok := bytes.CutPrefix(rest[i:], []byte(`,"seq":`)); ok {
			return leadingUint(rest)
		}
	}
	var probe struct {
		Type  string `json:"type"`
		Seq   uint64 `json:"seq"`
		Event struct {
			Seq uint64 `json:"seq"`
		} `json:"event"`
	}
	if json.Unmarshal(frame, &probe) != nil {
		return 0, false
	}
	switch probe.Type {
	case "event":
		return probe.Event.Seq, true
	case "snapshot":
		return probe.Seq, true
	}
	return 0, false
}

// leadingUint reads the decimal number b starts with.
func leadingUint(b []byte) (uint64, bool) {
	i := 0
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	n, err := strconv.ParseUint(string(b[:i]), 10, 64)
	return n, err == nil
}

func wrap(typ, field string, inner []byte) []byte {
	var b bytes.Buffer
	b.Grow(len(inner) + 40)
	b.WriteString(`{"v":1,"type":"`)
	b.WriteString(typ)
	b.WriteString(`","`)
	b.WriteString(field)
	b.WriteString(`":`)
	b.Write(inner)
	b.WriteByte('}')
	return b.Bytes()
}
