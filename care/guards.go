package care

import (
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// Guard names a reply guard.
type Guard string

// The reply guards.
const (
	// GuardPersonalData keeps e-mail addresses, phone numbers, card
	// numbers and account numbers out of public replies.
	GuardPersonalData Guard = "personal-data"
	// GuardTone flags replies that answer a customer in kind (insults,
	// sarcasm).
	GuardTone Guard = "tone"
	// GuardConsistency flags replies that depart from the approved answer
	// (macro) for the same intent.
	GuardConsistency Guard = "consistency"
	// GuardCollision refuses a reply to a conversation that changed since
	// the agent loaded it.
	GuardCollision Guard = "collision"
	// GuardBot refuses what a bot may not do (send after a handoff, answer
	// an intent it does not hold).
	GuardBot Guard = "bot"
)

// Flag is a guard's finding on a reply that was still sent.
type Flag struct {
	// Guard is the guard that raised it.
	Guard Guard
	// Detail says what was found, for people.
	Detail string
}

// String formats the flag as "guard: detail".
func (f Flag) String() string { return string(f.Guard) + ": " + f.Detail }

// ErrBlocked is wrapped by every *GuardError. Test with errors.Is.
var ErrBlocked = errors.New("care: reply blocked by a guard")

// GuardError is returned when a guard blocks a reply; nothing was sent.
// errors.Is(err, ErrBlocked) holds for it.
type GuardError struct {
	// Guard is the guard that blocked the reply.
	Guard Guard
	// Key is the conversation.
	Key string
	// Reason says why, for people.
	Reason string
}

// Error implements error.
func (e *GuardError) Error() string {
	return fmt.Sprintf("care: reply to %s blocked by the %s guard: %s", e.Key, e.Guard, e.Reason)
}

// Is reports whether target is ErrBlocked.
func (e *GuardError) Is(target error) bool { return target == ErrBlocked }

// PIIKind names a kind of personal data.
type PIIKind string

// Kinds of personal data the detector finds.
const (
	PIIEmail   PIIKind = "e-mail address"
	PIIPhone   PIIKind = "phone number"
	PIICard    PIIKind = "card number"
	PIIAccount PIIKind = "account number"
)

// PII is one piece of personal data found in a text.
type PII struct {
	// Kind is what it is.
	Kind PIIKind
	// Text is the matched text.
	Text string
}

// PersonalDataConfig configures the personal-data detector. The zero value
// gives the defaults.
type PersonalDataConfig struct {
	// Regions are the ISO 3166 regions whose national phone number formats
	// are recognised without a leading "+". Numbers written with "+" are
	// recognised for every region. A bare run of digits (no spaces,
	// dashes or parentheses) is only checked against the first region, as
	// ticket and order numbers look like foreign phone numbers. Defaults to
	// US, CA, GB, IE, AU, IN, DE, FR, ES, IT, NL, BR, MX.
	Regions []string
	// PhoneContext are words that make a run of 7 to 15 digits right after
	// them (within 48 bytes) a phone number even when no region validates
	// it ("call me on 01120738976"). Defaults to phone, call, tel, mobile,
	// cell, whatsapp, text me, reach me.
	PhoneContext []string
	// AccountPatterns find account numbers; the first submatch (or the
	// whole match) is reported. IBANs are always checked (mod-97).
	// Defaults to 6 to 17 digits after "account", "acct", "a/c", "routing"
	// or "sort code".
	AccountPatterns []*regexp.Regexp
	// BrandDomains are e-mail domains whose addresses are the brand's own
	// (support@brand.example), never a customer's personal data; a
	// subdomain matches too. Defaults to none.
	BrandDomains []string
}

// Detector finds personal data in text. It is immutable and safe for
// concurrent use.
type Detector struct {
	domains  []string
	regions  []string
	context  []string
	accounts []*regexp.Regexp
}

var (
	// emailRe, phoneCandRe and digitsRe are the patterns of e-mail
	// addresses, phone candidates and card-like runs; Find runs them as
	// the scanners emailRuns, phoneRuns and cardRuns, which find the same
	// matches without backtracking.
	emailRe     = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`)
	phoneCandRe = regexp.MustCompile(`\+?\(?\d[\d\s().-]{5,}\d`)
	digitsRe    = regexp.MustCompile(`\d[\d -]{11,}\d`)
	urlRe       = regexp.MustCompile(`(?i)\b(?:https?://|www\.)\S+`)
	ibanRe      = regexp.MustCompile(`\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b`)
	defAccount  = regexp.MustCompile(`(?i)\b(?:account|acct|a/c|routing|sort code)(?:\s*(?:no\.?|number|#|nr))?\s*[:#]?\s*(\d[\d -]{4,20}\d)`)
)

// NewDetector returns a detector. cfg may be nil for the defaults.
func NewDetector(cfg *PersonalDataConfig) (*Detector, error) {
	var c PersonalDataConfig
	if cfg != nil {
		c = *cfg
	}
	if c.Regions == nil {
		c.Regions = []string{"US", "CA", "GB", "IE", "AU", "IN", "DE", "FR", "ES", "IT", "NL", "BR", "MX"}
	}
	for _, r := range c.Regions {
		if phonenumbers.GetCountryCodeForRegion(strings.ToUpper(r)) == 0 {
			return nil, fmt.Errorf("%w: NewDetector: unknown phone region %q", ErrInvalid, r)
		}
	}
	if c.PhoneContext == nil {
		c.PhoneContext = []string{"phone", "call", "tel", "mobile", "cell", "whatsapp", "text me", "reach me"}
	}
	if c.AccountPatterns == nil {
		c.AccountPatterns = []*regexp.Regexp{defAccount}
	}
	for i, p := range c.AccountPatterns {
		if p == nil {
			return nil, fmt.Errorf("%w: NewDetector: AccountPatterns[%d] is nil", ErrInvalid, i)
		}
	}
	d := &Detector{accounts: slices.Clone(c.AccountPatterns)}
	for _, r := range c.Regions {
		d.regions = append(d.regions, strings.ToUpper(r))
	}
	for i, w := range c.PhoneContext {
		if strings.TrimSpace(w) == "" {
			return nil, fmt.Errorf("%w: NewDetector: PhoneContext[%d] is empty, which would make every run of digits a phone number; remove it", ErrInvalid, i)
		}
		d.context = append(d.context, strings.ToLower(w))
	}
	for _, dom := range c.BrandDomains {
		d.domains = append(d.domains, strings.ToLower(strings.TrimPrefix(dom, "@")))
	}
	return d, nil
}

// Find returns the personal data in text, in order of kind (e-mail
// addresses, cards, accounts, phone numbers) and position. Digits inside
// links (article ids, archive timestamps) are not personal data, nor are
// business numbers (toll-free, shared-cost, premium-rate) and addresses at
// the brand's own domains.
func (d *Detector) Find(text string) []PII {
	digits := 0
	for i := 0; i < len(text); i++ {
		if text[i] >= '0' && text[i] <= '9' {
			digits++
		}
	}
	hasAt := emailAt(text)
	if digits < 5 && !hasAt {
		return nil // nothing below can match: cheap exit for most messages
	}
	// Each pattern runs only where it could match: the checks below are
	// necessary conditions of the patterns, so they change no finding.
	hasURL := strings.Contains(text, "://") || containsFold(text, "www.")
	var out []PII
	used := make([]bool, len(text)) // bytes already claimed by a finding
	var emails [][]int
	if hasAt {
		emails = emailRuns(text)
		for _, m := range emails {
			if d.brandAddress(text[m[0]:m[1]]) {
				for i := m[0]; i < m[1]; i++ {
					used[i] = true
				}
			}
		}
	}
	for _, m := range matchesIf(hasURL, urlRe, text) {
		if strings.IndexByte(text[m[0]:m[1]], '@') >= 0 {
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
	for _, m := range emails {
		if claim(m[0], m[1]) {
			out = append(out, PII{PIIEmail, text[m[0]:m[1]]})
		}
	}
	if digits < 5 {
		return out
	}
	var cards [][]int
	if digits >= 13 { // a card has 13 to 19 digits
		cards = cardRuns(text)
	}
	for _, m := range cards {
		s := text[m[0]:m[1]]
		if n := onlyDigits(s); len(n) >= 13 && len(n) <= 19 && luhn(n) && claim(m[0], m[1]) {
			out = append(out, PII{PIICard, s})
		}
	}
	for _, m := range matchesIf(ibanStart(text), ibanRe, text) {
		if s := text[m[0]:m[1]]; validIBAN(s) && claim(m[0], m[1]) {
			out = append(out, PII{PIIAccount, s})
		}
	}
	for _, p := range d.accounts {
		if p == defAccount && !accountWord(text) {
			continue
		}
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
	if digits < 7 { // a phone number has 7 to 15 digits
		return out
	}
	lower := "" // text in lower case, for the context words; made when first needed
	for _, m := range phoneRuns(text) {
		s := strings.TrimRight(text[m[0]:m[1]], " .-(")
		lo, hi := m[0], m[0]+len(s)
		if used[lo] {
			continue
		}
		before := func() string {
			if lower == "" {
				lower = strings.ToLower(text)
			}
			return lower[max(0, lo-48):lo]
		}
		if !d.isPhone(s, before) {
			continue
		}
		if claim(lo, hi) {
			out = append(out, PII{PIIPhone, s})
		}
	}
	return out
}

// emailAt reports whether text has an '@' between two characters an e-mail
// address may have there (a handle such as "@brand" has none before it).
func emailAt(text string) bool {
	for i := strings.IndexByte(text, '@'); i >= 0; {
		if i > 0 && i+1 < len(text) && emailByte(text[i-1]) && emailByte(text[i+1]) {
			return true
		}
		j := strings.IndexByte(text[i+1:], '@')
		if j < 0 {
			return false
		}
		i += 1 + j
	}
	return false
}

func emailByte(c byte) bool {
	return isLetter(c) || isDigit(c) || strings.IndexByte("._%+-", c) >= 0
}

// ibanStart reports whether text has two capital letters followed by two
// digits, as every IBAN begins.
func ibanStart(text string) bool {
	for i := 0; i+3 < len(text); i++ {
		if isUpper(text[i]) && isUpper(text[i+1]) && isDigit(text[i+2]) && isDigit(text[i+3]) {
			return true
		}
	}
	return false
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// accountWord reports whether text has one of the words the default
// account pattern starts with.
func accountWord(text string) bool {
	for i := 0; i < len(text); i++ {
		switch text[i] | 0x20 { // ASCII lower case
		case 'a':
			if hasFoldAt(text, i, "account") || hasFoldAt(text, i, "acct") || hasFoldAt(text, i, "a/c") {
				return true
			}
		case 'r':
			if hasFoldAt(text, i, "routing") {
				return true
			}
		case 's':
			if hasFoldAt(text, i, "sort code") {
				return true
			}
		}
	}
	return false
}

// containsFold reports whether text contains the lower-case ASCII word w,
// in any ASCII case (as strings.EqualFold over a window of len(w) bytes:
// a non-ASCII rune that folds to an ASCII letter takes more bytes than
// the letter, so it can never fill such a window).
func containsFold(text, w string) bool {
	for i := 0; i+len(w) <= len(text); i++ {
		if hasFoldAt(text, i, w) {
			return true
		}
	}
	return false
}

// hasFoldAt reports whether text has the lower-case ASCII word w at byte
// i, in any ASCII case.
func hasFoldAt(text string, i int, w string) bool {
	if len(text)-i < len(w) {
		return false
	}
	for j := 0; j < len(w); j++ {
		c := text[i+j]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != w[j] {
			return false
		}
	}
	return true
}

func matchesIf(ok bool, re *regexp.Regexp, text string) [][]int {
	if !ok {
		return nil
	}
	return re.FindAllStringIndex(text, -1)
}

func (d *Detector) brandAddress(email string) bool {
	at := strings.LastIndexByte(email, '@')
	dom := strings.ToLower(email[at+1:])
	for _, b := range d.domains {
		if dom == b || strings.HasSuffix(dom, "."+b) {
			return true
		}
	}
	return false
}

// Has reports whether text contains personal data.
func (d *Detector) Has(text string) bool { return len(d.Find(text)) > 0 }

// isPhone reports whether s, a candidate found by phoneCandRe, is a
// personal phone number; before returns the lower-case text just before it
// (up to 48 bytes), for the context words.
func (d *Detector) isPhone(s string, before func() string) bool {
	n := onlyDigits(s)
	if len(n) < 7 || len(n) > 15 || strings.IndexByte(s, '.') >= 0 && !strings.ContainsAny(s, " -()") {
		return false // too short or long, or a version number like 8.5.50.916
	}
	norm := parseForm(s, n)
	if strings.HasPrefix(s, "+") {
		// One reading of the number's type says both whether it is valid
		// (IsValidNumber is GetNumberType(p) != UNKNOWN, for the region
		// the number's country code gives) and whether it is a business's.
		if norm == "+"+n { // digits alone: read as the parser would, without it (plusType)
			if t, ok := plusType(n); ok && t != phonenumbers.UNKNOWN {
				return !businessType(t)
			}
		} else if p, err := phonenumbers.Parse(norm, "ZZ"); err == nil {
			if t := phoneType(p); t != phonenumbers.UNKNOWN {
				return !businessType(t)
			}
		}
	}
	regions := d.regions
	if n == s && len(regions) > 1 {
		regions = regions[:1] // a bare run of digits: only the first region's format
	}
	for _, r := range regions {
		if len(n) < 9 {
			break // short national numbers are too often something else
		}
		if p, err := phonenumbers.Parse(norm, r); err == nil && validForRegion(p, r) {
			return !businessType(phoneType(p))
		}
	}
	if len(d.context) == 0 {
		return false
	}
	b := before()
	for _, w := range d.context {
		if strings.Contains(b, w) {
			return true
		}
	}
	return false
}

// parseForm returns what isPhone gives the parser for candidate s, whose
// digits are n: the digits alone (with the leading "+", if any), which
// the parser reads as the same number, faster, since spaces, dots, dashes
// and parentheses mean nothing to it (TestParseDigitsOnly); other white
// space makes the text no number to it, so such a candidate is s itself.
func parseForm(s, n string) string {
	switch {
	case strings.ContainsAny(s, "\t\n\v\f\r"):
		return s
	case strings.HasPrefix(s, "+"):
		return "+" + n
	}
	return n
}

// businessType reports whether t is a business's number (toll-free,
// shared-cost, premium-rate, universal access), not a person's.
func businessType(t phonenumbers.PhoneNumberType) bool {
	switch t {
	case phonenumbers.TOLL_FREE, phonenumbers.SHARED_COST, phonenumbers.PREMIUM_RATE, phonenumbers.UAN:
		return true
	}
	return false
}

// onlyDigits returns the ASCII digits of s; s itself when it has nothing
// else.
func onlyDigits(s string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	if n == len(s) {
		return s
	}
	b := make([]byte, 0, n)
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b = append(b, s[i])
		}
	}
	return string(b)
}

// luhn reports whether the digit string passes the Luhn check.
func luhn(n string) bool {
	sum, double := 0, false
	for i := len(n) - 1; i >= 0; i-- {
		v := int(n[i] - '0')
		if double {
			if v *= 2; v > 9 {
				v -= 9
			}
		}
		sum += v
		double = !double
	}
	return sum%10 == 0
}

// validIBAN checks an IBAN's mod-97 checksum.
func validIBAN(s string) bool {
	s = strings.ReplaceAll(s, " ", "")
	if len(s) < 15 || len(s) > 34 {
		return false
	}
	s = s[4:] + s[:4]
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			fmt.Fprintf(&b, "%d", r-'A'+10)
		default:
			return false
		}
	}
	v, ok := new(big.Int).SetString(b.String(), 10)
	return ok && new(big.Int).Mod(v, big.NewInt(97)).Int64() == 1
}

var defaultDetector, _ = NewDetector(nil)

// HasPersonalData reports whether text contains an e-mail address, a phone
// number, a card number or an account number, with the default detector.
func HasPersonalData(text string) bool { return defaultDetector.Has(text) }
