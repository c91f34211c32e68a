package room

import (
	"slices"
	"sync"

	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/roles"
)

// Roles that change as the years resolve: the rules are data in package roles
// (FateChanges, PurgeRules); this file applies them to the room's players.

// fateChanges works out whose fate a resolved year changes (public: fates are part of the
// story) and why any official was purged (staff only: a reason can reveal an action).
// Actions and purges count only in played years; directives in every year.
func (s *State) fateChanges(ch economy.YearChoices, out economy.Outcome, stepped bool) ([]FateData, []PurgeData) {
	yr, ok := s.sc.Year(ch.Year)
	if !ok {
		return nil, nil
	}
	inForceNow := func(id string) bool { return inForce(yr, ch, id) }
	var judge *quotaJudge
	var fates []FateData
	var purges []PurgeData
	for _, id := range s.c.Order {
		p := s.c.Players[id]
		if p.Status == StatusRemoved {
			continue
		}
		action := ""
		if !stepped {
			action = s.c.Actions[p.ID]
		}
		purged := false
		if !stepped && p.Status == StatusActive && p.Role == roles.Official && p.Fate == roles.InOffice {
			if judge == nil {
				judge = s.newQuotaJudge(yr, ch)
			}
			if reasons := judge.reasons(p, action, out); len(reasons) > 0 {
				if roles.PurgeDraw(s.c.Seed, ch.Year, p.ID) < roles.PurgeRisk(reasons) {
					purged = true
					purges = append(purges, PurgeData{PlayerID: p.ID, Reasons: reasons})
				}
			}
		}
		if next := roles.NextFate(p.Role, p.Fate, action, inForceNow, purged); next != p.Fate {
			fates = append(fates, FateData{PlayerID: p.ID, Fate: next})
		}
	}
	return fates, purges
}

// quotaJudge compares a region's procurement with its plan, against how history's own
// path fared with history's plan in the same year.
type quotaJudge struct {
	year      int
	plan      float64 // the USSR plan: quota and export levers, Mt
	histPlan  float64
	histOut   *economy.Outcome
	regionsOf map[economy.RegionID]float64 // plan shares
}

func (s *State) newQuotaJudge(yr *economy.Year, ch economy.YearChoices) *quotaJudge {
	j := &quotaJudge{year: yr.Year, regionsOf: map[economy.RegionID]float64{}}
	j.plan = procurementPlan(yr, ch.Decisions)
	hist := s.sc.HistoricalChoices(yr.Year)
	j.histPlan = procurementPlan(yr, hist.Decisions)
	outs := historicalOutcomes(s.sc)
	for i := range outs {
		if outs[i].Year == yr.Year {
			j.histOut = &outs[i]
		}
	}
	for id, spec := range s.sc.RegionData {
		j.regionsOf[id] = spec.PlanShare
	}
	return j
}

// procurementPlan is the year's plan: history's quota and export levers, overridden by
// the options chosen.
func procurementPlan(yr *economy.Year, decisions map[string]string) float64 {
	levers := map[string]float64{"quota": yr.Levers["quota"], "exports": yr.Levers["exports"]}
	for _, d := range yr.Decisions {
		if o, _, ok := d.Option(decisions[d.ID]); ok {
			for name := range levers {
				if v, set := o.Set[name]; set {
					levers[name] = v
				}
			}
		}
	}
	return levers["quota"] + levers["exports"]
}

// reasons lists the purge rules that apply to an official this year.
func (j *quotaJudge) reasons(p *player, action string, out economy.Outcome) []string {
	var why []string
	for _, rule := range roles.PurgeRules {
		if j.year < rule.FromYear {
			continue
		}
		switch rule.Reason {
		case roles.MissedQuota:
			if j.missed(economy.RegionID(p.Region), rule.Below, out) {
				why = append(why, rule.Reason)
			}
		case roles.ReportedHunger:
			if action != "" && action == rule.Action {
				why = append(why, rule.Reason)
			}
		}
	}
	return why
}

