package main

// An area is one table of the report, which the template places by id.
type area struct {
	id   string
	rows []row
}

// The variables naming the databases the SQL benchmarks use.
const (
	postgresEnv = "GDPR_TEST_POSTGRES"
	mysqlEnv    = "GDPR_TEST_MYSQL"
)

// suite returns every row of the report, by area. Rows that share a run
// are measured by one go test invocation.
func suite() []area {
	return []area{clientArea(), engineArea(), sqlstoreArea(), sqladapterArea(), componentsArea(), apiArea()}
}

func clientArea() area {
	client := run{pkg: ".", bench: "^BenchmarkClientOverRawGET$", benchtime: "2s", quick: "200ms", count: 3}
	const c = "BenchmarkClientOverRawGET"
	throttle := run{pkg: "./bench/", bench: "^BenchmarkThrottle$", benchtime: "200x", quick: "40x", count: 1}
	throttled := func(b, label string) []measure {
		return []measure{amount(b, "pct-of-N", label, "% of N"), amount(b, "429s", "", " × 429"), amount(b, "failed", "", " failed")}
	}
	server := run{pkg: "./bench/", bench: "^BenchmarkServerOverBare$", benchtime: "20000x", quick: "2000x", count: 3}
	const s = "BenchmarkServerOverBare"
	flood := run{pkg: "./bench/", bench: "^BenchmarkTokenFlood$", benchtime: "5000x", quick: "500x", count: 3}
	const f = "BenchmarkTokenFlood"
	return area{id: "client", rows: []row{
		{
			what:     "client SearchSubjects (retry, throttle and auth layers, typed decode), one request at a time",
			run:      client,
			result:   []measure{duration(c, "client-ns", "", 1)},
			baseline: []measure{duration(c, "raw-ns", "raw net/http GET of the same URL decoded into the same type:", 1)},
			ratio:    reported(amount(c, "client/raw", "", "")),
			target:   ratioAtMost(1.2),
		},
		{
			what:     "client throttled to N = 50 req/s against a server allowing N (burst 10), 200 requests from 8 goroutines",
			run:      throttle,
			result:   throttled("BenchmarkThrottle/gdpr", ""),
			baseline: throttled("BenchmarkThrottle/retryablehttp", "go-retryablehttp with its default retries:"),
			target: both(atLeast(amount("BenchmarkThrottle/gdpr", "pct-of-N", "", ""), 97, "≥ 97% of N"),
				atMost(amount("BenchmarkThrottle/gdpr", "429s", "", ""), 0, "no 429")),
		},
		{
			what:   "server SearchSubjects, 64 concurrent clients, demo data (token check, rate accounting, search over 3 adapters, JSON)",
			run:    server,
			result: []measure{amount(s, "server-req/s", "", " req/s"), duration(s, "server-p99-µs", "p99", 1e3)},
			baseline: []measure{amount(s, "bare-req/s", "bare net/http handler writing the same JSON:", " req/s"),
				duration(s, "bare-p99-µs", "p99", 1e3)},
			ratio:  reported(amount(s, "server/bare", "", "")),
			target: ratioAtLeast(0.6),
		},
		{
			what:     "authenticated subject searches from 8 readers beside 32 callers flooding POST /oauth/token with wrong secrets, each from a fresh address (production PBKDF2 cost)",
			run:      flood,
			result:   []measure{duration(f, "flood-p50-µs", "p50", 1e3), duration(f, "flood-p99-µs", "p99", 1e3), amount(f, "token-calls/s", "", " token calls/s")},
			baseline: []measure{duration(f, "quiet-p50-µs", "the same readers without the flood: p50", 1e3), duration(f, "quiet-p99-µs", "p99", 1e3)},
			ratio:    reported(amount(f, "flood/quiet-p99", "", "")),
			target:   ratioAtMost(3),
		},
	}}
}

