package main

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/dsr"
)

const dsarUsage = `Usage: gdpr dsar [flags] --type export|update|delete IDENTIFIERS

Answers one person's data subject request as the reference document's
worked example does: one subject search per identifier, a review of who
they found (confirmed: correlated with the person's identifiers;
ambiguous: found by a name or an address alone, maybe a namesake), a plan
of one request per confirmed subject, by its id; then it submits the plan
and follows every request to its end.

Identifiers (each may be repeated):
  --name, --email, --phone, --address, --external-id,
  --social TYPE:HANDLE (TWITTER, INSTAGRAM, FACEBOOK, APPLE_MESSAGES),
  --user-id, --external-contact-id, --dialer-contact-id LIST:ID,
  --journey-customer TYPE:ID (a web visitor, e.g. cookie:jc-5521)

A delete asks for confirmation on standard input unless --yes is given,
and never touches an ambiguous subject unless --include names it. Run it
again with the same identifiers (or the same --id) to resume: requests
made before are not made twice. Resuming needs a real server: a --demo
run starts a fresh server and its data every time.

Against the API of --url/--region with credentials from the environment
(GDPR_CLIENT_ID and GDPR_CLIENT_SECRET, or GDPR_TOKEN), or with --demo
against a server started in this process over the demo data.

Flags:
`

// multiFlag is a flag that may be given several times.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// dsarFlags is the command line of gdpr dsar.
type dsarFlags struct {
	api                                           apiFlags
	names, emails, phones, addresses, externalIDs multiFlag
	socials, userIDs, contactIDs, dialerIDs, incl multiFlag
	journeyIDs                                    multiFlag
	typ, out, dir, id, replace, from, to          string
	yes, demo                                     bool
	addr                                          string        // --addr of the --demo server
	poll                                          time.Duration // first interval of dsr.FollowOptions
	reqType                                       gdpr.RequestType
	ids                                           dsr.Identifiers
	replacement                                   []gdpr.ReplacementTerm
}

func (f *dsarFlags) register(fs *flag.FlagSet) {
	f.api.register(fs)
	fs.Var(&f.names, "name", "the person's `name` (repeatable)")
	fs.Var(&f.emails, "email", "an `email` address of the person (repeatable)")
	fs.Var(&f.phones, "phone", "a `phone` number of the person, E.164 or national (repeatable)")
	fs.Var(&f.addresses, "address", "a postal `address` of the person (repeatable)")
	fs.Var(&f.externalIDs, "external-id", "an external `id` of the person (repeatable)")
	fs.Var(&f.socials, "social", "a social handle, `TYPE:HANDLE`, e.g. TWITTER:@kim (repeatable)")
	fs.Var(&f.userIDs, "user-id", "a userId the person gave (repeatable)")
	fs.Var(&f.contactIDs, "external-contact-id", "an externalContactId the person gave (repeatable)")
	fs.Var(&f.dialerIDs, "dialer-contact-id", "a dialerContactId the person gave, `LIST:ID` (repeatable)")
	fs.Var(&f.journeyIDs, "journey-customer", "a journey customer (web visitor) id the person gave, `TYPE:ID`, e.g. cookie:jc-5521 (repeatable)")
	fs.StringVar(&f.typ, "type", "", "export, update or delete (required)")
	fs.BoolVar(&f.yes, "yes", false, "delete without asking for confirmation")
	fs.Var(&f.incl, "include", "also act on the ambiguous subject with this `ID` (repeatable)")
	fs.StringVar(&f.out, "out", "", "write the report as JSON to `FILE`, and each finished request's signed receipt beside it (FILE-receipt-REQUESTID.json)")
	fs.StringVar(&f.dir, "dir", "", "export: download the archives into `DIR`")
	fs.StringVar(&f.id, "id", "", "the DSR id (a ticket number) the requests' idempotency keys derive from (default: derived from the identifiers, keyed with the client secret when there is one)")
	fs.StringVar(&f.replace, "replace", "", "update: the `TYPE` of the value to replace (e.g. EMAIL)")
	fs.StringVar(&f.from, "from", "", "update: the existing value")
	fs.StringVar(&f.to, "to", "", "update: the updated value")
	fs.BoolVar(&f.demo, "demo", false, "run against a server started in this process over the demo data")
	fs.StringVar(&f.addr, "addr", "127.0.0.1:0", "--demo: the address its server listens on (port 0: any free port)")
}

