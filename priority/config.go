package priority

import (
	"errors"
	"fmt"
	"io"

	"github.com/socialcare/socialcare/internal/strictjson"
	"github.com/socialcare/socialcare/situation"
)

// ErrInvalid is matched (with errors.Is) by every error about a bad
// argument, as in the library's other packages; ErrInvalidConfig, the
// narrower one, wraps it.
var ErrInvalid = errors.New("priority: invalid argument")

// ErrInvalidConfig is matched (with errors.Is) by every error that New and
// ParseConfig return for a bad configuration. It wraps ErrInvalid.
var ErrInvalidConfig = fmt.Errorf("priority: invalid config: %w", ErrInvalid)

// ConfigError reports a bad configuration field. Field is the JSON path of
// the field ("keywords[3].weight", "channel_points.x").
type ConfigError struct {
	// Field is the JSON path of the bad field, or "(document)" when the
	// document as a whole is malformed.
	Field string
	// Err says what is wrong with it.
	Err error
}

// Error implements error.
func (e *ConfigError) Error() string {
	return "priority: invalid config: " + e.Field + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *ConfigError) Unwrap() error { return e.Err }

// Is reports whether target is ErrInvalidConfig or ErrInvalid.
func (e *ConfigError) Is(target error) bool {
	return target == ErrInvalidConfig || target == ErrInvalid
}

func cfgErr(field, format string, args ...any) error {
	return &ConfigError{Field: field, Err: fmt.Errorf(format, args...)}
}

// SentimentAnalyzer scores the sentiment of a text, from -1 (most
// negative) to +1 (most positive), like VADER's compound score.
// *sentiment.Analyzer implements it.
type SentimentAnalyzer interface {
	Compound(text string) float64
}

// Signal names, for Config.Disabled.
const (
	SignalSituation     = "situation"
	SignalKeyword       = "keyword"
	SignalVIP           = "vip"
	SignalTier          = "tier"
	SignalLifetimeValue = "lifetime_value"
	SignalInfluencer    = "influencer"
	SignalVerified      = "verified"
	SignalSentiment     = "sentiment"
	SignalChannel       = "channel"
	SignalWaiting       = "waiting"
	SignalUnanswered    = "unanswered"
)

var signalNames = []string{
	SignalSituation, SignalKeyword, SignalVIP, SignalTier, SignalLifetimeValue, SignalInfluencer,
	SignalVerified, SignalSentiment, SignalChannel, SignalWaiting, SignalUnanswered,
}

