package care_test

import (
	"slices"
	"testing"
	"time"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/internal/benchtext"
	"github.com/socialcare/socialcare/priority"
	"github.com/socialcare/socialcare/situation"
)

// BenchmarkDecide measures what the desk does per message: the urgency
// score and the feedback-loop decision. Its baseline, in the same run, is
// the scorer as it was before situations (the situation signal disabled,
// which skips detection) and the keyword router of before is not
// measured apart (it is a fraction of the scorer). "detect-once" finds the
// situations once and hands them to both decisions; "each-detects" lets
// the scorer and the router each run the detector, as Route does.
func BenchmarkDecide(b *testing.B) {
	now, msgs, det, baseline, scorer, router := decideParts(b)
	input := func(m *channel.Message) priority.Input {
		return priority.Input{Text: m.Text, Channel: string(m.Channel), ReceivedAt: m.ReceivedAt, Author: priority.Author{Handle: m.Author.Handle}}
	}
	b.Run("baseline-scorer", func(b *testing.B) {
		var s priority.Score
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			in := input(&msgs[i%len(msgs)])
			baseline.ScoreInto(now, &in, &s)
		}
	})
	b.Run("detect-once", func(b *testing.B) {
		var s priority.Score
		var found situation.Result
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			m := &msgs[i%len(msgs)]
			det.DetectInto(&situation.Input{Text: m.Text}, &found)
			in := input(m)
			in.Situations = &found
			scorer.ScoreInto(now, &in, &s)
			_ = router.RouteSituations(*m, s.Value, &found)
		}
	})
	b.Run("each-detects", func(b *testing.B) {
		var s priority.Score
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			m := &msgs[i%len(msgs)]
			in := input(m)
			scorer.ScoreInto(now, &in, &s)
			_ = router.Route(*m, s.Value)
		}
	})
	b.Run("detect-only", func(b *testing.B) {
		var found situation.Result
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			det.DetectInto(&situation.Input{Text: msgs[i%len(msgs)].Text}, &found)
		}
	})
	found := make([]situation.Result, len(msgs))
	for i := range msgs {
		found[i] = det.Detect(&situation.Input{Text: msgs[i].Text})
	}
	b.Run("score-only", func(b *testing.B) {
		var s priority.Score
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			in := input(&msgs[i%len(msgs)])
			in.Situations = &found[i%len(msgs)]
			scorer.ScoreInto(now, &in, &s)
		}
	})
	b.Run("route-only", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			_ = router.RouteSituations(msgs[i%len(msgs)], 0, &found[i%len(msgs)])
		}
	})
	b.Run("detect-once-parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			var s priority.Score
			var found situation.Result
			for i := 0; pb.Next(); i++ {
				m := &msgs[i%len(msgs)]
				det.DetectInto(&situation.Input{Text: m.Text}, &found)
				in := input(m)
				in.Situations = &found
				scorer.ScoreInto(now, &in, &s)
				_ = router.RouteSituations(*m, s.Value, &found)
			}
		})
	})
}

// BenchmarkDecideVsScorer measures the ratio that the speed target is
// about (detection, scoring and routing of a message against the scorer of
// before situations) in a way a loaded machine does not skew: every
// iteration times the baseline scorer and the whole decision on the same
// messages, back to back and in alternating order, and the benchmark
// reports the ratio of the two medians as "x-baseline".
//
// On a shared 2-vCPU VM (benchstat, 6 runs of each alternated in the
// same session), the ratio went from 3.14 (±10%) to 2.86 (±7%) when the
// detector, the topics and the route reasons were made faster (the issue
// asks for 3 or less; 2.5 would leave a margin for loaded machines). Most
// of what is left is the detector (about one baseline scorer), the router
// (about a third of one) and the cost of running the three in turn on
// each message (about a third of one: each evicts the others' tables and
// code from the caches; run one after the other over all the messages,
// the parts take about 0.3 less).
func BenchmarkDecideVsScorer(b *testing.B) {
	now, msgs, det, baseline, scorer, router := decideParts(b)
	var s priority.Score
	var found situation.Result
	base := func() {
		for i := range msgs {
			in := priority.Input{Text: msgs[i].Text, Channel: string(msgs[i].Channel), ReceivedAt: msgs[i].ReceivedAt, Author: priority.Author{Handle: msgs[i].Author.Handle}}
			baseline.ScoreInto(now, &in, &s)
		}
	}
	decide := func() {
		for i := range msgs {
			m := &msgs[i]
			det.DetectInto(&situation.Input{Text: m.Text}, &found)
			in := priority.Input{Text: m.Text, Channel: string(m.Channel), ReceivedAt: m.ReceivedAt, Author: priority.Author{Handle: m.Author.Handle}, Situations: &found}
			scorer.ScoreInto(now, &in, &s)
			_ = router.RouteSituations(*m, s.Value, &found)
		}
	}
	// Each iteration is a sample of both; the medians of the samples are
	// robust to the other processes of a shared machine, which preempt
	// one sample now and then.
	var tBase, tDecide []time.Duration
	for i := 0; b.Loop(); i++ {
		if i%2 == 0 {
			t0 := time.Now()
			base()
			t1 := time.Now()
			decide()
			tBase, tDecide = append(tBase, t1.Sub(t0)), append(tDecide, time.Since(t1))
		} else {
			t0 := time.Now()
			decide()
			t1 := time.Now()
			base()
			tBase, tDecide = append(tBase, time.Since(t1)), append(tDecide, t1.Sub(t0))
		}
	}
	slices.Sort(tBase)
	slices.Sort(tDecide)
	b.ReportMetric(float64(tDecide[len(tDecide)/2])/float64(tBase[len(tBase)/2]), "x-baseline")
}

// decideParts builds what the decision benchmarks share: the time, the
// messages, the situation detector, the scorer of before situations (the
// baseline), the scorer and the router that read the detector.
func decideParts(b *testing.B) (time.Time, []channel.Message, *situation.Detector, *priority.Rules, *priority.Rules, *care.Router) {
	b.Helper()
	now := time.Date(2026, 1, 12, 9, 0, 0, 0, time.UTC)
	benchTweets := benchtext.Tweets()
	msgs := make([]channel.Message, len(benchTweets))
	for i, t := range benchTweets {
		msgs[i] = channel.Message{Channel: channel.X, Text: t, ReceivedAt: now.Add(-time.Duration(i) * 7 * time.Minute), Author: channel.Author{Handle: "c"}}
	}
	det, err := situation.New(nil)
	if err != nil {
		b.Fatal(err)
	}
	baseline, err := priority.New(&priority.Config{Disabled: []string{priority.SignalSituation}})
	if err != nil {
		b.Fatal(err)
	}
	scorer, err := priority.New(&priority.Config{Situations: det})
	if err != nil {
		b.Fatal(err)
	}
	router, err := care.NewRouter(&care.RouterConfig{Situations: det})
	if err != nil {
		b.Fatal(err)
	}
	return now, msgs, det, baseline, scorer, router
}
