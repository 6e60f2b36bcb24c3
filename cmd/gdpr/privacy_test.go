package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"log/slog"
	"strings"
	"testing"

	"github.com/gdprkit/gdpr/internal/testlog"

	"github.com/gdprkit/gdpr/adapter/memadapter"
	"github.com/gdprkit/gdpr/internal/demo"
)

// personalValues returns every name, email, phone, address, handle and
// subject id of the demo data set, as written and lower-cased.
func personalValues(t *testing.T) []string {
	t.Helper()
	var vals []string
	add := func(vs ...string) {
		for _, v := range vs {
			if len(v) >= 4 {
				vals = append(vals, v, strings.ToLower(v))
			}
		}
	}
	err := fs.WalkDir(demo.Data(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(demo.Data(), path)
		if err != nil {
			return err
		}
		var ds memadapter.Dataset
		if err := json.Unmarshal(b, &ds); err != nil {
			return err
		}
		for _, p := range ds.People {
			add(p.Name, p.UserID, p.ExternalContactID, p.ExternalID)
			add(p.Emails...)
			add(p.Phones...)
			add(p.Addresses...)
			for _, h := range p.SocialHandles {
				add(h.Value)
			}
			if p.DialerContactID != nil {
				add(p.DialerContactID.ID)
			}
			if p.JourneyCustomer != nil {
				add(p.JourneyCustomer.ID)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(vals) < 500 {
		t.Fatalf("only %d personal values collected from the demo data", len(vals))
	}
	return vals
}

// TestLogsCarryNoPersonalData runs the whole demo with server, processor
// and client logging at debug level, and looks for every personal value
// of the demo data set in what they logged.
func TestLogsCarryNoPersonalData(t *testing.T) {
	var logs testlog.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var out bytes.Buffer
	if err := runDemo(context.Background(), &out, log); err != nil {
		t.Fatal(err)
	}
	got := logs.String()
	if strings.Count(got, "\n") < 20 {
		t.Fatalf("the demo logged only:\n%s", got)
	}
	for _, v := range personalValues(t) {
		if strings.Contains(got, v) {
			t.Errorf("the log holds personal data %q", v)
		}
	}
	// The demo's own output, meant for the person running it, does name
	// the people: the check above would catch a leak into the logs.
	if !strings.Contains(out.String(), demo.AlexMorgan) {
		t.Fatal("demo output lacks the people it is about")
	}
}
