package httpadapter_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/httpadapter"
)

// legalHolds wraps a local adapter whose records can be put on legal hold
// while an erasure runs: a held record carries "legalHold": true among
// its fields, in its export and to the keep function of its Erase alike.
type legalHolds struct {
	adapter.Adapter
	mu   sync.Mutex
	held map[string]bool
}

func newLegalHolds(a adapter.Adapter) *legalHolds {
	return &legalHolds{Adapter: a, held: map[string]bool{}}
}

func (l *legalHolds) hold(id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.held[id] = true
}

func (l *legalHolds) present(rec adapter.Record) adapter.Record {
	l.mu.Lock()
	held := l.held[rec.ID]
	l.mu.Unlock()
	if held {
		rec.Fields = maps.Clone(rec.Fields)
		if rec.Fields == nil {
			rec.Fields = map[string]any{}
		}
		rec.Fields["legalHold"] = true
	}
	return rec
}

func (l *legalHolds) Export(ctx context.Context, op adapter.Op, terms []gdpr.Term, emit func(adapter.Record) error) error {
	return l.Adapter.Export(ctx, op, terms, func(rec adapter.Record) error { return emit(l.present(rec)) })
}

func (l *legalHolds) Erase(ctx context.Context, op adapter.Op, terms []gdpr.Term, keep adapter.KeepFunc) (gdpr.Outcome, error) {
	return l.Adapter.Erase(ctx, op, terms, func(ctx context.Context, rec adapter.Record) (string, bool, error) {
		return keep(ctx, l.present(rec))
	})
}

const candidatesCall = `{"requestId":"req-1","operationId":"req-1/op-1","terms":[{"kind":"EMAIL","value":"robin@example.com"}],"phase":"candidates"}`

var hexSHA256 = regexp.MustCompile(`^[0-9a-f]{64}$`)

// listCandidates runs the candidates phase at base and returns the
// version of every record listed, by id.
func listCandidates(t *testing.T, base string) map[string]string {
	t.Helper()
	resp, err := http.DefaultClient.Do(signed(t, base, "erase", testSecret, time.Now(), candidatesCall))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("candidates answered %d", resp.StatusCode)
	}
	versions := map[string]string{}
	dec := json.NewDecoder(resp.Body)
	for {
		var line struct {
			Record  *adapter.Record
			Version *string
			End     *struct{ Records int }
		}
		if err := dec.Decode(&line); err != nil {
			t.Fatalf("candidates stream: %v", err)
		}
		if line.End != nil {
			return versions
		}
		if line.Record == nil || line.Version == nil || !hexSHA256.MatchString(*line.Version) {
			t.Fatalf("candidates line %+v: want a record and its version, 64 hex digits", line)
		}
		versions[line.Record.ID] = *line.Version
	}
}

// applyCall returns the body of an apply call erasing the records of
// versions, each decision carrying its version.
func applyCall(versions map[string]string) string {
	kinds := map[string]string{"robin": "externalContact", "order-1": "order"}
	var ds []string
	for id, v := range versions {
		ds = append(ds, `{"kind":"`+kinds[id]+`","id":"`+id+`","version":"`+v+`","retain":false}`)
	}
	return strings.Replace(candidatesCall, `"phase":"candidates"`, `"phase":"apply","decisions":[`+strings.Join(ds, ",")+`]`, 1)
}

