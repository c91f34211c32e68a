package room

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/roles"
)

// The Historian: a present-day historian (a student who opted out of a role, or one more
// for an uneven class) who neither votes nor acts but keeps the debate honest. They ask
// for evidence on an argument (flagClaim), attach evidence cards to someone's argument
// (attachCard) and annotate a resolved year's outcome (annotate). The teacher judges how
// accurately they used the evidence, through the rubric; nothing here is scored.

// The Historian's events.
const (
	EvClaimFlagged  = "claimFlagged"  // public; staff + the group for a group's argument; staff + the historian while held
	EvCardAttached  = "cardAttached"  // public; staff + the group for a group's argument
	EvYearAnnotated = "yearAnnotated" // public; staff + the historian while held
)

// Limits of the Historian's commands (runes for texts).
const (
	MaxFlagNote       = 300
	MaxAnnotation     = 600
	MaxHistorianCards = 3 // cards the historians may attach to one argument, together
)

// ClaimFlagData is a historian's request for evidence on an argument, or its withdrawal.
// Held: the note tripped the word filter, so only staff and the historian see it.
// Audience: the argument's group, while the argument is group-only (see PostData).
type ClaimFlagData struct {
	ArgumentID string   `json:"argumentId"`
	PlayerID   string   `json:"playerId"`
	Note       string   `json:"note,omitempty"`
	Withdrawn  bool     `json:"withdrawn,omitempty"`
	Held       bool     `json:"held,omitempty"`
	Filtered   bool     `json:"filtered,omitempty"`
	Audience   []string `json:"audience,omitempty"`
}

// CardAttachedData is an evidence card a historian attached to an argument, or took off.
type CardAttachedData struct {
	ArgumentID string   `json:"argumentId"`
	PlayerID   string   `json:"playerId"`
	CardID     string   `json:"cardId"`
	Withdrawn  bool     `json:"withdrawn,omitempty"`
	Audience   []string `json:"audience,omitempty"`
}

// AnnotationData is a historian's note on a resolved year's outcome. A historian has one
// note per year: sending another replaces it.
type AnnotationData struct {
	Year     int    `json:"year"`
	PlayerID string `json:"playerId"`
	Text     string `json:"text"`
	Held     bool   `json:"held,omitempty"`
	Filtered bool   `json:"filtered,omitempty"`
}

// historianNotes is the part of the state the Historian's commands keep (inlined in
// core's JSON): flags and cards by argument id, in the order given, and the annotations.
type historianNotes struct {
	Flags       map[string][]FlagView `json:"historianFlags,omitempty"`
	Cards       map[string][]CardView `json:"historianCards,omitempty"`
	Annotations []AnnotationView      `json:"annotations,omitempty"`
}

// FlagView is a historian asking for evidence on an argument ("a historian asks for
// evidence: …"). A held flag is seen by staff and the historian only.
type FlagView struct {
	PlayerID string    `json:"playerId"`
	Note     string    `json:"note,omitempty"`
	Held     bool      `json:"held,omitempty"`
	Filtered bool      `json:"filtered,omitempty"`
	Seq      uint64    `json:"seq"`
	At       time.Time `json:"at"`
}

// CardView is an evidence card a historian attached to an argument. Title is filled in
// the snapshot (clients find the card's text in the card library).
type CardView struct {
	CardID   string    `json:"cardId"`
	Title    string    `json:"title,omitempty"`
	PlayerID string    `json:"playerId"`
	Seq      uint64    `json:"seq"`
	At       time.Time `json:"at"`
}

// AnnotationView is a historian's note on a year's outcome, shown with the year's result.
type AnnotationView struct {
	AnnotationData
	Seq uint64    `json:"seq"`
	At  time.Time `json:"at"`
}

