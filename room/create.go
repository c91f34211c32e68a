package room

import (
	"encoding/json"
	"time"
	"unicode/utf8"

	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/fault"
)

// CreateParams are a new room's fixed choices.
type CreateParams struct {
	RoomID, Code string
	Mode         economy.Mode      // "" = historical
	VoteMode     VoteMode          // "" = historical weights
	Scenario     *economy.Scenario // nil = economy.Default()
	Seed         int64
	Settings     Settings // zero value = defaults
}

// Create returns a new room's first event, roomCreated, with Seq 1.
func Create(p CreateParams, now time.Time) (Event, error) {
	if p.RoomID == "" || p.Code == "" {
		return Event{}, fault.T(fault.Invalid, "fault.room.createNeedsIDAndCode")
	}
	if p.Mode == "" {
		p.Mode = economy.Historical
	}
	if p.Mode != economy.Historical && p.Mode != economy.Counterfactual {
		return Event{}, fault.T(fault.Invalid, "fault.room.notAGameMode", p.Mode)
	}
	if p.VoteMode == "" {
		p.VoteMode = HistoricalWeights
	}
	if p.VoteMode != HistoricalWeights && p.VoteMode != OneEach {
		return Event{}, fault.T(fault.Invalid, "fault.room.notAVoteMode", p.VoteMode)
	}
	sc := p.Scenario
	if sc == nil {
		sc = economy.Default()
	}
	settings, err := p.Settings.normalize(sc)
	if err != nil {
		return Event{}, err
	}
	raw := sc.Raw()
	if !utf8.Valid(raw) {
		return Event{}, fault.T(fault.Internal, "fault.room.scenarioNotStored")
	}
	data := RoomCreatedData{
		RoomID:          p.RoomID,
		Code:            p.Code,
		Mode:            p.Mode,
		VoteMode:        p.VoteMode,
		Seed:            p.Seed,
		Settings:        settings,
		ScenarioID:      sc.ID,
		ScenarioVersion: sc.Version,
		ScenarioHash:    sc.Hash(),
		Scenario:        string(raw),
	}
	return Event{V: EventFormat, Seq: 1, Type: EvRoomCreated, At: now, By: &Principal{Kind: Teacher}, Data: mustJSON(data)}, nil
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic("room: event data does not encode: " + err.Error())
	}
	return b
}