// check validates the parsed flags and fills in the derived fields.
func (f *dsarFlags) check() error {
	switch t := strings.ToUpper(f.typ); t {
	case "EXPORT", "UPDATE", "DELETE":
		f.reqType = gdpr.RequestType("GDPR_" + t)
	case string(gdpr.RequestExport), string(gdpr.RequestUpdate), string(gdpr.RequestDelete):
		f.reqType = gdpr.RequestType(t)
	case "":
		return &usageError{"--type is required: export, update or delete"}
	default:
		return &usageError{fmt.Sprintf("--type %q is not export, update or delete", f.typ)}
	}
	f.ids = dsr.Identifiers{Names: f.names, Emails: f.emails, Phones: f.phones, Addresses: f.addresses,
		ExternalIDs: f.externalIDs, UserIDs: f.userIDs, ExternalContactIDs: f.contactIDs}
	for _, s := range f.socials {
		typ, handle, ok := strings.Cut(s, ":")
		if !ok || handle == "" {
			return &usageError{"--social must be TYPE:HANDLE, e.g. TWITTER:@kim"}
		}
		f.ids.SocialHandles = append(f.ids.SocialHandles, gdpr.SocialHandle{Type: gdpr.Kind(strings.ToUpper(typ)), Value: handle})
	}
	for _, d := range f.dialerIDs {
		list, id, ok := strings.Cut(d, ":")
		if !ok || list == "" || id == "" {
			return &usageError{"--dialer-contact-id must be LIST:ID"}
		}
		f.ids.DialerContactIDs = append(f.ids.DialerContactIDs, gdpr.DialerContactID{ID: id, ContactListID: list})
	}
	for _, j := range f.journeyIDs {
		typ, id, ok := strings.Cut(j, ":")
		if !ok || typ == "" || id == "" {
			return &usageError{"--journey-customer must be TYPE:ID, e.g. cookie:jc-5521"}
		}
		f.ids.JourneyCustomers = append(f.ids.JourneyCustomers, gdpr.JourneyCustomer{Type: typ, ID: id})
	}
	if terms, err := f.ids.Terms(); err != nil {
		return &usageError{strings.TrimPrefix(err.Error(), "dsr: ")}
	} else if len(terms) == 0 {
		return &usageError{"give at least one identifier: --name, --email, --phone, --user-id, ..."}
	}
	hasReplace := f.replace != "" || f.from != "" || f.to != ""
	switch {
	case f.reqType == gdpr.RequestUpdate && (f.replace == "" || f.from == "" || f.to == ""):
		return &usageError{"an update needs --replace TYPE --from OLD --to NEW"}
	case f.reqType != gdpr.RequestUpdate && hasReplace:
		return &usageError{"--replace, --from and --to are for --type update"}
	case f.reqType == gdpr.RequestUpdate:
		f.replacement = []gdpr.ReplacementTerm{{Type: gdpr.Kind(strings.ToUpper(f.replace)), ExistingValue: f.from, UpdatedValue: f.to}}
	}
	if f.dir != "" && f.reqType != gdpr.RequestExport {
		return &usageError{"--dir is for --type export"}
	}
	return nil
}

// cmdDSAR: gdpr dsar [flags]
func cmdDSAR(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return dsarMain(ctx, args, stdin, stdout, stderr, nil)
}

