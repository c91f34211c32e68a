package scoring

import (
	"math"
	"strings"

	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/i18n"
	"github.com/classroom-debate/debate/roles"
	"github.com/classroom-debate/debate/room"
)

// ReportFormat is the version of the Report JSON.
const ReportFormat = 1

// Report is the machine's scores for a room: every resolved year's breakdown for every
// player, and the totals by player and by faction. It holds no teacher assessment (see
// Assessment) and no count of the dead.
type Report struct {
	Format   int            `json:"format"`
	RoomID   string         `json:"roomId"`
	Code     string         `json:"code"`
	Mode     economy.Mode   `json:"mode"`
	Complete bool           `json:"complete"` // the game reached the debrief after its last year
	Years    []YearScores   `json:"years"`
	Players  []PlayerScore  `json:"players"`
	Factions []FactionScore `json:"factions"`
}

// YearScores is one resolution: what each player's year was worth and why.
type YearScores struct {
	Year      int          `json:"year"`
	Stepped   bool         `json:"stepped,omitempty"` // not played: history's choices
	HumanCost Line         `json:"humanCost"`         // the same line in every faction's breakdown
	Players   []PlayerYear `json:"players"`
}

// Line is one line of a breakdown. Goals run from 0 to Max; the human cost is 0 or less.
type Line struct {
	ID     string  `json:"id"`
	Label  string  `json:"label"`
	Points float64 `json:"points"`
	Max    float64 `json:"max,omitempty"`
	Note   string  `json:"note,omitempty"`
}

// PlayerYear is one player's year: the role's goals (the debate among them), the human
// cost, and the debate's detail. Total is the sum of the goal lines and the human cost;
// DebatePoints is the debate goal's share of it and RoleResult the rest.
type PlayerYear struct {
	PlayerID     string     `json:"playerId"`
	Nickname     string     `json:"nickname"`
	Role         string     `json:"role"`
	Region       string     `json:"region"`
	Fate         string     `json:"fate,omitempty"`
	Action       string     `json:"action,omitempty"` // the action the player took that year
	Goals        []Line     `json:"goals"`
	HumanCost    *Line      `json:"humanCost,omitempty"` // nil for roles it does not apply to
	Debate       DebateYear `json:"debate"`
	RoleResult   float64    `json:"roleResult"`
	DebatePoints float64    `json:"debatePoints"`
	Total        float64    `json:"total"`
	// TeacherJudged: the role's goals are judged by the teacher, so the machine's total
	// says little (the Historian's); clients show that instead of a total.
	TeacherJudged bool `json:"teacherJudged,omitempty"`
	// Partial: lines that would reveal the player's action are left out for this viewer,
	// and the totals add up what is shown (see Report.For).
	Partial bool `json:"partial,omitempty"`
}

// DebateYear counts one player's debate in one year and what it earned.
type DebateYear struct {
	Arguments  int     `json:"arguments"`
	Replies    int     `json:"replies"`
	Evidence   int     `json:"evidence"`   // arguments citing an evidence card
	MarksSame  int     `json:"marksSame"`  // persuasive marks from players of the same role
	MarksOther int     `json:"marksOther"` // from players of another role
	Lines      []Line  `json:"lines"`
	Points     float64 `json:"points"`
}

// PlayerScore is a player's totals over the resolved years.
type PlayerScore struct {
	PlayerID string `json:"playerId"`
	Nickname string `json:"nickname"`
	Role     string `json:"role"`
	Region   string `json:"region"`
	Fate     string `json:"fate,omitempty"`
	Status   string `json:"status"`
	Years    int    `json:"years"` // years scored
	// TeacherJudged: the role's goals are judged by the teacher, so the machine's total
	// says little (the Historian's).
	TeacherJudged bool    `json:"teacherJudged,omitempty"`
	Partial       bool    `json:"partial,omitempty"` // totals over the lines this viewer may see
	RoleResult    float64 `json:"roleResult"`
	DebatePoints  float64 `json:"debatePoints"`
	Total         float64 `json:"total"`
}

