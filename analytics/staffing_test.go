package analytics_test

import (
	"math"
	"testing"
	"time"

	"github.com/socialcare/socialcare/analytics"
	"github.com/stretchr/testify/require"
)

func TestErlangWorkedExample(t *testing.T) {
	t.Parallel()
	// 250 contacts an hour, 330 s handle time, 80% within 30 s.
	const aht, within = 330 * time.Second, 30 * time.Second
	require.InDelta(t, 0.857, analytics.ServiceLevel(28, 250, aht, within), 0.0005)
	require.InDelta(t, 0.782, analytics.ServiceLevel(27, 250, aht, within), 0.0005)

	s, err := analytics.NewStaffer(aht, &analytics.StaffingConfig{ServiceLevel: 0.8, Within: within})
	require.NoError(t, err)
	st, err := s.Agents(250)
	require.NoError(t, err)
	require.Equal(t, 28, st.Agents)
	require.InDelta(t, 0.857, st.ServiceLevel, 0.0005)
	require.InDelta(t, 250*330.0/3600, st.Traffic, 1e-9)
	require.InDelta(t, 22.917/28, st.Occupancy, 0.001)
	require.Equal(t, analytics.LimitServiceLevel, st.Limit)
	// Default shrinkage 30%: ceil(28 / 0.7) = 40 on the rota.
	require.Equal(t, 40, st.Scheduled)
	// ASA = C × AHT / (N − A): about 14.8 s here.
	require.InDelta(t, 14.75, st.ASA.Seconds(), 0.05)
	require.InDelta(t, analytics.ErlangC(28, 250*330.0/3600), st.WaitProbability, 1e-12)
}

func TestErlangB(t *testing.T) {
	t.Parallel()
	tests := []struct {
		n    int
		a    float64
		want float64
	}{
		{1, 1, 0.5},
		{2, 1, 0.2},
		{3, 2, 4.0 / 19},
		{0, 5, 1},
		{5, 0, 0},
	}
	for _, tt := range tests {
		require.InDelta(t, tt.want, analytics.ErlangB(tt.n, tt.a), 1e-12, "B(%d, %v)", tt.n, tt.a)
	}
	// Erlang C: 2 agents, 1 erlang: C = 2·0.2/(2 − 1·0.8) = 1/3.
	require.InDelta(t, 1.0/3, analytics.ErlangC(2, 1), 1e-12)
	require.Equal(t, 1.0, analytics.ErlangC(3, 3))
	require.Equal(t, 0.0, analytics.ErlangC(3, 0))
	require.Equal(t, 1.0, analytics.ServiceLevel(0, 0, time.Minute, time.Minute))
	require.Equal(t, 0.0, analytics.ServiceLevel(2, 200, time.Minute, time.Minute))
}

func TestStafferLargeLoadIsStable(t *testing.T) {
	t.Parallel()
	// 20,000 erlangs: 170! and 20000^n overflow float64 long before; the
	// recursion does not.
	s, err := analytics.NewStaffer(6*time.Minute, &analytics.StaffingConfig{Within: 20 * time.Second, MaxOccupancy: 1})
	require.NoError(t, err)
	st, err := s.Agents(200_000)
	require.NoError(t, err)
	require.False(t, math.IsNaN(st.ServiceLevel))
	require.GreaterOrEqual(t, st.ServiceLevel, 0.8)
	require.Greater(t, st.Agents, 20000)
	require.Less(t, st.Agents, 20200)
	require.Less(t, analytics.ServiceLevel(st.Agents-1, 200_000, 6*time.Minute, 20*time.Second), 0.8)
}

