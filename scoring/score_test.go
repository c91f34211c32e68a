package scoring

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/i18n"
	"github.com/classroom-debate/debate/roles"
	"github.com/classroom-debate/debate/room"
)

// baseOutcome is an ordinary year: every region fed at 400 kg, herds as at the start,
// nobody dead, deported or in exile.
func baseOutcome() economy.Outcome {
	sc := economy.Default()
	o := economy.Outcome{Year: 1929, RuralFoodPerHeadKg: 400, IndustryIndex: 110, BukharinInfluence: 30,
		FamineDeathsByRegionM: map[economy.RegionID]float64{}, ByRegion: map[economy.RegionID]economy.RegionOutcome{}}
	for _, r := range economy.Regions {
		spec := sc.RegionData[r]
		o.ByRegion[r] = economy.RegionOutcome{RuralFoodPerHeadKg: 400, CattleM: spec.CattleM, HorsesM: spec.HorsesM, HerdsM: spec.HerdsM, RuralPopM: spec.RuralPopM}
		o.CattleM += spec.CattleM
		o.HorsesM += spec.HorsesM
		o.HerdsM += spec.HerdsM
		o.FamineDeathsByRegionM[r] = 0
		o.RuralPopM += spec.RuralPopM
	}
	return o
}

func input(o economy.Outcome) *yearInput {
	sc := economy.Default()
	yr, _ := sc.Year(1930)
	return &yearInput{Outcome: o, PrevIndustry: 100, SettlersBefore: 1000, Start: startHerds(sc), NeedKg: needKg(sc),
		Rubric: rubricOf(room.DefaultRubric), Played: true, Year: yr, Choices: sc.HistoricalChoices(1930),
		Actions: map[string]string{}, Debate: map[string]DebateYear{}}
}

func rubricOf(cs []room.Criterion) map[string]room.Criterion {
	out := map[string]room.Criterion{}
	for _, c := range cs {
		out[c.ID] = c
	}
	return out
}

func goalPoints(lines []Line) map[string]float64 {
	out := map[string]float64{}
	for _, l := range lines {
		out[l.ID] = l.Points
	}
	return out
}

