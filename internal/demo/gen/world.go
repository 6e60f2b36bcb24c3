package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter/memadapter"
)

// The notable people; package demo exports the same values.
const (
	alexMorgan       = "Alex Morgan"
	alexLondonEmail  = "alex.morgan@example.net"
	alexLondonPhone  = "+442079460123"
	alexSeattleEmail = "alex.morgan@example.org"
	alexSeattlePhone = "+12065550142"
	samRivera        = "Sam Rivera"
	samEmail         = "sam.rivera@example.com"
	samWorkPhone     = "+14155550134"
	samMobile        = "+14155550188"
	lenaFischer      = "Lena Fischer"
	lenaEmail        = "lena.fischer@bücher.example"
	lenaPhone        = "+493055501234"
	jordanBlake      = "Jordan Blake"
	jordanEmail      = "jordan.blake@example.com"
	jordanPhone      = "+442079460987"
)

// Sizes of the stores.
const (
	directorySize  = 60
	currentStaff   = 45 // Sam Rivera included
	crmSize        = 170
	dialerSize     = 100
	sharedContacts = 30 // CRM contacts also on a dialer list, Alex Morgan of Seattle included
)

// base is the earliest date of the data.
var base = time.Date(2025, time.January, 6, 9, 0, 0, 0, time.UTC)

// world generates people, keeping names, emails and phones unique except
// where a person is shared on purpose.
type world struct {
	r      *rand.Rand
	names  map[string]bool
	emails map[string]bool
	phones map[string]bool
	agents []memadapter.Person // current support and sales staff
	seq    map[string]int
}

func newWorld() *world {
	w := &world{
		r:      rand.New(rand.NewPCG(20260314, 2718)),
		names:  make(map[string]bool),
		emails: make(map[string]bool),
		phones: make(map[string]bool),
		seq:    make(map[string]int),
	}
	for _, n := range []string{alexMorgan, samRivera, lenaFischer, jordanBlake} {
		w.names[n] = true
	}
	for _, e := range []string{alexLondonEmail, alexSeattleEmail, samEmail, lenaEmail, jordanEmail} {
		w.emails[e] = true
	}
	for _, p := range []string{alexLondonPhone, alexSeattlePhone, samWorkPhone, samMobile, lenaPhone, jordanPhone} {
		w.phones[p] = true
	}
	return w
}

func (w *world) build() []file {
	dir := w.directory()
	crm, shared := w.crm()
	return []file{{"directory", dir}, {"crm", crm}, {"dialer", w.dialer(shared)}}
}

// next returns the next number of a sequence, from 1.
func (w *world) next(name string) int {
	w.seq[name]++
	return w.seq[name]
}

func (w *world) uuid() string {
	r := w.r
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", r.Uint32(), r.Uint32()&0xffff, r.Uint32()&0xfff,
		r.Uint32()&0x3fff|0x8000, r.Uint64()&0xffffffffffff)
}

// when returns a time within days after from, on the minute.
func (w *world) when(from time.Time, days int) time.Time {
	return from.Add(time.Duration(w.r.IntN(days*24*60)) * time.Minute)
}

func stamp(t time.Time) string { return t.Format(time.RFC3339) }

func (w *world) name() (given, family string) {
	for {
		given, family = pick(w.r, givenNames), pick(w.r, familyNames)
		if n := given + " " + family; !w.names[n] {
			w.names[n] = true
			return given, family
		}
	}
}

func (w *world) phone(gen func(*rand.Rand) string) string {
	for {
		if p := gen(w.r); !w.phones[p] {
			w.phones[p] = true
			return p
		}
	}
}

// email returns an unused address for the name at domain, in one of the
// usual shapes.
func (w *world) email(given, family, domain string, shape int) string {
	g, f := ascii(given), ascii(family)
	locals := []string{g + "." + f, g + f, g[:1] + "." + f, g + "_" + f, f + "." + g}
	local := locals[shape%len(locals)]
	for i := 0; ; i++ {
		e := local + "@" + domain
		if i > 0 {
			e = fmt.Sprintf("%s%d@%s", local, 10+w.r.IntN(90), domain)
		}
		if !w.emails[e] {
			w.emails[e] = true
			return e
		}
	}
}

