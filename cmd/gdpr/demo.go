package main

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store/memstore"
)

// runDemo plays the reference document's worked example over the demo data:
// a person gives a name and an email and asks for erasure.
func runDemo(ctx context.Context, w io.Writer) error {
	mems, err := demo.Adapters()
	if err != nil {
		return err
	}
	adapters := make([]processor.Adapter, len(mems))
	fmt.Fprintln(w, "Data stores (demo data, in memory):")
	for i, a := range mems {
		adapters[i] = a
		fmt.Fprintf(w, "  %-10s %3d people\n", a.Name(), a.Len())
	}
	p, err := processor.New(memstore.New(), adapters,
		processor.WithPolicy(processor.CurrentEmployees{}),
		processor.WithPoll(10*time.Millisecond))
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go p.Run(ctx)

	d := &demoRun{w: w, p: p}
	steps := []func(context.Context) error{d.erasure, d.employee, d.export, d.audit}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return err
		}
	}
	return nil
}

type demoRun struct {
	w io.Writer
	p *processor.Processor
}

func (d *demoRun) say(format string, args ...any) { fmt.Fprintf(d.w, format+"\n", args...) }

// erasure is the worked example: search each identifier, keep the
// subjects the person's identifiers correlate, erase each of them.
func (d *demoRun) erasure(ctx context.Context) error {
	name, email := demo.AlexMorgan, demo.AlexMorganSeattleEmail
	d.say("\n1. %s writes in asking to be erased, giving a name and an email:", name)
	d.say("   name %q, email %q", name, email)

	d.say("\n2. One subject search per identifier:")
	byName, err := d.p.SearchSubjects(ctx, gdpr.SearchName, name)
	if err != nil {
		return err
	}
	byEmail, err := d.p.SearchSubjects(ctx, gdpr.SearchEmail, email)
	if err != nil {
		return err
	}
	d.say("   NAME  matches %d subjects", len(byName))
	d.say("   EMAIL matches %d subjects", len(byEmail))

	d.say("\n3. Review: keep only subjects an identifier the person gave correlates.")
	emailIDs := map[string]bool{}
	for _, s := range byEmail {
		emailIDs[subjectID(s)] = true
	}
	var matching []gdpr.Subject
	for _, s := range byName {
		verdict := "namesake: matches the name only, left alone"
		if emailIDs[subjectID(s)] {
			verdict = "matches name and email: erase"
			matching = append(matching, s)
		}
		d.say("   %-38s %-28s %s", subjectID(s), strings.Join(s.EmailAddresses, ","), verdict)
	}

	d.say("\n4. One confirmed GDPR_DELETE per matching subject, by its id:")
	var reqs []*gdpr.Request
	for _, s := range matching {
		term := gdpr.Subject{UserID: s.UserID, ExternalContactID: s.ExternalContactID, DialerContactID: s.DialerContactID}
		r, err := d.p.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestDelete, Subject: term, DeleteConfirmed: true})
		if err != nil {
			return err
		}
		d.say("   request %s  %s, due %s", r.ID, r.Status, r.DueDate.Format("2006-01-02"))
		reqs = append(reqs, r)
	}
	for _, r := range reqs {
		done, err := d.wait(ctx, r.ID)
		if err != nil {
			return err
		}
		d.report(done)
	}

	d.say("\n5. Search each identifier again:")
	for _, q := range []struct {
		t gdpr.SearchType
		v string
	}{{gdpr.SearchName, name}, {gdpr.SearchEmail, email}} {
		left, err := d.p.SearchSubjects(ctx, q.t, q.v)
		if err != nil {
			return err
		}
		var what []string
		for _, s := range left {
			what = append(what, subjectID(s)+" "+strings.Join(s.EmailAddresses, ","))
		}
		if len(what) == 0 {
			what = []string{"nothing"}
		}
		d.say("   %-5s finds %s", q.t, strings.Join(what, "; "))
	}
	d.say("   (the namesake, who never asked, is untouched)")
	return nil
}

// employee erases a current employee: the work identity is retained.
func (d *demoRun) employee(ctx context.Context) error {
	d.say("\n6. %s, a current employee and also a customer, asks for erasure by email:", demo.SamRivera)
	r, err := d.p.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestDelete, DeleteConfirmed: true,
		Subject: gdpr.Subject{EmailAddresses: []string{demo.SamRiveraEmail}}})
	if err != nil {
		return err
	}
	done, err := d.wait(ctx, r.ID)
	if err != nil {
		return err
	}
	d.report(done)
	return nil
}

// export answers an access request and lists the archive.
func (d *demoRun) export(ctx context.Context) error {
	d.say("\n7. %s asks for a copy of her data (GDPR_EXPORT), by her email %s:", demo.LenaFischer, demo.LenaFischerEmail)
	r, err := d.p.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestExport,
		Subject: gdpr.Subject{EmailAddresses: []string{demo.LenaFischerEmail}}})
	if err != nil {
		return err
	}
	done, err := d.wait(ctx, r.ID)
	if err != nil {
		return err
	}
	d.say("   request %s  %s  resultsUrl %s", done.ID, done.Status, done.ResultsURL)
	rc, err := d.p.OpenResults(ctx, r.ID)
	if err != nil {
		return err
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		return err
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return err
	}
	for _, f := range zr.File {
		d.say("   %-16s %6d bytes", f.Name, f.UncompressedSize64)
	}
	return nil
}

// audit verifies the hash chain of every change made above.
func (d *demoRun) audit(ctx context.Context) error {
	n, err := d.p.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	d.say("\n8. Audit log: %d events, hash chain verified.", n)
	return nil
}

// wait polls the request until it is final.
func (d *demoRun) wait(ctx context.Context, id string) (*gdpr.Request, error) {
	t := time.NewTicker(5 * time.Millisecond)
	defer t.Stop()
	for {
		r, err := d.p.GetRequest(ctx, id)
		if err != nil {
			return nil, err
		}
		if r.Status.Done() {
			return r, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

// report prints what each data store did for a finished request.
func (d *demoRun) report(r *gdpr.Request) {
	d.say("   request %s  %s", r.ID, r.Status)
	for _, s := range r.Steps {
		line := fmt.Sprintf("     %-10s %s", s.Adapter, records(s.Records))
		if o := s.Outcome; o != nil {
			for _, part := range []struct {
				n    int
				what string
			}{{o.Deleted, "deleted"}, {o.Anonymized, "anonymized"}, {o.Exported, "exported"}} {
				if part.n > 0 {
					line += fmt.Sprintf(", %d %s", part.n, part.what)
				}
			}
			for _, ret := range o.Retained {
				line += fmt.Sprintf(", %d retained (%s)", ret.Records, ret.Basis)
			}
		}
		if s.Error != "" {
			line += ": " + s.Error
		}
		d.say("%s", line)
	}
	if v := r.Verification; v != nil {
		verdict := "passed"
		if !v.Passed {
			verdict = "FAILED"
		}
		d.say("     erasure verification %s: %s found again, all retained by policy", verdict, records(v.Retained))
	}
}

func records(n int) string {
	if n == 1 {
		return "1 record"
	}
	return fmt.Sprintf("%d records", n)
}

// subjectID names a subject by its first id.
func subjectID(s gdpr.Subject) string {
	switch {
	case s.UserID != "":
		return "userId " + s.UserID
	case s.ExternalContactID != "":
		return "externalContactId " + s.ExternalContactID
	case s.DialerContactID != nil:
		return "dialerContactId " + s.DialerContactID.ID
	}
	return "subject"
}
