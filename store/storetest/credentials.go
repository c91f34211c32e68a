package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/classroom-debate/debate/engine"
)

// TestCredentials checks an engine.Credentials: put and get, single-use Take (also
// under concurrency), expiry, overwrite, Delete, DeleteRoom and DeletePlayer. Grants
// with a zero Expires never expire. Expiry is tested with times an hour from the real
// clock, so implementations may use their own clock (a Redis TTL) or time.Now.
func TestCredentials(t *testing.T, newCredentials func(t *testing.T) engine.Credentials) {
	ctx := context.Background()
	future := time.Now().Add(time.Hour).Truncate(time.Millisecond)
	past := time.Now().Add(-time.Hour)

	t.Run("PutGet", func(t *testing.T) {
		t.Parallel()
		c, h := newCredentials(t), hashOf(unique(t, "secret"))
		g := engine.Grant{RoomID: unique(t, "room"), Kind: "player", PlayerID: "p1", Expires: future}
		mustPut(t, c, h, g)
		assertGrant(t, c, h, g)
		assertGrant(t, c, h, g) // Get does not consume
	})

	t.Run("Missing", func(t *testing.T) {
		t.Parallel()
		c, h := newCredentials(t), hashOf(unique(t, "secret"))
		if _, err := c.Get(ctx, h); !errors.Is(err, engine.ErrNotFound) {
			t.Errorf("Get of an unknown hash: err = %v, want ErrNotFound", err)
		}
		if _, err := c.Take(ctx, h, "ticket"); !errors.Is(err, engine.ErrNotFound) {
			t.Errorf("Take of an unknown hash: err = %v, want ErrNotFound", err)
		}
		if err := c.Delete(ctx, h); err != nil {
			t.Errorf("Delete of an unknown hash: %v", err)
		}
	})

	t.Run("TakeOnce", func(t *testing.T) {
		t.Parallel()
		c, h := newCredentials(t), hashOf(unique(t, "ticket"))
		g := engine.Grant{RoomID: unique(t, "room"), Kind: "ticket", PlayerID: "p1", Subject: "player", Expires: future}
		mustPut(t, c, h, g)
		got, err := c.Take(ctx, h, "ticket")
		if err != nil {
			t.Fatalf("Take: %v", err)
		}
		if !sameGrant(got, g) {
			t.Errorf("Take = %+v, want %+v", got, g)
		}
		if _, err := c.Take(ctx, h, "ticket"); !errors.Is(err, engine.ErrNotFound) {
			t.Errorf("second Take: err = %v, want ErrNotFound", err)
		}
		if _, err := c.Get(ctx, h); !errors.Is(err, engine.ErrNotFound) {
			t.Errorf("Get after Take: err = %v, want ErrNotFound", err)
		}
	})

	t.Run("TakeOnlyItsKind", func(t *testing.T) {
		t.Parallel()
		c, h := newCredentials(t), hashOf(unique(t, "key"))
		key := engine.Grant{RoomID: unique(t, "room"), Kind: "teacher", Subject: "teacher"}
		mustPut(t, c, h, key)
		// A teacher key offered as a ticket is refused and stays as it was.
		if _, err := c.Take(ctx, h, "ticket"); !errors.Is(err, engine.ErrNotFound) {
			t.Errorf("Take of a key as a ticket: err = %v, want ErrNotFound", err)
		}
		assertGrant(t, c, h, key)
	})

	t.Run("ConcurrentTakes", func(t *testing.T) {
		t.Parallel()
		c, h := newCredentials(t), hashOf(unique(t, "ticket"))
		mustPut(t, c, h, engine.Grant{RoomID: unique(t, "room"), Kind: "ticket", Subject: "teacher", Expires: future})
		const n = 8
		errs := make([]error, n)
		startTogether(n, func(i int) { _, errs[i] = c.Take(ctx, h, "ticket") })
		var won int
		for i, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, engine.ErrNotFound):
				t.Errorf("Take %d: %v", i, err)
			}
		}
		if won != 1 {
			t.Errorf("%d concurrent Takes of one ticket succeeded, want 1", won)
		}
	})

	t.Run("Expiry", func(t *testing.T) {
		t.Parallel()
		c := newCredentials(t)
		room := unique(t, "room")
		old, forever := hashOf(unique(t, "old")), hashOf(unique(t, "forever"))
		mustPut(t, c, old, engine.Grant{RoomID: room, Kind: "ticket", Subject: "player", PlayerID: "p1", Expires: past})
		mustPut(t, c, forever, engine.Grant{RoomID: room, Kind: "teacher"}) // zero Expires: never
		if _, err := c.Get(ctx, old); !errors.Is(err, engine.ErrNotFound) {
			t.Errorf("Get of an expired grant: err = %v, want ErrNotFound", err)
		}
		if _, err := c.Take(ctx, old, "ticket"); !errors.Is(err, engine.ErrNotFound) {
			t.Errorf("Take of an expired grant: err = %v, want ErrNotFound", err)
		}
		assertGrant(t, c, forever, engine.Grant{RoomID: room, Kind: "teacher"})
	})

	t.Run("Overwrite", func(t *testing.T) {
		t.Parallel()
		// Putting over a hash replaces the grant entirely, including which room's and
		// player's deletions reach it.
		c, h := newCredentials(t), hashOf(unique(t, "secret"))
		roomA, roomB := unique(t, "a"), unique(t, "b")
		mustPut(t, c, h, engine.Grant{RoomID: roomA, Kind: "player", PlayerID: "p1", Expires: future})
		moved := engine.Grant{RoomID: roomB, Kind: "rejoin", PlayerID: "p2", Expires: future}
		mustPut(t, c, h, moved)
		assertGrant(t, c, h, moved)
		if err := c.DeleteRoom(ctx, roomA); err != nil {
			t.Fatal(err)
		}
		if err := c.DeletePlayer(ctx, roomA, "p1", ""); err != nil {
			t.Fatal(err)
		}
		assertGrant(t, c, h, moved)
		if err := c.DeletePlayer(ctx, roomB, "p2", "rejoin"); err != nil {
			t.Fatal(err)
		}
		assertGone(t, c, h)
	})

	t.Run("Delete", func(t *testing.T) {
		t.Parallel()
		c := newCredentials(t)
		h, other := hashOf(unique(t, "secret")), hashOf(unique(t, "other"))
		room := unique(t, "room")
		mustPut(t, c, h, engine.Grant{RoomID: room, Kind: "projector", Expires: future})
		mustPut(t, c, other, engine.Grant{RoomID: room, Kind: "projector", Expires: future})
		if err := c.Delete(ctx, h); err != nil {
			t.Fatal(err)
		}
		assertGone(t, c, h)
		assertGrant(t, c, other, engine.Grant{RoomID: room, Kind: "projector", Expires: future})
	})

	t.Run("DeleteRoom", func(t *testing.T) {
		t.Parallel()
		c := newCredentials(t)
		room := unique(t, "room")
		neighbour := room + "0" // extends room's id: catches prefix matches without a separator
		doomed := map[string]engine.Grant{
			hashOf(unique(t, "t")): {RoomID: room, Kind: "teacher"},
			hashOf(unique(t, "p")): {RoomID: room, Kind: "player", PlayerID: "p1", Expires: future},
			hashOf(unique(t, "r")): {RoomID: room, Kind: "rejoin", PlayerID: "p1", Expires: future},
		}
		kept := map[string]engine.Grant{
			hashOf(unique(t, "n")): {RoomID: neighbour, Kind: "teacher"},
			hashOf(unique(t, "q")): {RoomID: neighbour, Kind: "player", PlayerID: "p1", Expires: future},
		}
		putAll(t, c, doomed, kept)
		if err := c.DeleteRoom(ctx, room); err != nil {
			t.Fatalf("DeleteRoom: %v", err)
		}
		for h := range doomed {
			assertGone(t, c, h)
		}
		for h, g := range kept {
			assertGrant(t, c, h, g)
		}
		if err := c.DeleteRoom(ctx, unique(t, "empty")); err != nil {
			t.Errorf("DeleteRoom of a room without grants: %v", err)
		}
	})

	t.Run("DeletePlayer", func(t *testing.T) {
		t.Parallel()
		c := newCredentials(t)
		room, other := unique(t, "room"), unique(t, "other")
		p1Player, p1Rejoin, p1Ticket := hashOf(unique(t, "1p")), hashOf(unique(t, "1r")), hashOf(unique(t, "1t"))
		grants := map[string]engine.Grant{
			p1Player: {RoomID: room, Kind: "player", PlayerID: "p1", Expires: future},
			p1Rejoin: {RoomID: room, Kind: "rejoin", PlayerID: "p1", Expires: future},
			p1Ticket: {RoomID: room, Kind: "ticket", PlayerID: "p1", Subject: "player", Expires: future},
		}
		// Untouchable: a player whose id extends p1's, another kind's prefix, and p1 of
		// another room.
		kept := map[string]engine.Grant{
			hashOf(unique(t, "10")):  {RoomID: room, Kind: "player", PlayerID: "p10", Expires: future},
			hashOf(unique(t, "10r")): {RoomID: room, Kind: "rejoin", PlayerID: "p10", Expires: future},
			hashOf(unique(t, "o1")):  {RoomID: other, Kind: "player", PlayerID: "p1", Expires: future},
			hashOf(unique(t, "te")):  {RoomID: room, Kind: "teacher"},
		}
		putAll(t, c, grants, kept)

		if err := c.DeletePlayer(ctx, room, "p1", "rejoin"); err != nil {
			t.Fatalf("DeletePlayer(rejoin): %v", err)
		}
		assertGone(t, c, p1Rejoin)
		assertGrant(t, c, p1Player, grants[p1Player])
		assertGrant(t, c, p1Ticket, grants[p1Ticket])

		if err := c.DeletePlayer(ctx, room, "p1", ""); err != nil {
			t.Fatalf("DeletePlayer(all kinds): %v", err)
		}
		assertGone(t, c, p1Player)
		assertGone(t, c, p1Ticket)
		for h, g := range kept {
			assertGrant(t, c, h, g)
		}
	})
}