// ascii folds a name into the letters of an email address: lower case,
// accents dropped, other marks removed.
func ascii(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
		case r == 'ß':
			b.WriteString("ss")
		case r == 'ø':
			b.WriteRune('o')
		case r == 'ł':
			b.WriteRune('l')
		case r == 'ı':
			b.WriteRune('i')
		}
	}
	return b.String()
}

// directory is the company's staff: kind user, work emails and phones.
func (w *world) directory() memadapter.Dataset {
	var ds memadapter.Dataset
	add := func(name, email, phone string, current bool, dept, title, office string) memadapter.Person {
		start := w.when(time.Date(2014, time.January, 1, 9, 0, 0, 0, time.UTC), 10*365)
		attrs := map[string]any{
			"employeeNumber": fmt.Sprintf("E%05d", 10000+w.next("employee")*13),
			"department":     dept,
			"title":          title,
			"office":         office,
			"startDate":      start.Format(time.DateOnly),
		}
		employment := memadapter.EmploymentCurrent
		if !current {
			employment = memadapter.EmploymentFormer
			attrs["endDate"] = w.when(base.AddDate(-1, 0, 0), 360).Format(time.DateOnly)
		}
		p := memadapter.Person{
			Key:        fmt.Sprintf("u-%04d", len(ds.People)+1),
			Kind:       memadapter.KindUser,
			UserID:     w.uuid(),
			Name:       name,
			Emails:     []string{email},
			Phones:     []string{phone},
			Employment: employment,
			Attributes: attrs,
		}
		ds.People = append(ds.People, p)
		if current && (dept == "Customer Support" || dept == "Sales") {
			w.agents = append(w.agents, p)
		}
		return p
	}
	add(samRivera, samEmail, samWorkPhone, true, "Customer Support", "Support Team Lead", "San Francisco")
	add(jordanBlake, jordanEmail, jordanPhone, false, "Sales", "Account Executive", "London")
	for len(ds.People) < directorySize {
		given, family := w.name()
		office := offices[w.r.IntN(len(offices))]
		dept := departments[w.r.IntN(len(departments))]
		add(given+" "+family, w.email(given, family, "example.com", 0), w.phone(office.phone),
			len(ds.People) <= currentStaff, dept.name, pick(w.r, dept.titles), office.name)
	}
	return ds
}

