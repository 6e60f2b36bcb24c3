package processor_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/adaptertest"
	"github.com/gdprkit/gdpr/adapter/memadapter"
	"github.com/gdprkit/gdpr/internal/testkit"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store/memstore"
)

// tenantEnv is a processor over a tenant-scoped adapter shared by the
// organizations of adaptertest.NewTenantFixture, and an adapter of
// organization B alone.
func tenantEnv(t *testing.T) (*processor.Processor, *memadapter.Adapter, *memadapter.Adapter) {
	t.Helper()
	shared := testkit.Memory(t, "crm", testkit.Dataset(adaptertest.NewTenantFixture()))
	own := testkit.Memory(t, "b-billing", memadapter.Dataset{
		People: []memadapter.Person{{Key: "b-bill-1", Kind: memadapter.KindExternalContact,
			Name: "Jordan Blake", Emails: []string{"jordan.blake@example.com"}}},
	})
	p, err := processor.New(memstore.New(), []adapter.Adapter{shared},
		processor.WithOrganizationAdapters(adaptertest.OrgB, own), processor.WithStorePoll(5*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	return testkit.Run(t, p), shared, own
}

// TestOrganizationsApart: a request of organization A runs with A's
// organization, reaches only the adapters A reaches, erases only A's
// Jordan Blake and verifies, although B holds the same name and email.
func TestOrganizationsApart(t *testing.T) {
	t.Parallel()
	p, shared, own := tenantEnv(t)
	ctxA := gdpr.ContextWithOrganization(t.Context(), adaptertest.OrgA)
	ctxB := gdpr.ContextWithOrganization(t.Context(), adaptertest.OrgB)
	email := "jordan.blake@example.com"

	found, err := p.SearchSubjects(ctxA, gdpr.KindEmail, email)
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 || found[0].ExternalContactID != "ec-a-jordan" {
		t.Fatalf("organization A's search found %+v, want only its own Jordan", found)
	}
	foundB, err := p.SearchSubjects(ctxB, gdpr.KindEmail, email)
	if err != nil {
		t.Fatal(err)
	}
	if len(foundB) != 2 {
		t.Errorf("organization B's search found %d subjects, want its Jordan in crm and in its own b-billing", len(foundB))
	}
	if _, err := p.SearchSubjects(t.Context(), gdpr.KindEmail, email); err == nil {
		t.Error("a search without an organization reached a tenant-scoped adapter without error")
	}

	before := own.Records()
	beforeShared := shared.Records()
	req, err := p.CreateRequest(ctxA, gdpr.RequestSpec{Type: gdpr.RequestDelete,
		Subject: gdpr.Subject{ExternalContactID: "ec-a-jordan"}, DeleteConfirmed: true})
	if err != nil {
		t.Fatal(err)
	}
	if names := stepNames(req); !slices.Equal(names, []string{"crm"}) {
		t.Errorf("organization A's request has steps %v, want only crm", names)
	}
	done := testkit.WaitDone(ctxA, t, p, req.ID)
	if done.Status != gdpr.StatusCompleted || done.Verification == nil || !done.Verification.Passed {
		t.Fatalf("organization A's erasure ended %s (verification %+v), want COMPLETED and verified", done.Status, done.Verification)
	}
	if d := cmp.Diff(before, own.Records()); d != "" {
		t.Errorf("organization B's own adapter changed by A's erasure (-before +after):\n%s", d)
	}
	var leftB []string
	for _, r := range shared.Records() {
		if r.ID != "a-jordan" && r.ID != "chat-a-jordan" && r.ID != "order-a-jordan" {
			leftB = append(leftB, r.ID)
		}
	}
	var wantB []string
	for _, r := range beforeShared {
		if r.ID != "a-jordan" && r.ID != "chat-a-jordan" && r.ID != "order-a-jordan" {
			wantB = append(wantB, r.ID)
		}
	}
	if !slices.Equal(leftB, wantB) || len(shared.Records()) != len(beforeShared)-3 {
		t.Errorf("after A's erasure the shared adapter holds %v, want B's %v alone", leftB, wantB)
	}

	reqB, err := p.CreateRequest(ctxB, gdpr.RequestSpec{Type: gdpr.RequestExport,
		Subject: gdpr.Subject{EmailAddresses: []string{email}}})
	if err != nil {
		t.Fatal(err)
	}
	if names := stepNames(reqB); !slices.Equal(names, []string{"crm", "b-billing"}) {
		t.Errorf("organization B's request has steps %v, want crm and b-billing", names)
	}
	doneB := testkit.WaitDone(ctxB, t, p, reqB.ID)
	if doneB.Status != gdpr.StatusCompleted {
		t.Fatalf("organization B's export ended %s", doneB.Status)
	}
	for _, s := range doneB.Steps {
		if s.Records == 0 {
			t.Errorf("organization B's export found nothing in %s", s.Adapter)
		}
	}
}

func stepNames(r *gdpr.Request) []string {
	var ns []string
	for _, s := range r.Steps {
		ns = append(ns, s.Adapter)
	}
	return ns
}

func TestWithOrganizationAdaptersChecks(t *testing.T) {
	t.Parallel()
	a := testkit.Memory(t, "crm", memadapter.Dataset{})
	b := testkit.Memory(t, "crm", memadapter.Dataset{})
	c := testkit.Memory(t, "billing", memadapter.Dataset{})
	for _, tc := range []struct {
		name   string
		shared []adapter.Adapter
		opts   []processor.Option
		want   string
	}{
		{"spaces", []adapter.Adapter{a}, []processor.Option{processor.WithOrganizationAdapters(" acme", c)}, `organization " acme" has spaces around it`},
		{"default organization", []adapter.Adapter{a}, []processor.Option{processor.WithOrganizationAdapters("", c)}, ""},
		{"no adapters", []adapter.Adapter{a}, []processor.Option{processor.WithOrganizationAdapters("acme")}, `organization "acme": no adapters`},
		{"name of a shared adapter", []adapter.Adapter{a}, []processor.Option{processor.WithOrganizationAdapters("acme", b)}, `adapter "crm" has the name of an adapter every organization reaches`},
		{"listed twice", nil, []processor.Option{processor.WithOrganizationAdapters("acme", c), processor.WithOrganizationAdapters("acme", b)}, `organization "acme" is listed twice`},
		{"same name in two organizations", nil, []processor.Option{processor.WithOrganizationAdapters("acme", b), processor.WithOrganizationAdapters("globex", a)}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := processor.New(memstore.New(), tc.shared, tc.opts...)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New: %v, want an error containing %q", err, tc.want)
			}
		})
	}
}
