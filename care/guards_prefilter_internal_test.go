package care

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// findReference is Find as it was before its patterns learned to run only
// where they could match: every pattern on every text with five digits or
// an '@'. TestFindPrefiltersChangeNothing holds Find to it.
func (d *Detector) findReference(text string) []PII {
	digits := 0
	for i := 0; i < len(text); i++ {
		if text[i] >= '0' && text[i] <= '9' {
			digits++
		}
	}
	hasAt := strings.IndexByte(text, '@') >= 0
	if digits < 5 && !hasAt {
		return nil // nothing below can match: cheap exit for most messages
	}
	var out []PII
	used := make([]bool, len(text)) // bytes already claimed by a finding
	if hasAt {
		for _, m := range emailRe.FindAllStringIndex(text, -1) {
			if d.brandAddress(text[m[0]:m[1]]) {
				for i := m[0]; i < m[1]; i++ {
					used[i] = true
				}
			}
		}
	}
	for _, m := range urlRe.FindAllStringIndex(text, -1) {
		if strings.Contains(text[m[0]:m[1]], "@") {
			continue // "www.x.com/a@b.com" is rare; keep e-mail detection
		}
		for i := m[0]; i < m[1]; i++ {
			used[i] = true
		}
	}
	claim := func(lo, hi int) bool {
		for i := lo; i < hi; i++ {
			if used[i] {
				return false
			}
		}
		for i := lo; i < hi; i++ {
			used[i] = true
		}
		return true
	}
	if hasAt {
		for _, m := range emailRe.FindAllStringIndex(text, -1) {
			if claim(m[0], m[1]) {
				out = append(out, PII{PIIEmail, text[m[0]:m[1]]})
			}
		}
	}
	if digits < 5 {
		return out
	}
	for _, m := range digitsRe.FindAllStringIndex(text, -1) {
		s := text[m[0]:m[1]]
		if n := onlyDigits(s); len(n) >= 13 && len(n) <= 19 && luhn(n) && claim(m[0], m[1]) {
			out = append(out, PII{PIICard, s})
		}
	}
	for _, m := range ibanRe.FindAllStringIndex(text, -1) {
		if s := text[m[0]:m[1]]; validIBAN(s) && claim(m[0], m[1]) {
			out = append(out, PII{PIIAccount, s})
		}
	}
	for _, p := range d.accounts {
		for _, m := range p.FindAllStringSubmatchIndex(text, -1) {
			lo, hi := m[0], m[1]
			if len(m) >= 4 && m[2] >= 0 {
				lo, hi = m[2], m[3]
			}
			if claim(lo, hi) {
				out = append(out, PII{PIIAccount, text[lo:hi]})
			}
		}
	}
	lower := strings.ToLower(text)
	for _, m := range phoneCandRe.FindAllStringIndex(text, -1) {
		s := strings.TrimRight(text[m[0]:m[1]], " .-(")
		lo, hi := m[0], m[0]+len(s)
		if used[lo] || !d.isPhoneReference(s, lower[max(0, lo-48):lo]) {
			continue
		}
		if claim(lo, hi) {
			out = append(out, PII{PIIPhone, s})
		}
	}
	return out
}

// TestFindPrefiltersChangeNothing compares Find with findReference on
// 20,000 texts made of the pieces that trip each pattern (handles and
// e-mail addresses, links, card-like and IBAN-like runs, account words,
// phone numbers with and without context, version numbers).
func TestFindPrefiltersChangeNothing(t *testing.T) {
	t.Parallel()
	d, err := NewDetector(&PersonalDataConfig{BrandDomains: []string{"skyways.example"}})
	if err != nil {
		t.Fatal(err)
	}
	pieces := []string{"@brand", "me@x.com", "a.b+c@mail.example.co", "x@skyways.example", "@ 1", "a@b",
		"https://t.co/ab12345", "WWW.example.com/1234567", "http://x.io/a@b.com", "4111 1111 1111 1111", "4111111111111112",
		"GB82 WEST 1234 5698 7654 32", "DE89370400440532013000", "GB82", "account no. 12345678", "ACCT # 99887766",
		"a/c 123456", "sort code 12-34-56", "routing 021000021", "+1 312 555 0147", "312-555-0147", "call me 0412 345 678",
		"tel: 020 7946 0958", "8.5.50.916", "1-800-555-0199", "order 123456", "version 2024.1", "(555) 123-4567",
		"ref 12345", "flight 212", "14:05", "\u00e9t\u00e9 3 fois", "no", "phone", "whatsapp", "text me", ",", ".", " "}
	rng := rand.New(rand.NewPCG(7, 11))
	for i := range 5_000 {
		var b strings.Builder
		for range 1 + rng.IntN(8) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
			b.WriteByte(" ,.\n"[rng.IntN(4)])
		}
		text := b.String()
		if got, want := d.Find(text), d.findReference(text); !slices.Equal(got, want) {
			t.Fatalf("text %d %q: Find gives %v, the reference %v", i, text, got, want)
		}
	}
}

