// Package maturity tells a brand where its social customer care stands: the
// Social Maturity Index, the engagement profile and the social metrics that
// matter more than follower counts.
//
// # Social Maturity Index
//
// Conversocial's Social Maturity Index places a brand on two axes.
// Investment is made of the staff dedicated to social care, the time invested
// in it, and whether executives regularly receive performance reports.
// Innovation is made of the early adoption of new social apps and networks and
// whether agents can fully resolve a customer's question inside the social
// channel. Each axis is scored 0–100 and is high at or above a threshold
// (Config.Threshold, 50 by default); the two levels give the Quadrant:
//
//	              innovation low    innovation high
//	investment high  Conservatives    #SocialFirst
//	investment low   Observers        Aspirants
//
// Every quadrant carries its recommendations (Quadrant.Recommendations).
//
// Scores come from a Questionnaire the brand fills in and, where the desk has
// measured them, from Measured data (channels in use, in-channel resolution
// rate, reports delivered), which take precedence over the answers. Every
// Factor of a Result says where its value came from, so a score is always
// explainable.
//
// # Engagement profiles
//
// The Wetpaint/Altimeter study of the top 100 brands crossed the number of
// channels used with an engagement score: Mavens (7 or more channels, high
// engagement), Butterflies (7 or more, low), Selectives (6 or fewer, high) and
// Wallflowers (6 or fewer, low). ProfileOf classifies; here engagement is the
// engagement rate (engagements per follower) of SocialMetrics.
//
// # Social metrics
//
// Follower counts alone say little. Summarize computes follower quality
// (engagements per follower), the top posts and the conversion rates between
// the steps of a funnel (any step from observer to participant).
//
// Everything here is a pure function of its arguments and safe for
// concurrent use. Every error about a bad argument wraps ErrInvalid (and
// ErrInvalidInput) and says what to give instead.
package maturity