// Every scoring rule, one row at a time. Rows name the goals they check; the year is 1930
// as the class played it, with history's choices unless the row changes them.
func TestGoals(t *testing.T) {
	r := DefaultRules()
	food := func(region economy.RegionID, kg float64) func(*yearInput) {
		return func(in *yearInput) {
			ro := in.Outcome.ByRegion[region]
			ro.RuralFoodPerHeadKg = kg
			in.Outcome.ByRegion[region] = ro
		}
	}
	scale := func(region economy.RegionID, cattleHorses, herds float64) func(*yearInput) {
		return func(in *yearInput) {
			ro := in.Outcome.ByRegion[region]
			ro.CattleM, ro.HorsesM, ro.HerdsM = ro.CattleM*cattleHorses, ro.HorsesM*cattleHorses, ro.HerdsM*herds
			in.Outcome.ByRegion[region] = ro
		}
	}
	action := func(id string) func(*yearInput) { return func(in *yearInput) { in.Actions["x"] = id } }
	vote := func(decision, option string) func(*yearInput) {
		return func(in *yearInput) {
			ch := map[string]string{}
			for k, v := range in.Choices.Decisions {
				ch[k] = v
			}
			ch[decision] = option
			in.Choices.Decisions = ch
		}
	}
	all := func(fs ...func(*yearInput)) func(*yearInput) {
		return func(in *yearInput) {
			for _, f := range fs {
				f(in)
			}
		}
	}
	official := room.PlayerInfo{ID: "x", Role: "official", Region: "ukraine", Fate: "inOffice"}
	peasant := room.PlayerInfo{ID: "x", Role: "peasant", Region: "volga"}
	kulak := room.PlayerInfo{ID: "x", Role: "kulak", Region: "ukraine", Fate: "free"}
	settler := room.PlayerInfo{ID: "x", Role: "kulak", Region: "ukraine", Fate: "settler"}
	bukh := room.PlayerInfo{ID: "x", Role: "bukharinite", Region: "rest", Fate: "demoted"}
	with := func(p room.PlayerInfo, f func(*room.PlayerInfo)) room.PlayerInfo { f(&p); return p }
	for _, c := range []struct {
		name   string
		player room.PlayerInfo
		change func(*yearInput)
		want   map[string]float64
	}{
		{"official in office, district fed, no action", official, nil,
			map[string]float64{"official-keep-post": 3, "official-district-fed": 4, "official-honest-record": 0, "official-argue-well": 0}},
		{"official purged", with(official, func(p *room.PlayerInfo) { p.Fate = "purged" }), nil,
			map[string]float64{"official-keep-post": 0, "official-district-fed": 4}},
		{"official, district half fed", official, food(economy.Ukraine, 290), map[string]float64{"official-district-fed": 2}},
		{"official, hunger elsewhere only", with(official, func(p *room.PlayerInfo) { p.Region = "volga" }), food(economy.Ukraine, 150),
			map[string]float64{"official-district-fed": 4}},
		{"official, starving district", official, food(economy.Ukraine, 200), map[string]float64{"official-district-fed": 0}},
		// 360 kg a head for 30 M living, shared with 10 M dead: 270 kg, so 4 × 50/140.
		{"official, food shared with the famine's dead", official, func(in *yearInput) {
			ro := in.Outcome.ByRegion[economy.Ukraine]
			ro.RuralFoodPerHeadKg, ro.RuralPopM = 360, 30
			in.Outcome.ByRegion[economy.Ukraine] = ro
			in.DeadBefore = map[economy.RegionID]float64{economy.Ukraine: 8}
			in.Outcome.FamineDeathsByRegionM[economy.Ukraine] = 2
		}, map[string]float64{"official-district-fed": 1.4}},
		{"Bukharinite, the countryside fed but for the dead", bukh, func(in *yearInput) {
			in.Outcome.RuralFoodPerHeadKg, in.Outcome.RuralPopM = 360, 90
			in.Outcome.FamineDeathsM = 10
			in.DeadBefore = map[economy.RegionID]float64{economy.Kazakhstan: 20}
		}, map[string]float64{"bukharinite-villages-fed": 1.4}},
		{"official reports honestly", official, action("official-report-honestly"), map[string]float64{"official-honest-record": 3}},
		{"official asks for relief", official, action("official-ask-relief"), map[string]float64{"official-honest-record": 3}},
		{"official inflates the figures", official, action("official-inflate-figures"), map[string]float64{"official-honest-record": 0}},
		{"official sends requisition squads", official, action("official-requisition-squads"), map[string]float64{"official-honest-record": 0}},
		{"official argues", official, func(in *yearInput) { in.Debate["x"] = DebateYear{Arguments: 2, Points: 4.5} },
			map[string]float64{"official-argue-well": 4.5}},
		{"peasant, all well", peasant, nil, map[string]float64{"peasant-family-fed": 4, "peasant-keep-livestock": 3, "peasant-be-heard": 0}},
		{"peasant, cattle and horses at 65%", peasant, scale(economy.Volga, 0.65, 1), map[string]float64{"peasant-keep-livestock": 1.5}},
		{"peasant, flocks gone but the cow kept", peasant, scale(economy.Volga, 1, 0), map[string]float64{"peasant-keep-livestock": 3}},
		{"peasant, hungry", peasant, food(economy.Volga, 255), map[string]float64{"peasant-family-fed": 1}},
		{"peasant petitions", peasant, action("peasant-petition"), map[string]float64{"peasant-be-heard": 1.5}},
		{"peasant slaughters", peasant, action("peasant-slaughter-animals"), map[string]float64{"peasant-be-heard": 0}},
		{"the villages win a retreat", peasant, func(in *yearInput) { in.Outcome.Retreat = true }, map[string]float64{"peasant-be-heard": 1.5}},
		{"petition and a lower quota", peasant, all(action("peasant-petition"), vote("quota-1930", "moderate")), map[string]float64{"peasant-be-heard": 3}},
		{"a harsher quota is no voice", peasant, vote("quota-1930", "maximal"), map[string]float64{"peasant-be-heard": 0}},
		{"kulak on the land", kulak, food(economy.Ukraine, 100),
			map[string]float64{"kulak-family-together": 4, "kulak-keep-land": 3, "kulak-bear-witness": 3}},
		{"kulak on the land, herds halved", kulak, scale(economy.Ukraine, 0.65, 0.65), map[string]float64{"kulak-keep-land": 2.3}},
		{"special settler, none died, silent", settler, nil,
			map[string]float64{"kulak-family-together": 4, "kulak-keep-land": 1.5, "kulak-bear-witness": 0}},
		{"special settler, 6% died, writes home", settler, all(func(in *yearInput) { in.Outcome.SettlerDeathsK = 60 }, action("settler-letters-home")),
			map[string]float64{"kulak-family-together": 2, "kulak-bear-witness": 3}},
		{"special settler reports conditions", settler, action("settler-report-conditions"), map[string]float64{"kulak-bear-witness": 3}},
		{"Bukharinite, history's harsh votes", bukh, nil,
			map[string]float64{"bukharinite-balanced-growth": 1, "bukharinite-survive": 3, "bukharinite-villages-fed": 4}},
		{"Bukharinite, milder votes", bukh, all(vote("pace-1930", "voluntary"), vote("exports-1930", "modest")),
			map[string]float64{"bukharinite-balanced-growth": 3}},
		{"Bukharinite, harshest everything", bukh, all(vote("pace-1930", "all-out"), vote("quota-1930", "maximal"), vote("exports-1930", "heavy")),
			map[string]float64{"bukharinite-balanced-growth": 0}},
		{"Bukharinite, influence 15", bukh, func(in *yearInput) { in.Outcome.BukharinInfluence = 15 }, map[string]float64{"bukharinite-survive": 1.5}},
		{"Bukharinite, countryside hungry", bukh, func(in *yearInput) { in.Outcome.RuralFoodPerHeadKg = 255 }, map[string]float64{"bukharinite-villages-fed": 1}},
		{"historian", room.PlayerInfo{ID: "x", Role: "historian", Region: "volga"}, nil,
			map[string]float64{"historian-fair-flags": 0, "historian-cards-attached": 0, "historian-annotations": 0}},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := input(baseOutcome())
			if c.change != nil {
				c.change(in)
			}
			lines := r.goals(in, c.player)
			if len(lines) != len(r.Roles[c.player.Role].Goals) {
				t.Fatalf("%d lines for %d goals", len(lines), len(r.Roles[c.player.Role].Goals))
			}
			got := goalPoints(lines)
			for id, w := range c.want {
				g, ok := got[id]
				if !ok || math.Abs(g-w) > 1e-9 {
					t.Errorf("%s = %v, want %v (all: %v)", id, g, w, got)
				}
			}
		})
	}
	// The Historian's goals say who judges them.
	for _, l := range r.goals(input(baseOutcome()), room.PlayerInfo{Role: "historian"}) {
		if !strings.Contains(l.Note, "teacher") || l.Max != 0 {
			t.Errorf("the Historian's line: %+v", l)
		}
	}
	// A year the class did not play scores no action, vote or debate goal.
	in := input(baseOutcome())
	in.Played = false
	in.Actions["x"] = "official-report-honestly"
	in.Debate["x"] = DebateYear{Points: 6}
	for _, l := range r.goals(in, official) {
		played := l.ID == "official-honest-record" || l.ID == "official-argue-well"
		if played && (l.Points != 0 || l.Max != 0 || !strings.Contains(l.Note, "did not play")) {
			t.Errorf("stepped year: %+v", l)
		}
		if !played && l.Max == 0 {
			t.Errorf("stepped year drops an outcome goal: %+v", l)
		}
	}
}

