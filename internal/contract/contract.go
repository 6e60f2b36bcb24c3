// Package contract is the behaviour every gdpr.Service must show over the
// demo data set: the embedded processor, the server and client over
// loopback, and the client replaying recorded cassettes all run the same
// Test.
package contract

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/internal/demo"
)

// Service is a gdpr.Service under test, serving the demo data set with the
// current-employee retention policy.
type Service struct {
	gdpr.Service
	// Poll is how long to wait between polls of a request: 0 for a
	// recorded service that answers at once.
	Poll time.Duration
}

// Test runs every behaviour in order on svc, which must be fresh: the
// cases build on each other, as a recorded session does.
func Test(t *testing.T, svc Service) {
	ctx := context.Background()
	wantAPI := func(t *testing.T, err error, status int, code string) {
		t.Helper()
		var ae *gdpr.APIError
		if !errors.As(err, &ae) || ae.Status() != status || ae.Code() != code {
			t.Fatalf("error = %v, want %d %s", err, status, code)
		}
	}

	t.Run("SearchFindsEverySubject", func(t *testing.T) {
		got, err := svc.SearchSubjects(ctx, gdpr.KindEmail, demo.SamRiveraEmail)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].UserID == "" || got[1].ExternalContactID == "" {
			t.Fatalf("Sam's email found %+v, want the employee and the customer", got)
		}
		got, err = svc.SearchSubjects(ctx, gdpr.KindName, demo.AlexMorgan)
		if err != nil || len(got) != 3 {
			t.Fatalf("Alex Morgan: %d subjects, %v; want 3 (two namesakes, one also in the dialer)", len(got), err)
		}
	})
	t.Run("SearchNothingIsEmpty", func(t *testing.T) {
		got, err := svc.SearchSubjects(ctx, gdpr.KindEmail, "nobody@example.com")
		if err != nil || len(got) != 0 {
			t.Fatalf("got %v, %v; want none", got, err)
		}
	})
	t.Run("SearchRejectsBadType", func(t *testing.T) {
		_, err := svc.SearchSubjects(ctx, "FAX", "x")
		wantAPI(t, err, 400, gdpr.CodeInvalidQueryParamValue)
	})
	t.Run("CreateRejectsTwoTerms", func(t *testing.T) {
		_, err := svc.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestExport,
			Subject: gdpr.Subject{Name: demo.SamRivera, EmailAddresses: []string{demo.SamRiveraEmail}}})
		wantAPI(t, err, 400, gdpr.CodeInvalidProperty)
	})
	t.Run("DeleteNeedsConfirmation", func(t *testing.T) {
		_, err := svc.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestDelete,
			Subject: gdpr.Subject{EmailAddresses: []string{demo.JordanBlakeEmail}}})
		wantAPI(t, err, 400, gdpr.CodeInvalidProperty)
	})
	t.Run("GetUnknownIsNotFound", func(t *testing.T) {
		_, err := svc.GetRequest(ctx, "00000000-0000-4000-8000-000000000000")
		if !errors.Is(err, gdpr.ErrNotFound) {
			t.Fatalf("error = %v, want ErrNotFound", err)
		}
	})

	var created []string
	t.Run("ExportCompletes", func(t *testing.T) {
		r, err := svc.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestExport,
			Subject: gdpr.Subject{EmailAddresses: []string{demo.LenaFischerEmail}}, IdempotencyKey: "contract-export-1"})
		if err != nil {
			t.Fatal(err)
		}
		if r.ID == "" || r.Status != gdpr.StatusInitiated || r.RequestType != gdpr.RequestExport {
			t.Fatalf("created %+v", r)
		}
		created = append(created, r.ID)
		again, err := svc.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestExport,
			Subject: gdpr.Subject{EmailAddresses: []string{demo.LenaFischerEmail}}, IdempotencyKey: "contract-export-1"})
		if err != nil || again.ID != r.ID {
			t.Fatalf("repeat with the same key: %v, %v; want %s", again, err, r.ID)
		}
		done := svc.wait(t, r.ID)
		if done.Status != gdpr.StatusCompleted || done.ResultsURL == "" {
			t.Fatalf("export ended %s, resultsUrl %q", done.Status, done.ResultsURL)
		}
	})
	t.Run("DeleteCompletesAndRetainsTheEmployee", func(t *testing.T) {
		r, err := svc.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestDelete, DeleteConfirmed: true,
			Subject: gdpr.Subject{EmailAddresses: []string{demo.SamRiveraEmail}}, IdempotencyKey: "contract-delete-1"})
		if err != nil {
			t.Fatal(err)
		}
		created = append(created, r.ID)
		done := svc.wait(t, r.ID)
		if done.Status != gdpr.StatusCompleted {
			t.Fatalf("delete ended %s: %+v", done.Status, done.Steps)
		}
		left, err := svc.SearchSubjects(ctx, gdpr.KindEmail, demo.SamRiveraEmail)
		if err != nil || len(left) != 1 || left[0].UserID == "" {
			t.Fatalf("after erasure the email finds %+v, %v; want only the retained employee", left, err)
		}
	})
	t.Run("ListNewestFirst", func(t *testing.T) {
		page, err := svc.ListRequests(ctx, gdpr.ListOptions{PageSize: 1, PageNumber: 1})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != int64(len(created)) || page.PageCount != len(created) || len(page.Entities) != 1 {
			t.Fatalf("page: total %d, count %d, %d entities; want %d", page.Total, page.PageCount, len(page.Entities), len(created))
		}
		if page.Entities[0].ID != created[len(created)-1] {
			t.Fatalf("first entity %s, want the newest %s", page.Entities[0].ID, created[len(created)-1])
		}
		if !slices.Contains(created, page.Entities[0].ID) {
			t.Fatal("listed an unknown request")
		}
	})
}

// wait polls a request until it is final.
func (svc Service) wait(t *testing.T, id string) *gdpr.Request {
	t.Helper()
	ctx := context.Background()
	for range 2000 {
		r, err := svc.GetRequest(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status.Done() {
			return r
		}
		time.Sleep(svc.Poll)
	}
	t.Fatalf("request %s never finished", id)
	return nil
}
