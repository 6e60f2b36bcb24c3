package server

import (
	"errors"
	"io"
	"net/http"
	"time"
)

// DefaultDownloadStall is how long an export download may make no
// progress before it is cut. A download runs past the HTTP server's
// WriteTimeout as long as it keeps moving: each write pushes the
// connection's write deadline this far ahead.
const DefaultDownloadStall = time.Minute

// deadlineWriter writes to w, pushing the connection's write deadline
// stall ahead before each write.
type deadlineWriter struct {
	w     io.Writer
	rc    *http.ResponseController
	stall time.Duration
	ok    bool // the connection takes deadlines
}

func newDeadlineWriter(w http.ResponseWriter, stall time.Duration) *deadlineWriter {
	rc := http.NewResponseController(w)
	err := rc.SetWriteDeadline(time.Now().Add(stall))
	return &deadlineWriter{w: w, rc: rc, stall: stall, ok: !errors.Is(err, http.ErrNotSupported)}
}

func (d *deadlineWriter) Write(p []byte) (int, error) {
	if d.ok {
		d.rc.SetWriteDeadline(time.Now().Add(d.stall))
	}
	return d.w.Write(p)
}
