package metachannel_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
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
	"github.com/socialcare/socialcare/channel/metachannel"
)

const (
	appSecret   = "app-secret-for-tests"
	verifyToken = "verify-me"
)

// fakeGraph behaves like the Graph API endpoints the adapter uses: it
// checks the token, answers with the documented success bodies, and on
// demand with Graph error bodies (code 190, 100, 2, 80006 with
// X-Business-Use-Case-Usage, 10/2018278, 131047).
type fakeGraph struct {
	mu     sync.Mutex
	texts  []string
	paths  []string
	bodies []map[string]any
	fail   []func(w http.ResponseWriter)
	seq    int
}

func graphError(w http.ResponseWriter, status, code, sub int, msg string) {
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]any{"error": map[string]any{"message": msg, "type": "OAuthException", "code": code, "error_subcode": sub, "fbtrace_id": "AbCdEf"}})
	w.Write(b)
}

func (f *fakeGraph) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if r.Header.Get("Authorization") != "Bearer tok" {
		graphError(w, 400, 190, 463, "Error validating access token: Session has expired")
		return
	}
	if len(f.fail) > 0 {
		fn := f.fail[0]
		f.fail = f.fail[1:]
		fn(w)
		return
	}
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		graphError(w, 400, 100, 0, "Invalid parameter")
		return
	}
	text := ""
	switch {
	case body["message"] != nil:
		if s, ok := body["message"].(string); ok {
			text = s
		} else if m, ok := body["message"].(map[string]any); ok {
			text, _ = m["text"].(string)
		}
	case body["text"] != nil:
		m, _ := body["text"].(map[string]any)
		text, _ = m["body"].(string)
	case body["template"] != nil:
		m, _ := body["template"].(map[string]any)
		name, _ := m["name"].(string)
		text = "[template " + name + "]"
	case body["type"] != nil: // WhatsApp media: {"type": "image", "image": {"link": ...}}
		typ, _ := body["type"].(string)
		if m, ok := body[typ].(map[string]any); ok && m["link"] != nil {
			text = "[" + typ + "]"
		}
	}
	if m, ok := body["message"].(map[string]any); ok && m["attachment"] != nil {
		if m["text"] != nil {
			graphError(w, 400, 100, 0, "(#100) Only one of text or attachment may be set")
			return
		}
		text = "[attachment]"
	}
	if text == "" {
		graphError(w, 400, 100, 0, "(#100) Param message must be non-empty")
		return
	}
	f.seq++
	f.texts = append(f.texts, text)
	f.paths = append(f.paths, r.URL.Path)
	f.bodies = append(f.bodies, body)
	id := strconv.Itoa(1000 + f.seq)
	switch {
	case body["messaging_product"] == "whatsapp":
		io.WriteString(w, `{"messaging_product":"whatsapp","contacts":[{"input":"16505551234","wa_id":"16505551234"}],"messages":[{"id":"wamid.`+id+`"}]}`)
	case strings.HasSuffix(r.URL.Path, "/messages"):
		io.WriteString(w, `{"recipient_id":"1254459154682919","message_id":"m_`+id+`"}`)
	default:
		io.WriteString(w, `{"id":"`+id+`"}`)
	}
}

func (f *fakeGraph) failNext(fn func(w http.ResponseWriter)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail = append(f.fail, fn)
}

func (f *fakeGraph) sent() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.texts...)
}

