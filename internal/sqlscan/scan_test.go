package sqlscan_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"slices"
	"strings"
	"testing"

	"github.com/gdprkit/gdpr/adapter/sqladapter"
	"github.com/gdprkit/gdpr/internal/sqlscan"
)

// scanMap maps contacts (subject) and tickets (linked to contacts), and
// an audit table that nothing reaches. It leaves out contacts.notes, the
// presence table and the payments table.
const scanMap = `
region: GB
tables:
  - name: contacts
    key: id
    kind: externalContact
    subject: true
    columns:
      - {name: full_name, term: NAME}
      - {name: email, term: EMAIL}
  - name: tickets
    key: id
    kind: ticket
    references: [{column: contact_id, table: contacts}]
  - name: audit
    key: id
    kind: auditEntry
`

// Values the scan must find but never print whole.
var scanSecrets = []string{
	"alex.morgan@example.com", "robin.okafor@example.org", "020 7946 0123", "+44 20 7946 0958",
	"DE89 3704 0044 0532 0130 00", "4111 1111 1111 1111", "Alex Morgan",
}

// scanSchema creates the tables of scanMap and rows hiding personal data
// in contacts.notes (emails, a name), presence.status (phones),
// payments.reference (an IBAN and a card), with decoys that are not
// personal data in tickets.subject and presence.since.
func scanSchema(t *testing.T, tdb testDB) (*sql.DB, string) {
	t.Helper()
	db, schema := tdb.Fresh(t)
	d := tdb.Dialect
	k := keyType(d)
	tb := func(n string) string { return qt(d, schema, n) }
	mustExec(t, db, `CREATE TABLE `+tb("contacts")+` (id `+k+` PRIMARY KEY, full_name VARCHAR(200), email VARCHAR(254), notes TEXT, tier VARCHAR(20))`)
	mustExec(t, db, `CREATE TABLE `+tb("tickets")+` (id `+k+` PRIMARY KEY, contact_id `+k+`, subject TEXT)`)
	mustExec(t, db, `CREATE TABLE `+tb("audit")+` (id `+k+` PRIMARY KEY, what TEXT)`)
	mustExec(t, db, `CREATE TABLE `+tb("presence")+` (id `+k+` PRIMARY KEY, status TEXT, since VARCHAR(40), code VARCHAR(20))`)
	mustExec(t, db, `CREATE TABLE `+tb("payments")+` (id `+k+` PRIMARY KEY, reference TEXT, amount INTEGER)`)
	cc := []string{"id", "full_name", "email", "notes", "tier"}
	insert(t, db, d, tb("contacts"), cc, []any{"c1", "Alex Morgan", "alex.morgan@example.com", "Asked to be emailed at alex.morgan@example.com instead", "gold"})
	insert(t, db, d, tb("contacts"), cc, []any{"c2", "Robin Okafor", "robin@example.net", "CC robin.okafor@example.org; spoke with Alex Morgan", "silver"})
	insert(t, db, d, tb("contacts"), cc, []any{"c3", "Sam Rivera", "sam@example.com", "prefers phone", "gold"})
	insert(t, db, d, tb("contacts"), cc, []any{"c4", "Kim Lee", "kim@example.com", nil, "bronze"})
	tc := []string{"id", "contact_id", "subject"}
	insert(t, db, d, tb("tickets"), tc, []any{"t1", "c1", "Order 1234567890 late, invoice 2025-03-02"})
	insert(t, db, d, tb("tickets"), tc, []any{"t2", "c2", "Version 1.2.3.4 crashes"})
	insert(t, db, d, tb("audit"), []string{"id", "what"}, []any{"a1", "login"})
	pc := []string{"id", "status", "since", "code"}
	insert(t, db, d, tb("presence"), pc, []any{"p1", "away - call me on 020 7946 0123", "2025-03-02 10:15:00", "A1B2"})
	insert(t, db, d, tb("presence"), pc, []any{"p2", "in a meeting, mobile +44 20 7946 0958", "2025-03-02 11:00:00", "C3"})
	insert(t, db, d, tb("presence"), pc, []any{"p3", "available", "2025-03-03 09:00:00", "D4"})
	insert(t, db, d, tb("payments"), []string{"id", "reference", "amount"}, []any{"pay1", "refund to DE89 3704 0044 0532 0130 00", 10})
	insert(t, db, d, tb("payments"), []string{"id", "reference", "amount"}, []any{"pay2", "card 4111 1111 1111 1111 charged", 20})
	return db, schema
}

// checksums returns a checksum of every row of every table, by table.
func checksums(t *testing.T, db *sql.DB, d sqladapter.Dialect, schema string, tables []string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, name := range tables {
		rows, err := db.Query("SELECT * FROM " + qt(d, schema, name) + " ORDER BY 1")
		if err != nil {
			out[name] = "missing"
			continue
		}
		cols, _ := rows.Columns()
		h := sha256.New()
		vals := make([]sql.RawBytes, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				h.Write(v)
				h.Write([]byte{0})
			}
			h.Write([]byte{1})
		}
		rows.Close()
		out[name] = hex.EncodeToString(h.Sum(nil))
	}
	return out
}

