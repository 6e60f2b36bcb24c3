// Package server serves a gdpr.Service on the wire of the GDPR API, so that
// clients written for the hosted API (official SDKs, curl, gdpr.Client)
// work against it unchanged.
//
// # Routes
//
// The four routes of the API:
//
//	GET  /api/v2/gdpr/subjects?searchType=&searchValue=
//	POST /api/v2/gdpr/requests?deleteConfirmed=
//	GET  /api/v2/gdpr/requests?pageSize=&pageNumber=
//	GET  /api/v2/gdpr/requests/{requestId}
//
// and four of its own: POST /oauth/token (OAuth 2 client credentials),
// GET /api/v2/gdpr/requests/{requestId}/results (the signed, expiring
// download behind a request's resultsUrl), GET /healthz, and, when the
// service is a [Retrier], POST /api/v2/gdpr/requests/{requestId}/retry.
// [WithObserver] is told of every answer (for metrics), and
// [CorrelationID] gives loggers the correlation id of the API request a
// context belongs to.
//
// # Authentication and tenancy
//
// Clients authenticate with client credentials ([Clients], loaded from a
// file whose secrets are stored hashed) and receive expiring bearer tokens.
// Each client belongs to one organization; the organization travels from
// the token on the request's context (gdpr.ContextWithOrganization) into the
// service, so no route reads or changes another organization's requests.
// Scope "gdpr" may use every route, "gdpr:readonly" only the GETs.
// Every token check confirms that its client is still in the clients
// set with the same organization and scope, and a set read by
// LoadClients follows its file, so removing a client revokes its tokens
// at once.
//
// Secret checks go through a [Guard], which bounds how many run at once
// and locks out an address (an IPv6 address: its /64) or a client id
// after repeated failures; share one with the console ([WithGuard]) so
// that both count in one lockout. Other front ends over the same service
// draw on an organization's rate with [Server.WaitBudget].
//
// # Errors and limits
//
// Every error is the wire ErrorBody with its documented status and code;
// bad input is a 4xx, never a 500. A service error matching
// gdpr.ErrUnavailable (a data store that failed) is a 503
// service.unavailable, naming the store when the error has a DataStore
// method and never showing the error's own text. Every response carries
// ININ-Correlation-Id and the inin-ratelimit-count, -allowed and -reset
// headers; an organization over its rate answers 429 with Retry-After.
// Calls that carry no valid bearer token (token requests, result
// downloads, unknown paths, refused tokens) are limited by the address
// they come from: behind a load balancer, name it with
// WithTrustedProxies, so that its X-Forwarded-For tells clients apart.
// Bodies are limited in size and must be application/json.
package server