func newAdapter(t testing.TB, kind channeldriver.Kind, now func() time.Time) (*metachannel.Adapter, *fakeGraph) {
	f := &fakeGraph{}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	a, err := metachannel.New(&metachannel.Config{Kind: kind, Account: "107295872041", AccessToken: "tok", BaseURL: srv.URL, HTTPClient: srv.Client(), Now: now})
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
	for _, tc := range []struct {
		kind    channeldriver.Kind
		fixture string
	}{
		{channeldriver.Messenger, "messenger_message.json"},
		{channeldriver.Facebook, "page_feed_comment.json"},
		{channeldriver.Instagram, "instagram_comment.json"},
		{channeldriver.WhatsApp, "whatsapp_message.json"},
	} {
		t.Run(string(tc.kind), func(t *testing.T) {
			channeldrivertest.RunConformanceTests(t, func(t *testing.T) channeldrivertest.Harness {
				a, f := newAdapter(t, tc.kind, nil)
				wh, err := metachannel.NewWebhook(appSecret, verifyToken)
				if err != nil {
					t.Fatal(err)
				}
				return channeldrivertest.Harness{
					Adapter: a, Sent: f.sent, InReplyTo: "4356878034330014_1002002500000000", Recipient: "1254459154682919",
					Features: channeldrivertest.Features{InjectFailures: true, RateLimit: true, Webhook: true},
					FailNext: func(k channeldriver.ErrorKind) {
						f.failNext(func(w http.ResponseWriter) {
							switch k {
							case channeldriver.Permission:
								graphError(w, 403, 200, 0, "(#200) Permissions error")
							case channeldriver.Invalid:
								graphError(w, 400, 100, 0, "(#100) Invalid parameter")
							default:
								graphError(w, 500, 2, 0, "An unexpected error has occurred. Please retry your request later.")
							}
						})
					},
					RateLimitNext: func(reset time.Time) {
						f.failNext(func(w http.ResponseWriter) {
							w.Header().Set("Retry-After", strconv.Itoa(int(time.Until(reset).Round(time.Second)/time.Second)))
							graphError(w, 429, 80006, 2446079, "There have been too many messages sent to this user")
						})
					},
					Webhook: wh,
					Payload: readFixture(t, tc.fixture),
					Sign:    func(r *http.Request, body []byte) { r.Header.Set("X-Hub-Signature-256", wh.Sign(body)) },
				}
			})
		})
	}
}

func TestNewErrors(t *testing.T) {
	t.Parallel()
	for _, cfg := range []*metachannel.Config{nil, {Kind: "x", Account: "1", AccessToken: "t"}, {Kind: channeldriver.Messenger, AccessToken: "t"},
		{Kind: channeldriver.Messenger, Account: "1"}, {Kind: channeldriver.WhatsApp, Account: "1", AccessToken: "t", BaseURL: "/rel"}} {
		if _, err := metachannel.New(cfg); err == nil {
			t.Errorf("New(%+v) succeeded", cfg)
		}
	}
	if _, err := metachannel.NewWebhook("", "v"); err == nil {
		t.Error("NewWebhook without a secret succeeded")
	}
	if _, err := metachannel.NewWebhook("s", ""); err == nil {
		t.Error("NewWebhook without a verify token succeeded")
	}
}

func TestSendEndpoints(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []struct {
		kind channeldriver.Kind
		out  channel.Outbound
		path string
		id   string
	}{
		{channeldriver.Messenger, channel.Outbound{To: "1254459154682919", Text: "hi", Visibility: channel.Private}, "/107295872041/messages", "m_1001"},
		{channeldriver.Facebook, channel.Outbound{InReplyTo: "c1", Text: "hi"}, "/c1/comments", "1001"},
		{channeldriver.Facebook, channel.Outbound{InReplyTo: "c1", Text: "hi", Visibility: channel.Private}, "/107295872041/messages", "m_1001"},
		{channeldriver.Instagram, channel.Outbound{InReplyTo: "17865799348089039", Text: "hi"}, "/17865799348089039/replies", "1001"},
		{channeldriver.Instagram, channel.Outbound{InReplyTo: "17865799348089039", Text: "hi", Visibility: channel.Private}, "/107295872041/messages", "m_1001"},
		{channeldriver.WhatsApp, channel.Outbound{To: "16505551234", Text: "hi", Visibility: channel.Private}, "/107295872041/messages", "wamid.1001"},
	} {
		a, f := newAdapter(t, tc.kind, nil)
		ch, _ := channel.New(a)
		r, err := ch.Send(ctx, &tc.out)
		if err != nil || r.ID != tc.id || f.paths[0] != tc.path {
			t.Errorf("%s %+v: %v %+v %v", tc.kind, tc.out, err, r, f.paths)
		}
		if tc.out.Visibility == channel.Private && tc.out.To == "" {
			rec := f.bodies[0]["recipient"].(map[string]any)
			if rec["comment_id"] != tc.out.InReplyTo {
				t.Errorf("%s private reply recipient %v", tc.kind, rec)
			}
		}
	}
}

