package console

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/store"
)

// refreshSeconds is how often a page that follows running requests
// reloads itself (when the script runs and the officer has not paused it).
const refreshSeconds = 2

// stepRow is one data store's step as the detail page shows it.
type stepRow struct {
	gdpr.Step
	// Did lists what was done: "2 exported", "1 deleted, 1 anonymized".
	Did string
	// Retained lists the records kept, with their legal basis.
	Retained []gdpr.Retention
}

// detailView is the data of a request's page.
type detailView struct {
	Row                 requestRow
	Req                 *gdpr.Request
	TermKind, TermValue string
	Steps               []stepRow
	Events              []store.Event
	// Audit is what was checked of the organization's audit chain, and
	// what signs the request's events.
	Audit       auditPanel
	CanDownload bool
	CanRetry    bool
}

// requestDetail serves one request of the session's organization.
func (c *Console) requestDetail(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	req, err := c.proc.GetRequest(ctx, r.PathValue("id"))
	if err != nil {
		c.failErr(w, r, s, err)
		return
	}
	events, err := c.proc.Audit(ctx, req.ID)
	if err != nil {
		c.failErr(w, r, s, err)
		return
	}
	v := detailView{Row: c.row(req), Req: req, Events: events,
		CanDownload: req.RequestType == gdpr.RequestExport && req.Status == gdpr.StatusCompleted,
		CanRetry:    req.Status == gdpr.StatusError && s.canWrite()}
	v.TermKind, v.TermValue = term(req.Subject)
	for _, st := range req.Steps {
		row := stepRow{Step: st, Did: did(st.Outcome)}
		if st.Outcome != nil {
			row.Retained = st.Outcome.Retained
		}
		v.Steps = append(v.Steps, row)
	}
	v.Audit = c.auditPanel(ctx, s, events)
	refresh := 0
	if !req.Status.Done() {
		refresh = refreshSeconds
	}
	c.render(w, r, s, http.StatusOK, "request", view{Title: "Request " + req.ID, Nav: "requests", Refresh: refresh, Data: v})
}

// did lists what a data store did, "" when nothing.
func did(o *gdpr.Outcome) string {
	if o == nil {
		return ""
	}
	out := ""
	for _, part := range []struct {
		n    int
		what string
	}{{o.Exported, "exported"}, {o.Updated, "updated"}, {o.Deleted, "deleted"}, {o.Anonymized, "anonymized"},
		{o.Erased, "erased by the remote service"}} {
		if part.n > 0 {
			if out != "" {
				out += ", "
			}
			out += fmt.Sprintf("%d %s", part.n, part.what)
		}
	}
	return out
}

// exportDownload streams a completed export's archive, of the session's
// organization only.
func (c *Console) exportDownload(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	rc, err := c.proc.OpenResults(r.Context(), id)
	if err != nil {
		c.failErr(w, r, s, err)
		return
	}
	defer rc.Close()
	h := w.Header()
	h.Set("Content-Type", "application/zip")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "gdpr-export-" + id + ".zip"}))
	h.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	if _, err := io.Copy(w, rc); err != nil && r.Context().Err() == nil {
		c.log.WarnContext(r.Context(), "console: export download broke off", "request", id, "err", err)
	}
}

// retry resumes a request in ERROR and shows it again.
func (c *Console) retry(w http.ResponseWriter, r *http.Request, s *session) {
	req, err := c.proc.Retry(r.Context(), r.PathValue("id"))
	if err != nil {
		c.failErr(w, r, s, err)
		return
	}
	c.log.InfoContext(r.Context(), "console: request retried", "request", req.ID, "org", s.org, "client", s.client)
	http.Redirect(w, r, Path+"requests/"+url.PathEscape(req.ID), http.StatusSeeOther)
}
