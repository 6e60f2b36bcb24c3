package memadapter_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/gdprkit/gdpr/adapter/memadapter"
)

// TestLoadOrganizations: a tenant-scoped adapter needs every person's
// organization, and any other refuses one, naming the field and the fix.
func TestLoadOrganizations(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		opts   []memadapter.Option
		org    string
		reason string
	}{
		{"missing", []memadapter.Option{memadapter.WithTenantScope()}, "", "is required: the adapter is tenant-scoped (WithTenantScope)"},
		{"unexpected", nil, "acme", "names an organization, but the adapter is not tenant-scoped: make it with WithTenantScope"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, err := memadapter.New("crm", c.opts...)
			if err != nil {
				t.Fatal(err)
			}
			err = a.Load(memadapter.Dataset{People: []memadapter.Person{
				{Key: "p1", Kind: memadapter.KindExternalContact, Organization: c.org, Name: "Jordan Blake"}}})
			var de *memadapter.DataError
			if !errors.As(err, &de) || de.Field != "organization" || !strings.Contains(de.Reason, c.reason) {
				t.Fatalf("Load: %v, want a DataError on organization saying %q", err, c.reason)
			}
			if a.Len() != 0 {
				t.Errorf("Load loaded %d people despite the defect", a.Len())
			}
		})
	}
}
