// Package redistest owns the test helpers that run real Redis servers: a single
// redis-server on a free port in a temporary directory (optionally with the AOF fsynced
// on every write), which a test can SIGKILL and restart on the same port and data, and a
// three-master Redis Cluster joined with redis-cli, and a Sentinel watching a server. Tests of store/redis and the
// multi-instance integration tests use it; it is for tests only.
//
// Without redis-server on the PATH (or REDIS_SERVER), the helpers skip the test with a
// message, except under CI=true, where they fail it: CI must run the Redis tests.
package redistest

import (
	"bufio"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// startTimeout bounds how long a server or cluster may take to come up.
const startTimeout = 20 * time.Second

// Binary returns the path of redis-server (REDIS_SERVER overrides the PATH), or skips
// the test, or fails it under CI=true.
func Binary(t testing.TB) string {
	t.Helper()
	return find(t, "REDIS_SERVER", "redis-server", "redis-server")
}

// CLI returns the path of redis-cli, like Binary.
func CLI(t testing.TB) string {
	t.Helper()
	return find(t, "REDIS_CLI", "redis-cli", "redis-tools")
}

func find(t testing.TB, env, name, pkg string) string {
	t.Helper()
	if p := os.Getenv(env); p != "" {
		return p
	}
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not installed, and CI=true: the Redis tests must run (apt-get install %s)", name, pkg)
	}
	t.Skipf("%s not found (apt-get install %s, or set %s); skipping the Redis tests", name, pkg, env)
	return ""
}

// ServerOptions shape StartServer.
type ServerOptions struct {
	// AOF turns on appendonly with appendfsync always: what the store's durability
	// guarantee needs, and what a kill-and-restart test needs to find its data again.
	AOF bool
	// Args are more redis-server arguments ("--maxmemory-policy", "noeviction").
	Args []string
}

// Server is one redis-server process of a test. Its methods must be called from the
// test's goroutine (or one at a time).
type Server struct {
	t    testing.TB
	bin  string
	dir  string
	port int
	args []string
	// conf, when set, is a config file given before the other arguments (sentinels
	// need one they can write); ready is the log line that says the server is up.
	conf  string
	ready string

	mu   sync.Mutex
	cmd  *exec.Cmd
	exit chan struct{} // closed when the current process has exited
}

// StartServer starts a redis-server on a free port in a temporary directory and stops
// it when the test ends. RDB snapshots are off (--save ""), so only the AOF, when on,
// keeps data across a restart.
func StartServer(t testing.TB, opts ServerOptions) *Server {
	t.Helper()
	s := &Server{t: t, bin: Binary(t), dir: t.TempDir()}
	s.args = []string{"--bind", "127.0.0.1", "--dir", s.dir, "--save", "", "--logfile", ""}
	if opts.AOF {
		s.args = append(s.args, "--appendonly", "yes", "--appendfsync", "always")
	} else {
		s.args = append(s.args, "--appendonly", "no")
	}
	s.args = append(s.args, opts.Args...)
	s.launch(false, "redis-server")
	return s
}

// launch starts the process on a free port (with a free cluster bus port when withBus),
// fails the test when it cannot, and kills it when the test ends.
func (s *Server) launch(withBus bool, what string) {
	s.t.Helper()
	var err error
	for range 3 { // another process may take the free port between picking and binding it
		if s.port, err = freePort(withBus); err != nil {
			s.t.Fatal(err)
		}
		if err = s.start(); err == nil {
			break
		}
	}
	if err != nil {
		s.t.Fatalf("start %s: %v", what, err)
	}
	s.t.Cleanup(s.Kill)
}

// Addr is host:port.
func (s *Server) Addr() string { return "127.0.0.1:" + strconv.Itoa(s.port) }

// URL is redis://host:port.
func (s *Server) URL() string { return "redis://" + s.Addr() }

// Dir is the server's data directory.
func (s *Server) Dir() string { return s.dir }

// Client returns a go-redis client for the server, closed when the test ends.
func (s *Server) Client() *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: s.Addr()})
	s.t.Cleanup(func() { c.Close() })
	return c
}

// start runs the process and waits until its log says it accepts connections.
func (s *Server) start() error {
	var args []string
	if s.conf != "" {
		args = append(args, s.conf)
	}
	args = append(args, "--port", strconv.Itoa(s.port))
	args = append(args, s.args...)
	readyLine := s.ready
	if readyLine == "" {
		readyLine = "Ready to accept connections"
	}
	cmd := exec.Command(s.bin, args...)
	dieWithTest(cmd)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return err
	}
	exit := make(chan struct{})
	ready := make(chan struct{})
	var logMu sync.Mutex
	var log strings.Builder
	go func() {
		sc := bufio.NewScanner(out)
		signalled := false
		for sc.Scan() {
			line := sc.Text()
			logMu.Lock()
			if log.Len() < 64<<10 {
				log.WriteString(line + "\n")
			}
			logMu.Unlock()
			if !signalled && strings.Contains(line, readyLine) {
				signalled = true
				close(ready)
			}
		}
		io.Copy(io.Discard, out)
		cmd.Wait()
		close(exit)
	}()
	select {
	case <-ready:
	case <-exit:
		logMu.Lock()
		defer logMu.Unlock()
		return fmt.Errorf("redis-server on port %d exited at start:\n%s", s.port, log.String())
	case <-time.After(startTimeout):
		cmd.Process.Kill()
		<-exit
		return fmt.Errorf("redis-server on port %d not ready after %v", s.port, startTimeout)
	}
	s.mu.Lock()
	s.cmd, s.exit = cmd, exit
	s.mu.Unlock()
	return nil
}

