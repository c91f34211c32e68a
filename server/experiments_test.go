package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/classroom-debate/debate/fault"
)

// The experiments route runs the historians' claims on the room's own path, for everyone
// in the room, once a year has been played; each answer is a range with its historians and
// its assumption.
func TestExperimentsRoute(t *testing.T) {
	ts := newServer(t, nil)
	r := ts.room(`{"timers":{"briefing":60,"debate":60,"vote":60,"resolution":60}}`)
	player := ts.join(r.Code, "Anya").Token
	teacher := ts.dial(r.Code, r.TeacherKey)
	if _, err := teacher.Send(ctxT(t), "start", nil); err != nil {
		t.Fatal(err)
	}
	status, body := ts.do("GET", "/api/rooms/"+r.Code+"/experiments", player, "")
	wantError(t, status, body, http.StatusNotFound, fault.NotFound)
	status, body = ts.do("GET", "/api/rooms/"+r.Code+"/experiments", "tk_not-a-key", "")
	wantError(t, status, body, http.StatusUnauthorized, fault.Unauthorized)

	for i := 0; i < 10; i++ {
		if status, _ = ts.do("GET", "/api/rooms/"+r.Code+"/years/1928/report", player, ""); status == http.StatusOK {
			break
		}
		if _, err := teacher.Send(ctxT(t), "advance", nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, key := range []string{player, r.TeacherKey, r.ProjectorKey} {
		status, body = ts.do("GET", "/api/rooms/"+r.Code+"/experiments", key, "")
		if status != http.StatusOK {
			t.Fatalf("experiments after 1928: %d %s", status, body)
		}
		var v struct {
			Years       []int `json:"years"`
			Runs        int   `json:"runs"`
			Experiments []struct {
				ID, Historians, Assumption string
				ExperimentM                struct{ Low, Median, High float64 }
			} `json:"experiments"`
		}
		if err := json.Unmarshal(body, &v); err != nil {
			t.Fatal(err)
		}
		if len(v.Years) != 1 || v.Years[0] != 1928 || v.Runs != 50 || len(v.Experiments) != 5 {
			t.Fatalf("experiments: %s", body)
		}
		for _, e := range v.Experiments {
			if e.Historians == "" || e.Assumption == "" || e.ExperimentM.Low > e.ExperimentM.High {
				t.Errorf("experiment %+v", e)
			}
		}
		if strings.Contains(string(body), "Anya") {
			t.Error("the experiments carry a nickname")
		}
	}
}
