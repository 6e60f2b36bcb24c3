package sqladapter

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/gdprkit/gdpr/internal/sqlschema"
)

// column is one column of the live schema, and category the kind of value
// it holds.
type (
	column   = sqlschema.Column
	category = sqlschema.Category
)

// Categories of column types, as the checks of Open need them.
const (
	catAny    = sqlschema.Any
	catText   = sqlschema.Text
	catInt    = sqlschema.Int
	catNumber = sqlschema.Number
	catBool   = sqlschema.Bool
	catTime   = sqlschema.Time
	catOther  = sqlschema.Other
)

// columns reads the columns of a table from the live schema, in their
// order; none means the table does not exist.
func (d Dialect) columns(ctx context.Context, db *sql.DB, schema, table string) ([]column, error) {
	return d.schema().Columns(ctx, db, schema, table)
}

// fits reports why a column cannot hold what strategy writes, or "".
func fits(c column, strategy, value string) string {
	text := c.Cat == catText || c.Cat == catAny
	short := func(n int) string {
		if c.MaxLen > 0 && c.MaxLen < int64(n) {
			return fmt.Sprintf("type %s holds %d characters; %s writes %d", c.DataType, c.MaxLen, strategy, n)
		}
		return ""
	}
	switch strategy {
	case AnonymizeNull:
		if !c.Nullable {
			return "is NOT NULL; anonymize: null cannot clear it (choose another strategy)"
		}
	case AnonymizeRedact, AnonymizeHash, AnonymizeFakeEmail, AnonymizeFakePhone:
		if !text {
			return fmt.Sprintf("type %s cannot hold the text %s writes", c.DataType, strategy)
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
		switch c.Cat {
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
			return fmt.Sprintf("type %s cannot hold the fixed value", c.DataType)
		}
	}
	return ""
}
