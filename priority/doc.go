// Package priority scores how urgent a customer message is, and explains the
// score.
//
// Native social apps show messages in chronological order, which breaks at
// volume: an airline must answer the passenger stranded at O'Hare by a
// snowstorm before the one asking the price of a ticket, and valuable
// customers and influencers should go to the top whatever they ask. A Scorer
// is a pure function of (now, Input) that returns a Score: a value and the
// Reasons that add up to it, so that an agent can always see why a
// conversation is on top ("keyword "stranded" +45, channel "x" +10").
//
// # Rules, the built-in scorer
//
// Rules (built by New) adds points per signal, each with its Reason:
//
//   - situation: the care situations found in the message by package
//     situation (an account takeover, money taken wrongly, work or travel
//     blocked now, a safety risk, an authority involved, ...), weighted by
//     Config.SituationPoints (DefaultSituationPoints), with the words that
//     showed it: `situation "account takeover (changed my password and
//     email)" +45`. Customers rarely say "urgent"; they describe what
//     happened, so situations carry most of the ranking. The same
//     situations drive the feedback-loop router in package care, so a host
//     tunes one vocabulary; Input.Situations takes them from any
//     situation.Classifier, found once for both decisions.
//   - keyword: urgent words and phrases with weights; the default lexicon
//     (DefaultKeywords) covers English, Portuguese and Spanish. Text and
//     phrases are normalised alike (Normalize): case folded, diacritics
//     removed ("NÃO funciona" = "nao funciona"), @handles and #hashtags split
//     into words, camelCase included ("#VooCancelado"). Phrases match whole
//     words only, once per message, and not after a negation cue in the same
//     clause ("not urgent", "não é urgente", "no es urgente").
//   - vip: Config.VIPs or Author.VIP (an explicit VIP note); tier:
//     Author.Tier; lifetime_value: Author.LifetimeValue on a capped log
//     scale; influencer: follower count on a capped log scale; verified.
//   - sentiment: negative messages rank higher, in proportion to VADER's
//     compound score, computed by package sentiment (a VADER analyser whose
//     scores equal github.com/jonreiter/govader's, at a fraction of its
//     cost).
//   - channel: X and chat first, then messaging apps, then Facebook,
//     reviews and e-mail (DefaultChannelPoints).
//   - waiting: points per hour waited, capped; unanswered: points per
//     unanswered message of the conversation beyond the first, capped.
//
// Every weight is configurable, and Config can be read from JSON with
// ParseConfig, strictly: unknown fields and bad values are *ConfigError
// values that name the field.
//
// # Composition
//
// Scorers compose: Sum adds weighted scorers, Max keeps the highest, and
// Override lets one scorer win whenever it fires, such as a VIPNote (an
// explicit VIP note wins whatever the message says).
//
// # Cost
//
// Rules normalises each message once and looks each word up by its hash in
// one map, so its cost does not grow with the number of keywords. ScoreInto does
// not allocate in steady state, except one string per situation found; Score
// also allocates the returned Reasons. Situation detection costs about as
// much again as the rest of the scorer (see care's BenchmarkDecide).
// On a shared 2-core VM the default scorer, sentiment included, handles
// about 350,000 tweet-sized messages per second per core, and the keyword
// path alone about a million with 1,000 keywords, over a thousand times
// faster than one case-insensitive regular-expression alternation over the
// same keywords (see BenchmarkScore; the figures are noisy medians).
package priority
