package console

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/dsr"
)

// plannedRow is one request of a plan as the review page shows it.
type plannedRow struct {
	For, TermKind, TermValue string
}

// skippedRow is what a plan leaves alone, and why.
type skippedRow struct {
	What, Reason string
}

// planView is the data of the review page, which for an erasure is the
// confirmation page.
type planView struct {
	DraftID     string
	Type        gdpr.RequestType
	DSRID       string
	Delete      bool
	Subjects    int
	Requests    []plannedRow
	Skipped     []skippedRow
	LeftAlone   int
	Replacement []gdpr.ReplacementTerm
}

func planData(d *draft) planView {
	p := d.plan
	v := planView{DraftID: d.id, Type: p.Type, DSRID: p.DSRID, Delete: p.Type == gdpr.RequestDelete,
		Subjects: len(p.Subjects), LeftAlone: len(d.res.Candidates) - len(p.Subjects), Replacement: d.opts.ReplacementTerms}
	for _, q := range p.Requests {
		v.Requests = append(v.Requests, plannedRow{For: q.For(), TermKind: string(q.Term.Kind), TermValue: q.Term.Value})
	}
	for _, sk := range p.Skipped {
		what := sk.Subject
		if sk.Term != nil {
			what = string(sk.Term.Kind) + " " + sk.Term.Value
		}
		v.Skipped = append(v.Skipped, skippedRow{What: what, Reason: sk.Reason})
	}
	return v
}

// dsrReview serves the plan of a draft for review: for an erasure, the
// confirmation that names how many subjects and requests it touches.
func (c *Console) dsrReview(w http.ResponseWriter, r *http.Request, s *session) {
	d, ok := c.sessionDraft(w, r, s)
	if !ok {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case d.report != nil:
		http.Redirect(w, r, draftPath(d, "/submitted"), http.StatusSeeOther)
	case d.plan == nil:
		http.Redirect(w, r, draftPath(d, ""), http.StatusSeeOther)
	default:
		c.render(w, r, s, http.StatusOK, "dsr_plan", view{Title: reviewTitle(d.plan), Nav: "new", Data: planData(d)})
	}
}

func reviewTitle(p *dsr.Plan) string {
	if p.Type == gdpr.RequestDelete {
		return "Confirm erasure"
	}
	return "Review the requests"
}

// submitTimeout bounds the creation of a DSR's requests; it goes on when
// the browser goes away, so that a DSR is not left half-created.
const submitTimeout = 2 * time.Minute

// dsrSubmit creates the requests of the draft's plan. The form must name
// the plan it confirms (type, subjects and requests, as the page showed
// them), and an erasure must carry the explicit confirmation; otherwise
// nothing is created.
func (c *Console) dsrSubmit(w http.ResponseWriter, r *http.Request, s *session) {
	d, ok := c.openDraft(w, r, s)
	if !ok {
		return
	}
	defer d.mu.Unlock()
	f := r.PostForm
	p := d.plan
	if p == nil || f.Get("type") != string(p.Type) || f.Get("subjects") != strconv.Itoa(len(p.Subjects)) ||
		f.Get("requests") != strconv.Itoa(len(p.Requests)) {
		c.fail(w, r, s, http.StatusConflict, "The plan changed",
			"The plan changed after this page was shown (in another tab, say), so nothing was created. Review the plan again.")
		return
	}
	if p.Type == gdpr.RequestDelete && f.Get("confirm") != "yes" {
		c.render(w, r, s, http.StatusUnprocessableEntity, "dsr_plan", view{Title: reviewTitle(p), Nav: "new",
			Error: "Nothing was erased: tick the box to confirm the erasure, then erase.", Data: planData(d)})
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), submitTimeout)
	defer cancel()
	rep, err := submit(ctx, c.service(), p)
	if err != nil {
		c.failErr(w, r, s, err)
		return
	}
	d.report = rep
	c.log.InfoContext(r.Context(), "console: DSR submitted", "dsr", rep.DSRID, "type", rep.Type,
		"subjects", len(rep.Subjects), "requests", len(rep.Requests), "org", s.org, "client", s.client)
	http.Redirect(w, r, draftPath(d, "/submitted"), http.StatusSeeOther)
}
