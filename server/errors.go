package server

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/i18n"
)

// StatusOf is the one mapping from a fault code to an HTTP status.
func StatusOf(code fault.Code) int {
	switch code {
	case fault.Malformed, fault.UnknownType, fault.Invalid, fault.BadNickname, fault.VersionNeeded:
		return http.StatusBadRequest
	case fault.TooLarge:
		return http.StatusRequestEntityTooLarge
	case fault.UnsupportedMedia:
		return http.StatusUnsupportedMediaType
	case fault.Unauthorized:
		return http.StatusUnauthorized
	case fault.Forbidden:
		return http.StatusForbidden
	case fault.NotFound:
		return http.StatusNotFound
	case fault.WrongPhase, fault.Conflict, fault.RoomLocked, fault.RoomFull:
		return http.StatusConflict
	case fault.RateLimited:
		return http.StatusTooManyRequests
	case fault.Unavailable, fault.AtCapacity:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// faultOfStatus is the error for an HTTP error Echo raises itself (no route, wrong
// method).
func faultOfStatus(status int) *fault.Error {
	switch status {
	case http.StatusNotFound:
		return fault.T(fault.NotFound, "fault.server.nothingHere")
	case http.StatusMethodNotAllowed:
		return fault.T(fault.Malformed, "fault.server.methodNotAllowed")
	case http.StatusRequestEntityTooLarge:
		return fault.T(fault.TooLarge, "fault.server.requestTooLarge")
	case http.StatusUnauthorized:
		return fault.T(fault.Unauthorized, "fault.server.credentialNeeded")
	case http.StatusForbidden:
		return fault.T(fault.Forbidden, "fault.server.notAllowed")
	case http.StatusTooManyRequests:
		return fault.T(fault.RateLimited, "fault.server.slowDown")
	case http.StatusServiceUnavailable:
		return fault.T(fault.Unavailable, "fault.server.notAvailable")
	}
	if status >= 500 {
		return fault.T(fault.Internal, "fault.server.somethingWentWrong")
	}
	return fault.New(fault.Malformed, http.StatusText(status)) // any other: the status's own words
}

// handleError writes every error as {"code":…,"key":…,"message":…} with the status of
// its code, the message in the request's language (Accept-Language). An error that is not
// a *fault.Error is logged and reported as internal.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	var fe *fault.Error
	var he *echo.HTTPError
	status := 0
	switch {
	case errors.As(err, &fe):
		status = StatusOf(fe.Code)
	case errors.As(err, &he):
		fe, status = faultOfStatus(he.Code), he.Code
	default:
		logger(c).Error("request failed", "route", c.Path(), "err", err)
		fe, status = fault.As(err), http.StatusInternalServerError
	}
	if fe.Code == fault.Internal {
		logger(c).Error("internal error", "route", c.Path(), "err", err)
	}
	setRetryAfter(c, status, err)
	if fe.Code == fault.AtCapacity {
		// A full instance: a guess, since nothing says when room frees up.
		c.Response().Header().Set("Retry-After", "10")
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	_ = c.JSON(status, fe.In(requestLang(c.Request())))
}

// requestLang is the language a request's reader asked for, for the sentences sent back.
func requestLang(r *http.Request) string {
	return i18n.FromAcceptLanguage(r.Header.Get("Accept-Language"))
}
