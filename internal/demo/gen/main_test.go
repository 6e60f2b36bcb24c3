package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestUpToDate checks that the committed data is what the generator
// writes.
func TestUpToDate(t *testing.T) {
	outs, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range outs {
		got, err := os.ReadFile(filepath.Join("..", "data", o.name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, o.data) {
			t.Errorf("data/%s.json is not what gen writes; run go generate in internal/demo", o.name)
		}
	}
}
