package care

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Topics returns the topics found in text with the keyword that found each.
func (r *Router) Topics(text string) (names, found []string) {
	// Words as words() splits them (letters, digits, apostrophes, '$' and
	// '.'), compared lower-cased with trailing dots trimmed. A word is
	// lower-cased into the scratch buffer only when a keyword part may
	// start with it (by its first byte and length), so that most words are
	// only scanned; nothing is allocated for tweet-sized text.
	sc := r.pool.Get().(*topicScratch)
	defer r.pool.Put(sc)
	offs := sc.offs[:0]
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf && !topicASCII[c] {
			i++
			continue
		}
		start := i
		for i < len(text) {
			if c := text[i]; c < utf8.RuneSelf {
				if !topicASCII[c] {
					break
				}
				i++
				continue
			}
			c, n := utf8.DecodeRuneInString(text[i:])
			if !unicode.IsLetter(c) && !unicode.IsDigit(c) {
				break
			}
			i += n
		}
		if i == start {
			// A non-ASCII rune that is not a letter or a digit.
			_, n := utf8.DecodeRuneInString(text[i:])
			i += n
			continue
		}
		end := i
		for end > start && text[end-1] == '.' {
			end--
		}
		// A word of dots only is kept, empty: it separates the words
		// around it, as words() does.
		offs = append(offs, [2]int32{int32(start), int32(end)})
	}
	sc.offs = offs
	// Each word looks up the keyword parts that start with it; a keyword
	// is found when all its parts are.
	var small [64]uint64
	var seen []uint64
	if r.nkw > len(small) {
		seen = make([]uint64, r.nkw)
	} else {
		seen = small[:r.nkw]
	}
	for i, o := range offs {
		w := text[o[0]:o[1]]
		if len(w) == 0 {
			continue
		}
		if ascii(w) {
			if len(w) > 63 || r.firstMask[topicLower[w[0]]]&(1<<len(w)) == 0 || !r.mayStart(w) {
				continue // no keyword part starts with a word of this first byte and length, or first two bytes
			}
		}
		sc.buf = appendLower(sc.buf[:0], w)
		lw := sc.buf
		if len(lw) == 0 || len(lw) > 63 || r.firstMask[lw[0]]&(1<<len(lw)) == 0 {
			continue
		}
		for _, ref := range r.firstWord[string(lw)] {
			p := r.topics[ref.topic].kws[ref.kw].parts[ref.part]
			if i+len(p) > len(offs) {
				continue
			}
			ok := true
			for j := 1; j < len(p) && ok; j++ {
				ok = lowerEqual(sc, text[offs[i+j][0]:offs[i+j][1]], p[j])
			}
			if ok {
				seen[ref.id] |= 1 << ref.part
			}
		}
	}
	for _, t := range r.topics {
		for _, k := range t.kws {
			if seen[k.id] == 1<<len(k.parts)-1 {
				names = append(names, t.name)
				found = append(found, k.text)
				break
			}
		}
	}
	return names, found
}

// pairBit is the bit of a word's first two bytes (the first alone for a
// word of one byte) in Router.firstPair.
func pairBit(w string) int {
	b := int(w[0]) << 8
	if len(w) > 1 {
		b |= int(w[1])
	}
	return b
}

// mayStart reports whether a keyword part may start with the ASCII word
// w, lower-cased, by its first two bytes.
func (r *Router) mayStart(w string) bool {
	b := int(topicLower[w[0]]) << 8
	if len(w) > 1 {
		b |= int(topicLower[w[1]])
	}
	return r.firstPair[b>>6]&(1<<(b&63)) != 0
}

// ascii reports whether s is all ASCII.
func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// appendLower appends w lower-cased, rune by rune, to dst.
func appendLower(dst []byte, w string) []byte {
	for i := 0; i < len(w); {
		if c := w[i]; c < utf8.RuneSelf {
			dst = append(dst, topicLower[c])
			i++
			continue
		}
		c, n := utf8.DecodeRuneInString(w[i:])
		dst = utf8.AppendRune(dst, unicode.ToLower(c))
		i += n
	}
	return dst
}

// lowerEqual reports whether w lower-cased is p.
func lowerEqual(sc *topicScratch, w, p string) bool {
	if ascii(w) {
		if len(w) != len(p) {
			return false
		}
		for i := 0; i < len(w); i++ {
			if topicLower[w[i]] != p[i] {
				return false
			}
		}
		return true
	}
	sc.buf = appendLower(sc.buf[:0], w)
	return string(sc.buf) == p
}

// topicASCII reports the ASCII characters of topic words: letters, digits,
// apostrophes, '$' and '.'.
var topicASCII = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '\'' || c == '$' || c == '.'
	}
	return t
}()

// topicLower lower-cases ASCII bytes.
var topicLower = func() (t [utf8.RuneSelf]byte) {
	for c := range t {
		t[c] = byte(c)
		if 'A' <= c && c <= 'Z' {
			t[c] = byte(c) + 'a' - 'A'
		}
	}
	return t
}()

// partRef locates one part of a topic keyword.
type partRef struct{ topic, kw, part, id int }

// trimmedWords is words without trailing dots, as topic keywords match.
func trimmedWords(s string) []string {
	ws := words(s)
	for i, w := range ws {
		ws[i] = strings.TrimRight(w, ".")
	}
	return ws
}
