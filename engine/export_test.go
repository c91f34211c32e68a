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
