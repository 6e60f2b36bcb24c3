package processor_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gdprkit/gdpr"
)

func TestCreateRequestRejections(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	email := func(v ...string) gdpr.Subject { return gdpr.Subject{EmailAddresses: v} }
	cases := []struct {
		name   string
		spec   gdpr.RequestSpec
		status int
		code   string
		field  string
	}{
		{"no term", gdpr.RequestSpec{Type: gdpr.RequestExport}, 400, gdpr.CodeInvalidProperty, "subject"},
		{"two terms", gdpr.RequestSpec{Type: gdpr.RequestExport, Subject: gdpr.Subject{Name: "Alex Morgan", EmailAddresses: []string{"alex.morgan@example.com"}}}, 400, gdpr.CodeInvalidProperty, "subject"},
		{"two emails", gdpr.RequestSpec{Type: gdpr.RequestExport, Subject: email("a@example.com", "b@example.com")}, 400, gdpr.CodeInvalidProperty, "subject"},
		{"missing type", gdpr.RequestSpec{Subject: email("a@example.com")}, 400, gdpr.CodeInvalidValue, "requestType"},
		{"unknown type", gdpr.RequestSpec{Type: "GDPR_GET", Subject: email("a@example.com")}, 400, gdpr.CodeInvalidValue, "requestType"},
		{"email without @", gdpr.RequestSpec{Type: gdpr.RequestExport, Subject: email("alex.example.com")}, 400, gdpr.CodeInvalidValue, "subject.emailAddresses[0]"},
		{"empty email", gdpr.RequestSpec{Type: gdpr.RequestExport, Subject: email("")}, 400, gdpr.CodeInvalidValue, "subject.emailAddresses[0]"},
		{"phone that does not parse", gdpr.RequestSpec{Type: gdpr.RequestExport, Subject: gdpr.Subject{PhoneNumbers: []string{"call me"}}}, 400, gdpr.CodeInvalidValue, "subject.phoneNumbers[0]"},
		{"national phone without region", gdpr.RequestSpec{Type: gdpr.RequestExport, Subject: gdpr.Subject{PhoneNumbers: []string{"020 7946 0101"}}}, 400, gdpr.CodeInvalidValue, "subject.phoneNumbers[0]"},
		{"blank name", gdpr.RequestSpec{Type: gdpr.RequestExport, Subject: gdpr.Subject{Name: "   "}}, 400, gdpr.CodeInvalidValue, "subject.name"},
		{"social handle of unknown type", gdpr.RequestSpec{Type: gdpr.RequestExport, Subject: gdpr.Subject{SocialHandle: &gdpr.SocialHandle{Type: "MYSPACE", Value: "x"}}}, 400, gdpr.CodeInvalidValue, "subject.socialHandle.type"},
		{"journey customer without id", gdpr.RequestSpec{Type: gdpr.RequestExport, Subject: gdpr.Subject{JourneyCustomer: &gdpr.JourneyCustomer{Type: "cookie"}}}, 400, gdpr.CodeInvalidValue, "subject.journeyCustomer"},
		{"dialer contact without list", gdpr.RequestSpec{Type: gdpr.RequestExport, Subject: gdpr.Subject{DialerContactID: &gdpr.DialerContactID{ID: "dc-1"}}}, 400, gdpr.CodeInvalidValue, "subject.dialerContactId"},
		{"unknown user id", gdpr.RequestSpec{Type: gdpr.RequestExport, Subject: gdpr.Subject{UserID: "no-such-user"}}, 400, gdpr.CodeInvalidValue, "subject.userId"},
		{"delete not confirmed", gdpr.RequestSpec{Type: gdpr.RequestDelete, Subject: email("alex.morgan@example.com")}, 400, gdpr.CodeInvalidProperty, "deleteConfirmed"},
		{"update without replacements", gdpr.RequestSpec{Type: gdpr.RequestUpdate, Subject: email("alex.morgan@example.com")}, 400, gdpr.CodeInvalidProperty, "replacementTerms"},
		{"export with replacements", gdpr.RequestSpec{Type: gdpr.RequestExport, Subject: email("alex.morgan@example.com"),
			ReplacementTerms: []gdpr.ReplacementTerm{{Type: gdpr.KindEmail, ExistingValue: "a@example.com", UpdatedValue: "b@example.com"}}}, 400, gdpr.CodeInvalidProperty, "replacementTerms"},
		{"delete with replacements", gdpr.RequestSpec{Type: gdpr.RequestDelete, DeleteConfirmed: true, Subject: email("alex.morgan@example.com"),
			ReplacementTerms: []gdpr.ReplacementTerm{{Type: gdpr.KindEmail, ExistingValue: "a@example.com", UpdatedValue: "b@example.com"}}}, 400, gdpr.CodeInvalidProperty, "replacementTerms"},
		{"replacement of unknown type", gdpr.RequestSpec{Type: gdpr.RequestUpdate, Subject: email("alex.morgan@example.com"),
			ReplacementTerms: []gdpr.ReplacementTerm{{Type: "FAX", ExistingValue: "1", UpdatedValue: "2"}}}, 400, gdpr.CodeInvalidValue, "replacementTerms[0].type"},
		{"replacement without type", gdpr.RequestSpec{Type: gdpr.RequestUpdate, Subject: email("alex.morgan@example.com"),
			ReplacementTerms: []gdpr.ReplacementTerm{{ExistingValue: "1", UpdatedValue: "2"}}}, 400, gdpr.CodeInvalidValue, "replacementTerms[0].type"},
		{"replacement with invalid new email", gdpr.RequestSpec{Type: gdpr.RequestUpdate, Subject: email("alex.morgan@example.com"),
			ReplacementTerms: []gdpr.ReplacementTerm{{Type: gdpr.KindEmail, ExistingValue: "alex.morgan@example.com", UpdatedValue: "alex at example"}}}, 400, gdpr.CodeInvalidValue, "replacementTerms[0].updatedValue"},
		{"replacement with empty existing value", gdpr.RequestSpec{Type: gdpr.RequestUpdate, Subject: email("alex.morgan@example.com"),
			ReplacementTerms: []gdpr.ReplacementTerm{{Type: gdpr.KindName, UpdatedValue: "Alex Smith"}}}, 400, gdpr.CodeInvalidValue, "replacementTerms[0].existingValue"},
		{"replacement that changes nothing", gdpr.RequestSpec{Type: gdpr.RequestUpdate, Subject: email("alex.morgan@example.com"),
			ReplacementTerms: []gdpr.ReplacementTerm{{Type: gdpr.KindEmail, ExistingValue: "alex.morgan@example.com", UpdatedValue: "ALEX.MORGAN@example.com"}}}, 400, gdpr.CodeInvalidValue, "replacementTerms[0].updatedValue"},
		{"name too long", gdpr.RequestSpec{Type: gdpr.RequestExport, Name: strings.Repeat("x", 300), Subject: email("a@example.com")}, 400, gdpr.CodeInvalidValue, "name"},
		{"idempotency key too long", gdpr.RequestSpec{Type: gdpr.RequestExport, IdempotencyKey: strings.Repeat("k", 300), Subject: email("a@example.com")}, 400, gdpr.CodeInvalidValue, "Idempotency-Key"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.p.CreateRequest(context.Background(), c.spec)
			wantAPIError(t, err, c.status, c.code, c.field)
		})
	}
	// Nothing rejected was stored.
	page, err := e.p.ListRequests(context.Background(), gdpr.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 0 {
		t.Fatalf("rejected requests were stored: %d", page.Total)
	}
}

