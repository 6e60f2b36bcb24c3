// Package adaptertest is the conformance suite of [adapter.Adapter], as
// testing/fstest is of io/fs: one function, [TestAdapter], that every
// adapter's tests call with a constructor, and the data set it runs on,
// [Fixture], in a form of its own that an adapter writer loads into the
// store under test.
//
// The suite depends on the contract alone, never on the engine or on
// another adapter.
package adaptertest