// FactionScore is the average of its members' totals (members by their role at the end),
// so a larger faction does not score more for being larger. The Historian is no faction
// and has none.
type FactionScore struct {
	Role          string  `json:"role"`
	Members       int     `json:"members"`
	RoleResult    float64 `json:"roleResult"`
	DebatePoints  float64 `json:"debatePoints"`
	Total         float64 `json:"total"`
	MarksReceived int     `json:"marksReceived"`
	Partial       bool    `json:"partial,omitempty"` // averages over the lines this viewer may see
}

// yearInput is everything a year's goals and human cost read besides the player: the
// outcome and the few figures from before the year that rates need.
type yearInput struct {
	Outcome        economy.Outcome
	DeadBefore     map[economy.RegionID]float64 // famine deaths in each region in the years before this one, million
	PrevIndustry   float64                      // the industry index at the start of the year
	SettlersBefore float64                      // special settlers alive at the start of the year, thousand
	Start          map[string]herd              // livestock at the start of the game, by region id and "ussr"
	NeedKg         float64                      // food a rural person needs a year, from the scenario
	Rubric         map[string]room.Criterion    // for the labels of teacher-judged goals
	Played         bool                         // the class played the year (it was not stepped)
	Year           *economy.Year                // the scenario's year, for the vote measure
	Choices        economy.YearChoices          // what the year resolved with
	Actions        map[string]string            // player → the action they took that year
	Debate         map[string]DebateYear        // player → their debate that year
}

type herd struct{ Cattle, Horses, Herds float64 }

func (h herd) units(w float64) float64 { return h.Cattle + h.Horses + w*h.Herds }

// startHerds is the livestock the scenario starts with, per region and for the USSR.
func startHerds(sc *economy.Scenario) map[string]herd {
	out := map[string]herd{}
	var all herd
	for _, r := range economy.Regions {
		spec := sc.RegionData[r]
		h := herd{spec.CattleM, spec.HorsesM, spec.HerdsM}
		out[string(r)] = h
		all.Cattle += h.Cattle
		all.Horses += h.Horses
		all.Herds += h.Herds
	}
	out["ussr"] = all
	return out
}

func needKg(sc *economy.Scenario) float64 {
	if c, ok := sc.Coefficients["needKg"]; ok && c.Value > 0 {
		return c.Value
	}
	return 320
}

// FromEvents folds a room's log and scores every resolved year. The result depends on
// the events alone: the same log always gives the same Report, byte for byte.
func FromEvents(events []room.Event) (*Report, error) {
	ss, err := fold(events)
	if err != nil {
		return nil, err
	}
	return DefaultRules().report(ss), nil
}

func (r *Rules) report(ss *session) *Report {
	rep := &Report{
		Format: ReportFormat, RoomID: ss.final.RoomID, Code: ss.final.Code, Mode: ss.final.Mode,
		Complete: ss.complete(), Years: []YearScores{}, Players: []PlayerScore{}, Factions: []FactionScore{},
	}
	start := startHerds(ss.sc)
	rubric := map[string]room.Criterion{}
	for _, c := range ss.state.Rubric() {
		rubric[c.ID] = c
	}
	prevIndustry := ss.sc.Initial.IndustryIndex
	deadBefore := map[economy.RegionID]float64{}
	for i := range ss.years {
		snap := &ss.years[i]
		yr, _ := ss.sc.Year(snap.Year)
		in := &yearInput{
			Outcome: snap.Result.Outcome, DeadBefore: deadBefore, PrevIndustry: prevIndustry, SettlersBefore: snap.Before.SettlersK,
			Start: start, NeedKg: needKg(ss.sc), Rubric: rubric, Played: !snap.Stepped, Year: yr,
			Choices: snap.Result.Choices, Actions: map[string]string{},
		}
		for k, a := range ss.actions {
			if k.Year == snap.Year && !snap.Stepped {
				in.Actions[k.Player] = a
			}
		}
		rep.Years = append(rep.Years, r.scoreYear(in, snap))
		prevIndustry = snap.Result.Outcome.IndustryIndex
		next := map[economy.RegionID]float64{}
		for reg, d := range deadBefore {
			next[reg] = d
		}
		for reg, d := range snap.Result.Outcome.FamineDeathsByRegionM {
			next[reg] += d
		}
		deadBefore = next
	}
	r.totals(rep, ss)
	return rep
}

