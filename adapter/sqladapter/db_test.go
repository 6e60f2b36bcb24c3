package sqladapter_test

import "github.com/gdprkit/gdpr/internal/testdb"

// The databases the tests run on (SQLite always, PostgreSQL and MariaDB
// when GDPR_TEST_POSTGRES and GDPR_TEST_MYSQL are set), and short names
// for the helpers that build their tables.
type testDB = testdb.DB

var (
	testDBs   = testdb.All
	forEachDB = testdb.ForEach
	q         = testdb.Quote
	qt        = testdb.Table
	ph        = testdb.Placeholder
	keyType   = testdb.KeyType
	mustExec  = testdb.Exec
	insert    = testdb.Insert
)
