package sqlstore_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store"
	"github.com/gdprkit/gdpr/store/memstore"
)

// childEnv tells the test binary, run again by TestCrash, to be a worker
// process: "sqlite:PATH" or "postgres:SCHEMA" (on the server of
// GDPR_TEST_POSTGRES) names the store it works on.
const childEnv = "GDPR_SQLSTORE_CHILD"

// crashRequests is how many requests TestCrash gives the workers.
const crashRequests = 200

// TestCrash accepts 200 mixed requests, starts a worker process over the
// store, kills it (SIGKILL) part-way, and starts another that finishes the
// work once the dead worker's leases have ended. Then every request must be
// COMPLETED, once, with the same outcome, step by step, as a run over the
// memory store without a crash; the audit chain must verify, with one
// "created" and one COMPLETED event per request; and every export's
// archive must be there.
//
// The adapters' data lives in each worker's memory, so the second worker
// starts from the data the first had before it erased or rectified
// anything. That is what a crash of an adapter's own store would look
// like had it not persisted its changes, and the processor must cope: a
// step already DONE is not run again (the outcome was recorded), and an
// erasure whose data reappeared fails verification and is erased again.
// The test therefore compares outcomes (records, counts, verification),
// not attempts.
func TestCrash(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) {
		t.Parallel()
		s, path := openSQLite(t)
		testCrash(t, s, "sqlite:"+path)
	})
	t.Run("Postgres", func(t *testing.T) {
		t.Parallel()
		dsn := postgresDSN(t)
		schema := testSchema(t, dsn)
		testCrash(t, openPostgres(t, dsn, schema), "postgres:"+schema)
	})
}

