// Package bots plays classes against a running server with the Go client: a teacher bot
// per room that opens it and runs the phases, and student bots that join, argue at a
// human pace, reply, mark, vote, act, step out of role and back, and sometimes drop off
// and resume. Every bot checks what it sees: gap-free sequence numbers on every
// connection and an answer (ack or error frame) to every command. `debate bots` runs it.
//
// Speed: the teacher bot keeps each phase open for its human length (Pace) divided by
// Speed, then advances the phase itself; students spread their actions over the same
// span. The room's own timers are left at their defaults, which are longer, so the
// server is not asked for any special "test room" setting; if a room's timer does end a
// phase first, the teacher bot follows the room.
package bots

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/classroom-debate/debate/client"
	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/room"
)

// Config is one bots run.
type Config struct {
	URL       string  // the server, e.g. http://localhost:8080
	Rooms     int     // rooms to open, each with a teacher bot (ignored with Join)
	Students  int     // student bots per room
	Speed     float64 // phase lengths are Pace divided by Speed (1: a real lesson's pace)
	Seed      uint64  // the same seed plays the same choices
	Transport string  // "ws" or "sse", for every bot
	// Years is how many of the scenario's years are played (the rest are stepped with
	// history's choices); 0: every year.
	Years int
	// Join, when set, adds the student bots to the room with this code, run by a human
	// teacher, instead of opening rooms.
	Join string
	// GateCode is the server's teacher code, if it has one.
	GateCode string
	// Origin is the Origin the bots' WebSockets send ("": the server's own address), for
	// a server that allows only its listed origins.
	Origin string
	// DropChance is the chance a student drops off in a phase and resumes (0.1 if 0;
	// negative: never).
	DropChance float64
	Pace       Pace      // zero: DefaultPace
	Log        io.Writer // progress lines; nil: none
}

// Pace is each phase's length in a real lesson, as the teacher bot keeps it.
type Pace struct {
	Briefing, Debate, Vote, Resolution time.Duration
}

// DefaultPace fits a lesson: a minute to read the briefing, five to argue, two to vote,
// one to take in the results.
var DefaultPace = Pace{Briefing: time.Minute, Debate: 5 * time.Minute, Vote: 2 * time.Minute, Resolution: time.Minute}

func (p Pace) of(ph room.Phase) time.Duration {
	switch ph {
	case room.Briefing:
		return p.Briefing
	case room.Debate:
		return p.Debate
	case room.Vote:
		return p.Vote
	case room.Resolution:
		return p.Resolution
	}
	return 0
}

// expectedCodes are the refusals a well-behaved bot may meet: a command that raced the
// phase's end (the teacher advanced while a student was typing).
var expectedCodes = map[fault.Code]bool{fault.WrongPhase: true}

// Report is what a run saw.
type Report struct {
	mu            sync.Mutex
	RoomsStarted  int
	RoomsFinished int
	Commands      int                // acknowledged
	Errors        map[fault.Code]int // commands answered with an error frame, by code
	Resumes       int
	Problems      []string        // gaps, unanswered commands, unexpected errors: each fails the run
	Latencies     []time.Duration // a command's send → its event at another member of the room
}

func (r *Report) add(f func(r *Report)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f(r)
}

func (r *Report) problem(format string, args ...any) {
	r.add(func(r *Report) { r.Problems = append(r.Problems, fmt.Sprintf(format, args...)) })
}

// OK reports whether the run saw nothing wrong and every room it opened finished.
func (r *Report) OK() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.Problems) == 0 && r.RoomsFinished == r.RoomsStarted
}

// Percentile returns the q-quantile (0..1) of the latencies, 0 with none.
func (r *Report) Percentile(q float64) time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.Latencies) == 0 {
		return 0
	}
	s := slices.Clone(r.Latencies)
	slices.Sort(s)
	i := int(q*float64(len(s)) + 0.5)
	if i >= len(s) {
		i = len(s) - 1
	}
	if i > 0 && q < 1 {
		i--
	}
	if q >= 1 {
		i = len(s) - 1
	}
	return s[i]
}

