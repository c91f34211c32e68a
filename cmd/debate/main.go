// Command debate runs the classroom debate server and its tools.
//
//	debate [serve] [flags]        run the server (the default)
//	debate simulate [flags]       run the economy model and print the years
//	debate replay FILE            rebuild a room's final state and scores from its exported log
//	debate probe                  check a running server's /healthz
//	debate admin COMMAND          list rooms, close one, drain an instance (admin token)
//	debate backup / restore       copy the embedded store while serving; restore it
//	debate bots [flags]           play classes of bots against a running server
//
// Each subcommand lives in its own file and returns a process exit code.
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	sub := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		sub, args = args[0], args[1:]
	}
	switch sub {
	case "simulate":
		return runSimulate(args, stdin, stdout, stderr)
	case "replay":
		return runReplay(args, stdout, stderr)
	case "serve":
		return runServe(args, stdout, stderr)
	case "probe":
		return runProbe(args, stdout, stderr)
	case "admin":
		return runAdmin(args, stdout, stderr)
	case "backup":
		return runBackup(args, stdout, stderr)
	case "restore":
		return runRestore(args, stdout, stderr)
	case "bots":
		return runBots(args, stdout, stderr)
	case "help":
		fmt.Fprintln(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "debate: unknown command %q\n\n%s\n", sub, usage)
		return 2
	}
}

const usage = `usage:
  debate [serve] [flags]     run the classroom debate server (default)
  debate simulate [flags]    run the 1928–1934 economy model; --help for flags
  debate replay FILE         rebuild a room's final state and scores from its exported log
  debate probe [--url URL]   check a running server's health (for container health checks)
  debate admin COMMAND       rooms, close CODE, drain: talk to a running server (--help)
  debate backup --out FILE   copy the embedded store of a running server (--help)
  debate restore --data-dir DIR FILE   restore a backup into a fresh data directory
  debate bots [flags]        play classes of bots against a running server (--help)`
