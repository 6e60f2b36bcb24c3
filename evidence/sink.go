package evidence

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"time"

	"github.com/gdprkit/gdpr/store"
)

// FileSink appends checkpoints to a file, one JSON object a line
// ({"org", "seq", "size", "time", "note"}, the note being the signed
// checkpoint), opened for appending only, created with mode 0600, and
// synced after each line. Keep it on another disk or host than the
// database, ideally one the database's operators cannot rewrite (an
// append-only attribute, a log shipper). It is safe for concurrent use
// within a process; give each process its own file.
type FileSink struct {
	Path string
	mu   sync.Mutex
}

type sinkLine struct {
	Org  string    `json:"org"`
	Seq  int64     `json:"seq"`
	Size int64     `json:"size"`
	Time time.Time `json:"time"`
	Note string    `json:"note"`
}

// Append writes cp as one line at the end of the file.
func (s *FileSink) Append(ctx context.Context, cp store.Checkpoint) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("evidence: file sink: %w", err)
	}
	b, err := json.Marshal(sinkLine{Org: cp.Org, Seq: cp.Seq, Size: cp.Size, Time: cp.Time.UTC(), Note: string(cp.Note)})
	if err != nil {
		return fmt.Errorf("evidence: file sink: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := os.OpenFile(s.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("evidence: file sink: %w", err)
	}
	_, werr := f.Write(append(b, '\n'))
	if err := errors.Join(werr, f.Sync(), f.Close()); err != nil {
		return fmt.Errorf("evidence: file sink: %w", err)
	}
	return nil
}

// SinkReader is a Sink that can give back the checkpoints it holds, so
// that a check of the store compares them with the store's (see
// VerifyOptions.External), as the console's check of the whole chain
// does. FileSink is one.
type SinkReader interface {
	Sink
	// Checkpoints returns every checkpoint the sink holds, of every
	// organization; none when it holds none yet.
	Checkpoints(ctx context.Context) ([]store.Checkpoint, error)
}

var _ SinkReader = (*FileSink)(nil)

// Checkpoints returns the checkpoints in the file (ReadFileSink), none
// when no checkpoint was appended yet (the file does not exist).
func (s *FileSink) Checkpoints(ctx context.Context) ([]store.Checkpoint, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("evidence: file sink: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := os.Stat(s.Path); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return ReadFileSink(s.Path)
}

// ReadFileSink reads the checkpoints a FileSink wrote, for
// VerifyOptions.External. A line that is not a checkpoint is an error
// naming it.
func ReadFileSink(path string) ([]store.Checkpoint, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("evidence: checkpoints file: %w", err)
	}
	defer f.Close()
	var cps []store.Checkpoint
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		var l sinkLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil || l.Note == "" {
			return nil, fmt.Errorf("evidence: checkpoints file %s, line %d: not a checkpoint line as FileSink writes them", path, n)
		}
		cps = append(cps, store.Checkpoint{Org: l.Org, Seq: l.Seq, Size: l.Size, Time: l.Time, Note: []byte(l.Note)})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("evidence: checkpoints file: %w", err)
	}
	return cps, nil
}
