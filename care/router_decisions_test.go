package care_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/internal/benchtext"
	"github.com/socialcare/socialcare/internal/devdata"
	"github.com/socialcare/socialcare/priority"
	"github.com/socialcare/socialcare/situation"
)

// decisionGolden are the SHA-256 digests of every decision that
// TestDecisionsUnchanged records, per group of texts, taken before the
// detector, the scorer and the router were made faster: a change meant
// only for speed must leave them as they are. A change of behaviour
// updates them (run the test with DECISIONS_DUMP=file to see every
// decision, and compare dumps taken before and after the change). The
// digests hold no text of the data set.
var decisionGolden = map[string]string{
	"generated": "51cfba8ff4e1dbc8401d87a268918be3b63fd75c2142ded7ce503cea1c7e7195",
	"dev":       "ddfe7b21e0bd0f7d09aa32102e854af353f185e2daedbff84ed7b5b6cdf9869a",
}

// TestDecisionsUnchanged records the whole decision of every text (the
// situations with their evidence and sources, the score with its reasons,
// the route with its reasons and notices, as the desk's intake takes them
// and as Route and a scorer that detects by itself do) for texts generated
// from the default patterns and topics and their variants, and for every
// customer turn of dev.json and its variants when the data set is there,
// and compares their digests with decisionGolden.
func TestDecisionsUnchanged(t *testing.T) {
	t.Parallel()
	groups := map[string][]string{"generated": generatedTexts()}
	if _, err := devdata.Find(); err == nil {
		var dev []string
		for _, m := range devdata.Messages(t) {
			dev = append(dev, m.Text, strings.ToUpper(m.Text), strings.ToLower(m.Text), "I am not sure but "+m.Text)
		}
		groups["dev"] = dev
	}
	rec := newDecisionRecorder(t)
	var dump strings.Builder
	for _, g := range []string{"generated", "dev"} {
		texts, ok := groups[g]
		if !ok {
			t.Logf("%s: no texts (dev.json is absent); skipped", g)
			continue
		}
		h := sha256.New()
		for i, text := range texts {
			d := rec.record(i, text)
			fmt.Fprintf(h, "%d\x00%s\x00", i, d)
			if os.Getenv("DECISIONS_DUMP") != "" {
				fmt.Fprintf(&dump, "== %s %d %q\n%s\n", g, i, text, d)
			}
		}
		got := hex.EncodeToString(h.Sum(nil))
		t.Logf("%s: %d texts, digest %s", g, len(texts), got)
		if got != decisionGolden[g] {
			t.Errorf("%s: the decisions changed (digest %s, want %s); see the test's doc", g, got, decisionGolden[g])
		}
	}
	if path := os.Getenv("DECISIONS_DUMP"); path != "" {
		require.NoError(t, os.WriteFile(path, []byte(dump.String()), 0o600))
	}
}

// decisionRecorder holds the parts of a decision: the default detector
// and router, a detector with brand links, and their scorers.
type decisionRecorder struct {
	now                time.Time
	det, linkDet       *situation.Detector
	scorer, linkScorer *priority.Rules
	router, custom     *care.Router
}

func newDecisionRecorder(t *testing.T) *decisionRecorder {
	t.Helper()
	rec := &decisionRecorder{now: time.Date(2026, 1, 12, 9, 0, 0, 0, time.UTC)}
	var err error
	rec.det, err = situation.New(nil)
	require.NoError(t, err)
	cfg := situation.DefaultConfig()
	cfg.BrandLinks = &situation.BrandLinks{Kind: situation.BrandContent, Domains: []string{"example.com", "www.Brand.co"}, Sentiment: -0.05}
	rec.linkDet, err = situation.New(cfg)
	require.NoError(t, err)
	rec.scorer, err = priority.New(&priority.Config{Situations: rec.det, VIPs: []string{"@vip_1"}})
	require.NoError(t, err)
	rec.linkScorer, err = priority.New(&priority.Config{Situations: rec.linkDet})
	require.NoError(t, err)
	rec.router, err = care.NewRouter(&care.RouterConfig{Situations: rec.det})
	require.NoError(t, err)
	// Rules with every condition and reason: channels, authors, scores,
	// topics with situations, context, informing, own-only and catch-all
	// rules.
	rec.custom, err = care.NewRouter(&care.RouterConfig{Situations: rec.det, Routes: []care.Route{
		{Name: "vip legal", Loop: "legal", Topics: []string{"legal"}, Authors: []string{"vip_1"}, MinScore: 20},
		{Loop: "executives", Inform: true, Situations: []string{"churn", "public_escalation"}, Channels: []channel.Kind{channel.X}, MinScore: 30},
		{Name: "messenger", Loop: "product", Channels: []channel.Kind{channel.Messenger}},
		{Loop: "content", Topics: []string{"content", "outage"}, Situations: []string{"brand_content"}, Unless: []string{"praise"}},
		{Loop: "executives", OwnOnly: true, MinScore: 60},
		{Loop: "legal", Inform: true, Situations: []string{"authority", "legal_threat"}},
		{Name: "someone", Loop: "customer-service", Inform: true, Authors: []string{"@someone"}},
		{Name: "billing", Loop: "customer-service", Topics: []string{"billing"}},
		{Name: "everything", Loop: "product", Inform: true},
	}})
	require.NoError(t, err)
	return rec
}

