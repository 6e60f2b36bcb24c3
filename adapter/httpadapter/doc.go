// Package httpadapter reaches personal data that lives in another service,
// on another machine, in any language: a small HTTP protocol for the
// operations of [adapter.Adapter], and both of its ends.
//
// [New] returns an Adapter that calls a service over the protocol, for the
// processor (gdpr serve lists such services in its --adapters file).
// [Handler] serves the protocol over any local adapter.Adapter
// (memadapter, sqladapter, a service's own), so a Go service takes part
// with one route:
//
//	h, err := httpadapter.Handler(crm, os.Getenv("GDPR_REMOTE_SECRET"))
//	...
//	mux.Handle("/gdpr/", h)
//	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second,
//		ReadTimeout: 30 * time.Second, WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute}
//
// The Handler refuses an unsigned or replayed call from its headers, before
// it reads the body, and serves a bounded number of calls at once
// ([WithMaxConcurrent]); the server's timeouts cut a caller that trickles
// its call or holds its connection open.
//
// PROTOCOL.md, beside this file, describes the protocol for services
// written in other languages. In brief:
//
// # Routes
//
// Every call is a POST of a JSON body to one route under the service's base
// URL: /search, /resolve, /export, /rectify, /erase, /describe. The body
// carries the normalized term (search, resolve) or terms of the subject, the
// request id, and an operation id. Search answers {"subjects": [...]}, resolve
// {"subject": {...}} or 404 not_found, rectify and erase {"outcome": {...}}:
// records updated, deleted, anonymized, and retained grouped by legal
// basis. Export answers a stream of newline-delimited JSON: a
// {"record": ...} line per record, then {"end": {"records": n}} (or an
// {"error": ...} line when it fails midway), so that a stream cut short is
// never taken for a short export.
//
// Describe answers the JSON of a [adapter.Description] (term kinds
// and kinds of record, never a value) when the service's adapter
// implements [adapter.Describer], and 404 not_described when it does
// not. The Adapter implements adapter.Describer with it, so that the
// processor's Inventory (gdpr inventory) shows what a remote service
// holds; a service that does not describe itself, or that predates the
// route (404 no_route), is listed as not described, which is no error.
//
// # Erasure and the retention policy
//
// The retention policy (the KeepFunc of Erase) stays in the processor, so an
// erasure is two calls with one operation id. The candidates phase streams
// the records the erasure would act on, each with a version (Handler sends
// the hex SHA-256 of the record's JSON); the processor asks the policy about
// each, once; the apply phase sends a decision for every record (erase, or
// retain with its basis), echoing the record's version, and the service
// erases the records as decided. Handler lists candidates with the local
// adapter's Export and applies with its Erase, under a KeepFunc that
// answers from the decisions: a record no decision covers, or whose version
// now differs from its decision's (its content changed after it was listed,
// so that the decision was made on what it held before), makes the local
// Erase fail and erase nothing (as the KeepFunc contract requires), the
// call is answered 409 undecided, and the Adapter lists the candidates
// again, so that the policy sees the record as it is. Erase thus still asks
// the policy about every record, as it is, before it is removed, and
// nothing is skipped silently. A decision without a version (a processor
// that predates versions) is applied as it is; so either end may be older.
//
// # Authentication
//
// Every call is signed: an HMAC-SHA256, keyed by a secret shared with the
// service (one per service), of the method, the route, a timestamp and the
// body, in the Gdpr-Timestamp and Gdpr-Signature headers. The handler
// compares signatures in constant time and answers 401 to a call that is not
// signed, is signed with another secret, was altered, or is stamped further
// than its window (default [DefaultWindow], 5 minutes; [WithWindow]) from
// its clock, so that a captured call cannot be replayed later. Within the
// window a replay is harmless: see below. Bodies over a limit
// ([DefaultMaxBody]; [WithMaxBody]) are answered 413.
//
// # Secret rotation
//
// A Handler accepts more than one secret ([WithSecrets]); the Adapter
// signs with one. To replace a secret without refusing a call:
//
//  1. Give the service the new secret beside the old one, e.g.
//     Handler(a, newSecret, WithSecrets(oldSecret)), on every instance.
//     Calls signed with either pass.
//  2. Switch the processor to the new secret. An Adapter made by
//     [NewFromSecretFile] reads its file again every second: replace the
//     file's content (gdpr serve's secretFile). One made by New keeps its
//     secret: make a new one (gdpr serve's secretEnv: restart it).
//  3. Once no processor signs with the old secret, remove it from the
//     service. Calls signed with it are answered 401 from then on.
//
// # Operation ids, retries and timeouts
//
// Rectify and erase calls carry the processor's operation id, which the
// service's adapter remembers (as the Adapter contract asks): a repeat is
// answered with the first run's Outcome and changes nothing. Search,
// resolve, export and the candidates phase change nothing. So every call
// can be retried safely, and the Adapter retries (go-retryablehttp) after a
// lost connection, a timeout, a 429 or a 5xx: [WithRetry]. Each attempt is
// bounded by [WithTimeout], and the calls in flight to one service by
// [WithConcurrency]. When retries run out the operation fails and the
// processor retries that adapter's step later, not the whole request. A
// 5xx that reports records changed is not retried (see below).
//
// # Errors and privacy
//
// Calls that fail return an [*Error] naming the adapter and the operation
// and saying what to check: the URL (404), the secret or the clocks (401),
// the service (5xx, unreachable), the timeout. A resolve the service answers
// 404 not_found matches gdpr.ErrNotFound.
//
// A rectify or erase whose local adapter fails after changing records is
// answered with the error and the Outcome of what it changed
// ({"error": {...}, "outcome": {...}}). The Adapter does not retry such a
// call under the same operation id: Rectify and Erase return the Outcome
// with their error, and the processor keeps those counts and retries the
// step later, under a new operation id, finding only what is left. An
// error answer without an outcome means nothing is known to have changed.
//
// Terms travel only in bodies, never in URLs; no error and no log line of
// this package holds a term, a record or a secret. Use HTTPS between
// machines: the signature authenticates calls, it does not hide them.
package httpadapter
