// Command console serves the desk's operations console (package console)
// on an airline's morning: customer messages arrive over time on the
// desk's clock, one agent (Ben) works the queue by himself, and you sign in
// as another, or as a lead, to watch the queue, take the next
// conversation, answer it and see the leads' view move, live.
//
//	go run ./examples/console                 # in memory; prints the URL
//	go run ./examples/console -for 30s        # stops by itself after 30s
//	go run ./examples/console -db "$SOCIALCARE_TEST_DATABASE_URL"   # on PostgreSQL (pgqueue + pgcare)
//
// The sign-in is the console's demo sign-in (anyone may act as anyone);
// a deployment passes its own identity hook (console.Config.Identify).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/socialcare/socialcare/analytics"
	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/care/pgcare"
	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/channel/memchannel"
	"github.com/socialcare/socialcare/console"
	"github.com/socialcare/socialcare/queue"
	"github.com/socialcare/socialcare/queue/memqueue"
	"github.com/socialcare/socialcare/queue/pgqueue"
	"github.com/socialcare/socialcare/queue/queuedriver"
	"github.com/socialcare/socialcare/sla"
)

type options struct {
	addr   string
	db     string
	schema string
	run    time.Duration
	every  time.Duration
	work   time.Duration
}

func main() {
	var o options
	flag.StringVar(&o.addr, "addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free one)")
	flag.StringVar(&o.db, "db", "", "PostgreSQL URL: run the desk on pgqueue and pgcare instead of in memory")
	flag.StringVar(&o.schema, "schema", "console_demo", "PostgreSQL schema for -db")
	flag.DurationVar(&o.run, "for", 0, "stop after this long (0: until interrupted)")
	flag.DurationVar(&o.every, "every", 4*time.Second, "time between two customer messages")
	flag.DurationVar(&o.work, "work", 9*time.Second, "time Ben takes per conversation (0: Ben does not work)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "console:", err)
		os.Exit(1)
	}
}

// clock is the desk's clock: the morning starts at 07:58 on the demo's
// date and runs at the pace of real time, so the pages' countdowns, which
// run on the browser's clock from the desk's time, stay true.
type clock struct {
	start time.Time
	t0    time.Time
}

func (c *clock) Now() time.Time { return c.start.Add(time.Since(c.t0)) }

// morning is the airline's morning: the customer messages, in order.
var morning = []struct {
	kind   channel.Kind
	handle string
	text   string
	reply  string
}{
	{channel.X, "jmiller_travels", "How much is a one-way ticket from Chicago to L.A. next Friday?", "Fares change daily; the fare finder shows next Friday's options, from $129 one-way."},
	{channel.X, "stranded_sam", "Stranded at O'Hare by the snowstorm, my flight to Denver was cancelled and the rebooking line is down. Please help!", "So sorry, Sam. I've rebooked you on the 14:05 to Denver."},
	{channel.X, "fernanda_lima", "Do you allow pets in the cabin on flights to Miami?", "Yes: small cats and dogs in a carrier under the seat, $95 each way."},
	{channel.X, "carlos_r", "My refund still hasn't arrived after 3 weeks. Email me at carlos.r@example.com", "I'm sorry for the wait, Carlos. Your refund was issued today."},
	{channel.Messenger, "Priya Nair", "URGENT: my daughter is flying alone and her connection in Chicago was cancelled", "Priya, our Chicago team is with her now at gate B12 and she's booked on the 11:40."},
	{channel.X, "ktchen", "Is your lounge in Terminal 3 open this early?", "It opens at 05:30 every day."},
	{channel.X, "lucy_h", "Lost my passport on the plane this morning, flight 212 from Dallas, who do I contact?", "Lucy, I've asked the Dallas crew to search row by row."},
	{channel.X, "vlogger_vic", "The video on your blog post about the new cabins is broken, it won't play", "Thanks Vic, our content team is fixing it."},
	{channel.X, "rachel_k", "Charged twice for my booking ABC123, need a refund", "Sorry, Rachel: the duplicate charge is reversed."},
	{channel.Messenger, "Lena Fischer", "Call me at +1 312 555 0147 about my cancelled booking", "Lena, I'll call you within the hour."},
	{channel.X, "emma_t", "Stuck on the tarmac at O'Hare for 2 hours, no information at all", "Emma, I'm so sorry: de-icing is backed up."},
	{channel.X, "legal_larry", "This is the third cancellation, my lawyer will hear about this", "Larry, I understand; our customer relations team will call you today."},
	{channel.X, "julia_p", "Website is down, can't check in, flight leaves in 2 hours!", "Julia, you're checked in now."},
	{channel.X, "zoe_l", "My wheelchair was damaged on the flight, this is unacceptable", "Zoe, I'm truly sorry. Our accessibility team will repair it at our cost."},
	{channel.X, "owen_c", "Any news on the snowstorm in Chicago? Flying tomorrow", "Tomorrow looks clear; you can change for free if you prefer."},
}

