// Package engine owns live rooms: one actor per loaded room that decides commands with
// the pure rules of package room, stores the resulting events durably before
// acknowledging them, and streams them to every viewer, redacted per audience.
//
// Storage and cross-instance sync are behind the small interfaces in ports.go, so the
// embedded default (bbolt, in-process notification) and Redis are a wiring choice in
// cmd/debate. The engine imports room, economy, protocol, fault and clock; it knows
// nothing of HTTP or WebSocket.
package engine

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/classroom-debate/debate/clock"
	"github.com/classroom-debate/debate/economy"
	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/protocol"
	"github.com/classroom-debate/debate/room"
)

// Config wires a Hub.
type Config struct {
	Log         Log
	Notifier    Notifier
	Directory   Directory
	Credentials Credentials
	Presence    Presence
	// Epochs, when set, lets the room actors notice that the store lost a room's data.
	Epochs Epochs
	// CheckStorage, when set, is asked by Ready after the store answered: an error (a
	// Redis without the settings that keep acknowledged commands) makes the instance not
	// ready, with the error's text as the reason.
	CheckStorage func(ctx context.Context) error
	// Scenario is what new rooms start with; a room keeps its own copy for life.
	Scenario *economy.Scenario
	Clock    clock.Clock
	Logger   *slog.Logger
	// FeedBuffer is how many frames a viewer may fall behind before it is dropped.
	FeedBuffer int
	// TicketTTL is how long a single-use ticket stays valid.
	TicketTTL time.Duration
	// Retention is how long a room is kept after its last activity.
	Retention time.Duration
	// WriteTimeout bounds one storage operation.
	WriteTimeout time.Duration
	// WarmWindow: at Start, rooms active within this window are loaded so that their
	// timers fire even before anyone reconnects.
	WarmWindow time.Duration
	// Observer is told about commands, appends, slow viewers and resumes (metrics).
	// Nil: nobody is told.
	Observer Observer
}

// Hub runs the rooms of this instance.
type Hub struct {
	cfg Config
	log *slog.Logger

	mu      sync.Mutex
	actors  map[string]*actor
	loading map[string]chan struct{}
	closing bool
	wg      sync.WaitGroup

	// writeErr is the last failed append (a full disk, say), nil once an append works
	// again: readiness reports it, and the log says it once per outage.
	writeMu  sync.Mutex
	writeErr error
}

// Session is who a connection speaks for.
type Session struct {
	RoomID    string
	Code      string
	Principal room.Principal
}

// CreateOptions are a teacher's choices when opening a room.
type CreateOptions struct {
	Mode     economy.Mode
	VoteMode room.VoteMode
	Settings json.RawMessage // optional room.Settings; nil means the defaults
}

// Created is what the teacher gets back when a room opens. The keys are shown once:
// only their hashes are stored.
type Created struct {
	RoomID       string
	Code         string
	TeacherKey   string
	CoTeacherKey string
	ProjectorKey string
}

// Joined is what a student gets back on joining. A rejoin that waits for the teacher
// is Pending, with no token: the device asks again with Request.
type Joined struct {
	RoomID   string
	Code     string
	PlayerID string
	Token    string
	Pending  bool
	Request  string
}

// RoomSummary is a room as the operator sees it.
type RoomSummary struct {
	RoomID       string    `json:"roomId"`
	Code         string    `json:"code"`
	Created      time.Time `json:"created"`
	LastActivity time.Time `json:"lastActivity"`
}

