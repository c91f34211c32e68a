package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/classroom-debate/debate/engine"
)

// The operator's commands: `debate admin` (rooms, close, drain) and `debate backup`
// talk to a running server's /api/admin routes with the admin token; `debate restore`
// works on a data directory.

// adminFlags are the flags every command that talks to a running server shares.
type adminFlags struct {
	url, token string
}

func (a *adminFlags) declare(fs *flag.FlagSet) {
	env := func(name, def string) string {
		if v, ok := os.LookupEnv(name); ok {
			return v
		}
		return def
	}
	fs.StringVar(&a.url, "url", env("DEBATE_URL", "http://127.0.0.1:8080"), "the running server's address (DEBATE_URL)")
	fs.StringVar(&a.token, "token", env("DEBATE_ADMIN_TOKEN", ""), "the server's admin token (DEBATE_ADMIN_TOKEN)")
}

func (a *adminFlags) check() error {
	u, err := url.Parse(a.url)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--url: %q is not an http(s) URL", a.url)
	}
	a.url = strings.TrimRight(a.url, "/")
	if a.token == "" {
		return errors.New("--token: the admin token is needed (or DEBATE_ADMIN_TOKEN)")
	}
	return nil
}

// call sends an admin request and returns the response for a 2xx status; any other
// status becomes an error with the server's code and sentence.
func (a *adminFlags) call(ctx context.Context, method, path string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, a.url+path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 == 2 {
		return resp, nil
	}
	defer resp.Body.Close()
	var fe struct{ Code, Message string }
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if json.Unmarshal(body, &fe) == nil && fe.Code != "" {
		return nil, fmt.Errorf("%s: %s (%s)", fe.Code, fe.Message, resp.Status)
	}
	return nil, fmt.Errorf("%s answered %s", a.url, resp.Status)
}

func (a *adminFlags) callJSON(ctx context.Context, method, path string, out any) error {
	resp, err := a.call(ctx, method, path)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil {
		return nil
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

const adminUsage = `usage: debate admin [--url URL] [--token TOKEN] COMMAND
  rooms              list the rooms (code, id, created, last activity)
  close CODE|ID      close a room now: its viewers are told, its storage is deleted
  drain              stop taking rooms, joins and sockets, tell every socket to reconnect
                     (elsewhere), finish queued writes; then stop the process`

func runAdmin(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("debate admin", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, adminUsage); fs.PrintDefaults() }
	var a adminFlags
	a.declare(fs)
	asJSON := fs.Bool("json", false, "print the room list as JSON")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if err := a.check(); err != nil {
		fmt.Fprintf(stderr, "debate admin: %v\n", err)
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd, rest := fs.Arg(0), fs.Args()
	if len(rest) > 0 {
		rest = rest[1:]
	}
	var err error
	switch {
	case cmd == "rooms" && len(rest) == 0:
		err = adminRooms(ctx, &a, stdout, *asJSON)
	case cmd == "close" && len(rest) == 1:
		err = adminClose(ctx, &a, rest[0], stdout)
	case cmd == "drain" && len(rest) == 0:
		err = adminDrain(ctx, &a, stdout)
	default:
		fmt.Fprintln(stderr, adminUsage)
		return 2
	}
	if err != nil {
		fmt.Fprintf(stderr, "debate admin %s: %v\n", cmd, err)
		return 1
	}
	return 0
}

func listRooms(ctx context.Context, a *adminFlags) ([]engine.RoomSummary, error) {
	var out struct {
		Rooms []engine.RoomSummary `json:"rooms"`
	}
	err := a.callJSON(ctx, http.MethodGet, "/api/admin/rooms", &out)
	return out.Rooms, err
}

func adminRooms(ctx context.Context, a *adminFlags, stdout io.Writer, asJSON bool) error {
	rooms, err := listRooms(ctx, a)
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rooms)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CODE\tROOM ID\tCREATED\tLAST ACTIVITY")
	for _, r := range rooms {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Code, r.RoomID, r.Created.UTC().Format(time.DateTime), r.LastActivity.UTC().Format(time.DateTime))
	}
	fmt.Fprintf(tw, "%d rooms\n", len(rooms))
	return tw.Flush()
}

func adminClose(ctx context.Context, a *adminFlags, which string, stdout io.Writer) error {
	rooms, err := listRooms(ctx, a)
	if err != nil {
		return err
	}
	code := engine.NormalizeCode(which)
	for _, r := range rooms {
		if r.RoomID == which || r.Code == code {
			if err := a.callJSON(ctx, http.MethodDelete, "/api/admin/rooms/"+url.PathEscape(r.RoomID), nil); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "closed room %s (%s)\n", r.Code, r.RoomID)
			return nil
		}
	}
	return fmt.Errorf("no room has the code or id %q", which)
}

func adminDrain(ctx context.Context, a *adminFlags, stdout io.Writer) error {
	var out struct {
		Drained     bool `json:"drained"`
		Connections int  `json:"connections"`
	}
	if err := a.callJSON(ctx, http.MethodPost, "/api/admin/drain", &out); err != nil {
		return err
	}
	if !out.Drained {
		return fmt.Errorf("%d connections were still open when the drain timed out; stopping the process ends them", out.Connections)
	}
	fmt.Fprintln(stdout, "drained: no connections left; the instance answers 503 until it is stopped")
	return nil
}
