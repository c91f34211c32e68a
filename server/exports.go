package server

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/room"
	"github.com/classroom-debate/debate/scoring"
)

// export describes one downloadable file of a room.
type export struct {
	kind        scoring.Kind
	contentType string
	build       func([]room.Event) ([]byte, error)
}

// exports are the teacher's take-home files, by the name used in the URL.
var exports = map[string]export{
	"gradebook.csv": {scoring.KindGradebook, "text/csv; charset=utf-8", scoring.Gradebook},
	"log.json":      {scoring.KindLog, "application/json", scoring.EventLog},
	"transcript.md": {scoring.KindTranscript, "text/markdown; charset=utf-8", scoring.Transcript},
	"choices.json":  {scoring.KindChoices, "application/json", scoring.ChoicesJSON},
	"final.json":    {scoring.KindFinal, "application/json", scoring.FinalJSON},
	"debrief.json":  {scoring.KindDebrief, "application/json", scoring.DebriefJSON},
}

// exportFile: GET /api/rooms/:code/exports/:file — teacher or co-teacher key only;
// anyone else gets 403 and nothing.
func (s *Server) exportFile(c echo.Context) error {
	sess, err := s.authenticate(c)
	if fault.CodeOf(err) == fault.Unauthorized {
		// The records are the teacher's: without a staff key there is nothing here.
		return fault.T(fault.Forbidden, "fault.server.exportsTeacherOnly")
	}
	if err != nil {
		return err
	}
	if !sess.Principal.IsStaff() {
		return fault.T(fault.Forbidden, "fault.server.exportsTeacherOnly")
	}
	ex, ok := exports[c.Param("file")]
	if !ok {
		return fault.T(fault.NotFound, "fault.server.noSuchExport")
	}
	events, err := s.hub.Events(c.Request().Context(), sess)
	if err != nil {
		return err
	}
	body, err := ex.build(events)
	if err != nil {
		return err
	}
	name := scoring.FileName(sess.Code, s.cfg.Clock.Now(), ex.kind)
	c.Response().Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, ex.contentType, body)
}

// yearReport: GET /api/rooms/:code/years/:year/report — the year's outcome, famine by
// region as ranges and scores, as the caller may see them.
func (s *Server) yearReport(c echo.Context) error {
	sess, err := s.authenticate(c)
	if err != nil {
		return err
	}
	year, err := strconv.Atoi(c.Param("year"))
	if err != nil {
		return fault.T(fault.Invalid, "fault.server.exportYearNotANumber")
	}
	rep, ok, err := s.models.yearReport(c.Request().Context(), s.hub, sess, year)
	if err != nil {
		return err
	}
	if !ok {
		return fault.T(fault.NotFound, "fault.server.yearNotReached", year)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, rep.For(room.AudienceOf(sess.Principal)))
}

// debrief: GET /api/rooms/:code/debrief — the debrief as the caller may see it.
func (s *Server) debrief(c echo.Context) error {
	sess, err := s.authenticate(c)
	if err != nil {
		return err
	}
	d, err := s.models.debrief(c.Request().Context(), s.hub, sess)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, d.For(room.AudienceOf(sess.Principal)))
}
