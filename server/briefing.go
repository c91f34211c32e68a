package server

import (
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/roles"
	"github.com/classroom-debate/debate/room"
)

// Room-scoped content: a player's briefing and the evidence card library, built by the
// server from the room's log. The room decides the path a briefing is written for and
// whether graphic material is shown; nothing a client sends changes either.

// briefingFold is a room's log folded for its briefings: the room now (who plays, the
// year in play, the content setting) and the room just before the year in play resolved.
// A year's briefing is written for the path up to it: once the year resolves, a fate it
// changed (a household deported, an official purged) belongs to next year's briefing.
type briefingFold struct {
	now, then *room.State
}

func foldForBriefings(events []room.Event) (*briefingFold, error) {
	now := room.NewState()
	for _, e := range events {
		if err := room.Apply(now, e); err != nil {
			return nil, err
		}
	}
	bf := &briefingFold{now: now, then: now}
	year, resolved := now.Year(), false
	for _, r := range now.Results() {
		resolved = resolved || r.Year == year
	}
	if !resolved {
		return bf, nil
	}
	then := room.NewState()
	for _, e := range events {
		if e.Type == room.EvYearResolved {
			var d struct {
				Year int `json:"year"`
			}
			if json.Unmarshal(e.Data, &d) == nil && d.Year == year {
				break
			}
		}
		if err := room.Apply(then, e); err != nil {
			return nil, err
		}
	}
	bf.then = then
	return bf, nil
}

// briefing returns a player's briefing of the year in play: as it was written before the
// year resolved, or (for a player who joined since) as the room stands now.
func (bf *briefingFold) briefing(playerID string, showGraphic bool) (roles.Brief, error) {
	if !bf.now.PlayerActive(playerID) {
		return roles.Brief{}, fault.T(fault.NotFound, "fault.server.noSuchPlayer")
	}
	b, err := bf.then.Briefing(playerID, showGraphic)
	if fault.CodeOf(err) == fault.NotFound && bf.then != bf.now {
		return bf.now.Briefing(playerID, showGraphic)
	}
	return b, err
}

// showGraphic decides whether a caller reads the material marked graphic: players and the
// projector as the teacher's setting says; staff also when they ask (?graphic=1), to read
// what the setting would show before turning it on.
func showGraphic(c echo.Context, sess room.Principal, now *room.State) bool {
	return now.ShowsGraphic() || sess.IsStaff() && c.QueryParam("graphic") == "1"
}

// roomBriefing: GET /api/rooms/:code/briefing (a player's token; staff add ?player=ID):
// the briefing of the year in play, written for the player's own path (home region, fate,
// last year's outcome, their own action, the special settlers' testimony, directives
// switched off), from package roles.
func (s *Server) roomBriefing(c echo.Context) error {
	sess, err := s.authenticate(c)
	if err != nil {
		return err
	}
	playerID := c.QueryParam("player")
	switch p := sess.Principal; {
	case p.IsStaff():
		if playerID == "" {
			return fault.T(fault.Invalid, "fault.server.briefingNeedsPlayer")
		}
	case p.Kind == room.Player && (playerID == "" || playerID == p.PlayerID):
		playerID = p.PlayerID
	default: // the projector, or a player asking for someone else's
		return fault.T(fault.Forbidden, "fault.server.briefingOwnOnly")
	}
	bf, err := s.models.briefings(c.Request().Context(), s.hub, sess)
	if err != nil {
		return err
	}
	b, err := bf.briefing(playerID, showGraphic(c, sess.Principal, bf.now))
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, b)
}

// roomCards: GET /api/rooms/:code/cards (any credential of the room): the evidence card
// library as this room shows it, for the Historian's attachments and the cards cited on
// the wall. The public library (/api/content/roles) always has the gentler text.
func (s *Server) roomCards(c echo.Context) error {
	sess, err := s.authenticate(c)
	if err != nil {
		return err
	}
	bf, err := s.models.briefings(c.Request().Context(), s.hub, sess)
	if err != nil {
		return err
	}
	content, err := roles.DefaultContent()
	if err != nil {
		return err
	}
	show := showGraphic(c, sess.Principal, bf.now)
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, map[string]any{"cards": cardsShown(content.Cards(), show), "graphic": show})
}

// cardsShown is the card library with the content setting applied: a graphic card
// carries its gentler text unless show, and neither version carries the other.
func cardsShown(cards []roles.Card, show bool) []roles.Card {
	out := make([]roles.Card, 0, len(cards))
	for _, card := range cards {
		if card.Graphic && !show {
			card.Text, card.Graphic = card.Alt, false
		}
		card.Alt = ""
		out = append(out, card)
	}
	return out
}