// dsarMain is cmdDSAR; started, when not nil, is told of the in-process
// server of --demo once it runs (tests look at its data afterwards).
func dsarMain(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, started func(*inProcess)) int {
	fs := flag.NewFlagSet("gdpr dsar", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f dsarFlags
	f.register(fs)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), dsarUsage)
		fs.PrintDefaults()
	}
	pos, code, ok := parseFlags(fs, args, stdout)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		fmt.Fprintf(stderr, "gdpr dsar: unexpected arguments %q; identifiers go in flags such as --email (gdpr dsar -h)\n", pos)
		return exitUsage
	}
	if err := f.check(); err != nil {
		fmt.Fprintf(stderr, "gdpr dsar: %v\n", err)
		return 2
	}
	var c *gdpr.Client
	if f.demo {
		srv, stop, err := startInProcess(ctx, f.addr, nil)
		if err != nil {
			fmt.Fprintf(stderr, "gdpr dsar: start the demo server: %v\n", err)
			return 1
		}
		defer stop()
		if started != nil {
			started(srv)
		}
		fmt.Fprintf(stderr, "demo server %s over the demo data, in this process\n", srv.base)
		c, f.poll = srv.client, inProcessPoll
	} else {
		var err error
		if c, err = f.api.client(); err != nil {
			fmt.Fprintf(stderr, "gdpr dsar: %v\n", err)
			return exitUsage
		}
	}
	defer c.CloseIdleConnections()
	if err := runDSAR(ctx, c, &f, stdin, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "gdpr dsar: %s\n", describeAPIErr(err, f.api.url))
		if code := exitCode(ctx, err); code != exitInterrupted {
			return code
		}
		fmt.Fprintf(stderr, "interrupted: the requests already created carry on on the server; run the same command again (or with --id) to follow them\n")
		return exitInterrupted
	}
	return exitOK
}

// errDeclined is the answer "no" to the confirmation of a delete.
var errDeclined = errors.New("not confirmed: nothing was deleted")

// runDSAR takes the four steps of package dsr: resolve the identifiers,
// review and plan (asking before an erasure), submit the plan, follow the
// requests; then it reports.
func runDSAR(ctx context.Context, c *gdpr.Client, f *dsarFlags, stdin io.Reader, stdout, stderr io.Writer) error {
	res, err := dsr.Resolve(ctx, c, f.ids)
	if err != nil {
		return err
	}
	opts := dsr.Options{Include: f.incl, DeleteConfirmed: f.reqType == gdpr.RequestDelete,
		ReplacementTerms: f.replacement, DSRID: f.id}
	if f.api.secret != "" {
		// The same client derives the same id for the same identifiers,
		// so that running again resumes; nobody without the secret can
		// test the id, or the idempotency keys, against guesses.
		opts.DSRKey = []byte(f.api.secret)
	}
	plan, err := res.Plan(f.reqType, opts)
	if err != nil {
		return &usageError{strings.TrimPrefix(err.Error(), "dsr: plan: ")}
	}
	if !f.api.json {
		printResolution(stdout, res, plan)
	}
	if len(plan.Requests) == 0 {
		return errors.New("nothing to do: no subject is confirmed; check the ambiguous ones and --include those that are the person")
	}
	fmt.Fprintf(stderr, "DSR %s: %s for %s (run again with the same identifiers or --id %s to resume)\n",
		plan.DSRID, count(len(plan.Requests), string(f.reqType)+" request"), count(len(plan.Subjects), "subject"), plan.DSRID)
	if f.reqType == gdpr.RequestDelete && !f.yes {
		if !confirm(stdin, stderr, fmt.Sprintf("Erase %d subjects with %d GDPR_DELETE requests (%d ambiguous left alone)? This cannot be undone. [y/N] ",
			len(plan.Subjects), len(plan.Requests), len(res.Candidates)-len(plan.Subjects))) {
			return errDeclined
		}
	}
	// Progress shows from the moment the plan is submitted, so that a
	// server slow to accept the requests is seen waiting on at once.
	p := newLabelProgress(stderr, "DSR "+plan.DSRID,
		fmt.Sprintf("submitting %s, waiting for the server", count(len(plan.Requests), "request")))
	rep, ferr := dsr.Submit(ctx, c, plan)
	if rep == nil {
		p.stop()
		return ferr
	}
	done := 0
	for _, it := range rep.Requests {
		if it.Done() {
			done++
		}
		if it.RequestID != "" || it.Error != "" {
			p.setText(progressLine(dsr.Progress{Request: it, Done: done, Total: len(rep.Requests)}))
		}
	}
	if ctx.Err() == nil {
		// Follow also what was submitted when some requests could not be;
		// its error then counts them among the failures.
		rep, ferr = dsr.Follow(ctx, c, rep, dsr.FollowOptions{PollInterval: f.poll,
			Progress: func(pr dsr.Progress) { p.setText(progressLine(pr)) }})
	}
	p.stop()
	if f.dir != "" {
		if err := downloadAll(ctx, c, rep, f.dir, stderr); err != nil && ferr == nil {
			ferr = err
		}
	}
	if f.out != "" {
		if err := writeReport(f.out, rep); err != nil && ferr == nil {
			ferr = err
		}
		if err := saveReceipts(ctx, c, rep, f.out, stderr); err != nil && ferr == nil {
			ferr = err
		}
	}
	if f.api.json {
		if err := printJSON(stdout, struct {
			Resolution *dsr.Resolution `json:"resolution"`
			Report     *dsr.Report     `json:"report"`
		}{res, rep}); err != nil && ferr == nil {
			ferr = err
		}
	} else {
		printReport(stdout, rep)
	}
	return ferr
}

