// Command sweep is the external load test: it starts a server in a process of its own
// (`debate serve`, or the floor: a bare gorilla/websocket relay hub written here), opens
// rooms of students on real WebSockets speaking the documented protocol
// (docs/PROTOCOL.md), has them argue at a given rate, and prints, for each rate of the
// sweep, command → other members latency (p50/p99/max), events delivered per second,
// the server's CPU (from /proc/<pid>/stat) and its memory per connection (RSS delta).
//
//	go run ./bench/sweep --target debate --rooms 100 --students 30 --rates 1,5,10,20
//	go run ./bench/sweep --target floor  --rooms 100 --students 30 --rates 1,5,10,20
//
// Each room joins from an address of its own (X-Forwarded-For, with the server told to
// trust the loopback proxy), as classes from different schools would, so the
// per-address limits apply as in a school and not to the whole test at once.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/classroom-debate/debate/economy"
)

func main() {
	target := flag.String("target", "debate", "debate (build and run `debate serve`) or floor (the bare relay hub)")
	rooms := flag.Int("rooms", 100, "rooms")
	students := flag.Int("students", 30, "students per room (plus the teacher's socket)")
	rates := flag.String("rates", "1", "comma-separated arguments per room per second: the sweep")
	step := flag.Duration("duration", 30*time.Second, "how long each rate runs")
	liveWait := flag.Duration("live-wait", 150*time.Second, "how long to wait for the server's next GC to read its live heap after connecting (0: do not wait)")
	serveFloor := flag.String("serve-floor", "", "internal: run the floor hub on this address")
	flag.Parse()
	if *serveFloor != "" {
		if err := runFloor(*serveFloor); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	var sweep []float64
	for _, r := range strings.Split(*rates, ",") {
		f, err := strconv.ParseFloat(strings.TrimSpace(r), 64)
		if err != nil || f <= 0 {
			fmt.Fprintf(os.Stderr, "--rates: %q is not a positive number\n", r)
			os.Exit(2)
		}
		sweep = append(sweep, f)
	}
	settleFor = *liveWait
	if err := run(*target, *rooms, *students, sweep, *step); err != nil {
		fmt.Fprintln(os.Stderr, "sweep:", err)
		os.Exit(1)
	}
}

// server is the process under test.
type server struct {
	cmd  *exec.Cmd
	base string // http://127.0.0.1:port
	dir  string
	live atomic.Int64 // the live heap marked by the server's last GC (GODEBUG=gctrace=1)
	gcs  atomic.Int64 // GCs seen
}

// readGCTrace follows the server's stderr: gctrace lines ("… 12->13->6 MB, 14 MB goal …")
// give the live heap after each GC, which, unlike RSS, does not count garbage the
// runtime has not yet returned to the system. Other lines pass through.
func (s *server) readGCTrace(r io.Reader) {
	lines := bufio.NewScanner(r)
	for lines.Scan() {
		line := lines.Text()
		if !strings.HasPrefix(line, "gc ") {
			fmt.Fprintln(os.Stderr, line)
			continue
		}
		for _, field := range strings.Split(line, ",") {
			field = strings.TrimSpace(field)
			if !strings.HasSuffix(field, " MB") || strings.Count(field, "->") != 2 {
				continue
			}
			parts := strings.Split(strings.TrimSuffix(field, " MB"), "->")
			if mbs, err := strconv.ParseFloat(parts[2], 64); err == nil {
				s.live.Store(int64(mbs * (1 << 20)))
				s.gcs.Add(1)
			}
		}
	}
}

// settleFor bounds settledLive's wait (--live-wait).
var settleFor time.Duration

// settledLive waits for a GC after the after-th (up to settleFor: the runtime forces one
// every two minutes) and returns the live heap it marked.
func (s *server) settledLive(after int64) int64 {
	deadline := time.Now().Add(settleFor)
	for s.gcs.Load() <= after && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	return s.live.Load()
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func start(target string) (*server, error) {
	dir, err := os.MkdirTemp("", "debate-load-")
	if err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	var cmd *exec.Cmd
	switch target {
	case "debate":
		bin := filepath.Join(dir, "debate")
		build := exec.Command("go", "build", "-o", bin, "./cmd/debate")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return nil, fmt.Errorf("build debate (run from the module root): %w", err)
		}
		cmd = exec.Command(bin, "serve", "--addr", addr, "--data-dir", filepath.Join(dir, "data"),
			"--trusted-proxies", "127.0.0.1/32", "--log-level", "warn")
	case "floor":
		self, err := os.Executable()
		if err != nil {
			return nil, err
		}
		cmd = exec.Command(self, "--serve-floor", addr)
	default:
		return nil, fmt.Errorf("--target: %q is neither debate nor floor", target)
	}
	cmd.Stdout = os.Stderr
	cmd.Env = append(os.Environ(), "GODEBUG=gctrace=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, base: "http://" + addr, dir: dir}
	go s.readGCTrace(stderr)
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(s.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s, nil
			}
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, errors.New("the server did not answer /healthz within 30 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *server) stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
	os.RemoveAll(s.dir)
}

// cpuTicks is the process's user+system time in clock ticks (1/100 s on Linux).
func (s *server) cpuTicks() int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	// Fields after the command name (which may hold spaces) start after the last ')'.
	f := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+1:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return utime + stime
}

// writeCalls is how many write syscalls the process has made (syscw in /proc/<pid>/io).
func (s *server) writeCalls() int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/io", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "syscw: "); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			return n
		}
	}
	return 0
}

