package main

import "testing"

func TestNum(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   float64
		want string
	}{
		{0, "0"}, {74, "74"}, {12640.4, "12,640"}, {1234567, "1,234,567"}, {-1500, "-1,500"},
		{21.74, "21.7"}, {6.02, "6.02"}, {0.625, "0.625"}, {0.00123, "0.00123"}, {100.2, "100"},
	} {
		if got := num(c.in); got != c.want {
			t.Errorf("num(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestMeasureFormat(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		m    measure
		vals []float64
		want string
	}{
		{duration("B", "p50-ns", "p50", 1), []float64{6020}, "p50 6.02 µs"},
		{duration("B", "p50-ns", "p50", 1), []float64{6020, 5910, 6200}, "p50 6.02 µs (5.91–6.20)"},
		{duration("B", "p50-ms", "", 1e6), []float64{187}, "187 ms"},
		{duration("B", "ns/op", "time", 1), []float64{350e6, 2.1e9}, "time 1.23 s (0.350–2.10)"},
		{amount("B", "req/s", "", " req/s"), []float64{19000, 20100, 18900}, "19,000 req/s (18,900–20,100)"},
		{amount("B", "429s", "", " × 429"), []float64{0}, "0 × 429"},
	} {
		if got := c.m.format(c.vals); got != c.want {
			t.Errorf("format(%v) = %q, want %q", c.vals, got, c.want)
		}
	}
}
