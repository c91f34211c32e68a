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

// Plan is largest-remainder rounding of 20/40/20/20 for every class size from 4 to 60.
func TestPlanEveryClassSize(t *testing.T) {
	pct := map[string]int{Official: 20, Peasant: 40, Kulak: 20, Bukharinite: 20}
	joined := map[string]int{}
	for n := 1; n <= 60; n++ {
		joined[Assign(joined)]++
		p := Plan(n)
		sum := 0
		for role, c := range p {
			sum += c
			// Largest remainder: each count is the floor or the ceiling of the exact quota.
			lo := n * pct[role] / 100
			if c != lo && c != lo+1 {
				t.Errorf("n=%d: %s = %d, exact quota %.1f", n, role, c, float64(n*pct[role])/100)
			}
			if n >= MinClass && c < 1 {
				t.Errorf("n=%d: no %s", n, role)
			}
		}
		if sum != n || len(p) != 4 {
			t.Errorf("n=%d: plan %v sums to %d", n, p, sum)
		}
		// A role rounded up never has a smaller remainder than one rounded down.
		for a, ca := range p {
			for b, cb := range p {
				up, down := ca > n*pct[a]/100, cb == n*pct[b]/100
				if up && down && n*pct[a]%100 < n*pct[b]%100 {
					t.Errorf("n=%d: %s rounded up before %s with a larger remainder", n, a, b)
				}
			}
		}
		// A class joining one by one under Assign is at the plan at every size.
		for role, c := range p {
			if joined[role] != c {
				t.Errorf("n=%d: Assign gives %v, Plan %v", n, joined, p)
				break
			}
		}
	}
	if p := Plan(4); p[Official] != 1 || p[Peasant] != 1 || p[Kulak] != 1 || p[Bukharinite] != 1 {
		t.Errorf("Plan(4) = %v, want one of each", p)
	}
	if p := Plan(7); p[Peasant] != 3 || p[Official] != 2 || p[Kulak] != 1 {
		t.Errorf("Plan(7) = %v, want the tie on .4 to go to officials", p)
	}
	if p := Plan(0); p[Peasant] != 0 {
		t.Errorf("Plan(0) = %v", p)
	}
}

func TestFatesOverTheYears(t *testing.T) {
	in := func(ids ...string) func(string) bool {
		return func(d string) bool {
			for _, id := range ids {
				if id == d {
					return true
				}
			}
			return false
		}
	}
	tests := []struct {
		name, role, fate, action string
		dirs                     []string
		purged                   bool
		want                     string
	}{
		{"dekulakisation deports a free household", Kulak, Free, "kulak-hide-grain", []string{DekulakisationDirective}, false, Settler},
		{"the second wave too", Kulak, Free, "", []string{"second-deportation"}, false, Settler},
		{"a settler stays a settler", Kulak, Settler, SettlerLetter, []string{"second-deportation"}, false, Settler},
		{"no directive, no change", Kulak, Free, "", nil, false, Free},
		{"Bukharin's removal demotes the faction", Bukharinite, "", "bukharin-speak-at-plenum", []string{"bukharin-removed"}, false, Demoted},
		{"recanting in the same year", Bukharinite, "", "bukharin-recant", []string{"bukharin-removed"}, false, Recanted},
		{"organising after demotion", Bukharinite, Demoted, "bukharin-organise-quietly", nil, false, Organising},
		{"recanting after organising", Bukharinite, Organising, "bukharin-recant", nil, false, Recanted},
		{"a purge", Official, InOffice, "official-report-honestly", nil, true, Purged},
		{"no purge", Official, InOffice, "official-report-honestly", nil, false, InOffice},
		{"peasants have no fate", Peasant, "", "peasant-petition", []string{DekulakisationDirective}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NextFate(tt.role, tt.fate, tt.action, in(tt.dirs...), tt.purged); got != tt.want {
				t.Errorf("NextFate = %q, want %q", got, tt.want)
			}
		})
	}
	if got := StartingFate(Bukharinite, in("bukharin-removed")); got != Demoted {
		t.Errorf("a Bukharinite who joins after 1929 starts %q, want demoted", got)
	}
	if got := StartingFate(Kulak, in(DekulakisationDirective)); got != Free {
		t.Errorf("a household labelled later starts %q, want free (deportation is not a catch-up)", got)
	}
	if got := StartingFate(Official, in()); got != InOffice {
		t.Errorf("an official starts %q", got)
	}
	for _, f := range FateIDs {
		if f == "" {
			t.Error("empty fate id")
		}
	}
}

func TestPurgeRiskAndDraw(t *testing.T) {
	if PurgeRisk(nil) != 0 {
		t.Error("no reason, no risk")
	}
	one := PurgeRisk([]string{MissedQuota})
	both := PurgeRisk([]string{MissedQuota, ReportedHunger})
	if one <= 0 || one >= 1 || both <= one || both >= 1 {
		t.Errorf("risks: one %v both %v", one, both)
	}
	a, b := PurgeDraw(7, 1932, "p-1"), PurgeDraw(7, 1932, "p-1")
	if a != b || a < 0 || a >= 1 {
		t.Errorf("draw %v %v", a, b)
	}
	under := 0
	for i := 0; i < 1000; i++ {
		if PurgeDraw(int64(i), 1932, "p-1") < 0.5 {
			under++
		}
	}
	if under < 400 || under > 600 {
		t.Errorf("%d of 1000 draws under 0.5: not spread evenly", under)
	}
}
