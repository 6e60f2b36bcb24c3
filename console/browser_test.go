package console

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/gdprkit/gdpr/evidence"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/processor"
)

// chromiumPath returns the Chromium binary the browser tests drive, or ""
// when none is installed.
func chromiumPath() string {
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// screenshotDir is where the browser tests save screenshots of the main
// pages: $GDPR_SCREENSHOTS, or gdpr-console-screenshots in the temporary
// directory.
func screenshotDir(t *testing.T) string {
	dir := os.Getenv("GDPR_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "gdpr-console-screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// browser is one headless Chromium tab on the console.
type browser struct {
	t     *testing.T
	ctx   context.Context
	base  string
	shots string
}

// step runs actions with a generous deadline of their own.
func (b *browser) step(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 90*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression whose value is a string.
func (b *browser) eval(expr string) (string, error) {
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[string](expr))
}

// text returns the text of the element sel, "" when there is none.
func (b *browser) text(sel string) string {
	b.t.Helper()
	s, err := b.eval(fmt.Sprintf(`(function(){var e=document.querySelector(%q);return e?e.innerText:""})()`, sel))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// waitText waits until the text of sel holds want count times. The page
// reloads itself while requests run; the wait reloads it too, now and
// then, and ignores reads cut short by a reload.
func (b *browser) waitText(sel, want string, count int) string {
	b.t.Helper()
	return b.waitEval(fmt.Sprintf(`(function(){var e=document.querySelector(%q);return e?e.innerText:""})()`, sel),
		func(got string) bool { return strings.Count(got, want) >= count }, true)
}

// waitEval evaluates expr until ok accepts its value, reloading the page
// now and then when reload is set.
func (b *browser) waitEval(expr string, ok func(string) bool, reload bool) string {
	b.t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for i := 1; ; i++ {
		got, err := b.eval(expr)
		if err == nil && ok(got) {
			return got
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("%s never gave the value awaited; last: %q (%v)", expr, got, err)
		}
		if reload && i%20 == 0 {
			ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
			chromedp.Do(ctx, chromedp.Reload()) // a failure is the page reloading itself
			cancel()
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// shoot saves a full-page screenshot as name.png.
func (b *browser) shoot(name string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(b.shots, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// signIn signs in with the form and waits for the list of requests.
func (b *browser) signIn(id, secret string) {
	b.t.Helper()
	b.step("sign in as "+id,
		chromedp.Navigate(b.base+Path),
		chromedp.WaitVisible(chromedp.ID("client_id")),
		chromedp.SendKeys(chromedp.ID("client_id"), id),
		chromedp.SendKeys(chromedp.ID("client_secret"), secret),
		chromedp.Click(chromedp.CSS(`button[type="submit"].primary`)),
		chromedp.WaitVisible(chromedp.ID("status")),
	)
}

// fillDSR opens the New DSR form and fills in an email and a phone.
func (b *browser) fillDSR(email, phone string) {
	b.t.Helper()
	b.step("resolve",
		chromedp.Navigate(b.base+Path+"dsr/new"),
		chromedp.WaitVisible(chromedp.ID("emails")),
		chromedp.SendKeys(chromedp.ID("emails"), email),
		chromedp.SendKeys(chromedp.ID("phones"), phone),
	)
}

// sessionCookie returns the browser's console session cookie.
func (b *browser) sessionCookie() *http.Cookie {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{b.base + Path}})
	if err != nil {
		b.t.Fatal(err)
	}
	for _, c := range res.Cookies {
		if c.Name == sessionCookie {
			if !c.HTTPOnly || c.SameSite != network.CookieSameSiteStrict {
				b.t.Errorf("the browser holds the session cookie with HttpOnly %v, SameSite %q", c.HTTPOnly, c.SameSite)
			}
			return &http.Cookie{Name: c.Name, Value: c.Value}
		}
	}
	b.t.Fatal("the browser holds no session cookie")
	return nil
}

// TestBrowser drives the console in headless Chromium over the demo data,
// as an officer would: sign in, resolve, export and download, erase with
// confirmation and see it verified; then as a read-only officer, who
// cannot erase; and a form without its CSRF token.
func TestBrowser(t *testing.T) {
	exe := chromiumPath()
	if exe == "" {
		t.Skip("no Chromium found: the browser tests need it; install it with `apt-get install chromium`")
	}
	// Signing as gdpr serve always does, so that the request's page shows
	// the checkpoint that signs it.
	k, _, err := evidence.LoadOrCreateKey(filepath.Join(t.TempDir(), "evidence.key"))
	if err != nil {
		t.Fatal(err)
	}
	rg := startRig(t, rigConfig{procOpts: []processor.Option{processor.WithEvidence(k, nil)}})
	shots := screenshotDir(t)
	t.Logf("screenshots of the console go to %s", shots)

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	if err := chromedp.Do(ctx); err != nil { // starts the browser, bound to ctx alone
		t.Fatalf("start %s: %v", exe, err)
	}
	b := &browser{t: t, ctx: ctx, base: rg.srv.URL, shots: shots}

	// Sign in.
	b.step("open the sign-in page", chromedp.Navigate(b.base+Path), chromedp.WaitVisible(chromedp.ID("client_id")))
	b.shoot("01-sign-in")
	b.signIn(opsID, opsSecret)
	// The console's script runs under the Content-Security-Policy: it is
	// the console's own file, not inline.
	b.waitEval(`document.documentElement.className`, func(c string) bool { return strings.Contains(c, "js") }, false)

	// Resolve a person by email and phone, and export their data.
	b.fillDSR(demo.AlexMorganLondonEmail, demo.AlexMorganLondonPhone)
	b.shoot("02-new-dsr")
	b.step("find who the identifiers identify", chromedp.Click(chromedp.ID("resolve")), chromedp.WaitVisible(chromedp.ID("resolution")))
	table := b.text("#resolution")
	if !strings.Contains(table, "Confirmed") || !strings.Contains(table, "EMAIL + PHONE") {
		t.Fatalf("the resolution table does not confirm the subject by EMAIL + PHONE:\n%s", table)
	}
	b.shoot("03-resolution")
	b.step("review the export",
		chromedp.Click(chromedp.ID("type-export")),
		chromedp.Click(chromedp.ID("review")),
		chromedp.WaitVisible(chromedp.ID("plan")))
	b.step("submit the export", chromedp.Click(chromedp.ID("submit")), chromedp.WaitVisible(chromedp.ID("submitted")))
	b.waitText("#submitted", "COMPLETED", 1)
	href, err := b.eval(`document.querySelector('#submitted a[href^="/console/requests/"]').getAttribute("href")`)
	if err != nil {
		t.Fatal(err)
	}
	b.step("open the export request", chromedp.Navigate(b.base+href), chromedp.WaitVisible(chromedp.ID("download")))
	if got := b.text("#request-status"); got != "COMPLETED" {
		t.Fatalf("the export request is %q", got)
	}
	// The checkpoint follows the request's end within moments; the wait
	// reloads the page until it is named.
	if got := b.waitText("#audit-verification", "are signed by checkpoint #", 1); !strings.Contains(got, "Audit chain verified and signed.") ||
		!strings.Contains(got, k.Fingerprint()) {
		t.Fatalf("the audit panel does not name the checkpoint and key %s: %q", k.Fingerprint(), got)
	}
	if got := b.text("#audit-checks"); !strings.Contains(got, "Merkle root") {
		t.Fatalf("the audit panel does not say what was checked: %q", got)
	}
	b.shoot("04-request-detail-export")

	// Download the archive, with the browser's session.
	link, err := b.eval(`document.getElementById("download").href`)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, link, nil)
	req.AddCookie(b.sessionCookie())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	archive, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("download: %d %s, %v", resp.StatusCode, resp.Header.Get("Content-Type"), err)
	}
	checkZip(t, archive)

	// Erase a person, with the explicit confirmation, and see it verified.
	b.fillDSR(demo.SamRiveraEmail, demo.SamRiveraWorkPhone)
	b.step("find who the identifiers identify", chromedp.Click(chromedp.ID("resolve")), chromedp.WaitVisible(chromedp.ID("resolution")))
	b.step("review the erasure",
		chromedp.Click(chromedp.ID("type-delete")),
		chromedp.Click(chromedp.ID("review")),
		chromedp.WaitVisible(chromedp.ID("erase-warning")))
	if w := b.text("#erase-warning"); !strings.Contains(w, "This erases the data of 2 subjects with 2 GDPR_DELETE requests") {
		t.Fatalf("the confirmation does not name 2 subjects and 2 requests: %q", w)
	}
	b.shoot("05-delete-confirmation")
	b.step("confirm and erase",
		chromedp.Click(chromedp.ID("confirm")),
		chromedp.Click(chromedp.ID("submit")),
		chromedp.WaitVisible(chromedp.ID("submitted")))
	b.waitText("#submitted", "Erasure verified", 2)
	b.shoot("06-delete-submitted")
	href, err = b.eval(`document.querySelector('#submitted a[href^="/console/requests/"]').getAttribute("href")`)
	if err != nil {
		t.Fatal(err)
	}
	b.step("open an erasure request", chromedp.Navigate(b.base+href), chromedp.WaitVisible(chromedp.ID("verification")))
	if v := b.text("#verification"); !strings.Contains(v, "Verification passed") {
		t.Fatalf("the erasure's verification: %q", v)
	}
	b.shoot("07-request-detail-erasure")

	b.step("open the list", chromedp.Navigate(b.base+Path+"requests"), chromedp.WaitVisible(chromedp.ID("status")))
	if list := b.text("table.data tbody"); strings.Count(list, "COMPLETED") != 3 {
		t.Fatalf("the list does not show the 3 completed requests:\n%s", list)
	}
	b.shoot("08-request-list")

	// Sign out, and in again as the read-only client: no erasure offered,
	// and a forged POST is refused.
	b.step("sign out", chromedp.Click(chromedp.CSS(`form[action="/console/signout"] button`)), chromedp.WaitVisible(chromedp.ID("client_id")))
	b.signIn(auditorID, auditorSecret)
	b.fillDSR(demo.AlexMorganSeattleEmail, demo.AlexMorganSeattlePhone)
	b.step("look up as read-only", chromedp.Click(chromedp.ID("resolve")), chromedp.WaitVisible(chromedp.ID("resolution")))
	controls, err := b.eval(`["type-delete","review","submit"].filter(function(id){return document.getElementById(id)}).join(",")`)
	if err != nil || controls != "" {
		t.Fatalf("the read-only resolution page offers %q (%v)", controls, err)
	}
	if !strings.Contains(b.text("#readonly-notice"), "read-only") {
		t.Fatal("the read-only page does not say why nothing can be submitted")
	}
	b.shoot("09-read-only-resolution")
	forged := `(async function () {
		var csrf = document.querySelector('input[name="csrf"]').value;
		var body = new URLSearchParams({csrf: csrf, type: "GDPR_DELETE"});
		var r = await fetch(location.pathname + "/plan", {method: "POST", body: body, redirect: "manual"});
		return r.status + " " + (await r.text()).includes("Not permitted");
	})()`
	fctx, fcancel := context.WithTimeout(ctx, 30*time.Second)
	got, err := chromedp.Run(fctx, chromedp.Evaluate[string](forged, chromedp.EvalAwaitPromise))
	fcancel()
	if err != nil || got != "403 true" {
		t.Fatalf("a forged read-only delete POST got %q (%v); want 403 Not permitted", got, err)
	}

	// A form posted without its CSRF token is refused.
	b.step("post a form without its token",
		chromedp.Navigate(b.base+Path+"dsr/new"),
		chromedp.WaitVisible(chromedp.ID("emails")),
		chromedp.SendKeys(chromedp.ID("emails"), demo.JordanBlakeEmail),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('main input[name="csrf"]').remove()`),
	)
	rctx, rcancel := context.WithTimeout(ctx, 60*time.Second)
	res, err := chromedp.RunResponse(rctx, chromedp.Click(chromedp.ID("resolve")))
	rcancel()
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != http.StatusForbidden || !strings.Contains(b.text("h1"), "Form refused") {
		t.Fatalf("a form without its token: %d %q; want 403 Form refused", res.Status, b.text("h1"))
	}
	b.shoot("10-form-refused")
	if n := len(requestsOf(t, rg.proc, "acme")); n != 3 {
		t.Fatalf("acme has %d requests; want the 3 the write client made", n)
	}
}
