package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// machine describes where the suite ran, for the report's reader.
type machine struct {
	CPU    string // model, and whether it is virtual
	Cores  int    // logical CPUs
	Memory string // total memory
	OS     string // distribution and kernel
	Go     string // the toolchain go test used
	Date   string // when the run started, UTC
}

// describe reads the machine's description from /proc and the go
// command; what it cannot read it reports as "unknown".
func describe(ctx context.Context, start time.Time) machine {
	m := machine{CPU: "unknown", Cores: runtime.NumCPU(), Memory: "unknown", OS: runtime.GOOS,
		Go: "unknown", Date: start.UTC().Format("2006-01-02 15:04 UTC")}
	if model, ok := procField("/proc/cpuinfo", "model name"); ok {
		m.CPU = model
		if flags, _ := procField("/proc/cpuinfo", "flags"); strings.Contains(" "+flags+" ", " hypervisor ") {
			m.CPU += ", virtual machine"
		}
	}
	if total, ok := procField("/proc/meminfo", "MemTotal"); ok {
		if kb, err := strconv.ParseFloat(strings.TrimSuffix(total, " kB"), 64); err == nil {
			m.Memory = fmt.Sprintf("%.1f GiB", kb/(1<<20))
		}
	}
	if name, ok := osRelease(); ok {
		m.OS = name
	}
	if k, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.OS += ", kernel " + strings.TrimSpace(string(k))
	}
	if v, err := exec.CommandContext(ctx, "go", "env", "GOVERSION").Output(); err == nil {
		m.Go = strings.TrimSpace(string(v)) + " " + runtime.GOOS + "/" + runtime.GOARCH
	}
	return m
}

// load returns the 1-, 5- and 15-minute load averages, or "unknown".
func load() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// procField returns the value of the first "key: value" line of a /proc
// file whose key is key.
func procField(path, key string) (string, bool) {
	f, err := os.Open(path)
	if err != nil {
		return "", false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v), true
		}
	}
	return "", false
}

// osRelease returns the distribution's PRETTY_NAME.
func osRelease() (string, bool) {
	b, err := os.ReadFile("/etc/os-release")
	if err != nil {
		return "", false
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "PRETTY_NAME="); ok {
			return strings.Trim(v, `"`), true
		}
	}
	return "", false
}
