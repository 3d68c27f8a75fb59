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
