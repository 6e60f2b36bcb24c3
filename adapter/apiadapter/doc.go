// Package apiadapter is an adapter.Adapter over a GDPR API: the hosted
// Genesys Cloud GDPR API, or another gdpr serve. It lets one processor
// reach a remote GDPR service as one of its data stores, so that one data
// subject request goes through the contact centre and a company's own
// systems at once, and lets one gdpr serve federate others (one per region
// or business unit).
//
// # The procedure
//
// Each operation follows the procedure the hosted API's documentation
// prescribes:
//
//   - Search sends each term of a kind the remote supports (WithKinds) to
//     the subjects search; the subjects come back with their remote ids.
//     Resolve answers the ids those searches returned (a GDPR API searches
//     no ids), so that a request by a remote subject's id, as the
//     procedure makes after its searches, reaches that subject.
//   - Erase searches every term, asks the retention policy about each
//     remote subject (as a Record of kind "user", "externalContact" or
//     "dialerContact" whose fields are the subject's), and creates one
//     GDPR_DELETE per subject it does not keep, by the subject's remote id
//     with deleteConfirmed: never by a bare name. The remote decides
//     whether it deletes or anonymizes and does not say which, so the
//     Outcome counts the subjects as Erased.
//   - Export creates one GDPR_EXPORT per subject and, once they complete,
//     downloads each archive; its records become this adapter's part of
//     the export.
//   - Rectify creates one GDPR_UPDATE per subject with the replacement
//     terms, and counts the subjects as Updated.
//
// # Waiting
//
// A hosted erasure may take 14 days. After creating its remote requests
// an operation waits for them up to WithInlineWait, then returns an
// adapter.WaitError naming them: the processor parks the step, holding no
// worker and no lease, and calls again later with Op.Waiting, when the
// adapter looks at those requests only. A remote request that ends in
// ERROR is created again.
//
// # Never two remote requests
//
// Every remote request is named by a key derived from the request id, the
// adapter's name, the request type and the remote subject (never the
// attempt), sent as its Idempotency-Key and kept as its name. A retry
// after a crash, a failure or a lost lease therefore finds the request it
// created before: the remote answers the same key with the same request
// (gdpr serve does), and with WithLookup the adapter first looks for the
// step's names in the remote's request list, for remotes that do not
// honour idempotency keys (see WithLookup and NoKeys). The remote request
// ids are on the step (gdpr.Step.WaitingOn) before it waits.
//
// # Rate limits
//
// Give each remote one *gdpr.Client, made with the remote's rate
// (gdpr.WithRate): it throttles every call, adapts to the
// inin-ratelimit-* headers and retries 429s after Retry-After. A 429 that
// outlasts the client's retries is waited out here too: a rate limit
// never fails a step.
package apiadapter
