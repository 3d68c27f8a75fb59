package priority_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/priority"
	"github.com/socialcare/socialcare/situation"
)

var now = time.Date(2026, 1, 12, 9, 0, 0, 0, time.UTC)

func mustNew(t testing.TB, cfg *priority.Config) *priority.Rules {
	t.Helper()
	r, err := priority.New(cfg)
	require.NoError(t, err)
	return r
}

func reasonOf(s priority.Score, signal string) (priority.Reason, bool) {
	for _, r := range s.Reasons {
		if r.Signal == signal {
			return r, true
		}
	}
	return priority.Reason{}, false
}

func keywordsOf(s priority.Score) []string {
	var out []string
	for _, r := range s.Reasons {
		if r.Signal == priority.SignalKeyword {
			out = append(out, r.Detail)
		}
	}
	return out
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"NÃO funciona!", "nao funciona"},
		{"na\u0303o funciona", "nao funciona"}, // decomposed input
		{"#VooCancelado", "voo cancelado"},
		{"@AirBR_Help", "air br help"},
		{"#HTTPError and HTTPError", "http error and httperror"},
		{"#flight_cancelled2day", "flight cancelled2day"},
		{"O'Hare isn’t", "ohare isnt"},
		{"Straße ÆSIR Łódź", "strasse aesir lodz"},
		{"¿Qué pasó? ¡Cancelación!", "que paso cancelacion"},
		{"iPhone", "iphone"},
		{"ΣΊΣΥΦΟΣ σίσυφος", "σισυφοσ σισυφοσ"},
		{"東京 2024", "東京 2024"},
		{"   ", ""},
		{"\xff\xfeok", "ok"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, priority.Normalize(tc.in))
		})
	}
}

func TestKeywords(t *testing.T) {
	t.Parallel()
	r := mustNew(t, &priority.Config{Disabled: []string{"sentiment", "channel"}})
	for _, tc := range []struct {
		text string
		want []string // keyword details, largest first
	}{
		{"I'm STRANDED at the airport", []string{"stranded"}},
		{"NÃO funciona o aplicativo", []string{"não funciona"}},
		{"nao funciona", []string{"não funciona"}},
		{"#NãoFunciona de novo", []string{"não funciona"}},
		{"voo #Cancelado", []string{"cancelado"}},
		{"me quedé VARADA en Bogotá", []string{"varada"}},
		{"downtown office is closed", nil},                // whole words only
		{"the app is down, down, DOWN", []string{"down"}}, // once per message
		{"missed my connection in Denver", []string{"missed my connection"}},
		{"Not urgent, but how do I add a number?", nil},
		{"not really urgent", nil},
		{"this is not urgent but I'm stranded", []string{"stranded"}},
		{"Not urgent. Stranded!", []string{"stranded"}},
		{"not. urgent", []string{"urgent"}}, // negation does not cross a clause
		{"não é urgente", nil},
		{"no es urgente", nil},
		{"no refund yet", []string{"refund"}}, // "no" alone is a complaint
		{"still not working", []string{"not working"}},
		{"not, working", nil},
		{"Charged twice and I want a refund, lawyer next", []string{"lawyer", "charged twice", "refund"}},
	} {
		t.Run(tc.text, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, keywordsOf(r.Score(now, &priority.Input{Text: tc.text})))
		})
	}
}

// TestQuickstartOrder checks what examples/quickstart demonstrates with the
// default scorer.
func TestQuickstartOrder(t *testing.T) {
	t.Parallel()
	r := mustNew(t, nil)
	score := func(in priority.Input) priority.Score { return r.Score(now, &in) }
	stranded := score(priority.Input{Channel: "x", Text: "Stranded at O'Hare by the snowstorm, my flight to Denver was cancelled and the rebooking line is down. Please help!"})
	price := score(priority.Input{Channel: "x", Text: "How much is a one-way ticket from Chicago to L.A. next Friday?"})
	vip := score(priority.Input{Channel: "x", Text: "Can I upgrade my seat on tomorrow's flight to Boston?", Author: priority.Author{Handle: "dianaprince", VIP: true}})
	maya := score(priority.Input{Channel: "x", Text: "Flying with you to LAX tomorrow, what's the carry-on size limit?", Author: priority.Author{Handle: "travelwithmaya", Followers: 250000, Verified: true}})
	require.Greater(t, stranded.Value, price.Value)
	require.Contains(t, stranded.Explain(), `keyword "stranded" +45`)
	for _, ordinary := range []string{"How much is a one-way ticket?", "Do you allow pets in the cabin on flights to Miami?", "Is wifi free on domestic flights?", "Is your lounge in Terminal 3 open this early?"} {
		o := score(priority.Input{Channel: "x", Text: ordinary})
		require.Greater(t, vip.Value, o.Value, ordinary)
		require.Greater(t, maya.Value, o.Value, ordinary)
	}
	require.Contains(t, vip.Explain(), `vip "@dianaprince" +100`)
	require.Contains(t, maya.Explain(), `influencer "250000 followers" +48`)
}

