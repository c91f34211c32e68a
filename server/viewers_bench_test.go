package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/engine"
	"github.com/classroom-debate/debate/room"
	"github.com/classroom-debate/debate/server"
	"github.com/classroom-debate/debate/store/embedded"
)

// BenchmarkViewerMemory measures what a connected student costs the server: a real
// server on loopback, rooms of 30 students (plus teacher) on real WebSockets, then a
// stretch of arguments at one per room per second. The students run in a child process
// (this test binary again), so the server's heap holds only the server.
//
// Metrics (after a GC): heap-B/viewer with the sockets open and idle, and again after
// the arguments (room states have grown by then: every argument is kept for the
// snapshot); stack-B/viewer; rss-B/viewer, the process's resident memory per viewer
// after the arguments, which also counts garbage not yet collected.
//
//	BENCH_VIEWERS (default 2000), BENCH_SECONDS (20), BENCH_RATE (arguments/room/s, 1),
//	BENCH_HEAPPROFILE (a path: heap profile after the arguments)
//
// Run: go test -run '^$' -bench ViewerMemory -benchtime 1x ./server
func BenchmarkViewerMemory(b *testing.B) {
	viewers := envInt("BENCH_VIEWERS", 2000)
	seconds := envInt("BENCH_SECONDS", 20)
	perRoom := envFloat("BENCH_RATE", 1)
	const students = 30
	rooms := (viewers + students - 1) / students
	runtime.MemProfileRate = 4096

	st, err := embedded.Open(filepath.Join(b.TempDir(), "debate.db"), embedded.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	hub, err := engine.New(engine.Config{
		Log: st.Log(), Notifier: embedded.NewNotifier(), Directory: st.Directory(), Credentials: st.Credentials(),
		Presence: embedded.NewPresence(), Scenario: economy.Default(), Logger: quiet,
	})
	if err != nil {
		b.Fatal(err)
	}
	srv := server.New(server.Config{Hub: hub, Logger: quiet, CommandRate: 1000, CommandBurst: 1000})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	hs := &http.Server{Handler: srv.Handler()}
	go hs.Serve(ln)
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		_ = hs.Shutdown(ctx)
		_ = hub.Shutdown(ctx)
	}()

	base := liveHeap()
	ctx := context.Background()
	y := economy.Default().Years[0]
	spec := viewerSpec{URL: "ws://" + ln.Addr().String(), Decision: y.Decisions[0].ID, Option: y.Decisions[0].Options[0].ID,
		Seconds: seconds, Rate: perRoom}
	for r := 0; r < rooms; r++ {
		c, err := hub.Create(ctx, engine.CreateOptions{Settings: json.RawMessage(`{"maxPlayers":40}`)})
		if err != nil {
			b.Fatal(err)
		}
		teacher := engine.Session{RoomID: c.RoomID, Code: c.Code, Principal: room.Principal{Kind: room.Teacher}}
		rs := viewerRoom{Code: c.Code, Keys: []string{c.TeacherKey}}
		for i := 0; i < students && r*students+i < viewers; i++ {
			j, err := hub.Join(ctx, c.Code, fmt.Sprintf("student%02d", i))
			if err != nil {
				b.Fatal(err)
			}
			rs.Keys = append(rs.Keys, j.Token)
		}
		for _, typ := range []string{"start", "advance"} {
			if _, err := hub.Submit(ctx, teacher, room.Command{ID: typ, Type: typ}); err != nil {
				b.Fatalf("%s: %v", typ, err)
			}
		}
		spec.Rooms = append(spec.Rooms, rs)
	}
	withRooms := liveHeap()
	rssWithRooms := residentBytes()

	child := exec.Command(os.Args[0], "-test.run=^TestViewerProcess$", "-test.v=false")
	child.Env = append(os.Environ(), "DEBATE_VIEWER_PROCESS=1")
	child.Stderr = os.Stderr
	stdin, _ := child.StdinPipe()
	stdout, _ := child.StdoutPipe()
	if err := child.Start(); err != nil {
		b.Fatal(err)
	}
	defer child.Process.Kill()
	lines := bufio.NewScanner(stdout)
	expect := func(want string) string {
		b.Helper()
		for lines.Scan() {
			if strings.HasPrefix(lines.Text(), want) {
				return lines.Text()
			}
		}
		b.Fatalf("viewer process ended before %q: %v", want, lines.Err())
		return ""
	}
	if err := json.NewEncoder(stdin).Encode(spec); err != nil {
		b.Fatal(err)
	}
	expect("ready")
	n := float64(len(spec.Rooms) + viewers) // every student and every teacher
	idle := liveHeap()
	rssIdle := residentBytes()

	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		fmt.Fprintln(stdin, "argue")
		summary := expect("done")
		b.Log(summary)
		if !strings.Contains(summary, " errors=0 ") || !strings.Contains(summary, " gaps=0") {
			b.Fatalf("the viewers saw errors: %s", summary)
		}
	}
	b.StopTimer()
	rss := residentBytes()
	var beforeGC runtime.MemStats
	runtime.ReadMemStats(&beforeGC)
	goroutines := runtime.NumGoroutine()
	loaded := liveHeap()
	// (ResetTimer drops metrics reported before it, so all are reported here.)
	b.ReportMetric(float64(withRooms.heap-base.heap)/n, "rooms-B/viewer")
	b.ReportMetric(float64(idle.heap-withRooms.heap)/n, "heap-B/viewer-idle")
	b.ReportMetric(float64(idle.stack-withRooms.stack)/n, "stack-B/viewer-idle")
	b.ReportMetric(float64(loaded.stack-withRooms.stack)/n, "stack-B/viewer-loaded")
	b.ReportMetric(float64(loaded.heap-withRooms.heap)/n, "heap-B/viewer-loaded")
	b.ReportMetric(float64(int64(beforeGC.HeapInuse)-int64(withRooms.heap))/n, "inuse-B/viewer-loaded-beforeGC")
	b.ReportMetric(float64(goroutines-withRooms.goroutines)/n, "goroutines/viewer")
	b.ReportMetric(float64(rssIdle-rssWithRooms)/n, "rss-B/viewer-idle")
	b.ReportMetric(float64(rss-rssWithRooms)/n, "rss-B/viewer-loaded")
	if path := os.Getenv("BENCH_HEAPPROFILE"); path != "" {
		f, err := os.Create(path)
		if err == nil {
			_ = pprof.WriteHeapProfile(f)
			f.Close()
		}
	}
	stdin.Close()
	_ = child.Wait()
}

