package embedded

import (
	"context"
	"slices"
	"sync"

	"github.com/classroom-debate/debate/engine"
)

var _ engine.Presence = (*Presence)(nil)

// Presence counts open connections per player in memory. A player with two tabs open
// stays online until both close.
type Presence struct {
	mu    sync.Mutex
	rooms map[string]map[string]int // room id → player id → open connections
}

// NewPresence returns an empty presence table.
func NewPresence() *Presence {
	return &Presence{rooms: make(map[string]map[string]int)}
}

// Connect implements engine.Presence. The returned disconnect counts once however often
// it is called, so a connection's cleanup paths may all call it.
func (p *Presence) Connect(ctx context.Context, roomID, playerID string) (func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p.mu.Lock()
	if p.rooms[roomID] == nil {
		p.rooms[roomID] = make(map[string]int)
	}
	p.rooms[roomID][playerID]++
	p.mu.Unlock()

	var once sync.Once
	return func() {
		once.Do(func() {
			p.mu.Lock()
			defer p.mu.Unlock()
			players := p.rooms[roomID]
			if players[playerID]--; players[playerID] <= 0 {
				delete(players, playerID)
			}
			if len(players) == 0 {
				delete(p.rooms, roomID)
			}
		})
	}, nil
}

// Online implements engine.Presence.
func (p *Presence) Online(ctx context.Context, roomID string) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p.mu.Lock()
	ids := make([]string, 0, len(p.rooms[roomID]))
	for id := range p.rooms[roomID] {
		ids = append(ids, id)
	}
	p.mu.Unlock()
	slices.Sort(ids)
	return ids, nil
}
