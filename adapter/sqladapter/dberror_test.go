package sqladapter

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
)

// A database error is shown with what it quotes masked: databases quote
// the value they could not take.
func TestDatabaseErrorsMaskQuotedValues(t *testing.T) {
	for _, err := range []error{
		&pgconn.PgError{Severity: "ERROR", Code: "22P02", Message: `invalid input syntax for type uuid: "jane.doe@example.com"`},
		&mysql.MySQLError{Number: 1366, Message: "Incorrect integer value: 'jane.doe@example.com' for column 'id' at row 1"},
		errors.New(`duplicate key value violates unique constraint "accounts_email_key" Key (email)=(jane.doe@example.com) already exists`),
	} {
		m := fmt.Errorf("sqladapter: search: %w", masked(err))
		if strings.Contains(m.Error(), "jane") {
			t.Errorf("%q holds the value", m)
		}
		if !errors.Is(m, err) {
			t.Errorf("%q does not wrap the driver's error", m)
		}
	}
	var pe *pgconn.PgError
	if !errors.As(masked(&pgconn.PgError{Code: "40P01"}), &pe) || !transient(masked(&pgconn.PgError{Code: "40P01"})) {
		t.Error("a masked deadlock is no longer seen as one")
	}
}