// Print writes the report for a person.
func (r *Report) Print(w io.Writer) {
	p50, p95, p99, max := r.Percentile(0.5), r.Percentile(0.95), r.Percentile(0.99), r.Percentile(1)
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintf(w, "rooms finished: %d of %d\n", r.RoomsFinished, r.RoomsStarted)
	fmt.Fprintf(w, "commands acked: %d\n", r.Commands)
	codes := make([]string, 0, len(r.Errors))
	for c := range r.Errors {
		codes = append(codes, string(c))
	}
	sort.Strings(codes)
	var parts []string
	for _, c := range codes {
		parts = append(parts, fmt.Sprintf("%s %d", c, r.Errors[fault.Code(c)]))
	}
	if len(parts) == 0 {
		parts = []string{"none"}
	}
	fmt.Fprintf(w, "errors by code: %s\n", strings.Join(parts, ", "))
	fmt.Fprintf(w, "resumes: %d\n", r.Resumes)
	fmt.Fprintf(w, "command → broadcast latency (n=%d): p50 %s, p95 %s, p99 %s, max %s\n",
		len(r.Latencies), ms(p50), ms(p95), ms(p99), ms(max))
	fmt.Fprintf(w, "problems: %d\n", len(r.Problems))
	for _, p := range r.Problems {
		fmt.Fprintf(w, "  %s\n", p)
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }

// Run plays the configured classes and returns what it saw. It returns an error only
// when the run could not start (bad config, no server); what goes wrong in a room is
// in the report.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.URL == "" {
		return nil, errors.New("bots: a server URL is needed")
	}
	if cfg.Students < 1 || (cfg.Join == "" && cfg.Rooms < 1) {
		return nil, errors.New("bots: at least one room and one student")
	}
	if cfg.Speed <= 0 {
		cfg.Speed = 1
	}
	if cfg.Transport == "" {
		cfg.Transport = "ws"
	}
	if cfg.Transport != "ws" && cfg.Transport != "sse" {
		return nil, fmt.Errorf("bots: transport %q is neither ws nor sse", cfg.Transport)
	}
	if cfg.DropChance == 0 {
		cfg.DropChance = 0.1
	}
	if cfg.Pace == (Pace{}) {
		cfg.Pace = DefaultPace
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	r := &run{cfg: cfg, api: client.New(cfg.URL), report: &Report{Errors: map[fault.Code]int{}}}
	if cfg.Join != "" {
		r.joinRoom(ctx, cfg.Join)
		return r.report, nil
	}
	var wg sync.WaitGroup
	for i := 0; i < cfg.Rooms; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.playRoom(ctx, i)
		}()
	}
	wg.Wait()
	return r.report, nil
}

type run struct {
	cfg      Config
	api      *client.Client
	report   *Report
	logMu    sync.Mutex
	resumeMu sync.Map // *client.Conn → *sync.Mutex
}

func (r *run) logf(format string, args ...any) {
	r.logMu.Lock()
	defer r.logMu.Unlock()
	fmt.Fprintf(r.cfg.Log, format+"\n", args...)
}

func (r *run) dial(ctx context.Context, code, secret string) (*client.Conn, error) {
	opts := &client.Options{Origin: r.cfg.Origin}
	if r.cfg.Transport == "sse" {
		return r.api.DialSSE(ctx, code, secret, opts)
	}
	return r.api.Dial(ctx, code, secret, opts)
}

// class is one room being played: its observer (the teacher bot, or the first student
// with Join) timestamps every event it receives, so that a command's latency is its
// send → its event at another member of the room.
type class struct {
	code   string
	mu     sync.Mutex
	sentAt map[uint64]sent      // seq a command ended at → when and by whom it was sent
	seenAt map[uint64]time.Time // seq → when the observer received it
	ended  chan struct{}        // closed when the room reaches its debrief
	once   sync.Once
}

type sent struct {
	at time.Time
	by string
}

func newClass(code string) *class {
	return &class{code: code, sentAt: map[uint64]sent{}, seenAt: map[uint64]time.Time{}, ended: make(chan struct{})}
}

func (c *class) finish() { c.once.Do(func() { close(c.ended) }) }

// latencies pairs sends with arrivals at the observer (observer's own commands left out).
func (c *class) latencies(observer string) []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []time.Duration
	for seq, s := range c.sentAt {
		if s.by == observer {
			continue
		}
		if at, ok := c.seenAt[seq]; ok {
			out = append(out, at.Sub(s.at))
		}
	}
	return out
}

