package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A request whose body trickles in, and a keep-alive connection left
// idle, are cut by the server's read and idle timeouts.
func TestServeCutsTrickledBodiesAndIdleConnections(t *testing.T) {
	clients := writeClients(t, "ops", "a-long-test-secret")
	addr, stop := runServe(t, &serveConfig{addr: "127.0.0.1:0", clients: clients, demoData: true, store: "memory", workers: 1,
		timeouts: httpTimeouts{header: time.Second, read: 300 * time.Millisecond, write: 5 * time.Second, idle: 300 * time.Millisecond}})
	defer stop()

	cut := func(name string, c net.Conn) {
		t.Helper()
		c.SetReadDeadline(time.Now().Add(20 * time.Second)) // the test's own bound, far past the server's
		_, err := io.Copy(io.Discard, c)
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Errorf("%s: the server kept the connection open", name)
		}
	}

	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\nAuthorization: Basic b3BzOng=\r\n\r\ngrant_type=")
	cut("a body that never comes", c)

	c2, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	io.WriteString(c2, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c2), nil)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %v", err)
	}
	resp.Body.Close()
	cut("an idle keep-alive connection", c2)
}

// The timeout flags have environment variables and refuse a negative
// value.
func TestServeTimeoutFlags(t *testing.T) {
	t.Setenv("GDPR_WRITE_TIMEOUT", "90s")
	fs, c := serveFlags(io.Discard)
	if err := applyEnv(fs); err != nil {
		t.Fatal(err)
	}
	if err := fs.Parse([]string{"--idle-timeout", "1m"}); err != nil {
		t.Fatal(err)
	}
	if c.timeouts != (httpTimeouts{defaultReadHeaderTimeout, defaultReadTimeout, 90 * time.Second, time.Minute}) {
		t.Errorf("timeouts %+v", c.timeouts)
	}
	c.timeouts.read = -time.Second
	if err := c.timeouts.check(); err == nil || !strings.Contains(err.Error(), "--read-timeout") {
		t.Errorf("a negative timeout: %v", err)
	}
}
