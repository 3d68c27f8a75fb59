// Command feedbackloop shows the desk's feedback loops on a virtual clock:
// a broken video on the blog goes to the content team (its editor fixes it,
// customer service answers the customer), and a legal threat goes to legal,
// which lets its deadline pass and is escalated to the general counsel. It
// prints each routing decision with its deadlines and escalation chain, and
// the timeline of desk events.
//
//	go run ./examples/feedbackloop
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/channel/memchannel"
	"github.com/socialcare/socialcare/queue"
	"github.com/socialcare/socialcare/queue/memqueue"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "feedbackloop:", err)
		os.Exit(1)
	}
}

// clock is a virtual clock.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

// worker is an agent who works one team's queue and knows what to do.
type worker struct {
	agent care.Agent
	team  string
	// from is when the agent starts looking at the queue.
	from time.Time
	// work is how long the agent takes before acting.
	work time.Duration
	// act does the agent's part once the work is done and says what it
	// did; resolve asks for the conversation to be resolved afterwards.
	act func(ctx context.Context, d *care.Desk, a *care.Assignment) (what string, resolve bool, err error)
}

func run(ctx context.Context, w io.Writer) error {
	day := time.Date(2026, 1, 12, 9, 0, 0, 0, time.UTC) // a Monday
	clk := &clock{t: day}
	q, err := queue.New(memqueue.New(), &queue.Config{Now: clk.Now})
	if err != nil {
		return err
	}
	var timeline []string
	desk, err := care.New(q, &care.Config{OnEvent: func(e care.Event) {
		if line := describe(e); line != "" {
			timeline = append(timeline, e.At.Format("Mon 15:04")+"  "+line)
		}
	}})
	if err != nil {
		return err
	}
	adapters := map[channel.Kind]*memchannel.Adapter{}
	for _, k := range []channel.Kind{channel.Facebook, channel.X} {
		a, err := memchannel.New(k, &memchannel.Config{Account: "skyways", Now: clk.Now})
		if err != nil {
			return err
		}
		ch, err := channel.New(a)
		if err != nil {
			return err
		}
		if err := desk.AddChannel(ch); err != nil {
			return err
		}
		adapters[k] = a
	}

	fmt.Fprintf(w, "Skyways feedback loops, %s (virtual clock)\n\n", day.Format("Monday 2 January 2006"))
	msgs := []channel.Message{
		{ID: "fb-1", Channel: channel.Facebook, Account: "skyways", ConversationID: "post-77", ReceivedAt: day,
			Author: channel.Author{ID: "u1", Handle: "Dana Kim", Name: "Dana"},
			Text:   "The video in your blog post about winter travel is broken, it just shows an error."},
		{ID: "x-1", Channel: channel.X, Account: "skyways", ConversationID: "t-901", ReceivedAt: day.Add(5 * time.Minute),
			Author: channel.Author{ID: "u2", Handle: "rob_pratt"},
			Text:   "Three cancelled flights and no refund. My lawyer will be in touch and I'll sue if I have to."},
	}
	fmt.Fprintln(w, "Routing")
	for _, m := range msgs {
		clk.t = m.ReceivedAt
		in, err := desk.Ingest(ctx, m)
		if err != nil {
			return err
		}
		l := in.Routing.Loop
		fmt.Fprintf(w, "  %s  %-8s %s: %q\n", m.ReceivedAt.Format("15:04"), m.Channel, m.Author.Handle, m.Text)
		fmt.Fprintf(w, "         → %s\n", in.Routing.Explain())
		fmt.Fprintf(w, "           deadlines: acknowledge by %s, resolve by %s\n", in.Deadlines.AcknowledgeBy.Format("Mon 15:04"), in.Deadlines.ResolveBy.Format("Mon 15:04"))
		var chain []string
		for _, e := range l.Escalation {
			chain = append(chain, fmt.Sprintf("%s at %s", e.To, in.Deadlines.ResolveBy.Add(e.After).Format("Mon 15:04")))
		}
		fmt.Fprintf(w, "           escalation: %s\n", strings.Join(chain, ", then "))
	}
	fmt.Fprintln(w)

	workers := []*worker{
		{agent: care.Agent{ID: "eva", Name: "Eva Lindqvist"}, team: "content", from: day.Add(40 * time.Minute), work: 50 * time.Minute,
			act: func(ctx context.Context, d *care.Desk, a *care.Assignment) (string, bool, error) {
				// The editor re-uploads the video, then hands the
				// conversation to customer service, who answers the customer.
				_, err := d.Handoff(ctx, a, "customer-service", "video re-uploaded, player fixed; please let Dana know")
				return "fixed the video", false, err
			}},
		{agent: care.Agent{ID: "cara", Name: "Cara Mendes"}, team: "customer-service", from: day, work: 10 * time.Minute,
			act: func(ctx context.Context, d *care.Desk, a *care.Assignment) (string, bool, error) {
				s, err := d.Reply(ctx, a, "Thanks for telling us, Dana! Our editor has fixed the video; it plays again now.")
				if err != nil {
					return "", false, err
				}
				return "replied: " + s.Outbound.Text, true, nil
			}},
		{agent: care.Agent{ID: "grace", Name: "Grace Okafor"}, team: "general-counsel", from: day, work: 2 * time.Hour,
			act: func(ctx context.Context, d *care.Desk, a *care.Assignment) (string, bool, error) {
				s, err := d.Reply(ctx, a, "Mr Pratt, I'm the general counsel. Your three refunds are issued today and I'll call you to discuss the rest.")
				if err != nil {
					return "", false, err
				}
				return "replied: " + s.Outbound.Text, true, nil
			}},
	}
	for _, wk := range workers {
		if err := desk.AddAgent(ctx, wk.agent); err != nil {
			return err
		}
	}
	type job struct {
		a    *care.Assignment
		done time.Time
	}
	busy := map[string]*job{}
	end := day.Add(30 * time.Hour)
	for ; clk.t.Before(end); clk.t = clk.t.Add(time.Minute) {
		if err := desk.Tick(ctx); err != nil {
			return err
		}
		for _, wk := range workers {
			id := wk.agent.ID
			if j := busy[id]; j != nil {
				if clk.t.Before(j.done) {
					// Still at work: the desk keeps the lease alive (Tick)
					// while the agent holds the conversation.
					if err := desk.Hold(j.a); err != nil {
						return err
					}
					continue
				}
				what, resolve, err := wk.act(ctx, desk, j.a)
				if err != nil {
					return fmt.Errorf("%s: %w", id, err)
				}
				timeline = append(timeline, clk.t.Format("Mon 15:04")+"  "+wk.agent.Name+" "+what)
				if resolve {
					if err := desk.Resolve(ctx, j.a); err != nil {
						return fmt.Errorf("%s: %w", id, err)
					}
				}
				delete(busy, id)
				continue
			}
			if clk.t.Before(wk.from) {
				continue
			}
			a, err := desk.TryNext(ctx, id, queue.Filter{Teams: []string{wk.team}})
			if errors.Is(err, queue.ErrNoItem) {
				continue
			}
			if err != nil {
				return err
			}
			timeline = append(timeline, fmt.Sprintf("%s  %s (%s) takes %s", clk.t.Format("Mon 15:04"), wk.agent.Name, wk.team, who(a.Conversation)))
			busy[id] = &job{a: a, done: clk.t.Add(wk.work)}
		}
	}

	fmt.Fprintln(w, "Timeline")
	for _, l := range timeline {
		fmt.Fprintln(w, "  "+l)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Sent to customers")
	var sent []memchannel.Sent
	for _, k := range []channel.Kind{channel.Facebook, channel.X} {
		for _, s := range adapters[k].Sent() {
			s.Channel = k
			sent = append(sent, s)
		}
	}
	sort.SliceStable(sent, func(i, j int) bool { return sent[i].Receipt.SentAt.Before(sent[j].Receipt.SentAt) })
	for _, s := range sent {
		fmt.Fprintf(w, "  %s  %-8s %-7s %s\n", s.Receipt.SentAt.Format("Mon 15:04"), s.Channel, s.Visibility, s.Text)
	}
	return nil
}

func who(c care.Conversation) string {
	if c.Channel == channel.X {
		return "@" + c.Messages[0].Author.Handle
	}
	return c.Messages[0].Author.Handle
}

// describe turns a desk event into a timeline line ("" to skip it).
func describe(e care.Event) string {
	switch e.Kind {
	case care.Routed:
		return fmt.Sprintf("%s routed to the %s loop", e.Key, e.Loop)
	case care.Acknowledged:
		if e.Auto {
			return e.Key + " acknowledged automatically (nobody had claimed it)"
		}
		return e.Key + " acknowledged by " + e.Agent
	case care.Escalated:
		return e.Key + " ESCALATED: " + e.Detail
	case care.Handoff:
		return fmt.Sprintf("%s handed off by %s to %s: %q", e.Key, e.Agent, e.Team, e.Detail)
	case care.Resolved:
		return fmt.Sprintf("%s resolved by %s (loop %s)", e.Key, e.Agent, e.Loop)
	}
	return ""
}