func TestAuthorSignals(t *testing.T) {
	t.Parallel()
	r := mustNew(t, &priority.Config{VIPs: []string{"@BigSpender"}, Disabled: []string{"sentiment", "channel"}})
	for _, tc := range []struct {
		name   string
		author priority.Author
		want   string
	}{
		{"nobody", priority.Author{Handle: "x"}, "no urgency signals"},
		{"vip list, any case", priority.Author{Handle: "bigspender"}, `vip "@BigSpender" +100`},
		{"vip flag", priority.Author{Handle: "@ann", VIP: true}, `vip "@ann" +100`},
		{"tier", priority.Author{Tier: "gold"}, `tier "gold" +20`},
		{"unknown tier", priority.Author{Tier: "bronze"}, "no urgency signals"},
		{"lifetime value at threshold", priority.Author{LifetimeValue: 1000}, `lifetime_value "1000" +10`},
		{"lifetime value capped", priority.Author{LifetimeValue: 1e9}, `lifetime_value "1000000000" +30`},
		{"below influencer", priority.Author{Followers: 9999}, "no urgency signals"},
		{"influencer", priority.Author{Followers: 10000}, `influencer "10000 followers" +20`},
		{"influencer capped", priority.Author{Followers: 500_000_000}, `influencer "500000000 followers" +60`},
		{"verified", priority.Author{Handle: "v", Verified: true}, `verified "@v" +5`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, r.Score(now, &priority.Input{Text: "hello", Author: tc.author}).Explain())
		})
	}
}

func TestChannelWaitingUnanswered(t *testing.T) {
	t.Parallel()
	r := mustNew(t, &priority.Config{Disabled: []string{"sentiment"}})
	var last float64 = 1e9
	for _, ch := range []string{"x", "whatsapp", "facebook", "email"} {
		v := r.Score(now, &priority.Input{Channel: ch}).Value
		require.LessOrEqual(t, v, last, ch)
		last = v
	}
	for _, tc := range []struct {
		name string
		in   priority.Input
		want string
	}{
		{"30 minutes", priority.Input{ReceivedAt: now.Add(-30 * time.Minute)}, `waiting "30m0s" +3`},
		{"capped", priority.Input{ReceivedAt: now.Add(-10 * time.Hour)}, `waiting "10h0m0s" +30`},
		{"beyond the detail table", priority.Input{ReceivedAt: now.Add(-72 * time.Hour)}, `waiting "72h0m0s" +30`},
		{"in the future", priority.Input{ReceivedAt: now.Add(time.Hour)}, "no urgency signals"},
		{"one unanswered", priority.Input{Unanswered: 1}, "no urgency signals"},
		{"three unanswered", priority.Input{Unanswered: 3}, `unanswered "3 unanswered messages" +8`},
		{"many unanswered", priority.Input{Unanswered: 500}, `unanswered "500 unanswered messages" +20`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, r.Score(now, &tc.in).Explain())
		})
	}
}

func TestSentimentSignal(t *testing.T) {
	t.Parallel()
	r := mustNew(t, &priority.Config{Keywords: []priority.Keyword{{"zzz", 1}}})
	angry := r.Score(now, &priority.Input{Text: "This is the WORST airline ever, terrible service, I hate you!!!"})
	calm := r.Score(now, &priority.Input{Text: "Thanks, the crew was lovely."})
	got, ok := reasonOf(angry, priority.SignalSentiment)
	require.True(t, ok, angry.Explain())
	require.Equal(t, "very negative", got.Detail)
	require.Greater(t, angry.Value, calm.Value)
	_, ok = reasonOf(calm, priority.SignalSentiment)
	require.False(t, ok)
}

