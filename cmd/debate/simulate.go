package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/history"
)

const simulateUsage = `usage: debate simulate (--historical | --choices FILE) [--seed N] [--format json|table]
                        [--weather history|ordinary] [--experiment NAME [--runs N]]
       debate simulate --assumptions

Runs the 1928–1934 economy model and prints every year's outcome.

  --historical     history's choices, directives, weather and action shares
  --choices FILE   a choices record (docs/CHOICES.md); "-" reads standard input
  --seed N         the seed for counterfactual weather noise (overrides the record's)
  --format F       json (default): {"years":[...]}; table: each figure beside history's band
  --weather W      history (default): history's sourced weather; ordinary: every
                   yield factor 1.0 and no noise, so only the policies act
  --experiment E   run the path with one cause removed, as a historian argues it:
                   ordinary-1932 (Tauger), no-exports-reserves (Ellman; Davies and
                   Wheatcroft), no-blacklists (Conquest, Applebaum, Graziosi),
                   collectivisation-1929 (Naumenko), relief-autumn-1932; prints the
                   run and, under "experiment", the range over an ensemble that draws
                   the estimated coefficients from their stated ranges
  --runs N         the ensemble's size (default 50)
  --assumptions    print the model's stated assumptions in plain words and exit

Exit codes: 0 done, 2 bad flags or a bad choices file.`

// checkVariantFlags refuses a bad --weather, --experiment or --runs before any record is
// read, with a sentence naming the flag and what it accepts ("" when all are good). The
// model refuses them too, but its sentence names neither the flag nor the file.
func checkVariantFlags(fs *flag.FlagSet, sc *economy.Scenario, weather, experiment string, runs int) string {
	if weather != economy.WeatherHistory && weather != economy.WeatherOrdinary {
		return fmt.Sprintf("unknown --weather %q: use %s or %s", weather, economy.WeatherHistory, economy.WeatherOrdinary)
	}
	if experiment != "" && !slices.Contains(sc.ExperimentIDs(), experiment) {
		return fmt.Sprintf("unknown --experiment %q: the experiments are %s", experiment, strings.Join(sc.ExperimentIDs(), ", "))
	}
	runsSet := false
	fs.Visit(func(f *flag.Flag) { runsSet = runsSet || f.Name == "runs" })
	if runsSet && experiment == "" {
		return "--runs sizes an experiment's ensemble: give it with --experiment NAME"
	}
	if runs < economy.MinEnsembleRuns || runs > economy.MaxEnsembleRuns {
		return fmt.Sprintf("--runs %d: an ensemble has between %d and %d runs", runs, economy.MinEnsembleRuns, economy.MaxEnsembleRuns)
	}
	return ""
}

