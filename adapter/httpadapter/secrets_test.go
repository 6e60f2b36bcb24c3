package httpadapter_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gdprkit/gdpr/adapter/httpadapter"
)

// TestSecretRotation follows the rotation procedure: while the service
// accepts the old secret and the new, calls signed with either pass; once
// it accepts only the new one, a call signed with the old is refused.
func TestSecretRotation(t *testing.T) {
	t.Parallel()
	const (
		oldSecret = "the-old-secret-of-the-crm"
		newSecret = "the-new-secret-of-the-crm"
	)
	m := memory(t, "crm", people())
	start := func(secret string, opts ...httpadapter.HandlerOption) string {
		h, err := httpadapter.Handler(m, secret, opts...)
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		return srv.URL
	}
	call := `{"operationId":"op-1","term":{"kind":"EMAIL","value":"robin@example.com"}}`
	check := func(step, base string, want map[string]int) {
		t.Helper()
		for secret, code := range want {
			if s, _ := status(t, signed(t, base, "search", secret, time.Now(), call)); s != code {
				t.Errorf("%s: a call signed with %s: %d, want %d", step, secretName(secret, oldSecret), s, code)
			}
		}
	}

	// 1. The service accepts the new secret beside the old one (in either
	// order), and the processor, still on the old one, goes on working.
	both := start(newSecret, httpadapter.WithSecrets(oldSecret))
	check("both configured", both, map[string]int{oldSecret: http.StatusOK, newSecret: http.StatusOK, testSecret: http.StatusUnauthorized})
	check("both configured, old first", start(oldSecret, httpadapter.WithSecrets(newSecret)),
		map[string]int{oldSecret: http.StatusOK, newSecret: http.StatusOK})

	// 2. The processor switches to the new secret.
	for _, secret := range []string{oldSecret, newSecret} {
		a, err := httpadapter.New("crm", both, secret)
		if err != nil {
			t.Fatal(err)
		}
		if ss, err := a.Search(t.Context(), robinEmail); err != nil || len(ss) != 1 {
			t.Errorf("an Adapter signing with the %s: %d subjects, %v; want 1, no error", secretName(secret, oldSecret), len(ss), err)
		}
	}

	// 3. The service drops the old secret.
	check("old secret removed", start(newSecret), map[string]int{oldSecret: http.StatusUnauthorized, newSecret: http.StatusOK})
}

func secretName(secret, old string) string {
	switch secret {
	case old:
		return "old secret"
	case testSecret:
		return "another secret"
	}
	return "new secret"
}

// TestWithSecretsValidated: a secret too short to be safe is refused, and
// the error does not hold it.
func TestWithSecretsValidated(t *testing.T) {
	t.Parallel()
	short := "short-secret"
	_, err := httpadapter.Handler(memory(t, "crm", people()), testSecret, httpadapter.WithSecrets("another-secret-long-enough", short))
	if err == nil || !strings.Contains(err.Error(), "secret 2") {
		t.Fatalf("Handler with a short previous secret: %v, want an error naming secret 2", err)
	}
	if strings.Contains(err.Error(), short) {
		t.Errorf("error %q holds the secret", err)
	}
	if _, err := httpadapter.Handler(memory(t, "crm", people()), testSecret, httpadapter.WithSecrets()); err != nil {
		t.Errorf("WithSecrets with no secret: %v, want no error", err)
	}
}
