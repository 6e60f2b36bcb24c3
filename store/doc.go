// Package store is the contract of the engine's memory: a [Store] keeps
// requests as [Job]s, leases them to workers, appends their [Event]s to
// each organization's hash-chained audit log and holds their export
// archives. A Store that is also a [CheckpointStore] keeps the signed
// checkpoints of those chains and their Merkle tree hashes, which package
// evidence writes and checks.
//
// A Store writer reads this package alone. Package storetest beside it is
// the conformance suite every Store runs; memstore (in memory) and
// sqlstore (SQLite, PostgreSQL) are the stores of the module. The engine
// (package processor) depends on this package, never the other way
// round.
package store
