package maturity

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
)

// ErrInvalid is wrapped by every error about a bad argument (New's Config,
// Assess's Input, Summarize's SocialMetrics). ErrInvalidInput, its older
// name, wraps it. Test for either with errors.Is.
var ErrInvalid = errors.New("maturity: invalid argument")

// ErrInvalidInput is wrapped by every error about a value out of range in an
// Input, a Config or SocialMetrics. It wraps ErrInvalid. Test for it with
// errors.Is.
var ErrInvalidInput error = invalidInput{}

type invalidInput struct{}

func (invalidInput) Error() string { return "maturity: invalid input" }
func (invalidInput) Unwrap() error { return ErrInvalid }

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidInput}, args...)...)
}

// Quadrant is a cell of the Social Maturity Index. The zero value is
// QuadrantUnknown.
type Quadrant int

// The quadrants of the Social Maturity Index.
const (
	// QuadrantUnknown is the zero value: not assessed.
	QuadrantUnknown Quadrant = iota
	// Observers: low investment, low innovation.
	Observers
	// Conservatives: high investment, low innovation.
	Conservatives
	// Aspirants: low investment, high innovation.
	Aspirants
	// SocialFirst: high investment, high innovation; printed "#SocialFirst".
	SocialFirst
)

// Quadrants lists the four quadrants in order.
func Quadrants() []Quadrant { return []Quadrant{Observers, Conservatives, Aspirants, SocialFirst} }

// QuadrantFor returns the quadrant of the two levels.
func QuadrantFor(highInvestment, highInnovation bool) Quadrant {
	switch {
	case highInvestment && highInnovation:
		return SocialFirst
	case highInvestment:
		return Conservatives
	case highInnovation:
		return Aspirants
	default:
		return Observers
	}
}

// String returns the quadrant's name: "Observers", "Conservatives",
// "Aspirants" or "#SocialFirst"; "Quadrant(n)" for other values.
func (q Quadrant) String() string {
	switch q {
	case Observers:
		return "Observers"
	case Conservatives:
		return "Conservatives"
	case Aspirants:
		return "Aspirants"
	case SocialFirst:
		return "#SocialFirst"
	}
	return "Quadrant(" + strconv.Itoa(int(q)) + ")"
}

// HighInvestment reports whether q is a high-investment quadrant.
func (q Quadrant) HighInvestment() bool { return q == Conservatives || q == SocialFirst }

// HighInnovation reports whether q is a high-innovation quadrant.
func (q Quadrant) HighInnovation() bool { return q == Aspirants || q == SocialFirst }

// Recommendations returns what a brand in q should do next, a new slice each
// call; nil for QuadrantUnknown and other values.
func (q Quadrant) Recommendations() []string {
	switch q {
	case Observers:
		return []string{
			"Dive in: become an early adopter of new social channels.",
			"Start on every channel where your customers are.",
		}
	case Conservatives:
		return []string{
			"Invest more gradually in social training of your support teams.",
			"Engage privately to reduce public venting.",
		}
	case Aspirants:
		return []string{
			"Invest fully in social care: dedicated staff, time and executive reporting will have a dramatic effect.",
		}
	case SocialFirst:
		return []string{
			"Stay ahead: adopt new channels early.",
			"Integrate social care with the other departments.",
			"Use proactive care to grow revenue.",
		}
	}
	return nil
}

// Cadence is how often executives receive social care performance reports.
// The zero value is ReportsNever.
type Cadence int

// Report cadences, from none to weekly.
const (
	// ReportsNever: executives receive no reports.
	ReportsNever Cadence = iota
	// ReportsOccasionally: quarterly or less often.
	ReportsOccasionally
	// ReportsMonthly: at least monthly.
	ReportsMonthly
	// ReportsWeekly: at least weekly.
	ReportsWeekly
)

// String returns "never", "occasionally", "monthly" or "weekly".
func (c Cadence) String() string {
	switch c {
	case ReportsNever:
		return "never"
	case ReportsOccasionally:
		return "occasionally"
	case ReportsMonthly:
		return "monthly"
	case ReportsWeekly:
		return "weekly"
	}
	return "Cadence(" + strconv.Itoa(int(c)) + ")"
}

