package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/gdprkit/gdpr"
)

// apiFlags are the connection flags every client subcommand takes.
type apiFlags struct {
	url, region, clientID, secret, token string
	json                                 bool
}

func (a *apiFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&a.url, "url", env("GDPR_API_URL", ""), "API base URL, e.g. http://127.0.0.1:8080 (GDPR_API_URL)")
	fs.StringVar(&a.region, "region", env("GDPR_API_REGION", ""), "hosted API region, e.g. eu-west-1, instead of --url (GDPR_API_REGION)")
	fs.StringVar(&a.clientID, "client-id", env("GDPR_CLIENT_ID", ""), "OAuth client id (GDPR_CLIENT_ID)")
	// The secret and the token are read from the environment after
	// parsing (fromEnv), so that no usage ever shows them as defaults.
	fs.StringVar(&a.secret, "client-secret", "", "OAuth client secret (GDPR_CLIENT_SECRET; prefer the variable to the flag"+setNote("GDPR_CLIENT_SECRET")+")")
	fs.StringVar(&a.token, "token", "", "bearer token, instead of client credentials (GDPR_TOKEN"+setNote("GDPR_TOKEN")+")")
	fs.BoolVar(&a.json, "json", false, "print JSON for scripts instead of tables")
}

// fromEnv fills the secret and the token from the environment when no
// flag gave them.
func (a *apiFlags) fromEnv() {
	if a.secret == "" {
		a.secret = os.Getenv("GDPR_CLIENT_SECRET")
	}
	if a.token == "" {
		a.token = os.Getenv("GDPR_TOKEN")
	}
}

// client builds the client of the flags. Its errors are usage errors,
// one line each, naming the flag and the variable to set.
func (a *apiFlags) client() (*gdpr.Client, error) {
	a.fromEnv()
	var opts []gdpr.Option
	switch {
	case a.url != "" && a.region != "":
		return nil, &usageError{"give --url or --region, not both (check GDPR_API_URL and GDPR_API_REGION)"}
	case a.url != "":
		if err := checkAPIURL(a.url); err != nil {
			return nil, err
		}
		opts = append(opts, gdpr.WithBaseURL(a.url))
	case a.region != "":
		opts = append(opts, gdpr.WithRegion(a.region))
	default:
		return nil, &usageError{"no API given: set --url (GDPR_API_URL) or --region (GDPR_API_REGION)"}
	}
	switch {
	case a.token != "":
		opts = append(opts, gdpr.WithToken(a.token))
	case a.clientID != "" && a.secret != "":
		opts = append(opts, gdpr.WithClientCredentials(a.clientID, a.secret))
	default:
		return nil, &usageError{"no credentials: set GDPR_CLIENT_ID and GDPR_CLIENT_SECRET, or GDPR_TOKEN"}
	}
	c, err := gdpr.New(opts...)
	if err != nil {
		return nil, &usageError{strings.TrimPrefix(err.Error(), "gdpr: ")}
	}
	return c, nil
}

// clientCommand parses a subcommand's flags and runs it with a client.
func clientCommand(ctx context.Context, name string, args []string, stdout, stderr io.Writer,
	define func(fs *flag.FlagSet), nargs int, argsUsage string,
	body func(ctx context.Context, c *gdpr.Client, a *apiFlags, args []string) error) int {
	fs := flag.NewFlagSet("gdpr "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var a apiFlags
	a.register(fs)
	if define != nil {
		define(fs)
	}
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: gdpr %s [flags] %s\n", name, argsUsage)
		fs.PrintDefaults()
	}
	pos, code, ok := parseFlags(fs, args, stdout)
	if !ok {
		return code
	}
	if len(pos) != nargs {
		fmt.Fprintf(stderr, "gdpr %s: %s\n", name, argCountText(name, argsUsage, nargs, pos))
		return exitUsage
	}
	c, err := a.client()
	if err != nil {
		fmt.Fprintf(stderr, "gdpr %s: %v\n", name, err)
		return exitUsage
	}
	defer c.CloseIdleConnections()
	if err := body(ctx, c, &a, pos); err != nil {
		fmt.Fprintf(stderr, "gdpr %s: %s\n", name, describeAPIErr(err, a.url))
		return exitCode(ctx, err)
	}
	return exitOK
}

