// Command quickstart runs a scripted morning at an airline's care desk, in
// memory, on a virtual clock, as a host would run it: 30 customer messages
// over X and Messenger, two agents working one queue, and the desk's
// scheduler (Tick) running every virtual minute. It prints the order in
// which conversations were served and why each came next (score, waiting,
// deadline), every conversation's acknowledgement against its SLA (the
// desk's automatic "you've been heard" or the agent's reply), and the SLA
// attainment.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/channel/memchannel"
	"github.com/socialcare/socialcare/queue"
	"github.com/socialcare/socialcare/queue/memqueue"
	"github.com/socialcare/socialcare/sla"
)

// clock is a virtual clock: the whole morning runs in milliseconds.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

// scripted is one customer message of the morning.
type scripted struct {
	at        string // "08:01"
	kind      channel.Kind
	handle    string
	followers int
	verified  bool
	text      string
	reply     string
	private   bool // a Messenger conversation
}

var morning = []scripted{
	{at: "08:00", kind: channel.X, handle: "jmiller_travels", text: "How much is a one-way ticket from Chicago to L.A. next Friday?", reply: "Fares change daily; the fare finder shows next Friday's options, from $129 one-way."},
	{at: "08:01", kind: channel.X, handle: "stranded_sam", text: "Stranded at O'Hare by the snowstorm, my flight to Denver was cancelled and the rebooking line is down. Please help!", reply: "So sorry, Sam. I've rebooked you on the 14:05 to Denver and sent a hotel voucher in case it slips."},
	{at: "08:02", kind: channel.X, handle: "fernanda_lima", text: "Do you allow pets in the cabin on flights to Miami?", reply: "Yes: small cats and dogs in a carrier under the seat, $95 each way."},
	{at: "08:03", kind: channel.X, handle: "travelwithmaya", followers: 250000, verified: true, text: "Flying with you to LAX tomorrow, what's the carry-on size limit?", reply: "Hi Maya! 22 x 14 x 9 inches, plus a personal item. Have a great trip."},
	{at: "08:04", kind: channel.X, handle: "dianaprince", text: "Can I upgrade my seat on tomorrow's flight to Boston?", reply: "Of course, Diana: I've moved you to 2A at no charge. Enjoy the flight."},
	{at: "08:05", kind: channel.X, handle: "carlos_r", text: "My refund still hasn't arrived after 3 weeks. Email me at carlos.r@example.com", reply: "I'm sorry for the wait, Carlos. Your refund was issued today; please delete your public tweet with your e-mail address."},
	{at: "08:06", kind: channel.X, handle: "ktchen", text: "Is your lounge in Terminal 3 open this early?", reply: "It opens at 05:30 every day."},
	{at: "08:07", kind: channel.Messenger, handle: "Oliver Grant", private: true, text: "Hi, I'd like to know the baggage allowance for international flights", reply: "Two checked bags of 23 kg each on international flights."},
	{at: "08:08", kind: channel.Messenger, handle: "Priya Nair", private: true, text: "URGENT: my daughter is flying alone and her connection in Chicago was cancelled", reply: "Priya, our Chicago team is with her now at gate B12 and she's booked on the 11:40. I'll stay on this with you."},
	{at: "08:09", kind: channel.X, handle: "bob_b", text: "Is wifi free on domestic flights?", reply: "Messaging is free; full wifi is $8 per flight."},
	{at: "08:12", kind: channel.X, handle: "nina_w", text: "Not urgent, but how do I add my frequent flyer number to a booking?", reply: "Under Manage booking > Passengers you can add it any time before check-in."},
	{at: "08:15", kind: channel.Messenger, handle: "Marco Rossi", private: true, text: "Can I bring my bike as checked luggage?", reply: "Yes, boxed, as one checked bag plus a $75 sports-equipment fee."},
	{at: "08:18", kind: channel.X, handle: "aviationgeek", followers: 48000, text: "Which aircraft flies the ORD-LAX route in the morning?", reply: "The 07:10 and 09:45 are A321neos."},
	{at: "08:20", kind: channel.X, handle: "lucy_h", text: "Lost my passport on the plane this morning, flight 212 from Dallas, who do I contact?", reply: "Lucy, I've asked the Dallas crew to search row by row; we'll DM you the moment it turns up."},
	{at: "08:24", kind: channel.Messenger, handle: "Tom Becker", private: true, text: "Thanks for the help yesterday!", reply: "Glad we could help, Tom!"},
	{at: "08:30", kind: channel.X, handle: "rachel_k", text: "Charged twice for my booking ABC123, need a refund", reply: "Sorry, Rachel: the duplicate charge is reversed and will show in 3-5 days."},
	{at: "08:33", kind: channel.Messenger, handle: "Ahmed Saleh", private: true, text: "What documents do I need for a flight to Canada?", reply: "A valid passport, and an eTA unless you are a US citizen."},
	{at: "08:36", kind: channel.X, handle: "pete_s", text: "Is there a student discount?", reply: "Not on fares, but students get a free extra checked bag."},
	{at: "08:40", kind: channel.X, handle: "gina_m", text: "My flight is delayed 3 hours, will I miss my connection in Denver?", reply: "Gina, you'd miss it, so I've protected you on the next Denver connection at 16:20."},
	{at: "08:44", kind: channel.Messenger, handle: "Sofia Alves", private: true, text: "How do I change the name on my ticket?", reply: "Small corrections are free; send me the booking code and I'll fix it."},
	{at: "08:48", kind: channel.X, handle: "harold_b", text: "Do you serve vegetarian meals?", reply: "Yes, order one up to 24 hours before departure."},
	{at: "08:52", kind: channel.X, handle: "emma_t", text: "Stuck on the tarmac at O'Hare for 2 hours, no information at all", reply: "Emma, I'm so sorry: de-icing is backed up; the captain expects to leave in 20 minutes."},
	{at: "08:55", kind: channel.Messenger, handle: "Lena Fischer", private: true, text: "Call me at +1 312 555 0147 about my cancelled booking", reply: "Lena, I'll call you within the hour; your booking is already refunded in full."},
	{at: "09:00", kind: channel.X, handle: "mark_d", text: "How early should I arrive for an international flight?", reply: "Three hours before departure is safest."},
	{at: "09:05", kind: channel.X, handle: "julia_p", text: "Website is down, can't check in, flight leaves in 2 hours!", reply: "Julia, you're checked in now: boarding pass sent to the e-mail on your booking."},
	{at: "09:10", kind: channel.Messenger, handle: "Kai Mori", private: true, text: "Can I get a receipt for my last trip?", reply: "Sent to your e-mail just now."},
	{at: "09:15", kind: channel.X, handle: "sam_o", text: "What's the cheapest fare to Orlando in March?", reply: "From $89 one-way on Tuesdays and Wednesdays in March."},
	{at: "09:20", kind: channel.X, handle: "zoe_l", text: "My wheelchair was damaged on the flight, this is unacceptable", reply: "Zoe, I'm truly sorry. Our accessibility team will replace or repair it at our cost; they'll contact you today."},
	{at: "09:25", kind: channel.Messenger, handle: "Ivan Petrov", private: true, text: "Do you have flights to Reykjavik?", reply: "Not yet, but our partner flies there daily from Boston."},
	{at: "09:28", kind: channel.X, handle: "owen_c", text: "Any news on the snowstorm in Chicago? Flying tomorrow", reply: "Tomorrow looks clear; you can change for free if you prefer."},
}

