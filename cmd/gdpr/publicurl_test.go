package main

import (
	"log/slog"
	"net"
	"strings"
	"testing"

	"github.com/gdprkit/gdpr/internal/testlog"
)

func TestWarnPublicURLBeyondLoopback(t *testing.T) {
	for _, c := range []struct {
		addr, public string
		warn         bool
	}{
		{"127.0.0.1:8080", "", false},
		{"[::1]:8080", "", false},
		{"0.0.0.0:8080", "", true},
		{"192.0.2.10:8080", "", true},
		{"0.0.0.0:8080", "https://gdpr.example", false},
	} {
		logs := &testlog.Buffer{}
		addr, err := net.ResolveTCPAddr("tcp", c.addr)
		if err != nil {
			t.Fatal(err)
		}
		warnPublicURL(slog.New(slog.NewTextHandler(logs, nil)), c.public, addr)
		if got := strings.Contains(logs.String(), "--public-url"); got != c.warn {
			t.Errorf("%s, public URL %q: warned %v, want %v", c.addr, c.public, got, c.warn)
		}
	}
}
