package metachannel_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/channel/metachannel"
)

// replay is one recorded Graph API exchange under testdata/replay: the
// Outbound the desk hands the channel, the exact request Meta must
// receive, Meta's documented answer, and the Receipt that results.
type replay struct {
	About    string           `json:"about"`
	Kind     channel.Kind     `json:"kind"`
	Account  string           `json:"account"`
	Outbound channel.Outbound `json:"outbound"`
	Request  struct {
		Method string          `json:"method"`
		Path   string          `json:"path"`
		Body   json.RawMessage `json:"body"`
	} `json:"request"`
	Response struct {
		Status int             `json:"status"`
		Body   json.RawMessage `json:"body"`
	} `json:"response"`
	Receipt channel.Receipt `json:"receipt"`
}

// TestReplay replays every recorded exchange (Go CDK replay style): the
// request body must equal the recording, as JSON, and the receipt must
// carry what the response says. The recordings cover private replies
// (issue point 2: recipient.comment_id, not recipient.id), HUMAN_AGENT,
// WhatsApp templates and the public reply endpoints.
func TestReplay(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("testdata/replay/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no recordings: %v", err)
	}
	now := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".json"), func(t *testing.T) {
			t.Parallel()
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var rp replay
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&rp); err != nil {
				t.Fatalf("recording: %v", err)
			}
			var mu sync.Mutex
			calls := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				defer mu.Unlock()
				calls++
				body, _ := io.ReadAll(r.Body)
				if r.Method != rp.Request.Method || r.URL.Path != rp.Request.Path || !jsonEqual(t, body, rp.Request.Body) {
					t.Errorf("request %s %s %s\nrecorded %s %s %s", r.Method, r.URL.Path, body, rp.Request.Method, rp.Request.Path, rp.Request.Body)
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(rp.Response.Status)
				w.Write(rp.Response.Body)
			}))
			defer srv.Close()
			a, err := metachannel.New(&metachannel.Config{Kind: rp.Kind, Account: rp.Account, AccessToken: "tok", BaseURL: srv.URL, HTTPClient: srv.Client(), Now: func() time.Time { return now }})
			if err != nil {
				t.Fatal(err)
			}
			ch, _ := channel.Open(a, &channel.Config{Now: func() time.Time { return now }, MaxAttempts: 1})
			r, err := ch.Send(context.Background(), &rp.Outbound)
			if err != nil {
				t.Fatalf("%s: %v", rp.About, err)
			}
			rp.Receipt.SentAt = now
			if r != rp.Receipt || calls != 1 {
				t.Fatalf("receipt %+v after %d calls, want %+v", r, calls, rp.Receipt)
			}
		})
	}
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

func parseFixture(t *testing.T, name string) []*channel.Message {
	t.Helper()
	wh, _ := metachannel.NewWebhook(appSecret, verifyToken)
	ev, err := wh.Parse(nil, readFixture(t, name))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var out []*channel.Message
	for _, e := range ev {
		out = append(out, e.Message)
	}
	return out
}

// TestCommentsKeyedPerCommenter is issue point 1 for Meta: two customers
// commenting on one post are two conversations; a customer's reply in
// their own thread stays in it; the post or media is the shared ThreadID.
func TestCommentsKeyedPerCommenter(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file, thread, customer0 string
	}{
		{"page_feed_two_customers.json", "107295872041_4356878034330014", ""},
		{"instagram_two_customers.json", "123123123", "instagram:232323232"},
	} {
		ms := parseFixture(t, tc.file)
		if len(ms) != 3 || ms[0] == nil || ms[1] == nil || ms[2] == nil {
			t.Fatalf("%s: %+v", tc.file, ms)
		}
		a, b, a2 := ms[0], ms[1], ms[2]
		if a.ConversationID == b.ConversationID {
			t.Errorf("%s: two customers on one post share conversation %q", tc.file, a.ConversationID)
		}
		if a2.ConversationID != a.ConversationID || a2.ParentID != a.ID {
			t.Errorf("%s: the customer's reply in their thread is %q (parent %q), want %q (parent %q)", tc.file, a2.ConversationID, a2.ParentID, a.ConversationID, a.ID)
		}
		for _, m := range ms {
			if m.ThreadID != tc.thread || m.Item != channel.ItemComment {
				t.Errorf("%s: %s thread %q item %q", tc.file, m.ID, m.ThreadID, m.Item)
			}
		}
		if a.CustomerID != tc.customer0 {
			t.Errorf("%s: CustomerID %q, want %q", tc.file, a.CustomerID, tc.customer0)
		}
	}
	// The Page's own reply in a thread is not a customer message.
	if ms := parseFixture(t, "page_feed_own_reply.json"); len(ms) != 1 || ms[0] != nil {
		t.Errorf("own reply: %+v", ms)
	}
	if ms := parseFixture(t, "instagram_echo.json"); len(ms) != 1 || ms[0] != nil {
		t.Errorf("instagram echo: %+v", ms)
	}
}

