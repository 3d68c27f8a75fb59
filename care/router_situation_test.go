package care_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/situation"
)

func routeText(t *testing.T, r *care.Router, text string) care.Decision {
	t.Helper()
	return r.Route(channel.Message{Channel: channel.X, Text: text, Author: channel.Author{Handle: "cust"}}, 0)
}

func informed(d care.Decision) []string {
	var out []string
	for _, n := range d.Inform {
		out = append(out, n.Loop.Name)
	}
	return out
}

// TestRouterSituations routes messages in English, Portuguese and Spanish
// by their situations, with the loops they inform.
func TestRouterSituations(t *testing.T) {
	t.Parallel()
	r, err := care.NewRouter(nil)
	require.NoError(t, err)
	for _, tc := range []struct {
		text, loop string
		inform     []string
	}{
		// legal: a threat, or an authority named or tagged
		{"#pricegouging ILLEGAL, the @FTC should see this", "legal", []string{"executives"}},
		{"Vou entrar com uma ação judicial, já falei com meu advogado", "legal", nil},
		{"Voy a poner una denuncia en Profeco", "legal", nil},
		// executives: churn, a boycott, public escalation, policy relief
		{"HP just lost me after 20 years", "executives", nil},
		{"Nunca mais compro com vocês, vergonhoso", "executives", nil},
		{"¿Van a aplazar los pagos de la hipoteca durante la crisis?", "executives", nil},
		// a problem care can fix stays with customer service, and informs
		{"You charged me twice and you just lost a customer", "customer-service", []string{"executives"}},
		{"Alguém invadiu minha conta e trocou a senha", "customer-service", nil},
		{"Me cobraron dos veces y nunca más vuelvo a comprar aquí", "customer-service", []string{"executives"}},
		// product: requests and defects; a question stays with service
		{"It would be nice to have more precise control over export sharpening", "product", nil},
		{"Seria ótimo se vocês adicionassem o modo escuro", "product", nil},
		{"Vocês deveriam deixar a gente escolher a qualidade do vídeo", "product", nil},
		{"Deberían permitir que elijamos el idioma de los subtítulos", "product", nil},
		// a defect or a design complaint: service answers, product is told
		{"Desde la última actualización la app se cierra sola", "customer-service", []string{"product"}},
		{"Since the update the app crashes. How do I go back to the old version?", "customer-service", []string{"product"}},
		{"Why did you remove the sleep timer? Is it just me or is every update worse?", "customer-service", []string{"product"}},
		{"Tiraram a função de repetir a música, péssimo", "customer-service", []string{"product"}},
		// a request with churn: the executives own it, product is told
		{"Please add a dark mode or I'm switching over, loyal customer for 10 years and done", "executives", []string{"product"}},
		// general forms of product feedback in the three languages
		{"Five years later and still no dark mode on desktop", "product", nil},
		{"Ainda não tem opção de baixar as músicas", "product", nil},
		{"Todavía no hay opción de descargar episodios", "product", nil},
		{"Nobody asked for this redesign, the old version was so much better", "customer-service", []string{"product"}},
		{"Ninguém pediu essa mudança, a versão antiga era muito melhor", "customer-service", []string{"product"}},
		{"Nadie pidió este cambio, la versión anterior era mucho mejor", "customer-service", []string{"product"}},
		{"Is there any way to turn off autoplay?", "customer-service", []string{"product"}},
		// general forms of leadership feedback in the three languages
		{"Everyone should stop using this bank", "executives", nil},
		{"Fiquem longe dessa empresa", "executives", nil},
		{"Aléjense de esta empresa", "executives", nil},
		{"Please make it free for teachers during the closures", "executives", []string{"product"}},
		// content
		{"The video on your blog is broken, it won't play", "content", nil},
		{"Propaganda enganosa, o anúncio diz frete grátis e cobraram frete", "customer-service", []string{"content"}},
		// safety
		{"What are you doing to protect your drivers from the virus?", "executives", nil},
		// plain service
		{"Where is my parcel?", "customer-service", nil},
		{"Thanks, great service!", "customer-service", nil},
	} {
		t.Run(tc.text, func(t *testing.T) {
			t.Parallel()
			d := routeText(t, r, tc.text)
			require.Equal(t, tc.loop, d.Loop.Name, d.Explain())
			require.Equal(t, tc.inform, informed(d), d.Explain())
			require.NotContains(t, informed(d), d.Loop.Name)
			require.NotEmpty(t, d.Explain())
		})
	}
}

