package server

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/gdprkit/gdpr"
)

// TestListingAsEncodingJSON checks that the listing of a subject search
// is written byte for byte as encoding/json writes it.
func TestListingAsEncodingJSON(t *testing.T) {
	t.Parallel()
	odd := []string{
		"", "Ann", `quote " and \ backslash`, "tab\tnew\nline\r\b\f\x00\x1f\x7f",
		"<a href='x'>&amp;</a>", "José Müller 東京 🙂", "line\u2028para\u2029",
		"bad \xff utf-8 \xe2\x82", "+1 (555) 010-9999", "ann@example.com",
	}
	cases := map[string]gdpr.SubjectEntityListing{
		"zero":  {},
		"empty": {Entities: []gdpr.Subject{}, PageNumber: 1, PageCount: 1, SelfURI: "/x?a=1&b=2"},
		"search": {
			Entities: []gdpr.Subject{
				{Name: "Alex Morgan", UserID: "u-1", EmailAddresses: []string{"alex@example.com"}},
				{Name: "Alex Morgan", ExternalContactID: "c-9", PhoneNumbers: []string{"+13115552368", ""},
					DialerContactID: &gdpr.DialerContactID{}, JourneyCustomer: &gdpr.JourneyCustomer{Type: "cookie"},
					SocialHandle: &gdpr.SocialHandle{Type: gdpr.KindTwitter, Value: "@alex"}},
				{},
			},
			PageSize: 3, PageNumber: 1, Total: 3, PageCount: 1,
			SelfURI: "/api/v2/gdpr/subjects?searchType=NAME&searchValue=Alex+Morgan",
		},
	}
	cases["every field"] = filled(t, reflect.TypeFor[gdpr.SubjectEntityListing]()).Interface().(gdpr.SubjectEntityListing)
	for i, s := range odd {
		l := cases["search"]
		l.Entities = append([]gdpr.Subject{{Name: s, Addresses: odd[i:], SocialHandle: &gdpr.SocialHandle{Value: s}}}, l.Entities...)
		l.NextURI = s
		cases["odd "+s] = l
	}
	for name, l := range cases {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(l); err != nil {
			t.Fatal(err)
		}
		b := getJSONBuffer()
		b.listing(&l)
		if got := b.buf.String(); got != want.String() {
			t.Errorf("%s: listing wrote\n%s\nencoding/json writes\n%s", name, got, want.String())
		}
		b.free()
	}
}

// filled returns a value of type typ with every field set, so that a
// field added to the wire types and not to the listing's encoder shows.
func filled(t *testing.T, typ reflect.Type) reflect.Value {
	v := reflect.New(typ).Elem()
	switch typ.Kind() {
	case reflect.String:
		v.SetString(typ.Name() + " value")
	case reflect.Int, reflect.Int64:
		v.SetInt(7)
	case reflect.Pointer:
		v.Set(filled(t, typ.Elem()).Addr())
	case reflect.Slice:
		v.Set(reflect.Append(reflect.MakeSlice(typ, 0, 2), filled(t, typ.Elem()), filled(t, typ.Elem())))
	case reflect.Struct:
		for i := range typ.NumField() {
			v.Field(i).Set(filled(t, typ.Field(i).Type))
		}
	default:
		t.Fatalf("a field of kind %s: teach filled and the listing's encoder about it", typ.Kind())
	}
	return v
}
