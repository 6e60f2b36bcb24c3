package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/memadapter"
	"github.com/gdprkit/gdpr/internal/adapterconfig"
	"github.com/gdprkit/gdpr/internal/demo"
)

// placement tells how an adapter is placed among organizations; the
// zero Tenancy for adapters no adapters file lists (--demo, --data).
type placement func(name string) adapterconfig.Tenancy

// placeAdapters splits the adapters into those every organization
// reaches (tenant-scoped, shared, or any adapter while the clients are of
// one organization) and those of one organization alone. With clients of
// several organizations it refuses an adapter that is none of these, and
// a client of no organization while an adapter is tenant-scoped (its
// calls would be refused).
func placeAdapters(as []adapter.Adapter, place placement, orgs []string) ([]adapter.Adapter, map[string][]adapter.Adapter, error) {
	var shared []adapter.Adapter
	own := map[string][]adapter.Adapter{}
	var errs []string
	scoped := false
	for _, a := range as {
		t := place(a.Name())
		switch {
		case t.Organization != "":
			own[t.Organization] = append(own[t.Organization], a)
			continue
		case adapter.IsTenantScoped(a):
			scoped = true
		case t.Shared, len(orgs) <= 1:
		default:
			errs = append(errs, unscopedError(a.Name(), orgs))
		}
		shared = append(shared, a)
	}
	if scoped && len(orgs) > 0 && orgs[0] == "" {
		errs = append(errs, "a client has no organization, but tenant-scoped adapters refuse calls without one: give every client of the clients file its organization")
	}
	if len(errs) > 0 {
		return nil, nil, fmt.Errorf("adapters would mix organizations:\n  %s", strings.Join(errs, "\n  "))
	}
	return shared, own, nil
}

// unscopedError names the adapter and the three ways to fix it.
func unscopedError(name string, orgs []string) string {
	q := make([]string, len(orgs))
	for i, o := range orgs {
		q[i] = strconv.Quote(o)
	}
	return fmt.Sprintf("adapter %q would let clients of %d organizations (%s) reach each other's data: it is not tenant-scoped, "+
		"not listed under one organization and not marked shared. Fix it in the adapters file one of three ways: "+
		"(1) tenant-scoped: name each table's tenant column in its data map (tenant: COLUMN) or, for a remote service that keeps organizations apart, set tenantScoped: true; "+
		"(2) listed under the one organization whose data it holds: organization: ORG; "+
		"(3) shared, when no organization owns its data: shared: true",
		name, len(orgs), strings.Join(q, ", "))
}

// loadDataFile loads a --data file into a memory adapter named name:
// tenant-scoped (memadapter.WithTenantScope) when its people name the
// organizations that own them.
func loadDataFile(name, path string, opts []memadapter.Option) (*memadapter.Adapter, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var probe struct {
		People []struct {
			Organization string `json:"organization"`
		} `json:"people"`
	}
	if err := json.Unmarshal(b, &probe); err == nil {
		for _, p := range probe.People {
			if p.Organization != "" {
				opts = append(opts[:len(opts):len(opts)], memadapter.WithTenantScope())
				break
			}
		}
	}
	a, err := memadapter.New(name, opts...)
	if err != nil {
		return nil, err
	}
	if err := a.LoadJSON(bytes.NewReader(b)); err != nil {
		return nil, err
	}
	return a, nil
}

// demoPlacement places the demo data of --demo: Northwind's store under
// Northwind alone; the demo organization's three stores, when the
// clients are of several organizations and one is the demo organization,
// under it (so that a clients file of organizations demo and northwind
// shows them kept apart), else where place puts them (shared by the
// clients of one organization; refused with several others).
func demoPlacement(place placement, orgs []string) placement {
	return func(name string) adapterconfig.Tenancy {
		switch name {
		case demo.NorthwindCRM:
			return adapterconfig.Tenancy{Organization: demo.Northwind}
		case demo.Directory, demo.CRM, demo.Dialer:
			if len(orgs) > 1 && slices.Contains(orgs, demo.Organization) {
				return adapterconfig.Tenancy{Organization: demo.Organization}
			}
		}
		return place(name)
	}
}
