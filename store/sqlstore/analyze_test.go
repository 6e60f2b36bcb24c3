package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestPostgresAnalyzesNewJobsTable checks that a fresh jobs table gets
// statistics once a Store has created a few hundred jobs, so that a
// lookup by organization and id is planned on the primary key rather than
// on an index that reads every job of the organization.
func TestPostgresAnalyzesNewJobsTable(t *testing.T) {
	dsn := postgresDSN(t)
	schema := testSchema(t, dsn)
	s := openPostgres(t, dsn, schema)
	ctx := context.Background()

	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SET search_path = "+pgx.Identifier{schema}.Sanitize()); err != nil {
		t.Fatal(err)
	}
	analyzed := func() bool {
		var ok bool
		if err := conn.QueryRowContext(ctx, `SELECT last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL
			FROM pg_stat_user_tables WHERE relid = 'jobs'::regclass`).Scan(&ok); err != nil {
			t.Fatal(err)
		}
		return ok
	}

	for i := range 300 {
		j := newTestJob(fmt.Sprintf("req-%04d", i))
		if _, _, err := s.Create(ctx, j, createdEvent(j)); err != nil {
			t.Fatal(err)
		}
	}
	for deadline := time.Now().Add(30 * time.Second); !analyzed(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the jobs table was not analyzed after 300 creates")
		}
	}

	// The plan a connection caches for a prepared statement once it has
	// run a few times: the generic one.
	if _, err := conn.ExecContext(ctx, "PREPARE lookup(text, text) AS SELECT request FROM jobs WHERE org = $1 AND id = $2"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "SET plan_cache_mode = force_generic_plan"); err != nil {
		t.Fatal(err)
	}
	rows, err := conn.QueryContext(ctx, "EXPLAIN EXECUTE lookup('org-a', 'req-0001')")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan strings.Builder
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan.WriteString(line + "\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan.String(), "jobs_pkey") {
		t.Errorf("a lookup by org and id is not planned on the primary key:\n%s", plan.String())
	}
}
