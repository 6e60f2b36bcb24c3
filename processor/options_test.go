package processor_test

import (
	"strings"
	"testing"

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
	return processor.New(memstore.New(), []processor.Adapter{crm}, opt)
}
