package server

import (
	"net"
	"net/netip"
	"net/url"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"
)

// LANAddrs lists this machine's addresses that other devices on its network can reach.
// Config.LANAddrs and WebConfig.LANAddrs take one, so that tests need not depend on the
// machine's interfaces.
type LANAddrs func() []netip.Addr

// SystemLANAddrs is the machine's unicast addresses, without loopback and link-local
// ones (a phone on the school Wi-Fi reaches neither).
func SystemLANAddrs() []netip.Addr {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil
	}
	var out []netip.Addr
	for _, a := range addrs {
		n, ok := a.(*net.IPNet)
		if !ok {
			continue
		}
		ip, ok := netip.AddrFromSlice(n.IP)
		if !ok {
			continue
		}
		out = append(out, ip.Unmap())
	}
	return out
}

// joinLinks makes the addresses students open to join a room. Every join text and QR
// code comes from here, so the console, the projector and the printed slips agree.
type joinLinks struct {
	public string   // Config.PublicURL, without a trailing slash; empty: none set
	lan    LANAddrs // nil: SystemLANAddrs
}

// joinBases are the base URLs students can use, the default first, and whether a
// phone can reach them. With a public URL that is the only one. A teacher's page on a
// loopback address (the README's http://localhost:8080) gets this machine's LAN
// addresses instead, IPv4 first, on the same port; with none, the request's own base,
// and reachable is false so the console can say why.
func (j joinLinks) joinBases(c echo.Context) (bases []string, reachable bool) {
	if j.public != "" {
		return []string{j.public}, true
	}
	own := c.Scheme() + "://" + c.Request().Host
	host, port := splitHost(c.Request().Host)
	if !isLoopbackHost(host) {
		return []string{own}, true
	}
	for _, ip := range j.lanAddrs() {
		h := ip.String()
		if ip.Is6() {
			h = "[" + h + "]"
		}
		if port != "" {
			h += ":" + port
		}
		bases = append(bases, c.Scheme()+"://"+h)
	}
	if len(bases) == 0 {
		return []string{own}, false
	}
	return bases, true
}

// lanAddrs is the LAN source's reachable addresses, IPv4 first, each once.
func (j joinLinks) lanAddrs() []netip.Addr {
	src := j.lan
	if src == nil {
		src = SystemLANAddrs
	}
	seen := map[netip.Addr]bool{}
	var out []netip.Addr
	for _, ip := range src() {
		ip = ip.Unmap()
		if !ip.IsValid() || ip.IsLoopback() || ip.IsLinkLocalUnicast() || ip.IsMulticast() || ip.IsUnspecified() || seen[ip] {
			continue
		}
		seen[ip] = true
		out = append(out, ip)
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Is4() && !out[b].Is4() })
	return out
}

// allowedBase reports whether base may be drawn as a room's join link: one of the
// bases this request would be offered, or the request's own. A QR code is public, so
// it must not draw an address of the caller's choosing.
func (j joinLinks) allowedBase(c echo.Context, base string) bool {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return false
	}
	if base == c.Scheme()+"://"+c.Request().Host {
		return true
	}
	bases, _ := j.joinBases(c)
	for _, b := range bases {
		if b == base {
			return true
		}
	}
	// Any of this machine's own LAN addresses: a projector that reaches the server on one
	// address still draws the room's link on the other the teacher picked.
	if j.public == "" {
		if ip, err := netip.ParseAddr(strings.Trim(u.Hostname(), "[]")); err == nil {
			for _, own := range j.lanAddrs() {
				if own == ip.Unmap() {
					return true
				}
			}
		}
	}
	return false
}

// joinURL is the join link of a room on base.
func joinURL(base, code string) string {
	return strings.TrimRight(base, "/") + "/join/" + url.PathEscape(code)
}

func splitHost(hostport string) (host, port string) {
	if h, p, err := net.SplitHostPort(hostport); err == nil {
		return h, p
	}
	return strings.Trim(hostport, "[]"), ""
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}
