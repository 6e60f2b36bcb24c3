package console

import (
	"io/fs"
	"net/http"
)

// routes maps the console's pages. GET pages need a session (else they
// send the browser to the sign-in page); POSTs need a session and its
// CSRF token, and those that create or retry requests need scope gdpr.
func (c *Console) routes() {
	mux := http.NewServeMux()
	static, _ := fs.Sub(assets, "static") // the directory is fixed at build time
	files := http.StripPrefix(Path+"static/", http.FileServerFS(static))
	mux.Handle("GET "+Path+"static/{file}", cacheFor(files))

	mux.HandleFunc("GET /console", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, Path, http.StatusSeeOther)
	})
	mux.HandleFunc("GET "+Path+"{$}", c.page(func(w http.ResponseWriter, r *http.Request, s *session) {
		http.Redirect(w, r, Path+"requests", http.StatusSeeOther)
	}))
	mux.HandleFunc("GET "+Path+"signin", c.signinPage)
	mux.HandleFunc("POST "+Path+"signin", c.signinPost)
	mux.HandleFunc("POST "+Path+"signout", c.action(false, c.signout))

	mux.HandleFunc("GET "+Path+"requests", c.page(c.requestList))
	mux.HandleFunc("GET "+Path+"requests/{id}", c.page(c.requestDetail))
	mux.HandleFunc("GET "+Path+"requests/{id}/export", c.page(c.exportDownload))
	mux.HandleFunc("GET "+Path+"requests/{id}/receipt", c.page(c.receiptDownload))
	mux.HandleFunc("POST "+Path+"requests/{id}/retry", c.action(true, c.retry))

	mux.HandleFunc("GET "+Path+"dsr/new", c.page(c.dsrForm))
	mux.HandleFunc("POST "+Path+"dsr/new", c.action(false, c.dsrResolve))
	mux.HandleFunc("GET "+Path+"dsr/{draft}", c.page(c.dsrResolution))
	mux.HandleFunc("POST "+Path+"dsr/{draft}/plan", c.action(true, c.dsrPlan))
	mux.HandleFunc("GET "+Path+"dsr/{draft}/plan", c.page(c.dsrReview))
	mux.HandleFunc("POST "+Path+"dsr/{draft}/submit", c.action(true, c.dsrSubmit))
	mux.HandleFunc("GET "+Path+"dsr/{draft}/submitted", c.page(c.dsrSubmitted))

	mux.HandleFunc(Path, func(w http.ResponseWriter, r *http.Request) {
		c.fail(w, r, nil, http.StatusNotFound, "Page not found", "There is no page at this address.")
	})
	c.mux = mux
}

// cacheFor lets browsers keep the embedded styles and script for a while.
func cacheFor(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=300")
		h.ServeHTTP(w, r)
	})
}