// rss is the process's resident memory in bytes.
func (s *server) rss() int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// client is one socket of the load: it reads frames, and for every argument another
// member sent it records the time from sending to here.
type client struct {
	ws    *websocket.Conn
	index int // in its room; 0 is the teacher
	wmu   sync.Mutex

	mu       sync.Mutex
	lat      []time.Duration
	received atomic.Int64 // arguments of others seen
	acks     atomic.Int64
	errs     atomic.Int64
	gaps     atomic.Int64
	lastSeq  uint64
}

type roomLoad struct {
	code    string
	addr    string // the X-Forwarded-For this room comes from
	clients []*client
	sent    atomic.Int64
}

func post(base, path, addr string, body any, out any) error {
	data, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", base+path, bytes.NewReader(data))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", addr)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("POST %s: %d %s", path, resp.StatusCode, b)
	}
	return json.Unmarshal(b, out)
}

var dialer = websocket.Dialer{ReadBufferSize: 1024, WriteBufferSize: 1024, HandshakeTimeout: 60 * time.Second}

func (r *roomLoad) dial(base string, index int, key string) (*client, error) {
	h := http.Header{"X-Forwarded-For": {r.addr}}
	ws, _, err := dialer.Dial("ws"+strings.TrimPrefix(base, "http")+"/api/rooms/"+r.code+"/ws", h)
	if err != nil {
		return nil, err
	}
	c := &client{ws: ws, index: index}
	hello, _ := json.Marshal(map[string]any{"v": 1, "type": "hello", "key": key})
	if err := ws.WriteMessage(websocket.TextMessage, hello); err != nil {
		return nil, err
	}
	// Wait for the snapshot, so the socket is counted only once it is in the room.
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			return nil, fmt.Errorf("socket closed before its snapshot: %w", err)
		}
		var f frame
		if json.Unmarshal(data, &f) == nil && f.Type == "snapshot" {
			c.lastSeq = f.Seq
			break
		}
		if f.Type == "error" {
			return nil, fmt.Errorf("hello refused: %s", data)
		}
	}
	go c.read()
	return c, nil
}

type frame struct {
	Type  string `json:"type"`
	ID    string `json:"id"`
	Seq   uint64 `json:"seq"`
	Event struct {
		Seq uint64 `json:"seq"`
	} `json:"event"`
}

// marker is how an argument carries its send time and sender: "…[t=<unixnano> s=<index>]".
const marker = "[t="

func (c *client) read() {
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		now := time.Now()
		var f frame
		if json.Unmarshal(data, &f) != nil {
			c.errs.Add(1)
			continue
		}
		switch f.Type {
		case "event":
			if f.Event.Seq != c.lastSeq+1 {
				c.gaps.Add(1)
			}
			c.lastSeq = f.Event.Seq
			i := bytes.Index(data, []byte(marker))
			if i < 0 {
				continue
			}
			rest := data[i+len(marker):]
			sp := bytes.IndexByte(rest, ' ')
			end := bytes.IndexByte(rest, ']')
			if sp < 0 || end < sp {
				continue
			}
			sent, err1 := strconv.ParseInt(string(rest[:sp]), 10, 64)
			from, err2 := strconv.Atoi(strings.TrimPrefix(string(rest[sp+1:end]), "s="))
			if err1 != nil || err2 != nil || from == c.index {
				continue
			}
			c.mu.Lock()
			c.lat = append(c.lat, now.Sub(time.Unix(0, sent)))
			c.mu.Unlock()
			c.received.Add(1)
		case "ack":
			c.acks.Add(1)
		case "error", "closing":
			if c.errs.Add(1) <= 3 {
				fmt.Fprintf(os.Stderr, "socket %d: %s\n", c.index, data)
			}
		}
	}
}

