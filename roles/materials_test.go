package roles

import (
	"strconv"
	"strings"
	"testing"

	"github.com/classroom-debate/debate/economy"
)

// TestMaterials: every year has a chronology on cited event rows, a source worksheet on
// cards a role reads that year and teacher notes; the rubric is complete; the
// alternative lesson and the essay question are there. Broken materials are refused.
func TestMaterials(t *testing.T) {
	c := mustContent(t)
	m := c.Materials()
	if m == nil {
		t.Fatal("no materials")
	}
	for y := c.sc.FirstYear(); y <= c.sc.LastYear(); y++ {
		ym := m.Years[itoaYear(y)]
		if len(ym.Chronology) < 3 || len(ym.Worksheet.Questions) < 3 || ym.Teacher.Witness == "" {
			t.Errorf("%d: %+v", y, ym)
		}
	}
	if !strings.Contains(m.Essay.Question, "Kazakhstan") || len(m.Rubric.Criteria) < 4 || len(m.Alternative.Steps) < 3 {
		t.Errorf("essay %q, rubric %d criteria, alternative %d steps", m.Essay.Question, len(m.Rubric.Criteria), len(m.Alternative.Steps))
	}
	for _, bad := range []struct {
		name, want string
		edit       func(map[string]any)
	}{
		{"a missing year", "year 1931 is missing", func(d map[string]any) { delete(obj(d, "years"), "1931") }},
		{"a card not read that year", "not one a role reads in 1928", func(d map[string]any) {
			obj(d, "years", "1928", "worksheet")["cards"] = []any{"grain-crisis-1927", "harvest-1934"}
		}},
		{"an uncited chronology entry", "cited event row", func(d map[string]any) {
			list(obj(d, "years", "1929")["chronology"])[0].(map[string]any)["cite"] = "event:1999-01-01"
		}},
		{"a rubric row short of a level", "descriptor for each", func(d map[string]any) {
			cr := list(obj(d, "rubric")["criteria"])[0].(map[string]any)
			cr["descriptors"] = list(cr["descriptors"])[:2]
		}},
	} {
		_, err := Load(contentFS(t, MaterialsFile, bad.edit), economy.Default())
		if err == nil || !strings.Contains(err.Error(), bad.want) || !strings.Contains(err.Error(), MaterialsFile) {
			t.Errorf("%s: %v", bad.name, err)
		}
	}
}

func itoaYear(y int) string { return strconv.Itoa(y) }
