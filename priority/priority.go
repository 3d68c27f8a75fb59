package priority

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/socialcare/socialcare/situation"
)

// Author describes who wrote the message, as far as scoring cares. The zero
// value is an unknown, ordinary author.
type Author struct {
	// Handle is the author's public handle, with or without the leading
	// '@'; it appears in reasons and is matched (case-insensitively)
	// against Config.VIPs.
	Handle string
	// Followers is the author's follower count; 0 when unknown.
	Followers int
	// Verified reports a platform-verified account.
	Verified bool
	// VIP marks a customer the brand flagged as valuable (an explicit VIP
	// note), in addition to Config.VIPs.
	VIP bool
	// Tier is the customer's tier in the host's CRM ("gold"), looked up
	// exactly in Config.TierPoints; "" when unknown.
	Tier string
	// LifetimeValue is the customer's lifetime value in the host's
	// currency units; 0 when unknown.
	LifetimeValue float64
}

// Input is what a Scorer looks at. Scorers do not modify it.
type Input struct {
	// Text is the customer's message.
	Text string
	// Channel is the channel kind ("x", "messenger", ...), matching
	// channel.Kind.
	Channel string
	// Author wrote the message.
	Author Author
	// ReceivedAt is when the message arrived; the waiting signal measures
	// from it. The zero time means unknown (no waiting points).
	ReceivedAt time.Time
	// Unanswered is the number of the customer's messages in this
	// conversation still waiting for a reply, this one included; 0 or 1
	// add nothing.
	Unanswered int
	// Situations are the care situations already found in Text by a
	// situation.Classifier (a host's model, or a Detector run once for
	// both the score and the router). When nil, Rules finds them with its
	// own Detector (Config.Situations).
	Situations *situation.Result
}

// Reason is one signal's contribution to a Score.
type Reason struct {
	// Signal names the signal: "situation", "keyword", "vip", "tier",
	// "lifetime_value", "influencer", "verified", "sentiment", "channel",
	// "waiting" or "unanswered" for Rules; composed scorers may add their
	// own (see VIPNote).
	Signal string
	// Detail says what matched, for people ("stranded", "48000
	// followers", "account takeover (changed my password and email)").
	Detail string
	// Points is the contribution to the score's Value.
	Points float64
}

// String formats the reason as `signal "detail" +points`.
func (r Reason) String() string {
	sign := " +"
	if r.Points < 0 {
		sign = " "
	}
	return r.Signal + " " + strconv.Quote(r.Detail) + sign + strconv.FormatFloat(r.Points, 'f', -1, 64)
}

// Score is an urgency value with its explanation. Higher is more urgent.
// The zero Score means no urgency signal.
type Score struct {
	// Value is the sum of the Reasons' points.
	Value float64
	// Reasons are the contributions, largest first.
	Reasons []Reason
}

// Explain returns the reasons as one line, largest first, such as
// `keyword "stranded" +45, channel "x" +10`.
func (s Score) Explain() string {
	if len(s.Reasons) == 0 {
		return "no urgency signals"
	}
	var b strings.Builder
	for i, r := range s.Reasons {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(r.String())
	}
	return b.String()
}

// Scorer scores messages. Implementations must be pure functions of their
// arguments (no clock, no randomness), must not modify the Input, and must
// be safe for concurrent use. A nil Input scores zero.
type Scorer interface {
	Score(now time.Time, in *Input) Score
}

// ScorerFunc adapts a function to a Scorer.
type ScorerFunc func(now time.Time, in *Input) Score

// Score calls f.
func (f ScorerFunc) Score(now time.Time, in *Input) Score { return f(now, in) }

// Keyword is a word or phrase that adds urgency.
type Keyword struct {
	// Phrase is one or more words. It is normalised like the messages
	// (see Normalize), so matching ignores case, diacritics and
	// punctuation and is on whole words.
	Phrase string `json:"phrase"`
	// Weight is the points added when the phrase occurs (once per
	// message, however often it occurs). It must be finite and positive.
	Weight float64 `json:"weight"`
}

// sortReasons sorts reasons by points, largest first, keeping the order of
// equal ones; an insertion sort, as there are few and it never allocates.
func sortReasons(rs []Reason) {
	for i := 1; i < len(rs); i++ {
		for j := i; j > 0 && rs[j].Points > rs[j-1].Points; j-- {
			rs[j], rs[j-1] = rs[j-1], rs[j]
		}
	}
}

func round(v float64) float64 { return math.Round(v*10) / 10 }
