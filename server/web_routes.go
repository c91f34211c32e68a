package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/engine"
	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/history"
	"github.com/classroom-debate/debate/i18n"
	"github.com/classroom-debate/debate/roles"
	"github.com/classroom-debate/debate/web"
)

// WebConfig wires the browser client's routes.
type WebConfig struct {
	Hub       *engine.Hub
	Scenario  *economy.Scenario // nil: economy.Default()
	PublicURL string            // the address students use; empty: each request's host
	LANAddrs  LANAddrs          // this machine's LAN addresses (nil: SystemLANAddrs)
	// Catalogue, when set, replaces i18n.Catalogue (for tests).
	Catalogue func(lang string) map[string]string
}

// RegisterWeb adds the browser client and the JSON routes only it needs: the pages and
// their files, the content the preview and the charts read (scenario, history's bands,
// roles), the message catalogue, the what-if simulation, a room's current view, and the
// QR codes of join links. Content routes are public: they hold the scenario and history
// that ship in the binary, nothing about any room, and never the material marked graphic
// (its gentler alternative instead). A player's own briefing, and the card library as a
// room's content setting shows it, are room routes (briefing.go).
func RegisterWeb(e *echo.Echo, cfg WebConfig) {
	if cfg.Scenario == nil {
		cfg.Scenario = economy.Default()
	}
	w := &webRoutes{cfg: cfg, links: joinLinks{public: strings.TrimRight(cfg.PublicURL, "/"), lan: cfg.LANAddrs}}
	api := e.Group("/api")
	api.GET("/content/scenario", w.scenario)
	api.GET("/content/reference", w.reference)
	api.GET("/content/roles", w.roles)
	api.GET("/content/briefings/:role", w.briefings)
	api.GET("/content/materials", w.materials)
	api.GET("/i18n/:lang", w.catalogue)
	api.POST("/simulate", w.simulate)
	api.GET("/rooms/:code/view", w.view)
	api.GET("/rooms/:code/qr.png", w.joinQR)
	api.POST("/rooms/:code/qr", w.fragmentQR)

	pages := echo.WrapHandler(web.Handler())
	e.GET("/static/*", pages)
	for _, p := range web.Pages {
		e.GET(p, pages)
	}
}

type webRoutes struct {
	cfg   WebConfig
	links joinLinks

	once     sync.Once
	content  []byte // the scenario as the preview reads it, encoded once
	contentE error
}

// Content for the preview: everything a teacher reads before a lesson, without the
// model's coefficients and lever settings, which would only distract.
type previewScenario struct {
	ID          string                `json:"id"`
	Title       string                `json:"title"`
	Version     string                `json:"version"`
	Hash        string                `json:"hash"`
	Note        string                `json:"note,omitempty"`
	TieRule     string                `json:"tieRule"`
	VoteWeights string                `json:"voteWeights"`
	Regions     []previewRegion       `json:"regions"`
	Assumptions []economy.Assumption  `json:"assumptions"`
	Years       []previewYear         `json:"years"`
	Factions    map[string][]string   `json:"factions"` // role id → faction (for the Historian: none)
	Fates       map[string]string     `json:"fates"`
	Directives  map[string]previewDir `json:"directives"`
}

type previewRegion struct {
	ID   economy.RegionID `json:"id"`
	Name string           `json:"name"`
	Note string           `json:"note"`
}

type previewYear struct {
	Year       int                 `json:"year"`
	Title      string              `json:"title"`
	Summary    string              `json:"summary"`
	Decisions  []previewDecision   `json:"decisions"`
	Directives []previewDir        `json:"directives"`
	Actions    []previewAction     `json:"actions"`
	Events     []previewEvent      `json:"events"`
	Weather    map[string]string   `json:"weather"`
	Briefing   []string            `json:"briefingEvents"`
	Evidence   []evidenceCard      `json:"evidence"`
	Historical economy.YearChoices `json:"historical"`
}

