package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/server"
	"github.com/gdprkit/gdpr/store/memstore"
)

// cmdInventory: gdpr inventory [--demo | --data F | --adapters F | --url U] [--json | --markdown]
//
// In-process it builds the adapters as gdpr serve does and asks the
// processor; with --url (or --region) it GETs /api/v2/gdpr/inventory from
// a running server through the client's HTTP stack (auth, throttling,
// retries), which needs a client of scope gdpr.
func cmdInventory(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gdpr inventory", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var a apiFlags
	a.register(fs)
	c := &serveConfig{}
	fs.StringVar(&c.data, "data", env("GDPR_DATA", ""), "in-process: comma-separated data set JSON files, as gdpr serve (GDPR_DATA)")
	fs.StringVar(&c.sqlAdapters, "adapters", env("GDPR_ADAPTERS", ""), "in-process: SQL adapters config file, as gdpr serve (GDPR_ADAPTERS)")
	fs.BoolVar(&c.demoData, "demo", env("GDPR_DEMO", "") == "true", "in-process: the demo data set (GDPR_DEMO=true)")
	fs.StringVar(&c.region, "phone-region", env("GDPR_REGION", ""), "in-process: region of phone numbers without a country code, e.g. GB (GDPR_REGION)")
	markdown := fs.Bool("markdown", false, "print Markdown: a starting point for the Art. 30 record of processing")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: gdpr inventory [--demo | --data FILES | --adapters FILE | --url URL] [--json | --markdown]")
		fmt.Fprintln(fs.Output(), "Lists every adapter: term kinds searched, record kinds and fields, erase behaviour, retention.")
		fs.PrintDefaults()
	}
	pos, code, ok := parseFlags(fs, args, stdout)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		fmt.Fprintf(stderr, "gdpr inventory: unexpected arguments %q (gdpr inventory -h)\n", pos)
		return exitUsage
	}
	if a.json && *markdown {
		fmt.Fprintln(stderr, "gdpr inventory: give --json or --markdown, not both")
		return 2
	}
	local := c.demoData || c.data != "" || c.sqlAdapters != ""
	explicit := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { explicit[f.Name] = true })
	if local && (explicit["url"] || explicit["region"]) {
		fmt.Fprintln(stderr, "gdpr inventory: give in-process data (--demo, --data, --adapters) or a server (--url, --region), not both")
		return 2
	}
	var (
		inv processor.Inventory
		err error
	)
	if local {
		inv, err = localInventory(ctx, c)
	} else {
		inv, err = remoteInventory(ctx, &a)
	}
	if err != nil {
		var usage *usageError
		if errors.As(err, &usage) && strings.HasPrefix(usage.msg, "no API given") {
			err = &usageError{"nothing to list: give --demo, --data FILES or --adapters FILE to list adapters in this process, or --url (GDPR_API_URL) or --region for a server's"}
		}
		fmt.Fprintf(stderr, "gdpr inventory: %s\n", describeAPIErr(err, a.url))
		return exitCode(ctx, err)
	}
	switch {
	case a.json:
		err = printJSON(stdout, inv)
	case *markdown:
		err = printInventoryMarkdown(stdout, inv)
	default:
		err = printInventory(stdout, inv)
	}
	if err != nil {
		fmt.Fprintf(stderr, "gdpr inventory: %v\n", err)
		return 1
	}
	return 0
}

// localInventory builds the adapters of c and a processor over them, with
// gdpr serve's retention policy, and returns its inventory.
//
// It writes nothing: the adapters of --adapters are opened read-only
// (SQLite databases read-only, never created; no operations table).
func localInventory(ctx context.Context, c *serveConfig) (processor.Inventory, error) {
	ro := *c
	ro.readOnly = true
	adapters, place, closeAdapters, err := loadAdapters(ctx, &ro, slog.New(slog.DiscardHandler))
	if err != nil {
		return processor.Inventory{}, err
	}
	if c.demoData {
		place = demoPlacement(place, nil)
	}
	defer closeAdapters()
	p, err := processor.New(memstore.New(), adapters,
		processor.WithPolicy(processor.CurrentEmployees{}), processor.WithPhoneRegion(c.region))
	if err != nil {
		return processor.Inventory{}, err
	}
	inv, err := p.Inventory(ctx)
	if err != nil {
		return processor.Inventory{}, err
	}
	for i := range inv.Adapters {
		inv.Adapters[i].Tenancy = place(inv.Adapters[i].Adapter).Describe(adapters[i])
	}
	return inv, nil
}