func TestHumanCost(t *testing.T) {
	r := DefaultRules()
	hungry := func(o *economy.Outcome, regions ...economy.RegionID) {
		for _, reg := range regions {
			ro := o.ByRegion[reg]
			ro.RuralFoodPerHeadKg = 250
			o.ByRegion[reg] = ro
		}
	}
	for _, c := range []struct {
		name   string
		change func(*economy.Outcome)
		want   float64
		word   string
	}{
		{"an ordinary year", nil, 0, "No great loss"},
		{"a few thousand deaths", func(o *economy.Outcome) { o.FamineDeathsM = 0.04 }, 0, "No great loss"},
		{"famine of 0.3 M", func(o *economy.Outcome) { o.FamineDeathsM = 0.3 }, -2, "Heavy"},
		{"famine of 3.3 M", func(o *economy.Outcome) { o.FamineDeathsM = 3.3 }, -5, "Catastrophic"},
		{"deportations", func(o *economy.Outcome) { o.HouseholdsDeportedK = 150 }, -2, "Heavy"},
		{"deaths in exile", func(o *economy.Outcome) { o.SettlerDeathsK = 25 }, -1, "Heavy"},
		{"hunger in Ukraine", func(o *economy.Outcome) { hungry(o, economy.Ukraine) }, -1, "Heavy"},
		{"hunger nearly everywhere", func(o *economy.Outcome) {
			hungry(o, economy.Ukraine, economy.Kazakhstan, economy.NorthCaucasus, economy.Volga, economy.Rest)
		}, -2, "Heavy"},
		{"1933 as history had it", func(o *economy.Outcome) {
			o.FamineDeathsM, o.SettlerDeathsK = 3.4, 100
			hungry(o, economy.Ukraine, economy.Kazakhstan, economy.NorthCaucasus)
		}, -7, "Catastrophic"},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := baseOutcome()
			if c.change != nil {
				c.change(&o)
			}
			l := r.humanCost(input(o))
			if l.Points != c.want || !strings.HasPrefix(l.Note, c.word) {
				t.Errorf("got %v %q, want %v %q", l.Points, l.Note, c.want, c.word)
			}
			// One line, with no count of the dead in it.
			if containsDigit(l.Label) || containsDigit(l.Note) {
				t.Errorf("the human-cost line carries a figure: %+v", l)
			}
		})
	}
}

