package server_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/server"
)

// down is a Service whose search fails with err.
type down struct {
	gdpr.Service
	err error
}

func (d down) SearchSubjects(context.Context, gdpr.Kind, string) ([]gdpr.Subject, error) {
	return nil, d.err
}

// warehouseDown is an error of a data store outside the processor that
// names the store, as gdpr.ErrUnavailable describes.
type warehouseDown struct{}

func (warehouseDown) Error() string        { return "warehouse: dial postgres://ops:hunter2@10.0.0.7" }
func (warehouseDown) Is(target error) bool { return target == gdpr.ErrUnavailable }
func (warehouseDown) DataStore() string    { return "warehouse" }

func TestUnavailableDataStoreIs503(t *testing.T) {
	t.Parallel()
	const secretText = "hunter2"
	for _, c := range []struct {
		name string
		err  error
		want string // in the message
	}{
		{"sentinel", fmt.Errorf("crm: password %s refused: %w", secretText, gdpr.ErrUnavailable), "a data store is unavailable"},
		{"named", fmt.Errorf("search: %w", warehouseDown{}), `the data store "warehouse" is unavailable`},
		{"adapter error", &processor.AdapterError{Adapter: "crm", Op: "search", Err: errors.New("password " + secretText + " refused")},
			`the data store "crm" is unavailable`},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			clients, err := server.NewClients(server.Client{ID: "acme", SecretHash: server.CheapHash(t, secret), Organization: "acme", Scope: server.ScopeAll})
			if err != nil {
				t.Fatal(err)
			}
			s, err := server.New(down{e.p, c.err}, clients)
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(s)
			defer srv.Close()
			other := &testEnv{srv: srv, p: e.p}
			resp, body := other.call(t, other.token(t, "acme"), http.MethodGet, "/api/v2/gdpr/subjects?searchType=NAME&searchValue=x", nil)
			eb := wantError(t, resp, body, http.StatusServiceUnavailable, "service.unavailable", "")
			if !strings.Contains(eb.Message, c.want) {
				t.Errorf("message %q, want it to say %q", eb.Message, c.want)
			}
			if strings.Contains(string(body), secretText) {
				t.Errorf("the data store's own error reached the caller: %s", body)
			}
		})
	}
}
