package priority

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/socialcare/socialcare/internal/textnorm"
)

// foldLimit bounds foldTable: runes below it are folded by table lookup,
// the rest by Unicode decomposition.
const foldLimit = textnorm.FoldLimit

// foldTable maps each rune below foldLimit to its case- and diacritic-folded
// form ("Ã" → "a", "ß" → "ss", "ǿ" → "ø" → "o"), or "" for runes that are
// not word characters. It is computed once, from Unicode's canonical
// decompositions, and never changes.
var foldTable = textnorm.FoldTable(map[rune]string{
	'ß': "ss", 'æ': "ae", 'Æ': "ae", 'œ': "oe", 'Œ': "oe", 'ø': "o", 'Ø': "o",
	'đ': "d", 'Đ': "d", 'ł': "l", 'Ł': "l", 'ı': "i", 'ħ': "h", 'Ħ': "h", 'þ': "th", 'Þ': "th",
	'ð': "d", 'Ð': "d", 'ŀ': "l", 'Ŀ': "l", 'ŉ': "n", 'ſ': "s",
})

// asciiWord maps ASCII letters and digits to their folded byte, and every
// other ASCII character to 0.
var asciiWord = textnorm.ASCIIWord

// isApostrophe reports runes that join a word without being part of it
// ("isn't" → "isnt", "O'Hare" → "ohare").
func isApostrophe(r rune) bool { return textnorm.IsApostrophe(r) }

// isClauseBreak reports punctuation that ends a clause; negation does not
// reach across it ("Not urgent, but I'm stranded").
func isClauseBreak(r rune) bool {
	switch r {
	case ',', '.', ';', ':', '!', '?', '(', ')', '¡', '¿', '\n', '…':
		return true
	}
	return false
}

// tok is one normalised word: its bytes are buf[start:end] of the
// tokenizer's buffer.
type tok struct {
	start, end int32
	hash       uint64
	// clause is set when a clause break precedes the token.
	clause bool
	// negEnd is set when a negation cue ends at this token.
	negEnd bool
}

// tokenizer normalises text into words, reusing its buffers.
type tokenizer struct {
	buf  []byte
	toks []tok
}

func hashBytes(b []byte) uint64 { return textnorm.Hash(b) }

// word returns the bytes of token i.
func (z *tokenizer) word(i int) []byte { t := z.toks[i]; return z.buf[t.start:t.end] }

// reset empties the tokenizer for a new text.
func (z *tokenizer) reset() { z.buf, z.toks = z.buf[:0], z.toks[:0] }

// tokenize appends the normalised words of s: case folded, diacritics
// removed, apostrophes and combining marks dropped, everything that is not
// a letter or a digit a separator. A word that starts with '@' or '#' is
// also split at camelCase humps ("#FlightCancelled" → "flight",
// "cancelled"; "@AirBR_Help" → "air", "br", "help").
func (z *tokenizer) tokenize(s string) {
	inWord, tag, clause := false, false, false
	var start int
	var prev rune // previous word rune, for camelCase
	end := func() {
		if inWord {
			w := z.buf[start:]
			if len(w) > 0 {
				z.toks = append(z.toks, tok{start: int32(start), end: int32(len(z.buf)), hash: hashBytes(w), clause: clause})
				clause = false
			}
			inWord = false
		}
	}
	for i := 0; i < len(s); {
		r, n := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s[i:])
		}
		i += n
		if r < utf8.RuneSelf && asciiWord[r] != 0 {
			// Fast path for ASCII letters and digits.
			if inWord && tag && 'A' <= r && r <= 'Z' {
				next, _ := utf8.DecodeRuneInString(s[i:])
				if unicode.IsLower(prev) || (unicode.IsUpper(prev) && unicode.IsLower(next)) {
					end()
				}
			}
			if !inWord {
				inWord, start = true, len(z.buf)
			}
			z.buf = append(z.buf, asciiWord[r])
			if !tag {
				// The rest of a run of ASCII letters and digits: no
				// camelCase outside tags.
				for i < len(s) && s[i] < utf8.RuneSelf && asciiWord[s[i]] != 0 {
					z.buf = append(z.buf, asciiWord[s[i]])
					i++
				}
				r = rune(s[i-1])
			}
			prev = r
			continue
		}
		var folded string
		switch {
		case r < foldLimit:
			folded = foldTable[r]
		case unicode.Is(unicode.Mn, r) || isApostrophe(r):
			continue // joins the word
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			lr := unicode.ToLower(r)
			if lr == 'ς' { // final sigma folds to sigma
				lr = 'σ'
			}
			base, _ := utf8.DecodeRuneInString(norm.NFD.String(string(lr)))
			if base < foldLimit && foldTable[base] != "" {
				folded = foldTable[base]
			} else {
				folded = string(base)
			}
		}
		if folded == "" {
			if isApostrophe(r) && inWord {
				continue
			}
			end()
			tag = r == '@' || r == '#'
			if isClauseBreak(r) {
				clause = true
			}
			continue
		}
		if inWord && tag && unicode.IsUpper(r) {
			// camelCase: split before an upper-case letter that follows a
			// lower-case one, or that starts a capitalised word after an
			// acronym ("HTTPError" → "http", "error").
			next, _ := utf8.DecodeRuneInString(s[i:])
			if unicode.IsLower(prev) || (unicode.IsUpper(prev) && unicode.IsLower(next)) {
				end()
			}
		}
		if !inWord {
			inWord, start = true, len(z.buf)
		}
		z.buf = append(z.buf, folded...)
		prev = r
	}
	end()
}

// Normalize returns s as the keyword matcher sees it: its normalised words
// joined by single spaces. "NÃO funciona! #VooCancelado" becomes
// "nao funciona voo cancelado". It is a convenience for debugging rules and
// allocates; Rules itself normalises without allocating.
func Normalize(s string) string {
	var z tokenizer
	z.tokenize(s)
	var b strings.Builder
	for i := range z.toks {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.Write(z.word(i))
	}
	return b.String()
}
