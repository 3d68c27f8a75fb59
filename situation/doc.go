// Package situation recognises care situations in customer messages: the
// facts that decide both how urgent a message is (package priority) and
// which feedback loop must act on it (package care's Router), so that both
// decisions share one vocabulary.
//
// Customers rarely say "urgent"; they describe a situation: a stranger
// changed the account's password, a card was charged three times, a
// child's medicine was not delivered. The built-in situations (the Kind
// constants) are account takeover, money taken or charged wrongly, safety
// and health, a vulnerable person, work or travel blocked now, a regulator
// or authority, a legal threat, a copyright or trademark dispute, a fraud
// or phishing report, churn and boycott, public escalation, a request for a
// policy change or relief, a feature request, a product defect after an
// update, a complaint about the design, broken or wrong brand content,
// praise, and a plain question or a request for help.
//
// # Classifiers
//
// A Classifier finds situations in an Input and returns them as a Result:
// each Match names its Kind and its Evidence, so every decision built on it
// stays explained ("account takeover ("changed my password and email")").
// The built-in Detector is explainable and fast; a host may put a
// statistical or language model behind the same interface (see
// HTTPClassifier, and Fallback to keep the Detector as a safety net).
//
// # Patterns
//
// The Detector reads its situations from a Config, which is data: JSON
// read strictly by ParseConfig, built-in as DefaultConfig (DefaultJSON),
// and extendable per language with Add. Each situation has phrase patterns
// per language. Text and patterns are normalised alike (Normalize): case
// folded, diacritics removed, apostrophes dropped ("can't" is "cant") with
// a possessive or contracted "'s" ("CMA's" is "cma"), hashtags and handles
// split at camelCase humps. A pattern is a sequence
// of words separated by spaces:
//
//	word          the word itself
//	a|b|c         any of the alternatives
//	charg*        any word starting with "charg"
//	not_working   several words in a row, as one alternative
//	word?         an optional word (not the first)
//	~3            up to 3 other words may come between its neighbours
//	^first ...    the match must start a sentence (handles and hashtags
//	              before it aside)
//	#boycott*     alone in a pattern: the first word of a hashtag
//	              ("#BoycottAcme", "#boycottacme")
//
// so "someone|stranger ~4 changed|reset ~3 password|email" matches "someone
// just changed my password". Matches do not reach across sentences (".",
// "!", "?", a line break; a dot between two letters or digits, as in
// "1.16.2" or "U.S.A", ends a word, not a sentence). A match is negated, and does not count, when a
// negation cue of Config.Negations ends within Config.NegationWindow words
// before it in the same clause ("nobody changed my password"), or in one of
// its gaps ("my account was not hacked" for "my ~3 account ~4 hacked"). A
// situation's Unless patterns give context: when one occurs anywhere in the
// message the situation is not detected ("got my account back").
//
// Beyond words, a situation may be signalled by a mentioned handle (an
// authority or the press tagged: Situation.Handles), by an author with a
// large reach writing a negative message (Config.Reach), or by a link to
// the brand's own content in a negative message (Config.BrandLinks).
//
// # Cost
//
// Patterns are indexed by their first word (or its prefix), so a message
// is tokenised once and only the patterns whose first word occurs in it
// are tried. DetectInto does not allocate in steady state for pattern
// matches, whose evidence is a substring of the message.
package situation
