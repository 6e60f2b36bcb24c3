package processor

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
)

// spoolMemory is how much of an export part a spool holds in memory
// before it moves the part to a temporary file.
const spoolMemory = 256 << 10

// spool holds one export part while its request runs: in memory up to a
// limit, past it in a temporary file in dir. It is written once, then may
// be read any number of times; close releases it. A spool is used by one
// goroutine at a time.
//
// The file is removed from dir as soon as it is created, where the system
// allows an open file to be (Unix): the part then lives only as long as
// the open file, and a process killed mid-export leaves none of the
// personal data it held on disk. Elsewhere close removes it.
type spool struct {
	dir      string
	limit    int
	mem      bytes.Buffer
	file     *os.File
	unlinked bool // the file has no name left in dir
	fw       *bufio.Writer
	size     int64
}

func newSpool(dir string, limit int) *spool { return &spool{dir: dir, limit: limit} }

// Write appends p to the part, moving it to a file once it outgrows the
// memory limit.
func (s *spool) Write(p []byte) (int, error) {
	if s.file == nil && s.mem.Len()+len(p) > s.limit {
		if err := s.spill(); err != nil {
			return 0, err
		}
	}
	var n int
	var err error
	if s.file != nil {
		n, err = s.fw.Write(p)
	} else {
		n, err = s.mem.Write(p)
	}
	s.size += int64(n)
	return n, err
}

// spill moves what the spool holds in memory to a new temporary file.
func (s *spool) spill() error {
	f, err := os.CreateTemp(s.dir, "gdpr-export-*.part")
	if err != nil {
		return fmt.Errorf("spool export part: %w", err)
	}
	s.file = f
	s.unlinked = os.Remove(f.Name()) == nil
	s.fw = bufio.NewWriterSize(f, 64<<10)
	if _, err := s.fw.Write(s.mem.Bytes()); err != nil {
		return fmt.Errorf("spool export part: %w", err)
	}
	s.mem = bytes.Buffer{}
	return nil
}

// reader returns a reader of the whole part, from its start.
func (s *spool) reader() (io.Reader, error) {
	if s.file == nil {
		return bytes.NewReader(s.mem.Bytes()), nil
	}
	if err := s.fw.Flush(); err != nil {
		return nil, fmt.Errorf("spool export part: %w", err)
	}
	return io.NewSectionReader(s.file, 0, s.size), nil
}

// close releases the part, removing its file if it has one.
func (s *spool) close() error {
	s.mem = bytes.Buffer{}
	if s.file == nil {
		return nil
	}
	f := s.file
	s.file, s.fw = nil, nil
	err := f.Close()
	if !s.unlinked {
		if rerr := os.Remove(f.Name()); err == nil {
			err = rerr
		}
	}
	return err
}
