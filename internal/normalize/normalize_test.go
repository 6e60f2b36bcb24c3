package normalize

import (
	"errors"
	"strings"
	"testing"
)

func TestEmail(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Jane.Doe@Example.COM":        "jane.doe@example.com",
		"  jane@example.com\t":        "jane@example.com",
		"noor@Bücher.example":         "noor@xn--bcher-kva.example",
		"noor@xn--bcher-kva.example":  "noor@xn--bcher-kva.example",
		"STRASSE@example.com":         "strasse@example.com",
		"Straße@example.com":          "strasse@example.com",
		"ｊａｎｅ@example.com":            "jane@example.com",
		"first+tag@sub.example.co.uk": "first+tag@sub.example.co.uk",
	} {
		got, err := Email(in)
		if err != nil || got != want {
			t.Errorf("Email(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "jane", "@example.com", "jane@", "jane@localhost", "ja ne@example.com", "jane@.example.com", "jane@exa mple.com", strings.Repeat("a", 2000) + "@example.com"} {
		if got, err := Email(in); !errors.Is(err, ErrInvalid) {
			t.Errorf("Email(%q) = %q, %v; want ErrInvalid", in, got, err)
		}
	}
}

func TestPhone(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, region, want string }{
		{"+1 (311) 555-2368", "", "+13115552368"},
		{"+44 20 7946 0101", "", "+442079460101"},
		{"020 7946 0101", "GB", "+442079460101"},
		{"020 7946 0101", "gb", "+442079460101"},
		{"+33 1 99 00 12 34", "GB", "+33199001234"},
		{"0049 30 901820", "DE", "+4930901820"},
	}
	for _, c := range cases {
		got, err := Phone(c.in, c.region)
		if err != nil || got != c.want {
			t.Errorf("Phone(%q, %q) = %q, %v; want %q", c.in, c.region, got, err, c.want)
		}
	}
	for _, c := range []struct{ in, region, says string }{
		{"020 7946 0101", "", "country code"},
		{"call me", "GB", "not a phone number"},
		{"", "GB", "empty"},
		{"+1 2", "", "not"},
		{strings.Repeat("1", 100), "GB", "longer"},
	} {
		_, err := Phone(c.in, c.region)
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("Phone(%q, %q) error = %v; want ErrInvalid saying %q", c.in, c.region, err, c.says)
		}
	}
}

func TestText(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Alex Morgan":              "alex morgan",
		"  ALEX\t\n  MORGAN  ":     "alex morgan",
		"Ｊｏｈｎ":                     "john",
		"Zoë Straße":               "zoë strasse",
		"Zoe\u0308":                "zoë",
		"1 Harbour St,\u00a0Leith": "1 harbour st, leith",
	} {
		got, err := Text("name", in)
		if err != nil || got != want {
			t.Errorf("Text(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := Text("name", " \t "); !errors.Is(err, ErrInvalid) {
		t.Errorf("blank name: %v", err)
	}
}

func TestHandleAndID(t *testing.T) {
	t.Parallel()
	if got, _ := Handle("TWITTER", " @AlexM "); got != "alexm" {
		t.Errorf("Handle = %q", got)
	}
	if got, _ := ID("USER_ID", " AbC-1 "); got != "AbC-1" {
		t.Errorf("ID = %q: ids keep their case", got)
	}
	if _, err := ID("USER_ID", "  "); !errors.Is(err, ErrInvalid) {
		t.Errorf("blank id: %v", err)
	}
}

func TestErrorsCarryNoValue(t *testing.T) {
	t.Parallel()
	for _, err := range []error{
		func() error { _, err := Email("secret.example.com"); return err }(),
		func() error { _, err := Phone("secret", "GB"); return err }(),
	} {
		if strings.Contains(err.Error(), "secret") {
			t.Errorf("error %q repeats the value", err)
		}
	}
}

func FuzzEmail(f *testing.F) {
	for _, s := range []string{"jane@example.com", "noor@Bücher.example", "@", "a@b@c.d", "\x00@\xff.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Email(s)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v does not match ErrInvalid", err)
			}
			return
		}
		again, err := Email(got)
		if err != nil || again != got {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", s, got, again, err)
		}
	})
}

func FuzzPhone(f *testing.F) {
	for _, s := range []string{"+13115552368", "020 7946 0101", "+", "++44", "0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Phone(s, "GB")
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v does not match ErrInvalid", err)
			}
			return
		}
		again, err := Phone(got, "")
		if err != nil || again != got {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", s, got, again, err)
		}
	})
}

func TestPhoneRegion(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want, says string }{
		{"", "", ""},
		{"GB", "GB", ""},
		{" us ", "US", ""},
		{"de", "DE", ""},
		{"XX", "", `"XX" is not an ISO 3166 region`},
		{"ZZ", "", "such as \"GB\""},
		{"GBR", "", "E.164 numbers only"},
		{"001", "", "not an ISO 3166 region"},
	} {
		got, err := PhoneRegion(c.in)
		if c.says == "" {
			if err != nil || got != c.want {
				t.Errorf("PhoneRegion(%q) = %q, %v; want %q", c.in, got, err, c.want)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("PhoneRegion(%q) error = %v; want one saying %q", c.in, err, c.says)
		}
	}
}
