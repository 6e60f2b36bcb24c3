package httpadapter_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/internal/testclock"
	"github.com/gdprkit/gdpr/internal/testlog"

	"github.com/gdprkit/gdpr/adapter/httpadapter"
)

// TestSecretFileIsReadAgain follows step 2 of the rotation procedure
// without a restart: the secret file's content is replaced, and the
// Adapter signs with the new secret within a second; a file that cannot
// be used leaves the secret before in use, with a warning.
func TestSecretFileIsReadAgain(t *testing.T) {
	t.Parallel()
	const (
		oldSecret = "the-old-secret-of-the-crm"
		newSecret = "the-new-secret-of-the-crm"
	)
	m := memory(t, "crm", people())
	handler := func(secret string) http.Handler {
		h, err := httpadapter.Handler(m, secret)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	var service atomic.Pointer[http.Handler]
	oldOnly, newOnly := handler(oldSecret), handler(newSecret)
	service.Store(&oldOnly)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { (*service.Load()).ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)

	path := filepath.Join(t.TempDir(), "crm-secret")
	write := func(content string) { // as an orchestrator updates a mounted secret: a new file renamed in place
		t.Helper()
		if err := os.WriteFile(path+".new", []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(path+".new", path); err != nil {
			t.Fatal(err)
		}
	}
	write(oldSecret + "\n")
	logs := &testlog.Buffer{}
	clk := testclock.New(time.Now())
	a, err := httpadapter.NewFromSecretFile("crm", srv.URL, path, httpadapter.WithRetry(gdpr.RetryPolicy{Attempts: 1}),
		httpadapter.WithLogger(slog.New(slog.NewTextHandler(logs, nil))), httpadapter.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	search := func() error {
		_, err := a.Search(t.Context(), robinEmail)
		return err
	}
	if err := search(); err != nil {
		t.Fatalf("signing with the secret of the file: %v", err)
	}

	write(newSecret + "\n")
	service.Store(&newOnly)
	clk.Advance(999 * time.Millisecond)
	if search() == nil {
		t.Fatal("the secret file was read again within a second of the last read")
	}
	clk.Advance(time.Millisecond)
	if err := search(); err != nil {
		t.Fatalf("a second after the secret file changed, the Adapter still signs with the old secret: %v", err)
	}
	if !strings.Contains(logs.String(), "signing with the new secret") {
		t.Errorf("the switch to the new secret is not logged:\n%s", logs)
	}

	write("short\n")
	clk.Advance(time.Second) // the next read of the file
	if err := search(); err != nil {
		t.Fatalf("a short secret in the file replaced the good one: %v", err)
	}
	clk.Advance(time.Second)
	if err := search(); err != nil {
		t.Fatal(err)
	}
	if got := logs.String(); strings.Count(got, "cannot be used") != 1 || strings.Contains(got, newSecret) || strings.Contains(got, oldSecret) {
		t.Errorf("want one warning about the unusable file, and no secret in the log:\n%s", got)
	}
}

func TestNewFromSecretFileNamesWhatIsWrong(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	short := filepath.Join(dir, "short")
	if err := os.WriteFile(short, []byte("short\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for path, says := range map[string]string{
		filepath.Join(dir, "missing"): "no such file",
		short:                         "is 5 bytes; it must be",
	} {
		_, err := httpadapter.NewFromSecretFile("crm", "https://crm.internal/gdpr", path)
		if err == nil || !strings.Contains(err.Error(), says) || !strings.Contains(err.Error(), `"crm"`) {
			t.Errorf("NewFromSecretFile(%s) = %v, want an error naming the adapter and saying %q", path, err, says)
		}
	}
}
