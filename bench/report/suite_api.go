package main

// apiArea is the rows of adapters over a GDPR API (package apiadapter)
// and of steps that wait on them.
func apiArea() area {
	throttle := run{pkg: "./bench/", bench: "^BenchmarkAdapterThrottle$", benchtime: "100x", quick: "20x", count: 1}
	throttled := func(variant, label string) []measure {
		b := "BenchmarkAdapterThrottle/" + variant
		return []measure{amount(b, "pct-of-N", label, "% of N"), amount(b, "429s", "", " × 429 sent"),
			amount(b, "step-429s", "", " × 429 reaching a step"), amount(b, "failed", "", " failed")}
	}
	parked := run{pkg: "./bench/", bench: "^BenchmarkParkedSteps$", benchtime: "1x", quick: "1x", count: 1}
	const p = "BenchmarkParkedSteps"
	return area{id: "apiadapter", rows: []row{
		{
			what:     "erasures through apiadapter (16 workers) against a gdpr serve allowing N = 50 req/s (burst 10), the adapter's client at N",
			run:      throttle,
			result:   throttled("rate=N", ""),
			baseline: throttled("rate=2N", "the client misconfigured at 2N:"),
			target: both(atLeast(amount("BenchmarkAdapterThrottle/rate=N", "pct-of-N", "", ""), 95, "≥ 95% of N"),
				atMost(amount("BenchmarkAdapterThrottle/rate=N", "step-429s", "", ""), 0, "no 429 reaching a step")),
		},
		{
			what: "10,000 parked erasures (memory store): live heap, then 3 s of the processor's 8 workers with every step parked",
			run:  parked,
			result: []measure{amount(p, "parked-MB", "", " MB"), amount(p, "cpu-pct", "CPU", "% of a core"),
				amount(p, "claims/s", "", " claims/s"), amount(p, "looks", "", " looks")},
			target: both(atMost(amount(p, "parked-MB", "", ""), 50, "< 50 MB"),
				atMost(amount(p, "looks", "", ""), 0, "no busy polling")),
		},
	}}
}
