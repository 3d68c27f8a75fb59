package care_test

import (
	"fmt"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/channel"
)

// A message is owned by one loop while others are informed: customer
// service answers the double charge, the executives hear about the churn;
// customer service answers a defect, product hears of it; product owns a
// feature request.
func ExampleDecision_Inform() {
	r, err := care.NewRouter(nil)
	if err != nil {
		panic(err)
	}
	for _, text := range []string{
		"You charged me twice and you just lost a customer",
		"Desde la última actualización la app se cierra sola",
		"Seria ótimo se vocês adicionassem o modo escuro",
		"Since the update the app crashes. How do I go back to the old version?",
	} {
		d := r.Route(channel.Message{Channel: channel.X, Text: text}, 0)
		fmt.Printf("%s → %s", text, d.Loop.Name)
		for _, n := range d.Inform {
			fmt.Printf(", informs %s (resolve within %v)", n.Loop.Name, n.Loop.Resolve)
		}
		fmt.Println()
	}
	// Output:
	// You charged me twice and you just lost a customer → customer-service, informs executives (resolve within 4h0m0s)
	// Desde la última actualización la app se cierra sola → customer-service, informs product (resolve within 168h0m0s)
	// Seria ótimo se vocês adicionassem o modo escuro → product
	// Since the update the app crashes. How do I go back to the old version? → customer-service, informs product (resolve within 168h0m0s)
}

func ExampleParseRouterConfig() {
	cfg, err := care.ParseRouterConfig([]byte(`{
		"routes": [
			{"name": "authority or threat", "loop": "legal", "situations": ["authority", "legal_threat"]},
			{"name": "tell product", "loop": "product", "inform": true, "situations": ["feature_request", "defect_after_update"]}
		]
	}`))
	if err != nil {
		panic(err)
	}
	r, err := care.NewRouter(cfg)
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Route(channel.Message{Text: "Please add dark mode, or I report you to the FTC"}, 0).Explain())

	_, err = care.ParseRouterConfig([]byte(`{"routes": [{"loop": "legal", "situations": ["lawyer"]}]}`))
	fmt.Println(err)
	// Output:
	// legal (rule "authority or threat": situation authority ("FTC")); owner team legal, answered by legal; informs product (rule "tell product": situation feature_request ("Please add"))
	// care: invalid argument: router: Routes[0] names unknown situation "lawyer" (the detector knows [account_takeover money_taken safety_health vulnerable_person blocked_now authority legal_threat rights_dispute fraud_report churn public_escalation policy_request feature_request defect_after_update design_complaint brand_content praise question])
}
