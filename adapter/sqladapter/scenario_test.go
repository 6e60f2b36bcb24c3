package sqladapter_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/sqladapter"
)

// crmMap maps the CRM schema of crmSchema: contacts are subjects, chat
// transcripts and orders reference contacts, chat messages reference
// transcripts. Contacts are anonymized, everything else deleted.
const crmMap = `
hashKeyEnv: GDPR_TEST_UNUSED
tables:
  - name: contacts
    key: id
    kind: externalContact
    subject: true
    erase: anonymize
    anonymizedColumn: anonymized_at
    columns:
      - {name: full_name, term: NAME, anonymize: redact}
      - {name: email, term: EMAIL, anonymize: fakeEmail}
      - {name: phone, term: PHONE, normalized: phone_e164, anonymize: fakePhone}
      - {name: external_id, term: EXTERNAL_ID}
  - name: chat_transcripts
    key: id
    kind: chatTranscript
    references: [{column: contact_id, table: contacts}]
  - name: chat_messages
    key: id
    kind: chatMessage
    references: [{column: transcript_id, table: chat_transcripts}]
  - name: orders
    key: id
    kind: order
    references: [{column: customer_id, table: contacts}]
`

// crmSchema creates the CRM tables with two contacts, one of them with a
// chat transcript of two messages and an order.
func crmSchema(t *testing.T, tdb testDB) (*sql.DB, string) {
	t.Helper()
	db, schema := tdb.Fresh(t)
	d := tdb.Dialect
	k := keyType(d)
	tb := func(n string) string { return qt(d, schema, n) }
	mustExec(t, db, `CREATE TABLE `+tb("contacts")+` (id `+k+` PRIMARY KEY, full_name VARCHAR(200),
		email VARCHAR(254) NOT NULL CHECK (email LIKE '%_@_%._%'), phone VARCHAR(40), phone_e164 VARCHAR(40),
		external_id VARCHAR(64), short_code VARCHAR(10), anonymized_at VARCHAR(40))`)
	mustExec(t, db, `CREATE TABLE `+tb("chat_transcripts")+` (id `+k+` PRIMARY KEY,
		contact_id `+k+` REFERENCES `+tb("contacts")+` (id), channel VARCHAR(20))`)
	mustExec(t, db, `CREATE TABLE `+tb("chat_messages")+` (id `+k+` PRIMARY KEY,
		transcript_id `+k+` NOT NULL REFERENCES `+tb("chat_transcripts")+` (id), body TEXT)`)
	mustExec(t, db, `CREATE TABLE `+tb("orders")+` (id `+k+` PRIMARY KEY,
		customer_id `+k+` REFERENCES `+tb("contacts")+` (id), order_number VARCHAR(20), ship_to TEXT)`)
	cols := []string{"id", "full_name", "email", "phone", "phone_e164", "external_id"}
	insert(t, db, d, tb("contacts"), cols, []any{"c1", "Jo Doe", "Jo.Doe@Example.COM", "+44 20 7946 0999", "+442079460999", "CUST-7"})
	insert(t, db, d, tb("contacts"), cols, []any{"c2", "Max Roe", "max@example.org", "+1 415 555 0100", "+14155550100", "CUST-8"})
	insert(t, db, d, tb("chat_transcripts"), []string{"id", "contact_id", "channel"}, []any{"t1", "c1", "webchat"})
	insert(t, db, d, tb("chat_transcripts"), []string{"id", "contact_id", "channel"}, []any{"t2", "c2", "webchat"})
	insert(t, db, d, tb("chat_messages"), []string{"id", "transcript_id", "body"}, []any{"m1", "t1", "Hello, Jo Doe here"})
	insert(t, db, d, tb("chat_messages"), []string{"id", "transcript_id", "body"}, []any{"m2", "t1", "My order is late"})
	insert(t, db, d, tb("chat_messages"), []string{"id", "transcript_id", "body"}, []any{"m3", "t2", "Hi from Max"})
	insert(t, db, d, tb("orders"), []string{"id", "customer_id", "order_number", "ship_to"}, []any{"o1", "c1", "SO-1", "1 Main St"})
	return db, schema
}

func openCRM(t *testing.T, tdb testDB, db *sql.DB, schema string, edit func(*sqladapter.Map)) (*sqladapter.Adapter, error) {
	t.Helper()
	m, err := parseYAMLMap(crmMap)
	if err != nil {
		t.Fatalf("ParseMap: %v", err)
	}
	m.Schema = schema
	if edit != nil {
		edit(m)
	}
	a, err := sqladapter.Open(t.Context(), "crm", db, tdb.Dialect, m, sqladapter.WithHashKey([]byte("0123456789abcdef0123")))
	if a != nil {
		t.Cleanup(func() { a.Close() })
	}
	return a, err
}

