package testclock

import (
	"context"
	"sync"
	"testing"
	"time"
)

func TestSleepAdvances(t *testing.T) {
	t0 := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	c := New(t0)
	if err := c.Sleep(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	if err := c.Sleep(context.Background(), 2*time.Second); err != nil {
		t.Fatal(err)
	}
	c.Advance(time.Second)
	if got, want := c.Now(), t0.Add(3*time.Second); !got.Equal(want) {
		t.Errorf("Now = %v, want %v", got, want)
	}
	if s := c.Sleeps(); len(s) != 1 || s[0] != 2*time.Second {
		t.Errorf("Sleeps = %v, want [2s]", s)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.Sleep(ctx, time.Second); err != context.Canceled {
		t.Errorf("Sleep with a cancelled context = %v, want context.Canceled", err)
	}
	if len(c.Sleeps()) != 1 {
		t.Error("a cancelled Sleep was recorded")
	}
}

func TestConcurrentSleeps(t *testing.T) {
	c := New(time.Time{})
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() { c.Sleep(context.Background(), time.Millisecond) })
	}
	wg.Wait()
	if got := c.Now(); got != (time.Time{}).Add(10*time.Millisecond) {
		t.Errorf("Now after 10 concurrent sleeps of 1ms = %v", got)
	}
}
