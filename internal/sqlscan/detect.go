package sqlscan

import (
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Kinds of personal data the scan detects (Match.Kind).
const (
	FoundEmail = "EMAIL"
	FoundPhone = "PHONE"
	FoundIBAN  = "IBAN"
	FoundCard  = "CARD"
	FoundName  = "NAME"
)

var (
	emailRE = regexp.MustCompile(`(?i)[a-z0-9!#$%&'*+/=?^_{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}\b`)
	// IBANs in electronic form (no spaces) or print form (groups of four).
	ibanRE = regexp.MustCompile(`\b[A-Z]{2}[0-9]{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,4})?)\b`)
	cardRE = regexp.MustCompile(`\b[0-9](?:[ -]?[0-9]){12,18}\b`)
	// Phone candidates: an optional +, digits with the usual punctuation.
	phoneRE = regexp.MustCompile(`\+?\(?[0-9][0-9 ().-]{5,22}[0-9]`)
	dateRE  = regexp.MustCompile(`^(?:[0-9]{4}[-./][0-9]{1,2}[-./][0-9]{1,2}|[0-9]{1,2}[-./][0-9]{1,2}[-./][0-9]{2,4})`)
)

// detector finds personal data in sampled values. It is not safe for
// concurrent use (its case folder is not).
type detector struct {
	region string
	names  map[string]bool // folded full names of known subjects, or nil
	maxW   int             // the most words in a name of names
	fold   cases.Caser
}

func newDetector(region string, names []string) *detector {
	d := &detector{region: region, fold: cases.Fold()}
	if len(names) > 0 {
		d.names = make(map[string]bool, len(names))
		for _, n := range names {
			words := d.words(n)
			// Guard: one word ("May", "Rose") or a short name matches
			// ordinary text; only full names of 5 letters or more count.
			if len(words) < 2 || utf8.RuneCountInString(strings.Join(words, "")) < 5 {
				continue
			}
			d.names[strings.Join(words, " ")] = true
			d.maxW = max(d.maxW, len(words))
		}
	}
	return d
}

// words folds s (NFKC, case-folded) and splits it into words.
func (d *detector) words(s string) []string {
	s = d.fold.String(norm.NFKC.String(s))
	return strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '\''
	})
}

// maxValue bounds how much of one value is examined.
const maxValue = 64 << 10

// detect calls found for every piece of personal data in v: its kind,
// the matched text, and whether the match is the whole (trimmed) value.
// A span matched by one kind is not matched again by another: emails
// first, then IBANs, cards, phones; names are looked for in the whole
// value.
func (d *detector) detect(v string, found func(kind, match string, whole bool)) {
	if len(v) > maxValue {
		v = v[:maxValue]
	}
	trimmed := strings.TrimSpace(v)
	if trimmed == "" {
		return
	}
	rest := []byte(v)
	blank := func(loc []int) {
		for i := loc[0]; i < loc[1]; i++ {
			rest[i] = ' '
		}
	}
	report := func(kind string, loc []int) {
		m := v[loc[0]:loc[1]]
		found(kind, m, strings.TrimSpace(m) == trimmed)
		blank(loc)
	}
	// Cheap pre-checks spare the regular expressions most values.
	hasAt := strings.IndexByte(v, '@') >= 0
	hasUpper := strings.IndexFunc(v, func(r rune) bool { return r >= 'A' && r <= 'Z' }) >= 0
	digits := 0
	for i := 0; i < len(v) && digits < 7; i++ {
		if v[i] >= '0' && v[i] <= '9' {
			digits++
		}
	}
	if !hasAt && !hasUpper && digits < 7 && d.names == nil {
		return
	}
	var emails, ibans [][]int
	if hasAt {
		emails = emailRE.FindAllIndex(rest, -1)
	}
	for _, loc := range emails {
		m := strings.ToLower(v[loc[0]:loc[1]])
		// Guard: the fake emails of anonymization end in .invalid.
		if strings.HasSuffix(m, ".invalid") {
			blank(loc)
			continue
		}
		report(FoundEmail, loc)
	}
	if digits < 7 {
		if d.names != nil {
			d.detectNames(v, trimmed, found)
		}
		return
	}
	if hasUpper {
		ibans = ibanRE.FindAllIndex(rest, -1)
	}
	for _, loc := range ibans {
		if validIBAN(v[loc[0]:loc[1]]) {
			report(FoundIBAN, loc)
		}
	}
	for _, loc := range cardRE.FindAllIndex(rest, -1) {
		if loc[0] > 0 && rest[loc[0]-1] == '+' {
			continue // an international phone number
		}
		if cardLike(v[loc[0]:loc[1]]) {
			report(FoundCard, loc)
		}
	}
	for _, loc := range phoneRE.FindAllIndex(rest, -1) {
		if d.phoneLike(v[loc[0]:loc[1]]) {
			report(FoundPhone, loc)
		}
	}
	if d.names != nil {
		d.detectNames(v, trimmed, found)
	}
}

