package priority_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/socialcare/socialcare/priority"
)

// tweets are tweet-sized customer messages (the first eight adapted from
// the quickstart, the rest written in the style of dev.json).
var tweets = []string{
	"Stranded at O'Hare by the snowstorm, my flight to Denver was cancelled and the rebooking line is down. Please help!",
	"How much is a one-way ticket from Chicago to L.A. next Friday?",
	"Flying with you to LAX tomorrow, what's the carry-on size limit?",
	"My refund still hasn't arrived after 3 weeks. Email me at carlos.r@example.com",
	"URGENT: my daughter is flying alone and her connection in Chicago was cancelled",
	"Not urgent, but how do I add my frequent flyer number to a booking?",
	"Website is down, can't check in, flight leaves in 2 hours!",
	"My wheelchair was damaged on the flight, this is unacceptable",
	"@TeamYouTube my channel has been suspended for a year, I sent an e-mail, no answer, please open my channel back :(",
	"@AppleSupport since the update my iPhone battery drains in 3 hours, what can I do? #iOS13",
	"@AskeBay the seller never shipped and I was charged twice, I want my money back",
	"@zoom_us Zoom keeps crashing on my Mac during classes, tried reinstalling twice, still not working",
	"Meu voo foi cancelado e NÃO FUNCIONA o app para remarcar, preciso de ajuda urgente #VooCancelado",
	"Mi vuelo fue cancelado y la aplicación no funciona, necesito una devolución",
	"@SouthwestAir thanks for the great flight today, the crew was lovely 😊",
	"@ChaseSupport someone used my card in another state, is my account hacked?",
}

// syntheticKeywords returns n distinct keywords: the default lexicon, then
// generated one- to three-word phrases of pronounceable pseudo-words.
func syntheticKeywords(n int) []priority.Keyword {
	kws := priority.DefaultKeywords()
	syll := []string{"ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "pa", "qui", "dor"}
	word := func(i int) string {
		var b strings.Builder
		for j := 0; j < 3; j++ {
			b.WriteString(syll[i%len(syll)])
			i /= len(syll)
		}
		return b.String() + fmt.Sprint(i)
	}
	for i := 0; len(kws) < n; i++ {
		p := word(i * 7)
		for j := 0; j < i%3; j++ {
			p += " " + word(i*7+j+1)
		}
		kws = append(kws, priority.Keyword{Phrase: p, Weight: float64(1 + i%40)})
	}
	return kws[:n]
}

// naiveRegexp is the baseline: one case-insensitive alternation with word
// boundaries over the same keywords, and a map from the lower-cased match
// to its weight.
type naiveRegexp struct {
	re      *regexp.Regexp
	weights map[string]float64
}

func newNaiveRegexp(kws []priority.Keyword) *naiveRegexp {
	alts := make([]string, len(kws))
	n := &naiveRegexp{weights: map[string]float64{}}
	for i, k := range kws {
		alts[i] = strings.ReplaceAll(regexp.QuoteMeta(strings.ToLower(k.Phrase)), " ", `\s+`)
		n.weights[strings.ToLower(k.Phrase)] = k.Weight
	}
	n.re = regexp.MustCompile(`(?i)\b(?:` + strings.Join(alts, "|") + `)\b`)
	return n
}

func (n *naiveRegexp) score(text string) float64 {
	v := 0.0
	for _, m := range n.re.FindAllString(text, -1) {
		v += n.weights[strings.Join(strings.Fields(strings.ToLower(m)), " ")]
	}
	return v
}

// BenchmarkScore compares the keyword path of Rules with the naive regexp
// over the same keywords, and measures the full default scorer.
func BenchmarkScore(b *testing.B) {
	now := time.Date(2026, 1, 12, 9, 0, 0, 0, time.UTC)
	inputs := make([]priority.Input, len(tweets))
	for i, t := range tweets {
		inputs[i] = priority.Input{Text: t, Channel: "x", ReceivedAt: now.Add(-time.Duration(i) * 7 * time.Minute), Unanswered: i % 3}
	}
	keywordsOnly := []string{"situation", "vip", "tier", "lifetime_value", "influencer", "verified", "sentiment", "channel", "waiting", "unanswered"}
	for _, n := range []int{100, 1000} {
		kws := syntheticKeywords(n)
		b.Run(fmt.Sprintf("keywords=%d", n), func(b *testing.B) {
			r, err := priority.New(&priority.Config{Keywords: kws, Disabled: keywordsOnly})
			if err != nil {
				b.Fatal(err)
			}
			var s priority.Score
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				r.ScoreInto(now, &inputs[i%len(inputs)], &s)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
		b.Run(fmt.Sprintf("baseline-regexp/keywords=%d", n), func(b *testing.B) {
			nr := newNaiveRegexp(kws)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				nr.score(tweets[i%len(tweets)])
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
	b.Run("default", func(b *testing.B) {
		r, err := priority.New(nil)
		if err != nil {
			b.Fatal(err)
		}
		var s priority.Score
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			r.ScoreInto(now, &inputs[i%len(inputs)], &s)
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	})
	b.Run("default-no-situations", func(b *testing.B) {
		// The scorer as it was before situations: the baseline of the
		// situation signal's cost.
		r, err := priority.New(&priority.Config{Disabled: []string{"situation"}})
		if err != nil {
			b.Fatal(err)
		}
		var s priority.Score
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			r.ScoreInto(now, &inputs[i%len(inputs)], &s)
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	})
	b.Run("default-no-sentiment", func(b *testing.B) {
		r, err := priority.New(&priority.Config{Disabled: []string{"sentiment"}})
		if err != nil {
			b.Fatal(err)
		}
		var s priority.Score
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			r.ScoreInto(now, &inputs[i%len(inputs)], &s)
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	})
	b.Run("default-Score", func(b *testing.B) {
		r, err := priority.New(nil)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			r.Score(now, &inputs[i%len(inputs)])
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	})
	b.Run("default-parallel", func(b *testing.B) {
		r, err := priority.New(nil)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			var s priority.Score
			for i := 0; pb.Next(); i++ {
				r.ScoreInto(now, &inputs[i%len(inputs)], &s)
			}
		})
	})
}
