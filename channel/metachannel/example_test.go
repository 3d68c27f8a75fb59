package metachannel_test

import (
	"fmt"

	"github.com/socialcare/socialcare/channel/metachannel"
)

// Comments on unpublished (dark) posts and ads arrive flagged AdComment.
func ExampleWebhook_Parse() {
	wh, _ := metachannel.NewWebhook("app-secret", "verify-token")
	ev, err := wh.Parse(nil, []byte(`{"object":"page","entry":[{"id":"107295872041","changes":[{"field":"feed","value":{"from":{"id":"1609491365772210","name":"Sheena Nelson"},"post":{"is_published":false,"id":"107295872041_1"},"message":"Never got my refund","post_id":"107295872041_1","comment_id":"1_2","created_time":1668715608,"item":"comment","parent_id":"107295872041_1","verb":"add"}}]}]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	m := ev[0].Message
	fmt.Println(m.Channel, m.Visibility, m.ConversationID, m.Text)
	// Output:
	// facebook ad-comment 107295872041_1 Never got my refund
}
