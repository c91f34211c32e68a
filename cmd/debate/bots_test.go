package main

import (
	"strings"
	"testing"
)

// debate bots against a real embedded server, over WebSocket and over SSE: every room
// finishes with no gap, no unanswered command and no unexpected error (the command
// exits 1 on any).
func TestBotsPlayRealRooms(t *testing.T) {
	if testing.Short() {
		t.Skip("the bots play a few seconds of lesson")
	}
	for _, transport := range []string{"ws", "sse"} {
		t.Run(transport, func(t *testing.T) {
			url, _ := startServe(t, t.TempDir())
			code, out, errOut := runCmd(t, "bots", "--url", url, "--rooms", "3", "--students", "6", "--speed", "300",
				"--years", "1", "--seed", "7", "--drop", "0.3", "--transport", transport, "--timeout", "2m")
			t.Logf("debate bots --transport %s:\n%s", transport, out)
			if code != 0 {
				t.Fatalf("debate bots = %d\n%s%s", code, out, errOut)
			}
			for _, want := range []string{"rooms finished: 3 of 3", "problems: 0", "p99"} {
				if !strings.Contains(out, want) {
					t.Errorf("the report lacks %q", want)
				}
			}
			if strings.Contains(out, "commands acked: 0\n") {
				t.Error("no command was acked")
			}
		})
	}
}

func TestBotsRefuseBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--rooms", "0"}, {"--students", "0"}, {"--speed", "0"}, {"--transport", "carrier-pigeon"},
		{"--url", "localhost"}, {"--years", "9"}, {"--drop", "2"}, {"extra"},
		{"--speed", "NaN"}, {"--drop", "NaN"}, {"--timeout", "-1s"},
	} {
		if code, _, errOut := runCmd(t, append([]string{"bots"}, args...)...); code != 2 || errOut == "" {
			t.Errorf("bots %q = %d %q, want 2 and a message", args, code, errOut)
		}
	}
}

// The bots fail the run on what they must not see: here, a server whose command limit
// refuses a class's ordinary pace.
func TestBotsFailOnUnexpectedErrors(t *testing.T) {
	if testing.Short() {
		t.Skip("the bots play a few seconds of lesson")
	}
	url, _ := startServe(t, t.TempDir(), "--command-rate", "0.001", "--command-burst", "2")
	code, out, _ := runCmd(t, "bots", "--url", url, "--rooms", "1", "--students", "4", "--speed", "300",
		"--years", "1", "--drop", "0", "--timeout", "2m")
	if code != 1 || !strings.Contains(out, "rate_limited") || strings.Contains(out, "problems: 0") {
		t.Fatalf("bots against a stingy server = %d\n%s", code, out)
	}
}
