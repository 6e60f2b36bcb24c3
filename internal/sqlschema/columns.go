package sqlschema

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
)

// Category is what kind of value a column holds, as far as checking an
// anonymization strategy or choosing columns to sample needs to know.
type Category int

// Categories of column types.
const (
	Any Category = iota // SQLite without a declared type
	Text
	Int
	Number
	Bool
	Time
	Other
)

// Column is one column of the live schema.
type Column struct {
	Name      string
	DataType  string // as the database reports it
	MaxLen    int64  // characters; 0 when not bounded or not known
	Nullable  bool
	Generated bool
	Cat       Category
}

// Categorize reads the category of a declared or reported type.
func Categorize(dataType string) Category {
	t := strings.ToLower(dataType)
	switch {
	case t == "":
		return Any
	case strings.Contains(t, "bool"):
		return Bool
	case strings.Contains(t, "interval"):
		return Other
	case strings.Contains(t, "int"):
		return Int
	case strings.Contains(t, "char"), strings.Contains(t, "text"), strings.Contains(t, "clob"), strings.Contains(t, "string"):
		return Text
	case strings.Contains(t, "numeric"), strings.Contains(t, "decimal"), strings.Contains(t, "real"),
		strings.Contains(t, "double"), strings.Contains(t, "float"):
		return Number
	case strings.Contains(t, "date"), strings.Contains(t, "time"):
		return Time
	}
	return Other
}

// Querier is what *sql.DB, *sql.Conn and *sql.Tx share.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Columns reads the columns of a table from the live schema, in their
// order; none means the table does not exist. Schema "" is the
// connection's current one.
func (d Dialect) Columns(ctx context.Context, db Querier, schema, table string) ([]Column, error) {
	var (
		rows *sql.Rows
		err  error
	)
	switch d {
	case Postgres:
		rows, err = db.QueryContext(ctx, `SELECT column_name, data_type, COALESCE(character_maximum_length, 0),
	is_nullable = 'YES', is_generated = 'ALWAYS'
FROM information_schema.columns
WHERE table_schema = COALESCE(NULLIF($1, ''), current_schema()) AND table_name = $2
ORDER BY ordinal_position`, schema, table)
	case MySQL:
		rows, err = db.QueryContext(ctx, `SELECT COLUMN_NAME, DATA_TYPE, COALESCE(CHARACTER_MAXIMUM_LENGTH, 0),
	IS_NULLABLE = 'YES', EXTRA LIKE '%GENERATED%'
FROM information_schema.COLUMNS
WHERE TABLE_SCHEMA = COALESCE(NULLIF(?, ''), DATABASE()) AND TABLE_NAME = ?
ORDER BY ORDINAL_POSITION`, schema, table)
	default:
		if schema == "" {
			schema = "main"
		}
		rows, err = db.QueryContext(ctx, `SELECT name, type, 0, "notnull" = 0, hidden IN (2, 3)
FROM pragma_table_xinfo(?, ?) WHERE hidden <> 1 ORDER BY cid`, table, schema)
	}
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cols []Column
	for rows.Next() {
		var (
			c        Column
			nullable any
			gen      any
		)
		if err := rows.Scan(&c.Name, &c.DataType, &c.MaxLen, &nullable, &gen); err != nil {
			return nil, err
		}
		c.Nullable, c.Generated = truthy(nullable), truthy(gen)
		c.Cat = Categorize(c.DataType)
		if d == SQLite {
			c.MaxLen = sqliteLen(c.DataType)
		}
		cols = append(cols, c)
	}
	return cols, rows.Err()
}

// truthy reads a boolean that drivers return as bool, integer or text.
func truthy(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case int64:
		return v != 0
	case []byte:
		return string(v) == "1" || strings.EqualFold(string(v), "true")
	case string:
		return v == "1" || strings.EqualFold(v, "true")
	}
	return false
}

// sqliteLen reads the length of a declared type like VARCHAR(40). SQLite
// does not enforce it, but a database it is copied to may.
func sqliteLen(t string) int64 {
	i, j := strings.IndexByte(t, '('), strings.IndexByte(t, ')')
	if i < 0 || j < i {
		return 0
	}
	n, err := strconv.ParseInt(strings.TrimSpace(t[i+1:j]), 10, 64)
	if err != nil {
		return 0
	}
	return n
}
