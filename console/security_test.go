package console

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/server"
)

func TestSignInFailureSaysWhyAndStartsNoSession(t *testing.T) {
	t.Parallel()
	rg := newRig(t, false)
	o := rg.officer(t)
	for _, c := range []struct{ id, secret string }{{opsID, "not-the-secret"}, {"nobody", opsSecret}, {"", ""}} {
		r := o.signIn(c.id, c.secret)
		if r.status != http.StatusUnauthorized || !strings.Contains(r.body, "Unknown client or wrong secret") {
			t.Errorf("sign-in %q: %d, want 401 saying unknown client or wrong secret\n%s", c.id, r.status, r.body)
		}
		for _, ck := range r.header.Values("Set-Cookie") {
			if strings.HasPrefix(ck, sessionCookie+"=") {
				t.Errorf("a failed sign-in set the session cookie: %s", ck)
			}
		}
	}
	if r := o.get(Path + "requests"); r.status != http.StatusSeeOther || r.location != Path+"signin" {
		t.Fatalf("after failed sign-ins the requests page answered %d %s; want the sign-in page", r.status, r.location)
	}
	if strings.Contains(rg.logs.String(), "not-the-secret") || strings.Contains(rg.logs.String(), opsSecret) {
		t.Fatalf("the log holds a secret:\n%s", rg.logs.String())
	}
}

func TestSignInFailuresAreLimitedPerAddress(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	rg := newRig(t, false, WithClock(clock.Now), WithSignInLimit(2, 10*time.Minute))
	o := rg.officer(t)
	for range 2 {
		if r := o.signIn(opsID, "wrong"); r.status != http.StatusUnauthorized {
			t.Fatalf("failed sign-in: %d", r.status)
		}
	}
	r := o.signIn(opsID, opsSecret)
	if r.status != http.StatusTooManyRequests || !strings.Contains(r.body, "Too many failed sign-ins") || r.header.Get("Retry-After") == "" {
		t.Fatalf("third sign-in after two failures: %d, Retry-After %q; want 429 even with the right secret\n%s",
			r.status, r.header.Get("Retry-After"), r.body)
	}
	clock.Advance(11 * time.Minute)
	o.mustSignIn(opsID, opsSecret)
}

// Behind a load balancer every sign-in comes from its address: with the
// balancer trusted, one client's failures lock out that client only, and
// a client cannot escape its count by writing another address first.
func TestSignInFailuresAreCountedPerClientBehindATrustedProxy(t *testing.T) {
	t.Parallel()
	for _, trusted := range []bool{true, false} {
		var opts []Option
		if trusted {
			lb, err := server.ParseProxies("127.0.0.1") // the test server's clients connect from here
			if err != nil {
				t.Fatal(err)
			}
			opts = append(opts, WithTrustedProxies(lb))
		}
		rg := newRig(t, false, append(opts, WithSignInLimit(2, 10*time.Minute))...)
		attacker, officer := rg.officer(t), rg.officer(t)
		attacker.forwardedFor, officer.forwardedFor = "198.51.100.66", "198.51.100.7"
		for range 2 {
			if r := attacker.signIn(opsID, "wrong"); r.status != http.StatusUnauthorized {
				t.Fatalf("failed sign-in: %d", r.status)
			}
		}
		attacker.forwardedFor = "198.51.100.7, 198.51.100.66"
		if r := attacker.signIn(opsID, opsSecret); r.status != http.StatusTooManyRequests {
			t.Errorf("trusted %v: the limited client writing another address first: %d, want 429", trusted, r.status)
		}
		r := officer.signIn(opsID, opsSecret)
		switch {
		case trusted && r.status != http.StatusSeeOther:
			t.Errorf("another officer behind the trusted proxy: %d, want to sign in\n%s", r.status, r.body)
		case !trusted && r.status != http.StatusTooManyRequests:
			t.Errorf("without trusting the proxy every client shares its address: %d, want 429", r.status)
		}
	}
}

// Sign-ins sent at once cannot all pass the limit: each is counted
// before its secret is checked.
func TestSignInLimitHoldsForAttemptsAtOnce(t *testing.T) {
	t.Parallel()
	rg := newRig(t, false, WithSignInLimit(3, 10*time.Minute))
	const n = 12
	statuses := make(chan int, n)
	for range n {
		go func() {
			o := rg.officer(t)
			page := o.get(Path + "signin")
			statuses <- o.post(Path+"signin", url.Values{"csrf": {o.csrf(page)}, "client_id": {opsID}, "client_secret": {"wrong"}}).status
		}()
	}
	checked := 0
	for range n {
		switch st := <-statuses; st {
		case http.StatusUnauthorized:
			checked++
		case http.StatusTooManyRequests:
		default:
			t.Errorf("a sign-in answered %d", st)
		}
	}
	if checked != 3 {
		t.Errorf("%d of %d wrong secrets sent at once were checked, want the limit, 3", checked, n)
	}
}

