// Command embed is the README's "Embed the desk" sample, runnable: a desk
// on the in-memory queue and an in-memory X channel, with its scheduler
// and the queue's maintenance running, that takes one message, gives it to
// an agent, answers and resolves it. Its test checks that the README shows
// exactly this code.
//
//	go run ./examples/embed
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/channel/memchannel"
	"github.com/socialcare/socialcare/queue"
	"github.com/socialcare/socialcare/queue/memqueue"
)

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "embed:", err)
		os.Exit(1)
	}
}

// README:begin
func run(ctx context.Context) error {
	// One queue (memqueue here; pgqueue lets several processes share one)
	// and its clock: queue.Config.Now takes a virtual one in tests.
	q, err := queue.New(memqueue.New(), nil)
	if err != nil {
		return err
	}
	desk, err := care.New(q, &care.Config{VIPs: []string{"dianaprince"}})
	if err != nil {
		return err
	}
	// Any channeldriver.Adapter: xchannel, metachannel, memchannel, your own.
	x, err := memchannel.New(channel.X, &memchannel.Config{Account: "skyways"})
	if err != nil {
		return err
	}
	ch, err := channel.New(x)
	if err != nil {
		return err
	}
	if err := desk.AddChannel(ch); err != nil {
		return err
	}
	if err := desk.AddAgent(ctx, care.Agent{ID: "ana", Name: "Ana Souza", Capacity: 3}); err != nil {
		return err
	}

	// The queue's maintenance (expired leases, offline agents, retention)
	// and the desk's timed work (acknowledgements, SLA alerts, escalations,
	// Boomerangs, wait times, keeping agents' leases) run beside the host.
	ctx, stop := context.WithCancel(ctx)
	if err := q.Start(ctx); err != nil {
		stop()
		return err
	}
	ran := make(chan error, 1)
	go func() { ran <- desk.Run(ctx) }()
	defer func() { stop(); <-ran; _ = q.Stop(context.Background()) }()

	// Inbound: a webhook Receiver hands each message to desk.Sink(), with
	// desk.Dedup() as its dedup; here one message arrives by hand.
	in, err := desk.Ingest(ctx, channel.Message{ID: "1861", Channel: channel.X, Account: "skyways", ConversationID: "t-1861",
		Text:   "Stranded at O'Hare by the snowstorm, my flight was cancelled. Please help!",
		Author: channel.Author{ID: "u-42", Handle: "sam_travels", Name: "Sam"}})
	if err != nil {
		return err
	}
	fmt.Println("queued", in.Key, "for team", in.Routing.Loop.Team)

	// An agent takes the most urgent conversation they may handle,
	// answers and resolves it. The desk keeps the lease while they write.
	a, err := desk.Next(ctx, "ana", queue.Filter{Channels: []string{"x"}})
	if err != nil {
		return err
	}
	fmt.Println("why on top:", a.Conversation.Score.Explain())
	s, err := desk.Reply(ctx, a, "So sorry, Sam. I've rebooked you on the 14:05 to Denver.")
	if err != nil {
		return err
	}
	fmt.Println("sent:", s.Outbound.Text)
	return desk.Resolve(ctx, a)
}

// README:end
