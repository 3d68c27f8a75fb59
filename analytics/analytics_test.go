package analytics_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/socialcare/socialcare/analytics"
	"github.com/socialcare/socialcare/maturity"
	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC) // a Monday

func scripted() []analytics.Event {
	m := time.Minute
	ev := func(k analytics.Kind, conv, ch, agent string, at time.Time) analytics.Event {
		return analytics.Event{Kind: k, Conversation: conv, Channel: ch, Agent: agent, At: at}
	}
	resolvedOff := ev(analytics.Resolved, "c2", "x", "bo", t0.Add(30*time.Hour))
	resolvedOff.OffChannel = true
	return []analytics.Event{
		ev(analytics.Arrived, "c1", "x", "", t0),
		ev(analytics.Acknowledged, "c1", "x", "", t0.Add(2*m)),
		ev(analytics.FirstResponse, "c1", "x", "ana", t0.Add(10*m)),
		ev(analytics.Resolved, "c1", "x", "ana", t0.Add(60*m)),

		ev(analytics.Arrived, "c2", "x", "", t0.Add(5*m)),
		ev(analytics.FirstResponse, "c2", "x", "bo", t0.Add(45*m)),
		ev(analytics.Arrived, "c2", "x", "", t0.Add(50*m)),
		ev(analytics.Replied, "c2", "x", "bo", t0.Add(70*m)),
		resolvedOff,

		ev(analytics.Arrived, "c3", "chat", "", t0.Add(60*m)),
		ev(analytics.Arrived, "c4", "facebook", "", t0.Add(-13*time.Hour)),
		ev(analytics.Arrived, "c5", "x", "", t0.Add(30*time.Hour+50*m)),
	}
}

func TestReport(t *testing.T) {
	t.Parallel()
	a, err := analytics.New(nil)
	require.NoError(t, err)
	for _, e := range scripted() {
		require.NoError(t, a.Ingest(e))
	}
	now := t0.Add(31 * time.Hour)
	r := a.Report(now)
	m := time.Minute

	require.Equal(t, 12, r.Events)
	require.Equal(t, 5, r.Conversations)
	require.Equal(t, 6, r.Messages)
	require.Equal(t, "UTC", r.Location)
	require.True(t, r.From.Equal(t0.Add(-13*time.Hour)))
	require.True(t, r.To.Equal(t0.Add(30*time.Hour+50*m)))

	o := r.Overall
	require.Equal(t, 5, o.Conversations)
	require.Equal(t, 2, o.Resolved)
	require.Equal(t, 1, o.OffChannel)
	require.Equal(t, analytics.Durations{Count: 2, P50: 2 * m, P90: 40 * m, P99: 40 * m, Mean: 21 * m}, o.Acknowledge)
	require.Equal(t, analytics.Durations{Count: 2, P50: 10 * m, P90: 40 * m, P99: 40 * m, Mean: 25 * m}, o.FirstResponse)
	require.Equal(t, analytics.Durations{Count: 2, P50: time.Hour, P90: 30*time.Hour - 5*m, P99: 30*time.Hour - 5*m, Mean: 15*time.Hour + 27*m + 30*time.Second}, o.Resolution)
	require.Equal(t, analytics.Durations{Count: 3, P50: 20 * m, P90: 40 * m, P99: 40 * m, Mean: 23*m + 20*time.Second}, o.Reply)
	require.Equal(t, analytics.Attainment{Met: 1, Breached: 3, Pending: 1}, o.AcknowledgeSLA)
	require.Equal(t, analytics.Attainment{Met: 1, Breached: 3, Pending: 1}, o.ResolveSLA)
	require.InDelta(t, 25, o.AcknowledgeSLA.Percent(), 1e-9)

	names := func(ss []analytics.Stats) (out []string) {
		for _, s := range ss {
			out = append(out, s.Name)
		}
		return out
	}
	require.Equal(t, []string{"chat", "facebook", "x"}, names(r.ByChannel))
	require.Equal(t, []string{"ana", "bo", "unassigned"}, names(r.ByAgent))
	x := r.ByChannel[2]
	require.Equal(t, 3, x.Conversations)
	require.Equal(t, analytics.Attainment{Met: 1, Breached: 1, Pending: 1}, x.AcknowledgeSLA)
	bo := r.ByAgent[1]
	require.Equal(t, analytics.Durations{Count: 2, P50: 20 * m, P90: 40 * m, P99: 40 * m, Mean: 30 * m}, bo.Reply)
	require.Equal(t, 1, bo.OffChannel)

	require.Equal(t, 2.0, r.Volume.At(time.Monday, 9))
	require.Equal(t, 1.0, r.Volume.At(time.Monday, 10))
	require.Equal(t, 1.0, r.Volume.At(time.Sunday, 20))
	require.Equal(t, 1.0, r.Volume.At(time.Tuesday, 15))
	require.Equal(t, 5.0, r.Volume.Total())
	require.Equal(t, 3.0, r.MessageVolume.At(time.Monday, 9))

	require.Equal(t, "USD", r.Costs.Currency)
	require.Equal(t, 5, r.Costs.Interactions)
	require.Equal(t, 5.0, r.Costs.Total)
	require.Equal(t, 30.0, r.Costs.PhoneEquivalent)
	require.Equal(t, 25.0, r.Costs.Savings)
	require.Equal(t, 1.0, r.Costs.PerInteraction)

	require.Equal(t, maturity.Measured{Channels: 3, Conversations: 2, ResolvedInChannel: 1}, r.Measured())

	// Earlier "now": the chat conversation is still within its 5 minutes.
	early := a.Report(t0.Add(62 * time.Minute))
	require.Equal(t, 1, early.ByChannel[0].AcknowledgeSLA.Pending)
}

