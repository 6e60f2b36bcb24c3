package server

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Proxies are the reverse proxies and load balancers in front of a
// server whose X-Forwarded-For header it believes, to tell one client
// from another behind them: the per-address rate limits of the API, and
// the console's limit on failed sign-ins, count by the address a request
// came from. Without trusted proxies, every request behind a load
// balancer would share the balancer's address, and one client's failed
// sign-ins would lock out all the others. The zero value trusts none.
type Proxies struct {
	nets []netip.Prefix
}

// ParseProxies reads trusted proxies as IP addresses ("192.0.2.7",
// "2001:db8::1") or CIDR prefixes ("10.0.0.0/8"). Empty entries are
// skipped, so that a list split on commas may end with one.
func ParseProxies(list ...string) (Proxies, error) {
	var p Proxies
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if strings.Contains(s, "/") {
			pfx, err := netip.ParsePrefix(s)
			if err != nil {
				return Proxies{}, fmt.Errorf("trusted proxy %q is not an IP address or CIDR prefix (such as 10.0.0.0/8)", s)
			}
			p.nets = append(p.nets, pfx.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return Proxies{}, fmt.Errorf("trusted proxy %q is not an IP address or CIDR prefix (such as 10.0.0.0/8)", s)
		}
		a = a.Unmap()
		p.nets = append(p.nets, netip.PrefixFrom(a, a.BitLen()))
	}
	return p, nil
}

// trusts reports whether a is one of the proxies.
func (p Proxies) trusts(a netip.Addr) bool {
	for _, n := range p.nets {
		if n.Contains(a) {
			return true
		}
	}
	return false
}

// ClientAddr returns the address r came from, without a port: the peer of
// its connection, unless that is a trusted proxy; then the right-most
// address of X-Forwarded-For that is not one (each proxy appends the
// address it received the request from, so what a client wrote itself is
// further left, and never believed over a trusted proxy's word). An entry
// that is not an address stops the walk at the proxy that passed it on.
func (p Proxies) ClientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil || len(p.nets) == 0 {
		return host
	}
	addr = addr.Unmap()
	if !p.trusts(addr) {
		return addr.String()
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := parseHop(hops[i])
		if err != nil {
			break
		}
		addr = hop
		if !p.trusts(addr) {
			break
		}
	}
	return addr.String()
}

// parseHop reads one entry of X-Forwarded-For: an address, which some
// proxies write with a port ("192.0.2.7:1234", "[2001:db8::1]:1234").
func parseHop(s string) (netip.Addr, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return netip.Addr{}, errors.New("empty entry")
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap(), nil
	}
	ap, err := netip.ParseAddrPort(s)
	if err != nil {
		return netip.Addr{}, err
	}
	return ap.Addr().Unmap(), nil
}

// fromTrusted reports whether r's connection comes from a trusted proxy.
func (p Proxies) fromTrusted(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	return err == nil && len(p.nets) > 0 && p.trusts(a.Unmap())
}

// Scheme returns "https" when r came over TLS, or from a trusted proxy
// whose X-Forwarded-Proto says https (a proxy that terminates TLS), and
// "http" otherwise. What a client that is not a trusted proxy writes in
// X-Forwarded-Proto is not believed.
func (p Proxies) Scheme(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	if p.fromTrusted(r) {
		proto := r.Header.Get("X-Forwarded-Proto")
		if i := strings.IndexByte(proto, ','); i >= 0 {
			proto = proto[:i] // the first proxy's word: the client's own connection
		}
		if strings.EqualFold(strings.TrimSpace(proto), "https") {
			return "https"
		}
	}
	return "http"
}

// PublicHost returns the host a client reached the server at, for URLs
// the server hands out: the Host header when r came from a trusted proxy
// (which sets it), else the local address the connection arrived at,
// never a Host header a client wrote itself. Give the server a public URL
// (WithPublicURL) to name it outright.
func (p Proxies) PublicHost(r *http.Request) string {
	if p.fromTrusted(r) && r.Host != "" {
		return r.Host
	}
	if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		return a.String()
	}
	return r.Host
}
