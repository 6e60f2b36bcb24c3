package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInventoryAPI lists an api adapter with the term kinds it sends and
// says that the remote decides whether it deletes or anonymizes.
func TestInventoryAPI(t *testing.T) {
	t.Setenv("GDPR_API_URL", "")
	t.Setenv("TEST_GENESYS_SECRET", "genesys-secret-for-tests")
	path := filepath.Join(t.TempDir(), "adapters.yaml")
	yaml := "api:\n  - name: genesys\n    region: eu-west-1\n    clientId: c1\n    secretEnv: TEST_GENESYS_SECRET\n    rate: 3\n"
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := inventoryCmd(t, "--demo", "--adapters", path)
	if code != 0 {
		t.Fatalf("inventory: %d\n%s%s", code, out, errOut)
	}
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "genesys ") {
			lines = append(lines, l)
		}
	}
	if len(lines) != 3 {
		t.Fatalf("inventory lists genesys in %d lines, want 3 (users, external contacts, dialer contacts):\n%s", len(lines), out)
	}
	for _, l := range lines {
		if !strings.Contains(l, "NAME,ADDRESS,PHONE,EMAIL") || !strings.Contains(l, "remote decides") {
			t.Errorf("line %q: want the hosted API's term kinds and that the remote decides delete or anonymize", l)
		}
	}
	if strings.Contains(out+errOut, "genesys-secret-for-tests") {
		t.Error("inventory shows the client secret")
	}
}
