package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"text/template"
)

// An outcome is what became of one run of the suite.
type outcome struct {
	ran     bool    // false when -only left it out or a variable was unset
	skipped string  // the unset variable that kept it from running
	res     samples // its results, when it ran
	err     error   // why go test failed, when it did
}

// A line is one row of a table as the template shows it; every field is
// ready for a Markdown table cell.
type line struct {
	What, Result, Baseline, Ratio, Target, Met, Reproduce string
}

// page is what the template renders.
type page struct {
	Machine    machine
	Command    string // the command that made the page
	Quick      bool   // whether it ran with -quick
	Took       string // how long the suite took
	LoadBefore string // load averages when the suite started
	LoadAfter  string // and when it ended
	Results    string // the raw results file, relative to the page
	// Tables holds each area's lines by the area's id.
	Tables map[string][]line
	// Met, NotMet and Unmeasured list the rows with a target by whether
	// they met it, or could not be measured.
	Met, NotMet, Unmeasured []string
}

// fill evaluates every row of areas from the outcomes of their runs,
// keyed by run.command(false), into p's tables and lists.
func (p *page) fill(areas []area, outcomes map[string]outcome, getenv func(string) string) {
	p.Tables = map[string][]line{}
	for _, a := range areas {
		for _, r := range a.rows {
			l, verdict := p.evaluate(r, outcomes[r.run.command(false)], getenv)
			p.Tables[a.id] = append(p.Tables[a.id], l)
			summary := r.what + ": " + l.Result
			if l.Ratio != "—" {
				summary += ", " + l.Ratio + " the baseline"
			}
			summary += " (target " + r.target.text + ")"
			switch {
			case r.target.met == nil:
			case verdict == "met":
				p.Met = append(p.Met, summary)
			case verdict == "not met":
				p.NotMet = append(p.NotMet, summary)
			default:
				p.Unmeasured = append(p.Unmeasured, summary)
			}
		}
	}
}

// evaluate returns r's line and its verdict: "met", "not met", "—" for a
// row without a target, or why it has no numbers.
func (p *page) evaluate(r row, o outcome, getenv func(string) string) (line, string) {
	reproduce := r.run.command(p.Quick)
	if r.needs != "" && r.run.needs == "" {
		reproduce = r.needs + "=<dsn> " + reproduce
	}
	l := line{What: r.what, Baseline: "—", Ratio: "—", Target: "—", Met: "—", Reproduce: "`" + reproduce + "`"}
	if r.target.met != nil {
		l.Target = r.target.text
	}
	get := func(m measure) ([]float64, bool) {
		v := o.res[m.bench][m.unit]
		return v, len(v) > 0
	}
	needs := r.needs
	if needs == "" {
		needs = o.skipped
	}
	result, ok := formatAll(r.result, get)
	switch {
	case ok:
	case needs != "" && getenv(needs) == "":
		result = "skipped: set " + needs
	case !o.ran:
		result = "not run (-only)"
	case o.err != nil:
		result = "failed: see " + p.Results
	default:
		result = "no result: see " + p.Results
	}
	l.Result = result
	if !ok {
		l.Met = "—"
		return escapeCells(l), result
	}
	if b, ok := formatAll(r.baseline, get); ok && len(r.baseline) > 0 {
		l.Baseline = b
	}
	ratio := math.NaN()
	if r.ratio != nil {
		if ratio = r.ratio(get); !math.IsNaN(ratio) {
			l.Ratio = num(ratio) + "×"
		}
	}
	verdict := "—"
	if r.target.met != nil {
		verdict = "not met"
		if r.target.met(get, ratio) {
			verdict = "met"
		}
		l.Met = verdict
	}
	return escapeCells(l), verdict
}

// escapeCells escapes the pipes that would end a Markdown table cell.
func escapeCells(l line) line {
	e := func(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
	return line{e(l.What), e(l.Result), e(l.Baseline), e(l.Ratio), e(l.Target), e(l.Met), e(l.Reproduce)}
}

// write renders p through the template file tmpl to out, replacing out
// only once the whole page is written.
func (p *page) write(tmpl, out string) error {
	t, err := template.New(filepath.Base(tmpl)).Option("missingkey=error").ParseFiles(tmpl)
	if err != nil {
		return fmt.Errorf("report: template: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(out), ".README-*")
	if err != nil {
		return fmt.Errorf("report: write: %w", err)
	}
	defer os.Remove(f.Name())
	err = t.Execute(f, p)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), out)
	}
	if err != nil {
		return fmt.Errorf("report: write %s: %w", out, err)
	}
	return nil
}
