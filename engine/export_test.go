package engine

import "github.com/classroom-debate/debate/room"

// SetApplyDecided stands in for room.Apply in the live room until the returned func
// restores it: tests use it to play a rule bug. Not safe with parallel tests.
func SetApplyDecided(apply func(*room.State, room.Event) error) (restore func()) {
	old := applyDecided
	applyDecided = apply
	return func() { applyDecided = old }
}

// QueuedCommands returns how many commands wait in a live room's queue (0 when the room
// is not live): tests use it to know commands will be decided as one batch.
func (h *Hub) QueuedCommands(roomID string) int {
	h.mu.Lock()
	a := h.actors[roomID]
	h.mu.Unlock()
	if a == nil {
		return 0
	}
	return len(a.submits)
}

// RingHeld returns how many entries a live room's ring holds (0 when the room is not
// live or has no ring): tests use it to see entries every viewer has read released.
func (h *Hub) RingHeld(roomID string) int {
	h.mu.Lock()
	a := h.actors[roomID]
	h.mu.Unlock()
	if a == nil {
		return 0
	}
	held := make(chan int, 1)
	a.post(func(a *actor) {
		if a.ring == nil {
			held <- 0
			return
		}
		a.ring.mu.Lock()
		defer a.ring.mu.Unlock()
		held <- int(a.ring.head - a.ring.tail)
	})
	return <-held
}
