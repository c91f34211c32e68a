// Package history owns the project's own copy of the research tables behind the game:
// series.csv (the raw figures, each with its source), reference.csv (the band shown as
// "history" for each quantity and year), regions.csv (what was found per region) and
// events.md (dated events with sources). The files are embedded from data/, so nothing
// reads ../shared at run time. The package is pure and imports only the standard library.
//
// Every row has a stable id that evidence cards, briefings and the scenario cite:
//
//	series:N     the row on line N of series.csv (line 1 is the header, so N ≥ 2)
//	reference:N  the row on line N of reference.csv
//	regions:N    the row on line N of regions.csv
//	event:DATE   an event of events.md, named by the first date in its date field with
//	             any range or note cut off ("1932-08-07", "1930-02", "1927-28", "1934");
//	             a later event whose date would repeat an id gets "-2", "-3"…
//
// The ids change only when the files are edited; edit by appending rows where possible.
package history

import (
	"bytes"
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

//go:embed data/series.csv data/reference.csv data/regions.csv data/events.md
var files embed.FS

// Band is one row of reference.csv: the range charts and the debrief show as history.
type Band struct {
	ID       string   `json:"id"`
	Quantity string   `json:"quantity"`
	Unit     string   `json:"unit"`
	Year     int      `json:"year"`
	Low      float64  `json:"low"`
	High     float64  `json:"high"`
	Display  *float64 `json:"display,omitempty"` // nil where no single figure is sound
	Source   string   `json:"source"`
}

// SeriesRow is one row of series.csv. Value, Low and High are nil when the cell is empty.
type SeriesRow struct {
	ID     string   `json:"id"`
	Year   int      `json:"year"`
	Metric string   `json:"metric"`
	Value  *float64 `json:"value,omitempty"`
	Unit   string   `json:"unit"`
	Low    *float64 `json:"low,omitempty"`
	High   *float64 `json:"high,omitempty"`
	Source string   `json:"source"`
}

// RegionRow is one row of regions.csv.
type RegionRow struct {
	ID     string   `json:"id"`
	Region string   `json:"region"`
	Year   int      `json:"year"`
	Metric string   `json:"metric"`
	Value  *float64 `json:"value,omitempty"`
	Unit   string   `json:"unit"`
	Low    *float64 `json:"low,omitempty"`
	High   *float64 `json:"high,omitempty"`
	Source string   `json:"source"`
}

// Event is one dated line of events.md.
type Event struct {
	ID     string `json:"id"`
	Date   string `json:"date"` // as written, with any [verify] note
	Text   string `json:"text"`
	Source string `json:"source"`
}

type tables struct {
	bands   []Band
	series  []SeriesRow
	regions []RegionRow
	events  []Event
	byID    map[string]int // id -> index in its own table
}

var (
	once   sync.Once
	loaded tables
)

func data() *tables {
	once.Do(func() {
		t, err := parseAll()
		if err != nil {
			// The files are embedded and covered by tests: failing here is a build defect.
			panic("history: " + err.Error())
		}
		loaded = t
	})
	return &loaded
}

// Reference returns every row of reference.csv in file order. The slice is a copy.
func Reference() []Band { return append([]Band(nil), data().bands...) }

// Series returns every row of series.csv in file order. The slice is a copy.
func Series() []SeriesRow { return append([]SeriesRow(nil), data().series...) }

// RegionRows returns every row of regions.csv in file order. The slice is a copy.
func RegionRows() []RegionRow { return append([]RegionRow(nil), data().regions...) }

// Events returns every event of events.md in file order. The slice is a copy.
func Events() []Event { return append([]Event(nil), data().events...) }

// ReferenceRowByID returns the reference row with the given id ("reference:N").
func ReferenceRowByID(id string) (Band, bool) {
	d := data()
	if i, ok := d.byID[id]; ok && strings.HasPrefix(id, "reference:") {
		return d.bands[i], true
	}
	return Band{}, false
}

// SeriesRowByID returns the series row with the given id ("series:N").
func SeriesRowByID(id string) (SeriesRow, bool) {
	d := data()
	if i, ok := d.byID[id]; ok && strings.HasPrefix(id, "series:") {
		return d.series[i], true
	}
	return SeriesRow{}, false
}

// RegionRowByID returns the regions row with the given id ("regions:N").
func RegionRowByID(id string) (RegionRow, bool) {
	d := data()
	if i, ok := d.byID[id]; ok && strings.HasPrefix(id, "regions:") {
		return d.regions[i], true
	}
	return RegionRow{}, false
}

// EventByID returns the event with the given id ("event:1932-08-07").
func EventByID(id string) (Event, bool) {
	d := data()
	if i, ok := d.byID[id]; ok && strings.HasPrefix(id, "event:") {
		return d.events[i], true
	}
	return Event{}, false
}

// Known reports whether id names a row of any table or an event.
func Known(id string) bool {
	_, ok := data().byID[id]
	return ok
}

// BandFor returns history's band for a quantity (a `debate simulate` field name such as
// "grainHarvestMt") in a year, if reference.csv has one.
func BandFor(quantity string, year int) (Band, bool) {
	for _, b := range data().bands {
		if b.Quantity == quantity && b.Year == year {
			return b, true
		}
	}
	return Band{}, false
}

// File returns the embedded bytes of one data file ("series.csv", "events.md"…), for
// exports that ship the sources with a game.
func File(name string) ([]byte, error) { return files.ReadFile("data/" + name) }

func parseAll() (tables, error) {
	t := tables{byID: map[string]int{}}
	add := func(id string, i int) error {
		if _, dup := t.byID[id]; dup {
			return fmt.Errorf("duplicate id %s", id)
		}
		t.byID[id] = i
		return nil
	}
	err := readCSV("reference.csv", 7, func(id string, f []string) error {
		b := Band{ID: id, Quantity: f[0], Unit: f[1], Source: f[6]}
		var err error
		if b.Year, err = strconv.Atoi(f[2]); err != nil {
			return err
		}
		if b.Low, err = strconv.ParseFloat(f[3], 64); err != nil {
			return err
		}
		if b.High, err = strconv.ParseFloat(f[4], 64); err != nil {
			return err
		}
		if b.Display, err = optFloat(f[5]); err != nil {
			return err
		}
		t.bands = append(t.bands, b)
		return add(id, len(t.bands)-1)
	})
	if err != nil {
		return t, err
	}
	err = readCSV("series.csv", 7, func(id string, f []string) error {
		r := SeriesRow{ID: id, Metric: f[1], Unit: f[3], Source: f[6]}
		var err error
		if r.Year, err = strconv.Atoi(f[0]); err != nil {
			return err
		}
		if r.Value, err = optFloat(f[2]); err != nil {
			return err
		}
		if r.Low, err = optFloat(f[4]); err != nil {
			return err
		}
		if r.High, err = optFloat(f[5]); err != nil {
			return err
		}
		t.series = append(t.series, r)
		return add(id, len(t.series)-1)
	})
	if err != nil {
		return t, err
	}
	err = readCSV("regions.csv", 8, func(id string, f []string) error {
		r := RegionRow{ID: id, Region: f[0], Metric: f[2], Unit: f[4], Source: f[7]}
		var err error
		if r.Year, err = strconv.Atoi(f[1]); err != nil {
			return err
		}
		if r.Value, err = optFloat(f[3]); err != nil {
			return err
		}
		if r.Low, err = optFloat(f[5]); err != nil {
			return err
		}
		if r.High, err = optFloat(f[6]); err != nil {
			return err
		}
		t.regions = append(t.regions, r)
		return add(id, len(t.regions)-1)
	})
	if err != nil {
		return t, err
	}
	raw, err := files.ReadFile("data/events.md")
	if err != nil {
		return t, err
	}
	t.events = parseEvents(raw)
	for i, e := range t.events {
		if err := add(e.ID, i); err != nil {
			return t, err
		}
	}
	return t, nil
}

// readCSV calls row for every data row with its id (file:line) and fields.
func readCSV(name string, fields int, row func(id string, f []string) error) error {
	raw, err := files.ReadFile("data/" + name)
	if err != nil {
		return err
	}
	r := csv.NewReader(bytes.NewReader(raw))
	r.FieldsPerRecord = fields
	prefix := strings.TrimSuffix(name, ".csv")
	for first := true; ; first = false {
		f, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if first {
			continue // header
		}
		line, _ := r.FieldPos(0)
		id := prefix + ":" + strconv.Itoa(line)
		if err := row(id, f); err != nil {
			return fmt.Errorf("%s line %d: %w", name, line, err)
		}
	}
}

func optFloat(s string) (*float64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// parseEvents reads the "date | text | source" lines of the Events section.
func parseEvents(raw []byte) []Event {
	var out []Event
	seen := map[string]int{}
	for _, line := range strings.Split(string(raw), "\n") {
		parts := strings.Split(line, " | ")
		if len(parts) != 3 || strings.HasPrefix(line, "#") {
			continue
		}
		date := strings.TrimSpace(parts[0])
		slug := dateSlug(date)
		seen[slug]++
		if n := seen[slug]; n > 1 {
			slug += "-" + strconv.Itoa(n)
		}
		out = append(out, Event{ID: "event:" + slug, Date: date, Text: strings.TrimSpace(parts[1]), Source: strings.TrimSpace(parts[2])})
	}
	return out
}

// dateSlug keeps the first date of a date field: digits and hyphens, with an en dash
// read as a hyphen ("1927–28" → "1927-28"), stopping at a space, slash or bracket.
func dateSlug(date string) string {
	var b strings.Builder
	for _, r := range date {
		switch {
		case r >= '0' && r <= '9', r == '-':
			b.WriteRune(r)
		case r == '–':
			b.WriteRune('-')
		default:
			return strings.TrimSuffix(b.String(), "-")
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