// evidenceCard is a dated event from the project's history tables, cited by its row id,
// with its source: the provenance every evidence card shows.
type evidenceCard struct {
	ID     string `json:"id"`
	Date   string `json:"date"`
	Text   string `json:"text"`
	Source string `json:"source"`
	Kind   string `json:"kind"` // record (a dated fact from the sources)
}

type previewDecision struct {
	ID         string           `json:"id"`
	Title      string           `json:"title"`
	Question   string           `json:"question"`
	Ordered    bool             `json:"ordered"`
	Historical string           `json:"historical"`
	Options    []economy.Option `json:"options"`
}

type previewDir struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Date    string `json:"date"`
	Summary string `json:"summary"`
	Source  string `json:"source"`
}

type previewAction struct {
	ID       string          `json:"id"`
	Faction  economy.Faction `json:"faction"`
	Title    string          `json:"title"`
	Summary  string          `json:"summary"`
	Requires string          `json:"requires,omitempty"`
}

type previewEvent struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
}

func (w *webRoutes) buildContent() ([]byte, error) {
	sc := w.cfg.Scenario
	out := previewScenario{
		ID: sc.ID, Title: sc.Title, Version: sc.Version, Hash: sc.Hash(), Note: sc.Note, TieRule: sc.TieRule,
		VoteWeights: sc.Weights.Note, Assumptions: sc.Assumptions(), Factions: map[string][]string{}, Fates: map[string]string{},
		Directives: map[string]previewDir{},
	}
	for _, r := range economy.Regions {
		spec := sc.RegionData[r]
		out.Regions = append(out.Regions, previewRegion{ID: r, Name: spec.Name, Note: spec.Note})
	}
	for _, id := range roles.IDs {
		if f, ok := roles.Faction(id); ok {
			out.Factions[id] = []string{string(f)}
		} else {
			out.Factions[id] = []string{}
		}
		out.Fates[id] = roles.InitialFate(id)
	}
	for _, y := range sc.Years {
		py := previewYear{Year: y.Year, Title: y.Title, Summary: y.Summary, Weather: map[string]string{}, Briefing: y.BriefingEvents,
			Historical: sc.HistoricalChoices(y.Year)}
		for _, id := range y.BriefingEvents {
			if ev, ok := history.EventByID(id); ok {
				py.Evidence = append(py.Evidence, evidenceCard{ID: ev.ID, Date: ev.Date, Text: ev.Text, Source: ev.Source, Kind: "record"})
			}
		}
		for _, d := range y.Decisions {
			opts := make([]economy.Option, len(d.Options))
			for i, o := range d.Options {
				opts[i] = economy.Option{ID: o.ID, Label: o.Label, Summary: o.Summary}
			}
			py.Decisions = append(py.Decisions, previewDecision{ID: d.ID, Title: d.Title, Question: d.Question, Ordered: d.Ordered, Historical: d.Historical, Options: opts})
		}
		for _, d := range y.Directives {
			pd := previewDir{ID: d.ID, Title: d.Title, Date: d.Date, Summary: d.Summary, Source: d.Source}
			py.Directives = append(py.Directives, pd)
			out.Directives[d.ID] = pd
		}
		for _, a := range y.Actions {
			py.Actions = append(py.Actions, previewAction{ID: a.ID, Faction: a.Faction, Title: a.Title, Summary: a.Summary, Requires: a.Requires})
		}
		for _, ev := range y.Events {
			py.Events = append(py.Events, previewEvent{ID: ev.ID, Title: ev.Title, Summary: ev.Summary})
		}
		for r, wth := range y.Weather {
			if wth.Note != "" {
				py.Weather[string(r)] = wth.Note
			}
		}
		out.Years = append(out.Years, py)
	}
	return json.Marshal(out)
}

