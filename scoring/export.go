package scoring

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/room"
)

// Exports are pure functions from a room's log to bytes. The transport serves them to the
// teacher and co-teacher only. They hold nicknames and nothing else about a student: no
// IP address, no user agent, no out-of-role flags.

// Kind names an export; it decides the file's extension.
type Kind string

const (
	KindGradebook  Kind = "csv"          // one row per student
	KindLog        Kind = "log.json"     // the full event log
	KindTranscript Kind = "md"           // the debate year by year
	KindChoices    Kind = "choices.json" // the choices record for `debate simulate --choices`
	KindFinal      Kind = "final.json"   // the final state and scores, as `debate replay` prints them
	KindDebrief    Kind = "debrief.json" // the debrief
)

// FileName names an export by the room's code and the day: "ABCD-2026-11-25.csv".
// Anything but letters, digits and hyphens is dropped from the code.
func FileName(code string, day time.Time, k Kind) string {
	var b strings.Builder
	for _, r := range code {
		if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			b.WriteRune(r)
		}
	}
	name := b.String()
	if name == "" {
		name = "room"
	}
	return name + "-" + day.Format("2006-01-02") + "." + string(k)
}

// LogFormat is the version of the exported event log.
const LogFormat = 1

// LogKind marks a file as a room's exported event log.
const LogKind = "classroom-debate/room-log"

// LogFile is the exported event log: every event of the room, as stored, with the
// format versions needed to read it back.
type LogFile struct {
	Format      int          `json:"format"`
	Kind        string       `json:"kind"`
	RoomID      string       `json:"roomId"`
	Code        string       `json:"code"`
	EventFormat int          `json:"eventFormat"`
	Events      []room.Event `json:"events"`
}

// EventLog exports the full log. It checks that the log folds first, so a corrupt log is
// never exported as if it were sound. One event per line keeps the file diffable.
func EventLog(events []room.Event) ([]byte, error) {
	ss, err := fold(events)
	if err != nil {
		return nil, err
	}
	head, err := json.Marshal(struct {
		Format      int    `json:"format"`
		Kind        string `json:"kind"`
		RoomID      string `json:"roomId"`
		Code        string `json:"code"`
		EventFormat int    `json:"eventFormat"`
	}{LogFormat, LogKind, ss.final.RoomID, ss.final.Code, room.EventFormat})
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.Write(head[:len(head)-1])
	b.WriteString(`,"events":[`)
	for i, e := range events {
		line, err := json.Marshal(e)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n")
		b.Write(line)
	}
	b.WriteString("\n]}\n")
	return b.Bytes(), nil
}

// ReadEventLog reads an exported log strictly and checks it: the format, the kind, and
// that its events fold from the first without a gap. Errors are *fault.Error (Invalid)
// with a sentence saying what is wrong with the file.
func ReadEventLog(data []byte) (*LogFile, error) {
	var lf LogFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&lf); err != nil {
		return nil, fault.T(fault.Invalid, "fault.scoring.notALog", err)
	}
	if dec.More() {
		return nil, fault.T(fault.Invalid, "fault.scoring.extraDataAfterLog")
	}
	switch {
	case lf.Kind != LogKind:
		return nil, fault.T(fault.Invalid, "fault.scoring.wrongLogKind", lf.Kind, LogKind)
	case lf.Format < 1 || lf.Format > LogFormat:
		return nil, fault.T(fault.Invalid, "fault.scoring.logFormatUnsupported", lf.Format, LogFormat)
	case lf.EventFormat > room.EventFormat:
		return nil, fault.T(fault.Invalid, "fault.scoring.eventFormatTooNew", lf.EventFormat, room.EventFormat)
	case len(lf.Events) == 0:
		return nil, fault.T(fault.Invalid, "fault.scoring.logWithoutEvents")
	}
	ss, err := fold(lf.Events)
	if err != nil {
		return nil, fault.T(fault.Invalid, "fault.scoring.logDoesNotReplay", err)
	}
	if ss.final.RoomID != lf.RoomID || ss.final.Code != lf.Code {
		return nil, fault.T(fault.Invalid, "fault.scoring.logRoomMismatch", lf.RoomID, lf.Code, ss.final.RoomID, ss.final.Code)
	}
	return &lf, nil
}

// FinalFormat is the version of the final-state export.
const FinalFormat = 1

