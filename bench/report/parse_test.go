package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	t.Parallel()
	out := `goos: linux
goarch: amd64
pkg: github.com/gdprkit/gdpr/processor
cpu: AMD EPYC
BenchmarkSearchSubjects
    bench_test.go:12: loaded
BenchmarkSearchSubjects/subjects=10k-2         	   20000	      7128 ns/op	      2644 p50-ns	    1152 B/op	      20 allocs/op
BenchmarkSearchSubjects/subjects=10k-2         	   20000	      7000 ns/op	      2600 p50-ns	    1152 B/op	      20 allocs/op
BenchmarkThrottle/retryablehttp-2         	     100	  90148697 ns/op	        74.00 429s	        21.74 pct-of-N
BenchmarkClientOverRawGET       	   12469	     95548 ns/op	         1.090 client/raw
PASS
ok  	github.com/gdprkit/gdpr/processor	4.778s
`
	got, err := parse(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	want := samples{
		"BenchmarkSearchSubjects/subjects=10k": {
			"ns/op": {7128, 7000}, "p50-ns": {2644, 2600}, "B/op": {1152, 1152}, "allocs/op": {20, 20},
		},
		"BenchmarkThrottle/retryablehttp": {"ns/op": {90148697}, "429s": {74}, "pct-of-N": {21.74}},
		"BenchmarkClientOverRawGET":       {"ns/op": {95548}, "client/raw": {1.09}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("parse (-want +got):\n%s", d)
	}
}

func TestParseRejectsBadValue(t *testing.T) {
	t.Parallel()
	if _, err := parse(strings.NewReader("BenchmarkX-2 10 abc ns/op\n")); err == nil {
		t.Error("parse accepted a value that is no number")
	}
}

func TestTrimProcs(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"BenchmarkX-2":                  "BenchmarkX",
		"BenchmarkX/postgres/3procs-16": "BenchmarkX/postgres/3procs",
		"BenchmarkX":                    "BenchmarkX",
		"BenchmarkX/a-b":                "BenchmarkX/a-b",
	} {
		if got := trimProcs(in); got != want {
			t.Errorf("trimProcs(%q) = %q, want %q", in, got, want)
		}
	}
}
