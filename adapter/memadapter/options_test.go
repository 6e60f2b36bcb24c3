package memadapter_test

import (
	"strings"
	"testing"

	"github.com/gdprkit/gdpr/adapter/memadapter"
)

// TestOptionErrors checks that a bad option value stops New with an error
// naming the option and saying what to give instead.
func TestOptionErrors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		opt  memadapter.Option
		says []string
	}{
		{"phone region unknown", memadapter.WithPhoneRegion("XX"), []string{"memadapter: WithPhoneRegion", `"XX"`, `such as "GB"`}},
		{"phone region three letters", memadapter.WithPhoneRegion("GBR"), []string{"WithPhoneRegion", "E.164 numbers only"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := memadapter.New("crm", c.opt)
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