func TestRouterExplainsSituations(t *testing.T) {
	t.Parallel()
	r, err := care.NewRouter(nil)
	require.NoError(t, err)
	d := routeText(t, r, "You charged me twice and you just lost a customer")
	require.Equal(t, "", d.Route, "a rule that keeps the default loop leaves Route empty, so that the desk may re-route")
	require.Equal(t, "problem care can fix", d.Rule)
	require.Equal(t, `customer-service (rule "problem care can fix": situation money_taken ("charged me twice")); owner team customer-service, answered by customer-service; informs executives (rule "asks for the executives": situation churn ("lost a customer"))`, d.Explain())
	require.Equal(t, []situation.Kind{situation.MoneyTaken, situation.Churn}, situation.Result{Matches: d.Situations}.Kinds())
	exec := d.Inform[0].Loop
	require.Equal(t, 30*time.Minute, exec.Acknowledge, "a notice carries the informed loop's deadlines")

	plain := routeText(t, r, "My parcel is late")
	require.Equal(t, "customer-service (default loop); owner team customer-service, answered by customer-service", plain.Explain())
}

func TestRouteSituations(t *testing.T) {
	t.Parallel()
	r, err := care.NewRouter(nil)
	require.NoError(t, err)
	m := channel.Message{Channel: channel.X, Text: "hello"}
	// A host's classifier found what the patterns did not.
	found := situation.Result{Matches: []situation.Match{{Kind: situation.LegalThreat, Evidence: "threatens court action", Source: "model"}}}
	d := r.RouteSituations(m, 0, &found)
	require.Equal(t, "legal", d.Loop.Name)
	require.Contains(t, d.Explain(), `situation legal_threat ("threatens court action")`)
	require.Equal(t, "customer-service", r.RouteSituations(m, 0, nil).Loop.Name)
	require.Equal(t, "customer-service", r.RouteSituations(m, 0, &situation.Result{}).Loop.Name)

	res := r.Situations(channel.Message{Text: "someone changed my password"})
	require.True(t, res.Has(situation.AccountTakeover))
}

func TestRouterRules(t *testing.T) {
	t.Parallel()
	r, err := care.NewRouter(&care.RouterConfig{Routes: []care.Route{
		{Name: "vip churn", Loop: "executives", Situations: []string{"churn"}, MinScore: 50},
		{Name: "product told", Loop: "product", Inform: true, Situations: []string{"feature_request", "defect_after_update"}},
		{Name: "legal, unless a question", Loop: "legal", Situations: []string{"legal_threat"}, Unless: []string{"question"}},
		{Name: "content told", Loop: "content", Inform: true, Situations: []string{"brand_content"}},
		{Name: "content owns", Loop: "content", Situations: []string{"brand_content"}},
	}})
	require.NoError(t, err)
	msg := func(text string) channel.Message { return channel.Message{Channel: channel.X, Text: text} }

	d := r.Route(msg("You just lost a customer"), 10)
	require.Equal(t, "customer-service", d.Loop.Name, "below the score")
	d = r.Route(msg("You just lost a customer"), 60)
	require.Equal(t, "executives", d.Loop.Name)
	require.Contains(t, d.Reasons, "score 60 ≥ 50")

	d = r.Route(msg("Please add dark mode"), 0)
	require.Equal(t, "customer-service", d.Loop.Name)
	require.Empty(t, d.Route)
	require.Equal(t, []string{"product"}, informed(d), "an inform-only rule does not own")

	require.Equal(t, "legal", r.Route(msg("My lawyer will call"), 0).Loop.Name)
	require.Equal(t, "customer-service", r.Route(msg("How do I find a lawyer?"), 0).Loop.Name)

	d = r.Route(msg("The video on your blog is broken"), 0)
	require.Equal(t, "content", d.Loop.Name)
	require.Empty(t, d.Inform, "a loop informed first and then chosen is not informed too")
}

