package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/gdprkit/gdpr/internal/adapterconfig"
	"github.com/gdprkit/gdpr/internal/sqlscan"
)

// cmdScan: gdpr scan --adapters FILE [--rows N] [--names] [--json]
//
// It samples, read-only, the text columns of every SQL database of the
// adapter configuration that the data maps do not cover, and reports
// what looks like personal data with masked examples and suggested map
// entries, and the mapped tables no term can reach. It never writes:
// SQLite databases are opened read-only, never created. Exit code 0 when
// nothing was found, 3 when personal data was (so that CI can fail on
// it), 1 on error (a mapped table missing included), 2 on a usage
// mistake.
func cmdScan(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gdpr scan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opts sqlscan.Options
	path := fs.String("adapters", env("GDPR_ADAPTERS", ""), "SQL adapters config file, as gdpr serve (GDPR_ADAPTERS); required")
	fs.IntVar(&opts.Rows, "rows", sqlscan.DefaultRows, "most rows sampled per column")
	fs.DurationVar(&opts.Timeout, "timeout", sqlscan.DefaultTimeout, "limit of each statement")
	fs.StringVar(&opts.Region, "phone-region", env("GDPR_REGION", ""), "region of phone numbers without a country code, e.g. GB; default the map's (GDPR_REGION)")
	fs.BoolVar(&opts.Names, "names", false, "also look for the full names of the subjects in the mapped subject tables")
	fs.StringVar(&opts.Organization, "org", "", "sample only this organization's rows of tenant-scoped tables (by their tenant columns); unmapped tables are skipped")
	asJSON := fs.Bool("json", false, "print JSON for scripts instead of tables")
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintln(w, "Usage: gdpr scan --adapters FILE [--rows N] [--names] [--json]")
		fmt.Fprintln(w, "Samples, read-only, the text columns the data maps do not cover and reports what looks like personal data.")
		fmt.Fprintln(w, "It never writes: SQLite databases are opened read-only, and a missing one is an error.")
		fmt.Fprintln(w, "Exit status 3 when personal data was found, 1 when the scan could not be done (such as a mapped table missing).")
		fs.PrintDefaults()
	}
	pos, code, ok := parseFlags(fs, args, stdout)
	if !ok {
		return code
	}
	if len(pos) > 0 || *path == "" {
		fmt.Fprintln(stderr, "gdpr scan: give the adapters file with --adapters FILE (or GDPR_ADAPTERS), and no arguments")
		return exitUsage
	}
	if opts.Rows < 1 || opts.Timeout < time.Millisecond {
		fmt.Fprintln(stderr, "gdpr scan: --rows must be 1 or more and --timeout 1ms or more")
		return 2
	}
	reps, err := scanFile(ctx, *path, opts)
	if err != nil {
		fmt.Fprintf(stderr, "gdpr scan: %v\n", err)
		return 1
	}
	if *asJSON {
		err = printJSON(stdout, reps)
	} else {
		err = printScan(stdout, reps)
	}
	if err != nil {
		fmt.Fprintf(stderr, "gdpr scan: %v\n", err)
		return 1
	}
	for _, r := range reps {
		if len(r.Missing) > 0 {
			fmt.Fprintf(stderr, "gdpr scan: adapter %s maps tables the database does not have (%s); fix the data map or the dsn, then scan again\n", r.Adapter, strings.Join(r.Missing, ", "))
			return exitFailed
		}
	}
	for _, r := range reps {
		if len(r.Findings) > 0 || len(r.Unreachable) > 0 {
			return exitFound
		}
	}
	return exitOK
}

// scanFile scans the database of every SQL adapter of the adapters file
// at path with sqlscan.Scan. It opens each database itself, does not
// open adapters (so it creates no operations table) and closes what it
// opened. Remote adapters are not scanned. Errors name the adapter, never
// a DSN.
func scanFile(ctx context.Context, path string, opts sqlscan.Options) ([]*sqlscan.Report, error) {
	c, err := adapterconfig.Read(path)
	if err != nil {
		return nil, err
	}
	var out []*sqlscan.Report
	for i, s := range c.SQL {
		r, err := scanOne(ctx, c.Dir, s, opts)
		if err != nil {
			return out, fmt.Errorf("%s: adapter %d (%q): %w", path, i, s.Name, err)
		}
		out = append(out, r)
	}
	return out, nil
}

func scanOne(ctx context.Context, dir string, s adapterconfig.SQL, opts sqlscan.Options) (*sqlscan.Report, error) {
	db, m, err := s.ConnectReadOnly(dir)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if opts.Region == "" {
		opts.Region = s.Region
	}
	r, err := sqlscan.Scan(ctx, db, s.Dialect, m, opts)
	if r != nil {
		r.Adapter = s.Name
	}
	return r, err
}

func printScan(w io.Writer, reps []*sqlscan.Report) error {
	for i, r := range reps {
		if i > 0 {
			fmt.Fprintln(w)
		}
		where := string(r.Dialect)
		if r.Schema != "" {
			where += " schema " + r.Schema
		}
		fmt.Fprintf(w, "adapter %s (%s): %d tables, %d unmapped text columns sampled, up to %d rows each", r.Adapter, where, r.Tables, r.Columns, r.Rows)
		if r.Names > 0 {
			fmt.Fprintf(w, ", %d subject names looked for", r.Names)
		}
		fmt.Fprintln(w)
		if len(r.Findings) == 0 {
			fmt.Fprintln(w, "no personal data found outside the data map")
		} else {
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "TABLE\tCOLUMN\tMAPPED\tFOUND\tIN SAMPLE\tWHOLE VALUE\tEXAMPLE")
			for _, f := range r.Findings {
				mapped := "no"
				if f.Mapped {
					mapped = "table only"
				}
				for _, m := range f.Matches {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d/%d\t%d\t%s\n", f.Table, f.Column, mapped, m.Kind, m.Values, f.Sampled, m.Whole, m.Example)
				}
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			fmt.Fprintln(w, "\nsuggested data-map entries (check every TODO and comment):")
			for _, s := range r.Suggestions {
				fmt.Fprint(w, indent(s.YAML, "  "))
			}
		}
		for _, u := range r.Unreachable {
			fmt.Fprintf(w, "table %s is mapped but %s\n", u.Table, u.Reason)
		}
		for _, m := range r.Missing {
			fmt.Fprintf(w, "table %s is mapped but not in the database\n", m)
		}
		for _, s := range r.Skipped {
			fmt.Fprintf(w, "table %s is not mapped, so whose rows it holds is unknown: not sampled for one organization\n", s)
		}
	}
	return nil
}

func indent(s, prefix string) string {
	lines := strings.SplitAfter(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "")
}
