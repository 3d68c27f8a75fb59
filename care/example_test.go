package care_test

import (
	"context"
	"fmt"
	"time"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/channel/memchannel"
	"github.com/socialcare/socialcare/queue"
	"github.com/socialcare/socialcare/queue/memqueue"
	"github.com/socialcare/socialcare/sla"
)

// A desk on in-memory parts: a legal threat is routed to the legal loop, an
// agent replies, and the customer's public e-mail address makes the reply
// private, with a public note and a private request to delete the post.
func Example() {
	ctx := context.Background()
	now := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	q, _ := queue.New(memqueue.New(), &queue.Config{Now: clock})
	desk, err := care.New(q, &care.Config{OnEvent: func(e care.Event) {
		if e.Kind == care.Routed {
			fmt.Println("routed:", e.Detail)
		}
	}})
	if err != nil {
		panic(err)
	}
	x, _ := memchannel.New(channel.X, &memchannel.Config{Now: clock})
	ch, _ := channel.New(x)
	_ = desk.AddChannel(ch)
	_ = desk.AddAgent(ctx, care.Agent{ID: "lee", Name: "Lee Garcia"})

	in, _ := desk.Ingest(ctx, channel.Message{
		ID: "t1", Channel: channel.X, Account: "brand", ConversationID: "t1", ReceivedAt: now,
		Author: channel.Author{ID: "u1", Handle: "angry_al"},
		Text:   "My lawyer will hear about this. Write to al@example.com",
	})
	fmt.Println("resolve by:", in.Deadlines.ResolveBy.Format("Mon 15:04"))

	a, _ := desk.TryNext(ctx, "lee", queue.Filter{Teams: []string{"legal"}})
	sent, _ := desk.Reply(ctx, a, "I'm sorry, Al. Our legal team has your case and will write to you today.")
	fmt.Println(sent.Outbound.Visibility, "|", sent.Outbound.Text)
	fmt.Println(sent.PublicNote.Visibility, "|", sent.PublicNote.Text)
	fmt.Println(sent.DeleteRequest.Visibility, "|", sent.DeleteRequest.Text)
	// Output:
	// routed: legal (rule "legal threat": topic legal ("lawyer")); owner team legal, answered by legal
	// resolve by: Tue 09:00
	// private | I'm sorry, Al. Our legal team has your case and will write to you today. ^LG
	// public | We've sent you a private message to keep your details safe. ^LG
	// private | For your safety, please delete your public post: it shows your e-mail address. We'll continue here.
}

