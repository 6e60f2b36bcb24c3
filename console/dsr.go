package console

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/dsr"
)

// dsrForm is what the officer typed on the New DSR page: one value per
// line in the fields that take several.
type dsrForm struct {
	Reference, Name, Emails, Phones, Addresses, Socials string
	ExternalIDs, UserIDs, ExternalContactIDs, DialerIDs string
}

// readDSRForm reads the New DSR form of a parsed POST.
func readDSRForm(r *http.Request) dsrForm {
	f := r.PostForm.Get
	return dsrForm{Reference: strings.TrimSpace(f("reference")), Name: f("name"), Emails: f("emails"),
		Phones: f("phones"), Addresses: f("addresses"), Socials: f("socials"), ExternalIDs: f("external_ids"),
		UserIDs: f("user_ids"), ExternalContactIDs: f("external_contact_ids"), DialerIDs: f("dialer_contact_ids")}
}

// validReference is what a DSR reference may look like: a ticket number,
// not a person's name.
var validReference = regexp.MustCompile(`^[A-Za-z0-9._:/#-]{1,64}$`)

// identifiers returns the person's identifiers, or an error that names
// the field to fix.
func (f dsrForm) identifiers() (dsr.Identifiers, error) {
	ids := dsr.Identifiers{Names: lines(f.Name), Emails: lines(f.Emails), Phones: lines(f.Phones),
		Addresses: lines(f.Addresses), ExternalIDs: lines(f.ExternalIDs), UserIDs: lines(f.UserIDs),
		ExternalContactIDs: lines(f.ExternalContactIDs)}
	if f.Reference != "" && !validReference.MatchString(f.Reference) {
		return ids, errors.New("DSR reference: use up to 64 letters, digits and . _ : / # - (a ticket number, not the person's name)")
	}
	for _, l := range lines(f.Socials) {
		typ, handle, ok := strings.Cut(l, ":")
		st := gdpr.Kind(strings.ToUpper(strings.TrimSpace(typ)))
		if !ok || strings.TrimSpace(handle) == "" || !st.IsSocial() {
			return ids, errors.New("social handles: write each as TYPE:handle, with TYPE one of TWITTER, INSTAGRAM, FACEBOOK, APPLE_MESSAGES")
		}
		ids.SocialHandles = append(ids.SocialHandles, gdpr.SocialHandle{Type: st, Value: strings.TrimSpace(handle)})
	}
	for _, l := range lines(f.DialerIDs) {
		list, id, ok := strings.Cut(l, ":")
		if !ok || strings.TrimSpace(list) == "" || strings.TrimSpace(id) == "" {
			return ids, errors.New("dialer contact ids: write each as LIST:ID, the contact list's id and the contact's id")
		}
		ids.DialerContactIDs = append(ids.DialerContactIDs, gdpr.DialerContactID{ID: strings.TrimSpace(id), ContactListID: strings.TrimSpace(list)})
	}
	terms, err := ids.Terms()
	if err != nil {
		return ids, errors.New(strings.TrimPrefix(err.Error(), "dsr: identifiers: "))
	}
	if len(terms) == 0 {
		return ids, errors.New("give at least one identifier: a name, an email, a phone, a social handle or an id")
	}
	return ids, nil
}

// lines splits a field into its non-empty lines, trimmed.
func lines(s string) []string {
	var out []string
	for l := range strings.Lines(s) {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// dsrForm serves the empty New DSR form.
func (c *Console) dsrForm(w http.ResponseWriter, r *http.Request, s *session) {
	c.render(w, r, s, http.StatusOK, "dsr_new", view{Title: "New data subject request", Nav: "new", Data: dsrForm{}})
}

// dsrResolve resolves the identifiers of the form, as gdpr dsar does,
// keeps the resolution in a new draft and shows it. A form with a mistake
// comes back with the mistake named and the values kept.
func (c *Console) dsrResolve(w http.ResponseWriter, r *http.Request, s *session) {
	form := readDSRForm(r)
	again := func(status int, msg string) {
		c.render(w, r, s, status, "dsr_new", view{Title: "New data subject request", Nav: "new", Error: msg, Data: form})
	}
	ids, err := form.identifiers()
	if err != nil {
		again(http.StatusUnprocessableEntity, "Check the form: "+err.Error()+".")
		return
	}
	terms, _ := ids.Terms()
	if len(terms) > c.maxIDs {
		again(http.StatusUnprocessableEntity, fmt.Sprintf("Check the form: it holds %d identifiers, and one DSR may hold at most %d. Split it into several DSRs.", len(terms), c.maxIDs))
		return
	}
	d := &draft{id: randomToken(), reference: form.Reference, typ: gdpr.RequestExport, form: form}
	d.mu.Lock()
	p := c.startResolve(r, d, ids, len(terms))
	d.mu.Unlock()
	t := time.NewTimer(c.resolveWait)
	defer t.Stop()
	select {
	case <-p.finished:
		d.mu.Lock()
		err := p.err
		d.mu.Unlock()
		if err != nil {
			again(c.resolveFailure(r, s, err))
			return
		}
	case <-t.C: // the draft's page shows the progress
	case <-r.Context().Done():
	}
	s.addDraft(d)
	http.Redirect(w, r, draftPath(d, ""), http.StatusSeeOther)
}

// draftPath is the path of a draft's page, with suffix ("", "/plan", ...).
func draftPath(d *draft, suffix string) string {
	return Path + "dsr/" + url.PathEscape(d.id) + suffix
}

// openDraft returns the draft the path names, locked, for a form that
// changes it; the caller unlocks it. A draft already submitted is not
// changed again: the browser is sent to what was submitted, and ok is
// false, as it is when there is no such draft.
func (c *Console) openDraft(w http.ResponseWriter, r *http.Request, s *session) (*draft, bool) {
	d, ok := c.sessionDraft(w, r, s)
	if !ok {
		return nil, false
	}
	d.mu.Lock()
	if d.report != nil || d.pending != nil {
		d.mu.Unlock()
		to := draftPath(d, "/submitted")
		if d.report == nil {
			to = draftPath(d, "") // still searching
		}
		http.Redirect(w, r, to, http.StatusSeeOther)
		return nil, false
	}
	return d, true
}

// sessionDraft returns the draft the path names, or writes a 404 page.
func (c *Console) sessionDraft(w http.ResponseWriter, r *http.Request, s *session) (*draft, bool) {
	d, ok := s.draft(r.PathValue("draft"))
	if !ok {
		c.fail(w, r, s, http.StatusNotFound, "DSR not found",
			"This data subject request is not in your session: sessions keep the last few DSRs in progress, and forget them when they end. Start again from New DSR; a request submitted before is not made twice.")
	}
	return d, ok
}
