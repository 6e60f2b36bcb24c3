package sqlschema

import "strings"

// Dialect is the SQL dialect of a database; its values are those of
// sqladapter.Dialect.
type Dialect string

// Dialects.
const (
	Postgres Dialect = "postgres"
	MySQL    Dialect = "mysql" // MySQL and MariaDB
	SQLite   Dialect = "sqlite"
)

// Valid reports whether d is one of the dialects above.
func (d Dialect) Valid() bool { return d == Postgres || d == MySQL || d == SQLite }

// Quote quotes one identifier.
func (d Dialect) Quote(name string) string {
	if d == MySQL {
		return "`" + strings.ReplaceAll(name, "`", "``") + "`"
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// Table quotes a table name, qualified by schema when it is not "".
func (d Dialect) Table(schema, name string) string {
	if schema == "" {
		return d.Quote(name)
	}
	return d.Quote(schema) + "." + d.Quote(name)
}