func TestDisabled(t *testing.T) {
	t.Parallel()
	r := mustNew(t, &priority.Config{Disabled: []string{"situation", "keyword", "vip", "tier", "lifetime_value", "influencer", "verified", "sentiment", "channel", "waiting", "unanswered"}})
	s := r.Score(now, &priority.Input{Text: "URGENT stranded, terrible!", Channel: "x", ReceivedAt: now.Add(-time.Hour), Unanswered: 5,
		Author: priority.Author{Handle: "a", VIP: true, Verified: true, Followers: 1e6, Tier: "gold", LifetimeValue: 1e6}})
	require.Equal(t, priority.Score{Reasons: []priority.Reason{}}, s)
}

func TestNilInput(t *testing.T) {
	t.Parallel()
	r := mustNew(t, nil)
	require.Zero(t, r.Score(now, nil).Value)
	r.ScoreInto(now, &priority.Input{Text: "urgent"}, nil) // no panic
	s := priority.Score{Value: 3, Reasons: []priority.Reason{{Signal: "x"}}}
	r.ScoreInto(now, nil, &s)
	require.Equal(t, 0.0, s.Value)
	require.Empty(t, s.Reasons)
}

func TestScoreIntoDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under the race detector")
	}
	r := mustNew(t, nil)
	in := &priority.Input{
		Text:    "Stranded at O'Hare, flight CANCELLED, não funciona, this is terrible!! #FlightCancelled @SkyWays",
		Channel: "x", ReceivedAt: now.Add(-47 * time.Minute), Unanswered: 2,
		Author: priority.Author{Handle: "Sam", Tier: "gold"},
	}
	var s priority.Score
	r.ScoreInto(now, in, &s)
	require.Len(t, s.Reasons, 9, s.Explain())
	// One allocation: the detail of the situation found (travel blocked).
	if n := testing.AllocsPerRun(500, func() { r.ScoreInto(now, in, &s) }); n > 1 {
		t.Errorf("ScoreInto allocates %v times per call, want at most 1", n)
	}
	plain := &priority.Input{Text: "My order #1234 is late, this is terrible!! @SkyWays", Channel: "x", Author: priority.Author{Handle: "Sam", Tier: "gold"}}
	if n := testing.AllocsPerRun(500, func() { r.ScoreInto(now, plain, &s) }); n != 0 {
		t.Errorf("ScoreInto allocates %v times per call without a situation", n)
	}
}

func TestReasonString(t *testing.T) {
	t.Parallel()
	require.Equal(t, `keyword "stranded" +45`, priority.Reason{Signal: "keyword", Detail: "stranded", Points: 45}.String())
	require.Equal(t, `custom "x" -2.5`, priority.Reason{Signal: "custom", Detail: "x", Points: -2.5}.String())
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, json, field string
	}{
		{"unknown field", `{"keywords":[{"phrase":"a","weight":1}],"vip_pionts":3}`, "vip_pionts"},
		{"unknown nested field", `{"keywords":[{"phrase":"a","weight":1,"lang":"en"}]}`, "lang"},
		{"zero weight", `{"keywords":[{"phrase":"a"}]}`, "keywords[0].weight"},
		{"negative weight", `{"keywords":[{"phrase":"a","weight":1},{"phrase":"b","weight":-3}]}`, "keywords[1].weight"},
		{"empty keyword", `{"keywords":[{"phrase":"  ","weight":3}]}`, "keywords[0].phrase"},
		{"punctuation keyword", `{"keywords":[{"phrase":"!!","weight":3}]}`, "keywords[0].phrase"},
		{"duplicate keyword", `{"keywords":[{"phrase":"Urgênt","weight":3},{"phrase":"urgent","weight":1}]}`, "keywords[1].phrase"},
		{"empty negation", `{"negations":["not",""]}`, "negations[1]"},
		{"negative points", `{"vip_points":-1}`, "vip_points"},
		{"negative channel", `{"channel_points":{"x":-1}}`, "channel_points.x"},
		{"bad threshold", `{"sentiment_threshold":0.5}`, "sentiment_threshold"},
		{"negative window", `{"negation_window":-1}`, "negation_window"},
		{"unknown signal", `{"disabled":["keywords"]}`, "disabled[0]"},
		{"empty vip", `{"vips":["@"]}`, "vips[0]"},
		{"wrong type", `{"keywords":[{"phrase":"a","weight":"high"}]}`, "keywords.weight"},
		{"trailing data", `{} {}`, "(document)"},
		{"not JSON", `keywords: []`, "(document)"},
		{"unknown situation", `{"situation_points":{"lost_bag":10}}`, "situation_points.lost_bag"},
		{"negative situation", `{"situation_points":{"churn":-1}}`, "situation_points.churn"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := priority.ParseConfig([]byte(tc.json))
			require.Error(t, err)
			require.ErrorIs(t, err, priority.ErrInvalidConfig)
			var ce *priority.ConfigError
			require.ErrorAs(t, err, &ce)
			require.Equal(t, tc.field, ce.Field, err.Error())
			require.True(t, strings.HasPrefix(err.Error(), "priority: "), err.Error())
		})
	}
}

