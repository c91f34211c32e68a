package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/classroom-debate/debate/client"
	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/protocol"
	"github.com/classroom-debate/debate/room"
)

// childArgsEnv makes the test binary run `debate` itself: the restart tests start real
// server processes from it (and kill them) without building a separate binary.
const childArgsEnv = "DEBATE_TEST_CHILD_ARGS"

func TestMain(m *testing.M) {
	if enc, ok := os.LookupEnv(childArgsEnv); ok {
		var args []string
		if err := json.Unmarshal([]byte(enc), &args); err != nil {
			fmt.Fprintln(os.Stderr, "bad", childArgsEnv, err)
			os.Exit(2)
		}
		os.Exit(run(args, os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// proc is a `debate serve` process.
type proc struct {
	cmd     *exec.Cmd
	url     string
	done    chan struct{} // closed when the process has exited
	waitErr error         // its exit status, once done is closed
}

// startProc runs `debate serve` on addr (127.0.0.1:0 for any port) over dataDir.
func startProc(t *testing.T, addr, dataDir string) *proc {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	args, _ := json.Marshal([]string{"serve", "--addr", addr, "--data-dir", dataDir, "--log-level", "warn", "--shutdown-timeout", "5s"})
	cmd.Env = append(os.Environ(), childArgsEnv+"="+string(args))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, done: make(chan struct{})}
	lines := bufio.NewReader(out)
	line, err := lines.ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		t.Fatalf("the server printed no address: %v", err)
	}
	go io.Copy(io.Discard, lines)
	go func() { p.waitErr = cmd.Wait(); close(p.done) }()
	p.url = strings.TrimSpace(strings.TrimPrefix(line, "debate: listening on "))
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-p.done
	})
	return p
}

func (p *proc) hostPort(t *testing.T) string {
	u, err := url.Parse(p.url)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

// ack is an acknowledged command: the server promised its event is stored at seq.
type ack struct {
	id  string
	seq uint64
}

// SIGKILL mid-debate: every acknowledged command is in the log after the restart,
// clients resume without gaps, and commands whose answer was lost can be sent again
// with the same id without taking effect twice.
func TestSIGKILLLosesNothingAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	dir := t.TempDir()
	first := startProc(t, "127.0.0.1:0", dir)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := client.New(first.url)
	rm, err := c.CreateRoom(ctx, client.CreateRequest{})
	if err != nil {
		t.Fatal(err)
	}
	teacher, err := c.Dial(ctx, rm.Code, rm.TeacherKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer teacher.Close()
	var students []*client.Conn
	for i := 0; i < 8; i++ {
		p, err := c.Join(ctx, rm.Code, fmt.Sprintf("Student %d", i+1))
		if err != nil {
			t.Fatal(err)
		}
		conn, err := c.Dial(ctx, rm.Code, p.Token, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		students = append(students, conn)
	}
	for _, cmd := range []string{"start", "advance"} { // briefing, then debate
		if _, err := teacher.Send(ctx, cmd, nil); err != nil {
			t.Fatal(err)
		}
	}
	year, _ := economy.Default().Year(1928)
	d := year.Decisions[0]

	// Every student argues as fast as it can until its socket dies under it.
	var (
		mu      sync.Mutex
		acked   []ack
		unknown = map[int][]string{} // per student: ids sent whose answer never came
		wg      sync.WaitGroup
	)
	killAt := make(chan struct{})
	var killOnce sync.Once
	for i, s := range students {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				id := fmt.Sprintf("s%d-arg%d", i, n)
				seq, err := s.SendWithID(ctx, id, "argue", map[string]string{
					"text": fmt.Sprintf("Argument %d of student %d.", n, i), "decision": d.ID, "option": d.Options[n%len(d.Options)].ID})
				mu.Lock()
				if err == nil {
					acked = append(acked, ack{id, seq})
					if len(acked) == 40 {
						killOnce.Do(func() { close(killAt) })
					}
					mu.Unlock()
					continue
				}
				unknown[i] = append(unknown[i], id)
				mu.Unlock()
				if !errors.Is(err, client.ErrDisconnected) {
					t.Errorf("student %d: %v", i, err)
				}
				return
			}
		}()
	}
	select {
	case <-killAt:
	case <-ctx.Done():
		t.Fatal("the students never got 40 acks")
	}
	if err := first.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-first.done
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}

	// The same address, so that the clients' Resume finds it.
	startProc(t, first.hostPort(t), dir)
	for _, conn := range append([]*client.Conn{teacher}, students...) {
		if err := conn.Resume(ctx); err != nil {
			t.Fatalf("resume after the restart: %v", err)
		}
	}
	// Commands whose answer was lost are sent again with the same id.
	before, resent := len(acked), 0
	for i, ids := range unknown {
		for _, id := range ids {
			seq, err := students[i].SendWithID(ctx, id, "argue", map[string]string{
				"text": "Sent again after the restart.", "decision": d.ID, "option": d.Options[0].ID})
			if err != nil {
				t.Fatalf("resending %s: %v", id, err)
			}
			acked = append(acked, ack{id, seq})
			resent++
		}
	}
	last := uint64(0)
	for _, a := range acked {
		last = max(last, a.seq)
	}
	if err := teacher.WaitSeq(ctx, last); err != nil {
		t.Fatal(err)
	}
	byCmd := map[string][]uint64{}
	bySeq := map[uint64]room.Event{}
	for _, e := range teacher.Events() {
		bySeq[e.Seq] = e
		if e.Type == room.EvArgumentPosted {
			byCmd[e.Cmd] = append(byCmd[e.Cmd], e.Seq)
		}
	}
	for _, a := range acked {
		if e, ok := bySeq[a.seq]; !ok || e.Cmd != a.id {
			t.Fatalf("acknowledged %s at seq %d, but the log has %+v there", a.id, a.seq, e)
		}
		if len(byCmd[a.id]) != 1 {
			t.Fatalf("command %s took effect %d times", a.id, len(byCmd[a.id]))
		}
	}
	for i, conn := range append([]*client.Conn{teacher}, students...) {
		if err := conn.WaitSeq(ctx, last); err != nil {
			t.Fatalf("client %d: %v", i, err)
		}
		if gaps := conn.Gaps(); len(gaps) > 0 {
			t.Fatalf("client %d: gaps %v", i, gaps)
		}
	}
	t.Logf("%d commands acknowledged before the SIGKILL, %d resent after it", before, resent)
}

