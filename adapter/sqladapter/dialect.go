package sqladapter

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/gdprkit/gdpr/internal/sqlschema"
)

// Dialect is the SQL dialect of a database.
type Dialect string

// Dialects.
const (
	Postgres Dialect = "postgres"
	MySQL    Dialect = "mysql" // MySQL and MariaDB
	SQLite   Dialect = "sqlite"
)

func (d Dialect) valid() bool { return d.schema().Valid() }

// schema is d in the terms of package sqlschema.
func (d Dialect) schema() sqlschema.Dialect { return sqlschema.Dialect(d) }

// ident quotes one identifier.
func (d Dialect) ident(name string) string { return d.schema().Quote(name) }

// table quotes a table name, qualified by schema when it is not "".
func (d Dialect) table(schema, name string) string { return d.schema().Table(schema, name) }

// forUpdate is the suffix that locks the rows a query reads.
func (d Dialect) forUpdate() string {
	if d == SQLite {
		return "" // SQLite locks the whole database on write
	}
	return " FOR UPDATE"
}

// args builds placeholders: the n-th call of add returns the n-th one.
type args struct {
	d    Dialect
	vals []any
}

func (a *args) add(v any) string {
	a.vals = append(a.vals, v)
	if a.d == Postgres {
		return "$" + strconv.Itoa(len(a.vals))
	}
	return "?"
}

// list returns placeholders for vs, separated by commas.
func (a *args) list(vs []any) string {
	var b strings.Builder
	for i, v := range vs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(a.add(v))
	}
	return b.String()
}

// querier is what *sql.DB and *sql.Tx share.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// opsDDL creates the table of remembered operations.
func (d Dialect) opsDDL(table string) string {
	return fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s (
	op_key VARCHAR(64) NOT NULL PRIMARY KEY,
	adapter VARCHAR(255) NOT NULL,
	method VARCHAR(16) NOT NULL,
	outcome TEXT,
	created_at VARCHAR(40) NOT NULL
)`, table)
}

// insertIgnore is an INSERT that does nothing when the key exists.
func (d Dialect) insertIgnore(table, cols, vals string) string {
	if d == MySQL {
		return "INSERT IGNORE INTO " + table + " (" + cols + ") VALUES (" + vals + ")"
	}
	return "INSERT INTO " + table + " (" + cols + ") VALUES (" + vals + ") ON CONFLICT DO NOTHING"
}
