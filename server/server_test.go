package server_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/internal/testclock"
	"github.com/gdprkit/gdpr/internal/testkit"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/server"
)

// testEnv is a server over a running processor over the demo data, with
// three clients: acme (gdpr), acme-ro (gdpr:readonly) and globex (gdpr).
type testEnv struct {
	srv   *httptest.Server
	p     *processor.Processor
	clock *testclock.Clock
}

const secret = "s3cret-for-tests"

func newEnv(t *testing.T, opts ...server.Option) *testEnv {
	t.Helper()
	p := testkit.Demo(t)

	hash := server.CheapHash(t, secret)
	clients, err := server.NewClients(
		server.Client{ID: "acme", SecretHash: hash, Organization: "acme", Scope: server.ScopeAll},
		server.Client{ID: "acme-ro", SecretHash: hash, Organization: "acme", Scope: server.ScopeReadOnly},
		server.Client{ID: "globex", SecretHash: hash, Organization: "globex", Scope: server.ScopeAll},
	)
	if err != nil {
		t.Fatal(err)
	}
	c := testclock.New(time.Now())
	opts = append([]server.Option{server.WithClock(c.Now), server.WithRate(0, 0)}, opts...)
	s, err := server.New(p, clients, opts...)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return &testEnv{srv: srv, p: p, clock: c}
}

// token gets a bearer token for the client over the wire.
func (e *testEnv) token(t *testing.T, client string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/oauth/token", strings.NewReader("grant_type=client_credentials"))
	req.SetBasicAuth(client, secret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, body := e.send(t, req)
	if resp.StatusCode != 200 {
		t.Fatalf("token: %d %s", resp.StatusCode, body)
	}
	var tr struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int    `json:"expires_in"`
	}
	if err := json.Unmarshal(body, &tr); err != nil || tr.TokenType != "bearer" || tr.ExpiresIn != 3600 {
		t.Fatalf("token response %s: %v", body, err)
	}
	return tr.AccessToken
}

