package priority_test

import (
	"fmt"
	"time"

	"github.com/socialcare/socialcare/priority"
)

func Example() {
	rules, err := priority.New(nil)
	if err != nil {
		panic(err)
	}
	now := time.Date(2026, 1, 12, 9, 0, 0, 0, time.UTC)
	for _, in := range []priority.Input{
		{Channel: "x", Text: "How much is a one-way ticket from Chicago to L.A. next Friday?"},
		{Channel: "x", Text: "Stranded at O'Hare by the snowstorm, my flight was cancelled", ReceivedAt: now.Add(-20 * time.Minute)},
		{Channel: "whatsapp", Text: "NÃO FUNCIONA o check-in, não é urgente mas #VooCancelado?"},
		{Channel: "x", Text: "What's the carry-on size limit?", Author: priority.Author{Handle: "travelwithmaya", Followers: 250000}},
	} {
		s := rules.Score(now, &in)
		fmt.Printf("%.1f %s\n", s.Value, s.Explain())
	}
	// Output:
	// 10.0 channel "x" +10
	// 132.0 keyword "stranded" +45, situation "work or travel blocked now (Stranded)" +40, keyword "cancelled" +30, channel "x" +10, sentiment "negative" +5, waiting "20m0s" +2
	// 56.0 keyword "cancelado" +30, keyword "não funciona" +20, channel "whatsapp" +6
	// 58.0 influencer "250000 followers" +48, channel "x" +10
}

func ExampleParseConfig() {
	cfg, err := priority.ParseConfig([]byte(`{
		"keywords": [{"phrase": "bagagem extraviada", "weight": 40}],
		"vips": ["@ceo"],
		"disabled": ["sentiment", "channel"]
	}`))
	if err != nil {
		panic(err)
	}
	rules, err := priority.New(cfg)
	if err != nil {
		panic(err)
	}
	s := rules.Score(time.Time{}, &priority.Input{Text: "Minha BAGAGEM foi extraviada? Não: bagagem extraviada!", Author: priority.Author{Handle: "CEO"}})
	fmt.Println(s.Value, s.Explain())

	_, err = priority.ParseConfig([]byte(`{"keywords": [{"phrase": "refund", "weight": -5}]}`))
	fmt.Println(err)
	// Output:
	// 140 vip "@ceo" +100, keyword "bagagem extraviada" +40
	// priority: invalid config: keywords[0].weight: must be finite and positive, got -5 (phrase "refund")
}

func ExampleOverride() {
	rules, err := priority.New(&priority.Config{Disabled: []string{"vip"}})
	if err != nil {
		panic(err)
	}
	vipWins, err := priority.Override(priority.VIPNote{Points: 1000, Handles: []string{"dianaprince"}}, rules)
	if err != nil {
		panic(err)
	}
	for _, in := range []priority.Input{
		{Channel: "x", Text: "I'm stranded at O'Hare", Author: priority.Author{Handle: "sam"}},
		{Channel: "x", Text: "Can I upgrade my seat?", Author: priority.Author{Handle: "DianaPrince"}},
	} {
		s := vipWins.Score(time.Time{}, &in)
		fmt.Printf("%g %s\n", s.Value, s.Explain())
	}
	// Output:
	// 95 keyword "stranded" +45, situation "work or travel blocked now (stranded)" +40, channel "x" +10
	// 1000 vip-note "@DianaPrince" +1000
}

func ExampleNormalize() {
	fmt.Println(priority.Normalize("NÃO funciona! @AirBR_Help #VooCancelado"))
	// Output: nao funciona air br help voo cancelado
}

// Situations outrank keywords: customers describe what happened rather
// than say "urgent". Their weights are in the same JSON as the rest.
func ExampleConfig_situationPoints() {
	cfg, err := priority.ParseConfig([]byte(`{
		"situation_points": {"money_taken": 60, "churn": 25},
		"disabled": ["sentiment", "channel"]
	}`))
	if err != nil {
		panic(err)
	}
	rules, err := priority.New(cfg)
	if err != nil {
		panic(err)
	}
	for _, text := range []string{
		"Me cobraron tres veces la misma compra y perdieron un cliente",
		"Is this urgent? How do I change my address?",
	} {
		s := rules.Score(time.Time{}, &priority.Input{Text: text})
		fmt.Println(s.Value, s.Explain())
	}
	// Output:
	// 85 situation "money taken wrongly (cobraron tres veces)" +60, situation "churn or boycott (perdieron un cliente)" +25
	// 30 keyword "urgent" +30
}
