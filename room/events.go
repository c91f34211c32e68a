package room

import (
	"time"

	"github.com/classroom-debate/debate/economy"
)

// Phase is where a room stands in its game.
type Phase string

// The phases. A played year runs briefing → debate → vote → resolution.
const (
	Lobby      Phase = "lobby"
	Briefing   Phase = "briefing"
	Debate     Phase = "debate"
	Vote       Phase = "vote"
	Resolution Phase = "resolution"
	Debrief    Phase = "debrief"
)

// VoteMode says how votes are counted.
type VoteMode string

const (
	// HistoricalWeights (the default): each faction's weight comes from the scenario's
	// formula on the model's state, shared among the faction's members who voted.
	HistoricalWeights VoteMode = "historical"
	// OneEach: one student, one vote (a counterfactual worth discussing).
	OneEach VoteMode = "oneEach"
)

// Player statuses.
const (
	StatusPending = "pending" // joined while approval is on; waits for the teacher
	StatusActive  = "active"
	StatusRemoved = "removed"
)

// Event types. docs/PROTOCOL.md documents each with an example.
const (
	EvRoomCreated     = "roomCreated"
	EvRoomDeleted     = "roomDeleted"
	EvPlayerJoined    = "playerJoined"
	EvPlayerApproved  = "playerApproved"
	EvPlayerRemoved   = "playerRemoved"
	EvRoleAssigned    = "roleAssigned"
	EvPhaseChanged    = "phaseChanged"
	EvTimerPaused     = "timerPaused"
	EvTimerResumed    = "timerResumed"
	EvTimerExtended   = "timerExtended"
	EvSuspended       = "suspended"
	EvUnsuspended     = "unsuspended"
	EvLockSet         = "lockSet"
	EvJoinApprovalSet = "joinApprovalSet"
	EvHoldPostsSet    = "holdPostsSet"
	EvSettingsChanged = "settingsChanged"
	EvDirectiveSet    = "directiveSet"
	EvEventInjected   = "eventInjected"
	EvAnnounced       = "announced"
	EvArgumentPosted  = "argumentPosted"
	EvReplyPosted     = "replyPosted"
	EvPostApproved    = "postApproved"
	EvPostHidden      = "postHidden"
	EvMarkAdded       = "markAdded"
	EvMarkRemoved     = "markRemoved"
	EvVoteCast        = "voteCast"
	EvActionTaken     = "actionTaken"
	EvVotesClosed     = "votesClosed"
	EvYearResolved    = "yearResolved"
)

// RoomCreatedData starts every room's log. It carries the scenario's raw JSON and hash, so
// a replay and an upgraded server use exactly what the game started with.
type RoomCreatedData struct {
	RoomID          string       `json:"roomId"`
	Code            string       `json:"code"`
	Mode            economy.Mode `json:"mode"`
	VoteMode        VoteMode     `json:"voteMode"`
	Seed            int64        `json:"seed"`
	Settings        Settings     `json:"settings"`
	ScenarioID      string       `json:"scenarioId"`
	ScenarioVersion string       `json:"scenarioVersion,omitempty"`
	ScenarioHash    string       `json:"scenarioHash"`
	// Scenario is the scenario file, byte for byte, as a string: a raw JSON value would be
	// re-encoded and lose the bytes its hash is taken over.
	Scenario string `json:"scenario"`
}

// PlayerData describes a player in playerJoined, playerApproved and roleAssigned.
type PlayerData struct {
	PlayerID string `json:"playerId"`
	Nickname string `json:"nickname"`
	Role     string `json:"role"`
	Region   string `json:"region"`
	Fate     string `json:"fate,omitempty"`
	// Pending is set while the player waits for approval; such an event is seen only by
	// staff and the player.
	Pending bool `json:"pending,omitempty"`
	// Group is the player's small debate group, while the room has groups.
	Group string `json:"group,omitempty"`
}

// PlayerRef names one player.
type PlayerRef struct {
	PlayerID string `json:"playerId"`
}

// PhaseChangedData moves the room to a phase of a year. Deadline is set when the phase
// has a running timer.
type PhaseChangedData struct {
	Year     int        `json:"year"`
	Phase    Phase      `json:"phase"`
	Deadline *time.Time `json:"deadline,omitempty"`
	// Ended is set when the teacher ended the game early.
	Ended bool `json:"ended,omitempty"`
}

// TimerData carries the timer after pause, resume, extend, suspend or unsuspend: a
// deadline when it runs, the remaining time when it is stopped.
type TimerData struct {
	Deadline    *time.Time `json:"deadline,omitempty"`
	RemainingMs int64      `json:"remainingMs,omitempty"`
	Seconds     int        `json:"seconds,omitempty"` // timerExtended: how much was added
}

