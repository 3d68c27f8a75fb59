package sentiment

import (
	"bufio"
	"bytes"
	"math"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/socialcare/socialcare/priority/sentiment/internal/vaderdata"
)

// VADER constants, as in the reference implementation.
const (
	bIncr         = 0.293
	bDecr         = -0.293
	cIncr         = 0.733
	nScalar       = -0.74
	alpha         = 15
	scale1        = 0.95
	scale2        = 0.9
	epScale       = 0.292
	qmScale       = 0.18
	maxEP         = 4
	maxQM         = 0.96
	negationScale = 1.25
	butScale      = 0.5
	punctCutset   = `"!#$%&\'()*+,-./:;<=>?@[\\]^_` + "`{|}~"
)

// Scores are VADER's sentiment scores of one text.
type Scores struct {
	// Negative, Neutral and Positive are the proportions of the text that
	// fall in each category; they add up to 1 (or are all 0 for an empty
	// text).
	Negative, Neutral, Positive float64
	// Compound is the normalised, weighted composite score, from -1 (most
	// negative) to +1 (most positive). VADER's conventional thresholds are
	// <= -0.05 negative and >= 0.05 positive.
	Compound float64
}

// entry is everything the algorithm needs to know about one lower-case
// token, found with a single map lookup.
type entry struct {
	valence  float64 // lexicon valence, when inLex
	booster  float64 // booster scalar, when isBoost
	inLex    bool
	isBoost  bool
	negation bool // in VADER's negation list
}

// Analyzer computes VADER sentiment scores. Its zero value is not usable;
// build one with New. An Analyzer is immutable and safe for concurrent use.
type Analyzer struct {
	words map[string]entry
	emoji map[rune]string
	pool  sync.Pool // *scratch
}

type token struct {
	orig, lower string
	origE       entry // lookup of orig (only inLex matters)
	lowerE      entry
	upper       bool // Python str.isupper on orig (ASCII letters)
}

type scratch struct {
	text   []byte
	lowbuf []byte
	lowOff [][2]int
	toks   []token
	sent   []float64
}

type tables struct {
	words map[string]entry
	emoji map[rune]string
}

var lexicons = sync.OnceValues(func() (tables, error) {
	lex, emo := vaderdata.Lexicon, vaderdata.Emoji
	words := make(map[string]entry, 8000)
	sc := bufio.NewScanner(bytes.NewReader(lex))
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) < 2 {
			continue
		}
		v, _ := strconv.ParseFloat(f[1], 64)
		e := words[f[0]]
		e.valence, e.inLex = v, true
		words[f[0]] = e
	}
	for w, v := range boosters {
		e := words[w]
		e.booster, e.isBoost = v, true
		words[w] = e
	}
	for _, w := range negations {
		e := words[w]
		e.negation = true
		words[w] = e
	}
	emoji := make(map[rune]string, 4000)
	sc = bufio.NewScanner(bytes.NewReader(emo))
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) < 2 {
			continue
		}
		r, n := utf8.DecodeRuneInString(f[0])
		if n != len(f[0]) || r == utf8.RuneError {
			continue // the reference looks emoji up one rune at a time
		}
		emoji[r] = f[1]
	}
	return tables{words, emoji}, nil
})

// New returns an Analyzer over VADER's lexicons, which the package embeds
// (MIT-licensed; see internal/vaderdata). The lexicons are parsed once per
// process and shared read-only. New takes no arguments; it returns an error
// only to keep the signature should a lexicon ever fail to load.
func New() (*Analyzer, error) {
	t, err := lexicons()
	if err != nil {
		return nil, err
	}
	a := &Analyzer{words: t.words, emoji: t.emoji}
	a.pool.New = func() any { return new(scratch) }
	return a, nil
}

// Compound returns only the compound score of text; see Polarity.
func (a *Analyzer) Compound(text string) float64 { return a.Polarity(text).Compound }

// Polarity returns VADER's scores for text. It reproduces
// github.com/jonreiter/govader's PolarityScores (emoji expansion, tokens
// split on spaces, booster words, capitalisation, negation, "but", "least",
// special idioms, punctuation emphasis) without its allocations: in steady
// state a call allocates nothing.
func (a *Analyzer) Polarity(text string) Scores {
	s := a.pool.Get().(*scratch)
	defer a.pool.Put(s)
	return a.polarity(s, text)
}