// detectNames looks for runs of 2 or more words that are the full name
// of a known subject.
func (d *detector) detectNames(v, trimmed string, found func(kind, match string, whole bool)) {
	words := d.words(v)
	all := len(words)
	for i := range words {
		for n := 2; n <= d.maxW && i+n <= len(words); n++ {
			cand := strings.Join(words[i:i+n], " ")
			if d.names[cand] {
				found(FoundName, cand, n == all && len(d.words(trimmed)) == n)
				break
			}
		}
	}
}

func digitsOf(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// validIBAN checks length and the ISO 13616 mod-97 checksum.
func validIBAN(s string) bool {
	s = strings.ReplaceAll(s, " ", "")
	if len(s) < 15 || len(s) > 34 {
		return false
	}
	s = s[4:] + s[:4]
	rem := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			rem = (rem*10 + int(r-'0')) % 97
		case r >= 'A' && r <= 'Z':
			rem = (rem*100 + int(r-'A'+10)) % 97
		default:
			return false
		}
	}
	return rem == 1
}

// cardLike reports whether s looks like a payment card number: 13 to 19
// digits passing the Luhn check, with a card network's first digit (2-6),
// one kind of separator at most, not one digit repeated, and not a
// timestamp written as digits.
func cardLike(s string) bool {
	if strings.Contains(s, " ") && strings.Contains(s, "-") {
		return false
	}
	ds := digitsOf(s)
	if len(ds) < 13 || len(ds) > 19 || ds[0] < '2' || ds[0] > '6' {
		return false
	}
	if strings.Count(ds, ds[:1]) == len(ds) {
		return false
	}
	if len(ds) == len(s) {
		if _, err := time.Parse("20060102", ds[:8]); err == nil && (ds[:2] == "19" || ds[:2] == "20") {
			return false
		}
	}
	sum := 0
	for i := 0; i < len(ds); i++ {
		n := int(ds[len(ds)-1-i] - '0')
		if i%2 == 1 {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
	}
	return sum%10 == 0
}

// phoneLike reports whether s is a phone number valid in its country,
// read in the detector's region when it has no country code. Guards:
// dates are not phones; 7 to 15 digits; a bare run of digits counts only
// with a leading 0 (a trunk prefix), so that numeric ids are not read as
// numbers of a region where most digit strings are valid.
func (d *detector) phoneLike(s string) bool {
	s = strings.TrimSpace(s)
	if dateRE.MatchString(s) {
		return false
	}
	ds := digitsOf(s)
	if len(ds) < 7 || len(ds) > 15 {
		return false
	}
	if ds == s && !strings.HasPrefix(s, "0") {
		return false
	}
	if !strings.HasPrefix(s, "+") && d.region == "" {
		return false
	}
	n, err := phonenumbers.Parse(s, d.region)
	return err == nil && phonenumbers.IsValidNumber(n)
}

// mask hides the middle of s: about a fifth of it (one to three
// characters) stays visible at each end, the rest becomes '*'. Strings of
// four characters or fewer keep only their first.
func mask(s string) string {
	r := []rune(s)
	n := len(r)
	keep := min(max(n/5, 1), 3)
	if n <= 4 {
		return string(r[:min(n, 1)]) + strings.Repeat("*", max(n-1, 0))
	}
	return string(r[:keep]) + strings.Repeat("*", n-2*keep) + string(r[n-keep:])
}
