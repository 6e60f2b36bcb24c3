package console

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"net/http"

	"github.com/gdprkit/gdpr"
)

//go:embed templates/*.html static/*
var assets embed.FS

// pages holds the parsed page templates.
type pages struct {
	byName map[string]*template.Template
}

// parsePages parses every page's template, each inside layout.html.
func parsePages() (*pages, error) {
	p := &pages{byName: map[string]*template.Template{}}
	for _, name := range []string{"signin", "error", "requests", "request", "dsr_new", "dsr_resolving", "dsr_resolution", "dsr_plan", "dsr_submitted"} {
		t, err := template.New("layout.html").Funcs(templateFuncs()).ParseFS(assets, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		p.byName[name] = t
	}
	return p, nil
}

// view is what every page template gets: the layout's fields and the
// page's own Data.
type view struct {
	Title string
	// User is the signed-in officer, nil on the sign-in page.
	User *userView
	// CSRF is the token every POST form carries in its "csrf" field.
	CSRF string
	// Error and Notice are shown at the top of the page.
	Error, Notice string
	// Refresh, when positive, asks the script to reload the page after
	// that many seconds (the page follows a running request).
	Refresh int
	// Nav names the navigation entry of the page.
	Nav  string
	Data any
}

// userView is who is signed in.
type userView struct {
	Client, Org, Scope string
	CanWrite           bool
}

// render writes page name with v, completed from the session s (nil when
// signed out). Pages are never cached: they hold personal data.
func (c *Console) render(w http.ResponseWriter, r *http.Request, s *session, status int, name string, v view) {
	if s != nil {
		v.User = &userView{Client: s.client, Org: s.org, Scope: s.scope, CanWrite: s.canWrite()}
		v.CSRF = s.csrf
	}
	var buf bytes.Buffer
	if err := c.pages.byName[name].Execute(&buf, v); err != nil {
		c.log.ErrorContext(r.Context(), "console: render page", "page", name, "err", err)
		http.Error(w, "the page could not be rendered", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// errorView is the data of the error page.
type errorView struct {
	Status  int
	Message string
}

// fail writes the error page with a title and a message saying what to do.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, s *session, status int, title, msg string) {
	c.render(w, r, s, status, "error", view{Title: title, Data: errorView{Status: status, Message: msg}})
}

// failErr writes the error page for an error of the processor: its own
// status and message for an *gdpr.APIError, a 500 otherwise (logged).
func (c *Console) failErr(w http.ResponseWriter, r *http.Request, s *session, err error) {
	var apiErr *gdpr.APIError
	switch {
	case errors.Is(err, gdpr.ErrNotFound):
		c.fail(w, r, s, http.StatusNotFound, "Not found",
			"Your organization has no request with this id. Find it in the list of requests.")
	case errors.As(err, &apiErr) && apiErr.Status() >= 400 && apiErr.Status() < 500:
		c.fail(w, r, s, apiErr.Status(), "Not done", apiErr.Body.Message)
	case r.Context().Err() != nil:
		// the browser went away; nobody reads the page
	default:
		c.log.ErrorContext(r.Context(), "console: processor failed", "path", r.URL.Path, "err", err)
		c.fail(w, r, s, http.StatusInternalServerError, "Something went wrong",
			"The request could not be completed. Try again; if it keeps failing, tell the console's operator the time it happened.")
	}
}
