package sqlscan_test

import (
	"strings"

	"github.com/gdprkit/gdpr/adapter/sqladapter"
	"github.com/gdprkit/gdpr/internal/adapterconfig"
	"github.com/gdprkit/gdpr/internal/testdb"
)

// The databases the tests run on (SQLite always, PostgreSQL and MariaDB
// when GDPR_TEST_POSTGRES and GDPR_TEST_MYSQL are set), and short names
// for the helpers that build their tables.
type testDB = testdb.DB

var (
	testDBs   = testdb.All
	forEachDB = testdb.ForEach
	qt        = testdb.Table
	keyType   = testdb.KeyType
	mustExec  = testdb.Exec
	insert    = testdb.Insert
)

// parseMap reads a data map in YAML, as gdpr scan does.
func parseMap(text string) (*sqladapter.Map, error) {
	return adapterconfig.ParseMap(strings.NewReader(text))
}
