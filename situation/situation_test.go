package situation_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/situation"
)

func mustNew(t testing.TB, cfg *situation.Config) *situation.Detector {
	t.Helper()
	d, err := situation.New(cfg)
	require.NoError(t, err)
	return d
}

// TestSituations checks each built-in situation in English, Portuguese
// and Spanish, written as customers write, and a near miss for each.
func TestSituations(t *testing.T) {
	t.Parallel()
	checkCases(t, mustNew(t, nil), []situationCase{
		{situation.AccountTakeover, "Someone changed my password and email, I can't get in", true},
		{situation.AccountTakeover, "Alguém trocou a senha da minha conta e o e-mail", true},
		{situation.AccountTakeover, "Alguien cambió la contraseña de mi cuenta anoche", true},
		{situation.AccountTakeover, "my account was not hacked, I just forgot the password", false},
		{situation.AccountTakeover, "How do I change my password?", false},
		{situation.AccountTakeover, "I was hacked last week but I got my account back, thanks", false},

		{situation.MoneyTaken, "You charged my card three times for one order", true},
		{situation.MoneyTaken, "Fui cobrado duas vezes pela mesma assinatura", true},
		{situation.MoneyTaken, "Me cobraron dos veces la suscripción", true},
		{situation.MoneyTaken, "I cancelled last month and you're still charging me", true},
		{situation.MoneyTaken, "I wasn't charged twice, the second one was a refund", false},

		{situation.SafetyHealth, "My phone charger started smoking and burned the table", true},
		{situation.SafetyHealth, "O remédio da minha filha não foi entregue", true},
		{situation.SafetyHealth, "La medicina de mi hijo nunca llegó", true},
		{situation.SafetyHealth, "What are you doing to protect your drivers from the virus?", true},
		{situation.SafetyHealth, "The delivery was late again", false},

		{situation.Vulnerable, "My elderly mother is stranded with no money", true},
		{situation.Vulnerable, "Sou cadeirante e o elevador da estação está quebrado", true},
		{situation.Vulnerable, "Mi abuela está en silla de ruedas y no la dejan subir", true},
		{situation.Vulnerable, "Where can I buy a gift for my mother?", false},

		{situation.BlockedNow, "Stranded at O'Hare, my flight was cancelled", true},
		{situation.BlockedNow, "Estou preso no aeroporto e perdi a conexão", true},
		{situation.BlockedNow, "Estoy varado en el aeropuerto de Bogotá", true},
		{situation.BlockedNow, "Lost all my thesis files after the sync", true},
		{situation.BlockedNow, "I'm stuck on level 4 of the game", false},
		{situation.BlockedNow, "Flying with you to LAX tomorrow", false},
		{situation.BlockedNow, "Can't wait for my flight tomorrow!", false},
		{situation.BlockedNow, "Voo com vocês amanhã para Lisboa", false},
		{situation.BlockedNow, "Vuelo con ustedes mañana a Madrid", false},
		{situation.BlockedNow, "My flight tomorrow was cancelled and I can't rebook", true},
		{situation.BlockedNow, "Meu voo de amanhã foi cancelado", true},
		{situation.BlockedNow, "Mi vuelo de mañana fue cancelado", true},
		{situation.BlockedNow, "Will you land at Midway this evening? Conflicting reports", true},

		{situation.Authority, "I'm reporting this to the attorney general", true},
		{situation.Authority, "Vou reclamar no Procon", true},
		{situation.Authority, "Voy a poner una queja en Profeco", true},
		{situation.Authority, "#pricegouging ILLEGAL @FTC", true},
		{situation.Authority, "Thanks for the quick help", false},
		{situation.Authority, "Find these sellers and alert law enforcement", true},
		{situation.Authority, "Vou acionar a polícia se não resolverem", true},
		{situation.Authority, "Voy a llamar a la policía", true},

		{situation.LegalThreat, "My lawyer will hear about this", true},
		{situation.LegalThreat, "Vou entrar com uma ação judicial contra vocês", true},
		{situation.LegalThreat, "Voy a demandar a la empresa, ya hablé con mi abogado", true},
		{situation.LegalThreat, "I don't need a lawyer for this", false},
		{situation.LegalThreat, "Charging for a cancelled order, how is this legal?", true},
		{situation.LegalThreat, "Cobrar por um pedido cancelado é crime", true},
		{situation.LegalThreat, "Cobrar un pedido cancelado es un delito", true},
		{situation.LegalThreat, "I bought the criminal enterprise pack and it never arrived", false},

		{situation.RightsDispute, "My review is fair use and it was blocked by a copyright claim", true},
		{situation.RightsDispute, "Meu vídeo foi bloqueado por direitos autorais, mas é uso justo", true},
		{situation.RightsDispute, "Bloquearon mi video por derechos de autor", true},
		{situation.RightsDispute, "I have a right to a refund", false},

		{situation.FraudReport, "There is a phishing site using your logo", true},
		{situation.FraudReport, "Esse site é falso, estão aplicando golpe", true},
		{situation.FraudReport, "Hay una página falsa que se hace pasar por ustedes", true},
		{situation.FraudReport, "Ese perfil es falso y pide datos de tarjetas", true},
		{situation.FraudReport, "Where do I forward phishing emails like this one?", false},
		{situation.FraudReport, "Recebi um email falso de phishing, onde encaminho?", false},
		{situation.FraudReport, "Recibí un correo falso de phishing, ¿a dónde lo reenvío?", false},

		{situation.Churn, "HP just lost me after 20 years", true},
		{situation.Churn, "Nunca mais compro com vocês", true},
		{situation.Churn, "Nunca más vuelvo a comprar aquí", true},
		{situation.Churn, "I will never forget how helpful you were", false},
		{situation.Churn, "I'm cancelling my account because of this, I'm done", true},
		{situation.Churn, "Vou cancelar minha assinatura de vez", true},
		{situation.Churn, "Voy a darme de baja para siempre", true},
		{situation.Churn, "I am switching from my laptop to my phone, how do I move my saves?", false},
		{situation.Churn, "Time to #DeleteAcme, everyone", true},
		{situation.Churn, "please stop the delete button from moving", false},

		{situation.PublicEscalation, "I'm going to contact the press about this", true},
		{situation.PublicEscalation, "Vou levar isso para a imprensa e o Reclame Aqui, compartilhem", true},
		{situation.PublicEscalation, "Compartan para que todos sepan, precios abusivos", true},
		{situation.PublicEscalation, "Press the button twice to restart", false},

		{situation.FeatureRequest, "It would be nice to have more precise control over export sharpening", true},
		{situation.FeatureRequest, "Seria ótimo se vocês adicionassem o modo escuro", true},
		{situation.FeatureRequest, "Sería genial poder exportar a PDF", true},
		{situation.FeatureRequest, "My export failed again", false},
		{situation.FeatureRequest, "You should let us choose the order of the playlists", true},
		{situation.FeatureRequest, "Why can't I turn off autoplay?", true},
		{situation.FeatureRequest, "Please add the new album on your app", true},
		{situation.FeatureRequest, "Vocês deveriam deixar a gente escolher a qualidade do vídeo", true},
		{situation.FeatureRequest, "A letra do aplicativo é pequena demais, falta acessibilidade", true},
		{situation.FeatureRequest, "Deberían permitir que elijamos el idioma de los subtítulos", true},
		{situation.FeatureRequest, "¿Por qué no puedo ocultar las series que ya vi?", true},
		{situation.FeatureRequest, "How do I add songs to my playlist?", false},

		{situation.DefectAfterUpdate, "Since the latest update the app crashes on launch", true},
		{situation.DefectAfterUpdate, "Depois da última atualização o app trava toda hora", true},
		{situation.DefectAfterUpdate, "Desde la última actualización la app se cierra sola", true},
		{situation.DefectAfterUpdate, "The app crashed once yesterday", false},

		{situation.DesignComplaint, "Why did you remove the sleep timer? It was the best feature", true},
		{situation.DesignComplaint, "Is it just me or is every update making the app slower?", true},
		{situation.DesignComplaint, "Tiraram a função de repetir a música, péssimo", true},
		{situation.DesignComplaint, "A nova interface ficou horrível e confusa", true},
		{situation.DesignComplaint, "Quitaron la opción de descargar, ¿por qué?", true},
		{situation.DesignComplaint, "La nueva versión es horrible, quiero volver a la versión anterior", true},
		{situation.DesignComplaint, "The app closed once while I was typing", false},

		{situation.BrandContent, "The video on your blog is broken, it won't play", true},
		{situation.BrandContent, "Propaganda enganosa: o anúncio diz frete grátis", true},
		{situation.BrandContent, "Publicidad engañosa, la oferta no existe", true},
		{situation.BrandContent, "My video upload is broken", false},

		{situation.Praise, "Thanks so much, great service as always", true},
		{situation.Praise, "Obrigada pelo atendimento, excelente", true},
		{situation.Praise, "Muchas gracias, excelente atención", true},
		{situation.Praise, "Thanks in advance for fixing this", false},

		{situation.Question, "How do I add a second card?", true},
		{situation.Question, "Como faço para mudar o endereço?", true},
		{situation.Question, "¿Cómo puedo cambiar la dirección de envío?", true},
		{situation.Question, "My parcel is late.", false},
		{situation.Question, "The app crashes since the update, any help?", true},
		{situation.Question, "O app fecha sozinho, alguém me ajuda?", true},
		{situation.Question, "La app se cierra sola, ¿qué hago?", true},

		{situation.PolicyRequest, "Will you waive late fees during the lockdown?", true},
		{situation.PolicyRequest, "Vocês podiam suspender as parcelas durante a crise", true},
		{situation.PolicyRequest, "¿Van a aplazar los pagos de la hipoteca?", true},
		{situation.PolicyRequest, "I paid my fees yesterday", false},
		{situation.PolicyRequest, "My trip was cancelled because of covid and the ticket is non-refundable", true},
		{situation.PolicyRequest, "Só oferecem voucher, quero reembolso por causa da pandemia", true},
		{situation.PolicyRequest, "Me negaron el reembolso del viaje cancelado por la pandemia", true},
	})
}

