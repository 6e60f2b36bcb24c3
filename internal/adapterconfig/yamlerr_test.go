package adapterconfig

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestYAMLErrorNamesTheLineToFix: a list item indented wrongly on line 4
// is reported there, with the file, though the parser says line 1.
func TestYAMLErrorNamesTheLineToFix(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "crm.yaml")
	if err := os.WriteFile(path, []byte("tables:\n  - name: contacts\n    key: id\n   - name: notes\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := ReadMap(path)
	want := path + ":4: did not find expected '-' indicator; check this line's indentation and '-' against the lines above"
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
	adapters := filepath.Join(dir, "adapters.yaml")
	if err := os.WriteFile(adapters, []byte("adapters:\n  - name: crm\n    dialect: sqlite\n    map: crm.yaml\n  dsn: x.db\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Read(adapters)
	if err == nil || !strings.HasPrefix(err.Error(), adapters+":5: ") {
		t.Errorf("adapters file: %v", err)
	}
}