func TestRejectionMessagesCarryNoPersonalData(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	for _, s := range []gdpr.Subject{
		{EmailAddresses: []string{"secret.person.example.com"}},
		{PhoneNumbers: []string{"555-SECRET"}},
	} {
		_, err := e.p.CreateRequest(context.Background(), gdpr.RequestSpec{Type: gdpr.RequestExport, Subject: s})
		if err == nil || strings.Contains(strings.ToLower(err.Error()), "secret") {
			t.Fatalf("error %v repeats the term", err)
		}
	}
}

func TestSearchRejections(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := context.Background()
	cases := []struct {
		name  string
		typ   gdpr.Kind
		value string
		code  string
		field string
	}{
		{"unknown type", "FAX", "x", gdpr.CodeInvalidQueryParamValue, "searchType"},
		{"missing type", "", "x", gdpr.CodeInvalidQueryParamValue, "searchType"},
		{"missing value", gdpr.KindEmail, "", gdpr.CodeInvalidQueryParamValue, "searchValue"},
		{"invalid email", gdpr.KindEmail, "nobody", gdpr.CodeInvalidValue, "searchValue"},
		{"invalid phone", gdpr.KindPhone, "abc", gdpr.CodeInvalidValue, "searchValue"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.p.SearchSubjects(ctx, c.typ, c.value)
			wantAPIError(t, err, 400, c.code, c.field)
		})
	}
}

func TestListAndGetRejections(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := context.Background()
	for _, o := range []gdpr.ListOptions{{PageSize: -1}, {PageSize: gdpr.MaxPageSize + 1}, {PageNumber: -2}} {
		_, err := e.p.ListRequests(ctx, o)
		wantAPIError(t, err, 400, gdpr.CodeInvalidQueryParamValue, "")
	}
	_, err := e.p.GetRequest(ctx, "3f1e1c1a-0000-4000-8000-000000000000")
	wantAPIError(t, err, 404, gdpr.CodeNotFound, "")
	if !errorsIs(err, gdpr.ErrNotFound) {
		t.Fatal("404 does not match gdpr.ErrNotFound")
	}
	r := e.create(t, gdpr.RequestSpec{Type: gdpr.RequestExport, Subject: gdpr.Subject{Name: "Lee Chen"}})
	_, err = e.p.Retry(ctx, r.ID)
	wantAPIError(t, err, 409, gdpr.CodeRequestConflict, "")
	_, err = e.p.OpenResults(ctx, r.ID)
	wantAPIError(t, err, 404, gdpr.CodeNotFound, "")
}