// situationCase is a text and whether it shows a situation.
type situationCase struct {
	kind situation.Kind
	text string
	want bool
}

// checkCases runs each case as a subtest: d finds the situation exactly
// when the case says so, with the message's own words (or a handle in it)
// as evidence and the pattern that matched as its source.
func checkCases(t *testing.T, d *situation.Detector, cases []situationCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(string(tc.kind)+"/"+tc.text, func(t *testing.T) {
			t.Parallel()
			r := d.Detect(&situation.Input{Text: tc.text})
			require.Equal(t, tc.want, r.Has(tc.kind), "%s", r.String())
			if m, ok := r.Find(tc.kind); ok {
				require.NotEmpty(t, m.Evidence)
				require.NotEmpty(t, m.Source)
				require.Contains(t, tc.text, m.Evidence, "evidence is the message's own words, or a handle in it")
			}
		})
	}
}

func TestSignals(t *testing.T) {
	t.Parallel()
	cfg := situation.DefaultConfig()
	cfg.BrandLinks = &situation.BrandLinks{Kind: situation.BrandContent, Domains: []string{"example.com"}, Sentiment: -0.2}
	d := mustNew(t, cfg)

	r := d.Detect(&situation.Input{Text: "@TexasAG look at these prices"})
	m, ok := r.Find(situation.Authority)
	require.True(t, ok, r.String())
	require.Equal(t, "@TexasAG", m.Evidence)
	require.Equal(t, "handle", m.Source)
	require.False(t, d.Detect(&situation.Input{Text: "@HelloMag nice cover"}).Has(situation.Authority), "suffixes are case-sensitive")

	angry := &situation.Input{Text: "worst airline ever", Followers: 48000, Sentiment: -0.7, HasSentiment: true}
	m, ok = d.Detect(angry).Find(situation.PublicEscalation)
	require.True(t, ok)
	require.Equal(t, "48000 followers, negative", m.Evidence)
	angry.Followers = 200
	require.False(t, d.Detect(angry).Has(situation.PublicEscalation))

	link := &situation.Input{Text: "this is terrible https://blog.example.com/post/42 fix it", Sentiment: -0.5, HasSentiment: true}
	m, ok = d.Detect(link).Find(situation.BrandContent)
	require.True(t, ok)
	require.Equal(t, "blog.example.com/post/42", m.Evidence)
	link.Text = "this is terrible https://other.org/example.com"
	require.False(t, d.Detect(link).Has(situation.BrandContent))
}

