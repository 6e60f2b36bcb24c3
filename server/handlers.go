package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gdprkit/gdpr"
)

const (
	subjectsPath = "/api/v2/gdpr/subjects"
	requestsPath = "/api/v2/gdpr/requests"
)

// searchSubjects serves GET /api/v2/gdpr/subjects.
func (s *Server) searchSubjects(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	st, value := gdpr.Kind(q.Get("searchType")), q.Get("searchValue")
	if err := st.Validate(); err != nil {
		s.fail(w, r, http.StatusBadRequest, gdpr.CodeInvalidQueryParamValue, "searchType",
			"searchType %s", strings.TrimPrefix(err.Error(), "gdpr: searchType "))
		return
	}
	if value == "" {
		s.fail(w, r, http.StatusBadRequest, gdpr.CodeInvalidQueryParamValue, "searchValue",
			"searchValue is required: the %s to search for", st)
		return
	}
	subjects, err := s.svc.SearchSubjects(r.Context(), st, value)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if subjects == nil {
		subjects = []gdpr.Subject{}
	}
	// The query as url.Values.Encode writes it, keys sorted.
	self := subjectsPath + "?searchType=" + url.QueryEscape(string(st)) + "&searchValue=" + url.QueryEscape(value)
	writeListing(w, &gdpr.SubjectEntityListing{
		Entities:   subjects,
		PageSize:   len(subjects),
		PageNumber: 1,
		Total:      int64(len(subjects)),
		PageCount:  1,
		SelfURI:    self,
		FirstURI:   self,
		LastURI:    self,
	})
}

// createRequest serves POST /api/v2/gdpr/requests.
func (s *Server) createRequest(w http.ResponseWriter, r *http.Request) {
	confirmed, ok := s.boolParam(w, r, "deleteConfirmed")
	if !ok {
		return
	}
	var body gdpr.Request
	if !s.decode(w, r, &body) {
		return
	}
	if err := validateBody(&body); err != nil {
		s.writeError(w, r, err)
		return
	}
	req, err := s.svc.CreateRequest(r.Context(), gdpr.RequestSpec{
		Name:             body.Name,
		Type:             body.RequestType,
		Subject:          body.Subject,
		ReplacementTerms: body.ReplacementTerms,
		DeleteConfirmed:  confirmed,
		IdempotencyKey:   r.Header.Get("Idempotency-Key"),
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.present(r, req)
	w.Header().Set("Location", req.SelfURI)
	writeJSON(w, http.StatusAccepted, req)
}

// getRequest serves GET /api/v2/gdpr/requests/{requestId}.
func (s *Server) getRequest(w http.ResponseWriter, r *http.Request) {
	req, err := s.svc.GetRequest(r.Context(), r.PathValue("requestId"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.present(r, req)
	writeJSON(w, http.StatusOK, req)
}

// listRequests serves GET /api/v2/gdpr/requests.
func (s *Server) listRequests(w http.ResponseWriter, r *http.Request) {
	size, ok := s.intParam(w, r, "pageSize")
	if !ok {
		return
	}
	number, ok := s.intParam(w, r, "pageNumber")
	if !ok {
		return
	}
	opts, err := gdpr.ListOptions{PageSize: size, PageNumber: number}.Normalize()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	page, err := s.svc.ListRequests(r.Context(), opts)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if page.Entities == nil {
		page.Entities = []gdpr.Request{}
	}
	for i := range page.Entities {
		s.present(r, &page.Entities[i])
	}
	uri := func(n int) string {
		return fmt.Sprintf("%s?pageSize=%d&pageNumber=%d", requestsPath, page.PageSize, n)
	}
	last := max(page.PageCount, 1)
	page.SelfURI, page.FirstURI, page.LastURI = uri(page.PageNumber), uri(1), uri(last)
	page.NextURI, page.PreviousURI = "", ""
	if page.PageNumber < page.PageCount {
		page.NextURI = uri(page.PageNumber + 1)
	}
	if page.PageNumber > 1 {
		page.PreviousURI = uri(min(page.PageNumber-1, last))
	}
	writeJSON(w, http.StatusOK, page)
}

// present makes a request ready for the wire: its selfUri, and a freshly
// signed resultsUrl when the server can serve the archive.
func (s *Server) present(r *http.Request, req *gdpr.Request) {
	if req.ID != "" {
		req.SelfURI = requestsPath + "/" + req.ID
	}
	if req.ResultsURL != "" && s.results != nil {
		req.ResultsURL = s.resultsURL(r, gdpr.OrganizationFromContext(r.Context()), req.ID)
		req.ResultsURLs = nil
	}
}

// decode reads a JSON body into v: application/json only, within the size
// limit, one value. It writes the error and reports false when it cannot.
func (s *Server) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if ct == "" || err != nil || mt != "application/json" {
		s.fail(w, r, http.StatusUnsupportedMediaType, codeUnsupportedMediaType, "Content-Type",
			"the body must be JSON sent with Content-Type: application/json")
		return false
	}
	if r.ContentLength > s.maxBody {
		s.tooLarge(w, r)
		return false
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, s.maxBody))
	if err := dec.Decode(v); err != nil {
		s.badJSON(w, r, err)
		return false
	}
	if _, err := dec.Token(); err != io.EOF {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.tooLarge(w, r)
			return false
		}
		s.fail(w, r, http.StatusBadRequest, gdpr.CodeBadRequest, "", "the body must hold one JSON object and nothing after it")
		return false
	}
	return true
}

func (s *Server) tooLarge(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, http.StatusRequestEntityTooLarge, codeRequestEntityTooLarge, "",
		"the body is larger than %d bytes; a request names one term and is far smaller", s.maxBody)
}

