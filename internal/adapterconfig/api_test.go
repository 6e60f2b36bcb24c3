package adapterconfig_test

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter/apiadapter"
	"github.com/gdprkit/gdpr/internal/adapterconfig"
)

const apiSecret = "api-client-secret-for-tests"

// TestLoadAPIErrors: every defect of an api entry stops with a message
// naming the entry and the field to fix, never the secret.
func TestLoadAPIErrors(t *testing.T) {
	t.Setenv("TEST_API_SECRET", apiSecret)
	const ok = "    clientId: c1\n    secretEnv: TEST_API_SECRET\n    rate: 5\n"
	cases := []struct{ yaml, want string }{
		{"api:\n  - name: genesys\n" + ok, `api adapter 0 ("genesys"): region or url is required`},
		{"api:\n  - name: genesys\n    region: eu-west-1\n    url: https://x.example\n" + ok, "give region or url, not both"},
		{"api:\n  - name: genesys\n    region: mars-1\n" + ok, `unknown region "mars-1"`},
		{"api:\n  - name: genesys\n    url: gdpr.example\n" + ok, `url "gdpr.example" is not an http or https URL`},
		{"api:\n  - name: genesys\n    region: eu-west-1\n    secretEnv: TEST_API_SECRET\n    rate: 5\n", "clientId is required"},
		{"api:\n  - name: genesys\n    region: eu-west-1\n    clientId: c1\n    rate: 5\n", "secretEnv or secretFile is required"},
		{"api:\n  - name: genesys\n    region: eu-west-1\n    clientId: c1\n    secretEnv: TEST_API_UNSET\n    rate: 5\n", "TEST_API_UNSET is empty"},
		{"api:\n  - name: genesys\n    region: eu-west-1\n    clientId: c1\n    secretEnv: TEST_API_SECRET\n    secretFile: s\n    rate: 5\n", "give secretEnv or secretFile, not both"},
		{"api:\n  - name: genesys\n    region: eu-west-1\n    clientId: c1\n    secretFile: missing-secret\n    rate: 5\n", "secretFile:"},
		{"api:\n  - name: genesys\n    region: eu-west-1\n    clientId: c1\n    secretEnv: TEST_API_SECRET\n", "rate is 0; give the remote's limit"},
		{"api:\n  - name: genesys\n    region: eu-west-1\n" + ok + "    burst: -1\n", "burst is -1"},
		{"api:\n  - name: genesys\n    region: eu-west-1\n" + ok + "    kinds: [EMAIL, USER_ID]\n", `kinds: "USER_ID" is not a kind the subjects search takes`},
		{"api:\n  - name: genesys\n    region: eu-west-1\n" + ok + "    inlineWait: -1s\n", "inlineWait is -1s"},
		{"api:\n  - name: genesys\n    region: eu-west-1\n" + ok + "    secret: inline\n", "field secret not found"},
		{"api:\n  - region: eu-west-1\n" + ok, "name is empty"},
		{"api:\n  - name: genesys\n    region: eu-west-1\n" + ok + "    organization: acme\n    shared: true\n", "give organization or shared: true, not both"},
	}
	for _, c := range cases {
		path := write(t, t.TempDir(), "adapters.yaml", c.yaml)
		_, _, err := adapterconfig.Load(context.Background(), path, slog.New(slog.DiscardHandler))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want one containing %q", c.yaml, err, c.want)
			continue
		}
		if strings.Contains(err.Error(), apiSecret) {
			t.Errorf("error %q holds the secret", err)
		}
	}
}

// TestLoadAPI opens api entries: a region sends the hosted API's four
// kinds unless told otherwise, a URL every searchable kind; a region's
// steps park at once, a URL's after the adapter's inline wait; the secret
// may come from a file beside the adapters file.
func TestLoadAPI(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "genesys.secret", apiSecret+"\n")
	path := write(t, dir, "adapters.yaml", `api:
  - name: genesys
    region: eu-west-1
    clientId: c1
    secretFile: genesys.secret
    rate: 3
  - name: emea
    url: https://gdpr.emea.example
    clientId: c2
    secretFile: genesys.secret
    rate: 50
    burst: 10
    kinds: [EMAIL, PHONE]
    lookup: true
    inlineWait: 0s
  - name: apac
    url: http://127.0.0.1:8080
    clientId: c3
    secretFile: genesys.secret
    rate: 10
`)
	as, closer, err := adapterconfig.Load(t.Context(), path, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	want := map[string][]gdpr.Kind{
		"genesys": {gdpr.KindName, gdpr.KindAddress, gdpr.KindPhone, gdpr.KindEmail},
		"emea":    {gdpr.KindPhone, gdpr.KindEmail},
		"apac":    gdpr.SearchKinds(),
	}
	wait := map[string]time.Duration{"genesys": 0, "emea": 0, "apac": apiadapter.DefaultInlineWait}
	if len(as) != 3 {
		t.Fatalf("%d adapters, want 3", len(as))
	}
	for _, a := range as {
		api, ok := a.(*apiadapter.Adapter)
		if !ok {
			t.Fatalf("adapter %s is a %T", a.Name(), a)
		}
		if got := api.Kinds(); !slices.Equal(got, want[a.Name()]) {
			t.Errorf("%s sends %v, want %v", a.Name(), got, want[a.Name()])
		}
		if got := api.InlineWait(); got != wait[a.Name()] {
			t.Errorf("%s waits %v before parking, want %v (a region parks at once)", a.Name(), got, wait[a.Name()])
		}
	}
}

// TestAPITenancy: an api entry is placed under the organization whose
// remote data its credentials reach, as SQL and remote entries are.
func TestAPITenancy(t *testing.T) {
	t.Setenv("TEST_API_SECRET", apiSecret)
	path := write(t, t.TempDir(), "adapters.yaml", "api:\n  - name: genesys\n    region: eu-west-1\n    clientId: c1\n    secretEnv: TEST_API_SECRET\n    rate: 5\n    organization: acme\n")
	f, err := adapterconfig.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	as, cl, err := f.Open(context.Background(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	tn := f.Tenancy("genesys")
	if tn.Organization != "acme" || tn.Shared {
		t.Errorf("Tenancy(genesys) = %+v, want organization acme", tn)
	}
	if got := tn.Describe(as[0]); got != "organization acme" {
		t.Errorf("Describe = %q, want %q", got, "organization acme")
	}
}
