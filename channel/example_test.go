package channel_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/channel/metachannel"
)

// A Receiver verifies, parses, de-duplicates and hands over webhook events.
func ExampleNewReceiver() {
	wh, _ := metachannel.NewWebhook("app-secret", "verify-token")
	rc, _ := channel.NewReceiver(wh, func(_ context.Context, m channel.Message) error {
		fmt.Printf("%s %s from %s: %q\n", m.Channel, m.Visibility, m.Author.Name, m.Text)
		return nil
	}, nil)
	body := []byte(`{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Sheena Nelson"},"wa_id":"16505551234"}],"messages":[{"from":"16505551234","id":"wamid.1","timestamp":"1749416383","type":"text","text":{"body":"Does it come in another color?"}}]}}]}]}`)
	for _, sig := range []string{wh.Sign(body), wh.Sign(body), "sha256=forged"} {
		r := httptest.NewRequest(http.MethodPost, "/meta", bytes.NewReader(body))
		r.Header.Set("X-Hub-Signature-256", sig)
		w := httptest.NewRecorder()
		rc.ServeHTTP(w, r)
		fmt.Println(w.Code)
	}
	// Output:
	// whatsapp private from Sheena Nelson: "Does it come in another color?"
	// 200
	// 200
	// 403
}
