// Package processortest holds the conformance suites that every
// implementation of the processor's interfaces runs: [TestStore] for each
// processor.Store (memory, SQLite, PostgreSQL) and [TestAdapter] for each
// processor.Adapter. An implementation's own test calls the suite with a
// constructor, and passes when it keeps the interface's contract:
//
//	func TestStore(t *testing.T) {
//		processortest.TestStore(t, func(t *testing.T) processor.Store {
//			return memstore.New()
//		})
//	}
//
// TestStore also checks the optional interfaces a Store may implement
// (processor.FinishedLister, processor.RequestEventer,
// processor.BlobUpdater), and skips those it does not.
//
// The suites assert behaviour that the processor relies on, not how an
// implementation works, so a new backend that passes them can replace
// another without the processor noticing. They run their subtests in
// parallel and never sleep: leases are tested with explicit times.
package processortest
