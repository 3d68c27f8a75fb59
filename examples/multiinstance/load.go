package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/socialcare/socialcare/channel/xchannel"
)

// loadConv is one customer's conversation of the load: a tweet to the
// brand, delivered as a signed Account Activity webhook.
type loadConv struct {
	tweet, user string
	key         string // the desk's conversation key
	msg         string // the message's dedup key (channel.DedupKey)
	text        string
	i           int
}

var customerTexts = []string{
	"@brand my flight was cancelled and nobody at the gate can help, what now?",
	"@brand still waiting for my refund after three weeks, please check",
	"@brand the app shows my booking twice, which one is real?",
	"@brand my bag did not arrive, where is it?",
	"@brand can I change my seat on tomorrow's flight?",
}

// makeLoad returns n conversations, one tweet each (ids from base on),
// from n customers.
func makeLoad(n int, base uint64) []loadConv {
	out := make([]loadConv, n)
	for i := range out {
		tweet := strconv.FormatUint(base+uint64(i), 10)
		user := strconv.Itoa(700000000 + i)
		out[i] = loadConv{tweet: tweet, user: user, key: "x:" + brandID + ":" + tweet + ":" + user, msg: "x:" + brandID + ":" + tweet,
			text: customerTexts[i%len(customerTexts)], i: i}
	}
	return out
}

// payload returns the Account Activity delivery of c's tweet, posted at
// (its timestamp: the desk's SLA clock starts there).
func (c *loadConv) payload(at time.Time) ([]byte, error) {
	return json.Marshal(map[string]any{
		"for_user_id": brandID,
		"tweet_create_events": []map[string]any{{
			"id_str":              c.tweet,
			"conversation_id_str": c.tweet,
			"text":                c.text,
			"lang":                "en",
			"timestamp_ms":        strconv.FormatInt(at.UnixMilli(), 10),
			"user":                map[string]any{"id_str": c.user, "screen_name": fmt.Sprintf("cust%d", c.i), "name": fmt.Sprintf("Customer %d", c.i)},
		}},
	})
}

// poster delivers webhooks as X does: signed with the app's secret, one
// POST per delivery.
type poster struct {
	wh     *xchannel.Webhook
	client *http.Client
}

// post delivers body to url and reports whether the desk took it (200).
func (p *poster) post(ctx context.Context, url string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(xchannel.HeaderSignatureOAuth2, p.wh.SignOAuth2(body))
	resp, err := p.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return nil
}
