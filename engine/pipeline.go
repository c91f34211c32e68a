package engine

import (
	"context"
	"time"

	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/room"
)

// Pending is a command queued in its room and not yet answered. Commands queued one
// after another (SubmitQueued) are decided in that order, so a connection can have
// several in flight and still get its answers in the order it sent them; the room's
// actor then decides a burst together and stores it with one append.
type Pending struct {
	a     *actor
	reply chan submitResult
	start time.Time
	hub   *Hub
}

// SubmitQueued queues a command in its room and returns once it is queued (it waits
// only while the room's queue is full: back-pressure). Wait returns its answer, as
// Submit would.
func (h *Hub) SubmitQueued(ctx context.Context, s Session, cmd room.Command) (*Pending, error) {
	if s.Principal.Kind == room.System {
		return nil, fault.T(fault.Forbidden, "fault.engine.commandReservedForServer")
	}
	cmd.By = s.Principal
	start := time.Now()
	p, err := h.enqueue(ctx, s.RoomID, cmd)
	if err != nil {
		h.observer().Command(fault.CodeOf(err), time.Since(start))
		return nil, err
	}
	p.start = start
	return p, nil
}

// Wait returns the seq the command's events end at once they are stored durably, or
// why it was refused. Once queued, a command is decided and stored even if nobody
// waits, so an ack is never lost while the room's actor is alive.
func (p *Pending) Wait() (uint64, error) {
	seq, err := p.wait()
	code := fault.Code("")
	if err != nil {
		code = fault.CodeOf(err)
	}
	p.hub.observer().Command(code, time.Since(p.start))
	return seq, err
}

// enqueue puts a command in its room's queue.
func (h *Hub) enqueue(ctx context.Context, roomID string, cmd room.Command) (*Pending, error) {
	if h.isClosing() {
		return nil, fault.T(fault.Unavailable, "fault.engine.restartingCommandNotTaken")
	}
	a, err := h.actor(ctx, roomID)
	if err != nil {
		return nil, err
	}
	req := submitReq{cmd: cmd, reply: make(chan submitResult, 1)}
	select {
	case a.submits <- req:
	case <-a.done:
		return nil, fault.T(fault.Unavailable, "fault.engine.roomRestartingSendAgain")
	case <-ctx.Done():
		return nil, fault.T(fault.Unavailable, "fault.engine.roomBusySendAgain")
	}
	return &Pending{a: a, reply: req.reply, hub: h}, nil
}

func (p *Pending) wait() (uint64, error) {
	select {
	case r := <-p.reply:
		return r.seq, r.err
	case <-p.a.done:
		select {
		case r := <-p.reply:
			return r.seq, r.err
		default:
			return 0, fault.T(fault.Unavailable, "fault.engine.roomRestartingSendAgain")
		}
	}
}
