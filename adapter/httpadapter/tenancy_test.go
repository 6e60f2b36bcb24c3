package httpadapter_test

import (
	"errors"
	"testing"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/adaptertest"
	"github.com/gdprkit/gdpr/adapter/httpadapter"
	"github.com/gdprkit/gdpr/internal/testkit"
)

// TestOrganizationTravels: the organization on the caller's context
// reaches the service's adapter, and a service refusing a call without
// one answers with an error the caller matches with
// adapter.ErrNoOrganization, even when the caller did not declare the
// service tenant-scoped.
func TestOrganizationTravels(t *testing.T) {
	t.Parallel()
	svc := memory(t, "remote", testkit.Dataset(adaptertest.NewTenantFixture()))
	a, err := httpadapter.New("remote", serve(t, svc), testSecret)
	if err != nil {
		t.Fatal(err)
	}
	if a.TenantScoped() {
		t.Error("TenantScoped without WithTenantScope")
	}
	email := gdpr.Term{Kind: gdpr.KindEmail, Value: "jordan.blake@example.com"}
	_, err = a.Search(t.Context(), email)
	if !errors.Is(err, adapter.ErrNoOrganization) {
		t.Fatalf("Search without an organization: %v, want an error matching adapter.ErrNoOrganization", err)
	}
	for org, want := range map[string]string{adaptertest.OrgA: "ec-a-jordan", adaptertest.OrgB: "ec-b-jordan"} {
		ss, err := a.Search(gdpr.ContextWithOrganization(t.Context(), org), email)
		if err != nil {
			t.Fatal(err)
		}
		if len(ss) != 1 || ss[0].ExternalContactID != want {
			t.Errorf("for %s, Search found %+v, want only %s", org, ss, want)
		}
	}
}

// TestTenantScopeRefusesLocally: an Adapter made WithTenantScope refuses
// a call without an organization before calling the service.
func TestTenantScopeRefusesLocally(t *testing.T) {
	t.Parallel()
	a, err := httpadapter.New("remote", "http://127.0.0.1:1/gdpr", testSecret, httpadapter.WithTenantScope())
	if err != nil {
		t.Fatal(err)
	}
	if !adapter.IsTenantScoped(a) {
		t.Error("an Adapter made WithTenantScope does not say it is tenant-scoped")
	}
	_, err = a.Search(t.Context(), gdpr.Term{Kind: gdpr.KindEmail, Value: "jordan.blake@example.com"})
	if !errors.Is(err, adapter.ErrNoOrganization) {
		t.Fatalf("Search without an organization: %v, want an error matching adapter.ErrNoOrganization", err)
	}
}