func (c *client) send(msg []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
	return c.ws.WriteMessage(websocket.TextMessage, msg)
}

// command sends a command and waits for its ack (during setup only).
func (c *client) command(typ string, data any) error {
	before := c.acks.Load()
	msg, _ := json.Marshal(map[string]any{"v": 1, "type": typ, "id": typ, "data": data})
	if err := c.send(msg); err != nil {
		return err
	}
	deadline := time.Now().Add(30 * time.Second)
	for c.acks.Load() == before {
		if c.errs.Load() > 0 || time.Now().After(deadline) {
			return fmt.Errorf("%s was not acked", typ)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return nil
}

func run(target string, rooms, students int, sweep []float64, step time.Duration) error {
	fmt.Printf("target=%s rooms=%d students=%d sockets=%d rates=%v duration=%s\n", target, rooms, students, rooms*(students+1), sweep, step)
	s, err := start(target)
	if err != nil {
		return err
	}
	defer s.stop()
	rssStart := s.rss()

	// Rooms and joins (HTTP), each room from an address of its own.
	loads := make([]*roomLoad, rooms)
	keys := make([][]string, rooms)
	joinStart := time.Now()
	var wg sync.WaitGroup
	var setupErr atomic.Value
	sem := make(chan struct{}, 32)
	for r := range loads {
		loads[r] = &roomLoad{addr: fmt.Sprintf("10.%d.%d.%d", r>>16&255, r>>8&255, r&255+1)}
		var created struct {
			Code       string `json:"code"`
			TeacherKey string `json:"teacherKey"`
		}
		if err := post(s.base, "/api/rooms", loads[r].addr, map[string]any{"settings": map[string]any{"maxPlayers": students + 10}}, &created); err != nil {
			return err
		}
		loads[r].code = created.Code
		keys[r] = make([]string, students+1)
		keys[r][0] = created.TeacherKey
	}
	for r := range loads {
		for i := 1; i <= students; i++ {
			wg.Add(1)
			sem <- struct{}{}
			go func(r, i int) {
				defer wg.Done()
				defer func() { <-sem }()
				var joined struct {
					Token string `json:"token"`
				}
				if err := post(s.base, "/api/rooms/"+loads[r].code+"/join", loads[r].addr, map[string]any{"nickname": fmt.Sprintf("s%02d", i)}, &joined); err != nil {
					setupErr.Store(err)
					return
				}
				keys[r][i] = joined.Token
			}(r, i)
		}
	}
	wg.Wait()
	if err, _ := setupErr.Load().(error); err != nil {
		return err
	}
	joins := time.Since(joinStart)
	rssRooms := s.rss()
	liveRooms := s.settledLive(s.gcs.Load() - 1)

	// Sockets.
	dialStart := time.Now()
	for r := range loads {
		loads[r].clients = make([]*client, students+1)
		for i := 0; i <= students; i++ {
			wg.Add(1)
			sem <- struct{}{}
			go func(r, i int) {
				defer wg.Done()
				defer func() { <-sem }()
				c, err := loads[r].dial(s.base, i, keys[r][i])
				if err != nil {
					setupErr.Store(err)
					return
				}
				loads[r].clients[i] = c
			}(r, i)
		}
	}
	wg.Wait()
	if err, _ := setupErr.Load().(error); err != nil {
		return err
	}
	dials := time.Since(dialStart)
	sockets := rooms * (students + 1)
	gcsBefore := s.gcs.Load()
	time.Sleep(2 * time.Second) // let the server settle before reading its memory
	rssIdle := s.rss()
	liveIdle := s.settledLive(gcsBefore)
	fmt.Printf("setup: %d rooms and %d joins in %s; %d sockets in %s\n", rooms, rooms*students, joins.Round(time.Millisecond), sockets, dials.Round(time.Millisecond))
	fmt.Printf("memory: server RSS %.1f MB at start, %.1f MB with rooms, %.1f MB with sockets: %.1f KB per socket\n",
		mb(rssStart), mb(rssRooms), mb(rssIdle), float64(rssIdle-rssRooms)/float64(sockets)/1024)
	fmt.Printf("memory: live heap at the last GC %.1f MB with rooms, %.1f MB with sockets: %.1f KB per socket\n",
		mb(liveRooms), mb(liveIdle), float64(liveIdle-liveRooms)/float64(sockets)/1024)

	for r := range loads {
		if err := loads[r].clients[0].command("start", nil); err != nil {
			return err
		}
		if err := loads[r].clients[0].command("advance", nil); err != nil {
			return err
		}
	}

	fmt.Printf("%-6s %9s %9s %9s %9s %9s %11s %7s %8s %8s %8s %6s %5s\n", "rate", "sent/s", "deliv/s", "p50", "p99", "max", "undelivered", "cpu%", "writes/f", "rssKB/s", "liveKB/s", "errors", "gaps")
	for _, rate := range sweep {
		res := runStep(s, loads, rate, step)
		fmt.Printf("%-6g %9.0f %9.0f %9s %9s %9s %11d %7.1f %8.2f %8.1f %8.1f %6d %5d\n", rate, res.sentPerSec, res.delivPerSec,
			ms(res.p50), ms(res.p99), ms(res.max), res.undelivered, res.cpu, res.writesPerFrame, float64(res.rss-rssRooms)/float64(sockets)/1024, float64(res.live-liveRooms)/float64(sockets)/1024, res.errs, res.gaps)
	}
	return nil
}

func mb(b int64) float64 { return float64(b) / (1 << 20) }

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }

type stepResult struct {
	sentPerSec, delivPerSec float64
	p50, p99, max           time.Duration
	undelivered             int64
	cpu                     float64
	writesPerFrame          float64 // the server's write syscalls per argument delivered
	rss, live               int64   // the server's RSS, and its live heap at the last GC
	errs, gaps              int64
}

// runStep has every room argue at rate for d, then waits (up to 30 s) for the last
// arguments to reach everyone, and measures.
func runStep(s *server, loads []*roomLoad, rate float64, d time.Duration) stepResult {
	for _, r := range loads {
		r.sent.Store(0)
		for _, c := range r.clients {
			c.mu.Lock()
			c.lat = c.lat[:0]
			c.mu.Unlock()
			c.received.Store(0)
		}
	}
	cpu0, writes0, t0 := s.cpuTicks(), s.writeCalls(), time.Now()
	var wg sync.WaitGroup
	every := time.Duration(float64(time.Second) / rate)
	// An option of the first year's first decision: the rooms are in its debate.
	first := economy.Default().Years[0].Decisions[0]
	decision, option := first.ID, first.Options[0].ID
	for ri, r := range loads {
		wg.Add(1)
		go func(ri int, r *roomLoad) {
			defer wg.Done()
			// Spread the rooms' ticks over the interval, as classes are not in step.
			time.Sleep(time.Duration(int64(every) * int64(ri) / int64(len(loads))))
			tick := time.NewTicker(every)
			defer tick.Stop()
			end := t0.Add(d)
			for n := 0; time.Now().Before(end); n++ {
				<-tick.C
				from := 1 + n%(len(r.clients)-1)
				text := fmt.Sprintf("Argument %d: the quotas must follow the harvest %s%d s=%d]", n, marker, time.Now().UnixNano(), from)
				msg, _ := json.Marshal(map[string]any{"v": 1, "type": "argue", "id": fmt.Sprintf("a%d-%d", time.Now().UnixNano(), n),
					"data": map[string]string{"text": text, "decision": decision, "option": option}})
				if r.clients[from].send(msg) != nil {
					r.clients[from].errs.Add(1)
					return
				}
				r.sent.Add(1)
			}
		}(ri, r)
	}
	wg.Wait()
	sendEnd := time.Now()
	// Each argument should reach every other member of its room.
	want := func() (expected, got int64) {
		for _, r := range loads {
			expected += r.sent.Load() * int64(len(r.clients)-1)
			for _, c := range r.clients {
				got += c.received.Load()
			}
		}
		return
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		e, g := want()
		if g >= e || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	elapsed := time.Since(t0)
	cpu := float64(s.cpuTicks()-cpu0) / 100 / elapsed.Seconds() * 100
	writes := s.writeCalls() - writes0
	var all []time.Duration
	var res stepResult
	var sent int64
	for _, r := range loads {
		sent += r.sent.Load()
		for _, c := range r.clients {
			c.mu.Lock()
			all = append(all, c.lat...)
			c.mu.Unlock()
			res.errs += c.errs.Load()
			res.gaps += c.gaps.Load()
		}
	}
	slices.Sort(all)
	e, g := want()
	res.undelivered = e - g
	res.sentPerSec = float64(sent) / sendEnd.Sub(t0).Seconds()
	res.delivPerSec = float64(g) / elapsed.Seconds()
	res.cpu = cpu
	if g > 0 {
		res.writesPerFrame = float64(writes) / float64(g)
	}
	res.rss = s.rss()
	res.live = s.live.Load()
	if len(all) > 0 {
		res.p50 = all[len(all)/2]
		res.p99 = all[int(math.Min(float64(len(all)-1), float64(len(all))*0.99))]
		res.max = all[len(all)-1]
	}
	return res
}
