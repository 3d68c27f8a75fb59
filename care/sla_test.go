package care_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/care/caretest"
	"github.com/socialcare/socialcare/queue"
	"github.com/socialcare/socialcare/sla"
)

// businessPolicies is one policy for every channel, counted in business
// hours: Monday to Friday, 09:00–17:00 UTC.
func businessPolicies(t *testing.T) *sla.Policies {
	t.Helper()
	day := []sla.Interval{{Start: 9 * time.Hour, End: 17 * time.Hour}}
	cal, err := sla.NewCalendar(sla.CalendarConfig{Hours: [7][]sla.Interval{
		time.Monday: day, time.Tuesday: day, time.Wednesday: day, time.Thursday: day, time.Friday: day}})
	require.NoError(t, err)
	ps, err := sla.NewPolicies(sla.Policy{Name: "business", Acknowledge: 30 * time.Minute, FirstResponse: time.Hour,
		NextResponse: time.Hour, Resolve: 8 * time.Hour, Calendar: cal})
	require.NoError(t, err)
	return ps
}

// longLeaseDesk is a test desk starting at start whose leases last four
// days, so that agents may hold conversations across nights without
// heartbeats.
func longLeaseDesk(t *testing.T, cfg *care.Config, start time.Time, agents ...care.Agent) *caretest.Desk {
	t.Helper()
	d := caretest.NewDeskWith(t, cfg, &caretest.Options{Start: start, LeaseTTL: 96 * time.Hour})
	for _, a := range agents {
		require.NoError(t, d.AddAgent(ctx, a))
	}
	return d
}

// utc parses "2006-01-02 15:04" in UTC.
func utc(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.Parse("2006-01-02 15:04", s)
	require.NoError(t, err)
	return at
}

// summary returns the attainment of target, failing if there is none.
func summary(t *testing.T, ss []sla.Summary, target sla.Target) sla.Summary {
	t.Helper()
	for _, s := range ss {
		if s.Target == target {
			return s
		}
	}
	t.Fatalf("no %s summary in %+v", target, ss)
	return sla.Summary{}
}

// TestAttainmentInBusinessTime checks that acknowledgements and first
// responses are measured in the policy's business hours, not in wall time:
// a message at 16:50 answered at 09:10 the next morning took 20 minutes.
func TestAttainmentInBusinessTime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		received string // when the customer wrote
		replied  string // when the agent replied; "" lets the desk acknowledge automatically
		ack      time.Duration
		first    time.Duration // 0: no first response measured
		met      bool          // the acknowledgement met its 30 minutes
	}{
		{name: "agent answers the next morning", received: "2026-01-05 16:50", replied: "2026-01-06 09:10", ack: 20 * time.Minute, first: 20 * time.Minute, met: true},
		{name: "message at night, answered after opening", received: "2026-01-06 02:00", replied: "2026-01-06 09:25", ack: 25 * time.Minute, first: 25 * time.Minute, met: true},
		{name: "across a weekend, late", received: "2026-01-09 16:45", replied: "2026-01-12 09:20", ack: 35 * time.Minute, first: 35 * time.Minute, met: false},
		// The automatic acknowledgement goes out 15 wall-clock minutes after
		// the message, at 17:10: 5 business minutes.
		{name: "automatic acknowledgement after closing", received: "2026-01-05 16:55", ack: 5 * time.Minute, met: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			start := utc(t, tt.received)
			d := longLeaseDesk(t, &care.Config{Policies: businessPolicies(t)}, start, care.Agent{ID: "ana", Name: "Ana Souza"})
			in := d.RequireIngest(t, xmsg("m1", "c1", "where is my bag?"))
			if tt.replied == "" {
				d.Advance(t, 15*time.Minute)
				require.True(t, d.RequireEvent(t, care.Acknowledged, in.Key).Auto)
			} else {
				a := d.RequireNext(t, "ana") // claimed at once: no automatic acknowledgement
				d.Clock.Set(utc(t, tt.replied))
				d.RequireReply(t, a, "It's on the 14:05, delivered tonight.", care.ReplyOptions{})
			}
			att := d.Attainment(nil)
			ack := summary(t, att, sla.TargetAcknowledge)
			require.Equal(t, 1, ack.Count)
			require.Equal(t, tt.ack, ack.P50, "business time, not wall time")
			require.Equal(t, tt.met, ack.Met == 1)
			if tt.first == 0 {
				for _, s := range att {
					require.NotEqual(t, sla.TargetFirstResponse, s.Target, "an automatic acknowledgement is no first response")
				}
				return
			}
			fr := summary(t, att, sla.TargetFirstResponse)
			require.Equal(t, 1, fr.Count)
			require.Equal(t, tt.first, fr.P50)
			require.Equal(t, 1, fr.Met, "within the hour")
		})
	}
}