// Kill SIGKILLs the server, as a crash would, and waits for it to exit. Killing a
// stopped server does nothing.
func (s *Server) Kill() {
	s.mu.Lock()
	cmd, exit := s.cmd, s.exit
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	cmd.Process.Kill()
	<-exit
}

// Restart starts the server again on the same port with the same data directory (kill
// it first). With the AOF on, it comes back with every acknowledged write.
func (s *Server) Restart() {
	s.t.Helper()
	s.Kill()
	if err := s.start(); err != nil {
		s.t.Fatalf("restart redis-server: %v", err)
	}
}

// Sentinel is one Redis Sentinel (redis-server --sentinel) watching a master as
// "mymaster", with a quorum of one.
type Sentinel struct {
	*Server
}

// StartSentinel starts a sentinel on a free port that monitors master.
func StartSentinel(t testing.TB, master *Server) *Sentinel {
	t.Helper()
	s := &Server{t: t, bin: Binary(t), dir: t.TempDir(), ready: "+monitor master"}
	s.conf = filepath.Join(s.dir, "sentinel.conf")
	conf := "bind 127.0.0.1\ndir " + s.dir + "\nsentinel monitor mymaster 127.0.0.1 " + strconv.Itoa(master.port) + " 1\n"
	if err := os.WriteFile(s.conf, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	s.args = []string{"--sentinel"}
	s.launch(false, "redis sentinel")
	return &Sentinel{s}
}

// URL is the redis+sentinel:// URL of the monitored master.
func (s *Sentinel) URL() string { return "redis+sentinel://" + s.Addr() + "/mymaster" }

// Cluster is a three-master Redis Cluster of a test.
type Cluster struct {
	Nodes []*Server
}

// StartCluster starts three redis-server --cluster-enabled yes on free ports (each with
// its cluster bus port, port+10000, free too), joins them with redis-cli --cluster
// create, and waits until every node reports cluster_state:ok.
func StartCluster(t testing.TB, opts ServerOptions) *Cluster {
	t.Helper()
	bin, cli := Binary(t), CLI(t)
	c := &Cluster{}
	for range 3 {
		s := &Server{t: t, bin: bin, dir: t.TempDir()}
		s.args = []string{"--bind", "127.0.0.1", "--dir", s.dir, "--save", "", "--logfile", "",
			"--cluster-enabled", "yes", "--cluster-config-file", filepath.Join(s.dir, "nodes.conf"),
			"--cluster-node-timeout", "5000"}
		if opts.AOF {
			s.args = append(s.args, "--appendonly", "yes", "--appendfsync", "always")
		} else {
			s.args = append(s.args, "--appendonly", "no")
		}
		s.args = append(s.args, opts.Args...)
		s.launch(true, "cluster node")
		c.Nodes = append(c.Nodes, s)
	}
	args := []string{"--cluster", "create"}
	for _, n := range c.Nodes {
		args = append(args, n.Addr())
	}
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	if out, err := exec.CommandContext(ctx, cli, args...).CombinedOutput(); err != nil {
		t.Fatalf("redis-cli --cluster create: %v\n%s", err, out)
	}
	for _, n := range c.Nodes {
		waitClusterOK(t, ctx, n)
	}
	return c
}

// waitClusterOK polls a node's CLUSTER INFO until the cluster state is ok: the nodes
// agree on the slots by gossip, which has no event to wait on.
func waitClusterOK(t testing.TB, ctx context.Context, n *Server) {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: n.Addr()})
	defer c.Close()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		info, err := c.ClusterInfo(ctx).Result()
		if err == nil && strings.Contains(info, "cluster_state:ok") {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("cluster node %s: state not ok after %v: %v\n%s", n.Addr(), startTimeout, err, info)
		case <-tick.C:
		}
	}
}

// URL is the redis+cluster:// URL naming every node.
func (c *Cluster) URL() string {
	addrs := make([]string, len(c.Nodes))
	for i, n := range c.Nodes {
		addrs[i] = n.Addr()
	}
	return "redis+cluster://" + strings.Join(addrs, ",")
}

// freePort returns a port nothing listens on now (and, for a cluster node, whose
// cluster bus port, port+10000, is free too).
func freePort(withBus bool) (int, error) {
	for range 50 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		if !withBus {
			return port, nil
		}
		if port+10000 > 65535 {
			continue
		}
		bus, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port+10000))
		if err != nil {
			continue
		}
		bus.Close()
		return port, nil
	}
	return 0, fmt.Errorf("no free port pair for a cluster node")
}

// Target is where a suite's store connects and the key prefix it uses.
type Target struct {
	URL    string
	Prefix string
}

// Shared returns REDIS_URL with a key prefix no other run uses, when REDIS_URL is set;
// otherwise it starts a server of the test's own (with the AOF on). Suites that only
// write under their prefix use it, so a developer's Redis can run them without harm.
func Shared(t testing.TB) Target {
	t.Helper()
	prefix := "debate-test:" + rand.Text()[:12] + ":"
	if u := os.Getenv("REDIS_URL"); u != "" {
		return Target{URL: u, Prefix: prefix}
	}
	return Target{URL: StartServer(t, ServerOptions{AOF: true}).URL(), Prefix: prefix}
}
