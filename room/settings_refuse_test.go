package room

import (
	"encoding/json"
	"testing"

	"github.com/classroom-debate/debate/fault"
)

// A settings change the room would ignore is refused with invalid and a sentence, not
// acked with a settingsChanged that changes nothing (finding 7 of issue 10).
func TestSettingsThatWouldChangeNothingAreRefused(t *testing.T) {
	for _, tc := range []struct{ name, change string }{
		{"negative lesson minutes", `{"lessonMinutes":-45}`},
		{"lesson minutes without a plan", `{"lessonMinutes":47}`},
		{"an offered length without a plan", `{"lessonMinutes":45}`},
		{"no years", `{"playedYears":[]}`},
		{"lesson minutes while dropping the plan", `{"lessonPlan":"none","lessonMinutes":45}`},
		{"a length the plan does not offer", `{"lessonPlan":"one","lessonMinutes":47}`},
		{"the block's length changed", `{"lessonPlan":"block","lessonMinutes":45}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRoom(t, CreateParams{})
			r.refuse(teacher, "settings", tc.change, fault.Invalid)
			// The same at creation.
			var st Settings
			if err := json.Unmarshal([]byte(tc.change), &st); err != nil {
				t.Fatal(err)
			}
			if _, err := Create(CreateParams{RoomID: "r", Code: "ABCD", Settings: st}, t0); fault.CodeOf(err) != fault.Invalid {
				t.Fatalf("Create with %s: %v, want invalid", tc.change, err)
			}
		})
	}
	// Still accepted: a plan with one of its lengths, and dropping the plan.
	r := newRoom(t, CreateParams{})
	r.do(teacher, "settings", `{"lessonPlan":"one","lessonMinutes":50}`)
	if st := r.s.c.Settings; st.LessonPlan != "one" || st.LessonMinutes != 50 {
		t.Fatalf("settings %+v", st)
	}
	r.do(teacher, "settings", `{"lessonPlan":"none"}`)
	r.do(teacher, "settings", `{"lessonPlan":"block"}`)
	if st := r.s.c.Settings; st.LessonMinutes != 90 {
		t.Fatalf("block plan: %+v", st)
	}
}
