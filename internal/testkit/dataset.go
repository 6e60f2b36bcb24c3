package testkit

import (
	"testing"

	"github.com/gdprkit/gdpr/adapter/adaptertest"
	"github.com/gdprkit/gdpr/adapter/memadapter"
)

// Dataset returns the conformance suite's fixture as a memadapter data set:
// every person and linked record, field for field.
func Dataset(fx adaptertest.Fixture) memadapter.Dataset {
	var ds memadapter.Dataset
	for _, p := range fx.People {
		ds.People = append(ds.People, memadapter.Person{
			Key:               p.Key,
			Kind:              p.Kind,
			Organization:      p.Organization,
			UserID:            p.UserID,
			ExternalContactID: p.ExternalContactID,
			DialerContactID:   p.DialerContactID,
			JourneyCustomer:   p.JourneyCustomer,
			ExternalID:        p.ExternalID,
			Name:              p.Name,
			Emails:            p.Emails,
			Phones:            p.Phones,
			Addresses:         p.Addresses,
			SocialHandles:     p.SocialHandles,
			Employment:        p.Employment,
			Attributes:        anyMap(p.Attributes),
		})
	}
	for _, r := range fx.Records {
		ds.Records = append(ds.Records, memadapter.LinkedRecord{
			ID: r.ID, Kind: r.Kind, Person: r.Person, Fields: anyMap(r.Fields),
		})
	}
	return ds
}

func anyMap(m map[string]string) map[string]any {
	if m == nil {
		return nil
	}
	c := make(map[string]any, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// Memory returns a memadapter named name, made with opts, holding ds:
// tenant-scoped (memadapter.WithTenantScope) when ds's people name their
// organizations. It fails t when the adapter cannot be made or ds cannot
// be loaded.
func Memory(t testing.TB, name string, ds memadapter.Dataset, opts ...memadapter.Option) *memadapter.Adapter {
	t.Helper()
	if Tenanted(ds) {
		opts = append(opts[:len(opts):len(opts)], memadapter.WithTenantScope())
	}
	a, err := memadapter.New(name, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Load(ds); err != nil {
		t.Fatal(err)
	}
	return a
}

// Tenanted reports whether ds's people name the organizations that own
// them.
func Tenanted(ds memadapter.Dataset) bool {
	for _, p := range ds.People {
		if p.Organization != "" {
			return true
		}
	}
	return false
}
