package server

import (
	"crypto/sha256"
	"encoding/json"
	"net/http"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/room"
)

// experimentRuns is each experiment's ensemble: the estimated coefficients drawn from
// their stated ranges this many times (docs/ECONOMY.md). Five experiments of 50 runs
// take some tens of milliseconds (docs/BENCHMARKS.md), so they are computed on demand.
const experimentRuns = 50

// experimentsView is what the debrief's experiments panel shows: the historians' claims
// run on the class's own path, each a range with its assumption in words.
type experimentsView struct {
	Years       []int                      `json:"years"` // the years the class played
	Runs        int                        `json:"runs"`
	Experiments []economy.ExperimentResult `json:"experiments"`
}

// experimentCache keeps the answers by the record they were computed from: a whole class
// opens the debrief at once, and the record no longer changes then.
type experimentCache struct {
	mu sync.Mutex
	m  map[[32]byte]*experimentsView
}

const maxExperimentCache = 64

func (c *experimentCache) get(sc *economy.Scenario, rec economy.Record) (*experimentsView, error) {
	raw, err := json.Marshal(struct {
		Hash string
		Rec  economy.Record
	}{sc.Hash(), rec})
	if err != nil {
		return nil, err
	}
	key := sha256.Sum256(raw)
	c.mu.Lock()
	v, ok := c.m[key]
	c.mu.Unlock()
	if ok {
		return v, nil
	}
	res, err := sc.RunExperiments(rec, nil, experimentRuns)
	if err != nil {
		return nil, err
	}
	v = &experimentsView{Runs: experimentRuns, Experiments: res}
	for _, y := range rec.Years {
		v.Years = append(v.Years, y.Year)
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxExperimentCache {
		c.m = map[[32]byte]*experimentsView{}
	}
	c.m[key] = v
	c.mu.Unlock()
	return v, nil
}

var experiments experimentCache

// experimentsRoute: GET /api/rooms/:code/experiments — the historians' claims as
// experiments on the class's own path, for everyone in the room. The answer holds only
// model ranges and public texts, nothing about players.
func (s *Server) experimentsRoute(c echo.Context) error {
	sess, err := s.authenticate(c)
	if err != nil {
		return err
	}
	events, err := s.hub.Events(c.Request().Context(), sess)
	if err != nil {
		return err
	}
	st := room.NewState()
	for _, e := range events {
		if err := room.Apply(st, e); err != nil {
			return err
		}
	}
	rec := st.Record()
	if len(rec.Years) == 0 {
		return fault.T(fault.NotFound, "fault.server.experimentsNoYear")
	}
	v, err := experiments.get(st.Scenario(), rec)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, v)
}