// isPhoneReference is isPhone as it was before it read a number's type
// once: IsValidNumber, then GetNumberType for the business check.
func (d *Detector) isPhoneReference(s, before string) bool {
	n := onlyDigits(s)
	if len(n) < 7 || len(n) > 15 || strings.Count(s, ".") > 0 && !strings.ContainsAny(s, " -()") {
		return false
	}
	business := func(p *phonenumbers.PhoneNumber) bool {
		switch phonenumbers.GetNumberType(p) {
		case phonenumbers.TOLL_FREE, phonenumbers.SHARED_COST, phonenumbers.PREMIUM_RATE, phonenumbers.UAN:
			return true
		}
		return false
	}
	if strings.HasPrefix(s, "+") {
		if p, err := phonenumbers.Parse(s, "ZZ"); err == nil && phonenumbers.IsValidNumber(p) {
			return !business(p)
		}
	}
	regions := d.regions
	if n == s && len(regions) > 1 {
		regions = regions[:1]
	}
	for _, r := range regions {
		if len(n) < 9 {
			break
		}
		if p, err := phonenumbers.Parse(s, r); err == nil && phonenumbers.IsValidNumberForRegion(p, r) {
			return !business(p)
		}
	}
	for _, w := range d.context {
		if strings.Contains(before, w) {
			return true
		}
	}
	return false
}

// TestIsPhoneReadsTheTypeOnce holds isPhone to isPhoneReference on 1,000
// international numbers of every country code (valid, invalid, toll-free,
// premium) and on national forms, with and without context words.
func TestIsPhoneReadsTheTypeOnce(t *testing.T) {
	t.Parallel()
	d, err := NewDetector(nil)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 5))
	digits := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('0' + rng.IntN(10))
		}
		return string(b)
	}
	codes := []int{1, 7, 20, 27, 30, 31, 33, 34, 39, 41, 44, 49, 52, 55, 61, 64, 81, 82, 86, 91, 234, 353, 800, 808, 870, 878, 881, 882, 883, 888, 979, 999}
	fixed := []string{"+1 800 555 0199", "+44 20 7946 0958", "+44 7700 900123", "+1 900 555 0123", "+44 871 234 5678", "+33 1 23 45 67 89",
		"+1 312 555 0147", "+61 4 1234 5678", "+91 98765 43210", "+800 1234 5678", "020 7946 0958", "(312) 555-0147", "0412 345 678", "8.5.50.916"}
	contexts := []string{"", "call me ", "my whatsapp: ", "order "}
	phones := 0
	for i := range 1_000 {
		var s string
		switch i % 3 {
		case 0:
			s = fixed[rng.IntN(len(fixed))]
		case 1:
			s = "+" + strconv.Itoa(codes[rng.IntN(len(codes))]) + " " + digits(3+rng.IntN(4)) + " " + digits(3+rng.IntN(5))
		default:
			s = "0" + digits(2+rng.IntN(3)) + "-" + digits(3) + "-" + digits(3+rng.IntN(3))
		}
		before := contexts[rng.IntN(len(contexts))]
		got := d.isPhone(s, func() string { return before })
		if want := d.isPhoneReference(s, before); got != want {
			t.Fatalf("%q after %q: isPhone gives %v, the reference %v", s, before, got, want)
		}
		if got {
			phones++
		}
	}
	if phones < 100 || phones > 900 { // both answers, many times
		t.Fatalf("%d of 1,000 candidates are phone numbers: the sample does not try both answers", phones)
	}
}

// TestScannersMatchPatterns holds cardRuns, phoneRuns and emailRuns to the patterns
// they implement on 5,000 texts made of digits, the characters the
// patterns allow between them, and others.
func TestScannersMatchPatterns(t *testing.T) {
	t.Parallel()
	pieces := []string{"0", "1", "42", "4111", "555", " ", "  ", "-", "(", ")", ".", "+", "+1", "(0", "\t", "\n", "\v", "\f", "\r",
		"a", "x", "é", "/", ":", "1111 1111 1111 1111", "+44 (20) 7946-0958", "8.5.50.916", "12345678"}
	found := scanRandomTexts(t, rand.New(rand.NewPCG(19, 23)), pieces, 5_000, 24, phoneRuns)
	if found < 500 || found > 4_500 {
		t.Fatalf("%d of 5,000 texts have a phone candidate: the sample does not try both answers", found)
	}
}

// scanRandomTexts checks the scanners on n texts of up to most pieces
// drawn by rng, and returns how many texts scan finds something in.
func scanRandomTexts(t *testing.T, rng *rand.Rand, pieces []string, n, most int, scan func(string) [][]int) int {
	t.Helper()
	found := 0
	for range n {
		var b strings.Builder
		for range 1 + rng.IntN(most) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		text := b.String()
		checkScanners(t, text)
		if len(scan(text)) > 0 {
			found++
		}
	}
	return found
}

