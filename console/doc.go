// Package console is the privacy console: the pages in a browser with which
// privacy officers answer data subject requests, on the same processor,
// clients and permissions as the GDPR API.
//
// gdpr serve mounts it at /console/ beside the API (see [Mount]); a program
// that embeds the processor can do the same:
//
//	con, err := console.New(proc, clients)
//	...
//	http.ListenAndServe(addr, console.Mount(apiHandler, con))
//
// The pages are server-rendered HTML with a little plain JavaScript (an
// auto-refresh of pages that follow a running request, which can be
// paused). Templates, styles and script are embedded in the binary: the
// console needs no build step, no CDN and no network beyond its server.
// Every page is readable and every form usable without JavaScript.
//
// # What it does
//
//   - New DSR: the officer enters the identifiers a person gave (name,
//     emails, phones, addresses, social handles, ids); the console resolves
//     them with [dsr.Resolve], exactly as gdpr dsar does, and shows the
//     candidate subjects with the identifiers each matched, confirmed or
//     ambiguous. The officer picks the request type and any ambiguous
//     subject that is the person, reviews the plan ([dsr.Resolution.Plan]),
//     and submits it: [dsr.Submit] creates one request per accepted
//     subject, with idempotency keys, so a repeated submission creates
//     nothing twice, and returns at once; the submitted DSR's page follows
//     the requests from there. An erasure needs an explicit confirmation
//     that names how many subjects and requests it touches; without it
//     nothing is created.
//   - Requests: the organization's requests with status, type, due date and
//     time left, overdue ones marked, filtered by status, in pages. A
//     request's page shows each data store's step (records found, exported,
//     deleted, anonymized, retained with the legal basis, errors,
//     attempts), the erasure verification, the request's audit trail with
//     a check of the organization's audit chain (see The audit trail),
//     the export download, the signed receipt, and a retry of a request
//     in ERROR.
//
// # The audit trail
//
// A request's page lists its audit events, checks the organization's
// audit chain, and says what it checked and when. With a processor that
// signs checkpoints ([processor.WithEvidence]; gdpr serve always does),
// the page names the checkpoint that first signs the request's events,
// with its time and the fingerprint of the key, or says that they are
// not signed yet and when the next checkpoint is due, and that signing is
// late when none followed within the checkpoint interval.
//
// The whole chain is checked at the first look at most every 15 minutes
// per organization: every event's hash and link to the one before, and,
// when the processor signs, every checkpoint's signature with its public
// key, its number, its link to the one before and the Merkle root of the
// events it signs ([evidence.Verify]). In between, each look reads what
// was added since the last one ([evidence.VerifySince]): the new events'
// hashes and links, the new checkpoints' signatures, numbers and links,
// and the newest one's head against the stored event, having read the
// last event and checkpoint verified back; the new checkpoints' Merkle
// roots, and an event changed before the last one verified, wait for the
// next whole check. A page that refreshes while its request runs thus
// reads what is new, not the chain.
//
// What does not hold is said in words: what happened (an event changed,
// events deleted, a checkpoint signed by another key, ...), at which event
// and checkpoint, and which check found it; the rest of the page is still
// served, and the next look checks the whole chain again. Without an
// evidence key the page says the chain is hash-linked but not signed,
// and how to sign it.
//
// # Sign-in and permissions
//
// Officers sign in with the client id and secret of a client of the
// server's clients file ([server.Clients.Authenticate]). The session holds
// the client's organization and scope: every call to the processor is made
// with [gdpr.ContextWithOrganization] of that organization, so the console shows
// and changes that organization's requests only. A client of scope
// gdpr:readonly may look people up and read requests, but every POST that
// would create or retry a request is refused with 403 on the server, not
// only hidden. Repeated sign-in failures from one address, or at one
// client id, are refused for a while (see [WithSignInLimit], and
// [WithGuard] to share the lockout with the API's token endpoint); a
// session ends as soon as its client leaves the clients file or changes
// organization or scope. With [WithRateBudget], the console's searches and
// creations draw on the organization's API rate.
//
// # Sessions
//
// Sessions live in the memory of the process: a random 256-bit id in an
// HttpOnly, SameSite=Strict cookie scoped to /console/, Secure when served
// over TLS (or always, with [WithSecureCookies]). They end after an idle
// time and a maximum lifetime ([WithSessionLifetime]), on sign-out, and
// when the process restarts; behind a load balancer, send each officer to
// one replica. What a session holds of a DSR in progress (the identifiers
// and their resolution) is kept with it and goes with it.
//
// # Forgery and injection
//
// Every POST form carries the session's CSRF token in a hidden field,
// compared in constant time; a POST without it, or with a wrong one, is
// refused with 403 and a page that says why. The sign-in form carries a
// token of its own, tied to a cookie. Pages are sent with a strict
// Content-Security-Policy (default-src 'self', no inline script or style,
// frame-ancestors 'none'), nosniff and no-referrer, and are not cached.
//
// # Personal data
//
// Identifiers travel in POST bodies only, never in URLs: URLs hold request
// ids, random draft ids, page numbers and statuses. The console logs
// sign-ins, sign-outs, submissions and retries with ids and counts, never
// a person's identifiers or a secret.
package console
