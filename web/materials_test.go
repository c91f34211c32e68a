package web_test

import (
	"strings"
	"testing"

	"github.com/classroom-debate/debate/roles"
)

// TestMaterialsPage: /materials draws, for every year of the scenario, the student
// chronology and source worksheet (its cards with their provenance badges) and the
// teacher's notes; an editable rubric; the lesson without the simulation; the essay
// question; and passes the accessibility check.
func TestMaterialsPage(t *testing.T) {
	l := liveServer(t)
	tb := newTab(t, browser(t), l.url, "teacher", nil)
	msg := messages(t, l.url)
	tb.open("/materials")
	content, err := roles.DefaultContent()
	if err != nil {
		t.Fatal(err)
	}
	m := content.Materials()
	type sheet struct {
		Year                         string
		Chronology, Questions, Cards int
		Badges                       []string
	}
	student := eval[[]sheet](tb, `[...document.querySelectorAll('.student-sheet')].map((s) => ({Year: s.dataset.year,
	  Chronology: s.querySelectorAll('.chronology li').length, Questions: s.querySelectorAll('.questions li').length,
	  Cards: s.querySelectorAll('[data-card]').length, Badges: [...s.querySelectorAll('[data-badge]')].map((b) => b.dataset.badge)}))`)
	if len(student) != len(m.Years) {
		t.Fatalf("%d student sheets for %d years", len(student), len(m.Years))
	}
	for _, s := range student {
		ym := m.Years[s.Year]
		if s.Chronology != len(ym.Chronology) || s.Questions != len(ym.Worksheet.Questions) || s.Cards != len(ym.Worksheet.Cards) || len(s.Badges) != s.Cards {
			t.Errorf("%s: drawn %+v, want %d entries, %d questions, %d badged cards", s.Year, s, len(ym.Chronology), len(ym.Worksheet.Questions), len(ym.Worksheet.Cards))
		}
		for i, id := range ym.Worksheet.Cards {
			card, _ := content.Card(id)
			if i < len(s.Badges) && s.Badges[i] != card.Badge {
				t.Errorf("%s: card %s badged %q, want %q", s.Year, id, s.Badges[i], card.Badge)
			}
		}
	}
	if n := eval[int](tb, `document.querySelectorAll('.teacher-sheet').length`); n != len(m.Years) {
		t.Errorf("%d teacher sheets", n)
	}
	if got := eval[string](tb, `document.querySelector('.teacher-sheet[data-year="1933"]').innerText`); !strings.Contains(got, m.Years["1933"].Teacher.Witness) || !strings.Contains(got, msg("materials.witness")) {
		t.Errorf("the 1933 teacher notes: %q", got)
	}
	cells := eval[int](tb, `document.querySelectorAll('.rubric td[contenteditable="true"]').length`)
	if want := len(m.Rubric.Criteria) * len(m.Rubric.Levels); cells != want {
		t.Errorf("%d editable rubric cells, want %d", cells, want)
	}
	if got := eval[string](tb, `document.querySelector('.essay-question').textContent`); got != m.Essay.Question {
		t.Errorf("essay question %q", got)
	}
	if n := eval[int](tb, `document.querySelectorAll('#alternative [data-card]').length`); n != len(m.Alternative.Cards) {
		t.Errorf("the alternative lesson shows %d cards, want %d", n, len(m.Alternative.Cards))
	}
	tb.axe("materials")
	if errs := eval[[]string](tb, `window.__errors || []`); len(errs) > 0 {
		t.Errorf("script errors: %q", errs)
	}
}