// scoreYear scores every player in the game as the year resolved.
func (r *Rules) scoreYear(in *yearInput, snap *yearSnap) YearScores {
	ys := YearScores{Year: snap.Year, Stepped: snap.Stepped, HumanCost: r.humanCost(in), Players: []PlayerYear{}}
	roleOf := map[string]string{}
	for _, p := range snap.Players {
		roleOf[p.ID] = p.Role
	}
	if in.Debate == nil { // a report counts the debate from the snapshot; tests may pass it in
		in.Debate = map[string]DebateYear{}
		for _, p := range snap.Players {
			in.Debate[p.ID] = r.debate(snap, p, roleOf)
		}
	}
	for _, p := range snap.Players {
		if p.Status != room.StatusActive {
			continue
		}
		py := PlayerYear{PlayerID: p.ID, Nickname: p.Nickname, Role: p.Role, Region: p.Region, Fate: p.Fate,
			Action: in.Actions[p.ID], Goals: r.goals(in, p), Debate: in.Debate[p.ID], TeacherJudged: r.teacherJudged(p.Role)}
		total, debate := 0.0, 0.0
		for i, g := range py.Goals {
			total += g.Points
			if r.Roles[p.Role].Goals[i].measures(MeasureDebate) {
				debate += g.Points
			}
		}
		if contains(r.HumanCost.Roles, p.Role) {
			hc := ys.HumanCost
			py.HumanCost = &hc
			total += hc.Points
		}
		py.Total, py.DebatePoints = round1(total), round1(debate)
		py.RoleResult = round1(total - debate)
		ys.Players = append(ys.Players, py)
	}
	return ys
}

// goals scores a player's role goals for the year.
func (r *Rules) goals(in *yearInput, p room.PlayerInfo) []Line {
	rr, ok := r.Roles[p.Role]
	if !ok {
		return []Line{}
	}
	out := make([]Line, 0, len(rr.Goals))
	for _, g := range rr.Goals {
		c := g.caseFor(p.Fate)
		line := Line{ID: g.ID, Label: g.Label, Max: g.Points}
		if g.Played && !in.Played {
			line.Max, line.Note = 0, i18n.T(i18n.Default, "scoring.note.notPlayed")
			out = append(out, line)
			continue
		}
		if c.Measure == MeasureDebate {
			d := in.Debate[p.ID]
			line.Points = round1(math.Min(g.Points, d.Points))
			line.Note = debateNote(d)
			out = append(out, line)
			continue
		}
		if c.Measure == MeasureTeacher {
			names := ""
			for _, id := range c.Criteria {
				crit, ok := in.Rubric[id]
				switch {
				case !ok:
				case names == "":
					names = crit.Label
				default:
					names = i18n.T(i18n.Default, "scoring.and", names, crit.Label)
				}
			}
			line.Note = i18n.T(i18n.Default, "scoring.note.teacher")
			if names != "" {
				line.Note = i18n.T(i18n.Default, "scoring.note.teacherCriteria", names)
			}
			out = append(out, line)
			continue
		}
		line.Points = round1(g.Points * r.share(c, in, p))
		out = append(out, line)
	}
	return out
}

// The catalogue's wordings of a count, singular and plural (keys checked by a test).
var (
	argumentsCount = [2]string{"scoring.count.argument", "scoring.count.arguments"}
	repliesCount   = [2]string{"scoring.count.reply", "scoring.count.replies"}
	marksCount     = [2]string{"scoring.count.mark", "scoring.count.marks"}
)

// debateNote counts a player's debate of the year in words.
func debateNote(d DebateYear) string {
	marks := d.MarksSame + d.MarksOther
	return i18n.T(i18n.Default, "scoring.note.debate", count(d.Arguments, argumentsCount), count(d.Replies, repliesCount),
		d.Evidence, count(marks, marksCount), d.MarksOther)
}

// count words n with the catalogue's singular or plural message.
func count(n int, keys [2]string) string {
	if n == 1 {
		return i18n.T(i18n.Default, keys[0], n)
	}
	return i18n.T(i18n.Default, keys[1], n)
}

// measures reports whether any of the goal's cases uses measure m at its top level.
func (g Goal) measures(m string) bool {
	for _, c := range g.Cases {
		if c.Measure == m {
			return true
		}
	}
	return false
}