// score maps the cadence to 0–1.
func (c Cadence) score() float64 { return float64(c) / float64(ReportsWeekly) }

// CadenceOf returns the cadence of reports delivered at perWeek reports a
// week: weekly at 1 or more, monthly at 12/52 or more (one a month),
// occasionally above 0, never at 0.
func CadenceOf(perWeek float64) Cadence {
	switch {
	case perWeek >= 1:
		return ReportsWeekly
	case perWeek >= 12.0/52:
		return ReportsMonthly
	case perWeek > 0:
		return ReportsOccasionally
	}
	return ReportsNever
}

// Adoption is how soon a brand takes up new social apps and networks. The zero
// value is AdoptsNever.
type Adoption int

// Adoption answers, from never to early.
const (
	// AdoptsNever: the brand stays on the channels it has.
	AdoptsNever Adoption = iota
	// AdoptsLate: years after customers moved there.
	AdoptsLate
	// AdoptsMainstream: once a network is mainstream.
	AdoptsMainstream
	// AdoptsEarly: among the first brands on a new network.
	AdoptsEarly
)

// String returns "never", "late", "mainstream" or "early".
func (a Adoption) String() string {
	switch a {
	case AdoptsNever:
		return "never"
	case AdoptsLate:
		return "late"
	case AdoptsMainstream:
		return "mainstream"
	case AdoptsEarly:
		return "early"
	}
	return "Adoption(" + strconv.Itoa(int(a)) + ")"
}

func (a Adoption) score() float64 { return float64(a) / float64(AdoptsEarly) }

// Questionnaire holds a brand's own answers. The zero value is a brand that
// invests nothing and innovates nowhere (Observers).
type Questionnaire struct {
	// DedicatedStaff is the number of full-time-equivalent agents whose main
	// job is social care. Must not be negative.
	DedicatedStaff float64
	// HoursPerWeek is the total agent time spent on social care in a week, in
	// hours, dedicated staff included. Must not be negative.
	HoursPerWeek float64
	// ExecutiveReports is how often executives receive social care
	// performance reports.
	ExecutiveReports Cadence
	// EarlyAdoption is how soon the brand adopts new social apps and
	// networks.
	EarlyAdoption Adoption
	// Channels is the number of social channels the brand answers customers
	// on. Must not be negative.
	Channels int
	// InChannelResolution is the share (0–1) of customer questions agents
	// fully resolve inside the social channel, without sending the customer
	// to the phone or e-mail.
	InChannelResolution float64
}

// Measured holds what the desk measured; its values take precedence over the
// questionnaire's. The zero value measures nothing.
type Measured struct {
	// Channels is the number of distinct channels with conversations in the
	// period; 0 means not measured.
	Channels int
	// Conversations is the number of conversations resolved in the period;
	// 0 means the in-channel resolution rate was not measured.
	Conversations int
	// ResolvedInChannel is how many of Conversations were resolved inside
	// the social channel they started on. Must not exceed Conversations.
	ResolvedInChannel int
	// ReportsDelivered is the number of performance reports delivered to
	// executives in the period.
	ReportsDelivered int
	// Weeks is the length of the period in weeks; 0 means the report
	// cadence was not measured (ReportsDelivered is then ignored).
	Weeks float64
}

// Input is what Assess looks at.
type Input struct {
	// Questionnaire is the brand's own answers.
	Questionnaire Questionnaire
	// Measured is the desk's measurements, if any; they override the
	// matching answers.
	Measured *Measured
	// Social is the brand's social metrics, if any; with them the Result
	// also carries the engagement profile and the metrics' summary.
	Social *SocialMetrics
}

// Axis names one of the two axes of the index.
type Axis string

// The two axes.
const (
	AxisInvestment Axis = "investment"
	AxisInnovation Axis = "innovation"
)

// Source says where a factor's value came from.
type Source string

// Sources of factor values.
const (
	SourceQuestionnaire Source = "questionnaire"
	SourceMeasured      Source = "measured"
)

