package adapterconfig

import (
	"github.com/gdprkit/gdpr/adapter/sqladapter"

	// The drivers Connect opens databases with. They are linked here, by
	// the command, and not by package sqladapter.
	_ "github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"
)

// drivers names the database/sql driver of each dialect.
var drivers = map[sqladapter.Dialect]string{
	sqladapter.Postgres: "pgx",
	sqladapter.MySQL:    "mysql",
	sqladapter.SQLite:   "sqlite",
}
