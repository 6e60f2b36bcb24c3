// Command cassettes erases a person by email through any GDPR API, and
// shows how a service tests its own DSR code without a live API: its test
// replays HTTP cassettes recorded once against gdprkit's reference server
// (see main_test.go).
//
//	GDPR_API_URL=http://127.0.0.1:8080 GDPR_CLIENT_ID=ops GDPR_CLIENT_SECRET=... \
//	  go run ./examples/cassettes robin@example.com
package main

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/gdprkit/gdpr"
)

func main() {
	if len(os.Args) != 2 {
		log.Fatal("usage: cassettes EMAIL")
	}
	c, err := gdpr.New(gdpr.WithBaseURL(os.Getenv("GDPR_API_URL")),
		gdpr.WithClientCredentials(os.Getenv("GDPR_CLIENT_ID"), os.Getenv("GDPR_CLIENT_SECRET")))
	if err != nil {
		log.Fatal(err)
	}
	done, err := eraseByEmail(context.Background(), c, os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range done {
		fmt.Println(r.ID, r.Status)
	}
}

// eraseByEmail is the service's own DSR code: one confirmed erasure per
// subject the email matches, by the subject's id, each followed to its
// end. Idempotency keys derived from the email and subject make a rerun
// after a crash create nothing twice.
func eraseByEmail(ctx context.Context, c *gdpr.Client, email string) ([]*gdpr.Request, error) {
	subjects, err := c.SearchSubjects(ctx, gdpr.KindEmail, email)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	var done []*gdpr.Request
	for _, s := range subjects {
		term := gdpr.Subject{UserID: s.UserID, ExternalContactID: s.ExternalContactID, DialerContactID: s.DialerContactID}
		r, err := c.CreateRequest(ctx, gdpr.RequestSpec{
			Type: gdpr.RequestDelete, Subject: term, DeleteConfirmed: true,
			IdempotencyKey: "erase/" + s.UserID + s.ExternalContactID,
		})
		if err != nil {
			return done, fmt.Errorf("create: %w", err)
		}
		if r, err = c.Wait(ctx, r.ID, nil); err != nil {
			return done, fmt.Errorf("wait: %w", err)
		}
		done = append(done, r)
	}
	return done, nil
}