// caseFor returns the first case that matches the fate (the last always does).
func (g Goal) caseFor(fate string) Case {
	for _, c := range g.Cases {
		if c.Fate == "" || c.Fate == fate {
			return c
		}
	}
	return g.Cases[len(g.Cases)-1]
}

// share is how far a case's measure goes towards the goal, from 0 to 1. Every measure is
// a non-decreasing function of food, livestock, survival, growth, influence or standing;
// none reads deportations, procurement or exports, and deaths only lower the food
// measure (fedKg).
func (r *Rules) share(c Case, in *yearInput, p room.PlayerInfo) float64 {
	o := &in.Outcome
	switch c.Measure {
	case MeasureFate:
		if v, ok := c.Fates[p.Fate]; ok && p.Fate != "" {
			return v
		}
		return c.Fates["*"]
	case MeasureFood:
		region := ""
		if c.Scope == "home" {
			region = p.Region
		}
		return linear(in.fedKg(region), c.Lo, c.Hi)
	case MeasureLivestock:
		now := herd{o.CattleM, o.HorsesM, o.HerdsM}
		start := in.Start["ussr"]
		if c.Scope == "home" {
			if ro, ok := o.ByRegion[economy.RegionID(p.Region)]; ok {
				now, start = herd{ro.CattleM, ro.HorsesM, ro.HerdsM}, in.Start[p.Region]
			}
		}
		w := r.HerdWeight
		if c.HerdWeight != nil {
			w = *c.HerdWeight
		}
		base := start.units(w)
		if base <= 0 {
			return 0
		}
		return linear(now.units(w)/base, c.Lo, c.Hi)
	case MeasureSettlerSurvival:
		rate := 0.0
		if in.SettlersBefore > 0 {
			rate = o.SettlerDeathsK / in.SettlersBefore
		}
		return linear(rate, c.Lo, c.Hi)
	case MeasureIndustryGrowth:
		if in.PrevIndustry <= 0 {
			return 0
		}
		return linear((o.IndustryIndex/in.PrevIndustry-1)*100, c.Lo, c.Hi)
	case MeasureInfluence:
		return linear(o.BukharinInfluence, c.Lo, c.Hi)
	case MeasureAction:
		if v, ok := c.Actions[in.Actions[p.ID]]; ok && in.Actions[p.ID] != "" {
			return v
		}
		return c.Actions["*"]
	case MeasureRetreat:
		if o.Retreat {
			return 1
		}
		return 0
	case MeasureVote:
		return milderShare(c, in)
	case MeasureMin:
		m := 1.0
		for _, part := range c.Parts {
			m = math.Min(m, r.share(part, in, p))
		}
		return m
	case MeasureMax:
		m := 0.0
		for _, part := range c.Parts {
			m = math.Max(m, r.share(part, in, p))
		}
		return m
	case MeasureMean:
		sum := 0.0
		for _, part := range c.Parts {
			sum += r.share(part, in, p)
		}
		return sum / float64(len(c.Parts))
	}
	return 0
}

// milderShare is the share of the year's ordered decisions named by the case that the
// class resolved on the milder side: in the milder half of the options, or milder than
// history's choice. A year with none of those decisions scores nothing.
func milderShare(c Case, in *yearInput) float64 {
	if in.Year == nil {
		return 0
	}
	n, milder := 0, 0
	for i := range in.Year.Decisions {
		d := &in.Year.Decisions[i]
		if !d.Ordered || !hasPrefix(d.ID, c.Decisions) {
			continue
		}
		_, got, ok := d.Option(in.Choices.Decisions[d.ID])
		if !ok {
			continue
		}
		n++
		switch c.Rule {
		case MilderHalf:
			if got < (len(d.Options)+1)/2 {
				milder++
			}
		case MilderThanHistory:
			if _, hist, ok := d.Option(d.Historical); ok && got < hist {
				milder++
			}
		}
	}
	if n == 0 {
		return 0
	}
	return float64(milder) / float64(n)
}

func hasPrefix(id string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(id, p) {
			return true
		}
	}
	return false
}

func linear(v, lo, hi float64) float64 {
	if math.IsNaN(v) {
		return 0
	}
	return math.Max(0, math.Min(1, (v-lo)/(hi-lo)))
}