// New checks the configuration and returns a Hub.
func New(cfg Config) (*Hub, error) {
	if cfg.Log == nil || cfg.Notifier == nil || cfg.Directory == nil || cfg.Credentials == nil || cfg.Presence == nil {
		return nil, errors.New("engine: Log, Notifier, Directory, Credentials and Presence are required")
	}
	if cfg.Scenario == nil {
		return nil, errors.New("engine: a scenario is required")
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.FeedBuffer <= 0 {
		cfg.FeedBuffer = 512
	}
	if cfg.TicketTTL <= 0 {
		cfg.TicketTTL = time.Minute
	}
	if cfg.Retention <= 0 {
		cfg.Retention = 30 * 24 * time.Hour
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = 10 * time.Second
	}
	if cfg.WarmWindow <= 0 {
		cfg.WarmWindow = 48 * time.Hour
	}
	return &Hub{
		cfg:     cfg,
		log:     cfg.Logger,
		actors:  map[string]*actor{},
		loading: map[string]chan struct{}{},
	}, nil
}

// Start loads recently active rooms so that their timers fire after a restart even if
// nobody has reconnected yet.
func (h *Hub) Start(ctx context.Context) error {
	rooms, err := h.cfg.Directory.List(ctx)
	if err != nil {
		return fmt.Errorf("engine: list rooms: %w", err)
	}
	now := h.cfg.Clock.Now()
	for _, r := range rooms {
		if now.Sub(r.LastActivity) > h.cfg.WarmWindow {
			continue
		}
		if _, err := h.actor(ctx, r.RoomID); err != nil && !errors.Is(err, ErrNotFound) {
			h.log.Warn("load room at start", "room", r.RoomID, "err", err)
		}
	}
	return nil
}

// Ready reports whether storage answers and can write. While the last append failed,
// it tries a small write of its own, so readiness (and the log) see space come back
// even when no command arrives to try (a balancer sends none to an instance that is
// not ready).
func (h *Hub) Ready(ctx context.Context) error {
	if h.isClosing() {
		return fault.T(fault.Unavailable, "fault.engine.shuttingDown")
	}
	if _, err := h.cfg.Log.Last(ctx, "readiness-probe"); err != nil {
		return fault.T(fault.Unavailable, "fault.engine.storageNotAnswering")
	}
	if h.writeFailure() != nil {
		h.noteWrite(h.probeWrite(ctx))
		if h.writeFailure() != nil {
			return fault.T(fault.Unavailable, "fault.engine.storageCannotWrite")
		}
	}
	if h.cfg.CheckStorage != nil {
		if err := h.cfg.CheckStorage(ctx); err != nil {
			return fault.T(fault.Unavailable, "fault.engine.storageNotSafe", err.Error())
		}
	}
	return nil
}

// probeWrite appends one entry to a log of its own and deletes it again.
func (h *Hub) probeWrite(ctx context.Context) error {
	id := "readiness-probe-" + uuid.NewString()
	if err := h.cfg.Log.Append(ctx, id, 0, []Entry{{Seq: 1, Data: []byte(`{}`)}}); err != nil {
		return err
	}
	return h.cfg.Log.Delete(ctx, id)
}

// noteWrite records how an append went (err nil: it worked). The change from working to
// failing is logged once as an error, the way back once as info; the failures between
// are not logged again, however many commands meet them.
func (h *Hub) noteWrite(err error) {
	h.writeMu.Lock()
	was := h.writeErr
	h.writeErr = err
	h.writeMu.Unlock()
	switch {
	case err != nil && was == nil:
		h.log.Error("storage cannot write; commands are refused until it can", "err", err)
	case err == nil && was != nil:
		h.log.Info("storage writes again")
	}
}

func (h *Hub) writeFailure() error {
	h.writeMu.Lock()
	defer h.writeMu.Unlock()
	return h.writeErr
}

// codeAlphabet has no 0/O, 1/I/L or U/V look-alikes, so a code read off a projector
// is typed right.
const codeAlphabet = "ABCDEFGHJKMNPQRSTWXYZ23456789"

// CodeLength gives 29^8 ≈ 5·10^11 codes: with join attempts rate-limited per address,
// guessing a live room's code is not practical.
const CodeLength = 8

// NormalizeCode accepts a code as people type it: any case, with spaces or dashes.
func NormalizeCode(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if r == ' ' || r == '-' {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func newCode() (string, error) {
	buf := make([]byte, CodeLength)
	if _, err := rand.Read(buf); err != nil {
		return "", err
	}
	out := make([]byte, CodeLength)
	for i, c := range buf {
		// 29 does not divide 256; the bias (under 1%) does not matter for guessing.
		out[i] = codeAlphabet[int(c)%len(codeAlphabet)]
	}
	return string(out), nil
}

// newSecret returns a random credential with a readable prefix saying what it is.
func newSecret(prefix string) (string, error) {
	buf := make([]byte, 24)
	if _, err := rand.Read(buf); err != nil {
		return "", err
	}
	return prefix + base64.RawURLEncoding.EncodeToString(buf), nil
}

// HashSecret is how credentials are stored: the hex sha256 of the secret. Secrets are
// 192-bit random strings, so a plain hash is enough (no password stretching needed).
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// Create opens a room and returns its code and keys.
func (h *Hub) Create(ctx context.Context, opts CreateOptions) (Created, error) {
	if h.isClosing() {
		return Created{}, fault.T(fault.Unavailable, "fault.engine.shuttingDownTryAgain")
	}
	var settings room.Settings
	if len(opts.Settings) > 0 && string(opts.Settings) != "null" {
		dec := json.NewDecoder(strings.NewReader(string(opts.Settings)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&settings); err != nil {
			return Created{}, fault.JSON(err, "settings")
		}
	}
	if opts.Mode == "" {
		opts.Mode = economy.Historical
	}
	now := h.cfg.Clock.Now()
	roomID := uuid.NewString()
	var seedBuf [8]byte
	if _, err := rand.Read(seedBuf[:]); err != nil {
		return Created{}, err
	}
	seed := int64(binary.LittleEndian.Uint64(seedBuf[:]) >> 1)

	var code string
	for attempt := 0; ; attempt++ {
		c, err := newCode()
		if err != nil {
			return Created{}, err
		}
		ok, err := h.cfg.Directory.Claim(ctx, RoomInfo{RoomID: roomID, Code: c, Created: now, LastActivity: now})
		if err != nil {
			return Created{}, h.storageErr("claim room code", err)
		}
		if ok {
			code = c
			break
		}
		if attempt > 20 {
			return Created{}, fault.T(fault.Unavailable, "fault.engine.noFreeRoomCode")
		}
	}
	created := Created{RoomID: roomID, Code: code}
	ev, err := room.Create(room.CreateParams{
		RoomID: roomID, Code: code, Mode: opts.Mode, VoteMode: opts.VoteMode,
		Scenario: h.cfg.Scenario, Seed: seed, Settings: settings,
	}, now)
	if err != nil {
		_ = h.cfg.Directory.Remove(ctx, roomID)
		return Created{}, err
	}
	cleanup := func() {
		_ = h.cfg.Credentials.DeleteRoom(context.Background(), roomID)
		_ = h.cfg.Directory.Remove(context.Background(), roomID)
	}
	for _, k := range []struct {
		kind, prefix string
		dst          *string
	}{
		{"teacher", "tk_", &created.TeacherKey},
		{"coteacher", "ck_", &created.CoTeacherKey},
		{"projector", "pk_", &created.ProjectorKey},
	} {
		secret, err := newSecret(k.prefix)
		if err != nil {
			cleanup()
			return Created{}, err
		}
		if err := h.cfg.Credentials.Put(ctx, HashSecret(secret), Grant{RoomID: roomID, Kind: k.kind}); err != nil {
			cleanup()
			return Created{}, h.storageErr("store room keys", err)
		}
		*k.dst = secret
	}
	data, err := json.Marshal(ev)
	if err != nil {
		cleanup()
		return Created{}, err
	}
	if err := h.cfg.Log.Append(ctx, roomID, 0, []Entry{{Seq: ev.Seq, Data: data}}); err != nil {
		cleanup()
		return Created{}, h.storageErr("store new room", err)
	}
	h.log.Debug("room created", "room", roomID, "mode", opts.Mode)
	return created, nil
}

// Join adds a player to the room with the given code.
func (h *Hub) Join(ctx context.Context, code, nickname string) (Joined, error) {
	return h.JoinAttempt(ctx, code, nickname, "")
}

// Join attempts: a client-chosen random id makes a join safe to send again.
const (
	minAttemptLen = 16
	maxAttemptLen = 64
)

// JoinAttempt is Join made safe to retry. attempt, when not empty, is a random id the
// client chose for this join (16–64 letters, digits, '-' or '_'): if the answer to a join
// is lost and the client sends it again with the same attempt, the room has one player,
// not two, and the answer is that player with a fresh token. Without it a retried join
// meets "nickname taken" and leaves a ghost player holding a role. The attempt stands
// only as long as the player is in the room.
func (h *Hub) JoinAttempt(ctx context.Context, code, nickname, attempt string) (Joined, error) {
	if attempt != "" && !validAttempt(attempt) {
		return Joined{}, fault.T(fault.Invalid, "fault.engine.joinAttemptInvalid", minAttemptLen, maxAttemptLen)
	}
	info, err := h.lookup(ctx, code)
	if err != nil {
		return Joined{}, err
	}
	playerID := uuid.NewString()
	if attempt != "" {
		// The same attempt in the same room always names the same player, so the room's
		// own idempotency (the join command's id) does the rest.
		playerID = uuid.NewSHA1(uuid.NameSpaceURL, []byte("debate:join:"+info.RoomID+":"+attempt)).String()
	}
	token, err := newSecret("pt_")
	if err != nil {
		return Joined{}, err
	}
	hash := HashSecret(token)
	// The credential goes in first: if the join is refused, it is removed again, and a
	// stored join is never left without a way back in.
	if err := h.cfg.Credentials.Put(ctx, hash, Grant{RoomID: info.RoomID, Kind: "player", PlayerID: playerID}); err != nil {
		return Joined{}, h.storageErr("store player token", err)
	}
	data, _ := json.Marshal(struct {
		PlayerID string `json:"playerId"`
		Nickname string `json:"nickname"`
	}{playerID, nickname})
	_, err = h.submit(ctx, info.RoomID, room.Command{
		ID: "join:" + playerID, Type: "join", By: room.Principal{Kind: room.System}, Data: data,
	})
	if err != nil {
		_ = h.cfg.Credentials.Delete(context.Background(), hash)
		return Joined{}, err
	}
	if attempt != "" {
		// A repeated attempt was acked from the room's memory of the first: make sure the
		// player it names is still there (a removed player's attempt opens nothing).
		in, err := h.playerInRoom(ctx, info.RoomID, playerID)
		if err != nil || !in {
			_ = h.cfg.Credentials.Delete(context.Background(), hash)
			if err != nil {
				return Joined{}, err
			}
			return Joined{}, fault.T(fault.Unauthorized, "fault.engine.noLongerInRoom")
		}
	}
	h.log.Debug("player joined", "room", info.RoomID, "player", playerID)
	return Joined{RoomID: info.RoomID, Code: info.Code, PlayerID: playerID, Token: token}, nil
}

func validAttempt(a string) bool {
	if len(a) < minAttemptLen || len(a) > maxAttemptLen {
		return false
	}
	for _, r := range a {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// playerInRoom reports whether a player is in a live room and not removed.
func (h *Hub) playerInRoom(ctx context.Context, roomID, playerID string) (bool, error) {
	a, err := h.actor(ctx, roomID)
	if err != nil {
		return false, err
	}
	var in bool
	if err := a.call(ctx, func(a *actor) { in = a.state.PlayerActive(playerID) }); err != nil {
		return false, fault.T(fault.Unavailable, "fault.engine.roomBusySendAgain")
	}
	return in, nil
}

// RoomExists reports whether code names a room, for the join page's check as the code is
// typed. It tells as much as a join does: the caller limits it as it limits joins.
func (h *Hub) RoomExists(ctx context.Context, code string) (bool, error) {
	_, err := h.lookup(ctx, code)
	if fault.CodeOf(err) == fault.NotFound {
		return false, nil
	}
	return err == nil, err
}

func (h *Hub) lookup(ctx context.Context, code string) (RoomInfo, error) {
	code = NormalizeCode(code)
	if len(code) != CodeLength {
		return RoomInfo{}, fault.T(fault.NotFound, "fault.engine.noRoomWithCode")
	}
	info, err := h.cfg.Directory.Lookup(ctx, code)
	if errors.Is(err, ErrNotFound) {
		return RoomInfo{}, fault.T(fault.NotFound, "fault.engine.noRoomWithCode")
	}
	if err != nil {
		return RoomInfo{}, h.storageErr("look up room code", err)
	}
	return info, nil
}

var (
	errCredentialInvalid = fault.T(fault.Unauthorized, "fault.engine.credentialInvalid")
	errTicketInvalid     = fault.T(fault.Unauthorized, "fault.engine.ticketInvalid")
)

// Authenticate turns a key or token presented for a room code into a session.
// A code that names no room gets the same answer as a wrong credential, so only the
// rate-limited join route tells whether a room exists.
func (h *Hub) Authenticate(ctx context.Context, code, secret string) (Session, error) {
	info, err := h.lookup(ctx, code)
	if fault.CodeOf(err) == fault.NotFound {
		return Session{}, errCredentialInvalid
	}
	if err != nil {
		return Session{}, err
	}
	g, err := h.cfg.Credentials.Get(ctx, HashSecret(secret))
	if errors.Is(err, ErrNotFound) || err == nil && (g.RoomID != info.RoomID || g.Kind == "ticket") {
		return Session{}, errCredentialInvalid
	}
	if err != nil {
		return Session{}, h.storageErr("check credential", err)
	}
	return h.sessionFor(info, g)
}

func (h *Hub) sessionFor(info RoomInfo, g Grant) (Session, error) {
	s := Session{RoomID: info.RoomID, Code: info.Code}
	kind := g.Kind
	if kind == "ticket" {
		kind = g.Subject
	}
	switch kind {
	case "teacher":
		s.Principal = room.Principal{Kind: room.Teacher}
	case "coteacher":
		s.Principal = room.Principal{Kind: room.CoTeacher}
	case "projector":
		s.Principal = room.Principal{Kind: room.Projector}
	case "player", "rejoin":
		s.Principal = room.Principal{Kind: room.Player, PlayerID: g.PlayerID}
	default:
		return Session{}, fault.T(fault.Unauthorized, "fault.engine.credentialCannotOpenRoom")
	}
	return s, nil
}

// IssueTicket returns a short-lived, single-use ticket standing for the session: the only
// credential that may travel in a URL (an SSE stream cannot send headers).
func (h *Hub) IssueTicket(ctx context.Context, s Session) (string, time.Time, error) {
	ticket, err := newSecret("tt_")
	if err != nil {
		return "", time.Time{}, err
	}
	expires := h.cfg.Clock.Now().Add(h.cfg.TicketTTL)
	g := Grant{RoomID: s.RoomID, Kind: "ticket", Subject: string(s.Principal.Kind), PlayerID: s.Principal.PlayerID, Expires: expires}
	if err := h.cfg.Credentials.Put(ctx, HashSecret(ticket), g); err != nil {
		return "", time.Time{}, h.storageErr("store ticket", err)
	}
	return ticket, expires, nil
}

// RedeemTicket consumes a ticket and returns the session it stands for.
// Like Authenticate, it answers a code that names no room as it answers a wrong ticket.
func (h *Hub) RedeemTicket(ctx context.Context, code, ticket string) (Session, error) {
	info, err := h.lookup(ctx, code)
	if fault.CodeOf(err) == fault.NotFound {
		return Session{}, errTicketInvalid
	}
	if err != nil {
		return Session{}, err
	}
	g, err := h.cfg.Credentials.Take(ctx, HashSecret(ticket), "ticket")
	if errors.Is(err, ErrNotFound) || err == nil && g.RoomID != info.RoomID {
		return Session{}, errTicketInvalid
	}
	if err != nil {
		return Session{}, h.storageErr("redeem ticket", err)
	}
	return h.sessionFor(info, g)
}

// Submit decides a command for a session's room and returns the sequence number its
// events end at, once they are stored durably. The same command id from the same
// principal is acknowledged again with the same seq and has its effect once.
func (h *Hub) Submit(ctx context.Context, s Session, cmd room.Command) (uint64, error) {
	if s.Principal.Kind == room.System {
		return 0, fault.T(fault.Forbidden, "fault.engine.commandReservedForServer")
	}
	cmd.By = s.Principal
	start := time.Now()
	seq, err := h.submit(ctx, s.RoomID, cmd)
	code := fault.Code("")
	if err != nil {
		code = fault.CodeOf(err)
	}
	h.observer().Command(code, time.Since(start))
	return seq, err
}

func (h *Hub) submit(ctx context.Context, roomID string, cmd room.Command) (uint64, error) {
	p, err := h.enqueue(ctx, roomID, cmd)
	if err != nil {
		return 0, err
	}
	return p.wait()
}

// Watch starts a viewer's feed. With after set, the viewer resumes: it gets the events
// it missed if the log still has them, otherwise a fresh snapshot.
func (h *Hub) Watch(ctx context.Context, s Session, after *uint64) (*Feed, error) {
	if h.isClosing() {
		return nil, fault.T(fault.Unavailable, "fault.engine.restartingReconnect")
	}
	a, err := h.actor(ctx, s.RoomID)
	if err != nil {
		return nil, err
	}
	var feed *Feed
	var werr error
	if err := a.call(ctx, func(a *actor) { feed, werr = a.watch(ctx, s.Principal, after) }); err != nil {
		if errors.Is(err, errActorStopped) {
			return nil, fault.T(fault.Unavailable, "fault.engine.roomRestartingReconnect")
		}
		return nil, err
	}
	return feed, werr
}

// actor returns the room's actor, loading the room on first use.
func (h *Hub) actor(ctx context.Context, roomID string) (*actor, error) {
	for {
		h.mu.Lock()
		if h.closing {
			h.mu.Unlock()
			return nil, fault.T(fault.Unavailable, "fault.engine.shuttingDown")
		}
		if a, ok := h.actors[roomID]; ok {
			h.mu.Unlock()
			return a, nil
		}
		if wait, ok := h.loading[roomID]; ok {
			h.mu.Unlock()
			select {
			case <-wait:
				continue
			case <-ctx.Done():
				return nil, fault.T(fault.Unavailable, "fault.engine.roomLoading")
			}
		}
		wait := make(chan struct{})
		h.loading[roomID] = wait
		h.mu.Unlock()

		a, err := h.startActor(ctx, roomID)
		h.mu.Lock()
		delete(h.loading, roomID)
		if err == nil {
			if h.closing {
				h.mu.Unlock()
				close(wait)
				a.post(func(a *actor) { a.stopping = true })
				return nil, fault.T(fault.Unavailable, "fault.engine.shuttingDown")
			}
			h.actors[roomID] = a
		}
		h.mu.Unlock()
		close(wait)
		if errors.Is(err, ErrNotFound) {
			return nil, fault.T(fault.NotFound, "fault.engine.roomGone")
		}
		if err != nil {
			return nil, h.storageErr("load room", err)
		}
		return a, nil
	}
}

func (h *Hub) startActor(ctx context.Context, roomID string) (*actor, error) {
	a := &actor{
		hub:     h,
		roomID:  roomID,
		log:     h.log.With("room", roomID),
		ops:     make(chan op, 64),
		submits: make(chan submitReq, 256),
		done:    make(chan struct{}),
		feeds:   map[*Feed]struct{}{},
	}
	// Subscribe before loading, so no notification between the load and the
	// subscription is missed.
	notes, cancel, err := h.cfg.Notifier.Subscribe(ctx, roomID)
	if err != nil {
		return nil, err
	}
	a.cancelNotes = cancel
	if err := a.load(ctx); err != nil {
		cancel()
		return nil, err
	}
	if a.state.Deleted() {
		cancel()
		go h.purge(roomID)
		return nil, ErrNotFound
	}
	a.lastTouch = h.cfg.Clock.Now()
	h.wg.Add(2)
	go func() {
		defer h.wg.Done()
		for {
			select {
			case seq, ok := <-notes:
				if !ok {
					return
				}
				a.post(func(a *actor) { a.note(seq) })
			case <-a.done:
				return
			}
		}
	}()
	go func() {
		defer h.wg.Done()
		a.post(func(a *actor) { a.rearm() })
		a.run()
	}()
	return a, nil
}

// forget removes an actor from the table (called on its own goroutine when it stops).
func (h *Hub) forget(a *actor) {
	h.mu.Lock()
	if h.actors[a.roomID] == a {
		delete(h.actors, a.roomID)
	}
	h.mu.Unlock()
}

// purge removes a deleted room's storage: log, credentials, directory entry.
func (h *Hub) purge(roomID string) {
	ctx, cancel := context.WithTimeout(context.Background(), h.cfg.WriteTimeout)
	defer cancel()
	if err := h.cfg.Credentials.DeleteRoom(ctx, roomID); err != nil {
		h.log.Error("purge room credentials", "room", roomID, "err", err)
	}
	if err := h.cfg.Directory.Remove(ctx, roomID); err != nil {
		h.log.Error("purge room directory entry", "room", roomID, "err", err)
	}
	if err := h.cfg.Log.Delete(ctx, roomID); err != nil {
		h.log.Error("purge room log", "room", roomID, "err", err)
	}
	// Other instances holding the room (an operator's delete, a retention sweep on one
	// instance) hear that its log is gone and close their viewers.
	if err := h.cfg.Notifier.Publish(ctx, roomID, 0); err != nil {
		h.log.Warn("announce deleted room", "room", roomID, "err", err)
	}
	h.log.Info("room deleted", "room", roomID)
}

// DeleteRoom closes a room now (the operator's button): viewers are told, storage goes.
func (h *Hub) DeleteRoom(ctx context.Context, roomID string) error {
	if _, err := h.cfg.Directory.Get(ctx, roomID); errors.Is(err, ErrNotFound) {
		return fault.T(fault.NotFound, "fault.engine.noSuchRoom")
	} else if err != nil {
		return h.storageErr("find room", err)
	}
	h.mu.Lock()
	a := h.actors[roomID]
	h.mu.Unlock()
	if a != nil {
		_ = a.call(ctx, func(a *actor) {
			a.endAll(protocol.CloseDeleted, "the room was closed")
			a.stopping = true
			a.hub.forget(a)
		})
	}
	h.purge(roomID)
	return nil
}

// Rooms lists every room, for the operator.
func (h *Hub) Rooms(ctx context.Context) ([]RoomSummary, error) {
	infos, err := h.cfg.Directory.List(ctx)
	if err != nil {
		return nil, h.storageErr("list rooms", err)
	}
	out := make([]RoomSummary, 0, len(infos))
	for _, in := range infos {
		out = append(out, RoomSummary{RoomID: in.RoomID, Code: in.Code, Created: in.Created, LastActivity: in.LastActivity})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, nil
}

// Sweep deletes rooms idle for longer than the retention period.
func (h *Hub) Sweep(ctx context.Context) (int, error) {
	infos, err := h.cfg.Directory.List(ctx)
	if err != nil {
		return 0, h.storageErr("list rooms", err)
	}
	now := h.cfg.Clock.Now()
	n := 0
	for _, in := range infos {
		if now.Sub(in.LastActivity) <= h.cfg.Retention {
			continue
		}
		if err := h.DeleteRoom(ctx, in.RoomID); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// Shutdown stops taking commands and viewers, lets every room finish the writes it has
// queued, then ends every feed with protocol.CloseRestart so clients reconnect (to this
// instance when it is back, or to another).
func (h *Hub) Shutdown(ctx context.Context) error {
	h.mu.Lock()
	h.closing = true
	actors := make([]*actor, 0, len(h.actors))
	for _, a := range h.actors {
		actors = append(actors, a)
	}
	h.mu.Unlock()
	for _, a := range actors {
		a.post(func(a *actor) {
			a.endAll(protocol.CloseRestart, "the server is restarting; reconnect in a moment")
			a.stopping = true
		})
	}
	done := make(chan struct{})
	go func() { h.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Hub) isClosing() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.closing
}

func (h *Hub) storageErr(what string, err error) error {
	var fe *fault.Error
	if errors.As(err, &fe) {
		return fe
	}
	h.log.Error(what, "err", err)
	return fault.T(fault.Unavailable, "fault.engine.storageUnreachable")
}
