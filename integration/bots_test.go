package integration

import (
	"bytes"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/classroom-debate/debate/store/redis/redistest"
)

// debate bots plays real classes through nginx in front of two instances on one Redis,
// over WebSocket and over SSE: round robin spreads the bots' sockets and commands over
// both instances, and the run must end with every room finished, no gap, no unanswered
// command and no unexpected error (the command exits 1 on any).
func TestBotsThroughNginxOnTwoInstances(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Redis, nginx and server processes")
	}
	bin := need(t, "nginx", "apt-get install nginx")
	rd := redistest.StartServer(t, redistest.ServerOptions{AOF: true})
	a := startInstance(t, "A", "--redis-url", rd.URL(), "--trusted-proxies", "127.0.0.1")
	b := startInstance(t, "B", "--redis-url", rd.URL(), "--trusted-proxies", "127.0.0.1")
	lb := startNginx(t, bin, a, b)
	for _, transport := range []string{"ws", "sse"} {
		t.Run(transport, func(t *testing.T) {
			before := []int{okCommands(t, a), okCommands(t, b)}
			var out, errOut bytes.Buffer
			cmd := exec.Command(debateBin, "bots", "--url", lb.url, "--rooms", "2", "--students", "6", "--speed", "300",
				"--years", "1", "--seed", "11", "--drop", "0.3", "--transport", transport, "--timeout", "2m")
			cmd.Stdout, cmd.Stderr = &out, &errOut
			err := cmd.Run()
			t.Logf("debate bots --transport %s through nginx:\n%s", transport, out.String())
			if err != nil {
				t.Fatalf("debate bots: %v\n%s%s", err, out.String(), errOut.String())
			}
			for _, want := range []string{"rooms finished: 2 of 2", "problems: 0"} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("the report lacks %q", want)
				}
			}
			for i, in := range []*instance{a, b} {
				if n := okCommands(t, in); n <= before[i] {
					t.Errorf("instance %s answered no command of the bots (%d before, %d after): nginx did not spread them", in.name, before[i], n)
				}
			}
		})
	}
}

var okCommandsLine = regexp.MustCompile(`(?m)^debate_commands_total\{result="ok"\} (\d+)`)

// okCommands reads an instance's count of commands answered ok from its /metrics.
func okCommands(t *testing.T, in *instance) int {
	t.Helper()
	resp, err := http.Get(in.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("%s /metrics: %d %v", in.name, resp.StatusCode, err)
	}
	m := okCommandsLine.FindSubmatch(body)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}
