package main

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jonreiter/govader"

	"github.com/socialcare/socialcare/priority"
	"github.com/socialcare/socialcare/priority/sentiment"
	"github.com/socialcare/socialcare/priority/sentiment/internal/corpus"
)

// TestGoldenIsCurrent records the generated set again in memory and checks
// that the committed file is what govader gives today.
func TestGoldenIsCurrent(t *testing.T) {
	a := govader.NewSentimentIntensityAnalyzer()
	texts := append(append([]string(nil), corpus.EdgeCases...), corpus.Generate(corpus.Seed, corpus.N)...)
	path := filepath.Join("..", "..", "testdata", corpus.GeneratedFile)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := corpus.ReadGolden(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	want := record(a, texts)
	if len(got) != len(want) {
		t.Fatalf("%s has %d scores, govader gives %d", path, len(got), len(want))
	}
	for _, w := range want {
		if got[w.Key] != w {
			t.Fatalf("%s: %+v, govader gives %+v: run go run . to record again", path, got[w.Key], w)
		}
	}
}

// FuzzAgainstGovader compares the sentiment package with govader on
// fuzzed texts.
func FuzzAgainstGovader(f *testing.F) {
	for _, s := range corpus.EdgeCases {
		f.Add(s)
	}
	ref := govader.NewSentimentIntensityAnalyzer()
	a, err := sentiment.New()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		got := a.Polarity(text)
		want := ref.PolarityScores(text)
		if math.Abs(got.Compound-want.Compound) > 0.001 {
			t.Errorf("compound of %q: got %v, govader %v", text, got.Compound, want.Compound)
		}
	})
}

var texts = []string{
	"Stranded at O'Hare by the snowstorm, my flight to Denver was cancelled and the rebooking line is down. Please help!",
	"How much is a one-way ticket from Chicago to L.A. next Friday?",
	"@TeamYouTube my channel has been suspended, I sent an e-mail, no answer, please open my channel back :(",
	"I LOVE the new update but the app keeps crashing 😡 really not happy",
}

// BenchmarkPolarity measures the sentiment package against govader, its
// baseline, in the same run.
func BenchmarkPolarity(b *testing.B) {
	b.Run("govader", func(b *testing.B) {
		ref := govader.NewSentimentIntensityAnalyzer()
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			ref.PolarityScores(texts[i%len(texts)])
		}
	})
	b.Run("fast", func(b *testing.B) {
		a, err := sentiment.New()
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			a.Polarity(texts[i%len(texts)])
		}
	})
}

// govaderCompound plugs govader into priority.Rules.
type govaderCompound struct {
	a *govader.SentimentIntensityAnalyzer
}

func (g govaderCompound) Compound(text string) float64 { return g.a.PolarityScores(text).Compound }

// BenchmarkScore measures the default urgency scorer with the sentiment
// package and with govader in its place.
func BenchmarkScore(b *testing.B) {
	now := time.Date(2026, 1, 12, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name string
		cfg  *priority.Config
	}{
		{"default", nil},
		{"default-govader", &priority.Config{Sentiment: govaderCompound{govader.NewSentimentIntensityAnalyzer()}}},
	} {
		b.Run(c.name, func(b *testing.B) {
			r, err := priority.New(c.cfg)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				r.Score(now, &priority.Input{Text: texts[i%len(texts)], Channel: "x", ReceivedAt: now})
			}
		})
	}
}
