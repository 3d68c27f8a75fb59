package channel_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/channel/metachannel"
)

// CheckWindow is a pure function of now: Messenger's 24 hours, then
// HUMAN_AGENT's 7 days.
func ExampleCheckWindow() {
	caps, _ := metachannel.SurfaceCapabilities(channel.Messenger)
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	out := &channel.Outbound{To: "psid-1", Text: "Update on your claim", Visibility: channel.Private, LastCustomerMessageAt: now.Add(-48 * time.Hour)}
	fmt.Println(channel.CheckWindow(caps, out, now))
	out.Tag = channel.HumanAgent
	fmt.Println(channel.CheckWindow(caps, out, now))
	fmt.Println(errors.Is(channel.CheckWindow(caps, out, now.Add(6*24*time.Hour)), channel.ErrWindowClosed))
	// Output:
	// channel: messaging window closed: messaging window of 24h0m0s closed at 2026-11-21T12:00:00Z (now 2026-11-22T12:00:00Z)
	// <nil>
	// true
}

// A StatusSink learns that a WhatsApp reply failed, so that the desk can
// mark it not sent.
func ExampleStatusSink() {
	wh, _ := metachannel.NewWebhook("app-secret", "verify-token")
	rc, _ := channel.NewReceiver(wh, func(context.Context, channel.Message) error { return nil }, &channel.ReceiverConfig{
		Statuses: func(_ context.Context, s channel.Status) error {
			fmt.Println(s.State, s.MessageID, s.Errors[0].Code, s.Errors[0].Title)
			return nil
		},
	})
	body := []byte(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"106540352242922"},"statuses":[{"id":"wamid.X1","status":"failed","timestamp":"1750263800","recipient_id":"16505551234","errors":[{"code":131047,"title":"Re-engagement message"}]}]}}]}]}`)
	r := httptest.NewRequest(http.MethodPost, "/whatsapp", bytes.NewReader(body))
	r.Header.Set("X-Hub-Signature-256", wh.Sign(body))
	w := httptest.NewRecorder()
	rc.ServeHTTP(w, r)
	fmt.Println(w.Code)
	// Output:
	// failed wamid.X1 131047 Re-engagement message
	// 200
}