func term(t *testing.T, k gdpr.Kind, v string) gdpr.Term {
	t.Helper()
	n, err := adapter.Normalizer{}.Term(gdpr.Term{Kind: k, Value: v})
	if err != nil {
		t.Fatalf("normalize %s: %v", k, err)
	}
	return n
}

func exported(t *testing.T, a adapter.Adapter, terms ...gdpr.Term) map[string]adapter.Record {
	t.Helper()
	got := map[string]adapter.Record{}
	err := a.Export(t.Context(), adapter.Op{RequestID: "r", ID: "r/export"}, terms, func(r adapter.Record) error {
		if _, dup := got[r.Kind+"/"+r.ID]; dup {
			t.Errorf("record %s/%s exported twice", r.Kind, r.ID)
		}
		got[r.Kind+"/"+r.ID] = r
		return nil
	})
	if err != nil {
		t.Fatalf("Export: %v", err)
	}
	return got
}

func keysOf(m map[string]adapter.Record) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return strings.Join(sortStrings(ks), " ")
}

func sortStrings(s []string) []string {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s
}

// TestTranscriptThroughContact: a chat transcript (and its messages) linked
// to a contact is found, exported and erased through the contact, and the
// anonymized email still satisfies its CHECK constraint.
func TestTranscriptThroughContact(t *testing.T) {
	forEachDB(t, func(t *testing.T, tdb testDB) {
		db, schema := crmSchema(t, tdb)
		a, err := openCRM(t, tdb, db, schema, nil)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		email := term(t, gdpr.KindEmail, "jo.doe@example.com")
		phone := term(t, gdpr.KindPhone, "+442079460999")
		ss, err := a.Search(t.Context(), email)
		if err != nil || len(ss) != 1 || ss[0].Name != "Jo Doe" || ss[0].ExternalID != "CUST-7" {
			t.Fatalf("Search by the stored-in-mixed-case email = %+v, %v", ss, err)
		}
		recs := exported(t, a, email)
		want := "chatMessage/m1 chatMessage/m2 chatTranscript/t1 externalContact/c1 order/o1"
		if got := keysOf(recs); got != want {
			t.Fatalf("Export by email = %s, want %s", got, want)
		}
		if f := recs["chatMessage/m1"].Fields; f["body"] != "Hello, Jo Doe here" || f["transcript_id"] != "t1" {
			t.Errorf("exported message fields = %v", f)
		}

		var asked []string
		keep := func(_ context.Context, r adapter.Record) (string, bool, error) {
			asked = append(asked, r.Kind+"/"+r.ID)
			return "", false, nil
		}
		out, err := a.Erase(t.Context(), adapter.Op{RequestID: "e", ID: "e/1"}, []gdpr.Term{phone}, keep)
		if err != nil {
			t.Fatalf("Erase: %v", err)
		}
		if out.Deleted != 4 || out.Anonymized != 1 || out.RetainedCount() != 0 {
			t.Errorf("Erase outcome = %+v, want 4 deleted and 1 anonymized", out)
		}
		if got := strings.Join(sortStrings(asked), " "); got != want {
			t.Errorf("keep asked about %s, want %s", got, want)
		}
		var gotEmail, gotPhone, gotName string
		err = db.QueryRow(`SELECT email, phone, full_name FROM `+qt(tdb.Dialect, schema, "contacts")+` WHERE id = 'c1'`).Scan(&gotEmail, &gotPhone, &gotName)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(gotEmail, "anon-") || !strings.HasSuffix(gotEmail, "@anonymized.invalid") {
			t.Errorf("anonymized email = %q, want a fake address", gotEmail)
		}
		if _, err := (adapter.Normalizer{}).Value(gdpr.KindEmail, gotEmail); err != nil {
			t.Errorf("anonymized email is not a valid email: %v", err)
		}
		if len(gotPhone) != len("+44 20 7946 0999") || !strings.HasPrefix(gotPhone, "+44 ") || gotPhone == "+44 20 7946 0999" {
			t.Errorf("anonymized phone = %q, want the same shape with other digits", gotPhone)
		}
		if gotName != sqladapter.Redacted {
			t.Errorf("anonymized name = %q", gotName)
		}
		for _, tm := range []gdpr.Term{email, phone, term(t, gdpr.KindName, "Jo Doe"), term(t, gdpr.KindExternalID, "CUST-7")} {
			if ss, err := a.Search(t.Context(), tm); err != nil || len(ss) != 0 {
				t.Errorf("after erasure, Search by %s = %v, %v", tm, ss, err)
			}
		}
		if recs := exported(t, a, email, phone); len(recs) != 0 {
			t.Errorf("after erasure, Export = %s", keysOf(recs))
		}
		again, err := a.Erase(t.Context(), adapter.Op{RequestID: "e", ID: "e/1"}, []gdpr.Term{phone}, keep)
		if err != nil || again.Deleted != 4 || again.Anonymized != 1 {
			t.Errorf("repeated Erase = %+v, %v; want the first outcome", again, err)
		}
		if got := keysOf(exported(t, a, term(t, gdpr.KindEmail, "max@example.org"))); got != "chatMessage/m3 chatTranscript/t2 externalContact/c2" {
			t.Errorf("the other contact's records = %s", got)
		}
	})
}

