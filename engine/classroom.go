package engine

import (
	"context"
	"crypto/rand"
	"errors"
	"slices"

	"github.com/google/uuid"

	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/room"
)

// Rejoin codes: a printable code per student, issued by the teacher on demand, that lets a
// student whose device forgot everything (a Chromebook guest session, a shared laptop
// cart) come back as the same player. Only the code's hash is stored, as a "rejoin" grant;
// the room's log records only that a code was issued (its generation). A new code revokes
// the old one. The QR form of a code is a join URL with the code in the fragment
// (…/join/ROOMCODE#rejoin=CODE): browsers never send the fragment, so the secret stays
// out of server logs and referrers, and the web client reads it and calls Rejoin.

// RejoinCodeLength gives 29^10 ≈ 4·10^14 codes (about 48 bits). Like room codes they are
// typed from paper, so they use the same unambiguous alphabet; guessing one is not
// practical as long as the rejoin route is rate-limited per address like joining.
const RejoinCodeLength = 10

// newRejoinCode draws a code uniformly from codeAlphabet (rejection sampling: no bias).
func newRejoinCode() (string, error) {
	out := make([]byte, 0, RejoinCodeLength)
	limit := 256 - 256%len(codeAlphabet)
	buf := make([]byte, 2*RejoinCodeLength)
	for len(out) < RejoinCodeLength {
		if _, err := rand.Read(buf); err != nil {
			return "", err
		}
		for _, c := range buf {
			if int(c) < limit && len(out) < RejoinCodeLength {
				out = append(out, codeAlphabet[int(c)%len(codeAlphabet)])
			}
		}
	}
	return string(out), nil
}

// rejoinHash is the credential key of a rejoin code. The room id and a prefix keep it
// apart from every other secret: a rejoin code is not a key or token, so Authenticate
// never accepts one, and the same code in two rooms are two different credentials.
func rejoinHash(roomID, code string) string { return HashSecret("rejoin:" + roomID + ":" + code) }

// IssueRejoinCode makes a new rejoin code for a player of the session's room and returns
// it (shown once, for printing); any earlier code of that player stops working. Staff
// only (fault.Forbidden otherwise); fault.NotFound for a player who is not in the room.
// The room records the code's generation (rejoinIssued), never the code.
func (h *Hub) IssueRejoinCode(ctx context.Context, s Session, playerID string) (string, error) {
	if !s.Principal.IsStaff() {
		return "", fault.T(fault.Forbidden, "fault.engine.rejoinCodesTeacherOnly")
	}
	if h.isClosing() {
		return "", fault.T(fault.Unavailable, "fault.engine.shuttingDownTryAgain")
	}
	active, err := h.playerActive(ctx, s.RoomID, playerID)
	if err != nil {
		return "", err
	}
	if !active {
		return "", fault.T(fault.NotFound, "fault.engine.noSuchPlayer")
	}
	code, err := newRejoinCode()
	if err != nil {
		return "", err
	}
	// The old code goes first: whatever happens next, two codes never work at once.
	if err := h.cfg.Credentials.DeletePlayer(ctx, s.RoomID, playerID, "rejoin"); err != nil {
		return "", h.storageErr("revoke rejoin code", err)
	}
	hash := rejoinHash(s.RoomID, code)
	if err := h.cfg.Credentials.Put(ctx, hash, Grant{RoomID: s.RoomID, Kind: "rejoin", PlayerID: playerID}); err != nil {
		return "", h.storageErr("store rejoin code", err)
	}
	if _, err := h.submit(ctx, s.RoomID, room.IssueRejoinCommand("rejoin:"+uuid.NewString(), playerID)); err != nil {
		_ = h.cfg.Credentials.Delete(context.Background(), hash)
		return "", err
	}
	h.log.Info("rejoin code issued", "room", s.RoomID, "player", playerID)
	return code, nil
}

// Rejoin exchanges a rejoin code for a fresh player token: the student is the same
// player, with their role, votes and posts. The player's earlier tokens stop working (a
// forgotten session on a shared laptop is no way in); connections already open stay
// until they close. The code keeps working, across lessons, until the teacher issues a
// new one. Codes are accepted as people type them (any case, spaces or dashes).
// fault.Unauthorized for a wrong code or a player the teacher removed. It is
// RejoinRequest with a fresh request id: a rejoin that must wait for the teacher
// comes back Pending.
func (h *Hub) Rejoin(ctx context.Context, roomCode, rejoinCode string) (Joined, error) {
	return h.RejoinRequest(ctx, roomCode, rejoinCode, "")
}

