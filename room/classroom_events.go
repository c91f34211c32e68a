package room

import "github.com/classroom-debate/debate/economy"

// The classroom's events: assignment, lessons, moderation and the year's private record.
// docs/PROTOCOL.md documents each with an example.
const (
	EvLessonEnded      = "lessonEnded"        // public
	EvExitTicket       = "exitTicketAnswered" // staff + the player
	EvRejoinIssued     = "rejoinIssued"       // staff
	EvFilterWordsSet   = "filterWordsSet"     // staff
	EvPostReported     = "postReported"       // staff + the reporter
	EvPostSpotlit      = "postSpotlit"        // public
	EvPlayerMuted      = "playerMuted"        // staff + the player
	EvPlayerRenamed    = "playerRenamed"      // public (staff + the player while pending)
	EvGroupMembersSet  = "groupMembersSet"    // staff + the player
	EvGroupsSet        = "groupsSet"          // public
	EvPostPromoted     = "postPromoted"       // public
	EvContentNoteShown = "contentNoteShown"   // public
	EvSteppedOut       = "steppedOut"         // staff + the player
	EvYearActions      = "yearActions"        // staff
)

// Limits of the classroom commands (runes for texts).
const (
	defaultGroupSize     = 4
	maxGroupSize         = 15
	MaxGroupMemberName   = 40
	MaxGroupMembers      = 4
	MaxExitAnswer        = 1000
	MaxReportReason      = 300
	MaxFilterWord        = 40
	MaxFilterWords       = 200 // the teacher's list
	maxFilterWordsPerCmd = 50
)

// Assignment modes (Settings.Assignment).
const (
	AssignAuto   = "auto"   // the server balances roles as players join
	AssignChoice = "choice" // players choose in the lobby, under the plan's caps
)

// Group modes for small-group debate (setGroups).
const (
	GroupsNone     = "none"
	GroupsFaction  = "faction"
	GroupsVillages = "villages"
)

// LessonEndedData ends a lesson: the phase that was running closed, everyone steps out of
// role (View.Derole) and answers the exit ticket. Final is set when the game is over;
// otherwise the room is on hold until the next lesson (a suspended event comes first).
type LessonEndedData struct {
	Lesson  int      `json:"lesson"`
	Year    int      `json:"year"`
	Phase   Phase    `json:"phase"` // where the room will resume
	Final   bool     `json:"final,omitempty"`
	Auto    bool     `json:"auto,omitempty"` // the lesson plan's boundary, not the teacher's button
	Prompts []Prompt `json:"prompts"`
	Recap   Recap    `json:"recap"`
}

// Prompt is one reflection prompt of an exit ticket. ID is its message id (a key of the
// i18n catalogue); Text is that message in the default language, kept in the event so
// that exports and old logs read on their own.
type Prompt struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// ExitTicketData is one player's answers to the exit ticket of a lesson. Flagged is set
// when the word filter matched: the answers are kept, and the teacher sees the flag.
type ExitTicketData struct {
	PlayerID string   `json:"playerId"`
	Lesson   int      `json:"lesson"`
	Answers  []string `json:"answers"`
	Flagged  bool     `json:"flagged,omitempty"`
}

// UnsuspendedData resumes the game, with a recap. NewLesson is set when the lesson had
// ended (lessonEnded): Lesson then counts the new one.
type UnsuspendedData struct {
	TimerData
	Lesson    int    `json:"lesson,omitempty"`
	NewLesson bool   `json:"newLesson,omitempty"`
	Recap     *Recap `json:"recap,omitempty"`
}

// RejoinData records that a rejoin code was issued for a player: its generation, never
// the code (the engine keeps only the code's hash, in its credentials store).
type RejoinData struct {
	PlayerID   string `json:"playerId"`
	Generation int    `json:"generation"`
}

// FilterWordsData is the teacher's part of the word filter after a change: words added to
// the built-in list, and built-in words switched off.
type FilterWordsData struct {
	Words   []string `json:"words"`
	Allowed []string `json:"allowed"`
}

// ReportData is a player's report of a post to the teacher.
type ReportData struct {
	ArgumentID string `json:"argumentId"`
	PlayerID   string `json:"playerId"`
	Reason     string `json:"reason,omitempty"`
}

// SpotlightData puts an argument in the spotlight or takes it out.
type SpotlightData struct {
	ArgumentID string `json:"argumentId"`
	On         bool   `json:"on"`
}

// PlayerFlagData switches a flag of one player (playerMuted, steppedOut).
type PlayerFlagData struct {
	PlayerID string `json:"playerId"`
	On       bool   `json:"on"`
}

// RenameData is a player's new nickname.
type RenameData struct {
	PlayerID string `json:"playerId"`
	Nickname string `json:"nickname"`
	Pending  bool   `json:"pending,omitempty"`
}

// GroupMembersData lists the students sharing one device (a group player), for
// assessment. An empty list makes it a single player again.
type GroupMembersData struct {
	PlayerID string   `json:"playerId"`
	Members  []string `json:"members"`
}

// GroupsData sets the small debate groups: every player's group, by id.
type GroupsData struct {
	Mode   string            `json:"mode"`
	Size   int               `json:"size,omitempty"`
	Groups map[string]string `json:"groups,omitempty"` // player id → group id
}

// PromotedData carries a group's argument and its visible replies to the whole class.
type PromotedData struct {
	Argument PostData   `json:"argument"`
	Replies  []PostData `json:"replies,omitempty"`
}

// YearActionsData is the private part of a resolved year, seen by staff only: the share
// of each faction and region that took each action (which in a small class names
// individual players' actions), the settlers' testimony counts and the purges with their
// reasons. It comes just before the public yearResolved, whose choices leave the actions
// out; the state keeps the full record (Record()).
type YearActionsData struct {
	Year     int                                                         `json:"year"`
	Actions  map[economy.Faction]map[economy.RegionID]map[string]float64 `json:"actions,omitempty"`
	Settlers *SettlerVoices                                              `json:"settlers,omitempty"`
	Taken    map[string]string                                           `json:"taken,omitempty"` // player → action, played years
	Purges   []PurgeData                                                 `json:"purges,omitempty"`
}

// SettlerVoices counts what the special settlers did in a year, for the next briefings.
type SettlerVoices struct {
	Settlers  int `json:"settlers"`
	Reports   int `json:"reports"`
	Letters   int `json:"letters"`
	Petitions int `json:"petitions"`
}

// PurgeData says why an official lost the post (staff only: a reason can reveal an action).
type PurgeData struct {
	PlayerID string   `json:"playerId"`
	Reasons  []string `json:"reasons"`
}