// TestFirstAndNextResponse follows one conversation: a bot acknowledges
// (no first response), hands off, a human responds (first response), the
// customer writes again and the human answers (next response), then the
// resolution, each measured once.
func TestFirstAndNextResponse(t *testing.T) {
	t.Parallel()
	macros := []care.Macro{{Intent: "roses", Text: "Yes, we sell roses in red, white and pink.", Keywords: []string{"roses"}, BotAllowed: true}}
	d := longLeaseDesk(t, &care.Config{Macros: macros, Acknowledgement: care.AckConfig{Disabled: true}}, caretest.Start,
		care.Agent{ID: "bot", Name: "Florabot", Bot: true}, care.Agent{ID: "ana", Name: "Ana Souza"})
	d.RequireIngest(t, xmsg("m1", "c1", "do you sell roses? and can you deliver today?"))
	bot, err := d.TryNext(ctx, "bot", queue.Filter{})
	require.NoError(t, err)
	d.Clock.Advance(2 * time.Minute)
	d.RequireReply(t, bot, "Yes, we sell roses in red, white and pink.", care.ReplyOptions{})
	_, err = d.Handoff(ctx, bot, "customer-service", "asks about delivery")
	require.NoError(t, err)
	d.Clock.Advance(38 * time.Minute)
	a, err := d.TryNext(ctx, "ana", queue.Filter{Teams: []string{"customer-service"}})
	require.NoError(t, err)
	d.RequireReply(t, a, "Yes, order by 14:00 for delivery today.", care.ReplyOptions{}) // +40m
	d.Clock.Advance(10 * time.Minute)
	d.RequireIngest(t, xmsg("m2", "c1", "and on Sunday?")) // +50m
	d.Clock.Advance(25 * time.Minute)
	require.NoError(t, d.Refresh(context.Background(), a))
	d.RequireReply(t, a, "Sundays too, until noon.", care.ReplyOptions{}) // +75m
	d.Clock.Advance(5 * time.Minute)
	require.NoError(t, d.Resolve(ctx, a)) // +80m

	// Every measurement, by target and agent.
	tests := []struct {
		target  sla.Target
		agent   string
		count   int
		elapsed time.Duration
	}{
		{sla.TargetAcknowledge, "bot", 1, 2 * time.Minute},    // x: 30m
		{sla.TargetFirstResponse, "ana", 1, 40 * time.Minute}, // x: 1h; the bot's reply did not count
		{sla.TargetNextResponse, "ana", 1, 25 * time.Minute},  // x: 1h, from the second message
		{sla.TargetUpdate, "ana", 2, 35 * time.Minute},        // x: 4h; the silences 2m-40m and 40m-75m
		{sla.TargetUpdate, "bot", 0, 0},                       // the bot's reply was the first
		{sla.TargetResolve, "ana", 1, 80 * time.Minute},       // x: 24h
		{sla.TargetFirstResponse, "bot", 0, 0},                // a bot gives no first response
		{sla.TargetAcknowledge, "ana", 0, 0},                  // acknowledged once, by the bot
	}
	all := d.Attainment(nil)
	for _, s := range all {
		require.Equal(t, s.Count, s.Met, "%s: every target met", s.Target)
	}
	require.Len(t, all, 5, "acknowledge, first response, next response, update, resolve: %+v", all)
	for _, tt := range tests {
		ss := d.Attainment(func(m sla.Measurement) bool { return m.Agent == tt.agent && m.Target == tt.target })
		s := summary(t, append(ss, sla.Summary{Target: tt.target}), tt.target)
		require.Equal(t, tt.count, s.Count, "%s by %s", tt.target, tt.agent)
		require.Equal(t, tt.elapsed, s.P50, "%s by %s", tt.target, tt.agent)
	}
}

// alerts returns the SLA warnings and breaches recorded for key, oldest
// first, as "target kind fraction @time-since-Start" (to the second).
func alerts(d *caretest.Desk, key string) []string {
	var out []string
	for _, e := range d.Events() {
		if (e.Kind != care.SLAWarning && e.Kind != care.SLABreach) || e.Key != key {
			continue
		}
		out = append(out, fmt.Sprintf("%s %s %v @%v", e.SLA.Target, e.Kind, e.SLA.Fraction, e.SLA.DueAt.Sub(caretest.Start).Round(time.Second)))
	}
	return out
}

