package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// A run is one go test invocation of the suite: the benchmarks matching
// bench in package pkg, with the -benchtime and -count that make their
// numbers steady, or the short ones of a quick run.
type run struct {
	pkg       string // package pattern, as go test takes it: "./processor/"
	bench     string // -bench regular expression
	benchtime string // -benchtime of a full run
	quick     string // -benchtime of a quick run
	count     int    // -count of a full run; a quick run counts 1
	// needs names the environment variable without which every benchmark
	// of the run skips; the run is then not started. Benchmarks that
	// skip on their own in a run that does start say so on their rows.
	needs string
}

// timeout bounds one go test invocation, well above the slowest.
const timeout = "30m"

// args returns go test's arguments for the run.
func (r run) args(quick bool) []string {
	bt, count := r.benchtime, r.count
	if quick {
		bt, count = r.quick, 1
	}
	return []string{"test", "-run=^$", "-bench=" + r.bench, "-benchtime=" + bt,
		"-count=" + strconv.Itoa(count), "-benchmem", "-timeout=" + timeout, r.pkg}
}

// command returns the run as a shell command to reproduce it, with a
// placeholder for the variable it needs.
func (r run) command(quick bool) string {
	var b strings.Builder
	if r.needs != "" {
		b.WriteString(r.needs + "=<dsn> ")
	}
	b.WriteString("go")
	for _, a := range r.args(quick) {
		if a == "-timeout="+timeout {
			continue
		}
		b.WriteByte(' ')
		b.WriteString(shellQuote(a))
	}
	return b.String()
}

// shellQuote returns arg as a shell word: as it is when it holds no
// character a shell treats specially, else with its value (after the
// first '=' of a flag) or whole in single quotes.
func shellQuote(arg string) string {
	safe := func(s string) bool {
		return strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=,:@+%") == ""
	}
	if safe(arg) {
		return arg
	}
	quote := func(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
	if k, v, ok := strings.Cut(arg, "="); ok && strings.HasPrefix(k, "-") && safe(k) {
		return k + "=" + quote(v)
	}
	return quote(arg)
}

// exec runs go test in dir, copies its output to raw (and to log, if not
// nil) and returns the benchmarks' results. A failed go test returns
// what it reported before failing, with the error.
func (r run) exec(ctx context.Context, dir string, quick bool, raw, log io.Writer) (samples, error) {
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, "go", r.args(quick)...)
	cmd.Dir = dir
	cmd.Env = os.Environ()
	w := io.MultiWriter(&out, raw)
	if log != nil {
		w = io.MultiWriter(w, log)
	}
	cmd.Stdout, cmd.Stderr = w, w
	runErr := cmd.Run()
	s, err := parse(&out)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", r.command(quick), err)
	}
	if runErr != nil {
		return s, fmt.Errorf("%s: %w", r.command(quick), runErr)
	}
	return s, nil
}