func (s *Server) badJSON(w http.ResponseWriter, r *http.Request, err error) {
	var mbe *http.MaxBytesError
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &mbe):
		s.tooLarge(w, r)
	case errors.Is(err, io.EOF):
		s.fail(w, r, http.StatusBadRequest, gdpr.CodeBadRequest, "", "the body is empty; send a GDPRRequest as JSON")
	case errors.As(err, &syn):
		s.fail(w, r, http.StatusBadRequest, gdpr.CodeBadRequest, "", "the body is not valid JSON (at byte %d)", syn.Offset)
	case errors.As(err, &typ):
		s.fail(w, r, http.StatusBadRequest, gdpr.CodeBadRequest, typ.Field,
			"%s must be a JSON %s, not %s", fieldName(typ.Field), typ.Type.Kind(), typ.Value)
	default:
		// Errors of the wire types' own decoding, such as a date-time that
		// is not ISO-8601.
		s.fail(w, r, http.StatusBadRequest, gdpr.CodeBadRequest, "", "the body could not be read: %s", strings.TrimPrefix(err.Error(), "gdpr: "))
	}
}

func fieldName(f string) string {
	if f == "" {
		return "the body"
	}
	return f
}

// validateBody checks the enums and required parts of a request body, so
// that every service behind the server rejects them alike.
func validateBody(b *gdpr.Request) error {
	if b.RequestType == "" {
		return gdpr.NewFieldError(400, gdpr.CodeInvalidValue, "requestType",
			"requestType is required; use one of GDPR_EXPORT, GDPR_UPDATE, GDPR_DELETE")
	}
	if err := b.RequestType.Validate(); err != nil {
		return gdpr.NewFieldError(400, gdpr.CodeInvalidValue, "requestType", "%s", strings.TrimPrefix(err.Error(), "gdpr: "))
	}
	if h := b.Subject.SocialHandle; h != nil && !h.Type.IsSocial() {
		return gdpr.NewFieldError(400, gdpr.CodeInvalidValue, "subject.socialHandle.type",
			"subject.socialHandle.type %q is not valid; use one of TWITTER, INSTAGRAM, FACEBOOK, APPLE_MESSAGES", h.Type)
	}
	for i, rt := range b.ReplacementTerms {
		if err := rt.Type.Validate(); err != nil {
			field := fmt.Sprintf("replacementTerms[%d].type", i)
			return gdpr.NewFieldError(400, gdpr.CodeInvalidValue, field, "%s: %s", field, strings.TrimPrefix(err.Error(), "gdpr: "))
		}
	}
	return nil
}

// boolParam reads an optional boolean query parameter (default false).
func (s *Server) boolParam(w http.ResponseWriter, r *http.Request, name string) (bool, bool) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return false, true
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, gdpr.CodeInvalidQueryParamValue, name, "%s must be true or false", name)
		return false, false
	}
	return b, true
}

// intParam reads an optional integer query parameter (0 when absent).
func (s *Server) intParam(w http.ResponseWriter, r *http.Request, name string) (int, bool) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, true
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, gdpr.CodeInvalidQueryParamValue, name, "%s must be a whole number", name)
		return 0, false
	}
	return n, true
}
