package sentiment_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/jonreiter/govader"
	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/internal/devdata"
	"github.com/socialcare/socialcare/priority/sentiment"
)

func customerMessages(tb testing.TB) []string {
	var out []string
	for _, m := range devdata.Messages(tb) {
		out = append(out, m.Text)
	}
	return out
}

var edgeCases = []string{
	"", " ", "   ", "VADER is smart, handsome, and funny.", "VADER is VERY SMART, handsome, and FUNNY!!!",
	"The book was kind of good.", "At least it isn't a horrible book.", "Today SUX!", "Make sure you :) or :D today!",
	"Not bad at all", "The plot was good, but the characters are uncompelling and the dialog is not great.",
	"I am 😄 today", "Catch utf-8 emoji such as such as 💘 and 💋 and 😁", "no no no good", "no good or bad",
	"never so good", "without doubt great", "this is the shit", "to die for food", "yeah right, great",
	"least good", "very least good", "at least good", "Least Good things", "kiss of death is bad",
	"ÉTÉ IS GREAT and sad", "\xff\xfe bad \xff", "!!!!! ???? bad", "good??", "good???", "good????",
	"NO WAY this is BAD", "I don't like it", "It wasn't terrible", "It is sort of nice", "just enough fun there",
	"it is kinda bad", "this is not the bomb", "  leading and trailing  spaces good ", "tab\tgood",
	"'good'", "--hi--", "a!!", "Kind of", "kind", "the bomb", "x the bomb", "HAPPY happy HAPPY",
}

func TestCompoundMatchesGovader(t *testing.T) {
	t.Parallel()
	ref := govader.NewSentimentIntensityAnalyzer()
	a, err := sentiment.New()
	require.NoError(t, err)
	check := func(t *testing.T, texts []string) {
		worst := 0.0
		for _, text := range texts {
			want := ref.PolarityScores(text)
			got := a.Polarity(text)
			d := math.Abs(want.Compound - got.Compound)
			worst = math.Max(worst, d)
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
		t.Logf("%d texts, largest compound difference %.2g", len(texts), worst)
	}
	t.Run("edge-cases", func(t *testing.T) { check(t, edgeCases) })
	t.Run("dev.json", func(t *testing.T) { check(t, customerMessages(t)) })
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

func FuzzPolarity(f *testing.F) {
	for _, s := range edgeCases {
		f.Add(s)
	}
	ref := govader.NewSentimentIntensityAnalyzer()
	a, err := sentiment.New()
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, text string) {
		got := a.Polarity(text)
		want := ref.PolarityScores(text)
		if math.Abs(got.Compound-want.Compound) > 0.001 {
			t.Errorf("compound of %q: got %v, govader %v", text, got.Compound, want.Compound)
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
	b.Run("govader", func(b *testing.B) {
		ref := govader.NewSentimentIntensityAnalyzer()
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			ref.PolarityScores(texts[i%len(texts)])
		}
	})
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