// Final is the room's final state with its scores and the teacher's assessment: what the
// live room exports and what `debate replay` prints, byte for byte.
type Final struct {
	Format     int             `json:"format"`
	Seq        uint64          `json:"seq"`
	State      json.RawMessage `json:"state"`
	Scores     *Report         `json:"scores"`
	Assessment *Assessment     `json:"assessment"`
}

// FinalJSON folds the log and encodes the final state and scores.
func FinalJSON(events []room.Event) ([]byte, error) {
	ss, err := fold(events)
	if err != nil {
		return nil, err
	}
	st, err := json.Marshal(ss.state)
	if err != nil {
		return nil, err
	}
	f := Final{Format: FinalFormat, Seq: ss.state.Seq(), State: st, Scores: DefaultRules().report(ss), Assessment: ss.assessment()}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// ChoicesJSON exports the game's choices record: `debate simulate --choices FILE`
// steps the model through it to the outcomes the debrief shows.
func ChoicesJSON(events []room.Event) ([]byte, error) {
	ss, err := fold(events)
	if err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(ss.state.Record(), "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// DebriefJSON exports the debrief.
func DebriefJSON(events []room.Event) ([]byte, error) {
	d, err := Debrief(events)
	if err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Gradebook exports one CSV row per student (a group player is one row that lists its
// members): role, the teacher's rubric scores and notes, the debate counts, the
// Historian's flags, cards attached and annotations, peer marks received and given (apart
// from the teacher's columns), votes, actions and exit-ticket answers, and last, apart
// from the rubric, the game's scores (FromEvents): a role's result measures history's
// outcome for the people played, not the student's work, so the columns say "game:" and
// a role the teacher judges (the Historian) has no machine total. Players who never got
// past approval are left out.
func Gradebook(events []room.Event) ([]byte, error) {
	ss, err := fold(events)
	if err != nil {
		return nil, err
	}
	as := ss.assessment()
	game := map[string]PlayerScore{}
	for _, ps := range DefaultRules().report(ss).Players {
		game[ps.PlayerID] = ps
	}
	head := []string{"nickname", "members", "role", "home region", "fate", "status"}
	for _, c := range as.Rubric {
		head = append(head, fmt.Sprintf("teacher: %s (/%d)", c.Label, c.Max))
	}
	head = append(head, "teacher: notes",
		"arguments", "replies", "evidence cited",
		"historian: flags", "historian: cards attached", "historian: annotations",
		"peer marks received (own role)", "peer marks received (other roles)", "peer marks given",
		"votes cast", "abstentions", "actions taken", "actions",
		"exit tickets", "exit ticket flagged",
		"game: years scored", "game: role result", "game: debate points", "game: total")
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.Write(head); err != nil {
		return nil, err
	}
	act := activity(ss)
	tickets := reflections(ss)
	for _, pa := range as.Players {
		p := playerInfo(ss, pa.PlayerID)
		a := act[pa.PlayerID]
		row := []string{cell(p.Nickname), cell(strings.Join(pa.Members, "; ")), plainRole(p.Role), plainRegion(p.Region), plainFate(p.Fate), p.Status}
		var notes []string
		for _, c := range pa.Criteria {
			v := ""
			if c.Score != nil {
				v = strconv.FormatFloat(*c.Score, 'f', -1, 64)
			}
			row = append(row, v)
			for _, n := range c.Notes {
				notes = append(notes, c.Label+": "+n)
			}
		}
		var answers []string
		flagged := ""
		for _, t := range tickets {
			if t.PlayerID != pa.PlayerID {
				continue
			}
			var said []string
			for _, a := range t.Answers {
				if strings.TrimSpace(a) != "" {
					said = append(said, a)
				}
			}
			answers = append(answers, fmt.Sprintf("Lesson %d: %s", t.Lesson, strings.Join(said, " / ")))
			if t.Flagged {
				flagged = "yes"
			}
		}
		row = append(row, cell(strings.Join(notes, " | ")),
			itoa(a.arguments), itoa(a.replies), itoa(a.evidence),
			a.historian(p.Role, a.flags), a.historian(p.Role, a.cards), a.historian(p.Role, a.annotations),
			itoa(a.marksSame), itoa(a.marksOther), itoa(a.marksGiven),
			itoa(a.votes), itoa(a.abstentions), itoa(len(a.actions)), cell(strings.Join(a.actions, "; ")),
			cell(strings.Join(answers, " | ")), flagged)
		row = append(row, gameCells(game[pa.PlayerID])...)
		if err := w.Write(row); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

// gameCells are a player's game scores for the gradebook: blank where nothing was scored,
// and no role result or total for a role the teacher judges.
func gameCells(ps PlayerScore) []string {
	if ps.Years == 0 {
		return []string{"0", "", "", ""}
	}
	num := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	if ps.TeacherJudged {
		return []string{itoa(ps.Years), "", num(ps.DebatePoints), ""}
	}
	return []string{itoa(ps.Years), num(ps.RoleResult), num(ps.DebatePoints), num(ps.Total)}
}

// cell defuses a text that a spreadsheet would read as a formula.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func itoa(n int) string { return strconv.Itoa(n) }

// historian is a count of the Historian's work, left blank for a player who never did any
// and is not a Historian.
func (a *playerActivity) historian(role string, n int) string {
	if role != "historian" && a.flags+a.cards+a.annotations == 0 {
		return ""
	}
	return itoa(n)
}

func playerInfo(ss *session, id string) room.PlayerInfo {
	for _, p := range ss.final.Players {
		if p.ID == id {
			return p
		}
	}
	return room.PlayerInfo{ID: id}
}

// playerActivity counts what a player did over the game, from the final state: visible
// posts, peer marks, votes in force and actions in force, and a Historian's flags, cards
// and annotations in force (on visible arguments; held notes left out).
type playerActivity struct {
	arguments, replies, evidence      int
	flags, cards, annotations         int
	marksSame, marksOther, marksGiven int
	votes, abstentions                int
	actions                           []string // "1928 Petition the authorities"
}

func activity(ss *session) map[string]*playerActivity {
	out := map[string]*playerActivity{}
	roleOf := map[string]string{}
	for _, p := range ss.final.Players {
		out[p.ID] = &playerActivity{}
		roleOf[p.ID] = p.Role
	}
	get := func(id string) *playerActivity {
		if out[id] == nil {
			out[id] = &playerActivity{}
		}
		return out[id]
	}
	for _, a := range ss.final.Arguments {
		if a.Hidden || a.Held {
			continue
		}
		pa := get(a.PlayerID)
		pa.arguments++
		if a.Evidence != "" {
			pa.evidence++
		}
		for _, m := range a.MarkedBy {
			get(m).marksGiven++
			if roleOf[m] == roleOf[a.PlayerID] {
				pa.marksSame++
			} else {
				pa.marksOther++
			}
		}
		for _, r := range a.Replies {
			if !r.Hidden && !r.Held {
				get(r.PlayerID).replies++
			}
		}
		for _, f := range a.Flags {
			if !f.Held {
				get(f.PlayerID).flags++
			}
		}
		for _, c := range a.Cards {
			get(c.PlayerID).cards++
		}
	}
	for _, r := range ss.final.Results {
		for _, n := range r.Annotations {
			if !n.Held {
				get(n.PlayerID).annotations++
			}
		}
	}
	for _, k := range sortedVoteKeys(ss.votes) {
		v := ss.votes[k]
		if v.Abstain {
			get(k.Player).abstentions++
		} else {
			get(k.Player).votes++
		}
	}
	titles := map[string]string{}
	for _, a := range ss.sc.Catalogue {
		titles[a.ID] = a.Title
	}
	for _, k := range sortedActKeys(ss.actions) {
		id := ss.actions[k]
		t := titles[id]
		if t == "" {
			t = id
		}
		pa := get(k.Player)
		pa.actions = append(pa.actions, fmt.Sprintf("%d %s", k.Year, t))
	}
	return out
}

func sortedVoteKeys(m map[voteKey]room.VoteData) []voteKey {
	ks := make([]voteKey, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool {
		a, b := ks[i], ks[j]
		if a.Player != b.Player {
			return a.Player < b.Player
		}
		if a.Year != b.Year {
			return a.Year < b.Year
		}
		return a.Decision < b.Decision
	})
	return ks
}

func sortedActKeys(m map[actKey]string) []actKey {
	ks := make([]actKey, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool {
		if ks[i].Player != ks[j].Player {
			return ks[i].Player < ks[j].Player
		}
		return ks[i].Year < ks[j].Year
	})
	return ks
}

// plainRole, plainRegion and plainFate name things in words for a spreadsheet.
func plainRole(id string) string {
	if n, ok := roleNames[id]; ok {
		return n
	}
	return id
}

func plainRegion(id string) string {
	if rc, ok := DefaultContent().Famine.Regions[id]; ok {
		return capitalise(rc.Name)
	}
	return id
}

func plainFate(f string) string {
	if n, ok := fateNames[f]; ok {
		return n
	}
	return f
}
