package server

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/classroom-debate/debate/fault"
)

// StatusOf is the one mapping from a fault code to an HTTP status.
func StatusOf(code fault.Code) int {
	switch code {
	case fault.Malformed, fault.UnknownType, fault.Invalid, fault.BadNickname, fault.VersionNeeded:
		return http.StatusBadRequest
	case fault.TooLarge:
		return http.StatusRequestEntityTooLarge
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
	case fault.Unavailable:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// codeOfStatus names the fault code for an HTTP error Echo raises itself (no route,
// wrong method).
func codeOfStatus(status int) (fault.Code, string) {
	switch status {
	case http.StatusNotFound:
		return fault.NotFound, "There is nothing at this address."
	case http.StatusMethodNotAllowed:
		return fault.Malformed, "This address does not take that method."
	case http.StatusRequestEntityTooLarge:
		return fault.TooLarge, "The request body is too large."
	case http.StatusUnauthorized:
		return fault.Unauthorized, "A credential is needed."
	case http.StatusForbidden:
		return fault.Forbidden, "This is not allowed."
	case http.StatusTooManyRequests:
		return fault.RateLimited, "Too many requests; slow down."
	case http.StatusServiceUnavailable:
		return fault.Unavailable, "The server is not available; try again."
	}
	if status >= 500 {
		return fault.Internal, "Something went wrong on the server."
	}
	return fault.Malformed, http.StatusText(status)
}

// handleError writes every error as {"code":…,"message":…} with the status of its code.
// An error that is not a *fault.Error is logged and reported as internal.
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
		code, msg := codeOfStatus(he.Code)
		fe, status = fault.New(code, msg), he.Code
	default:
		logger(c).Error("request failed", "route", c.Path(), "err", err)
		fe, status = fault.As(err), http.StatusInternalServerError
	}
	if fe.Code == fault.Internal {
		logger(c).Error("internal error", "route", c.Path(), "err", err)
	}
	if status == http.StatusTooManyRequests {
		c.Response().Header().Set("Retry-After", "10")
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	_ = c.JSON(status, fe)
}
