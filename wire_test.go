package gdpr_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/google/go-cmp/cmp"
)

// The wire examples of the API decode into the models and encode back
// with the same JSON names.
func TestRequestWireRoundTrip(t *testing.T) {
	t.Parallel()
	in := `{"id":"r1","name":"DSR 17","createdBy":{"id":"u1","name":"Ops","selfUri":"/api/v2/users/u1"},` +
		`"replacementTerms":[{"type":"EMAIL","existingValue":"personal.email@domain.com","updatedValue":"updated.personal.email@domain.com"}],` +
		`"requestType":"GDPR_UPDATE","createdDate":"2026-11-29T13:26:27.000Z","status":"INITIATED",` +
		`"subject":{"name":"N","userId":"u","externalContactId":"c","dialerContactId":{"id":"d","contactListId":"l"},` +
		`"journeyCustomer":{"type":"cookie","id":"j"},"socialHandle":{"type":"TWITTER","value":"@h"},"externalId":"x",` +
		`"addresses":["a"],"phoneNumbers":["+13115552368"],"emailAddresses":["e@example.com"]},` +
		`"resultsUrl":"https://r","resultsUrls":["https://r/1","https://r/2"],"selfUri":"/api/v2/gdpr/requests/r1"}`
	var r gdpr.Request
	if err := json.Unmarshal([]byte(in), &r); err != nil {
		t.Fatal(err)
	}
	want := gdpr.Request{
		ID: "r1", Name: "DSR 17",
		CreatedBy:        &gdpr.DomainEntityRef{ID: "u1", Name: "Ops", SelfURI: "/api/v2/users/u1"},
		ReplacementTerms: []gdpr.ReplacementTerm{{Type: gdpr.KindEmail, ExistingValue: "personal.email@domain.com", UpdatedValue: "updated.personal.email@domain.com"}},
		RequestType:      gdpr.RequestUpdate,
		CreatedDate:      gdpr.NewTime(time.Date(2026, 11, 29, 13, 26, 27, 0, time.UTC)),
		Status:           gdpr.StatusInitiated,
		Subject: gdpr.Subject{
			Name: "N", UserID: "u", ExternalContactID: "c",
			DialerContactID: &gdpr.DialerContactID{ID: "d", ContactListID: "l"},
			JourneyCustomer: &gdpr.JourneyCustomer{Type: "cookie", ID: "j"},
			SocialHandle:    &gdpr.SocialHandle{Type: gdpr.KindTwitter, Value: "@h"},
			ExternalID:      "x", Addresses: []string{"a"}, PhoneNumbers: []string{"+13115552368"}, EmailAddresses: []string{"e@example.com"},
		},
		ResultsURL: "https://r", ResultsURLs: []string{"https://r/1", "https://r/2"}, SelfURI: "/api/v2/gdpr/requests/r1",
	}
	if d := cmp.Diff(want, r); d != "" {
		t.Fatalf("decoded (-want +got):\n%s", d)
	}
	out, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var a, b map[string]any
	json.Unmarshal([]byte(in), &a)
	json.Unmarshal(out, &b)
	if d := cmp.Diff(a, b); d != "" {
		t.Fatalf("re-encoded differently (-in +out):\n%s", d)
	}
	c := r.Clone()
	c.Subject.EmailAddresses[0] = "changed"
	c.Subject.DialerContactID.ID = "changed"
	if r.Subject.EmailAddresses[0] == "changed" || r.Subject.DialerContactID.ID == "changed" {
		t.Fatal("Clone shares memory with the original")
	}
}

func TestEnumsNameTheirAllowedValues(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		err     error
		allowed string
	}{
		{gdpr.Kind("FAX").Validate(), "NAME, ADDRESS, PHONE, EMAIL, TWITTER, INSTAGRAM, FACEBOOK, APPLE_MESSAGES, EXTERNAL_ID"},
		{gdpr.RequestType("GDPR_GET").Validate(), "GDPR_EXPORT, GDPR_UPDATE, GDPR_DELETE"},
		{gdpr.Status("DONE").Validate(), "INITIATED, SEARCHING, UPDATING, DELETING, FINALIZING, COMPLETED, ERROR"},
	} {
		if c.err == nil || !strings.Contains(c.err.Error(), c.allowed) {
			t.Errorf("error %v does not name %s", c.err, c.allowed)
		}
	}
	for _, v := range gdpr.SearchKinds() {
		if err := v.Validate(); err != nil {
			t.Error(err)
		}
	}
	if err := gdpr.RequestDelete.Validate(); err != nil {
		t.Error(err)
	}
	if err := gdpr.StatusCompleted.Validate(); err != nil {
		t.Error(err)
	}
}

func TestAPIErrorMatchesSentinels(t *testing.T) {
	t.Parallel()
	cases := map[int]error{
		400: gdpr.ErrBadRequest, 401: gdpr.ErrUnauthorized, 403: gdpr.ErrForbidden, 404: gdpr.ErrNotFound,
		409: gdpr.ErrConflict, 413: gdpr.ErrTooLarge, 429: gdpr.ErrRateLimited, 503: gdpr.ErrServer,
	}
	for status, sentinel := range cases {
		err := fmt.Errorf("wrapped: %w", gdpr.NewError(status, "x", "m"))
		if !errors.Is(err, sentinel) {
			t.Errorf("%d does not match %v", status, sentinel)
		}
		if status != 404 && errors.Is(err, gdpr.ErrNotFound) {
			t.Errorf("%d matches ErrNotFound", status)
		}
	}
	e := gdpr.NewFieldError(400, gdpr.CodeInvalidValue, "subject.name", "bad %s", "name")
	e.Body.ContextID = "corr-1"
	b, _ := json.Marshal(e.Body)
	if got, want := string(b), `{"message":"bad name","code":"invalid.value","status":400,"contextId":"corr-1","details":[{"errorCode":"invalid.value","fieldName":"subject.name"}],"errors":[]}`; got != want {
		t.Fatalf("body = %s\nwant %s", got, want)
	}
	if !strings.Contains(e.Error(), "corr-1") || e.Field() != "subject.name" {
		t.Fatalf("Error() = %q, Field() = %q", e.Error(), e.Field())
	}
}

func TestListOptionsDefaults(t *testing.T) {
	t.Parallel()
	o, err := gdpr.ListOptions{}.Normalize()
	if err != nil || o.PageSize != 25 || o.PageNumber != 1 {
		t.Fatalf("defaults = %+v, %v", o, err)
	}
}
