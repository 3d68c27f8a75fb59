package situation

import (
	"encoding/binary"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/socialcare/socialcare/internal/textnorm"
)

// foldLimit bounds foldTable: runes below it are folded by table lookup,
// the rest by Unicode decomposition.
const foldLimit = textnorm.FoldLimit

// foldTable maps each rune below foldLimit to its case- and
// diacritic-folded form ("Ã" → "a", "ß" → "ss"), or "" for runes that are
// not word characters. It is computed once and never changes.
var foldTable = textnorm.FoldTable(map[rune]string{
	'ß': "ss", 'æ': "ae", 'Æ': "ae", 'œ': "oe", 'Œ': "oe", 'ø': "o", 'Ø': "o",
	'đ': "d", 'Đ': "d", 'ł': "l", 'Ł': "l", 'ı': "i",
})

// asciiWord maps ASCII letters and digits to their folded byte, and every
// other ASCII character to 0.
var asciiWord = textnorm.ASCIIWord

func isApostrophe(r rune) bool { return textnorm.IsApostrophe(r) }

// breakKind classifies punctuation: 0 none, 1 a clause break (negation
// does not reach across it), 2 a sentence break (patterns do not match
// across it either).
func breakKind(r rune) int {
	switch r {
	case ',', ';', ':', '(', ')', '"', '“', '”':
		return 1
	case '.', '!', '?', '¡', '¿', '\n', '…':
		return 2
	}
	return 0
}

// token is one normalised word: buf[start:end] of the tokenizer's buffer,
// from text[from:to] of the original.
type token struct {
	start, end int32
	from, to   int32
	hash       uint64
	clause     bool // a clause or sentence break precedes it
	sentence   bool // a sentence break precedes it
	negEnd     bool // a negation cue ends here
	tag        bool // part of an @handle or #hashtag
	hashStart  bool // the first word of a #hashtag
}

// tokenizer normalises text into words, reusing its buffers. Words are
// case folded, without diacritics or apostrophes; hashtags and handles are
// split at camelCase humps ("#StopTheCharges" → "stop", "the", "charges").
type tokenizer struct {
	buf  []byte
	toks []token
	// bl holds the hashes of the words, then of their first three bytes,
	// for slots' quick test (see slot.mayMatch and checkFilter).
	bl [2]bloom
}

// hashBytes hashes a normalised word. Patterns and messages hash their
// words with it alike; a hash only ever selects candidates, which are
// then compared byte for byte, so any good mix will do: this one takes
// eight bytes at a time rather than one.
func hashBytes(b []byte) uint64 {
	h := uint64(len(b)) * 0x9E3779B97F4A7C15
	for len(b) >= 8 {
		h = (h ^ binary.LittleEndian.Uint64(b)) * 0xBF58476D1CE4E5B9
		h ^= h >> 31
		b = b[8:]
	}
	var t uint64
	for i, c := range b {
		t |= uint64(c) << (8 * i)
	}
	h = (h ^ t) * 0x94D049BB133111EB
	return h ^ h>>29
}

func (z *tokenizer) word(i int) []byte { t := z.toks[i]; return z.buf[t.start:t.end] }

func (z *tokenizer) reset() { z.buf, z.toks, z.bl = z.buf[:0], z.toks[:0], [2]bloom{} }

