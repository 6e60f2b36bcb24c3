// Package testkit is the scaffolding the module's tests share: a processor
// over the demo data with its workers running for a test, the loops that
// wait until a request is final, adapter wrappers that inject faults, and
// memadapters loaded with a data set (the adapter conformance fixture
// among them).
//
// It holds no assertions: what a test checks stays in the test. Only tests
// import it.
package testkit