// usageError is a mistake in the command line found after parsing.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// describeErr says what failed and, for API errors, the code and the
// correlation id to quote.
func describeErr(err error) string {
	var ae *gdpr.APIError
	if errors.As(err, &ae) {
		s := fmt.Sprintf("%d %s: %s", ae.Status(), ae.Code(), commandWords(ae.Body.Message))
		if f := ae.Field(); f != "" {
			s += " (field " + f + ")"
		}
		if ae.CorrelationID != "" {
			s += " [correlation id " + ae.CorrelationID + "]"
		}
		return s
	}
	return err.Error()
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// cmdSubjects: gdpr subjects --type EMAIL VALUE
func cmdSubjects(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var typ string
	return clientCommand(ctx, "subjects", args, stdout, stderr,
		func(fs *flag.FlagSet) {
			fs.StringVar(&typ, "type", "", "search type: NAME, ADDRESS, PHONE, EMAIL, TWITTER, INSTAGRAM, FACEBOOK, APPLE_MESSAGES, EXTERNAL_ID")
		}, 1, "--type TYPE VALUE",
		func(ctx context.Context, c *gdpr.Client, a *apiFlags, args []string) error {
			subjects, err := c.SearchSubjects(ctx, gdpr.Kind(strings.ToUpper(typ)), args[0])
			if err != nil {
				return err
			}
			if a.json {
				return printJSON(stdout, subjects)
			}
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tEMAILS\tPHONES")
			for _, s := range subjects {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", subjectID(s), s.Name, strings.Join(s.EmailAddresses, ","), strings.Join(s.PhoneNumbers, ","))
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			fmt.Fprintln(stdout, count(len(subjects), "subject"))
			return nil
		})
}

// termFlag parses --term KIND=VALUE into a request subject.
func parseTerm(term string) (gdpr.Subject, error) {
	kind, value, ok := strings.Cut(term, "=")
	if !ok || value == "" {
		return gdpr.Subject{}, &usageError{"--term must be KIND=VALUE, e.g. EMAIL=jane@example.com"}
	}
	var s gdpr.Subject
	switch k := strings.ToUpper(kind); k {
	case "NAME":
		s.Name = value
	case "EMAIL":
		s.EmailAddresses = []string{value}
	case "PHONE":
		s.PhoneNumbers = []string{value}
	case "ADDRESS":
		s.Addresses = []string{value}
	case "EXTERNAL_ID":
		s.ExternalID = value
	case "USER_ID":
		s.UserID = value
	case "EXTERNAL_CONTACT_ID":
		s.ExternalContactID = value
	case "DIALER_CONTACT_ID":
		list, id, ok := strings.Cut(value, ":")
		if !ok {
			return s, &usageError{"--term DIALER_CONTACT_ID=CONTACTLIST:ID"}
		}
		s.DialerContactID = &gdpr.DialerContactID{ID: id, ContactListID: list}
	case "JOURNEY_CUSTOMER":
		typ, id, ok := strings.Cut(value, ":")
		if !ok {
			return s, &usageError{"--term JOURNEY_CUSTOMER=TYPE:ID, e.g. cookie:abc"}
		}
		s.JourneyCustomer = &gdpr.JourneyCustomer{Type: typ, ID: id}
	case "TWITTER", "INSTAGRAM", "FACEBOOK", "APPLE_MESSAGES":
		s.SocialHandle = &gdpr.SocialHandle{Type: gdpr.Kind(k), Value: value}
	default:
		return s, &usageError{fmt.Sprintf("--term kind %q is not known; use NAME, EMAIL, PHONE, ADDRESS, EXTERNAL_ID, USER_ID, EXTERNAL_CONTACT_ID, DIALER_CONTACT_ID, JOURNEY_CUSTOMER or a social type", kind)}
	}
	return s, nil
}

// cmdRequest: gdpr request create|get|list|wait
func cmdRequest(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || wantsHelp(args[:1]) || args[0] == "help" {
		return subUsage(args, stdout, stderr, requestUsage)
	}
	switch args[0] {
	case "create":
		var typ, term, name, key, replace, from, to string
		var confirmed, wait bool
		return clientCommand(ctx, "request create", args[1:], stdout, stderr, func(fs *flag.FlagSet) {
			fs.StringVar(&typ, "type", "", "GDPR_EXPORT, GDPR_UPDATE or GDPR_DELETE")
			fs.StringVar(&term, "term", "", "the one search term, KIND=VALUE (e.g. EMAIL=jane@example.com, USER_ID=...)")
			fs.StringVar(&name, "name", "", "a label for the request")
			fs.BoolVar(&confirmed, "delete-confirmed", false, "confirm a GDPR_DELETE after checking 'gdpr subjects'")
			fs.StringVar(&replace, "replace", "", "GDPR_UPDATE: the type of the value to replace (e.g. EMAIL)")
			fs.StringVar(&from, "from", "", "GDPR_UPDATE: the existing value")
			fs.StringVar(&to, "to", "", "GDPR_UPDATE: the updated value")
			fs.StringVar(&key, "idempotency-key", "", "makes a repeat of this command return the same request")
			fs.BoolVar(&wait, "wait", false, "wait until the request is COMPLETED or ERROR")
		}, 0, "--type TYPE --term KIND=VALUE", func(ctx context.Context, c *gdpr.Client, a *apiFlags, _ []string) error {
			subject, err := parseTerm(term)
			if err != nil {
				return err
			}
			spec := gdpr.RequestSpec{Name: name, Type: gdpr.RequestType(strings.ToUpper(typ)), Subject: subject,
				DeleteConfirmed: confirmed, IdempotencyKey: key}
			if replace != "" || from != "" || to != "" {
				spec.ReplacementTerms = []gdpr.ReplacementTerm{{Type: gdpr.Kind(strings.ToUpper(replace)), ExistingValue: from, UpdatedValue: to}}
			}
			if wait {
				return createAndFollow(ctx, c, spec, stdout, stderr, a.json)
			}
			r, err := c.CreateRequest(ctx, spec)
			if err != nil {
				return err
			}
			return printRequest(stdout, r, a.json)
		})
	case "get":
		return clientCommand(ctx, "request get", args[1:], stdout, stderr, nil, 1, "ID",
			func(ctx context.Context, c *gdpr.Client, a *apiFlags, args []string) error {
				r, err := c.GetRequest(ctx, args[0])
				if err != nil {
					return err
				}
				return printRequest(stdout, r, a.json)
			})
	case "wait":
		return clientCommand(ctx, "request wait", args[1:], stdout, stderr, nil, 1, "ID",
			func(ctx context.Context, c *gdpr.Client, a *apiFlags, args []string) error {
				return followRequest(ctx, c, args[0], stdout, stderr, a.json)
			})
	case "retry":
		var wait bool
		return clientCommand(ctx, "request retry", args[1:], stdout, stderr, func(fs *flag.FlagSet) {
			fs.BoolVar(&wait, "wait", false, "wait until the request is COMPLETED or ERROR again")
		}, 1, "ID", func(ctx context.Context, c *gdpr.Client, a *apiFlags, args []string) error {
			r, err := c.RetryRequest(ctx, args[0])
			if err != nil {
				return err
			}
			if wait {
				fmt.Fprintf(stderr, "retrying request %s (%s)\n", r.ID, r.Status)
				return followRequest(ctx, c, r.ID, stdout, stderr, a.json)
			}
			return printRequest(stdout, r, a.json)
		})
	case "list":
		var size, page int
		return clientCommand(ctx, "request list", args[1:], stdout, stderr, func(fs *flag.FlagSet) {
			fs.IntVar(&size, "page-size", 25, "requests per page")
			fs.IntVar(&page, "page", 1, "page number")
		}, 0, "", func(ctx context.Context, c *gdpr.Client, a *apiFlags, _ []string) error {
			l, err := c.ListRequests(ctx, gdpr.ListOptions{PageSize: size, PageNumber: page})
			if err != nil {
				return err
			}
			if a.json {
				return printJSON(stdout, l)
			}
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tTYPE\tSTATUS\tCREATED\tDUE")
			for _, r := range l.Entities {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.RequestType, r.Status, r.CreatedDate.Format("2006-01-02 15:04"), dueText(&r))
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "page %d of %d, %d requests\n", l.PageNumber, max(l.PageCount, 1), l.Total)
			return nil
		})
	}
	fmt.Fprintf(stderr, "gdpr request: unknown subcommand %q; use create, get, list, wait or retry (gdpr request -h)\n", args[0])
	return exitUsage
}

func dueText(r *gdpr.Request) string {
	if r.DueDate.IsZero() {
		return "-"
	}
	return r.DueDate.Format("2006-01-02")
}

func printRequest(w io.Writer, r *gdpr.Request, asJSON bool) error {
	if asJSON {
		return printJSON(w, r)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "id\t%s\n", r.ID)
	fmt.Fprintf(tw, "type\t%s\n", r.RequestType)
	fmt.Fprintf(tw, "status\t%s\n", r.Status)
	fmt.Fprintf(tw, "created\t%s\n", r.CreatedDate)
	fmt.Fprintf(tw, "due\t%s\n", dueText(r))
	if r.ResultsURL != "" {
		fmt.Fprintf(tw, "results\tgdpr results download %s\n", r.ID)
	}
	for _, s := range r.Steps {
		line := stepText(s)
		fmt.Fprintf(tw, "step %s\t%s\n", s.Adapter, line)
	}
	if v := r.Verification; v != nil {
		fmt.Fprintf(tw, "verification\tpassed=%v, %d retained\n", v.Passed, v.Retained)
	}
	return tw.Flush()
}

// cmdResults: gdpr results download ID [-o FILE]
func cmdResults(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "download" {
		return subUsage(args, stdout, stderr, "Usage: gdpr results download [flags] ID\n  save a completed export's zip archive (gdpr results download -h for flags)\n")
	}
	var out string
	return clientCommand(ctx, "results download", args[1:], stdout, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "o", "", "file to write the zip to (default gdpr-export-ID.zip; - for standard output)")
	}, 1, "ID", func(ctx context.Context, c *gdpr.Client, a *apiFlags, args []string) error {
		r, err := c.GetRequest(ctx, args[0])
		if err != nil {
			return err
		}
		if out == "" {
			id, err := safeNamePart("the request id the server returned", r.ID)
			if err != nil {
				return err
			}
			out = "gdpr-export-" + id + ".zip"
		}
		var w io.Writer = stdout
		if out != "-" {
			f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
			if err != nil {
				return err
			}
			defer f.Close()
			w = f
		}
		n, err := c.DownloadResults(ctx, r, w)
		if err != nil {
			if out != "-" {
				os.Remove(out)
			}
			return err
		}
		if out != "-" {
			fmt.Fprintf(stderr, "wrote %d bytes to %s\n", n, out)
		}
		return nil
	})
}
