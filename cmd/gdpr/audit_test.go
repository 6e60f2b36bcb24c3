package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/evidence"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/internal/testkit"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store"
	"github.com/gdprkit/gdpr/store/sqlstore"
)

// auditDB is one store the tamper tests fill, tamper with and verify.
type auditDB struct {
	kind string   // sqlite or postgres
	args []string // gdpr audit verify's flags naming the store
	open func(t *testing.T) *sqlstore.Store
	raw  func(t *testing.T) *sql.DB
	q    func(string) string // the dialect's placeholders
}

func sqliteAuditDB(t *testing.T) auditDB {
	path := filepath.Join(t.TempDir(), "gdpr.db")
	return auditDB{
		kind: "sqlite",
		args: []string{"--store", "sqlite", "--db", path},
		open: func(t *testing.T) *sqlstore.Store {
			s, err := sqlstore.OpenSQLite(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
		raw: func(t *testing.T) *sql.DB {
			db, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			return db
		},
		q: func(s string) string { return strings.ReplaceAll(s, "$", "?") },
	}
}

func postgresAuditDB(t *testing.T) auditDB {
	dsn := os.Getenv("GDPR_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("GDPR_TEST_POSTGRES is not set")
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "audit_test_" + hex.EncodeToString(b[:])
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	scoped := dsn + sep + "search_path=" + schema
	t.Cleanup(func() {
		db, err := sql.Open("pgx", dsn)
		if err == nil {
			db.Exec("DROP SCHEMA IF EXISTS " + pgx.Identifier{schema}.Sanitize() + " CASCADE")
			db.Close()
		}
	})
	return auditDB{
		kind: "postgres",
		args: []string{"--store", "postgres", "--postgres", scoped},
		open: func(t *testing.T) *sqlstore.Store {
			s, err := sqlstore.OpenPostgres(context.Background(), dsn, sqlstore.WithSchema(schema), sqlstore.WithMaxConns(2))
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
		raw: func(t *testing.T) *sql.DB {
			db, err := sql.Open("pgx", scoped)
			if err != nil {
				t.Fatal(err)
			}
			return db
		},
		q: func(s string) string { return s },
	}
}

// fillAudit runs four export requests of acme and one of globex through a
// processor with the key: a checkpoint after each of acme's first three,
// none after the fourth (its events are not signed yet). Checkpoints also
// go to the sink file it returns.
func fillAudit(t *testing.T, db auditDB, k *evidence.Key) (sinkPath string) {
	t.Helper()
	st := db.open(t)
	defer st.Close()
	as, err := demo.ProcessorAdapters()
	if err != nil {
		t.Fatal(err)
	}
	sinkPath = filepath.Join(t.TempDir(), "checkpoints.jsonl")
	p, err := processor.New(st, as, processor.WithEvidence(k, &evidence.FileSink{Path: sinkPath}))
	if err != nil {
		t.Fatal(err)
	}
	for i, org := range []string{"acme", "acme", "acme", "acme", "globex"} {
		ctx := gdpr.ContextWithOrganization(context.Background(), org)
		if _, err := p.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestExport,
			Subject: gdpr.Subject{EmailAddresses: []string{demo.SamRiveraEmail}}}); err != nil {
			t.Fatal(err)
		}
		testkit.Drain(t, p)
		if i < 3 || org == "globex" {
			if _, err := p.Checkpoint(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	return sinkPath
}

func exec(t *testing.T, db *sql.DB, q func(string) string, query string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q(query), args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// reseal changes event seq's detail and seals every event after it again,
// chain head included, as someone with write access but not the key can.
func reseal(t *testing.T, d auditDB, raw *sql.DB, seq int64) {
	t.Helper()
	st := d.open(t)
	evs, err := st.Events(context.Background(), "acme", 0, 0)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	var prev *store.Event
	for i := range evs {
		if evs[i].Seq == seq {
			evs[i].Detail = "nothing to see here"
		}
		evs[i] = store.SealEvent(evs[i], prev)
		prev = &evs[i]
		exec(t, raw, d.q, `UPDATE events SET detail = $1, prev_hash = $2, hash = $3 WHERE org = 'acme' AND seq = $4`,
			evs[i].Detail, evs[i].PrevHash, evs[i].Hash, evs[i].Seq)
	}
	exec(t, raw, d.q, `UPDATE chain_heads SET hash = $1 WHERE org = 'acme'`, prev.Hash)
}

func TestAuditVerifyDetectsTampering(t *testing.T) {
	for _, backend := range []struct {
		name string
		db   func(*testing.T) auditDB
	}{{"sqlite", sqliteAuditDB}, {"postgres", postgresAuditDB}} {
		for _, tc := range []struct {
			name   string
			tamper func(t *testing.T, d auditDB, raw *sql.DB, k *evidence.Key)
			sink   bool     // verify against the sink file too
			want   []string // in the output
		}{
			{"edit an event", func(t *testing.T, d auditDB, raw *sql.DB, _ *evidence.Key) {
				exec(t, raw, d.q, `UPDATE events SET detail = 'edited' WHERE org = 'acme' AND seq = 3`)
			}, false, []string{"edited event at event 3", "2 events verified"}},
			{"edit and re-seal", func(t *testing.T, d auditDB, raw *sql.DB, _ *evidence.Key) {
				reseal(t, d, raw, 3)
			}, false, []string{"rewritten chain at event 3", "checkpoint 1", "event 3 is not the event checkpoint 1 signed"}},
			{"delete the newest events", func(t *testing.T, d auditDB, raw *sql.DB, _ *evidence.Key) {
				exec(t, raw, d.q, `DELETE FROM events WHERE org = 'acme' AND seq > (SELECT MAX(seq) - 2 FROM events WHERE org = 'acme')`)
			}, false, []string{"deleted events", "chain head records event"}},
			{"delete signed events and rewind the head", func(t *testing.T, d auditDB, raw *sql.DB, _ *evidence.Key) {
				exec(t, raw, d.q, `DELETE FROM events WHERE org = 'acme' AND seq > 4`)
				exec(t, raw, d.q, `UPDATE chain_heads SET seq = 4, hash = (SELECT hash FROM events WHERE org = 'acme' AND seq = 4) WHERE org = 'acme'`)
			}, false, []string{"deleted events at event 5", "were deleted"}},
			{"delete a checkpoint", func(t *testing.T, d auditDB, raw *sql.DB, _ *evidence.Key) {
				exec(t, raw, d.q, `DELETE FROM checkpoints WHERE org = 'acme' AND seq = 2`)
			}, false, []string{"deleted or reordered checkpoint", "checkpoint 3", "missing"}},
			{"delete the newest checkpoint and what it signed", func(t *testing.T, d auditDB, raw *sql.DB, _ *evidence.Key) {
				var size int64
				if err := raw.QueryRow(d.q(`SELECT size FROM checkpoints WHERE org = 'acme' AND seq = 2`)).Scan(&size); err != nil {
					t.Fatal(err)
				}
				exec(t, raw, d.q, `DELETE FROM checkpoints WHERE org = 'acme' AND seq = 3`)
				exec(t, raw, d.q, `DELETE FROM events WHERE org = 'acme' AND seq > $1`, size)
				exec(t, raw, d.q, `UPDATE chain_heads SET seq = $1, hash = (SELECT hash FROM events WHERE org = 'acme' AND seq = $1) WHERE org = 'acme'`, size)
			}, true, []string{"deleted or reordered checkpoint", "checkpoint 3", "missing from the store"}},
			{"swap two events", func(t *testing.T, d auditDB, raw *sql.DB, _ *evidence.Key) {
				exec(t, raw, d.q, `UPDATE events SET seq = -1 WHERE org = 'acme' AND seq = 4`)
				exec(t, raw, d.q, `UPDATE events SET seq = 4 WHERE org = 'acme' AND seq = 5`)
				exec(t, raw, d.q, `UPDATE events SET seq = 5 WHERE org = 'acme' AND seq = -1`)
			}, false, []string{"at event 4", "3 events verified"}},
			{"sign a checkpoint with another key", func(t *testing.T, d auditDB, raw *sql.DB, _ *evidence.Key) {
				var note []byte
				if err := raw.QueryRow(d.q(`SELECT note FROM checkpoints WHERE org = 'acme' AND seq = 2`)).Scan(&note); err != nil {
					t.Fatal(err)
				}
				forged, _ := testkit.Resign(t, note)
				exec(t, raw, d.q, `UPDATE checkpoints SET note = $1 WHERE org = 'acme' AND seq = 2`, forged)
			}, false, []string{"signature", "checkpoint 2", "not signed by the evidence key"}},
		} {
			t.Run(backend.name+"/"+tc.name, func(t *testing.T) {
				d := backend.db(t)
				{
					k, _, err := evidence.LoadOrCreateKey(filepath.Join(t.TempDir(), "evidence.key"))
					if err != nil {
						t.Fatal(err)
					}
					sink := fillAudit(t, d, k)
					base := append(append([]string{"audit", "verify"}, d.args...), "--public-key", k.PublicKey())
					code, out, errOut := gdprCmd(t, append(base, "--all", "--checkpoints", sink)...)
					if code != 0 || !strings.Contains(out, `"acme": 28 events verified, 3 checkpoints`) || !strings.Contains(out, `"globex"`) {
						t.Fatalf("before tampering: exit %d\n%s%s", code, out, errOut)
					}
					raw := d.raw(t)
					tc.tamper(t, d, raw, k)
					raw.Close()
					args := append(base, "--org", "acme")
					if tc.sink {
						args = append(args, "--checkpoints", sink)
					}
					code, out, errOut = gdprCmd(t, args...)
					if code != 1 || !strings.Contains(out, "BROKEN") {
						t.Fatalf("after tampering: exit %d, want 1 and BROKEN\n%s%s", code, out, errOut)
					}
					for _, w := range tc.want {
						if !strings.Contains(out, w) {
							t.Errorf("output lacks %q:\n%s", w, out)
						}
					}
				}
			})
		}
	}
}
