package maturity_test

import (
	"errors"
	"math"
	"testing"

	"github.com/socialcare/socialcare/maturity"
	"github.com/stretchr/testify/require"
)

func TestQuadrantStringsAndRecommendations(t *testing.T) {
	t.Parallel()
	tests := []struct {
		q          maturity.Quadrant
		name       string
		inv, innov bool
		mention    string
	}{
		{maturity.Observers, "Observers", false, false, "early adopter"},
		{maturity.Conservatives, "Conservatives", true, false, "privately"},
		{maturity.Aspirants, "Aspirants", false, true, "dramatic effect"},
		{maturity.SocialFirst, "#SocialFirst", true, true, "proactive care"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.name, tt.q.String())
			require.Equal(t, tt.inv, tt.q.HighInvestment())
			require.Equal(t, tt.innov, tt.q.HighInnovation())
			require.Equal(t, tt.q, maturity.QuadrantFor(tt.inv, tt.innov))
			recs := tt.q.Recommendations()
			require.NotEmpty(t, recs)
			joined := ""
			for _, r := range recs {
				joined += r + " "
			}
			require.Contains(t, joined, tt.mention)
			recs[0] = "changed"
			require.NotEqual(t, "changed", tt.q.Recommendations()[0], "Recommendations must return a fresh slice")
		})
	}
	require.Equal(t, "Quadrant(0)", maturity.QuadrantUnknown.String())
	require.Nil(t, maturity.QuadrantUnknown.Recommendations())
	require.Len(t, maturity.Quadrants(), 4)
}

func TestAssessQuadrants(t *testing.T) {
	t.Parallel()
	full := maturity.Questionnaire{DedicatedStaff: 2, HoursPerWeek: 40, ExecutiveReports: maturity.ReportsWeekly}
	tests := []struct {
		name       string
		in         maturity.Input
		want       maturity.Quadrant
		inv, innov float64
	}{
		{"zero value", maturity.Input{}, maturity.Observers, 0, 0},
		{"investment only", maturity.Input{Questionnaire: full}, maturity.Conservatives, 100, 0},
		{"innovation only", maturity.Input{Questionnaire: maturity.Questionnaire{
			EarlyAdoption: maturity.AdoptsEarly, Channels: 7, InChannelResolution: 0.8}}, maturity.Aspirants, 0, 100},
		{"both", maturity.Input{Questionnaire: maturity.Questionnaire{DedicatedStaff: 2, HoursPerWeek: 40,
			ExecutiveReports: maturity.ReportsWeekly, EarlyAdoption: maturity.AdoptsEarly, Channels: 9,
			InChannelResolution: 1}}, maturity.SocialFirst, 100, 100},
		// Investment exactly at the threshold is high: (0.75+0.75+0)/3 = 50.
		{"investment at threshold", maturity.Input{Questionnaire: maturity.Questionnaire{DedicatedStaff: 1.5, HoursPerWeek: 30}},
			maturity.Conservatives, 50, 0},
		{"investment just below", maturity.Input{Questionnaire: maturity.Questionnaire{DedicatedStaff: 1.5, HoursPerWeek: 29.9}},
			maturity.Observers, 49.916666667, 0},
		// Innovation exactly at the threshold: resolution 0.8 alone is 50.
		{"innovation at threshold", maturity.Input{Questionnaire: maturity.Questionnaire{InChannelResolution: 0.8}},
			maturity.Aspirants, 0, 50},
		{"innovation just below", maturity.Input{Questionnaire: maturity.Questionnaire{InChannelResolution: 0.79}},
			maturity.Observers, 0, 49.375},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := maturity.Assess(tt.in)
			require.NoError(t, err)
			require.Equal(t, tt.want, r.Quadrant)
			require.InDelta(t, tt.inv, r.Investment, 1e-6)
			require.InDelta(t, tt.innov, r.Innovation, 1e-6)
			require.Equal(t, tt.want.Recommendations(), r.Recommendations)
			require.Len(t, r.Factors, 6)
			var wInv, wInn float64
			for _, f := range r.Factors {
				if f.Axis == maturity.AxisInvestment {
					wInv += f.Weight
				} else {
					wInn += f.Weight
				}
			}
			require.InDelta(t, 1, wInv, 1e-9)
			require.InDelta(t, 1, wInn, 1e-9)
			require.Equal(t, maturity.ProfileUnknown, r.Profile)
			require.Nil(t, r.Social)
		})
	}
}

