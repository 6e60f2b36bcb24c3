package processor_test

import (
	"strings"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/memadapter"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store/memstore"
)

// TestOptionErrors checks that a bad option value stops New with an error
// naming the option and saying what to give instead.
func TestOptionErrors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		opt  processor.Option
		says []string
	}{
		{"phone region unknown", processor.WithPhoneRegion("XX"), []string{"processor: WithPhoneRegion", `"XX"`, `such as "GB"`}},
		{"phone region three letters", processor.WithPhoneRegion("GBR"), []string{"WithPhoneRegion", "E.164 numbers only"}},
		{"retry attempts", processor.WithRetry(gdpr.RetryPolicy{Attempts: -1}), []string{"processor: WithRetry: RetryPolicy.Attempts is -1", "1 never retries"}},
		{"retry min wait", processor.WithRetry(gdpr.RetryPolicy{MinWait: -time.Second}), []string{"WithRetry: RetryPolicy.MinWait is -1s"}},
		{"retry order", processor.WithRetry(gdpr.RetryPolicy{MinWait: time.Hour}), []string{"WithRetry: RetryPolicy.MaxWait (5m0s) is less than MinWait (1h0m0s)"}},
		{"store poll", processor.WithStorePoll(0), []string{"processor: WithStorePoll: interval is 0s; give a positive duration"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := newWith(t, c.opt)
			if err == nil {
				t.Fatal("New: no error")
			}
			for _, s := range c.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
		})
	}
}

func TestOptionsAccepted(t *testing.T) {
	t.Parallel()
	for _, opt := range []processor.Option{
		processor.WithPhoneRegion(""),
		processor.WithPhoneRegion("gb"),
		processor.WithPhoneRegion(" US "),
		processor.WithRetry(gdpr.RetryPolicy{}),
		processor.WithRetry(gdpr.RetryPolicy{Attempts: 1}),
		processor.WithRetry(processor.DefaultRetryPolicy()),
		processor.WithStorePoll(time.Millisecond),
	} {
		if _, err := newWith(t, opt); err != nil {
			t.Errorf("New: %v", err)
		}
	}
}

// newWith returns New's error for a Processor over one empty adapter with
// opt.
func newWith(t *testing.T, opt processor.Option) (*processor.Processor, error) {
	t.Helper()
	crm, err := memadapter.New("crm")
	if err != nil {
		t.Fatal(err)
	}
	return processor.New(memstore.New(), []adapter.Adapter{crm}, opt)
}
