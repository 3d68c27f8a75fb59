package situation

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// maxGap is the largest gap a pattern may allow between two words.
const maxGap = 9

// word matches one normalised word, exactly or by prefix.
type word struct {
	text    []byte
	hash    uint64 // of text, for exact words
	prefix  bool
	hashtag bool // only the first word of a #hashtag matches
}

func (w *word) matches(b []byte, h uint64) bool {
	if w.prefix {
		return bytes.HasPrefix(b, w.text)
	}
	return w.hash == h && bytes.Equal(w.text, b)
}

// alt is one alternative of a slot: one word, or several in a row
// ("not_working").
type alt []word

// slot is one position of a pattern.
type slot struct {
	alts     []alt
	optional bool
	gap      int // words that may be skipped before this slot

	// For speed, the alternatives again by kind: single exact words
	// sorted by hash, single-word prefixes, and several words in a row.
	hashes []uint64
	exact  [][]byte // in the order of hashes
	prefix [][]byte
	// pkey and pmask are each prefix's first three bytes (fewer for a
	// shorter prefix) packed as key3 packs a word's, and the mask of
	// those bytes: a word may start with the prefix only when its key3,
	// masked, is pkey.
	pkey, pmask []uint32
	multi       []alt
	// multiFirst are the hashes of the multi-word alternatives' exact
	// first words, sorted, and multiAt the index in multi of each, in
	// order among equal hashes; multiPre are the indices, in order, of
	// those that start with a prefix. Only these may match at a token,
	// and they are tried in the order of multi.
	multiFirst []uint64
	multiAt    []int32
	multiPre   []int32

	// A quick test that some word of the message may match the slot: the
	// filter bits of its exact words, and of the first three bytes of its
	// prefixes (any: a prefix shorter than three bytes).
	words, pre []uint16
	any        bool
	// For slots of many alternatives, the same bits as sets, tested with
	// one AND per 64 bits rather than one look-up per bit.
	wset, pset *bloom
}

// manyBits is the number of filter bits from which a slot tests them as a
// set.
const manyBits = 12

// bloom is a 1024-bit set of hashed words.
type bloom [16]uint64

func bloomBit(h uint64) uint16     { return uint16((h * 0x9E3779B97F4A7C15) >> 54) }
func (b *bloom) add(h uint64)      { i := bloomBit(h); b[i>>6] |= 1 << (i & 63) }
func (b *bloom) has(i uint16) bool { return b[i>>6]&(1<<(i&63)) != 0 }
func prefixHash(b []byte) uint64   { return uint64(prefixKey(b)) }
func anyBit(b *bloom, bits []uint16) bool {
	for _, i := range bits {
		if b.has(i) {
			return true
		}
	}
	return false
}

func (s *slot) mayMatch(words, pre *bloom) bool {
	if s.any {
		return true
	}
	if s.wset != nil {
		if s.wset.intersects(words) {
			return true
		}
	} else if anyBit(words, s.words) {
		return true
	}
	if s.pset != nil {
		return s.pset.intersects(pre)
	}
	return anyBit(pre, s.pre)
}

func (b *bloom) intersects(o *bloom) bool {
	var x uint64
	for i := range b {
		x |= b[i] & o[i]
	}
	return x != 0
}

func bloomOf(bits []uint16) *bloom {
	if len(bits) < manyBits {
		return nil
	}
	b := new(bloom)
	for _, i := range bits {
		b[i>>6] |= 1 << (i & 63)
	}
	return b
}

// index prepares the slot's lookup of its alternatives.
func (s *slot) index() {
	type hw struct {
		h uint64
		w []byte
	}
	var ex []hw
	type hi struct {
		h uint64
		i int32
	}
	var mf []hi
	for _, a := range s.alts {
		switch w := a[0]; {
		case w.prefix && len(w.text) < 3:
			s.any = true
		case w.prefix:
			s.pre = append(s.pre, bloomBit(prefixHash(w.text)))
		default:
			s.words = append(s.words, bloomBit(w.hash))
		}
		switch {
		case len(a) > 1:
			if a[0].prefix {
				s.multiPre = append(s.multiPre, int32(len(s.multi)))
			} else {
				mf = append(mf, hi{a[0].hash, int32(len(s.multi))})
			}
			s.multi = append(s.multi, a)
		case a[0].prefix:
			s.prefix = append(s.prefix, a[0].text)
			k, m := key3(a[0].text), uint32(0)
			for j := range min(3, len(a[0].text)) {
				m |= 0xff << (16 - 8*j)
			}
			s.pkey, s.pmask = append(s.pkey, k), append(s.pmask, m)
		default:
			ex = append(ex, hw{a[0].hash, a[0].text})
		}
	}
	s.wset, s.pset = bloomOf(s.words), bloomOf(s.pre)
	slices.SortFunc(mf, func(a, b hi) int { return cmp.Or(cmp.Compare(a.h, b.h), cmp.Compare(a.i, b.i)) })
	for _, m := range mf {
		s.multiFirst = append(s.multiFirst, m.h)
		s.multiAt = append(s.multiAt, m.i)
	}
	slices.SortFunc(ex, func(a, b hw) int { return cmp.Compare(a.h, b.h) })
	for _, e := range ex {
		s.hashes = append(s.hashes, e.h)
		s.exact = append(s.exact, e.w)
	}
}