// Factor is one contribution to an axis score.
type Factor struct {
	// Axis is the axis the factor belongs to.
	Axis Axis
	// Name is "dedicated staff", "time invested", "executive reporting",
	// "early adoption", "channels in use" or "in-channel resolution".
	Name string
	// Value is the raw value, in the factor's own unit (agents, hours a
	// week, cadence step, adoption step, channels, share).
	Value float64
	// Score is the factor's 0–1 score.
	Score float64
	// Weight is the factor's share of its axis; the weights of an axis add
	// up to 1.
	Weight float64
	// Source is where Value came from.
	Source Source
}

// String formats the factor for people, e.g.
// `investment/time invested 20 (questionnaire) score 0.50 × 0.33`.
func (f Factor) String() string {
	return fmt.Sprintf("%s/%s %s (%s) score %.2f × %.2f", f.Axis, f.Name,
		strconv.FormatFloat(f.Value, 'f', -1, 64), f.Source, f.Score, f.Weight)
}

// Result is an assessment.
type Result struct {
	// Quadrant is the brand's quadrant.
	Quadrant Quadrant
	// Investment is the investment score, 0–100.
	Investment float64
	// Innovation is the innovation score, 0–100.
	Innovation float64
	// Factors are the contributions to both scores, investment first.
	Factors []Factor
	// Recommendations are the quadrant's recommendations.
	Recommendations []string
	// Profile is the engagement profile; ProfileUnknown without
	// Input.Social.
	Profile Profile
	// Social summarizes Input.Social; nil without it.
	Social *SocialSummary
}

// Config sets the scoring. The zero value of a field means its default.
type Config struct {
	// Threshold is the axis score (0–100) at or above which an axis is
	// high. Defaults to 50.
	Threshold float64
	// StaffTarget is the number of dedicated agents that scores full
	// marks. Defaults to 2.
	StaffTarget float64
	// HoursTarget is the weekly hours of social care that score full
	// marks. Defaults to 40 (one full-time agent).
	HoursTarget float64
	// ResolutionTarget is the in-channel resolution share that scores full
	// marks. Defaults to 0.8.
	ResolutionTarget float64
	// ManyChannels is the number of channels from which a brand uses many
	// channels, for the engagement profile and for full marks on channels
	// in use. Defaults to 7.
	ManyChannels int
	// HighEngagement is the engagement rate (engagements per follower over
	// the period of SocialMetrics) at or above which engagement is high.
	// Defaults to 0.01 (1%).
	HighEngagement float64
	// TopPosts is how many posts SocialSummary.TopPosts keeps. Defaults to 5.
	TopPosts int
}

// Model assesses brands with one Config. It is immutable and safe for
// concurrent use.
type Model struct {
	cfg Config
}

// New returns a Model for cfg; nil means all defaults. It returns an error
// wrapping ErrInvalidInput for negative fields, a Threshold above 100, or a
// ResolutionTarget above 1.
func New(cfg *Config) (*Model, error) {
	var c Config
	if cfg != nil {
		c = *cfg
	}
	switch {
	case c.Threshold < 0 || c.Threshold > 100 || math.IsNaN(c.Threshold):
		return nil, invalid("Config.Threshold is %v: set a score in (0, 100], or 0 for the default 50", c.Threshold)
	case c.StaffTarget < 0 || math.IsNaN(c.StaffTarget):
		return nil, invalid("Config.StaffTarget is %v: set a number of agents ≥ 0, or 0 for the default 2", c.StaffTarget)
	case c.HoursTarget < 0 || math.IsNaN(c.HoursTarget):
		return nil, invalid("Config.HoursTarget is %v: set hours a week ≥ 0, or 0 for the default 40", c.HoursTarget)
	case c.ResolutionTarget < 0 || c.ResolutionTarget > 1 || math.IsNaN(c.ResolutionTarget):
		return nil, invalid("Config.ResolutionTarget is %v: set a share in (0, 1], or 0 for the default 0.8", c.ResolutionTarget)
	case c.ManyChannels < 0:
		return nil, invalid("Config.ManyChannels is %d: set a channel count ≥ 0, or 0 for the default 7", c.ManyChannels)
	case c.HighEngagement < 0 || math.IsNaN(c.HighEngagement):
		return nil, invalid("Config.HighEngagement is %v: set a rate ≥ 0, or 0 for the default 0.01", c.HighEngagement)
	case c.TopPosts < 0:
		return nil, invalid("Config.TopPosts is %d: set a count ≥ 0, or 0 for the default 5", c.TopPosts)
	}
	if c.Threshold == 0 {
		c.Threshold = 50
	}
	if c.StaffTarget == 0 {
		c.StaffTarget = 2
	}
	if c.HoursTarget == 0 {
		c.HoursTarget = 40
	}
	if c.ResolutionTarget == 0 {
		c.ResolutionTarget = 0.8
	}
	if c.ManyChannels == 0 {
		c.ManyChannels = 7
	}
	if c.HighEngagement == 0 {
		c.HighEngagement = 0.01
	}
	if c.TopPosts == 0 {
		c.TopPosts = 5
	}
	return &Model{cfg: c}, nil
}