// missed reports whether a region delivered less than below of what history's path
// delivered against its plan. Regions where history met less than roles.JudgedOnQuota of
// the plan are not judged.
func (j *quotaJudge) missed(r economy.RegionID, below float64, out economy.Outcome) bool {
	share := j.regionsOf[r]
	if j.histOut == nil || share <= 0 || j.plan <= 0 || j.histPlan <= 0 {
		return false
	}
	histRatio := j.histOut.ByRegion[r].ProcurementMt / (share * j.histPlan)
	if histRatio < roles.JudgedOnQuota {
		return false
	}
	ratio := out.ByRegion[r].ProcurementMt / (share * j.plan)
	return ratio < below*histRatio
}

// settlerVoices counts what the special settlers did this year.
func (s *State) settlerVoices() *SettlerVoices {
	v := &SettlerVoices{}
	for _, p := range s.voters() {
		if p.Role != roles.Kulak || p.Fate != roles.Settler {
			continue
		}
		v.Settlers++
		switch s.c.Actions[p.ID] {
		case roles.SettlerReport:
			v.Reports++
		case roles.SettlerLetter:
			v.Letters++
		case roles.SettlerPetition:
			v.Petitions++
		}
	}
	if v.Settlers == 0 {
		return nil
	}
	return v
}

// startingFate is the fate of a player who takes role now, given the directives already
// in force in the years resolved so far.
func (s *State) startingFate(role string) string {
	return roles.StartingFate(role, func(id string) bool {
		for _, res := range s.c.Results {
			yr, ok := s.sc.Year(res.Year)
			if ok && inForce(yr, res.Choices, id) {
				return true
			}
		}
		return false
	})
}

// BriefingContext is what the room knows of a player's path, for the briefing of the
// year in play (roles.Briefing): the home region and fate, last year's outcome and the
// one before, whether last year was stepped, the player's own action last year, the
// special settlers' testimony and the teacher's content setting. False for an unknown
// player.
func (s *State) BriefingContext(playerID string) (roles.BriefingContext, bool) {
	p, ok := s.c.Players[playerID]
	if !ok {
		return roles.BriefingContext{}, false
	}
	ctx, last := s.classContext()
	ctx.Fate = p.Fate
	if _, plays := roles.Faction(p.Role); plays {
		ctx.Region = economy.RegionID(p.Region)
	}
	if last != nil {
		ctx.LastAction = s.c.Taken[last.Year][playerID]
		if v := s.c.Voices[last.Year]; v != nil {
			ctx.SettlerReports, ctx.SettlerLetters = v.Reports, v.Letters
		}
	}
	return ctx, true
}

// classContext is the class's path as every player shares it, for the year in play: the
// directives switched off, the last resolved year's outcome and the one before, whether
// it was stepped, and the content setting. It also returns that last resolved year, nil
// in the first year.
func (s *State) classContext() (roles.BriefingContext, *YearResult) {
	ctx := roles.BriefingContext{ShowGraphic: s.c.Settings.GraphicContent}
	for id, on := range s.c.Directives {
		if !on {
			ctx.DirectivesOff = append(ctx.DirectivesOff, id)
		}
	}
	slices.Sort(ctx.DirectivesOff)
	// The years before the one in play: once the year in play resolves, its own result
	// belongs to the next year's briefing.
	results := s.c.Results
	for len(results) > 0 && results[len(results)-1].Year >= s.c.Year {
		results = results[:len(results)-1]
	}
	n := len(results)
	if n == 0 {
		return ctx, nil
	}
	last := results[n-1]
	prev := last.Outcome
	ctx.Prev = &prev
	ctx.Stepped = last.Stepped
	if n > 1 {
		before := results[n-2].Outcome
		ctx.Before = &before
	}
	return ctx, &last
}

// historyRuns memoises history's path through each scenario, by its hash: the model is
// deterministic, so every room on the same scenario shares one run, and the memo holds one
// entry per scenario version, however many rooms load their own copy.
var historyRuns sync.Map // scenario hash → []economy.Outcome

func historicalOutcomes(sc *economy.Scenario) []economy.Outcome {
	if v, ok := historyRuns.Load(sc.Hash()); ok {
		return v.([]economy.Outcome)
	}
	outs, err := sc.Run(sc.HistoricalRecord())
	if err != nil {
		return nil
	}
	v, _ := historyRuns.LoadOrStore(sc.Hash(), outs)
	return v.([]economy.Outcome)
}