// TestEraseChangedRecord: a record whose content changed after the
// candidates were listed is not erased on the decision made from its old
// content: the apply call erases nothing and answers 409 undecided, and
// the record is listed again under a new version.
func TestEraseChangedRecord(t *testing.T) {
	t.Parallel()
	m := memory(t, "crm", people())
	local := newLegalHolds(m)
	base := serve(t, local)
	before := listCandidates(t, base)
	if len(before) != 2 {
		t.Fatalf("candidates %v, want robin and order-1", before)
	}
	local.hold("robin")
	if s, code := status(t, signed(t, base, "erase", testSecret, time.Now(), applyCall(before))); s != http.StatusConflict || code != "undecided" {
		t.Fatalf("apply on a changed record answered %d %q, want 409 undecided", s, code)
	}
	n := 0
	if err := m.Export(t.Context(), adapter.Op{RequestID: "req-1", ID: "check"}, []gdpr.Term{robinEmail},
		func(adapter.Record) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if m.Len() != 1 || n != 2 {
		t.Errorf("after the refused apply: %d people, %d records; want the person and its order untouched", m.Len(), n)
	}
	after := listCandidates(t, base)
	if after["robin"] == before["robin"] || after["order-1"] != before["order-1"] {
		t.Errorf("versions before the hold %v, after %v: want robin's changed and the order's the same", before, after)
	}
}

// TestEraseDecidesChangedRecordAgain: through the Adapter, a record put on
// legal hold while the retention policy deliberates is decided again on
// its new content, and kept.
func TestEraseDecidesChangedRecordAgain(t *testing.T) {
	t.Parallel()
	m := memory(t, "crm", people())
	local := newLegalHolds(m)
	a, err := httpadapter.New("crm", serve(t, local), testSecret)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var asked []string // about robin: "robin", or "robin on hold"
	calls := 0
	out, err := a.Erase(t.Context(), adapter.Op{RequestID: "req-1", ID: "req-1/erase"}, []gdpr.Term{robinEmail},
		func(_ context.Context, rec adapter.Record) (string, bool, error) {
			mu.Lock()
			defer mu.Unlock()
			calls++
			if calls == 1 {
				local.hold("robin")
			}
			held := rec.Fields["legalHold"] == true
			if rec.ID == "robin" {
				asked = append(asked, map[bool]string{false: "robin", true: "robin on hold"}[held])
			}
			if held {
				return "legal hold", true, nil
			}
			return "", false, nil
		})
	if err != nil {
		t.Fatal(err)
	}
	want := gdpr.Outcome{Deleted: 1, Retained: []gdpr.Retention{{Basis: "legal hold", Records: 1}}}
	if out.Deleted != want.Deleted || out.Anonymized != 0 || len(out.Retained) != 1 || out.Retained[0] != want.Retained[0] {
		t.Errorf("Erase: %+v, want %+v: the held person kept, its order deleted", out, want)
	}
	if m.Len() != 1 {
		t.Errorf("%d people left, want the person on hold", m.Len())
	}
	if strings.Join(asked, ", ") != "robin, robin on hold" {
		t.Errorf("the policy was asked about %q, want robin, then robin on hold", asked)
	}
}

// TestEraseDecisionsWithoutVersion: decisions without a version, from a
// processor that predates versions, are applied as they are, beside
// decisions with one.
func TestEraseDecisionsWithoutVersion(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name    string
		version func(id, v string) string
	}{
		{"none", func(string, string) string { return "" }},
		{"some", func(id, v string) string {
			if id == "robin" {
				return ""
			}
			return v
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			m := memory(t, "crm", people())
			base := serve(t, m)
			versions := listCandidates(t, base)
			body := applyCall(versions)
			for id, v := range versions {
				if c.version(id, v) == "" {
					body = strings.Replace(body, `"version":"`+v+`",`, "", 1)
				}
			}
			resp, err := http.DefaultClient.Do(signed(t, base, "erase", testSecret, time.Now(), body))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var ans struct{ Outcome gdpr.Outcome }
			if err := json.NewDecoder(resp.Body).Decode(&ans); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusOK || ans.Outcome.Deleted != 2 || m.Len() != 0 {
				t.Errorf("apply answered %d %+v with %d people left, want 200 and 2 deleted", resp.StatusCode, ans.Outcome, m.Len())
			}
		})
	}
}

// unversioned serves the protocol as a service that predates versions:
// its candidates carry none. It keeps the bodies of apply calls.
type unversioned struct {
	next http.Handler

	mu     sync.Mutex
	applys []string
}

func (u *unversioned) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	if bytes.Contains(body, []byte(`"phase":"apply"`)) {
		u.mu.Lock()
		u.applys = append(u.applys, string(body))
		u.mu.Unlock()
	}
	rec := httptest.NewRecorder()
	u.next.ServeHTTP(rec, r)
	maps.Copy(w.Header(), rec.Header())
	w.WriteHeader(rec.Code)
	if rec.Header().Get("Content-Type") != "application/x-ndjson" {
		w.Write(rec.Body.Bytes())
		return
	}
	sc := bufio.NewScanner(rec.Body)
	enc := json.NewEncoder(w)
	for sc.Scan() {
		var line map[string]json.RawMessage
		json.Unmarshal(sc.Bytes(), &line)
		delete(line, "version")
		enc.Encode(line)
	}
}

// TestEraseUnversionedService: the Adapter erases through a service whose
// candidates carry no version, sending decisions without one.
func TestEraseUnversionedService(t *testing.T) {
	t.Parallel()
	m := memory(t, "crm", people())
	h, err := httpadapter.Handler(m, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	u := &unversioned{next: h}
	srv := httptest.NewServer(u)
	t.Cleanup(srv.Close)
	a, err := httpadapter.New("crm", srv.URL, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	out, err := a.Erase(t.Context(), adapter.Op{RequestID: "req-1", ID: "req-1/erase"}, []gdpr.Term{robinEmail}, nil)
	if err != nil || out.Deleted != 2 || m.Len() != 0 {
		t.Fatalf("Erase through a service without versions: %+v, %v with %d people left; want 2 deleted", out, err, m.Len())
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if len(u.applys) != 1 || strings.Contains(u.applys[0], `"version"`) {
		t.Errorf("apply calls %q, want one whose decisions carry no version", u.applys)
	}
}