// record returns text's decisions, for people, varying the author and the
// channel by i.
func (rec *decisionRecorder) record(i int, text string) string {
	var b strings.Builder
	m := channel.Message{Channel: channel.X, Text: text, ReceivedAt: rec.now.Add(-time.Duration(i%50) * 11 * time.Minute),
		Author: channel.Author{Handle: []string{"c", "VIP_1", "@Someone"}[i%3], Followers: []int{0, 20000, 500}[i%3]}}
	if i%4 == 3 {
		m.Channel = channel.Messenger
	}
	in := func(found *situation.Result) *priority.Input {
		return &priority.Input{Text: m.Text, Channel: string(m.Channel), ReceivedAt: m.ReceivedAt, Unanswered: i % 4,
			Author: priority.Author{Handle: m.Author.Handle, Followers: m.Author.Followers}, Situations: found}
	}
	// As the desk's intake decides: one detection for the score and the
	// route.
	found := rec.router.Situations(m)
	writeResult(&b, "found", found)
	var s priority.Score
	rec.scorer.ScoreInto(rec.now, in(&found), &s)
	writeScore(&b, "score", s)
	writeDecision(&b, "route", rec.router.RouteSituations(m, s.Value, &found))
	writeDecision(&b, "custom", rec.custom.RouteSituations(m, s.Value, &found))
	writeDecision(&b, "custom, no situations", rec.custom.RouteSituations(m, s.Value, nil))
	// Route detects by itself; the scorer too, with the sentiment (the
	// reach signal), and with brand links.
	writeDecision(&b, "Route", rec.router.Route(m, s.Value))
	writeScore(&b, "self-detecting score", rec.scorer.Score(rec.now, in(nil)))
	writeScore(&b, "brand-link score", rec.linkScorer.Score(rec.now, in(nil)))
	writeResult(&b, "Detect", rec.det.Detect(&situation.Input{Text: text, Followers: 20000, Sentiment: -0.4, HasSentiment: true}))
	writeResult(&b, "brand links", rec.linkDet.Detect(&situation.Input{Text: text, Sentiment: -0.4, HasSentiment: true}))
	topics, kws := rec.router.Topics(text)
	fmt.Fprintf(&b, "topics %q %q\n", topics, kws)
	return b.String()
}

func writeResult(b *strings.Builder, name string, r situation.Result) {
	fmt.Fprintf(b, "%s: %s\n", name, r)
	for _, m := range r.Matches {
		fmt.Fprintf(b, "  %q %q %q %q\n", m.Kind, m.Label, m.Evidence, m.Source)
	}
}

func writeScore(b *strings.Builder, name string, s priority.Score) {
	fmt.Fprintf(b, "%s: %v %s\n", name, s.Value, s.Explain())
	for _, r := range s.Reasons {
		fmt.Fprintf(b, "  %q %q %v\n", r.Signal, r.Detail, r.Points)
	}
}

func writeDecision(b *strings.Builder, name string, d care.Decision) {
	fmt.Fprintf(b, "%s: %s\n  loop %+v route %q rule %q topics %q reasons %q\n", name, d.Explain(), d.Loop, d.Route, d.Rule, d.Topics, d.Reasons)
	writeResult(b, "  situations", situation.Result{Matches: d.Situations})
	for _, n := range d.Inform {
		fmt.Fprintf(b, "  inform %+v %q %q\n", n.Loop, n.Route, n.Reasons)
	}
}

// generatedTexts returns texts made from the default situation patterns
// (each alternative of each slot in turn, gaps filled, prefixes
// completed), with negation before them, and from the default topic
// keywords, each also joined with the next and in other cases and
// punctuation, besides the benchmarks' messages.
func generatedTexts() []string {
	var base []string
	cfg := situation.DefaultConfig()
	fill := []string{"really", "the", "bad"}
	for si, s := range cfg.Situations {
		for _, lang := range slices.Sorted(maps.Keys(s.Patterns)) {
			for pi, p := range s.Patterns[lang] {
				for v := range 3 {
					var ws []string
					for wi, it := range strings.Fields(p) {
						it = strings.TrimPrefix(it, "^")
						if it == "" {
							continue
						}
						if strings.HasPrefix(it, "~") {
							if (v+wi)%2 == 1 {
								ws = append(ws, fill[(si+pi+wi)%len(fill)])
							}
							continue
						}
						opt := strings.HasSuffix(it, "?")
						it = strings.TrimSuffix(it, "?")
						if opt && v == 2 {
							continue
						}
						alts := strings.Split(it, "|")
						a := alts[(v*7+pi+wi)%len(alts)]
						a = strings.ReplaceAll(a, "_", " ")
						if strings.HasSuffix(a, "*") {
							a = strings.TrimSuffix(a, "*") + []string{"", "ed", "ing"}[v]
						}
						ws = append(ws, a)
					}
					base = append(base, strings.Join(ws, " "))
				}
			}
		}
		for _, lang := range slices.Sorted(maps.Keys(s.Unless)) {
			for _, p := range s.Unless[lang] {
				base = append(base, strings.ReplaceAll(strings.NewReplacer("*", "", "?", "", "^", "").Replace(p), "_", " "))
			}
		}
		for _, h := range s.Handles {
			base = append(base, "hey @"+strings.TrimPrefix(h, "*")+" look", "cc @Big"+strings.TrimPrefix(h, "*"))
		}
	}
	for _, tp := range care.DefaultTopics() {
		for _, k := range tp.Keywords {
			base = append(base, strings.ReplaceAll(k, "+", " and the "))
		}
	}
	var out []string
	for i, t := range base {
		next := base[(i+1)%len(base)]
		out = append(out, t, "I'm not saying "+t, strings.ToUpper(t)+"!", t+". "+next, t+", "+next+" https://blog.example.com/v/1 #Help")
	}
	out = append(out, benchtext.Tweets()...)
	return out
}
