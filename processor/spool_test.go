package processor_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/store"
)

// blobLog is a store that records the blobs written and deleted, and the
// statuses requests are saved with.
type blobLog struct {
	store.Store
	mu      sync.Mutex
	puts    []string // base names of the keys
	deletes []string
	saved   []gdpr.Status
}

func (s *blobLog) PutBlob(ctx context.Context, key string, r io.Reader) (int64, error) {
	s.mu.Lock()
	s.puts = append(s.puts, path.Base(key))
	s.mu.Unlock()
	return s.Store.PutBlob(ctx, key, r)
}

func (s *blobLog) DeleteBlob(ctx context.Context, key string) error {
	s.mu.Lock()
	s.deletes = append(s.deletes, path.Base(key))
	s.mu.Unlock()
	return s.Store.DeleteBlob(ctx, key)
}

func (s *blobLog) Update(ctx context.Context, job *store.Job, evs ...store.Event) error {
	s.mu.Lock()
	s.saved = append(s.saved, job.Request.Status)
	s.mu.Unlock()
	return s.Store.Update(ctx, job, evs...)
}

// reset forgets what was recorded so far.
func (s *blobLog) reset() {
	s.mu.Lock()
	s.puts, s.deletes, s.saved = nil, nil, nil
	s.mu.Unlock()
}

// bulky holds one subject with n chat messages, made as it exports them,
// and records how many files its spool directory holds when each export
// has emitted them all.
type bulky struct {
	n     int
	spool string

	mu      sync.Mutex
	spooled []int
}

func (*bulky) Name() string { return "archive" }

func (*bulky) Search(context.Context, gdpr.Term) ([]gdpr.Subject, error) { return nil, nil }

func (*bulky) Resolve(context.Context, gdpr.Term) (gdpr.Subject, error) {
	return gdpr.Subject{}, fmt.Errorf("bulky: resolve: %w", gdpr.ErrNotFound)
}

func (b *bulky) Export(ctx context.Context, _ adapter.Op, _ []gdpr.Term, emit func(adapter.Record) error) error {
	for i := range b.n {
		err := emit(adapter.Record{Kind: "chatMessage", ID: "msg-" + strconv.Itoa(i), Fields: map[string]any{
			"conversation": "conv-" + strconv.Itoa(i/50),
			"text":         "Thanks, the parcel " + strconv.Itoa(i) + " arrived today; could you send the invoice again, please?",
		}})
		if err != nil {
			return err
		}
	}
	n, err := spoolFiles(b.spool)
	if err != nil {
		return err
	}
	b.mu.Lock()
	b.spooled = append(b.spooled, n)
	b.mu.Unlock()
	return nil
}

// spoolFiles counts the files of dir this process has open, named or not:
// on Linux a spool file's name is removed as soon as it is created, and
// /proc shows it as "(deleted)"; elsewhere the named files are counted.
func spoolFiles(dir string) (int, error) {
	dir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return 0, err
	}
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		files, err := os.ReadDir(dir)
		return len(files), err
	}
	n := 0
	for _, fd := range fds {
		target, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name()))
		if err == nil && strings.HasPrefix(target, dir+string(filepath.Separator)) {
			if !strings.HasSuffix(target, " (deleted)") {
				return 0, fmt.Errorf("spool file %s still has its name while open", target)
			}
			n++
		}
	}
	return n, nil
}

func (*bulky) Rectify(context.Context, adapter.Op, []gdpr.Term, []adapter.Change) (gdpr.Outcome, error) {
	return gdpr.Outcome{}, nil
}

func (*bulky) Erase(context.Context, adapter.Op, []gdpr.Term, adapter.KeepFunc) (gdpr.Outcome, error) {
	return gdpr.Outcome{}, nil
}

// exportEnv is newEnv's processor over a blobLog of its store, with a
// spool directory of its own and, when extra is set, one more adapter.
func exportEnv(t *testing.T, wrap func(adapter.Adapter) adapter.Adapter, extra adapter.Adapter) (*env, *blobLog, string) {
	t.Helper()
	e := newEnv(t, wrap)
	store := &blobLog{Store: e.store}
	dir := t.TempDir()
	as := []adapter.Adapter{e.adapters["directory"], e.adapters["crm"], e.adapters["dialer"]}
	if extra != nil {
		as = append(as, extra)
	}
	p, err := processor.New(store, as,
		processor.WithPolicy(processor.CurrentEmployees{}), processor.WithClock(e.clock.Now),
		processor.WithRetry(gdpr.RetryPolicy{Attempts: 3, MinWait: time.Second, MaxWait: 4 * time.Second}), processor.WithSpoolDir(dir))
	if err != nil {
		t.Fatal(err)
	}
	e.p = p
	return e, store, dir
}

var samOkafor = gdpr.RequestSpec{Type: gdpr.RequestExport, Subject: gdpr.Subject{Name: "Sam Okafor"}}

// archiveFiles reads a completed export's archive, file by file. The
// manifest's request id and time are cleared, so that the archives of two
// requests for the same data compare equal.
func archiveFiles(t *testing.T, e *env, id string) map[string]string {
	t.Helper()
	raw, names := openArchive(t, e, id)
	if len(names) == 0 || names[0] != "manifest.json" {
		t.Fatalf("archive files %v, want manifest.json first", names)
	}
	files := map[string]string{}
	for name, b := range raw {
		files[name] = string(b)
	}
	var m processor.Manifest
	if err := json.Unmarshal(raw["manifest.json"], &m); err != nil {
		t.Fatal(err)
	}
	// The readable page names the request and date too.
	page := strings.ReplaceAll(files[processor.IndexFile], m.RequestID, "REQUEST")
	files[processor.IndexFile] = strings.ReplaceAll(page, m.Generated.Time.UTC().Format(time.RFC1123), "DATE")
	m.RequestID, m.Generated = "", gdpr.Time{}
	b, _ := json.Marshal(m)
	files["manifest.json"] = string(b)
	return files
}

