package main

import (
	"fmt"
	"math/rand/v2"
)

// Given names and family names the generated people draw from. Morgan,
// Rivera and Fischer are left out so that only the notable people carry
// them.
var (
	givenNames = []string{
		"Olivia", "Liam", "Emma", "Noah", "Ava", "Mateo", "Sofia", "Lucas", "Isabella", "Ethan",
		"Mia", "Hiroshi", "Yuki", "Aarav", "Priya", "Mei", "Fatima", "Omar", "Amara", "Kwame",
		"Ingrid", "Lars", "Søren", "Anaïs", "Chloé", "Élodie", "Thibault", "Zoë", "Jürgen", "Felix",
		"Katarzyna", "Łukasz", "José", "Lucía", "Diego", "Camila", "Thiago", "Beatriz", "Aisha", "Tariq",
		"Nia", "Kofi", "Freya", "Oskar", "Hannah", "Jonas", "Grace", "Daniel", "Ryan", "Emily",
		"James", "Charlotte", "Arjun", "Ananya", "Wei", "Min-jun", "Seo-yeon", "Rafael", "Valentina", "Nkechi",
		"Tomás", "Elif", "Mehmet", "Astrid", "Siobhan", "Declan", "Leila", "Mohammed", "Sakura", "Kenji",
	}
	familyNames = []string{
		"Smith", "Johnson", "Garcia", "Martinez", "Nguyen", "Kim", "Patel", "Sharma", "Tanaka", "Sato",
		"Müller", "Schmidt", "Dubois", "Lefèvre", "Rossi", "Bianchi", "Kowalski", "Nowak", "Andersson", "Nielsen",
		"Okafor", "Mensah", "Haddad", "Khan", "Silva", "Santos", "Pereira", "O'Brien", "Murphy", "Walsh",
		"Wright", "Taylor", "Brown", "Wilson", "Thompson", "Weber", "Novak", "Horvat", "Yılmaz", "Demir",
		"Cohen", "Levi", "Jensen", "Larsen", "Costa", "Ferreira", "López", "Hernández", "González", "Chen",
		"Wang", "Li", "Zhang", "Singh", "Gupta", "Adeyemi", "Bergström", "Virtanen", "Ivanova", "Park",
	}
)

// country is where a generated person lives: how its phones and addresses
// are written, and what it pays in.
type country struct {
	code     string
	weight   int
	currency string
	language string
	phone    func(r *rand.Rand) string
	address  func(r *rand.Rand) string
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func digits(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.IntN(10))
	}
	return string(b)
}

// countries lists the customers' countries. Phones are in E.164; the US,
// Canadian, British, French and Australian ones are in the ranges set
// aside for fiction.
var countries = []country{
	{"US", 30, "USD", "en-US",
		func(r *rand.Rand) string {
			return "+1" + pick(r, []string{"202", "312", "415", "617", "206"}) + "55501" + digits(r, 2)
		},
		func(r *rand.Rand) string {
			return fmt.Sprintf("%d %s, %s", 100+r.IntN(9800), pick(r, []string{"Maple Avenue", "Oak Street", "Pine Road", "Cedar Lane", "Elm Street", "Washington Avenue"}),
				pick(r, []string{"Springfield, IL 62704", "Portland, OR 97205", "Austin, TX 78701", "Boston, MA 02108", "Seattle, WA 98101"}))
		}},
	{"GB", 20, "GBP", "en-GB",
		func(r *rand.Rand) string {
			return pick(r, []string{"+442079460", "+441614960", "+447700900"}) + digits(r, 3)
		},
		func(r *rand.Rand) string {
			return fmt.Sprintf("%d %s, %s", 1+r.IntN(180), pick(r, []string{"High Street", "Station Road", "Church Lane", "Victoria Road", "Mill Lane"}),
				pick(r, []string{"London N1 9GU", "Manchester M1 4BT", "Leeds LS1 5AB", "Bristol BS1 4DJ", "Edinburgh EH1 1YZ"}))
		}},
	{"DE", 12, "EUR", "de-DE",
		func(r *rand.Rand) string {
			return "+49" + pick(r, []string{"30", "89", "40", "221"}) + "5550" + digits(r, 4)
		},
		func(r *rand.Rand) string {
			return fmt.Sprintf("%s %d, %s", pick(r, []string{"Hauptstraße", "Bahnhofstraße", "Gartenweg", "Schillerstraße", "Lindenallee"}), 1+r.IntN(120),
				pick(r, []string{"10115 Berlin", "80331 München", "20095 Hamburg", "50667 Köln"}))
		}},
	{"FR", 8, "EUR", "fr-FR",
		func(r *rand.Rand) string { return "+3319900" + digits(r, 4) },
		func(r *rand.Rand) string {
			return fmt.Sprintf("%d %s, %s", 1+r.IntN(90), pick(r, []string{"rue de la Paix", "avenue Victor Hugo", "rue des Lilas", "boulevard Voltaire"}),
				pick(r, []string{"75002 Paris", "69002 Lyon", "13001 Marseille", "31000 Toulouse"}))
		}},
	{"JP", 6, "JPY", "ja-JP",
		func(r *rand.Rand) string { return "+813" + digits(r, 8) },
		func(r *rand.Rand) string {
			return fmt.Sprintf("%d-%d-%d %s", 1+r.IntN(5), 1+r.IntN(20), 1+r.IntN(30),
				pick(r, []string{"Jingumae, Shibuya-ku, Tokyo 150-0001", "Ginza, Chuo-ku, Tokyo 104-0061", "Umeda, Kita-ku, Osaka 530-0001"}))
		}},
	{"AU", 6, "AUD", "en-AU",
		func(r *rand.Rand) string { return pick(r, []string{"+6125550", "+6135550"}) + digits(r, 4) },
		func(r *rand.Rand) string {
			return fmt.Sprintf("%d %s, %s", 1+r.IntN(400), pick(r, []string{"George Street", "King Street", "Queen Street", "Collins Street"}),
				pick(r, []string{"Sydney NSW 2000", "Melbourne VIC 3000", "Brisbane QLD 4000"}))
		}},
	{"BR", 5, "BRL", "pt-BR",
		func(r *rand.Rand) string { return "+55119" + digits(r, 8) },
		func(r *rand.Rand) string {
			return fmt.Sprintf("Rua %s, %d, São Paulo - SP, 01310-100", pick(r, []string{"das Flores", "Augusta", "Oscar Freire", "Haddock Lobo"}), 10+r.IntN(2000))
		}},
	{"IN", 5, "INR", "en-IN",
		func(r *rand.Rand) string { return "+9198" + digits(r, 8) },
		func(r *rand.Rand) string {
			return fmt.Sprintf("%d, %s, %s", 1+r.IntN(300), pick(r, []string{"MG Road", "Park Street", "Linking Road"}),
				pick(r, []string{"Bengaluru 560001", "Kolkata 700016", "Mumbai 400050"}))
		}},
	{"ES", 4, "EUR", "es-ES",
		func(r *rand.Rand) string { return "+3491" + digits(r, 7) },
		func(r *rand.Rand) string {
			return fmt.Sprintf("Calle de %s %d, 28014 Madrid", pick(r, []string{"Alcalá", "Serrano", "Atocha", "Goya"}), 1+r.IntN(150))
		}},
	{"CA", 4, "CAD", "en-CA",
		func(r *rand.Rand) string { return "+1" + pick(r, []string{"416", "604"}) + "55501" + digits(r, 2) },
		func(r *rand.Rand) string {
			return fmt.Sprintf("%d %s, %s", 1+r.IntN(900), pick(r, []string{"King Street West", "Robson Street", "Yonge Street"}),
				pick(r, []string{"Toronto, ON M5V 2T6", "Vancouver, BC V6E 1B5"}))
		}},
}