// debateSnap builds a year's snapshot: players with roles, and posts.
func debateSnap(year int, roleOf map[string]string, posts ...room.ArgumentView) *yearSnap {
	s := &yearSnap{Year: year, Posts: posts}
	for _, id := range []string{"a", "b", "c", "d", "h"} {
		if r, ok := roleOf[id]; ok {
			s.Players = append(s.Players, room.PlayerInfo{ID: id, Role: r, Status: room.StatusActive})
		}
	}
	return s
}

func arg(id, author string, year int, evidence string, markedBy ...string) room.ArgumentView {
	return room.ArgumentView{PostView: room.PostView{PostData: room.PostData{ID: id, PlayerID: author, Year: year, Evidence: evidence}}, MarkedBy: markedBy, Marks: len(markedBy)}
}

func TestDebatePoints(t *testing.T) {
	r := DefaultRules()
	roleOf := map[string]string{"a": "peasant", "b": "peasant", "c": "official", "d": "kulak", "h": "historian"}
	withReplies := func(a room.ArgumentView, rs ...room.PostView) room.ArgumentView { a.Replies = rs; return a }
	reply := func(id, author string, year int) room.PostView {
		return room.PostView{PostData: room.PostData{ID: id, Parent: "x", PlayerID: author, Year: year}}
	}
	hidden := arg("a9", "a", 1930, "card")
	hidden.Hidden = true
	held := arg("a8", "a", 1930, "card")
	held.Held = true
	many := func(n int, evidence string) []room.ArgumentView {
		var out []room.ArgumentView
		for i := 0; i < n; i++ {
			out = append(out, arg("a"+string(rune('0'+i)), "a", 1930, evidence))
		}
		return out
	}
	for _, c := range []struct {
		name  string
		posts []room.ArgumentView
		want  float64
		check func(t *testing.T, d DebateYear)
	}{
		{"nothing", nil, 0, nil},
		{"one argument", many(1, ""), 1, nil},
		{"arguments are capped", many(7, ""), 2, func(t *testing.T, d DebateYear) {
			if d.Arguments != 7 || !strings.Contains(d.Lines[0].Note, "7, of which up to 2 count") {
				t.Errorf("counts: %+v", d)
			}
		}},
		{"evidence is capped", many(3, "card"), 2 + 1, nil},
		{"replies are capped", []room.ArgumentView{withReplies(arg("x", "c", 1930, ""),
			reply("r1", "a", 1930), reply("r2", "a", 1930), reply("r3", "a", 1930), reply("r4", "a", 1930), reply("r5", "a", 1930))}, 1, nil},
		{"a mark from the same role", []room.ArgumentView{arg("a1", "a", 1930, "", "b")}, 1 + 0.5, nil},
		{"a mark from another role weighs more", []room.ArgumentView{arg("a1", "a", 1930, "", "c")}, 1 + 1, nil},
		{"the Historian's mark is from another role", []room.ArgumentView{arg("a1", "a", 1930, "", "h")}, 1 + 1, nil},
		{"marks are capped", []room.ArgumentView{arg("a1", "a", 1930, "", "b", "c", "d", "h")}, 1 + 2, func(t *testing.T, d DebateYear) {
			if d.MarksSame != 1 || d.MarksOther != 3 {
				t.Errorf("marks: %+v", d)
			}
		}},
		{"other years do not count", []room.ArgumentView{arg("a1", "a", 1928, "card", "c"), withReplies(arg("x", "c", 1928, ""), reply("r1", "a", 1928))}, 0, nil},
		{"hidden and held posts do not count", []room.ArgumentView{hidden, held}, 0, nil},
		{"others' posts do not count", []room.ArgumentView{arg("a1", "c", 1930, "card", "a")}, 0, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := r.debate(debateSnap(1930, roleOf, c.posts...), room.PlayerInfo{ID: "a", Role: "peasant"}, roleOf)
			if d.Points != c.want {
				t.Errorf("points %v, want %v: %+v", d.Points, c.want, d)
			}
			sum := 0.0
			for _, l := range d.Lines {
				sum += l.Points
			}
			if math.Abs(sum-d.Points) > 1e-9 {
				t.Errorf("the lines add up to %v, the total is %v", sum, d.Points)
			}
			if c.check != nil {
				c.check(t, d)
			}
		})
	}
}

