// Command sqladapter shows package sqladapter on a realistic PostgreSQL
// schema: contacts and users, chat transcripts and their messages linked
// to contacts, orders. It creates the tables of schema.sql, loads a few
// rows, and then searches, exports and erases one contact through the
// data map crm.yaml, printing what each step did.
//
//	DATABASE_URL='postgres://postgres@127.0.0.1:5432/test?sslmode=disable' go run ./examples/sqladapter
package main

import (
	"context"
	"database/sql"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"os"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // the driver: sqladapter links none
	"go.yaml.in/yaml/v3"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/sqladapter"
	"github.com/gdprkit/gdpr/processor"
)

//go:embed schema.sql
var schemaSQL string

//go:embed crm.yaml
var crmMap string

func main() {
	if err := run(context.Background()); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context) error {
	dsn := os.Getenv("DATABASE_URL")
	if dsn == "" {
		return errors.New("set DATABASE_URL to a PostgreSQL database the example may create tables in")
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, schemaSQL); err != nil {
		return fmt.Errorf("create the schema: %w", err)
	}
	if err := seed(ctx, db); err != nil {
		return fmt.Errorf("load the example rows: %w", err)
	}

	// sqladapter links no YAML library: decode the map with yours into
	// sqladapter.Map (its yaml tags name the fields), then check it.
	// sqladapter.ParseMap reads the same map written in JSON.
	var m sqladapter.Map
	dec := yaml.NewDecoder(strings.NewReader(crmMap))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil {
		return fmt.Errorf("crm.yaml: %w", err)
	}
	if err := m.Check(); err != nil {
		return fmt.Errorf("crm.yaml: %w", err)
	}
	a, err := sqladapter.Open(ctx, "crm", db, sqladapter.Postgres, &m)
	if err != nil {
		return err
	}
	defer a.Close()

	// The processor normalizes terms before adapters see them.
	email, err := adapter.Normalizer{}.Term(gdpr.Term{Kind: gdpr.KindEmail, Value: "Jo.Doe@Example.com"})
	if err != nil {
		return err
	}
	subjects, err := a.Search(ctx, email)
	if err != nil {
		return err
	}
	fmt.Printf("search by email: %d subject(s)\n", len(subjects))
	for _, s := range subjects {
		b, _ := json.Marshal(s)
		fmt.Printf("  %s\n", b)
	}

	fmt.Println("export:")
	err = a.Export(ctx, adapter.Op{RequestID: "example", ID: "example/export"}, []gdpr.Term{email},
		func(r adapter.Record) error {
			b, _ := json.Marshal(r.Fields)
			fmt.Printf("  %s %s %s\n", r.Kind, r.ID, b)
			return nil
		})
	if err != nil {
		return err
	}

	policy := processor.CurrentEmployees{}
	out, err := a.Erase(ctx, adapter.Op{RequestID: "example", ID: "example/erase"}, []gdpr.Term{email},
		func(ctx context.Context, r adapter.Record) (string, bool, error) {
			return policy.Retain(ctx, a.Name(), r)
		})
	if err != nil {
		return err
	}
	fmt.Printf("erase: %d deleted, %d anonymized, %d retained\n", out.Deleted, out.Anonymized, out.RetainedCount())
	after, err := a.Search(ctx, email)
	if err != nil {
		return err
	}
	fmt.Printf("search by email after erasure: %d subject(s)\n", len(after))
	return nil
}

// seed inserts the example rows, replacing earlier runs' rows.
func seed(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	stmts := []string{
		`DELETE FROM chat_messages WHERE id LIKE 'ex-%'`,
		`DELETE FROM chat_transcripts WHERE id LIKE 'ex-%'`,
		`DELETE FROM orders WHERE order_no LIKE 'ex-%'`,
		`DELETE FROM contacts WHERE id LIKE 'ex-%'`,
		`DELETE FROM users WHERE id LIKE 'ex-%'`,
		`INSERT INTO users (id, user_uuid, display_name, work_email, employment, password_hash)
			VALUES ('ex-u1', '4f0e9a52-1c1b-4a43-9a55-2f6d0c8b9e01', 'Sam Rivera', 'sam.rivera@example.com', 'current', 'x')`,
		`INSERT INTO contacts (id, full_name, full_name_norm, email, email_norm, mobile, mobile_e164, customer_no)
			VALUES ('ex-c1', 'Jo Doe', 'jo doe', 'Jo.Doe@Example.com', 'jo.doe@example.com', '+44 20 7946 0123', '+442079460123', 'CUST-1001')`,
		`INSERT INTO chat_transcripts (id, contact_id, agent_id, started_at) VALUES ('ex-t1', 'ex-c1', 'ex-u1', now())`,
		`INSERT INTO chat_messages (id, transcript_id, body) VALUES
			('ex-m1', 'ex-t1', 'Hi, this is Jo Doe, my order has not arrived.'),
			('ex-m2', 'ex-t1', 'Sorry to hear that, let me check.')`,
		`INSERT INTO orders (order_no, customer_id, ship_to, total_cents) VALUES ('ex-o1', 'ex-c1', '1 High Street, London', 4200)`,
	}
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return err
		}
	}
	return tx.Commit()
}