func checkScanners(t *testing.T, text string) {
	t.Helper()
	if got, want := cardRuns(text), digitsRe.FindAllStringIndex(text, -1); !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("%q: cardRuns gives %v, the pattern %v", text, got, want)
	}
	if got, want := phoneRuns(text), phoneCandRe.FindAllStringIndex(text, -1); !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("%q: phoneRuns gives %v, the pattern %v", text, got, want)
	}
	if got, want := emailRuns(text), emailRe.FindAllStringIndex(text, -1); !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("%q: emailRuns gives %v, the pattern %v", text, got, want)
	}
}

// TestEmailScannerMatchesPattern holds emailRuns to emailRe on 20,000
// texts made of the pieces e-mail addresses and their neighbours are made
// of.
func TestEmailScannerMatchesPattern(t *testing.T) {
	t.Parallel()
	pieces := []string{"a", "Z", "b9", "com", "co", "c", "br", "x1", "1", "-", ".", "..", "_", "%", "+", "@", "@@", " ", ",", "é", ":",
		"someone089@gmail.com", "a.b@c.co.uk", "x@y", "@brand", "mail@host.c0m", "d@e.fg1", "ü@ö.de"}
	found := scanRandomTexts(t, rand.New(rand.NewPCG(29, 31)), pieces, 20_000, 16, emailRuns)
	if found < 2_000 || found > 18_000 {
		t.Fatalf("%d of 20,000 texts have an e-mail address: the sample does not try both answers", found)
	}
}

// FuzzScanners holds cardRuns, phoneRuns and emailRuns to their patterns on outside
// text.
func FuzzScanners(f *testing.F) {
	for _, s := range []string{"+1 312 555 0147", "4111 1111 1111 1111", "+(1) 2", "++1 23456789", "(((1234567", "8.5.50.916", "", "a@b.co.uk", "x.y@z.c0m.de1", "@@a@b.cd"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkScanners(t, s) })
}

// TestParseDigitsOnly holds isPhone's shortcut to the parser (parseForm):
// for every phone candidate (a phoneRuns match), in every default region
// and in none, the number parsed from its parse form is the number parsed
// from the candidate as written.
func TestParseDigitsOnly(t *testing.T) {
	t.Parallel()
	d, err := NewDetector(nil)
	if err != nil {
		t.Fatal(err)
	}
	formats := []string{"+1 312 555 0147", "(312) 555-0147", "312.555.0147", "+44 20 7946 0958", "020 7946 0958", "+44 (0)20 7946 0958",
		"0800 123 4567", "+49 30 901820", "030 901820", "+33 1 42 68 53 00", "01 42 68 53 00", "+34 912 345 678", "+39 06 6988 4857",
		"06 6988 4857", "+55 (11) 91234-5678", "(11) 91234-5678", "+52 55 1234 5678", "+61 2 9374 4000", "+91 98765 43210",
		"011 44 20 7946 0958", "00 44 20 7946 0958", "1-800-555-0199", "+353 1 234 5678", "+31 20 123 4567", "+(1) 312 555 0147"}
	rng := rand.New(rand.NewPCG(37, 41))
	for range 3_000 { // numbers of random digits in random punctuation
		var b strings.Builder
		if rng.IntN(2) == 0 {
			b.WriteString("+")
		}
		for range 7 + rng.IntN(9) {
			b.WriteByte(byte('0' + rng.IntN(10)))
			if rng.IntN(3) == 0 {
				b.WriteString([]string{" ", "-", ".", "(", ")", "  ", ". ", ") "}[rng.IntN(8)])
			}
		}
		b.WriteByte(byte('0' + rng.IntN(10)))
		formats = append(formats, b.String())
	}
	checked := 0
	for _, f := range formats {
		for _, m := range phoneRuns(f) {
			s := f[m[0]:m[1]]
			norm := parseForm(s, onlyDigits(s))
			for _, r := range append([]string{"ZZ"}, d.regions...) {
				p1, err1 := phonenumbers.Parse(s, r)
				p2, err2 := phonenumbers.Parse(norm, r)
				if (err1 == nil) != (err2 == nil) || err1 == nil && !samePhone(p1, p2) {
					t.Fatalf("%q in %s: parsed as written %v (%v), from its digits %v (%v)", s, r, p1, err1, p2, err2)
				}
				checked++
			}
		}
	}
	if checked < 20_000 {
		t.Fatalf("only %d parses compared", checked)
	}
}

func samePhone(a, b *phonenumbers.PhoneNumber) bool {
	return a.GetCountryCode() == b.GetCountryCode() && a.GetNationalNumber() == b.GetNationalNumber() &&
		a.GetExtension() == b.GetExtension() && a.GetItalianLeadingZero() == b.GetItalianLeadingZero() &&
		a.GetNumberOfLeadingZeros() == b.GetNumberOfLeadingZeros() && a.GetPreferredDomesticCarrierCode() == b.GetPreferredDomesticCarrierCode()
}
