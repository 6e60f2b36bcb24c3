package apiadapter

import "net/http"

// NoKeys returns a transport that sends requests through base (nil:
// http.DefaultTransport) without their Idempotency-Key header. Use it as
// the base transport (gdpr.WithTransport) of the client of a remote that
// ignores the header, with WithLookup and a client that does not retry:
// Go's HTTP transport resends a request carrying the header when a reused
// connection breaks, which to such a remote is a second request.
func NoKeys(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return noKeys{base}
}

type noKeys struct{ base http.RoundTripper }

func (t noKeys) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Header.Get("Idempotency-Key") == "" {
		return t.base.RoundTrip(r)
	}
	r = r.Clone(r.Context())
	r.Header.Del("Idempotency-Key")
	return t.base.RoundTrip(r)
}
