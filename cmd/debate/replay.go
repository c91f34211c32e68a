package main

import (
	"fmt"
	"io"
	"os"

	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/scoring"
)

const replayUsage = `usage: debate replay FILE

Reads a room's exported event log (the teacher's "log.json" export), folds its events
into the room's state again, recomputes the scores and prints the final state, the scores
and the teacher's assessment as JSON: the same bytes as the room's "final.json" export.

Exit codes: 0 done, 2 bad arguments or a file that is not a sound room log.`

// runReplay is `debate replay FILE`. It needs nothing but the file: the scenario the game
// used travels in the log's first event.
func runReplay(args []string, stdout, stderr io.Writer) int {
	if len(args) == 1 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		fmt.Fprintln(stdout, replayUsage)
		return 0
	}
	if len(args) != 1 || args[0] == "" || args[0][0] == '-' {
		fmt.Fprintf(stderr, "debate replay: give exactly one exported log file\n\n%s\n", replayUsage)
		return 2
	}
	name := args[0]
	data, err := os.ReadFile(name)
	if err != nil {
		fmt.Fprintf(stderr, "debate replay: cannot read the log: %v\n", err)
		return 2
	}
	lf, err := scoring.ReadEventLog(data)
	if err != nil {
		fmt.Fprintf(stderr, "debate replay: %s: %s\n", name, fault.As(err).Message)
		return 2
	}
	out, err := scoring.FinalJSON(lf.Events)
	if err != nil {
		fmt.Fprintf(stderr, "debate replay: %s: %v\n", name, err)
		return 2
	}
	if _, err := stdout.Write(out); err != nil {
		fmt.Fprintf(stderr, "debate replay: %v\n", err)
		return 1
	}
	return 0
}
