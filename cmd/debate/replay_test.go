package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/classroom-debate/debate/scoring"
	"github.com/classroom-debate/debate/scoring/scoringtest"
)

// The live room's final export and `debate replay` of its exported log are the same bytes.
func TestReplay(t *testing.T) {
	evs, err := scoringtest.Session()
	if err != nil {
		t.Fatal(err)
	}
	live, err := scoring.FinalJSON(evs)
	if err != nil {
		t.Fatal(err)
	}
	log, err := scoring.EventLog(evs)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "GOLD-2026-11-25.log.json")
	if err := os.WriteFile(file, log, 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"replay", file}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !bytes.Equal(stdout.Bytes(), live) {
		t.Fatal("debate replay printed something other than the live room's final export")
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr: %s", stderr.String())
	}
}

func TestReplayRefuses(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"no file", []string{"replay"}, "give exactly one"},
		{"two files", []string{"replay", "a", "b"}, "give exactly one"},
		{"a flag", []string{"replay", "--format=x"}, "give exactly one"},
		{"missing file", []string{"replay", filepath.Join(dir, "nope.json")}, "cannot read the log"},
		{"not JSON", []string{"replay", write("bad.json", "not json")}, "not an exported room log"},
		{"a choices record", []string{"replay", write("choices.json", `{"format":1,"scenario":"ussr-1928-1934","mode":"historical","seed":0,"years":[]}`)}, "not an exported room log"},
		{"no events", []string{"replay", write("empty.json", `{"format":1,"kind":"`+scoring.LogKind+`","roomId":"r","code":"C","eventFormat":1,"events":[]}`)}, "no events"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(c.args, nil, &stdout, &stderr); code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if !strings.Contains(stderr.String(), c.want) || !strings.HasPrefix(stderr.String(), "debate replay: ") {
				t.Errorf("stderr %q, want a message with %q", stderr.String(), c.want)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout: %q", stdout.String())
			}
		})
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"replay", "--help"}, nil, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "debate replay FILE") {
		t.Errorf("help: exit %d, %q", code, stdout.String())
	}
}
