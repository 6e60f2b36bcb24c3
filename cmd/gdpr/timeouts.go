package main

import (
	"errors"
	"flag"
	"net/http"
	"time"
)

// httpTimeouts are the timeouts of gdpr serve's HTTP server, so that a
// client that trickles its request or leaves its connection open holds
// nothing for long.
type httpTimeouts struct {
	header, read, write, idle time.Duration
}

// Defaults of the timeouts. Request bodies are small (64 KiB at most), so
// reading one takes seconds; an answer is written within the write
// timeout, except an export download, which the server lets run while it
// keeps moving (server.DefaultDownloadStall).
const (
	defaultReadHeaderTimeout = 10 * time.Second
	defaultReadTimeout       = 30 * time.Second
	defaultWriteTimeout      = 60 * time.Second
	defaultIdleTimeout       = 2 * time.Minute
)

func defaultTimeouts() httpTimeouts {
	return httpTimeouts{defaultReadHeaderTimeout, defaultReadTimeout, defaultWriteTimeout, defaultIdleTimeout}
}

// timeoutFlags defines the timeout flags of gdpr serve into t.
func timeoutFlags(fs *flag.FlagSet, t *httpTimeouts) {
	fs.DurationVar(&t.header, "read-header-timeout", defaultReadHeaderTimeout, "longest time to read a request's headers (GDPR_READ_HEADER_TIMEOUT)")
	fs.DurationVar(&t.read, "read-timeout", defaultReadTimeout, "longest time to read a whole request, body included (GDPR_READ_TIMEOUT)")
	fs.DurationVar(&t.write, "write-timeout", defaultWriteTimeout, "longest time to write an answer; an export download may run longer while it keeps moving (GDPR_WRITE_TIMEOUT)")
	fs.DurationVar(&t.idle, "idle-timeout", defaultIdleTimeout, "how long a keep-alive connection may wait for its next request (GDPR_IDLE_TIMEOUT)")
}

// check returns an error naming a negative timeout (0 means none).
func (t httpTimeouts) check() error {
	if t.header < 0 || t.read < 0 || t.write < 0 || t.idle < 0 {
		return errors.New("--read-header-timeout, --read-timeout, --write-timeout and --idle-timeout may not be negative (0 means no timeout)")
	}
	return nil
}

// apply sets the timeouts on srv and returns it.
func (t httpTimeouts) apply(srv *http.Server) *http.Server {
	srv.ReadHeaderTimeout, srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout = t.header, t.read, t.write, t.idle
	return srv
}
