package main

import (
	"log/slog"
	"net"
	"net/netip"
)

// warnPublicURL warns when the server listens beyond loopback without
// --public-url: resultsUrl then names the address a connection arrived
// at (or a trusted proxy's Host), which clients elsewhere may not reach.
func warnPublicURL(log *slog.Logger, publicURL string, addr net.Addr) {
	if publicURL != "" {
		return
	}
	ap, err := netip.ParseAddrPort(addr.String())
	if err == nil && ap.Addr().IsLoopback() {
		return
	}
	log.Warn("serving beyond loopback without --public-url: resultsUrl names the address each connection arrived at, or a trusted proxy's Host; set --public-url (GDPR_PUBLIC_URL) to the URL clients reach the server at",
		"addr", addr.String())
}