// TestSendAttachments sends one attachment by URL on every surface: the
// Send API's message.attachment (no text) and WhatsApp media messages with
// the text as caption.
func TestSendAttachments(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	img := channel.Attachment{Kind: channel.Image, URL: "https://cdn.example.com/rebooking.png"}
	doc := channel.Attachment{Kind: channel.File, URL: "https://cdn.example.com/receipt.pdf", Name: "receipt.pdf"}
	for _, kind := range []channeldriver.Kind{channeldriver.Messenger, channeldriver.Instagram} {
		a, f := newAdapter(t, kind, nil)
		ch, _ := channel.New(a)
		if _, err := ch.Send(ctx, &channel.Outbound{To: "1254459154682919", Visibility: channel.Private, Attachments: []channel.Attachment{img}}); err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		msg := f.bodies[0]["message"].(map[string]any)
		att := msg["attachment"].(map[string]any)
		payload := att["payload"].(map[string]any)
		if att["type"] != "image" || payload["url"] != img.URL || payload["is_reusable"] != true || msg["text"] != nil {
			t.Fatalf("%s: message %v", kind, msg)
		}
		// Text and an attachment together: refused before any I/O.
		if _, err := ch.Send(ctx, &channel.Outbound{To: "1", Text: "here you go", Visibility: channel.Private, Attachments: []channel.Attachment{img}}); !errors.Is(err, channel.ErrUnsupported) {
			t.Fatalf("%s: text with attachment: %v", kind, err)
		}
		if len(f.sent()) != 1 {
			t.Fatalf("%s: a refused send reached the platform", kind)
		}
	}
	a, f := newAdapter(t, channeldriver.WhatsApp, nil)
	ch, _ := channel.New(a)
	if _, err := ch.Send(ctx, &channel.Outbound{To: "16505551234", Text: "Your receipt", Visibility: channel.Private, Attachments: []channel.Attachment{doc}}); err != nil {
		t.Fatal(err)
	}
	b := f.bodies[0]
	media := b["document"].(map[string]any)
	if b["type"] != "document" || media["link"] != doc.URL || media["caption"] != "Your receipt" || media["filename"] != "receipt.pdf" {
		t.Fatalf("whatsapp body %v", b)
	}
	if _, err := ch.Send(ctx, &channel.Outbound{To: "16505551234", Visibility: channel.Private, Attachments: []channel.Attachment{img}}); err != nil {
		t.Fatal(err)
	}
	if b := f.bodies[1]; b["type"] != "image" || b["image"].(map[string]any)["caption"] != nil {
		t.Fatalf("whatsapp image without caption: %v", b)
	}
}

func TestCapabilitiesRefuseBeforeIO(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	ctx := context.Background()
	a, f := newAdapter(t, channeldriver.WhatsApp, nil)
	ch, _ := channel.Open(a, &channel.Config{Now: func() time.Time { return now }})
	for _, tc := range []struct {
		out  channel.Outbound
		want error
	}{
		{channel.Outbound{InReplyTo: "x", Text: "hi"}, channel.ErrUnsupported},
		{channel.Outbound{To: "1", Text: strings.Repeat("a", 4097), Visibility: channel.Private}, channel.ErrInvalid},
		{channel.Outbound{To: "1", Text: "hi", Visibility: channel.Private, LastCustomerMessageAt: now.Add(-25 * time.Hour)}, channel.ErrWindowClosed},
		{channel.Outbound{InReplyTo: "comment", Text: "hi", Visibility: channel.Private}, channel.ErrUnsupported},
		{channel.Outbound{To: "1", Visibility: channel.Private, Attachments: []channel.Attachment{{Kind: channel.Image, URL: "http://insecure.example.com/a.png"}}}, channel.ErrInvalid},
		{channel.Outbound{To: "1", Visibility: channel.Private, Attachments: []channel.Attachment{{Kind: channel.Image, URL: "https://a.example.com/1.png"}, {Kind: channel.Image, URL: "https://a.example.com/2.png"}}}, channel.ErrInvalid},
		{channel.Outbound{To: "1", Text: "listen", Visibility: channel.Private, Attachments: []channel.Attachment{{Kind: channel.Audio, URL: "https://a.example.com/v.ogg"}}}, channel.ErrInvalid},
		{channel.Outbound{To: "1", Visibility: channel.Private, Attachments: []channel.Attachment{{Kind: channel.Sticker, URL: "https://a.example.com/s.webp"}}}, channel.ErrUnsupported},
		{channel.Outbound{To: "1", Visibility: channel.Private, Attachments: []channel.Attachment{{Kind: "hologram", URL: "https://a.example.com/h"}}}, channel.ErrInvalid},
	} {
		if _, err := ch.Send(ctx, &tc.out); !errors.Is(err, tc.want) {
			t.Errorf("%+v: got %v, want %v", tc.out, err, tc.want)
		}
	}
	if len(f.sent()) != 0 {
		t.Fatalf("refused sends reached the platform")
	}
	if _, err := ch.Send(ctx, &channel.Outbound{To: "1", Text: "hi", Visibility: channel.Private, LastCustomerMessageAt: now.Add(-23 * time.Hour)}); err != nil {
		t.Fatalf("inside the window: %v", err)
	}
}