// SLA targets count in business hours: a complaint on Friday at 16:50, to
// a team that works 09:00–17:00 on weekdays, is due for acknowledgement on
// Monday at 09:20, and its resolution (8 business hours) on Monday at
// 16:50. Nobody answers; each Tick reports the warnings (75% and 90% of the
// target's business time) and breaches that came due since the last one,
// each once.
func ExampleDesk_Tick() {
	ctx := context.Background()
	now := time.Date(2026, 1, 9, 16, 50, 0, 0, time.UTC) // a Friday
	clock := func() time.Time { return now }
	day := []sla.Interval{{Start: 9 * time.Hour, End: 17 * time.Hour}}
	cal, _ := sla.NewCalendar(sla.CalendarConfig{Hours: [7][]sla.Interval{
		time.Monday: day, time.Tuesday: day, time.Wednesday: day, time.Thursday: day, time.Friday: day}})
	policies, _ := sla.NewPolicies(sla.Policy{Name: "office", Acknowledge: 30 * time.Minute, Resolve: 8 * time.Hour, Calendar: cal})
	q, _ := queue.New(memqueue.New(), &queue.Config{Now: clock})
	desk, err := care.New(q, &care.Config{Policies: policies, Acknowledgement: care.AckConfig{Disabled: true},
		OnEvent: func(e care.Event) {
			if e.Kind == care.SLAWarning || e.Kind == care.SLABreach {
				fmt.Printf("%s %s %s %.0f%% (came due %s, deadline %s)\n", e.At.Format("Mon 15:04"), e.Key, e.Kind,
					100*e.SLA.Fraction, e.SLA.DueAt.Format("Mon 15:04"), e.SLA.Due.Format("Mon 15:04"))
			}
		}})
	if err != nil {
		panic(err)
	}
	x, _ := memchannel.New(channel.X, &memchannel.Config{Now: clock})
	ch, _ := channel.New(x)
	_ = desk.AddChannel(ch)
	_, _ = desk.Ingest(ctx, channel.Message{ID: "t1", Channel: channel.X, Account: "brand", ConversationID: "t1",
		Author: channel.Author{ID: "u1", Handle: "sam"}, Text: "My order never arrived"})
	for _, at := range []time.Time{
		time.Date(2026, 1, 9, 17, 30, 0, 0, time.UTC), // Friday after closing: no business time has passed
		time.Date(2026, 1, 12, 9, 15, 0, 0, time.UTC), // Monday
		time.Date(2026, 1, 12, 9, 30, 0, 0, time.UTC), // the acknowledgement was due at 09:20
		time.Date(2026, 1, 13, 9, 0, 0, 0, time.UTC),  // Tuesday
		time.Date(2026, 1, 14, 9, 0, 0, 0, time.UTC),  // Wednesday: nothing fires twice
	} {
		now = at
		_ = desk.Tick(ctx)
	}
	// Output:
	// Mon 09:15 x:brand:t1 sla_warning 75% (came due Mon 09:12, deadline Mon 09:20)
	// Mon 09:30 x:brand:t1 sla_warning 90% (came due Mon 09:17, deadline Mon 09:20)
	// Mon 09:30 x:brand:t1 sla_breach 100% (came due Mon 09:20, deadline Mon 09:20)
	// Tue 09:00 x:brand:t1 sla_warning 75% (came due Mon 14:50, deadline Mon 16:50)
	// Tue 09:00 x:brand:t1 sla_warning 90% (came due Mon 16:02, deadline Mon 16:50)
	// Tue 09:00 x:brand:t1 sla_breach 100% (came due Mon 16:50, deadline Mon 16:50)
}

func ExampleRouter() {
	r, _ := care.NewRouter(nil)
	for _, text := range []string{
		"The video in your blog post is broken",
		"I'm talking to my attorney",
		"Where is my bag?",
	} {
		d := r.Route(channel.Message{Channel: channel.X, Text: text}, 0)
		fmt.Printf("%s → %s (escalates to %s)\n", text, d.Loop.Team, d.Loop.Escalation[0].To)
	}
	// Output:
	// The video in your blog post is broken → content (escalates to content-editor)
	// I'm talking to my attorney → legal (escalates to general-counsel)
	// Where is my bag? → customer-service (escalates to care-lead)
}

func ExampleDetector_Find() {
	d, _ := care.NewDetector(nil)
	for _, p := range d.Find("Reach me at +44 7911 123456 or jo@example.com; card 4111 1111 1111 1111") {
		fmt.Printf("%s: %s\n", p.Kind, p.Text)
	}
	// Output:
	// e-mail address: jo@example.com
	// card number: 4111 1111 1111 1111
	// phone number: +44 7911 123456
}

func ExampleParseSignature() {
	for _, text := range []string{"Hope this helps! ^JS", "Check the locator. -Richard", "Thanks!"} {
		s, ok := care.ParseSignature(text)
		fmt.Println(ok, s.Marker, s.Who)
	}
	// Output:
	// true ^ JS
	// true - Richard
	// false
}

func ExampleListener_Mentions() {
	l, _ := care.NewListener(&care.ListeningConfig{Brands: []string{"Skyways"}, Handles: []string{"skyways"}})
	for _, text := range []string{"@skyways lost my bag", "skywasy lost my bag", "flying Skyways today"} {
		for _, m := range l.Mentions(text) {
			fmt.Println(m.Kind, m.Brand, m.Distance)
		}
	}
	// Output:
	// tagged skyways 0
	// misspelled Skyways 1
	// untagged Skyways 0
}
