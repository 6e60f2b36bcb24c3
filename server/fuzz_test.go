package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/server"
)

// fuzzServer is a server over a processor that is never run: fuzzing
// exercises decoding and validation, not processing.
func fuzzServer(f *testing.F) (http.Handler, string) {
	f.Helper()
	mem, _ := newMemAdapter()
	p, err := processor.New(newMemStore(), []adapter.Adapter{mem})
	if err != nil {
		f.Fatal(err)
	}
	hash, _ := server.HashSecretCost("fuzz-secret-0123456789", 1)
	cs, _ := server.NewClients(server.Client{ID: "fuzz", SecretHash: hash, Organization: "fuzz", Scope: server.ScopeAll})
	s, err := server.New(p, cs, server.WithRate(0, 0))
	if err != nil {
		f.Fatal(err)
	}
	req := httptest.NewRequest("POST", "/oauth/token", bytes.NewReader([]byte("grant_type=client_credentials")))
	req.SetBasicAuth("fuzz", "fuzz-secret-0123456789")
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	json.Unmarshal(w.Body.Bytes(), &tok)
	return s, tok.AccessToken
}

// wantWireAnswer fails on a 5xx or on an error that is not an ErrorBody
// with a code.
func wantWireAnswer(t *testing.T, w *httptest.ResponseRecorder) {
	t.Helper()
	if w.Code >= 500 {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	if w.Code >= 400 {
		var eb gdpr.ErrorBody
		if err := json.Unmarshal(w.Body.Bytes(), &eb); err != nil || eb.Code == "" || eb.Status != w.Code {
			t.Fatalf("status %d with body %q", w.Code, w.Body)
		}
	}
}

func FuzzCreateRequestBody(f *testing.F) {
	for _, s := range []string{
		`{"requestType":"GDPR_EXPORT","subject":{"emailAddresses":["a@example.com"]}}`,
		`{"requestType":"GDPR_UPDATE","subject":{"name":"x"},"replacementTerms":[{"type":"NAME","existingValue":"x","updatedValue":"y"}]}`,
		`{"requestType":"GDPR_DELETE","subject":{"dialerContactId":{"id":"1","contactListId":"2"}}}`,
		`{"requestType":"GDPR_EXPORT","subject":{"socialHandle":{"type":"TWITTER","value":"@x"}},"createdDate":"2026-01-01"}`,
		`{"subject":null}`, `[]`, `"x"`, `{"requestType":1}`, ``,
	} {
		f.Add(s, "true")
	}
	h, token := fuzzServer(f)
	f.Fuzz(func(t *testing.T, body, confirmed string) {
		req := httptest.NewRequest("POST", "/api/v2/gdpr/requests?deleteConfirmed="+url.QueryEscape(confirmed), bytes.NewReader([]byte(body)))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		wantWireAnswer(t, w)
	})
}

func FuzzQueryParameters(f *testing.F) {
	f.Add("EMAIL", "a@example.com", "25", "1")
	f.Add("PHONE", "+44 20 7946 0101", "0", "0")
	f.Add("FAX", "", "-1", "x")
	f.Add("NAME", "\xff\x00", "99999999999999999999", "1")
	h, token := fuzzServer(f)
	f.Fuzz(func(t *testing.T, typ, value, size, number string) {
		for _, target := range []string{
			"/api/v2/gdpr/subjects?" + url.Values{"searchType": {typ}, "searchValue": {value}}.Encode(),
			"/api/v2/gdpr/requests?" + url.Values{"pageSize": {size}, "pageNumber": {number}}.Encode(),
			"/api/v2/gdpr/requests/" + url.PathEscape(value),
		} {
			req := httptest.NewRequest("GET", target, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			wantWireAnswer(t, w)
		}
	})
}