func TestReportTimeZone(t *testing.T) {
	t.Parallel()
	a, err := analytics.New(&analytics.Config{Location: mustLoad(t, "America/New_York")})
	require.NoError(t, err)
	require.NoError(t, a.Ingest(analytics.Event{Kind: analytics.Arrived, Conversation: "c", At: t0}))
	r := a.Report(t0)
	require.Equal(t, 1.0, r.Volume.At(time.Monday, 5)) // 09:00 UTC is 05:00 EDT
	require.Equal(t, "America/New_York", r.Location)
	require.Equal(t, "unknown", r.ByChannel[0].Name)
}

func TestCostModel(t *testing.T) {
	t.Parallel()
	a, err := analytics.New(&analytics.Config{Costs: analytics.CostModel{
		PerInteraction: 2, PhoneMultiple: 5, PerChannel: map[string]float64{"chat": 0.5}, Currency: "EUR"}})
	require.NoError(t, err)
	_, err = a.IngestBatch(scripted())
	require.NoError(t, err)
	c := a.Report(t0).Costs
	require.Equal(t, "EUR", c.Currency)
	require.Equal(t, []analytics.ChannelCost{
		{Channel: "chat", Interactions: 1, UnitCost: 0.5, Cost: 0.5, PhoneCost: 10},
		{Channel: "facebook", Interactions: 1, UnitCost: 2, Cost: 2, PhoneCost: 10},
		{Channel: "x", Interactions: 3, UnitCost: 2, Cost: 6, PhoneCost: 30},
	}, c.Channels)
	require.Equal(t, 8.5, c.Total)
	require.Equal(t, 50.0, c.PhoneEquivalent)
	require.Equal(t, 41.5, c.Savings)
	require.Equal(t, 1.7, c.PerInteraction)

	for _, cm := range []analytics.CostModel{{PerInteraction: -1}, {PhoneMultiple: -2}, {PerChannel: map[string]float64{"x": -1}}} {
		_, err := analytics.New(&analytics.Config{Costs: cm})
		require.ErrorIs(t, err, analytics.ErrInvalidConfig)
		require.ErrorIs(t, err, analytics.ErrInvalid)
	}
}

