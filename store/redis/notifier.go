package redisstore

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/classroom-debate/debate/engine"
)

// notifier carries every subscription of a Store on one pub/sub connection (one per
// master on a Cluster, where sharded channels live on the node owning their slot). A
// room's channel is subscribed while at least one subscriber wants it.
//
// Reconnects: go-redis's PubSub redials and resubscribes every channel it holds when its
// connection breaks; the receive loop here backs off while Redis is unreachable.
// Messages published while the connection was down are lost, so when a channel's
// subscription is confirmed again after a reconnect, the notifier reads the room's Last
// from the log and delivers it: a subscriber then reads whatever it missed.
//
// Confirmations: Subscribe returns only once Redis has confirmed the channel, so a
// Publish that follows it is delivered. Redis answers subscribe commands on one
// connection in order, so each shard keeps, per channel, the queue of confirmations it
// is waiting for; a confirmation nobody waits for is a resubscription after a reconnect.
type notifier struct {
	s *Store

	// healthEvery is how long a receive loop waits for a message before it pings; a
	// ping unanswered for as long again means the connection is dead without having
	// been closed (a half-open TCP connection), and the shard gets a new one.
	healthEvery time.Duration

	mu      sync.Mutex
	rooms   map[string]*roomSubs // by channel
	shards  map[string]*shard    // by master address ("" when not a Cluster)
	closed  bool
	rebuilt int // connections replaced after an unanswered ping (for tests)
}

// roomSubs is one subscribed channel and its local subscribers.
type roomSubs struct {
	roomID, channel string
	shard           *shard
	subs            map[*subscription]struct{}
	ready           chan struct{} // closed once Redis confirmed the subscription
	confirmed       bool
}

type subscription struct {
	ch   chan uint64
	once sync.Once
}

// shard is one pub/sub connection and its receive loop.
type shard struct {
	key      string
	ps       *redis.PubSub
	channels map[string]bool
	expect   map[string][]*roomSubs // confirmations awaited, in the order asked
	stop     context.CancelFunc
	ctx      context.Context
}

var _ engine.Notifier = (*notifier)(nil)

func newNotifier(s *Store) *notifier {
	return &notifier{s: s, healthEvery: defaultHealthEvery, rooms: map[string]*roomSubs{}, shards: map[string]*shard{}}
}

// Publish implements engine.Notifier. Append publishes by itself (in its script);
// Publish is for announcements without an append.
func (n *notifier) Publish(ctx context.Context, roomID string, seq uint64) error {
	ch, payload := n.s.roomKey(roomID, "notes"), strconv.FormatUint(seq, 10)
	var err error
	if n.s.cluster {
		err = n.s.client.SPublish(ctx, ch, payload).Err()
	} else {
		err = n.s.client.Publish(ctx, ch, payload).Err()
	}
	if err != nil {
		return fmt.Errorf("redis store: publish to room %s: %w", roomID, err)
	}
	return nil
}

// Subscribe implements engine.Notifier. It returns once Redis has confirmed the
// subscription (or ctx ends).
func (n *notifier) Subscribe(ctx context.Context, roomID string) (<-chan uint64, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	channel := n.s.roomKey(roomID, "notes")
	shardKey, err := n.shardKey(ctx, channel)
	if err != nil {
		return nil, nil, fmt.Errorf("redis store: subscribe to room %s: %w", roomID, err)
	}
	sub := &subscription{ch: make(chan uint64, 1)}

	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return nil, nil, errors.New("redis store: subscribe: the store is closed")
	}
	rs := n.rooms[channel]
	if rs == nil {
		rs = &roomSubs{roomID: roomID, channel: channel, subs: map[*subscription]struct{}{}, ready: make(chan struct{})}
		n.rooms[channel] = rs
		n.subscribeLocked(rs, shardKey)
	}
	rs.subs[sub] = struct{}{}
	ready, done := rs.ready, rs.shard.ctx.Done()
	n.mu.Unlock()

	cancel := func() { n.cancel(rs, sub) }
	select {
	case <-ready:
		return sub.ch, cancel, nil
	case <-ctx.Done():
		cancel()
		return nil, nil, fmt.Errorf("redis store: subscribe to room %s: no confirmation from Redis: %w", roomID, ctx.Err())
	case <-done:
		cancel()
		return nil, nil, errors.New("redis store: subscribe: the store is closed")
	}
}

// shardKey names the connection a channel belongs on: its slot's master on a Cluster.
func (n *notifier) shardKey(ctx context.Context, channel string) (string, error) {
	cc, ok := n.s.client.(*redis.ClusterClient)
	if !ok {
		return "", nil
	}
	master, err := cc.MasterForKey(ctx, channel)
	if err != nil {
		return "", err
	}
	return master.Options().Addr, nil
}