// FlagData carries an on/off switch (lockSet, joinApprovalSet, holdPostsSet).
type FlagData struct {
	On bool `json:"on"`
}

// SettingsData carries the room's settings after a change.
type SettingsData struct {
	Settings Settings `json:"settings"`
}

// DirectiveData switches a directive on or off (counterfactual rooms).
type DirectiveData struct {
	Directive string `json:"directive"`
	On        bool   `json:"on"`
}

// InjectedData is a scenario shock event the teacher brought into the current year.
type InjectedData struct {
	Year    int    `json:"year"`
	Event   string `json:"event"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
}

// AnnouncedData is the teacher's free-text announcement; it has no effect on the model.
type AnnouncedData struct {
	Text string `json:"text"`
}

// PostData is an argument or a reply. Held posts are seen only by staff and the author
// until a postApproved event carries them to everyone.
type PostData struct {
	ID       string `json:"id"`
	Parent   string `json:"argumentId,omitempty"` // replies: the argument replied to
	PlayerID string `json:"playerId"`
	Nickname string `json:"nickname"`
	Role     string `json:"role"`
	Year     int    `json:"year"`
	Decision string `json:"decision,omitempty"`
	Option   string `json:"option,omitempty"`
	Evidence string `json:"evidence,omitempty"`
	Text     string `json:"text"`
	Held     bool   `json:"held,omitempty"`
	// Filtered: held because the word filter matched (staff and the author see it).
	Filtered bool `json:"filtered,omitempty"`
	// Group and Audience: a post in a small debate group is seen only by the group's
	// members at the time of posting (Audience, player ids) and staff, until promoted.
	Group    string   `json:"group,omitempty"`
	Audience []string `json:"audience,omitempty"`
}

// PostRef names a post (an argument or a reply).
type PostRef struct {
	ID string `json:"id"`
}

// MarkData is a persuasive mark given or withdrawn.
type MarkData struct {
	ArgumentID string `json:"argumentId"`
	PlayerID   string `json:"playerId"`
	// Audience: the argument's group, while it is group-only (see PostData).
	Audience []string `json:"audience,omitempty"`
}

// VoteData is one player's vote on one decision; seen only by staff and the voter.
type VoteData struct {
	PlayerID string `json:"playerId"`
	Decision string `json:"decision"`
	Option   string `json:"option,omitempty"`
	Abstain  bool   `json:"abstain,omitempty"`
}

// ActionData is one player's action this year ("" withdraws it); seen only by staff and
// the player.
type ActionData struct {
	PlayerID string `json:"playerId"`
	Year     int    `json:"year"`
	Action   string `json:"action"`
}

// VotesClosedData carries the public tallies of a year's decisions. Individual votes are
// never in it.
type VotesClosedData struct {
	Year    int      `json:"year"`
	Mode    VoteMode `json:"voteMode"`
	Tallies []Tally  `json:"tallies"`
}

// Tally is the count of one decision.
type Tally struct {
	Decision string        `json:"decision"`
	Options  []OptionTally `json:"options"` // in the scenario's order
	// Voters counts players who chose an option; Abstained those who abstained.
	Voters    int `json:"voters"`
	Abstained int `json:"abstained"`
	// Weights are the faction weights used (historical mode).
	Weights map[economy.Faction]float64 `json:"weights,omitempty"`
	Result  string                      `json:"result"`
	// Tied lists the options that tied for first before the scenario's tie rule chose.
	Tied []string `json:"tied,omitempty"`
	// NoVotes: nobody voted, so the decision took history's option.
	NoVotes bool `json:"noVotes,omitempty"`
	// Historical is the option history took, shown beside the class's.
	Historical string `json:"historical"`
}

// OptionTally is one option's share of a tally. Weight equals Votes in oneEach mode.
type OptionTally struct {
	Option string  `json:"option"`
	Votes  int     `json:"votes"`
	Weight float64 `json:"weight"`
}

// YearResolvedData is a year stepped through the model: the choices record and the outcome.
// Stepped years were not played by the class and took history's choices.
type YearResolvedData struct {
	Year    int                 `json:"year"`
	Stepped bool                `json:"stepped,omitempty"`
	Seed    int64               `json:"seed"`
	Choices economy.YearChoices `json:"choices"`
	Outcome economy.Outcome     `json:"outcome"`
	// Fates lists players whose fate changed as this year resolved.
	Fates []FateData `json:"fates,omitempty"`
}

// FateData is a player's new fate.
type FateData struct {
	PlayerID string `json:"playerId"`
	Fate     string `json:"fate"`
}
