// Command federation answers one person's erasure across two GDPR APIs:
// a company's own gdpr serve, over its SQL database, whose adapters
// include a second gdpr serve standing in for Genesys Cloud (package
// apiadapter), as one gdpr serve federates others. It starts both on
// loopback, runs one DSR (package dsr, as gdpr dsar does) against the
// company's, and prints the report: the customer is erased in the
// company's database and in the contact centre.
//
//	go run ./examples/federation
//
// See README.md for the same with two gdpr serve processes and gdpr dsar;
// -init-db PATH makes the company's database there for them, and exits.
package main

import (
	"context"
	"database/sql"
	_ "embed"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the driver: sqladapter links none

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/apiadapter"
	"github.com/gdprkit/gdpr/adapter/memadapter"
	"github.com/gdprkit/gdpr/adapter/sqladapter"
	"github.com/gdprkit/gdpr/dsr"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/server"
	"github.com/gdprkit/gdpr/store/memstore"
)

var (
	//go:embed contact-centre.json
	contactCentre string
	//go:embed company.sql
	companySQL string
	//go:embed company.json
	companyMap string
)

// The OAuth clients of the two servers (one each, for the example).
const (
	clientID     = "federation-example"
	clientSecret = "federation-example-secret-not-for-production"
)

func main() {
	initDB := flag.String("init-db", "", "make the company's SQLite database at `PATH` (for gdpr serve --adapters adapters.yaml) and exit")
	flag.Parse()
	if *initDB != "" {
		_, closeDB, err := openCompany(context.Background(), *initDB)
		if err != nil {
			log.Fatal(err)
		}
		closeDB()
		return
	}
	dir, err := os.MkdirTemp("", "federation")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := run(context.Background(), dir, "jordan.blake@example.com", os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// run starts the contact centre and the company's server, erases the
// person with the email through the company's, and writes the report to w.
// The company's database is made in dir.
func run(ctx context.Context, dir, email string, w io.Writer) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// The contact centre: a gdpr serve over its own data, standing in for
	// Genesys Cloud.
	cc, err := memadapter.New("contacts")
	if err != nil {
		return err
	}
	if err := cc.LoadJSON(strings.NewReader(contactCentre)); err != nil {
		return err
	}
	ccURL, err := serve(ctx, cc)
	if err != nil {
		return err
	}

	// The company's gdpr serve: its SQL database, and the contact centre
	// through an adapter over its GDPR API, with one throttled client.
	crm, closeDB, err := openCompany(ctx, filepath.Join(dir, "company.db"))
	if err != nil {
		return err
	}
	defer closeDB()
	client, err := gdpr.New(gdpr.WithBaseURL(ccURL), gdpr.WithClientCredentials(clientID, clientSecret), gdpr.WithRate(20, 5))
	if err != nil {
		return err
	}
	genesys, err := apiadapter.New("genesys", client)
	if err != nil {
		return err
	}
	companyURL, err := serve(ctx, crm, genesys)
	if err != nil {
		return err
	}

	// One DSR against the company's server, as gdpr dsar runs it.
	svc, err := gdpr.New(gdpr.WithBaseURL(companyURL), gdpr.WithClientCredentials(clientID, clientSecret))
	if err != nil {
		return err
	}
	res, err := dsr.Resolve(ctx, svc, dsr.Identifiers{Emails: []string{email}})
	if err != nil {
		return err
	}
	plan, err := res.Plan(gdpr.RequestDelete, dsr.Options{DeleteConfirmed: true, DSRID: "ticket-4711"})
	if err != nil {
		return err
	}
	rep, err := dsr.Submit(ctx, svc, plan)
	if err != nil {
		return err
	}
	if rep, err = dsr.Follow(ctx, svc, rep, dsr.FollowOptions{PollInterval: 50 * time.Millisecond}); err != nil {
		return err
	}
	printReport(w, rep)
	return nil
}

// serve starts a gdpr serve over the adapters on loopback until ctx ends,
// and returns its base URL.
func serve(ctx context.Context, adapters ...adapter.Adapter) (string, error) {
	p, err := processor.New(memstore.New(), adapters, processor.WithPolicy(processor.CurrentEmployees{}),
		processor.WithStorePoll(20*time.Millisecond))
	if err != nil {
		return "", err
	}
	go p.Run(ctx)
	hash, err := server.HashSecretCost(clientSecret, 1000) // few iterations: an example, not production
	if err != nil {
		return "", err
	}
	clients, err := server.NewClients(server.Client{ID: clientID, SecretHash: hash, Organization: "acme", Scope: server.ScopeAll})
	if err != nil {
		return "", err
	}
	s, err := server.New(p, clients)
	if err != nil {
		return "", err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	go func() { <-ctx.Done(); srv.Close() }()
	return "http://" + ln.Addr().String(), nil
}

// openCompany makes the company's SQLite database at path and opens the
// adapter over it.
func openCompany(ctx context.Context, path string) (*sqladapter.Adapter, func(), error) {
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return nil, nil, err
	}
	if _, err := db.ExecContext(ctx, companySQL); err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("company.sql: %w", err)
	}
	m, err := sqladapter.ParseMap(strings.NewReader(companyMap))
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("company.json: %w", err)
	}
	a, err := sqladapter.Open(ctx, "crm", db, sqladapter.SQLite, m)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return a, func() { a.Close(); db.Close() }, nil
}

// printReport writes what each request did in each data store.
func printReport(w io.Writer, rep *dsr.Report) {
	fmt.Fprintf(w, "DSR %s: %s of %d subjects, %d requests completed\n", rep.DSRID, rep.Type, len(rep.Subjects), rep.Summary.Completed)
	for _, it := range rep.Requests {
		fmt.Fprintf(w, "request by %s: %s\n", it.Term.Kind, it.Status)
		for _, s := range it.Steps {
			fmt.Fprintf(w, "  %-8s %s, %d records%s\n", s.Adapter, s.State, s.Records, did(s.Outcome))
		}
		if v := it.Verification; v != nil {
			fmt.Fprintf(w, "  verified: %v\n", v.Passed)
		}
	}
}

func did(o *gdpr.Outcome) string {
	if o == nil {
		return ""
	}
	s := ""
	for _, p := range []struct {
		n    int
		what string
	}{{o.Deleted, "deleted"}, {o.Anonymized, "anonymized"}, {o.Erased, "erased by the remote service"}, {o.RetainedCount(), "retained"}} {
		if p.n > 0 {
			s += fmt.Sprintf(", %d %s", p.n, p.what)
		}
	}
	return s
}