// single reports whether one of the slot's one-word alternatives matches
// token t.
func (s *slot) single(z *tokenizer, t *token) bool {
	if i, ok := searchHash(s.hashes, t.hash); ok {
		b := z.buf[t.start:t.end]
		for ; i < len(s.hashes) && s.hashes[i] == t.hash; i++ {
			if bytes.Equal(s.exact[i], b) {
				return true
			}
		}
	}
	if len(s.prefix) > 0 {
		b := z.buf[t.start:t.end]
		k := key3(b)
		for j, p := range s.prefix {
			if k&s.pmask[j] == s.pkey[j] && bytes.HasPrefix(b, p) {
				return true
			}
		}
	}
	return false
}

// key3 packs the first three bytes of b (zero for those it lacks) as
// prefixKey does.
func key3(b []byte) uint32 {
	switch len(b) {
	case 0:
		return 0
	case 1:
		return uint32(b[0]) << 16
	case 2:
		return uint32(b[0])<<16 | uint32(b[1])<<8
	}
	return prefixKey(b)
}

// pattern is a compiled phrase pattern.
type pattern struct {
	slots  []slot
	source string
	kind   int32 // index of the situation
	lang   string
	start  bool   // the match must start a sentence (leading handles and hashtags aside)
	check  []int8 // the slots possible tests, in order (see planCheck)
	// hashtag: the pattern is one #hashtag word (or its alternatives),
	// matching only the first word of a hashtag.
	hashtag bool
}

func allHashtags(it string) bool {
	for _, a := range strings.Split(it, "|") {
		if !strings.HasPrefix(a, "#") {
			return false
		}
	}
	return true
}

// compilePattern parses the pattern syntax described in the package
// documentation.
func compilePattern(src string) (pattern, error) {
	p := pattern{source: strings.TrimSpace(src)}
	items := strings.Fields(src)
	if len(items) == 0 {
		return p, errors.New("empty pattern")
	}
	if rest, ok := strings.CutPrefix(items[0], "^"); ok {
		p.start, items[0] = true, rest
		if rest == "" {
			items = items[1:]
		}
		if len(items) == 0 {
			return p, errors.New("empty pattern after ^")
		}
	}
	gap := 0
	var z tokenizer
	for i, it := range items {
		if rest, ok := strings.CutPrefix(it, "~"); ok {
			n, err := strconv.Atoi(rest)
			switch {
			case err != nil || n < 1 || n > maxGap:
				return p, fmt.Errorf("gap %q: want ~1 to ~%d", it, maxGap)
			case len(p.slots) == 0:
				return p, fmt.Errorf("gap %q before the first word", it)
			case gap > 0:
				return p, fmt.Errorf("two gaps in a row at %q", it)
			case i == len(items)-1:
				return p, fmt.Errorf("gap %q after the last word", it)
			}
			gap = n
			continue
		}
		s := slot{gap: gap}
		gap = 0
		if body, ok := strings.CutSuffix(it, "?"); ok {
			if len(p.slots) == 0 {
				return p, fmt.Errorf("optional first word %q: the first word is required", it)
			}
			s.optional, it = true, body
		}
		for _, a := range strings.Split(it, "|") {
			var al alt
			for _, w := range strings.Split(a, "_") {
				prefix, hashtag := false, false
				if body, ok := strings.CutPrefix(w, "#"); ok {
					if len(al) > 0 || len(p.slots) > 0 || !allHashtags(it) {
						return p, fmt.Errorf("%q in %q: a #hashtag word must be a pattern's only word, with only #hashtag alternatives", w, it)
					}
					hashtag, w = true, body
				}
				if body, ok := strings.CutSuffix(w, "*"); ok {
					prefix, w = true, body
				}
				z.reset()
				z.tokenize(w)
				if len(z.toks) != 1 {
					return p, fmt.Errorf("%q in %q: each word must be one word of letters or digits (join words with _)", w, it)
				}
				text := bytes.Clone(z.word(0))
				al = append(al, word{text: text, hash: hashBytes(text), prefix: prefix, hashtag: hashtag})
			}
			s.alts = append(s.alts, al)
		}
		s.index()
		if len(s.alts) > 0 && s.alts[0][0].hashtag {
			if len(items) > 1 {
				return p, fmt.Errorf("%q: a #hashtag word must be a pattern's only word", it)
			}
			p.hashtag = true
		}
		p.slots = append(p.slots, s)
		if len(p.slots) > maxSlots {
			return p, fmt.Errorf("more than %d words", maxSlots)
		}
	}
	p.planCheck()
	return p, nil
}

// matchAt reports the end (exclusive token index) of a match of p that
// starts at token i, or -1.
func (p *pattern) matchAt(z *tokenizer, i int) int {
	if !p.possible(z) {
		return -1
	}
	return p.matchFrom(z, i)
}

