package console

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/dsr"
)

// resolveTimeout bounds a DSR's searches, which run at the
// organization's rate: 50 identifiers at 10 a second take seconds, and
// an organization's other traffic may slow them more.
const resolveTimeout = 10 * time.Minute

// resolveWait is how long the New DSR form waits for its searches before
// it shows their progress instead.
const resolveWait = 2 * time.Second

// resolving is the state of a draft's searches while they run.
type resolving struct {
	total    int
	done     atomic.Int64
	finished chan struct{} // closed when the draft holds res or err
	err      error         // the searches' error, under the draft's mu
}

// resolvingView is the data of the page that follows a DSR's searches.
type resolvingView struct {
	Done, Total int
}

// counting counts the subject searches of a service.
type counting struct {
	gdpr.Service
	n *atomic.Int64
}

func (c counting) SearchSubjects(ctx context.Context, kind gdpr.Kind, value string) ([]gdpr.Subject, error) {
	defer c.n.Add(1)
	return c.Service.SearchSubjects(ctx, kind, value)
}

// startResolve resolves ids into d in the background, at the
// organization's rate, and returns what follows it. The searches stop
// by themselves within resolveTimeout.
func (c *Console) startResolve(r *http.Request, d *draft, ids dsr.Identifiers, total int) *resolving {
	p := &resolving{total: total, finished: make(chan struct{})}
	d.pending = p
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), resolveTimeout)
	go func() {
		defer cancel()
		res, err := dsr.Resolve(ctx, counting{Service: c.service(), n: &p.done}, ids)
		d.mu.Lock()
		d.res, p.err = res, err
		if err == nil {
			d.pending = nil
		}
		d.mu.Unlock()
		close(p.finished)
	}()
	return p
}

// resolveFailure is what the form shows for a failed resolution, and
// its status.
func (c *Console) resolveFailure(r *http.Request, s *session, err error) (int, string) {
	var apiErr *gdpr.APIError
	if errors.As(err, &apiErr) && apiErr.Status() < 500 {
		return http.StatusUnprocessableEntity, "The search refused an identifier: " + apiErr.Body.Message
	}
	// The error may quote an identifier: it is shown, not logged.
	c.log.ErrorContext(r.Context(), "console: resolve failed", "org", s.org)
	return http.StatusBadGateway, "The search failed, so nothing was resolved: " + err.Error()
}

// showResolving serves a draft whose searches have not ended well: their
// progress while they run, refreshed, or the form with their error. The
// caller holds d.mu.
func (c *Console) showResolving(w http.ResponseWriter, r *http.Request, s *session, d *draft) {
	p := d.pending
	select {
	case <-p.finished:
		status, msg := c.resolveFailure(r, s, p.err)
		c.render(w, r, s, status, "dsr_new", view{Title: "New data subject request", Nav: "new", Error: msg, Data: d.form})
	default:
		v := resolvingView{Done: min(int(p.done.Load()), p.total), Total: p.total}
		c.render(w, r, s, http.StatusOK, "dsr_resolving", view{Title: "Searching", Nav: "new", Refresh: refreshSeconds, Data: v})
	}
}