func (z *tokenizer) tokenize(s string) {
	// The state stays in local variables (a closure that changed them
	// would keep them in memory); endWord appends a word.
	inWord, tag, clause, sentence := false, false, false, false
	hash, first := false, false // in a hashtag; its first word not yet ended
	var start, from int
	var prev rune
	buf := z.buf
	for i := 0; i < len(s); {
		at := i
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
					if z.endWord(buf, start, from, at, clause || sentence, sentence, tag, hash && first) {
						first, clause, sentence = false, false, false
					}
					inWord = false
				}
			}
			if !inWord {
				inWord, start, from = true, len(buf), at
			}
			buf = append(buf, asciiWord[r])
			prev = r
			if !tag {
				// The rest of a plain ASCII word, in one loop.
				for i < len(s) && s[i] < utf8.RuneSelf && asciiWord[s[i]] != 0 {
					buf = append(buf, asciiWord[s[i]])
					i++
				}
				prev = rune(s[i-1])
			}
			continue
		}
		var folded string
		switch {
		case r < utf8.RuneSelf:
			// Not a word character (those took the fast path).
		case r < foldLimit:
			folded = foldTable[r]
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			base, _ := utf8.DecodeRuneInString(norm.NFD.String(string(unicode.ToLower(r))))
			if base < foldLimit && foldTable[base] != "" {
				folded = foldTable[base]
			} else {
				folded = string(base)
			}
		}
		if folded == "" {
			if isApostrophe(r) && inWord {
				// A possessive or contracted "'s" ends the word: "CMA's"
				// is "cma", "what's" is "what".
				if i < len(s) && (s[i] == 's' || s[i] == 'S') && (i+1 == len(s) || !isWordByte(s[i+1])) {
					i++
				}
				continue
			}
			if inWord {
				if z.endWord(buf, start, from, at, clause || sentence, sentence, tag, hash && first) {
					first, clause, sentence = false, false, false
				}
				inWord = false
			}
			tag = r == '@' || r == '#'
			hash, first = r == '#', r == '#'
			if r == '.' && at > 0 && i < len(s) && isASCIIAlnum(s[at-1]) && isASCIIAlnum(s[i]) {
				// A dot inside a word ("1.16.0", "U.S.A", "example.com")
				// separates words but does not end a sentence.
				continue
			}
			switch breakKind(r) {
			case 1:
				clause = true
			case 2:
				sentence = true
			}
			continue
		}
		if inWord && tag && unicode.IsUpper(r) {
			next, _ := utf8.DecodeRuneInString(s[i:])
			if unicode.IsLower(prev) || (unicode.IsUpper(prev) && unicode.IsLower(next)) {
				if z.endWord(buf, start, from, at, clause || sentence, sentence, tag, hash && first) {
					first, clause, sentence = false, false, false
				}
				inWord = false
			}
		}
		if !inWord {
			inWord, start, from = true, len(buf), at
		}
		buf = append(buf, folded...)
		prev = r
	}
	if inWord {
		z.endWord(buf, start, from, len(s), clause || sentence, sentence, tag, hash && first)
	}
	z.buf = buf
}

// endWord appends the word buf[start:], from text[from:to], with its
// flags, unless it is empty; it reports whether it appended.
func (z *tokenizer) endWord(buf []byte, start, from, to int, clause, sentence, tag, hashStart bool) bool {
	w := buf[start:]
	if len(w) == 0 {
		return false
	}
	h := hashBytes(w)
	z.bl[0].add(h)
	if len(w) >= 3 {
		z.bl[1].add(prefixHash(w))
	}
	z.toks = append(z.toks, token{start: int32(start), end: int32(len(buf)), from: int32(from), to: int32(to),
		hash: h, clause: clause, sentence: sentence, tag: tag, hashStart: hashStart})
	return true
}

// Normalize returns s as patterns see it: its normalised words joined by
// single spaces ("NÃO cobrem #DuasVezes!" → "nao cobrem duas vezes"). It is
// meant for writing and debugging patterns, and allocates.
func Normalize(s string) string {
	var z tokenizer
	z.tokenize(s)
	b := make([]byte, 0, len(z.buf)+len(z.toks))
	for i := range z.toks {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, z.word(i)...)
	}
	return string(b)
}

// isASCIIAlnum reports ASCII letters and digits.
func isASCIIAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// isWordByte reports ASCII letters and digits, and any non-ASCII byte (a
// conservative guess that it starts a letter).
func isWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c >= 0x80
}