// randomOutcome is any year the model might produce.
func randomOutcome(rng *rand.Rand) economy.Outcome {
	o := baseOutcome()
	o.Year = 1928 + rng.IntN(7)
	o.FamineDeathsM = 0
	for _, r := range economy.Regions {
		ro := o.ByRegion[r]
		ro.RuralFoodPerHeadKg = 150 + rng.Float64()*500
		share := 0.1 + rng.Float64()
		ro.CattleM, ro.HorsesM, ro.HerdsM = ro.CattleM*share, ro.HorsesM*share, ro.HerdsM*share*rng.Float64()
		ro.FamineDeathsM = rng.Float64() * rng.Float64() * 2
		o.ByRegion[r] = ro
		o.FamineDeathsByRegionM[r] = ro.FamineDeathsM
		o.FamineDeathsM += ro.FamineDeathsM
	}
	o.RuralFoodPerHeadKg = 150 + rng.Float64()*500
	o.IndustryIndex = 80 + rng.Float64()*80
	o.BukharinInfluence = rng.Float64() * 60
	o.HouseholdsDeportedK = rng.Float64() * 300 * float64(rng.IntN(2))
	o.SettlerDeathsK = rng.Float64() * 150
	return o
}

func randomPlayers(rng *rand.Rand) []room.PlayerInfo {
	fates := append([]string{""}, roles.FateIDs...)
	var ps []room.PlayerInfo
	for i, role := range roles.IDs {
		for k := 0; k < 3; k++ {
			ps = append(ps, room.PlayerInfo{ID: string(rune('a'+i)) + string(rune('0'+k)), Role: role,
				Region: string(economy.Regions[rng.IntN(len(economy.Regions))]), Fate: fates[rng.IntN(len(fates))], Status: room.StatusActive})
		}
	}
	return ps
}

// scoreOf scores every player in a year from an outcome alone.
func scoreOf(r *Rules, o economy.Outcome, settlersBefore float64, ps []room.PlayerInfo) YearScores {
	in := input(o)
	in.SettlersBefore = settlersBefore
	return r.scoreYear(in, &yearSnap{Year: o.Year, Players: ps, Result: room.YearResult{Outcome: o}})
}

// checkNeverRaised fails if any player's line, role result or total is higher in after.
func checkNeverRaised(t *testing.T, what string, before, after YearScores) {
	t.Helper()
	for i, b := range before.Players {
		a := after.Players[i]
		if a.RoleResult > b.RoleResult || a.Total > b.Total {
			t.Fatalf("%s raised %s's (%s, %s) result: %v → %v", what, b.PlayerID, b.Role, b.Fate, b.RoleResult, a.RoleResult)
		}
		for k, g := range b.Goals {
			if a.Goals[k].Points > g.Points {
				t.Fatalf("%s raised goal %s of %s: %v → %v", what, g.ID, b.Role, g.Points, a.Goals[k].Points)
			}
		}
	}
}

