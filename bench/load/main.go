// Command load is the load generator of the benchmarks: it opens rooms of WebSocket
// students on a server speaking the debate protocol (debate serve, or the floor in
// bench/relayhub), makes one student of each room argue at a steady rate, and measures
// how long each argument takes to reach the other members of its room, with the
// server's CPU and memory when given its pid.
//
//	go run ./bench/load --url http://127.0.0.1:8080 --rooms 100 --students 30 --rate 1 --duration 60s --pid 1234
//
// Against debate serve, run the server with limits that let one address open many
// rooms and sockets (bench/sidebyside.sh does).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/classroom-debate/debate/client"
	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/protocol"
)

func main() {
	url := flag.String("url", "http://127.0.0.1:8080", "the server")
	rooms := flag.Int("rooms", 10, "rooms")
	students := flag.Int("students", 30, "WebSocket students per room")
	rate := flag.Float64("rate", 1, "arguments per room per second")
	duration := flag.Duration("duration", 30*time.Second, "how long to measure")
	warmup := flag.Duration("warmup", 5*time.Second, "load before measuring")
	pid := flag.Int("pid", 0, "the server's process id, for its CPU and memory")
	label := flag.String("label", "", "a name for this run in the output")
	flag.Parse()
	if err := run(*url, *rooms, *students, *rate, *duration, *warmup, *pid, *label); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

func run(url string, nRooms, nStudents int, rate float64, duration, warmup time.Duration, pid int, label string) error {
	ctx := context.Background()
	api := client.New(url)
	rssBefore := rss(pid)
	y, _ := economy.Default().Year(1928)
	d := y.Decisions[0]
	settings, _ := json.Marshal(map[string]any{"maxPlayers": nStudents, "timers": map[string]int{"debate": 7200}})
	g := &gen{url: url, sent: map[string]sending{}}
	start := time.Now()
	rooms := make([]*loadRoom, nRooms)
	var joinTime atomic.Int64 // summed over the 16 setup workers
	var wg sync.WaitGroup
	var setupErr atomic.Value
	sem := make(chan struct{}, 16)
	for i := range rooms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			lr, err := g.openRoom(ctx, api, settings, nStudents, &joinTime)
			if err != nil {
				setupErr.Store(err)
				return
			}
			rooms[i] = lr
		}()
	}
	wg.Wait()
	if err, _ := setupErr.Load().(error); err != nil {
		return err
	}
	connected := time.Since(start)
	rssConnected := rss(pid)

	// One student per room argues every 1/rate seconds (the speaker rotates); the
	// sender does not wait for the ack (its reader counts it), as a class does not.
	var senders sync.WaitGroup
	interval := time.Duration(float64(time.Second) / rate)
	end := time.Now().Add(warmup + duration)
	for i, lr := range rooms {
		senders.Add(1)
		go func() {
			defer senders.Done()
			time.Sleep(time.Duration(i) * interval / time.Duration(len(rooms))) // spread rooms over the interval
			t := time.NewTicker(interval)
			defer t.Stop()
			for n := 0; time.Now().Before(end); n++ {
				m := lr.members[1+n%(len(lr.members)-1)]
				id := fmt.Sprintf("c%d-%d", i, n)
				msg, _ := json.Marshal(map[string]any{"v": 1, "type": "argue", "id": id, "data": map[string]string{
					"decision": d.ID, "option": d.Options[n%len(d.Options)].ID,
					"text": "The quota leaves the village nothing to sow in spring; the procurement price must rise."}})
				g.mu.Lock()
				g.sent[id] = sending{at: time.Now(), by: m}
				g.mu.Unlock()
				if g.measuring.Load() {
					g.commands.Add(1)
				}
				m.ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
				if err := m.ws.WriteMessage(websocket.TextMessage, msg); err != nil {
					g.failures.Add(1)
				}
				<-t.C
			}
		}()
	}
	time.Sleep(warmup)
	cpu0, wall0 := cpuTicks(pid), time.Now()
	g.measuring.Store(true)
	time.Sleep(duration)
	g.measuring.Store(false)
	cpu1, wall1 := cpuTicks(pid), time.Now()
	rssLoaded := rss(pid)
	senders.Wait()
	time.Sleep(time.Second) // the last answers
	gaps := 0
	var all []time.Duration
	for _, lr := range rooms {
		for _, m := range lr.members {
			m.ws.Close()
			<-m.done
			gaps += m.gaps
			all = append(all, m.lat...)
		}
	}
	slices.Sort(all)
	pct := func(q float64) string {
		if len(all) == 0 {
			return "-"
		}
		return fmt.Sprintf("%.2fms", float64(all[int(q*float64(len(all)-1))])/float64(time.Millisecond))
	}
	conns := nRooms * nStudents
	fmt.Printf("run %s: %d rooms × %d students = %d WebSockets, %.1f arguments/room/s, measured %s after %s warm-up\n",
		label, nRooms, nStudents, conns, rate, duration, warmup)
	fmt.Printf("  created, joined and connected in %s; the %d joins took %s of it (16 rooms at a time)\n",
		connected.Round(time.Millisecond), nRooms*(nStudents-1), (time.Duration(joinTime.Load()) / 16).Round(time.Millisecond))
	fmt.Printf("  commands %d (%.0f/s), acked (whole run) %d, refused or failed %d, deliveries to other members %d (%.0f/s), gaps %d\n",
		g.commands.Load(), float64(g.commands.Load())/duration.Seconds(), g.acks.Load(), g.failures.Load()+g.refusals.Load(),
		len(all), float64(len(all))/duration.Seconds(), gaps)
	fmt.Printf("  command → other members: p50 %s, p99 %s, max %s\n", pct(0.5), pct(0.99), pct(1))
	if pid > 0 {
		cpu := float64(cpu1-cpu0) / 100 / wall1.Sub(wall0).Seconds() * 100
		fmt.Printf("  server CPU %.0f%% of a core; RSS %d MB before, %d MB connected, %d MB after load\n", cpu, rssBefore>>20, rssConnected>>20, rssLoaded>>20)
		fmt.Printf("  memory per student: %.1f KB connected, %.1f KB after load\n",
			float64(rssConnected-rssBefore)/float64(conns)/1024, float64(rssLoaded-rssBefore)/float64(conns)/1024)
	}
	return nil
}

