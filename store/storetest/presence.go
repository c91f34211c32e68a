package storetest

import (
	"context"
	"slices"
	"testing"

	"github.com/classroom-debate/debate/engine"
)

// TestPresence checks an engine.Presence: several connections per player, sorted
// Online, idempotent disconnects and separate rooms.
func TestPresence(t *testing.T, newPresence func(t *testing.T) engine.Presence) {
	t.Run("Counting", func(t *testing.T) {
		p, room := newPresence(t), unique(t, "room")
		assertOnline(t, p, room)
		bob := mustConnect(t, p, room, "bob")
		ann1 := mustConnect(t, p, room, "ann")
		ann2 := mustConnect(t, p, room, "ann") // a second tab
		assertOnline(t, p, room, "ann", "bob")

		ann1()
		ann1() // a second call of the same disconnect must not close ann's other tab
		assertOnline(t, p, room, "ann", "bob")
		ann2()
		assertOnline(t, p, room, "bob")
		bob()
		assertOnline(t, p, room)

		// Reconnecting after going offline works as the first time.
		again := mustConnect(t, p, room, "ann")
		assertOnline(t, p, room, "ann")
		again()
		assertOnline(t, p, room)
	})

	t.Run("RoomsAreSeparate", func(t *testing.T) {
		p := newPresence(t)
		a, b := unique(t, "a"), unique(t, "b")
		defer mustConnect(t, p, a, "p1")()
		defer mustConnect(t, p, b, "p2")()
		assertOnline(t, p, a, "p1")
		assertOnline(t, p, b, "p2")
	})
}

func mustConnect(t *testing.T, p engine.Presence, room, player string) func() {
	t.Helper()
	disconnect, err := p.Connect(context.Background(), room, player)
	if err != nil {
		t.Fatalf("Connect(%s, %s): %v", room, player, err)
	}
	return disconnect
}

func assertOnline(t *testing.T, p engine.Presence, room string, want ...string) {
	t.Helper()
	got, err := p.Online(context.Background(), room)
	if err != nil {
		t.Fatalf("Online(%s): %v", room, err)
	}
	if !slices.Equal(got, want) { // nil and empty are equal here
		t.Errorf("Online = %v, want %v", got, want)
	}
}