// Signing in with one client does not buy more guesses at another's
// secret from the same address.
func TestSignInSuccessDoesNotResetTheFailures(t *testing.T) {
	t.Parallel()
	rg := newRig(t, false, WithSignInLimit(3, 10*time.Minute))
	o := rg.officer(t)
	for range 2 {
		if r := o.signIn(opsID, "wrong"); r.status != http.StatusUnauthorized {
			t.Fatalf("failed sign-in: %d", r.status)
		}
	}
	o.mustSignIn(opsID, opsSecret)
	if r := o.signIn(opsID, "wrong"); r.status != http.StatusUnauthorized {
		t.Fatalf("third failure: %d, want 401", r.status)
	}
	if r := o.signIn(opsID, "wrong"); r.status != http.StatusTooManyRequests {
		t.Errorf("fourth wrong secret after a success in between: %d, want 429 (the success must not reset the count)", r.status)
	}
}

func TestSignInFormNeedsItsToken(t *testing.T) {
	t.Parallel()
	rg := newRig(t, false)
	o := rg.officer(t)
	r := o.post(Path+"signin", url.Values{"client_id": {opsID}, "client_secret": {opsSecret}})
	if r.status != http.StatusForbidden || !strings.Contains(r.body, "sign-in form was refused") {
		t.Fatalf("sign-in without the form's token: %d; want 403\n%s", r.status, r.body)
	}
	o.get(Path + "signin") // sets the sign-in cookie
	r = o.post(Path+"signin", url.Values{"csrf": {"forged"}, "client_id": {opsID}, "client_secret": {opsSecret}})
	if r.status != http.StatusForbidden {
		t.Fatalf("sign-in with a forged token: %d; want 403", r.status)
	}
}

func TestSessionCookieAttributes(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name       string
		tls        bool
		opts       []Option
		wantSecure bool
	}{
		{"http", false, nil, false},
		{"https", true, nil, true},
		{"behind a TLS proxy", false, []Option{WithSecureCookies()}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			rg := newRig(t, c.tls, c.opts...)
			o := rg.officer(t)
			r := o.signIn(opsID, opsSecret)
			var session *http.Cookie
			for _, ck := range (&http.Response{Header: r.header}).Cookies() {
				if ck.Name == sessionCookie {
					session = ck
				}
			}
			if session == nil {
				t.Fatalf("no session cookie: %v", r.header.Values("Set-Cookie"))
			}
			if !session.HttpOnly || session.SameSite != http.SameSiteStrictMode || session.Path != Path || session.Secure != c.wantSecure {
				t.Fatalf("session cookie %q: HttpOnly %v, SameSite %v, Path %q, Secure %v; want HttpOnly, Strict, %s, Secure %v",
					session.Raw, session.HttpOnly, session.SameSite, session.Path, session.Secure, Path, c.wantSecure)
			}
			if len(session.Value) < 40 {
				t.Fatalf("session id %q is short", session.Value)
			}
		})
	}
}

func TestSessionEndsWhenIdleAndOnSignOut(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	rg := newRig(t, false, WithClock(clock.Now), WithSessionLifetime(10*time.Minute, time.Hour))
	o := rg.officer(t)
	o.mustSignIn(opsID, opsSecret)
	clock.Advance(9 * time.Minute)
	if r := o.get(Path + "requests"); r.status != http.StatusOK {
		t.Fatalf("a session used within its idle time: %d", r.status)
	}
	clock.Advance(11 * time.Minute)
	if r := o.get(Path + "requests"); r.status != http.StatusSeeOther || r.location != Path+"signin" {
		t.Fatalf("an idle session still answers: %d %s", r.status, r.location)
	}

	csrf := o.mustSignIn(opsID, opsSecret)
	if r := o.post(Path+"signout", url.Values{"csrf": {csrf}}); r.status != http.StatusSeeOther {
		t.Fatalf("sign-out: %d", r.status)
	}
	if r := o.get(Path + "requests"); r.status != http.StatusSeeOther || r.location != Path+"signin" {
		t.Fatalf("a signed-out session still answers: %d %s", r.status, r.location)
	}
}

