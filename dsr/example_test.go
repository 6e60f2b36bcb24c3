package dsr_test

import (
	"context"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/memadapter"
	"github.com/gdprkit/gdpr/dsr"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store/memstore"
)

// Two customers called Kim Lee; only one of them wrote in.
const namesakesData = `{
  "people": [
    {"key": "k1", "kind": "externalContact", "externalContactId": "c-101",
     "name": "Kim Lee", "emails": ["kim.lee@example.com"], "phones": ["+44 20 7946 0101"]},
    {"key": "k2", "kind": "externalContact", "externalContactId": "c-202",
     "name": "Kim Lee", "emails": ["kimlee@example.net"]}
  ],
  "records": [
    {"id": "order-1", "kind": "order", "person": "k1", "fields": {"item": "kettle"}},
    {"id": "order-2", "kind": "order", "person": "k2", "fields": {"item": "toaster"}}
  ]
}`

// exampleProcessor embeds the reference engine over namesakesData, its
// workers running until stop is called.
func exampleProcessor() (p *processor.Processor, stop func()) {
	crm, err := memadapter.New("crm")
	if err != nil {
		log.Fatal(err)
	}
	if err := crm.LoadJSON(strings.NewReader(namesakesData)); err != nil {
		log.Fatal(err)
	}
	p, err = processor.New(memstore.New(), []adapter.Adapter{crm}, processor.WithStorePoll(5*time.Millisecond))
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { p.Run(ctx); close(done) }()
	return p, func() { cancel(); <-done }
}

// Search each identifier a person gave and review who they found: the
// name alone finds a namesake too.
func ExampleResolve() {
	p, stop := exampleProcessor()
	defer stop()

	res, err := dsr.Resolve(context.Background(), p, dsr.Identifiers{
		Names:  []string{"Kim Lee"},
		Emails: []string{"Kim.Lee@example.com"},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range res.Candidates {
		var matched []string
		for _, t := range c.Matched {
			matched = append(matched, string(t.Kind))
		}
		fmt.Printf("%s %s by %s: %s\n", c.ID, c.Verdict, strings.Join(matched, "+"), c.Reason)
	}
	// Output:
	// externalContactId:c-101 CONFIRMED by NAME+EMAIL: matched the person's EMAIL
	// externalContactId:c-202 AMBIGUOUS by NAME: matched only a NAME, which others may share
}

// Plan an erasure and read what it will do before anything is created:
// one request for the confirmed subject, by its id; the namesake and the
// name are left alone, and the plan says why.
func ExampleResolution_Plan() {
	p, stop := exampleProcessor()
	defer stop()

	res, err := dsr.Resolve(context.Background(), p, dsr.Identifiers{
		Names:  []string{"Kim Lee"},
		Emails: []string{"kim.lee@example.com"},
	})
	if err != nil {
		log.Fatal(err)
	}
	plan, err := res.Plan(gdpr.RequestDelete, dsr.Options{DeleteConfirmed: true, DSRID: "ticket-4711"})
	if err != nil {
		log.Fatal(err)
	}
	for _, q := range plan.Requests {
		fmt.Printf("%s for %s by %s\n", plan.Type, q.For(), q.Term.Kind)
	}
	for _, s := range plan.Skipped {
		if s.Term != nil {
			fmt.Printf("no request by %s: %s\n", s.Term.Kind, s.Reason)
		} else {
			fmt.Printf("left alone %s: %s\n", s.Subject, s.Reason)
		}
	}
	// Output:
	// GDPR_DELETE for externalContactId:c-101 by EXTERNAL_CONTACT_ID
	// left alone externalContactId:c-202: ambiguous (matched only a NAME, which others may share); include it to act on it
	// no request by NAME: also matches externalContactId:c-202, not accepted; a request by this term would act on it too
	// no request by EMAIL: covered by the request for externalContactId:c-101
}

// Submit the plan, which returns as soon as the requests exist, then
// follow them to the end and read the report. Submitting again with the
// same DSR id creates nothing twice.
func ExampleFollow() {
	p, stop := exampleProcessor()
	defer stop()
	ctx := context.Background()

	res, err := dsr.Resolve(ctx, p, dsr.Identifiers{Names: []string{"Kim Lee"}, Emails: []string{"kim.lee@example.com"}})
	if err != nil {
		log.Fatal(err)
	}
	plan, err := res.Plan(gdpr.RequestDelete, dsr.Options{DeleteConfirmed: true, DSRID: "ticket-4711"})
	if err != nil {
		log.Fatal(err)
	}
	submitted, err := dsr.Submit(ctx, p, plan)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("submitted:", submitted.Summary.Requests, "requests,", submitted.Summary.Unfinished, "unfinished")

	rep, err := dsr.Follow(ctx, p, submitted, dsr.FollowOptions{PollInterval: 5 * time.Millisecond})
	if err != nil {
		log.Fatal(err)
	}
	for _, it := range rep.Requests {
		fmt.Printf("request for %s by %s: %s, verified %v\n", it.Subject, it.Term.Kind, it.Status, it.Verification.Passed)
		for _, s := range it.Steps {
			fmt.Printf("  %s: %d records, %d deleted\n", s.Adapter, s.Records, s.Outcome.Deleted)
		}
	}
	again, _ := dsr.Submit(ctx, p, plan)
	fmt.Println("submitted again, same request:", again.Requests[0].RequestID == rep.Requests[0].RequestID)
	left, _ := p.SearchSubjects(ctx, gdpr.KindName, "Kim Lee")
	fmt.Println("the name now finds", left[0].ExternalContactID)
	// Output:
	// submitted: 1 requests, 1 unfinished
	// request for externalContactId:c-101 by EXTERNAL_CONTACT_ID: COMPLETED, verified true
	//   crm: 2 records, 2 deleted
	// submitted again, same request: true
	// the name now finds c-202
}

// A DSR id derived from what the person gave, keyed with a secret of the
// operator's, names the same DSR on every run without letting anyone who
// guesses the identifiers check the guess.
func ExampleDeriveIDWithKey() {
	ids := []gdpr.Term{{Kind: gdpr.KindEmail, Value: "kim.lee@example.com"}}
	key := []byte("the operator's secret, the same on every run")
	id := dsr.DeriveIDWithKey(key, ids)
	fmt.Println(id == dsr.DeriveIDWithKey(key, ids), id == dsr.DeriveID(ids))
	// Output: true false
}
