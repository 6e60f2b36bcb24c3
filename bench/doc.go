// Package bench holds gdprkit's end-to-end benchmarks: each compares a
// gdprkit path with the bare baseline it should be measured against, on
// the same machine in the same run. The results and how to reproduce them
// are in README.md beside this file.
package bench
