package sqlscan

import "time"

// Options bound a Scan. The zero value scans with the defaults.
type Options struct {
	// Rows is the most rows sampled per column; default DefaultRows.
	Rows int
	// Timeout bounds each statement; default DefaultTimeout. It is
	// set on the server where the dialect allows (PostgreSQL
	// statement_timeout, MariaDB max_statement_time, MySQL
	// MAX_EXECUTION_TIME) and on the statement's context everywhere.
	Timeout time.Duration
	// Region is the ISO 3166 region phone numbers without a country code
	// are read in; "" uses the map's region (and then E.164 only).
	Region string
	// Names looks for the full names of known subjects, read from the
	// NAME columns of the map's subject tables (at most MaxNames).
	Names bool
	// Organization, with a tenant-scoped map, samples only that
	// organization's rows (by each table's tenant column, with its value
	// bound as a parameter), reads only its subjects' names, and skips
	// the tables the map does not list, whose rows' organization is
	// unknown. "" samples every row.
	Organization string
}

// Defaults and bounds of a Scan.
const (
	DefaultRows    = 1000
	DefaultTimeout = 30 * time.Second
	MaxNames       = 100000
)