type memory struct {
	heap, stack uint64
	goroutines  int
}

func liveHeap() memory {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return memory{heap: m.HeapAlloc, stack: m.StackInuse, goroutines: runtime.NumGoroutine()}
}

// residentBytes is the process's resident set (VmRSS), or 0 where /proc is missing.
func residentBytes() uint64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseUint(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

func envFloat(name string, def float64) float64 {
	if f, err := strconv.ParseFloat(os.Getenv(name), 64); err == nil && f > 0 {
		return f
	}
	return def
}

type viewerSpec struct {
	URL      string
	Rooms    []viewerRoom
	Decision string
	Option   string
	Seconds  int
	Rate     float64
}

type viewerRoom struct {
	Code string
	Keys []string // the teacher's key, then the students' tokens
}

// TestViewerProcess is BenchmarkViewerMemory's student side, run in a child process:
// it reads a viewerSpec on stdin, connects every socket and says "ready"; on each
// "argue" line it has the students argue (round robin, Rate per room per second, for
// Seconds), waits until every socket has seen its room's last acked seq, and says
// "done" with what it saw.
func TestViewerProcess(t *testing.T) {
	if os.Getenv("DEBATE_VIEWER_PROCESS") == "" {
		t.Skip("the student side of BenchmarkViewerMemory; it runs only as that benchmark's child process")
	}
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	if !in.Scan() {
		t.Fatal("no spec")
	}
	var spec viewerSpec
	if err := json.Unmarshal(in.Bytes(), &spec); err != nil {
		t.Fatal(err)
	}
	dialer := websocket.Dialer{ReadBufferSize: 1024, WriteBufferSize: 1024, HandshakeTimeout: 30 * time.Second}
	var errs, gaps, acks atomic.Int64
	maxAck := make([]atomic.Uint64, len(spec.Rooms))
	type sock struct {
		ws   *websocket.Conn
		mu   sync.Mutex
		seen atomic.Uint64
	}
	rooms := make([][]*sock, len(spec.Rooms))
	var ready sync.WaitGroup
	sem := make(chan struct{}, 64)
	for r, rs := range spec.Rooms {
		for _, key := range rs.Keys {
			s := &sock{}
			rooms[r] = append(rooms[r], s)
			ready.Add(1)
			sem <- struct{}{}
			ws, _, err := dialer.Dial(spec.URL+"/api/rooms/"+rs.Code+"/ws", nil)
			if err != nil {
				t.Fatalf("dial: %v", err)
			}
			s.ws = ws
			hello, _ := json.Marshal(map[string]any{"v": 1, "type": "hello", "key": key})
			if err := ws.WriteMessage(websocket.TextMessage, hello); err != nil {
				t.Fatal(err)
			}
			go func(r int) {
				first := true
				for {
					_, data, err := ws.ReadMessage()
					if err != nil {
						return
					}
					var f struct {
						Type  string `json:"type"`
						Seq   uint64 `json:"seq"`
						Event struct {
							Seq uint64 `json:"seq"`
						} `json:"event"`
					}
					if json.Unmarshal(data, &f) != nil {
						errs.Add(1)
						continue
					}
					switch f.Type {
					case "snapshot":
						s.seen.Store(f.Seq)
						if first {
							first = false
							<-sem
							ready.Done()
						}
					case "event":
						f.Seq = f.Event.Seq
						if f.Seq != s.seen.Load()+1 {
							gaps.Add(1)
						}
						s.seen.Store(f.Seq)
					case "ack":
						acks.Add(1)
						for {
							m := maxAck[r].Load()
							if f.Seq <= m || maxAck[r].CompareAndSwap(m, f.Seq) {
								break
							}
						}
					case "error", "closing":
						errs.Add(1)
					}
				}
			}(r)
		}
	}
	ready.Wait()
	fmt.Println("ready")
	for in.Scan() {
		if in.Text() != "argue" {
			continue
		}
		start := time.Now()
		var sent atomic.Int64
		var wg sync.WaitGroup
		for r := range rooms {
			wg.Add(1)
			go func(socks []*sock) {
				defer wg.Done()
				every := time.Duration(float64(time.Second) / spec.Rate)
				tick := time.NewTicker(every)
				defer tick.Stop()
				end := start.Add(time.Duration(spec.Seconds) * time.Second)
				for i := 0; time.Now().Before(end); i++ {
					<-tick.C
					s := socks[1+i%(len(socks)-1)]
					msg, _ := json.Marshal(map[string]any{"v": 1, "type": "argue", "id": fmt.Sprintf("a%d-%d", start.UnixNano(), i),
						"data": map[string]string{"text": fmt.Sprintf("Argument %d: the grain quotas must follow the harvest.", i), "decision": spec.Decision, "option": spec.Option}})
					s.mu.Lock()
					err := s.ws.WriteMessage(websocket.TextMessage, msg)
					s.mu.Unlock()
					if err != nil {
						errs.Add(1)
						return
					}
					sent.Add(1)
				}
			}(rooms[r])
		}
		wg.Wait()
		// Done when every command is acked and every socket has seen its room's last ack.
		poll := time.NewTicker(50 * time.Millisecond)
		deadline := time.Now().Add(120 * time.Second)
		for time.Now().Before(deadline) {
			caught := acks.Load() >= sent.Load()-errs.Load()
			for r, socks := range rooms {
				for _, s := range socks {
					if s.seen.Load() < maxAck[r].Load() {
						caught = false
					}
				}
			}
			if caught {
				break
			}
			<-poll.C
		}
		poll.Stop()
		fmt.Printf("done sent=%d in %s errors=%d gaps=%d\n", sent.Load(), time.Since(start).Round(time.Millisecond), errs.Load(), gaps.Load())
	}
}
