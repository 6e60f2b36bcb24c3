package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestDemoShowsOrganizationsApart: gdpr demo's second organization finds
// its own people under the emails the demo organization's have, and
// nothing of the demo organization's, nor the other way round.
func TestDemoShowsOrganizationsApart(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"demo"}, nil, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	s := out.String()
	for _, want := range []string{
		"alex.morgan@example.org    demo finds nothing; Northwind finds externalContactId:5f0c2d7e-9a41-4c1e-8d8b-2f3a6c9e1b70\n",
		"sam.rivera@example.com     demo finds userId:",
		"; Northwind finds externalContactId:0b7e4a55-3c2d-4f86-9e11-7d4c8a2b6f03\n",
		"northwind-crm 3 records, 3 exported",
		"the demo organization cannot read Northwind's request: 404 not.found",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("demo output lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "demo finds userId:4322b625-427e-4c2b-af9f-de91f84f984a, ") {
		t.Errorf("the demo organization found Northwind's Sam Rivera:\n%s", s)
	}
}
