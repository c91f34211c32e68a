// Package economytest builds the class paths that the tests of several packages read
// their texts and reports on: history's record and two counterfactuals with every
// directive switched off. It is for tests only.
package economytest

import "github.com/classroom-debate/debate/economy"

// Names of the class paths ClassPaths returns.
const (
	History = "history" // history's record
	Mild    = "mild"    // the mildest option of every ordered decision, every directive off
	Harsh   = "harsh"   // history's choices, every directive off
)

// DirectivesOff is history's record played as a counterfactual with every directive
// switched off; with mildest, every ordered decision also takes its mildest (first) option.
func DirectivesOff(sc *economy.Scenario, mildest bool) economy.Record {
	rec := sc.HistoricalRecord()
	rec.Mode = economy.Counterfactual
	for i := range rec.Years {
		yr, _ := sc.Year(rec.Years[i].Year)
		rec.Years[i].Directives = map[string]bool{}
		for _, d := range yr.Directives {
			rec.Years[i].Directives[d.ID] = false
		}
		if mildest {
			for _, d := range yr.Decisions {
				if d.Ordered {
					rec.Years[i].Decisions[d.ID] = d.Options[0].ID
				}
			}
		}
	}
	return rec
}

// ClassPaths returns the three class paths by name: History, Mild and Harsh.
func ClassPaths(sc *economy.Scenario) map[string]economy.Record {
	return map[string]economy.Record{
		History: sc.HistoricalRecord(),
		Mild:    DirectivesOff(sc, true),
		Harsh:   DirectivesOff(sc, false),
	}
}