func (a *Analyzer) polarity(s *scratch, text string) Scores {
	// Emoji expansion; invalid UTF-8 becomes U+FFFD as in the reference.
	ascii := true
	for i := 0; i < len(text); i++ {
		if text[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if !ascii {
		s.text = s.text[:0]
		prevSpace := true
		for _, r := range text {
			if d, ok := a.emoji[r]; ok {
				if !prevSpace {
					s.text = append(s.text, ' ')
				}
				s.text = append(s.text, d...)
				prevSpace = false
			} else {
				s.text = utf8.AppendRune(s.text, r)
				prevSpace = r == ' '
			}
		}
		text = unsafe.String(unsafe.SliceData(s.text), len(s.text))
	}
	text = strings.TrimSpace(text)

	// Tokens: split on single spaces, strip surrounding punctuation when at
	// least 3 characters remain, lower-case.
	s.toks = s.toks[:0]
	s.lowbuf = s.lowbuf[:0]
	s.lowOff = s.lowOff[:0]
	rest := text
	for {
		i := strings.IndexByte(rest, ' ')
		tok := rest
		if i >= 0 {
			tok = rest[:i]
		}
		if st := trimPunct(tok); len(st) >= 3 {
			tok = st
		}
		t := token{orig: tok, upper: isUpper(tok)}
		off := [2]int{-1, -1}
		if needsLower(tok) {
			start := len(s.lowbuf)
			s.lowbuf = appendLower(s.lowbuf, tok)
			off = [2]int{start, len(s.lowbuf)}
		}
		s.lowOff = append(s.lowOff, off)
		s.toks = append(s.toks, t)
		if i < 0 {
			break
		}
		rest = rest[i+1:]
	}
	capDiff := false
	{
		up := 0
		for i := range s.toks {
			if s.toks[i].upper {
				up++
			}
		}
		d := len(s.toks) - up
		capDiff = d > 0 && d < len(s.toks)
	}
	for i := range s.toks {
		t := &s.toks[i]
		if o := s.lowOff[i]; o[0] >= 0 {
			t.lower = unsafe.String(&s.lowbuf[o[0]], o[1]-o[0])
			if o[1] == o[0] {
				t.lower = ""
			}
			t.origE = a.words[t.orig]
			t.lowerE = a.words[t.lower]
		} else {
			t.lower = t.orig
			t.lowerE = a.words[t.lower]
			t.origE = t.lowerE
		}
	}

	toks := s.toks
	s.sent = s.sent[:0]
	for i := range toks {
		t := &toks[i]
		if t.lowerE.isBoost || (i < len(toks)-1 && t.lower == "kind" && toks[i+1].lower == "of") {
			s.sent = append(s.sent, 0)
			continue
		}
		s.sent = append(s.sent, a.valence(toks, i, capDiff))
	}

	// "but" check.
	for bi := range toks {
		if toks[bi].lower == "but" {
			for i := range s.sent {
				if i < bi {
					s.sent[i] *= 1 - butScale
				} else if i > bi {
					s.sent[i] *= 1 + butScale
				}
			}
			break
		}
	}
	return score(s.sent, text)
}

func (a *Analyzer) valence(toks []token, i int, capDiff bool) float64 {
	t := &toks[i]
	if !t.lowerE.inLex {
		return 0
	}
	lex := t.lowerE.valence
	v := lex
	if t.lower == "no" && i+1 < len(toks) && toks[i+1].lowerE.inLex {
		v = 0
	}
	if (i > 0 && toks[i-1].lower == "no") || (i > 1 && toks[i-2].lower == "no") ||
		(i > 2 && toks[i-3].lower == "no" && (toks[i-1].lower == "or" || toks[i-1].lower == "nor")) {
		v = lex * nScalar
	}
	if t.upper && capDiff {
		if v > 0 {
			v += cIncr
		} else {
			v -= cIncr
		}
	}
	for start := 0; start < 3; start++ {
		j := i - (start + 1)
		if i <= start || toks[j].origE.inLex {
			continue
		}
		sc := 0.0
		if p := &toks[j]; p.lowerE.isBoost {
			sc = p.lowerE.booster
			if v < 0 {
				sc = -sc
			}
			if p.upper && capDiff {
				if v > 0 {
					sc += cIncr
				} else {
					sc -= cIncr
				}
			}
		}
		if start == 1 && sc != 0 {
			sc *= scale1
		}
		if start == 2 && sc != 0 {
			sc *= scale2
		}
		v += sc
		v = negationCheck(v, toks, start, i)
		if start == 2 {
			v = specialIdioms(v, toks, i)
		}
	}
	// The reference's "least" check compares the original-case tokens.
	if i > 1 && !toks[i-1].origE.inLex && toks[i-1].orig == "least" {
		if toks[i-2].orig != "at" && toks[i-2].orig != "very" {
			v *= nScalar
		}
	} else if i > 0 && !toks[i-1].origE.inLex && toks[i-1].orig == "least" {
		v *= nScalar
	}
	return v
}

func negatedTok(t *token) bool {
	return t.lowerE.negation || strings.Contains(t.lower, "n't")
}

func negationCheck(v float64, toks []token, start, i int) float64 {
	switch start {
	case 0:
		if negatedTok(&toks[i-1]) {
			return v * nScalar
		}
	case 1:
		w2, w1 := toks[i-2].lower, toks[i-1].lower
		switch {
		case w2 == "never" && (w1 == "so" || w1 == "this"):
			return v * negationScale
		case w2 == "without" && w1 == "doubt":
			return v
		case negatedTok(&toks[i-2]):
			return v * nScalar
		}
	case 2:
		w3, w2, w1 := toks[i-3].lower, toks[i-2].lower, toks[i-1].lower
		switch {
		case w3 == "never" && (w2 == "so" || w2 == "this" || w1 == "so" || w1 == "this"):
			return v * negationScale
		case w3 == "without" && (w2 == "doubt" || w1 == "doubt"):
			return v
		case negatedTok(&toks[i-3]):
			return v * nScalar
		}
	}
	return v
}

// specialIdioms mirrors the reference's n-gram checks: special-case idioms
// replace the valence, multi-word boosters add to it.
func specialIdioms(v float64, toks []token, i int) float64 {
	w := func(k int) string { return toks[k].lower }
	seqs := [...][2]int{{i - 1, i}, {i - 2, i}, {i - 2, i - 1}, {i - 3, i - 1}, {i - 3, i - 2}}
	for _, q := range seqs {
		if x, ok := idiom(toks, q[0], q[1]); ok {
			v = x
			break
		}
	}
	if len(toks)-1 > i {
		if x, ok := idiom(toks, i, i+1); ok {
			v = x
		}
	}
	if len(toks)-1 > i+1 {
		if x, ok := idiom(toks, i, i+2); ok {
			v = x
		}
	}
	for _, q := range [...][2]int{{i - 3, i - 1}, {i - 3, i - 2}, {i - 2, i - 1}} {
		if q[1]-q[0] == 1 {
			a, b := w(q[0]), w(q[1])
			if (b == "of" && (a == "kind" || a == "sort")) || (a == "just" && b == "enough") {
				v += bDecr
			}
		}
	}
	return v
}

// idiom looks up the tokens lo..hi (inclusive) as a special-case idiom.
func idiom(toks []token, lo, hi int) (float64, bool) {
	switch hi - lo {
	case 1:
		a, b := toks[lo].lower, toks[hi].lower
		switch {
		case a == "the" && (b == "shit" || b == "bomb"):
			return 3, true
		case a == "bad" && b == "ass":
			return 1.5, true
		case a == "yeah" && b == "right":
			return -2, true
		}
	case 2:
		a, b, c := toks[lo].lower, toks[lo+1].lower, toks[hi].lower
		switch {
		case a == "kiss" && b == "of" && c == "death":
			return -1.5, true
		case a == "to" && b == "die" && c == "for":
			return 3, true
		}
	}
	return 0, false
}

func score(sent []float64, text string) Scores {
	var out Scores
	if len(sent) == 0 {
		return out
	}
	sum := 0.0
	for _, v := range sent {
		sum += v
	}
	ep := strings.Count(text, "!")
	if ep > maxEP {
		ep = maxEP
	}
	punct := float64(ep) * epScale
	if qm := strings.Count(text, "?"); qm > 1 {
		if qm <= 3 {
			punct += float64(qm) * qmScale
		} else {
			punct += maxQM
		}
	}
	if sum > 0 {
		sum += punct
	} else if sum < 0 {
		sum -= punct
	}
	c := sum / math.Sqrt(sum*sum+alpha)
	out.Compound = math.Max(-1, math.Min(1, c))

	pos, neg, neu := 0.0, 0.0, 0
	for _, v := range sent {
		if v > 0 {
			pos += v + 1
		}
		if v < 0 {
			neg += v - 1
		}
		if v == 0 {
			neu++
		}
	}
	if pos > math.Abs(neg) {
		pos += punct
	} else if pos < math.Abs(neg) {
		neg -= punct
	}
	total := pos + math.Abs(neg) + float64(neu)
	out.Positive = math.Abs(pos / total)
	out.Negative = math.Abs(neg / total)
	out.Neutral = math.Abs(float64(neu) / total)
	return out
}

// isPunct marks the bytes of punctCutset.
var isPunct = func() (t [256]bool) {
	for i := 0; i < len(punctCutset); i++ {
		t[punctCutset[i]] = true
	}
	return t
}()

// trimPunct is strings.Trim(s, punctCutset) without building the cutset's
// set on every call.
func trimPunct(s string) string {
	i, j := 0, len(s)
	for i < j && isPunct[s[i]] {
		i++
	}
	for j > i && isPunct[s[j-1]] {
		j--
	}
	return s[i:j]
}

// isUpper is Python's str.isupper as the reference approximates it: some
// ASCII upper-case letter and no ASCII lower-case one.
func isUpper(s string) bool {
	up := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' {
			return false
		}
		if 'A' <= c && c <= 'Z' {
			up = true
		}
	}
	return up
}

// needsLower reports whether strings.ToLower(s) differs from s.
func needsLower(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return true
		}
		if 'A' <= c && c <= 'Z' {
			return true
		}
	}
	return false
}

// appendLower appends strings.ToLower(s) to dst.
func appendLower(dst []byte, s string) []byte {
	for _, r := range s {
		if r < utf8.RuneSelf {
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			dst = append(dst, byte(r))
			continue
		}
		dst = utf8.AppendRune(dst, unicode.ToLower(r))
	}
	return dst
}