func engineArea() area {
	search := run{pkg: "./processor/", bench: "^BenchmarkSearchSubjects$", benchtime: "200000x", quick: "20000x", count: 1}
	searchAt := func(size string) []measure {
		b := "BenchmarkSearchSubjects/subjects=" + size
		return []measure{duration(b, "p50-ns", "p50", 1), duration(b, "p99-ns", "p99", 1), amount(b, "allocs/op", "", " allocs")}
	}
	p50 := func(size string, label string) measure {
		return duration("BenchmarkSearchSubjects/subjects="+size, "p50-ns", label, 1)
	}
	completed := run{pkg: "./processor/", bench: "^BenchmarkRequestsToCompleted$", benchtime: "5000x", quick: "500x", count: 3}
	perSecond := func(typ string) measure {
		return amount("BenchmarkRequestsToCompleted/"+typ, "requests/s", "", " requests/s")
	}
	export := run{pkg: "./bench/", bench: "^BenchmarkExportLargeSubject$", benchtime: "5x", quick: "1x", count: 1}
	exported := func(blobs string) []measure {
		b := "BenchmarkExportLargeSubject/blobs=" + blobs
		return []measure{amount(b, "peak-MB", "peak", " MB"), duration(b, "ns/op", "time", 1)}
	}
	peakAtMost := func(blobs string) target {
		return atMost(amount("BenchmarkExportLargeSubject/blobs="+blobs, "peak-MB", "", ""), 64, "peak ≤ 64 MB")
	}
	return area{id: "engine", rows: []row{
		{what: "SearchSubjects by email over 3 adapters, 10,000 subjects in all", run: search, result: searchAt("10k")},
		{what: "SearchSubjects by email over 3 adapters, 100,000 subjects", run: search, result: searchAt("100k"),
			baseline: []measure{p50("10k", "p50 at 10,000:")}, ratio: over(p50("100k", ""), p50("10k", ""))},
		{what: "SearchSubjects by email over 3 adapters, 1,000,000 subjects", run: search, result: searchAt("1M"),
			baseline: []measure{p50("10k", "p50 at 10,000:")}, ratio: over(p50("1M", ""), p50("10k", "")),
			target: atMost(p50("1M", ""), 10_000, "p50 ≤ 10 µs")},
		{what: "GDPR_DELETE, created → COMPLETED, memory store (3 adapters, each holding the person and a linked record; erase, verify, audit)",
			run: completed, result: []measure{perSecond("GDPR_DELETE")},
			target: atLeast(perSecond("GDPR_DELETE"), 2000, "≥ 2,000/s")},
		{what: "GDPR_EXPORT, created → COMPLETED, memory store (3 adapters, one zip with manifest per request)",
			run: completed, result: []measure{perSecond("GDPR_EXPORT")},
			target: atLeast(perSecond("GDPR_EXPORT"), 2000, "≥ 2,000/s")},
		{what: "export of one subject with 100,000 records (about 20 MB of JSON), blobs in files as a durable store keeps them",
			run: export, result: exported("files"), target: peakAtMost("files")},
		{what: "export of one subject with 100,000 records, memory store (which holds the archive, and any part stored for a retry, in memory)",
			run: export, result: exported("memory"), target: peakAtMost("memory")},
	}}
}

func sqlstoreArea() area {
	completed := run{pkg: "./store/sqlstore/", bench: "^BenchmarkRequestsToCompleted$", benchtime: "1000x", quick: "100x", count: 3}
	perSecond := func(name string) measure {
		return amount("BenchmarkRequestsToCompleted/"+name, "requests/s", "", " requests/s")
	}
	at := func(name string, limit float64, text string) target { return atLeast(perSecond(name), limit, text) }
	replicas := run{pkg: "./store/sqlstore/", bench: "^BenchmarkReplicas$", benchtime: "1000x", quick: "100x", count: 3, needs: postgresEnv}
	procs := func(n, label string) measure {
		return amount("BenchmarkReplicas/postgres/"+n+"processors", "requests/s", label, " requests/s")
	}
	return area{id: "sqlstore", rows: append([]row{
		{what: "GDPR_DELETE, SQLite (WAL, fully synced, one writer)", run: completed,
			result: []measure{perSecond("sqlite/GDPR_DELETE")}, target: at("sqlite/GDPR_DELETE", 300, "≥ 300/s")},
		{what: "GDPR_EXPORT, SQLite", run: completed,
			result: []measure{perSecond("sqlite/GDPR_EXPORT")}, target: at("sqlite/GDPR_EXPORT", 300, "≥ 300/s")},
		{what: "GDPR_DELETE, PostgreSQL (synchronous commit)", run: completed, needs: postgresEnv,
			result: []measure{perSecond("postgres/GDPR_DELETE")}, target: at("postgres/GDPR_DELETE", 500, "≥ 500/s")},
		{what: "GDPR_EXPORT, PostgreSQL", run: completed, needs: postgresEnv,
			result: []measure{perSecond("postgres/GDPR_EXPORT")}, target: at("postgres/GDPR_EXPORT", 500, "≥ 500/s")},
		{what: "PostgreSQL, mixed types (export, update, delete in turn), 3 processors sharing the database", run: replicas,
			result: []measure{procs("3", "")}, baseline: []measure{procs("1", "1 processor:")},
			ratio: over(procs("3", ""), procs("1", ""))},
	}, evidenceRows()...)}
}