func TestParseConfig(t *testing.T) {
	t.Parallel()
	cfg, err := priority.LoadConfig(strings.NewReader(`{
		"keywords": [{"phrase": "Flight Cancelled", "weight": 50}, {"phrase": "bagagem extraviada", "weight": 40}],
		"vips": ["@ceo"],
		"channel_points": {"x": 12},
		"disabled": ["sentiment"]
	}`))
	require.NoError(t, err)
	r := mustNew(t, cfg)
	s := r.Score(now, &priority.Input{Text: "#FlightCancelled and bagagem EXTRAVIADA", Channel: "x", Author: priority.Author{Handle: "CEO"}})
	require.Equal(t, `vip "@ceo" +100, keyword "Flight Cancelled" +50, keyword "bagagem extraviada" +40, channel "x" +12`, s.Explain())
	require.Equal(t, 202.0, s.Value)
}

func TestCompose(t *testing.T) {
	t.Parallel()
	rules := mustNew(t, &priority.Config{Disabled: []string{"sentiment", "vip", "situation"}})
	stranded := &priority.Input{Text: "stranded", Channel: "x"}
	vip := &priority.Input{Text: "hi", Channel: "x", Author: priority.Author{Handle: "Diana", VIP: true}}

	sum, err := priority.Sum(priority.Weighted{Scorer: rules, Weight: 2}, priority.Weighted{Scorer: priority.VIPNote{Points: 7}, Weight: 1})
	require.NoError(t, err)
	require.Equal(t, `keyword "stranded" +90, channel "x" +20`, sum.Score(now, stranded).Explain())
	require.Equal(t, 27.0, sum.Score(now, vip).Value)

	mx, err := priority.Max(rules, priority.VIPNote{Points: 50})
	require.NoError(t, err)
	require.Equal(t, 55.0, mx.Score(now, stranded).Value)
	require.Equal(t, `vip-note "@Diana" +50`, mx.Score(now, vip).Explain())

	ov, err := priority.Override(priority.VIPNote{Points: 1000, Handles: []string{"@stranded_sam"}}, rules)
	require.NoError(t, err)
	require.Equal(t, `vip-note "@Diana" +1000`, ov.Score(now, vip).Explain())
	require.Equal(t, 55.0, ov.Score(now, stranded).Value)
	listed := &priority.Input{Text: "hi", Author: priority.Author{Handle: "Stranded_Sam"}}
	require.Equal(t, 1000.0, ov.Score(now, listed).Value)

	for _, bad := range []error{
		func() error { _, err := priority.Sum(); return err }(),
		func() error { _, err := priority.Sum(priority.Weighted{Scorer: rules}); return err }(),
		func() error { _, err := priority.Sum(priority.Weighted{Weight: 1}); return err }(),
		func() error { _, err := priority.Max(); return err }(),
		func() error { _, err := priority.Max(nil); return err }(),
		func() error { _, err := priority.Override(nil, rules); return err }(),
	} {
		require.Error(t, bad)
	}
	require.Zero(t, priority.VIPNote{Points: 5}.Score(now, nil).Value)
	require.Zero(t, priority.VIPNote{}.Score(now, vip).Value)
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	r := mustNew(t, nil)
	want := r.Score(now, &priority.Input{Text: "Stranded, cancelled, terrible!", Channel: "x"})
	done := make(chan priority.Score)
	for range 8 {
		go func() {
			var s priority.Score
			for range 200 {
				r.ScoreInto(now, &priority.Input{Text: "Stranded, cancelled, terrible!", Channel: "x"}, &s)
			}
			done <- s
		}()
	}
	for range 8 {
		require.Equal(t, want, <-done)
	}
}

