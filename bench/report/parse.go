package main

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// samples holds what benchmark lines reported: for each benchmark, by its
// name without the -GOMAXPROCS suffix, each unit's values, one a count.
type samples map[string]map[string][]float64

// trimProcs removes the -GOMAXPROCS suffix go test adds to a benchmark's
// name.
func trimProcs(name string) string {
	i := strings.LastIndexByte(name, '-')
	if i < 0 {
		return name
	}
	if _, err := strconv.Atoi(name[i+1:]); err != nil {
		return name
	}
	return name[:i]
}

// isResult reports whether the fields of a line are a result in the
// standard benchmark format: a name starting with Benchmark, the
// iterations, and at least one value with its unit. With -v, go test also
// prints a benchmark's name alone on a line; that is no result.
func isResult(f []string) bool {
	if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
		return false
	}
	_, err := strconv.ParseInt(f[1], 10, 64)
	return err == nil
}

// parse reads go test output and returns the results of its benchmark
// lines; other lines (configuration, logs, PASS) are skipped. A result
// line is the name, the iterations, then value-unit pairs.
func parse(r io.Reader) (samples, error) {
	s := samples{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		f := strings.Fields(line)
		if !isResult(f) {
			continue
		}
		if len(f)%2 != 0 {
			return nil, fmt.Errorf("parse: odd number of fields in %q", line)
		}
		name := trimProcs(f[0])
		if s[name] == nil {
			s[name] = map[string][]float64{}
		}
		for i := 2; i < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, fmt.Errorf("parse: value %q in %q: %w", f[i], line, err)
			}
			s[name][f[i+1]] = append(s[name][f[i+1]], v)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	return s, nil
}
