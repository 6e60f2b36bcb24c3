package console

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/dsr"
)

// candidateRow is one candidate subject as the resolution table shows it.
type candidateRow struct {
	dsr.Candidate
	// Holds lists what the data stores hold of the subject, "EMAIL a@b".
	Holds []string
	// Included: an ambiguous candidate the officer chose to act on.
	Included bool
	// Field is the id of its checkbox.
	Field string
}

// resolutionView is the data of the resolution page: the table and the
// choice of what to do.
type resolutionView struct {
	DraftID     string
	Reference   string
	Identifiers []gdpr.Term
	Candidates  []candidateRow
	Unmatched   []gdpr.Term
	Confirmed   int
	Ambiguous   int
	Type        gdpr.RequestType
	Types       []gdpr.RequestType
	Replace     gdpr.ReplacementTerm
	SearchTypes []gdpr.Kind
	Submitted   bool
}

// holds lists what a subject carries but its name (which has a column of
// its own): each id by its field, "dialerContactId LIST/ID", and every
// other term by its kind, "EMAIL a@b".
func holds(s gdpr.Subject) []string {
	var out []string
	for field, t := range s.Terms() {
		switch {
		case t.Kind == gdpr.KindName:
		case t.Kind.IsID() && t.Scope != "":
			out = append(out, field+" "+t.Scope+"/"+t.Value)
		case t.Kind.IsID():
			out = append(out, field+" "+t.Value)
		default:
			out = append(out, string(t.Kind)+" "+t.Value)
		}
	}
	return out
}

// resolutionData builds the resolution page's data from the draft.
func resolutionData(d *draft) resolutionView {
	v := resolutionView{DraftID: d.id, Reference: d.reference, Identifiers: d.res.Identifiers, Unmatched: d.res.Unmatched,
		Type: d.typ, Types: gdpr.RequestTypes(), SearchTypes: gdpr.SearchKinds(), Submitted: d.report != nil}
	if len(d.opts.ReplacementTerms) > 0 {
		v.Replace = d.opts.ReplacementTerms[0]
	}
	for i, cand := range d.res.Candidates {
		row := candidateRow{Candidate: cand, Holds: holds(cand.Subject), Field: "include-" + strconv.Itoa(i+1),
			Included: slices.Contains(d.opts.Include, cand.ID)}
		if cand.Verdict == dsr.Confirmed {
			v.Confirmed++
		} else {
			v.Ambiguous++
		}
		v.Candidates = append(v.Candidates, row)
	}
	return v
}

// dsrResolution serves a draft's resolution table and the choice of the
// request type.
func (c *Console) dsrResolution(w http.ResponseWriter, r *http.Request, s *session) {
	d, ok := c.sessionDraft(w, r, s)
	if !ok {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.pending != nil {
		c.showResolving(w, r, s, d)
		return
	}
	c.render(w, r, s, http.StatusOK, "dsr_resolution", view{Title: "Who the identifiers found", Nav: "new", Data: resolutionData(d)})
}

// dsrPlan takes the officer's choice (the request type, the ambiguous
// subjects to include, the replacement of an update), plans the requests
// and sends the browser to the plan for review. Nothing is created yet.
func (c *Console) dsrPlan(w http.ResponseWriter, r *http.Request, s *session) {
	d, ok := c.openDraft(w, r, s)
	if !ok {
		return
	}
	defer d.mu.Unlock()
	f := r.PostForm
	d.typ = gdpr.RequestType(f.Get("type"))
	d.opts = dsr.Options{DSRID: d.reference, DSRKey: c.dsrKey, Include: f["include"], DeleteConfirmed: d.typ == gdpr.RequestDelete}
	if d.typ == gdpr.RequestUpdate {
		d.opts.ReplacementTerms = []gdpr.ReplacementTerm{{Type: gdpr.Kind(f.Get("replace_type")),
			ExistingValue: strings.TrimSpace(f.Get("replace_from")), UpdatedValue: strings.TrimSpace(f.Get("replace_to"))}}
	}
	again := func(msg string) {
		d.plan = nil
		c.render(w, r, s, http.StatusUnprocessableEntity, "dsr_resolution",
			view{Title: "Who the identifiers found", Nav: "new", Error: msg, Data: resolutionData(d)})
	}
	if err := d.typ.Validate(); err != nil {
		again("Choose what to do: export, rectify or erase.")
		return
	}
	if rt := d.opts.ReplacementTerms; len(rt) > 0 && (rt[0].Type.Validate() != nil || rt[0].ExistingValue == "" || rt[0].UpdatedValue == "") {
		again("A rectification needs the kind of value, the value held now and the value to hold instead.")
		return
	}
	plan, err := d.res.Plan(d.typ, d.opts)
	if err != nil {
		again("The plan could not be made: " + strings.TrimPrefix(err.Error(), "dsr: plan: ") + ".")
		return
	}
	if len(plan.Requests) == 0 {
		again("Nothing to do: no subject is accepted. Check the ambiguous subjects and include those that are the person.")
		return
	}
	d.plan = plan
	http.Redirect(w, r, draftPath(d, "/plan"), http.StatusSeeOther)
}
