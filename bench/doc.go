// Package bench holds gdprkit's end-to-end benchmarks: each compares a
// gdprkit path with the bare baseline it should be measured against, on
// the same machine in the same run, or measures what the targets
// ask of it (a throttled client's share of a server's rate, the peak
// memory of a large export).
//
// The command in bench/report runs these and the benchmarks of the other
// packages as one suite and rewrites README.md beside this file with the
// results, the machine and how to reproduce each row:
//
//	go run ./bench/report
package bench