// Config returns the model's configuration with defaults filled in.
func (m *Model) Config() Config { return m.cfg }

// Assess assesses in with the default Config.
func Assess(in Input) (Result, error) {
	m, _ := New(nil) // the defaults are valid
	return m.Assess(in)
}

// Assess scores investment and innovation and returns the quadrant with its
// recommendations, the factors that add up to the scores, and, with
// in.Social, the engagement profile and social metrics. Errors wrap
// ErrInvalidInput.
//
// Investment is the mean of three factors: dedicated staff against
// StaffTarget, hours a week against HoursTarget, and the executive report
// cadence (measured from Measured.ReportsDelivered/Weeks when Weeks > 0).
// Innovation is half early adoption (itself the mean of the adoption answer
// and channels in use against ManyChannels, channels measured when
// Measured.Channels > 0) and half in-channel resolution against
// ResolutionTarget (measured when Measured.Conversations > 0).
func (m *Model) Assess(in Input) (Result, error) {
	q := in.Questionnaire
	if err := q.validate(); err != nil {
		return Result{}, err
	}
	var ms Measured
	if in.Measured != nil {
		ms = *in.Measured
		if err := ms.validate(); err != nil {
			return Result{}, err
		}
	}

	cadence, cadenceSrc := q.ExecutiveReports, SourceQuestionnaire
	if ms.Weeks > 0 {
		cadence, cadenceSrc = CadenceOf(float64(ms.ReportsDelivered)/ms.Weeks), SourceMeasured
	}
	channels, channelsSrc := q.Channels, SourceQuestionnaire
	if ms.Channels > 0 {
		channels, channelsSrc = ms.Channels, SourceMeasured
	}
	resolution, resolutionSrc := q.InChannelResolution, SourceQuestionnaire
	if ms.Conversations > 0 {
		resolution, resolutionSrc = float64(ms.ResolvedInChannel)/float64(ms.Conversations), SourceMeasured
	}

	const third = 1.0 / 3
	factors := []Factor{
		{AxisInvestment, "dedicated staff", q.DedicatedStaff, capped(q.DedicatedStaff / m.cfg.StaffTarget), third, SourceQuestionnaire},
		{AxisInvestment, "time invested", q.HoursPerWeek, capped(q.HoursPerWeek / m.cfg.HoursTarget), third, SourceQuestionnaire},
		{AxisInvestment, "executive reporting", float64(cadence), cadence.score(), third, cadenceSrc},
		{AxisInnovation, "early adoption", float64(q.EarlyAdoption), q.EarlyAdoption.score(), 0.25, SourceQuestionnaire},
		{AxisInnovation, "channels in use", float64(channels), capped(float64(channels) / float64(m.cfg.ManyChannels)), 0.25, channelsSrc},
		{AxisInnovation, "in-channel resolution", resolution, capped(resolution / m.cfg.ResolutionTarget), 0.5, resolutionSrc},
	}
	var r Result
	for _, f := range factors {
		switch f.Axis {
		case AxisInvestment:
			r.Investment += 100 * f.Score * f.Weight
		case AxisInnovation:
			r.Innovation += 100 * f.Score * f.Weight
		}
	}
	// Round away float noise so that a score meant to be exactly the
	// threshold compares as such.
	r.Investment = math.Round(r.Investment*1e9) / 1e9
	r.Innovation = math.Round(r.Innovation*1e9) / 1e9
	r.Factors = factors
	r.Quadrant = QuadrantFor(r.Investment >= m.cfg.Threshold, r.Innovation >= m.cfg.Threshold)
	r.Recommendations = r.Quadrant.Recommendations()
	if in.Social != nil {
		s, err := m.Summarize(*in.Social)
		if err != nil {
			return Result{}, err
		}
		r.Social = &s
		r.Profile = m.ProfileOf(channels, s.FollowerQuality)
	}
	return r, nil
}