// The famine property: with everything else fixed, more famine deaths (anywhere, in any
// amount) never raise any score; and a great famine lowers every faction's result.
func TestMoreFamineDeathsNeverRaiseAnyScore(t *testing.T) {
	r := DefaultRules()
	rng := rand.New(rand.NewPCG(1932, 1933))
	for i := 0; i < 600; i++ {
		o := randomOutcome(rng)
		ps := randomPlayers(rng)
		settlers := rng.Float64() * 2000
		before := scoreOf(r, o, settlers, ps)
		more := o
		more.FamineDeathsByRegionM = map[economy.RegionID]float64{}
		more.ByRegion = map[economy.RegionID]economy.RegionOutcome{}
		for _, reg := range economy.Regions {
			more.FamineDeathsByRegionM[reg] = o.FamineDeathsByRegionM[reg]
			more.ByRegion[reg] = o.ByRegion[reg]
		}
		reg := economy.Regions[rng.IntN(len(economy.Regions))]
		extra := rng.Float64() * rng.Float64() * 4
		more.FamineDeathsM += extra
		more.FamineDeathsByRegionM[reg] += extra
		ro := more.ByRegion[reg]
		ro.FamineDeathsM += extra
		more.ByRegion[reg] = ro
		checkNeverRaised(t, "more famine deaths", before, scoreOf(r, more, settlers, ps))
	}
	// From no famine to a great one, every faction's result falls.
	o := baseOutcome()
	ps := randomPlayers(rng)
	before := scoreOf(r, o, 1000, ps)
	o.FamineDeathsM, o.FamineDeathsByRegionM[economy.Ukraine] = 4, 4
	after := scoreOf(r, o, 1000, ps)
	for i, b := range before.Players {
		if _, faction := roles.Faction(b.Role); faction && after.Players[i].RoleResult >= b.RoleResult {
			t.Errorf("a great famine did not lower %s's result: %v → %v", b.Role, b.RoleResult, after.Players[i].RoleResult)
		}
	}
}

// The same for the other parts of the human cost: deportations, deaths in exile, hunger.
func TestDeportationAndHungerNeverRaiseAnyScore(t *testing.T) {
	r := DefaultRules()
	rng := rand.New(rand.NewPCG(1930, 1931))
	copyOutcome := func(o economy.Outcome) economy.Outcome {
		c := o
		c.ByRegion = map[economy.RegionID]economy.RegionOutcome{}
		for k, v := range o.ByRegion {
			c.ByRegion[k] = v
		}
		return c
	}
	for i := 0; i < 400; i++ {
		o := randomOutcome(rng)
		ps := randomPlayers(rng)
		settlers := 1 + rng.Float64()*2000
		before := scoreOf(r, o, settlers, ps)

		dep := copyOutcome(o)
		dep.HouseholdsDeportedK += rng.Float64() * 300
		checkNeverRaised(t, "more deportations", before, scoreOf(r, dep, settlers, ps))

		exile := copyOutcome(o)
		exile.SettlerDeathsK += rng.Float64() * 200
		checkNeverRaised(t, "more deaths in exile", before, scoreOf(r, exile, settlers, ps))

		hunger := copyOutcome(o)
		reg := economy.Regions[rng.IntN(len(economy.Regions))]
		ro := hunger.ByRegion[reg]
		ro.RuralFoodPerHeadKg -= rng.Float64() * 200
		hunger.ByRegion[reg] = ro
		hunger.RuralFoodPerHeadKg -= rng.Float64() * 200
		checkNeverRaised(t, "more hunger", before, scoreOf(r, hunger, settlers, ps))
	}
}

// The debate note's counts read the catalogue's singular and plural messages.
func TestDebateNoteWording(t *testing.T) {
	for _, keys := range [][2]string{argumentsCount, repliesCount, marksCount} {
		for _, k := range keys {
			if !i18n.Has(k) {
				t.Errorf("the catalogue has no %q", k)
			}
		}
	}
	for _, c := range []struct {
		d    DebateYear
		want string
	}{
		{DebateYear{Arguments: 1, Replies: 1, Evidence: 1, MarksSame: 1}, "1 argument, 1 reply, 1 citing evidence, 1 persuasive mark (0 from other roles)"},
		{DebateYear{Arguments: 3, Replies: 0, Evidence: 2, MarksSame: 1, MarksOther: 2}, "3 arguments, 0 replies, 2 citing evidence, 3 persuasive marks (2 from other roles)"},
	} {
		if got := debateNote(c.d); got != c.want {
			t.Errorf("debateNote(%+v) = %q, want %q", c.d, got, c.want)
		}
	}
}
