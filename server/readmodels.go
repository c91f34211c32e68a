package server

import (
	"context"
	"sync"

	"github.com/classroom-debate/debate/engine"
	"github.com/classroom-debate/debate/scoring"
)

// readModels memoises the scores, year reports, debrief and briefings of each room by the
// log's last sequence number. At the end of a year a whole class asks for its report (and
// then its briefing) within a second; without the memo each request would read and fold
// the room's whole log.
// Results are shared: scoring's For(audience) copies before redacting, never mutating.
type readModels struct {
	mu    sync.Mutex
	rooms map[string]*roomModels
}

type roomModels struct {
	mu      sync.Mutex // one fold per room at a time; others wait for its result
	seq     uint64
	debrief *scoring.Debriefing
	years   map[int]yearModel
	brief   *briefingFold
}

type yearModel struct {
	view *scoring.YearView
	ok   bool
}

// maxMemoRooms bounds the memo; past it, an arbitrary room's entry is dropped (it is
// rebuilt on its next request).
const maxMemoRooms = 512

func (m *readModels) room(roomID string) *roomModels {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.rooms == nil {
		m.rooms = map[string]*roomModels{}
	}
	r, ok := m.rooms[roomID]
	if !ok {
		if len(m.rooms) >= maxMemoRooms {
			for id := range m.rooms {
				delete(m.rooms, id)
				break
			}
		}
		r = &roomModels{}
		m.rooms[roomID] = r
	}
	return r
}

// current returns the room's memo, emptied if the log has grown since it was filled.
// The caller holds r.mu until it is done with it.
func (m *readModels) current(ctx context.Context, hub *engine.Hub, sess engine.Session) (*roomModels, error) {
	seq, err := hub.LastSeq(ctx, sess)
	if err != nil {
		return nil, err
	}
	r := m.room(sess.RoomID)
	r.mu.Lock()
	if r.seq != seq || r.years == nil {
		r.seq, r.debrief, r.years, r.brief = seq, nil, map[int]yearModel{}, nil
	}
	return r, nil
}

func (m *readModels) yearReport(ctx context.Context, hub *engine.Hub, sess engine.Session, year int) (*scoring.YearView, bool, error) {
	r, err := m.current(ctx, hub, sess)
	if err != nil {
		return nil, false, err
	}
	defer r.mu.Unlock()
	if y, ok := r.years[year]; ok {
		return y.view, y.ok, nil
	}
	events, err := hub.Events(ctx, sess)
	if err != nil {
		return nil, false, err
	}
	view, ok, err := scoring.YearReport(events, year)
	if err != nil {
		return nil, false, err
	}
	// The log may have grown while we read it; key the result by what was folded.
	if n := len(events); n > 0 && events[n-1].Seq == r.seq {
		r.years[year] = yearModel{view: view, ok: ok}
	}
	return view, ok, nil
}

func (m *readModels) debrief(ctx context.Context, hub *engine.Hub, sess engine.Session) (*scoring.Debriefing, error) {
	r, err := m.current(ctx, hub, sess)
	if err != nil {
		return nil, err
	}
	defer r.mu.Unlock()
	if r.debrief != nil {
		return r.debrief, nil
	}
	events, err := hub.Events(ctx, sess)
	if err != nil {
		return nil, err
	}
	d, err := scoring.Debrief(events)
	if err != nil {
		return nil, err
	}
	if n := len(events); n > 0 && events[n-1].Seq == r.seq {
		r.debrief = d
	}
	return d, nil
}

// briefings returns the room folded for its briefings (briefing.go). The folded states
// are shared and only read: State's read methods do not change it.
func (m *readModels) briefings(ctx context.Context, hub *engine.Hub, sess engine.Session) (*briefingFold, error) {
	r, err := m.current(ctx, hub, sess)
	if err != nil {
		return nil, err
	}
	defer r.mu.Unlock()
	if r.brief != nil {
		return r.brief, nil
	}
	events, err := hub.Events(ctx, sess)
	if err != nil {
		return nil, err
	}
	bf, err := foldForBriefings(events)
	if err != nil {
		return nil, err
	}
	if n := len(events); n > 0 && events[n-1].Seq == r.seq {
		r.brief = bf
	}
	return bf, nil
}