// emptyDir fails the test when dir holds any file.
func emptyDir(t *testing.T, dir, when string) {
	t.Helper()
	files, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 0 {
		t.Errorf("%s, the spool directory holds %d files, want none", when, len(files))
	}
	if n, err := spoolFiles(dir); err != nil || n != 0 {
		t.Errorf("%s, %d spool files are still open (%v), want none", when, n, err)
	}
}

func TestExportInOneRunStoresOnlyTheArchive(t *testing.T) {
	t.Parallel()
	e, store, dir := exportEnv(t, nil, nil)
	r := e.create(t, samOkafor)
	if got := e.settle(t, r.ID); got.Status != gdpr.StatusCompleted {
		t.Fatalf("export ended %s: %+v", got.Status, got.Steps)
	}
	if want := []string{"results.zip"}; !slices.Equal(store.puts, want) || len(store.deletes) != 0 {
		t.Errorf("blobs written %v, deleted %v; want %v written, none deleted", store.puts, store.deletes, want)
	}
	// FINALIZING is in the audit log only: the request is saved from
	// SEARCHING straight to COMPLETED.
	if want := []gdpr.Status{gdpr.StatusSearching, gdpr.StatusCompleted}; !slices.Equal(store.saved, want) {
		t.Errorf("request saved as %v, want %v", store.saved, want)
	}
	emptyDir(t, dir, "after the export")
}

func TestExportWithAFailedStepKeepsTheDonePartsAndResumes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	plain, _, _ := exportEnv(t, nil, nil)
	want := archiveFiles(t, plain, plain.settle(t, plain.create(t, samOkafor).ID).ID)

	e, store, dir := exportEnv(t, func(a adapter.Adapter) adapter.Adapter {
		if a.Name() != "dialer" {
			return a
		}
		return &flaky{Adapter: a, fail: func(op string, n int) bool { return op == "export" && n == 1 }}
	}, nil)
	r := e.create(t, samOkafor)
	e.drain(t)
	got, err := e.p.GetRequest(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != gdpr.StatusSearching || step(t, got, "dialer").State != gdpr.StepFailed {
		t.Fatalf("after the dialer failed: %s %+v", got.Status, got.Steps)
	}
	// The parts of the DONE steps are in the store, the failed one's not.
	if w := []string{"crm.json", "directory.json"}; !slices.Equal(slices.Sorted(slices.Values(store.puts)), w) {
		t.Errorf("blobs written after the failure %v, want %v", store.puts, w)
	}
	for _, name := range []string{"directory", "crm"} {
		if s := step(t, got, name); s.State != gdpr.StepDone {
			t.Errorf("step %s = %+v, want DONE", name, s)
		}
	}
	emptyDir(t, dir, "after the failed run")

	store.reset()
	got = e.settle(t, r.ID)
	if got.Status != gdpr.StatusCompleted {
		t.Fatalf("after the retry: %s %+v", got.Status, got.Steps)
	}
	if d := step(t, got, "dialer"); d.Attempts != 2 {
		t.Errorf("dialer took %d attempts, want 2", d.Attempts)
	}
	for _, name := range []string{"directory", "crm"} {
		if s := step(t, got, name); s.Attempts != 1 {
			t.Errorf("step %s ran %d times, want once", name, s.Attempts)
		}
	}
	if d := cmp.Diff(want, archiveFiles(t, e, r.ID)); d != "" {
		t.Errorf("archive differs from a run without the failure (-want +got):\n%s", d)
	}
	// The stored parts go once the archive is made.
	for _, name := range []string{"directory", "crm", "dialer"} {
		if _, err := e.store.OpenBlob(ctx, "exports/_/"+r.ID+"/"+name+".json"); !errorsIs(err, gdpr.ErrNotFound) {
			t.Errorf("part %s after completion: %v, want ErrNotFound", name, err)
		}
	}
	emptyDir(t, dir, "after the retry")
}

func TestLargeExportPartsSpillToTheSpoolDirectory(t *testing.T) {
	t.Parallel()
	for _, fail := range []bool{false, true} {
		t.Run(fmt.Sprintf("failing=%v", fail), func(t *testing.T) {
			t.Parallel()
			big := &bulky{n: 3000} // about 400 KiB of JSON
			e, _, dir := exportEnv(t, func(a adapter.Adapter) adapter.Adapter {
				if a.Name() != "dialer" {
					return a
				}
				return &flaky{Adapter: a, fail: func(op string, n int) bool { return fail && op == "export" && n == 1 }}
			}, big)
			big.spool = dir
			r := e.create(t, samOkafor)
			e.drain(t)
			emptyDir(t, dir, "after the first run")
			got := e.settle(t, r.ID)
			if got.Status != gdpr.StatusCompleted {
				t.Fatalf("export ended %s: %+v", got.Status, got.Steps)
			}
			emptyDir(t, dir, "after completion")
			if len(big.spooled) != 1 || big.spooled[0] == 0 {
				t.Errorf("spool files when the large export ended: %v, want one export with a file", big.spooled)
			}
			var recs []adapter.Record
			if err := json.Unmarshal([]byte(archiveFiles(t, e, r.ID)["archive.json"]), &recs); err != nil {
				t.Fatal(err)
			}
			if len(recs) != big.n || recs[0].ID != "msg-0" || recs[big.n-1].ID != "msg-"+strconv.Itoa(big.n-1) {
				t.Errorf("archive holds %d records of the large export, want %d in order", len(recs), big.n)
			}
		})
	}
}
