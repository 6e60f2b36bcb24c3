// Command report runs gdprkit's benchmark suite and rewrites
// bench/README.md with the results: one table per area, each row beside
// its baseline from the same run, with the ratio, the target and whether
// it is met, the machine it ran on and the command that reproduces it.
// The raw go test output goes to bench/results.txt, in the standard
// benchmark format, so that benchstat can compare two runs.
//
// Run it from anywhere in the module:
//
//	go run ./bench/report [-quick] [-only regexp] [-out file] [-raw file] [-v]
//
// Rows on PostgreSQL or MariaDB need GDPR_TEST_POSTGRES or
// GDPR_TEST_MYSQL, passed through to go test; without them those rows
// read "skipped". The page is rendered from bench/report/README.tmpl,
// which holds the notes around the tables.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

func main() {
	if err := report(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// options are the command's flags.
type options struct {
	quick bool
	only  *regexp.Regexp
	out   string
	raw   string
	tmpl  string
	log   bool
}

func parseFlags(args []string, root string) (options, error) {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	quick := fs.Bool("quick", false, "short benchtimes and one count: to try the suite, not to quote it")
	only := fs.String("only", "", "run only the go test invocations whose package and -bench match this regexp")
	out := fs.String("out", filepath.Join(root, "bench", "README.md"), "the page to write")
	raw := fs.String("raw", filepath.Join(root, "bench", "results.txt"), "the file for go test's raw output")
	tmpl := fs.String("template", filepath.Join(root, "bench", "report", "README.tmpl"), "the page's template")
	log := fs.Bool("v", false, "copy go test's output to standard error")
	if err := fs.Parse(args); err != nil {
		return options{}, err
	}
	if fs.NArg() > 0 {
		return options{}, fmt.Errorf("report: unexpected arguments %q", fs.Args())
	}
	o := options{quick: *quick, out: *out, raw: *raw, tmpl: *tmpl, log: *log}
	if *only != "" {
		re, err := regexp.Compile(*only)
		if err != nil {
			return options{}, fmt.Errorf("report: -only: %w", err)
		}
		o.only = re
	}
	return o, nil
}

// report runs the suite as args say, reporting progress to progress.
func report(args []string, progress io.Writer) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	root, err := moduleRoot(ctx)
	if err != nil {
		return err
	}
	o, err := parseFlags(args, root)
	if err != nil {
		return err
	}
	start := time.Now()
	p := &page{
		Machine:    describe(ctx, start),
		Command:    command(args, os.Getenv),
		Quick:      o.quick,
		LoadBefore: load(),
		Results:    relative(filepath.Dir(o.out), o.raw),
	}
	raw, err := os.Create(o.raw)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	defer raw.Close()
	outcomes, failed := runAll(ctx, root, o, raw, progress)
	p.Took = time.Since(start).Round(time.Second).String()
	p.LoadAfter = load()
	p.fill(suite(), outcomes, os.Getenv)
	if err := raw.Close(); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err := p.write(o.tmpl, o.out); err != nil {
		return err
	}
	fmt.Fprintf(progress, "wrote %s and %s in %s\n", o.out, o.raw, p.Took)
	if failed > 0 {
		return fmt.Errorf("report: %d go test invocations failed; see %s", failed, o.raw)
	}
	return nil
}

// runAll runs each distinct run of the suite once, in the suite's order,
// and returns their outcomes keyed by run.command(false), and how many
// failed.
func runAll(ctx context.Context, root string, o options, raw io.Writer, progress io.Writer) (map[string]outcome, int) {
	outcomes := map[string]outcome{}
	failed := 0
	for _, a := range suite() {
		for _, r := range a.rows {
			key := r.run.command(false)
			if _, done := outcomes[key]; done {
				continue
			}
			switch {
			case o.only != nil && !o.only.MatchString(r.run.pkg+" "+r.run.bench):
				outcomes[key] = outcome{}
				continue
			case r.run.needs != "" && os.Getenv(r.run.needs) == "":
				fmt.Fprintf(progress, "skip (set %s): %s\n", r.run.needs, r.run.command(o.quick))
				outcomes[key] = outcome{skipped: r.run.needs}
				continue
			}
			fmt.Fprintf(progress, "run: %s\n", r.run.command(o.quick))
			var log io.Writer
			if o.log {
				log = progress
			}
			t0 := time.Now()
			res, err := r.run.exec(ctx, root, o.quick, raw, log)
			if err != nil {
				failed++
				fmt.Fprintf(progress, "  failed: %v\n", err)
			}
			fmt.Fprintf(progress, "  took %s\n", time.Since(t0).Round(time.Second))
			outcomes[key] = outcome{ran: true, res: res, err: err}
		}
	}
	return outcomes, failed
}

// command returns the command line that runs the report with args, led
// by the database variables that are set, their values left out.
func command(args []string, getenv func(string) string) string {
	var words []string
	for _, v := range []string{postgresEnv, mysqlEnv} {
		if getenv(v) != "" {
			words = append(words, v+"=<dsn>")
		}
	}
	words = append(words, "go", "run", "./bench/report")
	for _, a := range args {
		words = append(words, shellQuote(a))
	}
	return strings.Join(words, " ")
}

// moduleRoot returns the directory of the main module's go.mod.
func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("report: go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("report: not inside a module; run it from the gdprkit module")
	}
	return filepath.Dir(mod), nil
}

// relative returns target relative to dir, or target when it has none.
func relative(dir, target string) string {
	if rel, err := filepath.Rel(dir, target); err == nil {
		return rel
	}
	return target
}