// runSimulate is `debate simulate`. It never reads ../shared: the scenario and the
// history bands are embedded.
func runSimulate(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	historical := fs.Bool("historical", false, "")
	choices := fs.String("choices", "", "")
	seed := fs.Int64("seed", 0, "")
	format := fs.String("format", "json", "")
	assumptions := fs.Bool("assumptions", false, "")
	weather := fs.String("weather", economy.WeatherHistory, "")
	experiment := fs.String("experiment", "", "")
	runs := fs.Int("runs", 50, "")
	help := fs.Bool("help", false, "")
	fs.BoolVar(help, "h", false, "")
	if err := fs.Parse(args); err != nil {
		fmt.Fprintf(stderr, "debate simulate: %v\n\n%s\n", err, simulateUsage)
		return 2
	}
	if *help {
		fmt.Fprintln(stdout, simulateUsage)
		return 0
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "debate simulate: unexpected argument %q\n\n%s\n", fs.Arg(0), simulateUsage)
		return 2
	}
	sc := economy.Default()
	if *assumptions {
		for _, a := range sc.Assumptions() {
			fmt.Fprintf(stdout, "- %s\n  How far to trust it: %s\n", a.Text, a.Trust)
		}
		return 0
	}
	if *format != "json" && *format != "table" {
		fmt.Fprintf(stderr, "debate simulate: unknown format %q: use json or table\n", *format)
		return 2
	}
	if msg := checkVariantFlags(fs, sc, *weather, *experiment, *runs); msg != "" {
		fmt.Fprintf(stderr, "debate simulate: %s\n", msg)
		return 2
	}
	if *historical == (*choices != "") {
		fmt.Fprintf(stderr, "debate simulate: give exactly one of --historical and --choices FILE\n\n%s\n", simulateUsage)
		return 2
	}
	var rec economy.Record
	name := "history"
	if *historical {
		rec = sc.HistoricalRecord()
	} else {
		name = *choices
		var data []byte
		var err error
		if name == "-" {
			data, err = io.ReadAll(stdin)
		} else {
			data, err = os.ReadFile(name)
		}
		if err != nil {
			fmt.Fprintf(stderr, "debate simulate: cannot read the choices file: %v\n", err)
			return 2
		}
		if rec, err = decodeRecord(data); err != nil {
			fmt.Fprintf(stderr, "debate simulate: %s: %v\n", name, err)
			return 2
		}
	}
	seedSet := false
	fs.Visit(func(f *flag.Flag) { seedSet = seedSet || f.Name == "seed" })
	if seedSet {
		rec.Seed = *seed
	}
	fail := func(err error) int {
		msg := err.Error()
		var fe *fault.Error
		if errors.As(err, &fe) {
			msg = fe.Message
		}
		fmt.Fprintf(stderr, "debate simulate: %s: %s\n", name, msg)
		return 2
	}
	outs, err := sc.RunWith(rec, economy.RunOptions{Weather: *weather, Experiment: *experiment})
	if err != nil {
		return fail(err)
	}
	var exp *economy.ExperimentResult
	if *experiment != "" {
		res, err := sc.RunExperiments(rec, []string{*experiment}, *runs)
		if err != nil {
			return fail(err)
		}
		exp = &res[0]
	}
	if *format == "table" {
		writeTable(stdout, outs)
		if exp != nil {
			writeExperiment(stdout, *exp)
		}
		return 0
	}
	b, err := json.MarshalIndent(struct {
		Years      []economy.Outcome         `json:"years"`
		Experiment *economy.ExperimentResult `json:"experiment,omitempty"`
	}{outs, exp}, "", "  ")
	if err != nil {
		fmt.Fprintf(stderr, "debate simulate: %v\n", err)
		return 1
	}
	stdout.Write(append(b, '\n'))
	return 0
}

// decodeRecord reads a choices record strictly: unknown fields are errors, so a typo
// in a key is reported rather than silently ignored.
func decodeRecord(data []byte) (economy.Record, error) {
	var rec economy.Record
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rec); err != nil {
		return rec, fmt.Errorf("not a valid choices record (see docs/CHOICES.md): %v", err)
	}
	if dec.More() {
		return rec, errors.New("extra data after the choices record")
	}
	return rec, nil
}

// tableRows are the figures the table shows, with the reference.csv quantity each is
// compared with.
var tableRows = []struct {
	label, quantity string
	get             func(o economy.Outcome) float64
	format          string
}{
	{"grain harvest, Mt", "grainHarvestMt", func(o economy.Outcome) float64 { return o.GrainHarvestMt }, "%.1f"},
	{"procurement, Mt", "procurementMt", func(o economy.Outcome) float64 { return o.ProcurementMt }, "%.1f"},
	{"exports, Mt", "exportsMt", func(o economy.Outcome) float64 { return o.ExportsMt }, "%.2f"},
	{"cattle, M head", "cattleM", func(o economy.Outcome) float64 { return o.CattleM }, "%.1f"},
	{"horses, M head", "horsesM", func(o economy.Outcome) float64 { return o.HorsesM }, "%.1f"},
	{"collectivised, % (year end)", "collectivisedPct", func(o economy.Outcome) float64 { return o.CollectivisedPct }, "%.1f"},
	{"collectivised, % (spring peak)", "collectivisedSpringPct", func(o economy.Outcome) float64 { return o.CollectivisedSpringPct }, "%.1f"},
	{"tractors, thousand", "tractorsK", func(o economy.Outcome) float64 { return o.TractorsK }, "%.0f"},
	{"famine deaths, M", "famineDeathsM", func(o economy.Outcome) float64 { return o.FamineDeathsM }, "%.2f"},
	{"  Ukraine", "", func(o economy.Outcome) float64 { return o.FamineDeathsByRegionM[economy.Ukraine] }, "%.2f"},
	{"  Kazakhstan", "", func(o economy.Outcome) float64 { return o.FamineDeathsByRegionM[economy.Kazakhstan] }, "%.2f"},
	{"  North Caucasus", "", func(o economy.Outcome) float64 { return o.FamineDeathsByRegionM[economy.NorthCaucasus] }, "%.2f"},
	{"  Volga", "", func(o economy.Outcome) float64 { return o.FamineDeathsByRegionM[economy.Volga] }, "%.2f"},
	{"  rest of USSR", "", func(o economy.Outcome) float64 { return o.FamineDeathsByRegionM[economy.Rest] }, "%.2f"},
	{"industry, 1928 = 100", "industryIndex", func(o economy.Outcome) float64 { return o.IndustryIndex }, "%.0f"},
	{"party control, 0-100", "", func(o economy.Outcome) float64 { return o.PartyControl }, "%.0f"},
	{"Bukharin influence, 0-100", "", func(o economy.Outcome) float64 { return o.BukharinInfluence }, "%.0f"},
	{"village pressure, 0-100", "", func(o economy.Outcome) float64 { return o.VillagePressure }, "%.0f"},
}