func TestAssessMeasuredOverridesQuestionnaire(t *testing.T) {
	t.Parallel()
	in := maturity.Input{
		Questionnaire: maturity.Questionnaire{DedicatedStaff: 2, HoursPerWeek: 40, ExecutiveReports: maturity.ReportsWeekly,
			Channels: 9, InChannelResolution: 1, EarlyAdoption: maturity.AdoptsEarly},
		// The desk says: 3 channels, 40% resolved in channel, one report in 8 weeks.
		Measured: &maturity.Measured{Channels: 3, Conversations: 100, ResolvedInChannel: 40, ReportsDelivered: 1, Weeks: 8},
	}
	r, err := maturity.Assess(in)
	require.NoError(t, err)
	byName := map[string]maturity.Factor{}
	for _, f := range r.Factors {
		byName[f.Name] = f
	}
	require.Equal(t, maturity.SourceMeasured, byName["channels in use"].Source)
	require.Equal(t, 3.0, byName["channels in use"].Value)
	require.Equal(t, maturity.SourceMeasured, byName["in-channel resolution"].Source)
	require.InDelta(t, 0.4, byName["in-channel resolution"].Value, 1e-12)
	require.Equal(t, maturity.SourceMeasured, byName["executive reporting"].Source)
	require.Equal(t, float64(maturity.ReportsOccasionally), byName["executive reporting"].Value)
	require.Equal(t, maturity.SourceQuestionnaire, byName["dedicated staff"].Source)
	// investment: (1 + 1 + 1/3)/3 = 77.8; innovation: 25*1 + 25*3/7 + 50*0.5 = 60.7
	require.InDelta(t, 77.777777778, r.Investment, 1e-6)
	require.InDelta(t, 25+25*3.0/7+25, r.Innovation, 1e-6)
	require.Equal(t, maturity.SocialFirst, r.Quadrant)
	require.Contains(t, byName["executive reporting"].String(), "investment/executive reporting 1 (measured)")

	// Zero measured fields fall back to the answers.
	r2, err := maturity.Assess(maturity.Input{Questionnaire: in.Questionnaire, Measured: &maturity.Measured{}})
	require.NoError(t, err)
	for _, f := range r2.Factors {
		require.Equal(t, maturity.SourceQuestionnaire, f.Source, f.Name)
	}
}

func TestCadenceOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		perWeek float64
		want    maturity.Cadence
	}{
		{0, maturity.ReportsNever}, {0.01, maturity.ReportsOccasionally}, {12.0 / 52, maturity.ReportsMonthly},
		{0.5, maturity.ReportsMonthly}, {1, maturity.ReportsWeekly}, {5, maturity.ReportsWeekly},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, maturity.CadenceOf(tt.perWeek), "%v", tt.perWeek)
	}
	require.Equal(t, "weekly", maturity.ReportsWeekly.String())
	require.Equal(t, "early", maturity.AdoptsEarly.String())
}

func TestProfileBoundaries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		channels   int
		engagement float64
		want       maturity.Profile
	}{
		{7, 0.01, maturity.Mavens},
		{6, 0.01, maturity.Selectives},
		{7, 0.0099, maturity.Butterflies},
		{6, 0.0099, maturity.Wallflowers},
		{12, 0.5, maturity.Mavens},
		{0, 0, maturity.Wallflowers},
	}
	for _, tt := range tests {
		t.Run(tt.want.String(), func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, maturity.ProfileOf(tt.channels, tt.engagement))
		})
	}
	m, err := maturity.New(&maturity.Config{ManyChannels: 3, HighEngagement: 0.2})
	require.NoError(t, err)
	require.Equal(t, maturity.Mavens, m.ProfileOf(3, 0.2))
	require.Equal(t, maturity.Wallflowers, m.ProfileOf(2, 0.19))
	require.Equal(t, "Profile(0)", maturity.ProfileUnknown.String())
}

func TestAssessWithSocial(t *testing.T) {
	t.Parallel()
	social := &maturity.SocialMetrics{
		Followers: 1000,
		Posts:     []maturity.Post{{ID: "a", Engagements: 3}, {ID: "b", Engagements: 5}, {ID: "c", Engagements: 2}},
	}
	for _, tt := range []struct {
		channels int
		want     maturity.Profile
	}{{6, maturity.Selectives}, {7, maturity.Mavens}} {
		r, err := maturity.Assess(maturity.Input{Questionnaire: maturity.Questionnaire{Channels: tt.channels}, Social: social})
		require.NoError(t, err)
		require.Equal(t, tt.want, r.Profile, "channels %d", tt.channels)
		require.InDelta(t, 0.01, r.Social.FollowerQuality, 1e-12)
	}
}