// crm is the customers: kind externalContact with orders and chat
// transcripts. It also returns the contacts that are on a dialer list.
func (w *world) crm() (memadapter.Dataset, []memadapter.Person) {
	var ds memadapter.Dataset
	us, gb, de := countries[0], countries[1], countries[2]
	contact := func(name string, c country, emails, phones []string, address string) *memadapter.Person {
		n := len(ds.People) + 1
		p := memadapter.Person{
			Key:               fmt.Sprintf("c-%04d", n),
			Kind:              memadapter.KindExternalContact,
			ExternalContactID: w.uuid(),
			Name:              name,
			Emails:            emails,
			Phones:            phones,
			Addresses:         []string{address},
			Attributes: map[string]any{
				"customerSince":     w.when(base.AddDate(-6, 0, 0), 6*365).Format(time.DateOnly),
				"loyaltyTier":       pick(w.r, []string{"none", "none", "silver", "gold"}),
				"marketingConsent":  w.r.IntN(3) > 0,
				"preferredLanguage": c.language,
				"country":           c.code,
			},
		}
		if w.r.IntN(100) < 85 {
			p.ExternalID = fmt.Sprintf("CUST-%05d", 10000+n*7+w.r.IntN(7))
		}
		if w.r.IntN(100) < 40 {
			p.JourneyCustomer = &gdpr.JourneyCustomer{Type: "cookie", ID: w.uuid()}
		}
		if w.r.IntN(100) < 30 {
			p.SocialHandles = []gdpr.SocialHandle{w.handle(name)}
		}
		ds.People = append(ds.People, p)
		return &ds.People[len(ds.People)-1]
	}

	sam := contact(samRivera, us, []string{samEmail}, []string{samMobile}, "2145 Mission Street, San Francisco, CA 94110")
	sam.Attributes["note"] = "Also a member of staff; bought with the work email."
	london := contact(alexMorgan, gb, []string{alexLondonEmail}, []string{alexLondonPhone}, "14 Acacia Avenue, London N1 9GU")
	london.SocialHandles = []gdpr.SocialHandle{{Type: gdpr.KindTwitter, Value: "@alexmorgan_ldn"}}
	contact(alexMorgan, us, []string{alexSeattleEmail}, []string{alexSeattlePhone}, "1201 Pine Street, Seattle, WA 98101")
	contact(lenaFischer, de, []string{lenaEmail}, []string{lenaPhone}, "Schillerstraße 12, 10625 Berlin")
	for len(ds.People) < crmSize {
		given, family := w.name()
		c := w.country()
		var emails, phones []string
		domains := []string{"example.org", "example.net", "example.org", "example.net", "example.com", "example.org", "example.net", "bücher.example"}
		for range 1 + w.r.IntN(4)/3 {
			emails = append(emails, w.email(given, family, pick(w.r, domains), w.r.IntN(5)))
		}
		for range w.r.IntN(10)/9 + 1 - w.r.IntN(20)/19 {
			phones = append(phones, w.phone(c.phone))
		}
		contact(given+" "+family, c, emails, phones, c.address(w.r))
	}

	var shared []memadapter.Person
	for i, p := range ds.People {
		if p.Name == alexMorgan && p.Emails[0] == alexSeattleEmail ||
			i >= 4 && i%5 == 0 && len(p.Phones) > 0 && len(shared) < sharedContacts {
			shared = append(shared, p)
		}
		ds.Records = append(ds.Records, w.customerRecords(p)...)
	}
	return ds, shared
}

func (w *world) country() country {
	total := 0
	for _, c := range countries {
		total += c.weight
	}
	n := w.r.IntN(total)
	for _, c := range countries {
		if n -= c.weight; n < 0 {
			return c
		}
	}
	return countries[0]
}

func (w *world) handle(name string) gdpr.SocialHandle {
	given, family, _ := strings.Cut(name, " ")
	g, f := ascii(given), ascii(family)
	switch w.r.IntN(4) {
	case 0:
		return gdpr.SocialHandle{Type: gdpr.KindTwitter, Value: fmt.Sprintf("@%s%s%d", g, f, w.r.IntN(100))}
	case 1:
		return gdpr.SocialHandle{Type: gdpr.KindInstagram, Value: g + "." + f}
	case 2:
		return gdpr.SocialHandle{Type: gdpr.KindFacebook, Value: fmt.Sprintf("%s.%s.%d", g, f, 1000+w.r.IntN(9000))}
	}
	return gdpr.SocialHandle{Type: gdpr.KindAppleMessages, Value: "urn:mbid:" + strings.ReplaceAll(w.uuid(), "-", "")}
}

