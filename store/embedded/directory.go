package embedded

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/classroom-debate/debate/engine"
)

// Claim implements engine.Directory. The code check and both writes share one
// transaction, so two rooms can never hold the same code. Claiming for a room id that is
// already registered is an error: ids are fresh for every room.
func (d *Directory) Claim(ctx context.Context, info engine.RoomInfo) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if info.RoomID == "" || info.Code == "" {
		return false, errEmptyKey
	}
	value, err := json.Marshal(info)
	if err != nil {
		return false, err
	}
	var taken bool
	err = d.s.write(func(tx *bolt.Tx) error {
		taken = false
		codes, rooms := tx.Bucket(bucketCodes), tx.Bucket(bucketRooms)
		if codes.Get([]byte(info.Code)) != nil {
			taken = true
			return nil
		}
		if rooms.Get([]byte(info.RoomID)) != nil {
			return fmt.Errorf("room %s is already registered", info.RoomID)
		}
		if err := codes.Put([]byte(info.Code), []byte(info.RoomID)); err != nil {
			return err
		}
		return rooms.Put([]byte(info.RoomID), value)
	})
	if err != nil {
		return false, fmt.Errorf("embedded: claim %s: %w", info.Code, err)
	}
	return !taken, nil
}

// Lookup implements engine.Directory.
func (d *Directory) Lookup(ctx context.Context, code string) (engine.RoomInfo, error) {
	if err := ctx.Err(); err != nil {
		return engine.RoomInfo{}, err
	}
	var info engine.RoomInfo
	err := d.s.db.View(func(tx *bolt.Tx) error {
		roomID := tx.Bucket(bucketCodes).Get([]byte(code))
		if roomID == nil {
			return engine.ErrNotFound
		}
		return getRoom(tx, roomID, &info)
	})
	return info, err
}

// Get implements engine.Directory.
func (d *Directory) Get(ctx context.Context, roomID string) (engine.RoomInfo, error) {
	if err := ctx.Err(); err != nil {
		return engine.RoomInfo{}, err
	}
	var info engine.RoomInfo
	err := d.s.db.View(func(tx *bolt.Tx) error {
		return getRoom(tx, []byte(roomID), &info)
	})
	return info, err
}

func getRoom(tx *bolt.Tx, roomID []byte, info *engine.RoomInfo) error {
	v := tx.Bucket(bucketRooms).Get(roomID)
	if v == nil {
		return engine.ErrNotFound
	}
	return json.Unmarshal(v, info)
}

// Touch implements engine.Directory. It returns ErrNotFound for an unknown room.
func (d *Directory) Touch(ctx context.Context, roomID string, at time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var missing bool
	err := d.s.write(func(tx *bolt.Tx) error {
		missing = false
		var info engine.RoomInfo
		switch err := getRoom(tx, []byte(roomID), &info); err {
		case nil:
		case engine.ErrNotFound:
			missing = true
			return nil
		default:
			return err
		}
		info.LastActivity = at
		value, err := json.Marshal(info)
		if err != nil {
			return err
		}
		return tx.Bucket(bucketRooms).Put([]byte(roomID), value)
	})
	if err != nil {
		return fmt.Errorf("embedded: touch %s: %w", roomID, err)
	}
	if missing {
		return engine.ErrNotFound
	}
	return nil
}

// List implements engine.Directory: it walks the codes bucket, which bbolt keeps sorted.
func (d *Directory) List(ctx context.Context) ([]engine.RoomInfo, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []engine.RoomInfo
	err := d.s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketCodes).ForEach(func(_, roomID []byte) error {
			var info engine.RoomInfo
			if err := getRoom(tx, roomID, &info); err != nil {
				return fmt.Errorf("room %s: %w", roomID, err)
			}
			out = append(out, info)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("embedded: list rooms: %w", err)
	}
	return out, nil
}

// Remove implements engine.Directory.
func (d *Directory) Remove(ctx context.Context, roomID string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := d.s.write(func(tx *bolt.Tx) error {
		var info engine.RoomInfo
		switch err := getRoom(tx, []byte(roomID), &info); err {
		case nil:
		case engine.ErrNotFound:
			return nil
		default:
			return err
		}
		codes := tx.Bucket(bucketCodes)
		// Free the code only if it still points here (it always should; be safe anyway).
		if string(codes.Get([]byte(info.Code))) == roomID {
			if err := codes.Delete([]byte(info.Code)); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketRooms).Delete([]byte(roomID))
	})
	if err != nil {
		return fmt.Errorf("embedded: remove room %s: %w", roomID, err)
	}
	return nil
}
