package server

import (
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/gdprkit/gdpr"
)

// writeListing writes l with status 200 as writeJSON would, byte for byte,
// without reflection: the subject search answers with it on every call.
func writeListing(w http.ResponseWriter, l *gdpr.SubjectEntityListing) {
	b := getJSONBuffer()
	defer b.free()
	b.listing(l)
	b.writeTo(w, http.StatusOK)
}

// listing appends l and a newline, as b.enc.Encode(l) does.
func (b *jsonBuffer) listing(l *gdpr.SubjectEntityListing) {
	b.buf.WriteByte('{')
	b.key("entities")
	if l.Entities == nil {
		b.buf.WriteString("null")
	} else {
		b.buf.WriteByte('[')
		for i := range l.Entities {
			if i > 0 {
				b.buf.WriteByte(',')
			}
			b.subject(&l.Entities[i])
		}
		b.buf.WriteByte(']')
	}
	b.optInt("pageSize", int64(l.PageSize))
	b.optInt("pageNumber", int64(l.PageNumber))
	b.key("total")
	b.int(l.Total)
	b.optString("firstUri", l.FirstURI)
	b.optString("nextUri", l.NextURI)
	b.optString("previousUri", l.PreviousURI)
	b.optString("lastUri", l.LastURI)
	b.optString("selfUri", l.SelfURI)
	b.optInt("pageCount", int64(l.PageCount))
	b.buf.WriteString("}\n")
}

// subject appends s as encoding/json does, its fields in their order.
func (b *jsonBuffer) subject(s *gdpr.Subject) {
	b.buf.WriteByte('{')
	b.optString("name", s.Name)
	b.optString("userId", s.UserID)
	b.optString("externalContactId", s.ExternalContactID)
	if d := s.DialerContactID; d != nil {
		b.pair("dialerContactId", "id", d.ID, "contactListId", d.ContactListID)
	}
	if j := s.JourneyCustomer; j != nil {
		b.pair("journeyCustomer", "type", j.Type, "id", j.ID)
	}
	if h := s.SocialHandle; h != nil {
		b.pair("socialHandle", "type", string(h.Type), "value", h.Value)
	}
	b.optString("externalId", s.ExternalID)
	b.optStrings("addresses", s.Addresses)
	b.optStrings("phoneNumbers", s.PhoneNumbers)
	b.optStrings("emailAddresses", s.EmailAddresses)
	b.buf.WriteByte('}')
}

// key appends an object member's key, after a comma unless the member is
// the object's first.
func (b *jsonBuffer) key(k string) {
	if data := b.buf.Bytes(); data[len(data)-1] != '{' {
		b.buf.WriteByte(',')
	}
	b.buf.WriteByte('"')
	b.buf.WriteString(k)
	b.buf.WriteString(`":`)
}

// pair appends member k: an object of two omitempty strings.
func (b *jsonBuffer) pair(k, k1, v1, k2, v2 string) {
	b.key(k)
	b.buf.WriteByte('{')
	b.optString(k1, v1)
	b.optString(k2, v2)
	b.buf.WriteByte('}')
}

func (b *jsonBuffer) optString(k, v string) {
	if v != "" {
		b.key(k)
		b.string(v)
	}
}

func (b *jsonBuffer) optStrings(k string, v []string) {
	if len(v) == 0 {
		return
	}
	b.key(k)
	b.buf.WriteByte('[')
	for i, s := range v {
		if i > 0 {
			b.buf.WriteByte(',')
		}
		b.string(s)
	}
	b.buf.WriteByte(']')
}

func (b *jsonBuffer) optInt(k string, n int64) {
	if n != 0 {
		b.key(k)
		b.int(n)
	}
}

func (b *jsonBuffer) int(n int64) {
	b.buf.Write(strconv.AppendInt(b.buf.AvailableBuffer(), n, 10))
}

// string appends s quoted. A string that needs escaping, or holds invalid
// UTF-8, U+2028 or U+2029, is left to b.enc, so that every string comes
// out exactly as encoding/json writes it.
func (b *jsonBuffer) string(s string) {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == '"' || c == '\\' {
				b.encodeString(s)
				return
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			b.encodeString(s)
			return
		}
		i += size
	}
	b.buf.WriteByte('"')
	b.buf.WriteString(s)
	b.buf.WriteByte('"')
}

func (b *jsonBuffer) encodeString(s string) {
	_ = b.enc.Encode(s)             // a string always encodes
	b.buf.Truncate(b.buf.Len() - 1) // the newline Encode ends with
}
