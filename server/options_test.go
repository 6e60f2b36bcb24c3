package server_test

import (
	"math"
	"strings"
	"testing"

	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/server"
)

// TestRateOption checks WithRate: 0 (or +Inf) is no limit, as in
// gdpr.WithRate, and a bad value is an error naming the option and the fix.
func TestRateOption(t *testing.T) {
	t.Parallel()
	p, err := demo.Processor()
	if err != nil {
		t.Fatal(err)
	}
	clients, err := server.NewClients(server.Client{ID: "acme", SecretHash: server.CheapHash(t, secret), Organization: "acme", Scope: server.ScopeAll})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		perSecond float64
		burst     int
		want      string // "" for accepted
	}{
		{"no limit", 0, 0, ""},
		{"infinite", math.Inf(1), 0, ""},
		{"limit", 2, 1, ""},
		{"negative", -1, 1, "server: WithRate: perSecond is -1; give a positive rate, or 0 for no limit"},
		{"NaN", math.NaN(), 1, "server: WithRate: perSecond is NaN"},
		{"burst", 2, 0, "server: WithRate: burst is 0; give 1 or more"},
	} {
		_, err := server.New(p, clients, server.WithRate(c.perSecond, c.burst))
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: error %v; want one saying %q", c.name, err, c.want)
		}
	}
}
