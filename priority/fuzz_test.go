package priority_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/socialcare/socialcare/priority"
)

func FuzzParseConfig(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"keywords":[{"phrase":"urgent","weight":30}]}`, `{"keywords":[{"phrase":"","weight":1}]}`,
		`{"negations":["not","no es"],"negation_window":3}`, `{"vips":["@a"],"vip_points":1e308}`,
		`{"channel_points":{"x":1,"email":0}}`, `{"disabled":["sentiment","nope"]}`, `{"sentiment_threshold":-1}`,
		`{"influencer_followers":-1}`, `[]`, `null`, `{"keywords":null}`, `{"tier_points":{"gold":"x"}}`,
		`{"situation_points":{"account_takeover":45,"churn":0}}`, `{"situation_points":{"nope":1}}`, `{"disabled":["situation"],"situation_points":{"x":1}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := priority.ParseConfig(data)
		if err != nil {
			if !errors.Is(err, priority.ErrInvalidConfig) {
				t.Fatalf("error %v does not match ErrInvalidConfig", err)
			}
			var ce *priority.ConfigError
			if !errors.As(err, &ce) || ce.Field == "" {
				t.Fatalf("error %v names no field", err)
			}
			return
		}
		r, err := priority.New(cfg)
		if err != nil {
			t.Fatalf("ParseConfig accepted a config New rejects: %v", err)
		}
		r.Score(now, &priority.Input{Text: "urgent: stranded, not working", Channel: "x", Author: priority.Author{Followers: 1e6, LifetimeValue: 1e6, Tier: "gold"}})
	})
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"NÃO funciona!", "na\u0303o", "#VooCancelado @AirBR_Help", "#HTTPError", "O'Hare isn’t", "Straße",
		"ΣΊΣΥΦΟΣ", "東京", "\xff\xfe", "İstanbul", "ǅemal", "#ǅǅ", "@_", "#a'B", "ﬁne", "①②", "x\u0301\u0301",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := priority.Normalize(s)
		if n != strings.TrimSpace(n) || strings.Contains(n, "  ") {
			t.Fatalf("Normalize(%q) = %q: empty words", s, n)
		}
		if n2 := priority.Normalize(n); n2 != n {
			t.Fatalf("Normalize is not idempotent on %q: %q then %q", s, n, n2)
		}
		if n == "" {
			return
		}
		// The first word of the text, as a keyword, matches the text.
		first, _, _ := strings.Cut(n, " ")
		r, err := priority.New(&priority.Config{
			Keywords:  []priority.Keyword{{Phrase: first, Weight: 1}},
			Negations: []string{"qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"},
			Disabled:  []string{"sentiment", "channel"},
		})
		if err != nil {
			t.Fatalf("keyword %q from %q: %v", first, s, err)
		}
		if got := r.Score(now, &priority.Input{Text: s}); got.Value != 1 {
			t.Fatalf("keyword %q does not match its own text %q: %s", first, s, got.Explain())
		}
	})
}