// humanCost is the year's one line of human cost: minus one point for every step each
// component reaches, and a word for the total. It never carries a figure of the dead.
func (r *Rules) humanCost(in *yearInput) Line {
	total := 0
	for _, c := range r.HumanCost.Components {
		v := costMeasure(c.Measure, in)
		for _, s := range c.Steps {
			if v >= s {
				total++
			}
		}
	}
	word := r.HumanCost.Words[0].Text
	for _, w := range r.HumanCost.Words {
		if total >= w.From {
			word = w.Text
		}
	}
	max := 0
	for _, c := range r.HumanCost.Components {
		max += len(c.Steps)
	}
	return Line{
		ID: r.HumanCost.ID, Label: r.HumanCost.Label, Points: round1(-float64(total)), Max: 0,
		Note: capitalise(word) + ". " + r.HumanCost.How,
	}
}

func costMeasure(m string, in *yearInput) float64 {
	o := &in.Outcome
	switch m {
	case CostFamineDeaths:
		return o.FamineDeathsM
	case CostDeported:
		return o.HouseholdsDeportedK
	case CostSettlerDeath:
		return o.SettlerDeathsK
	case CostHungryShare:
		// The share of the countryside's people, the famine's dead among them, who went
		// hungry: a region is judged by fedKg, and the dead count as hungry wherever they
		// died, so that a death never makes the countryside look less hungry.
		var all, hungry float64
		for _, r := range economy.Regions {
			ro, ok := o.ByRegion[r]
			if !ok {
				continue
			}
			dead := in.deadBy(r)
			all += ro.RuralPopM + dead
			hungry += dead
			if in.fedKg(string(r)) < in.NeedKg {
				hungry += ro.RuralPopM
			}
		}
		if all <= 0 {
			return 0
		}
		return hungry / all
	}
	return 0
}

// deadBy is the famine's dead in region r from the first year through this one, million.
func (in *yearInput) deadBy(r economy.RegionID) float64 {
	return in.DeadBefore[r] + in.Outcome.FamineDeathsByRegionM[r]
}

// fedKg is the food per head that the "fed" goals and the hunger of the human cost read,
// in a region ("" or an unknown region: the whole USSR): the model's rural food per
// head, shared out again over the living and everyone the famine has killed since the
// game began. In the model a famine death leaves more food for the survivors, so
// without this a year with more deaths would make the region look better fed, then and
// in every later year; counted this way, more deaths can only make it look hungrier.
func (in *yearInput) fedKg(region string) float64 {
	o := &in.Outcome
	if ro, ok := o.ByRegion[economy.RegionID(region)]; ok && region != "" {
		return sharedWithTheDead(ro.RuralFoodPerHeadKg, ro.RuralPopM, in.deadBy(economy.RegionID(region)))
	}
	dead := o.FamineDeathsM
	for _, d := range in.DeadBefore {
		dead += d
	}
	return sharedWithTheDead(o.RuralFoodPerHeadKg, o.RuralPopM, dead)
}

// sharedWithTheDead is food per head of the living, kg, shared over the living and the
// dead (million each).
func sharedWithTheDead(kg, livingM, deadM float64) float64 {
	if deadM <= 0 {
		return kg
	}
	if livingM <= 0 {
		return 0
	}
	return kg * livingM / (livingM + deadM)
}

