package main

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"syscall"
)

// count is "1 subject" or "n subjects".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// commandWords rewrites a server message in the words of the command:
// the wire's deleteConfirmed=true is the flag --delete-confirmed here.
func commandWords(msg string) string {
	return strings.ReplaceAll(msg, "deleteConfirmed=true", "--delete-confirmed")
}

// checkAPIURL says what is wrong with an API base URL the client cannot
// use, such as one without http://.
func checkAPIURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &usageError{fmt.Sprintf("--url (GDPR_API_URL) %q is not an API address: give http:// or https:// and a host, e.g. http://%s", redactURL(raw), strings.TrimPrefix(redactURL(raw), "//"))}
	}
	return nil
}

// redactURL is raw without a password it may carry.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		if at := strings.LastIndex(raw, "@"); at >= 0 && strings.Contains(raw[:at], ":") {
			return "(set)@" + raw[at+1:]
		}
		return raw
	}
	u.User = url.User(u.User.Username())
	return u.String()
}

// describeAPIErr is describeErr for a command that talks to the API at
// base: when the API cannot be reached it says so in one sentence, with
// the cause, instead of the chain of wrapped calls (whose URLs may carry
// a search value).
func describeAPIErr(err error, base string) string {
	var op *net.OpError
	if !errors.As(err, &op) {
		return describeErr(err)
	}
	cause := op.Err.Error()
	var errno syscall.Errno
	switch {
	case errors.As(err, &errno) && errno == syscall.ECONNREFUSED:
		cause = "connection refused"
	case op.Timeout():
		cause = "timed out"
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		cause = "host " + dns.Name + " not found"
	}
	where := "the API"
	if base != "" {
		where += " at " + redactURL(base)
	}
	return fmt.Sprintf("cannot reach %s: %s; check --url (GDPR_API_URL) and that the server is running", where, cause)
}

// argCountText says what a subcommand wants when it got the wrong number
// of positional arguments.
func argCountText(name, argsUsage string, nargs int, got []string) string {
	want := strings.TrimSpace(argsUsage)
	switch {
	case nargs == 0:
		return fmt.Sprintf("takes no arguments but got %q; give everything as flags (gdpr %s -h)", got, name)
	case len(got) == 0:
		return fmt.Sprintf("missing the %s: gdpr %s %s", lastWord(want), name, want)
	}
	return fmt.Sprintf("want one %s, got %d arguments %q: gdpr %s %s", lastWord(want), len(got), got, name, want)
}

func lastWord(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return "argument"
	}
	return f[len(f)-1]
}

// foundAgainText says what an erasure's verification found again.
func foundAgainText(retained int) string {
	if retained == 0 {
		return "nothing found again"
	}
	return records(retained) + " found again, all retained by policy"
}