// writeTable prints one row per figure and one column per year, each figure followed
// by history's band from reference.csv where there is one.
func writeTable(w io.Writer, outs []economy.Outcome) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := []string{"figure"}
	for _, o := range outs {
		head = append(head, fmt.Sprint(o.Year))
	}
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for _, row := range tableRows {
		cells := []string{row.label}
		for _, o := range outs {
			cell := fmt.Sprintf(row.format, row.get(o))
			if row.quantity != "" {
				if b, ok := history.BandFor(row.quantity, o.Year); ok {
					cell += " " + bandText(b, row.format)
				}
			}
			cells = append(cells, cell)
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t")
	}
	tw.Flush()
	fmt.Fprintln(w, "\nHistory's band from reference.csv in brackets. Deaths are for the calendar year.")
	fmt.Fprintln(w, "Over several years (model, history):")
	sum := func(f func(o economy.Outcome) float64, from, to int) float64 {
		t := 0.0
		for _, o := range outs {
			if o.Year >= from && o.Year <= to {
				t += f(o)
			}
		}
		return t
	}
	if len(outs) == 7 {
		fmt.Fprintf(w, "  famine deaths 1930-1934, USSR: %.2f M [5, 8.7]\n", sum(func(o economy.Outcome) float64 { return o.FamineDeathsM }, 1930, 1934))
		fmt.Fprintf(w, "  famine deaths 1932-1933, Ukraine: %.2f M [2.6, 5.0]\n", sum(func(o economy.Outcome) float64 { return o.FamineDeathsByRegionM[economy.Ukraine] }, 1932, 1933))
		fmt.Fprintf(w, "  famine deaths 1930-1933, Kazakhstan: %.2f M [1.2, 2.3]\n", sum(func(o economy.Outcome) float64 { return o.FamineDeathsByRegionM[economy.Kazakhstan] }, 1930, 1933))
		fmt.Fprintf(w, "  cattle end 1933 / end 1928: %.2f [0.45, 0.60]\n", outs[5].CattleM/outs[0].CattleM)
		fmt.Fprintf(w, "  horses end 1933 / end 1928: %.2f [0.40, 0.55]\n", outs[5].HorsesM/outs[0].HorsesM)
	}
}

func bandText(b history.Band, format string) string {
	if b.Low == b.High {
		return "[" + fmt.Sprintf(format, b.Low) + "]"
	}
	return "[" + fmt.Sprintf(format, b.Low) + "–" + fmt.Sprintf(format, b.High) + "]"
}

// writeExperiment prints an experiment's claim, assumption and ranges in words.
func writeExperiment(w io.Writer, e economy.ExperimentResult) {
	fmt.Fprintf(w, "\nExperiment: %s (%s)\n", e.Title, e.Historians)
	fmt.Fprintf(w, "  The claim: %s\n", e.Claim)
	fmt.Fprintf(w, "  The experiment assumes: %s\n", e.Assumption)
	fmt.Fprintf(w, "  Famine deaths 1930-34 over %d runs of the model's estimated coefficients (10th-90th percentile, median):\n", e.Runs)
	fmt.Fprintf(w, "    this path:           %.1f-%.1f M (%.1f)\n", e.BaselineM.Low, e.BaselineM.High, e.BaselineM.Median)
	fmt.Fprintf(w, "    with the claim:      %.1f-%.1f M (%.1f)\n", e.ExperimentM.Low, e.ExperimentM.High, e.ExperimentM.Median)
	fmt.Fprintf(w, "    deaths avoided:      %.1f-%.1f M (%.1f), %.0f-%.0f%% of the path's\n", e.AvoidedM.Low, e.AvoidedM.High, e.AvoidedM.Median, 100*e.AvoidedShare.Low, 100*e.AvoidedShare.High)
	fmt.Fprintln(w, "  A model cannot settle the historians' debate: this is what follows from the claim under the model's assumptions.")
}