// TestSearchInjection: values carrying SQL match nothing and change
// nothing.
func TestSearchInjection(t *testing.T) {
	forEachDB(t, func(t *testing.T, tdb testDB) {
		db, schema := crmSchema(t, tdb)
		a, err := openCRM(t, tdb, db, schema, nil)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		values := []string{`' OR 1=1 --`, `"; DROP TABLE contacts; --`, "x'); DELETE FROM contacts; --", "`; DROP TABLE contacts; #"}
		kinds := []gdpr.Kind{gdpr.KindName, gdpr.KindExternalID, gdpr.KindAddress, gdpr.KindTwitter}
		var terms []gdpr.Term
		for _, v := range values {
			for _, k := range kinds {
				terms = append(terms, term(t, k, v))
			}
			terms = append(terms, term(t, gdpr.KindEmail, strings.ReplaceAll(v, " ", "")+"@example.com"))
		}
		for _, tm := range terms {
			if ss, err := a.Search(t.Context(), tm); err != nil || len(ss) != 0 {
				t.Errorf("Search by %s = %v, %v; want nothing", tm, ss, err)
			}
		}
		out, err := a.Erase(t.Context(), adapter.Op{RequestID: "inj", ID: "inj/1"}, terms, nil)
		if err != nil || out.Deleted+out.Anonymized != 0 {
			t.Errorf("Erase by injected values = %+v, %v; want nothing erased", out, err)
		}
		for table, want := range map[string]int{"contacts": 2, "chat_transcripts": 2, "chat_messages": 3, "orders": 1} {
			var n int
			if err := db.QueryRow("SELECT COUNT(*) FROM " + qt(tdb.Dialect, schema, table) + " WHERE 1=1").Scan(&n); err != nil || n != want {
				t.Errorf("table %s has %d rows (%v), want %d", table, n, err, want)
			}
		}
		if ss, _ := a.Search(t.Context(), term(t, gdpr.KindEmail, "max@example.org")); len(ss) != 1 {
			t.Errorf("the data no longer finds max")
		}
	})
}

// TestOpenChecks: a map that does not fit the live schema fails to open,
// naming the table and column.
func TestOpenChecks(t *testing.T) {
	forEachDB(t, func(t *testing.T, tdb testDB) {
		db, schema := crmSchema(t, tdb)
		cases := []struct {
			name          string
			edit          func(*sqladapter.Map)
			table, column string
			reason        string
		}{
			{"missing column", func(m *sqladapter.Map) { m.Tables[0].Columns[1].Name = "emial" },
				"contacts", "emial", "does not exist"},
			{"missing table", func(m *sqladapter.Map) { m.Tables[3].Name = "purchases" },
				"purchases", "", "does not exist"},
			{"missing reference column", func(m *sqladapter.Map) { m.Tables[1].References[0].Column = "contact" },
				"chat_transcripts", "contact", "does not exist"},
			{"cycle", func(m *sqladapter.Map) {
				m.Tables[0].References = []sqladapter.Reference{{Column: "external_id", Table: "chat_messages"}}
			}, "", "", "cycle"},
			{"null into NOT NULL", func(m *sqladapter.Map) { m.Tables[0].Columns[1].Anonymize = sqladapter.AnonymizeNull },
				"contacts", "email", "NOT NULL"},
			{"hash too long for its column", func(m *sqladapter.Map) {
				m.Tables[0].Columns = append(m.Tables[0].Columns, sqladapter.Column{Name: "short_code", Anonymize: sqladapter.AnonymizeHash})
			}, "contacts", "short_code", "holds 10 characters"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := openCRM(t, tdb, db, schema, c.edit)
				var me *sqladapter.MapError
				if !errors.As(err, &me) {
					t.Fatalf("Open = %v, want a *MapError", err)
				}
				msg := err.Error()
				if !strings.Contains(msg, c.reason) || (c.table != "" && !strings.Contains(msg, `table "`+c.table+`"`)) ||
					(c.column != "" && !strings.Contains(msg, `column "`+c.column+`"`)) {
					t.Errorf("Open = %q, want it to name table %q column %q and say %q", msg, c.table, c.column, c.reason)
				}
				if !strings.HasPrefix(msg, "sqladapter: ") {
					t.Errorf("error %q lacks the package prefix", msg)
				}
			})
		}
	})
}
