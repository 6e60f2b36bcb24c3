package sqladapter_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/sqladapter"
	"github.com/gdprkit/gdpr/internal/testkit"
	"github.com/gdprkit/gdpr/internal/testlog"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store/memstore"
)

// Every way a request over a SQL adapter can go, wrong id types and a
// database that fails included, leaves no term in the processor's log.
func TestAdapterErrorPathsLogNoTerms(t *testing.T) {
	forEachDB(t, func(t *testing.T, tdb testDB) {
		d := tdb.Dialect
		db, schema := tdb.Fresh(t)
		idType := "INTEGER"
		if d == sqladapter.Postgres {
			idType = "uuid"
		}
		table := qt(d, schema, "accounts")
		mustExec(t, db, "CREATE TABLE "+table+" (id "+idType+" PRIMARY KEY, email VARCHAR(200))")
		m, err := parseYAMLMap(idMap)
		if err != nil {
			t.Fatal(err)
		}
		m.Schema = schema
		a, err := sqladapter.Open(t.Context(), "billing", db, d, m)
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		logs := &testlog.Buffer{}
		p, err := processor.New(memstore.New(), []adapter.Adapter{a},
			processor.WithLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
			processor.WithRetry(gdpr.RetryPolicy{Attempts: 1}), processor.WithStorePoll(10*time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		testkit.Run(t, p)
		ctx := gdpr.ContextWithOrganization(context.Background(), "acme")
		run := func(typ gdpr.RequestType, s gdpr.Subject) gdpr.Status {
			t.Helper()
			r, err := p.CreateRequest(ctx, gdpr.RequestSpec{Type: typ, Subject: s, DeleteConfirmed: typ == gdpr.RequestDelete})
			if err != nil {
				if strings.Contains(err.Error(), piiTerms[0]) {
					t.Errorf("CreateRequest error holds the term: %v", err)
				}
				return ""
			}
			return testkit.WaitDone(ctx, t, p, r.ID).Status
		}
		for _, v := range piiTerms {
			p.SearchSubjects(ctx, gdpr.KindUserID, v)
			run(gdpr.RequestExport, gdpr.Subject{UserID: v})
			run(gdpr.RequestDelete, gdpr.Subject{UserID: v})
		}
		mustExec(t, db, "DROP TABLE "+table) // every query fails from here
		if got := run(gdpr.RequestExport, gdpr.Subject{EmailAddresses: []string{piiTerms[0]}}); got != gdpr.StatusError {
			t.Errorf("export with the table gone ended %s, want ERROR", got)
		}
		out := logs.String()
		if !strings.Contains(out, "level=ERROR") && !strings.Contains(out, "level=WARN") {
			t.Errorf("the failing export logged no error:\n%s", out)
		}
		for _, v := range append(piiTerms, "jane.doe", "Jane O") {
			if strings.Contains(out, v) {
				t.Errorf("the log holds %q:\n%s", v, out)
			}
		}
	})
}
