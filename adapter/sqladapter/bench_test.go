package sqladapter_test

import (
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/sqladapter"
)

const (
	benchRows    = 1_000_000
	benchTenants = 100
)

// BenchmarkSearchPostgres searches one email among 1,000,000 contacts,
// through a normalized column with a B-tree index ("indexed") and through
// the same column without one ("unindexed"); and, with the rows spread
// over 100 tenants, as one tenant through the documented index, tenant
// column first ("tenant-scoped"). It reports the median latency as
// p50-ms. Loading the rows (INSERT ... SELECT generate_series)
// takes a few seconds and is not timed.
func BenchmarkSearchPostgres(b *testing.B) {
	pg, ok := testDBs()["Postgres"]
	if !ok {
		b.Skip("GDPR_TEST_POSTGRES is not set")
	}
	db, schema := pg.Fresh(b)
	mustExec(b, db, `CREATE TABLE `+schema+`.contacts (id BIGINT PRIMARY KEY, name TEXT, email TEXT NOT NULL,
		email_norm TEXT, email_norm_plain TEXT, anonymized_at TIMESTAMPTZ, org_id TEXT NOT NULL)`)
	start := time.Now()
	mustExec(b, db, `INSERT INTO `+schema+`.contacts (id, name, email, email_norm, email_norm_plain, org_id)
		SELECT i, 'Person ' || i, 'User.' || i || '@Example.COM', 'user.' || i || '@example.com', 'user.' || i || '@example.com',
			'org-' || (i % `+strconv.Itoa(benchTenants)+`)
		FROM generate_series(1, `+strconv.Itoa(benchRows)+`) AS i`)
	mustExec(b, db, `CREATE INDEX contacts_email_norm ON `+schema+`.contacts (email_norm)`)
	mustExec(b, db, `CREATE INDEX contacts_org_email_norm ON `+schema+`.contacts (org_id, email_norm)`)
	mustExec(b, db, `ANALYZE `+schema+`.contacts`)
	b.Logf("loaded and indexed %d rows in %v", benchRows, time.Since(start).Round(time.Millisecond))

	for _, c := range []struct {
		name, col string
		tenant    bool
	}{{"indexed", "email_norm", false}, {"unindexed", "email_norm_plain", false}, {"tenant-scoped", "email_norm", true}} {
		b.Run(c.name, func(b *testing.B) {
			m := &sqladapter.Map{Schema: schema, Tables: []sqladapter.Table{{
				Name: "contacts", Key: "id", Kind: "externalContact", Subject: true,
				Columns: []sqladapter.Column{
					{Name: "name", Term: gdpr.KindName, Normalized: ""},
					{Name: "email", Term: gdpr.KindEmail, Normalized: c.col},
				},
			}}}
			if c.tenant {
				m.Tables[0].Tenant = "org_id"
			}
			a, err := sqladapter.Open(b.Context(), "bench", db, sqladapter.Postgres, m)
			if err != nil {
				b.Fatal(err)
			}
			defer a.Close()
			var lat []time.Duration
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				n := (i*7919)%benchRows + 1
				ctx := b.Context()
				if c.tenant {
					ctx = gdpr.ContextWithOrganization(ctx, "org-"+strconv.Itoa(n%benchTenants))
				}
				t0 := time.Now()
				ss, err := a.Search(ctx, gdpr.Term{Kind: gdpr.KindEmail, Value: fmt.Sprintf("user.%d@example.com", n)})
				lat = append(lat, time.Since(t0))
				if err != nil || len(ss) != 1 {
					b.Fatalf("Search = %v, %v", ss, err)
				}
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		})
	}
}

// BenchmarkErase erases one contact with 100 linked chat messages, on
// every test database. Each iteration loads the subject again, untimed.
func BenchmarkErase(b *testing.B) {
	for name, tdb := range testDBs() {
		b.Run(name, func(b *testing.B) {
			db, schema := tdb.Fresh(b)
			d := tdb.Dialect
			k := keyType(d)
			tb := func(n string) string { return qt(d, schema, n) }
			mustExec(b, db, `CREATE TABLE `+tb("contacts")+` (id `+k+` PRIMARY KEY, email `+k+`)`)
			mustExec(b, db, `CREATE INDEX `+q(d, "contacts_email")+` ON `+tb("contacts")+` (email)`)
			mustExec(b, db, `CREATE TABLE `+tb("messages")+` (id `+k+` PRIMARY KEY, contact_id `+k+
				` REFERENCES `+tb("contacts")+` (id), body TEXT)`)
			mustExec(b, db, `CREATE INDEX `+q(d, "messages_contact")+` ON `+tb("messages")+` (contact_id)`)
			m := &sqladapter.Map{Schema: schema, Tables: []sqladapter.Table{
				{Name: "contacts", Key: "id", Kind: "externalContact", Subject: true,
					Columns: []sqladapter.Column{{Name: "email", Term: gdpr.KindEmail, Normalized: "email"}}},
				{Name: "messages", Key: "id", Kind: "chatMessage",
					References: []sqladapter.Reference{{Column: "contact_id", Table: "contacts"}}},
			}}
			a, err := sqladapter.Open(b.Context(), "bench", db, d, m)
			if err != nil {
				b.Fatal(err)
			}
			defer a.Close()
			for i := 0; b.Loop(); i++ {
				b.StopTimer()
				id := "c" + strconv.Itoa(i)
				email := "p" + strconv.Itoa(i) + "@example.com"
				mustExec(b, db, "INSERT INTO "+tb("contacts")+" (id, email) VALUES ("+ph(d, 1)+", "+ph(d, 2)+")", id, email)
				for j := 0; j < 100; j += 50 {
					var vals []any
					var ps string
					for k := range 50 {
						if k > 0 {
							ps += ", "
						}
						n := len(vals)
						ps += "(" + ph(d, n+1) + ", " + ph(d, n+2) + ", " + ph(d, n+3) + ")"
						vals = append(vals, fmt.Sprintf("%s-m%d", id, j+k), id, "hello")
					}
					mustExec(b, db, "INSERT INTO "+tb("messages")+" (id, contact_id, body) VALUES "+ps, vals...)
				}
				b.StartTimer()
				out, err := a.Erase(b.Context(), adapter.Op{RequestID: "b", ID: "b/" + id},
					[]gdpr.Term{{Kind: gdpr.KindEmail, Value: email}}, nil)
				if err != nil || out.Deleted != 101 {
					b.Fatalf("Erase = %+v, %v", out, err)
				}
			}
		})
	}
}