func run(ctx context.Context, o options, out io.Writer) error {
	if o.every <= 0 || o.work < 0 || o.run < 0 {
		return errors.New("-every must be positive, -work and -for not negative")
	}
	if o.run > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.run)
		defer cancel()
	}
	clk := &clock{start: time.Date(2026, 11, 23, 7, 58, 0, 0, time.UTC), t0: time.Now()}

	// The stores: in memory, or PostgreSQL for the queue and the desk.
	var qs queuedriver.Store = memqueue.New()
	var store care.Store
	policies := sla.DefaultPolicies()
	if o.db != "" {
		pool, err := pgxpool.New(ctx, o.db)
		if err != nil {
			return err
		}
		defer pool.Close()
		if err := pgqueue.Migrate(ctx, pool, o.schema); err != nil {
			return err
		}
		if err := pgcare.Migrate(ctx, pool, o.schema); err != nil {
			return err
		}
		pq, err := pgqueue.New(pool, &pgqueue.Config{Schema: o.schema})
		if err != nil {
			return err
		}
		if store, err = pgcare.New(ctx, pool, &pgcare.Config{Schema: o.schema, Policies: policies.List()}); err != nil {
			return err
		}
		qs = pq
	}
	var (
		mu  sync.Mutex
		con *console.Console
	)
	current := func() *console.Console {
		mu.Lock()
		defer mu.Unlock()
		return con
	}
	q, err := queue.New(qs, &queue.Config{Now: clk.Now, OnEvent: func(e queue.Event) {
		if c := current(); c != nil {
			c.PublishQueue(e) // claims by Ben show on the pages at once
		}
	}})
	if err != nil {
		return err
	}

	// The console receives the desk's events; the host's analytics too.
	an, err := analytics.New(nil)
	if err != nil {
		return err
	}
	desk, err := care.New(q, &care.Config{Store: store, Policies: policies, OnEvent: func(e care.Event) {
		if ae, ok := e.Analytics(); ok {
			_ = an.Ingest(ae)
		}
		if c := current(); c != nil {
			c.Publish(e)
		}
	}})
	if err != nil {
		return err
	}
	if o.db != "" {
		if err := desk.Restore(ctx); err != nil {
			return err
		}
	}
	chans := map[channel.Kind]*memchannel.Adapter{}
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
		chans[k] = a
	}
	for _, a := range []care.Agent{{ID: "ana", Name: "Ana Souza", Capacity: 3}, {ID: "ben", Name: "Ben Ito", Capacity: 2}, {ID: "lea", Name: "Lea Park", Capacity: 4}} {
		if err := desk.AddAgent(ctx, a); err != nil && !errors.Is(err, care.ErrAgentExists) {
			return err
		}
	}
	c, err := console.New(desk, &console.Config{InsecureDemoSignIn: true, Analytics: an})
	if err != nil {
		return err
	}
	mu.Lock()
	con = c
	mu.Unlock()

	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/console/", http.StripPrefix("/console", c))
	mux.Handle("/{$}", http.RedirectHandler("/console/", http.StatusSeeOther))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, BaseContext: func(net.Listener) context.Context { return ctx }}
	fmt.Fprintf(out, "console: http://%s/console/  (demo sign-in: anyone may act as any agent; store: %s)\n", ln.Addr(), storeName(o.db))

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if err := q.Start(ctx); err != nil {
		return err
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	wg.Go(func() { errs <- ignoreCancel(desk.Run(ctx)) })
	wg.Go(func() { errs <- ignoreCancel(arrive(ctx, desk, o.every, clk)) })
	if o.work > 0 {
		wg.Go(func() { errs <- ignoreCancel(ben(ctx, desk, o.work)) })
	}
	wg.Go(func() {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			errs <- err
		}
	})
	var first error
	select {
	case <-ctx.Done():
	case first = <-errs:
	}
	cancel()
	sctx, scancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer scancel()
	_ = srv.Shutdown(sctx)
	wg.Wait()
	_ = q.Stop(context.Background())
	close(errs)
	for err := range errs {
		if first == nil {
			first = err
		}
	}
	st, _ := desk.Depth(context.Background())
	fmt.Fprintf(out, "console: stopped; %d conversations waiting, %d messages sent\n", sum(st.WaitingByTeam), len(chans[channel.X].Sent())+len(chans[channel.Messenger].Sent()))
	return first
}

func storeName(db string) string {
	if db != "" {
		return "PostgreSQL (pgqueue, pgcare)"
	}
	return "in memory"
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func ignoreCancel(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return nil
	}
	return err
}

// arrive delivers the morning's messages one every every, then starts
// again with new conversations, as long as ctx lasts.
func arrive(ctx context.Context, desk *care.Desk, every time.Duration, clk *clock) error {
	t := time.NewTicker(every)
	defer t.Stop()
	for round := 0; ; round++ {
		for i, m := range morning {
			id := fmt.Sprintf("%d-%d", round, i)
			msg := channel.Message{ID: "m" + id, Channel: m.kind, Account: "skyways", ConversationID: "c" + id, Text: m.text,
				Author: channel.Author{ID: "u-" + m.handle + id, Handle: m.handle, Name: m.handle}, ReceivedAt: clk.Now()}
			if m.kind == channel.Messenger {
				msg.Visibility = channel.Private
			}
			if _, err := desk.Ingest(ctx, msg); err != nil {
				return fmt.Errorf("ingest %s: %w", id, err)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-t.C:
			}
		}
	}
}

// ben works the queue: he takes the next conversation, answers it with
// the morning's reply and resolves it, at his own pace.
func ben(ctx context.Context, desk *care.Desk, pace time.Duration) error {
	replies := map[string]string{}
	for _, m := range morning {
		replies[m.text] = m.reply
	}
	t := time.NewTicker(pace)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
		a, err := desk.TryNext(ctx, "ben", queue.Filter{})
		if errors.Is(err, queue.ErrNoItem) {
			continue
		}
		if err != nil {
			return err
		}
		text := replies[a.Conversation.Last().Text]
		if text == "" {
			text = "Thanks for writing; we're on it."
		}
		if _, err := desk.ReplyWith(ctx, a, text, care.ReplyOptions{Confirm: true}); err != nil {
			_ = desk.Release(ctx, a)
			continue
		}
		if err := desk.Resolve(ctx, a); err != nil {
			return err
		}
	}
}
