package situation_test

import (
	"errors"
	"testing"

	"github.com/socialcare/socialcare/situation"
)

// FuzzParseConfig feeds arbitrary documents to ParseConfig: it must fail
// with a *ConfigError matching ErrInvalid or return a config that New
// accepts and that detects without panicking.
func FuzzParseConfig(f *testing.F) {
	for _, s := range []string{
		`{}`, `null`, `[]`, `{"situations":[]}`,
		`{"situations":[{"kind":"a","patterns":{"en":["x|y* ~2 z? w_v"]},"unless":{"en":["^q"]},"handles":["FTC","*AG"]}]}`,
		`{"situations":[{"kind":"a","patterns":{"en":["~1 x"]}}]}`, `{"situations":[{"kind":"a","patterns":{"en":["x ~9 y"]}}]}`,
		`{"negations":{"en":["not","no_longer"]},"negation_window":9}`, `{"reach":{"kind":"churn","followers":1,"sentiment":-1}}`,
		`{"brand_links":{"kind":"brand_content","domains":["example.com"],"sentiment":-0.1}}`, `{"languages":["en","pt"]}`,
		`{"situations":[{"kind":"a","patterns":{"en":["^"]}}]}`, `{"situations":[{"kind":"a","patterns":{"en":["a|*|b"]}}]}`,
	} {
		f.Add([]byte(s), "someone changed my password, não funciona @FTC https://example.com/x")
	}
	f.Fuzz(func(t *testing.T, data []byte, text string) {
		cfg, err := situation.ParseConfig(data)
		if err != nil {
			var ce *situation.ConfigError
			if !errors.Is(err, situation.ErrInvalid) || !errors.As(err, &ce) || ce.Field == "" {
				t.Fatalf("error %v: want a *ConfigError with a field, matching ErrInvalid", err)
			}
			return
		}
		d, err := situation.New(cfg)
		if err != nil {
			t.Fatalf("ParseConfig accepted a config New rejects: %v", err)
		}
		r := d.Detect(&situation.Input{Text: text, Followers: 1e6, Sentiment: -1, HasSentiment: true})
		seen := map[situation.Kind]bool{}
		for _, m := range r.Matches {
			if seen[m.Kind] || !d.Knows(m.Kind) {
				t.Fatalf("match %v repeated or unknown in %v", m, r.Matches)
			}
			seen[m.Kind] = true
		}
	})
}

// FuzzDetect runs the built-in detector over arbitrary text: it must not
// panic, and every pattern match's evidence must be part of the text.
func FuzzDetect(f *testing.F) {
	for _, s := range []string{"someone changed my password", "Me cobraron dos veces", "#VooCancelado @FTC", "x’s y's", "\xff\xfe", "ΣΊΣΥΦΟΣ", "a. b! c? ¿d", ""} {
		f.Add(s)
	}
	d, err := situation.New(nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, m := range d.Detect(&situation.Input{Text: text}).Matches {
			if m.Source != "handle" && !containsString(text, m.Evidence) {
				t.Fatalf("evidence %q of %s is not in %q", m.Evidence, m.Kind, text)
			}
		}
		n := situation.Normalize(text)
		if situation.Normalize(n) != n {
			t.Fatalf("Normalize is not idempotent on %q", text)
		}
	})
}

func containsString(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
