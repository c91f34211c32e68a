package redisstore

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseURL(t *testing.T) {
	for _, c := range []struct {
		url      string
		mode     Mode
		addrs    []string
		check    func(t *testing.T, tg Target)
		errorHas string // non-empty: parsing must fail with this in the message
	}{
		{url: "redis://localhost:6379", mode: ModeSingle, addrs: []string{"localhost:6379"}},
		{url: "redis://:s3cret@cache:6380/2?dial_timeout=2s", mode: ModeSingle, addrs: []string{"cache:6380"},
			check: func(t *testing.T, tg Target) {
				if tg.Single.DB != 2 || tg.Single.Password != "s3cret" || tg.Single.DialTimeout != 2*time.Second {
					t.Errorf("options = db %d, password %q, dial %v", tg.Single.DB, tg.Single.Password, tg.Single.DialTimeout)
				}
			}},
		{url: "rediss://user:pw@secure:6390", mode: ModeSingle, addrs: []string{"secure:6390"},
			check: func(t *testing.T, tg Target) {
				if tg.Single.TLSConfig == nil || tg.Single.Username != "user" {
					t.Errorf("rediss: TLS %v, user %q", tg.Single.TLSConfig, tg.Single.Username)
				}
			}},
		{url: "redis+cluster://10.0.0.1:7000,10.0.0.2:7001,10.0.0.3:7002", mode: ModeCluster,
			addrs: []string{"10.0.0.1:7000", "10.0.0.2:7001", "10.0.0.3:7002"}},
		{url: "redis+cluster://one:7000", mode: ModeCluster, addrs: []string{"one:7000"}},
		{url: "rediss+cluster://u:p@a:7000,b:7001?read_timeout=5s", mode: ModeCluster, addrs: []string{"a:7000", "b:7001"},
			check: func(t *testing.T, tg Target) {
				o := tg.Cluster
				if o.TLSConfig == nil || o.Username != "u" || o.Password != "p" || o.ReadTimeout != 5*time.Second {
					t.Errorf("cluster options: TLS %v, user %q, password %q, read %v", o.TLSConfig, o.Username, o.Password, o.ReadTimeout)
				}
			}},
		{url: "redis+sentinel://s1:26379,s2:26379/mymaster", mode: ModeSentinel, addrs: []string{"s1:26379", "s2:26379"},
			check: func(t *testing.T, tg Target) {
				if tg.Sentinel.MasterName != "mymaster" || tg.Sentinel.DB != 0 {
					t.Errorf("sentinel: master %q, db %d", tg.Sentinel.MasterName, tg.Sentinel.DB)
				}
			}},
		{url: "redis+sentinel://s1:26379/mymaster/3", mode: ModeSentinel, addrs: []string{"s1:26379"},
			check: func(t *testing.T, tg Target) {
				if tg.Sentinel.DB != 3 {
					t.Errorf("sentinel db = %d, want 3", tg.Sentinel.DB)
				}
			}},

		{url: "", errorHas: "empty"},
		{url: "localhost:6379", errorHas: "no scheme"},
		{url: "http://localhost", errorHas: `scheme "http"`},
		{url: "redis+cluster://a:7000,,b:7001", errorHas: "empty entry"},
		{url: "redis+cluster://a:7000/1", errorHas: "no path"},
		{url: "redis+cluster://a:7000?addr=b:7001", errorHas: "comma-separated"},
		{url: "redis+cluster://a:7000?colour=blue", errorHas: "colour"},
		{url: "redis+sentinel://s1:26379", errorHas: "master group"},
		{url: "redis+sentinel://s1:26379/m/1/2", errorHas: "master group"},
		{url: "redis+sentinel://s1:26379/m?master_name=x", errorHas: "in the path"},
		{url: "redis+sentinel://s1:26379/m/zero", errorHas: "database"},
		{url: "redis://localhost:6379/notanumber", errorHas: "database"},
		{url: "redis://:hunter2@localhost:6379?nonsense=1", errorHas: "nonsense"},
		{url: "redis+cluster://a b:7000", errorHas: "not a host:port"},
	} {
		t.Run(c.url, func(t *testing.T) {
			tg, err := ParseURL(c.url)
			if c.errorHas != "" {
				if err == nil {
					t.Fatalf("ParseURL succeeded (%v), want an error about %q", tg.Mode, c.errorHas)
				}
				if !strings.Contains(err.Error(), c.errorHas) {
					t.Errorf("error %q does not mention %q", err, c.errorHas)
				}
				if strings.Contains(err.Error(), "hunter2") {
					t.Errorf("error %q shows the password", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tg.Mode != c.mode {
				t.Errorf("mode = %v, want %v", tg.Mode, c.mode)
			}
			if !slices.Equal(tg.Addrs(), c.addrs) {
				t.Errorf("addrs = %v, want %v", tg.Addrs(), c.addrs)
			}
			if c.check != nil {
				c.check(t, tg)
			}
			if tg.NewClient() == nil {
				t.Error("no client")
			}
		})
	}
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"redis://:pw@h:1/0":            "redis://:xxxxx@h:1/0",
		"redis://u:pw@h:1":             "redis://u:xxxxx@h:1",
		"redis+cluster://u:p@a:1,b:2":  "redis+cluster://u:xxxxx@a:1,b:2",
		"redis://h:1?x=a@b":            "redis://h:1?x=a@b",
		"redis://user@h:1":             "redis://user@h:1",
		"no scheme at all, pw@host:12": "no scheme at all, pw@host:12",
	} {
		if got := redact(in); got != want {
			t.Errorf("redact(%q) = %q, want %q", in, got, want)
		}
	}
}
