package care

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// checkReference is ToneChecker.Check as it was before it trimmed its
// phrases once and read the customer's words only for a reply that
// insults: every phrase compared with containsPhrase.
func (t *ToneChecker) checkReference(reply, customer string) []Flag {
	rw, cw := words(reply), words(customer)
	customerInsults := false
	for _, p := range t.insults {
		customerInsults = customerInsults || containsPhrase(cw, p.words)
	}
	var out []Flag
	for _, p := range t.insults {
		if containsPhrase(rw, p.words) {
			d := "insult " + quote(p.words)
			if customerInsults {
				d += ", mirroring the customer"
			}
			out = append(out, Flag{GuardTone, d})
		}
	}
	for _, p := range t.sarcasm {
		hit := false
		if p.words[0] == "/s" {
			hit = strings.HasSuffix(strings.TrimSpace(reply), "/s")
		} else {
			hit = containsPhrase(rw, p.words)
		}
		if hit {
			out = append(out, Flag{GuardTone, "sarcasm " + quote(p.words)})
		}
	}
	return out
}

// pieceText joins 1 to 8 random pieces with random separators.
func pieceText(rng *rand.Rand, pieces []string) string {
	var b strings.Builder
	for range 1 + rng.IntN(8) {
		b.WriteString(pieces[rng.IntN(len(pieces))])
		b.WriteString([]string{" ", ", ", ". ", "\n", "", "... "}[rng.IntN(6)])
	}
	return b.String()
}

// TestToneCheckChangesNothing holds Check to checkReference on 3,000
// pairs of reply and customer message, with the default phrases and with
// phrases that end in dots.
func TestToneCheckChangesNothing(t *testing.T) {
	t.Parallel()
	pieces := []string{"Idiot", "idiot.", "you", "shut", "up", "SHUT UP", "your fault", "Your", "fault...", "yeah", "right",
		"good luck with that", "/s", "s", "as", "if", "sure you did.", "learn to read", "thanks", "for nothing", "nice try!",
		"f.u.", "f.u", "so sorry", "we've rebooked you", "^AS", "...", "wow just wow", "\u00c9T\u00c9", "w3 idiot", "w69", "you you you"}
	many := []string{"idiot", "shut up", "your fault", "you you"} // more phrases than Check's stack buffer holds
	for i := range 70 {
		many = append(many, fmt.Sprintf("w%d idiot", i))
	}
	checkers := []*ToneChecker{NewToneChecker(nil), NewToneChecker(&ToneConfig{Insults: []string{"f.u.", "idiot.", "shut up..."}, Sarcasm: []string{"/s", "as if.", "s"}}),
		NewToneChecker(&ToneConfig{Insults: many})}
	rng := rand.New(rand.NewPCG(5, 9))
	flagged := 0
	for i := range 3_000 {
		reply, customer := pieceText(rng, pieces), pieceText(rng, pieces)
		tc := checkers[i%len(checkers)]
		got, want := tc.Check(reply, customer), tc.checkReference(reply, customer)
		if !slices.Equal(got, want) {
			t.Fatalf("reply %q to %q: Check gives %v, the reference %v", reply, customer, got, want)
		}
		if len(got) > 0 {
			flagged++
		}
	}
	if flagged < 300 || flagged > 2_700 {
		t.Fatalf("%d of 3,000 replies flagged: the sample does not try both answers", flagged)
	}
}

// TestParseSignaturePrefilterChangesNothing holds ParseSignature to the
// signature pattern run on every text.
func TestParseSignaturePrefilterChangesNothing(t *testing.T) {
	t.Parallel()
	pieces := []string{"Thanks", "^JS", "*SR", "-Richard", "~ Ana", "/AS", "\u2013Jo", "\u2014 Bo", "- x", "ok!", "...", "  ",
		"rebooked on the 14:05", "A-B", "^", "Stephanie", "\t", "well-known"}
	rng := rand.New(rand.NewPCG(13, 17))
	signed := 0
	for i := range 3_000 {
		text := pieceText(rng, pieces)
		got, ok := ParseSignature(text)
		var want Signature
		m := sigRe.FindStringSubmatch(strings.TrimSpace(text))
		if m != nil {
			want = Signature{Marker: m[1], Who: m[2]}
		}
		if ok != (m != nil) || got != want {
			t.Fatalf("text %d %q: ParseSignature gives %v %v, the pattern %v", i, text, got, ok, m)
		}
		if ok {
			signed++
		}
	}
	if signed < 150 || signed > 2_850 {
		t.Fatalf("%d of 3,000 texts signed: the sample does not try both answers", signed)
	}
}

// TestSigMarkerIsContainsAny holds sigMarker to strings.ContainsAny over
// random bytes around the markers' encodings, invalid UTF-8 included.
func TestSigMarkerIsContainsAny(t *testing.T) {
	t.Parallel()
	pieces := []string{"\u2013", "\u2014", "\u2012", "\u2015", "\xe2", "\xe2\x80", "\x80\x93", "\x93", "\xe2\xe2\x80\x93", "\xf0\x9f\x98\x80",
		"-", "^", "*", "~", "/", "a", " ", "é", "\u2212", "\xff"}
	rng := rand.New(rand.NewPCG(3, 4))
	marked := 0
	for range 5_000 {
		var b strings.Builder
		for range rng.IntN(6) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		text := b.String()
		want := strings.ContainsAny(text, "^*~/-–—")
		if got := sigMarker(text); got != want {
			t.Fatalf("%q: sigMarker gives %v, strings.ContainsAny %v", text, got, want)
		}
		if want {
			marked++
		}
	}
	if marked < 500 || marked > 4_500 {
		t.Fatalf("%d of 5,000 texts marked: the sample does not try both answers", marked)
	}
}

// TestWordsIsFieldsFuncOfToLower holds words (and its ASCII path) to the
// split it names, on random ASCII and non-ASCII texts.
func TestWordsIsFieldsFuncOfToLower(t *testing.T) {
	t.Parallel()
	pieces := []string{"Idiot", "I've", "$20", "v8.5", " ", ",", "...", "\t", "SHUT", "up!", "a-b", "x_y", "O'Hare", "É", "ß", "İ", "\xff", "", "14:05", "@Team"}
	ref := func(s string) []string {
		return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '$' && r != '.'
		})
	}
	rng := rand.New(rand.NewPCG(21, 22))
	ascii := 0
	for range 5_000 {
		var b strings.Builder
		for range rng.IntN(8) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		s := b.String()
		if got, want := words(s), ref(s); !slices.Equal(got, want) || (got == nil) != (want == nil) {
			t.Fatalf("%q: words gives %q, the reference %q", s, got, want)
		}
		if utf8.ValidString(s) && strings.IndexFunc(s, func(r rune) bool { return r >= utf8.RuneSelf }) < 0 {
			ascii++
		}
	}
	if ascii < 500 {
		t.Fatalf("only %d ASCII texts", ascii)
	}
}