func TestPlatformErrors(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		fail func(w http.ResponseWriter)
		want error
	}{
		{"window closed", func(w http.ResponseWriter) {
			graphError(w, 400, 10, 2018278, "(#10) This message is sent outside of allowed window.")
		}, channel.ErrWindowClosed},
		{"whatsapp re-engagement", func(w http.ResponseWriter) {
			graphError(w, 400, 131047, 0, "Re-engagement message")
		}, channel.ErrWindowClosed},
		{"expired token", func(w http.ResponseWriter) { graphError(w, 400, 190, 463, "Session has expired") }, channel.ErrPermission},
		{"business use case throttle", func(w http.ResponseWriter) {
			w.Header().Set("X-Business-Use-Case-Usage", `{"107295872041":[{"type":"messenger","call_count":100,"total_cputime":1,"total_time":1,"estimated_time_to_regain_access":5}]}`)
			graphError(w, 400, 80006, 0, "There have been too many messages")
		}, channel.ErrRateLimited},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a, f := newAdapter(t, channeldriver.Messenger, func() time.Time { return now })
			ch, _ := channel.Open(a, &channel.Config{MaxAttempts: 1, Now: func() time.Time { return now }})
			f.failNext(tc.fail)
			_, err := ch.Send(context.Background(), &channel.Outbound{To: "1", Text: "hi", Visibility: channel.Private})
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			var ge *metachannel.GraphError
			if !errors.As(err, &ge) || ge.TraceID != "AbCdEf" {
				t.Fatalf("no GraphError in %v", err)
			}
			var rl *channel.RateLimitError
			if errors.As(err, &rl) && !rl.Reset.Equal(now.Add(5*time.Minute)) {
				t.Fatalf("reset %v, want now+5m", rl.Reset)
			}
		})
	}
}

func TestHandshake(t *testing.T) {
	t.Parallel()
	wh, _ := metachannel.NewWebhook(appSecret, verifyToken)
	rc, _ := channel.NewReceiver(wh, func(context.Context, channel.Message) error { return nil }, nil)
	for _, tc := range []struct {
		query string
		code  int
		body  string
	}{
		{"hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444", 200, "1158201444"},
		{"hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1158201444", 403, ""},
		{"hub.mode=unsubscribe&hub.verify_token=verify-me&hub.challenge=1", 403, ""},
		{"", 405, ""},
	} {
		w := httptest.NewRecorder()
		rc.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/meta?"+tc.query, nil))
		if w.Code != tc.code || (tc.body != "" && w.Body.String() != tc.body) {
			t.Errorf("%q: %d %q", tc.query, w.Code, w.Body)
		}
	}
}