func TestEveryResponseCarriesTheSecurityHeaders(t *testing.T) {
	t.Parallel()
	rg := newRig(t, false)
	o := rg.officer(t)
	pages := map[string]response{"sign-in": o.get(Path + "signin"), "static": o.get(Path + "static/console.css"),
		"missing": o.get(Path + "no-such-page")}
	csrf := o.mustSignIn(opsID, opsSecret)
	pages["requests"] = o.get(Path + "requests")
	pages["new"] = o.get(Path + "dsr/new")
	draft := o.resolve(csrf, url.Values{"emails": {demo.AlexMorganLondonEmail}})
	pages["resolution"] = o.get(draft)
	pages["refused"] = o.post(Path+"dsr/new", url.Values{"emails": {demo.AlexMorganLondonEmail}})

	inlineScript := regexp.MustCompile(`<script(?:\s[^>]*)?>[^<]+</script>|<script>|\son[a-z]+=|\sstyle=|<style`)
	for name, r := range pages {
		h := r.header
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: Content-Security-Policy %q lacks %q", name, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: Content-Security-Policy %q allows inline code", name, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" || h.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s: missing nosniff, DENY or no-referrer: %v", name, h)
		}
		if strings.HasPrefix(h.Get("Content-Type"), "text/html") {
			if h.Get("Cache-Control") != "no-store" {
				t.Errorf("%s: a page with Cache-Control %q; want no-store", name, h.Get("Cache-Control"))
			}
			if m := inlineScript.FindString(r.body); m != "" {
				t.Errorf("%s: inline script or style %q, which the policy blocks", name, m)
			}
		}
	}
}

func TestPostsWithoutTheCSRFTokenAreRefused(t *testing.T) {
	t.Parallel()
	rg := newRig(t, false)
	o := rg.officer(t)
	csrf := o.mustSignIn(opsID, opsSecret)
	draft := o.resolve(csrf, url.Values{"emails": {demo.AlexMorganLondonEmail}})
	for _, token := range []string{"", "forged-" + csrf[7:]} {
		for path, form := range map[string]url.Values{
			Path + "dsr/new":          {"emails": {demo.JordanBlakeEmail}},
			draft + "/plan":           {"type": {"GDPR_EXPORT"}},
			Path + "signout":          {},
			Path + "requests/x/retry": {},
		} {
			if token != "" {
				form.Set("csrf", token)
			}
			r := o.post(path, form)
			if r.status != http.StatusForbidden || !strings.Contains(r.body, "Form refused") {
				t.Errorf("POST %s with token %q: %d; want 403 Form refused\n%s", path, token, r.status, r.body)
			}
		}
	}
	if n := len(requestsOf(t, rg.proc, "acme")); n != 0 {
		t.Fatalf("refused forms created %d requests", n)
	}
	if r := o.get(Path + "requests"); r.status != http.StatusOK {
		t.Fatalf("the session ended after a refused sign-out: %d", r.status)
	}
}

func TestReadOnlyClientMayLookButNotCreate(t *testing.T) {
	t.Parallel()
	rg := newRig(t, false)
	o := rg.officer(t)
	csrf := o.mustSignIn(auditorID, auditorSecret)
	draft := o.resolve(csrf, url.Values{"emails": {demo.AlexMorganSeattleEmail}, "phones": {demo.AlexMorganSeattlePhone}})
	page := o.get(draft)
	if page.status != http.StatusOK || !strings.Contains(page.body, "Confirmed") {
		t.Fatalf("the read-only resolution page: %d\n%s", page.status, page.body)
	}
	for _, control := range []string{`id="type-delete"`, `id="review"`, `name="include"`} {
		if strings.Contains(page.body, control) {
			t.Errorf("the read-only resolution page offers %s", control)
		}
	}
	for path, form := range map[string]url.Values{
		draft + "/plan":   {"type": {"GDPR_DELETE"}},
		draft + "/submit": {"type": {"GDPR_DELETE"}, "confirm": {"yes"}, "subjects": {"2"}, "requests": {"2"}},
	} {
		form.Set("csrf", csrf)
		if r := o.post(path, form); r.status != http.StatusForbidden || !strings.Contains(r.body, "Not permitted") {
			t.Errorf("read-only POST %s: %d; want 403 Not permitted\n%s", path, r.status, r.body)
		}
	}

	// A request made with the write client stays out of reach for retry.
	w := rg.officer(t)
	wcsrf := w.mustSignIn(opsID, opsSecret)
	wdraft := w.resolve(wcsrf, url.Values{"emails": {demo.AlexMorganLondonEmail}})
	w.post(wdraft+"/plan", url.Values{"csrf": {wcsrf}, "type": {"GDPR_EXPORT"}})
	w.post(wdraft+"/submit", url.Values{"csrf": {wcsrf}, "type": {"GDPR_EXPORT"}, "subjects": {"1"}, "requests": {"1"}})
	reqs := requestsOf(t, rg.proc, "acme")
	if len(reqs) != 1 {
		t.Fatalf("the write client made %d requests; want 1", len(reqs))
	}
	if r := o.post(Path+"requests/"+reqs[0].ID+"/retry", url.Values{"csrf": {csrf}}); r.status != http.StatusForbidden {
		t.Errorf("read-only retry: %d; want 403", r.status)
	}
	detail := o.get(Path + "requests/" + reqs[0].ID)
	if detail.status != http.StatusOK || strings.Contains(detail.body, `id="retry"`) {
		t.Errorf("read-only detail page: %d, offers retry: %v", detail.status, strings.Contains(detail.body, `id="retry"`))
	}
}

