package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeOutcomes gives every run of the suite the value 1 for every measure
// its rows read, except the runs in failing, which fail with no results.
func fakeOutcomes(failing map[string]bool) map[string]outcome {
	out := map[string]outcome{}
	for _, a := range suite() {
		for _, r := range a.rows {
			key := r.run.command(false)
			if failing[r.run.bench] {
				out[key] = outcome{ran: true, err: errors.New("exit status 1")}
				continue
			}
			o, ok := out[key]
			if !ok {
				o = outcome{ran: true, res: samples{}}
			}
			for _, m := range append(append([]measure{}, r.result...), r.baseline...) {
				if o.res[m.bench] == nil {
					o.res[m.bench] = map[string][]float64{}
				}
				o.res[m.bench][m.unit] = []float64{1}
			}
			out[key] = o
		}
	}
	return out
}

// The template shows every row of the suite, with the closing note.
func TestPageShowsEveryRow(t *testing.T) {
	t.Parallel()
	p := &page{Results: "results.txt", Command: "go run ./bench/report"}
	env := func(string) string { return "set" }
	p.fill(suite(), fakeOutcomes(map[string]bool{"^BenchmarkScan100Columns$": true}), env)
	out := filepath.Join(t.TempDir(), "README.md")
	if err := p.write("README.tmpl", out); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, a := range suite() {
		for _, r := range a.rows {
			if !strings.Contains(page, "| "+strings.ReplaceAll(r.what, "|", `\|`)+" |") {
				t.Errorf("the page has no row %q", r.what)
			}
		}
	}
	for _, want := range []string{"failed: see results.txt", "## Targets", "Met:", "Not met:"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page does not say %q", want)
		}
	}
	if strings.Contains(page, "<no value>") {
		t.Error("the page shows <no value>")
	}
}

// A row whose database variable is unset says so, and counts as not
// measured rather than not met.
func TestRowSkippedWithoutDatabase(t *testing.T) {
	t.Parallel()
	p := &page{Results: "results.txt"}
	noEnv := func(string) string { return "" }
	// Without the variable, runs that need it do not start, and
	// benchmarks that need it skip in the runs that do.
	outcomes := fakeOutcomes(nil)
	for k, o := range outcomes {
		if strings.Contains(k, postgresEnv) {
			outcomes[k] = outcome{skipped: postgresEnv}
			continue
		}
		for name := range o.res {
			if strings.Contains(strings.ToLower(name), "postgres") {
				delete(o.res, name)
			}
		}
	}
	p.fill(suite(), outcomes, noEnv)
	var skipped int
	for _, l := range p.Tables["sqlstore"] {
		if l.Result == "skipped: set "+postgresEnv {
			skipped++
		}
	}
	if skipped != 4 {
		t.Errorf("%d sqlstore rows skipped for %s, want 4 (two single-processor rows, one replicas row, one evidence row)", skipped, postgresEnv)
	}
	for _, s := range p.NotMet {
		if strings.Contains(s, "PostgreSQL") {
			t.Errorf("a skipped row counts as not met: %s", s)
		}
	}
}
