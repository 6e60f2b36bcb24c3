package httpadapter

import (
	"bytes"
	"fmt"
	"io"
)

// DefaultMaxRecord is the longest line of a stream (one record, as JSON)
// an Adapter reads by default.
const DefaultMaxRecord = 4 << 20

// lineLimit reads a stream of lines and fails once a line grows past max
// bytes, so that a service answering with an endless line cannot take the
// processor's memory.
type lineLimit struct {
	r    io.Reader
	max  int
	line int // bytes of the current line so far
}

func (l *lineLimit) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	b := p[:n]
	for {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			l.line += len(b)
			break
		}
		if l.line+i > l.max {
			return 0, l.tooLong()
		}
		l.line, b = 0, b[i+1:]
	}
	if l.line > l.max {
		return 0, l.tooLong()
	}
	return n, err
}

func (l *lineLimit) tooLong() error {
	return fmt.Errorf("a line of the stream is longer than the limit of %d bytes (WithMaxRecord)", l.max)
}
