package xchannel_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/channel/channeldriver"
	"github.com/socialcare/socialcare/channel/xchannel"
)

func parseTweets(t *testing.T, name string) []channeldriver.Event {
	t.Helper()
	wh, _ := xchannel.NewWebhook(secret)
	ev, err := wh.Parse(nil, readFixture(t, name))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return ev
}

// TestConversationFollowsTheCustomer is issue point 1 for X: a customer's
// reply to the brand's answer stays in the customer's conversation;
// different customers replying to one promotional tweet are different
// conversations; the brand's answer and retweets are not customer
// messages.
func TestConversationFollowsTheCustomer(t *testing.T) {
	t.Parallel()
	first := parseTweets(t, "tweet_create_events.json")[0].Message
	answer := parseTweets(t, "tweet_brand_answer.json")
	again := parseTweets(t, "tweet_reply_to_brand.json")[0].Message
	if len(answer) != 1 || answer[0].Message != nil {
		t.Fatalf("the brand's answer became a customer message: %+v", answer)
	}
	if again.ConversationID != first.ConversationID || again.ConversationID != "public:6253282" {
		t.Errorf("reply to the brand's answer: conversation %q, first tweet %q", again.ConversationID, first.ConversationID)
	}
	if again.CustomerID != "x:6253282" || again.Item != channel.ItemPost || again.ParentID != "1050119500000000000" {
		t.Errorf("reply %+v", again)
	}
	promo := parseTweets(t, "tweet_promo_replies.json")
	if len(promo) != 2 || promo[0].Message == nil || promo[1].Message == nil {
		t.Fatalf("promo replies %+v", promo)
	}
	if promo[0].Message.ConversationID == promo[1].Message.ConversationID {
		t.Errorf("two customers answering one promotional tweet share conversation %q", promo[0].Message.ConversationID)
	}
	rt := parseTweets(t, "tweet_retweet.json")
	if len(rt) != 1 || rt[0].Message != nil || rt[0].Type != "tweet_create_events:retweet" {
		t.Errorf("retweet %+v", rt)
	}
	// With conversation_id (X API v2 tweet objects): the conversation and
	// the customer.
	v2 := parseTweets(t, "tweet_v2_conversation.json")[0].Message
	if v2.ConversationID != "1050118621198921728:6253282" || v2.ThreadID != "1050118621198921728" {
		t.Errorf("v2 conversation %q thread %q", v2.ConversationID, v2.ThreadID)
	}
	dm := parseTweets(t, "direct_message_events.json")[0].Message
	if dm.ConversationID != "dm:3001969357" || dm.CustomerID != "x:3001969357" || dm.Item != channel.ItemMessage {
		t.Errorf("dm %+v", dm)
	}
}

// TestOAuth2Signature is issue point 5: a delivery with only
// x-twitter-webhooks-signature-oauth2 is verified (it got 401 before); the
// OAuth2 header is checked when present, the legacy one otherwise; both
// secrets of a rotation verify.
func TestOAuth2Signature(t *testing.T) {
	t.Parallel()
	body := readFixture(t, "direct_message_events.json")
	oldApp, _ := xchannel.OpenWebhook(&xchannel.WebhookConfig{ClientSecrets: []string{"client-old"}, ConsumerSecrets: []string{"consumer-old"}})
	newApp, _ := xchannel.OpenWebhook(&xchannel.WebhookConfig{ClientSecrets: []string{"client-new"}, ConsumerSecrets: []string{"consumer-new"}})
	rotating, err := xchannel.OpenWebhook(&xchannel.WebhookConfig{ClientSecrets: []string{"client-new", "client-old"}, ConsumerSecrets: []string{"consumer-new", "consumer-old"}})
	if err != nil {
		t.Fatal(err)
	}
	single, _ := xchannel.NewWebhook(secret)
	for _, tc := range []struct {
		name           string
		wh             *xchannel.Webhook
		oauth2, legacy string
		want           int
	}{
		{"oauth2 only, one secret", single, single.SignOAuth2(body), "", 200},
		{"oauth2 only, new secret", rotating, newApp.SignOAuth2(body), "", 200},
		{"oauth2 only, old secret during rotation", rotating, oldApp.SignOAuth2(body), "", 200},
		{"oauth2 wrong, legacy right: oauth2 wins", rotating, "sha256=" + base64Of32(), newApp.Sign(body), 403},
		{"both headers right", rotating, newApp.SignOAuth2(body), newApp.Sign(body), 200},
		{"legacy only, old consumer secret", rotating, "", oldApp.Sign(body), 200},
		{"legacy signed with a client secret", rotating, "", newApp.SignOAuth2(body), 403},
		{"neither header", rotating, "", "", 401},
		{"oauth2 only, unknown secret", newApp, oldApp.SignOAuth2(body), "", 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			n := 0
			rc, _ := channel.NewReceiver(tc.wh, func(context.Context, channel.Message) error { mu.Lock(); n++; mu.Unlock(); return nil }, nil)
			r := httptest.NewRequest(http.MethodPost, "/x", bytes.NewReader(body))
			if tc.oauth2 != "" {
				r.Header.Set("x-twitter-webhooks-signature-oauth2", tc.oauth2)
			}
			if tc.legacy != "" {
				r.Header.Set("x-twitter-webhooks-signature", tc.legacy)
			}
			w := httptest.NewRecorder()
			rc.ServeHTTP(w, r)
			if w.Code != tc.want || (n == 1) != (tc.want == 200) {
				t.Fatalf("status %d (want %d), delivered %d", w.Code, tc.want, n)
			}
		})
	}
	// CRC is answered with the OAuth 2.0 client secret when there is one.
	w := httptest.NewRecorder()
	rc, _ := channel.NewReceiver(rotating, func(context.Context, channel.Message) error { return nil }, nil)
	rc.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/x?crc_token=abc123", nil))
	var got struct {
		ResponseToken string `json:"response_token"`
	}
	if json.Unmarshal(w.Body.Bytes(), &got) != nil || got.ResponseToken != newApp.SignOAuth2([]byte("abc123")) {
		t.Fatalf("crc %s", w.Body)
	}
	if _, err := xchannel.OpenWebhook(&xchannel.WebhookConfig{ClientSecrets: []string{""}}); err == nil {
		t.Fatal("empty client secret accepted")
	}
}

func base64Of32() string { return "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" }
