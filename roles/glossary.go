package roles

// Glossary markup. Text marks a glossary term as [[id]] (shown as the term itself) or
// [[id|shown words]] (for a plural or another form); the client renders a mark as a link
// to the definition and a screen reader reads the shown words.

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

type mark struct {
	id, shown string
}

// parseMarks returns the marks of a text, or a problem with the markup.
func parseMarks(text string) ([]mark, string) {
	var out []mark
	rest := text
	for {
		i := strings.Index(rest, "[[")
		if i < 0 {
			if strings.Contains(rest, "]]") {
				return nil, "\"]]\" without \"[[\" in glossary markup"
			}
			return out, ""
		}
		if strings.Contains(rest[:i], "]]") {
			return nil, "\"]]\" without \"[[\" in glossary markup"
		}
		j := strings.Index(rest[i:], "]]")
		if j < 0 {
			return nil, "\"[[\" without \"]]\" in glossary markup"
		}
		inner := rest[i+2 : i+j]
		if strings.Contains(inner, "[[") {
			return nil, "nested \"[[\" in glossary markup"
		}
		id, shown, _ := strings.Cut(inner, "|")
		if !validID(id) {
			return nil, fmt.Sprintf("glossary mark [[%s]] must start with a term id (lower-case letters, digits and hyphens)", inner)
		}
		if strings.Contains(inner, "|") && strings.TrimSpace(shown) == "" {
			return nil, fmt.Sprintf("glossary mark [[%s]] has an empty shown text", inner)
		}
		out = append(out, mark{id: id, shown: shown})
		rest = rest[i+j+2:]
	}
}

// PlainText returns text with its glossary marks replaced by the words they show: what a
// printout or a text-only view displays. A bare [[id]] shows the term.
func (c *Content) PlainText(text string) string {
	if !strings.Contains(text, "[[") {
		return text
	}
	var b strings.Builder
	rest := text
	for {
		i := strings.Index(rest, "[[")
		if i < 0 {
			b.WriteString(rest)
			return b.String()
		}
		j := strings.Index(rest[i:], "]]")
		if j < 0 {
			b.WriteString(rest)
			return b.String()
		}
		b.WriteString(rest[:i])
		inner := rest[i+2 : i+j]
		if id, shown, ok := strings.Cut(inner, "|"); ok {
			b.WriteString(shown)
		} else if t := c.terms[id]; t != nil {
			b.WriteString(t.Term)
		} else {
			b.WriteString(id)
		}
		rest = rest[i+j+2:]
	}
}

// MarkedTerms returns the distinct glossary ids marked in text, in order of first use.
func MarkedTerms(text string) []string {
	marks, _ := parseMarks(text)
	var out []string
	seen := map[string]bool{}
	for _, m := range marks {
		if !seen[m.id] {
			seen[m.id] = true
			out = append(out, m.id)
		}
	}
	return out
}

// WordCount counts the words of text as a reader sees them (marks shown as their words).
func (c *Content) WordCount(text string) int {
	n := 0
	for _, f := range strings.Fields(c.PlainText(text)) {
		if strings.IndexFunc(f, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 {
			n++
		}
	}
	return n
}

// Glossary returns every term in file order.
func (c *Content) Glossary() []Term {
	out := make([]Term, 0, len(c.termList))
	for _, id := range c.termList {
		out = append(out, *c.terms[id])
	}
	return out
}

// Term returns the glossary term with the given id.
func (c *Content) Term(id string) (Term, bool) {
	t, ok := c.terms[id]
	if !ok {
		return Term{}, false
	}
	return *t, true
}

// TermsIn returns the glossary ids whose term or an alias occurs as whole words in an
// unmarked text (case-insensitive), sorted: the client links the scenario's decision and
// action texts with it, since the scenario carries no markup.
func (c *Content) TermsIn(text string) []string {
	lower := strings.ToLower(text)
	var out []string
	for _, id := range c.termList {
		t := c.terms[id]
		for _, form := range append([]string{t.Term}, t.Aliases...) {
			if containsWord(lower, strings.ToLower(form)) {
				out = append(out, id)
				break
			}
		}
	}
	sort.Strings(out)
	return out
}

// containsWord reports whether word occurs in text with no letter or digit on either side.
func containsWord(text, word string) bool {
	if word == "" {
		return false
	}
	for from := 0; ; {
		i := strings.Index(text[from:], word)
		if i < 0 {
			return false
		}
		start, end := from+i, from+i+len(word)
		before, _ := utf8.DecodeLastRuneInString(text[:start])
		after, _ := utf8.DecodeRuneInString(text[end:])
		if !isWordRune(before) && !isWordRune(after) {
			return true
		}
		from = start + 1
	}
}

func isWordRune(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r))
}
