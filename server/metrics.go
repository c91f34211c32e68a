package server

import (
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/classroom-debate/debate/engine"
	"github.com/classroom-debate/debate/fault"
)

// Metrics are the operator's Prometheus metrics, all named debate_*. They count, never
// name: no room, code, nickname or address is a label. One Metrics is both the
// server's (connections, refusals) and the engine's observer (commands, appends, slow
// viewers, resumes); cmd/debate hands it to both. A nil *Metrics records nothing.
type Metrics struct {
	reg *prometheus.Registry

	connections  *prometheus.GaugeVec
	refusals     *prometheus.CounterVec
	commands     *prometheus.CounterVec
	commandTime  prometheus.Histogram
	events       prometheus.Counter
	appendTime   prometheus.Histogram
	appendBatch  prometheus.Histogram
	appendErrors prometheus.Counter
	slowViewers  prometheus.Counter
	resumes      *prometheus.CounterVec
	caughtUp     prometheus.Counter
	storeErrors  *prometheus.CounterVec
	storeCommit  prometheus.Histogram
}

var _ engine.Observer = (*Metrics)(nil)

// latencyBuckets run from 0.25 ms to about 4 s: a command acked in a few ms (one
// fsync) and one stuck behind a slow disk both land in a bucket of their own.
var latencyBuckets = prometheus.ExponentialBuckets(0.00025, 2, 15)

// NewMetrics makes the metrics in a registry of their own, with the Go runtime's and
// the process's collectors.
func NewMetrics() *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		reg: reg,
		connections: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "debate_connections", Help: "Open connections by transport (ws or sse).",
		}, []string{"transport"}),
		refusals: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "debate_rate_limit_refusals_total",
			Help: "Requests refused by a rate limit or cap, by limit (joins, room_joins, wrong_codes, creates, commands, socket_messages, connections, rooms).",
		}, []string{"limit"}),
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "debate_commands_total", Help: "Commands answered, by result (ok or the error code).",
		}, []string{"result"}),
		commandTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "debate_command_seconds", Help: "From a command's submission to its answer (queue, decide, durable append).",
			Buckets: latencyBuckets,
		}),
		events: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "debate_events_total", Help: "Events stored durably.",
		}),
		appendTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "debate_append_seconds", Help: "Duration of one durable append of a room's batch of events.",
			Buckets: latencyBuckets,
		}),
		appendBatch: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "debate_append_batch_events", Help: "Events in one append (a room's batch of commands).",
			Buckets: prometheus.ExponentialBuckets(1, 2, 9),
		}),
		appendErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "debate_append_errors_total", Help: "Appends that failed (sequence conflicts included).",
		}),
		slowViewers: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "debate_slow_viewers_dropped_total", Help: "Viewers whose feed ended because they fell a whole buffer behind.",
		}),
		resumes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "debate_resumes_total", Help: "Reconnections that resumed from a seq, by how (events: the missed events; snapshot: a fresh snapshot).",
		}, []string{"how"}),
		caughtUp: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "debate_catchup_events_total", Help: "Missed events sent to resuming viewers.",
		}),
		storeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "debate_store_errors_total", Help: "Errors from a shared store (backend redis), by operation.",
		}, []string{"backend", "op"}),
		storeCommit: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "debate_store_commit_writes", Help: "Writes (room log appends, directory and credential changes) made durable by one commit of the embedded store (group commit).",
			Buckets: prometheus.ExponentialBuckets(1, 2, 11),
		}),
	}
	reg.MustRegister(m.connections, m.refusals, m.commands, m.commandTime, m.events, m.appendTime,
		m.appendBatch, m.appendErrors, m.slowViewers, m.resumes, m.caughtUp, m.storeErrors, m.storeCommit,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, t := range []string{"ws", "sse"} {
		m.connections.WithLabelValues(t)
	}
	return m
}

// WatchRooms adds the debate_rooms gauge: the rooms hub holds loaded.
func (m *Metrics) WatchRooms(hub *engine.Hub) {
	if m == nil {
		return
	}
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "debate_rooms", Help: "Rooms loaded on this instance.",
	}, func() float64 { return float64(hub.LiveRooms()) }))
}

// Command implements engine.Observer.
func (m *Metrics) Command(code fault.Code, took time.Duration) {
	if m == nil {
		return
	}
	result := "ok"
	if code != "" {
		result = string(code)
	}
	m.commands.WithLabelValues(result).Inc()
	m.commandTime.Observe(took.Seconds())
}

// Appended implements engine.Observer.
func (m *Metrics) Appended(entries int, took time.Duration, err error) {
	if m == nil {
		return
	}
	m.appendTime.Observe(took.Seconds())
	if err != nil {
		m.appendErrors.Inc()
		return
	}
	m.appendBatch.Observe(float64(entries))
	m.events.Add(float64(entries))
}

// ViewerDropped implements engine.Observer.
func (m *Metrics) ViewerDropped() {
	if m != nil {
		m.slowViewers.Inc()
	}
}

// Resumed implements engine.Observer.
func (m *Metrics) Resumed(events int, snapshot bool) {
	if m == nil {
		return
	}
	if snapshot {
		m.resumes.WithLabelValues("snapshot").Inc()
		return
	}
	m.resumes.WithLabelValues("events").Inc()
	m.caughtUp.Add(float64(events))
}

// StoreError counts a failed operation of a shared store (the Redis store calls it
// through the hook cmd/debate gives it; backend is "redis").
func (m *Metrics) StoreError(backend, op string) {
	if m != nil {
		m.storeErrors.WithLabelValues(backend, op).Inc()
	}
}

// StoreCommit records how many writes one commit of the embedded store made durable.
func (m *Metrics) StoreCommit(writes int) {
	if m != nil {
		m.storeCommit.Observe(float64(writes))
	}
}

func (m *Metrics) connOpened(transport string) {
	if m != nil {
		m.connections.WithLabelValues(transport).Inc()
	}
}

func (m *Metrics) connClosed(transport string) {
	if m != nil {
		m.connections.WithLabelValues(transport).Dec()
	}
}

func (m *Metrics) refused(limit string) {
	if m != nil {
		m.refusals.WithLabelValues(limit).Inc()
	}
}

// handler serves the metrics in Prometheus's text format.
func (m *Metrics) handler() echo.HandlerFunc {
	h := promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	return echo.WrapHandler(h)
}
