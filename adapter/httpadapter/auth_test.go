package httpadapter_test

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter/httpadapter"
	"github.com/gdprkit/gdpr/adapter/memadapter"
)

// people is a small data set for the tests of this package.
func people() memadapter.Dataset {
	return memadapter.Dataset{
		People: []memadapter.Person{{Key: "robin", Kind: memadapter.KindExternalContact, ExternalContactID: "ec-robin",
			Name: "Robin Vale", Emails: []string{"robin@example.com"}}},
		Records: []memadapter.LinkedRecord{{ID: "order-1", Kind: "order", Person: "robin", Fields: map[string]any{"total": 12.5}}},
	}
}

// signed builds a call to route as PROTOCOL.md describes it, signed with
// secret at ts, with a new nonce: both signatures, v1 over the body and v2
// over the headers with the body's SHA-256.
func signed(t *testing.T, base, route, secret string, ts time.Time, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, base+"/"+route, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	stamp := strconv.FormatInt(ts.Unix(), 10)
	m := hmac.New(sha256.New, []byte(secret))
	io.WriteString(m, "POST\n/"+route+"\n"+stamp+"\n"+body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Gdpr-Timestamp", stamp)
	req.Header.Set("Gdpr-Signature", "v1="+hex.EncodeToString(m.Sum(nil)))
	var n [16]byte
	rand.Read(n[:])
	nonce, sum := hex.EncodeToString(n[:]), sha256.Sum256([]byte(body))
	digest := hex.EncodeToString(sum[:])
	m = hmac.New(sha256.New, []byte(secret))
	io.WriteString(m, "POST\n/"+route+"\n"+stamp+"\n"+nonce+"\n"+digest+"\n")
	req.Header.Set("Gdpr-Nonce", nonce)
	req.Header.Set("Gdpr-Content-Sha256", digest)
	req.Header.Set("Gdpr-Signature-V2", "v2="+hex.EncodeToString(m.Sum(nil)))
	return req
}

// status sends req and returns its status and error code.
func status(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var eb struct {
		Error struct{ Code string } `json:"error"`
	}
	json.NewDecoder(resp.Body).Decode(&eb)
	return resp.StatusCode, eb.Error.Code
}

const eraseCall = `{"requestId":"req-1","operationId":"req-1/op-1","terms":[{"kind":"EMAIL","value":"robin@example.com"}],"phase":"apply","decisions":[{"kind":"externalContact","id":"robin","retain":false},{"kind":"order","id":"order-1","retain":false}]}`

// TestAuthentication: only calls signed with the secret, at a time within
// the window, reach the adapter; everything else is a 401 that changes
// nothing.
func TestAuthentication(t *testing.T) {
	t.Parallel()
	m := memory(t, "crm", people())
	base := serve(t, m)
	now := time.Now()

	unsigned, _ := http.NewRequest(http.MethodPost, base+"/erase", strings.NewReader(eraseCall))
	tampered := signed(t, base, "erase", testSecret, now, eraseCall)
	tampered.Body = io.NopCloser(strings.NewReader(strings.Replace(eraseCall, "req-1/op-1", "req-1/op-2", 1)))
	otherRoute := signed(t, base, "search", testSecret, now, eraseCall)
	otherRoute.URL.Path = strings.TrimSuffix(otherRoute.URL.Path, "search") + "erase"
	restamped := signed(t, base, "erase", testSecret, now.Add(-time.Hour), eraseCall)
	restamped.Header.Set("Gdpr-Timestamp", strconv.FormatInt(now.Unix(), 10))
	badSig := signed(t, base, "erase", testSecret, now, eraseCall)
	badSig.Header.Set("Gdpr-Signature-V2", "v2=00")
	v1Only := signed(t, base, "erase", testSecret, now, eraseCall)
	v1Only.Header.Del("Gdpr-Signature-V2")
	noNonce := signed(t, base, "erase", testSecret, now, eraseCall)
	noNonce.Header.Del("Gdpr-Nonce")
	otherNonce := signed(t, base, "erase", testSecret, now, eraseCall)
	otherNonce.Header.Set("Gdpr-Nonce", strings.Repeat("0", 32))
	otherDigest := signed(t, base, "erase", testSecret, now, eraseCall)
	otherDigest.Header.Set("Gdpr-Content-Sha256", strings.Repeat("0", 64))

	cases := []struct {
		name string
		req  *http.Request
	}{
		{"unsigned", unsigned},
		{"another secret", signed(t, base, "erase", "another-secret-of-the-same-size", now, eraseCall)},
		{"body changed after signing", tampered},
		{"signed for another route", otherRoute},
		{"timestamp changed after signing", restamped},
		{"signature not hex", badSig},
		{"only the body signature of v1", v1Only},
		{"no nonce", noNonce},
		{"nonce changed after signing", otherNonce},
		{"digest changed after signing", otherDigest},
		{"replayed after the window", signed(t, base, "erase", testSecret, now.Add(-6*time.Minute), eraseCall)},
		{"stamped beyond the window ahead", signed(t, base, "erase", testSecret, now.Add(6*time.Minute), eraseCall)},
	}
	for _, c := range cases {
		if s, code := status(t, c.req); s != http.StatusUnauthorized || code != "unauthorized" {
			t.Errorf("%s: %d %q, want 401 unauthorized", c.name, s, code)
		}
	}
	if m.Len() != 1 {
		t.Fatalf("a rejected call erased data: %d people left, want 1", m.Len())
	}
	// The same call, signed and within the window, goes through; sent
	// again as it was, it is refused as a replay.
	good := signed(t, base, "erase", testSecret, now.Add(-4*time.Minute), eraseCall)
	replay := good.Clone(t.Context())
	replay.Body = io.NopCloser(strings.NewReader(eraseCall))
	if s, code := status(t, good); s != http.StatusOK {
		t.Fatalf("a signed call within the window: %d %q, want 200", s, code)
	}
	if s, code := status(t, replay); s != http.StatusUnauthorized || code != "unauthorized" {
		t.Errorf("the same signed call sent again within the window: %d %q, want 401 unauthorized", s, code)
	}
	if m.Len() != 0 {
		t.Errorf("the signed erasure left %d people, want 0", m.Len())
	}
}

// TestWindowOption: a service may narrow the window.
func TestWindowOption(t *testing.T) {
	t.Parallel()
	base := serve(t, memory(t, "crm", people()), httpadapter.WithWindow(time.Minute))
	call := `{"operationId":"op-1","term":{"kind":"EMAIL","value":"robin@example.com"}}`
	if s, _ := status(t, signed(t, base, "search", testSecret, time.Now().Add(-2*time.Minute), call)); s != http.StatusUnauthorized {
		t.Errorf("a call 2 minutes old with a 1 minute window: %d, want 401", s)
	}
	if s, _ := status(t, signed(t, base, "search", testSecret, time.Now(), call)); s != http.StatusOK {
		t.Errorf("a call of now: %d, want 200", s)
	}
}

// TestWrongSecret: an Adapter whose secret is not the service's fails
// with an error that says what to check and holds neither the secret nor
// the term.
func TestWrongSecret(t *testing.T) {
	t.Parallel()
	base := serve(t, memory(t, "crm", people()))
	secret := "not-the-secret-of-the-service"
	a, err := httpadapter.New("crm", base, secret)
	if err != nil {
		t.Fatal(err)
	}
	_, err = a.Search(t.Context(), gdpr.Term{Kind: gdpr.KindEmail, Value: "robin@example.com"})
	if !errors.Is(err, gdpr.ErrUnauthorized) {
		t.Fatalf("Search with the wrong secret: %v, want an error matching gdpr.ErrUnauthorized", err)
	}
	msg := err.Error()
	for _, want := range []string{"crm", "secret", "clocks"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not mention %q", msg, want)
		}
	}
	for _, leak := range []string{secret, testSecret, "robin@example.com"} {
		if strings.Contains(msg, leak) {
			t.Errorf("error %q holds %q", msg, leak)
		}
	}
}

// TestBodyLimit: a call larger than the handler's limit is refused with
// 413 before it is decoded.
func TestBodyLimit(t *testing.T) {
	t.Parallel()
	base := serve(t, memory(t, "crm", people()), httpadapter.WithMaxBody(4<<10))
	big := fmt.Sprintf(`{"operationId":"op-1","term":{"kind":"NAME","value":%q}}`, strings.Repeat("a", 8<<10))
	if s, code := status(t, signed(t, base, "search", testSecret, time.Now(), big)); s != http.StatusRequestEntityTooLarge || code != "too_large" {
		t.Errorf("a call over the limit: %d %q, want 413 too_large", s, code)
	}
}
