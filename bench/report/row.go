package main

import (
	"math"
	"strconv"
)

// A row is one line of a results table: what a run measures, beside its
// baseline from the same run, against the target.
type row struct {
	what     string
	run      run
	result   []measure
	baseline []measure // none when the row has no baseline
	ratio    ratio     // nil when the row has no ratio
	target   target    // zero when the row has no target
	// needs names the environment variable without which the row's
	// benchmark skips, though the rest of its run goes on.
	needs string
}

// getter returns a measure's values, and whether the run reported any.
type getter func(measure) ([]float64, bool)

// medianOf returns the median of m's values from get, or NaN.
func medianOf(get getter, m measure) float64 {
	vals, ok := get(m)
	if !ok {
		return math.NaN()
	}
	return median(vals)
}

// A ratio computes a row's ratio, or NaN when its values are missing.
type ratio func(getter) float64

// over is the ratio of num's median to den's.
func over(num, den measure) ratio {
	return func(get getter) float64 { return medianOf(get, num) / medianOf(get, den) }
}

// reported is a ratio a benchmark reports itself, as measure m.
func reported(m measure) ratio {
	return func(get getter) float64 { return medianOf(get, m) }
}

// A target is the goal for a row.
type target struct {
	text string
	// met reports whether the row's values (and ratio, NaN if none) meet
	// the target; a missing value meets nothing.
	met func(get getter, ratio float64) bool
}

// atMost is met when m's median is at most limit, in m's reported unit.
func atMost(m measure, limit float64, text string) target {
	return target{text: text, met: func(get getter, _ float64) bool { return medianOf(get, m) <= limit }}
}

// atLeast is met when m's median is at least limit, in m's reported unit.
func atLeast(m measure, limit float64, text string) target {
	return target{text: text, met: func(get getter, _ float64) bool { return medianOf(get, m) >= limit }}
}

// ratioAtMost is met when the row's ratio is at most x.
func ratioAtMost(x float64) target {
	return target{text: "≤ " + strconv.FormatFloat(x, 'f', -1, 64) + "×", met: func(_ getter, r float64) bool { return r <= x }}
}

// ratioAtLeast is met when the row's ratio is at least x.
func ratioAtLeast(x float64) target {
	return target{text: "≥ " + strconv.FormatFloat(x, 'f', -1, 64) + "×", met: func(_ getter, r float64) bool { return r >= x }}
}

// both is met when a and b are.
func both(a, b target) target {
	return target{text: a.text + ", " + b.text, met: func(get getter, r float64) bool {
		return a.met(get, r) && b.met(get, r)
	}}
}
