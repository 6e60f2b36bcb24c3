package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/internal/demo"
)

// organizations shows two organizations of one service kept apart:
// Northwind holds its own Alex Morgan and Sam Rivera under the emails the
// demo organization's people have, and neither sees the other's.
func (d *demoRun) organizations(ctx context.Context) error {
	d.say("\n8. Organizations own their data. Northwind, another customer of this service, signs in with its own client;")
	d.say("   its customers include an %s and a %s with the same emails as the demo organization's:", demo.AlexMorgan, demo.SamRivera)
	for _, email := range []string{demo.AlexMorganSeattleEmail, demo.SamRiveraEmail} {
		ours, err := d.c.SearchSubjects(ctx, gdpr.KindEmail, email)
		if err != nil {
			return err
		}
		theirs, err := d.nw.SearchSubjects(ctx, gdpr.KindEmail, email)
		if err != nil {
			return err
		}
		d.say("   %-26s demo finds %s; Northwind finds %s", email, subjectsText(ours), subjectsText(theirs))
	}
	d.say("   (the demo organization erased its %s in step 4; Northwind's, with the same email and phone, is untouched)", demo.AlexMorgan)
	r, err := d.nw.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestExport,
		Subject: gdpr.Subject{EmailAddresses: []string{demo.AlexMorganSeattleEmail}}})
	if err != nil {
		return err
	}
	d.say("   Northwind exports its %s: only its own data store is asked", demo.AlexMorgan)
	done, err := (&demoRun{w: d.w, c: d.nw}).wait(ctx, r.ID)
	if err != nil {
		return err
	}
	d.report(done)
	if _, err := d.c.GetRequest(ctx, r.ID); err != nil {
		d.say("   the demo organization cannot read Northwind's request: %s", errorCode(err))
	}
	return nil
}

// subjectsText names subjects by their ids, or says there are none.
func subjectsText(ss []gdpr.Subject) string {
	if len(ss) == 0 {
		return "nothing"
	}
	ids := make([]string, len(ss))
	for i, s := range ss {
		ids[i] = subjectID(s)
	}
	return strings.Join(ids, ", ")
}

// errorCode is the API's error code of err, or its text.
func errorCode(err error) string {
	var ae *gdpr.APIError
	if errors.As(err, &ae) {
		return fmt.Sprintf("%d %s", ae.HTTPStatus, ae.Body.Code)
	}
	return err.Error()
}
