package sqladapter_test

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/gdprkit/gdpr/adapter/sqladapter"
)

// parseYAMLMap reads a data map in the YAML that gdpr serve reads (the
// struct tags of Map name its fields) and checks it, as that command does.
// The tests write maps in YAML because people do.
func parseYAMLMap(text string) (*sqladapter.Map, error) {
	dec := yaml.NewDecoder(strings.NewReader(text))
	dec.KnownFields(true)
	var m sqladapter.Map
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if err := m.Check(); err != nil {
		return nil, err
	}
	return &m, nil
}
