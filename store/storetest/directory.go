package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/classroom-debate/debate/engine"
)

// TestDirectory checks an engine.Directory: claim and code uniqueness (also under
// concurrency), lookups, Touch, List's order and Remove freeing the code.
func TestDirectory(t *testing.T, newDirectory func(t *testing.T) engine.Directory) {
	ctx := context.Background()
	created := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	info := func(t *testing.T, room, code string) engine.RoomInfo {
		return engine.RoomInfo{RoomID: unique(t, room), Code: code, Created: created, LastActivity: created}
	}

	t.Run("ClaimLookupGet", func(t *testing.T) {
		t.Parallel()
		d := newDirectory(t)
		r := info(t, "room", unique(t, "code"))
		mustClaim(t, d, r, true)
		got, err := d.Lookup(ctx, r.Code)
		if err != nil {
			t.Fatalf("Lookup: %v", err)
		}
		assertRoom(t, got, r)
		got, err = d.Get(ctx, r.RoomID)
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		assertRoom(t, got, r)
	})

	t.Run("CodeTaken", func(t *testing.T) {
		t.Parallel()
		d := newDirectory(t)
		code := unique(t, "code")
		first, second := info(t, "first", code), info(t, "second", code)
		mustClaim(t, d, first, true)
		mustClaim(t, d, second, false)
		if got, err := d.Lookup(ctx, code); err != nil || got.RoomID != first.RoomID {
			t.Errorf("Lookup after a refused claim = %q, %v; want %q", got.RoomID, err, first.RoomID)
		}
		if _, err := d.Get(ctx, second.RoomID); !errors.Is(err, engine.ErrNotFound) {
			t.Errorf("Get of the refused room: err = %v, want ErrNotFound", err)
		}
	})

	t.Run("ConcurrentClaims", func(t *testing.T) {
		t.Parallel()
		d := newDirectory(t)
		code := unique(t, "code")
		const n = 8
		won := make([]bool, n)
		startTogether(n, func(i int) {
			ok, err := d.Claim(ctx, info(t, "room", code))
			if err != nil {
				t.Errorf("Claim: %v", err)
			}
			won[i] = ok
		})
		if winners := len(slices.DeleteFunc(won, func(b bool) bool { return !b })); winners != 1 {
			t.Errorf("%d claims of one code succeeded, want 1", winners)
		}
	})

	t.Run("Missing", func(t *testing.T) {
		t.Parallel()
		d := newDirectory(t)
		if _, err := d.Lookup(ctx, unique(t, "code")); !errors.Is(err, engine.ErrNotFound) {
			t.Errorf("Lookup of an unknown code: err = %v, want ErrNotFound", err)
		}
		if _, err := d.Get(ctx, unique(t, "room")); !errors.Is(err, engine.ErrNotFound) {
			t.Errorf("Get of an unknown room: err = %v, want ErrNotFound", err)
		}
		if err := d.Touch(ctx, unique(t, "room"), created); !errors.Is(err, engine.ErrNotFound) {
			t.Errorf("Touch of an unknown room: err = %v, want ErrNotFound", err)
		}
		if err := d.Remove(ctx, unique(t, "room")); err != nil {
			t.Errorf("Remove of an unknown room: %v", err)
		}
	})

	t.Run("Touch", func(t *testing.T) {
		t.Parallel()
		d := newDirectory(t)
		r := info(t, "room", unique(t, "code"))
		mustClaim(t, d, r, true)
		later := created.Add(95 * time.Minute)
		if err := d.Touch(ctx, r.RoomID, later); err != nil {
			t.Fatalf("Touch: %v", err)
		}
		got, err := d.Get(ctx, r.RoomID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.LastActivity.Equal(later) || !got.Created.Equal(created) || got.Code != r.Code {
			t.Errorf("after Touch: %+v; want LastActivity %v and the rest unchanged", got, later)
		}
	})

	t.Run("ListByCode", func(t *testing.T) {
		t.Parallel()
		// A shared backend may hold other tests' rooms: look only at ours.
		d := newDirectory(t)
		prefix := unique(t, "code")
		mine := map[string]string{} // room id → code
		for _, suffix := range []string{"M", "B", "Z", "A"} {
			r := info(t, "room"+suffix, prefix+suffix)
			mustClaim(t, d, r, true)
			mine[r.RoomID] = r.Code
		}
		all, err := d.List(ctx)
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		var codes []string
		for _, r := range all {
			if code, ok := mine[r.RoomID]; ok {
				if r.Code != code {
					t.Errorf("List gives room %s code %s, want %s", r.RoomID, r.Code, code)
				}
				codes = append(codes, r.Code)
			}
		}
		want := []string{prefix + "A", prefix + "B", prefix + "M", prefix + "Z"}
		if !slices.Equal(codes, want) {
			t.Errorf("List codes = %v, want %v", codes, want)
		}
	})

	t.Run("RemoveFreesCode", func(t *testing.T) {
		t.Parallel()
		d := newDirectory(t)
		code := unique(t, "code")
		old, next := info(t, "old", code), info(t, "next", code)
		mustClaim(t, d, old, true)
		if err := d.Remove(ctx, old.RoomID); err != nil {
			t.Fatalf("Remove: %v", err)
		}
		if _, err := d.Get(ctx, old.RoomID); !errors.Is(err, engine.ErrNotFound) {
			t.Errorf("Get after Remove: err = %v, want ErrNotFound", err)
		}
		if _, err := d.Lookup(ctx, code); !errors.Is(err, engine.ErrNotFound) {
			t.Errorf("Lookup after Remove: err = %v, want ErrNotFound", err)
		}
		mustClaim(t, d, next, true)
		if got, err := d.Lookup(ctx, code); err != nil || got.RoomID != next.RoomID {
			t.Errorf("Lookup of a reused code = %q, %v; want %q", got.RoomID, err, next.RoomID)
		}
	})
}

func mustClaim(t *testing.T, d engine.Directory, r engine.RoomInfo, want bool) {
	t.Helper()
	ok, err := d.Claim(context.Background(), r)
	if err != nil {
		t.Fatalf("Claim(%s, %s): %v", r.RoomID, r.Code, err)
	}
	if ok != want {
		t.Fatalf("Claim(%s, %s) = %v, want %v", r.RoomID, r.Code, ok, want)
	}
}

func assertRoom(t *testing.T, got, want engine.RoomInfo) {
	t.Helper()
	if got.RoomID != want.RoomID || got.Code != want.Code ||
		!got.Created.Equal(want.Created) || !got.LastActivity.Equal(want.LastActivity) {
		t.Errorf("room = %+v, want %+v", got, want)
	}
}
