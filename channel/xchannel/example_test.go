package xchannel_test

import (
	"fmt"
	"net/http"

	"github.com/socialcare/socialcare/channel/xchannel"
)

// The CRC challenge (value checked with openssl dgst -sha256 -hmac): X
// sends crc_token; the webhook answers with the
// base64 HMAC-SHA256 of it, keyed with the consumer secret.
func ExampleWebhook_CRCResponseToken() {
	wh, _ := xchannel.NewWebhook("consumer-secret")
	fmt.Println(wh.CRCResponseToken("challenge"))
	// Output:
	// sha256=2RUZDVKjSpEV/C/r9ivMsVZJ4DFPAawjJFQQzY+6ba4=
}

// During a secret rotation list both secrets; the OAuth 2.0 header is
// verified when X sends it, the legacy header otherwise.
func ExampleOpenWebhook() {
	wh, err := xchannel.OpenWebhook(&xchannel.WebhookConfig{
		ClientSecrets:   []string{"client-secret-new", "client-secret-old"},
		ConsumerSecrets: []string{"consumer-secret"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	old, _ := xchannel.OpenWebhook(&xchannel.WebhookConfig{ClientSecrets: []string{"client-secret-old"}})
	body := []byte(`{"for_user_id":"2244994945","favorite_events":[]}`)
	h := http.Header{}
	h.Set(xchannel.HeaderSignatureOAuth2, old.SignOAuth2(body))
	fmt.Println(wh.Verify(h, body))
	h.Set(xchannel.HeaderSignatureOAuth2, "sha256=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
	fmt.Println(wh.Verify(h, body) != nil)
	// Output:
	// <nil>
	// true
}
