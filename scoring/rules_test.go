package scoring

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/classroom-debate/debate/roles"
)

func TestDefaultRulesLoad(t *testing.T) {
	r := DefaultRules()
	for _, id := range roles.IDs {
		if len(r.Roles[id].Goals) == 0 {
			t.Errorf("role %s has no goals", id)
		}
	}
	// Every faction's goals are worth the same each year, so no role starts ahead.
	want := -1.0
	for _, id := range roles.IDs {
		if _, faction := roles.Faction(id); !faction {
			continue
		}
		sum := 0.0
		for _, g := range r.Roles[id].Goals {
			sum += g.Points
		}
		if want < 0 {
			want = sum
		}
		if sum != want {
			t.Errorf("role %s's goals are worth %v a year, others %v", id, sum, want)
		}
	}
}

// mutate loads the embedded rules as a generic value, changes one thing and reloads.
func mutate(t *testing.T, f func(m map[string]any)) error {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(rulesJSON, &m); err != nil {
		t.Fatal(err)
	}
	f(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	_, err = LoadRules("test.json", b)
	return err
}

func obj(m any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m = m.(map[string]any)[k]
		case int:
			m = m.([]any)[k]
		}
	}
	return m
}

func TestLoadRulesRejects(t *testing.T) {
	goal := func(m map[string]any, role string, i int) map[string]any {
		return obj(m, "roles", role, "goals", i).(map[string]any)
	}
	firstCase := func(m map[string]any, role string, i int) map[string]any {
		return obj(goal(m, role, i), "cases", 0).(map[string]any)
	}
	for _, c := range []struct {
		name, want string
		f          func(m map[string]any)
	}{
		{"unknown field", "unknown field", func(m map[string]any) { m["bonus"] = 1 }},
		{"version", "version", func(m map[string]any) { m["version"] = 2 }},
		{"missing role", "roles.kulak", func(m map[string]any) { delete(obj(m, "roles").(map[string]any), "kulak") }},
		{"unknown role", "roles.tsar", func(m map[string]any) { obj(m, "roles").(map[string]any)["tsar"] = obj(m, "roles", "peasant") }},
		{"duplicate goal", "goals[1].id", func(m map[string]any) { goal(m, "peasant", 1)["id"] = "peasant-family-fed" }},
		{"no how", "goals[0]", func(m map[string]any) { goal(m, "peasant", 0)["how"] = " " }},
		{"unknown measure", "measure", func(m map[string]any) { firstCase(m, "official", 1)["measure"] = "procurement" }},
		{"deaths as a goal", "measure", func(m map[string]any) { firstCase(m, "official", 1)["measure"] = "famineDeathsM" }},
		{"flat measure", "lo ≠ hi", func(m map[string]any) { firstCase(m, "peasant", 0)["hi"] = 220.0 }},
		{"bad scope", "scope", func(m map[string]any) { firstCase(m, "peasant", 0)["scope"] = "world" }},
		{"rising death rate", "lo must be above hi", func(m map[string]any) {
			c := firstCase(m, "kulak", 0)
			c["lo"], c["hi"] = 0.0, 0.12
		}},
		{"fate without default", "\"*\"", func(m map[string]any) { delete(firstCase(m, "official", 0)["fates"].(map[string]any), "*") }},
		{"unknown fate", "unknown fate", func(m map[string]any) { firstCase(m, "official", 0)["fates"].(map[string]any)["exiled"] = 0.5 }},
		{"fate share", "[0, 1]", func(m map[string]any) { firstCase(m, "official", 0)["fates"].(map[string]any)["purged"] = 1.5 }},
		{"last case has a fate", "must match any fate", func(m map[string]any) { firstCase(m, "official", 1)["fate"] = "inOffice" }},
		{"teacher goal with points", "no machine points", func(m map[string]any) { goal(m, "historian", 0)["points"] = 3.0 }},
		{"teacher goal unknown criterion", "not a criterion", func(m map[string]any) { firstCase(m, "historian", 0)["criteria"] = []any{"speed"} }},
		{"human cost misses a faction", "humanCost.roles", func(m map[string]any) {
			obj(m, "humanCost").(map[string]any)["roles"] = []any{"official", "peasant", "kulak"}
		}},
		{"falling steps", "rising", func(m map[string]any) {
			obj(m, "humanCost", "components", 0).(map[string]any)["steps"] = []any{1.0, 0.5}
		}},
		{"negative step", "rising", func(m map[string]any) { obj(m, "humanCost", "components", 0).(map[string]any)["steps"] = []any{-1.0} }},
		{"unknown cost measure", "human-cost measure", func(m map[string]any) { obj(m, "humanCost", "components", 0).(map[string]any)["measure"] = "industry" }},
		{"a figure in the words", "without figures", func(m map[string]any) {
			obj(m, "humanCost", "words", 1).(map[string]any)["text"] = "over 1 million dead"
		}},
		{"no argument cap", "cap", func(m map[string]any) { obj(m, "debate", "argument").(map[string]any)["cap"] = 0.0 }},
		{"cross-faction weight", "weigh more", func(m map[string]any) { obj(m, "debate", "marks").(map[string]any)["otherFaction"] = 0.5 }},
		{"unknown action", "no such action", func(m map[string]any) {
			firstCase(m, "official", 2)["actions"].(map[string]any)["official-meet-the-quota"] = 1.0
		}},
		{"action without default", "\"*\"", func(m map[string]any) { delete(firstCase(m, "official", 2)["actions"].(map[string]any), "*") }},
		{"unplayed action goal", "must be marked played", func(m map[string]any) { delete(goal(m, "official", 2), "played") }},
		{"unknown vote rule", "vote rule", func(m map[string]any) { firstCase(m, "bukharinite", 0)["rule"] = "harsher" }},
		{"unknown decision", "no ordered decision", func(m map[string]any) { firstCase(m, "bukharinite", 0)["decisions"] = []any{"tractors-"} }},
		{"debate goal worth more than the debate", "capped debate", func(m map[string]any) { goal(m, "kulak", 3)["points"] = 10.0 }},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := mutate(t, c.f)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error mentioning %q", err, c.want)
			}
			if !strings.HasPrefix(err.Error(), "test.json") {
				t.Errorf("the error does not name the file: %v", err)
			}
		})
	}
	if err := mutate(t, func(map[string]any) {}); err != nil {
		t.Fatalf("the unchanged rules do not reload: %v", err)
	}
}

// The goals the role cards show (package roles, content/<role>.json) are the goals the
// rules score, id for id and in the same order.
func TestGoalIDsMatchRoleContent(t *testing.T) {
	c, err := roles.DefaultContent()
	if err != nil {
		t.Fatalf("the role content does not load: %v", err)
	}
	got := DefaultRules().GoalIDs()
	for _, role := range roles.IDs {
		p, ok := c.Profile(role)
		if !ok {
			t.Errorf("the role content has no profile for %s", role)
			continue
		}
		var want []string
		for _, g := range p.Goals {
			want = append(want, g.ID)
		}
		if !reflect.DeepEqual(got[role], want) {
			t.Errorf("role %s: rules.json scores goals %v, the role card shows %v", role, got[role], want)
		}
	}
}