// subscribeLocked sends the subscribe command for rs on its shard's connection, making
// the shard if needed. A failed write is not an error here: go-redis keeps the channel
// and subscribes it when the connection comes back, and Subscribe waits for that.
func (n *notifier) subscribeLocked(rs *roomSubs, shardKey string) {
	sh := n.shards[shardKey]
	ctx := context.Background()
	if sh == nil {
		sh = &shard{key: shardKey, channels: map[string]bool{}, expect: map[string][]*roomSubs{}}
		sh.ctx, sh.stop = context.WithCancel(context.Background())
		sh.ps = n.newPubSub()
		n.shards[shardKey] = sh
		// The loop starts after the first subscribe below: a Cluster PubSub picks its
		// node by the first channel, so it must not connect before it has one.
		defer func() { go n.receive(sh) }()
	}
	rs.shard = sh
	sh.channels[rs.channel] = true
	sh.expect[rs.channel] = append(sh.expect[rs.channel], rs)
	var err error
	if n.s.cluster {
		err = sh.ps.SSubscribe(ctx, rs.channel)
	} else {
		err = sh.ps.Subscribe(ctx, rs.channel)
	}
	if err != nil {
		n.s.log.Debug("redis store: subscribe deferred until the pub/sub connection is back", "room", rs.roomID, "err", err)
	}
}

// newPubSub makes an empty PubSub. On a Cluster it connects on its first SSubscribe,
// to the master of that channel's slot.
func (n *notifier) newPubSub() *redis.PubSub {
	if c, ok := n.s.client.(*redis.ClusterClient); ok {
		return c.SSubscribe(context.Background())
	}
	return n.s.client.Subscribe(context.Background())
}

// rebuild replaces a shard's connection that stopped answering: a new PubSub subscribes
// every channel of the shard, and their confirmations (which nobody waits for) make the
// notifier re-deliver each room's Last.
func (n *notifier) rebuild(sh *shard) {
	n.mu.Lock()
	if sh.ctx.Err() != nil {
		n.mu.Unlock()
		return
	}
	old := sh.ps
	sh.ps = n.newPubSub()
	clear(sh.expect)
	channels := make([]string, 0, len(sh.channels))
	for ch := range sh.channels {
		channels = append(channels, ch)
	}
	var err error
	if n.s.cluster {
		// One command per channel: SSUBSCRIBE refuses channels of different slots.
		for _, ch := range channels {
			if e := sh.ps.SSubscribe(context.Background(), ch); e != nil && err == nil {
				err = e
			}
		}
	} else {
		err = sh.ps.Subscribe(context.Background(), channels...)
	}
	n.rebuilt++
	n.mu.Unlock()
	if err != nil {
		n.s.log.Debug("redis store: resubscribe deferred until Redis answers", "err", err)
	}
	old.Close()
}

func (n *notifier) currentPubSub(sh *shard) *redis.PubSub {
	n.mu.Lock()
	defer n.mu.Unlock()
	return sh.ps
}

// cancel removes one subscriber; the last one of a channel unsubscribes it, and the last
// channel of a shard closes the shard's connection.
func (n *notifier) cancel(rs *roomSubs, sub *subscription) {
	sub.once.Do(func() {
		n.mu.Lock()
		defer n.mu.Unlock()
		if _, ok := rs.subs[sub]; !ok {
			return // closed by Close already
		}
		delete(rs.subs, sub)
		close(sub.ch)
		if len(rs.subs) > 0 || n.rooms[rs.channel] != rs {
			return
		}
		delete(n.rooms, rs.channel)
		sh := rs.shard
		delete(sh.channels, rs.channel)
		if len(sh.channels) == 0 {
			sh.stop()
			sh.ps.Close()
			delete(n.shards, sh.key)
			return
		}
		ctx := context.Background()
		var err error
		if n.s.cluster {
			err = sh.ps.SUnsubscribe(ctx, rs.channel)
		} else {
			err = sh.ps.Unsubscribe(ctx, rs.channel)
		}
		if err != nil { // go-redis has forgotten the channel: a reconnect will not restore it
			n.s.log.Debug("redis store: unsubscribe", "room", rs.roomID, "err", err)
		}
	})
}

// Backoff between failed reads of a pub/sub connection while Redis is unreachable.
const (
	minBackoff         = 25 * time.Millisecond
	maxBackoff         = 2 * time.Second
	defaultHealthEvery = 15 * time.Second
)