func TestWebhookSecurity(t *testing.T) {
	t.Parallel()
	wh, _ := metachannel.NewWebhook(appSecret, verifyToken)
	other, _ := metachannel.NewWebhook("other", verifyToken)
	body := readFixture(t, "whatsapp_message.json")
	sig := wh.Sign(body)
	for _, tc := range []struct {
		name string
		body []byte
		sig  string
		want int
	}{
		{"unsigned", body, "", 401},
		{"sha1 only", body, "", 401},
		{"forged", bytes.Replace(body, []byte("color"), []byte("colour"), 1), sig, 403},
		{"truncated body", body[:100], sig, 403},
		{"truncated signature", body, sig[:40], 403},
		{"other secret", body, other.Sign(body), 403},
		{"uppercase garbage", body, "sha256=" + strings.Repeat("Z", 64), 403},
		{"valid", body, sig, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			n := 0
			rc, _ := channel.NewReceiver(wh, func(context.Context, channel.Message) error { mu.Lock(); n++; mu.Unlock(); return nil }, nil)
			r := httptest.NewRequest(http.MethodPost, "/meta", bytes.NewReader(tc.body))
			if tc.sig != "" {
				r.Header.Set("X-Hub-Signature-256", tc.sig)
			}
			if tc.name == "sha1 only" {
				r.Header.Set("X-Hub-Signature", "sha1=0000")
			}
			w := httptest.NewRecorder()
			rc.ServeHTTP(w, r)
			if w.Code != tc.want || (n == 1) != (tc.want == 200) {
				t.Fatalf("status %d (want %d), delivered %d", w.Code, tc.want, n)
			}
		})
	}
}

func TestParseFixtures(t *testing.T) {
	t.Parallel()
	wh, _ := metachannel.NewWebhook(appSecret, verifyToken)
	for _, tc := range []struct {
		file    string
		kind    channeldriver.Kind
		id      string
		vis     channeldriver.Visibility
		account string
		author  string
		text    string
	}{
		{"messenger_message.json", channel.Messenger, "m_1457764197618:41d102a3e1ae206a38", channel.Private, "107295872041", "1254459154682919", "hello, my order never arrived"},
		{"page_feed_comment.json", channel.Facebook, "4356878034330014_1002002500000000", channel.Public, "107295872041", "1609491365772210", "Is the store on Main St open on Sunday?"},
		{"page_feed_ad_comment.json", channel.Facebook, "4356878034330014_1002002500000001", channel.AdComment, "107295872041", "1609491365772210", "This ad is a scam, I never got my refund"},
		{"instagram_comment.json", channel.Instagram, "17865799348089039", channel.Public, "17841405793187218", "232323232", "This is an example."},
		{"instagram_ad_comment.json", channel.Instagram, "17865799348089040", channel.AdComment, "17841405793187218", "232323232", "This is an example."},
		{"instagram_message.json", channel.Instagram, "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDA1NzkzMTg3MjE4OjM0MDI4MjM2Njg0MTcxMDMwMTI0NDI3NjAxMjIxMzc0NjgzNjQ0Nw==", channel.Private, "17841405793187218", "1914613848660011", "where is my parcel?"},
		{"whatsapp_message.json", channel.WhatsApp, "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=", channel.Private, "106540352242922", "16505551234", "Does it come in another color?"},
	} {
		ev, err := wh.Parse(nil, readFixture(t, tc.file))
		if err != nil || len(ev) != 1 || ev[0].Message == nil {
			t.Errorf("%s: %v %+v", tc.file, err, ev)
			continue
		}
		m := ev[0].Message
		if m.Channel != tc.kind || m.ID != tc.id || ev[0].ID != tc.id || m.Visibility != tc.vis || m.Account != tc.account || m.Author.ID != tc.author || m.Text != tc.text || m.ReceivedAt.IsZero() {
			t.Errorf("%s: %+v", tc.file, m)
		}
	}
	// Media: Messenger attachments (a fallback link carries no media) and
	// WhatsApp image and document messages.
	ev, err := wh.Parse(nil, readFixture(t, "messenger_attachments.json"))
	if err != nil || len(ev) != 1 || ev[0].Message == nil {
		t.Fatalf("messenger attachments: %v %+v", err, ev)
	}
	if got, want := ev[0].Message.Attachments, []channel.Attachment{
		{Kind: channel.Image, URL: "https://scontent.xx.fbcdn.net/v/t1.15752-9/damaged-bag.jpg"},
		{Kind: channel.File, URL: "https://cdn.fbsbx.com/v/t59.2708-21/boarding-pass.pdf"},
	}; !reflect.DeepEqual(got, want) || ev[0].Message.Text != "" {
		t.Errorf("messenger attachments %+v, text %q", got, ev[0].Message.Text)
	}
	ev, err = wh.Parse(nil, readFixture(t, "whatsapp_image.json"))
	if err != nil || len(ev) != 2 || ev[0].Message == nil || ev[1].Message == nil {
		t.Fatalf("whatsapp media: %v %+v", err, ev)
	}
	if m := ev[0].Message; m.Text != "My suitcase arrived like this" || !reflect.DeepEqual(m.Attachments, []channel.Attachment{
		{Kind: channel.Image, MediaID: "1003383421387256", MIMEType: "image/jpeg", Caption: "My suitcase arrived like this"},
	}) {
		t.Errorf("whatsapp image %+v", m)
	}
	if m := ev[1].Message; m.Text != "" || !reflect.DeepEqual(m.Attachments, []channel.Attachment{
		{Kind: channel.File, MediaID: "1003383421387257", MIMEType: "application/pdf", Name: "receipt.pdf"},
	}) {
		t.Errorf("whatsapp document %+v", m)
	}
	ev, err = wh.Parse(nil, readFixture(t, "whatsapp_status.json"))
	if err != nil || len(ev) != 1 || ev[0].Message != nil {
		t.Errorf("status: %v %+v", err, ev)
	}
	ev, err = wh.Parse(nil, []byte(`{"object":"user","entry":[]}`))
	if err != nil || len(ev) != 1 || ev[0].Message != nil {
		t.Errorf("unknown object: %v %+v", err, ev)
	}
	for _, bad := range []string{``, `{}`, `[1]`, `{"object":"page","entry":[{"messaging":[{"message":{}}]}]}`} {
		if _, err := wh.Parse(nil, []byte(bad)); err == nil {
			t.Errorf("Parse(%q) succeeded", bad)
		}
	}
}

