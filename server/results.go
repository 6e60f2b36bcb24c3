package server

import (
	"crypto/hmac"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gdprkit/gdpr"
)

// resultsURL returns a signed URL for the archive of request id of org,
// valid for the results TTL.
func (s *Server) resultsURL(r *http.Request, org, id string) string {
	exp := strconv.FormatInt(s.now().Add(s.resultsTTL).Unix(), 10)
	q := url.Values{
		"org":       {org},
		"expires":   {exp},
		"signature": {base64.RawURLEncoding.EncodeToString(s.sign("results", org, id, exp))},
	}
	base := s.publicURL
	if base == nil {
		base = &url.URL{Scheme: s.proxies.Scheme(r), Host: s.proxies.PublicHost(r)}
	}
	u := *base
	u.Path += requestsPath + "/" + url.PathEscape(id) + "/results"
	u.RawQuery = q.Encode()
	return u.String()
}

// downloadResults serves the signed results URL: the export archive,
// streamed.
func (s *Server) downloadResults(w http.ResponseWriter, r *http.Request) {
	if s.results == nil {
		s.fail(w, r, http.StatusNotFound, gdpr.CodeNotFound, "", "this server keeps no export archives")
		return
	}
	id, q := r.PathValue("requestId"), r.URL.Query()
	org, exp := q.Get("org"), q.Get("expires")
	sig, err := base64.RawURLEncoding.DecodeString(q.Get("signature"))
	valid := err == nil && hmac.Equal(sig, s.sign("results", org, id, exp))
	expires, err := strconv.ParseInt(exp, 10, 64)
	if !valid || err != nil || !s.now().Before(time.Unix(expires, 0)) {
		s.unauthorized(w, r, codeBadCredentials,
			"this results URL is invalid or has expired; get the request again for a fresh resultsUrl")
		return
	}
	ctx := gdpr.ContextWithOrganization(r.Context(), org)
	rc, err := s.results.OpenResults(ctx, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	defer rc.Close()
	h := w.Header()
	h.Set("Content-Type", "application/zip")
	h.Set("Content-Disposition", `attachment; filename="gdpr-export-`+id+`.zip"`)
	h.Set("Cache-Control", "private, no-store")
	dw := newDeadlineWriter(w, DefaultDownloadStall) // before the first byte: the server's WriteTimeout may have passed
	w.WriteHeader(http.StatusOK)
	if _, err := io.Copy(dw, rc); err != nil && !errors.Is(err, r.Context().Err()) {
		s.log.WarnContext(r.Context(), "results download broke off", "err", err, "correlation", correlation(r))
	}
}