// gen is the generator's shared state.
type gen struct {
	url       string
	mu        sync.Mutex
	sent      map[string]sending // command id → who sent it, when
	measuring atomic.Bool
	commands  atomic.Int64
	acks      atomic.Int64
	refusals  atomic.Int64
	failures  atomic.Int64
}

type sending struct {
	at time.Time
	by *member
}

// member is one raw WebSocket: the generator reads only what it measures (an event's
// seq and command id, an answer's type), so that it costs far less than the server.
type member struct {
	ws   *websocket.Conn
	lat  []time.Duration
	gaps int
	done chan struct{}
}

func (g *gen) dial(ctx context.Context, code, secret string) (*member, error) {
	u := "ws" + strings.TrimPrefix(g.url, "http") + "/api/rooms/" + code + "/ws"
	ws, _, err := websocket.DefaultDialer.DialContext(ctx, u, nil)
	if err != nil {
		return nil, err
	}
	hello, _ := json.Marshal(map[string]any{"v": 1, "type": "hello", "key": secret})
	if err := ws.WriteMessage(websocket.TextMessage, hello); err != nil {
		return nil, err
	}
	_, first, err := ws.ReadMessage()
	if err != nil || !bytes.Contains(first, []byte(`"type":"welcome"`)) {
		ws.Close()
		return nil, fmt.Errorf("no welcome: %s %v", first, err)
	}
	m := &member{ws: ws, done: make(chan struct{})}
	go g.read(m)
	return m, nil
}

var cmdField = []byte(`"cmd":"`)

func (g *gen) read(m *member) {
	defer close(m.done)
	var last uint64
	have := false
	for {
		_, f, err := m.ws.ReadMessage()
		if err != nil {
			return
		}
		now := time.Now()
		switch {
		case bytes.HasPrefix(f, []byte(`{"v":1,"type":"event"`)):
			seq, _ := protocol.FrameSeq(f)
			if have && seq != last+1 {
				m.gaps++
			}
			last, have = seq, true
			i := bytes.Index(f, cmdField)
			if i < 0 || !g.measuring.Load() {
				continue
			}
			rest := f[i+len(cmdField):]
			id := string(rest[:bytes.IndexByte(rest, '"')])
			g.mu.Lock()
			s, ok := g.sent[id]
			g.mu.Unlock()
			if ok && s.by != m {
				m.lat = append(m.lat, now.Sub(s.at))
			}
		case bytes.HasPrefix(f, []byte(`{"v":1,"type":"snapshot"`)):
			last, _ = protocol.FrameSeq(f)
			have = true
		case bytes.Contains(f, []byte(`"type":"ack"`)):
			g.acks.Add(1)
		case bytes.Contains(f, []byte(`"type":"error"`)):
			g.refusals.Add(1)
		}
	}
}

type loadRoom struct {
	code    string
	members []*member
}

// openRoom creates a room, joins its students, starts the game and moves it to the
// debate (the floor hub just relays those commands), then connects every member.
func (g *gen) openRoom(ctx context.Context, api *client.Client, settings []byte, n int, joinTime *atomic.Int64) (*loadRoom, error) {
	r, err := api.CreateRoom(ctx, client.CreateRequest{Settings: settings})
	if err != nil {
		return nil, fmt.Errorf("create: %w", err)
	}
	joinStart := time.Now()
	secrets := []string{r.TeacherKey}
	for i := 1; i < n; i++ {
		p, err := api.Join(ctx, r.Code, fmt.Sprintf("Student %02d", i))
		if err != nil {
			return nil, fmt.Errorf("join: %w", err)
		}
		secrets = append(secrets, p.Token)
	}
	joinTime.Add(int64(time.Since(joinStart)))
	teacher, err := api.Dial(ctx, r.Code, r.TeacherKey, nil)
	if err != nil {
		return nil, fmt.Errorf("teacher: %w", err)
	}
	for _, step := range []string{"start", "advance"} {
		if _, err := teacher.Send(ctx, step, nil); err != nil {
			return nil, fmt.Errorf("%s: %w", step, err)
		}
	}
	teacher.Close()
	lr := &loadRoom{code: r.Code}
	for _, secret := range secrets {
		m, err := g.dial(ctx, r.Code, secret)
		if err != nil {
			return nil, fmt.Errorf("connect: %w", err)
		}
		lr.members = append(lr.members, m)
	}
	return lr, nil
}

// cpuTicks is the process's user+system time in clock ticks (1/100 s).
func cpuTicks(pid int) int64 {
	if pid <= 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return u + s
}

// rss is the process's resident memory in bytes.
func rss(pid int) int64 {
	if pid <= 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			kb, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}
