package channel_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/channel/channeldriver"
)

// statusWebhook turns each line "id state" of the body into a status
// event; requests signed "ok" verify.
type statusWebhook struct{ stubWebhook }

func (statusWebhook) Parse(dst []channeldriver.Event, body []byte) ([]channeldriver.Event, error) {
	for _, line := range strings.Split(strings.TrimSpace(string(body)), "\n") {
		id, state, _ := strings.Cut(line, " ")
		dst = append(dst, channeldriver.Event{ID: id + ":" + state, Status: &channeldriver.Status{Channel: channel.WhatsApp, MessageID: id, State: channel.StatusState(state)}})
	}
	return dst, nil
}

var _ http.Handler = (*channel.Receiver)(nil)

// TestReceiverStatuses: statuses go to the StatusSink once each; a sink
// error answers 500 and lets the redelivery through.
func TestReceiverStatuses(t *testing.T) {
	t.Parallel()
	var got []string
	fail := true
	rc, err := channel.NewReceiver(statusWebhook{}, func(context.Context, channel.Message) error { return nil }, &channel.ReceiverConfig{
		Statuses: func(_ context.Context, s channel.Status) error {
			if s.State == channel.StatusFailed && fail {
				fail = false
				return errors.New("store down")
			}
			got = append(got, s.MessageID+" "+string(s.State))
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if c := post(rc, "wamid.1 sent\nwamid.1 failed", "ok"); c != http.StatusInternalServerError {
		t.Fatalf("sink failure: status %d", c)
	}
	if c := post(rc, "wamid.1 sent\nwamid.1 failed", "ok"); c != http.StatusOK {
		t.Fatalf("redelivery: status %d", c)
	}
	if c := post(rc, "wamid.1 failed", "ok"); c != http.StatusOK {
		t.Fatalf("duplicate: status %d", c)
	}
	if strings.Join(got, ",") != "wamid.1 sent,wamid.1 failed" {
		t.Fatalf("statuses %v", got)
	}
}
