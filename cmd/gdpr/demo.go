package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/processor"
)

// runDemo starts the server in-process on a loopback port over the demo
// data, then plays the reference document's worked example over HTTP, as
// any client of the API would. Server, processor and client log to log
// (nil: nowhere).
func runDemo(ctx context.Context, w io.Writer, log *slog.Logger) error {
	return runDemoAt(ctx, "", w, log)
}

// runDemoAt is runDemo with the server listening on addr ("": a loopback
// port of its choosing).
func runDemoAt(ctx context.Context, addr string, w io.Writer, log *slog.Logger) error {
	srv, stop, err := startInProcess(ctx, addr, log)
	if err != nil {
		return err
	}
	defer stop()
	fmt.Fprintln(w, "Data stores (demo data, in memory):")
	for _, a := range srv.stores {
		fmt.Fprintf(w, "  %-10s %3d people\n", a.Name(), a.Len())
	}
	fmt.Fprintf(w, "Server: %s (in this process, over HTTP from here on)\n", srv.base)
	c, p := srv.client, srv.proc
	d := &demoRun{w: w, c: c, nw: srv.northwind}
	for _, step := range []func(context.Context) error{d.erasure, d.employee, d.export, d.organizations} {
		if err := step(ctx); err != nil {
			return err
		}
	}
	n, err := p.VerifyAudit(gdpr.ContextWithOrganization(ctx, demo.Organization))
	if err != nil {
		return err
	}
	d.say("\n9. Audit log: %d events, hash chain verified.", n)
	return nil
}

type demoRun struct {
	w  io.Writer
	c  *gdpr.Client
	nw *gdpr.Client // a client of Northwind, the demo's other organization
}

func (d *demoRun) say(format string, args ...any) { fmt.Fprintf(d.w, format+"\n", args...) }

// candidate is a subject found by at least one of the person's
// identifiers.
type candidate struct {
	subject gdpr.Subject
	matched []string
}

// erasure is the worked example: search each identifier, keep the
// subjects the person's identifiers correlate, erase each of them.
func (d *demoRun) erasure(ctx context.Context) error {
	name, email := demo.AlexMorgan, demo.AlexMorganSeattleEmail
	d.say("\n1. %s writes in asking to be erased, giving a name and an email:", name)
	d.say("   name %q, email %q", name, email)

	d.say("\n2. One subject search per identifier (GET /api/v2/gdpr/subjects):")
	var cands []*candidate
	byID := map[string]*candidate{}
	for _, q := range []struct {
		label string
		t     gdpr.Kind
		v     string
	}{{"name", gdpr.KindName, name}, {"email", gdpr.KindEmail, email}} {
		found, err := d.c.SearchSubjects(ctx, q.t, q.v)
		if err != nil {
			return err
		}
		d.say("   %-5s matches %d subjects", strings.ToUpper(q.label), len(found))
		for _, s := range found {
			id := subjectID(s)
			if byID[id] == nil {
				byID[id] = &candidate{subject: s}
				cands = append(cands, byID[id])
			}
			byID[id].matched = append(byID[id].matched, q.label)
		}
	}

	d.say("\n3. Review: a subject is this person only if an identifier beyond the shared name matches.")
	width := len("subject")
	for _, c := range cands {
		width = max(width, len(subjectID(c.subject)))
	}
	d.say("   %-*s %-11s %s", width, "subject", "matched by", "verdict")
	var matching []gdpr.Subject
	for _, c := range cands {
		verdict := "ambiguous: a namesake; left alone"
		if len(c.matched) > 1 {
			verdict = "confirmed: erase"
			matching = append(matching, c.subject)
		}
		d.say("   %-*s %-11s %s", width, subjectID(c.subject), strings.Join(c.matched, "+"), verdict)
	}

	d.say("\n4. One confirmed GDPR_DELETE per matching subject, by its id (POST /api/v2/gdpr/requests):")
	var reqs []*gdpr.Request
	for _, s := range matching {
		term := gdpr.Subject{UserID: s.UserID, ExternalContactID: s.ExternalContactID, DialerContactID: s.DialerContactID}
		r, err := d.c.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestDelete, Subject: term, DeleteConfirmed: true})
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
		t gdpr.Kind
		v string
	}{{gdpr.KindName, name}, {gdpr.KindEmail, email}} {
		left, err := d.c.SearchSubjects(ctx, q.t, q.v)
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
	r, err := d.c.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestDelete, DeleteConfirmed: true,
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

// export answers an access request, downloads the archive and shows its
// manifest.
func (d *demoRun) export(ctx context.Context) error {
	d.say("\n7. %s asks for a copy of her data (GDPR_EXPORT), by her email %s:", demo.LenaFischer, demo.LenaFischerEmail)
	r, err := d.c.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestExport,
		Subject: gdpr.Subject{EmailAddresses: []string{demo.LenaFischerEmail}}})
	if err != nil {
		return err
	}
	done, err := d.wait(ctx, r.ID)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	n, err := d.c.DownloadResults(ctx, done, &buf)
	if err != nil {
		return err
	}
	d.say("   downloaded %d bytes from the signed resultsUrl", n)
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		return err
	}
	for _, f := range zr.File {
		if f.Name != "manifest.json" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return err
		}
		var m processor.Manifest
		err = json.NewDecoder(rc).Decode(&m)
		rc.Close()
		if err != nil {
			return err
		}
		d.say("   manifest.json: %d records for request %s", m.Records, m.RequestID)
		for _, a := range m.Adapters {
			d.say("     %-16s %s", a.File, records(a.Records))
		}
	}
	return nil
}

// wait follows a request to its end, printing each status it reaches.
func (d *demoRun) wait(ctx context.Context, id string) (*gdpr.Request, error) {
	var seen []string
	last := gdpr.Status("")
	r, err := d.c.Wait(ctx, id, func(r *gdpr.Request) {
		if r.Status != last {
			last = r.Status
			seen = append(seen, string(r.Status))
		}
	})
	if r != nil && r.Status != last {
		seen = append(seen, string(r.Status))
	}
	d.say("   request %s  %s", id, strings.Join(seen, " → "))
	return r, err
}

// report prints what each data store did for a finished request.
func (d *demoRun) report(r *gdpr.Request) {
	for _, s := range r.Steps {
		line := fmt.Sprintf("     %-10s %s%s", s.Adapter, records(s.Records), outcomeText(s.Outcome))
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
		d.say("     erasure verification %s: %s", verdict, foundAgainText(v.Retained))
	}
}

// subjectID names a subject as gdpr.Subject.Key does: by its first id.
func subjectID(s gdpr.Subject) string {
	if key := s.Key(); !strings.HasPrefix(key, "subject:") {
		return key
	}
	return "subject"
}
