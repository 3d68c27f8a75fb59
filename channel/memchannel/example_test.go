package memchannel_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/channel/memchannel"
)

// Script inbound messages, inject a rate limit, and read back the sends.
func Example() {
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	a, _ := memchannel.New(channel.X, &memchannel.Config{Account: "skyways", Now: func() time.Time { return now }})
	a.Script(channel.Message{ID: "t1", Text: "my bag is lost", ReceivedAt: now.Add(-time.Minute)})
	n, _ := a.DeliverDue(context.Background(), now, func(_ context.Context, m channel.Message) error {
		fmt.Println("in:", m.Channel, m.Account, m.Text)
		return nil
	})
	fmt.Println("delivered", n)

	ch, _ := channel.Open(a, &channel.Config{MaxAttempts: 1})
	a.RateLimitNext(now.Add(15 * time.Minute))
	_, err := ch.Send(context.Background(), &channel.Outbound{InReplyTo: "t1", Text: "Sorry! ^AB"})
	var rl *channel.RateLimitError
	fmt.Println(errors.Is(err, channel.ErrRateLimited), errors.As(err, &rl) && rl.Reset.Equal(now.Add(15*time.Minute)))
	r, _ := ch.Send(context.Background(), &channel.Outbound{InReplyTo: "t1", Text: "Sorry! ^AB"})
	fmt.Println("out:", r.ID, len(a.Sent()))
	// Output:
	// in: x skyways my bag is lost
	// delivered 1
	// true true
	// out: x-out-1 1
}

// The fake stands for its platform: a Messenger fake has Messenger's
// 24-hour window, on the fake's clock, and HUMAN_AGENT's 7 days.
func Example_window() {
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	a, _ := memchannel.New(channel.Messenger, &memchannel.Config{Now: func() time.Time { return now }})
	ch, _ := channel.New(a)
	out := &channel.Outbound{To: "psid-1", Text: "Your refund is on its way.", Visibility: channel.Private, LastCustomerMessageAt: now.Add(-30 * time.Hour)}
	_, err := ch.Send(context.Background(), out)
	var we *channel.WindowError
	fmt.Println(errors.As(err, &we), we.Rule, len(a.Sent()))
	out.Tag = channel.HumanAgent
	_, err = ch.Send(context.Background(), out)
	fmt.Println(err, len(a.Sent()))
	_, err = ch.Send(context.Background(), &channel.Outbound{InReplyTo: "m1", Text: "in public?"})
	fmt.Println(errors.Is(err, channel.ErrUnsupported))
	// Output:
	// true messaging window 0
	// <nil> 1
	// true
}