// departments of the company's staff, with their titles.
var departments = []struct {
	name   string
	titles []string
}{
	{"Customer Support", []string{"Support Agent", "Senior Support Agent", "Support Team Lead"}},
	{"Sales", []string{"Account Executive", "Sales Development Representative", "Sales Manager"}},
	{"Engineering", []string{"Software Engineer", "Senior Software Engineer", "Engineering Manager"}},
	{"Finance", []string{"Accountant", "Financial Analyst"}},
	{"People", []string{"People Partner", "Recruiter"}},
	{"Marketing", []string{"Marketing Manager", "Content Designer"}},
	{"Legal", []string{"Privacy Counsel", "Data Protection Officer"}},
}

// offices of the company, with how their work phones are written.
var offices = []struct {
	name  string
	phone func(r *rand.Rand) string
}{
	{"San Francisco", func(r *rand.Rand) string { return "+141555501" + digits(r, 2) }},
	{"London", func(r *rand.Rand) string { return "+4420794609" + digits(r, 2) }},
	{"Berlin", func(r *rand.Rand) string { return "+49305551" + digits(r, 4) }},
	{"Sydney", func(r *rand.Rand) string { return "+6125551" + digits(r, 4) }},
}

// products customers order.
var products = []struct {
	sku   string
	name  string
	price float64
}{
	{"NB-1001", "Dot-grid notebook A5", 12.5},
	{"PN-2002", "Fountain pen, medium nib", 34},
	{"IN-2010", "Ink bottle, blue-black 50 ml", 9.9},
	{"BG-3003", "Canvas laptop bag", 79},
	{"DL-4004", "Desk lamp, warm white", 45.5},
	{"MG-5005", "Stoneware mug", 14},
	{"PL-6006", "Planner 2026", 24},
	{"ST-7007", "Sticky notes, pack of 6", 6.5},
}

// Chat topics: what the customer wrote first, and the agent's summary.
var chatTopics = []struct{ opening, summary string }{
	{"Hi, my order %s hasn't arrived yet. Can you check where it is?", "Delivery delay; shared tracking link."},
	{"Hello, can I change the delivery address for order %s?", "Changed delivery address before dispatch."},
	{"The mug in order %s arrived broken.", "Damaged item; replacement sent."},
	{"How do loyalty points work? I have order %s.", "Explained the loyalty programme."},
	{"Could you send me an invoice for order %s?", "Invoice sent by email."},
	{"Please stop sending me marketing emails. (Order %s was my last.)", "Unsubscribed from marketing."},
}

// Dialer contact lists and the campaigns they serve.
var contactLists = []struct{ id, campaign string }{
	{"cl-renewals-2025", "Subscription renewals 2025"},
	{"cl-winback-q3", "Win-back, third quarter"},
	{"cl-service-followup", "Service follow-up calls"},
}

var dispositions = []string{"answered", "answered", "voicemail", "no answer", "callback requested", "do not call"}
