package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/classroom-debate/debate/client"
	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/protocol"
	"github.com/classroom-debate/debate/room"
)

const testToken = "operator-secret-token"

func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func get(t *testing.T, url, token string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func TestAdminCommands(t *testing.T) {
	url, _ := startServe(t, t.TempDir(), "--admin-token", testToken)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c := client.New(url)
	keep, err := c.CreateRoom(ctx, client.CreateRequest{})
	if err != nil {
		t.Fatal(err)
	}
	gone, err := c.CreateRoom(ctx, client.CreateRequest{})
	if err != nil {
		t.Fatal(err)
	}
	teacher, err := c.Dial(ctx, keep.Code, keep.TeacherKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer teacher.Close()
	doomed, err := c.Dial(ctx, gone.Code, gone.TeacherKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer doomed.Close()
	admin := []string{"admin", "--url", url, "--token", testToken}

	code, out, errOut := runCmd(t, append(admin, "rooms")...)
	if code != 0 || !strings.Contains(out, keep.Code) || !strings.Contains(out, gone.RoomID) || !strings.Contains(out, "2 rooms") {
		t.Fatalf("admin rooms = %d\n%s%s", code, out, errOut)
	}
	code, _, errOut = runCmd(t, "admin", "--url", url, "--token", "wrong", "rooms")
	if code != 1 || !strings.Contains(errOut, "unauthorized") {
		t.Fatalf("a wrong token = %d %q", code, errOut)
	}
	if code, _, _ := runCmd(t, "admin", "--url", url, "rooms"); code != 2 {
		t.Fatalf("no token: exit %d, want 2", code)
	}
	if code, _, _ := runCmd(t, append(admin, "reboot")...); code != 2 {
		t.Fatalf("an unknown admin command: exit %d, want 2", code)
	}

	// Close one room by its code, as typed on a projector ("abcd-efgh").
	code, out, errOut = runCmd(t, append(admin, "close", strings.ToLower(gone.Code[:4]+"-"+gone.Code[4:]))...)
	if code != 0 || !strings.Contains(out, gone.RoomID) {
		t.Fatalf("admin close = %d %s%s", code, out, errOut)
	}
	f, err := doomed.WaitFor(ctx, func(f client.Frame) bool { return f.Type == "closing" })
	if err != nil || f.CloseCode != protocol.CloseDeleted {
		t.Fatalf("the closed room's teacher got %+v, %v", f, err)
	}
	code, out, _ = runCmd(t, append(admin, "--json", "rooms")...)
	var rooms []struct{ Code string }
	if code != 0 || json.Unmarshal([]byte(out), &rooms) != nil || len(rooms) != 1 || rooms[0].Code != keep.Code {
		t.Fatalf("rooms after close = %d %s", code, out)
	}
	if code, _, errOut := runCmd(t, append(admin, "close", "NOSUCHRM")...); code != 1 || !strings.Contains(errOut, "NOSUCHRM") {
		t.Fatalf("closing no room = %d %q", code, errOut)
	}

	// The profiler is behind the token.
	if status, _ := get(t, url+"/debug/pprof/heap?debug=1", ""); status != http.StatusUnauthorized {
		t.Fatalf("pprof without the token = %d", status)
	}
	if status, body := get(t, url+"/debug/pprof/heap?debug=1", testToken); status != http.StatusOK || !bytes.Contains(body, []byte("heap profile")) {
		t.Fatalf("pprof heap = %d %.80s", status, body)
	}
	if status, body := get(t, url+"/debug/pprof/goroutine?debug=1", testToken); status != http.StatusOK || !bytes.Contains(body, []byte("goroutine profile")) {
		t.Fatalf("pprof goroutine = %d %.80s", status, body)
	}

	// Drain: sockets are told to reconnect elsewhere; the instance then refuses.
	code, out, errOut = runCmd(t, append(admin, "drain")...)
	if code != 0 || !strings.Contains(out, "drained") {
		t.Fatalf("admin drain = %d %s%s", code, out, errOut)
	}
	f, err = teacher.WaitFor(ctx, func(f client.Frame) bool { return f.Type == "closing" })
	if err != nil || f.CloseCode != protocol.CloseRestart {
		t.Fatalf("after a drain the teacher got %+v, %v", f, err)
	}
	if status, _ := get(t, url+"/readyz", ""); status != http.StatusServiceUnavailable {
		t.Fatalf("readyz after a drain = %d", status)
	}
	if _, err := c.Join(ctx, keep.Code, "Late"); err == nil {
		t.Fatal("a join was taken after the drain")
	}
}

// A backup taken from a running server while a game is being played restores into a
// fresh data directory, and a server started on it shows the game.
func TestBackupWhileGameRunsAndRestore(t *testing.T) {
	url, _ := startServe(t, t.TempDir(), "--admin-token", testToken)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := client.New(url)
	r, err := c.CreateRoom(ctx, client.CreateRequest{})
	if err != nil {
		t.Fatal(err)
	}
	teacher, err := c.Dial(ctx, r.Code, r.TeacherKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer teacher.Close()
	var students []*client.Conn
	for i := 0; i < 4; i++ {
		p, err := c.Join(ctx, r.Code, fmt.Sprintf("Student %d", i))
		if err != nil {
			t.Fatal(err)
		}
		s, err := c.Dial(ctx, r.Code, p.Token, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		students = append(students, s)
	}
	if _, err := teacher.Send(ctx, "start", nil); err != nil {
		t.Fatal(err)
	}
	before, err := teacher.Send(ctx, "advance", nil) // into the debate
	if err != nil {
		t.Fatal(err)
	}
	// The class argues while the backup is taken.
	y, _ := economy.Default().Year(1928)
	d := y.Decisions[0]
	stop := make(chan struct{})
	acked := make(chan struct{}, 1000)
	var wg sync.WaitGroup
	for i, s := range students {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < 30; n++ { // within the socket's burst of 40: never rate-limited
				select {
				case <-stop:
					return
				default:
				}
				if _, err := s.Send(ctx, "argue", map[string]string{"text": fmt.Sprintf("Argument %d of student %d: the grain must stay in the village.", n, i),
					"decision": d.ID, "option": d.Options[(i+n)%len(d.Options)].ID}); err != nil {
					t.Errorf("argue: %v", err)
					return
				}
				acked <- struct{}{}
			}
		}()
	}
	const early = 8 // arguments stored before the backup begins
	for i := 0; i < early; i++ {
		<-acked
	}
	file := filepath.Join(t.TempDir(), "debate-backup.db")
	code, out, errOut := runCmd(t, "backup", "--url", url, "--token", testToken, "--out", file)
	close(stop)
	wg.Wait()
	if code != 0 || !strings.Contains(out, "1 rooms") {
		t.Fatalf("backup = %d %s%s", code, out, errOut)
	}
	if code, _, _ := runCmd(t, "backup", "--url", url, "--token", testToken, "--out", file); code != 2 {
		t.Fatalf("a backup over an existing file: exit %d, want 2", code)
	}

	fresh := t.TempDir()
	if code, out, errOut := runCmd(t, "restore", "--data-dir", fresh, file); code != 0 || !strings.Contains(out, "restored 1 rooms") {
		t.Fatalf("restore = %d %s%s", code, out, errOut)
	}
	if code, _, errOut := runCmd(t, "restore", "--data-dir", fresh, file); code != 2 || !strings.Contains(errOut, "--data-dir") || !strings.Contains(errOut, "already") {
		t.Fatalf("restoring over a store = %d %q, want 2 and --data-dir named", code, errOut)
	}
	url2, _ := startServe(t, fresh)
	again, err := client.New(url2).Dial(ctx, r.Code, r.TeacherKey, nil)
	if err != nil {
		t.Fatalf("the teacher's key on the restored server: %v", err)
	}
	defer again.Close()
	f, err := again.WaitFor(ctx, func(f client.Frame) bool { return f.Type == "snapshot" })
	if err != nil {
		t.Fatal(err)
	}
	var v room.View
	if err := json.Unmarshal(f.State, &v); err != nil {
		t.Fatal(err)
	}
	if f.Seq < before+early || v.Phase != room.Debate || len(v.Players) != 4 {
		t.Fatalf("restored game: seq %d (backup began after %d), phase %s, %d players", f.Seq, before, v.Phase, len(v.Players))
	}
	t.Logf("the backup holds the game up to seq %d (the debate began at %d; the class argued on during it)", f.Seq, before)
}

func TestBackupOfAStoppedServersDirectory(t *testing.T) {
	dir := t.TempDir()
	url, stop := startServe(t, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := client.New(url).CreateRoom(ctx, client.CreateRequest{}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "b.db")
	if code, _, errOut := runCmd(t, "backup", "--data-dir", dir, "--out", file); code != 1 || !strings.Contains(errOut, "--url") {
		t.Fatalf("backup of a directory a server holds = %d %q", code, errOut)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := runCmd(t, "backup", "--data-dir", dir, "--out", file); code != 0 || !strings.Contains(out, "1 rooms") {
		t.Fatalf("backup of a stopped server's directory = %d %s%s", code, out, errOut)
	}
}

// debate restore names what is wrong with its input, exits 2, and writes nothing.
func TestRestoreRefusesBadInput(t *testing.T) {
	fresh := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"restore", filepath.Join(fresh, "backup")}, "--data-dir"},
		{[]string{"restore", "--data-dir", fresh}, "FILE"},
		{[]string{"restore", "--data-dir", fresh, filepath.Join(fresh, "no-such-backup")}, "FILE"},
	} {
		if code, _, errOut := runCmd(t, c.args...); code != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("%q = %d %q, want 2 and %s named", c.args, code, errOut, c.want)
		}
	}
	if left, _ := os.ReadDir(fresh); len(left) != 0 {
		t.Errorf("a refused restore left %v in the data directory", left)
	}
}

// A backup of a directory with no store is refused, and creates no store there.
func TestBackupOfADirectoryWithoutAStore(t *testing.T) {
	empty := t.TempDir()
	out := filepath.Join(t.TempDir(), "backup")
	if code, _, errOut := runCmd(t, "backup", "--data-dir", empty, "--out", out); code != 2 || !strings.Contains(errOut, "--data-dir") {
		t.Errorf("backup of an empty directory = %d %q, want 2 and --data-dir named", code, errOut)
	}
	if left, _ := os.ReadDir(empty); len(left) != 0 {
		t.Errorf("the refused backup left %v in the data directory", left)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("the refused backup wrote --out")
	}
}
