package memadapter

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/internal/normalize"
)

var _ adapter.Adapter = (*Adapter)(nil)

// Adapter is an in-memory data store of people and their linked records.
// It is safe for concurrent use; it starts no goroutines. The zero value is
// not usable: call New.
type Adapter struct {
	name      string
	norm      adapter.Normalizer
	anonymize bool
	tenant    bool // records belong to organizations; see WithTenantScope

	mu      sync.RWMutex
	people  map[string]*entry      // by key; anonymized people included
	records map[string]*linked     // by id; records of deleted people that a policy kept included
	index   index                  // normalized term → people
	done    map[opKey]gdpr.Outcome // outcomes of finished Rectify and Erase operations
}

type opKey struct {
	org, method, requestID, id string
}

// Option configures an Adapter. Options are validated by New.
type Option func(*config) error

type config struct {
	region    string
	anonymize bool
	tenant    bool
}

// WithPhoneRegion sets the ISO 3166 region (such as "GB"; any case) that
// phone numbers without a country code are read in, both in loaded data
// and in the updated values of Rectify. The default, "", accepts E.164
// numbers only. New fails when region has no phone numbering plan.
func WithPhoneRegion(region string) Option {
	return func(c *config) error {
		r, err := normalize.PhoneRegion(region)
		if err != nil {
			return fmt.Errorf("memadapter: WithPhoneRegion: %w", err)
		}
		c.region = r
		return nil
	}
}

// WithAnonymize makes Erase anonymize records instead of deleting them
// (see the package documentation).
func WithAnonymize() Option {
	return func(c *config) error {
		c.anonymize = true
		return nil
	}
}

// WithTenantScope makes the adapter hold several organizations' data:
// every person names the organization that owns it (Person.Organization,
// required), its linked records belong to the same, and every call sees
// and changes only the records of the organization on its context
// (gdpr.OrganizationFromContext). A call whose context names no
// organization fails with an error matching adapter.ErrNoOrganization.
// Without this option the adapter holds one organization's data, and a
// person naming an organization is refused by Load.
func WithTenantScope() Option {
	return func(c *config) error {
		c.tenant = true
		return nil
	}
}

// New returns an empty Adapter named name, the name it reports in steps,
// errors and audit events. It fails when name is empty or an option is
// not valid.
func New(name string, opts ...Option) (*Adapter, error) {
	if strings.TrimSpace(name) == "" {
		return nil, errors.New("memadapter: New: the adapter needs a name")
	}
	var c config
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&c); err != nil {
			return nil, err
		}
	}
	return &Adapter{
		name:      name,
		norm:      adapter.Normalizer{Region: c.region},
		anonymize: c.anonymize,
		tenant:    c.tenant,
		people:    make(map[string]*entry),
		records:   make(map[string]*linked),
		index:     make(index),
		done:      make(map[opKey]gdpr.Outcome),
	}, nil
}

// Name returns the name given to New.
func (a *Adapter) Name() string { return a.name }

// Anonymizes reports whether Erase anonymizes rather than deletes.
func (a *Adapter) Anonymizes() bool { return a.anonymize }

// Len returns the number of people the adapter holds, anonymized people
// included.
func (a *Adapter) Len() int {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return len(a.people)
}

