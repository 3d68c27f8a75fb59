package caretest_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/care/caretest"
	"github.com/socialcare/socialcare/channel"
)

// exampleTB stands in for the *testing.T a real test has.
type exampleTB struct{ testing.TB }

func (exampleTB) Helper()                           {}
func (exampleTB) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }

// A test of a host's own configuration: nobody claims a tweet, so the desk
// acknowledges it after 15 minutes of virtual time, once.
func ExampleNewDesk() {
	var t exampleTB // in a test: the *testing.T
	d := caretest.NewDesk(t, nil)
	in := d.RequireIngest(t, channel.Message{ID: "m1", Channel: channel.X, ConversationID: "c1",
		Author: channel.Author{ID: "u1", Handle: "maya"}, Text: "Is my flight on time?"})
	d.Advance(t, 15*time.Minute)
	ev := d.RequireEvent(t, care.Acknowledged, in.Key)
	fmt.Println(ev.Kind, ev.Auto, ev.At.Format("15:04"))
	fmt.Println(caretest.RequireSent(t, d.X, "Thanks for reaching out").Text)
	d.Advance(t, time.Hour)
	fmt.Println(len(d.X.Sent()), "message sent")
	// Output:
	// acknowledged true 08:15
	// Thanks for reaching out, maya. We've got your message and a member of our team will get back to you shortly.
	// 1 message sent
}
