package processor

import (
	"bytes"
	"context"
	"io"

	"github.com/gdprkit/gdpr/store"
)

// inlineBlob is an export archive small enough to be stored with the
// update that completes its request (see BlobUpdater).
type inlineBlob struct {
	key  string
	data []byte
}

// archiveWriter takes an export archive as it is written: in memory while
// it is at most limit bytes, then streamed to the Store's PutBlob, the
// bytes held so far first. With a negative limit it streams from the
// first byte.
type archiveWriter struct {
	ctx   context.Context
	store store.Store
	key   string
	limit int

	buf  []byte
	pw   *io.PipeWriter // set once streaming
	done chan error     // PutBlob's outcome, once streaming
}

func (w *archiveWriter) Write(b []byte) (int, error) {
	if w.pw == nil && len(w.buf)+len(b) <= w.limit {
		w.buf = append(w.buf, b...)
		return len(b), nil
	}
	if w.pw == nil {
		w.stream()
	}
	return w.pw.Write(b)
}

// stream starts PutBlob on what was held and what is written from now on.
func (w *archiveWriter) stream() {
	pr, pw := io.Pipe()
	w.pw, w.done = pw, make(chan error, 1)
	head := w.buf
	w.buf = nil
	go func() {
		_, err := w.store.PutBlob(w.ctx, w.key, io.MultiReader(bytes.NewReader(head), pr))
		pr.CloseWithError(err) // a put that gave up fails the writes still to come
		w.done <- err
	}()
}

// finish ends the archive, whose writing ended with err. It returns the
// archive when it stayed in memory, for the caller to store; else it
// returns once PutBlob has stored it, or failed. When err is not nil the
// archive is not stored, and finish returns err.
func (w *archiveWriter) finish(err error) (*inlineBlob, error) {
	if w.pw == nil {
		if err != nil {
			return nil, err
		}
		if w.limit >= 0 {
			return &inlineBlob{key: w.key, data: w.buf}, nil
		}
		w.stream() // an empty archive, with nothing held
	}
	w.pw.CloseWithError(err) // nil: the archive ends here
	putErr := <-w.done
	if err != nil {
		return nil, err
	}
	return nil, putErr
}