func TestErrorsAreTyped(t *testing.T) {
	t.Parallel()
	_, err := priority.New(&priority.Config{Keywords: []priority.Keyword{{"", 1}}})
	var ce *priority.ConfigError
	require.True(t, errors.As(err, &ce))
	require.Equal(t, "keywords[0].phrase", ce.Field)
	require.True(t, errors.Is(err, priority.ErrInvalidConfig))
}

// TestSituations checks that a situation described in English, Portuguese
// or Spanish outranks a plain question, with the situation in the reasons,
// and that situation_points tunes or silences a situation.
func TestSituations(t *testing.T) {
	t.Parallel()
	r := mustNew(t, &priority.Config{Disabled: []string{"sentiment", "channel"}})
	question := r.Score(now, &priority.Input{Text: "How do I add a second card to my account?"}).Value
	for _, tc := range []struct{ text, detail string }{
		{"Someone changed my password and email, I can't get in", "account takeover (Someone changed my password)"},
		{"Alguém trocou a senha da minha conta", "account takeover (Alguém trocou a senha)"},
		{"Alguien cambió la contraseña de mi cuenta", "account takeover (Alguien cambió la contraseña)"},
		{"You charged my card three times for one order", "money taken wrongly (charged my card three times)"},
		{"Fui cobrado duas vezes pela mesma assinatura", "money taken wrongly (cobrado duas vezes)"},
		{"Me cobraron dos veces la suscripción", "money taken wrongly (cobraron dos veces)"},
		{"My daughter's medicine was never delivered", "safety and health (medicine was never)"},
		{"O remédio da minha mãe não chegou", "safety and health (remédio da minha mãe não)"},
		{"La medicina de mi hijo nunca llegó", "safety and health (medicina de mi hijo nunca)"},
		{"I'm reporting this to the attorney general", "a regulator or authority (attorney general)"},
		{"Vou reclamar no Procon", "a regulator or authority (reclamar no Procon)"},
		{"Voy a poner una queja en Profeco", "a regulator or authority (queja en Profeco)"},
		{"Lost all my thesis files after the sync", "work or travel blocked now (Lost all my thesis)"},
		{"Estou preso no aeroporto sem voo", "work or travel blocked now (preso no aeroporto)"},
		{"Estoy varado en el aeropuerto", "work or travel blocked now (varado)"},
	} {
		s := r.Score(now, &priority.Input{Text: tc.text})
		require.Greater(t, s.Value, question+25, s.Explain())
		got, ok := reasonOf(s, priority.SignalSituation)
		require.True(t, ok, s.Explain())
		require.Equal(t, tc.detail, got.Detail)
	}
	quiet := mustNew(t, &priority.Config{SituationPoints: map[string]float64{"account_takeover": 0, "churn": 50}, Disabled: []string{"sentiment", "channel", "keyword"}})
	require.Equal(t, "no urgency signals", quiet.Score(now, &priority.Input{Text: "someone changed my password"}).Explain())
	require.Equal(t, `situation "churn or boycott (lost a customer)" +50`, quiet.Score(now, &priority.Input{Text: "you just lost a customer"}).Explain())
	// Situations found elsewhere (a host's classifier) are used as given.
	given := &situation.Result{Matches: []situation.Match{{Kind: situation.MoneyTaken, Label: "money taken wrongly", Evidence: "from the model"}}}
	require.Equal(t, `situation "money taken wrongly (from the model)" +40`, quiet.Score(now, &priority.Input{Text: "someone changed my password", Situations: given}).Explain())
	require.Equal(t, "no urgency signals", quiet.Score(now, &priority.Input{Text: "you just lost a customer", Situations: &situation.Result{}}).Explain())
}

func TestParseConfigWith(t *testing.T) {
	t.Parallel()
	d, err := situation.New(&situation.Config{Situations: []situation.Situation{{Kind: "lost_luggage", Label: "lost luggage", Patterns: map[string][]string{"en": {"lost ~2 my ~1 bag|luggage"}}}}})
	require.NoError(t, err)
	doc := []byte(`{"situation_points": {"lost_luggage": 35}, "disabled": ["sentiment", "channel", "keyword"]}`)
	_, err = priority.ParseConfig(doc)
	require.ErrorIs(t, err, priority.ErrInvalidConfig, "the built-in detector does not know lost_luggage")
	cfg, err := priority.ParseConfigWith(doc, d)
	require.NoError(t, err)
	r := mustNew(t, cfg)
	require.Equal(t, `situation "lost luggage (lost my bag)" +35`, r.Score(now, &priority.Input{Text: "you lost my bag"}).Explain())
}