// resume reconnects conn from its last seq if its stream has ended; a stream another
// goroutine already resumed is left alone, so a drop seen twice reconnects once.
func (r *run) resume(ctx context.Context, conn *client.Conn) error {
	mu, _ := r.resumeMu.LoadOrStore(conn, &sync.Mutex{})
	mu.(*sync.Mutex).Lock()
	defer mu.(*sync.Mutex).Unlock()
	select {
	case <-conn.Ended():
	default:
		return nil
	}
	var err error
	for try, wait := 0, 100*time.Millisecond; try < 8; try, wait = try+1, wait*2 {
		if err = conn.Resume(ctx); err == nil {
			r.report.add(func(rp *Report) { rp.Resumes++ })
			return nil
		}
		if fault.CodeOf(err) != fault.Unavailable || ctx.Err() != nil {
			return err
		}
		select { // the server is restarting: try again shortly
		case <-time.After(wait):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return err
}

// send sends one command and accounts for its answer: an ack counts (and is timed), an
// expected refusal counts by code, anything else is a problem. A command cut off by a
// drop is sent again with the same id after a resume, and must then be answered.
func (r *run) send(ctx context.Context, cl *class, who string, conn *client.Conn, typ string, data any) (uint64, error) {
	id := client.NewID()
	start := time.Now()
	seq, err := conn.SendWithID(ctx, id, typ, data)
	for tries := 0; errors.Is(err, client.ErrDisconnected) && tries < 5 && ctx.Err() == nil; tries++ {
		if rerr := r.resume(ctx, conn); rerr != nil {
			err = rerr
			break
		}
		seq, err = conn.SendWithID(ctx, id, typ, data)
	}
	var fe *fault.Error
	switch {
	case err == nil:
		cl.mu.Lock()
		if _, dup := cl.sentAt[seq]; !dup {
			cl.sentAt[seq] = sent{at: start, by: who}
		}
		cl.mu.Unlock()
		r.report.add(func(rp *Report) { rp.Commands++ })
	case errors.As(err, &fe):
		r.report.add(func(rp *Report) { rp.Errors[fe.Code]++ })
		if !expectedCodes[fe.Code] {
			r.report.problem("room %s: %s's %s refused: %s: %s", cl.code, who, typ, fe.Code, fe.Message)
		}
	case ctx.Err() != nil:
	default:
		r.report.problem("room %s: %s's %s got no answer: %v", cl.code, who, typ, err)
	}
	return seq, err
}

// playRoom opens a room, joins its students, and runs the phases to the debrief.
func (r *run) playRoom(ctx context.Context, index int) {
	settings := map[string]any{"maxPlayers": max(r.cfg.Students, 1)}
	if r.cfg.Years > 0 {
		settings["playedYears"] = firstYears(r.cfg.Years)
	}
	raw, _ := json.Marshal(settings)
	rm, err := r.api.CreateRoom(ctx, client.CreateRequest{Settings: raw, GateCode: r.cfg.GateCode})
	if err != nil {
		r.report.problem("room %d: create: %v", index, err)
		return
	}
	r.report.add(func(rp *Report) { rp.RoomsStarted++ })
	cl := newClass(rm.Code)
	teacher, err := r.dial(ctx, rm.Code, rm.TeacherKey)
	if err != nil {
		r.report.problem("room %s: teacher connects: %v", rm.Code, err)
		return
	}
	phases := make(chan room.PhaseChangedData, 16)
	observed := make(chan struct{})
	go func() {
		defer close(observed)
		r.observe(ctx, cl, teacher, "teacher", true, phases)
	}()

	var students sync.WaitGroup
	for i := 0; i < r.cfg.Students; i++ {
		s, err := r.newStudent(ctx, cl, index, i)
		if err != nil {
			r.report.problem("room %s: student %d: %v", rm.Code, i, err)
			continue
		}
		students.Add(1)
		go func() {
			defer students.Done()
			s.play(ctx)
		}()
	}
	if _, err := r.send(ctx, cl, "teacher", teacher, "start", nil); err != nil {
		cl.finish()
	} else {
		r.runPhases(ctx, cl, teacher, phases, observed)
	}
	students.Wait()
	r.closeConn(cl, "teacher", teacher)
	<-observed
	lat := cl.latencies("teacher")
	r.report.add(func(rp *Report) { rp.Latencies = append(rp.Latencies, lat...) })
}

// firstYears are the first n years of the 1928–1934 scenario.
func firstYears(n int) []int {
	var out []int
	for y := 1928; y <= 1934 && len(out) < n; y++ {
		out = append(out, y)
	}
	return out
}

// runPhases keeps each phase open for its pace, then advances it; a phase the room
// changed by itself (its own timer) restarts the wait.
func (r *run) runPhases(ctx context.Context, cl *class, teacher *client.Conn, phases <-chan room.PhaseChangedData, observed <-chan struct{}) {
	var current room.Phase
	var timer <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-observed:
			if ctx.Err() == nil {
				r.report.problem("room %s: the teacher's connection ended before the debrief", cl.code)
			}
			cl.finish()
			return
		case <-cl.ended:
			r.report.add(func(rp *Report) { rp.RoomsFinished++ })
			r.logf("room %s: debrief reached", cl.code)
			return
		case p := <-phases:
			current = p.Phase
			if d := r.cfg.Pace.of(current); d > 0 {
				timer = time.After(time.Duration(float64(d) / r.cfg.Speed))
			} else {
				timer = nil
			}
		case <-timer:
			timer = nil
			_, err := r.send(ctx, cl, "teacher", teacher, "advance", nil)
			if err != nil && !expectedCodes[fault.CodeOf(err)] {
				// The room cannot go on: end it here, unfinished, so its students stop.
				r.logf("room %s: abandoned: %v", cl.code, err)
				cl.finish()
				return
			}
		}
	}
}

