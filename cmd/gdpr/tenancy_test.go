package main

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/server"
)

// writeOrgClients writes a clients file with a client of scope gdpr in
// each organization: id "ops-ORG", secret "a-long-test-secret".
func writeOrgClients(t *testing.T, orgs ...string) string {
	t.Helper()
	h, err := server.HashSecretCost("a-long-test-secret", 1000)
	if err != nil {
		t.Fatal(err)
	}
	var cs []string
	for _, org := range orgs {
		cs = append(cs, fmt.Sprintf(`{"id":"ops-%s","secretHash":%q,"organization":%q,"scope":"gdpr"}`, org, h, org))
	}
	path := filepath.Join(t.TempDir(), "clients.json")
	if err := os.WriteFile(path, []byte(`{"clients":[`+strings.Join(cs, ",")+`]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// tenantDB creates a SQLite database of contacts and orders held for two
// organizations, acme and globex, each with a Jordan Blake of the same
// name, email and phone, and returns its path.
func tenantDB(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "crm.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`CREATE TABLE contacts (id TEXT PRIMARY KEY, org_id TEXT NOT NULL, full_name TEXT, email TEXT, email_norm TEXT, phone TEXT)`,
		`CREATE INDEX contacts_email ON contacts (org_id, email_norm)`,
		`CREATE TABLE orders (order_no TEXT PRIMARY KEY, org_id TEXT NOT NULL, contact_id TEXT REFERENCES contacts(id), ship_to TEXT)`,
		`INSERT INTO contacts VALUES ('c-a1', 'acme', 'Jordan Blake', 'Jordan.Blake@Example.com', 'jordan.blake@example.com', '+442079460999')`,
		`INSERT INTO contacts VALUES ('c-a2', 'acme', 'Robin Vale', 'robin@example.com', 'robin@example.com', NULL)`,
		`INSERT INTO contacts VALUES ('c-b1', 'globex', 'Jordan Blake', 'jordan.blake@example.com', 'jordan.blake@example.com', '+442079460999')`,
		`INSERT INTO orders VALUES ('o-a1', 'acme', 'c-a1', '2 Park Row, Leeds')`,
		`INSERT INTO orders VALUES ('o-a2', 'acme', 'c-a2', '1 Low Road, York')`,
		`INSERT INTO orders VALUES ('o-b1', 'globex', 'c-b1', '2 Park Row, Leeds')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// tenantAdapters writes a data map (tenant-scoped when tenant is true) and
// an adapters file whose entry carries extra, and returns its path.
func tenantAdapters(t *testing.T, dir, dbPath string, tenant bool, extra string) string {
	t.Helper()
	col := ""
	if tenant {
		col = "    tenant: org_id\n"
	}
	m := "tables:\n  - name: contacts\n    key: id\n    kind: externalContact\n    subject: true\n" + col +
		"    columns:\n      - {name: full_name, term: NAME}\n      - {name: email, term: EMAIL, normalized: email_norm}\n      - {name: phone, term: PHONE}\n" +
		"  - name: orders\n    key: order_no\n    kind: order\n" + col + "    references: [{column: contact_id, table: contacts}]\n"
	if err := os.WriteFile(filepath.Join(dir, "crm.yaml"), []byte(m), 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "adapters.yaml")
	body := "adapters:\n  - name: crm\n    dialect: sqlite\n    dsn: " + dbPath + "\n    map: crm.yaml\n" + extra
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestServeRefusesMixedTenancy: with clients of two organizations, gdpr
// serve starts only when every adapter is tenant-scoped, listed under one
// organization or marked shared, and otherwise names the adapter and the
// three fixes.
func TestServeRefusesMixedTenancy(t *testing.T) {
	clients := writeOrgClients(t, "acme", "globex")
	dir := t.TempDir()
	dbPath := tenantDB(t, dir)
	var out, errOut bytes.Buffer
	args := []string{"serve", "--addr", "127.0.0.1:0", "--store", "memory", "--clients", clients,
		"--adapters", tenantAdapters(t, dir, dbPath, false, "")}
	if code := run(context.Background(), args, nil, &out, &errOut); code == 0 {
		t.Fatal("serve started with an unscoped adapter and clients of two organizations")
	}
	for _, want := range []string{
		`adapter "crm" would let clients of 2 organizations ("acme", "globex") reach each other's data`,
		"(1) tenant-scoped: name each table's tenant column in its data map (tenant: COLUMN)",
		"tenantScoped: true",
		"(2) listed under the one organization whose data it holds: organization: ORG",
		"(3) shared, when no organization owns its data: shared: true",
	} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr %q does not say %q", errOut.String(), want)
		}
	}
	errOut.Reset()
	if code := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--store", "memory", "--clients", clients, "--demo"}, nil, &out, &errOut); code == 0 ||
		!strings.Contains(errOut.String(), `adapter "directory" would let clients of 2 organizations`) {
		t.Errorf("serve --demo with clients of two organizations: exit %d, stderr %q", code, errOut.String())
	}
	errOut.Reset()
	bad := tenantAdapters(t, dir, dbPath, false, "    organization: acme\n    shared: true\n")
	if code := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--store", "memory", "--clients", clients, "--adapters", bad}, nil, &out, &errOut); code == 0 ||
		!strings.Contains(errOut.String(), "give organization or shared: true, not both") {
		t.Errorf("organization and shared together: exit %d, stderr %q", code, errOut.String())
	}

	for _, c := range []struct {
		name   string
		tenant bool
		extra  string
		want   string
	}{
		{"tenant-scoped", true, "", "tenant-scoped"},
		{"listed under one organization", false, "    organization: acme\n", "organization acme"},
		{"shared", false, "    shared: true\n", "shared"},
	} {
		t.Run(c.name, func(t *testing.T) {
			config := tenantAdapters(t, t.TempDir(), dbPath, c.tenant, c.extra)
			_, stop := runServe(t, &serveConfig{addr: "127.0.0.1:0", clients: clients, sqlAdapters: config, store: "memory", workers: 1, logLevel: "error"})
			stop()
			code, out, errOut := gdprCmd(t, "inventory", "--adapters", config)
			var line string
			for _, l := range strings.Split(out, "\n") {
				if strings.HasPrefix(l, "crm ") {
					line = l
					break
				}
			}
			if code != 0 || !strings.Contains(out, "TENANCY") || !strings.HasPrefix(strings.TrimSpace(strings.TrimPrefix(line, "crm")), c.want+" ") {
				t.Errorf("inventory: exit %d, want adapter crm shown as %q:\n%s%s", code, c.want, out, errOut)
			}
		})
	}
}

// TestServeKeepsOrganizationsApart: over tenant-scoped SQL tables, a full
// workflow of organization globex (search, export and its download,
// rectification, erasure, get, list) leaves organization acme's rows
// byte for byte as they were, although acme holds a person with the same
// name, email and phone; and globex reaches none of acme's requests.
func TestServeKeepsOrganizationsApart(t *testing.T) {
	dir := t.TempDir()
	dbPath := tenantDB(t, dir)
	config := tenantAdapters(t, dir, dbPath, true, "")
	clients := writeOrgClients(t, "acme", "globex")
	addr, stop := runServe(t, &serveConfig{addr: "127.0.0.1:0", clients: clients, sqlAdapters: config, store: "memory", workers: 2, logLevel: "error", console: true})
	defer stop()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	client := func(org string) *gdpr.Client {
		c, err := gdpr.New(gdpr.WithBaseURL("http://"+addr), gdpr.WithClientCredentials("ops-"+org, "a-long-test-secret"))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	acme, globex := client("acme"), client("globex")
	before := dumpOrg(t, dbPath, "acme")

	// An acme request, which globex must not see.
	reqA, err := acme.CreateRequest(ctx, gdpr.RequestSpec{Type: gdpr.RequestExport,
		Subject: gdpr.Subject{EmailAddresses: []string{"robin@example.com"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := acme.Wait(ctx, reqA.ID, nil); err != nil {
		t.Fatal(err)
	}

	found, err := globex.SearchSubjects(ctx, gdpr.KindEmail, "jordan.blake@example.com")
	if err != nil || len(found) != 1 {
		t.Fatalf("globex's search: %d subjects, %v; want its own Jordan only", len(found), err)
	}
	if found, err := globex.SearchSubjects(ctx, gdpr.KindEmail, "robin@example.com"); err != nil || len(found) != 0 {
		t.Errorf("globex's search for acme's Robin: %d subjects, %v; want none", len(found), err)
	}
	run := func(spec gdpr.RequestSpec) *gdpr.Request {
		t.Helper()
		r, err := globex.CreateRequest(ctx, spec)
		if err != nil {
			t.Fatal(err)
		}
		r, err = globex.Wait(ctx, r.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != gdpr.StatusCompleted {
			t.Fatalf("globex's %s ended %s", spec.Type, r.Status)
		}
		return r
	}
	email := gdpr.Subject{EmailAddresses: []string{"jordan.blake@example.com"}}
	exp := run(gdpr.RequestSpec{Type: gdpr.RequestExport, Subject: email})
	var archive bytes.Buffer
	if _, err := globex.DownloadResults(ctx, exp, &archive); err != nil {
		t.Fatal(err)
	}
	if text := unzipText(t, archive.Bytes()); strings.Contains(text, "o-a1") || !strings.Contains(text, "o-b1") {
		t.Error("globex's export holds acme's order, or lacks its own")
	}
	run(gdpr.RequestSpec{Type: gdpr.RequestUpdate, Subject: email, ReplacementTerms: []gdpr.ReplacementTerm{
		{Type: gdpr.KindName, ExistingValue: "Jordan Blake", UpdatedValue: "Jordan Black"}}})
	del := run(gdpr.RequestSpec{Type: gdpr.RequestDelete, Subject: email, DeleteConfirmed: true})
	if del.Verification == nil || !del.Verification.Passed {
		t.Errorf("globex's erasure verification: %+v; want passed, although acme holds the same email", del.Verification)
	}
	page, err := globex.ListRequests(ctx, gdpr.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range page.Entities {
		if r.ID == reqA.ID {
			t.Error("globex's list shows acme's request")
		}
	}
	if _, err := globex.GetRequest(ctx, reqA.ID); !errors.Is(err, gdpr.ErrNotFound) {
		t.Errorf("globex getting acme's request: %v, want not found", err)
	}

	// The console, signed in as globex: its pages and downloads show its
	// own requests and none of acme's.
	browser := consoleSignIn(t, "http://"+addr, "ops-globex")
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := browser.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, page := get("/console/requests"); code != 200 || !strings.Contains(page, exp.ID) || strings.Contains(page, reqA.ID) {
		t.Errorf("globex's console request list: %d, shows its export %t, shows acme's request %t", code, strings.Contains(page, exp.ID), strings.Contains(page, reqA.ID))
	}
	if code, _ := get("/console/requests/" + del.ID); code != 200 {
		t.Errorf("globex's console detail of its erasure: %d", code)
	}
	if code, body := get("/console/requests/" + exp.ID + "/export"); code != 200 || strings.Contains(unzipText(t, []byte(body)), "o-a1") {
		t.Errorf("globex's console export download: %d, or it holds acme's order", code)
	}
	for _, path := range []string{"/console/requests/" + reqA.ID, "/console/requests/" + reqA.ID + "/export"} {
		if code, _ := get(path); code == 200 {
			t.Errorf("globex's console reads acme's %s", path)
		}
	}

	if after := dumpOrg(t, dbPath, "acme"); after != before {
		t.Errorf("acme's rows changed by globex's workflow:\nbefore %s\nafter  %s", before, after)
	}
	if rest := dumpOrg(t, dbPath, "globex"); strings.Contains(rest, "c-b1") || strings.Contains(rest, "o-b1") {
		t.Errorf("globex's Jordan is still there after its erasure: %s", rest)
	}
}

// dumpOrg returns every row of the organization in both tables, as text.
func dumpOrg(t *testing.T, dbPath, org string) string {
	t.Helper()
	db, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var b strings.Builder
	for _, q := range []string{
		`SELECT id, org_id, full_name, email, email_norm, phone FROM contacts WHERE org_id = ? ORDER BY id`,
		`SELECT order_no, org_id, contact_id, ship_to, '', '' FROM orders WHERE org_id = ? ORDER BY order_no`,
	} {
		rows, err := db.Query(q, org)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			vals := make([]sql.NullString, 6)
			ptrs := make([]any, 6)
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				fmt.Fprintf(&b, "%t:%q ", v.Valid, v.String)
			}
			b.WriteString("\n")
		}
		rows.Close()
	}
	return b.String()
}

// unzipText returns the contents of every file of a zip archive, joined.
func unzipText(t *testing.T, b []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out.Write(data)
	}
	return out.String()
}

// consoleSignIn signs the client id into the console at base and returns
// a browser holding the session.
func consoleSignIn(t *testing.T, base, id string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	resp, err := browser.Get(base + "/console/signin")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("no csrf field on the sign-in page:\n%s", page)
	}
	resp, err = browser.PostForm(base+"/console/signin", url.Values{"csrf": {string(m[1])}, "client_id": {id}, "client_secret": {"a-long-test-secret"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/console/requests" {
		t.Fatalf("console sign-in of %s: %d at %s", id, resp.StatusCode, resp.Request.URL.Path)
	}
	return browser
}

// TestServeDemoTwoOrganizations: gdpr serve --demo with clients of the
// demo organization and Northwind serves each its own data: both hold an
// Alex Morgan under one email, and each finds only its own.
func TestServeDemoTwoOrganizations(t *testing.T) {
	clients := writeOrgClients(t, demo.Organization, demo.Northwind)
	addr, stop := runServe(t, &serveConfig{addr: "127.0.0.1:0", clients: clients, demoData: true, store: "memory", workers: 1, logLevel: "error"})
	defer stop()
	for org, want := range map[string]string{demo.Organization: "994b0bfd-7c88-4aeb-af99-6b3ebf2dd357", demo.Northwind: "5f0c2d7e-9a41-4c1e-8d8b-2f3a6c9e1b70"} {
		c, err := gdpr.New(gdpr.WithBaseURL("http://"+addr), gdpr.WithClientCredentials("ops-"+org, "a-long-test-secret"))
		if err != nil {
			t.Fatal(err)
		}
		found, err := c.SearchSubjects(t.Context(), gdpr.KindEmail, demo.AlexMorganSeattleEmail)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, s := range found {
			if s.ExternalContactID != "" {
				ids = append(ids, s.ExternalContactID)
			}
		}
		if len(ids) != 1 || ids[0] != want {
			t.Errorf("%s finds external contacts %v, want only its own %s", org, ids, want)
		}
	}
}
