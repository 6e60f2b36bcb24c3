package httpadapter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter"
)

func (c *callBody) op() adapter.Op {
	return adapter.Op{RequestID: c.RequestID, ID: c.OperationID}
}

func (h *handler) search(w http.ResponseWriter, r *http.Request, c *callBody) {
	ss, err := h.a.Search(r.Context(), *c.Term)
	if err != nil {
		h.failAdapter(w, r, routeSearch, err)
		return
	}
	if ss == nil {
		ss = []gdpr.Subject{}
	}
	h.reply(w, searchAnswer{Subjects: ss})
}

func (h *handler) resolve(w http.ResponseWriter, r *http.Request, c *callBody) {
	s, err := h.a.Resolve(r.Context(), *c.Term)
	if errors.Is(err, gdpr.ErrNotFound) {
		h.fail(w, r, routeResolve, http.StatusNotFound, codeNotFound, "no subject has this id")
		return
	}
	if err != nil {
		h.failAdapter(w, r, routeResolve, err)
		return
	}
	h.reply(w, resolveAnswer{Subject: s})
}

func (h *handler) rectify(w http.ResponseWriter, r *http.Request, c *callBody) {
	changes := make([]adapter.Change, len(c.Changes))
	for i, ch := range c.Changes {
		changes[i] = adapter.Change{Kind: ch.Kind, Existing: ch.Existing, Updated: ch.Updated}
	}
	out, err := h.a.Rectify(r.Context(), c.op(), c.Terms, changes)
	if err != nil {
		h.failChanged(w, r, routeRectify, err, out)
		return
	}
	h.reply(w, outcomeAnswer{Outcome: out})
}

// errUndecided is what the handler's keep function answers about a record
// no decision of the apply call covers, and errChanged about one whose
// version differs from its decision's.
var (
	errUndecided = errors.New("no decision covers this record")
	errChanged   = errors.New("this record changed since its decision was made")
)

// erase runs the apply phase: the local adapter's Erase, asking a keep
// function that answers from the call's decisions. A record no decision
// covers, or whose version (recordVersion of the record the local adapter
// presents) differs from the version its decision carries, makes keep
// fail, so that the adapter erases nothing (as the KeepFunc contract
// requires) and the caller is told to list the candidates again. A
// decision without a version, from a processor that predates versions,
// is taken as it is. A local Erase that fails after changing records is
// answered with the Outcome of what it changed.
func (h *handler) erase(w http.ResponseWriter, r *http.Request, c *callBody) {
	decided := make(map[recordKey]decision, len(c.Decisions))
	for _, d := range c.Decisions {
		decided[recordKey{d.Kind, d.ID}] = d
	}
	var mu sync.Mutex
	var missed error // errUndecided or errChanged, about a record of kind missedKind
	missedKind := ""
	miss := func(kind string, err error) error {
		mu.Lock()
		missed, missedKind = err, kind
		mu.Unlock()
		return err
	}
	keep := func(_ context.Context, rec adapter.Record) (string, bool, error) {
		d, ok := decided[recordKey{rec.Kind, rec.ID}]
		if !ok {
			return "", false, miss(rec.Kind, errUndecided)
		}
		if d.Version != "" {
			v, err := recordVersion(rec)
			if err != nil {
				return "", false, err
			}
			if v != d.Version {
				return "", false, miss(rec.Kind, errChanged)
			}
		}
		return d.Basis, d.Retain, nil
	}
	out, err := h.a.Erase(r.Context(), c.op(), c.Terms, keep)
	mu.Lock()
	why, kind := missed, missedKind
	mu.Unlock()
	if err != nil && why != nil && !changed(out) && r.Context().Err() == nil {
		what := "that no decision covers"
		if errors.Is(why, errChanged) {
			what = "that changed since its decision was made"
		}
		h.fail(w, r, routeErase, http.StatusConflict, codeUndecided, fmt.Sprintf(
			"the erasure met a record of kind %q %s and erased nothing: list the candidates again", kind, what))
		return
	}
	if err != nil {
		h.failChanged(w, r, routeErase, err, out)
		return
	}
	h.reply(w, outcomeAnswer{Outcome: out})
}

// stream answers an export, or the candidates phase of an erasure, with
// the local adapter's Export: a stream of record lines ending with an end
// line, or an error line when the export fails after the first record. A
// failure before the first record is answered with its status instead.
// The record lines of candidates carry the record's version.
func (h *handler) stream(w http.ResponseWriter, r *http.Request, route string, c *callBody) {
	s := streamWriter{w: w, enc: json.NewEncoder(w), versioned: route == routeErase}
	err := h.a.Export(r.Context(), c.op(), c.Terms, s.emit)
	switch {
	case err == nil:
		s.start()
		s.enc.Encode(streamLine{End: &streamEnd{Records: s.n}})
	case !s.started:
		h.failAdapter(w, r, route, err)
	case r.Context().Err() == nil:
		h.cfg.log.ErrorContext(r.Context(), "httpadapter: stream failed", "route", route, "records", s.n, "error", err.Error())
		msg := err.Error()
		if len(msg) > maxMessage {
			msg = msg[:maxMessage] + "…"
		}
		s.enc.Encode(streamLine{Error: &errorDetail{Code: codeInternal, Message: msg}})
	}
}

// streamWriter writes the lines of a stream, sending the 200 header with
// the first. When versioned, each record line carries the record's
// version.
type streamWriter struct {
	w         http.ResponseWriter
	enc       *json.Encoder
	versioned bool
	started   bool
	n         int
}

func (s *streamWriter) start() {
	if !s.started {
		s.w.Header().Set("Content-Type", contentNDJSON)
		s.w.WriteHeader(http.StatusOK)
		s.started = true
	}
}

func (s *streamWriter) emit(rec adapter.Record) error {
	line := streamLine{Record: &rec}
	if s.versioned {
		v, err := recordVersion(rec)
		if err != nil {
			return err
		}
		line.Version = v
	}
	s.start()
	s.n++
	return s.enc.Encode(line)
}
