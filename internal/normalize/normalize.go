// Package normalize puts search terms into the one form that data stores
// index and compare: emails case-folded with IDNA domains, phones in E.164,
// names and addresses in Unicode NFKC, case-folded, with whitespace
// collapsed. Every function is pure and safe for concurrent use.
package normalize

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/net/idna"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// ErrInvalid is matched by every error of this package.
var ErrInvalid = errors.New("normalize: invalid term")

// InvalidError says why a term is not valid and how to write it.
type InvalidError struct {
	Kind   string // what the term was meant to be: "email", "phone", ...
	Reason string
}

func (e *InvalidError) Error() string { return e.Kind + " " + e.Reason }

// Is matches ErrInvalid.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }

var fold = cases.Fold()

// check rejects text that is not valid UTF-8 or holds control characters
// other than white space.
func check(kind, s string) error {
	if !utf8.ValidString(s) {
		return &InvalidError{kind, "is not valid UTF-8"}
	}
	if strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && !unicode.IsSpace(r) }) {
		return &InvalidError{kind, "contains control characters"}
	}
	return nil
}

// MaxLen bounds every term, in bytes, before and after normalization.
const MaxLen = 1024

// Text normalizes a name, an address or free text: NFKC, case-folded, runs
// of white space collapsed to one space, trimmed. Empty input is invalid.
func Text(kind, s string) (string, error) {
	if len(s) > MaxLen {
		return "", &InvalidError{kind, fmt.Sprintf("is longer than %d bytes", MaxLen)}
	}
	if err := check(kind, s); err != nil {
		return "", err
	}
	s = fold.String(norm.NFKC.String(s))
	s = strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
	if s == "" {
		return "", &InvalidError{kind, "is empty"}
	}
	return s, nil
}

var emailDomain = idna.New(idna.MapForLookup(), idna.BidiRule(), idna.Transitional(false))

// Email normalizes an email address: trimmed, local part NFKC and
// case-folded, domain converted to its IDNA ASCII form and lower-cased.
func Email(s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) > MaxLen {
		return "", &InvalidError{"email", fmt.Sprintf("is longer than %d bytes", MaxLen)}
	}
	if err := check("email", s); err != nil {
		return "", err
	}
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return "", &InvalidError{"email", "has no @; write it like name@example.com"}
	}
	local, domain := s[:at], s[at+1:]
	if local == "" || domain == "" {
		return "", &InvalidError{"email", "needs text on both sides of the @"}
	}
	if strings.ContainsFunc(local, unicode.IsSpace) {
		return "", &InvalidError{"email", "contains white space"}
	}
	ascii, err := emailDomain.ToASCII(domain)
	if err != nil || !strings.Contains(ascii, ".") || strings.HasPrefix(ascii, ".") || strings.HasSuffix(ascii, ".") {
		return "", &InvalidError{"email", "has no valid domain after the @; write it like name@example.com"}
	}
	return fold.String(norm.NFKC.String(local)) + "@" + strings.ToLower(ascii), nil
}

// PhoneRegion checks region as the region in which phone numbers without
// a country code are read, and returns it in upper case, trimmed. It
// accepts every ISO 3166 code that has a phone numbering plan (such as
// "GB" or "us"), and "", which means numbers must be written in E.164. The
// error says how to write it; callers name their option before it.
func PhoneRegion(region string) (string, error) {
	r := strings.ToUpper(strings.TrimSpace(region))
	if r == "" || phonenumbers.GetSupportedRegions()[r] {
		return r, nil
	}
	return "", fmt.Errorf("phone region %q is not an ISO 3166 region with a phone numbering plan; use a code such as \"GB\", or \"\" to accept E.164 numbers only", region)
}

// Phone normalizes a phone number to E.164. A number without a country
// code is read in region (an ISO 3166 code such as "GB"); with region ""
// such a number is invalid.
func Phone(s, region string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) > 64 {
		return "", &InvalidError{"phone", "is longer than 64 bytes"}
	}
	if s == "" {
		return "", &InvalidError{"phone", "is empty"}
	}
	r := strings.ToUpper(region)
	if r == "" {
		r = "ZZ"
	}
	n, err := phonenumbers.Parse(s, r)
	if err != nil {
		if errors.Is(err, phonenumbers.ErrInvalidCountryCode) && region == "" && !strings.HasPrefix(s, "+") {
			return "", &InvalidError{"phone", "has no country code; write it in E.164 like +442071838750, or configure a default region"}
		}
		return "", &InvalidError{"phone", fmt.Sprintf("is not a phone number (%v); write it in E.164 like +442071838750", err)}
	}
	if !phonenumbers.IsPossibleNumber(n) {
		return "", &InvalidError{"phone", "is not a possible phone number; write it in E.164 like +442071838750"}
	}
	e164 := phonenumbers.Format(n, phonenumbers.E164)
	// A number whose E.164 form reads back as another number (leading
	// zeros the format cannot carry) would match the wrong records.
	if back, err := phonenumbers.Parse(e164, "ZZ"); err != nil || phonenumbers.Format(back, phonenumbers.E164) != e164 {
		return "", &InvalidError{"phone", "is not a possible phone number; write it in E.164 like +442071838750"}
	}
	return e164, nil
}

// Handle normalizes a social handle: NFKC, case-folded, trimmed, and a
// leading @ removed.
func Handle(kind, s string) (string, error) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "@")
	return Text(kind, s)
}

// ID normalizes an identifier: trimmed, otherwise kept exactly, since ids
// are compared byte for byte.
func ID(kind, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", &InvalidError{kind, "is empty"}
	}
	if err := check(kind, s); err != nil {
		return "", err
	}
	if len(s) > MaxLen {
		return "", &InvalidError{kind, fmt.Sprintf("is longer than %d bytes", MaxLen)}
	}
	return s, nil
}
