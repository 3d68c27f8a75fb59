package xchannel_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/channel/channeldriver"
	"github.com/socialcare/socialcare/channel/channeldrivertest"
	"github.com/socialcare/socialcare/channel/xchannel"
)

const secret = "consumer-secret-for-tests"

// fakeX behaves like the X API v2 for the two endpoints the adapter uses:
// it checks the bearer token and JSON body, answers 201 with the
// documented response, and on demand 429 with x-rate-limit-* headers, 403
// with a problem body, 400 or 503.
type fakeX struct {
	mu     sync.Mutex
	texts  []string
	paths  []string
	fail   []int
	resets []time.Time
	seq    int
}

func (f *fakeX) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if r.Header.Get("Authorization") != "Bearer tok" {
		w.WriteHeader(401)
		io.WriteString(w, `{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}`)
		return
	}
	if len(f.fail) > 0 {
		code := f.fail[0]
		f.fail = f.fail[1:]
		switch code {
		case 429:
			reset := f.resets[0]
			f.resets = f.resets[1:]
			w.Header().Set("x-rate-limit-limit", "200")
			w.Header().Set("x-rate-limit-remaining", "0")
			w.Header().Set("x-rate-limit-reset", strconv.FormatInt(reset.Unix(), 10))
			w.WriteHeader(429)
			io.WriteString(w, `{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}`)
		case 403:
			w.WriteHeader(403)
			io.WriteString(w, `{"detail":"You are not permitted to perform this action.","type":"about:blank","title":"Forbidden","status":403}`)
		case 400:
			w.WriteHeader(400)
			io.WriteString(w, `{"errors":[{"message":"text too long"}],"title":"Invalid Request","detail":"One or more parameters to your request was invalid.","type":"https://api.twitter.com/2/problems/invalid-request"}`)
		default:
			w.WriteHeader(code)
			io.WriteString(w, `{"title":"Service Unavailable","detail":"Service Unavailable","status":503}`)
		}
		return
	}
	var body struct {
		Text  string `json:"text"`
		Reply *struct {
			InReplyTo string `json:"in_reply_to_tweet_id"`
		} `json:"reply"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Text == "" {
		w.WriteHeader(400)
		io.WriteString(w, `{"title":"Invalid Request","detail":"bad body"}`)
		return
	}
	f.seq++
	id := strconv.Itoa(1445880548472328192 + f.seq)
	f.texts = append(f.texts, body.Text)
	f.paths = append(f.paths, r.URL.Path)
	w.Header().Set("x-rate-limit-remaining", "199")
	w.WriteHeader(201)
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/2/tweets" && body.Reply != nil && body.Reply.InReplyTo != "":
		io.WriteString(w, `{"data":{"id":"`+id+`","text":`+strconv.Quote(body.Text)+`,"edit_history_tweet_ids":["`+id+`"]}}`)
	case r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/2/dm_conversations/with/") && strings.HasSuffix(r.URL.Path, "/messages"):
		io.WriteString(w, `{"data":{"dm_conversation_id":"1346889436626259968","dm_event_id":"`+id+`"}}`)
	default:
		w.WriteHeader(404)
	}
}

func (f *fakeX) failNext(code int, reset time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail = append(f.fail, code)
	if code == 429 {
		f.resets = append(f.resets, reset)
	}
}

func (f *fakeX) sent() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.texts...)
}

func newAdapter(t testing.TB) (*xchannel.Adapter, *fakeX) {
	f := &fakeX{}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	a, err := xchannel.New(&xchannel.Config{Account: "2244994945", Token: "tok", BaseURL: srv.URL, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	return a, f
}

func readFixture(t testing.TB, name string) []byte {
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestConformance(t *testing.T) {
	channeldrivertest.RunConformanceTests(t, func(t *testing.T) channeldrivertest.Harness {
		a, f := newAdapter(t)
		wh, err := xchannel.NewWebhook(secret)
		if err != nil {
			t.Fatal(err)
		}
		return channeldrivertest.Harness{
			Adapter: a, Sent: f.sent, InReplyTo: "1050118621198921728", Recipient: "3001969357",
			Features: channeldrivertest.Features{InjectFailures: true, RateLimit: true, Webhook: true},
			FailNext: func(k channeldriver.ErrorKind) {
				f.failNext(map[channeldriver.ErrorKind]int{channeldriver.Permission: 403, channeldriver.Invalid: 400, channeldriver.Retryable: 503}[k], time.Time{})
			},
			RateLimitNext: func(reset time.Time) { f.failNext(429, reset) },
			Webhook:       wh,
			Payload:       readFixture(t, "tweet_create_events.json"),
			Sign:          func(r *http.Request, body []byte) { r.Header.Set("X-Twitter-Webhooks-Signature", wh.Sign(body)) },
		}
	})
}

func TestNewErrors(t *testing.T) {
	t.Parallel()
	for _, cfg := range []*xchannel.Config{nil, {Token: "t"}, {Account: "a"}, {Account: "a", Token: "t", BaseURL: "not a url"}} {
		if _, err := xchannel.New(cfg); err == nil {
			t.Errorf("New(%+v) succeeded", cfg)
		}
	}
	if _, err := xchannel.NewWebhook(""); err == nil {
		t.Error("NewWebhook with an empty secret succeeded")
	}
}

func TestSendPaths(t *testing.T) {
	t.Parallel()
	a, f := newAdapter(t)
	ch, err := channel.New(a)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	r1, err := ch.Send(ctx, &channel.Outbound{InReplyTo: "1050118621198921728", Text: "public", Visibility: channel.Public})
	if err != nil || r1.ID == "" {
		t.Fatalf("public reply: %v %+v", err, r1)
	}
	r2, err := ch.Send(ctx, &channel.Outbound{To: "3001969357", Text: "private", Visibility: channel.Private})
	if err != nil || r2.ID == "" {
		t.Fatalf("dm: %v %+v", err, r2)
	}
	if got := strings.Join(f.paths, " "); got != "/2/tweets /2/dm_conversations/with/3001969357/messages" {
		t.Fatalf("paths %q", got)
	}
	// Unsupported: private reply to a public tweet fails before any I/O.
	_, err = ch.Send(ctx, &channel.Outbound{InReplyTo: "1", Text: "x", Visibility: channel.Private})
	if !errors.Is(err, channel.ErrUnsupported) || len(f.sent()) != 2 {
		t.Fatalf("private reply to tweet: %v, sent %d", err, len(f.sent()))
	}
}

func TestPermissionAndBadToken(t *testing.T) {
	t.Parallel()
	f := &fakeX{}
	srv := httptest.NewServer(f)
	defer srv.Close()
	a, err := xchannel.New(&xchannel.Config{Account: "1", Token: "revoked", BaseURL: srv.URL, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	ch, _ := channel.New(a)
	_, err = ch.Send(context.Background(), &channel.Outbound{InReplyTo: "5", Text: "x"})
	var ae *xchannel.APIError
	if !errors.Is(err, channel.ErrPermission) || !errors.As(err, &ae) || ae.Status != 401 {
		t.Fatalf("got %v", err)
	}
}

func TestCRC(t *testing.T) {
	t.Parallel()
	wh, _ := xchannel.NewWebhook(secret)
	rc, err := channel.NewReceiver(wh, func(context.Context, channel.Message) error { return nil }, nil)
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	rc.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/webhook?crc_token=abc123", nil))
	var got struct {
		ResponseToken string `json:"response_token"`
	}
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &got) != nil {
		t.Fatalf("status %d body %s", w.Code, w.Body)
	}
	// Independently computed: printf abc123 | openssl dgst -sha256 -hmac consumer-secret-for-tests -binary | base64
	if got.ResponseToken != "sha256=UGMBK3qJRUiVDErSv1C8on3PlTeIk9yvt67CAwhxCRY=" || !strings.HasPrefix(got.ResponseToken, "sha256=") || len(got.ResponseToken) != 7+44 {
		t.Fatalf("response_token %q", got.ResponseToken)
	}
	w = httptest.NewRecorder()
	rc.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/webhook", nil))
	if w.Code != 400 {
		t.Fatalf("GET without crc_token: %d", w.Code)
	}
}

func TestWebhookSecurity(t *testing.T) {
	t.Parallel()
	wh, _ := xchannel.NewWebhook(secret)
	other, _ := xchannel.NewWebhook("another-secret")
	body := readFixture(t, "direct_message_events.json")
	sig := wh.Sign(body)
	for _, tc := range []struct {
		name string
		body []byte
		sig  string
		want int
	}{
		{"unsigned", body, "", 401},
		{"forged body", bytes.Replace(body, []byte("twice"), []byte("trice"), 1), sig, 403},
		{"truncated body", body[:len(body)/2], sig, 403},
		{"truncated signature", body, sig[:len(sig)-4], 403},
		{"other secret", body, other.Sign(body), 403},
		{"no prefix", body, strings.TrimPrefix(sig, "sha256="), 403},
		{"valid", body, sig, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var n int
			var mu sync.Mutex
			rc, _ := channel.NewReceiver(wh, func(context.Context, channel.Message) error { mu.Lock(); n++; mu.Unlock(); return nil }, nil)
			r := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(tc.body))
			if tc.sig != "" {
				r.Header.Set("X-Twitter-Webhooks-Signature", tc.sig)
			}
			w := httptest.NewRecorder()
			rc.ServeHTTP(w, r)
			if w.Code != tc.want {
				t.Fatalf("status %d, want %d", w.Code, tc.want)
			}
			if want := map[bool]int{true: 1, false: 0}[tc.want == 200]; n != want {
				t.Fatalf("delivered %d, want %d", n, want)
			}
		})
	}
}

func TestParseFixtures(t *testing.T) {
	t.Parallel()
	wh, _ := xchannel.NewWebhook(secret)
	ev, err := wh.Parse(nil, readFixture(t, "tweet_create_events.json"))
	if err != nil || len(ev) != 1 || ev[0].Message == nil {
		t.Fatalf("tweet: %v %+v", err, ev)
	}
	m := ev[0].Message
	if m.ID != "1050118621198921728" || m.Account != "2244994945" || m.Author.Handle != "TwitterAPI" || m.Author.Followers != 6133636 || !m.Author.Verified ||
		m.Visibility != channel.Public || m.Language != "en" || !m.ReceivedAt.Equal(time.UnixMilli(1539202764932)) || !strings.Contains(m.Text, "AA123") {
		t.Fatalf("tweet message %+v", m)
	}
	ev, err = wh.Parse(nil, readFixture(t, "direct_message_events.json"))
	if err != nil || len(ev) != 1 || ev[0].Message == nil {
		t.Fatalf("dm: %v %+v", err, ev)
	}
	m = ev[0].Message
	if m.ID != "954491830116155396" || m.Author.ID != "3001969357" || m.Author.Handle != "furiouscamper" || m.Visibility != channel.Private || m.Text != "Hello World! My card was charged twice" {
		t.Fatalf("dm message %+v", m)
	}
	ev, err = wh.Parse(nil, readFixture(t, "favorite_events.json"))
	if err != nil || len(ev) != 1 || ev[0].Message != nil || ev[0].Type != "favorite_events" {
		t.Fatalf("favorite: %v %+v", err, ev)
	}
	// Media: a photo and a video on a tweet (the video at its best MP4
	// variant, not its poster), a photo on a DM.
	ev, err = wh.Parse(nil, readFixture(t, "tweet_media_events.json"))
	if err != nil || len(ev) != 2 || ev[0].Message == nil || ev[1].Message == nil {
		t.Fatalf("media: %v %+v", err, ev)
	}
	want := []channel.Attachment{
		{Kind: channel.Image, MediaID: "1050118617381904384", URL: "https://pbs.twimg.com/media/DpN1wUaU0AAfSRQ.jpg"},
		{Kind: channel.Video, MediaID: "1050118617381904385", URL: "https://video.twimg.com/ext_tw_video/1050118617381904385/pu/vid/1280x720/high.mp4", MIMEType: "video/mp4"},
	}
	if got := ev[0].Message.Attachments; !reflect.DeepEqual(got, want) {
		t.Fatalf("tweet attachments %+v, want %+v", got, want)
	}
	want = []channel.Attachment{{Kind: channel.Image, MediaID: "954491821404831744", URL: "https://ton.twitter.com/1.1/ton/data/dm/954491830116155397/954491821404831744/boarding.jpg"}}
	if got := ev[1].Message.Attachments; !reflect.DeepEqual(got, want) {
		t.Fatalf("dm attachments %+v, want %+v", got, want)
	}
	// The brand's own tweet is not a customer message.
	own := bytes.Replace(readFixture(t, "tweet_create_events.json"), []byte(`"id_str": "6253282"`), []byte(`"id_str": "2244994945"`), 1)
	ev, err = wh.Parse(nil, own)
	if err != nil || len(ev) != 1 || ev[0].Message != nil {
		t.Fatalf("own tweet: %v %+v", err, ev)
	}
	for _, bad := range []string{``, `[]`, `{}`, `{"for_user_id":"1","tweet_create_events":[{}]}`, `{"for_user_id":"1","direct_message_events":[{}]}`} {
		if _, err := wh.Parse(nil, []byte(bad)); err == nil {
			t.Errorf("Parse(%q) succeeded", bad)
		}
	}
}

func TestUnknownEventLoggedAndAcknowledged(t *testing.T) {
	t.Parallel()
	wh, _ := xchannel.NewWebhook(secret)
	var logs bytes.Buffer
	n := 0
	rc, _ := channel.NewReceiver(wh, func(context.Context, channel.Message) error { n++; return nil },
		&channel.ReceiverConfig{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	body := readFixture(t, "favorite_events.json")
	r := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
	r.Header.Set("X-Twitter-Webhooks-Signature", wh.Sign(body))
	w := httptest.NewRecorder()
	rc.ServeHTTP(w, r)
	if w.Code != 200 || n != 0 || !strings.Contains(logs.String(), "favorite_events") {
		t.Fatalf("status %d, delivered %d, logs %q", w.Code, n, logs.String())
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"tweet_create_events.json", "direct_message_events.json", "favorite_events.json", "tweet_media_events.json",
		"tweet_reply_to_brand.json", "tweet_brand_answer.json", "tweet_promo_replies.json", "tweet_retweet.json", "tweet_v2_conversation.json"} {
		f.Add(readFixture(f, name))
	}
	wh, _ := xchannel.NewWebhook(secret)
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := wh.Parse(nil, body)
		if err != nil {
			return
		}
		for _, e := range ev {
			if e.Message != nil && (e.ID == "" || e.Message.ID != e.ID || e.Message.Channel != channel.X) {
				t.Fatalf("inconsistent event %+v", e)
			}
			if m := e.Message; m != nil && (m.ConversationID == "" || m.CustomerID != "x:"+m.Author.ID || m.Author.ID == "") {
				t.Fatalf("message without its conversation or customer: %+v", m)
			}
		}
	})
}

func FuzzVerify(f *testing.F) {
	wh, _ := xchannel.NewWebhook(secret)
	for _, name := range []string{"tweet_create_events.json", "direct_message_events.json"} {
		b := readFixture(f, name)
		f.Add(b, wh.Sign(b))
		f.Add(b, "sha256=AAAA")
	}
	f.Fuzz(func(t *testing.T, body []byte, sig string) {
		h := http.Header{}
		h.Set("X-Twitter-Webhooks-Signature", sig)
		err := wh.Verify(h, body)
		if (err == nil) != (sig == wh.Sign(body)) {
			t.Fatalf("Verify(%q) = %v", sig, err)
		}
	})
}

// FuzzVerifyOAuth2 checks Verify with both headers and rotated secrets:
// the OAuth 2.0 header decides when present, the legacy one otherwise, and
// any listed secret of the right kind verifies.
func FuzzVerifyOAuth2(f *testing.F) {
	cfg := &xchannel.WebhookConfig{ClientSecrets: []string{"client-new", "client-old"}, ConsumerSecrets: []string{"consumer-new", "consumer-old"}}
	wh, _ := xchannel.OpenWebhook(cfg)
	var clients, consumers []*xchannel.Webhook
	for _, s := range cfg.ClientSecrets {
		w, _ := xchannel.OpenWebhook(&xchannel.WebhookConfig{ClientSecrets: []string{s}})
		clients = append(clients, w)
	}
	for _, s := range cfg.ConsumerSecrets {
		w, _ := xchannel.OpenWebhook(&xchannel.WebhookConfig{ConsumerSecrets: []string{s}})
		consumers = append(consumers, w)
	}
	b := readFixture(f, "direct_message_events.json")
	f.Add(b, clients[1].SignOAuth2(b), "")
	f.Add(b, "", consumers[1].Sign(b))
	f.Add(b, "sha256=AAAA", consumers[0].Sign(b))
	f.Add(b, "", "")
	f.Fuzz(func(t *testing.T, body []byte, sig2, sig1 string) {
		h := http.Header{}
		if sig2 != "" {
			h.Set(xchannel.HeaderSignatureOAuth2, sig2)
		}
		if sig1 != "" {
			h.Set(xchannel.HeaderSignature, sig1)
		}
		want := false
		if sig2 != "" {
			for _, w := range clients {
				want = want || sig2 == w.SignOAuth2(body)
			}
		} else {
			for _, w := range consumers {
				want = want || sig1 == w.Sign(body)
			}
		}
		err := wh.Verify(h, body)
		if (err == nil) != want {
			t.Fatalf("Verify(oauth2 %q, legacy %q) = %v, want ok=%v", sig2, sig1, err, want)
		}
		var se *channeldriver.SignatureError
		if err != nil && (!errors.As(err, &se) || se.Missing != (sig2 == "" && sig1 == "")) {
			t.Fatalf("error %v: Missing must be set exactly when no header is present", err)
		}
	})
}
