package server

import (
	"context"
	"sync"

	"github.com/classroom-debate/debate/engine"
	"github.com/classroom-debate/debate/room"
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

// memo returns a room's read model from the memo, or builds it from the log and keeps it
// if the log did not grow while it was read (the result is keyed by what was folded).
func memo[T any](ctx context.Context, m *readModels, hub *engine.Hub, sess engine.Session,
	get func(*roomModels) (T, bool), put func(*roomModels, T), build func([]room.Event) (T, error)) (T, error) {
	var zero T
	r, err := m.current(ctx, hub, sess)
	if err != nil {
		return zero, err
	}
	defer r.mu.Unlock()
	if v, ok := get(r); ok {
		return v, nil
	}
	events, err := hub.Events(ctx, sess)
	if err != nil {
		return zero, err
	}
	v, err := build(events)
	if err != nil {
		return zero, err
	}
	if n := len(events); n > 0 && events[n-1].Seq == r.seq {
		put(r, v)
	}
	return v, nil
}

func (m *readModels) yearReport(ctx context.Context, hub *engine.Hub, sess engine.Session, year int) (*scoring.YearView, bool, error) {
	y, err := memo(ctx, m, hub, sess,
		func(r *roomModels) (yearModel, bool) { y, ok := r.years[year]; return y, ok },
		func(r *roomModels, y yearModel) { r.years[year] = y },
		func(events []room.Event) (yearModel, error) {
			view, ok, err := scoring.YearReport(events, year)
			return yearModel{view: view, ok: ok}, err
		})
	return y.view, y.ok, err
}

func (m *readModels) debrief(ctx context.Context, hub *engine.Hub, sess engine.Session) (*scoring.Debriefing, error) {
	return memo(ctx, m, hub, sess,
		func(r *roomModels) (*scoring.Debriefing, bool) { return r.debrief, r.debrief != nil },
		func(r *roomModels, d *scoring.Debriefing) { r.debrief = d },
		scoring.Debrief)
}

// briefings returns the room folded for its briefings (briefing.go). The folded states
// are shared and only read: State's read methods do not change it.
func (m *readModels) briefings(ctx context.Context, hub *engine.Hub, sess engine.Session) (*briefingFold, error) {
	return memo(ctx, m, hub, sess,
		func(r *roomModels) (*briefingFold, bool) { return r.brief, r.brief != nil },
		func(r *roomModels, bf *briefingFold) { r.brief = bf },
		foldForBriefings)
}
