// Package sqladapter is a [adapter.Adapter] over existing SQL tables:
// the tables where an application already keeps its contacts, users,
// chat transcripts and orders. A data map ([Map]) says which columns hold
// which terms, which tables hold data subjects, how tables reference each
// other and how each is erased. It works on PostgreSQL, MySQL and
// MariaDB, and SQLite through database/sql, over a *sql.DB the caller
// opened and owns: this package links no driver and no YAML library. The
// program imports its driver (github.com/jackc/pgx/v5/stdlib,
// github.com/go-sql-driver/mysql or modernc.org/sqlite: the ones tested)
// and names the dialect it speaks:
//
//	import _ "github.com/jackc/pgx/v5/stdlib"
//
//	db, err := sql.Open("pgx", dsn)
//	...
//	m, err := sqladapter.ParseMap(mapJSON) // or decode YAML into a Map, then m.Check()
//	...
//	a, err := sqladapter.Open(ctx, "crm", db, sqladapter.Postgres, m)
//	...
//	defer a.Close()
//
// gdpr serve builds these adapters from its --adapters file, opening the
// databases and reading YAML data maps itself.
//
// # The data map
//
// A [Map] is plain Go data. [ParseMap] reads it from JSON; the yaml tags
// of its structs let a program decode the same fields from YAML, the form
// gdpr serve reads and the one shown here. Unknown fields are refused:
//
//	schema: crm                  # optional: PostgreSQL schema, MySQL database, SQLite attached db
//	region: GB                   # optional: region of national phone numbers in the data
//	hashKeyEnv: CRM_ANON_KEY     # env var with the key of "hash" (and of fake emails and phones)
//	operations: gdpr_operations  # optional: table remembering operation ids (created if missing)
//	tables:
//	  - name: contacts
//	    key: id                  # identifies a row: Record.ID
//	    kind: externalContact    # Record.Kind of every row (or kindColumn: a column holding it)
//	    subject: true            # terms find these rows; Search returns them as subjects
//	    erase: anonymize         # "delete" (default) or "anonymize"
//	    anonymizedColumn: anonymized_at  # nullable; set on anonymization; such rows are skipped
//	    columns:
//	      - {name: full_name, term: NAME, normalized: full_name_norm, anonymize: redact}
//	      - {name: email, term: EMAIL, normalized: email_norm, anonymize: fakeEmail}
//	      - {name: mobile, term: PHONE, normalized: mobile_e164, anonymize: fakePhone}
//	      - {name: street, term: ADDRESS}                # anonymize: null by default
//	      - {name: twitter, term: TWITTER}
//	      - {name: customer_no, term: EXTERNAL_ID, anonymize: hash}
//	      - {name: contact_uuid, term: EXTERNAL_CONTACT_ID, anonymize: keep}
//	      - {name: dialer_id, term: DIALER_CONTACT_ID, scope: contact_list_id, anonymize: keep}
//	      - {name: journey_id, term: JOURNEY_CUSTOMER, scope: journey_type, anonymize: keep}
//	      - {name: notes, anonymize: fixed, value: "-"}  # no term: anonymized only
//	  - name: users
//	    key: id
//	    kind: user
//	    subject: true
//	    columns:
//	      - {name: user_uuid, term: USER_ID}
//	      - {name: display_name, term: NAME}
//	      - {name: work_email, term: EMAIL, normalized: work_email}  # stored normalized
//	      - {name: employment, field: employment}                    # read by retention policies
//	    exclude: [password_hash]                                     # never exported
//	  - name: chat_transcripts
//	    key: id
//	    kind: chatTranscript
//	    references: [{column: contact_id, table: contacts}]          # to: defaults to the key
//	  - name: chat_messages
//	    key: id
//	    kind: chatMessage
//	    references: [{column: transcript_id, table: chat_transcripts}]
//	  - name: orders
//	    key: order_no
//	    kind: order
//	    erase: anonymize
//	    anonymizedColumn: anonymized
//	    columns:
//	      - {name: ship_to, anonymize: redact}
//	      - {name: customer_id, anonymize: null}
//	    references: [{column: customer_id, table: contacts}]
//
// Term kinds are NAME, EMAIL, PHONE, ADDRESS, TWITTER, INSTAGRAM,
// FACEBOOK, APPLE_MESSAGES, EXTERNAL_ID, USER_ID, EXTERNAL_CONTACT_ID,
// DIALER_CONTACT_ID (scope: the contact list id column) and
// JOURNEY_CUSTOMER (scope: the type column). Several columns may hold one
// kind (work and private email). A subject row becomes a [gdpr.Subject]:
// the first NAME, EXTERNAL_ID and id columns holding a value, every EMAIL,
// PHONE and ADDRESS column holding one, and the first social handle column
// (in map order) holding one; values as stored.
//
// Only subject tables are matched by terms. Every other table is reached
// through references: a row that references a reached row (directly or
// through other rows, as chat messages → transcript → contact) is
// exported, rectified and erased with it. References must not form a
// cycle. Composite keys are not supported.
//
// Records: a row is a [adapter.Record] whose Kind is the table's kind,
// ID its key as text, and Fields every column of the live table that is
// not NULL and not excluded, named by column (or its field), text as
// strings. Retention policies read these fields, so a "user" table with an
// "employment" column works with [processor.CurrentEmployees].
//
// # Organizations (tenancy)
//
// Tables that hold several organizations' rows name, each, the column
// that says whose a row is:
//
//	tenants: {acme: "17", globex: "42"}  # optional: organization → value in the tenant columns
//	tables:
//	  - name: contacts
//	    tenant: org_id                    # this row belongs to the organization org_id names
//	    ...
//	  - name: orders
//	    tenant: org_id
//	    ...
//
// The adapter is then tenant-scoped ([Adapter.TenantScoped]): every
// statement it runs, the search of subject tables, the reads of linked
// tables (references are followed within the organization), the re-reads,
// updates and deletes of rectify and erase, carries "AND tenant = ?" with
// the value bound as a parameter; the value is the organization on the
// call's context ([gdpr.OrganizationFromContext]), or its entry in
// tenants. A call without an organization fails with
// [adapter.ErrNoOrganization]; an organization that tenants does not list
// holds nothing here (its searches find nothing, its erasures erase
// nothing). Remembered operations are kept apart per tenant.
//
// [Map.Check] refuses a map where some tables name a tenant column and
// others do not (a linked table without one would be reached across
// organizations), tenant values without tenant columns, two organizations
// with the same tenant value, and a tenant column that holds a term, is
// anonymized, or is the key or a reference. [Open] refuses a tenant
// column that is missing, or that is not text while tenants is not given
// (organization ids are text), or a tenant value its type cannot hold.
//
// Index the tenant column first: CREATE INDEX ON contacts (org_id,
// email_norm), one per normalized or id column, so that a tenant's search
// is one index lookup (BenchmarkSearchPostgres measures it over a million
// rows in a hundred tenants).
//
// # Loading checks
//
// [Open] checks the map on its own ([Map.Check]) and against the live
// schema: every table and column named exists; a NOT NULL column is not
// anonymized with "null"; every strategy's output fits its column (text
// for redact, hash, fakeEmail, fakePhone; 64 characters for hash, 40 for
// fakeEmail; a fixed value that parses as the column's type); an
// anonymizedColumn is nullable; references point at existing columns and
// form no cycle. Each defect is a [*MapError] naming table and column,
// never data. Identifiers come only from the checked map and the live
// schema and are quoted for the dialect; every value is a query parameter.
//
// # Search and indexes
//
// Terms arrive normalized ([adapter.Normalizer]: emails case-folded with
// IDNA domains, phones in E.164, names and addresses NFKC, case-folded,
// spaces collapsed; ids trimmed). Stored data need not be. For each term
// column the map may name a normalized column holding the value in that
// form (the column itself when data is stored normalized); search is then
// one equality on it, fast with an index:
//
//   - PostgreSQL: CREATE INDEX ON contacts (email_norm). A generated
//     column (email_norm TEXT GENERATED ALWAYS AS (lower(btrim(email)))
//     STORED) is exact for ASCII addresses; phones and non-ASCII names need
//     the E.164 / NFKC form written by the application (or a trigger). A
//     plain expression index on lower(email) is not used: the adapter does
//     not know that lower() is its normalization.
//   - MySQL/MariaDB: a VARCHAR normalized column with an index (TEXT cannot
//     be indexed without a prefix); a STORED generated column
//     (AS (LOWER(TRIM(email)))) with the same ASCII caveat. Candidates from
//     a case-insensitive collation are re-checked byte for byte in Go.
//   - SQLite: a normalized column with an index; generated columns need
//     SQLite 3.31 (modernc.org/sqlite has it).
//
// The adapter writes normalized columns that are not generated when it
// rectifies or anonymizes. Id columns (USER_ID, EXTERNAL_CONTACT_ID,
// DIALER_CONTACT_ID, JOURNEY_CUSTOMER, EXTERNAL_ID) are compared as
// stored (index them, with their scope column for the scoped ones).
//
// A term column without a normalized column is scanned: its non-NULL
// values are read (key and value only) and normalized in Go. That is
// correct for any stored form but linear in the table's rows: a
// full read and Go normalization of the column per Search (the
// unindexed equality alone took 187 ms at p50 over a million rows on
// PostgreSQL in BenchmarkSearchPostgres); use it for small tables or add
// the column.
//
// Every candidate row is checked again in Go against the normalized term,
// so a case- or accent-insensitive collation cannot widen a match.
//
// # Erase and rectify
//
// [Adapter.Erase] reads the matched and linked rows, asks keep about each
// one with no transaction open, then in one transaction per call re-reads
// them (FOR UPDATE on PostgreSQL and MySQL) and, if they did not change,
// deletes or anonymizes them, linked rows before the rows they reference.
// A row that stays (retained or anonymized) while the row it references is
// deleted gets its reference column set to NULL when that is nullable. An
// error from keep aborts before anything changes. [Adapter.Rectify] runs
// in one transaction too. Deadlocks, busy databases and rows changed
// meanwhile are retried a few times.
//
// Anonymization strategies: null; fixed (value); redact ("[redacted]");
// hash (hex HMAC-SHA256 under the key in hashKeyEnv, 64 characters); fakeEmail
// ("anon-" + 16 hex digits + "@anonymized.invalid", 40 characters, which
// passes email CHECK constraints and validation); fakePhone (the same
// punctuation, length and country code, other digits replaced, which
// passes format checks); keep. Term columns default to null, other columns
// to keep. Fake values are keyed by table, column and row when a hash key
// is set (so a re-run writes the same value), random otherwise.
//
// # Operations
//
// Open creates, if missing, a table (default gdpr_operations) that
// remembers operations:
//
//	CREATE TABLE gdpr_operations (
//		op_key VARCHAR(64) NOT NULL PRIMARY KEY,  -- SHA-256 of adapter, method, request and op ids
//		adapter VARCHAR(255) NOT NULL,
//		method VARCHAR(16) NOT NULL,
//		outcome TEXT,                             -- the gdpr.Outcome as JSON
//		created_at VARCHAR(40) NOT NULL
//	)
//
// Rectify and Erase insert their row first in their transaction (so a
// concurrent repeat waits) and store the outcome before committing: a
// repeat of an operation returns the first outcome, and a crash leaves
// nothing half done. Create the table yourself when the database user may
// not create tables.
//
// # SQLite
//
// Open SQLite with a busy timeout and immediate transactions, so that
// concurrent erasures queue rather than fail:
// "file:crm.db?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_txlock=immediate".
package sqladapter
