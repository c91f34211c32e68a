package history

import (
	"strings"
	"testing"
)

func TestTablesParse(t *testing.T) {
	if n := len(Series()); n != 169 {
		t.Errorf("series.csv: %d rows, want 169", n)
	}
	if n := len(Reference()); n != 50 {
		t.Errorf("reference.csv: %d rows, want 50", n)
	}
	if n := len(RegionRows()); n != 95 {
		t.Errorf("regions.csv: %d rows, want 95", n)
	}
	if n := len(Events()); n < 35 {
		t.Errorf("events.md: %d events, want the whole list", n)
	}
}

func TestRowIDsAreLineNumbers(t *testing.T) {
	r, ok := SeriesRowByID("series:2")
	if !ok || r.Year != 1928 || r.Metric != "grain_harvest_official_1930s_estimate" || r.Value == nil || *r.Value != 73.3 {
		t.Errorf("series:2 = %+v, %v", r, ok)
	}
	b, ok := ReferenceRowByID("reference:2")
	if !ok || b.Quantity != "grainHarvestMt" || b.Year != 1928 || b.Low != 70 || b.High != 76 || b.Display == nil || *b.Display != 73.3 {
		t.Errorf("reference:2 = %+v, %v", b, ok)
	}
	for _, id := range []string{"series:1", "series:0", "reference:999", "event:2999", "series:abc"} {
		if Known(id) {
			t.Errorf("%s is known", id)
		}
	}
	if _, ok := SeriesRowByID("reference:2"); ok {
		t.Error("SeriesRowByID accepted a reference id")
	}
}

func TestEmptyDisplayIsNil(t *testing.T) {
	b, ok := BandFor("procurementMt", 1932)
	if !ok || b.Display != nil || b.Low != 16 || b.High != 21 {
		t.Errorf("procurementMt 1932 = %+v, %v; want [16, 21] with no display figure", b, ok)
	}
}

func TestEventIDs(t *testing.T) {
	for id, want := range map[string]string{
		"event:1932-08-07": "Law on socialist property",
		"event:1930-03-02": "Dizzy with Success",
		"event:1927-28":    "Grain procurement crisis",
		"event:1933-01":    "Famine peaks",
		"event:1931":       "Second deportation wave",
		"event:1934":       "Izvestiia",
	} {
		e, ok := EventByID(id)
		if !ok || !strings.Contains(e.Text, want) || e.Source == "" {
			t.Errorf("%s = %+v, %v; want text containing %q and a source", id, e, ok, want)
		}
	}
	seen := map[string]bool{}
	for _, e := range Events() {
		if seen[e.ID] {
			t.Errorf("duplicate event id %s", e.ID)
		}
		seen[e.ID] = true
	}
}

func TestDateSlug(t *testing.T) {
	for in, want := range map[string]string{
		"1921-03-08/16":                   "1921-03-08",
		"1927–28":                         "1927-28",
		"1928-01-15 [verify] → early Feb": "1928-01-15",
		"1930-02 → 09":                    "1930-02",
		"2022-11-30 / 2022-12-15":         "2022-11-30",
		"1934":                            "1934",
	} {
		if got := dateSlug(in); got != want {
			t.Errorf("dateSlug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFileIsEmbedded(t *testing.T) {
	b, err := File("events.md")
	if err != nil || !strings.Contains(string(b), "Dizzy with Success") {
		t.Errorf("File(events.md): %v", err)
	}
	if _, err := File("../../etc/passwd"); err == nil {
		t.Error("File read outside data/")
	}
}