func TestDeleteCreatesNothingWithoutConfirmation(t *testing.T) {
	t.Parallel()
	rg := newRig(t, false)
	o := rg.officer(t)
	csrf := o.mustSignIn(opsID, opsSecret)
	draft := o.resolve(csrf, url.Values{"emails": {demo.AlexMorganSeattleEmail}, "phones": {demo.AlexMorganSeattlePhone}})
	if r := o.post(draft+"/plan", url.Values{"csrf": {csrf}, "type": {"GDPR_DELETE"}}); r.status != http.StatusSeeOther || r.location != draft+"/plan" {
		t.Fatalf("plan: %d %s\n%s", r.status, r.location, r.body)
	}
	review := o.get(draft + "/plan")
	if !strings.Contains(review.body, "This erases the data of 2 subjects with 2 GDPR_DELETE requests") ||
		!strings.Contains(review.body, `id="confirm"`) {
		t.Fatalf("the confirmation page does not name 2 subjects and 2 requests:\n%s", review.body)
	}
	plan := url.Values{"csrf": {csrf}, "type": {"GDPR_DELETE"}, "subjects": {"2"}, "requests": {"2"}}
	if r := o.post(draft+"/submit", plan); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Nothing was erased") {
		t.Fatalf("submit without confirmation: %d\n%s", r.status, r.body)
	}
	stale := url.Values{"csrf": {csrf}, "type": {"GDPR_DELETE"}, "subjects": {"1"}, "requests": {"1"}, "confirm": {"yes"}}
	if r := o.post(draft+"/submit", stale); r.status != http.StatusConflict {
		t.Fatalf("submit confirming another plan: %d; want 409", r.status)
	}
	if n := len(requestsOf(t, rg.proc, "acme")); n != 0 {
		t.Fatalf("%d requests were created without confirmation", n)
	}
	plan.Set("confirm", "yes")
	r := o.post(draft+"/submit", plan)
	if r.status != http.StatusSeeOther || r.location != draft+"/submitted" {
		t.Fatalf("confirmed submit: %d %s\n%s", r.status, r.location, r.body)
	}
	reqs := requestsOf(t, rg.proc, "acme")
	if len(reqs) != 2 {
		t.Fatalf("a confirmed delete of 2 subjects made %d requests", len(reqs))
	}
	for _, q := range reqs {
		if got := waitFor(t, rg.proc, "acme", q.ID); got.Status != gdpr.StatusCompleted || got.Verification == nil || !got.Verification.Passed {
			t.Fatalf("request %s: %s, verification %+v", q.ID, got.Status, got.Verification)
		}
	}
	if again := o.post(draft+"/submit", plan); again.status != http.StatusSeeOther || len(requestsOf(t, rg.proc, "acme")) != 2 {
		t.Fatalf("submitting the same DSR twice: %d, %d requests", again.status, len(requestsOf(t, rg.proc, "acme")))
	}
	submitted := o.get(draft + "/submitted")
	if strings.Count(submitted.body, "Erasure verified") != 2 {
		t.Fatalf("the submitted page does not show two verified erasures:\n%s", submitted.body)
	}
}

