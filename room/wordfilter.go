package room

import (
	_ "embed"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/classroom-debate/debate/fault"
)

// The word filter: a built-in list (data/wordfilter.txt) that the teacher extends per
// room. It checks nicknames (refused: bad_nickname), group members' names (refused:
// invalid), arguments and replies (held for the teacher, even with holding off: a
// classroom is better served by the teacher's judgement than by a bounced post) and exit
// tickets (kept, flagged for the teacher: they are private already).

//go:embed data/wordfilter.txt
var builtinWordsFile string

// builtinWords are the built-in entries, normalised, in file order.
var builtinWords = parseWordList(builtinWordsFile)

func parseWordList(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if w := normalizeEntry(line); w != "" {
			out = append(out, w)
		}
	}
	return out
}

// leet undoes simple leetspeak; '1' is tried as both i and l.
var leet = map[rune]rune{'0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', '$': 's'}

// wordRune reports whether r belongs to a word for the filter: letters, digits and the
// symbols leetspeak uses for letters.
func wordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '@' || r == '$' }

// tokens splits text into the filter's words, lower-cased with leetspeak undone. Each
// word comes with its variant reading '1' as 'l' (the same when it has no '1').
func tokens(text string) [][2]string {
	var out [][2]string
	for _, f := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !wordRune(r) }) {
		var a, b strings.Builder
		for _, r := range f {
			if m, ok := leet[r]; ok {
				a.WriteRune(m)
				if r == '1' {
					m = 'l'
				}
				b.WriteRune(m)
				continue
			}
			a.WriteRune(r)
			b.WriteRune(r)
		}
		out = append(out, [2]string{a.String(), b.String()})
	}
	return out
}

// normalizeEntry turns a list entry into its matching form: lower-case words, leetspeak
// undone, joined by single spaces, with a trailing * kept.
func normalizeEntry(entry string) string {
	star := strings.HasSuffix(strings.TrimSpace(entry), "*")
	var words []string
	for _, t := range tokens(strings.TrimSuffix(strings.TrimSpace(entry), "*")) {
		words = append(words, t[0])
	}
	if len(words) == 0 {
		return ""
	}
	w := strings.Join(words, " ")
	if star {
		w += "*"
	}
	return w
}

// filterMatch returns the first entry of the list that text contains, "" for none.
func filterMatch(text string, list []string) string {
	toks := tokens(text)
	for _, entry := range list {
		prefix := strings.HasSuffix(entry, "*")
		words := strings.Split(strings.TrimSuffix(entry, "*"), " ")
		for i := 0; i+len(words) <= len(toks); i++ {
			ok := true
			for j, w := range words {
				last := prefix && j == len(words)-1
				if !wordMatches(toks[i+j], w, last) {
					ok = false
					break
				}
			}
			if ok {
				return entry
			}
		}
	}
	return ""
}

func wordMatches(tok [2]string, w string, prefix bool) bool {
	for _, t := range tok {
		if t == w || prefix && strings.HasPrefix(t, w) {
			return true
		}
	}
	return false
}

// filterList is the room's filter: the built-in entries the teacher has not switched
// off, then the teacher's own.
func (s *State) filterList() []string {
	off := map[string]bool{}
	for _, w := range s.c.FilterAllowed {
		off[w] = true
	}
	var out []string
	for _, w := range builtinWords {
		if !off[w] {
			out = append(out, w)
		}
	}
	return append(out, s.c.FilterWords...)
}

// filtered reports whether text trips the room's word filter.
func (s *State) filtered(text string) bool { return filterMatch(text, s.filterList()) != "" }

// checkNickname cleans a nickname and checks it against the filter.
func (s *State) checkNickname(nick string) (string, error) {
	nick, err := CleanNickname(nick)
	if err != nil {
		return "", err
	}
	if s.filtered(nick) {
		return "", fault.T(fault.BadNickname, "fault.room.nicknameFiltered")
	}
	return nick, nil
}

// BuiltinFilterWords lists the built-in filter entries, for the teacher's settings page.
func BuiltinFilterWords() []string { return append([]string(nil), builtinWords...) }

type filterWordsData struct {
	Add    []string `json:"add"`
	Remove []string `json:"remove"`
}

func decideFilterWords(b *batch) error {
	d, err := decode[filterWordsData](b)
	if err != nil {
		return err
	}
	if len(d.Add)+len(d.Remove) == 0 {
		return fault.T(fault.Invalid, "fault.room.filterWordsMissing")
	}
	if len(d.Add)+len(d.Remove) > maxFilterWordsPerCmd {
		return fault.T(fault.TooLarge, "fault.room.filterTooManyWordsAtOnce", maxFilterWordsPerCmd)
	}
	builtin := map[string]bool{}
	for _, w := range builtinWords {
		builtin[w] = true
	}
	words := setOf(b.s.c.FilterWords)
	allowed := setOf(b.s.c.FilterAllowed)
	clean := func(w string) (string, error) {
		if !utf8.ValidString(w) || utf8.RuneCountInString(strings.TrimSpace(w)) > MaxFilterWord {
			return "", fault.T(fault.Invalid, "fault.room.filterWordTooLong", MaxFilterWord)
		}
		n := normalizeEntry(w)
		if n == "" || n == "*" {
			return "", fault.T(fault.Invalid, "fault.room.filterWordNoLetters", w)
		}
		if strings.HasPrefix(n, "*") || len(strings.TrimSuffix(n, "*")) < 2 {
			return "", fault.T(fault.Invalid, "fault.room.filterWordTooShort", w)
		}
		return n, nil
	}
	for _, w := range d.Add {
		n, err := clean(w)
		if err != nil {
			return err
		}
		if allowed[n] {
			delete(allowed, n) // switching a built-in word back on
			continue
		}
		if !builtin[n] {
			words[n] = true
		}
	}
	for _, w := range d.Remove {
		n, err := clean(w)
		if err != nil {
			return err
		}
		switch {
		case words[n]:
			delete(words, n)
		case builtin[n]:
			allowed[n] = true
		}
	}
	if len(words) > MaxFilterWords {
		return fault.T(fault.TooLarge, "fault.room.filterFull", MaxFilterWords)
	}
	next := FilterWordsData{Words: sortedSet(words), Allowed: sortedSet(allowed)}
	if equalStrings(next.Words, b.s.c.FilterWords) && equalStrings(next.Allowed, b.s.c.FilterAllowed) {
		return fault.T(fault.Conflict, "fault.room.filterUnchanged")
	}
	b.add(EvFilterWordsSet, next)
	return nil
}

func setOf(xs []string) map[string]bool {
	m := map[string]bool{}
	for _, x := range xs {
		m[x] = true
	}
	return m
}

func sortedSet(m map[string]bool) []string {
	out := []string{}
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