// observe reads a connection's frames: timestamps events for latency (when record:
// the room's observer), passes phase changes on, and ends the class at the debrief.
func (r *run) observe(ctx context.Context, cl *class, conn *client.Conn, who string, record bool, phases chan<- room.PhaseChangedData) {
	for {
		f, err := conn.Next(ctx)
		if err != nil {
			return
		}
		now := time.Now()
		if f.Type == "snapshot" {
			// Joined or resumed mid-game: the snapshot says which phase is running.
			var v room.View
			if json.Unmarshal(f.State, &v) == nil && v.Phase != room.Lobby {
				select {
				case phases <- room.PhaseChangedData{Year: v.Year, Phase: v.Phase}:
				case <-cl.ended:
				case <-ctx.Done():
					return
				}
			}
			continue
		}
		if f.Type == "closing" {
			switch {
			case f.CloseCode >= 4000 && f.CloseCode < 4100: // the server asks for a reconnect
				if err := r.resume(ctx, conn); err != nil && ctx.Err() == nil {
					r.report.problem("room %s: %s could not reconnect after close %d: %v", cl.code, who, f.CloseCode, err)
					return
				}
			case f.CloseCode >= 4100: // removed, room deleted, refused: this bot leaves
				r.logf("room %s: %s leaves: %d %s", cl.code, who, f.CloseCode, f.Reason)
				return
			}
			continue // a drop: whoever dropped it resumes
		}
		if f.Type != "event" || f.Event == nil {
			continue
		}
		if record {
			cl.mu.Lock()
			cl.seenAt[f.Seq] = now
			cl.mu.Unlock()
		}
		if f.Event.Type != room.EvPhaseChanged {
			continue
		}
		var p room.PhaseChangedData
		if json.Unmarshal(f.Event.Data, &p) != nil {
			r.report.problem("room %s: %s got an unreadable phase change", cl.code, who)
			continue
		}
		select {
		case phases <- p:
		case <-cl.ended:
		case <-ctx.Done():
			return
		}
		if p.Phase == room.Debrief {
			cl.finish()
		}
	}
}

// closeConn closes a connection and reports the gaps it saw.
func (r *run) closeConn(cl *class, who string, c *client.Conn) {
	c.Close()
	for _, g := range c.Gaps() {
		r.report.problem("room %s: %s saw a gap: %v", cl.code, who, g)
	}
}

// joinRoom adds the student bots to a room a person runs, until it reaches its debrief
// or ctx ends.
func (r *run) joinRoom(ctx context.Context, code string) {
	cl := newClass(code)
	observer := ""
	var wg sync.WaitGroup
	for i := 0; i < r.cfg.Students; i++ {
		s, err := r.newStudent(ctx, cl, 0, i)
		if err != nil {
			r.report.problem("room %s: student %d: %v", code, i, err)
			continue
		}
		if observer == "" {
			s.observer, observer = true, s.name
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.play(ctx)
		}()
	}
	wg.Wait()
	lat := cl.latencies(observer)
	r.report.add(func(rp *Report) { rp.Latencies = append(rp.Latencies, lat...) })
}

