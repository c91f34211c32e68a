package integration

import (
	"bufio"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/classroom-debate/debate/store/redis/redistest"
)

var (
	upstreamLine = regexp.MustCompile(`(?m)^(\s*)server\s+debate-node:8080([^;]*);`)
	listenLine   = regexp.MustCompile(`(?m)^(\s*)listen\s+8080;`)
)

// startNginx runs Debian's nginx in the foreground with deploy/nginx.conf, its upstream
// and listen address replaced by the test's, under a temporary prefix. It returns an
// instance standing for the load balancer (its url is nginx's).
func startNginx(t *testing.T, bin string, backends ...*instance) *instance {
	t.Helper()
	conf, err := os.ReadFile("../deploy/nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	if !upstreamLine.Match(conf) || !listenLine.Match(conf) {
		t.Fatal("deploy/nginx.conf has no `server debate-node:8080…;` upstream or no `listen 8080;`: the test cannot point it at its instances")
	}
	var servers []string
	for _, b := range backends {
		servers = append(servers, "${1}server "+b.addr+"${2};")
	}
	addr := freeAddr(t)
	conf = upstreamLine.ReplaceAll(conf, []byte(strings.Join(servers, "\n")))
	conf = listenLine.ReplaceAll(conf, []byte("${1}listen "+addr+";"))
	// One worker: round robin is then one sequence, which the test can steer.
	conf = regexp.MustCompile(`(?m)^worker_processes\s+\w+;`).ReplaceAll(conf, []byte("worker_processes 1;"))
	prefix := t.TempDir()
	// Run as root, nginx's workers run as nobody: they must reach the prefix.
	for _, d := range []string{filepath.Dir(prefix), prefix} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	confPath := filepath.Join(prefix, "nginx.conf")
	if err := os.WriteFile(confPath, conf, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-e", "stderr", "-p", prefix+"/", "-c", confPath, "-g", "daemon off;")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	logs := &lineLog{}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			logs.add(sc.Text())
		}
	}()
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM) // fast shutdown: the workers go too
		<-done
	})
	lb := &instance{t: t, name: "nginx", addr: addr, url: "http://" + addr, cmd: cmd, done: done, stderr: logs}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	waitFor(ctx, t, "nginx to answer", func() bool {
		select {
		case <-done:
			t.Fatalf("nginx exited:\n%s", logs)
		default:
		}
		resp, err := http.Get(lb.url + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return lb
}

// playerStreams counts the students' WebSocket and SSE connections an instance opened
// (its debug log says so for each).
func playerStreams(in *instance) (ws, sse int) {
	for _, line := range strings.Split(in.logs(), "\n") {
		if !strings.Contains(line, "kind=player") {
			continue
		}
		if strings.Contains(line, "socket opened") {
			ws++
		}
		if strings.Contains(line, "event stream opened") {
			sse++
		}
	}
	return ws, sse
}

// deploy/nginx.conf, run by Debian's nginx in front of two instances on one Redis,
// carries a short game over WebSocket and over SSE, with students' connections held
// by both instances (no sticky sessions: round robin, and a resume may land anywhere).
func TestNginxInFrontOfTwoInstances(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Redis, nginx and server processes")
	}
	bin := need(t, "nginx", "apt-get install nginx")
	rd := redistest.StartServer(t, redistest.ServerOptions{AOF: true})
	a := startInstance(t, "A", "--redis-url", rd.URL(), "--log-level", "debug", "--trusted-proxies", "127.0.0.1")
	b := startInstance(t, "B", "--redis-url", rd.URL(), "--log-level", "debug", "--trusted-proxies", "127.0.0.1")
	lb := startNginx(t, bin, a, b)
	ctx := testCtx(t, 2*time.Minute)
	c := newClass(ctx, t, []*instance{lb}, 6, nil)

	// Put a student's WebSocket and a student's SSE stream on each instance: resume a
	// student through nginx until its connection lands where wanted. Round robin counts
	// every request (an SSE resume is two), so a request in between shifts it.
	landed := func(p *participant) *instance {
		aws, asse := playerStreams(a)
		bws, bsse := playerStreams(b)
		if err := p.move(ctx, lb); err != nil {
			t.Fatal(err)
		}
		var at *instance
		waitFor(ctx, t, "the instance's log of the new connection", func() bool {
			nws, nsse := playerStreams(a)
			mws, msse := playerStreams(b)
			switch {
			case nws+nsse > aws+asse:
				at = a
			case mws+msse > bws+bsse:
				at = b
			}
			return at != nil
		})
		return at
	}
	var ws, sse []*participant
	for _, p := range c.students {
		if p.sse {
			sse = append(sse, p)
		} else {
			ws = append(ws, p)
		}
	}
	for _, slot := range []struct {
		p    *participant
		want *instance
	}{{ws[0], a}, {ws[1], b}, {sse[0], a}, {sse[1], b}} {
		for try := 0; ; try++ {
			at := landed(slot.p)
			if at == slot.want {
				break
			}
			if try == 10 {
				t.Fatalf("%s never landed on %s through nginx\nnginx:\n%s", slot.p.name, slot.want.name, lb.logs())
			}
			if try%2 == 1 { // an odd number of requests in between, every other try
				if resp, err := http.Get(lb.url + "/healthz"); err == nil {
					resp.Body.Close()
				}
			}
		}
	}
	c.advance(ctx, "start")
	c.advance(ctx, "advance")
	c.debate(ctx, 2)
	c.advance(ctx, "advance")
	c.vote(ctx)
	c.advance(ctx, "advance")
	log := c.converge(ctx)
	c.checkCounts(log)
}
