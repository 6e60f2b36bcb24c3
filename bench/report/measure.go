package main

import "strings"

// A measure is one value a benchmark reports, and how a reader sees it.
type measure struct {
	bench string // the benchmark's full name, without -GOMAXPROCS
	unit  string // the unit it reports the value in, e.g. "p50-ns"
	label string // what the value is, shown before it; may be ""
	// ns is the unit's length in nanoseconds when the value is a
	// duration, shown in ns, µs, ms or s as it fits; 0 otherwise.
	ns float64
	// suffix follows a value that is no duration, e.g. " req/s".
	suffix string
}

// duration is a measure of a duration reported in units of ns nanoseconds.
func duration(bench, unit, label string, ns float64) measure {
	return measure{bench: bench, unit: unit, label: label, ns: ns}
}

// amount is a measure of a quantity shown with suffix.
func amount(bench, unit, label, suffix string) measure {
	return measure{bench: bench, unit: unit, label: label, suffix: suffix}
}

// format shows vals, the values of m over the counts of a run.
func (m measure) format(vals []float64) string {
	var s string
	if m.ns > 0 {
		unit, scale := durationUnit(median(vals) * m.ns)
		ns := make([]float64, len(vals))
		for i, v := range vals {
			ns[i] = v * m.ns
		}
		s = spread(ns, scale, " "+unit)
	} else {
		s = spread(vals, 1, m.suffix)
	}
	if m.label != "" {
		s = m.label + " " + s
	}
	return s
}

// formatAll shows several measures, separated by commas, or "" when any
// is missing from get.
func formatAll(ms []measure, get func(measure) ([]float64, bool)) (string, bool) {
	parts := make([]string, 0, len(ms))
	for _, m := range ms {
		vals, ok := get(m)
		if !ok {
			return "", false
		}
		parts = append(parts, m.format(vals))
	}
	return strings.Join(parts, ", "), true
}
