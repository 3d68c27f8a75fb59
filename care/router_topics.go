package care

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Topics returns the topics found in text with the keyword that found each.
func (r *Router) Topics(text string) (names, found []string) {
	// Words as words() splits them (letters, digits, apostrophes, '$' and
	// '.'), lower-cased, trailing dots trimmed; kept in one buffer, without
	// allocating for tweet-sized text.
	sc := r.pool.Get().(*topicScratch)
	defer r.pool.Put(sc)
	buf, offs := sc.buf[:0], sc.offs[:0]
	defer func() { sc.buf, sc.offs = buf, offs }()
	inWord := false
	for _, c := range text {
		var isWord bool
		if c < utf8.RuneSelf {
			isWord = topicASCII[c]
		} else {
			isWord = unicode.IsLetter(c) || unicode.IsDigit(c)
		}
		if isWord {
			if !inWord {
				offs = append(offs, [2]int32{int32(len(buf)), 0})
				inWord = true
			}
			if c < utf8.RuneSelf {
				if 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
				}
				buf = append(buf, byte(c))
			} else {
				buf = utf8.AppendRune(buf, unicode.ToLower(c))
			}
			continue
		}
		if inWord {
			offs[len(offs)-1][1] = int32(len(buf))
			inWord = false
		}
	}
	if inWord {
		offs[len(offs)-1][1] = int32(len(buf))
	}
	word := func(i int) []byte {
		w := buf[offs[i][0]:offs[i][1]]
		for len(w) > 0 && w[len(w)-1] == '.' {
			w = w[:len(w)-1]
		}
		return w
	}
	// Each word looks up the keyword parts that start with it; a keyword
	// is found when all its parts are.
	var small [64]uint64
	var seen []uint64
	if r.nkw > len(small) {
		seen = make([]uint64, r.nkw)
	} else {
		seen = small[:r.nkw]
	}
	for i := range offs {
		w := word(i)
		if len(w) == 0 || len(w) > 63 || r.firstMask[w[0]]&(1<<len(w)) == 0 {
			continue // no keyword part starts with a word of this first byte and length
		}
		for _, ref := range r.firstWord[string(w)] {
			p := r.topics[ref.topic].kws[ref.kw].parts[ref.part]
			if i+len(p) > len(offs) {
				continue
			}
			ok := true
			for j := 1; j < len(p) && ok; j++ {
				ok = string(word(i+j)) == p[j]
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

// topicASCII reports the ASCII characters of topic words: letters, digits,
// apostrophes, '$' and '.'.
var topicASCII = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '\'' || c == '$' || c == '.'
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
