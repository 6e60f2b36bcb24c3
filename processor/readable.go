package processor

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/store"
)

// IndexFile is the name, in an export archive, of the page a person reads:
// what each system holds about them, record by record. It is
// self-contained (no script, no external asset) and opens in any browser.
const IndexFile = "index.html"

//go:embed templates/index.html
var indexFS embed.FS

// indexPage is the export archive's index.html, escaped by html/template.
var indexPage = template.Must(template.ParseFS(indexFS, "templates/index.html"))

type indexHead struct {
	RequestID string
	Generated string
	Records   int
	Systems   []indexSystem
}

// indexSystem is a ManifestAdapter as the page shows it.
type indexSystem struct {
	Name    string
	File    string
	Records int
}

type indexRecord struct {
	Kind, ID string
	Fields   []indexField
}

type indexField struct{ Name, Value string }

// IndexRecordsMax is how many records of one system index.html shows, in
// the order of its JSON part; beyond, the page says how many there are
// and names the JSON file holding them all. A page of tens of thousands
// of tables helps no one read, and would cost an export of that size
// several times its JSON.
const IndexRecordsMax = 1000

// indexMore is the note ending a system's section with more records than
// IndexRecordsMax.
type indexMore struct {
	Shown, Records int
	File           string
}

// writeIndex writes the archive's index.html: each adapter's part is read
// again, one record at a time, so that the page streams like the parts.
func (p *Processor) writeIndex(ctx context.Context, job *store.Job, m Manifest, parts map[string]*spool, w io.Writer) error {
	head := indexHead{RequestID: m.RequestID, Generated: m.Generated.Time.UTC().Format(time.RFC1123), Records: m.Records}
	for _, a := range m.Adapters {
		head.Systems = append(head.Systems, indexSystem(a))
	}
	if err := indexPage.ExecuteTemplate(w, "head", head); err != nil {
		return fmt.Errorf("index.html: %w", err)
	}
	for _, a := range m.Adapters {
		if err := indexPage.ExecuteTemplate(w, "system", indexSystem(a)); err != nil {
			return fmt.Errorf("index.html: %w", err)
		}
		if err := p.indexRecords(ctx, job, a, parts[a.Name], w); err != nil {
			return err
		}
		if err := indexPage.ExecuteTemplate(w, "systemEnd", nil); err != nil {
			return fmt.Errorf("index.html: %w", err)
		}
	}
	if err := indexPage.ExecuteTemplate(w, "foot", head); err != nil {
		return fmt.Errorf("index.html: %w", err)
	}
	return nil
}

// indexRecords renders the records of one adapter's part, at most
// IndexRecordsMax of them, and reads no further.
func (p *Processor) indexRecords(ctx context.Context, job *store.Job, a ManifestAdapter, sp *spool, w io.Writer) error {
	var r io.Reader
	if sp != nil {
		sr, err := sp.reader()
		if err != nil {
			return fmt.Errorf("index.html: read export part of %q: %w", a.Name, err)
		}
		r = sr
	} else {
		rc, err := p.store.OpenBlob(ctx, blobKey(job, a.File))
		if err != nil {
			return fmt.Errorf("index.html: open export part of %q: %w", a.Name, err)
		}
		defer rc.Close()
		r = rc
	}
	dec := json.NewDecoder(r)
	dec.UseNumber()
	if _, err := dec.Token(); err != nil { // [
		return fmt.Errorf("index.html: export part of %q: %w", a.Name, err)
	}
	for n := 0; dec.More(); n++ {
		if n == IndexRecordsMax {
			if err := indexPage.ExecuteTemplate(w, "more", indexMore{Shown: n, Records: a.Records, File: a.File}); err != nil {
				return fmt.Errorf("index.html: %w", err)
			}
			return nil
		}
		var rec adapter.Record
		if err := dec.Decode(&rec); err != nil {
			return fmt.Errorf("index.html: export part of %q: %w", a.Name, err)
		}
		if err := indexPage.ExecuteTemplate(w, "record", readable(rec)); err != nil {
			return fmt.Errorf("index.html: %w", err)
		}
	}
	return nil
}

// readable returns rec's fields in name order, each value as text: a
// string as it is, anything else as compact JSON.
func readable(rec adapter.Record) indexRecord {
	out := indexRecord{Kind: rec.Kind, ID: rec.ID}
	names := make([]string, 0, len(rec.Fields))
	for k := range rec.Fields {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		out.Fields = append(out.Fields, indexField{Name: k, Value: fieldText(rec.Fields[k])})
	}
	return out
}

// fieldText returns v as a person reads it: a list as its items joined
// by commas, an object as "name: value" pairs joined by semicolons, in
// name order.
func fieldText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		if v {
			return "yes"
		}
		return "no"
	case []any:
		items := make([]string, len(v))
		for i, x := range v {
			items[i] = fieldText(x)
		}
		return strings.Join(items, ", ")
	case map[string]any:
		names := slices.Sorted(maps.Keys(v))
		pairs := make([]string, len(names))
		for i, k := range names {
			pairs[i] = k + ": " + fieldText(v[k])
		}
		return strings.Join(pairs, "; ")
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
