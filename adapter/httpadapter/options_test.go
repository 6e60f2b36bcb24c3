package httpadapter_test

import (
	"strings"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter/httpadapter"
)

// TestOptionErrors checks that a bad option value stops New with an error
// naming the option and saying what to give instead.
func TestOptionErrors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		opt  httpadapter.Option
		want string
	}{
		{"timeout", httpadapter.WithTimeout(0), "httpadapter: WithTimeout"},
		{"retry attempts", httpadapter.WithRetry(gdpr.RetryPolicy{Attempts: -1}), "httpadapter: WithRetry: RetryPolicy.Attempts is -1; give the number of tries in all, 1 or more (1 never retries)"},
		{"retry max wait", httpadapter.WithRetry(gdpr.RetryPolicy{MaxWait: -time.Second}), "httpadapter: WithRetry: RetryPolicy.MaxWait is -1s"},
		{"retry order", httpadapter.WithRetry(gdpr.RetryPolicy{MinWait: time.Minute}), "httpadapter: WithRetry: RetryPolicy.MaxWait (5s) is less than MinWait (1m0s)"},
		{"concurrency", httpadapter.WithConcurrency(0), "httpadapter: WithConcurrency"},
		{"transport", httpadapter.WithTransport(nil), "httpadapter: WithTransport"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := httpadapter.New("crm", "https://crm.internal/gdpr", testSecret, c.opt)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("New: error %v; want one saying %q", err, c.want)
			}
		})
	}
}
