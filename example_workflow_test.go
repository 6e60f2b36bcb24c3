package gdpr_test

import (
	"context"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/memadapter"
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

	res, err := gdpr.Resolve(context.Background(), p, gdpr.Identifiers{
		Names:  []string{"Kim Lee"},
		Emails: []string{"Kim.Lee@example.com"},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range res.Candidates {
		var matched []string
		for _, id := range c.Matched {
			matched = append(matched, string(id.Kind))
		}
		fmt.Printf("%s %s by %s: %s\n", c.ID, c.Verdict, strings.Join(matched, "+"), c.Reason)
	}
	// Output:
	// externalContactId:c-101 CONFIRMED by NAME+EMAIL: matched the person's EMAIL
	// externalContactId:c-202 AMBIGUOUS by NAME: matched only a NAME, which others may share
}

// Erase the confirmed subject, one request per subject by its id, and
// read the report. The namesake is left alone, and so is the name.
func ExampleFulfil() {
	p, stop := exampleProcessor()
	defer stop()
	ctx := context.Background()

	res, err := gdpr.Resolve(ctx, p, gdpr.Identifiers{
		Names:  []string{"Kim Lee"},
		Emails: []string{"kim.lee@example.com"},
	})
	if err != nil {
		log.Fatal(err)
	}
	rep, err := gdpr.Fulfil(ctx, p, res, gdpr.RequestDelete, gdpr.FulfilOptions{
		DeleteConfirmed: true,
		DSRID:           "ticket-4711", // run again with the same id: nothing is created twice
		PollInterval:    5 * time.Millisecond,
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, it := range rep.Requests {
		fmt.Printf("request for %s by %s: %s, verified %v\n", it.Subject, it.Term.Kind, it.Status, it.Verification.Passed)
		for _, s := range it.Steps {
			fmt.Printf("  %s: %d records, %d deleted\n", s.Adapter, s.Records, s.Outcome.Deleted)
		}
	}
	for _, s := range rep.Skipped {
		if s.Term != nil {
			fmt.Printf("no request by %s: %s\n", s.Term.Kind, s.Reason)
		} else {
			fmt.Printf("left alone %s: %s\n", s.Subject, s.Reason)
		}
	}
	left, _ := p.SearchSubjects(ctx, gdpr.KindName, "Kim Lee")
	fmt.Println("the name now finds", left[0].ExternalContactID)
	// Output:
	// request for externalContactId:c-101 by EXTERNAL_CONTACT_ID: COMPLETED, verified true
	//   crm: 2 records, 2 deleted
	// left alone externalContactId:c-202: ambiguous (matched only a NAME, which others may share); include it to act on it
	// no request by NAME: also matches externalContactId:c-202, not accepted; a request by this term would act on it too
	// no request by EMAIL: covered by the request for externalContactId:c-101
	// the name now finds c-202
}

// A DSR id derived from what the person gave, keyed with a secret of the
// operator's, names the same DSR on every run without letting anyone who
// guesses the identifiers check the guess.
func ExampleDeriveDSRIDWithKey() {
	ids := []gdpr.Identifier{{Kind: gdpr.IdentifierEmail, Value: "kim.lee@example.com"}}
	key := []byte("the operator's secret, the same on every run")
	id := gdpr.DeriveDSRIDWithKey(key, ids)
	fmt.Println(id == gdpr.DeriveDSRIDWithKey(key, ids), id == gdpr.DeriveDSRID(ids))
	// Output: true false
}