func TestIngestErrors(t *testing.T) {
	t.Parallel()
	a, err := analytics.New(nil)
	require.NoError(t, err)
	for _, e := range []analytics.Event{
		{Conversation: "c", At: t0},
		{Kind: 9, Conversation: "c", At: t0},
		{Kind: analytics.Arrived, At: t0},
		{Kind: analytics.Arrived, Conversation: "c"},
	} {
		err := a.Ingest(e)
		require.ErrorIs(t, err, analytics.ErrInvalidEvent)
		require.ErrorIs(t, err, analytics.ErrInvalid)
	}
	evs := scripted()
	evs[3].Conversation = ""
	n, err := a.IngestBatch(evs)
	require.ErrorIs(t, err, analytics.ErrInvalidEvent)
	require.ErrorIs(t, err, analytics.ErrInvalid)
	require.Contains(t, err.Error(), "event 3")
	require.Equal(t, 3, n)
	require.Equal(t, 3, a.Report(t0).Events)
	require.Equal(t, "first_response", analytics.FirstResponse.String())
	require.Equal(t, "Kind(0)", analytics.Kind(0).String())
}

func TestOutOfOrderFirstTimes(t *testing.T) {
	t.Parallel()
	a, err := analytics.New(nil)
	require.NoError(t, err)
	// Resolution and reply reported before the arrival they answer.
	for _, e := range []analytics.Event{
		{Kind: analytics.Resolved, Conversation: "c", Agent: "z", At: t0.Add(time.Hour)},
		{Kind: analytics.Replied, Conversation: "c", Agent: "y", At: t0.Add(20 * time.Minute)},
		{Kind: analytics.Arrived, Conversation: "c", Channel: "x", At: t0},
		{Kind: analytics.Acknowledged, Conversation: "c", At: t0.Add(time.Minute)},
	} {
		require.NoError(t, a.Ingest(e))
	}
	r := a.Report(t0.Add(2 * time.Hour))
	require.Equal(t, time.Minute, r.Overall.Acknowledge.P50)
	require.Equal(t, 20*time.Minute, r.Overall.FirstResponse.P50)
	require.Equal(t, time.Hour, r.Overall.Resolution.P50)
	require.Equal(t, "z", r.ByAgent[0].Name) // the resolver was seen first
	require.Equal(t, "x", r.ByChannel[0].Name)
}

func TestConcurrentIngestAndReport(t *testing.T) {
	t.Parallel()
	a, err := analytics.New(nil)
	require.NoError(t, err)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				conv := fmt.Sprintf("g%d-%d", g, i)
				_ = a.Ingest(analytics.Event{Kind: analytics.Arrived, Conversation: conv, Channel: "x", At: t0})
				_ = a.Ingest(analytics.Event{Kind: analytics.Replied, Conversation: conv, Agent: "a", At: t0.Add(time.Minute)})
				if i%50 == 0 {
					_ = a.Report(t0)
				}
			}
		}()
	}
	wg.Wait()
	r := a.Report(t0.Add(time.Hour))
	require.Equal(t, 800, r.Overall.Conversations)
	require.Equal(t, 800, r.Overall.Reply.Count)
	require.Len(t, a.Arrivals(), 800)
	f, err := a.Forecast(t0.Add(time.Hour), 1)
	require.NoError(t, err)
	require.Equal(t, 800.0, f.At(time.Monday, 9))
}

func TestFormatDuration(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		-1: "—", 0: "0s", 44 * time.Second: "44s", 12*time.Minute + 20*time.Second: "12m",
		3*time.Hour + 5*time.Minute: "3h05m", 52 * time.Hour: "2d04h",
	} {
		require.Equal(t, want, analytics.FormatDuration(d), "%v", d)
	}
}
