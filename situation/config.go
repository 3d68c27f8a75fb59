package situation

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"

	"github.com/socialcare/socialcare/internal/strictjson"
)

// ErrInvalid is matched (with errors.Is) by every error that New,
// ParseConfig and LoadConfig return for a bad configuration.
var ErrInvalid = errors.New("situation: invalid config")

// ConfigError reports a bad configuration field. It matches ErrInvalid.
type ConfigError struct {
	// Field is the JSON path of the bad field ("situations[2].patterns.pt[0]"),
	// or "(document)" when the document as a whole is malformed.
	Field string
	// Err says what is wrong with it.
	Err error
}

// Error implements error.
func (e *ConfigError) Error() string {
	return "situation: invalid config: " + e.Field + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *ConfigError) Unwrap() error { return e.Err }

// Is reports whether target is ErrInvalid.
func (e *ConfigError) Is(target error) bool { return target == ErrInvalid }

func cfgErr(field, format string, args ...any) error {
	return &ConfigError{Field: field, Err: fmt.Errorf(format, args...)}
}

// Situation describes one care situation and how to recognise it.
type Situation struct {
	// Kind names the situation; it is what loop rules and urgency weights
	// refer to. Required and unique; lower-case letters, digits and '_'.
	Kind Kind `json:"kind"`
	// Label is the human name used in explanations ("account takeover").
	// Defaults to Kind with '_' as spaces.
	Label string `json:"label,omitempty"`
	// Patterns are phrase patterns by language code ("en", "pt", "es");
	// see the package documentation for their syntax. One match anywhere
	// in the message, not negated, detects the situation.
	Patterns map[string][]string `json:"patterns,omitempty"`
	// Unless are context patterns by language: when one of them occurs
	// anywhere in the message, the situation is not detected from its
	// patterns ("got my account back").
	Unless map[string][]string `json:"unless,omitempty"`
	// Handles are mentioned accounts that signal the situation by
	// themselves (an authority tagged, the press tagged): a handle without
	// '@', matched case-insensitively, or "*SUFFIX" to match handles that
	// end with SUFFIX exactly as written ("*AG").
	Handles []string `json:"handles,omitempty"`
}

// Reach detects a situation from who writes rather than what: an author
// with many followers writing a negative message.
type Reach struct {
	// Kind is the situation detected. Required.
	Kind Kind `json:"kind"`
	// Followers is the follower count from which it counts. Must be
	// positive.
	Followers int `json:"followers"`
	// Sentiment is the compound sentiment (-1 to +1) at or below which the
	// message counts as negative, in [-1, 0).
	Sentiment float64 `json:"sentiment"`
}

// BrandLinks detects a situation from a link to the brand's own content
// in a negative message (a broken video on the brand's blog).
type BrandLinks struct {
	// Kind is the situation detected. Required.
	Kind Kind `json:"kind"`
	// Domains are the brand's own domains ("example.com" also covers
	// "blog.example.com"). Required.
	Domains []string `json:"domains"`
	// Sentiment is the compound sentiment at or below which the message
	// counts as negative, in [-1, 0).
	Sentiment float64 `json:"sentiment"`
}

// Config configures a Detector. A nil Situations takes the built-in
// situations (and, if Reach is nil, the built-in reach signal); a nil
// Negations takes the built-in cues; so the zero value (or a nil *Config)
// gives DefaultConfig(). Read it from JSON with ParseConfig; extend the
// defaults with Add.
type Config struct {
	// Situations are the situations recognised, in the order they are
	// reported. Defaults to DefaultConfig's.
	Situations []Situation `json:"situations"`
	// Negations are negation cues by language: a pattern match is not
	// counted when a cue ends within NegationWindow words before it in
	// the same clause ("my account was not hacked"). Defaults to
	// DefaultConfig's (English, Portuguese, Spanish).
	Negations map[string][]string `json:"negations,omitempty"`
	// NegationWindow is how many words before a match a negation cue may
	// end. Defaults to 3.
	NegationWindow int `json:"negation_window,omitempty"`
	// Languages restricts the patterns and negations compiled to these
	// language codes. Defaults to every language present.
	Languages []string `json:"languages,omitempty"`
	// Reach, if set, detects a situation from the author's reach and a
	// negative message. Defaults to DefaultConfig's (public_escalation
	// from 10,000 followers at sentiment -0.3) when Situations is nil too;
	// none otherwise.
	Reach *Reach `json:"reach,omitempty"`
	// BrandLinks, if set, detects a situation from a link to the brand's
	// own content in a negative message. Defaults to none: only the host
	// knows its domains.
	BrandLinks *BrandLinks `json:"brand_links,omitempty"`
}