// evidenceRows are the costs of signed checkpoints and receipts, and of
// checking a long chain.
func evidenceRows() []row {
	ev := run{pkg: "./store/sqlstore/", bench: "^BenchmarkEvidence$", benchtime: "10000x", quick: "2000x", count: 3}
	m := func(db, unit, label, suffix string) measure {
		return amount("BenchmarkEvidence/"+db, unit, label, suffix)
	}
	verify := run{pkg: "./bench/", bench: "^BenchmarkAuditVerify$", benchtime: "1x", quick: "1x", count: 1}
	var rows []row
	for _, db := range []struct{ name, label, needs string }{{"sqlite", "SQLite", ""}, {"postgres", "PostgreSQL", postgresEnv}} {
		rows = append(rows,
			row{what: "GDPR_DELETE with evidence, " + db.label + ": rounds of 1,000 in turns with a processor without, each ended once a signed checkpoint covers its requests (every receipt then made from the store with no signing)",
				run: ev, needs: db.needs,
				result: []measure{m(db.name, "with-req/s", "", " requests/s"), m(db.name, "tail-ms", "the last checkpoint of a round", " ms"),
					m(db.name, "receipt-reads/s", "receipts made", "/s")},
				baseline: []measure{m(db.name, "without-req/s", "the same without evidence, in turns:", " requests/s")},
				ratio:    reported(m(db.name, "with/without", "", "")), target: ratioAtLeast(0.9)},
		)
	}
	return append(rows, row{what: "`gdpr audit verify` of 1,000,000 events of one organization, SQLite read-only, a checkpoint every 100,000",
		run: verify, result: []measure{amount("BenchmarkAuditVerify", "events/s", "", " events/s"), amount("BenchmarkAuditVerify", "peak-MB", "peak", " MB")},
		target: atMost(amount("BenchmarkAuditVerify", "peak-MB", "", ""), 64, "streams: peak ≤ 64 MB")})
}

func sqladapterArea() area {
	search := run{pkg: "./adapter/sqladapter/", bench: "^BenchmarkSearchPostgres$", benchtime: "1s", quick: "100ms", count: 1, needs: postgresEnv}
	p50 := func(variant, label string) measure {
		return duration("BenchmarkSearchPostgres/"+variant, "p50-ms", label, 1e6)
	}
	erase := run{pkg: "./adapter/sqladapter/", bench: "^BenchmarkErase$", benchtime: "100x", quick: "10x", count: 1}
	erased := func(db string) []measure { return []measure{duration("BenchmarkErase/"+db, "ns/op", "", 1)} }
	scan := run{pkg: "./internal/sqlscan/", bench: "^BenchmarkScan100Columns$", benchtime: "3x", quick: "1x", count: 1}
	return area{id: "sqladapter", rows: []row{
		{what: "Search by email over 1,000,000 PostgreSQL rows, through the documented index on the normalized column",
			run: search, result: []measure{p50("indexed", "p50")}, baseline: []measure{p50("unindexed", "the same column without the index: p50")},
			ratio: over(p50("indexed", ""), p50("unindexed", ""))},
		{what: "Search by email over the same 1,000,000 rows spread over 100 tenants, as one tenant, through the documented index (tenant column first)",
			run: search, result: []measure{p50("tenant-scoped", "p50")}, baseline: []measure{p50("indexed", "unscoped indexed search, same run: p50")},
			ratio: over(p50("tenant-scoped", ""), p50("indexed", "")), target: ratioAtMost(1.2)},
		{what: "Erase one subject with 100 linked rows, SQLite", run: erase, result: erased("SQLite")},
		{what: "Erase one subject with 100 linked rows, PostgreSQL", run: erase, result: erased("Postgres"), needs: postgresEnv},
		{what: "Erase one subject with 100 linked rows, MariaDB", run: erase, result: erased("MySQL"), needs: mysqlEnv},
		{what: "`gdpr scan` engine, SQLite, 100 text columns × 1,000 rows (10% personal data)", run: scan,
			result: []measure{duration("BenchmarkScan100Columns", "ns/op", "", 1)}},
	}}
}

func componentsArea() area {
	search := run{pkg: "./adapter/memadapter/", bench: "^BenchmarkSearch$", benchtime: "1s", quick: "100ms", count: 3}
	claim := run{pkg: "./store/memstore/", bench: "^BenchmarkClaimUpdate$", benchtime: "1s", quick: "100ms", count: 3}
	timed := func(b string) []measure {
		return []measure{duration(b, "ns/op", "", 1), amount(b, "allocs/op", "", " allocs")}
	}
	return area{id: "components", rows: []row{
		{what: "memadapter Search by email, 1,000,000 people in one adapter", run: search, result: timed("BenchmarkSearch")},
		{what: "memstore Claim + Update to done, 100,000 jobs queued", run: claim, result: timed("BenchmarkClaimUpdate")},
	}}
}
