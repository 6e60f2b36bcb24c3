package apiadapter

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"unicode/utf8"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
)

// Export creates one GDPR_EXPORT for each remote subject a term finds, by
// its remote id, and once the remote completed them all downloads each
// archive and emits its records; or it returns an adapter.WaitError naming
// them (see the package documentation).
//
// An archive of another gdpr serve gives its records as the remote's data
// stores exported them (a record of the same kind and id found through
// several remote subjects is emitted once). Any other archive
// gives one Record of kind "remoteFile" per file, with the file's name and
// content (base64 when it is not text).
func (a *Adapter) Export(ctx context.Context, op adapter.Op, terms []gdpr.Term, emit func(adapter.Record) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	ids := slices.Clone(op.Waiting)
	if len(ids) == 0 {
		subjects, err := a.subjects(ctx, terms)
		if err != nil {
			return err
		}
		if ids, err = a.begin(ctx, op, gdpr.RequestExport, subjects, nil); err != nil {
			return err
		}
	}
	if len(ids) == 0 {
		return nil
	}
	reqs, err := a.await(ctx, op, ids, gdpr.Outcome{})
	if err != nil {
		return err
	}
	seen := map[[2]string]bool{}
	for _, req := range reqs {
		if err := a.emitArchive(ctx, req, seen, emit); err != nil {
			return err
		}
	}
	return nil
}

// errTooLarge ends a download past WithMaxArchive.
var errTooLarge = errors.New("archive too large")

type capped struct {
	buf bytes.Buffer
	max int64
}

func (c *capped) Write(b []byte) (int, error) {
	if int64(c.buf.Len()+len(b)) > c.max {
		return 0, errTooLarge
	}
	return c.buf.Write(b)
}

// emitArchive downloads the archive of the completed export req and emits
// its records.
func (a *Adapter) emitArchive(ctx context.Context, req *gdpr.Request, seen map[[2]string]bool, emit func(adapter.Record) error) error {
	w := &capped{max: a.maxArchive}
	if _, err := a.remote.DownloadResults(ctx, req, w); err != nil {
		if errors.Is(err, errTooLarge) {
			return fmt.Errorf("apiadapter %s: the archive of remote request %s is larger than %d bytes; raise WithMaxArchive", a.name, req.ID, a.maxArchive)
		}
		return fmt.Errorf("apiadapter %s: download results of %s: %w", a.name, req.ID, err)
	}
	data := w.buf.Bytes()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fmt.Errorf("apiadapter %s: the results of remote request %s are not a zip archive: %w", a.name, req.ID, err)
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[f.Name] = f
	}
	if m, ok := files["manifest.json"]; ok {
		if err := emitParts(m, files, seen, emit); err == nil || !errors.Is(err, errNotOurs) {
			if err != nil {
				return fmt.Errorf("apiadapter %s: results of %s: %w", a.name, req.ID, err)
			}
			return nil
		}
	}
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		b, err := readFile(f)
		if err != nil {
			return fmt.Errorf("apiadapter %s: results of %s: %w", a.name, req.ID, err)
		}
		fields := map[string]any{"request": req.ID, "name": f.Name}
		if utf8.Valid(b) {
			fields["content"] = string(b)
		} else {
			fields["content"], fields["encoding"] = base64.StdEncoding.EncodeToString(b), "base64"
		}
		if err := emit(adapter.Record{Kind: "remoteFile", ID: req.ID + "/" + f.Name, Fields: fields}); err != nil {
			return err
		}
	}
	return nil
}

// errNotOurs is a manifest.json that is not a gdpr serve archive's.
var errNotOurs = errors.New("not a gdpr serve archive")

// manifest is the part of a gdpr serve archive's manifest.json read here.
type manifest struct {
	RequestID string `json:"requestId"`
	Adapters  []struct {
		Name string `json:"name"`
		File string `json:"file"`
	} `json:"adapters"`
}

// emitParts emits the records of a gdpr serve archive, except those seen
// already.
func emitParts(mf *zip.File, files map[string]*zip.File, seen map[[2]string]bool, emit func(adapter.Record) error) error {
	b, err := readFile(mf)
	if err != nil {
		return err
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil || m.RequestID == "" {
		return errNotOurs
	}
	for _, ad := range m.Adapters {
		f := files[ad.File]
		if f == nil || path.Base(ad.File) != ad.File {
			return fmt.Errorf("the manifest names %q, which the archive does not hold", ad.File)
		}
		b, err := readFile(f)
		if err != nil {
			return err
		}
		var recs []adapter.Record
		if err := json.Unmarshal(b, &recs); err != nil {
			return fmt.Errorf("%s: %w", ad.File, err)
		}
		for _, r := range recs {
			k := [2]string{r.Kind, r.ID}
			if seen[k] {
				continue
			}
			seen[k] = true
			if err := emit(r); err != nil {
				return err
			}
		}
	}
	return nil
}

func readFile(f *zip.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name, err)
	}
	return b, nil
}
