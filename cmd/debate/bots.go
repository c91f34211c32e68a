package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/classroom-debate/debate/client/bots"
)

// runBots plays classes against a running server (package client/bots) and prints what
// it saw. Exit 0 when every room finished with no gap, unanswered command or
// unexpected error; 1 otherwise; 2 for bad flags.
func runBots(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("debate bots", flag.ContinueOnError)
	fs.SetOutput(stderr)
	serverURL := fs.String("url", "http://127.0.0.1:8080", "the server to play against")
	rooms := fs.Int("rooms", 1, "rooms to open, each run by a teacher bot")
	students := fs.Int("students", 8, "student bots per room")
	speed := fs.Float64("speed", 1, "phase lengths are a real lesson's divided by this (60: a 5-minute debate takes 5 s)")
	seed := fs.Uint64("seed", 1, "random seed: the same seed makes the same choices")
	transport := fs.String("transport", "ws", "ws or sse (SSE stream and HTTP POST), for every bot")
	years := fs.Int("years", 0, "years to play (the rest stepped with history's choices); 0: all seven")
	join := fs.String("join", "", "add the student bots to the room with this code, run by a person, instead of opening rooms")
	gate := fs.String("teacher-code", os.Getenv("DEBATE_TEACHER_CODE"), "the server's teacher code, if it has one (DEBATE_TEACHER_CODE)")
	drop := fs.Float64("drop", 0.1, "chance a student drops off during a phase and resumes")
	timeout := fs.Duration("timeout", 0, "give up after this long; 0: no limit (Ctrl-C stops)")
	verbose := fs.Bool("v", false, "print progress")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	u, err := url.Parse(*serverURL)
	switch {
	case fs.NArg() > 0:
		err = fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		err = fmt.Errorf("--url: %q is not an http(s) URL", *serverURL)
	case *rooms < 1 || *rooms > 10000:
		err = fmt.Errorf("--rooms: %d is not between 1 and 10000", *rooms)
	case *students < 1 || *students > 200:
		err = fmt.Errorf("--students: %d is not between 1 and 200", *students)
	case !(*speed > 0 && *speed <= 10000): // written so that NaN fails too
		err = fmt.Errorf("--speed: %v is not between 0 and 10000", *speed)
	case *transport != "ws" && *transport != "sse":
		err = fmt.Errorf("--transport: %q is neither ws nor sse", *transport)
	case *years < 0 || *years > 7:
		err = fmt.Errorf("--years: %d is not between 0 and 7", *years)
	case !(*drop >= 0 && *drop <= 1):
		err = fmt.Errorf("--drop: %v is not a chance between 0 and 1", *drop)
	case *timeout < 0:
		err = fmt.Errorf("--timeout: %v is negative", *timeout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "debate bots: %v\n", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *timeout)
		defer cancel()
	}
	cfg := bots.Config{URL: *serverURL, Rooms: *rooms, Students: *students, Speed: *speed, Seed: *seed,
		Transport: *transport, Years: *years, Join: *join, GateCode: *gate, DropChance: *drop}
	if *drop == 0 {
		cfg.DropChance = -1
	}
	if *verbose {
		cfg.Log = stderr
	}
	start := time.Now()
	report, err := bots.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "debate bots: %v\n", err)
		return 1
	}
	report.Print(stdout)
	fmt.Fprintf(stdout, "took %s\n", time.Since(start).Round(time.Millisecond))
	if ctx.Err() != nil && *join == "" {
		fmt.Fprintln(stdout, "stopped before every room finished")
		return 1
	}
	if *join != "" && len(report.Problems) == 0 {
		return 0
	}
	if !report.OK() {
		return 1
	}
	return 0
}
