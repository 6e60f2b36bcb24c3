package console

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/store"
)

// listPageSize is how many requests a page of the list shows.
const listPageSize = 25

// Status filters beyond the statuses themselves.
const (
	filterOpen    = "OPEN"
	filterOverdue = "OVERDUE"
)

// requestRow is one request as the pages show it.
type requestRow struct {
	ID, Name     string
	Type         gdpr.RequestType
	Status       gdpr.Status
	TermKind     string
	Created, Due gdpr.Time
	// Left is the time left until due, or how long overdue; "" when the
	// request is final.
	Left    string
	Overdue bool
}

func (c *Console) row(r *gdpr.Request) requestRow {
	left, overdue := timeLeft(c.now(), r)
	kind, _ := term(r.Subject)
	return requestRow{ID: r.ID, Name: r.Name, Type: r.RequestType, Status: r.Status, TermKind: kind,
		Created: r.CreatedDate, Due: r.DueDate, Left: left, Overdue: overdue}
}

// filterOption is one choice of the status filter.
type filterOption struct {
	Value, Label string
	Selected     bool
}

// listView is the data of the list of requests.
type listView struct {
	Filters           []filterOption
	Status            string
	Rows              []requestRow
	Total             int64
	Page, Pages       int
	PrevURL, NextURL  string
	FilterDescription string
}

// requestList serves the organization's requests, newest first, a page at
// a time, filtered by ?status= (a status, OPEN or OVERDUE).
func (c *Console) requestList(w http.ResponseWriter, r *http.Request, s *session) {
	q := r.URL.Query()
	status := q.Get("status")
	page, err := strconv.Atoi(q.Get("page"))
	if err != nil || page < 1 {
		page = 1
	}
	opts := gdpr.ListOptions{PageSize: listPageSize, PageNumber: page}
	var list *gdpr.RequestEntityListing
	switch status {
	case "":
		list, err = c.proc.ListRequests(r.Context(), opts)
	case filterOpen:
		list, err = c.proc.ListFiltered(r.Context(), opts, store.Filter{Open: true})
	case filterOverdue:
		list, err = c.proc.Overdue(r.Context(), opts)
	default:
		if gdpr.Status(status).Validate() != nil {
			c.fail(w, r, s, http.StatusBadRequest, "Unknown filter",
				fmt.Sprintf("%q is not a status the list can be filtered by. Choose one from the list of requests.", status))
			return
		}
		list, err = c.proc.ListFiltered(r.Context(), opts, store.Filter{Statuses: []gdpr.Status{gdpr.Status(status)}})
	}
	if err != nil {
		c.failErr(w, r, s, err)
		return
	}
	v := listView{Filters: filterOptions(status), Status: status, Total: list.Total, Page: page, Pages: max(list.PageCount, 1)}
	for i := range list.Entities {
		v.Rows = append(v.Rows, c.row(&list.Entities[i]))
	}
	link := func(p int) string {
		q := url.Values{"page": {strconv.Itoa(p)}}
		if status != "" {
			q.Set("status", status)
		}
		return Path + "requests?" + q.Encode()
	}
	if page > 1 {
		v.PrevURL = link(min(page-1, v.Pages))
	}
	if page < list.PageCount {
		v.NextURL = link(page + 1)
	}
	for _, f := range v.Filters {
		if f.Selected {
			v.FilterDescription = f.Label
		}
	}
	c.render(w, r, s, http.StatusOK, "requests", view{Title: "Requests", Nav: "requests", Data: v})
}

// filterOptions lists the choices of the status filter, selected marked.
func filterOptions(selected string) []filterOption {
	opts := []filterOption{{"", "All requests", false}, {filterOpen, "Open (not final)", false}, {filterOverdue, "Overdue", false}}
	for _, st := range gdpr.Statuses() {
		opts = append(opts, filterOption{Value: string(st), Label: string(st)})
	}
	for i := range opts {
		opts[i].Selected = opts[i].Value == selected
	}
	return opts
}

// term returns the kind and the value of the one term a request is by:
// the first of its subject's terms, which is its id when an id term was
// resolved into the subject's record.
func term(s gdpr.Subject) (string, string) {
	for _, t := range s.Terms() {
		if t.Scope != "" {
			return string(t.Kind), t.Scope + "/" + t.Value
		}
		return string(t.Kind), t.Value
	}
	return "", ""
}