// possible reports whether every required slot after the first may be
// filled by some word of the message (a quick, inexact test).
func (p *pattern) possible(z *tokenizer) bool {
	for _, k := range p.check {
		if !p.slots[k].mayMatch(&z.bl[0], &z.bl[1]) {
			return false
		}
	}
	return true
}

// planCheck sets p.check: the required slots after the first that the
// quick test can rule out, those of fewest alternatives (the likeliest to
// be absent) first.
func (p *pattern) planCheck() {
	p.check = p.check[:0]
	for k := 1; k < len(p.slots); k++ {
		if s := &p.slots[k]; !s.optional && !s.any {
			p.check = append(p.check, int8(k))
		}
	}
	slices.SortStableFunc(p.check, func(a, b int8) int {
		return cmp.Compare(len(p.slots[a].alts), len(p.slots[b].alts))
	})
}

// matchFrom is matchAt for a pattern already found possible.
func (p *pattern) matchFrom(z *tokenizer, i int) int {
	if p.hashtag && !z.toks[i].hashStart {
		return -1
	}
	if p.start {
		for j := i; j >= 0; j-- {
			if j < i && !z.toks[j].tag {
				return -1
			}
			if z.toks[j].sentence {
				break
			}
		}
	}
	budget := matchBudget
	return p.matchSlot(z, 0, i, i, &budget)
}

// matchBudget bounds the positions one match attempt may try, so that a
// pattern of many gaps cannot backtrack exponentially on a long message;
// an attempt that runs out does not match.
const matchBudget = 4096

// maxSlots bounds the words of a pattern.
const maxSlots = 16

// matchSlot matches slots[k:] with slot k starting at or after token i
// (skipping up to its gap); first is the match's first token.
func (p *pattern) matchSlot(z *tokenizer, k, i, first int, budget *int) int {
	if k == len(p.slots) {
		return i
	}
	if *budget--; *budget < 0 {
		return -1
	}
	s := &p.slots[k]
	for skip := 0; skip <= s.gap; skip++ {
		pos := i + skip
		if pos >= len(z.toks) || (pos > first && z.toks[pos].sentence) {
			break
		}
		if s.single(z, &z.toks[pos]) {
			if end := p.matchSlot(z, k+1, pos+1, first, budget); end >= 0 {
				return end
			}
		}
		if len(s.multi) == 0 {
			continue
		}
		// The alternatives whose first word may be this token, in their
		// order: those of its hash merged with those of a prefix.
		h := z.toks[pos].hash
		e, _ := searchHash(s.multiFirst, h)
		pre := s.multiPre
		for {
			var a int32
			switch {
			case e < len(s.multiFirst) && s.multiFirst[e] == h && (len(pre) == 0 || s.multiAt[e] < pre[0]):
				a = s.multiAt[e]
				e++
			case len(pre) > 0:
				a, pre = pre[0], pre[1:]
			default:
				a = -1
			}
			if a < 0 {
				break
			}
			if n := matchAlt(z, s.multi[a], pos, first); n > 0 {
				if end := p.matchSlot(z, k+1, pos+n, first, budget); end >= 0 {
					return end
				}
			}
		}
	}
	if s.optional {
		return p.matchSlot(z, k+1, i, first, budget)
	}
	return -1
}

// matchAlt reports how many tokens alternative a matches at pos, or 0.
func matchAlt(z *tokenizer, a alt, pos, first int) int {
	if pos+len(a) > len(z.toks) {
		return 0
	}
	// The words' hashes and the sentence breaks first, which rule out
	// most alternatives; then the words themselves.
	for j := range a {
		t := &z.toks[pos+j]
		if (pos+j > first && t.sentence) || (!a[j].prefix && a[j].hash != t.hash) {
			return 0
		}
	}
	for j := range a {
		t := &z.toks[pos+j]
		if !a[j].matches(z.buf[t.start:t.end], t.hash) {
			return 0
		}
	}
	return len(a)
}

// negatedInside reports whether a negation cue ends inside the match
// [i, end) on a word that none of the pattern's words matches, that is in
// one of its gaps ("my account was not hacked" for "my ~3 account ~4
// hacked"; but not "did not authorise" for "did_not authori*").
func (p *pattern) negatedInside(z *tokenizer, i, end int) bool {
	for j := i + 1; j < end-1; j++ {
		t := &z.toks[j]
		if !t.negEnd {
			continue
		}
		b := z.buf[t.start:t.end]
		own := false
		for k := range p.slots {
			for _, a := range p.slots[k].alts {
				for w := range a {
					if a[w].matches(b, t.hash) {
						own = true
					}
				}
			}
		}
		if !own {
			return true
		}
	}
	return false
}

// searchHash is slices.BinarySearch for sorted hashes, by a linear scan
// when there are few.
func searchHash(hs []uint64, h uint64) (int, bool) {
	if len(hs) > 8 {
		return slices.BinarySearch(hs, h)
	}
	for i, x := range hs {
		if x >= h {
			return i, x == h
		}
	}
	return len(hs), false
}
