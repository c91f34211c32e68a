package redisstore

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/redis/go-redis/v9"
)

// Mode is the kind of deployment a URL names.
type Mode int

const (
	ModeSingle   Mode = iota // one Redis (redis://, rediss://)
	ModeSentinel             // a Sentinel group (redis+sentinel://)
	ModeCluster              // a Redis Cluster (redis+cluster://)
)

func (m Mode) String() string {
	switch m {
	case ModeSentinel:
		return "sentinel"
	case ModeCluster:
		return "cluster"
	}
	return "single"
}

// Target is a parsed Options.URL.
type Target struct {
	Mode     Mode
	Single   *redis.Options
	Sentinel *redis.FailoverOptions
	Cluster  *redis.ClusterOptions
}

// NewClient makes the go-redis client for the target.
func (t Target) NewClient() redis.UniversalClient {
	switch t.Mode {
	case ModeSentinel:
		return redis.NewFailoverClient(t.Sentinel)
	case ModeCluster:
		return redis.NewClusterClient(t.Cluster)
	}
	return redis.NewClient(t.Single)
}

// Addrs lists the addresses the URL names.
func (t Target) Addrs() []string {
	switch t.Mode {
	case ModeSentinel:
		return t.Sentinel.SentinelAddrs
	case ModeCluster:
		return t.Cluster.Addrs
	}
	return []string{t.Single.Addr}
}

// ParseURL parses a Redis URL in one of the forms of the package comment. Errors say
// what is wrong in a sentence and never repeat the password.
func ParseURL(raw string) (Target, error) {
	if strings.TrimSpace(raw) == "" {
		return Target{}, fmt.Errorf("redis URL is empty: give redis://host:port, redis+sentinel://host:port,…/master or redis+cluster://host:port,…")
	}
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return Target{}, fmt.Errorf("redis URL %q has no scheme: it must start with redis://, rediss://, redis+sentinel:// or redis+cluster://", redact(raw))
	}
	base, mode := scheme, ModeSingle
	switch scheme {
	case "redis", "rediss", "unix":
	case "redis+cluster", "rediss+cluster":
		base, mode = strings.TrimSuffix(scheme, "+cluster"), ModeCluster
	case "redis+sentinel", "rediss+sentinel":
		base, mode = strings.TrimSuffix(scheme, "+sentinel"), ModeSentinel
	default:
		return Target{}, fmt.Errorf("redis URL scheme %q is not one of redis, rediss, redis+sentinel, rediss+sentinel, redis+cluster, rediss+cluster", scheme)
	}
	if mode == ModeSingle {
		o, err := redis.ParseURL(raw)
		if err != nil {
			return Target{}, fmt.Errorf("redis URL %q: %v", redact(raw), err)
		}
		return Target{Mode: mode, Single: o}, nil
	}

	// Split user info, the host list, the path and the query by hand: url.Parse does not
	// accept a comma-separated host list.
	authority, tail := rest, ""
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		authority, tail = rest[:i], rest[i:]
	}
	userinfo, hosts := "", authority
	if i := strings.LastIndexByte(authority, '@'); i >= 0 {
		userinfo, hosts = authority[:i+1], authority[i+1:]
	}
	var addrs []string
	for _, h := range strings.Split(hosts, ",") {
		if h == "" {
			return Target{}, fmt.Errorf("redis URL %q: the host list %q has an empty entry", redact(raw), hosts)
		}
		if strings.ContainsAny(h, " @") {
			return Target{}, fmt.Errorf("redis URL %q: %q is not a host:port", redact(raw), h)
		}
		addrs = append(addrs, h)
	}
	path, query, _ := strings.Cut(tail, "?")
	q, err := url.ParseQuery(query)
	if err != nil {
		return Target{}, fmt.Errorf("redis URL %q: bad query: %v", redact(raw), err)
	}
	if q.Has("addr") {
		return Target{}, fmt.Errorf("redis URL %q: list the hosts comma-separated after the scheme, not as addr= parameters", redact(raw))
	}
	for _, a := range addrs[1:] {
		q.Add("addr", a)
	}

	switch mode {
	case ModeCluster:
		if strings.Trim(path, "/") != "" {
			return Target{}, fmt.Errorf("redis URL %q: a cluster URL has no path (a Cluster has only database 0)", redact(raw))
		}
		u := base + "://" + userinfo + addrs[0] + "?" + q.Encode()
		o, err := redis.ParseClusterURL(u)
		if err != nil {
			return Target{}, fmt.Errorf("redis URL %q: %v", redact(raw), err)
		}
		return Target{Mode: mode, Cluster: o}, nil
	default: // sentinel
		parts := strings.FieldsFunc(path, func(r rune) bool { return r == '/' })
		if len(parts) == 0 || len(parts) > 2 {
			return Target{}, fmt.Errorf("redis URL %q: a sentinel URL names the master group as its path: redis+sentinel://host:port,…/mymaster[/db]", redact(raw))
		}
		if q.Has("master_name") {
			return Target{}, fmt.Errorf("redis URL %q: name the master group in the path, not as master_name=", redact(raw))
		}
		q.Set("master_name", parts[0])
		db := ""
		if len(parts) == 2 {
			db = "/" + parts[1]
		}
		u := base + "://" + userinfo + addrs[0] + db + "?" + q.Encode()
		o, err := redis.ParseFailoverURL(u)
		if err != nil {
			return Target{}, fmt.Errorf("redis URL %q: %v", redact(raw), err)
		}
		return Target{Mode: mode, Sentinel: o}, nil
	}
}

// redact replaces the password in a URL, so errors and logs never show it.
func redact(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw
	}
	end := strings.IndexAny(rest, "/?")
	if end < 0 {
		end = len(rest)
	}
	at := strings.LastIndexByte(rest[:end], '@')
	if at < 0 {
		return raw
	}
	user, _, hasPassword := strings.Cut(rest[:at], ":")
	if !hasPassword {
		return raw
	}
	return scheme + "://" + user + ":xxxxx" + rest[at:]
}