// progressLine is where a request of a DSR stands, without the person's
// values.
func progressLine(p dsr.Progress) string {
	r := p.Request
	line := fmt.Sprintf("[%d/%d done] %s %s", p.Done, p.Total, r.For(), r.Status)
	if r.RequestID != "" {
		line = fmt.Sprintf("[%d/%d done] request %s for %s: %s", p.Done, p.Total, r.RequestID, r.For(), r.Status)
	}
	if r.Error != "" && r.Status != gdpr.StatusError {
		line += " (" + r.Error + ")"
	}
	return line
}

// confirm asks question on w and reports whether the line read from r is
// yes.
func confirm(r io.Reader, w io.Writer, question string) bool {
	fmt.Fprint(w, question)
	if r == nil {
		fmt.Fprintln(w)
		return false
	}
	line, _ := bufio.NewReader(r).ReadString('\n')
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true
	}
	return false
}

func printResolution(w io.Writer, res *dsr.Resolution, plan *dsr.Plan) {
	fmt.Fprintf(w, "Resolution: %s, %s found\n", count(len(res.Identifiers), "identifier"), count(len(res.Candidates), "subject"))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SUBJECT\tNAME\tMATCHED\tVERDICT")
	for _, cand := range res.Candidates {
		var matched []string
		for _, id := range cand.Matched {
			matched = append(matched, string(id.Kind))
		}
		verdict := strings.ToLower(string(cand.Verdict)) + ": " + cand.Reason
		if cand.Verdict == dsr.Ambiguous {
			if included := contains(plan.Subjects, cand.ID); included {
				verdict += "; included"
			} else {
				verdict += "; left alone"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", cand.ID, cand.Subject.Name, strings.Join(matched, "+"), verdict)
	}
	tw.Flush()
	for _, id := range res.Unmatched {
		fmt.Fprintf(w, "  %s %q found no subject\n", id.Kind, id.Value)
	}
	fmt.Fprintf(w, "\nPlan: %s for %s\n", count(len(plan.Requests), string(plan.Type)+" request"), count(len(plan.Subjects), "subject"))
	for _, q := range plan.Requests {
		if q.Subject != "" {
			fmt.Fprintf(w, "  by %s for %s\n", q.Term.Kind, q.Subject)
		} else {
			fmt.Fprintf(w, "  by %s %q\n", q.Term.Kind, q.Term.Value)
		}
	}
	for _, s := range plan.Skipped {
		if s.Term != nil {
			fmt.Fprintf(w, "  not by %s %q: %s\n", s.Term.Kind, s.Term.Value, s.Reason)
		}
	}
	fmt.Fprintln(w)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func printReport(w io.Writer, rep *dsr.Report) {
	fmt.Fprintf(w, "Report of DSR %s (%s):\n", rep.DSRID, rep.Type)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "REQUEST\tFOR\tSTATUS\tDUE\tFINISHED")
	for _, it := range rep.Requests {
		status := string(it.Status)
		if status == "" {
			status = "NOT CREATED"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", cmp.Or(it.RequestID, "-"), it.For(), status,
			dateText(it.DueDate, "2006-01-02"), dateText(it.FinishedDate, "2006-01-02 15:04:05"))
	}
	tw.Flush()
	for _, it := range rep.Requests {
		fmt.Fprintf(w, "\n%s (%s):\n", cmp.Or(it.RequestID, "not created"), it.For())
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, s := range it.Steps {
			fmt.Fprintf(tw, "  %s\t%s\n", s.Adapter, stepText(s))
		}
		if v := it.Verification; v != nil {
			verdict := "passed"
			if !v.Passed {
				verdict = "FAILED"
			}
			fmt.Fprintf(tw, "  verification\t%s, %s\n", verdict, foundAgainText(v.Retained))
			for _, r := range v.Remaining {
				fmt.Fprintf(tw, "  \t%s still holds %s\n", r.Adapter, records(r.Records))
			}
		}
		if it.Error != "" {
			fmt.Fprintf(tw, "  error\t%s\n", it.Error)
		}
		tw.Flush()
	}
	s := rep.Summary
	fmt.Fprintf(w, "\nSummary: %s, %s: %d completed, %d failed, %d unfinished; %s",
		count(s.Subjects, "subject"), count(s.Requests, "request"), s.Completed, s.Failed, s.Unfinished, records(s.Records))
	for _, part := range []struct {
		n    int
		what string
	}{{s.Exported, "exported"}, {s.Updated, "updated"}, {s.Deleted, "deleted"}, {s.Anonymized, "anonymized"},
		{s.Erased, "erased by a remote service"}} {
		if part.n > 0 {
			fmt.Fprintf(w, ", %d %s", part.n, part.what)
		}
	}
	fmt.Fprintln(w)
	for _, r := range s.Retained {
		fmt.Fprintf(w, "  %s retained: %s\n", records(r.Records), r.Basis)
	}
	if s.Verified+s.VerificationFailed > 0 {
		fmt.Fprintf(w, "  erasure verified for %d of %d requests\n", s.Verified, s.Verified+s.VerificationFailed)
	}
	for _, sk := range rep.Skipped {
		if sk.Subject != "" {
			fmt.Fprintf(w, "  left alone %s: %s\n", sk.Subject, sk.Reason)
		}
	}
}

func dateText(t gdpr.Time, layout string) string {
	if t.IsZero() {
		return "-"
	}
	return t.Format(layout)
}

// writeReport writes the report as JSON to file, readable by its owner
// only: it holds personal data.
func writeReport(file string, rep *dsr.Report) error {
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if err := printJSON(f, rep); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// downloadAll saves the archive of each completed export into dir, as
// DSRID-N-REQUESTID.zip. A DSR or request id that is not a safe file name
// part is refused, nothing is written outside dir, and a file already
// there is kept, not replaced.
func downloadAll(ctx context.Context, c *gdpr.Client, rep *dsr.Report, dir string, stderr io.Writer) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	dsrID, err := safeNamePart("the DSR id", rep.DSRID)
	if err != nil {
		return err
	}
	for i, it := range rep.Requests {
		if it.Status != gdpr.StatusCompleted || (it.ResultsURL == "" && len(it.ResultsURLs) == 0) {
			continue
		}
		reqID, err := safeNamePart("the request id the server returned", it.RequestID)
		if err != nil {
			return err
		}
		name := fmt.Sprintf("%s-%d-%s.zip", dsrID, i+1, reqID)
		n, err := writeNewFile(root, name, func(w io.Writer) (int64, error) { return c.DownloadResults(ctx, it.Request(), w) })
		if errors.Is(err, errFileExists) {
			fmt.Fprintf(stderr, "kept %s: it exists already\n", filepath.Join(dir, name))
			continue
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "wrote %d bytes to %s\n", n, filepath.Join(dir, name))
	}
	return nil
}
