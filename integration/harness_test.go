// Package integration runs the real `debate serve` binary, several processes at once, on
// a real Redis (each test starts its own redis-server on a free port) with real
// WebSocket and SSE clients: the multi-instance guarantees of docs/ARCHITECTURE.md
// ("Many instances") and the faults it lists, checked end to end. The binary is built
// once per test run.
package integration

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/classroom-debate/debate/client"
	"github.com/classroom-debate/debate/room"
	"github.com/classroom-debate/debate/scoring"
)

// debateBin is the binary under test, built by TestMain.
var debateBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "debate-integration-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	debateBin = filepath.Join(dir, "debate")
	build := exec.Command(goTool(), "build", "-o", debateBin, "github.com/classroom-debate/debate/cmd/debate")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building debate:", err)
		os.RemoveAll(dir)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

// need skips the test when a tool is missing, except under CI=true, where it fails.
func need(t *testing.T, tool, install string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err == nil {
		return p
	}
	if p := filepath.Join("/usr/sbin", tool); exec.Command(p, "-v").Run() == nil {
		return p // Debian puts nginx here, outside a normal user's PATH
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not installed, and CI=true: these tests must run (%s)", tool, install)
	}
	t.Skipf("%s not found (%s); skipping", tool, install)
	return ""
}

// instance is one `debate serve` process.
type instance struct {
	t    *testing.T
	name string
	args []string
	addr string // host:port it listens on
	url  string

	mu     sync.Mutex
	cmd    *exec.Cmd
	done   chan struct{}
	stderr *lineLog
	dead   bool // killed and not restarted
}

// lineLog keeps a process's stderr, for failure messages and for the tests that look for
// a warning.
type lineLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *lineLog) add(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, s)
}

func (l *lineLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// startInstance runs `debate serve` on a free port with the given store flags.
func startInstance(t *testing.T, name string, storeArgs ...string) *instance {
	t.Helper()
	in := &instance{t: t, name: name, args: storeArgs, addr: "127.0.0.1:0"}
	in.start()
	t.Cleanup(in.kill)
	return in
}

func (in *instance) start() {
	t := in.t
	t.Helper()
	args := append([]string{"serve", "--addr", in.addr, "--log-level", "info", "--shutdown-timeout", "5s",
		"--data-dir", filepath.Join(t.TempDir(), "data")}, in.args...)
	cmd := exec.Command(debateBin, args...)
	cmd.Env = append(os.Environ(), "DEBATE_LOG_FORMAT=text")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	errPipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	logs := &lineLog{}
	go func() {
		sc := bufio.NewScanner(errPipe)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			logs.add(sc.Text())
		}
	}()
	lines := bufio.NewReader(out)
	line, err := lines.ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("instance %s printed no address: %v\n%s", in.name, err, logs)
	}
	go io.Copy(io.Discard, lines)
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	u := strings.TrimSpace(strings.TrimPrefix(line, "debate: listening on "))
	pu, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	in.mu.Lock()
	in.cmd, in.done, in.stderr, in.url, in.addr, in.dead = cmd, done, logs, u, pu.Host, false
	in.mu.Unlock()
}

// restart starts the process again on the same address.
func (in *instance) restart() {
	in.t.Helper()
	in.kill()
	in.start()
}

// alive reports whether the process runs (it was not killed, or was restarted).
func (in *instance) alive() bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	return !in.dead
}

// kill SIGKILLs the process and waits for it.
func (in *instance) kill() {
	in.mu.Lock()
	cmd, done := in.cmd, in.done
	in.dead = true
	in.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	<-done
}

// logs returns what the process wrote to stderr.
func (in *instance) logs() string {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.stderr.String()
}

func (in *instance) client() *client.Client { return client.New(in.url) }

// freeAddr returns a loopback address with a port free right now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// readyz returns the status and body of an instance's /readyz.
func readyz(t *testing.T, base string) (int, string) {
	t.Helper()
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// exportLog fetches the room's exported event log with a staff key.
func exportLog(ctx context.Context, t *testing.T, base, code, key string) []room.Event {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/rooms/"+code+"/exports/log.json", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("export log: %d %s", resp.StatusCode, b)
	}
	lf, err := scoring.ReadEventLog(b)
	if err != nil {
		t.Fatal(err)
	}
	return lf.Events
}

// testCtx is a context for one test, cancelled at its end.
func testCtx(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// mustJSON marshals v.
func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