// RejoinRequest is one use of a rejoin code by a device whose request id is request
// (16–64 letters, digits, '-' or '_'; "" makes a fresh one). While the player has a
// connection open, the slip may be in someone else's hands: the rejoin then waits for
// the teacher (room.EvRejoinRequested) and the answer is Pending with the request id;
// the device asks again with the same id until the teacher approves (then it gets its
// token) or refuses (fault.Forbidden). Every rejoin that goes through is recorded in the
// room (room.EvPlayerRejoined), so the teacher's roster shows each.
func (h *Hub) RejoinRequest(ctx context.Context, roomCode, rejoinCode, request string) (Joined, error) {
	info, err := h.lookup(ctx, roomCode)
	if err != nil {
		return Joined{}, err
	}
	wrong := fault.T(fault.Unauthorized, "fault.engine.rejoinCodeWrong")
	code := NormalizeCode(rejoinCode)
	if len(code) != RejoinCodeLength {
		return Joined{}, wrong
	}
	if request == "" {
		if request, err = newSecret("rq_"); err != nil {
			return Joined{}, err
		}
	} else if !validAttempt(request) {
		return Joined{}, fault.T(fault.Invalid, "fault.engine.rejoinRequestInvalid")
	}
	g, err := h.cfg.Credentials.Get(ctx, rejoinHash(info.RoomID, code))
	if errors.Is(err, ErrNotFound) || err == nil && (g.Kind != "rejoin" || g.RoomID != info.RoomID) {
		return Joined{}, wrong
	}
	if err != nil {
		return Joined{}, h.storageErr("check rejoin code", err)
	}
	active, err := h.playerActive(ctx, info.RoomID, g.PlayerID)
	if err != nil {
		return Joined{}, err
	}
	if !active {
		return Joined{}, fault.T(fault.Unauthorized, "fault.engine.noLongerInRoomAskTeacher")
	}
	online, err := h.cfg.Presence.Online(ctx, info.RoomID)
	if err != nil {
		return Joined{}, h.storageErr("check presence", err)
	}
	connected := slices.Contains(online, g.PlayerID)
	// The room keeps the request in its log, but only as a hash: the id is the device's
	// proof that the teacher approved it.
	reqKey := HashSecret("rejoin-request:" + info.RoomID + ":" + request)[:24]
	if _, err := h.submit(ctx, info.RoomID, room.RejoinCommand("rejoin:"+uuid.NewString(), g.PlayerID, reqKey, connected)); err != nil {
		return Joined{}, err
	}
	status, err := h.rejoinStatus(ctx, info.RoomID, g.PlayerID, reqKey)
	if err != nil {
		return Joined{}, err
	}
	if status != "done" {
		h.log.Info("rejoin waits for the teacher", "room", info.RoomID, "player", g.PlayerID)
		return Joined{RoomID: info.RoomID, Code: info.Code, PlayerID: g.PlayerID, Pending: true, Request: request}, nil
	}
	token, err := newSecret("pt_")
	if err != nil {
		return Joined{}, err
	}
	if err := h.cfg.Credentials.DeletePlayer(ctx, info.RoomID, g.PlayerID, "player"); err != nil {
		return Joined{}, h.storageErr("revoke old player tokens", err)
	}
	if err := h.cfg.Credentials.Put(ctx, HashSecret(token), Grant{RoomID: info.RoomID, Kind: "player", PlayerID: g.PlayerID}); err != nil {
		return Joined{}, h.storageErr("store player token", err)
	}
	h.log.Info("player rejoined", "room", info.RoomID, "player", g.PlayerID)
	return Joined{RoomID: info.RoomID, Code: info.Code, PlayerID: g.PlayerID, Token: token}, nil
}

// rejoinStatus asks the room where a rejoin request stands (room.State.RejoinStatus).
func (h *Hub) rejoinStatus(ctx context.Context, roomID, playerID, request string) (string, error) {
	a, err := h.actor(ctx, roomID)
	if err != nil {
		return "", err
	}
	var status string
	if err := a.call(ctx, func(a *actor) { status = a.state.RejoinStatus(playerID, request) }); err != nil {
		if errors.Is(err, errActorStopped) {
			return "", fault.T(fault.Unavailable, "fault.engine.roomRestartingTryAgain")
		}
		return "", err
	}
	return status, nil
}

// playerActive asks the room's actor whether a player is in the room (not removed).
func (h *Hub) playerActive(ctx context.Context, roomID, playerID string) (bool, error) {
	if playerID == "" {
		return false, nil
	}
	a, err := h.actor(ctx, roomID)
	if err != nil {
		return false, err
	}
	var ok bool
	if err := a.call(ctx, func(a *actor) { ok = a.state.PlayerActive(playerID) }); err != nil {
		if errors.Is(err, errActorStopped) {
			return false, fault.T(fault.Unavailable, "fault.engine.roomRestartingTryAgain")
		}
		return false, err
	}
	return ok, nil
}
