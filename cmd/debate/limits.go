package main

import (
	"flag"
	"fmt"
	"strconv"
	"time"

	"golang.org/x/time/rate"

	"github.com/classroom-debate/debate/server"
)

// limitConfig is every rate limit and cap of `debate serve`, each a flag with a DEBATE_
// variable. The defaults are the server's documented ones (README, "Limits").
type limitConfig struct {
	joinRate       float64 // join and rejoin attempts per client address, per second
	joinBurst      int
	roomJoinRate   float64 // join and rejoin attempts per room, from every address
	roomJoinBurst  int
	wrongCodeRate  float64 // joins with a code that names no room, per address
	wrongCodeBurst int
	blockFor       time.Duration // how long an address past the wrong-code budget is refused
	createRate     float64       // rooms created per address
	createBurst    int
	commandRate    float64 // commands per WebSocket, and per session over HTTP POST
	commandBurst   int
	connectRate    float64 // WebSockets and SSE streams opened per address
	connectBurst   int
	floodRefusals  int // refused messages in a row that close a socket
	maxRooms       int // live rooms on this instance; 0: no cap
	maxConns       int // open sockets and streams on this instance; 0: no cap
	maxConnsPerIP  int // open sockets and streams from one address; 0: no cap
	botsPerRoom    int // student bots a teacher may add to try the game; 0: none
	inFlight       int // messages a WebSocket may have waiting for answers
}

// Instance caps by default: far above one class, well below what exhausts a small
// server (docs/BENCHMARKS.md measures 10,000 sockets on 2 cores).
const (
	defaultMaxRooms      = 2000
	defaultMaxConns      = 20000
	defaultMaxConnsPerIP = 2000
)

// limitFlags declares the limit flags on fs; the returned func reads and checks them
// after fs.Parse.
func limitFlags(fs *flag.FlagSet, env func(name, def string) string) func() (limitConfig, error) {
	type rateFlag struct {
		name, envName, usage string
		def                  float64
		dst                  *float64
		s                    *string
	}
	type intFlag struct {
		name, envName, usage string
		def                  int
		min                  int
		dst                  *int
		s                    *string
	}
	var lc limitConfig
	f64 := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	rates := []*rateFlag{
		{name: "join-rate", envName: "DEBATE_JOIN_RATE", def: server.JoinRate, dst: &lc.joinRate, usage: "join attempts per second per client address, after the burst"},
		{name: "room-join-rate", envName: "DEBATE_ROOM_JOIN_RATE", def: server.RoomJoinRate, dst: &lc.roomJoinRate, usage: "join attempts per second into one room, from all addresses, after the burst"},
		{name: "wrong-code-rate", envName: "DEBATE_WRONG_CODE_RATE", def: server.WrongCodeRate, dst: &lc.wrongCodeRate, usage: "joins with a wrong room code per second per address, after the burst; past it the address is blocked"},
		{name: "create-rate", envName: "DEBATE_CREATE_RATE", def: server.CreateRate, dst: &lc.createRate, usage: "rooms created per second per address, after the burst"},
		{name: "command-rate", envName: "DEBATE_COMMAND_RATE", def: server.CommandRate, dst: &lc.commandRate, usage: "commands per second per WebSocket (and per session over HTTP), after the burst"},
		{name: "connect-rate", envName: "DEBATE_CONNECT_RATE", def: server.ConnectRate, dst: &lc.connectRate, usage: "WebSockets and SSE streams opened per second per client address, after the burst"},
	}
	ints := []*intFlag{
		{name: "join-burst", envName: "DEBATE_JOIN_BURST", def: server.JoinBurst, min: 1, dst: &lc.joinBurst, usage: "join attempts one address may make at once"},
		{name: "room-join-burst", envName: "DEBATE_ROOM_JOIN_BURST", def: server.RoomJoinBurst, min: 1, dst: &lc.roomJoinBurst, usage: "join attempts one room takes at once"},
		{name: "wrong-code-burst", envName: "DEBATE_WRONG_CODE_BURST", def: server.WrongCodeBurst, min: 1, dst: &lc.wrongCodeBurst, usage: "wrong room codes one address may try at once"},
		{name: "create-burst", envName: "DEBATE_CREATE_BURST", def: server.CreateBurst, min: 1, dst: &lc.createBurst, usage: "rooms one address may create at once"},
		{name: "command-burst", envName: "DEBATE_COMMAND_BURST", def: server.CommandBurst, min: 1, dst: &lc.commandBurst, usage: "commands one socket may send at once"},
		{name: "connect-burst", envName: "DEBATE_CONNECT_BURST", def: server.ConnectBurst, min: 1, dst: &lc.connectBurst, usage: "WebSockets and SSE streams one address may open at once"},
		{name: "flood-refusals", envName: "DEBATE_FLOOD_REFUSALS", def: 200, min: 1, dst: &lc.floodRefusals, usage: "rate-limited messages in a row that close a socket"},
		{name: "max-rooms", envName: "DEBATE_MAX_ROOMS", def: defaultMaxRooms, dst: &lc.maxRooms, usage: "live rooms on this instance; past it new rooms are refused (0: no cap)"},
		{name: "max-connections", envName: "DEBATE_MAX_CONNECTIONS", def: defaultMaxConns, dst: &lc.maxConns, usage: "open WebSockets and SSE streams on this instance (0: no cap)"},
		{name: "commands-in-flight", envName: "DEBATE_COMMANDS_IN_FLIGHT", def: 8, min: 1, dst: &lc.inFlight, usage: "messages a WebSocket may send before their answers; answers come in order"},
		{name: "bots-per-room", envName: "DEBATE_BOTS_PER_ROOM", def: 30, dst: &lc.botsPerRoom, usage: "student bots a teacher may add to their room to try the game (0: none)"},
		{name: "max-connections-per-address", envName: "DEBATE_MAX_CONNECTIONS_PER_ADDRESS", def: defaultMaxConnsPerIP, dst: &lc.maxConnsPerIP, usage: "open WebSockets and SSE streams from one client address (0: no cap)"},
	}
	for _, r := range rates {
		r.s = fs.String(r.name, env(r.envName, f64(r.def)), fmt.Sprintf("%s (%s)", r.usage, r.envName))
	}
	for _, i := range ints {
		i.s = fs.String(i.name, env(i.envName, strconv.Itoa(i.def)), fmt.Sprintf("%s (%s)", i.usage, i.envName))
	}
	blockFor := fs.String("block-for", env("DEBATE_BLOCK_FOR", "1m"), "how long an address that tried too many wrong codes is refused (DEBATE_BLOCK_FOR)")
	return func() (limitConfig, error) {
		for _, r := range rates {
			v, err := strconv.ParseFloat(*r.s, 64)
			if err != nil || !(v > 0 && v <= 1e6) { // NaN and Inf parse, and must fail too
				return lc, fmt.Errorf("--%s: %q is not a positive rate per second like %s", r.name, *r.s, f64(r.def))
			}
			*r.dst = v
		}
		for _, i := range ints {
			v, err := strconv.Atoi(*i.s)
			if err != nil || v < i.min {
				return lc, fmt.Errorf("--%s: %q is not a whole number of at least %d", i.name, *i.s, i.min)
			}
			*i.dst = v
		}
		d, err := time.ParseDuration(*blockFor)
		if err != nil || d <= 0 {
			return lc, fmt.Errorf("--block-for: %q is not a positive duration like 1m", *blockFor)
		}
		lc.blockFor = d
		return lc, nil
	}
}

