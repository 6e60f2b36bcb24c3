package adapterconfig

import (
	"errors"
	"fmt"
	"io"
	"os"

	"go.yaml.in/yaml/v3"

	"github.com/gdprkit/gdpr/adapter/sqladapter"
)

// ParseMap reads a data map written in YAML or JSON (JSON is YAML),
// refusing unknown fields, and checks it on its own with
// [sqladapter.Map.Check] (sqladapter.Open checks it against the database).
func ParseMap(r io.Reader) (*sqladapter.Map, error) {
	dec := yaml.NewDecoder(io.LimitReader(r, 16<<20))
	dec.KnownFields(true)
	var m sqladapter.Map
	if err := dec.Decode(&m); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("parse map: the map is empty: it needs tables")
		}
		return nil, fmt.Errorf("parse map: %w", err)
	}
	if err := m.Check(); err != nil {
		return nil, err
	}
	return &m, nil
}

// ReadMap reads the data map in the named file with ParseMap; errors
// name the file.
func ReadMap(path string) (*sqladapter.Map, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := ParseMap(f)
	if err != nil {
		return nil, fileError(path, err)
	}
	return m, nil
}
