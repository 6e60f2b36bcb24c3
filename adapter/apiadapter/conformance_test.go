package apiadapter_test

import (
	"testing"

	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/adaptertest"
	"github.com/gdprkit/gdpr/internal/testkit"
)

// TestConformance runs the adapter conformance suite over the adapter,
// against a real gdpr serve (server.New over a processor on loopback)
// holding the fixture.
func TestConformance(t *testing.T) {
	adaptertest.TestRemoteAdapter(t, func(t *testing.T, fx adaptertest.Fixture) adapter.Adapter {
		rem := serveRemote(t, testkit.Memory(t, "fixture", testkit.Dataset(fx)), nil, nil).start(t)
		return newAPI(t, rem.client(t))
	})
}
