package httpadapter_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/httpadapter"
	"github.com/gdprkit/gdpr/adapter/memadapter"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store/memstore"
)

// A service serves its data store over the protocol with Handler; the
// processor reaches it with New, as it would any other adapter.
func Example() {
	ctx := context.Background()
	secret := "shared-secret-of-the-crm-service" // from the environment, in practice

	// The service, holding its own data.
	crm, err := memadapter.New("crm")
	if err != nil {
		log.Fatal(err)
	}
	err = crm.LoadJSON(strings.NewReader(`{"people": [{"key": "c1", "kind": "externalContact",
		"externalContactId": "c-1", "name": "Robin Vale", "emails": ["robin@example.com"]}]}`))
	if err != nil {
		log.Fatal(err)
	}
	h, err := httpadapter.Handler(crm, secret)
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/gdpr/", h)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	// The processor, elsewhere.
	remote, err := httpadapter.New("crm", srv.URL+"/gdpr", secret)
	if err != nil {
		log.Fatal(err)
	}
	p, err := processor.New(memstore.New(), []adapter.Adapter{remote},
		processor.WithPolicy(processor.CurrentEmployees{}))
	if err != nil {
		log.Fatal(err)
	}
	subjects, err := p.SearchSubjects(ctx, gdpr.KindEmail, "Robin@Example.com")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(subjects), subjects[0].Name, subjects[0].ExternalContactID)
	// Output: 1 Robin Vale c-1
}

// An Adapter whose secret is a mounted file signs with what the file
// holds, read again every second: rotating the secret needs no restart.
func ExampleNewFromSecretFile() {
	dir, err := os.MkdirTemp("", "secrets")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "crm") // /run/secrets/crm, in practice
	if err := os.WriteFile(path, []byte("shared-secret-of-the-crm-service\n"), 0o600); err != nil {
		log.Fatal(err)
	}
	remote, err := httpadapter.NewFromSecretFile("crm", "https://crm.internal/gdpr", path)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(remote.Name())

	if err := os.WriteFile(path, []byte("short\n"), 0o600); err != nil {
		log.Fatal(err)
	}
	_, err = httpadapter.NewFromSecretFile("crm", "https://crm.internal/gdpr", path)
	fmt.Println(err != nil)
	// Output:
	// crm
	// true
}
