package processor_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store/memstore"
)

type correlationKey struct{}

// lockedBuffer is a log destination the workers and the test share.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestCorrelationOnWorkerLines: the correlation id WithCorrelation reads
// at CreateRequest is on every line about the request, also those the
// workers log when its steps fail and it ends in ERROR; a request
// created without one logs no correlation.
func TestCorrelationOnWorkerLines(t *testing.T) {
	logs := &lockedBuffer{}
	e := newEnv(t, func(a adapter.Adapter) adapter.Adapter {
		if a.Name() == "dialer" {
			return &flaky{Adapter: a, fail: func(op string, _ int) bool { return op == "export" }}
		}
		return a
	}, processor.WithLogger(slog.New(slog.NewJSONHandler(logs, nil))),
		processor.WithCorrelation(func(ctx context.Context) string {
			id, _ := ctx.Value(correlationKey{}).(string)
			return id
		}))
	spec := gdpr.RequestSpec{Type: gdpr.RequestExport, Subject: gdpr.Subject{PhoneNumbers: []string{"+1 (311) 555-2368"}}}
	ctx := context.WithValue(context.Background(), correlationKey{}, "corr-1")
	r, err := e.p.CreateRequest(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	if got := e.settle(t, r.ID); got.Status != gdpr.StatusError {
		t.Fatalf("ended %s, want ERROR", got.Status)
	}
	plain := e.create(t, spec)
	e.settle(t, plain.ID)

	seen := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(logs.String()))
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("not JSON: %q", sc.Text())
		}
		msg, _ := line["msg"].(string)
		switch line["request"] {
		case r.ID:
			seen[msg] = true
			if line["correlation"] != "corr-1" {
				t.Errorf("%q: correlation %v, want corr-1", msg, line["correlation"])
			}
		case plain.ID:
			if c, ok := line["correlation"]; ok {
				t.Errorf("%q of a request created without one: correlation %v", msg, c)
			}
		}
	}
	for _, msg := range []string{"request created", "step failed", "request failed"} {
		if !seen[msg] {
			t.Errorf("no line %q about the request:\n%s", msg, logs.String())
		}
	}
	job, err := e.store.Get(context.Background(), "", r.ID)
	if err != nil || job.Correlation != "corr-1" {
		t.Errorf("stored job: correlation %q, %v; want corr-1", job.Correlation, err)
	}
}

func TestWithCorrelationNil(t *testing.T) {
	if _, err := processor.New(memstore.New(), nil, processor.WithCorrelation(nil)); err == nil || !strings.Contains(err.Error(), "correlation") {
		t.Errorf("WithCorrelation(nil): %v, want an error naming the correlation", err)
	}
}
