package roles

import (
	"fmt"
	"strconv"
	"strings"
)

// YearsFile holds each year's title and summary as the whole class sees them (the
// student's year card before a briefing arrives, the teacher's console, the projector),
// written in variants chosen by the class's path like a briefing slot: a counterfactual
// room whose teacher switched the decrees off, or whose class chose its way out of the
// famine, is not told history's year as its own.
const YearsFile = "years.json"

type yearsFile struct {
	Years map[string]yearText `json:"years"`
}

// yearText is one year's title and summary, each a list of variants; the last of each has
// no conditions.
type yearText struct {
	Title   []variant `json:"title"`
	Summary []variant `json:"summary"`
}

// YearText is the year's title and summary on the class's path.
type YearText struct {
	Title   string `json:"title"`
	Summary string `json:"summary"`
}

// checkYears validates years.json: every scenario year, no other, variants that end
// without conditions, conditions of the USSR-wide vocabulary (no region, fate or action:
// the text is the whole class's) and defined glossary marks.
func (c *Content) checkYears(yf yearsFile) error {
	fail := func(path, format string, args ...any) error {
		return &ContentError{File: YearsFile, Path: path, Problem: fmt.Sprintf(format, args...)}
	}
	c.years = map[int]yearText{}
	for key, yt := range yf.Years {
		y, err := strconv.Atoi(key)
		if err != nil || y < c.sc.FirstYear() || y > c.sc.LastYear() {
			return fail("years."+key, "%q is not a year of the scenario (%d–%d)", key, c.sc.FirstYear(), c.sc.LastYear())
		}
		for _, part := range []struct {
			name string
			vs   []variant
		}{{"title", yt.Title}, {"summary", yt.Summary}} {
			p := "years." + key + "." + part.name
			if len(part.vs) == 0 || len(part.vs[len(part.vs)-1].When) > 0 {
				return fail(p, "the last variant must have no conditions, so that the year always has a %s", part.name)
			}
			for i, v := range part.vs {
				vp := fmt.Sprintf("%s[%d]", p, i)
				if strings.TrimSpace(v.Text) == "" {
					return fail(vp+".text", "empty text")
				}
				if v.Graphic || v.Alt != "" {
					return fail(vp, "a year's %s is read by the whole class and is never graphic", part.name)
				}
				if e := c.checkMarkup(v.Text); e != "" {
					return fail(vp+".text", "%s", e)
				}
				for j, cond := range v.When {
					key, _, _ := strings.Cut(strings.TrimPrefix(cond, "!"), ":")
					if key == "region" || key == "fate" || key == "did" || key == "settlers" {
						return fail(fmt.Sprintf("%s.when[%d]", vp, j), "condition %q reads one player; a year's text is the whole class's", cond)
					}
					if e := c.checkCondition(cond, c.roles[Historian], ""); e != "" {
						return fail(fmt.Sprintf("%s.when[%d]", vp, j), "%s", e)
					}
				}
			}
		}
		c.years[y] = yt
	}
	for y := c.sc.FirstYear(); y <= c.sc.LastYear(); y++ {
		if _, ok := c.years[y]; !ok {
			return fail("years", "year %d is missing", y)
		}
	}
	return nil
}

// Year returns the year's title and summary on the class's path, read USSR-wide: ctx's
// region, fate, last action and settlers are ignored. The glossary marks are kept, as in
// a briefing.
func (c *Content) Year(year int, ctx BriefingContext) (YearText, error) {
	ctx.Region, ctx.Fate, ctx.LastAction, ctx.SettlerReports, ctx.SettlerLetters = "", "", "", 0, 0
	p, err := c.PathOf(Historian, year, ctx)
	if err != nil {
		return YearText{}, err
	}
	yt := c.years[year]
	pick := func(vs []variant) string {
		for _, v := range vs {
			if holdsAll(p, v.When) {
				return v.Text
			}
		}
		return ""
	}
	return YearText{Title: pick(yt.Title), Summary: pick(yt.Summary)}, nil
}
