package sqladapter

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/gdprkit/gdpr/internal/sqlschema"
)

// fits reports whether v, a value a term sends to column c, can be a
// value of c's type. One that cannot matches nothing: sent to PostgreSQL
// it would fail the query (invalid input syntax for type uuid), sent to
// MySQL it would be cast ('jane@example.com' = 0). SQLite's columns take
// any value, so every value fits them. Values read from the database
// (anything but a string) fit.
func (d Dialect) fits(c column, v any) bool {
	s, ok := v.(string)
	if !ok || d == SQLite {
		return true
	}
	t := strings.ToLower(c.DataType)
	switch {
	case t == "uuid":
		return isUUID(s)
	case c.Cat == sqlschema.Int:
		_, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		return err == nil
	case c.Cat == sqlschema.Number:
		_, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		return err == nil
	}
	return true
}

// fitting returns the values of vals that fit column c.
func (d Dialect) fitting(c column, vals []any) []any {
	out := vals[:0:0]
	for _, v := range vals {
		if d.fits(c, v) {
			out = append(out, v)
		}
	}
	return out
}

// isUUID reports whether s is a UUID as PostgreSQL reads one: 32 hex
// digits, with or without the hyphens of the 8-4-4-4-12 form, or braces.
func isUUID(s string) bool {
	s = strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}")
	s = strings.ReplaceAll(s, "-", "")
	if len(s) != 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// quoted finds what databases quote in their messages: values
// (invalid input syntax for type uuid: "jane@example.com", Incorrect
// integer value: 'jane' for column ...), and names.
var quoted = regexp.MustCompile(`"[^"]*"|'[^']*'|\([^()]*\)=\([^()]*\)`)

// dbError is an error of the database whose message is shown with every
// quoted part masked, since a database may quote the value it could not
// take, personal data included. The error itself stays reachable with
// errors.As for callers that need it.
type dbError struct{ err error }

func (e dbError) Error() string { return quoted.ReplaceAllString(e.err.Error(), `"…"`) }
func (e dbError) Unwrap() error { return e.err }

// masked returns err as a dbError, or nil.
func masked(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := err.(dbError); ok {
		return err
	}
	return dbError{err}
}