func TestNegationAndContext(t *testing.T) {
	t.Parallel()
	d := mustNew(t, nil)
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"someone changed my password", true},
		{"nobody changed my password", false},       // a cue before the match
		{"my account was not hacked", false},        // a cue inside a gap of the match
		{"not urgent. My account was hacked", true}, // a cue in another sentence
		{"I did not authorise this charge and was charged twice", true},
		{"my account was hacked 3 years ago", false}, // an old hack: context
	} {
		require.Equal(t, tc.want, d.Detect(&situation.Input{Text: tc.text}).Has(situation.AccountTakeover) || d.Detect(&situation.Input{Text: tc.text}).Has(situation.MoneyTaken), tc.text)
	}
}

func TestPatternSyntax(t *testing.T) {
	t.Parallel()
	cfg := &situation.Config{
		Situations: []situation.Situation{{Kind: "lost_bag", Label: "lost luggage", Patterns: map[string][]string{
			"en": {"bag|bags|luggage|suitcase ~3 lost|missing|delayed", "^where_is my? ~1 bag*", "lost ~2 my ~1 bag|luggage"},
			"fr": {"bagage|valise ~3 perdu|perdue"},
		}}},
		Negations: map[string][]string{"en": {"not"}},
	}
	d := mustNew(t, cfg)
	for _, tc := range []struct {
		text string
		want string
	}{
		{"My luggage is still missing", "luggage is still missing"},
		{"@Airline where is my bags", "where is my bags"},
		{"@Airline where is bagpack", "where is bagpack"},
		{"So, where is my bag", ""}, // not at the start of the sentence
		{"ma valise est PERDUE", "valise est PERDUE"},
		{"luggage. lost", ""},                            // not across sentences
		{"luggage tag 1.2 lost", "luggage tag 1.2 lost"}, // a dot inside a word ends no sentence
		{"luggage in the U.S. lost", ""},
		{"they lost my luggage", "lost my luggage"},
		{"my bag was not lost", ""},
	} {
		m, _ := d.Detect(&situation.Input{Text: tc.text}).Find("lost_bag")
		require.Equal(t, tc.want, m.Evidence, tc.text)
	}
	fr := mustNew(t, &situation.Config{Situations: cfg.Situations, Negations: cfg.Negations, Languages: []string{"en"}})
	require.False(t, fr.Detect(&situation.Input{Text: "ma valise est perdue"}).Has("lost_bag"), "languages restrict the patterns")
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, json, field string
	}{
		{"unknown field", `{"situations":[],"negation":{}}`, "negation"},
		{"bad kind", `{"situations":[{"kind":"Bad Kind"}]}`, "situations[0].kind"},
		{"duplicate kind", `{"situations":[{"kind":"a"},{"kind":"a"}]}`, "situations[1].kind"},
		{"empty pattern", `{"situations":[{"kind":"a","patterns":{"en":["  "]}}]}`, "situations[0].patterns.en[0]"},
		{"gap first", `{"situations":[{"kind":"a","patterns":{"en":["~2 a"]}}]}`, "situations[0].patterns.en[0]"},
		{"gap last", `{"situations":[{"kind":"a","patterns":{"en":["a ~2"]}}]}`, "situations[0].patterns.en[0]"},
		{"big gap", `{"situations":[{"kind":"a","patterns":{"en":["a ~10 b"]}}]}`, "situations[0].patterns.en[0]"},
		{"two gaps", `{"situations":[{"kind":"a","patterns":{"en":["a ~1 ~2 b"]}}]}`, "situations[0].patterns.en[0]"},
		{"optional first", `{"situations":[{"kind":"a","patterns":{"en":["a? b"]}}]}`, "situations[0].patterns.en[0]"},
		{"empty alternative", `{"situations":[{"kind":"a","patterns":{"en":["a|| b"]}}]}`, "situations[0].patterns.en[0]"},
		{"two words in one", `{"situations":[{"kind":"a","patterns":{"en":["e-mail"]}}]}`, "situations[0].patterns.en[0]"},
		{"bare star", `{"situations":[{"kind":"a","patterns":{"en":["*"]}}]}`, "situations[0].patterns.en[0]"},
		{"hashtag with words", `{"situations":[{"kind":"a","patterns":{"en":["#a b"]}}]}`, "situations[0].patterns.en[0]"},
		{"hashtag mixed", `{"situations":[{"kind":"a","patterns":{"en":["#a|b"]}}]}`, "situations[0].patterns.en[0]"},
		{"bad language", `{"situations":[{"kind":"a","patterns":{"e n":["a"]}}]}`, "situations[0].patterns"},
		{"bad unless", `{"situations":[{"kind":"a","unless":{"en":["~1"]}}]}`, "situations[0].unless.en[0]"},
		{"bad handle", `{"situations":[{"kind":"a","handles":["@a b"]}]}`, "situations[0].handles[0]"},
		{"bad suffix", `{"situations":[{"kind":"a","handles":["*"]}]}`, "situations[0].handles[0]"},
		{"bad negation", `{"negations":{"en":["not", "!"]}}`, "negations.en[1]"},
		{"bad window", `{"negation_window":12}`, "negation_window"},
		{"reach kind", `{"situations":[{"kind":"a"}],"reach":{"kind":"b","followers":1,"sentiment":-0.5}}`, "reach.kind"},
		{"reach followers", `{"reach":{"kind":"churn","followers":0,"sentiment":-0.5}}`, "reach.followers"},
		{"reach sentiment", `{"reach":{"kind":"churn","followers":5,"sentiment":0.5}}`, "reach.sentiment"},
		{"links domains", `{"brand_links":{"kind":"brand_content","sentiment":-0.5}}`, "brand_links.domains"},
		{"links domain", `{"brand_links":{"kind":"brand_content","domains":["http://x.com"],"sentiment":-0.5}}`, "brand_links.domains[0]"},
		{"wrong type", `{"negation_window":"3"}`, "negation_window"},
		{"trailing", `{} {}`, "(document)"},
		{"not json", `situations: []`, "(document)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := situation.ParseConfig([]byte(tc.json))
			require.Error(t, err)
			require.ErrorIs(t, err, situation.ErrInvalid)
			var ce *situation.ConfigError
			require.ErrorAs(t, err, &ce)
			require.Equal(t, tc.field, ce.Field, err.Error())
			require.True(t, strings.HasPrefix(err.Error(), "situation: "), err.Error())
		})
	}
}