// student is one student bot.
type student struct {
	r     *run
	cl    *class
	name  string
	token string
	id    string
	conn  *client.Conn
	rng   *rand.Rand
	// observer: this student timestamps the room's events for latency (with Join,
	// where no teacher bot does).
	observer bool
}

func (r *run) newStudent(ctx context.Context, cl *class, roomIndex, i int) (*student, error) {
	name := fmt.Sprintf("Bot %02d", i+1)
	p, err := r.api.Join(ctx, cl.code, name)
	if err != nil {
		return nil, fmt.Errorf("join: %w", err)
	}
	conn, err := r.dial(ctx, cl.code, p.Token)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	return &student{r: r, cl: cl, name: name, token: p.Token, id: p.PlayerID, conn: conn,
		rng: rand.New(rand.NewPCG(r.cfg.Seed, uint64(roomIndex)<<20|uint64(i)))}, nil
}

// play follows the room's phases until the debrief: for each debate and vote it reads
// its view and plans its moves at random moments of the phase.
func (s *student) play(ctx context.Context) {
	defer s.r.closeConn(s.cl, s.name, s.conn)
	phases := make(chan room.PhaseChangedData, 16)
	left := make(chan struct{})
	go func() {
		defer close(left)
		s.r.observe(ctx, s.cl, s.conn, s.name, s.observer, phases)
	}()
	stop := func() {}
	defer func() { stop() }()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.cl.ended:
			return
		case <-left:
			return
		case p := <-phases:
			stop()
			if p.Phase == room.Debrief {
				s.cl.finish()
				return
			}
			pctx, cancel := context.WithCancel(ctx)
			done := make(chan struct{})
			go func() {
				defer close(done)
				s.phase(pctx, ctx, p)
			}()
			stop = func() { cancel(); <-done }
		}
	}
}

// phase plays one phase: its moves spread over the phase's paced length. ctx ends with
// the phase; a move already started finishes under sendCtx, so that its command is
// answered (a late one with wrong_phase) rather than abandoned.
func (s *student) phase(ctx, sendCtx context.Context, p room.PhaseChangedData) {
	span := time.Duration(float64(s.r.cfg.Pace.of(p.Phase)) / s.r.cfg.Speed)
	if span <= 0 {
		return
	}
	var moves []func(context.Context)
	switch p.Phase {
	case room.Debate:
		moves = s.debateMoves(ctx)
	case room.Vote:
		moves = s.voteMoves(ctx)
	}
	if s.rng.Float64() < s.r.cfg.DropChance {
		moves = append(moves, s.dropAndResume)
	}
	// Moves at random moments in the first 80% of the phase, in order.
	at := make([]time.Duration, len(moves))
	for i := range at {
		at[i] = time.Duration(s.rng.Float64() * 0.8 * float64(span))
	}
	slices.Sort(at)
	start := time.Now()
	for i, move := range moves {
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Until(start.Add(at[i]))):
		}
		move(sendCtx)
	}
}

func (s *student) dropAndResume(ctx context.Context) {
	s.conn.Disconnect()
	if err := s.r.resume(ctx, s.conn); err != nil && ctx.Err() == nil {
		s.r.report.problem("room %s: %s could not resume: %v", s.cl.code, s.name, err)
	}
}

// view fetches the student's view of the room.
func (s *student) view(ctx context.Context) (room.View, error) {
	var v room.View
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.r.api.BaseURL+"/api/rooms/"+s.cl.code+"/view", nil)
	if err != nil {
		return v, err
	}
	req.Header.Set("Authorization", "Bearer "+s.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return v, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return v, fmt.Errorf("view: %s", resp.Status)
	}
	return v, json.NewDecoder(resp.Body).Decode(&v)
}

func (s *student) mustView(ctx context.Context) (room.View, bool) {
	v, err := s.view(ctx)
	if err != nil {
		if ctx.Err() == nil {
			s.r.report.problem("room %s: %s's view: %v", s.cl.code, s.name, err)
		}
		return v, false
	}
	return v, v.Current != nil && v.Me != nil
}

