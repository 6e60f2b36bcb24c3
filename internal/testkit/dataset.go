package testkit

import (
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