// registerHistorian adds the Historian's commands to the handler table.
func registerHistorian(h map[string]handler) {
	h["flagClaim"] = handler{historianOnly(fault.T(fault.Forbidden, "fault.room.flagClaimHistorianOnly")), decideFlagClaim}
	h["attachCard"] = handler{historianOnly(fault.T(fault.Forbidden, "fault.room.attachCardHistorianOnly")), decideAttachCard}
	h["annotate"] = handler{historianOnly(fault.T(fault.Forbidden, "fault.room.annotateHistorianOnly")), decideAnnotate}
}

// registerHistorianFolds adds the Historian's events to the fold table.
func registerHistorianFolds(f map[string]func(*State, Event) error) {
	f[EvClaimFlagged] = on(foldClaimFlagged)
	f[EvCardAttached] = on(foldCardAttached)
	f[EvYearAnnotated] = on(foldYearAnnotated)
}

// historianOnly admits an active player whose role is the Historian; anyone else gets
// refusal, which tells them kindly what they can do instead.
func historianOnly(refusal *fault.Error) func(*batch) error {
	return func(b *batch) error {
		if err := activePlayer(b); err != nil {
			return err
		}
		if b.me.Role != roles.Historian {
			return refusal
		}
		return nil
	}
}

// inDebate refuses the Historian's work on arguments outside the debate and the vote,
// with the sentence under key (a whole sentence per kind of work, for translations).
func (b *batch) inDebate(key string) error {
	if p := b.s.c.Phase; p != Debate && p != Vote {
		return fault.T(fault.WrongPhase, key)
	}
	return nil
}

// othersArgument finds an argument the historian may work on: one the class (or the
// historian's group) can see, neither held nor hidden, and not their own.
func (b *batch) othersArgument(id string) (*post, error) {
	p, ok := b.s.c.Posts[id]
	if !ok || p.Parent != "" || p.Hidden || p.Held || !p.visibleTo(AudienceOf(b.cmd.By)) {
		return nil, fault.T(fault.NotFound, "fault.room.noSuchArgument")
	}
	if p.PlayerID == b.me.ID {
		return nil, fault.T(fault.Forbidden, "fault.room.historianOwnArgument")
	}
	return p, nil
}

// mayAnnotate refuses a muted historian's new notes (withdrawing stays open).
func (b *batch) mayAnnotate() error {
	if b.me.Muted {
		return fault.T(fault.Forbidden, "fault.room.historianPostingPaused")
	}
	return nil
}

// groupAudience is who sees the Historian's work on an argument still confined to its group.
func groupAudience(p *post) []string {
	if p.groupOnly() {
		return p.Audience
	}
	return nil
}

type flagClaimData struct {
	ArgumentID string `json:"argumentId"`
	Note       string `json:"note"`
	Withdraw   bool   `json:"withdraw"`
}

func decideFlagClaim(b *batch) error {
	d, err := decode[flagClaimData](b)
	if err != nil {
		return err
	}
	if err := b.inDebate("fault.room.flagOnlyInDebateOrVote"); err != nil {
		return err
	}
	arg, err := b.othersArgument(d.ArgumentID)
	if err != nil {
		return err
	}
	var mine *FlagView
	for i, f := range b.s.c.Flags[arg.ID] {
		if f.PlayerID == b.me.ID {
			mine = &b.s.c.Flags[arg.ID][i]
		}
	}
	if d.Withdraw {
		if mine == nil {
			return fault.T(fault.Conflict, "fault.room.notFlagged")
		}
		// The withdrawal reaches whoever saw the flag, and nobody else.
		b.add(EvClaimFlagged, ClaimFlagData{ArgumentID: arg.ID, PlayerID: b.me.ID, Withdrawn: true, Held: mine.Held, Filtered: mine.Filtered, Audience: groupAudience(arg)})
		return nil
	}
	if mine != nil {
		return fault.T(fault.Conflict, "fault.room.alreadyFlagged")
	}
	if err := b.mayAnnotate(); err != nil {
		return err
	}
	note := ""
	if strings.TrimSpace(d.Note) != "" {
		if note, err = cleanText(d.Note, "note", MaxFlagNote); err != nil {
			return err
		}
	}
	held := b.s.filtered(note)
	b.add(EvClaimFlagged, ClaimFlagData{ArgumentID: arg.ID, PlayerID: b.me.ID, Note: note, Held: held, Filtered: held, Audience: groupAudience(arg)})
	return nil
}

