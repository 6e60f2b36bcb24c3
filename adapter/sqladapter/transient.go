package sqladapter

import (
	"errors"
	"reflect"
)

// transient reports whether err is a deadlock, a serialization failure or a
// busy database: the transaction may succeed when run again.
//
// It recognizes the errors of pgx, go-sql-driver/mysql and modernc sqlite
// by their methods and fields rather than their types, so that this
// package links no driver: the program that opens the database does.
func transient(err error) bool {
	var pg interface{ SQLState() string } // *pgconn.PgError
	if errors.As(err, &pg) {
		s := pg.SQLState()
		return s == "40001" || s == "40P01" // serialization failure, deadlock
	}
	if n, ok := mysqlNumber(err); ok {
		return n == 1213 || n == 1205 // deadlock, lock wait timeout
	}
	var lite interface{ Code() int } // *sqlite.Error
	if errors.As(err, &lite) {
		c := lite.Code() & 0xff
		return c == 5 || c == 6 // SQLITE_BUSY, SQLITE_LOCKED
	}
	return false
}

// mysqlNumber returns the error number of a *mysql.MySQLError in err's
// chain. The type has no method that gives it, so it is read by name.
func mysqlNumber(err error) (uint16, bool) {
	for ; err != nil; err = errors.Unwrap(err) {
		v := reflect.ValueOf(err)
		if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
			continue
		}
		s := v.Elem()
		if s.Type().Name() != "MySQLError" || s.Type().PkgPath() != "github.com/go-sql-driver/mysql" {
			continue
		}
		if f := s.FieldByName("Number"); f.IsValid() && f.Kind() == reflect.Uint16 {
			return uint16(f.Uint()), true
		}
	}
	return 0, false
}