func (e *testEnv) send(t *testing.T, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// call sends method path with the token (if any) and a JSON body (if
// any).
func (e *testEnv) call(t *testing.T, token, method, path string, body any, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return e.send(t, req)
}

// wantError asserts an ErrorBody response with status and code, the
// correlation id in header and body, and the rate-limit headers.
func wantError(t *testing.T, resp *http.Response, body []byte, status int, code, field string) gdpr.ErrorBody {
	t.Helper()
	var eb gdpr.ErrorBody
	if err := json.Unmarshal(body, &eb); err != nil {
		t.Fatalf("body %q is not an ErrorBody: %v", body, err)
	}
	if resp.StatusCode != status || eb.Status != status || eb.Code != code {
		t.Fatalf("got %d %d %q (%s), want %d %q", resp.StatusCode, eb.Status, eb.Code, eb.Message, status, code)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q", ct)
	}
	if eb.Message == "" || eb.Details == nil || eb.Errors == nil {
		t.Fatalf("error body incomplete: %s", body)
	}
	if id := resp.Header.Get("ININ-Correlation-Id"); id == "" || eb.ContextID != id {
		t.Fatalf("correlation id header %q, contextId %q", id, eb.ContextID)
	}
	if field != "" && (len(eb.Details) == 0 || eb.Details[0].FieldName != field) {
		t.Fatalf("details %+v, want field %q", eb.Details, field)
	}
	return eb
}

func wantRateHeaders(t *testing.T, resp *http.Response) {
	t.Helper()
	for _, h := range []string{"inin-ratelimit-count", "inin-ratelimit-allowed", "inin-ratelimit-reset", "ININ-Correlation-Id"} {
		if resp.Header.Get(h) == "" {
			t.Fatalf("response lacks %s", h)
		}
	}
}

// wait polls a request until it is final.
func (e *testEnv) wait(t *testing.T, token, id string) gdpr.Request {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, body := e.call(t, token, "GET", "/api/v2/gdpr/requests/"+id, nil)
		if resp.StatusCode != 200 {
			t.Fatalf("get: %d %s", resp.StatusCode, body)
		}
		var r gdpr.Request
		if err := json.Unmarshal(body, &r); err != nil {
			t.Fatal(err)
		}
		if r.Status.Done() {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("request %s stuck at %s", id, r.Status)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestErrorRows(t *testing.T) {
	t.Parallel()
	e := newEnv(t, server.WithMaxBody(2048))
	tok := e.token(t, "acme")
	resp, body := e.call(t, tok, "POST", "/api/v2/gdpr/requests", map[string]any{"requestType": "GDPR_EXPORT", "subject": map[string]any{"name": demo.JordanBlake}})
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("create: %d %s", resp.StatusCode, body)
	}
	var made gdpr.Request
	json.Unmarshal(body, &made)

	expired := e.token(t, "acme")
	e.clock.Advance(2 * time.Hour)
	tok, ro, other := e.token(t, "acme"), e.token(t, "acme-ro"), e.token(t, "globex")

	big := `{"requestType":"GDPR_EXPORT","name":"` + strings.Repeat("x", 4096) + `","subject":{"name":"x"}}`
	cases := []struct {
		name   string
		token  string
		method string
		path   string
		body   any
		hdr    []string
		status int
		code   string
		field  string
	}{
		{"missing searchType", tok, "GET", "/api/v2/gdpr/subjects?searchValue=x", nil, nil, 400, gdpr.CodeInvalidQueryParamValue, "searchType"},
		{"unknown searchType", tok, "GET", "/api/v2/gdpr/subjects?searchType=FAX&searchValue=x", nil, nil, 400, gdpr.CodeInvalidQueryParamValue, "searchType"},
		{"missing searchValue", tok, "GET", "/api/v2/gdpr/subjects?searchType=EMAIL", nil, nil, 400, gdpr.CodeInvalidQueryParamValue, "searchValue"},
		{"invalid search email", tok, "GET", "/api/v2/gdpr/subjects?searchType=EMAIL&searchValue=nobody", nil, nil, 400, gdpr.CodeInvalidValue, "searchValue"},
		{"malformed JSON", tok, "POST", "/api/v2/gdpr/requests", `{"requestType":`, nil, 400, gdpr.CodeBadRequest, ""},
		{"empty body", tok, "POST", "/api/v2/gdpr/requests", ``, nil, 400, gdpr.CodeBadRequest, ""},
		{"two JSON values", tok, "POST", "/api/v2/gdpr/requests", `{"requestType":"GDPR_EXPORT"} {}`, nil, 400, gdpr.CodeBadRequest, ""},
		{"wrong JSON type", tok, "POST", "/api/v2/gdpr/requests", `{"requestType":"GDPR_EXPORT","subject":"jane"}`, nil, 400, gdpr.CodeBadRequest, "subject"},
		{"bad createdDate", tok, "POST", "/api/v2/gdpr/requests", `{"requestType":"GDPR_EXPORT","createdDate":"yesterday","subject":{"name":"x"}}`, nil, 400, gdpr.CodeBadRequest, ""},
		{"unknown requestType", tok, "POST", "/api/v2/gdpr/requests", `{"requestType":"GDPR_GET","subject":{"name":"x"}}`, nil, 400, gdpr.CodeInvalidValue, "requestType"},
		{"missing requestType", tok, "POST", "/api/v2/gdpr/requests", `{"subject":{"name":"x"}}`, nil, 400, gdpr.CodeInvalidValue, "requestType"},
		{"unknown social type", tok, "POST", "/api/v2/gdpr/requests", `{"requestType":"GDPR_EXPORT","subject":{"socialHandle":{"type":"MYSPACE","value":"x"}}}`, nil, 400, gdpr.CodeInvalidValue, "subject.socialHandle.type"},
		{"unknown replacement type", tok, "POST", "/api/v2/gdpr/requests", `{"requestType":"GDPR_UPDATE","subject":{"name":"x"},"replacementTerms":[{"type":"FAX","existingValue":"1","updatedValue":"2"}]}`, nil, 400, gdpr.CodeInvalidValue, "replacementTerms[0].type"},
		{"two terms", tok, "POST", "/api/v2/gdpr/requests", `{"requestType":"GDPR_EXPORT","subject":{"name":"x","emailAddresses":["a@example.com"]}}`, nil, 400, gdpr.CodeInvalidProperty, "subject"},
		{"delete not confirmed", tok, "POST", "/api/v2/gdpr/requests", `{"requestType":"GDPR_DELETE","subject":{"name":"x"}}`, nil, 400, gdpr.CodeInvalidProperty, "deleteConfirmed"},
		{"bad deleteConfirmed", tok, "POST", "/api/v2/gdpr/requests?deleteConfirmed=maybe", `{"requestType":"GDPR_DELETE","subject":{"name":"x"}}`, nil, 400, gdpr.CodeInvalidQueryParamValue, "deleteConfirmed"},
		{"body over the limit", tok, "POST", "/api/v2/gdpr/requests", big, nil, 413, "request.entity.too.large", ""},
		{"wrong content type", tok, "POST", "/api/v2/gdpr/requests", `{}`, []string{"Content-Type", "text/plain"}, 415, "unsupported.media.type", ""},
		{"bad pageSize", tok, "GET", "/api/v2/gdpr/requests?pageSize=ten", nil, nil, 400, gdpr.CodeInvalidQueryParamValue, "pageSize"},
		{"pageSize too large", tok, "GET", "/api/v2/gdpr/requests?pageSize=100000", nil, nil, 400, gdpr.CodeInvalidQueryParamValue, "pageSize"},
		{"bad pageNumber", tok, "GET", "/api/v2/gdpr/requests?pageNumber=-1", nil, nil, 400, gdpr.CodeInvalidQueryParamValue, "pageNumber"},
		{"unknown id", tok, "GET", "/api/v2/gdpr/requests/9f0e0c1a-0000-4000-8000-000000000000", nil, nil, 404, gdpr.CodeNotFound, ""},
		{"another organization's id", other, "GET", "/api/v2/gdpr/requests/" + made.ID, nil, nil, 404, gdpr.CodeNotFound, ""},
		{"missing token", "", "GET", "/api/v2/gdpr/requests", nil, nil, 401, "authentication.required", ""},
		{"bad token", "not-a-token", "GET", "/api/v2/gdpr/requests", nil, nil, 401, "bad.credentials", ""},
		{"forged token", tok[:len(tok)-4] + "AAAA", "GET", "/api/v2/gdpr/requests", nil, nil, 401, "bad.credentials", ""},
		{"expired token", expired, "GET", "/api/v2/gdpr/requests", nil, nil, 401, "bad.credentials", ""},
		{"read-only token on POST", ro, "POST", "/api/v2/gdpr/requests", `{"requestType":"GDPR_EXPORT","subject":{"name":"x"}}`, nil, 403, "app.not.authorized.for.scope", ""},
		{"unknown route", tok, "GET", "/api/v2/gdpr/other", nil, nil, 404, gdpr.CodeNotFound, ""},
		{"wrong method", tok, "DELETE", "/api/v2/gdpr/requests", nil, nil, 405, gdpr.CodeBadRequest, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			hdr := c.hdr
			resp, body := e.call(t, c.token, c.method, c.path, c.body, hdr...)
			wantError(t, resp, body, c.status, c.code, c.field)
			wantRateHeaders(t, resp)
		})
	}
	// The read-only client may read.
	resp, body = e.call(t, ro, "GET", "/api/v2/gdpr/requests/"+made.ID, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("read-only GET: %d %s", resp.StatusCode, body)
	}
}

// TestTokenUsedAgainIsCheckedAgain checks that a token the server has
// seen is still refused once forged or expired.
func TestTokenUsedAgainIsCheckedAgain(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tok := e.token(t, "acme")
	payload, sig, _ := strings.Cut(tok, ".")
	for i := range 2 {
		if resp, body := e.call(t, tok, "GET", "/api/v2/gdpr/requests", nil); resp.StatusCode != 200 {
			t.Fatalf("use %d: %d %s", i+1, resp.StatusCode, body)
		}
	}
	forged := []string{
		payload + "." + sig[:len(sig)-4] + "AAAA",
		payload + "." + sig[:len(sig)-1],
		payload + "." + sig + "A",
		payload + ".",
		payload,
	}
	for _, f := range forged {
		resp, body := e.call(t, f, "GET", "/api/v2/gdpr/requests", nil)
		wantError(t, resp, body, 401, "bad.credentials", "")
	}
	e.clock.Advance(time.Hour + time.Second) // past the expiry, which is at most TTL + 1s away
	resp, body := e.call(t, tok, "GET", "/api/v2/gdpr/requests", nil)
	wantError(t, resp, body, 401, "bad.credentials", "")
}

func TestTokenEndpoint(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	form := func(client, sec, grant string) (*http.Response, []byte) {
		req, _ := http.NewRequest("POST", e.srv.URL+"/oauth/token", strings.NewReader("grant_type="+grant))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if client != "" {
			req.SetBasicAuth(client, sec)
		}
		return e.send(t, req)
	}
	cases := []struct {
		name, client, secret, grant string
		status                      int
		code                        string
	}{
		{"no credentials", "", "", "client_credentials", 401, "invalid_client"},
		{"wrong secret", "acme", "guess", "client_credentials", 401, "invalid_client"},
		{"unknown client", "nobody", secret, "client_credentials", 401, "invalid_client"},
		{"wrong grant", "acme", secret, "password", 400, "unsupported_grant_type"},
	}
	for _, c := range cases {
		resp, body := form(c.client, c.secret, c.grant)
		var oe struct{ Error, Description, ErrorDescription string }
		json.Unmarshal(body, &oe)
		if resp.StatusCode != c.status || oe.Error != c.code || oe.Description == "" {
			t.Errorf("%s: %d %s", c.name, resp.StatusCode, body)
		}
	}
	if tok := e.token(t, "acme"); strings.Contains(tok, secret) {
		t.Fatal("token carries the secret")
	}
}

// TestWireFlow is the sequence a client that knows only the wire runs:
// token, search, create export / update / delete, poll, download.
func TestWireFlow(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tok := e.token(t, "acme")

	resp, body := e.call(t, tok, "GET", "/api/v2/gdpr/subjects?searchType=EMAIL&searchValue="+url.QueryEscape(demo.SamRiveraEmail), nil)
	if resp.StatusCode != 200 {
		t.Fatalf("search: %d %s", resp.StatusCode, body)
	}
	wantRateHeaders(t, resp)
	var subjects gdpr.SubjectEntityListing
	json.Unmarshal(body, &subjects)
	if subjects.Total != 2 || len(subjects.Entities) != 2 || subjects.PageCount != 1 || subjects.SelfURI == "" {
		t.Fatalf("subjects listing: %s", body)
	}

	create := func(spec string, query string) gdpr.Request {
		resp, body := e.call(t, tok, "POST", "/api/v2/gdpr/requests"+query, spec)
		if resp.StatusCode != http.StatusAccepted {
			t.Fatalf("create %s: %d %s", spec, resp.StatusCode, body)
		}
		var r gdpr.Request
		json.Unmarshal(body, &r)
		if r.Status != gdpr.StatusInitiated || r.SelfURI != "/api/v2/gdpr/requests/"+r.ID || r.CreatedDate.IsZero() {
			t.Fatalf("created: %s", body)
		}
		return r
	}
	export := create(`{"requestType":"GDPR_EXPORT","subject":{"emailAddresses":["`+demo.LenaFischerEmail+`"]}}`, "")
	update := create(`{"requestType":"GDPR_UPDATE","subject":{"name":"`+demo.JordanBlake+`"},"replacementTerms":[{"type":"NAME","existingValue":"Jordan Blake","updatedValue":"Jordan Black"}]}`, "")
	del := create(`{"requestType":"GDPR_DELETE","subject":{"emailAddresses":["`+demo.SamRiveraEmail+`"]}}`, "?deleteConfirmed=true")

	for _, r := range []gdpr.Request{update, del} {
		if got := e.wait(t, tok, r.ID); got.Status != gdpr.StatusCompleted {
			t.Fatalf("%s ended %s", r.RequestType, got.Status)
		}
	}
	got := e.wait(t, tok, export.ID)
	if got.Status != gdpr.StatusCompleted || !strings.HasPrefix(got.ResultsURL, e.srv.URL+"/api/v2/gdpr/requests/"+export.ID+"/results?") {
		t.Fatalf("export: %s %q", got.Status, got.ResultsURL)
	}
	// The signed URL needs no token.
	resp, body = e.call(t, "", "GET", strings.TrimPrefix(got.ResultsURL, e.srv.URL), nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("download: %d %s", resp.StatusCode, body)
	}
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = true
	}
	if !names["manifest.json"] || !names["crm.json"] {
		t.Fatalf("archive holds %v", names)
	}

	// Tampered, other-organization and expired URLs are refused.
	u, _ := url.Parse(got.ResultsURL)
	q := u.Query()
	q.Set("org", "globex")
	resp, body = e.call(t, "", "GET", u.Path+"?"+q.Encode(), nil)
	wantError(t, resp, body, 401, "bad.credentials", "")
	e.clock.Advance(server.DefaultResultsTTL + time.Second)
	resp, body = e.call(t, "", "GET", strings.TrimPrefix(got.ResultsURL, e.srv.URL), nil)
	wantError(t, resp, body, 401, "bad.credentials", "")

	// The listing pages with every URI.
	resp, body = e.call(t, e.token(t, "acme"), "GET", "/api/v2/gdpr/requests?pageSize=2&pageNumber=1", nil)
	var page gdpr.RequestEntityListing
	json.Unmarshal(body, &page)
	if resp.StatusCode != 200 || page.Total != 3 || page.PageCount != 2 || len(page.Entities) != 2 ||
		page.NextURI != "/api/v2/gdpr/requests?pageSize=2&pageNumber=2" || page.PreviousURI != "" ||
		page.FirstURI != "/api/v2/gdpr/requests?pageSize=2&pageNumber=1" || page.LastURI != "/api/v2/gdpr/requests?pageSize=2&pageNumber=2" {
		t.Fatalf("page: %d %s", resp.StatusCode, body)
	}
	// Official clients send pageSize=0 and pageNumber=0: the defaults.
	resp, body = e.call(t, e.token(t, "acme"), "GET", "/api/v2/gdpr/requests?pageSize=0&pageNumber=0", nil)
	json.Unmarshal(body, &page)
	if resp.StatusCode != 200 || page.PageSize != 25 || page.PageNumber != 1 || len(page.Entities) != 3 {
		t.Fatalf("defaults: %d %s", resp.StatusCode, body)
	}
	// Another organization sees none of it.
	resp, body = e.call(t, e.token(t, "globex"), "GET", "/api/v2/gdpr/requests", nil)
	json.Unmarshal(body, &page)
	if resp.StatusCode != 200 || page.Total != 0 {
		t.Fatalf("globex sees %s", body)
	}
}

