package channel_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/channel/channeldriver"
	"github.com/socialcare/socialcare/channel/metachannel"
	"github.com/socialcare/socialcare/channel/xchannel"
)

// recorder stands in for the Graph API and the X API: it records each
// request and answers with the documented success shape.
type recorder struct {
	mu    sync.Mutex
	paths []string
	body  []map[string]any
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	rec.mu.Lock()
	rec.paths = append(rec.paths, r.Method+" "+r.URL.Path)
	rec.body = append(rec.body, m)
	rec.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if strings.HasPrefix(r.URL.Path, "/2/") {
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"data":{"id":"1445880548472328193","dm_event_id":"1445880548472328194"}}`)
		return
	}
	io.WriteString(w, `{"id":"c_1","recipient_id":"1254459154682919","message_id":"m_1","messages":[{"id":"wamid.1"}]}`)
}

// lookup reads a dotted path ("recipient.comment_id") in a JSON object.
func lookup(m map[string]any, path string) any {
	var v any = m
	for _, k := range strings.Split(path, ".") {
		o, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = o[k]
	}
	return v
}

// TestSurfaces is the table of the channel package doc, executed: for
// every surface, a documented message in, the conversation key it gets,
// and the reply a desk builds from it (InReplyTo, InReplyToItem, To,
// times copied from the message) going out: endpoint, recipient field and
// visibility as the platform documents them.
func TestSurfaces(t *testing.T) {
	t.Parallel()
	type reply struct {
		vis   channel.Visibility
		path  string // "METHOD /path"
		field string // dotted path in the request body
		value string // its value; "" means it must be present
	}
	for _, tc := range []struct {
		surface string
		fixture string
		index   int
		conv    string
		reply   *reply // nil: keying only
	}{
		{"facebook comment, public reply", "metachannel/testdata/page_feed_comment.json", 0, "4356878034330014_1002002500000000:1609491365772210",
			&reply{channel.Public, "POST /4356878034330014_1002002500000000/comments", "message", ""}},
		{"facebook comment, moved to private", "metachannel/testdata/page_feed_comment.json", 0, "4356878034330014_1002002500000000:1609491365772210",
			&reply{channel.Private, "POST /107295872041/messages", "recipient.comment_id", "4356878034330014_1002002500000000"}},
		{"facebook second customer on the post", "metachannel/testdata/page_feed_two_customers.json", 1, "4356878034330014_1002002500000011:2708321519990021",
			&reply{channel.Private, "POST /107295872041/messages", "recipient.comment_id", "4356878034330014_1002002500000011"}},
		{"facebook reply in a customer's thread", "metachannel/testdata/page_feed_two_customers.json", 2, "4356878034330014_1002002500000010:1609491365772210",
			&reply{channel.Public, "POST /4356878034330014_1002002500000012/comments", "message", ""}},
		{"facebook visitor post, public reply", "metachannel/testdata/page_feed_visitor_post.json", 0, "107295872041_5500000000000001:1609491365772210",
			&reply{channel.Public, "POST /107295872041_5500000000000001/comments", "message", ""}},
		{"facebook visitor post, moved to private", "metachannel/testdata/page_feed_visitor_post.json", 0, "107295872041_5500000000000001:1609491365772210",
			&reply{channel.Private, "POST /107295872041/messages", "recipient.post_id", "107295872041_5500000000000001"}},
		{"instagram comment reply, public", "metachannel/testdata/instagram_comment.json", 0, "1231231234:232323232",
			&reply{channel.Public, "POST /17865799348089039/replies", "message", ""}},
		{"instagram comment, moved to private", "metachannel/testdata/instagram_comment.json", 0, "1231231234:232323232",
			&reply{channel.Private, "POST /17841405793187218/messages", "recipient.comment_id", "17865799348089039"}},
		{"instagram top-level comment", "metachannel/testdata/instagram_two_customers.json", 1, "17865799348089102:454545454",
			&reply{channel.Public, "POST /17865799348089102/replies", "message", ""}},
		{"instagram mention", "metachannel/testdata/instagram_mention.json", 0, "mention:17894227972186120", nil},
		{"instagram DM", "metachannel/testdata/instagram_message.json", 0, "1914613848660011",
			&reply{channel.Private, "POST /17841405793187218/messages", "recipient.id", "1914613848660011"}},
		{"messenger DM", "metachannel/testdata/messenger_message.json", 0, "1254459154682919",
			&reply{channel.Private, "POST /107295872041/messages", "recipient.id", "1254459154682919"}},
		{"whatsapp message", "metachannel/testdata/whatsapp_message.json", 0, "16505551234",
			&reply{channel.Private, "POST /106540352242922/messages", "to", "16505551234"}},
		{"x mention, public reply", "xchannel/testdata/tweet_create_events.json", 0, "public:6253282",
			&reply{channel.Public, "POST /2/tweets", "reply.in_reply_to_tweet_id", "1050118621198921728"}},
		{"x reply to the brand's answer", "xchannel/testdata/tweet_reply_to_brand.json", 0, "public:6253282",
			&reply{channel.Public, "POST /2/tweets", "reply.in_reply_to_tweet_id", "1050120039263059968"}},
		{"x mention, moved to private", "xchannel/testdata/tweet_create_events.json", 0, "public:6253282",
			&reply{channel.Private, "POST /2/dm_conversations/with/6253282/messages", "text", ""}},
		{"x v2 tweet with conversation_id", "xchannel/testdata/tweet_v2_conversation.json", 0, "1050118621198921728:6253282", nil},
		{"x DM", "xchannel/testdata/direct_message_events.json", 0, "dm:3001969357",
			&reply{channel.Private, "POST /2/dm_conversations/with/3001969357/messages", "text", ""}},
	} {
		t.Run(tc.surface, func(t *testing.T) {
			t.Parallel()
			body, err := os.ReadFile(tc.fixture)
			if err != nil {
				t.Fatal(err)
			}
			var wh channel.Webhook
			if strings.HasPrefix(tc.fixture, "x") {
				wh, _ = xchannel.NewWebhook("secret")
			} else {
				wh, _ = metachannel.NewWebhook("secret", "token")
			}
			events, err := wh.Parse(nil, body)
			if err != nil || len(events) <= tc.index || events[tc.index].Message == nil {
				t.Fatalf("parse: %v %+v", err, events)
			}
			m := events[tc.index].Message
			if m.ConversationID != tc.conv {
				t.Fatalf("conversation %q, want %q", m.ConversationID, tc.conv)
			}
			if tc.reply == nil {
				return
			}
			rec := &recorder{}
			srv := httptest.NewServer(rec)
			defer srv.Close()
			now := m.ReceivedAt.Add(time.Hour)
			clock := func() time.Time { return now }
			var a channeldriver.Adapter
			if m.Channel == channel.X {
				a, err = xchannel.New(&xchannel.Config{Account: m.Account, Token: "tok", BaseURL: srv.URL, HTTPClient: srv.Client(), Now: clock})
			} else {
				a, err = metachannel.New(&metachannel.Config{Kind: m.Channel, Account: m.Account, AccessToken: "tok", BaseURL: srv.URL, HTTPClient: srv.Client(), Now: clock})
			}
			if err != nil {
				t.Fatal(err)
			}
			ch, _ := channel.Open(a, &channel.Config{Now: clock, MaxAttempts: 1})
			out := channel.Outbound{ConversationID: m.ConversationID, InReplyTo: m.ID, InReplyToItem: m.Item, InReplyToAt: m.ReceivedAt,
				To: m.Author.ID, Text: "We are on it. ^AB", Visibility: tc.reply.vis, LastCustomerMessageAt: m.ReceivedAt}
			if _, err := ch.Send(context.Background(), &out); err != nil {
				t.Fatalf("send: %v", err)
			}
			if len(rec.paths) != 1 || rec.paths[0] != tc.reply.path {
				t.Fatalf("requests %v, want [%s]", rec.paths, tc.reply.path)
			}
			got := lookup(rec.body[0], tc.reply.field)
			if got == nil || (tc.reply.value != "" && got != tc.reply.value) {
				t.Fatalf("%s = %v, want %q in %v", tc.reply.field, got, tc.reply.value, rec.body[0])
			}
			if tc.reply.vis == channel.Private && lookup(rec.body[0], "recipient.id") != nil && tc.reply.field != "recipient.id" {
				t.Fatalf("a private reply addressed the user: %v", rec.body[0])
			}
		})
	}
}
