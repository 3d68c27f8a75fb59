package care_test

import (
	"errors"
	"testing"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/channel"
)

// FuzzParseRouterConfig feeds arbitrary documents to ParseRouterConfig: it
// must fail with an error matching ErrInvalid, or return a config that
// NewRouter accepts and that routes without panicking.
func FuzzParseRouterConfig(f *testing.F) {
	for _, s := range []string{
		`{}`, `null`, `[]`, `{"routes":[]}`, `{"loops":[]}`,
		`{"loops":[{"name":"a","acknowledge":"1h","resolve":"2h","escalation":[{"to":"b"},{"to":"c","after":"1h"}]}],"routes":[{"loop":"a","situations":["churn"],"unless":["question"],"inform":true,"own_only":true,"channels":["x"],"authors":["@z"],"min_score":3}],"default":"a"}`,
		`{"routes":[{"loop":"legal","situations":["nope"]}]}`, `{"loops":[{"name":"a","resolve":"-1h"}]}`,
		`{"topics":[{"name":"t","keywords":["a+b"]}],"routes":[{"loop":"legal","topics":["t"]}]}`,
	} {
		f.Add([]byte(s), "You charged me twice and you just lost a customer")
	}
	f.Fuzz(func(t *testing.T, data []byte, text string) {
		cfg, err := care.ParseRouterConfig(data)
		if err != nil {
			if !errors.Is(err, care.ErrInvalid) {
				t.Fatalf("error %v does not match ErrInvalid", err)
			}
			return
		}
		r, err := care.NewRouter(cfg)
		if err != nil {
			t.Fatalf("ParseRouterConfig accepted a config NewRouter rejects: %v", err)
		}
		d := r.Route(channel.Message{Channel: channel.X, Text: text, Author: channel.Author{Handle: "z"}}, 5)
		if _, ok := r.Loop(d.Loop.Name); !ok {
			t.Fatalf("routed to unknown loop %q", d.Loop.Name)
		}
		for _, n := range d.Inform {
			if n.Loop.Name == d.Loop.Name {
				t.Fatalf("informs its own loop: %s", d.Explain())
			}
		}
		_ = d.Explain()
	})
}