// TestSLAWarningsAndBreach leaves an X conversation unclaimed and
// unacknowledged, ticking every minute: its acknowledgement (30 minutes)
// warns at 75% and 90% and breaches once, then its first response (1 hour)
// does the same; nothing fires twice.
func TestSLAWarningsAndBreach(t *testing.T) {
	t.Parallel()
	d := newDesk(t, &care.Config{Acknowledgement: care.AckConfig{Disabled: true}})
	in := d.RequireIngest(t, xmsg("m1", "c1", "my bag never arrived"))
	tests := []struct {
		until time.Duration // tick every minute up to Start+until
		want  []string      // every alert so far
	}{
		{22 * time.Minute, nil},
		{23 * time.Minute, []string{"acknowledge sla_warning 0.75 @22m30s"}},
		{29 * time.Minute, []string{"acknowledge sla_warning 0.75 @22m30s", "acknowledge sla_warning 0.9 @27m0s"}},
		{30 * time.Minute, []string{"acknowledge sla_warning 0.75 @22m30s", "acknowledge sla_warning 0.9 @27m0s", "acknowledge sla_breach 1 @30m0s"}},
		{44 * time.Minute, []string{"acknowledge sla_warning 0.75 @22m30s", "acknowledge sla_warning 0.9 @27m0s", "acknowledge sla_breach 1 @30m0s"}},
		{2 * time.Hour, []string{"acknowledge sla_warning 0.75 @22m30s", "acknowledge sla_warning 0.9 @27m0s", "acknowledge sla_breach 1 @30m0s",
			"first_response sla_warning 0.75 @45m0s", "first_response sla_warning 0.9 @54m0s", "first_response sla_breach 1 @1h0m0s"}},
	}
	for _, tt := range tests {
		for d.Clock.Now().Before(caretest.Start.Add(tt.until)) {
			d.Advance(t, time.Minute)
		}
		require.Equal(t, tt.want, alerts(d, in.Key), "at +%v", tt.until)
	}
	br := d.EventsOf(care.SLABreach)[0]
	require.Equal(t, care.Event{Kind: care.SLABreach, At: caretest.Start.Add(30 * time.Minute), Key: in.Key, Channel: "x",
		Loop: "customer-service", Team: "customer-service", Detail: br.Detail,
		SLA: &care.SLAAlert{Policy: "x", Target: sla.TargetAcknowledge, Fraction: 1, Allowed: 30 * time.Minute,
			Due: caretest.Start.Add(30 * time.Minute), DueAt: caretest.Start.Add(30 * time.Minute), Cycle: 1}}, br)
	require.Contains(t, br.Detail, "acknowledge")
	w := d.EventsOf(care.SLAWarning)[0]
	require.Equal(t, caretest.Start.Add(23*time.Minute), w.At, "noticed by the tick after it came due")
	require.Equal(t, caretest.Start.Add(30*time.Minute), w.SLA.Due)
	_, ok := br.Analytics()
	require.False(t, ok, "analytics has no SLA alert kind")

	// A tick far later fires only what is left (the resolution, 24h).
	d.Advance(t, 48*time.Hour)
	require.Len(t, d.EventsOf(care.SLABreach), 3)
	require.Equal(t, sla.TargetResolve, d.EventsOf(care.SLABreach)[2].SLA.Target)
	d.Advance(t, 48*time.Hour)
	require.Len(t, d.EventsOf(care.SLABreach), 3, "each breach once")
}