func testCrash(t *testing.T, s store.Store, target string) {
	ctx := context.Background()
	p, err := processor.New(s, newAdapters(t, crashRequests, nil))
	if err != nil {
		t.Fatal(err)
	}
	for i := range crashRequests {
		if _, err := p.CreateRequest(ctx, crashSpec(i)); err != nil {
			t.Fatal(err)
		}
	}

	// The first worker dies with about a quarter of the requests done.
	var out1 bytes.Buffer
	child := startChild(t, target, &out1)
	waitFinal(t, s, crashRequests/4, 2*time.Minute)
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	child.Wait()
	_, final, err := s.List(ctx, "", store.Filter{Statuses: []gdpr.Status{gdpr.StatusCompleted, gdpr.StatusError}})
	if err != nil {
		t.Fatal(err)
	}
	if final == crashRequests {
		t.Fatalf("the first worker finished every request before it was killed; slow it down\n%s", out1.String())
	}
	_, leased, err := s.List(ctx, "", store.Filter{Open: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("killed the first worker with %d requests final and %d open", final, leased)

	var out2 bytes.Buffer
	child = startChild(t, target, &out2)
	if err := child.Wait(); err != nil {
		t.Fatalf("second worker: %v\n%s", err, out2.String())
	}

	got, total, err := s.List(ctx, "", store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if total != crashRequests {
		t.Fatalf("the store holds %d requests, want %d", total, crashRequests)
	}
	want := referenceRun(t)
	seen := map[string]bool{}
	for _, j := range got {
		r := j.Request
		if seen[r.Name] {
			t.Errorf("two requests named %s", r.Name)
		}
		seen[r.Name] = true
		if r.Status != gdpr.StatusCompleted {
			t.Errorf("request %s (%s) is %s, want COMPLETED", r.Name, r.RequestType, r.Status)
			continue
		}
		if d := cmp.Diff(want[r.Name], outcome(&r), cmpopts.EquateEmpty()); d != "" {
			t.Errorf("request %s (%s) outcome differs from a run without a crash (-want +got):\n%s", r.Name, r.RequestType, d)
		}
		if r.RequestType == gdpr.RequestExport {
			rc, err := p.OpenResults(ctx, r.ID)
			if err != nil {
				t.Errorf("results of export %s: %v", r.Name, err)
			} else {
				rc.Close()
			}
		}
	}

	n, err := p.VerifyAudit(ctx)
	if err != nil {
		t.Fatalf("audit chain: %v", err)
	}
	evs, err := s.Events(ctx, "", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	created, completed := map[string]int{}, map[string]int{}
	for _, ev := range evs {
		switch {
		case ev.Type == "created":
			created[ev.RequestID]++
		case ev.Type == "status" && ev.Status == gdpr.StatusCompleted:
			completed[ev.RequestID]++
		}
	}
	for _, j := range got {
		if id := j.Request.ID; created[id] != 1 || completed[id] != 1 {
			t.Errorf("request %s has %d created and %d completed events, want 1 and 1", j.Request.Name, created[id], completed[id])
		}
	}
	t.Logf("%d events verify", n)
}

// crashSpec is spec(i), named i so that runs can be compared.
func crashSpec(i int) gdpr.RequestSpec {
	s := spec(i)
	s.Name = strconv.Itoa(i)
	return s
}

// stepOutcome is what a request's step came to, without the attempts it
// took.
type stepOutcome struct {
	Adapter string
	State   gdpr.StepState
	Records int
	Outcome *gdpr.Outcome
}

type requestOutcome struct {
	Steps    []stepOutcome
	Verified bool
	Retained int
}

func outcome(r *gdpr.Request) requestOutcome {
	var o requestOutcome
	for _, s := range r.Steps {
		o.Steps = append(o.Steps, stepOutcome{s.Adapter, s.State, s.Records, s.Outcome})
	}
	if v := r.Verification; v != nil {
		o.Verified, o.Retained = v.Passed, v.Retained
	}
	return o
}

// referenceRun processes the crash test's requests over the memory store
// without a crash, and returns their outcomes by name.
func referenceRun(t *testing.T) map[string]requestOutcome {
	t.Helper()
	s := memstore.New()
	p, err := processor.New(s, newAdapters(t, crashRequests, nil))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := range crashRequests {
		if _, err := p.CreateRequest(ctx, crashSpec(i)); err != nil {
			t.Fatal(err)
		}
	}
	for {
		found, err := p.RunOnce(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !found {
			break
		}
	}
	jobs, _, err := s.List(ctx, "", store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]requestOutcome{}
	for _, j := range jobs {
		if j.Request.Status != gdpr.StatusCompleted {
			t.Fatalf("reference run: request %s is %s", j.Request.Name, j.Request.Status)
		}
		out[j.Request.Name] = outcome(&j.Request)
	}
	return out
}

// startChild runs this test binary again as a worker on target.
func startChild(t *testing.T, target string, out *bytes.Buffer) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashWorker$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"="+target)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return cmd
}

// TestCrashWorker is the worker process of TestCrash: it processes the
// requests of the store childEnv names, with slow adapters and short
// leases, until every one is final. Run by itself, it skips.
func TestCrashWorker(t *testing.T) {
	target := os.Getenv(childEnv)
	if target == "" {
		t.Skip("a worker process of TestCrash")
	}
	var s store.Store
	switch dialect, arg, _ := strings.Cut(target, ":"); dialect {
	case "sqlite":
		s = reopenSQLite(t, arg)
	case "postgres":
		s = openPostgres(t, postgresDSN(t), arg)
	default:
		t.Fatalf("%s=%q names no store", childEnv, target)
	}
	slow := &counter{delay: 40 * time.Millisecond}
	p, err := processor.New(s, newAdapters(t, crashRequests, slow.wrap),
		processor.WithWorkers(4), processor.WithLease(time.Second), processor.WithStorePoll(20*time.Millisecond),
		processor.WithRetry(gdpr.RetryPolicy{Attempts: 5, MinWait: 20 * time.Millisecond, MaxWait: 100 * time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- p.Run(ctx) }()
	waitFinal(t, s, crashRequests, 3*time.Minute)
	cancel()
	<-done
	fmt.Println("worker finished")
}