func TestDefaultJSONRoundTrip(t *testing.T) {
	t.Parallel()
	cfg, err := situation.ParseConfig(situation.DefaultJSON())
	require.NoError(t, err)
	require.Equal(t, situation.DefaultConfig(), cfg)
	d := mustNew(t, nil)
	require.Contains(t, d.Kinds(), situation.AccountTakeover)
	require.Equal(t, "account takeover", d.Label(situation.AccountTakeover))
	require.Equal(t, "nope", d.Label("nope"))
}

func TestAdd(t *testing.T) {
	t.Parallel()
	extra, err := situation.ParseConfig([]byte(`{"situations": [
		{"kind": "account_takeover", "patterns": {"fr": ["quelquun ~3 change|modifie ~3 mot_de_passe"]}},
		{"kind": "lost_bag", "label": "lost luggage", "patterns": {"en": ["lost ~2 my ~1 bag|luggage"]}}
	], "negations": {"fr": ["pas", "jamais"]}}`))
	require.NoError(t, err)
	cfg := situation.DefaultConfig()
	cfg.Add(extra)
	d := mustNew(t, cfg)
	require.True(t, d.Detect(&situation.Input{Text: "Quelqu'un a changé mon mot de passe"}).Has(situation.AccountTakeover))
	require.True(t, d.Detect(&situation.Input{Text: "someone changed my password"}).Has(situation.AccountTakeover), "English is kept")
	require.True(t, d.Detect(&situation.Input{Text: "you lost my bag"}).Has("lost_bag"))
	require.Equal(t, "lost luggage", d.Label("lost_bag"))

	var zero situation.Config
	zero.Add(extra)
	require.Greater(t, len(zero.Situations), 10, "Add on a zero Config starts from the defaults")
	zero.Add(nil)
}