// remoteInventory GETs the inventory from a server. The gdpr.Client has
// no inventory method (package gdpr does not depend on the processor's
// types), so this reuses its download path: an authenticated GET of a
// URL under the base URL, with the client's retries and throttling.
func remoteInventory(ctx context.Context, a *apiFlags) (processor.Inventory, error) {
	c, err := a.client()
	if err != nil {
		return processor.Inventory{}, err
	}
	defer c.CloseIdleConnections()
	var buf bytes.Buffer
	req := &gdpr.Request{ID: "inventory", ResultsURL: strings.TrimSuffix(c.BaseURL(), "/") + server.InventoryPath}
	if _, err := c.DownloadResults(ctx, req, &limitWriter{w: &buf, n: 16 << 20}); err != nil {
		return processor.Inventory{}, err
	}
	var inv processor.Inventory
	if err := json.Unmarshal(buf.Bytes(), &inv); err != nil {
		return processor.Inventory{}, fmt.Errorf("decode the inventory: %w", err)
	}
	return inv, nil
}

// limitWriter fails once more than n bytes are written.
type limitWriter struct {
	w io.Writer
	n int64
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > l.n {
		return 0, errors.New("the inventory is larger than 16 MiB")
	}
	l.n -= int64(len(p))
	return l.w.Write(p)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func kindsText(ks []gdpr.Kind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return dash(strings.Join(s, ","))
}

// recordNote says how records of rk are reached, and any remark.
func recordNote(rk adapter.RecordKind) string {
	var parts []string
	switch {
	case !rk.Reachable:
		parts = append(parts, "UNREACHABLE")
	case rk.Subject:
		parts = append(parts, "found by terms")
	case len(rk.LinkedTo) > 0:
		parts = append(parts, "via "+strings.Join(rk.LinkedTo, ","))
	}
	if rk.Retention != "" {
		parts = append(parts, "retention policy applies")
	}
	return dash(strings.Join(parts, "; "))
}

func printInventory(w io.Writer, inv processor.Inventory) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ADAPTER\tTENANCY\tSTORE\tRECORD KIND\tSOURCE\tTERMS\tERASE\tREACHED\tFIELDS")
	for _, a := range inv.Adapters {
		if !a.Described {
			fmt.Fprintf(tw, "%s\t%s\t-\t(%s)\t-\t-\t-\t-\t-\n", a.Adapter, dash(a.Tenancy), dash(a.Note))
			continue
		}
		if len(a.Records) == 0 {
			fmt.Fprintf(tw, "%s\t%s\t%s\t(no records)\t-\t%s\t-\t-\t-\n", a.Adapter, dash(a.Tenancy), dash(a.Store), kindsText(a.Terms))
		}
		for _, rk := range a.Records {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", a.Adapter, dash(a.Tenancy), dash(a.Store), rk.Kind, dash(rk.Source),
				kindsText(rk.Terms), rk.Erase, recordNote(rk), dash(strings.Join(rk.Fields, ",")))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "retention: %s\n", inv.Retention)
	return err
}

// mdCell escapes a Markdown table cell.
func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(dash(s))
}

func printInventoryMarkdown(w io.Writer, inv processor.Inventory) error {
	var b strings.Builder
	b.WriteString("# Record of processing activities (GDPR Art. 30) — data inventory\n\n")
	fmt.Fprintf(&b, "Generated by `gdpr inventory` on %s. The sections marked TODO are for the controller to complete.\n\n",
		inv.Generated.UTC().Format(time.DateOnly))
	b.WriteString("- **Controller and DPO contact details:** TODO\n")
	b.WriteString("- **Purposes of the processing:** TODO\n")
	b.WriteString("- **Recipients and transfers to third countries:** TODO\n")
	b.WriteString("- **Time limits for erasure:** TODO\n")
	b.WriteString("- **Technical and organisational security measures:** TODO\n")
	fmt.Fprintf(&b, "- **Retention on erasure requests:** %s\n", inv.Retention)
	for _, a := range inv.Adapters {
		fmt.Fprintf(&b, "\n## %s\n\n", a.Adapter)
		if !a.Described {
			fmt.Fprintf(&b, "_%s: list its categories of personal data by hand._\n", dash(a.Note))
			continue
		}
		fmt.Fprintf(&b, "Store: %s. Searchable by: %s. Organizations: %s.\n\n", dash(a.Store), kindsText(a.Terms), dash(a.Tenancy))
		b.WriteString("| Record kind | Source | Found by | Erasure | Retention | Categories of personal data (fields) |\n")
		b.WriteString("|---|---|---|---|---|---|\n")
		for _, rk := range a.Records {
			found := kindsText(rk.Terms)
			if !rk.Subject {
				found = recordNote(rk)
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", mdCell(rk.Kind), mdCell(rk.Source), mdCell(found),
				mdCell(rk.Erase), mdCell(rk.Retention), mdCell(strings.Join(rk.Fields, ", ")))
		}
		for _, rk := range a.Records {
			if !rk.Reachable {
				fmt.Fprintf(&b, "\n**Warning:** %s (%s) — %s\n", rk.Kind, rk.Source, dash(rk.Note))
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