func TestStafferLimits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cfg     analytics.StaffingConfig
		aht     time.Duration
		perHour float64
		agents  int
		sched   int
		limit   analytics.Limit
	}{
		// 30-minute target: Erlang C alone needs few agents; the 85%
		// occupancy cap asks for ceil(10/0.85) = 12.
		{"occupancy", analytics.StaffingConfig{}, 6 * time.Minute, 100, 12, 18, analytics.LimitOccupancy},
		{"no cap", analytics.StaffingConfig{MaxOccupancy: 1, Shrinkage: -1}, 6 * time.Minute, 100, 11, 11, analytics.LimitServiceLevel},
		{"quiet hour minimum", analytics.StaffingConfig{}, 6 * time.Minute, 0, 1, 2, analytics.LimitMinimum},
		{"no minimum", analytics.StaffingConfig{MinAgents: -1, Shrinkage: -1}, 6 * time.Minute, 0, 0, 0, analytics.LimitMinimum},
		{"minimum above need", analytics.StaffingConfig{MinAgents: 3}, 6 * time.Minute, 1, 3, 5, analytics.LimitMinimum},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := analytics.NewStaffer(tt.aht, &tt.cfg)
			require.NoError(t, err)
			st, err := s.Agents(tt.perHour)
			require.NoError(t, err)
			require.Equal(t, tt.agents, st.Agents)
			require.Equal(t, tt.sched, st.Scheduled)
			require.Equal(t, tt.limit, st.Limit)
			require.LessOrEqual(t, st.Occupancy, s.Config().MaxOccupancy+1e-9)
		})
	}
}

func TestStafferErrors(t *testing.T) {
	t.Parallel()
	_, err := analytics.NewStaffer(0, nil)
	require.ErrorIs(t, err, analytics.ErrInvalidConfig)
	require.ErrorIs(t, err, analytics.ErrInvalid)
	for _, cfg := range []analytics.StaffingConfig{
		{ServiceLevel: 1}, {ServiceLevel: -0.1}, {ServiceLevel: math.NaN()}, {Within: -time.Second},
		{MaxOccupancy: 1.1}, {Shrinkage: 1}, {Shrinkage: math.NaN()},
	} {
		_, err := analytics.NewStaffer(time.Minute, &cfg)
		require.ErrorIs(t, err, analytics.ErrInvalidConfig, "%+v", cfg)
		require.ErrorIs(t, err, analytics.ErrInvalid, "%+v", cfg)
	}
	s, err := analytics.NewStaffer(time.Minute, nil)
	require.NoError(t, err)
	for _, v := range []float64{-1, math.NaN(), math.Inf(1)} {
		_, err := s.Agents(v)
		require.ErrorIs(t, err, analytics.ErrInvalidConfig)
		require.ErrorIs(t, err, analytics.ErrInvalid)
	}
	var w analytics.Week
	w[5] = -1
	_, err = s.Plan(w)
	require.ErrorIs(t, err, analytics.ErrInvalidConfig)
	require.ErrorIs(t, err, analytics.ErrInvalid)
	require.Contains(t, err.Error(), "Mon 05:00")
	c := s.Config()
	require.Equal(t, 0.8, c.ServiceLevel)
	require.Equal(t, 30*time.Minute, c.Within)
	require.Equal(t, 0.85, c.MaxOccupancy)
	require.Equal(t, 0.3, c.Shrinkage)
	require.Equal(t, 1, c.MinAgents)
}

func TestPlan(t *testing.T) {
	t.Parallel()
	s, err := analytics.NewStaffer(330*time.Second, &analytics.StaffingConfig{Within: 30 * time.Second})
	require.NoError(t, err)
	var f analytics.Week
	f[analytics.Slot(time.Monday, 9)] = 250
	f[analytics.Slot(time.Monday, 10)] = 125
	p, err := s.Plan(f)
	require.NoError(t, err)
	require.Equal(t, 28, p[analytics.Slot(time.Monday, 9)].Agents)
	require.Equal(t, 1, p[analytics.Slot(time.Sunday, 3)].Agents)
	agents := p.Agents()
	require.Equal(t, 28.0, agents[analytics.Slot(time.Monday, 9)])
	require.Greater(t, agents[analytics.Slot(time.Monday, 10)], 1.0)
	require.Equal(t, int(agents.Total()), p.AgentHours())
	require.Equal(t, 40.0, p.Scheduled()[analytics.Slot(time.Monday, 9)])
}