// TestNoSLAEventsAfterResolve resolves conversations at different points
// and checks that no warning or breach follows; a new message reopens the
// conversation, whose next response and resolution run again (not its
// acknowledgement, met once).
func TestNoSLAEventsAfterResolve(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		resolve time.Duration // after the message
		before  []string      // alerts up to the resolution
	}{
		{"before any warning", 10 * time.Minute, nil},
		{"after the acknowledgement warnings", 28 * time.Minute, []string{"acknowledge sla_warning 0.75 @22m30s", "acknowledge sla_warning 0.9 @27m0s"}},
		{"after the acknowledgement breach", 50 * time.Minute, []string{"acknowledge sla_warning 0.75 @22m30s", "acknowledge sla_warning 0.9 @27m0s",
			"acknowledge sla_breach 1 @30m0s", "first_response sla_warning 0.75 @45m0s"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := longLeaseDesk(t, &care.Config{Acknowledgement: care.AckConfig{Disabled: true}}, caretest.Start, care.Agent{ID: "ana", Name: "Ana Souza"})
			in := d.RequireIngest(t, xmsg("m1", "c1", "my bag never arrived"))
			for d.Clock.Now().Before(caretest.Start.Add(tt.resolve)) {
				d.Advance(t, time.Minute)
			}
			a := d.RequireNext(t, "ana")
			require.NoError(t, d.Resolve(ctx, a))
			require.Equal(t, tt.before, alerts(d, in.Key))
			for range 3 {
				d.Advance(t, 24*time.Hour)
			}
			require.Equal(t, tt.before, alerts(d, in.Key), "nothing after the resolution")

			// Reopened 72h+ later: next response (1h) and resolve (24h) run.
			reopen := d.Clock.Now()
			d.RequireIngest(t, xmsg("m2", "c1", "it still hasn't arrived"))
			d.Advance(t, 45*time.Minute)
			got := alerts(d, in.Key)[len(tt.before):]
			require.Equal(t, []string{fmt.Sprintf("next_response sla_warning 0.75 @%v", reopen.Add(45*time.Minute).Sub(caretest.Start))}, got)
			a = d.RequireNext(t, "ana")
			d.RequireReply(t, a, "I've escalated it to our baggage team.", care.ReplyOptions{})
			nr := summary(t, d.Attainment(nil), sla.TargetNextResponse)
			require.Equal(t, 1, nr.Count)
			require.Equal(t, 45*time.Minute, nr.P50)
			require.NoError(t, d.Resolve(ctx, a))
			d.Advance(t, 48*time.Hour)
			require.Len(t, alerts(d, in.Key), len(tt.before)+1, "nothing after the second resolution")
			require.Equal(t, 2, summary(t, d.Attainment(nil), sla.TargetResolve).Count)
			// The reply of the reopened cycle is a next response only: the
			// acknowledgement and first response run in the first cycle,
			// here resolved without a reply: a missed acknowledgement is
			// measured then, and one still within its 30 minutes is not.
			ack := summary(t, append(d.Attainment(nil), sla.Summary{Target: sla.TargetAcknowledge}), sla.TargetAcknowledge)
			if tt.resolve > 30*time.Minute {
				require.Equal(t, 1, ack.Count)
				require.Equal(t, 0, ack.Met)
				require.Equal(t, tt.resolve, ack.P50)
			} else {
				require.Equal(t, 0, ack.Count)
			}
			for _, s := range d.Attainment(nil) {
				require.NotEqual(t, sla.TargetFirstResponse, s.Target)
			}
		})
	}
}

// TestSLAClockRestored restarts the desk (a second desk on the same store)
// mid-conversation: the clock rebuilt from the saved transcript knows that
// the acknowledgement and first response were met and that a next response
// runs from the customer's second message.
func TestSLAClockRestored(t *testing.T) {
	t.Parallel()
	store := care.NewMemStore()
	cfg := &care.Config{Store: store, Acknowledgement: care.AckConfig{Disabled: true}}
	d1 := newDesk(t, cfg)
	in := d1.RequireIngest(t, xmsg("m1", "c1", "my bag never arrived"))
	d1.Clock.Advance(10 * time.Minute)
	d1.RequireReply(t, d1.RequireNext(t, "ana"), "Sorry! Checking now.", care.ReplyOptions{})
	d1.Clock.Advance(10 * time.Minute)
	d1.RequireIngest(t, xmsg("m2", "c1", "any news?")) // next response due at +1h20m

	d2 := newDesk(t, cfg)
	require.NoError(t, d2.Restore(ctx))
	d2.Clock.Set(caretest.Start.Add(20 * time.Minute))
	for d2.Clock.Now().Before(caretest.Start.Add(90 * time.Minute)) {
		d2.Advance(t, time.Minute)
	}
	require.Equal(t, []string{"next_response sla_warning 0.75 @1h5m0s", "next_response sla_warning 0.9 @1h14m0s", "next_response sla_breach 1 @1h20m0s"},
		alerts(d2, in.Key))
}

// TestSLAClockFollowsRerouting re-routes a conversation to the legal loop,
// whose acknowledgement window is an hour instead of X's 30 minutes: the
// clock is rebuilt under the new policy from the first message.
func TestSLAClockFollowsRerouting(t *testing.T) {
	t.Parallel()
	d := newDesk(t, &care.Config{Acknowledgement: care.AckConfig{Disabled: true}})
	in := d.RequireIngest(t, xmsg("m1", "c1", "Where is my refund?"))
	d.Advance(t, 10*time.Minute)
	d.RequireIngest(t, xmsg("m2", "c1", "Fine, my lawyer will take it from here"))
	d.RequireRouted(t, in.Key, "legal")
	for d.Clock.Now().Before(caretest.Start.Add(time.Hour)) {
		d.Advance(t, time.Minute)
	}
	var ack []string
	for _, a := range alerts(d, in.Key) {
		if strings.HasPrefix(a, "acknowledge ") {
			ack = append(ack, a)
		}
	}
	require.Equal(t, []string{"acknowledge sla_warning 0.75 @45m0s", "acknowledge sla_warning 0.9 @54m0s", "acknowledge sla_breach 1 @1h0m0s"},
		ack, "the legal loop's hour, from the first message")
	require.Equal(t, "x/legal", d.EventsOf(care.SLABreach)[0].SLA.Policy)
}
