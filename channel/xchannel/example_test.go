package xchannel_test

import (
	"fmt"

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
