// Package fault owns the project's one error type: a machine-readable code plus a sentence
// a teacher or student can read. Domain packages return *fault.Error; only the edges
// (HTTP, WebSocket, the CLI) turn a code into a status, a close code or an exit code.
package fault

import (
	"errors"
	"fmt"
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
	Internal      Code = "internal"     // a bug or storage failure; nothing was changed
	VersionNeeded Code = "version"      // the client speaks a protocol version the server does not
)

// Error is a domain error with a code and a human sentence.
type Error struct {
	Code    Code   `json:"code"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// New returns an error with the given code and sentence.
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
	return &Error{Code: Internal, Message: "Something went wrong on the server; nothing was changed. Please try again."}
}