func (s *student) do(ctx context.Context, typ string, data any) {
	s.r.send(ctx, s.cl, s.name, s.conn, typ, data)
}

// debateMoves: one or two arguments, a mark and sometimes a reply on others'
// arguments, and sometimes a step out of role and back.
func (s *student) debateMoves(ctx context.Context) []func(context.Context) {
	v, ok := s.mustView(ctx)
	if !ok || len(v.Current.Decisions) == 0 {
		return nil
	}
	var moves []func(context.Context)
	for n := 1 + s.rng.IntN(2); n > 0; n-- {
		d := v.Current.Decisions[s.rng.IntN(len(v.Current.Decisions))]
		o := d.Options[s.rng.IntN(len(d.Options))]
		text := arguments[s.rng.IntN(len(arguments))]
		moves = append(moves, func(ctx context.Context) {
			s.do(ctx, "argue", map[string]string{"decision": d.ID, "option": o.ID, "text": text})
		})
	}
	moves = append(moves, func(ctx context.Context) { s.respond(ctx) })
	if s.rng.Float64() < 0.15 {
		moves = append(moves,
			func(ctx context.Context) { s.do(ctx, "stepOut", map[string]bool{"out": true}) },
			func(ctx context.Context) { s.do(ctx, "stepOut", map[string]bool{"out": false}) })
	}
	return moves
}

// respond marks an argument of someone else's it has not marked, and sometimes
// replies to it.
func (s *student) respond(ctx context.Context) {
	v, ok := s.mustView(ctx)
	if !ok {
		return
	}
	var others []room.ArgumentView
	for _, a := range v.Arguments {
		if a.PlayerID != s.id && !a.MarkedByMe && a.Year == v.Year && !a.Hidden {
			others = append(others, a)
		}
	}
	if len(others) == 0 {
		return
	}
	a := others[s.rng.IntN(len(others))]
	s.do(ctx, "mark", map[string]string{"argumentId": a.ID})
	if s.rng.Float64() < 0.4 {
		s.do(ctx, "reply", map[string]string{"argumentId": a.ID, "text": replies[s.rng.IntN(len(replies))]})
	}
}

// voteMoves: a vote on each decision (sometimes an abstention) and one action.
func (s *student) voteMoves(ctx context.Context) []func(context.Context) {
	v, ok := s.mustView(ctx)
	if !ok {
		return nil
	}
	var moves []func(context.Context)
	for _, d := range v.Current.Decisions {
		if _, done := v.Me.Votes[d.ID]; done || len(d.Options) == 0 {
			continue
		}
		data := map[string]any{"decision": d.ID, "option": d.Options[s.rng.IntN(len(d.Options))].ID}
		if s.rng.Float64() < 0.1 {
			data = map[string]any{"decision": d.ID, "abstain": true}
		}
		moves = append(moves, func(ctx context.Context) { s.do(ctx, "vote", data) })
	}
	if open := v.Me.ActionsOpen; len(open) > 0 && v.Me.Action == "" {
		action := open[s.rng.IntN(len(open))].ID
		moves = append(moves, func(ctx context.Context) { s.do(ctx, "act", map[string]string{"action": action}) })
	}
	s.rng.Shuffle(len(moves), func(i, j int) { moves[i], moves[j] = moves[j], moves[i] })
	return moves
}

// What the bots say: plain lines a class might write, for any decision and option.
var arguments = []string{
	"If the village hands over this much grain, there will be nothing left to sow in spring.",
	"The towns are hungry too, and the factories cannot wait another year.",
	"Prices set in Moscow do not pay for the work; people will hide their grain.",
	"A bad harvest is coming; we should keep a reserve instead of promising more.",
	"The collective farm has no tractors yet; taking the horses away now is a mistake.",
	"Exports pay for the machines, but only if people are alive to use them.",
	"My neighbours are afraid; nobody will say in the meeting what they really think.",
	"Let us look at last year's figures before we decide anything.",
}

var replies = []string{
	"Who will feed the towns then?",
	"And what happens to the families who refuse?",
	"That worked last year only because the harvest was good.",
	"I agree, but the quota comes from above whatever we say.",
	"Where does that figure come from?",
}
