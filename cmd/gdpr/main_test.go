package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestDemoPlaysTheWorkedExample(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"demo"}, nil, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	s := out.String()
	for _, want := range []string{
		"NAME  matches 3 subjects",
		"EMAIL matches 2 subjects",
		"ambiguous: a namesake; left alone",
		"name+email  confirmed: erase",
		"downloaded",
		"EMAIL finds nothing",
		"1 record, 1 retained (GDPR Art. 6(1)(f)",
		"erasure verification passed",
		"manifest.json",
		"hash chain verified",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("demo output lacks %q:\n%s", want, s)
		}
	}
	if !strings.Contains(s, "COMPLETED") || strings.Contains(s, " ERROR") {
		t.Errorf("demo requests did not all complete:\n%s", s)
	}
}

func TestUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), nil, nil, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "Usage:") {
		t.Fatalf("no args: exit %d, stderr %q", code, errOut.String())
	}
	errOut.Reset()
	if code := run(context.Background(), []string{"frobnicate"}, nil, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), `unknown command "frobnicate"`) {
		t.Fatalf("unknown command: exit %d, stderr %q", code, errOut.String())
	}
	errOut.Reset()
	if code := run(context.Background(), []string{"demo", "extra"}, nil, &out, &errOut); code != 2 {
		t.Fatalf("demo with args: exit %d", code)
	}
}
