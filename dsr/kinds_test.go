package dsr_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/memadapter"
	"github.com/gdprkit/gdpr/dsr"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store/memstore"
	"github.com/google/go-cmp/cmp"
)

// isID pins every kind of term as an id (resolved into the record it
// names) or not (searched). A new kind must be added here, and the
// processor and the plan must agree on it.
var isID = map[gdpr.Kind]bool{
	gdpr.KindName:              false,
	gdpr.KindAddress:           false,
	gdpr.KindPhone:             false,
	gdpr.KindEmail:             false,
	gdpr.KindTwitter:           false,
	gdpr.KindInstagram:         false,
	gdpr.KindFacebook:          false,
	gdpr.KindAppleMessages:     false,
	gdpr.KindExternalID:        false,
	gdpr.KindUserID:            true,
	gdpr.KindExternalContactID: true,
	gdpr.KindDialerContactID:   true,
	gdpr.KindJourneyCustomer:   true,
}

// onlyBy is a term of each kind that a person of kindsData is known by,
// beside the marker it is found by.
var onlyBy = map[gdpr.Kind]gdpr.Term{
	gdpr.KindName:              {Kind: gdpr.KindName, Value: "Pat Only-Name"},
	gdpr.KindAddress:           {Kind: gdpr.KindAddress, Value: "7 Only Street, Leeds"},
	gdpr.KindPhone:             {Kind: gdpr.KindPhone, Value: "+44 20 7946 0999"},
	gdpr.KindEmail:             {Kind: gdpr.KindEmail, Value: "only.email@example.org"},
	gdpr.KindTwitter:           {Kind: gdpr.KindTwitter, Value: "@only_twitter"},
	gdpr.KindInstagram:         {Kind: gdpr.KindInstagram, Value: "only.instagram"},
	gdpr.KindFacebook:          {Kind: gdpr.KindFacebook, Value: "only.facebook"},
	gdpr.KindAppleMessages:     {Kind: gdpr.KindAppleMessages, Value: "only-apple"},
	gdpr.KindExternalID:        {Kind: gdpr.KindExternalID, Value: "EXT-ONLY"},
	gdpr.KindUserID:            {Kind: gdpr.KindUserID, Value: "u-only"},
	gdpr.KindExternalContactID: {Kind: gdpr.KindExternalContactID, Value: "ec-only"},
	gdpr.KindDialerContactID:   {Kind: gdpr.KindDialerContactID, Value: "dc-only", Scope: "list-only"},
	gdpr.KindJourneyCustomer:   {Kind: gdpr.KindJourneyCustomer, Value: "jc-only", Scope: "cookie"},
}

// marker is what finds the person known by k: an email of its own, or a
// phone for the one known by an email.
func marker(k gdpr.Kind) gdpr.Term {
	if k == gdpr.KindEmail {
		return gdpr.Term{Kind: gdpr.KindPhone, Value: "+442079460555"}
	}
	return gdpr.Term{Kind: gdpr.KindEmail, Value: fmt.Sprintf("marker-%s@example.org", k)}
}

// kindsProcessor embeds the engine over one person per kind, each
// carrying its term of that kind, its marker and one linked record.
func kindsProcessor(t *testing.T) *processor.Processor {
	t.Helper()
	var ds memadapter.Dataset
	for _, k := range gdpr.Kinds() {
		key := "p-" + string(k)
		p := memadapter.Person{Key: key, Kind: memadapter.KindExternalContact}
		for _, term := range []gdpr.Term{onlyBy[k], marker(k)} {
			s := term.Subject()
			p.Name = cmpOr(p.Name, s.Name)
			p.UserID = cmpOr(p.UserID, s.UserID)
			p.ExternalContactID = cmpOr(p.ExternalContactID, s.ExternalContactID)
			p.ExternalID = cmpOr(p.ExternalID, s.ExternalID)
			if s.DialerContactID != nil {
				p.DialerContactID = s.DialerContactID
			}
			if s.JourneyCustomer != nil {
				p.JourneyCustomer = s.JourneyCustomer
			}
			if s.SocialHandle != nil {
				p.SocialHandles = append(p.SocialHandles, *s.SocialHandle)
			}
			p.Emails = append(p.Emails, s.EmailAddresses...)
			p.Phones = append(p.Phones, s.PhoneNumbers...)
			p.Addresses = append(p.Addresses, s.Addresses...)
		}
		ds.People = append(ds.People, p)
		ds.Records = append(ds.Records, memadapter.LinkedRecord{ID: "order-" + string(k), Kind: "order", Person: key})
	}
	crm, err := memadapter.New("crm")
	if err != nil {
		t.Fatal(err)
	}
	if err := crm.Load(ds); err != nil {
		t.Fatal(err)
	}
	p, err := processor.New(memstore.New(), []adapter.Adapter{crm}, processor.WithStorePoll(5*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { p.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return p
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func TestEveryKindIsAnIDOrNotAlikeInPlanAndProcessor(t *testing.T) {
	t.Parallel()
	if got, want := slices.Sorted(maps.Keys(isID)), slices.Sorted(slices.Values(gdpr.Kinds())); !slices.Equal(got, want) {
		t.Fatalf("the table pins %v; gdpr.Kinds is %v", got, want)
	}
	ctx := context.Background()
	p := kindsProcessor(t)
	for _, k := range gdpr.Kinds() {
		t.Run(string(k), func(t *testing.T) {
			if got := k.IsID(); got != isID[k] {
				t.Fatalf("gdpr.Kind.IsID is %v", got)
			}

			// The processor resolves an id into the record it names, and
			// merges the record's fields into the request's subject; a
			// searched term stays as given.
			given := onlyBy[k].Subject()
			r, err := p.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestExport, Subject: given})
			if err != nil {
				t.Fatal(err)
			}
			if resolved := !cmp.Equal(r.Subject, given); resolved != isID[k] {
				t.Errorf("processor: request subject %+v for %+v; resolved as an id: %v, want %v", r.Subject, given, resolved, isID[k])
			}

			// The plan requests a subject known by an id by that id, and
			// one known by no id by the identifier that found it.
			res := resolve(t, p, dsr.Identifiers{Emails: termValues(marker(k), gdpr.KindEmail), Phones: termValues(marker(k), gdpr.KindPhone)})
			if len(res.Candidates) != 1 || res.Candidates[0].Verdict != dsr.Confirmed {
				t.Fatalf("candidates: %v", verdicts(res))
			}
			plan, err := res.Plan(gdpr.RequestExport, dsr.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(plan.Requests) != 1 {
				t.Fatalf("plan: %+v", plan.Requests)
			}
			q := plan.Requests[0]
			if byID := q.Subject == res.Candidates[0].ID && q.Term.Kind == k; byID != isID[k] {
				t.Errorf("plan: request for %q by %s; by its id: %v, want %v", q.Subject, q.Term.Kind, byID, isID[k])
			}
			if !isID[k] && (q.Subject != "" || q.Term.Kind != marker(k).Kind) {
				t.Errorf("plan: request for %q by %s; want one by the %s that found it", q.Subject, q.Term.Kind, marker(k).Kind)
			}

			// Either way, the person's data is exported.
			rep, err := dsr.Submit(ctx, p, plan)
			if err == nil {
				rep, err = dsr.Follow(ctx, p, rep, fast)
			}
			if err != nil || rep.Summary.Completed != 1 || rep.Summary.Exported == 0 {
				t.Errorf("export: %v, %+v", err, rep.Summary)
			}
		})
	}
}

func termValues(t gdpr.Term, k gdpr.Kind) []string {
	if t.Kind != k {
		return nil
	}
	return []string{t.Value}
}