func capped(x float64) float64 { return math.Max(0, math.Min(1, x)) }

func (q Questionnaire) validate() error {
	switch {
	case q.DedicatedStaff < 0 || math.IsNaN(q.DedicatedStaff) || math.IsInf(q.DedicatedStaff, 0):
		return invalid("Questionnaire.DedicatedStaff is %v: give the full-time agents on social care, a number ≥ 0", q.DedicatedStaff)
	case q.HoursPerWeek < 0 || math.IsNaN(q.HoursPerWeek) || math.IsInf(q.HoursPerWeek, 0):
		return invalid("Questionnaire.HoursPerWeek is %v: give the hours of social care a week, a number ≥ 0", q.HoursPerWeek)
	case q.ExecutiveReports < ReportsNever || q.ExecutiveReports > ReportsWeekly:
		return invalid("Questionnaire.ExecutiveReports is %v: use one of ReportsNever, ReportsOccasionally, ReportsMonthly, ReportsWeekly", q.ExecutiveReports)
	case q.EarlyAdoption < AdoptsNever || q.EarlyAdoption > AdoptsEarly:
		return invalid("Questionnaire.EarlyAdoption is %v: use one of AdoptsNever, AdoptsLate, AdoptsMainstream, AdoptsEarly", q.EarlyAdoption)
	case q.Channels < 0:
		return invalid("Questionnaire.Channels is %d: give the number of channels in use, 0 or more", q.Channels)
	case !(q.InChannelResolution >= 0 && q.InChannelResolution <= 1):
		return invalid("Questionnaire.InChannelResolution is %v: give a share in [0, 1]", q.InChannelResolution)
	}
	return nil
}

func (m Measured) validate() error {
	switch {
	case m.Channels < 0:
		return invalid("Measured.Channels is %d: give the number of channels seen, 0 or more", m.Channels)
	case m.Conversations < 0 || m.ResolvedInChannel < 0 || m.ResolvedInChannel > m.Conversations:
		return invalid("Measured.ResolvedInChannel is %d: give a count in [0, Conversations=%d]", m.ResolvedInChannel, m.Conversations)
	case m.ReportsDelivered < 0:
		return invalid("Measured.ReportsDelivered is %d: give a count, 0 or more", m.ReportsDelivered)
	case m.Weeks < 0 || math.IsNaN(m.Weeks) || math.IsInf(m.Weeks, 0):
		return invalid("Measured.Weeks is %v: give the weeks measured, a number ≥ 0", m.Weeks)
	}
	return nil
}

// Profile is a Wetpaint/Altimeter engagement profile. The zero value is
// ProfileUnknown.
type Profile int

// Engagement profiles.
const (
	// ProfileUnknown is the zero value: not classified.
	ProfileUnknown Profile = iota
	// Mavens: many channels (7 or more by default), high engagement.
	Mavens
	// Butterflies: many channels, low engagement.
	Butterflies
	// Selectives: few channels (6 or fewer by default), high engagement.
	Selectives
	// Wallflowers: few channels, low engagement.
	Wallflowers
)

// String returns "Mavens", "Butterflies", "Selectives" or "Wallflowers";
// "Profile(n)" for other values.
func (p Profile) String() string {
	switch p {
	case Mavens:
		return "Mavens"
	case Butterflies:
		return "Butterflies"
	case Selectives:
		return "Selectives"
	case Wallflowers:
		return "Wallflowers"
	}
	return "Profile(" + strconv.Itoa(int(p)) + ")"
}