// scenario: GET /api/content/scenario.
func (w *webRoutes) scenario(c echo.Context) error {
	w.once.Do(func() { w.content, w.contentE = w.buildContent() })
	if w.contentE != nil {
		return w.contentE
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return c.JSONBlob(http.StatusOK, w.content)
}

// reference: GET /api/content/reference, history's bands for the charts and the debrief.
func (w *webRoutes) reference(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return c.JSON(http.StatusOK, map[string]any{"bands": history.Reference()})
}

type roleContent struct {
	ID      string         `json:"id"`
	Faction string         `json:"faction,omitempty"`
	Fate    string         `json:"fate,omitempty"`
	Votes   bool           `json:"votes"`
	Actions []string       `json:"actions"` // action ids across every year, in scenario order
	Profile *roles.Profile `json:"profile,omitempty"`
}

// roles: GET /api/content/roles: every role's profile (who they are, summary, goals and
// how each scores, fates), the evidence cards (graphic ones with their gentler text) and
// the glossary, from package roles, with the facts the cards need from the scenario.
func (w *webRoutes) roles(c echo.Context) error {
	content, err := roles.DefaultContent()
	if err != nil {
		return err
	}
	out := []roleContent{}
	for _, id := range roles.IDs {
		rc := roleContent{ID: id, Fate: roles.InitialFate(id), Actions: []string{}}
		if p, ok := content.Profile(id); ok {
			rc.Profile = &p
		}
		if f, ok := roles.Faction(id); ok {
			rc.Faction, rc.Votes = string(f), true
			seen := map[string]bool{}
			for _, y := range w.cfg.Scenario.Years {
				for _, a := range y.Actions {
					if a.Faction == f && !seen[a.ID] {
						seen[a.ID] = true
						rc.Actions = append(rc.Actions, a.ID)
					}
				}
			}
		}
		out = append(out, rc)
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return c.JSON(http.StatusOK, map[string]any{"roles": out, "cards": cardsShown(content.Cards(), false), "glossary": content.Glossary()})
}

// materials: GET /api/content/materials: the printable teacher and student materials
// (roles' materials.json) with the card library in its gentler text, for /materials.
func (w *webRoutes) materials(c echo.Context) error {
	content, err := roles.DefaultContent()
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return c.JSON(http.StatusOK, map[string]any{"materials": content.Materials(), "cards": cardsShown(content.Cards(), false)})
}

// briefings: GET /api/content/briefings/:role?region=ukraine: the role's briefing for
// every year on history's path, for the teacher's preview and the printed pack, with the
// gentler text of graphic passages (a staff key reads them in a room's own briefings).
func (w *webRoutes) briefings(c echo.Context) error {
	role := c.Param("role")
	if !roles.Valid(role) {
		return fault.T(fault.NotFound, "fault.server.noSuchRole")
	}
	region := economy.RegionID(c.QueryParam("region"))
	if region == "" && role != roles.Historian {
		region = economy.Ukraine
	}
	sc := w.cfg.Scenario
	outcomes, err := sc.Run(sc.HistoricalRecord())
	if err != nil {
		return err
	}
	out := []roles.Brief{}
	for i, y := range sc.Years {
		ctx := roles.BriefingContext{Region: region}
		if i > 0 {
			ctx.Prev = &outcomes[i-1]
		}
		if i > 1 {
			ctx.Before = &outcomes[i-2]
		}
		b, err := roles.Briefing(role, y.Year, ctx)
		if err != nil {
			return err
		}
		out = append(out, b)
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return c.JSON(http.StatusOK, map[string]any{"briefings": out})
}

// catalogue: GET /api/i18n/:lang: the client's own strings (web/static/i18n) with the
// project's catalogue (package i18n) merged over them, so shared names (phases, roles,
// regions, the content note) read the same everywhere. A language without a client
// catalogue falls back to English for the client's strings.
func (w *webRoutes) catalogue(c echo.Context) error {
	lang := strings.ToLower(c.Param("lang"))
	base, ok := web.Catalogue(lang)
	if !ok {
		if base, ok = web.Catalogue("en"); !ok {
			return fault.T(fault.Internal, "fault.server.clientCatalogueMissing")
		}
	}
	msgs := map[string]string{}
	if err := json.Unmarshal(base, &msgs); err != nil {
		return fault.T(fault.Internal, "fault.server.clientCatalogueInvalid")
	}
	shared := i18n.Catalogue(lang)
	if w.cfg.Catalogue != nil {
		shared = w.cfg.Catalogue(lang)
	}
	for k, v := range shared {
		if strings.HasPrefix(k, "fault.") {
			continue // error sentences arrive already rendered, in the reader's language
		}
		msgs[k] = v
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return c.JSON(http.StatusOK, msgs)
}

// simulateRequest: a teacher's what-if. Decisions maps year → decision → option; every
// decision not named keeps history's choice, as do directives not named and every
// faction's actions. Through, when set, stops the run after that year. Weather
// "ordinary" sets every yield factor to 1.0 (no noise): the policies alone.
type simulateRequest struct {
	Mode       economy.Mode                 `json:"mode"`
	Weather    string                       `json:"weather"`
	Seed       int64                        `json:"seed"`
	Decisions  map[string]map[string]string `json:"decisions"`
	Directives map[string]map[string]bool   `json:"directives"`
	Through    int                          `json:"through"`
}

const maxSimulateBody = 8 << 10

// simulate: POST /api/simulate. It runs the economy model on the choices given and on
// history's, side by side, so the what-if panel can show both paths. The model is pure
// and a run takes well under a millisecond, so no room or credential is involved.
func (w *webRoutes) simulate(c echo.Context) error {
	var req simulateRequest
	if err := readJSON(c, maxSimulateBody, &req, true); err != nil {
		return err
	}
	sc := w.cfg.Scenario
	if req.Mode == "" {
		req.Mode = economy.Historical
	}
	if req.Mode != economy.Historical && req.Mode != economy.Counterfactual {
		return fault.T(fault.Invalid, "fault.server.notAMode", req.Mode)
	}
	if req.Mode == economy.Historical && len(req.Directives) > 0 {
		return fault.T(fault.Invalid, "fault.server.directivesOnlyCounterfactual")
	}
	if req.Weather != "" && req.Weather != economy.WeatherHistory && req.Weather != economy.WeatherOrdinary {
		return fault.T(fault.Invalid, "fault.server.notAWeather", req.Weather)
	}
	hist := sc.HistoricalRecord()
	rec := sc.HistoricalRecord()
	rec.Mode, rec.Seed = req.Mode, req.Seed
	var years []economy.YearChoices
	for _, yc := range rec.Years {
		if req.Through != 0 && yc.Year > req.Through {
			break
		}
		key := itoa(yc.Year)
		for d, o := range req.Decisions[key] {
			if _, ok := yc.Decisions[d]; !ok {
				return fault.T(fault.NotFound, "fault.server.noSuchDecision", yc.Year, d)
			}
			yc.Decisions[d] = o
		}
		if dirs := req.Directives[key]; len(dirs) > 0 {
			yc.Directives = map[string]bool{}
			for k, on := range dirs {
				yc.Directives[k] = on
			}
		}
		years = append(years, yc)
	}
	for k := range req.Decisions {
		if _, ok := sc.Year(atoi(k)); !ok {
			return fault.T(fault.NotFound, "fault.server.noSuchYear", k)
		}
	}
	rec.Years = years
	if len(rec.Years) == 0 {
		return fault.T(fault.Invalid, "fault.server.runNeedsAYear")
	}
	outcomes, err := sc.RunWith(rec, economy.RunOptions{Weather: req.Weather})
	if err != nil {
		return asInvalid(err)
	}
	hist.Years = hist.Years[:len(years)]
	history, err := sc.Run(hist)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"outcomes": outcomes, "history": history, "record": rec})
}

func asInvalid(err error) error {
	var fe *fault.Error
	if errors.As(err, &fe) {
		return fe
	}
	return fault.New(fault.Invalid, err.Error())
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func atoi(s string) int {
	n := 0
	if s == "" || len(s) > 6 {
		return -1
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// view: GET /api/rooms/:code/view (Bearer key or token): the room as this viewer may see
// it now, the same snapshot a new connection gets first. The client calls it when its
// folded state cannot follow an event exactly (a new year's content).
func (w *webRoutes) view(c echo.Context) error {
	secret, ok := bearer(c.Request())
	if !ok {
		return fault.T(fault.Unauthorized, "fault.server.credentialHeaderNeeded")
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), 10*time.Second)
	defer cancel()
	sess, err := w.cfg.Hub.Authenticate(ctx, c.Param("code"), secret)
	if err != nil {
		return hideMissingRoom(err)
	}
	feed, err := w.cfg.Hub.Watch(ctx, sess, nil)
	if err != nil {
		return err
	}
	defer feed.Close()
	f, err := feed.Next(ctx)
	if errors.Is(err, engine.ErrFeedEnded) {
		code, text := feed.Reason()
		return fault.T(fault.Unavailable, "fault.server.roomFeedEnded", code, text)
	}
	if err != nil {
		return fault.T(fault.Unavailable, "fault.server.roomDidNotAnswer")
	}
	var snap struct {
		Type  string          `json:"type"`
		State json.RawMessage `json:"state"`
	}
	if err := json.Unmarshal(f, &snap); err != nil || snap.Type != "snapshot" {
		return fault.T(fault.Internal, "fault.server.roomSentNoSnapshot")
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSONBlob(http.StatusOK, snap.State)
}

// QR codes are drawn on the server with github.com/skip2/go-qrcode (pure Go, no
// dependencies, widely used) so the client needs no QR library and works offline.
const qrSize = 512 // px: sharp when projected and printed; the PNG is a few KB

// joinURL is the address a room's QR code opens: on the base the client names (the
// room's join link, ?base=) when it is one the server offers, else the default one.
func (w *webRoutes) joinURL(c echo.Context, code string) (string, error) {
	base := c.QueryParam("base")
	if base == "" {
		bases, _ := w.links.joinBases(c)
		base = bases[0]
	} else if !w.links.allowedBase(c, base) {
		return "", fault.T(fault.Invalid, "fault.server.joinBaseNotOurs")
	}
	return joinURL(base, code), nil
}

func validCode(code string) bool {
	if len(code) < 4 || len(code) > 16 {
		return false
	}
	for _, r := range code {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

func writeQR(c echo.Context, text string) error {
	png, err := qrcode.Encode(text, qrcode.Medium, qrSize)
	if err != nil {
		return fault.T(fault.Invalid, "fault.server.qrLinkTooLong")
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "image/png", png)
}

// joinQR: GET /api/rooms/:code/qr.png, the QR code of the room's join link. It says
// nothing about whether the room exists: the code is already on the projector.
func (w *webRoutes) joinQR(c echo.Context) error {
	code := c.Param("code")
	if !validCode(code) {
		return fault.T(fault.Invalid, "fault.server.notARoomCode")
	}
	link, err := w.joinURL(c, strings.ToUpper(code))
	if err != nil {
		return err
	}
	return writeQR(c, link)
}

type fragmentRequest struct {
	Fragment string `json:"fragment"`
}

// fragmentQR: POST /api/rooms/:code/qr (Bearer teacher key), the QR code of the join
// link with a fragment, for printed rejoin codes: the secret travels in a POST body and
// in the URL fragment, which browsers never send, and never sits in a URL the server logs.
func (w *webRoutes) fragmentQR(c echo.Context) error {
	secret, ok := bearer(c.Request())
	if !ok {
		return fault.T(fault.Unauthorized, "fault.server.keyHeaderNeeded")
	}
	sess, err := w.cfg.Hub.Authenticate(c.Request().Context(), c.Param("code"), secret)
	if err != nil {
		return hideMissingRoom(err)
	}
	if !sess.Principal.IsStaff() {
		return fault.T(fault.Forbidden, "fault.server.rejoinCodesTeacherOnly")
	}
	var req fragmentRequest
	if err := readJSON(c, 1<<10, &req, false); err != nil {
		return err
	}
	if len(req.Fragment) > 200 || bytes.ContainsAny([]byte(req.Fragment), " \t\r\n#") {
		return fault.T(fault.Invalid, "fault.server.fragmentInvalid")
	}
	link, err := w.joinURL(c, sess.Code)
	if err != nil {
		return err
	}
	return writeQR(c, link+"#"+req.Fragment)
}
