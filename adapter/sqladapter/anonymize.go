package sqladapter

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/nyaruka/phonenumbers"
)

// fakeEmailLen is the length of every fake email.
const fakeEmailLen = len("anon-") + 16 + len("@anonymized.invalid")

// mac returns HMAC-SHA256 of the parts under the adapter's hash key, or
// random bytes when the map names no key (fake values then differ on
// every run, which is still harmless: the row is marked anonymized).
func (a *Adapter) mac(parts ...string) []byte {
	if a.hashKey == nil {
		b := make([]byte, sha256.Size)
		rand.Read(b)
		return b
	}
	h := hmac.New(sha256.New, a.hashKey)
	for _, p := range parts {
		h.Write([]byte(strconv.Itoa(len(p)) + ":" + p))
	}
	return h.Sum(nil)
}

// anonValue is what strategy s writes over the column ci of row r.
func (a *Adapter) anonValue(r row, ci int, s anonSpec) any {
	old := r.vals[ci]
	c := r.t.cols[ci]
	switch s.strategy {
	case AnonymizeFixed:
		return typed(c.Cat, s.value)
	case AnonymizeRedact:
		return Redacted
	}
	if old == nil {
		return nil
	}
	switch s.strategy {
	case AnonymizeHash:
		return hex.EncodeToString(a.mac(text(old)))
	case AnonymizeFakeEmail:
		return "anon-" + hex.EncodeToString(a.mac("email", r.t.m.Name, c.Name, r.id))[:16] + "@anonymized.invalid"
	case AnonymizeFakePhone:
		return fakePhone(text(old), a.mac("phone", r.t.m.Name, c.Name, r.id))
	}
	return nil // AnonymizeNull
}

// typed converts a fixed value to the Go type of the column's category,
// which Open checked it parses as.
func typed(cat category, v string) any {
	switch cat {
	case catInt:
		n, _ := strconv.ParseInt(v, 10, 64)
		return n
	case catNumber:
		f, _ := strconv.ParseFloat(v, 64)
		return f
	case catBool:
		b, _ := strconv.ParseBool(v)
		return b
	}
	return v
}

// markerValue is what the anonymized column of a table is set to.
func markerValue(c column) any {
	switch c.Cat {
	case catBool:
		return true
	case catInt:
		return int64(1)
	case catTime:
		return time.Now().UTC()
	}
	return time.Now().UTC().Format(time.RFC3339)
}

// fakePhone keeps the phone's punctuation, its length and its country
// code, and replaces every other digit with one drawn from mac, so that
// the result has the shape of a phone number of the same country (and
// passes the same format checks) without being the subject's.
func fakePhone(old string, mac []byte) string {
	keep := 0
	if n, err := phonenumbers.Parse(old, "ZZ"); err == nil && strings.HasPrefix(strings.TrimSpace(old), "+") {
		keep = len(strconv.Itoa(int(n.GetCountryCode())))
	}
	var b strings.Builder
	digits, i := 0, 0
	for _, r := range old {
		if r < '0' || r > '9' {
			b.WriteRune(r)
			continue
		}
		digits++
		if digits <= keep {
			b.WriteRune(r)
			continue
		}
		d := mac[i%len(mac)] % 10
		if digits == keep+1 && d == 0 {
			d = 1 + mac[i%len(mac)]%9 // no leading zero after the country code
		}
		b.WriteByte('0' + d)
		i++
	}
	return b.String()
}