func FuzzParse(f *testing.F) {
	entries, _ := os.ReadDir("testdata")
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".json") {
			f.Add(readFixture(f, e.Name()))
		}
	}
	wh, _ := metachannel.NewWebhook(appSecret, verifyToken)
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := wh.Parse(nil, body)
		if err != nil {
			return
		}
		for _, e := range ev {
			if e.Message != nil && (e.ID == "" || e.Message.ID != e.ID || e.Message.Channel == "") {
				t.Fatalf("inconsistent event %+v", e)
			}
			if e.Message != nil && e.Status != nil {
				t.Fatalf("event with a message and a status %+v", e)
			}
			if m := e.Message; m != nil && (m.ConversationID == "" || m.Item == "") {
				t.Fatalf("message without conversation or item %+v", m)
			}
			if s := e.Status; s != nil && (e.ID == "" || s.State == "" || s.Channel != channel.WhatsApp || (s.State != channel.StatusError && s.MessageID == "")) {
				t.Fatalf("inconsistent status %+v", e)
			}
		}
	})
}

func FuzzVerify(f *testing.F) {
	wh, _ := metachannel.NewWebhook(appSecret, verifyToken)
	b := readFixture(f, "whatsapp_message.json")
	f.Add(b, wh.Sign(b))
	f.Add(b, "sha256=00")
	f.Fuzz(func(t *testing.T, body []byte, sig string) {
		h := http.Header{}
		h.Set("X-Hub-Signature-256", sig)
		err := wh.Verify(h, body)
		if (err == nil) != (strings.EqualFold(sig, wh.Sign(body)) && strings.HasPrefix(sig, "sha256=")) {
			t.Fatalf("Verify(%q) = %v", sig, err)
		}
	})
}

func TestSignMatchesOpenSSL(t *testing.T) {
	t.Parallel()
	wh, _ := metachannel.NewWebhook(appSecret, verifyToken)
	// printf abc | openssl dgst -sha256 -hmac app-secret-for-tests
	if got := wh.Sign([]byte("abc")); got != "sha256=e35eab5e7b70307c1ad6d02cd47ea5b83a80e0729afc9f9324f3317f2392ac8a" {
		t.Fatalf("Sign = %s", got)
	}
}