// LoadJSON reads one data set in the JSON format of the package
// documentation, rejecting unknown fields, and loads it as Load does.
func (a *Adapter) LoadJSON(r io.Reader) error {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var ds Dataset
	if err := dec.Decode(&ds); err != nil {
		return fmt.Errorf("memadapter: load JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("memadapter: load JSON: data after the data set")
	}
	return a.Load(ds)
}

// maxDataErrors bounds the defects one Load reports.
const maxDataErrors = 20

// Load adds the people and records of ds to what the adapter holds. It
// validates the whole data set first and loads all of it or, when it
// returns an error, nothing. The error joins a *DataError for each defect
// found (up to 20): a key or record id used twice, a link to an unknown
// person, an id (userId, externalContactId, dialerContactId within its
// contact list, journeyCustomer within its type) that two people share, an
// email, phone or other term that is not valid. Load copies ds: changing
// it afterwards does not change the adapter.
func (a *Adapter) Load(ds Dataset) error {
	var errs []error
	report := func(e *DataError) bool {
		errs = append(errs, e)
		return len(errs) < maxDataErrors
	}
	entries, ok := a.stagePeople(ds.People, report)
	var links []*linked
	if ok {
		links, ok = stageRecords(ds.Records, report)
	}
	if ok {
		a.mu.Lock()
		defer a.mu.Unlock()
		a.checkUnique(entries, links, report)
	}
	if len(errs) > 0 {
		if len(errs) == maxDataErrors {
			errs = append(errs, errors.New("memadapter: load: stopped after 20 defects"))
		}
		return errors.Join(errs...)
	}
	for _, e := range entries {
		a.people[e.p.Key] = e
		a.index.add(e)
	}
	for _, l := range links {
		a.records[l.rec.ID] = l
		e := a.people[l.rec.Person]
		e.links = append(e.links, l)
		e.version++
	}
	return nil
}

// stagePeople copies and checks every person on its own, without the
// lock: the costly part of Load. It stops when report returns false.
func (a *Adapter) stagePeople(people []Person, report func(*DataError) bool) ([]*entry, bool) {
	entries := make([]*entry, 0, len(people))
	for i, p := range people {
		at := func(e *DataError) bool {
			e.Person, e.Index, e.list = p.Key, i, "people"
			return report(e)
		}
		if p.Key == "" {
			if !at(&DataError{Field: "key", Reason: "is required"}) {
				return nil, false
			}
		}
		switch p.Kind {
		case KindUser, KindExternalContact, KindDialerContact:
		default:
			if !at(&DataError{Field: "kind", Reason: "is not user, externalContact or dialerContact"}) {
				return nil, false
			}
		}
		if why := a.orgDefect(p.Organization); why != "" {
			if !at(&DataError{Field: "organization", Reason: why}) {
				return nil, false
			}
		}
		switch p.Employment {
		case "", EmploymentCurrent, EmploymentFormer:
		default:
			if !at(&DataError{Field: "employment", Reason: `is not "current", "former" or empty`}) {
				return nil, false
			}
		}
		c, err := copyPerson(p)
		if err != nil {
			if !at(&DataError{Field: "attributes", Reason: "does not marshal to JSON", Err: err}) {
				return nil, false
			}
		}
		terms, bad := a.personTerms(&c)
		for _, e := range bad {
			if !at(e) {
				return nil, false
			}
		}
		entries = append(entries, &entry{p: c, terms: terms})
	}
	return entries, true
}

func copyPerson(p Person) (Person, error) {
	if d := p.DialerContactID; d != nil {
		c := *d
		p.DialerContactID = &c
	}
	if j := p.JourneyCustomer; j != nil {
		c := *j
		p.JourneyCustomer = &c
	}
	p.Emails = slices.Clone(p.Emails)
	p.Phones = slices.Clone(p.Phones)
	p.Addresses = slices.Clone(p.Addresses)
	p.SocialHandles = slices.Clone(p.SocialHandles)
	var err error
	p.Attributes, err = jsonCopy(p.Attributes)
	return p, err
}

// stageRecords copies and checks every linked record on its own.
func stageRecords(records []LinkedRecord, report func(*DataError) bool) ([]*linked, bool) {
	links := make([]*linked, 0, len(records))
	for i, r := range records {
		at := func(e *DataError) bool {
			e.Record, e.Index, e.list = r.ID, i, "records"
			return report(e)
		}
		var e *DataError
		switch {
		case r.ID == "":
			e = &DataError{Field: "id", Reason: "is required"}
		case r.Kind == "":
			e = &DataError{Field: "kind", Reason: "is required"}
		case r.Person == "":
			e = &DataError{Field: "person", Reason: "is required"}
		}
		if _, ok := r.Fields["person"]; ok && e == nil {
			e = &DataError{Field: "fields.person", Reason: `is reserved for the key of the linked person`}
		}
		if e != nil {
			if !at(e) {
				return nil, false
			}
			continue
		}
		f, err := jsonCopy(r.Fields)
		if err != nil {
			if !at(&DataError{Field: "fields", Reason: "does not marshal to JSON", Err: err}) {
				return nil, false
			}
			continue
		}
		r.Fields = f
		links = append(links, &linked{rec: r})
	}
	return links, true
}

// checkUnique checks keys, record ids, links and ids against each other
// and against what the adapter holds. The caller holds the write lock.
func (a *Adapter) checkUnique(entries []*entry, links []*linked, report func(*DataError) bool) {
	keys := make(map[string]bool, len(entries))
	ids := make(map[termKey]string)
	for i, e := range entries {
		at := func(d *DataError) bool {
			d.Person, d.Index, d.list = e.p.Key, i, "people"
			return report(d)
		}
		if _, dup := a.people[e.p.Key]; dup || keys[e.p.Key] {
			if !at(&DataError{Field: "key", Reason: "is used by another person"}) {
				return
			}
		}
		if _, dup := a.records[e.p.Key]; dup {
			if !at(&DataError{Field: "key", Reason: "is the id of a linked record"}) {
				return
			}
		}
		keys[e.p.Key] = true
		for _, t := range e.terms {
			if !t.kind.IsID() {
				continue
			}
			other, dup := ids[t]
			if !dup && a.index.has(t) {
				other, dup = a.index[t.kind][t.key][0].p.Key, true
			}
			if dup {
				if !at(&DataError{Field: idField(t.kind), Reason: "is also the id of person " + strconv.Quote(other)}) {
					return
				}
			}
			ids[t] = e.p.Key
		}
	}
	seen := make(map[string]bool, len(links))
	for i, l := range links {
		at := func(d *DataError) bool {
			d.Record, d.Index, d.list = l.rec.ID, i, "records"
			return report(d)
		}
		id := l.rec.ID
		if _, dup := a.records[id]; dup || seen[id] {
			if !at(&DataError{Field: "id", Reason: "is used by another record"}) {
				return
			}
		}
		if _, dup := a.people[id]; dup || keys[id] {
			if !at(&DataError{Field: "id", Reason: "is the key of a person"}) {
				return
			}
		}
		seen[id] = true
		if e, ok := a.people[l.rec.Person]; ok && e.anonymized {
			if !at(&DataError{Field: "person", Reason: "links to an anonymized person"}) {
				return
			}
		} else if !ok && !keys[l.rec.Person] {
			if !at(&DataError{Field: "person", Reason: "links to no person (key " + strconv.Quote(l.rec.Person) + ")"}) {
				return
			}
		}
	}
}

func idField(k gdpr.Kind) string {
	switch k {
	case gdpr.KindUserID:
		return "userId"
	case gdpr.KindExternalContactID:
		return "externalContactId"
	case gdpr.KindDialerContactID:
		return "dialerContactId"
	case gdpr.KindJourneyCustomer:
		return "journeyCustomer"
	}
	return string(k)
}
