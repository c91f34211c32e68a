package fault

import (
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
)

// JSON turns an error of encoding/json (a strict decode of a client's body, message or
// command data) into a Malformed error whose sentence, from the catalogue, names the
// field as the client wrote it and the kind of value it takes. Go's own words (struct
// and type names, "cannot unmarshal") never reach a reader. within is the path of the
// object that was decoded ("settings", "data"; "" for the whole body), put before the
// field's own path. An error that is already a *Error (a custom decoder's) is kept.
//
// A value of the wrong JSON kind is Malformed, never Invalid: text where a number goes,
// a number with a fraction, exponent or sign where a whole number or count goes (1.0,
// 1e0, -5), a list where an object goes. The rules see only values of the right kind,
// and refuse those they do not accept as Invalid.
func JSON(err error, within string) *Error {
	var fe *Error
	if errors.As(err, &fe) {
		return fe
	}
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		field := joinPath(within, typeErr.Field)
		if field == "" {
			return T(Malformed, "fault.json.bodyNotObject")
		}
		t := typeErr.Type
		for t != nil && t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t == nil {
			return T(Malformed, "fault.json.fieldUnreadable", field)
		}
		switch t.Kind() {
		case reflect.String:
			return T(Malformed, "fault.json.wantText", field)
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			return T(Malformed, "fault.json.wantWholeNumber", field)
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			return T(Malformed, "fault.json.wantCount", field)
		case reflect.Float32, reflect.Float64:
			return T(Malformed, "fault.json.wantNumber", field)
		case reflect.Bool:
			return T(Malformed, "fault.json.wantTrueFalse", field)
		case reflect.Slice, reflect.Array:
			return T(Malformed, "fault.json.wantList", field)
		case reflect.Map, reflect.Struct:
			return T(Malformed, "fault.json.wantObject", field)
		}
		return T(Malformed, "fault.json.fieldUnreadable", field)
	case errors.As(err, &syntaxErr):
		return T(Malformed, "fault.json.syntax", syntaxErr.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return T(Malformed, "fault.json.endsEarly")
	}
	// encoding/json words an unknown field (DisallowUnknownFields) only in its text.
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return T(Malformed, "fault.json.unknownField", joinPath(within, strings.Trim(name, `"`)))
	}
	if within != "" {
		return T(Malformed, "fault.json.fieldUnreadable", within)
	}
	return T(Malformed, "fault.json.unreadable")
}

func joinPath(within, field string) string {
	switch {
	case within == "":
		return field
	case field == "":
		return within
	}
	return within + "." + field
}
