// Package fault owns the project's one error type: a machine-readable code plus a sentence
// a teacher or student can read. Domain packages return *fault.Error; only the edges
// (HTTP, WebSocket, the CLI) turn a code into a status, a close code or an exit code.
//
// A sentence comes from the message catalogue (package i18n) by key, so it can be
// translated: T renders it in the default language, and an edge that knows the reader's
// language re-renders it with In.
package fault

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/classroom-debate/debate/i18n"
)

// Code is a stable, machine-readable error code. Clients switch on it; never rename one.
type Code string

// The codes. docs/PROTOCOL.md lists each with when it is returned.
const (
	Malformed     Code = "malformed"    // the message is not valid JSON or misses required fields
	UnknownType   Code = "unknown_type" // the message type is not one the protocol knows
	TooLarge      Code = "too_large"    // the message or a text in it is over its limit
	Invalid       Code = "invalid"      // a field has a value the rules do not accept
	BadNickname   Code = "bad_nickname" // a nickname is empty, too long, has control characters or is filtered
	NotFound      Code = "not_found"    // no such room, player, argument, option or event
	Unauthorized  Code = "unauthorized" // no credential, or one that is wrong, expired or revoked
	Forbidden     Code = "forbidden"    // the credential is valid but may not do this
	WrongPhase    Code = "wrong_phase"  // the command does not fit the room's current phase
	Conflict      Code = "conflict"     // the command clashes with the room's state (already done, duplicate)
	RoomFull      Code = "room_full"    // the room has as many players as it allows
	RoomLocked    Code = "room_locked"  // the teacher has locked the room to new players
	RateLimited   Code = "rate_limited" // too many requests; slow down
	Unavailable   Code = "unavailable"  // the server is shutting down or a dependency is down; retry
	AtCapacity    Code = "at_capacity"  // the server holds as many rooms or connections as its operator allows; retry later
	Internal      Code = "internal"     // a bug or storage failure; nothing was changed
	VersionNeeded Code = "version"      // the client speaks a protocol version the server does not
	// UnsupportedMedia: a request body not declared application/json.
	UnsupportedMedia Code = "unsupported_media"
)

// Error is a domain error with a code and a human sentence. Key and Args, when set, are
// the sentence's catalogue key and arguments, kept so that In can render it again in
// another language; only the key goes on the wire, for clients that want to know which
// sentence they got.
type Error struct {
	Code    Code   `json:"code"`
	Key     string `json:"key,omitempty"`
	Message string `json:"message"`
	Args    []any  `json:"-"`
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// T returns an error whose sentence is the catalogue message key, formatted with args,
// in the default language. Every sentence a user can see is made this way.
func T(code Code, key string, args ...any) *Error {
	return &Error{Code: code, Key: key, Args: args, Message: i18n.T(i18n.Default, key, args...)}
}

// In returns a copy of e with its sentence in lang (falling back to the default language
// for a message not translated yet). An error without a key, or one decoded from the wire
// (which has the key but not the arguments), keeps the sentence it has.
func (e *Error) In(lang string) *Error {
	if e == nil {
		return nil
	}
	out := *e
	if e.Key == "" || !i18n.Has(e.Key) || arity(i18n.T(i18n.Default, e.Key)) > len(e.Args) {
		return &out
	}
	out.Message = i18n.T(lang, e.Key, e.Args...)
	return &out
}

// arity is the highest argument index a message uses.
func arity(msg string) int {
	n := 0
	for _, v := range i18n.Verbs(msg) {
		index, _, _ := strings.Cut(v, ":") // "index:verb"
		i, _ := strconv.Atoi(index)
		n = max(n, i)
	}
	return n
}

// New returns an error with a sentence that is not from the catalogue: text that is
// already a message (another error's, an HTTP status text) or a developer-facing
// validation message. A sentence a teacher or student reads comes from T.
func New(code Code, message string) *Error { return &Error{Code: code, Message: message} }

// Newf is New with a format string.
func Newf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// CodeOf returns the code of err, Internal for an error that is not a *Error, and "" for nil.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var fe *Error
	if errors.As(err, &fe) {
		return fe.Code
	}
	return Internal
}

// As returns err as a *Error, wrapping anything else as Internal with a generic sentence
// (the original error is for logs, not for clients).
func As(err error) *Error {
	var fe *Error
	if errors.As(err, &fe) {
		return fe
	}
	return T(Internal, "error.internal") // the catalogue's own sentence for the code
}