// TestVisitorPostsAndMentions is issue point 6: Facebook visitor posts and
// Instagram mentions become messages.
func TestVisitorPostsAndMentions(t *testing.T) {
	t.Parallel()
	ms := parseFixture(t, "page_feed_visitor_post.json")
	if len(ms) != 1 || ms[0] == nil {
		t.Fatalf("visitor post: %+v", ms)
	}
	want := channel.Message{ID: "107295872041_5500000000000001", Channel: channel.Facebook, Account: "107295872041",
		ConversationID: "107295872041_5500000000000001:1609491365772210", ThreadID: "107295872041_5500000000000001", Item: channel.ItemPost,
		Author: channel.Author{ID: "1609491365772210", Handle: "Sheena Nelson", Name: "Sheena Nelson"},
		Text:   "Three hours on hold about my refund. Is anyone there?", Visibility: channel.Public, ReceivedAt: time.Unix(1700000190, 0).UTC()}
	if !reflect.DeepEqual(*ms[0], want) {
		t.Errorf("visitor post\n got %+v\nwant %+v", *ms[0], want)
	}
	ms = parseFixture(t, "instagram_mention.json")
	if len(ms) != 1 || ms[0] == nil {
		t.Fatalf("mention: %+v", ms)
	}
	if m := ms[0]; m.ID != "17894227972186120" || m.Item != channel.ItemMention || m.ThreadID != "17887498072083520" || m.Channel != channel.Instagram || m.ConversationID != "mention:17894227972186120" || m.Visibility != channel.Public {
		t.Errorf("mention %+v", m)
	}
}

// TestWhatsAppFailuresAreStatusEvents is issue point 6: failed statuses
// and value.errors reach the host's StatusSink as portable Status events
// (deduplicated like messages); without a StatusSink they are logged.
func TestWhatsAppFailuresAreStatusEvents(t *testing.T) {
	t.Parallel()
	wh, _ := metachannel.NewWebhook(appSecret, verifyToken)
	var mu sync.Mutex
	var got []channel.Status
	rc, err := channel.NewReceiver(wh, func(context.Context, channel.Message) error { return nil }, &channel.ReceiverConfig{
		Statuses: func(_ context.Context, s channel.Status) error {
			mu.Lock()
			got = append(got, s)
			mu.Unlock()
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	deliver := func(h http.Handler, name string) {
		body := readFixture(t, name)
		r := httptest.NewRequest(http.MethodPost, "/meta", bytes.NewReader(body))
		r.Header.Set("X-Hub-Signature-256", wh.Sign(body))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != 200 {
			t.Fatalf("%s: status %d", name, w.Code)
		}
	}
	for _, name := range []string{"whatsapp_status_failed.json", "whatsapp_status_failed.json", "whatsapp_errors.json", "whatsapp_status.json"} {
		deliver(rc, name)
	}
	want := []channel.Status{
		{Channel: channel.WhatsApp, Account: "106540352242922", MessageID: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA", State: channel.StatusFailed,
			RecipientID: "16505551234", ConversationID: "16505551234", At: time.Unix(1750263800, 0).UTC(),
			Errors: []channel.PlatformError{{Code: 131047, Title: "Re-engagement message", Detail: "Message failed to send because more than 24 hours have passed since the customer last replied to this number."}}},
		{Channel: channel.WhatsApp, Account: "106540352242922", State: channel.StatusError,
			Errors: []channel.PlatformError{{Code: 131000, Title: "Something went wrong", Detail: "Unknown error. Please retry later."}}},
		{Channel: channel.WhatsApp, Account: "106540352242922", MessageID: "wamid.HBgLMTY0NjcwNDM1OTUVAgARGBI1RjQyNUE3NEYxMzAzMzQ5MkEA", State: channel.StatusDelivered,
			RecipientID: "16505551234", ConversationID: "16505551234", At: time.Unix(1750263773, 0).UTC()},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("statuses\n got %+v\nwant %+v", got, want)
	}
	// Without a StatusSink: logged at warning level and acknowledged.
	var logs bytes.Buffer
	plain, _ := channel.NewReceiver(wh, func(context.Context, channel.Message) error { return nil }, &channel.ReceiverConfig{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	deliver(plain, "whatsapp_status_failed.json")
	if s := logs.String(); !strings.Contains(s, "level=WARN") || !strings.Contains(s, "131047") {
		t.Fatalf("logs %q", s)
	}
}