type attachCardData struct {
	ArgumentID string `json:"argumentId"`
	CardID     string `json:"cardId"`
	Withdraw   bool   `json:"withdraw"`
}

func decideAttachCard(b *batch) error {
	d, err := decode[attachCardData](b)
	if err != nil {
		return err
	}
	if err := b.inDebate("fault.room.attachOnlyInDebateOrVote"); err != nil {
		return err
	}
	arg, err := b.othersArgument(d.ArgumentID)
	if err != nil {
		return err
	}
	content, err := roles.DefaultContent()
	if err != nil {
		return fault.T(fault.Internal, "fault.room.cardsNotLoaded")
	}
	card, ok := content.Card(d.CardID)
	if !ok {
		return fault.T(fault.NotFound, "fault.room.noSuchCard")
	}
	cards := b.s.c.Cards[arg.ID]
	attachedBy := ""
	for _, c := range cards {
		if c.CardID == card.ID {
			attachedBy = c.PlayerID
		}
	}
	if d.Withdraw {
		switch attachedBy {
		case b.me.ID:
			b.add(EvCardAttached, CardAttachedData{ArgumentID: arg.ID, PlayerID: b.me.ID, CardID: card.ID, Withdrawn: true, Audience: groupAudience(arg)})
			return nil
		case "":
			return fault.T(fault.Conflict, "fault.room.cardNotAttached")
		default:
			return fault.T(fault.Forbidden, "fault.room.cardAttachedByOther")
		}
	}
	switch {
	case attachedBy != "":
		return fault.T(fault.Conflict, "fault.room.cardAlreadyAttached", card.Title)
	case arg.Evidence == card.ID:
		return fault.T(fault.Conflict, "fault.room.cardAlreadyCited", card.Title)
	case len(cards) >= MaxHistorianCards:
		return fault.T(fault.Conflict, "fault.room.argumentCardsFull", MaxHistorianCards)
	}
	if err := b.mayAnnotate(); err != nil {
		return err
	}
	b.add(EvCardAttached, CardAttachedData{ArgumentID: arg.ID, PlayerID: b.me.ID, CardID: card.ID, Audience: groupAudience(arg)})
	return nil
}

type annotateData struct {
	Year int    `json:"year"`
	Text string `json:"text"`
}

func decideAnnotate(b *batch) error {
	d, err := decode[annotateData](b)
	if err != nil {
		return err
	}
	c := &b.s.c
	if c.Phase == Lobby || len(c.Results) == 0 {
		return fault.T(fault.WrongPhase, "fault.room.annotateBeforeFirstResolution")
	}
	if _, ok := b.s.sc.Year(d.Year); !ok {
		return fault.T(fault.NotFound, "fault.room.noSuchYear", d.Year)
	}
	resolved := false
	for _, r := range c.Results {
		resolved = resolved || r.Year == d.Year
	}
	if !resolved {
		return fault.T(fault.WrongPhase, "fault.room.outcomeNotKnownYet", d.Year)
	}
	if err := b.mayAnnotate(); err != nil {
		return err
	}
	text, err := cleanText(d.Text, "annotation", MaxAnnotation)
	if err != nil {
		return err
	}
	held := b.s.filtered(text)
	b.add(EvYearAnnotated, AnnotationData{Year: d.Year, PlayerID: b.me.ID, Text: text, Held: held, Filtered: held})
	return nil
}