// receive reads one shard's connection until the shard stops.
func (n *notifier) receive(sh *shard) {
	failures := 0
	pinged := false
	for {
		ps := n.currentPubSub(sh)
		msg, err := ps.ReceiveTimeout(sh.ctx, n.healthEvery)
		if sh.ctx.Err() != nil {
			return
		}
		if err != nil && n.currentPubSub(sh) != ps {
			continue // the connection was replaced by rebuild; read the new one
		}
		if errors.Is(err, redis.ErrClosed) {
			return
		}
		if err != nil && n.s.cluster && strings.HasPrefix(err.Error(), "CROSSSLOT") {
			// go-redis resubscribed every channel of this connection in one SSUBSCRIBE,
			// which Redis refuses for channels of different slots: subscribe them one by
			// one instead.
			n.resubscribeEach(sh, ps)
			continue
		}
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				if pinged {
					n.s.log.Warn("redis store: pub/sub connection does not answer; replacing it")
					pinged = false
					n.rebuild(sh)
					continue
				}
				pinged = true
				_ = ps.Ping(sh.ctx) // the Pong (or a failed read) comes back through Receive
				continue
			}
			if failures == 0 {
				n.s.log.Warn("redis store: pub/sub connection lost; reconnecting", "err", err)
				n.lostConfirmations(sh)
			}
			failures++
			delay := min(maxBackoff, minBackoff<<min(failures, 10))
			delay = delay/2 + rand.N(delay/2+1) // jitter, so instances do not reconnect in step
			t := time.NewTimer(delay)
			select {
			case <-t.C:
			case <-sh.ctx.Done():
				t.Stop()
				return
			}
			continue
		}
		pinged = false
		if failures > 0 {
			n.s.log.Info("redis store: pub/sub connection back", "failedReads", failures)
			failures = 0
		}
		switch m := msg.(type) {
		case *redis.Subscription:
			if m.Kind == "subscribe" || m.Kind == "ssubscribe" {
				n.confirmed(sh, m.Channel)
			}
		case *redis.Message:
			seq, err := strconv.ParseUint(m.Payload, 10, 64)
			if err != nil {
				n.s.log.Warn("redis store: ignoring a note that is not a seq", "channel", m.Channel)
				continue
			}
			n.deliver(m.Channel, seq)
		}
	}
}

// resubscribeEach sends one SSUBSCRIBE per channel of the shard. Their confirmations,
// which nobody waits for, re-deliver each room's Last.
func (n *notifier) resubscribeEach(sh *shard, ps *redis.PubSub) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if sh.ps != ps {
		return
	}
	for ch := range sh.channels {
		if err := ps.SSubscribe(context.Background(), ch); err != nil {
			n.s.log.Debug("redis store: resubscribe deferred until the pub/sub connection is back", "channel", ch, "err", err)
		}
	}
}

// lostConfirmations forgets the confirmations a broken connection still owed: go-redis
// resubscribes every channel on the new connection, and those answers are matched anew.
func (n *notifier) lostConfirmations(sh *shard) {
	n.mu.Lock()
	defer n.mu.Unlock()
	clear(sh.expect)
}

// confirmed handles Redis's confirmation of a channel subscription.
func (n *notifier) confirmed(sh *shard, channel string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if q := sh.expect[channel]; len(q) > 0 {
		head := q[0]
		if len(q) == 1 {
			delete(sh.expect, channel)
		} else {
			sh.expect[channel] = q[1:]
		}
		if rs := n.rooms[channel]; rs == head && !rs.confirmed {
			rs.confirmed = true
			close(rs.ready)
		}
		return
	}
	rs := n.rooms[channel]
	switch {
	case rs == nil || rs.shard != sh:
	case !rs.confirmed:
		rs.confirmed = true
		close(rs.ready)
	default:
		// A resubscription after a reconnect: notes may have been lost meanwhile.
		go n.redeliverLast(rs.roomID, channel)
	}
}

// redeliverLast delivers the room's current last seq to its subscribers.
func (n *notifier) redeliverLast(roomID, channel string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	last, err := n.s.Log().Last(ctx, roomID)
	if err != nil {
		n.s.log.Warn("redis store: cannot read a room's last seq after a reconnect; its subscribers wait for the next note", "room", roomID, "err", err)
		return
	}
	// Even 0: a room whose log is gone (Redis lost it, or another instance deleted the
	// room) tells its subscribers so, and they check the log at once.
	n.deliver(channel, last)
}

// deliver hands seq to every subscriber of channel without blocking: a full one-slot
// buffer keeps the larger of the waiting value and seq.
func (n *notifier) deliver(channel string, seq uint64) {
	n.mu.Lock()
	defer n.mu.Unlock()
	rs := n.rooms[channel]
	if rs == nil {
		return
	}
	for sub := range rs.subs {
		select {
		case sub.ch <- seq:
			continue
		default:
		}
		latest := seq
		select {
		case old := <-sub.ch:
			latest = max(latest, old)
		default:
		}
		sub.ch <- latest
	}
}

// close ends every subscription (closing its channel) and every connection.
func (n *notifier) close() {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.closed = true
	for _, rs := range n.rooms {
		for sub := range rs.subs {
			delete(rs.subs, sub)
			close(sub.ch)
		}
	}
	clear(n.rooms)
	for key, sh := range n.shards {
		sh.stop()
		sh.ps.Close()
		delete(n.shards, key)
	}
}
