package demo

import (
	"fmt"

	"github.com/gdprkit/gdpr/adapter/memadapter"
)

// Generated returns n generated people for load tests and benchmarks,
// numbered from from on, with keys and ids prefixed by prefix: each an
// external contact with a name, the email GeneratedEmail(k), a phone and
// one linked chat transcript. The same arguments give the same data.
func Generated(prefix string, from, n int) memadapter.Dataset {
	ds := memadapter.Dataset{People: make([]memadapter.Person, n), Records: make([]memadapter.LinkedRecord, n)}
	for i := range n {
		k := from + i
		ds.People[i] = memadapter.Person{
			Key:               fmt.Sprintf("%s-%d", prefix, k),
			Kind:              memadapter.KindExternalContact,
			ExternalContactID: fmt.Sprintf("%s-contact-%d", prefix, k),
			Name:              fmt.Sprintf("Person %d", k),
			Emails:            []string{GeneratedEmail(k)},
			Phones:            []string{fmt.Sprintf("+1311%07d", k)},
		}
		ds.Records[i] = memadapter.LinkedRecord{
			ID: fmt.Sprintf("%s-chat-%d", prefix, k), Kind: "chatTranscript", Person: ds.People[i].Key,
			Fields: map[string]any{"text": "hello"},
		}
	}
	return ds
}

// GeneratedEmail is the email of generated person k.
func GeneratedEmail(k int) string { return fmt.Sprintf("person.%d@example.com", k) }
