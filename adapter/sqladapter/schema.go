package sqladapter

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// category is what kind of value a column holds, as far as the checks of
// Open need to know.
type category int

const (
	catAny category = iota // SQLite without a declared type
	catText
	catInt
	catNumber
	catBool
	catTime
	catOther
)

// column is one column of the live schema.
type column struct {
	name      string
	dataType  string
	maxLen    int64 // characters; 0 when not bounded or not known
	nullable  bool
	generated bool
	cat       category
}

func categorize(dataType string) category {
	t := strings.ToLower(dataType)
	switch {
	case t == "":
		return catAny
	case strings.Contains(t, "bool"):
		return catBool
	case strings.Contains(t, "interval"):
		return catOther
	case strings.Contains(t, "int"):
		return catInt
	case strings.Contains(t, "char"), strings.Contains(t, "text"), strings.Contains(t, "clob"), strings.Contains(t, "string"):
		return catText
	case strings.Contains(t, "numeric"), strings.Contains(t, "decimal"), strings.Contains(t, "real"),
		strings.Contains(t, "double"), strings.Contains(t, "float"):
		return catNumber
	case strings.Contains(t, "date"), strings.Contains(t, "time"):
		return catTime
	}
	return catOther
}

// columns reads the columns of a table from the live schema, in their
// order; none means the table does not exist.
func (d Dialect) columns(ctx context.Context, db *sql.DB, schema, table string) ([]column, error) {
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
	var cols []column
	for rows.Next() {
		var (
			c        column
			nullable any
			gen      any
		)
		if err := rows.Scan(&c.name, &c.dataType, &c.maxLen, &nullable, &gen); err != nil {
			return nil, err
		}
		c.nullable, c.generated = truthy(nullable), truthy(gen)
		c.cat = categorize(c.dataType)
		if d == SQLite {
			c.maxLen = sqliteLen(c.dataType)
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

// fits reports why a column cannot hold what strategy writes, or "".
func fits(c column, strategy, value string) string {
	text := c.cat == catText || c.cat == catAny
	short := func(n int) string {
		if c.maxLen > 0 && c.maxLen < int64(n) {
			return fmt.Sprintf("type %s holds %d characters; %s writes %d", c.dataType, c.maxLen, strategy, n)
		}
		return ""
	}
	switch strategy {
	case AnonymizeNull:
		if !c.nullable {
			return "is NOT NULL; anonymize: null cannot clear it (choose another strategy)"
		}
	case AnonymizeRedact, AnonymizeHash, AnonymizeFakeEmail, AnonymizeFakePhone:
		if !text {
			return fmt.Sprintf("type %s cannot hold the text %s writes", c.dataType, strategy)
		}
		switch strategy {
		case AnonymizeRedact:
			return short(len(Redacted))
		case AnonymizeHash:
			return short(64)
		case AnonymizeFakeEmail:
			return short(fakeEmailLen)
		}
	case AnonymizeFixed:
		var err error
		switch c.cat {
		case catInt:
			_, err = strconv.ParseInt(value, 10, 64)
		case catNumber:
			_, err = strconv.ParseFloat(value, 64)
		case catBool:
			_, err = strconv.ParseBool(value)
		case catText, catAny:
			return short(len([]rune(value)))
		}
		if err != nil {
			return fmt.Sprintf("type %s cannot hold the fixed value", c.dataType)
		}
	}
	return ""
}
