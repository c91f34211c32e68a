package main

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/classroom-debate/debate/engine"
	"github.com/classroom-debate/debate/server"
	"github.com/classroom-debate/debate/store/embedded"
)

func TestLimitFlags(t *testing.T) {
	cfg, err := parseServe(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	lc := cfg.limits
	if lc.joinRate != server.JoinRate || lc.joinBurst != server.JoinBurst || lc.roomJoinBurst != server.RoomJoinBurst ||
		lc.maxRooms != defaultMaxRooms || lc.maxConns != defaultMaxConns || lc.maxConnsPerIP != defaultMaxConnsPerIP ||
		lc.blockFor != time.Minute || lc.floodRefusals != 200 || !cfg.metrics {
		t.Fatalf("defaults: %+v, metrics %v", lc, cfg.metrics)
	}
	if cfg, err := parseServe([]string{"--metrics=false"}, io.Discard); err != nil || cfg.metrics {
		t.Fatalf("--metrics=false: %v %v", cfg.metrics, err)
	}
	t.Setenv("DEBATE_JOIN_BURST", "1000")
	t.Setenv("DEBATE_MAX_ROOMS", "0")
	t.Setenv("DEBATE_COMMAND_RATE", "50")
	cfg, err = parseServe([]string{"--room-join-rate", "0.5", "--max-connections-per-address", "40", "--command-rate", "10", "--block-for", "5m"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	lc = cfg.limits
	if lc.joinBurst != 1000 || lc.maxRooms != 0 || lc.roomJoinRate != 0.5 || lc.maxConnsPerIP != 40 || lc.commandRate != 10 || lc.blockFor != 5*time.Minute {
		t.Fatalf("flags and variables: %+v", lc)
	}
	var sc server.Config
	inProcess := &backend{
		limiter: func(_ string, r rate.Limit, burst int) engine.Limiter { return embedded.NewLimiter(r, burst) },
		blocks:  embedded.NewBlocklist(nil),
	}
	lc.apply(&sc, inProcess)
	if sc.MaxConnectionsPerAddress != 40 || sc.MaxRooms != 0 || sc.CommandRate != 10 || sc.BlockFor != 5*time.Minute ||
		sc.ConnectRate != server.ConnectRate || sc.ConnectBurst != server.ConnectBurst ||
		sc.Limits.Joins == nil || sc.Limits.RoomJoins == nil || sc.Limits.WrongCodes == nil || sc.Limits.Blocks == nil || sc.Limits.Connects == nil {
		t.Fatalf("server config: %+v", sc)
	}
	// Every limit flag is documented with its variable and listed in the README table.
	var help bytes.Buffer
	parseServe([]string{"--help"}, &help)
	for _, name := range []string{"join-rate", "join-burst", "room-join-rate", "room-join-burst", "wrong-code-rate", "wrong-code-burst",
		"block-for", "create-rate", "create-burst", "command-rate", "command-burst", "connect-rate", "connect-burst", "flood-refusals", "max-rooms",
		"max-connections", "max-connections-per-address", "bots-per-room", "commands-in-flight"} {
		env := "DEBATE_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
		if !strings.Contains(help.String(), "-"+name+" ") || !strings.Contains(help.String(), env) {
			t.Errorf("--help does not show --%s with %s", name, env)
		}
		if !strings.Contains(readme(t), "`--"+name+"`") {
			t.Errorf("README has no row for --%s", name)
		}
	}
}

func TestLimitFlagsRefuseBadValues(t *testing.T) {
	for _, args := range [][]string{
		{"--join-rate", "0"},
		{"--join-rate", "fast"},
		{"--join-burst", "0"},
		{"--max-rooms", "-1"},
		{"--max-connections", "many"},
		{"--block-for", "0s"},
	} {
		var stderr bytes.Buffer
		if code := runServe(args, io.Discard, &stderr); code != 2 || !strings.Contains(stderr.String(), args[0]) {
			t.Errorf("runServe(%q) = %d, stderr %q; want 2 and the flag named", args, code, stderr.String())
		}
	}
}

// ParseFloat accepts NaN and Inf; a rate of either must be refused like any other.
func TestLimitFlagsRefuseNaNAndInf(t *testing.T) {
	for _, v := range []string{"NaN", "nan", "Inf", "+Inf"} {
		args := []string{"--command-rate", v}
		if _, err := parseServe(args, io.Discard); err == nil || !strings.Contains(err.Error(), "--command-rate") {
			t.Errorf("parseServe(%q) = %v, want an error naming --command-rate", args, err)
		}
	}
}

func readme(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
