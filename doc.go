// Package gdpr answers GDPR data subject requests: Article 15 access and
// export, Article 16 rectification and Article 17 erasure.
//
// One interface, [Service], is the contract every part of gdprkit meets at:
// search the subjects a term matches, create a request, get it, list them.
// It is the GDPR API of Genesys Cloud (/api/v2/gdpr/...) as a Go interface.
// [Client] implements it over HTTP, against the hosted API or a gdprkit
// server; the embeddable reference engine in package processor implements
// it over the operator's own data stores. Code written against Service
// runs unchanged against either.
//
//	client, err := gdpr.New(
//		gdpr.WithRegion("eu-west-1"),
//		gdpr.WithClientCredentials(id, secret),
//	)
//	subjects, err := client.SearchSubjects(ctx, gdpr.KindEmail, "ann@example.com")
//	req, err := client.CreateRequest(ctx, gdpr.RequestSpec{
//		Type:    gdpr.RequestExport,
//		Subject: gdpr.Subject{EmailAddresses: []string{"ann@example.com"}},
//	})
//	req, err = client.Wait(ctx, req.ID, nil)
//	n, err := client.DownloadResults(ctx, req, file)
//
// # Types
//
// The types of this package are the wire models of the GDPR API with their
// exact JSON names: [Subject], [Request], [ReplacementTerm],
// [DomainEntityRef], the entity listings and [ErrorBody]. Extra fields that
// the reference engine adds (the per-adapter [Step]s, the due date, the
// erasure [Verification]) are extra JSON fields, ignored by clients that do
// not know them.
//
// # Terms
//
// Every package of gdprkit speaks of what names a person with one
// vocabulary: a [Term] is a value with its [Kind], one of the wire's
// search kinds (name, address, phone, email, the social handles, external
// id) or one of the ids a subject is named by (userId, externalContactId,
// dialerContactId, journey customer), which are resolved rather than
// searched ([Kind.IsID]). [Subject.Terms] walks every term a subject
// carries with the wire field that holds it, [Term.Subject] makes the
// subject of a request for one term, and [Subject.Key] and
// [Subject.Merge] tell when two subjects are one person and join what
// each knows.
//
// # Authentication
//
// A Client authenticates with OAuth client credentials
// ([WithClientCredentials]) or a static bearer token ([WithToken]). With
// client credentials the token is fetched on the first call, cached, and
// fetched again shortly before it expires; when the API answers 401 the
// Client fetches a new token once and repeats the call, and a second 401
// is returned as an error matching [ErrUnauthorized]. The token endpoint is
// the API host with "api." replaced by "login." and the path /oauth/token
// (https://login.mypurecloud.ie/oauth/token for eu-west-1); for a host
// without an "api." label, such as a gdprkit server on localhost, it is the
// base URL followed by /oauth/token. A rejected client is an [*OAuthError].
//
// A Client made without credentials is valid (New never fails for lack of
// them) but each of its calls fails with [ErrNoCredentials] before
// anything is sent. The Authorization header goes only to the API's own
// host: results stored elsewhere are fetched without it.
//
// # Regions
//
// [WithRegion] picks the API of a region by name, such as "eu-west-1"
// (https://api.mypurecloud.ie), and names every region in its error when
// given another; us-east-1 is used when neither WithRegion nor
// [WithBaseURL] is given.
// WithBaseURL points the Client anywhere else, such as a gdprkit server.
//
// # Rate limits and retries
//
// Each call goes through a stack of transports, outermost first: retry,
// throttle, auth, and the base transport ([WithHTTPClient],
// [WithTransport]).
//
// The retry layer (go-retryablehttp) tries a call again after a
// connection error, a 429 or a 5xx other than 501, up to the
// [RetryPolicy] of [WithRetry] ([DefaultRetryPolicy]: 5 tries in all),
// waiting a jittered exponential backoff, or the server's Retry-After (in
// seconds or as an HTTP-date) up to a cap (a minute by default). A cancelled context is never retried. A POST is
// retried only when it carries an Idempotency-Key; [Client.CreateRequest]
// always sends one (the caller's [RequestSpec.IdempotencyKey], or one it
// makes per call), so the server creates one request however many
// attempts it takes. Every attempt sends the same body bytes. A
// successful response is read whole within its attempt, so a body that
// breaks off is retried like a dropped connection and never decoded in
// part; only [Client.DownloadResults], which streams, fails instead.
//
// The throttle layer takes a token from a bucket ([WithRate]; by default,
// and with a rate of 0, there is none) on every attempt, retries
// included, and follows the server's inin-ratelimit-allowed,
// inin-ratelimit-count and inin-ratelimit-reset headers: once the server's window is spent, calls wait for it to end.
// A 429 with Retry-After holds back every call of the Client until then.
// All waits end early when the call's context does.
//
// When retries run out, the caller gets the last response's error: a
// 429 is a [*RateLimitError] with its RetryAfter, matching
// [ErrRateLimited].
//
// # Errors
//
// Every failure a Service reports for bad input or a missing request is an
// [*APIError] carrying the wire [ErrorBody]: its HTTP status, its code
// (such as "invalid.property") and a message that says what to do next.
// Errors read by a Client also carry the HTTP status, the correlation id
// (the ININ-Correlation-Id header, or the body's contextId) and, when the
// body was not JSON, the raw body. Match the class of error with errors.Is
// against the sentinels ([ErrBadRequest], [ErrUnauthorized],
// [ErrForbidden], [ErrNotFound], [ErrConflict], [ErrRateLimited],
// [ErrServer], ...), or read the body with errors.As:
//
//	var apiErr *gdpr.APIError
//	if errors.As(err, &apiErr) {
//		log.Printf("%s (correlation id %s)", apiErr.Body.Code, apiErr.CorrelationID)
//	}
//
// Errors and logs never carry the query string, where search values go.
// Logging is off unless [WithLogger] is given, and logs only methods,
// paths, statuses, attempt numbers and waits: never search values, subject
// fields, bodies, tokens or secrets.
//
// # Asynchronous requests
//
// A request is processed after [Client.CreateRequest] returns, usually at
// INITIATED: it moves through SEARCHING, UPDATING or DELETING and
// FINALIZING to COMPLETED, or to ERROR (a poll need not see every state).
// [Client.Wait] polls it with a growing interval ([WithPolling]) until it
// is done, reporting each state it reads; a request that ends in ERROR
// comes back with a
// [*RequestFailedError]. The results of a completed export are written to
// any io.Writer by [Client.DownloadResults]. [Client.Requests] iterates
// over every request, page by page.
//
// # Data subject requests
//
// A person who writes in gives several identifiers: a name, an email, a
// phone. Package github.com/gdprkit/gdpr/dsr answers such a request over
// any [Service], in the steps people take: dsr.Resolve runs one subject
// search per identifier and tells the subjects the identifiers correlate
// from those a shared name or address alone found (possibly namesakes);
// a plan shows which requests would be made, one per accepted subject by
// its id; dsr.Submit creates them, with idempotency keys derived from the
// DSR so that submitting again after a crash creates nothing twice, and
// returns at once; dsr.Follow waits for them and reports.
//
// # Evidence
//
// A server that signs evidence (gdpr serve) serves each finished
// request's signed receipt, which [Client.Receipt] fetches, and its public
// key; package github.com/gdprkit/gdpr/evidence checks a receipt offline
// with the public key alone, and an audit chain against its signed
// checkpoints.
//
// # Testing code that uses gdprkit
//
// Code written against [Service] can be tested three ways, fastest first:
//
//   - In-process: package processor implements Service over in-memory
//     stores and adapters (store/memstore, adapter/memadapter), with real
//     validation, statuses and erasure verification.
//   - Over recorded HTTP: give the [Client] a go-vcr recorder with
//     [WithTransport], record once against gdprkit's reference server
//     (package server), and replay in every later run. The recorder's
//     matcher should ignore Authorization, User-Agent and Idempotency-Key,
//     and a before-save hook should redact tokens; examples/cassettes in
//     the repository does exactly this.
//   - Live: start the reference server on loopback (httptest) over the
//     processor, and point the Client at it with [WithBaseURL].
//
// # Organizations
//
// Requests belong to an organization. Code that serves several
// organizations from one Service puts the caller's organization on the
// context with [ContextWithOrganization]; nothing of one organization is
// visible to another.
//
// The package imports only the standard library, go-retryablehttp and
// golang.org/x/time/rate, so importing it stays light: drivers and heavier
// libraries live in the packages that need them.
package gdpr