// Config configures Rules. The zero value (or a nil *Config) gives the
// defaults; zero numeric fields take their documented defaults, so a
// signal is switched off through Disabled rather than with a zero weight.
// The JSON names are those ParseConfig reads.
type Config struct {
	// SituationPoints adds urgency per care situation found in the message
	// (see package situation), keyed by situation kind: the same names the
	// router's rules use, so a host tunes one vocabulary. Entries override
	// DefaultSituationPoints() kind by kind; 0 gives a kind no points.
	// Every key must be a kind the detector knows.
	SituationPoints map[string]float64 `json:"situation_points"`
	// Situations finds the situations when Input.Situations is nil; it
	// must be safe for concurrent use. Defaults to situation.New(nil), the
	// built-in detector. Not read from JSON: build it from the situation
	// package's own JSON.
	Situations *situation.Detector `json:"-"`

	// Keywords are the urgent words and phrases. Defaults to
	// DefaultKeywords(). Phrases must be non-empty and distinct after
	// normalisation; weights finite and positive.
	Keywords []Keyword `json:"keywords"`
	// Negations are the cues that cancel a keyword following them
	// ("not urgent"); each is a word or phrase, normalised like keywords.
	// Defaults to DefaultNegations().
	Negations []string `json:"negations"`
	// NegationWindow is how many words before a keyword a negation cue may
	// end, within the same clause. Defaults to 2.
	NegationWindow int `json:"negation_window"`

	// VIPs are the handles of VIP customers (case-insensitive, with or
	// without '@'), in addition to Author.VIP. Defaults to none.
	VIPs []string `json:"vips"`
	// VIPPoints is added for a VIP author. Defaults to 100, so that a VIP
	// outranks any ordinary message of the default lexicon.
	VIPPoints float64 `json:"vip_points"`
	// TierPoints adds points per customer tier (Author.Tier). Defaults to
	// DefaultTierPoints().
	TierPoints map[string]float64 `json:"tier_points"`
	// LifetimeValueThreshold is the lifetime value from which the
	// lifetime_value signal counts. Defaults to 1000.
	LifetimeValueThreshold float64 `json:"lifetime_value_threshold"`
	// LifetimeValuePointsPerDecade is added at the threshold and again per
	// factor of ten above it. Defaults to 10.
	LifetimeValuePointsPerDecade float64 `json:"lifetime_value_points_per_decade"`
	// LifetimeValueMaxPoints caps the lifetime_value signal. Defaults to 30.
	LifetimeValueMaxPoints float64 `json:"lifetime_value_max_points"`
	// InfluencerFollowers is the follower count from which an author is an
	// influencer. Defaults to 10,000.
	InfluencerFollowers int `json:"influencer_followers"`
	// InfluencerPointsPerDecade is added at InfluencerFollowers and again
	// per factor of ten of followers above it. Defaults to 20.
	InfluencerPointsPerDecade float64 `json:"influencer_points_per_decade"`
	// InfluencerMaxPoints caps the influencer signal. Defaults to 60.
	InfluencerMaxPoints float64 `json:"influencer_max_points"`
	// VerifiedPoints is added for verified accounts. Defaults to 5.
	VerifiedPoints float64 `json:"verified_points"`

	// SentimentMaxPoints is the points of the most negative message
	// (VADER compound -1); a message scores SentimentMaxPoints × -compound
	// when its compound is at or below SentimentThreshold. Defaults to 20.
	SentimentMaxPoints float64 `json:"sentiment_max_points"`
	// SentimentThreshold is the compound score at or below which a message
	// counts as negative, in [-1, 0). Defaults to -0.05 (VADER's own).
	SentimentThreshold float64 `json:"sentiment_threshold"`

	// Sentiment computes the VADER-style compound score (-1 to +1) of a
	// text; it must be safe for concurrent use. Defaults to package
	// sentiment's Analyzer. Not read from JSON.
	Sentiment SentimentAnalyzer `json:"-"`

	// ChannelPoints adds urgency per channel kind. Defaults to
	// DefaultChannelPoints().
	ChannelPoints map[string]float64 `json:"channel_points"`
	// WaitingPointsPerHour is added per hour a message has waited.
	// Defaults to 6.
	WaitingPointsPerHour float64 `json:"waiting_points_per_hour"`
	// WaitingMaxPoints caps the waiting signal. Defaults to 30.
	WaitingMaxPoints float64 `json:"waiting_max_points"`
	// UnansweredPoints is added per unanswered message beyond the first
	// (Input.Unanswered). Defaults to 4.
	UnansweredPoints float64 `json:"unanswered_points"`
	// UnansweredMaxPoints caps the unanswered signal. Defaults to 20.
	UnansweredMaxPoints float64 `json:"unanswered_max_points"`

	// Disabled lists signals to switch off, by name (SignalKeyword, ...).
	// Defaults to none.
	Disabled []string `json:"disabled"`
}

// ParseConfig reads a Config from JSON, strictly: unknown fields, trailing
// data, wrong types and invalid values (empty keywords, weights that are
// not finite and positive, negative points, unknown signals) are errors
// that name the field and match ErrInvalidConfig. Absent fields take their
// defaults, as in New. The returned Config is validated: New accepts it.
// situation_points may name the built-in situations only; see
// ParseConfigWith for a detector of the host's own.
func ParseConfig(data []byte) (*Config, error) {
	return ParseConfigWith(data, nil)
}

// ParseConfigWith is ParseConfig for a host's own situation detector:
// situation_points may weight the situations it knows, and the returned
// Config has Situations set to it. A nil situations is the built-in
// detector, as in ParseConfig.
func ParseConfigWith(data []byte, situations *situation.Detector) (*Config, error) {
	var c Config
	if field, err := strictjson.Decode(data, &c); err != nil {
		return nil, &ConfigError{Field: field, Err: err}
	}
	c.Situations = situations
	if _, err := c.build(); err != nil {
		return nil, err
	}
	return &c, nil
}

// LoadConfig reads all of r and parses it with ParseConfig.
func LoadConfig(r io.Reader) (*Config, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("priority: reading config: %w", err)
	}
	return ParseConfig(data)
}