// rateLimits builds the server's limiters from lc on the backend's store: in-process
// for the embedded store, shared by every instance on Redis.
func (lc limitConfig) rateLimits(b *backend) server.Limits {
	return server.Limits{
		Joins:      b.limiter("joins", rate.Limit(lc.joinRate), lc.joinBurst),
		RoomJoins:  b.limiter("room-joins", rate.Limit(lc.roomJoinRate), lc.roomJoinBurst),
		WrongCodes: b.limiter("wrong-codes", rate.Limit(lc.wrongCodeRate), lc.wrongCodeBurst),
		Creates:    b.limiter("creates", rate.Limit(lc.createRate), lc.createBurst),
		Commands:   b.limiter("commands", rate.Limit(lc.commandRate), lc.commandBurst),
		Connects:   b.limiter("connects", rate.Limit(lc.connectRate), lc.connectBurst),
		Blocks:     b.blocks,
	}
}

// apply sets the server's per-socket limits and caps from lc.
func (lc limitConfig) apply(cfg *server.Config, b *backend) {
	cfg.Limits = lc.rateLimits(b)
	cfg.CommandRate = rate.Limit(lc.commandRate)
	cfg.CommandBurst = lc.commandBurst
	cfg.ConnectRate = rate.Limit(lc.connectRate)
	cfg.ConnectBurst = lc.connectBurst
	cfg.FloodRefusals = lc.floodRefusals
	cfg.BlockFor = lc.blockFor
	cfg.MaxRooms = lc.maxRooms
	cfg.MaxConnections = lc.maxConns
	cfg.MaxConnectionsPerAddress = lc.maxConnsPerIP
	cfg.MaxBotsPerRoom = lc.botsPerRoom
	cfg.CommandsInFlight = lc.inFlight
}
