package processor

import (
	"archive/zip"
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/gdprkit/gdpr"
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

func blobKey(job *Job, name string) string {
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

// exportStep streams the adapter's records, as a JSON array, into a blob
// of their own. The blob is replaced whole when the step runs again.
func (p *Processor) exportStep(ctx context.Context, job *Job, a Adapter, op Op) (int, error) {
	pr, pw := io.Pipe()
	n := 0
	go func() {
		bw, _ := p.buffers.Get().(*bufio.Writer)
		if bw == nil {
			bw = bufio.NewWriterSize(nil, 32<<10)
		}
		bw.Reset(pw)
		defer func() { bw.Reset(nil); p.buffers.Put(bw) }()
		enc := json.NewEncoder(bw)
		sep := "[\n"
		err := a.Export(ctx, op, job.Terms, func(rec Record) error {
			if _, err := io.WriteString(bw, sep); err != nil {
				return err
			}
			sep = ",\n"
			n++
			return enc.Encode(rec)
		})
		if err == nil {
			if n == 0 {
				_, err = io.WriteString(bw, "[")
			}
			if err == nil {
				_, err = io.WriteString(bw, "]\n")
			}
		}
		if err == nil {
			err = bw.Flush()
		}
		pw.CloseWithError(err)
	}()
	_, err := p.store.PutBlob(ctx, blobKey(job, adapterFile(a.Name())), pr)
	pr.CloseWithError(err) // stops the exporter if the store gave up first
	if err != nil {
		return 0, err
	}
	return n, nil
}

// pack streams the adapters' blobs and a manifest into one zip archive,
// stores it and points the request's resultsUrl at it. The parts stay until
// the request is saved COMPLETED (dropParts), so that a worker dying in
// between leaves them for the next to pack again.
func (p *Processor) pack(ctx context.Context, job *Job) error {
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
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(p.writeZip(ctx, job, m, pw)) }()
	key := blobKey(job, "results.zip")
	_, err := p.store.PutBlob(ctx, key, pr)
	pr.CloseWithError(err)
	if err != nil {
		return fmt.Errorf("package export: %w", err)
	}
	job.Results = key
	req.ResultsURL = p.cfg.resultsURL(job.Org, req.ID)
	return nil
}

func (p *Processor) writeZip(ctx context.Context, job *Job, m Manifest, w io.Writer) error {
	zw := zip.NewWriter(w)
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
		rc, err := p.store.OpenBlob(ctx, blobKey(job, a.File))
		if err != nil {
			return fmt.Errorf("open export part of %q: %w", a.Name, err)
		}
		_, err = io.Copy(fw, rc)
		rc.Close()
		if err != nil {
			return fmt.Errorf("copy export part of %q: %w", a.Name, err)
		}
	}
	return zw.Close()
}

// dropParts deletes an export's per-adapter parts once its archive is
// safely recorded; a part left behind is only wasted space.
func (p *Processor) dropParts(ctx context.Context, job *Job) {
	for _, s := range job.Request.Steps {
		if err := p.store.DeleteBlob(ctx, blobKey(job, adapterFile(s.Adapter))); err != nil {
			p.log().WarnContext(ctx, "could not delete an export part", "request", job.Request.ID, "err", err)
		}
	}
}
