package scoring

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/roles"
	"github.com/classroom-debate/debate/room"
)

// Transcript exports the game as Markdown: the debate year by year with the votes and the
// historians' flags, cards and notes, the model's outcome beside history's band, the
// famine by region as ranges, the teacher's announcements and the exit tickets. Posts the teacher hid or never approved are left
// out and counted.
func Transcript(events []room.Event) ([]byte, error) {
	ss, err := fold(events)
	if err != nil {
		return nil, err
	}
	c := DefaultContent()
	var b bytes.Buffer
	v := ss.final
	fmt.Fprintf(&b, "# Transcript of room %s\n\n", md(v.Code))
	fmt.Fprintf(&b, "%s, scenario version %s. Mode: %s. Votes: %s.", md(v.Scenario.Title), md(v.Scenario.Version), v.Mode, voteModeText(v.VoteMode))
	if ss.complete() {
		b.WriteString(" The game was played to the end.\n\n")
	} else if v.Ended {
		b.WriteString(" The teacher ended the game early.\n\n")
	} else {
		b.WriteString(" The game was still in progress when this transcript was made.\n\n")
	}
	b.WriteString("Nicknames only. Famine deaths are given as ranges, because history's own estimates disagree.\n\n")

	b.WriteString("## Players\n\n| Nickname | Role | Home region | Fate at the end |\n|---|---|---|---|\n")
	for _, p := range v.Players {
		if p.Status != room.StatusActive {
			continue
		}
		nick := md(p.Nickname)
		if m := ss.members[p.ID]; len(m) > 0 {
			nick += " (" + md(strings.Join(m, ", ")) + ")"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", cellMD(nick), roleName(p.Role), regionName(c, p.Region), fateText(p.Fate))
	}
	b.WriteString("\n")

	fam := c.famineYears(ss)
	path := c.path(ss)
	for i, snap := range ss.years {
		writeYear(&b, ss, c, &snap, fam[i], path)
	}
	if ph := v.Phase; !ss.complete() && ph != room.Lobby && ph != room.Debrief {
		fmt.Fprintf(&b, "## %d (in progress: %s)\n\n", v.Year, ph)
		writePosts(&b, ss, v.Year)
	}
	if rs := reflections(ss); len(rs) > 0 {
		b.WriteString("## Exit tickets\n\n")
		for _, r := range rs {
			fmt.Fprintf(&b, "**%s**, lesson %d:\n\n", md(r.Nickname), r.Lesson)
			for k, a := range r.Answers {
				q := ""
				if k < len(r.Prompts) {
					q = "*" + md(r.Prompts[k]) + "* "
				}
				ans := quoteInline(a)
				if ans == "" {
					ans = "(no answer)"
				}
				fmt.Fprintf(&b, "- %s%s\n", q, ans)
			}
			if r.Flagged {
				b.WriteString("- *(flagged by the word filter)*\n")
			}
			b.WriteString("\n")
		}
	}
	return b.Bytes(), nil
}

func writeYear(b *bytes.Buffer, ss *session, c *Content, snap *yearSnap, fam FamineYear, path []PathRow) {
	yr, _ := ss.sc.Year(snap.Year)
	title := ""
	if yr != nil {
		title = ": " + md(yr.Title)
	}
	fmt.Fprintf(b, "## %d%s\n\n", snap.Year, title)
	if snap.Stepped {
		b.WriteString("*Not played by the class: the model stepped this year with history's choices.*\n\n")
	}
	if yr != nil && len(yr.Directives) > 0 {
		b.WriteString("### Moscow's directives\n\n")
		for _, d := range yr.Directives {
			state := "in force"
			if on, set := snap.Result.Choices.Directives[d.ID]; set && !on {
				state = "switched off by the teacher"
			}
			fmt.Fprintf(b, "- %s (%s): %s\n", md(d.Title), md(d.Date), state)
		}
		b.WriteString("\n")
	}
	if yr != nil && len(snap.Result.Choices.Events) > 0 {
		b.WriteString("### Events brought in by the teacher\n\n")
		for _, id := range snap.Result.Choices.Events {
			for _, e := range yr.Events {
				if e.ID == id {
					fmt.Fprintf(b, "- %s: %s\n", md(e.Title), md(e.Summary))
				}
			}
		}
		b.WriteString("\n")
	}
	for _, a := range ss.final.Announcements {
		if a.Year == snap.Year {
			fmt.Fprintf(b, "> Teacher: %s\n\n", quoteInline(a.Text))
		}
	}
	if !snap.Stepped {
		b.WriteString("### Debate\n\n")
		writePosts(b, ss, snap.Year)
	}
	if len(snap.Result.Tallies) > 0 && yr != nil {
		b.WriteString("### Vote\n\n| Decision | Options (votes, weight) | Result | History chose |\n|---|---|---|---|\n")
		for _, t := range snap.Result.Tallies {
			d, ok := yr.Decision(t.Decision)
			if !ok {
				continue
			}
			var opts []string
			for _, o := range t.Options {
				opts = append(opts, fmt.Sprintf("%s: %d, %s", optionLabel(d, o.Option), o.Votes, strconv.FormatFloat(o.Weight, 'f', 2, 64)))
			}
			result := optionLabel(d, t.Result)
			switch {
			case t.NoVotes:
				result += " (no votes: history's option)"
			case len(t.Tied) > 0:
				result += " (a tie, broken towards the milder option)"
			}
			fmt.Fprintf(b, "| %s | %s | %s | %s |\n", cellMD(md(d.Title)), cellMD(strings.Join(opts, "; ")), cellMD(result), cellMD(optionLabel(d, t.Historical)))
		}
		b.WriteString("\n")
	} else if yr != nil && snap.Stepped {
		b.WriteString("### History's choices\n\n")
		for _, d := range yr.Decisions {
			fmt.Fprintf(b, "- %s: %s\n", md(d.Title), optionLabel(&d, snap.Result.Choices.Decisions[d.ID]))
		}
		b.WriteString("\n")
	}
	b.WriteString("### Outcome\n\n")
	for _, row := range path {
		if row.Year != snap.Year || len(row.Span) > 0 {
			continue
		}
		qc, _ := c.quantity(row.Quantity)
		fmt.Fprintf(b, "- %s: %s (history: %s)\n", md(row.Label), classFigure(row, qc), bandText(row.History, qc))
	}
	for _, n := range snap.Result.Outcome.Notes {
		fmt.Fprintf(b, "- %s\n", md(n))
	}
	b.WriteString("\n")
	b.WriteString("### Famine deaths by region\n\n")
	any := false
	for _, r := range fam.Regions {
		if r.Famine == "" {
			continue
		}
		any = true
		fmt.Fprintf(b, "- %s, %s: %s\n", capitalise(r.Name), r.Famine, r.Range.Text)
	}
	if !any {
		b.WriteString("- The model shows no famine this year (fewer than 10,000 deaths in every region).\n")
	}
	fmt.Fprintf(b, "- The whole USSR: %s\n\n", fam.USSR.Text)
	for _, a := range fam.Accounts {
		fmt.Fprintf(b, "**%s** *(%s)*\n\n%s\n\nReal testimony: %s.\n\n", md(a.Title), md(a.Label), md(a.Text), md(strings.Join(a.Testimony, "; ")))
	}
	writeAnnotations(b, ss, snap.Year)
}

// writeHistorianNotes lists under an argument the historians' requests for evidence and
// the cards they attached, and returns how many lines it wrote. Notes the word filter
// held are left out, like held posts.
func writeHistorianNotes(b *bytes.Buffer, ss *session, a room.ArgumentView) int {
	n := 0
	for _, f := range a.Flags {
		if f.Held {
			continue
		}
		n++
		who := md(nickname(ss, f.PlayerID, f.PlayerID))
		if f.Note == "" {
			fmt.Fprintf(b, "- *A historian (%s) asks for evidence.*\n", who)
		} else {
			fmt.Fprintf(b, "- *A historian (%s) asks for evidence:* %s\n", who, quoteInline(f.Note))
		}
	}
	for _, c := range a.Cards {
		n++
		title := c.Title
		if title == "" {
			title = c.CardID
		}
		fmt.Fprintf(b, "- *A historian (%s) attached the evidence card* %s (`%s`)\n", md(nickname(ss, c.PlayerID, c.PlayerID)), md(title), strings.ReplaceAll(c.CardID, "`", "'"))
	}
	return n
}

// writeAnnotations writes the historians' notes on a year's outcome (held notes left out).
func writeAnnotations(b *bytes.Buffer, ss *session, year int) {
	var notes []room.AnnotationView
	for _, r := range ss.final.Results {
		for _, n := range r.Annotations {
			if r.Year == year && !n.Held {
				notes = append(notes, n)
			}
		}
	}
	if len(notes) == 0 {
		return
	}
	b.WriteString("### Historians' notes\n\n")
	for _, n := range notes {
		fmt.Fprintf(b, "- **%s** (Historian): %s\n", md(nickname(ss, n.PlayerID, n.PlayerID)), quoteInline(n.Text))
	}
	b.WriteString("\n")
}

// writePosts writes a year's visible arguments with their replies.
func writePosts(b *bytes.Buffer, ss *session, year int) {
	yr, _ := ss.sc.Year(year)
	left := 0
	n := 0
	for _, a := range ss.final.Arguments {
		if a.Year != year {
			continue
		}
		if a.Hidden || a.Held {
			left += 1 + len(a.Replies)
			continue
		}
		n++
		stance := md(a.Option)
		if yr != nil {
			if d, ok := yr.Decision(a.Decision); ok {
				stance = md(d.Title) + ": " + optionLabel(d, a.Option)
			}
		}
		fmt.Fprintf(b, "**%s** (%s) argued for *%s*", md(nickname(ss, a.PlayerID, a.Nickname)), roleName(a.Role), stance)
		if a.Evidence != "" {
			// Cited by its title, as the students saw it; the id too, for finding it.
			if title := cardTitle(a.Evidence); title != "" {
				fmt.Fprintf(b, ", citing the evidence card *%s* (`%s`)", md(title), strings.ReplaceAll(a.Evidence, "`", "'"))
			} else {
				fmt.Fprintf(b, ", citing evidence card `%s`", strings.ReplaceAll(a.Evidence, "`", "'"))
			}
		}
		if a.Marks > 0 {
			fmt.Fprintf(b, "; %d persuasive %s", a.Marks, plural(a.Marks, "mark", "marks"))
		}
		b.WriteString(":\n\n")
		b.WriteString(quoteBlock(a.Text))
		b.WriteString("\n")
		notes := writeHistorianNotes(b, ss, a)
		for _, r := range a.Replies {
			if r.Hidden || r.Held {
				left++
				continue
			}
			fmt.Fprintf(b, "- **%s** (%s) replied: %s\n", md(nickname(ss, r.PlayerID, r.Nickname)), roleName(r.Role), quoteInline(r.Text))
		}
		if len(a.Replies) > 0 || notes > 0 {
			b.WriteString("\n")
		}
	}
	if n == 0 {
		b.WriteString("No arguments were posted.\n\n")
	}
	if left > 0 {
		fmt.Fprintf(b, "*%d %s hidden or held by the teacher %s not shown.*\n\n", left, plural(left, "post", "posts"), plural(left, "is", "are"))
	}
}

// nickname is a player's nickname now (the teacher may have renamed them since they
// posted), or the one on the post.
func nickname(ss *session, id, posted string) string {
	for _, p := range ss.final.Players {
		if p.ID == id {
			return p.Nickname
		}
	}
	return posted
}

func classFigure(row PathRow, qc QuantityContent) string {
	if row.ClassRange != nil {
		return row.ClassRange.Text + " (model, as a range)"
	}
	if row.Class == nil {
		return "–"
	}
	if qc.Unit == "%" {
		return num(*row.Class, qc.Decimals) + "%"
	}
	return num(*row.Class, qc.Decimals) + " " + qc.Unit
}

func bandText(h HistoryBand, qc QuantityContent) string {
	if h.Low == h.High {
		return num(h.Low, qc.Decimals)
	}
	return num(h.Low, qc.Decimals) + "–" + num(h.High, qc.Decimals)
}

func num(x float64, dec int) string { return strconv.FormatFloat(x, 'f', dec, 64) }

func optionLabel(d *economy.Decision, id string) string {
	if o, _, ok := d.Option(id); ok {
		return md(o.Label)
	}
	return md(id)
}

func voteModeText(m room.VoteMode) string {
	if m == room.OneEach {
		return "one student, one vote (counterfactual)"
	}
	return "historical weights"
}

var roleNames = map[string]string{
	"official": "party official", "peasant": "peasant", "kulak": "household labelled \"kulak\"",
	"bukharinite": "Bukharin faction", "historian": "Historian",
}

func roleName(id string) string {
	if n, ok := roleNames[id]; ok {
		return n
	}
	return md(id)
}

var fateNames = map[string]string{
	"free": "on their land", "settler": "special settler", "inOffice": "in office", "purged": "purged",
	"demoted": "demoted", "recanted": "recanted", "organising": "organising in secret",
}

func fateText(f string) string {
	if f == "" {
		return "–"
	}
	if n, ok := fateNames[f]; ok {
		return n
	}
	return md(f)
}

func regionName(c *Content, id string) string {
	if rc, ok := c.Famine.Regions[id]; ok {
		return capitalise(rc.Name)
	}
	return md(id)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// md escapes the characters Markdown would read as markup or HTML in a student's text.
func md(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_[]<>#|~", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// cellMD keeps a table cell on one line.
func cellMD(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "\r", ""), "\n", " ") }

// quoteBlock writes a text as a Markdown block quote.
func quoteBlock(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(strings.ReplaceAll(s, "\r", ""), "\n") {
		b.WriteString("> " + md(line) + "\n")
	}
	return b.String()
}

// quoteInline keeps a text on one line.
func quoteInline(s string) string {
	return md(strings.Join(strings.Fields(s), " "))
}

// cardTitle is an evidence card's title in the project's card library, or "" for an id
// it does not hold.
func cardTitle(id string) string {
	content, err := roles.DefaultContent()
	if err != nil {
		return ""
	}
	if card, ok := content.Card(id); ok {
		return card.Title
	}
	return ""
}
