package console

import (
	"net/http"

	"github.com/gdprkit/gdpr"
)

// submittedRow is one request of a submitted DSR, as it stands now.
type submittedRow struct {
	For   string
	Row   requestRow
	Req   *gdpr.Request
	Error string
}

// submittedView is the data of a submitted DSR's page.
type submittedView struct {
	DSRID    string
	Type     gdpr.RequestType
	Subjects int
	Rows     []submittedRow
	Done     int
}

// dsrSubmitted serves the requests a DSR made, each read afresh, until
// all are final.
func (c *Console) dsrSubmitted(w http.ResponseWriter, r *http.Request, s *session) {
	d, ok := c.sessionDraft(w, r, s)
	if !ok {
		return
	}
	d.mu.Lock()
	rep := d.report
	d.mu.Unlock()
	if rep == nil {
		http.Redirect(w, r, draftPath(d, ""), http.StatusSeeOther)
		return
	}
	v := submittedView{DSRID: rep.DSRID, Type: rep.Type, Subjects: len(rep.Subjects)}
	for _, it := range rep.Requests {
		row := submittedRow{For: it.For(), Error: it.Error}
		if it.RequestID == "" {
			v.Done++
			v.Rows = append(v.Rows, row)
			continue
		}
		req, err := c.proc.GetRequest(r.Context(), it.RequestID)
		if err != nil {
			c.failErr(w, r, s, err)
			return
		}
		row.Req, row.Row = req, c.row(req)
		if req.Status.Done() {
			v.Done++
		}
		v.Rows = append(v.Rows, row)
	}
	refresh := 0
	if v.Done < len(v.Rows) {
		refresh = refreshSeconds
	}
	c.render(w, r, s, http.StatusOK, "dsr_submitted", view{Title: "DSR " + rep.DSRID + " submitted", Nav: "new", Refresh: refresh, Data: v})
}
