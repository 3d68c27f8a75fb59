// Package textnorm holds the building blocks that the tokenizers of
// situation and priority share: the folding of runes to lower case without
// diacritics, the ASCII word-character table, the apostrophes, and the hash
// of a normalised word.
//
// The tokenizers themselves differ on purpose (what an apostrophe does to a
// word, which punctuation breaks a clause, final sigma), so each package
// keeps its own.
package textnorm

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// FoldLimit bounds the precomputed folding tables: runes below it are
// folded by table lookup, the rest by Unicode decomposition.
const FoldLimit = 0x250

// FoldTable returns a table that maps each rune below FoldLimit to its
// case- and diacritic-folded form ("Ã" → "a"), or "" for runes that are
// not letters or digits. special gives the folds that Unicode's canonical
// decompositions do not ("ß" → "ss"); a rune that decomposes to one of its
// keys folds as that key does ("ǿ" → "ø" → "o").
func FoldTable(special map[rune]string) (t [FoldLimit]string) {
	var fold func(r rune) string
	fold = func(r rune) string {
		if s, ok := special[r]; ok {
			return s
		}
		base, _ := utf8.DecodeRuneInString(norm.NFD.String(string(r)))
		base = unicode.ToLower(base)
		if base != r {
			return fold(base)
		}
		return string(base)
	}
	for r := rune(0); r < FoldLimit; r++ {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			t[r] = fold(r)
		}
	}
	return t
}

// ASCIIWord maps ASCII letters and digits to their folded byte, and every
// other ASCII character to 0. It is never changed.
var ASCIIWord = func() (t [utf8.RuneSelf]byte) {
	for c := range t {
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			t[c] = byte(c)
		case 'A' <= c && c <= 'Z':
			t[c] = byte(c) + 'a' - 'A'
		}
	}
	return t
}()

// IsApostrophe reports the apostrophes: ASCII's, the right and left single
// quotation marks, and the modifier letter apostrophe.
func IsApostrophe(r rune) bool { return r == '\'' || r == '’' || r == 'ʼ' || r == '‘' }

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// Hash returns the 64-bit FNV-1a hash of b.
func Hash(b []byte) uint64 {
	h := uint64(fnvOffset)
	for _, c := range b {
		h ^= uint64(c)
		h *= fnvPrime
	}
	return h
}
