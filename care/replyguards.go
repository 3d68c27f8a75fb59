package care

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

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
	insults, sarcasm []phrase
	block            bool
	// first maps a word to the phrases that start with it: insults by
	// index, sarcasm by len(insults) plus index ("/s" is checked apart).
	first map[string][]int
}

// phrase is a tone phrase as words() splits it (words, for the finding's
// detail) and with the trailing dots trimmed (match, for hasPhrase).
type phrase struct{ words, match []string }

func newPhrase(ws []string) phrase { return phrase{ws, trimDots(slices.Clone(ws))} }

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
			t.insults = append(t.insults, newPhrase(ws))
		}
	}
	for _, w := range c.Sarcasm {
		if strings.TrimSpace(w) == "/s" {
			t.sarcasm = append(t.sarcasm, newPhrase([]string{"/s"}))
		} else if ws := words(w); len(ws) > 0 {
			t.sarcasm = append(t.sarcasm, newPhrase(ws))
		}
	}
	t.first = map[string][]int{}
	for i, p := range t.insults {
		t.first[p.match[0]] = append(t.first[p.match[0]], i)
	}
	for i, p := range t.sarcasm {
		if p.words[0] != "/s" {
			t.first[p.match[0]] = append(t.first[p.match[0]], len(t.insults)+i)
		}
	}
	return t
}

// find sets hit[k] for the phrases k (as first numbers them) that occur
// in rw (trailing dots trimmed): each word of rw is looked up once, rather
// than every phrase compared at every word.
func (t *ToneChecker) find(rw []string, hit []bool) {
	for i, w := range rw {
		for _, k := range t.first[w] {
			p := t.sarcasmOrInsult(k)
			if !hit[k] && hasPhrase(rw[i:min(i+len(p.match), len(rw))], p.match) {
				hit[k] = true
			}
		}
	}
}

func (t *ToneChecker) sarcasmOrInsult(k int) phrase {
	if k < len(t.insults) {
		return t.insults[k]
	}
	return t.sarcasm[k-len(t.insults)]
}

// Check returns the tone findings of reply, an answer to customer (the
// customer's message; may be empty). A finding says when the reply mirrors
// the customer's own words.
func (t *ToneChecker) Check(reply, customer string) []Flag {
	rw := trimDots(words(reply))
	var buf [64]bool
	hit := buf[:]
	if n := len(t.insults) + len(t.sarcasm); n > len(buf) {
		hit = make([]bool, n)
	}
	t.find(rw, hit)
	var out []Flag
	mirrors := -1 // whether the customer insulted: read only for a reply that does
	for i, p := range t.insults {
		if hit[i] {
			if mirrors < 0 {
				mirrors = 0
				cw := trimDots(words(customer))
				for _, q := range t.insults {
					if hasPhrase(cw, q.match) {
						mirrors = 1
						break
					}
				}
			}
			d := "insult " + quote(p.words)
			if mirrors == 1 {
				d += ", mirroring the customer"
			}
			out = append(out, Flag{GuardTone, d})
		}
	}
	for i, p := range t.sarcasm {
		found := hit[len(t.insults)+i]
		if p.words[0] == "/s" {
			found = strings.HasSuffix(strings.TrimSpace(reply), "/s")
		}
		if found {
			out = append(out, Flag{GuardTone, "sarcasm " + quote(p.words)})
		}
	}
	return out
}

// trimDots trims the trailing dots of each of ws, in place, and returns
// ws: words compared as containsPhrase compares them.
func trimDots(ws []string) []string {
	for i, w := range ws {
		ws[i] = strings.TrimRight(w, ".")
	}
	return ws
}

// hasPhrase is containsPhrase over words whose trailing dots are trimmed
// already (trimDots).
func hasPhrase(ws, p []string) bool {
outer:
	for i := 0; i+len(p) <= len(ws); i++ {
		for j := range p {
			if ws[i+j] != p[j] {
				continue outer
			}
		}
		return true
	}
	return false
}

func quote(ws []string) string { return `"` + strings.Join(ws, " ") + `"` }

// words lower-cases s and splits it into words of letters, digits and
// apostrophes.
func words(s string) []string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
				return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '$' && r != '.'
			})
		}
	}
	return asciiWords(s)
}

// asciiWords is words for an ASCII s, in one pass over a lower-cased copy
// (made only if s has capitals) and one slice of its words: the same words
// as strings.FieldsFunc over strings.ToLower, which for ASCII lower-case
// A to Z and split on bytes other than letters, digits, ', $ and '.'.
func asciiWords(s string) []string {
	n, in := 0, false
	upper := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		upper = upper || 'A' <= c && c <= 'Z'
		w := wordByte(c)
		if w && !in {
			n++
		}
		in = w
	}
	if n == 0 {
		return []string{} // as FieldsFunc: empty, not nil
	}
	if upper {
		var b strings.Builder
		b.Grow(len(s))
		for i := 0; i < len(s); i++ {
			c := s[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b.WriteByte(c)
		}
		s = b.String()
	}
	out := make([]string, 0, n)
	start := -1
	for i := 0; i <= len(s); i++ {
		if i < len(s) && wordByte(s[i]) {
			if start < 0 {
				start = i
			}
		} else if start >= 0 {
			out = append(out, s[start:i])
			start = -1
		}
	}
	return out
}

// wordByte reports the ASCII bytes words keeps in a word.
func wordByte(c byte) bool {
	return isLetter(c) || isDigit(c) || c == '\'' || c == '$' || c == '.'
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
	if !sigMarker(text) { // no marker: most replies
		return Signature{}, false
	}
	m := sigRe.FindStringSubmatch(strings.TrimSpace(text))
	if m == nil {
		return Signature{}, false
	}
	return Signature{Marker: m[1], Who: m[2]}, true
}

// sigMarker reports whether text has one of the markers a signature
// starts with: strings.ContainsAny(text, "^*~/-–—") read byte by byte,
// since the dashes' encodings (E2 80 93, E2 80 94) begin with a byte that
// is never part of another character's, and ASCII bytes never are.
func sigMarker(text string) bool {
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '^', '*', '~', '/', '-':
			return true
		case 0xE2:
			if i+2 < len(text) && text[i+1] == 0x80 && (text[i+2] == 0x93 || text[i+2] == 0x94) {
				return true
			}
		}
	}
	return false
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
	keywords [][][]string // per intent of order, its keywords as words()
	anyKey   bool         // some macro has keywords
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
		var kws [][]string
		for _, k := range m.Keywords {
			kws = append(kws, words(k))
		}
		c.keywords = append(c.keywords, kws)
		c.anyKey = c.anyKey || len(kws) > 0
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
	if !c.anyKey {
		return "", false // no macro is recognised by keywords: nothing to read
	}
	ws := words(text)
	for i, in := range c.order {
		for _, k := range c.keywords[i] {
			if containsPhrase(ws, k) {
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