func TestResultAndFallback(t *testing.T) {
	t.Parallel()
	d := mustNew(t, nil)
	var none situation.Result
	require.False(t, none.Has(situation.Praise))
	require.Nil(t, none.Kinds())
	require.Equal(t, "none", none.String())
	r := d.Detect(&situation.Input{Text: "someone changed my password. how do I reset it?"})
	require.Equal(t, []situation.Kind{situation.AccountTakeover, situation.Question}, r.Kinds())
	require.Equal(t, `account takeover ("someone changed my password"), plain question ("how do I")`, r.String())
	require.Empty(t, d.Detect(nil).Matches)
	d.DetectInto(&situation.Input{Text: "x"}, nil) // no panic

	failing := situation.ClassifierFunc(func(context.Context, *situation.Input) (situation.Result, error) {
		return situation.Result{}, errors.New("model down")
	})
	got, err := situation.Fallback(failing, d).Classify(context.Background(), &situation.Input{Text: "I was charged twice"})
	require.NoError(t, err)
	require.True(t, got.Has(situation.MoneyTaken))
	_, err = situation.Fallback(failing, failing).Classify(context.Background(), &situation.Input{})
	require.ErrorContains(t, err, "model down")
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	require.Equal(t, "nao cobrem duas vezes", situation.Normalize("NÃO cobrem #DuasVezes!"))
	require.Equal(t, "the cma announcement what wrong", situation.Normalize("the CMA’s announcement; what's wrong"))
	require.Equal(t, "", situation.Normalize(" !? "))
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	d := mustNew(t, nil)
	in := &situation.Input{Text: "Someone changed my password and charged my card twice!"}
	want := d.Detect(in)
	done := make(chan situation.Result)
	for range 8 {
		go func() {
			var r situation.Result
			for range 200 {
				d.DetectInto(in, &r)
			}
			done <- r
		}()
	}
	for range 8 {
		require.Equal(t, want, <-done)
	}
}
