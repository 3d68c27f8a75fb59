package priority

import "github.com/socialcare/socialcare/situation"

// DefaultKeywords returns the built-in lexicon: urgent words and phrases in
// English, Portuguese and Spanish (urgency, stranded travellers,
// cancellations, refunds and double charges, outages and things not
// working, lost and stolen property, fraud, legal threats, safety). Phrases
// are written naturally; they are normalised like the messages, so
// "não funciona" also matches "NAO FUNCIONA" and "#NãoFunciona". Each call
// returns a new slice.
func DefaultKeywords() []Keyword {
	return []Keyword{
		// English
		{"urgent", 30}, {"urgently", 30}, {"emergency", 40}, {"asap", 15}, {"immediately", 15},
		{"stranded", 45}, {"stuck", 20}, {"cancelled", 30}, {"canceled", 30},
		{"cancellation", 20}, {"cancelation", 20},
		{"missed my connection", 30}, {"missed connection", 30}, {"delayed", 15},
		{"refund", 15}, {"refunds", 15}, {"refunded", 15}, {"charged twice", 25}, {"double charged", 25},
		{"outage", 30}, {"outages", 30}, {"down", 10}, {"not working", 20}, {"doesn't work", 20}, {"stopped working", 20},
		{"broken", 15}, {"damaged", 15}, {"lost", 15}, {"stolen", 25}, {"hacked", 35}, {"fraud", 35}, {"scam", 25},
		{"lawyer", 30}, {"attorney", 30}, {"sue", 30}, {"lawsuit", 35}, {"legal action", 35},
		{"unsafe", 40}, {"injured", 45}, {"danger", 35}, {"dangerous", 35},
		// Portuguese
		{"urgente", 30}, {"urgência", 30}, {"emergência", 40},
		{"fiquei preso", 40}, {"presa no aeroporto", 40}, {"preso no aeroporto", 40},
		{"cancelado", 30}, {"cancelada", 30}, {"cancelaram", 30},
		{"perdi a conexão", 30}, {"atrasado", 15}, {"atrasada", 15},
		{"reembolso", 15}, {"estorno", 15}, {"cobrado duas vezes", 25}, {"cobrança duplicada", 25},
		{"fora do ar", 30}, {"não funciona", 20}, {"não está funcionando", 20}, {"parou de funcionar", 20},
		{"quebrado", 15}, {"danificada", 15}, {"danificado", 15}, {"extraviada", 25}, {"extraviado", 25}, {"roubado", 25}, {"hackeado", 35},
		{"fraude", 35}, {"golpe", 25}, {"advogado", 30}, {"processar", 30}, {"procon", 30},
		{"ação judicial", 35}, {"perigo", 35}, {"perigoso", 35}, {"ferido", 45}, {"inseguro", 40},
		// Spanish
		{"varado", 45}, {"varada", 45}, {"atrapado", 20}, {"cancelaron", 30},
		{"perdí mi conexión", 30}, {"retrasado", 15}, {"retrasada", 15},
		{"devolución", 15}, {"cobrado dos veces", 25}, {"cobro doble", 25},
		{"caída del servicio", 30}, {"no funciona", 20}, {"dejó de funcionar", 20}, {"roto", 15}, {"dañado", 15}, {"dañada", 15},
		{"perdido", 15}, {"robado", 25}, {"estafa", 25}, {"abogado", 30}, {"demanda", 30},
		{"acción legal", 35}, {"peligro", 35}, {"peligroso", 35}, {"herido", 45},
	}
}

// DefaultNegations returns the built-in negation cues, in English,
// Portuguese and Spanish. A keyword is not counted when a cue ends within
// Config.NegationWindow words before it in the same clause ("not urgent",
// "não é urgente", "no es urgente"). Each call returns a new slice.
func DefaultNegations() []string {
	return []string{
		"not", "never", "isn't", "wasn't", "aren't", "no longer", // English; "no" alone is a complaint ("no refund")
		"não", "nunca", "nem", // Portuguese
		"no es", "no está", "no fue", "ni", // Spanish (after the shared "nunca")
	}
}

// DefaultChannelPoints returns the built-in channel urgencies, after what
// customers expect of each channel (docs/defaults.md): X and chat are answered fastest,
// then the messaging apps, then Facebook (12 hours at worst), reviews and
// e-mail. Each call returns a new map.
func DefaultChannelPoints() map[string]float64 {
	return map[string]float64{
		"x": 10, "chat": 10, "whatsapp": 6, "messenger": 6, "instagram": 6,
		"facebook": 3, "review": 1, "email": 0,
	}
}

// DefaultTierPoints returns the built-in customer-tier points. Each call
// returns a new map.
func DefaultTierPoints() map[string]float64 {
	return map[string]float64{"platinum": 30, "gold": 20, "silver": 10}
}

// DefaultSituationPoints returns the built-in urgency of each care
// situation: harm happening now (a takeover, money taken, safety, work or
// travel blocked, an authority involved) outranks any keyword; a legal
// threat, churn, public escalation or a fraud report adds less, as it can
// wait a few hours; requests, praise and questions add nothing. Each call
// returns a new map.
func DefaultSituationPoints() map[string]float64 {
	return map[string]float64{
		string(situation.AccountTakeover):   45,
		string(situation.MoneyTaken):        40,
		string(situation.SafetyHealth):      40,
		string(situation.BlockedNow):        40,
		string(situation.Authority):         40,
		string(situation.Vulnerable):        30,
		string(situation.LegalThreat):       15,
		string(situation.FraudReport):       10,
		string(situation.RightsDispute):     5,
		string(situation.Churn):             10,
		string(situation.PublicEscalation):  10,
		string(situation.DefectAfterUpdate): 5,
		string(situation.DesignComplaint):   0,
		string(situation.BrandContent):      5,
		string(situation.FeatureRequest):    0,
		string(situation.PolicyRequest):     0,
		string(situation.Praise):            0,
		string(situation.Question):          0,
	}
}