//go:embed default.json
var defaultJSON []byte

// DefaultConfig returns the built-in situations (the Kind constants) with
// patterns in English, Portuguese and Spanish, negation cues in the same
// languages, authority and press handles, and the reach signal. Each call
// returns a new Config, which the host may change or extend (Add).
func DefaultConfig() *Config {
	var c Config
	if err := json.Unmarshal(defaultJSON, &c); err != nil {
		panic("situation: built-in default.json is malformed: " + err.Error()) // tested; never happens
	}
	return &c
}

// DefaultJSON returns the built-in configuration as JSON, a starting point
// for a host's own file.
func DefaultJSON() []byte { return bytes.Clone(defaultJSON) }

// Add extends c with o: the patterns, context patterns and handles of a
// situation o shares with c are appended to c's (a host adds a language,
// or phrasings of its trade), o's other situations are added at the end,
// o's negation cues are appended per language, and o's non-zero
// NegationWindow, Languages, Reach and BrandLinks replace c's. A nil o
// adds nothing; Add on a zero Config starts from DefaultConfig().
func (c *Config) Add(o *Config) {
	if o == nil {
		return
	}
	if c.Situations == nil && c.Negations == nil {
		*c = *DefaultConfig()
	}
	for _, s := range o.Situations {
		i := slices.IndexFunc(c.Situations, func(t Situation) bool { return t.Kind == s.Kind })
		if i < 0 {
			c.Situations = append(c.Situations, cloneSituation(s))
			continue
		}
		t := cloneSituation(c.Situations[i])
		if s.Label != "" {
			t.Label = s.Label
		}
		t.Patterns = mergeLang(t.Patterns, s.Patterns)
		t.Unless = mergeLang(t.Unless, s.Unless)
		t.Handles = append(t.Handles, s.Handles...)
		c.Situations[i] = t
	}
	c.Negations = mergeLang(c.Negations, o.Negations)
	if o.NegationWindow != 0 {
		c.NegationWindow = o.NegationWindow
	}
	if o.Languages != nil {
		c.Languages = slices.Clone(o.Languages)
	}
	if o.Reach != nil {
		r := *o.Reach
		c.Reach = &r
	}
	if o.BrandLinks != nil {
		b := *o.BrandLinks
		b.Domains = slices.Clone(b.Domains)
		c.BrandLinks = &b
	}
}

func cloneSituation(s Situation) Situation {
	s.Patterns = mergeLang(nil, s.Patterns)
	s.Unless = mergeLang(nil, s.Unless)
	s.Handles = slices.Clone(s.Handles)
	return s
}

func mergeLang(a, b map[string][]string) map[string][]string {
	if a == nil && b == nil {
		return nil
	}
	out := make(map[string][]string, len(a)+len(b))
	for k, v := range a {
		out[k] = slices.Clone(v)
	}
	for k, v := range b {
		out[k] = append(out[k], v...)
	}
	return out
}

// ParseConfig reads a Config from JSON, strictly: unknown fields, trailing
// data, wrong types and invalid values (a malformed pattern, a duplicate
// kind, an unknown kind in reach) are *ConfigError values that name the
// field and match ErrInvalid. The result is validated: New accepts it. A
// document that sets "situations" replaces the built-in ones; to extend
// them, Add the parsed Config to DefaultConfig().
func ParseConfig(data []byte) (*Config, error) {
	var c Config
	if field, err := strictjson.Decode(data, &c); err != nil {
		return nil, &ConfigError{Field: field, Err: err}
	}
	if _, err := New(&c); err != nil {
		return nil, err
	}
	return &c, nil
}

// LoadConfig reads all of r and parses it with ParseConfig.
func LoadConfig(r io.Reader) (*Config, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("situation: reading config: %w", err)
	}
	return ParseConfig(data)
}

func validKind(k Kind) bool {
	if k == "" || len(k) > 64 {
		return false
	}
	for _, r := range k {
		if !('a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

func validLang(l string) bool {
	if l == "" || len(l) > 16 {
		return false
	}
	for _, r := range l {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func validSentiment(v float64) bool { return !math.IsNaN(v) && v >= -1 && v < 0 }

// sortedKeys returns m's keys in order, for deterministic compilation and
// error messages.
func sortedKeys(m map[string][]string) []string {
	return slices.Sorted(maps.Keys(m))
}