func TestSummarize(t *testing.T) {
	t.Parallel()
	s, err := maturity.Summarize(maturity.SocialMetrics{
		Followers: 200,
		Posts: []maturity.Post{
			{ID: "p1", Engagements: 1}, {ID: "p2", Engagements: 9}, {ID: "p3", Engagements: 4},
			{ID: "p4", Engagements: 4}, {ID: "p0", Engagements: 4}, {ID: "p5", Engagements: 0}, {ID: "p6", Engagements: 2},
		},
		Funnel: []maturity.Step{{"reached", 1000}, {"engaged", 100}, {"participated", 25}, {"converted", 0}, {"repeat", 3}},
	})
	require.NoError(t, err)
	require.Equal(t, 24, s.Engagements)
	require.InDelta(t, 0.12, s.FollowerQuality, 1e-12)
	var ids []string
	for _, p := range s.TopPosts {
		ids = append(ids, p.ID)
	}
	require.Equal(t, []string{"p2", "p0", "p3", "p4", "p6"}, ids)
	require.Equal(t, []maturity.Conversion{
		{"reached", "engaged", 0.1}, {"engaged", "participated", 0.25},
		{"participated", "converted", 0}, {"converted", "repeat", 0},
	}, s.Conversions)

	empty, err := maturity.Summarize(maturity.SocialMetrics{})
	require.NoError(t, err)
	require.Zero(t, empty.FollowerQuality)
	require.Empty(t, empty.TopPosts)
}

func TestErrors(t *testing.T) {
	t.Parallel()
	bad := []maturity.Input{
		{Questionnaire: maturity.Questionnaire{DedicatedStaff: -1}},
		{Questionnaire: maturity.Questionnaire{HoursPerWeek: math.NaN()}},
		{Questionnaire: maturity.Questionnaire{HoursPerWeek: math.Inf(1)}},
		{Questionnaire: maturity.Questionnaire{ExecutiveReports: 9}},
		{Questionnaire: maturity.Questionnaire{EarlyAdoption: -1}},
		{Questionnaire: maturity.Questionnaire{Channels: -1}},
		{Questionnaire: maturity.Questionnaire{InChannelResolution: 1.2}},
		{Questionnaire: maturity.Questionnaire{InChannelResolution: math.NaN()}},
		{Measured: &maturity.Measured{Conversations: 1, ResolvedInChannel: 2}},
		{Measured: &maturity.Measured{Channels: -2}},
		{Measured: &maturity.Measured{Weeks: -1}},
		{Measured: &maturity.Measured{ReportsDelivered: -1}},
		{Social: &maturity.SocialMetrics{Followers: -1}},
		{Social: &maturity.SocialMetrics{Posts: []maturity.Post{{ID: "x", Engagements: -1}}}},
		{Social: &maturity.SocialMetrics{Funnel: []maturity.Step{{"a", -1}}}},
	}
	for i, in := range bad {
		_, err := maturity.Assess(in)
		require.Error(t, err, "case %d", i)
		require.True(t, errors.Is(err, maturity.ErrInvalidInput), "case %d: %v", i, err)
		require.ErrorIs(t, err, maturity.ErrInvalid, "case %d", i)
		require.Contains(t, err.Error(), "maturity: ")
	}
	for _, cfg := range []maturity.Config{
		{Threshold: 101}, {Threshold: -1}, {StaffTarget: -1}, {HoursTarget: -1}, {ResolutionTarget: 2},
		{ManyChannels: -1}, {HighEngagement: -0.1}, {TopPosts: -1},
	} {
		_, err := maturity.New(&cfg)
		require.ErrorIs(t, err, maturity.ErrInvalidInput, "%+v", cfg)
		require.ErrorIs(t, err, maturity.ErrInvalid, "%+v", cfg)
		require.Contains(t, err.Error(), "default", "%+v: the message says what to set", cfg)
	}
	m, err := maturity.New(nil)
	require.NoError(t, err)
	require.Equal(t, 50.0, m.Config().Threshold)
	require.Equal(t, 7, m.Config().ManyChannels)
}