func foldClaimFlagged(s *State, e Event, d ClaimFlagData) error {
	if _, ok := s.c.Posts[d.ArgumentID]; !ok {
		return errNoPost(d.ArgumentID)
	}
	flags := removeBy(s.c.Flags[d.ArgumentID], func(f FlagView) bool { return f.PlayerID == d.PlayerID })
	if !d.Withdrawn {
		flags = append(flags, FlagView{PlayerID: d.PlayerID, Note: d.Note, Held: d.Held, Filtered: d.Filtered, Seq: e.Seq, At: e.At})
	}
	if s.c.Flags == nil {
		s.c.Flags = map[string][]FlagView{}
	}
	s.c.Flags[d.ArgumentID] = flags
	if len(flags) == 0 {
		delete(s.c.Flags, d.ArgumentID)
	}
	return nil
}

func foldCardAttached(s *State, e Event, d CardAttachedData) error {
	if _, ok := s.c.Posts[d.ArgumentID]; !ok {
		return errNoPost(d.ArgumentID)
	}
	cards := removeBy(s.c.Cards[d.ArgumentID], func(c CardView) bool { return c.CardID == d.CardID })
	if !d.Withdrawn {
		cards = append(cards, CardView{CardID: d.CardID, PlayerID: d.PlayerID, Seq: e.Seq, At: e.At})
	}
	if s.c.Cards == nil {
		s.c.Cards = map[string][]CardView{}
	}
	s.c.Cards[d.ArgumentID] = cards
	if len(cards) == 0 {
		delete(s.c.Cards, d.ArgumentID)
	}
	return nil
}

func foldYearAnnotated(s *State, e Event, d AnnotationData) error {
	rec := AnnotationView{AnnotationData: d, Seq: e.Seq, At: e.At}
	for i, a := range s.c.Annotations {
		if a.PlayerID == d.PlayerID && a.Year == d.Year {
			s.c.Annotations[i] = rec // a second note replaces the first, in its place
			return nil
		}
	}
	s.c.Annotations = append(s.c.Annotations, rec)
	return nil
}

func errNoPost(id string) error { return fmt.Errorf("no argument %s", id) }

// removeBy returns xs without the elements drop matches, in a new slice.
func removeBy[T any](xs []T, drop func(T) bool) []T {
	var out []T
	for _, x := range xs {
		if !drop(x) {
			out = append(out, x)
		}
	}
	return out
}

// historianVisibility says who sees the Historian's events; false for other events.
func historianVisibility(e Event) (Visibility, bool) {
	public := Visibility{Public: true, Staff: true, Projector: true}
	staffAnd := func(ids ...string) Visibility { return Visibility{Staff: true, Players: ids} }
	var d struct {
		PlayerID string   `json:"playerId"`
		Held     bool     `json:"held"`
		Audience []string `json:"audience"`
	}
	switch e.Type {
	case EvClaimFlagged, EvCardAttached, EvYearAnnotated:
	default:
		return Visibility{}, false
	}
	switch {
	case json.Unmarshal(e.Data, &d) != nil:
		return staffAnd(), true
	case d.Held:
		return staffAnd(d.PlayerID), true
	case len(d.Audience) > 0:
		return staffAnd(d.Audience...), true
	}
	return public, true
}

// historianView adds to a snapshot the flags and cards on the arguments audience a sees,
// and the annotations to the years' results. Held notes are seen by staff and their
// historian only.
func (s *State) historianView(v *View, a Audience) {
	sees := func(held bool, author string) bool {
		return !held || a.Kind == Teacher || a.Kind == Player && a.PlayerID == author
	}
	content, _ := roles.DefaultContent()
	for i := range v.Arguments {
		av := &v.Arguments[i]
		for _, f := range s.c.Flags[av.ID] {
			if sees(f.Held, f.PlayerID) {
				av.Flags = append(av.Flags, f)
			}
		}
		for _, c := range s.c.Cards[av.ID] {
			if content != nil {
				if card, ok := content.Card(c.CardID); ok {
					c.Title = card.Title
				}
			}
			av.Cards = append(av.Cards, c)
		}
	}
	for i := range v.Results {
		for _, n := range s.c.Annotations {
			if n.Year == v.Results[i].Year && sees(n.Held, n.PlayerID) {
				v.Results[i].Annotations = append(v.Results[i].Annotations, n)
			}
		}
	}
}