func mustPut(t *testing.T, c engine.Credentials, hash string, g engine.Grant) {
	t.Helper()
	if err := c.Put(context.Background(), hash, g); err != nil {
		t.Fatalf("Put(%+v): %v", g, err)
	}
}

func putAll(t *testing.T, c engine.Credentials, sets ...map[string]engine.Grant) {
	t.Helper()
	for _, set := range sets {
		for h, g := range set {
			mustPut(t, c, h, g)
		}
	}
}

func sameGrant(a, b engine.Grant) bool {
	return a.RoomID == b.RoomID && a.Kind == b.Kind && a.PlayerID == b.PlayerID &&
		a.Subject == b.Subject && a.Expires.Equal(b.Expires)
}

func assertGrant(t *testing.T, c engine.Credentials, hash string, want engine.Grant) {
	t.Helper()
	got, err := c.Get(context.Background(), hash)
	if err != nil {
		t.Fatalf("Get(%+v): %v", want, err)
	}
	if !sameGrant(got, want) {
		t.Errorf("Get = %+v, want %+v", got, want)
	}
}

func assertGone(t *testing.T, c engine.Credentials, hash string) {
	t.Helper()
	if g, err := c.Get(context.Background(), hash); !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("Get of a deleted grant = %+v, %v; want ErrNotFound", g, err)
	}
}
