package processor

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"

	"github.com/gdprkit/gdpr/store"
)

// blobRecorder is a Store that keeps what PutBlob reads; nothing else of
// it is used.
type blobRecorder struct {
	store.Store
	puts map[string][]byte
}

func (s *blobRecorder) PutBlob(ctx context.Context, key string, r io.Reader) (int64, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return 0, err // a failed put stores nothing
	}
	s.puts[key] = b
	return int64(len(b)), nil
}

func TestArchiveWriterHoldsSmallArchivesAndStreamsLargeOnes(t *testing.T) {
	t.Parallel()
	data := bytes.Repeat([]byte("0123456789"), 100) // 1,000 bytes, written 64 at a time
	write := func(w *archiveWriter, upTo int) error {
		for off := 0; off < upTo; off += 64 {
			if _, err := w.Write(data[off:min(off+64, upTo)]); err != nil {
				return err
			}
		}
		return nil
	}
	for _, c := range []struct {
		name   string
		limit  int
		inline bool
	}{
		{"under the limit: held for the update", 1000, true},
		{"over the limit: streamed, what was held first", 300, false},
		{"no limit: streamed from the first byte", -1, false},
	} {
		s := &blobRecorder{puts: map[string][]byte{}}
		w := &archiveWriter{ctx: t.Context(), store: s, key: "k", limit: c.limit}
		blob, err := w.finish(write(w, len(data)))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		switch {
		case c.inline && (blob == nil || !bytes.Equal(blob.data, data) || len(s.puts) != 0):
			t.Errorf("%s: returned %v, stored %d blobs; want the archive returned, nothing stored", c.name, blob != nil, len(s.puts))
		case !c.inline && (blob != nil || !bytes.Equal(s.puts["k"], data)):
			t.Errorf("%s: returned %v, stored %d of %d bytes intact: %v; want all stored, nothing returned",
				c.name, blob != nil, len(s.puts["k"]), len(data), bytes.Equal(s.puts["k"], data))
		}
	}

	// An archive whose writing fails is not stored, held or streamed.
	broken := errors.New("a part could not be read")
	for _, limit := range []int{1000, 300, -1} {
		s := &blobRecorder{puts: map[string][]byte{}}
		w := &archiveWriter{ctx: t.Context(), store: s, key: "k", limit: limit}
		err := write(w, 500)
		if err == nil {
			err = broken
		}
		blob, err := w.finish(err)
		if !errors.Is(err, broken) || blob != nil || len(s.puts) != 0 {
			t.Errorf("limit %d: a failed archive gave %v, returned %v, stored %d blobs", limit, err, blob != nil, len(s.puts))
		}
	}
}