// ProfileOf classifies a brand on channels channels with engagement rate
// engagement (engagements per follower): many channels at Config.ManyChannels
// or more, high engagement at Config.HighEngagement or more.
func (m *Model) ProfileOf(channels int, engagement float64) Profile {
	many, high := channels >= m.cfg.ManyChannels, engagement >= m.cfg.HighEngagement
	switch {
	case many && high:
		return Mavens
	case many:
		return Butterflies
	case high:
		return Selectives
	default:
		return Wallflowers
	}
}

// ProfileOf classifies with the default Config: 7 or more channels is many,
// an engagement rate of 1% or more is high.
func ProfileOf(channels int, engagement float64) Profile {
	m, _ := New(nil)
	return m.ProfileOf(channels, engagement)
}

// Post is one of the brand's posts.
type Post struct {
	// ID identifies the post.
	ID string
	// Channel is the channel kind it was posted on.
	Channel string
	// Engagements counts the interactions with it: likes, replies, shares,
	// clicks. Must not be negative.
	Engagements int
}

// Step is one step of a funnel, e.g. "reached", "engaged", "participated",
// "converted".
type Step struct {
	// Name names the step.
	Name string
	// Count is how many people reached the step. Must not be negative.
	Count int
}

// SocialMetrics are a brand's social numbers over one period.
type SocialMetrics struct {
	// Followers is the brand's follower count. Must not be negative.
	Followers int
	// Posts are the brand's posts in the period.
	Posts []Post
	// Funnel are the steps from observer to participant, in order.
	Funnel []Step
}

// Conversion is the rate from one funnel step to the next.
type Conversion struct {
	// From and To name the steps.
	From, To string
	// Rate is To's count over From's; 0 when From's count is 0.
	Rate float64
}

// SocialSummary is what Summarize returns.
type SocialSummary struct {
	// Engagements is the total over all posts.
	Engagements int
	// FollowerQuality is Engagements per follower; 0 without followers.
	FollowerQuality float64
	// TopPosts are the most engaging posts, most engaging first (ties by
	// ID), at most Config.TopPosts.
	TopPosts []Post
	// Conversions are the rates between consecutive funnel steps.
	Conversions []Conversion
}

// Summarize computes follower quality, top posts and conversions. Errors wrap
// ErrInvalidInput.
func (m *Model) Summarize(s SocialMetrics) (SocialSummary, error) {
	if s.Followers < 0 {
		return SocialSummary{}, invalid("SocialMetrics.Followers is %d: give a count, 0 or more", s.Followers)
	}
	var out SocialSummary
	for _, p := range s.Posts {
		if p.Engagements < 0 {
			return SocialSummary{}, invalid("post %q: Engagements is %d: give a count, 0 or more", p.ID, p.Engagements)
		}
		out.Engagements += p.Engagements
	}
	if s.Followers > 0 {
		out.FollowerQuality = float64(out.Engagements) / float64(s.Followers)
	}
	top := slices.Clone(s.Posts)
	slices.SortStableFunc(top, func(a, b Post) int {
		if a.Engagements != b.Engagements {
			return b.Engagements - a.Engagements
		}
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	out.TopPosts = top[:min(len(top), m.cfg.TopPosts)]
	for i, st := range s.Funnel {
		if st.Count < 0 {
			return SocialSummary{}, invalid("funnel step %q: Count is %d: give a count, 0 or more", st.Name, st.Count)
		}
		if i == 0 {
			continue
		}
		prev := s.Funnel[i-1]
		c := Conversion{From: prev.Name, To: st.Name}
		if prev.Count > 0 {
			c.Rate = float64(st.Count) / float64(prev.Count)
		}
		out.Conversions = append(out.Conversions, c)
	}
	return out, nil
}

// Summarize computes social metrics with the default Config.
func Summarize(s SocialMetrics) (SocialSummary, error) {
	m, _ := New(nil)
	return m.Summarize(s)
}
