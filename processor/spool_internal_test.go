package processor

import (
	"bytes"
	"io"
	"os"
	"runtime"
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
		if got := sp.file != nil; got != c.file {
			t.Errorf("%d bytes spooled, in a file: %v, want %v", want.Len(), got, c.file)
		}
		// The file has no name: a process killed now leaves nothing.
		if files, _ := os.ReadDir(dir); runtime.GOOS != "windows" && len(files) != 0 {
			t.Errorf("%d bytes spooled, %d files named in the spool directory, want none", want.Len(), len(files))
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
