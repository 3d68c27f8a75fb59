package care

import (
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"strings"
	"unicode"

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
	for _, w := range c.PhoneContext {
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
		if used[lo] || !d.isPhone(s, lower[max(0, lo-48):lo]) {
			continue
		}
		if claim(lo, hi) {
			out = append(out, PII{PIIPhone, s})
		}
	}
	return out
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

func (d *Detector) isPhone(s, before string) bool {
	n := onlyDigits(s)
	if len(n) < 7 || len(n) > 15 || strings.Count(s, ".") > 0 && !strings.ContainsAny(s, " -()") {
		return false // too short or long, or a version number like 8.5.50.916
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
		regions = regions[:1] // a bare run of digits: only the first region's format
	}
	for _, r := range regions {
		if len(n) < 9 {
			break // short national numbers are too often something else
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

func onlyDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
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

// ToneConfig configures the tone guard. The zero value gives the defaults.
type ToneConfig struct {
	// Insults are words and phrases a brand never writes. Defaults to a
	// short English list (idiot, stupid, moron, dumb, shut up, pathetic,
	// ridiculous, clueless, liar, incompetent, ...).
	Insults []string
	// Sarcasm are phrases that read as sarcasm in a reply ("yeah right",
	// "good luck with that", "thanks for nothing", "obviously you", "/s",
	// ...). Defaults to a short English list.
	Sarcasm []string
	// Block makes a tone finding block the reply (a *GuardError) instead
	// of flagging it. Defaults to false: flag and send.
	Block bool
}

// ToneChecker is the "never reply in kind" guard. It is immutable and safe
// for concurrent use.
type ToneChecker struct {
	insults, sarcasm [][]string
	block            bool
}

// NewToneChecker returns a tone checker. cfg may be nil.
func NewToneChecker(cfg *ToneConfig) *ToneChecker {
	var c ToneConfig
	if cfg != nil {
		c = *cfg
	}
	if c.Insults == nil {
		c.Insults = []string{"idiot", "idiots", "stupid", "moron", "morons", "dumb", "shut up", "pathetic", "ridiculous", "clueless", "liar", "incompetent", "loser", "crap", "garbage", "trash", "your fault", "learn to read", "get a life"}
	}
	if c.Sarcasm == nil {
		c.Sarcasm = []string{"yeah right", "good luck with that", "thanks for nothing", "obviously you", "clearly you", "as if", "sure you did", "congratulations on", "/s", "whatever you say", "wow just wow", "nice try"}
	}
	t := &ToneChecker{block: c.Block}
	for _, w := range c.Insults {
		if ws := words(w); len(ws) > 0 {
			t.insults = append(t.insults, ws)
		}
	}
	for _, w := range c.Sarcasm {
		if strings.TrimSpace(w) == "/s" {
			t.sarcasm = append(t.sarcasm, []string{"/s"})
		} else if ws := words(w); len(ws) > 0 {
			t.sarcasm = append(t.sarcasm, ws)
		}
	}
	return t
}

// Check returns the tone findings of reply, an answer to customer (the
// customer's message; may be empty). A finding says when the reply mirrors
// the customer's own words.
func (t *ToneChecker) Check(reply, customer string) []Flag {
	rw, cw := words(reply), words(customer)
	customerInsults := false
	for _, p := range t.insults {
		customerInsults = customerInsults || containsPhrase(cw, p)
	}
	var out []Flag
	for _, p := range t.insults {
		if containsPhrase(rw, p) {
			d := "insult " + quote(p)
			if customerInsults {
				d += ", mirroring the customer"
			}
			out = append(out, Flag{GuardTone, d})
		}
	}
	for _, p := range t.sarcasm {
		hit := false
		if p[0] == "/s" {
			hit = strings.HasSuffix(strings.TrimSpace(reply), "/s")
		} else {
			hit = containsPhrase(rw, p)
		}
		if hit {
			out = append(out, Flag{GuardTone, "sarcasm " + quote(p)})
		}
	}
	return out
}

func quote(ws []string) string { return `"` + strings.Join(ws, " ") + `"` }

// words lower-cases s and splits it into words of letters, digits and
// apostrophes.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '$' && r != '.'
	})
}

// containsPhrase reports whether p occurs in ws as consecutive words
// (trailing dots ignored).
func containsPhrase(ws, p []string) bool {
outer:
	for i := 0; i+len(p) <= len(ws); i++ {
		for j := range p {
			if strings.TrimRight(ws[i+j], ".") != strings.TrimRight(p[j], ".") {
				continue outer
			}
		}
		return true
	}
	return false
}

// Signature is a sign-off recognised at the end of a reply.
type Signature struct {
	// Marker is the character before the name ("^", "*", "-", "~", "/").
	Marker string
	// Who is the initials or name ("JS", "Stephanie").
	Who string
}

var sigRe = regexp.MustCompile(`(?:^|\s)([\^*~/\-–—])\s?([A-Z][A-Za-z]{0,19})[\s.!]*$`)

// ParseSignature recognises a sign-off at the end of text: a marker (^, *,
// -, ~ or /) followed by initials or a capitalised name, as in "… ^JS",
// "… *SR" or "… -Richard".
func ParseSignature(text string) (Signature, bool) {
	m := sigRe.FindStringSubmatch(strings.TrimSpace(text))
	if m == nil {
		return Signature{}, false
	}
	return Signature{Marker: m[1], Who: m[2]}, true
}

// Macro is an approved answer for an intent, shared by every channel.
type Macro struct {
	// Intent names what the customer asks ("baggage-allowance").
	// Required and unique.
	Intent string
	// Text is the approved answer.
	Text string
	// Keywords recognise the intent in a customer message (any phrase,
	// whole words, case-insensitive); empty means the intent is only
	// given explicitly with ReplyOptions.Intent.
	Keywords []string
	// BotAllowed lets bots answer this intent.
	BotAllowed bool
}

// ConsistencyChecker compares replies with approved answers. It is
// immutable and safe for concurrent use.
type ConsistencyChecker struct {
	macros   map[string]Macro
	order    []string
	minShare float64
}

// NewConsistencyChecker returns a checker over macros. minShare is the least
// share of the approved answer's content words a reply must contain
// (0 < minShare ≤ 1). Every number (prices, sizes, durations) of the
// approved answer must also appear in the reply.
func NewConsistencyChecker(macros []Macro, minShare float64) (*ConsistencyChecker, error) {
	if minShare <= 0 || minShare > 1 {
		return nil, fmt.Errorf("%w: consistency: MinShare must be in (0, 1], got %v", ErrInvalid, minShare)
	}
	c := &ConsistencyChecker{macros: map[string]Macro{}, minShare: minShare}
	for i, m := range macros {
		if m.Intent == "" || strings.TrimSpace(m.Text) == "" {
			return nil, fmt.Errorf("%w: consistency: Macros[%d] needs an Intent and a Text", ErrInvalid, i)
		}
		if _, dup := c.macros[m.Intent]; dup {
			return nil, fmt.Errorf("%w: consistency: duplicate macro intent %q", ErrInvalid, m.Intent)
		}
		c.macros[m.Intent] = m
		c.order = append(c.order, m.Intent)
	}
	return c, nil
}

// Macro returns the approved answer for intent.
func (c *ConsistencyChecker) Macro(intent string) (Macro, bool) {
	m, ok := c.macros[intent]
	return m, ok
}

// Intent returns the first macro whose keywords occur in text.
func (c *ConsistencyChecker) Intent(text string) (string, bool) {
	ws := words(text)
	for _, in := range c.order {
		for _, k := range c.macros[in].Keywords {
			if containsPhrase(ws, words(k)) {
				return in, true
			}
		}
	}
	return "", false
}

var stop = map[string]bool{"a": true, "an": true, "the": true, "and": true, "or": true, "to": true, "of": true, "in": true, "on": true, "for": true, "is": true, "are": true, "you": true, "your": true, "we": true, "our": true, "it": true, "at": true, "be": true, "can": true, "with": true, "this": true, "that": true, "i": true, "i'm": true, "we're": true, "us": true, "as": true, "per": true, "each": true}

// Check compares reply with the approved answer for intent. It returns no
// flag when the intent has no macro.
func (c *ConsistencyChecker) Check(intent, reply string) []Flag {
	m, ok := c.macros[intent]
	if !ok {
		return nil
	}
	rw := map[string]bool{}
	for _, w := range words(reply) {
		rw[strings.TrimRight(w, ".")] = true
	}
	var content, nums []string
	for _, w := range words(m.Text) {
		w = strings.TrimRight(w, ".")
		if stop[w] || w == "" {
			continue
		}
		if strings.IndexFunc(w, unicode.IsDigit) >= 0 {
			nums = append(nums, w)
		}
		content = append(content, w)
	}
	var out []Flag
	for _, n := range nums {
		if !rw[n] {
			out = append(out, Flag{GuardConsistency, fmt.Sprintf("approved answer for %q says %q; the reply does not", intent, n)})
		}
	}
	have := 0
	for _, w := range content {
		if rw[w] {
			have++
		}
	}
	if len(content) > 0 && float64(have)/float64(len(content)) < c.minShare {
		out = append(out, Flag{GuardConsistency, fmt.Sprintf("reply shares %d of %d words of the approved answer for %q", have, len(content), intent)})
	}
	return out
}
