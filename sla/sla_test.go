package sla_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/sla"
)

func TestPoliciesMatch(t *testing.T) {
	t.Parallel()
	ps, err := sla.NewPolicies(
		sla.Policy{Name: "vip", Tiers: []string{"vip"}, Acknowledge: 5 * time.Minute, Resolve: time.Hour},
		sla.Policy{Name: "urgent-x", Channels: []string{"x"}, Bands: []string{"urgent"}, Acknowledge: 10 * time.Minute, Resolve: 2 * time.Hour},
		sla.Policy{Name: "billing", Teams: []string{"billing"}, Acknowledge: time.Hour, Resolve: 8 * time.Hour},
		sla.Policy{Name: "x", Channels: []string{"x"}, Acknowledge: 30 * time.Minute, Resolve: 24 * time.Hour},
		sla.Policy{Name: "default", Acknowledge: 12 * time.Hour, Resolve: 24 * time.Hour},
	)
	require.NoError(t, err)
	tests := []struct {
		in   sla.MatchInput
		want string
	}{
		{sla.MatchInput{Channel: "x", Band: "urgent", Tier: "vip"}, "vip"}, // first match wins
		{sla.MatchInput{Channel: "x", Band: "urgent"}, "urgent-x"},
		{sla.MatchInput{Channel: "facebook", Band: "urgent"}, "default"},
		{sla.MatchInput{Channel: "x", Team: "billing"}, "billing"},
		{sla.MatchInput{Channel: "x", Band: "low"}, "x"},
		{sla.MatchInput{Channel: "email"}, "default"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, ps.MatchInput(tt.in).Name, "%+v", tt.in)
	}
	require.Equal(t, "x", ps.Match("x").Name, "Match(channel) ignores policies with other criteria")
	require.Len(t, ps.List(), 5)
}

func TestDefaultPoliciesUnchanged(t *testing.T) {
	t.Parallel()
	ps := sla.DefaultPolicies()
	start := time.Date(2026, 5, 22, 23, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		ch  string
		ack time.Duration
	}{{"x", 30 * time.Minute}, {"chat", 5 * time.Minute}, {"messenger", time.Hour}, {"whatsapp", time.Hour}, {"facebook", 12 * time.Hour}, {"email", 12 * time.Hour}} {
		p := ps.Match(tt.ch)
		require.NoError(t, p.Validate())
		d := p.Deadlines(start)
		require.Equal(t, start.Add(tt.ack), d.AcknowledgeBy, tt.ch)
		require.Equal(t, start.Add(24*time.Hour), d.ResolveBy, tt.ch)
		require.Equal(t, p.Name, d.Policy)
	}
	_, err := sla.NewPolicies(ps.List()...)
	require.NoError(t, err)
}

func TestPolicyErrors(t *testing.T) {
	t.Parallel()
	ok := sla.Policy{Name: "p", Acknowledge: time.Minute, Resolve: time.Hour}
	with := func(f func(*sla.Policy)) sla.Policy { p := ok; f(&p); return p }
	tests := []struct {
		name string
		list []sla.Policy
		want string
	}{
		{"none", nil, "no policies"},
		{"no name", []sla.Policy{with(func(p *sla.Policy) { p.Name = "" })}, "has no name"},
		{"zero acknowledge", []sla.Policy{with(func(p *sla.Policy) { p.Acknowledge = 0 })}, `policy "p": Acknowledge must be positive, got 0s`},
		{"negative resolve", []sla.Policy{with(func(p *sla.Policy) { p.Resolve = -time.Hour })}, `policy "p": Resolve must be positive, got -1h0m0s`},
		{"negative first response", []sla.Policy{with(func(p *sla.Policy) { p.FirstResponse = -1 })}, "FirstResponse must be positive"},
		{"negative next response", []sla.Policy{with(func(p *sla.Policy) { p.NextResponse = -1 })}, "NextResponse must be positive"},
		{"negative update", []sla.Policy{with(func(p *sla.Policy) { p.Update = -1 })}, "Update must be positive"},
		{"resolve before ack", []sla.Policy{with(func(p *sla.Policy) { p.Resolve = time.Second })}, "shorter than Acknowledge"},
		{"duplicate", []sla.Policy{ok, ok}, `duplicate policy name "p"`},
		{"no catch-all", []sla.Policy{with(func(p *sla.Policy) { p.Tiers = []string{"vip"} })}, "must match everything"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := sla.NewPolicies(tt.list...)
			require.ErrorIs(t, err, sla.ErrInvalid)
			require.ErrorContains(t, err, tt.want)
		})
	}
}

func TestAttainment(t *testing.T) {
	t.Parallel()
	var a sla.Attainment
	require.Equal(t, []sla.Summary{{Target: sla.TargetAcknowledge}, {Target: sla.TargetResolve}}, a.Summarize(nil), "zero value usable")
	for i := 1; i <= 100; i++ {
		agent := "ann"
		if i%2 == 0 {
			agent = "bob"
		}
		a.Record(sla.Measurement{Policy: "x", Channel: "x", Agent: agent, Target: sla.TargetAcknowledge, Elapsed: time.Duration(i) * time.Minute, Allowed: 30 * time.Minute})
		a.Record(sla.Measurement{Policy: "x", Channel: "x", Agent: agent, Target: sla.TargetFirstResponse, Elapsed: time.Duration(i) * time.Minute, Allowed: time.Hour})
	}
	a.Record(sla.Measurement{Policy: "default", Channel: "facebook", Agent: "ann", Target: sla.TargetResolve, Elapsed: 20 * time.Hour, Allowed: 24 * time.Hour})
	require.Equal(t, 201, a.Len())
	s := a.Summarize(nil)
	require.Len(t, s, 3)
	require.Equal(t, sla.Summary{Target: sla.TargetAcknowledge, Count: 100, Met: 30, P50: 50 * time.Minute, P90: 90 * time.Minute, P99: 99 * time.Minute}, s[0])
	require.Equal(t, sla.TargetFirstResponse, s[1].Target)
	require.InDelta(t, 60, s[1].Percent(), 1e-9)
	require.Equal(t, sla.Summary{Target: sla.TargetResolve, Count: 1, Met: 1, P50: 20 * time.Hour, P90: 20 * time.Hour, P99: 20 * time.Hour}, s[2])

	byAgent := a.GroupBy(sla.ByAgent)
	require.Equal(t, []string{"ann", "bob"}, []string{byAgent[0].Key, byAgent[1].Key})
	require.Equal(t, 50, byAgent[1].Summaries[0].Count)
	require.Equal(t, 15, byAgent[1].Summaries[0].Met)
	byChannel := a.GroupBy(sla.ByChannel)
	require.Equal(t, "facebook", byChannel[0].Key)
	require.Equal(t, 0, byChannel[0].Summaries[0].Count)
	byPolicy := a.GroupBy(sla.ByPolicy)
	require.Equal(t, "x", byPolicy[1].Key)
	require.Equal(t, 99*time.Minute, byPolicy[1].Summaries[1].P99)
	require.Equal(t, 0.0, sla.Summary{}.Percent())
	require.Len(t, sla.Targets(), 5)
}
