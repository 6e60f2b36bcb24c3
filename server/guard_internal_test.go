package server

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"
)

// At most the guard's slots of secret checks run at once; past the
// waiting bound a check is refused at once rather than queued.
func TestGuardBoundsChecksAtOnce(t *testing.T) {
	t.Parallel()
	g, err := NewGuard(WithConcurrentChecks(2))
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	total := 2 + int(g.maxWait)
	started := make(chan struct{}, total)
	var wg sync.WaitGroup
	running, most := 0, 0
	var mu sync.Mutex
	for range total {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g.check(context.Background(), func() {
				mu.Lock()
				running++
				most = max(most, running)
				mu.Unlock()
				started <- struct{}{}
				<-release
				mu.Lock()
				running--
				mu.Unlock()
			})
		}()
	}
	<-started
	<-started
	deadline := time.Now().Add(10 * time.Second)
	for g.waiting.Load() < g.maxWait {
		if time.Now().After(deadline) {
			t.Fatalf("%d checks waiting, want %d", g.waiting.Load(), g.maxWait)
		}
		time.Sleep(time.Millisecond)
	}
	if err := g.check(context.Background(), func() {}); !errors.Is(err, ErrBusy) {
		t.Errorf("a check past the waiting bound: %v, want ErrBusy", err)
	}
	close(release)
	wg.Wait()
	if most != 2 {
		t.Errorf("%d checks ran at once, want 2", most)
	}
}

// The rate-limit table holds a bounded number of keys, forgetting the
// least recently used, and serves a new key without scanning it.
func TestLimitsTableIsBoundedAndNeverRefusesANewKey(t *testing.T) {
	t.Parallel()
	now := time.Now()
	l := newLimitsSize(1, 1, func() time.Time { return now }, 1000)
	h := make(map[string][]string)
	if ok, _ := l.take(h, "busy"); !ok {
		t.Fatal("first request of a key refused")
	}
	for i := range 5000 {
		if ok, _ := l.take(h, "addr:"+strconv.Itoa(i)); !ok {
			t.Fatalf("new key %d refused", i)
		}
		if i%100 == 0 {
			l.take(h, "busy") // keeps it recent: it must stay limited
		}
	}
	if n := l.keys.Len(); n > 1000 {
		t.Errorf("the table holds %d keys, want at most 1000", n)
	}
	if ok, _ := l.take(h, "busy"); ok {
		t.Error("a busy key was forgotten while it kept sending: its limit must hold")
	}
}

func TestAddrKeyGroupsIPv6BySlash64(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"192.0.2.7":              "192.0.2.7",
		"::ffff:192.0.2.7":       "192.0.2.7",
		"2001:db8:1:2:3:4:5:6":   "2001:db8:1:2::/64",
		"fe80::1%eth0":           "fe80::/64",
		"not an address":         "not an address",
		"2001:db8:1:2:ffff::abc": "2001:db8:1:2::/64",
	} {
		if got := addrKey(in); got != want {
			t.Errorf("addrKey(%q) = %q, want %q", in, got, want)
		}
	}
}
