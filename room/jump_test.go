package room

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/classroom-debate/debate/fault"
)

func TestJumpTo(t *testing.T) {
	// resolvedYears lists the results as "year" or "year stepped".
	resolved := func(s *State) []string {
		out := []string{}
		for _, r := range s.c.Results {
			x := fmt.Sprint(r.Year)
			if r.Stepped {
				x += " stepped"
			}
			out = append(out, x)
		}
		return out
	}
	tests := []struct {
		name     string
		setup    func(r *testRoom) // from a lobby of five players
		year     int
		by       Principal
		refused  fault.Code
		resolved []string
	}{
		{"from the lobby: the game starts at the year", func(r *testRoom) {}, 1931, teacher, "",
			[]string{"1928 stepped", "1929 stepped", "1930 stepped"}},
		{"from the lobby to the first year: a plain start", func(r *testRoom) {}, 1928, teacher, "", []string{}},
		{"mid-debate: this year takes history's choices too", func(r *testRoom) { r.do(teacher, "start", nil); r.advance(1) }, 1930, teacher, "",
			[]string{"1928 stepped", "1929 stepped"}},
		{"at the end of a played year: that year stays the class's", func(r *testRoom) { r.do(teacher, "start", nil); r.toPhase(Resolution) }, 1932, teacher, "",
			[]string{"1928", "1929 stepped", "1930 stepped", "1931 stepped"}},
		{"to the next year from its predecessor's end", func(r *testRoom) { r.do(teacher, "start", nil); r.toPhase(Resolution) }, 1929, teacher, "",
			[]string{"1928"}},
		{"not backwards", func(r *testRoom) { r.do(teacher, "start", nil); r.advance(1) }, 1928, teacher, fault.Invalid, nil},
		{"not a year of the game", func(r *testRoom) {}, 1941, teacher, fault.Invalid, nil},
		{"teachers only", func(r *testRoom) {}, 1930, pl("a"), fault.Forbidden, nil},
		{"not on hold", func(r *testRoom) { r.do(teacher, "start", nil); r.do(teacher, "suspend", nil) }, 1930, teacher, fault.WrongPhase, nil},
		{"not after the game", func(r *testRoom) { r.do(teacher, "end", nil) }, 1930, teacher, fault.WrongPhase, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRoom(t, CreateParams{})
			for i, nick := range []string{"Anya", "Boris", "Chen", "Dana", "Emil"} {
				r.join(string(rune('a'+i)), nick)
			}
			tt.setup(r)
			if tt.refused != "" {
				r.refuse(tt.by, "jumpTo", JumpToData{Year: tt.year}, tt.refused)
				return
			}
			r.do(tt.by, "jumpTo", JumpToData{Year: tt.year})
			if r.s.Phase() != Briefing || r.s.Year() != tt.year {
				t.Fatalf("after the jump: %d %s, want the %d briefing", r.s.Year(), r.s.Phase(), tt.year)
			}
			if got := resolved(r.s); !reflect.DeepEqual(got, tt.resolved) {
				t.Fatalf("results %q, want %q", got, tt.resolved)
			}
			for _, p := range r.s.c.Players {
				if p.Role == "" {
					t.Errorf("%s has no role after the jump", p.Nickname)
				}
			}
			// The game goes on from there as usual.
			r.toPhase(Resolution)
			if r.s.Year() != tt.year {
				t.Fatalf("the class played on in %d, want %d", r.s.Year(), tt.year)
			}
		})
	}
}
