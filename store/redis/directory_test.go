package redisstore

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/classroom-debate/debate/engine"
)

// TestDirectoryAfterInterruptedRemove: a Remove that stopped after deleting the room's
// record (a crash between its steps) leaves the code's key and list entry behind. The
// code is not found, not listed, and a new room can claim it.
func TestDirectoryAfterInterruptedRemove(t *testing.T) {
	ctx := context.Background()
	s := sharedStore(t, Options{})
	d := s.Directory()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	old := engine.RoomInfo{RoomID: "old-room", Code: "KOLK28", Created: at, LastActivity: at}
	if ok, err := d.Claim(ctx, old); !ok || err != nil {
		t.Fatalf("Claim = %v, %v", ok, err)
	}
	if err := s.client.Del(ctx, s.roomKey(old.RoomID, "info")).Err(); err != nil { // the first step of Remove
		t.Fatal(err)
	}
	if _, err := d.Lookup(ctx, old.Code); !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("Lookup of a half-removed room's code: err = %v, want ErrNotFound", err)
	}
	if rooms, err := d.List(ctx); err != nil || len(rooms) != 0 {
		t.Errorf("List = %v, %v; want no rooms", rooms, err)
	}
	next := engine.RoomInfo{RoomID: "next-room", Code: old.Code, Created: at, LastActivity: at}
	if ok, err := d.Claim(ctx, next); !ok || err != nil {
		t.Fatalf("Claim of the left-over code = %v, %v; want it claimed", ok, err)
	}
	if got, err := d.Lookup(ctx, old.Code); err != nil || got.RoomID != next.RoomID {
		t.Errorf("Lookup = %+v, %v; want %s", got, err, next.RoomID)
	}
	if rooms, err := d.List(ctx); err != nil || len(rooms) != 1 || rooms[0].RoomID != next.RoomID {
		t.Errorf("List = %v, %v; want only %s", rooms, err, next.RoomID)
	}
	// The half-removed room's Remove, run again, does not take the code from its new owner.
	if err := d.Remove(ctx, old.RoomID); err != nil {
		t.Fatal(err)
	}
	if got, err := d.Lookup(ctx, old.Code); err != nil || got.RoomID != next.RoomID {
		t.Errorf("after removing the old room again: Lookup = %+v, %v", got, err)
	}
	// A refused claim leaves no record behind.
	loser := engine.RoomInfo{RoomID: "loser-room", Code: old.Code, Created: at, LastActivity: at}
	if ok, err := d.Claim(ctx, loser); ok || err != nil {
		t.Fatalf("Claim of a taken code = %v, %v", ok, err)
	}
	if n, _ := s.client.Exists(ctx, s.roomKey(loser.RoomID, "info")).Result(); n != 0 {
		t.Error("a refused claim left its room record")
	}
}