// handleTime is how long an agent spends on a conversation before replying.
func handleTime(score float64) time.Duration {
	if score >= 40 {
		return 9 * time.Minute
	}
	return 5 * time.Minute
}

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// ack is when a conversation heard from the brand first, and from whom.
type ack struct {
	at   time.Time
	auto bool
	by   string
}

func run(ctx context.Context, w io.Writer) error {
	day := time.Date(2026, 1, 12, 0, 0, 0, 0, time.UTC) // a Monday
	clk := &clock{t: day.Add(8 * time.Hour)}

	q, err := queue.New(memqueue.New(), &queue.Config{Now: clk.Now})
	if err != nil {
		return err
	}
	acks := map[string]ack{}
	desk, err := care.New(q, &care.Config{VIPs: []string{"dianaprince"}, OnEvent: func(e care.Event) {
		if e.Kind == care.Acknowledged {
			acks[e.Key] = ack{at: e.At, auto: e.Auto, by: e.Agent}
		}
	}})
	if err != nil {
		return err
	}
	adapters := map[channel.Kind]*memchannel.Adapter{}
	for _, k := range []channel.Kind{channel.X, channel.Messenger} {
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

	replies := map[string]string{} // conversation key -> scripted reply
	var keys []string
	for i, s := range morning {
		at, err := time.Parse("15:04", s.at)
		if err != nil {
			return fmt.Errorf("script line %d: %w", i, err)
		}
		vis := channel.Public
		if s.private {
			vis = channel.Private
		}
		conv := fmt.Sprintf("c%02d", i+1)
		adapters[s.kind].Script(channel.Message{
			ID: fmt.Sprintf("m%02d", i+1), ConversationID: conv, Visibility: vis,
			Author:     channel.Author{ID: fmt.Sprintf("u%02d", i+1), Handle: s.handle, Followers: s.followers, Verified: s.verified},
			Text:       s.text,
			ReceivedAt: day.Add(time.Duration(at.Hour())*time.Hour + time.Duration(at.Minute())*time.Minute),
		})
		key := string(s.kind) + ":skyways:" + conv
		replies[key] = s.reply
		keys = append(keys, key)
	}

	agents := []care.Agent{{ID: "ana", Name: "Ana Souza", Capacity: 1}, {ID: "ben", Name: "Ben Ortiz", Capacity: 1}}
	signIn := day.Add(8*time.Hour + 10*time.Minute)
	type work struct {
		a    *care.Assignment
		done time.Time
	}
	busy := map[string]*work{}
	var served []claim

	fmt.Fprintf(w, "Skyways care desk, Monday %s: %d messages on X and Messenger from 08:00;\n",
		day.Format("2 January 2006"), len(morning))
	fmt.Fprintf(w, "agents Ana and Ben sign in at 08:10. The desk's scheduler runs every virtual minute.\n\n")

	for clk.t.Before(day.Add(12*time.Hour)) && (len(served) < len(morning) || len(busy) > 0) {
		for _, a := range adapters {
			if _, err := a.DeliverDue(ctx, clk.t, desk.Sink()); err != nil {
				return err
			}
		}
		if clk.t.Equal(signIn) {
			for _, a := range agents {
				if err := desk.AddAgent(ctx, a); err != nil {
					return err
				}
			}
		}
		for _, ag := range agents {
			if wk := busy[ag.ID]; wk != nil && !clk.t.Before(wk.done) {
				if _, err := desk.ReplyWith(ctx, wk.a, replies[wk.a.Conversation.Key], care.ReplyOptions{Confirm: true}); err != nil {
					return err
				}
				if err := desk.Resolve(ctx, wk.a); err != nil {
					return err
				}
				delete(busy, ag.ID)
			}
			if busy[ag.ID] == nil && !clk.t.Before(signIn) {
				a, err := desk.TryNext(ctx, ag.ID, queue.Filter{})
				if errors.Is(err, queue.ErrNoItem) {
					continue
				}
				if err != nil {
					return err
				}
				it := a.Lease().Item()
				busy[ag.ID] = &work{a: a, done: clk.t.Add(handleTime(a.Conversation.Score.Value))}
				served = append(served, claim{c: a.Conversation, agent: ag.Name, at: clk.t, item: it, urgency: q.Urgency(&it, clk.t)})
			}
		}
		// The desk's timed work: acknowledgements, SLA alerts, escalations,
		// and keeping the agents' leases while they write.
		if err := desk.Tick(ctx); err != nil {
			return err
		}
		clk.t = clk.t.Add(time.Minute)
	}

	printServed(w, served)
	if err := printAcks(ctx, w, desk, keys, acks); err != nil {
		return err
	}
	printAttainment(w, desk)
	return nil
}

// claim is a conversation an agent took, with the queue item as it was
// then and its urgency at that moment.
type claim struct {
	c       care.Conversation
	agent   string
	at      time.Time
	item    queue.Item
	urgency float64
}

func who(c care.Conversation) string {
	m := c.Messages[0]
	if m.Channel == channel.X {
		return "@" + m.Author.Handle
	}
	return m.Author.Handle
}

// minutes formats d as "42m" or "1h05m".
func minutes(d time.Duration) string {
	d = d.Round(time.Minute)
	if d >= time.Hour {
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dm", int(d.Minutes()))
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func printServed(w io.Writer, served []claim) {
	fmt.Fprintln(w, "Order served. At each claim the queue hands out the highest urgency:")
	fmt.Fprintln(w, "  urgency = score + 0.5 per minute waited + 0.5 per minute past the deadline (minus before it)")
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "#\tat\tagent\tcustomer\tscore\twaited\tdeadline\turgency\t")
	for i, s := range served {
		waited := s.at.Sub(s.item.EnqueuedAt).Minutes()
		toDeadline := s.item.Deadline.Sub(s.at).Minutes()
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%.0f\t%+.1f\t%+.1f\t%.1f\t\n", i+1, s.at.Format("15:04"), strings.Fields(s.agent)[0],
			clip(who(s.c), 16), s.c.Score.Value, 0.5*waited, -0.5*toDeadline, s.urgency)
	}
	tw.Flush()
	fmt.Fprintln(w, "Why each score (the scorer's reasons):")
	for i, s := range served {
		fmt.Fprintf(w, "%3d %s\n", i+1, clip(s.c.Score.Explain()+": "+s.c.Messages[0].Text, 95))
	}
	fmt.Fprintln(w)
}

func printAcks(ctx context.Context, w io.Writer, desk *care.Desk, keys []string, acks map[string]ack) error {
	fmt.Fprintln(w, "First word from the brand, against the acknowledgement target")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "customer\tchannel\treceived\tanswered\ttook\ttarget\tSLA\tby")
	for _, k := range keys {
		c, err := desk.Conversation(ctx, k)
		if err != nil {
			return err
		}
		m := c.Messages[0]
		a := acks[k]
		took := a.at.Sub(m.ReceivedAt)
		met := "met"
		if took > c.Policy.Acknowledge {
			met = "MISSED"
		}
		by := a.by
		if a.auto {
			by = "desk (auto)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", clip(who(c), 18), m.Channel, m.ReceivedAt.Format("15:04"), a.at.Format("15:04"),
			minutes(took), minutes(c.Policy.Acknowledge), met, by)
	}
	tw.Flush()
	fmt.Fprintln(w)
	return nil
}

func printAttainment(w io.Writer, desk *care.Desk) {
	fmt.Fprintln(w, "SLA attainment (the desk's clocks, in business time)")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "scope\ttarget\tcount\tmet\tattainment\tp50\tp90")
	scopes := []struct {
		name string
		keep func(sla.Measurement) bool
	}{
		{"all", nil},
		{"x", func(m sla.Measurement) bool { return m.Channel == "x" }},
		{"messenger", func(m sla.Measurement) bool { return m.Channel == "messenger" }},
	}
	for _, sc := range scopes {
		for _, s := range desk.Attainment(sc.keep) {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.0f%%\t%s\t%s\n", sc.name, s.Target, s.Count, s.Met, s.Percent(), minutes(s.P50), minutes(s.P90))
		}
	}
	tw.Flush()
	fmt.Fprintln(w, "Targets: acknowledge X within 30m, Messenger within 1h; resolve within 24h (sla.DefaultPolicies).")
}