func TestOrganizationsSeeOnlyTheirOwnRequests(t *testing.T) {
	t.Parallel()
	rg := newRig(t, false)
	globex := gdpr.ContextWithOrganization(context.Background(), "globex")
	theirs, err := rg.proc.CreateRequest(globex, gdpr.RequestSpec{Type: gdpr.RequestExport,
		Subject: gdpr.Subject{EmailAddresses: []string{demo.LenaFischerEmail}}})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, rg.proc, "globex", theirs.ID)

	o := rg.officer(t)
	csrf := o.mustSignIn(opsID, opsSecret)
	if r := o.get(Path + "requests"); strings.Contains(r.body, theirs.ID) {
		t.Errorf("acme's list shows globex's request")
	}
	for _, path := range []string{"requests/" + theirs.ID, "requests/" + theirs.ID + "/export"} {
		if r := o.get(Path + path); r.status != http.StatusNotFound {
			t.Errorf("acme GET %s: %d; want 404", path, r.status)
		}
	}
	if r := o.post(Path+"requests/"+theirs.ID+"/retry", url.Values{"csrf": {csrf}}); r.status != http.StatusNotFound {
		t.Errorf("acme retry of globex's request: %d; want 404", r.status)
	}

	rival := rg.officer(t)
	rival.mustSignIn(rivalID, rivalSecret)
	if r := rival.get(Path + "requests/" + theirs.ID); r.status != http.StatusOK || !strings.Contains(r.body, "COMPLETED") {
		t.Fatalf("globex's own request page: %d", r.status)
	}
	if r := rival.get(Path + "requests/" + theirs.ID + "/export"); r.status != http.StatusOK {
		t.Fatalf("globex's own export: %d", r.status)
	} else {
		checkZip(t, []byte(r.body))
	}
}

func TestFormMistakesComeBackNamed(t *testing.T) {
	t.Parallel()
	rg := newRig(t, false)
	o := rg.officer(t)
	csrf := o.mustSignIn(opsID, opsSecret)
	for _, c := range []struct {
		form url.Values
		says string
	}{
		{url.Values{}, "give at least one identifier"},
		{url.Values{"socials": {"MYSPACE:@kim"}}, "TYPE:handle"},
		{url.Values{"dialer_contact_ids": {"no-list"}}, "LIST:ID"},
		{url.Values{"emails": {"x@example.com"}, "reference": {"Alex Morgan's request"}}, "ticket number"},
	} {
		c.form.Set("csrf", csrf)
		r := o.post(Path+"dsr/new", c.form)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, c.says) {
			t.Errorf("form %v: %d; want 422 saying %q\n%s", c.form, r.status, c.says, r.body)
		}
	}
	draft := o.resolve(csrf, url.Values{"name": {demo.AlexMorgan}})
	r := o.post(draft+"/plan", url.Values{"csrf": {csrf}, "type": {"GDPR_DELETE"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Nothing to do") {
		t.Errorf("a delete of ambiguous namesakes only: %d\n%s", r.status, r.body)
	}
	r = o.post(draft+"/plan", url.Values{"csrf": {csrf}, "type": {"GDPR_UPDATE"}, "include": {"x"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "rectification needs") {
		t.Errorf("an update without replacement: %d\n%s", r.status, r.body)
	}
}

func TestIdentifiersStayOutOfURLsAndLogs(t *testing.T) {
	t.Parallel()
	rg := newRig(t, false)
	o := rg.officer(t)
	csrf := o.mustSignIn(opsID, opsSecret)
	draft := o.resolve(csrf, url.Values{"emails": {demo.SamRiveraEmail}, "phones": {demo.SamRiveraWorkPhone}, "name": {demo.SamRivera}})
	plan := o.post(draft+"/plan", url.Values{"csrf": {csrf}, "type": {"GDPR_DELETE"}})
	submit := o.post(draft+"/submit", url.Values{"csrf": {csrf}, "type": {"GDPR_DELETE"}, "confirm": {"yes"},
		"subjects": {"2"}, "requests": {"2"}})
	if submit.status != http.StatusSeeOther {
		t.Fatalf("submit: %d\n%s", submit.status, submit.body)
	}
	for _, q := range requestsOf(t, rg.proc, "acme") {
		waitFor(t, rg.proc, "acme", q.ID)
	}
	page := o.get(draft + "/submitted")
	for _, id := range requestIDs(page.body) {
		o.get(Path + "requests/" + id)
	}
	personal := []string{demo.SamRiveraEmail, demo.SamRiveraWorkPhone, demo.SamRivera, "sam.rivera", "Rivera"}
	for _, where := range []string{draft, plan.location, submit.location, rg.logs.String()} {
		for _, p := range personal {
			if strings.Contains(where, p) || strings.Contains(where, url.QueryEscape(p)) {
				t.Errorf("%q holds personal data %q", where, p)
			}
		}
	}
	if !strings.Contains(rg.logs.String(), "console: DSR submitted") {
		t.Errorf("the submission is not logged:\n%s", rg.logs.String())
	}
}
