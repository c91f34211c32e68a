package engine

import "context"

// LiveRooms is how many rooms this instance holds loaded (an actor each): what the
// server's room cap and the rooms gauge count.
func (h *Hub) LiveRooms() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.actors)
}

// Warm loads a room on this instance now rather than at its first command or viewer:
// the server warms a room it has just created, so that the room cap counts it at once.
func (h *Hub) Warm(ctx context.Context, roomID string) error {
	_, err := h.actor(ctx, roomID)
	return err
}