func TestIdempotencyKeyOverTheWire(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tok := e.token(t, "acme")
	spec := `{"requestType":"GDPR_EXPORT","subject":{"name":"Jordan Blake"}}`
	_, b1 := e.call(t, tok, "POST", "/api/v2/gdpr/requests", spec, "Idempotency-Key", "k-1")
	_, b2 := e.call(t, tok, "POST", "/api/v2/gdpr/requests", spec, "Idempotency-Key", "k-1")
	var r1, r2 gdpr.Request
	json.Unmarshal(b1, &r1)
	json.Unmarshal(b2, &r2)
	if r1.ID == "" || r1.ID != r2.ID {
		t.Fatalf("repeat made %q and %q", r1.ID, r2.ID)
	}
	resp, body := e.call(t, tok, "POST", "/api/v2/gdpr/requests", `{"requestType":"GDPR_EXPORT","subject":{"name":"Sam Rivera"}}`, "Idempotency-Key", "k-1")
	wantError(t, resp, body, 409, gdpr.CodeRequestConflict, "")
}

func TestRateLimitPerOrganization(t *testing.T) {
	t.Parallel()
	e := newEnv(t, server.WithRate(1, 3))
	acme, globex := e.token(t, "acme"), e.token(t, "globex")
	for i := range 3 {
		resp, body := e.call(t, acme, "GET", "/api/v2/gdpr/requests", nil)
		if resp.StatusCode != 200 {
			t.Fatalf("request %d within the burst: %d %s", i, resp.StatusCode, body)
		}
		if got := resp.Header.Get("inin-ratelimit-allowed"); got != "60" {
			t.Fatalf("inin-ratelimit-allowed = %q, want 60 (1/s over a minute)", got)
		}
	}
	resp, body := e.call(t, acme, "GET", "/api/v2/gdpr/requests", nil)
	eb := wantError(t, resp, body, 429, "too.many.requests.retry.after", "")
	if resp.Header.Get("Retry-After") != "1" || eb.Message != "Rate limit exceeded the maximum. Retry the request in [1] seconds" {
		t.Fatalf("429: Retry-After %q, message %q", resp.Header.Get("Retry-After"), eb.Message)
	}
	// Another organization has its own budget.
	if resp, _ := e.call(t, globex, "GET", "/api/v2/gdpr/requests", nil); resp.StatusCode != 200 {
		t.Fatalf("globex limited by acme's use: %d", resp.StatusCode)
	}
	e.clock.Advance(time.Second)
	if resp, _ := e.call(t, acme, "GET", "/api/v2/gdpr/requests", nil); resp.StatusCode != 200 {
		t.Fatalf("after Retry-After: %d", resp.StatusCode)
	}
}

func TestHealth(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	resp, body := e.call(t, "", "GET", "/healthz", nil)
	if resp.StatusCode != 200 || !strings.Contains(string(body), "ok") {
		t.Fatalf("health: %d %s", resp.StatusCode, body)
	}
}