// customerRecords returns a customer's orders and the chats about them.
func (w *world) customerRecords(p memadapter.Person) []memadapter.LinkedRecord {
	var recs, orders []memadapter.LinkedRecord
	c := countries[0]
	for _, x := range countries {
		if x.code == p.Attributes["country"] {
			c = x
		}
	}
	for range w.r.IntN(5) {
		placed := w.when(base, 330)
		var items []any
		total := 0.0
		for range 1 + w.r.IntN(3) {
			pr := pick(w.r, products)
			qty := 1 + w.r.IntN(3)
			items = append(items, map[string]any{"sku": pr.sku, "name": pr.name, "quantity": qty, "unitPrice": pr.price})
			total += pr.price * float64(qty)
		}
		n := w.next("order")
		orders = append(orders, memadapter.LinkedRecord{
			ID: fmt.Sprintf("order-%04d", n), Kind: "order", Person: p.Key,
			Fields: map[string]any{
				"orderNumber": fmt.Sprintf("SO-%05d", 20000+n*3),
				"placedAt":    stamp(placed),
				"status":      pick(w.r, []string{"delivered", "delivered", "delivered", "shipped", "returned"}),
				"currency":    c.currency,
				"items":       items,
				"total":       math.Round(total*100) / 100,
				"shipTo":      p.Addresses[0],
			},
		})
	}
	recs = append(recs, orders...)
	if len(orders) == 0 {
		return recs
	}
	given, _, _ := strings.Cut(p.Name, " ")
	for range w.r.IntN(4) {
		o := pick(w.r, orders)
		topic := pick(w.r, chatTopics)
		agent := pick(w.r, w.agents)
		agentGiven, _, _ := strings.Cut(agent.Name, " ")
		start := w.when(base, 340)
		recs = append(recs, memadapter.LinkedRecord{
			ID: fmt.Sprintf("chat-%04d", w.next("chat")), Kind: "chatTranscript", Person: p.Key,
			Fields: map[string]any{
				"startedAt":   stamp(start),
				"channel":     pick(w.r, []string{"webchat", "webchat", "messenger", "whatsapp"}),
				"queue":       "Customer Support",
				"agentUserId": agent.UserID,
				"summary":     topic.summary,
				"messages": []any{
					map[string]any{"from": "customer", "at": stamp(start), "text": fmt.Sprintf(topic.opening, o.Fields["orderNumber"])},
					map[string]any{"from": "agent", "at": stamp(start.Add(time.Minute)),
						"text": fmt.Sprintf("Hi %s, this is %s. Let me look into that for you.", given, agentGiven)},
					map[string]any{"from": "customer", "at": stamp(start.Add(3 * time.Minute)), "text": "Thank you!"},
				},
			},
		})
	}
	return recs
}

// dialer is the outbound contact lists: kind dialerContact with call
// recordings. The shared CRM contacts come first, with the same name and
// phone, and sometimes the same email.
func (w *world) dialer(shared []memadapter.Person) memadapter.Dataset {
	var ds memadapter.Dataset
	add := func(name string, emails, phones []string, list int) {
		p := memadapter.Person{
			Key:             fmt.Sprintf("d-%04d", len(ds.People)+1),
			Kind:            memadapter.KindDialerContact,
			DialerContactID: &gdpr.DialerContactID{ID: w.uuid(), ContactListID: contactLists[list].id},
			Name:            name,
			Emails:          emails,
			Phones:          phones,
		}
		var last string
		for range 1 + w.r.IntN(3) {
			last = pick(w.r, dispositions)
			start := w.when(base.AddDate(0, 2, 0), 280)
			ds.Records = append(ds.Records, memadapter.LinkedRecord{
				ID: fmt.Sprintf("call-%04d", w.next("call")), Kind: "callRecording", Person: p.Key,
				Fields: map[string]any{
					"startedAt":       stamp(start),
					"durationSeconds": 20 + w.r.IntN(600),
					"campaign":        contactLists[list].campaign,
					"disposition":     last,
					"agentUserId":     pick(w.r, w.agents).UserID,
					"recordingUri":    fmt.Sprintf("https://recordings.example.net/%s/%s.opus", contactLists[list].id, w.uuid()),
				},
			})
		}
		p.Attributes = map[string]any{"lastDisposition": last, "doNotCall": last == "do not call"}
		ds.People = append(ds.People, p)
	}
	for _, p := range shared {
		var emails []string
		if p.Emails[0] == alexSeattleEmail || w.r.IntN(2) == 0 {
			emails = p.Emails[:1]
		}
		list := w.r.IntN(len(contactLists))
		if p.Emails[0] == alexSeattleEmail {
			list = 0
		}
		add(p.Name, emails, p.Phones[:1], list)
	}
	for len(ds.People) < dialerSize {
		given, family := w.name()
		c := w.country()
		var emails []string
		if w.r.IntN(10) < 3 {
			emails = []string{w.email(given, family, pick(w.r, []string{"example.org", "example.net"}), w.r.IntN(5))}
		}
		add(given+" "+family, emails, []string{w.phone(c.phone)}, w.r.IntN(len(contactLists)))
	}
	return ds
}
