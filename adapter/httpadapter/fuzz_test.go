package httpadapter_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/gdprkit/gdpr/adapter/httpadapter"
	"github.com/gdprkit/gdpr/internal/demo"
)

// FuzzHandler sends correctly signed calls with arbitrary bodies to every
// route of a Handler over a memory adapter. Whatever the body, the answer
// is a protocol answer: 200 with JSON or NDJSON, or a 4xx with the error
// body naming a code; never a panic, never a 500.
func FuzzHandler(f *testing.F) {
	routes := []string{"search", "resolve", "export", "rectify", "erase", "describe"}
	email := `{"kind":"EMAIL","value":"` + demo.GeneratedEmail(1) + `"}`
	for i, body := range []string{
		`{"operationId":"op-1","term":` + email + `}`,
		`{"operationId":"op-2","term":{"kind":"EXTERNAL_CONTACT_ID","value":"p-contact-1"}}`,
		`{"operationId":"op-3","requestId":"r","terms":[` + email + `]}`,
		`{"operationId":"op-4","terms":[` + email + `],"changes":[{"kind":"EMAIL","existing":"` + demo.GeneratedEmail(1) + `","updated":"new@example.org"}]}`,
		`{"operationId":"op-5","terms":[` + email + `],"phase":"candidates"}`,
		`{"operationId":"op-6","terms":[` + email + `],"phase":"apply","decisions":[{"kind":"externalContact","id":"p-1","retain":true,"basis":"hold"}]}`,
		`{"operationId":"","term":null}`,
		`[]`,
		`{"operationId":"op-7","terms":[{"kind":"PHONE","value":"\u0000"}],"phase":"apply"}`,
		`{"operationId":"op-9","terms":[` + email + `],"phase":"apply","decisions":[{"kind":"externalContact","id":"p-1","version":"0f","retain":false}]}`,
	} {
		f.Add(uint8(i%len(routes)), []byte(body))
	}
	f.Add(uint8(slices.Index(routes, "describe")), []byte(`{"operationId":"op-8"}`))
	h, err := httpadapter.Handler(memory(f, "fuzzed", demo.Generated("p", 0, 20)), testSecret)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, r uint8, body []byte) {
		route := routes[int(r)%len(routes)]
		req := signed(t, "http://service.test/gdpr", route, testSecret, time.Now(), string(body))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		res := w.Result()
		switch {
		case res.StatusCode == http.StatusOK:
			checkAnswer(t, route, res.Header.Get("Content-Type"), w.Body.Bytes())
		case res.StatusCode >= 400 && res.StatusCode < 500:
			var e struct {
				Error struct{ Code, Message string }
			}
			if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Error.Code == "" {
				t.Fatalf("%s answered %d with %q: not an error body with a code", route, res.StatusCode, w.Body.String())
			}
		default:
			t.Fatalf("%s answered %d to %q: %s", route, res.StatusCode, body, w.Body.String())
		}
	})
}

// checkAnswer checks that a 200 answer is JSON, or NDJSON lines of JSON.
func checkAnswer(t *testing.T, route, contentType string, b []byte) {
	t.Helper()
	if contentType != "application/x-ndjson" {
		if !json.Valid(b) {
			t.Fatalf("%s answered 200 with invalid JSON %q", route, b)
		}
		return
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if !json.Valid(sc.Bytes()) {
			t.Fatalf("%s streamed an invalid line %q", route, sc.Bytes())
		}
	}
}
