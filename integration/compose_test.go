package integration

import (
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// composeFile is the part of docker-compose.yml the checks read.
type composeFile struct {
	Services map[string]composeService `yaml:"services"`
	Volumes  map[string]any            `yaml:"volumes"`
}

type composeService struct {
	Image       string            `yaml:"image"`
	Build       string            `yaml:"build"`
	Command     []string          `yaml:"command"`
	Profiles    []string          `yaml:"profiles"`
	Ports       []string          `yaml:"ports"`
	Environment map[string]string `yaml:"environment"`
	Volumes     []string          `yaml:"volumes"`
	DependsOn   yaml.Node         `yaml:"depends_on"`
	Deploy      struct {
		Replicas int `yaml:"replicas"`
	} `yaml:"deploy"`
	Healthcheck struct {
		Test []string `yaml:"test"`
	} `yaml:"healthcheck"`
}

// docker-compose.yml: `docker compose up` is one instance on its embedded store, and the
// scale profile is Redis with the settings the guarantee needs, two or more replicas on
// it and nginx in front on one port, with deploy/nginx.conf. Every variable and flag
// given to the server is one `debate serve --help` lists.
func TestComposeFile(t *testing.T) {
	raw, err := os.ReadFile("../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var cf composeFile
	if err := yaml.Unmarshal(raw, &cf); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	help, _ := exec.Command(debateBin, "serve", "--help").CombinedOutput()
	if !strings.Contains(string(help), "-redis-url") {
		t.Fatalf("debate serve --help does not list --redis-url:\n%s", help)
	}

	var servers, scaled []string
	for name, s := range cf.Services {
		if s.Build == "" {
			continue
		}
		servers = append(servers, name)
		for k := range s.Environment {
			if !strings.Contains(string(help), "("+k+")") {
				t.Errorf("service %s sets %s, which debate serve --help does not list", name, k)
			}
		}
		for _, arg := range s.Command {
			if strings.HasPrefix(arg, "-") && !strings.Contains(string(help), "  -"+strings.TrimLeft(strings.SplitN(arg, "=", 2)[0], "-")+" ") &&
				!strings.Contains(string(help), "  -"+strings.TrimLeft(strings.SplitN(arg, "=", 2)[0], "-")+"\n") {
				t.Errorf("service %s passes %s, which debate serve --help does not list", name, arg)
			}
		}
		if s.Healthcheck.Test == nil || !slices.Contains(s.Healthcheck.Test, "probe") {
			t.Errorf("service %s has no health check by `debate probe`", name)
		}
		if slices.Contains(s.Profiles, "scale") {
			scaled = append(scaled, name)
		}
	}

	// docker compose up: the embedded server as before.
	def, ok := cf.Services["debate"]
	if !ok || len(def.Profiles) != 0 {
		t.Fatalf("no default debate service: %+v", def)
	}
	if _, redis := def.Environment["DEBATE_REDIS_URL"]; redis || def.Environment["DEBATE_DATA_DIR"] == "" ||
		!slices.Contains(def.Ports, "8080:8080") || !slices.Contains(def.Volumes, "debate-data:/data") {
		t.Errorf("the default service is not the embedded one on 8080 with its volume: %+v", def)
	}
	for name, s := range cf.Services {
		if name != "debate" && len(s.Profiles) == 0 {
			t.Errorf("service %s starts with a plain `docker compose up`", name)
		}
	}

	// The scale profile.
	redis, ok := cf.Services["redis"]
	if !ok || !slices.Contains(redis.Profiles, "scale") {
		t.Fatalf("no redis service in the scale profile: %+v", redis)
	}
	cmd := strings.Join(redis.Command, " ")
	for _, want := range []string{"--appendonly yes", "--appendfsync always", "--maxmemory-policy noeviction"} {
		if !strings.Contains(cmd, want) {
			t.Errorf("redis runs %q, without %s", cmd, want)
		}
	}
	if len(scaled) != 1 {
		t.Fatalf("server services in the scale profile: %v, want one with replicas", scaled)
	}
	node := cf.Services[scaled[0]]
	if node.Deploy.Replicas < 2 {
		t.Errorf("service %s has %d replicas, want 2 or more", scaled[0], node.Deploy.Replicas)
	}
	if u := node.Environment["DEBATE_REDIS_URL"]; u != "redis://redis:6379" {
		t.Errorf("service %s: DEBATE_REDIS_URL %q, want redis://redis:6379", scaled[0], u)
	}
	if len(node.Ports) != 0 {
		t.Errorf("service %s publishes %v: the replicas are reached through nginx only", scaled[0], node.Ports)
	}
	if node.Environment["DEBATE_TRUSTED_PROXIES"] == "" {
		t.Errorf("service %s does not trust nginx's X-Forwarded-For: every pupil would share nginx's rate limits", scaled[0])
	}
	if _, weak := node.Environment["DEBATE_REDIS_ALLOW_WEAK_DURABILITY"]; weak {
		t.Errorf("service %s accepts weak durability", scaled[0])
	}

	ngx, ok := cf.Services["nginx"]
	if !ok || !slices.Contains(ngx.Profiles, "scale") || len(ngx.Ports) != 1 {
		t.Fatalf("no nginx on one port in the scale profile: %+v", ngx)
	}
	if !slices.Contains(ngx.Volumes, "./deploy/nginx.conf:/etc/nginx/nginx.conf:ro") {
		t.Errorf("nginx does not use deploy/nginx.conf: %v", ngx.Volumes)
	}
	published := ngx.Ports[0]
	host, inner := published[:max(strings.LastIndex(published, ":"), 0)], published[strings.LastIndex(published, ":")+1:]
	if strings.HasSuffix(host, "8080") || strings.HasSuffix(host, "8080}") {
		t.Errorf("nginx publishes %s, which the default service's %s would clash with", ngx.Ports[0], def.Ports[0])
	}
	conf, err := os.ReadFile("../deploy/nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	port := strings.TrimPrefix(node.Environment["DEBATE_ADDR"], ":")
	if !regexp.MustCompile(`(?m)^\s*server\s+` + regexp.QuoteMeta(scaled[0]+":"+port) + `\b`).Match(conf) {
		t.Errorf("deploy/nginx.conf has no upstream server %s:%s", scaled[0], port)
	}
	if !regexp.MustCompile(`(?m)^\s*listen\s+` + regexp.QuoteMeta(inner) + `;`).Match(conf) {
		t.Errorf("nginx publishes %s but deploy/nginx.conf listens elsewhere", ngx.Ports[0])
	}
	if _, ok := cf.Volumes["redis-data"]; !ok || !slices.Contains(redis.Volumes, "redis-data:/data") {
		t.Errorf("redis keeps its AOF in no named volume: %v", redis.Volumes)
	}
	if !slices.Contains(ngx.Command, "daemon off;") && len(ngx.Command) != 0 {
		t.Errorf("nginx command %v does not run in the foreground", ngx.Command)
	}
}
