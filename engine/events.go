package engine

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/room"
)

// Events returns the room's whole stored log, decoded, for read models such as scores,
// the debrief and exports. It is the raw log: the caller must show a viewer only what
// that viewer may see (scoring's For(audience) does), and must hand the raw log itself
// to staff only.
func (h *Hub) Events(ctx context.Context, s Session) ([]room.Event, error) {
	if h.isClosing() {
		return nil, fault.T(fault.Unavailable, "fault.engine.restartingTryAgain")
	}
	entries, err := h.cfg.Log.Read(ctx, s.RoomID, 0, 0)
	if err != nil {
		return nil, h.storageErr("read room log", err)
	}
	if len(entries) == 0 {
		return nil, fault.T(fault.NotFound, "fault.engine.roomGone")
	}
	out := make([]room.Event, 0, len(entries))
	for _, en := range entries {
		var e room.Event
		if err := json.Unmarshal(en.Data, &e); err != nil {
			return nil, h.storageErr("decode room log", fmt.Errorf("event %d: %w", en.Seq, err))
		}
		out = append(out, e)
	}
	return out, nil
}

// LastSeq returns the sequence number of the room's last stored event: a cheap way for
// read models to tell whether anything changed since they last folded the log.
func (h *Hub) LastSeq(ctx context.Context, s Session) (uint64, error) {
	seq, err := h.cfg.Log.Last(ctx, s.RoomID)
	if err != nil {
		return 0, h.storageErr("read room log", err)
	}
	return seq, nil
}
