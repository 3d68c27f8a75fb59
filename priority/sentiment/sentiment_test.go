package sentiment_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/internal/devdata"
	"github.com/socialcare/socialcare/priority/sentiment"
	"github.com/socialcare/socialcare/priority/sentiment/internal/corpus"
)

// readGolden reads a file of scores recorded from govader (see
// internal/govaderref).
func readGolden(t *testing.T, name string) map[string]corpus.Golden {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	require.NoError(t, err)
	defer f.Close()
	g, err := corpus.ReadGolden(f)
	require.NoError(t, err)
	return g
}

// checkGolden checks that the analyser's scores of texts equal the scores
// govader gave them when they were recorded: the compound score and the
// proportions within 0.001, as the comparison with govader always allowed.
func checkGolden(t *testing.T, golden map[string]corpus.Golden, texts []string) {
	t.Helper()
	a, err := sentiment.New()
	require.NoError(t, err)
	worst, exact := 0.0, 0
	for _, text := range texts {
		want, ok := golden[corpus.Key(text)]
		if !ok {
			t.Fatalf("no recorded score for %q: record the set again with go run . in internal/govaderref", text)
		}
		got := a.Polarity(text)
		d := math.Abs(want.Compound - got.Compound)
		worst = math.Max(worst, d)
		if d == 0 {
			exact++
		}
		if d > 0.001 {
			t.Errorf("compound of %q: got %v, govader %v", text, got.Compound, want.Compound)
		}
		for _, p := range [][2]float64{{want.Negative, got.Negative}, {want.Neutral, got.Neutral}, {want.Positive, got.Positive}} {
			if math.Abs(p[0]-p[1]) > 0.001 {
				t.Errorf("proportions of %q: got %+v, govader %+v", text, got, want)
				break
			}
		}
	}
	t.Logf("%d texts, %d with the identical compound score, largest difference %.2g", len(texts), exact, worst)
}

// TestCompoundMatchesGovader compares the scores with those recorded from
// github.com/jonreiter/govader (internal/govaderref): on edge cases and a
// generated set always, and on every customer message of the real data set
// when it is present.
func TestCompoundMatchesGovader(t *testing.T) {
	t.Parallel()
	t.Run("edge-cases", func(t *testing.T) {
		checkGolden(t, readGolden(t, corpus.GeneratedFile), corpus.EdgeCases)
	})
	t.Run("generated", func(t *testing.T) {
		checkGolden(t, readGolden(t, corpus.GeneratedFile), corpus.Generate(corpus.Seed, corpus.N))
	})
	t.Run("dev.json", func(t *testing.T) {
		var texts []string
		for _, m := range devdata.Messages(t) {
			texts = append(texts, m.Text)
		}
		checkGolden(t, readGolden(t, corpus.DevDataFile), texts)
	})
}

func TestPolarityDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under the race detector")
	}
	a, err := sentiment.New()
	require.NoError(t, err)
	text := "Stranded at O'Hare, my flight was CANCELLED and nobody helps 😡 this is terrible!!"
	a.Polarity(text)
	if n := testing.AllocsPerRun(200, func() { a.Polarity(text) }); n != 0 {
		t.Errorf("Polarity allocates %v times per call", n)
	}
}

// FuzzPolarity checks the invariants of the scores on any text: compound
// in [-1, 1], proportions in [0, 1] adding up to 1 (or all 0), and no
// panic. The comparison with govader on fuzzed texts is FuzzAgainstGovader
// in internal/govaderref.
func FuzzPolarity(f *testing.F) {
	for _, s := range corpus.EdgeCases {
		f.Add(s)
	}
	a, err := sentiment.New()
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, text string) {
		s := a.Polarity(text)
		if !(s.Compound >= -1 && s.Compound <= 1) {
			t.Fatalf("compound of %q = %v", text, s.Compound)
		}
		for _, p := range []float64{s.Negative, s.Neutral, s.Positive} {
			if !(p >= 0 && p <= 1) {
				t.Fatalf("proportions of %q = %+v", text, s)
			}
		}
		if sum := s.Negative + s.Neutral + s.Positive; sum != 0 && math.Abs(sum-1) > 0.002 {
			t.Fatalf("proportions of %q add up to %v: %+v", text, sum, s)
		}
	})
}

func BenchmarkPolarity(b *testing.B) {
	texts := []string{
		"Stranded at O'Hare by the snowstorm, my flight to Denver was cancelled and the rebooking line is down. Please help!",
		"How much is a one-way ticket from Chicago to L.A. next Friday?",
		"@TeamYouTube my channel has been suspended, I sent an e-mail, no answer, please open my channel back :(",
		"I LOVE the new update but the app keeps crashing 😡 really not happy",
	}
	b.Run("fast", func(b *testing.B) {
		a, err := sentiment.New()
		require.NoError(b, err)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			a.Polarity(texts[i%len(texts)])
		}
	})
}

func ExampleAnalyzer_Polarity() {
	a, err := sentiment.New()
	if err != nil {
		panic(err)
	}
	for _, text := range []string{
		"Stranded at O'Hare, flight cancelled, this is terrible!",
		"Thanks, the crew was great :)",
	} {
		fmt.Printf("%+.4f %s\n", a.Polarity(text).Compound, text)
	}
	// Output:
	// -0.6588 Stranded at O'Hare, flight cancelled, this is terrible!
	// +0.8750 Thanks, the crew was great :)
}
