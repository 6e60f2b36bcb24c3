package console

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gdprkit/gdpr/server"
)

// An officer whose client is removed from the clients file is signed out
// at its next page.
func TestRemovedClientIsSignedOut(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "clients.json")
	write := func(ids ...string) {
		t.Helper()
		var cs []server.Client
		for _, id := range ids {
			h, err := server.HashSecretCost(map[string]string{opsID: opsSecret, rivalID: rivalSecret}[id], 1000)
			if err != nil {
				t.Fatal(err)
			}
			org := map[string]string{opsID: "acme", rivalID: "globex"}[id]
			cs = append(cs, server.Client{ID: id, SecretHash: h, Organization: org, Scope: server.ScopeAll})
		}
		b, _ := json.Marshal(map[string]any{"clients": cs})
		if err := os.WriteFile(path+".tmp", b, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(path+".tmp", path); err != nil {
			t.Fatal(err)
		}
	}
	write(opsID, rivalID)
	clock := newFakeClock()
	clients, err := server.LoadClients(path, server.WithClientsClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	rg := startRig(t, rigConfig{clients: clients}, WithClock(clock.Now))
	ops, rival := rg.officer(t), rg.officer(t)
	ops.mustSignIn(opsID, opsSecret)
	rival.mustSignIn(rivalID, rivalSecret)

	write(rivalID)
	clock.Advance(time.Second)
	if r := ops.get(Path + "requests"); r.status != http.StatusSeeOther || r.location != Path+"signin" {
		t.Errorf("removed client's session: %d to %q, want a redirect to sign in", r.status, r.location)
	}
	if r := rival.get(Path + "requests"); r.status != http.StatusOK {
		t.Errorf("a client still in the file: %d, want 200", r.status)
	}
}
