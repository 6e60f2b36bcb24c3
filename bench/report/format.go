package main

import (
	"math"
	"slices"
	"strconv"
	"strings"
)

// median returns the middle of vals (the mean of the middle two for an
// even count); vals must not be empty.
func median(vals []float64) float64 {
	s := slices.Sorted(slices.Values(vals))
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// num formats v for a reader: whole numbers and numbers of 100 or more
// as integers with thousands separators, smaller ones to three
// significant digits.
func num(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	if a := math.Abs(v); a >= 100 || v == math.Trunc(v) {
		return thousands(int64(math.Round(v)))
	}
	digits := max(0, 2-int(math.Floor(math.Log10(math.Abs(v)))))
	return strconv.FormatFloat(v, 'f', digits, 64)
}

// thousands formats n with a comma between groups of three digits.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// durationUnit returns the unit to show a duration of ns nanoseconds in,
// and its length in nanoseconds.
func durationUnit(ns float64) (string, float64) {
	switch a := math.Abs(ns); {
	case a >= 1e9:
		return "s", 1e9
	case a >= 1e6:
		return "ms", 1e6
	case a >= 1e3:
		return "µs", 1e3
	}
	return "ns", 1
}

// spread formats the median of vals, each scaled by scale, in the unit,
// followed by the range of vals when they differ: "6.02 µs (5.91–6.20)".
func spread(vals []float64, scale float64, unit string) string {
	s := num(median(vals)/scale) + unit
	lo, hi := slices.Min(vals), slices.Max(vals)
	if len(vals) > 1 && lo != hi {
		s += " (" + num(lo/scale) + "–" + num(hi/scale) + ")"
	}
	return s
}
