package processor

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/store"
)

// Manifest describes an export archive; it is the archive's manifest.json.
type Manifest struct {
	RequestID   string            `json:"requestId"`
	RequestType gdpr.RequestType  `json:"requestType"`
	Subject     gdpr.Subject      `json:"subject"`
	Generated   gdpr.Time         `json:"generated"`
	Records     int               `json:"records"`
	Adapters    []ManifestAdapter `json:"adapters"`
}

// ManifestAdapter is one adapter's file in an export archive.
type ManifestAdapter struct {
	Name    string `json:"name"`
	File    string `json:"file"`
	Records int    `json:"records"`
}

func blobKey(job *store.Job, name string) string {
	return fmt.Sprintf("exports/%s/%s/%s", safeName(job.Org), job.Request.ID, name)
}

// safeName keeps letters, digits, '.', '-' and '_', so that a name can be
// a file name in a blob key and in a zip archive.
func safeName(s string) string {
	if s == "" {
		return "_"
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return '_'
	}, s)
}

func adapterFile(name string) string { return safeName(name) + ".json" }

// exportStep streams the adapter's records, as a JSON array, into a
// spool of their own, which the caller closes. On error the spool is
// closed already and nil.
func (p *Processor) exportStep(ctx context.Context, job *store.Job, a adapter.Adapter, op adapter.Op) (int, *spool, error) {
	sp := newSpool(p.cfg.spoolDir, spoolMemory)
	n, err := writePart(ctx, job, a, op, sp)
	if err != nil {
		sp.close()
		return 0, nil, err
	}
	return n, sp, nil
}

var comma = []byte(",\n")

// writePart writes the adapter's records to w as a JSON array.
func writePart(ctx context.Context, job *store.Job, a adapter.Adapter, op adapter.Op, w io.Writer) (n int, err error) {
	enc := json.NewEncoder(w)
	sep := []byte("[\n")
	err = a.Export(ctx, op, job.Terms, func(rec adapter.Record) error {
		if _, err := w.Write(sep); err != nil {
			return err
		}
		sep = comma
		n++
		return enc.Encode(rec)
	})
	if err != nil {
		return 0, err
	}
	if n == 0 {
		_, err = io.WriteString(w, "[")
	}
	if err == nil {
		_, err = io.WriteString(w, "]\n")
	}
	return n, err
}

// pack writes the adapters' parts and a manifest into one zip archive
// and points the request's resultsUrl at it. A part comes from parts,
// where this run spooled it, or else from the Store, where a run before
// kept it (keepParts). The archive is streamed to the Store as it is
// written, except when the Store is a BlobUpdater and the archive is at
// most InlineBlobMax bytes: pack then returns it, for the update that
// completes the request to store with it.
func (p *Processor) pack(ctx context.Context, job *store.Job, parts map[string]*spool) (*inlineBlob, error) {
	req := &job.Request
	m := Manifest{
		RequestID:   req.ID,
		RequestType: req.RequestType,
		Subject:     req.Subject,
		Generated:   gdpr.NewTime(p.now()),
	}
	for _, s := range req.Steps {
		m.Records += s.Records
		m.Adapters = append(m.Adapters, ManifestAdapter{Name: s.Adapter, File: adapterFile(s.Adapter), Records: s.Records})
	}
	w := &archiveWriter{ctx: ctx, store: p.store, key: blobKey(job, "results.zip"), limit: -1}
	if _, ok := p.store.(store.BlobUpdater); ok {
		w.limit = store.InlineBlobMax
	}
	blob, err := w.finish(p.writeZip(ctx, job, m, parts, w))
	if err != nil {
		return nil, fmt.Errorf("package export: %w", err)
	}
	job.Results = w.key
	req.ResultsURL = p.cfg.resultsURL(job.Org, req.ID)
	return blob, nil
}

func (p *Processor) writeZip(ctx context.Context, job *store.Job, m Manifest, parts map[string]*spool, w io.Writer) error {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, p.deflaters.compressor)
	modified := m.Generated.Time
	create := func(name string) (io.Writer, error) {
		return zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: modified})
	}
	mw, err := create("manifest.json")
	if err != nil {
		return err
	}
	enc := json.NewEncoder(mw)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return err
	}
	for _, a := range m.Adapters {
		fw, err := create(a.File)
		if err != nil {
			return err
		}
		if err := p.copyPart(ctx, job, a, parts[a.Name], fw); err != nil {
			return err
		}
	}
	iw, err := create(IndexFile)
	if err != nil {
		return err
	}
	if err := p.writeIndex(ctx, job, m, parts, iw); err != nil {
		return err
	}
	return zw.Close()
}

// copyPart copies one adapter's part, from sp or else from the Store, to w.
func (p *Processor) copyPart(ctx context.Context, job *store.Job, a ManifestAdapter, sp *spool, w io.Writer) error {
	if sp != nil {
		r, err := sp.reader()
		if err != nil {
			return fmt.Errorf("read export part of %q: %w", a.Name, err)
		}
		if _, err := io.Copy(w, r); err != nil {
			return fmt.Errorf("copy export part of %q: %w", a.Name, err)
		}
		return nil
	}
	rc, err := p.store.OpenBlob(ctx, blobKey(job, a.File))
	if err != nil {
		return fmt.Errorf("open export part of %q: %w", a.Name, err)
	}
	defer rc.Close()
	if _, err := io.Copy(w, rc); err != nil {
		return fmt.Errorf("copy export part of %q: %w", a.Name, err)
	}
	return nil
}

// keepParts stores the spooled parts of the export's DONE steps, so that
// a later run, maybe on another replica, packs them from the Store. It is
// called when the run ends without packing. A step whose part could not be
// stored is marked FAILED, as its export did not come to a durable end,
// and runs again. It returns the events of such steps.
func (r *run) keepParts(ctx context.Context) []store.Event {
	if len(r.parts) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	req := &r.job.Request
	var evs []store.Event
	for i := range req.Steps {
		s := &req.Steps[i]
		sp := r.parts[s.Adapter]
		if sp == nil || s.State != gdpr.StepDone {
			continue
		}
		rd, err := sp.reader()
		if err == nil {
			_, err = r.p.store.PutBlob(ctx, blobKey(r.job, adapterFile(s.Adapter)), rd)
		}
		if err == nil {
			continue
		}
		s.State, s.Error = gdpr.StepFailed, "store export part: "+err.Error()
		evs = append(evs, r.p.event(r.job, "step",
			fmt.Sprintf("%s: FAILED, attempt %d of %d", s.Adapter, s.Attempts, r.p.cfg.retry.Attempts)))
		r.p.jobLog(r.job).WarnContext(ctx, "could not store an export part", "request", req.ID, "adapter", s.Adapter, "err", err)
	}
	return evs
}

// closeParts releases the run's spooled parts and their files.
func (r *run) closeParts(ctx context.Context) {
	for name, sp := range r.parts {
		if err := sp.close(); err != nil {
			r.p.jobLog(r.job).WarnContext(ctx, "could not remove a spooled export part", "request", r.job.Request.ID, "err", err)
		}
		delete(r.parts, name)
	}
}

// dropParts deletes an export's per-adapter parts from the Store once its
// archive is safely recorded; a part left behind is only wasted space.
func (p *Processor) dropParts(ctx context.Context, job *store.Job) {
	for _, s := range job.Request.Steps {
		if err := p.store.DeleteBlob(ctx, blobKey(job, adapterFile(s.Adapter))); err != nil {
			p.jobLog(job).WarnContext(ctx, "could not delete an export part", "request", job.Request.ID, "err", err)
		}
	}
}
