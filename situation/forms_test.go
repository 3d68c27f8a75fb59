package situation_test

import (
	"testing"

	"github.com/socialcare/socialcare/situation"
)

// TestFeedbackForms checks the general forms in which customers write to
// the people who build a product (a request for something new, a complaint
// about a redesign or a removed feature, a defect of the product itself)
// and to its leadership (a public call to leave, a reputation story, price
// gouging, relief for a group in a crisis), in English, Portuguese and
// Spanish, each with near misses: the same words about the customer's own
// case.
func TestFeedbackForms(t *testing.T) {
	t.Parallel()
	checkCases(t, mustNew(t, nil), []situationCase{
		{situation.FeatureRequest, "Five years later and still no dark mode on desktop", true},
		{situation.FeatureRequest, "Still waiting on an option to hide watched episodes", true},
		{situation.FeatureRequest, "Still no reply to my email about the refund", false},
		{situation.FeatureRequest, "Please make an app for smart TVs", true},
		{situation.FeatureRequest, "Let us choose which playlists to download", true},
		{situation.FeatureRequest, "Let me know when my order ships", false},
		{situation.FeatureRequest, "Is there any way to turn off autoplay?", true},
		{situation.FeatureRequest, "Why is this album not on the service anymore?", true},
		{situation.FeatureRequest, "How about adding a sleep timer?", true},
		{situation.FeatureRequest, "Hope you guys add offline mode soon", true},
		{situation.FeatureRequest, "Vocês deveriam adicionar o modo escuro", true},
		{situation.FeatureRequest, "Cadê o app para TV?", true},
		{situation.FeatureRequest, "Ainda não tem opção de baixar as músicas", true},
		{situation.FeatureRequest, "Deixem a gente escolher a ordem das playlists", true},
		{situation.FeatureRequest, "Tem como desativar a reprodução automática?", true},
		{situation.FeatureRequest, "Ainda não recebi meu pedido", false},
		{situation.FeatureRequest, "Deberían agregar el modo oscuro", true},
		{situation.FeatureRequest, "Todavía no hay opción de descargar episodios", true},
		{situation.FeatureRequest, "Sigue sin haber app para tablet", true},
		{situation.FeatureRequest, "Déjennos elegir el idioma del audio", true},
		{situation.FeatureRequest, "¿Hay forma de desactivar la reproducción automática?", true},
		{situation.FeatureRequest, "Todavía no llega mi pedido", false},

		{situation.DesignComplaint, "Worst update ever, the layout is a mess", true},
		{situation.DesignComplaint, "Who thought hiding the search bar was a good idea?", true},
		{situation.DesignComplaint, "Stop changing things that work", true},
		{situation.DesignComplaint, "I used to be able to sort by date, now I can't", true},
		{situation.DesignComplaint, "What happened to the old layout?", true},
		{situation.DesignComplaint, "Where did the shuffle button go?", true},
		{situation.DesignComplaint, "You ruined the app with this redesign", true},
		{situation.DesignComplaint, "Please bring it back", true},
		{situation.DesignComplaint, "Bring back the classic view #BringBackClassic", true},
		{situation.DesignComplaint, "The old version was so much better", true},
		{situation.DesignComplaint, "Nobody asked for this redesign", true},
		{situation.DesignComplaint, "Please bring back my order status, it's missing", false},
		{situation.DesignComplaint, "I'll bring the receipt to the store", false},
		{situation.DesignComplaint, "Pior atualização, a interface ficou confusa", true},
		{situation.DesignComplaint, "Parem de mudar o que funciona", true},
		{situation.DesignComplaint, "Tragam de volta o botão de repetir", true},
		{situation.DesignComplaint, "Cadê a função de ordenar?", true},
		{situation.DesignComplaint, "Antes dava para ordenar por data, agora não", true},
		{situation.DesignComplaint, "A versão antiga era muito melhor", true},
		{situation.DesignComplaint, "Ninguém pediu essa mudança", true},
		{situation.DesignComplaint, "Quando chega meu pedido?", false},
		{situation.DesignComplaint, "Peor actualización, la interfaz es confusa", true},
		{situation.DesignComplaint, "Dejen de cambiar lo que funciona", true},
		{situation.DesignComplaint, "Vuelvan a poner la opción de ordenar, la anterior era mejor", true},
		{situation.DesignComplaint, "¿Dónde está la función de ordenar?", true},
		{situation.DesignComplaint, "Antes se podía ordenar por fecha, ahora ya no", true},
		{situation.DesignComplaint, "La versión anterior era mucho mejor", true},
		{situation.DesignComplaint, "Nadie pidió este cambio", true},
		{situation.DesignComplaint, "¿Dónde está mi pedido?", false},

		{situation.DefectAfterUpdate, "It updated overnight on its own and now nothing loads", true},
		{situation.DefectAfterUpdate, "This has been a known bug for months and it's still not fixed", true},
		{situation.DefectAfterUpdate, "The new version is not compatible with my printer", true},
		{situation.DefectAfterUpdate, "Site down for everyone?", true},
		{situation.DefectAfterUpdate, "My order was updated yesterday", false},
		{situation.DefectAfterUpdate, "Corrijam esse bug do aplicativo", true},
		{situation.DefectAfterUpdate, "Quando vão corrigir esse erro?", true},
		{situation.DefectAfterUpdate, "O app atualizou sozinho de madrugada", true},
		{situation.DefectAfterUpdate, "Arreglen la app, por favor", true},
		{situation.DefectAfterUpdate, "¿Cuándo van a arreglar este error?", true},
		{situation.DefectAfterUpdate, "La app se actualizó sola de madrugada", true},
		{situation.DefectAfterUpdate, "La entrega se actualizó ayer", false},

		{situation.Churn, "Everyone should stop using this bank", true},
		{situation.Churn, "Stay away from this seller", true},
		{situation.Churn, "Never again will I fly with you #NeverAgain", true},
		{situation.Churn, "Time to find a new bank", true},
		{situation.Churn, "I will never again forget my password, lesson learned", false},
		{situation.Churn, "Fiquem longe dessa empresa", true},
		{situation.Churn, "Vou procurar outro banco", true},
		{situation.Churn, "Aléjense de esta empresa", true},
		{situation.Churn, "Voy a buscar otro banco", true},
		{situation.Churn, "How do I find a new password?", false},

		{situation.PublicEscalation, "I saw the news about your CEO", true},
		{situation.PublicEscalation, "Selling masks at outrageous prices during a pandemic", true},
		{situation.PublicEscalation, "Shame on you for doing this", true},
		{situation.PublicEscalation, "I'm telling all my friends about this", true},
		{situation.PublicEscalation, "I read the news today and my order is late", false},
		{situation.PublicEscalation, "Vi a notícia sobre a empresa, que vergonha", true},
		{situation.PublicEscalation, "Preços absurdos em plena crise", true},
		{situation.PublicEscalation, "Vou avisar todo mundo", true},
		{situation.PublicEscalation, "Vi la noticia sobre la empresa", true},
		{situation.PublicEscalation, "Precios desorbitados en plena crisis", true},
		{situation.PublicEscalation, "Voy a avisar a todos mis amigos", true},

		{situation.PolicyRequest, "Please make it free for teachers during the closures", true},
		{situation.PolicyRequest, "Ban the price gougers", true},
		{situation.PolicyRequest, "Remove listings selling hand sanitizer for $100", true},
		{situation.PolicyRequest, "Free shipping for my order?", false},
		{situation.PolicyRequest, "Liberem a plataforma gratuita para professores", true},
		{situation.PolicyRequest, "Removam os especuladores", true},
		{situation.PolicyRequest, "Hagan la plataforma gratis para maestros", true},
		{situation.PolicyRequest, "Eliminen a los especuladores", true},
	})
}