func TestRouterSituationErrors(t *testing.T) {
	t.Parallel()
	for name, cfg := range map[string]*care.RouterConfig{
		"unknown situation": {Routes: []care.Route{{Loop: "legal", Situations: []string{"nope"}}}},
		"unknown unless":    {Routes: []care.Route{{Loop: "legal", Unless: []string{"nope"}}}},
	} {
		_, err := care.NewRouter(cfg)
		require.ErrorIs(t, err, care.ErrInvalid, name)
		require.ErrorContains(t, err, "unknown situation", name)
	}
	// A detector of the host's own, with a situation of its trade.
	d, err := situation.New(&situation.Config{Situations: []situation.Situation{{Kind: "lost_luggage", Patterns: map[string][]string{"en": {"lost ~2 my ~1 bag|luggage"}}}}})
	require.NoError(t, err)
	r, err := care.NewRouter(&care.RouterConfig{Situations: d, Routes: []care.Route{{Name: "bags", Loop: "legal", Situations: []string{"lost_luggage"}}}})
	require.NoError(t, err)
	require.Equal(t, "legal", r.Route(channel.Message{Text: "you lost my luggage"}, 0).Loop.Name)
	_, err = care.NewRouter(&care.RouterConfig{Situations: d})
	require.ErrorIs(t, err, care.ErrInvalid, "the default routes name situations this detector does not know")
	doc := []byte(`{"routes": [{"name": "bags", "loop": "legal", "situations": ["lost_luggage"]}]}`)
	_, err = care.ParseRouterConfig(doc)
	require.ErrorIs(t, err, care.ErrInvalid, "the built-in detector does not know lost_luggage")
	cfg, err := care.ParseRouterConfigWith(doc, d)
	require.NoError(t, err)
	r, err = care.NewRouter(cfg)
	require.NoError(t, err)
	require.Equal(t, "legal", r.Route(channel.Message{Text: "you lost my bag"}, 0).Loop.Name)
}

func TestParseRouterConfig(t *testing.T) {
	t.Parallel()
	cfg, err := care.LoadRouterConfig(strings.NewReader(`{
		"loops": [
			{"name": "customer-service"},
			{"name": "legal", "answers": "customer-service", "acknowledge": "1h", "resolve": "24h",
			 "escalation": [{"to": "general-counsel"}, {"to": "ceo-office", "after": "24h"}]},
			{"name": "executives", "resolve": "4h"}
		],
		"routes": [
			{"name": "authority", "loop": "legal", "situations": ["authority", "legal_threat"]},
			{"name": "churn", "loop": "executives", "inform": true, "situations": ["churn"], "channels": ["x"], "min_score": 0},
			{"name": "question", "loop": "customer-service", "own_only": true, "situations": ["question"]}
		],
		"default": "customer-service"
	}`))
	require.NoError(t, err)
	r, err := care.NewRouter(cfg)
	require.NoError(t, err)
	d := r.Route(channel.Message{Channel: channel.X, Text: "Reporting you to the FTC. You just lost a customer"}, 0)
	require.Equal(t, "legal", d.Loop.Name)
	require.Equal(t, 24*time.Hour, d.Loop.Escalation[1].After)
	require.Equal(t, "customer-service", d.Loop.Answers)
	require.Equal(t, []string{"executives"}, informed(d))

	empty, err := care.ParseRouterConfig([]byte(`{}`))
	require.NoError(t, err)
	require.Nil(t, empty.Routes, "absent lists take the defaults")

	for name, doc := range map[string]string{
		"unknown field":     `{"rules": []}`,
		"unknown situation": `{"routes": [{"loop": "legal", "situations": ["nope"]}]}`,
		"unknown loop":      `{"routes": [{"loop": "nope"}]}`,
		"bad duration":      `{"loops": [{"name": "a", "resolve": "soon"}]}`,
		"bad escalation":    `{"loops": [{"name": "a", "escalation": [{"to": "x", "after": "1 hour"}]}]}`,
		"negative score":    `{"routes": [{"loop": "legal", "min_score": -1}]}`,
		"wrong type":        `{"routes": [{"loop": 3}]}`,
		"trailing":          `{} []`,
		"not json":          `routes:`,
		"empty loops":       `{"loops": []}`,
	} {
		_, err := care.ParseRouterConfig([]byte(doc))
		require.Error(t, err, name)
		require.True(t, errors.Is(err, care.ErrInvalid), "%s: %v", name, err)
	}
}