// debate scores a player's posts of the year as they stood at its resolution: visible
// posts only (not held for approval, not hidden by the teacher). Times play no part.
func (r *Rules) debate(snap *yearSnap, p room.PlayerInfo, roleOf map[string]string) DebateYear {
	var d DebateYear
	for _, a := range snap.Posts {
		if a.Year != snap.Year || a.Hidden || a.Held {
			continue
		}
		if a.PlayerID == p.ID {
			d.Arguments++
			if a.Evidence != "" {
				d.Evidence++
			}
			for _, m := range a.MarkedBy {
				if roleOf[m] == p.Role {
					d.MarksSame++
				} else {
					d.MarksOther++
				}
			}
		}
		for _, rep := range a.Replies {
			if rep.PlayerID == p.ID && rep.Year == snap.Year && !rep.Hidden && !rep.Held {
				d.Replies++
			}
		}
	}
	dr := r.Debate
	capped := func(id string, rule CountRule, n int) Line {
		counted := min(n, rule.Cap)
		return Line{ID: id, Label: rule.Label, Points: round1(float64(counted) * rule.Points), Max: round1(float64(rule.Cap) * rule.Points),
			Note: i18n.T(i18n.Default, "scoring.note.capped", n, rule.Cap)}
	}
	marks := round1(math.Min(dr.Marks.Cap, float64(d.MarksSame)*dr.Marks.SameFaction+float64(d.MarksOther)*dr.Marks.OtherFaction))
	d.Lines = []Line{
		capped("arguments", dr.Argument, d.Arguments),
		capped("replies", dr.Reply, d.Replies),
		capped("evidence", dr.Evidence, d.Evidence),
		{ID: "marks", Label: dr.Marks.Label, Points: marks, Max: dr.Marks.Cap,
			Note: i18n.T(i18n.Default, "scoring.note.marks", d.MarksSame, d.MarksOther)},
	}
	sum := 0.0
	for _, l := range d.Lines {
		sum += l.Points
	}
	d.Points = round1(sum)
	return d
}

// totals lists every player who got past approval and adds their years up.
func (r *Rules) totals(rep *Report, ss *session) {
	for _, p := range ss.final.Players {
		if p.Status == room.StatusPending {
			continue
		}
		rep.Players = append(rep.Players, PlayerScore{PlayerID: p.ID, Nickname: p.Nickname, Role: p.Role, Region: p.Region,
			Fate: p.Fate, Status: p.Status, TeacherJudged: r.teacherJudged(p.Role)})
	}
	r.sumTotals(rep)
}

// teacherJudged reports whether the teacher judges any of the role's goals.
func (r *Rules) teacherJudged(role string) bool {
	for _, g := range r.Roles[role].Goals {
		if g.measures(MeasureTeacher) {
			return true
		}
	}
	return false
}

// sumTotals adds each player's years up and averages each faction's members.
func (r *Rules) sumTotals(rep *Report) {
	idx := map[string]int{}
	for i := range rep.Players {
		ps := &rep.Players[i]
		idx[ps.PlayerID] = i
		ps.Years, ps.RoleResult, ps.DebatePoints, ps.Total, ps.Partial = 0, 0, 0, 0, false
	}
	rep.Factions = []FactionScore{}
	marks := map[string]int{}
	for _, y := range rep.Years {
		for _, py := range y.Players {
			i, ok := idx[py.PlayerID]
			if !ok {
				continue
			}
			ps := &rep.Players[i]
			ps.Years++
			ps.Partial = ps.Partial || py.Partial
			ps.RoleResult += py.RoleResult
			ps.DebatePoints += py.DebatePoints
			marks[py.PlayerID] += py.Debate.MarksSame + py.Debate.MarksOther
		}
	}
	type acc struct {
		n                 int
		role, debate, all float64
		marks             int
		partial           bool
	}
	byRole := map[string]*acc{}
	for i := range rep.Players {
		ps := &rep.Players[i]
		ps.RoleResult, ps.DebatePoints = round1(ps.RoleResult), round1(ps.DebatePoints)
		ps.Total = round1(ps.RoleResult + ps.DebatePoints)
		if _, faction := roles.Faction(ps.Role); !faction || ps.Years == 0 || ps.Status == room.StatusRemoved {
			continue
		}
		a := byRole[ps.Role]
		if a == nil {
			a = &acc{}
			byRole[ps.Role] = a
		}
		a.n++
		a.role += ps.RoleResult
		a.debate += ps.DebatePoints
		a.all += ps.Total
		a.marks += marks[ps.PlayerID]
		a.partial = a.partial || ps.Partial
	}
	for _, role := range roles.IDs {
		a := byRole[role]
		if a == nil {
			continue
		}
		n := float64(a.n)
		rep.Factions = append(rep.Factions, FactionScore{Role: role, Members: a.n, RoleResult: round1(a.role / n),
			DebatePoints: round1(a.debate / n), Total: round1(a.all / n), MarksReceived: a.marks, Partial: a.partial})
	}
}

func round1(x float64) float64 {
	r := math.Round(x*10) / 10
	if r == 0 {
		return 0
	}
	return r
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
