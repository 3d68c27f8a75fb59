package metachannel_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/socialcare/socialcare/channel"

	"github.com/socialcare/socialcare/channel/metachannel"
)

// Comments on unpublished (dark) posts and ads arrive flagged AdComment.
// A comment's conversation is its top-level comment and its author; the
// post is the ThreadID that several customers' conversations share.
func ExampleWebhook_Parse() {
	wh, _ := metachannel.NewWebhook("app-secret", "verify-token")
	ev, err := wh.Parse(nil, []byte(`{"object":"page","entry":[{"id":"107295872041","changes":[{"field":"feed","value":{"from":{"id":"1609491365772210","name":"Sheena Nelson"},"post":{"is_published":false,"id":"107295872041_1"},"message":"Never got my refund","post_id":"107295872041_1","comment_id":"1_2","created_time":1668715608,"item":"comment","parent_id":"107295872041_1","verb":"add"}}]}]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	m := ev[0].Message
	fmt.Println(m.Channel, m.Visibility, m.Item, m.Text)
	fmt.Println("conversation", m.ConversationID, "thread", m.ThreadID)
	// Output:
	// facebook ad-comment comment Never got my refund
	// conversation 1_2:1609491365772210 thread 107295872041_1
}

// A private reply to a comment goes to the comment, not to the user, and
// the receipt names the Messenger conversation the customer answers in.
func ExampleAdapter_Send_privateReply() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fmt.Println(r.Method, r.URL.Path, string(b))
		io.WriteString(w, `{"recipient_id":"1254459154682919","message_id":"m_AG5Hz2U"}`)
	}))
	defer srv.Close()
	a, _ := metachannel.New(&metachannel.Config{Kind: channel.Facebook, Account: "107295872041", AccessToken: "token", BaseURL: srv.URL})
	ch, _ := channel.New(a)
	r, err := ch.Send(context.Background(), &channel.Outbound{
		InReplyTo: "4356878034330014_1002002500000000", InReplyToItem: channel.ItemComment,
		To: "1609491365772210", Visibility: channel.Private, Text: "Sorry! Could you send us your booking code here?",
	})
	fmt.Println(err, r.ID, r.PrivateChannel, r.PrivateConversationID)
	// Output:
	// POST /107295872041/messages {"message":{"text":"Sorry! Could you send us your booking code here?"},"recipient":{"comment_id":"4356878034330014_1002002500000000"}}
	// <nil> m_AG5Hz2U messenger 1254459154682919
}
