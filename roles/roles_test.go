package roles

import (
	"testing"

	"github.com/classroom-debate/debate/economy"
)

func TestAssign(t *testing.T) {
	tests := []struct {
		name   string
		counts map[string]int
		want   string
	}{
		{"empty class gets a peasant first", nil, Peasant},
		{"then an official", map[string]int{Peasant: 1}, Official},
		{"then a kulak", map[string]int{Peasant: 1, Official: 1}, Kulak},
		{"then a Bukharinite", map[string]int{Peasant: 1, Official: 1, Kulak: 1}, Bukharinite},
		{"fifth is a second peasant", map[string]int{Peasant: 1, Official: 1, Kulak: 1, Bukharinite: 1}, Peasant},
		{"historians do not count", map[string]int{Peasant: 1, Historian: 5}, Official},
		{"furthest below target", map[string]int{Peasant: 4, Official: 2, Kulak: 1, Bukharinite: 2}, Kulak},
		{"late joiner fills the gap", map[string]int{Peasant: 2, Official: 3, Kulak: 2, Bukharinite: 2}, Peasant},
		{"unknown keys ignored", map[string]int{"ghost": 9}, Peasant},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Assign(tt.counts); got != tt.want {
				t.Errorf("Assign(%v) = %q, want %q", tt.counts, got, tt.want)
			}
		})
	}
}

func TestAssignReachesTargetShares(t *testing.T) {
	counts := map[string]int{}
	for i := 0; i < 30; i++ {
		counts[Assign(counts)]++
	}
	want := map[string]int{Official: 6, Peasant: 12, Kulak: 6, Bukharinite: 6}
	for r, n := range want {
		if counts[r] != n {
			t.Errorf("after 30 joins %s = %d, want %d (all %v)", r, counts[r], n, counts)
		}
	}
}

func TestRegion(t *testing.T) {
	tests := []struct {
		name          string
		sameRole, all map[economy.RegionID]int
		want          economy.RegionID
	}{
		{"empty: first region", nil, nil, economy.Ukraine},
		{"fewest of the role", map[economy.RegionID]int{economy.Ukraine: 1}, nil, economy.Kazakhstan},
		{"ties broken by the whole class", nil, map[economy.RegionID]int{economy.Ukraine: 1, economy.Kazakhstan: 1}, economy.NorthCaucasus},
		{"role count before class count",
			map[economy.RegionID]int{economy.Ukraine: 1, economy.Kazakhstan: 1, economy.NorthCaucasus: 1, economy.Volga: 1},
			map[economy.RegionID]int{economy.Ukraine: 1, economy.Kazakhstan: 1, economy.NorthCaucasus: 1, economy.Volga: 1, economy.Rest: 9},
			economy.Rest},
		{"fixed order on full tie",
			map[economy.RegionID]int{economy.Ukraine: 2, economy.Kazakhstan: 1, economy.NorthCaucasus: 1, economy.Volga: 1, economy.Rest: 1},
			nil, economy.Kazakhstan},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Region(tt.sameRole, tt.all); got != tt.want {
				t.Errorf("Region = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSmallClassSpreadsRegions(t *testing.T) {
	roleCounts := map[string]int{}
	perRole := map[string]map[economy.RegionID]int{}
	all := map[economy.RegionID]int{}
	seen := map[economy.RegionID]bool{}
	for i := 0; i < 5; i++ {
		r := Assign(roleCounts)
		roleCounts[r]++
		if perRole[r] == nil {
			perRole[r] = map[economy.RegionID]int{}
		}
		reg := Region(perRole[r], all)
		perRole[r][reg]++
		all[reg]++
		seen[reg] = true
	}
	if len(seen) != 5 {
		t.Errorf("five players cover %d regions, want 5: %v", len(seen), all)
	}
}

func TestFactionAndFates(t *testing.T) {
	for _, r := range []string{Official, Peasant, Kulak, Bukharinite} {
		if f, ok := Faction(r); !ok || string(f) != r {
			t.Errorf("Faction(%q) = %q, %v", r, f, ok)
		}
	}
	if _, ok := Faction(Historian); ok {
		t.Error("the Historian has no faction")
	}
	if InitialFate(Kulak) != Free || InitialFate(Official) != InOffice || InitialFate(Peasant) != "" {
		t.Error("initial fates are wrong")
	}
	if !Valid(Historian) || Valid("tsar") || !ValidRegion("volga") || ValidRegion("siberia") {
		t.Error("Valid/ValidRegion wrong")
	}
}
