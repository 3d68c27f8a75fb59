package analytics_test

import (
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/socialcare/socialcare/analytics"
)

// benchEvents returns a realistic stream: per conversation an arrival, an
// acknowledgement, a first response, a follow-up question, a reply and a
// resolution, spread over a week on four channels and twenty agents.
func benchEvents(convs int) []analytics.Event {
	channels := []string{"x", "facebook", "messenger", "instagram"}
	evs := make([]analytics.Event, 0, 6*convs)
	for i := range convs {
		id := "conv-" + strconv.Itoa(i)
		ch := channels[i%len(channels)]
		agent := "agent-" + strconv.Itoa(i%20)
		at := t0.Add(time.Duration(i) * 7 * 24 * time.Hour / time.Duration(convs))
		evs = append(evs,
			analytics.Event{Kind: analytics.Arrived, Conversation: id, Channel: ch, At: at},
			analytics.Event{Kind: analytics.Acknowledged, Conversation: id, Channel: ch, At: at.Add(time.Minute)},
			analytics.Event{Kind: analytics.FirstResponse, Conversation: id, Channel: ch, Agent: agent, At: at.Add(9 * time.Minute)},
			analytics.Event{Kind: analytics.Arrived, Conversation: id, Channel: ch, At: at.Add(12 * time.Minute)},
			analytics.Event{Kind: analytics.Replied, Conversation: id, Channel: ch, Agent: agent, At: at.Add(20 * time.Minute)},
			analytics.Event{Kind: analytics.Resolved, Conversation: id, Channel: ch, Agent: agent, At: at.Add(time.Hour)},
		)
	}
	return evs
}

const benchConvs = 50_000

// countSink is the baseline: the least any per-conversation ingest must
// do, find the conversation in a map under a lock and count.
type countSink struct {
	mu sync.Mutex
	m  map[string]int
}

func (s *countSink) Ingest(e analytics.Event) error {
	s.mu.Lock()
	s.m[e.Conversation]++
	s.mu.Unlock()
	return nil
}

func newCountSink() ingester { return &countSink{m: map[string]int{}} }

type ingester interface{ Ingest(analytics.Event) error }

func benchIngest(b *testing.B, fresh func() ingester) {
	evs := benchEvents(benchConvs)
	sink := fresh()
	b.ReportAllocs()
	b.ResetTimer()
	j := 0
	for b.Loop() {
		if j == len(evs) {
			b.StopTimer()
			sink, j = fresh(), 0
			b.StartTimer()
		}
		if err := sink.Ingest(evs[j]); err != nil {
			b.Fatal(err)
		}
		j++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

func newAnalytics() ingester {
	a, err := analytics.New(nil)
	if err != nil {
		panic(err)
	}
	return a
}

func BenchmarkIngest(b *testing.B) {
	b.Run("baseline=mapcount", func(b *testing.B) { benchIngest(b, newCountSink) })
	b.Run("analytics", func(b *testing.B) { benchIngest(b, newAnalytics) })
}

// BenchmarkIngestParallel measures contention: every goroutine ingests its
// own conversations into one Analytics.
func BenchmarkIngestParallel(b *testing.B) {
	evs := benchEvents(benchConvs)
	for _, bc := range []struct {
		name  string
		fresh func() ingester
	}{{"baseline=mapcount", newCountSink}, {"analytics", newAnalytics}} {
		b.Run(bc.name, func(b *testing.B) {
			sink := bc.fresh()
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				j := 0
				for pb.Next() {
					_ = sink.Ingest(evs[j%len(evs)])
					j++
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

func BenchmarkReport(b *testing.B) {
	a, _ := analytics.New(nil)
	if _, err := a.IngestBatch(benchEvents(benchConvs)); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = a.Report(t0.Add(8 * 24 * time.Hour))
	}
}

func BenchmarkStafferPlan(b *testing.B) {
	s, _ := analytics.NewStaffer(330*time.Second, &analytics.StaffingConfig{Within: 30 * time.Second})
	var f analytics.Week
	for i := range f {
		f[i] = float64(i % 300)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Plan(f); err != nil {
			b.Fatal(err)
		}
	}
}
