package sqladapter

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
)

// Dialect is the SQL dialect of a database.
type Dialect string

// Dialects.
const (
	Postgres Dialect = "postgres"
	MySQL    Dialect = "mysql" // MySQL and MariaDB
	SQLite   Dialect = "sqlite"
)

func (d Dialect) valid() bool { return d == Postgres || d == MySQL || d == SQLite }

// driverName is the database/sql driver LoadConfig opens d with.
func (d Dialect) driverName() string {
	switch d {
	case Postgres:
		return "pgx"
	case MySQL:
		return "mysql"
	}
	return "sqlite"
}

// ident quotes one identifier.
func (d Dialect) ident(name string) string {
	if d == MySQL {
		return "`" + strings.ReplaceAll(name, "`", "``") + "`"
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// table quotes a table name, qualified by schema when it is not "".
func (d Dialect) table(schema, name string) string {
	if schema == "" {
		return d.ident(name)
	}
	return d.ident(schema) + "." + d.ident(name)
}

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

// transient reports whether err is a deadlock, a serialization failure or a
// busy database: the transaction may succeed when run again.
func transient(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "40001" || pe.Code == "40P01"
	}
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return me.Number == 1213 || me.Number == 1205
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code() & 0xff
		return c == 5 || c == 6 // SQLITE_BUSY, SQLITE_LOCKED
	}
	return false
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
