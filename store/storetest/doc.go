// Package storetest is the conformance suite of the [store.Store]
// contract, as testing/fstest is of io/fs: every Store (memory, SQLite,
// PostgreSQL) runs [TestStore] from its own test, with a constructor, and
// passes when it keeps the contract:
//
//	func TestStore(t *testing.T) {
//		storetest.TestStore(t, func(t *testing.T) store.Store {
//			return memstore.New()
//		})
//	}
//
// TestStore also checks the optional interfaces a Store may implement
// (store.FinishedLister, store.RequestEventer, store.RequestsEventer,
// store.BlobUpdater), and
// skips those it does not.
//
// The suite asserts behaviour that the processor relies on, not how an
// implementation works, so a new backend that passes it can replace
// another without the processor noticing. It runs its subtests in
// parallel and never sleeps: leases are tested with explicit times.
package storetest