// A game suspended at the end of a lesson survives a graceful restart (SIGTERM): the
// clients are told to reconnect (4001), the phase's remaining time is kept, and the
// game resumes in the next lesson.
func TestSuspendSpansARestart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	dir := t.TempDir()
	first := startProc(t, "127.0.0.1:0", dir)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := client.New(first.url)
	rm, err := c.CreateRoom(ctx, client.CreateRequest{Settings: json.RawMessage(`{"timers":{"debate":600}}`)})
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.Join(ctx, rm.Code, "Anya")
	if err != nil {
		t.Fatal(err)
	}
	teacher, err := c.Dial(ctx, rm.Code, rm.TeacherKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer teacher.Close()
	for _, cmd := range []string{"start", "advance", "suspend"} {
		if _, err := teacher.Send(ctx, cmd, nil); err != nil {
			t.Fatalf("%s: %v", cmd, err)
		}
	}

	if err := first.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	f, err := teacher.WaitFor(ctx, func(f client.Frame) bool { return f.Type == "closing" })
	if err != nil || f.CloseCode != protocol.CloseRestart {
		t.Fatalf("on SIGTERM the socket closed with %+v, %v", f, err)
	}
	select {
	case <-first.done:
		if first.waitErr != nil {
			t.Fatalf("the server exited with %v after SIGTERM", first.waitErr)
		}
	case <-ctx.Done():
		t.Fatal("the server did not exit after SIGTERM")
	}

	second := startProc(t, "127.0.0.1:0", dir)
	c2 := client.New(second.url)
	teacher2, err := c2.Dial(ctx, rm.Code, rm.TeacherKey, nil)
	if err != nil {
		t.Fatalf("the teacher's key after the restart: %v", err)
	}
	defer teacher2.Close()
	snap, err := teacher2.WaitFor(ctx, func(f client.Frame) bool { return f.Type == "snapshot" })
	if err != nil {
		t.Fatal(err)
	}
	var view struct {
		Phase       string `json:"phase"`
		Suspended   bool   `json:"suspended"`
		RemainingMs int64  `json:"remainingMs"`
	}
	if err := json.Unmarshal(snap.State, &view); err != nil {
		t.Fatal(err)
	}
	if view.Phase != "debate" || !view.Suspended || view.RemainingMs <= 590_000 || view.RemainingMs > 600_000 {
		t.Fatalf("after the restart the room is %+v; want the debate on hold with about 600 s left", view)
	}
	student, err := c2.Dial(ctx, rm.Code, p.Token, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer student.Close()
	year, _ := economy.Default().Year(1928)
	argue := map[string]string{"text": "Back again.", "decision": year.Decisions[0].ID, "option": year.Decisions[0].Options[0].ID}
	if _, err := student.Send(ctx, "argue", argue); fault.CodeOf(err) != fault.WrongPhase {
		t.Fatalf("arguing while the game is on hold: %v", err)
	}
	if _, err := teacher2.Send(ctx, "unsuspend", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := student.Send(ctx, "argue", argue); err != nil {
		t.Fatalf("arguing after the game resumed: %v", err)
	}
}
