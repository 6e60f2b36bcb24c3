package processor

import (
	"bytes"
	"io"
	"os"
	"testing"
)

func TestSpoolMovesToAFileOnlyPastItsLimit(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		writes int
		file   bool
	}{{0, false}, {4, false}, {5, true}, {1000, true}} {
		dir := t.TempDir()
		sp := newSpool(dir, 1024)
		var want bytes.Buffer
		chunk := bytes.Repeat([]byte("0123456789abcdef"), 16) // 256 bytes
		for i := range c.writes {
			chunk[0] = byte('A' + i%26)
			want.Write(chunk)
			if n, err := sp.Write(chunk); n != len(chunk) || err != nil {
				t.Fatalf("Write = %d, %v", n, err)
			}
		}
		files, _ := os.ReadDir(dir)
		if got := len(files) == 1; got != c.file || len(files) > 1 {
			t.Errorf("%d bytes spooled in %d files, want a file: %v", want.Len(), len(files), c.file)
		}
		for range 2 { // a part is read whole, as often as needed
			r, err := sp.reader()
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(r)
			if err != nil || !bytes.Equal(got, want.Bytes()) {
				t.Fatalf("%d bytes spooled, read back %d (%v), not the same", want.Len(), len(got), err)
			}
		}
		if err := sp.close(); err != nil {
			t.Fatal(err)
		}
		if files, _ := os.ReadDir(dir); len(files) != 0 {
			t.Errorf("%d files left after close", len(files))
		}
	}
}
