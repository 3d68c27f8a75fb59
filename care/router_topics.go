package care

import (
	"math/bits"
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
	// Each word looks up the keyword parts that start with it as soon as
	// it is split off; the parts of several words are checked once all
	// words are known. A keyword is found when all its parts are.
	cands := sc.cands[:0]
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf && !topicASCII[c] {
			i++
			continue
		}
		start, isASCII := i, true
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
			isASCII = false
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
		w := text[start:end]
		if len(w) == 0 {
			continue
		}
		var refs []partRef
		if isASCII {
			if len(w) > 63 || r.firstMask[topicLower[w[0]]]&(1<<len(w)) == 0 || !r.mayStart(w) {
				continue // no keyword part starts with a word of this first byte and length, or first two bytes
			}
			refs = r.firstWord.getASCII(w)
		} else {
			sc.buf = appendLower(sc.buf[:0], w)
			lw := sc.buf
			if len(lw) == 0 || len(lw) > 63 || r.firstMask[lw[0]]&(1<<len(lw)) == 0 {
				continue
			}
			refs = r.firstWord.get(lw)
		}
		if len(refs) > 0 {
			cands = append(cands, topicCand{word: len(offs) - 1, refs: refs})
		}
	}
	sc.offs, sc.cands = offs, cands
	// seen has a bit per keyword part.
	var small [4]uint64
	var seen []uint64
	if n := (r.nparts + 63) / 64; n > len(small) {
		seen = make([]uint64, n)
	} else {
		seen = small[:n]
	}
	for _, cd := range cands {
		i := cd.word
		for _, ref := range cd.refs {
			p := r.topics[ref.topic].kws[ref.kw].parts[ref.part]
			if i+len(p) > len(offs) {
				continue
			}
			ok := true
			for j := 1; j < len(p) && ok; j++ {
				ok = lowerEqual(sc, text[offs[i+j][0]:offs[i+j][1]], p[j])
			}
			if ok {
				seen[ref.n>>6] |= 1 << (ref.n & 63)
			}
		}
	}
	some := false
	for _, x := range seen {
		some = some || x != 0
	}
	if !some {
		return nil, nil
	}
	var at [16][2]int32 // each topic found and the keyword that found it
	hits := at[:0]
	for ti := range r.topics {
		if !anySeen(seen, r.topics[ti].parts) {
			continue // none of its keywords' parts was found
		}
		for ki := range r.topics[ti].kws {
			if k := &r.topics[ti].kws[ki]; allSeen(seen, k.part0, len(k.parts)) {
				hits = append(hits, [2]int32{int32(ti), int32(ki)})
				break
			}
		}
	}
	if len(hits) == 0 {
		return nil, nil
	}
	// One allocation for both results.
	out := make([]string, 2*len(hits))
	names, found = out[:len(hits):len(hits)], out[len(hits):]
	for j, h := range hits {
		t := &r.topics[h[0]]
		names[j], found[j] = t.name, t.kws[h[1]].text
	}
	return names, found
}

// anySeen reports whether one of the parts [p[0], p[1]) of seen is set.
func anySeen(seen []uint64, p [2]int) bool {
	for b := p[0]; b < p[1]; {
		w := seen[b>>6] >> (b & 63)
		if n := p[1] - b; n < 64-(b&63) {
			w &= 1<<n - 1
			b += n
		} else {
			b += 64 - (b & 63)
		}
		if w != 0 {
			return true
		}
	}
	return false
}

// allSeen reports whether the n bits of seen from bit from are all set.
func allSeen(seen []uint64, from, n int) bool {
	for b := from; b < from+n; b++ {
		if seen[b>>6]&(1<<(b&63)) == 0 {
			return false
		}
	}
	return true
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

// topicCand is a word of a text (its index among the words) and the
// keyword parts that start with it.
type topicCand struct {
	word int
	refs []partRef
}

// partRef locates one part of a topic keyword; n numbers it among all
// keywords' parts.
type partRef struct{ topic, kw, part, n int32 }

// wordTable maps a lower-cased word to the keyword parts that start with
// it: an open-addressing hash table, built once and then only read, which
// looks an ASCII word up without lower-casing it into a buffer.
type wordTable struct {
	shift uint8 // 64 - log2(len(slots))
	slots []wordSlot
}

type wordSlot struct {
	word string // "": an empty slot
	refs []partRef
}

func newWordTable(m map[string][]partRef) wordTable {
	n := 8
	for n < 2*len(m) {
		n *= 2
	}
	t := wordTable{shift: uint8(64 - bits.TrailingZeros(uint(n))), slots: make([]wordSlot, n)}
	for w, refs := range m {
		h := uint64(fnvOffset)
		for i := 0; i < len(w); i++ {
			h = (h ^ uint64(w[i])) * fnvPrime
		}
		i := t.slot(h)
		for t.slots[i].word != "" {
			i = (i + 1) & (n - 1)
		}
		t.slots[i] = wordSlot{word: w, refs: refs}
	}
	return t
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func (t *wordTable) slot(h uint64) int { return int((h * 0x9E3779B97F4A7C15) >> t.shift) }

// getASCII returns the parts that start with the ASCII word w lower-cased.
func (t *wordTable) getASCII(w string) []partRef {
	h := uint64(fnvOffset)
	for i := 0; i < len(w); i++ {
		h = (h ^ uint64(topicLower[w[i]])) * fnvPrime
	}
	mask := len(t.slots) - 1
	for i := t.slot(h); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.word == "" {
			return nil
		}
		if len(s.word) == len(w) && asciiLowerEqual(w, s.word) {
			return s.refs
		}
	}
}

// get returns the parts that start with the lower-cased word lw.
func (t *wordTable) get(lw []byte) []partRef {
	h := uint64(fnvOffset)
	for _, c := range lw {
		h = (h ^ uint64(c)) * fnvPrime
	}
	mask := len(t.slots) - 1
	for i := t.slot(h); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.word == "" {
			return nil
		}
		if s.word == string(lw) {
			return s.refs
		}
	}
}

// asciiLowerEqual reports whether the ASCII word w lower-cased is p, of
// the same length.
func asciiLowerEqual(w, p string) bool {
	for i := 0; i < len(w); i++ {
		if topicLower[w[i]] != p[i] {
			return false
		}
	}
	return true
}

// trimmedWords is words without trailing dots, as topic keywords match.
func trimmedWords(s string) []string {
	ws := words(s)
	for i, w := range ws {
		ws[i] = strings.TrimRight(w, ".")
	}
	return ws
}
