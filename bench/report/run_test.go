package main

import "testing"

func TestShellQuote(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"-benchtime=2s":                "-benchtime=2s",
		"./processor/":                 "./processor/",
		"-run=^$":                      "-run='^$'",
		"-bench=^Benchmark(A|B)$":      "-bench='^Benchmark(A|B)$'",
		"it's":                         `'it'\''s'`,
		"-only=Client|Server":          "-only='Client|Server'",
		"GDPR_TEST_POSTGRES=<dsn>":     "'GDPR_TEST_POSTGRES=<dsn>'",
		"-out=/tmp/bench/README.md":    "-out=/tmp/bench/README.md",
		"-count=3":                     "-count=3",
		"-template=bench/README.tmpl":  "-template=bench/README.tmpl",
		"-bench=ExportLarge/blobs=mem": "-bench=ExportLarge/blobs=mem",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestRunCommand(t *testing.T) {
	t.Parallel()
	r := run{pkg: "./store/sqlstore/", bench: "^BenchmarkReplicas$", benchtime: "1000x", quick: "100x", count: 3, needs: postgresEnv}
	want := map[bool]string{
		false: "GDPR_TEST_POSTGRES=<dsn> go test -run='^$' -bench='^BenchmarkReplicas$' -benchtime=1000x -count=3 -benchmem ./store/sqlstore/",
		true:  "GDPR_TEST_POSTGRES=<dsn> go test -run='^$' -bench='^BenchmarkReplicas$' -benchtime=100x -count=1 -benchmem ./store/sqlstore/",
	}
	for quick, w := range want {
		if got := r.command(quick); got != w {
			t.Errorf("command(quick=%v) = %s, want %s", quick, got, w)
		}
	}
}
