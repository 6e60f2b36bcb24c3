package memadapter_test

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/memadapter"
)

// benchPeople is how many people BenchmarkSearch searches among.
const benchPeople = 1_000_000

// benchAdapter builds the benchmark's adapter once per test binary: each
// person has an id, a name shared with many others, an email and a phone.
var benchAdapter = sync.OnceValues(func() (*memadapter.Adapter, error) {
	first := []string{"Alex", "Sam", "Robin", "Kim", "Dana", "Jordan", "Maria", "Wei", "Aisha", "Lukas"}
	last := []string{"Morgan", "Rivera", "Chen", "Okafor", "Schmidt", "Tanaka", "Silva", "Novak", "Haddad", "Lee"}
	ds := memadapter.Dataset{People: make([]memadapter.Person, benchPeople)}
	for i := range ds.People {
		ds.People[i] = memadapter.Person{
			Key:               fmt.Sprintf("p%07d", i),
			Kind:              memadapter.KindExternalContact,
			ExternalContactID: fmt.Sprintf("ec-%07d", i),
			Name:              first[i%len(first)] + " " + last[i/len(first)%len(last)],
			Emails:            []string{fmt.Sprintf("Person.%07d@Example.com", i)},
			Phones:            []string{fmt.Sprintf("+1 202 %07d", i)},
		}
	}
	a, err := memadapter.New("bench")
	if err != nil {
		return nil, err
	}
	return a, a.Load(ds)
})

// BenchmarkSearch searches one email among a million people.
func BenchmarkSearch(b *testing.B) {
	start := time.Now()
	a, err := benchAdapter()
	if err != nil {
		b.Fatal(err)
	}
	if a.Len() != benchPeople {
		b.Fatalf("the adapter holds %d people, want %d", a.Len(), benchPeople)
	}
	b.Logf("%d people ready in %v", a.Len(), time.Since(start).Round(time.Millisecond))
	runtime.GC() // collect what loading left, rather than while timing

	// Terms arrive normalized: normalize them before the clock runs.
	terms := make([]gdpr.Term, 1024)
	for i := range terms {
		v, err := adapter.Normalizer{}.Value(gdpr.KindEmail, fmt.Sprintf("person.%07d@example.com", i*977%benchPeople))
		if err != nil {
			b.Fatal(err)
		}
		terms[i] = gdpr.Term{Kind: gdpr.KindEmail, Value: v}
	}
	ctx := b.Context()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		got, err := a.Search(ctx, terms[i%len(terms)])
		if err != nil || len(got) != 1 {
			b.Fatalf("Search found %d subjects, %v; want 1", len(got), err)
		}
		i++
	}
}