func findColumn(r *sqlscan.Report, table, col string) *sqlscan.ColumnFinding {
	for i := range r.Findings {
		if r.Findings[i].Table == table && r.Findings[i].Column == col {
			return &r.Findings[i]
		}
	}
	return nil
}

func matchKinds(f *sqlscan.ColumnFinding) []string {
	var ks []string
	for _, m := range f.Matches {
		ks = append(ks, m.Kind)
	}
	slices.Sort(ks)
	return ks
}

func TestScan(t *testing.T) {
	forEachDB(t, func(t *testing.T, tdb testDB) {
		db, schema := scanSchema(t, tdb)
		m, err := parseMap(scanMap)
		if err != nil {
			t.Fatal(err)
		}
		m.Schema = schema
		all := []string{"contacts", "tickets", "audit", "presence", "payments", "gdpr_operations"}
		before := checksums(t, db, tdb.Dialect, schema, all)
		rep, err := sqlscan.Scan(context.Background(), db, tdb.Dialect, m, sqlscan.Options{Rows: 100, Names: true})
		if err != nil {
			t.Fatal(err)
		}
		after := checksums(t, db, tdb.Dialect, schema, all)
		for _, name := range all {
			if before[name] != after[name] {
				t.Errorf("table %s changed by the scan (%s → %s)", name, before[name], after[name])
			}
		}
		if after["gdpr_operations"] != "missing" {
			t.Errorf("the scan created the operations table")
		}

		want := map[[2]string][]string{
			{"contacts", "notes"}:     {"EMAIL", "NAME"},
			{"presence", "status"}:    {"PHONE"},
			{"payments", "reference"}: {"CARD", "IBAN"},
		}
		for at, kinds := range want {
			f := findColumn(rep, at[0], at[1])
			if f == nil {
				t.Errorf("%s.%s: not reported; findings %+v", at[0], at[1], rep.Findings)
				continue
			}
			if got := matchKinds(f); !slices.Equal(got, kinds) {
				t.Errorf("%s.%s: kinds %v, want %v", at[0], at[1], got, kinds)
			}
			if f.Mapped != (at[0] == "contacts") {
				t.Errorf("%s.%s: mapped %v", at[0], at[1], f.Mapped)
			}
		}
		if n := len(rep.Findings); n != len(want) {
			t.Errorf("%d columns reported, want %d (decoys flagged?): %+v", n, len(want), rep.Findings)
		}
		notes := findColumn(rep, "contacts", "notes")
		if notes != nil {
			if notes.Sampled != 3 || notes.Matches[0].Values != 2 || notes.Matches[0].Whole != 0 {
				t.Errorf("contacts.notes counts: %+v", notes)
			}
		}
		if rep.Names != 4 {
			t.Errorf("names looked for: %d, want 4", rep.Names)
		}
		if len(rep.Unreachable) != 1 || rep.Unreachable[0].Table != "audit" {
			t.Errorf("unreachable: %+v, want audit", rep.Unreachable)
		}
		if rep.Tables != 5 {
			t.Errorf("tables sampled: %d, want 5", rep.Tables)
		}
		// Never a whole value, in examples or suggestions.
		text := ""
		for _, f := range rep.Findings {
			for _, m := range f.Matches {
				text += m.Example + "\n"
				if !strings.Contains(m.Example, "***") {
					t.Errorf("%s.%s %s: example %q is not masked", f.Table, f.Column, m.Kind, m.Example)
				}
			}
		}
		for _, s := range rep.Suggestions {
			text += s.YAML
		}
		for _, secret := range scanSecrets {
			if strings.Contains(strings.ToLower(text), strings.ToLower(secret)) {
				t.Errorf("report holds %q:\n%s", secret, text)
			}
		}
		var presence string
		for _, s := range rep.Suggestions {
			if s.Table == "presence" {
				presence = s.YAML
			}
		}
		if !strings.Contains(presence, "- name: presence") || !strings.Contains(presence, "{name: status, anonymize: redact}") {
			t.Errorf("presence suggestion:\n%s", presence)
		}
	})
}

// TestScanWholeColumn suggests a term column for a column of emails, and
// finds no names without Names.
func TestScanWholeColumn(t *testing.T) {
	tdb := testDBs()["SQLite"]
	db, schema := scanSchema(t, tdb)
	mustExec(t, db, `ALTER TABLE contacts ADD COLUMN email2 VARCHAR(254)`)
	mustExec(t, db, `UPDATE contacts SET email2 = 'second.' || id || '@example.com'`)
	m, err := parseMap(scanMap)
	if err != nil {
		t.Fatal(err)
	}
	m.Schema = schema
	rep, err := sqlscan.Scan(context.Background(), db, tdb.Dialect, m, sqlscan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := findColumn(rep, "contacts", "email2")
	if f == nil || f.Matches[0].Whole != 4 {
		t.Fatalf("email2: %+v", f)
	}
	if notes := findColumn(rep, "contacts", "notes"); notes == nil || slices.Contains(matchKinds(notes), "NAME") {
		t.Errorf("notes without Names: %+v", notes)
	}
	for _, s := range rep.Suggestions {
		if s.Table == "contacts" && !strings.Contains(s.YAML, "- {name: email2, term: EMAIL}") {
			t.Errorf("contacts suggestion:\n%s", s.YAML)
		}
	}
}
