package sqladapter_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/gdprkit/gdpr/adapter/sqladapter"
)

func TestUnreachable(t *testing.T) {
	m := &sqladapter.Map{Tables: []sqladapter.Table{
		{Name: "contacts", Subject: true},
		{Name: "messages", References: []sqladapter.Reference{{Column: "transcript_id", Table: "transcripts"}}},
		{Name: "transcripts", References: []sqladapter.Reference{{Column: "contact_id", Table: "contacts"}}},
		{Name: "audit"},
		{Name: "staff", Columns: []sqladapter.Column{{Name: "email", Term: "EMAIL"}}},
		{Name: "a", References: []sqladapter.Reference{{Column: "b_id", Table: "b"}}},
		{Name: "b", References: []sqladapter.Reference{{Column: "a_id", Table: "a"}, {Column: "x", Table: "missing"}}},
	}}
	var got []string
	for _, u := range m.Unreachable() {
		got = append(got, u.Table)
		if !strings.HasPrefix(u.Reason, "unreachable: ") {
			t.Errorf("%s: reason %q", u.Table, u.Reason)
		}
	}
	if want := []string{"audit", "staff", "a", "b"}; !slices.Equal(got, want) {
		t.Errorf("unreachable %v, want %v", got, want)
	}
}
