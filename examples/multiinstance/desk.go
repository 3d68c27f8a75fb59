package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/time/rate"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/care/pgcare"
	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/channel/xchannel"
	"github.com/socialcare/socialcare/queue"
	"github.com/socialcare/socialcare/queue/pgqueue"
	"github.com/socialcare/socialcare/sla"
)

// The demo's brand on X and the credentials the fake X API accepts.
const (
	brandID    = "1000"
	brandToken = "demo-token"
	// ackText is the demo's automatic acknowledgement; the platform's
	// count tells it from the agents' replies by its first words.
	ackText   = "Thanks {name}, we have your message and an agent will answer here shortly."
	ackPrefix = "Thanks "
	// replyText is what every agent answers (signed by the desk).
	replyText = "Sorry about that, %s: you are rebooked on the 14:05 and the lounge is on us."
)

// line is one event a desk prints on its standard output, as a JSON line,
// for the demo to count (or for a reader of the terminal).
type line struct {
	// Kind is the care event's kind (care.EventKind.String) or one of the
	// desk process's own: "listening" (Detail: the webhook address),
	// "duplicate" (a redelivered webhook, not taken again), "checked" (an
	// agent checked the platform for a reply that may have been sent;
	// Detail says what it found), "in_flight" (a reply waited for another
	// desk's send to settle), "error" (Detail), "stopped" (Detail: counts).
	Kind string `json:"kind"`
	// Key is the conversation.
	Key string `json:"key,omitempty"`
	// Msg is the customer message (its dedup key) of "arrived" and
	// "duplicate".
	Msg string `json:"msg,omitempty"`
	// Desk is the process (care.Config.Instance).
	Desk string `json:"desk"`
	// Agent is the agent who acted, if any.
	Agent string `json:"agent,omitempty"`
	// Auto marks the desk's automatic acknowledgement.
	Auto bool `json:"auto,omitempty"`
	// ID tells apart the events of one kind on one conversation that may
	// legitimately be several: an SLA alert's target, cycle and share.
	ID string `json:"id,omitempty"`
	// Detail says more, for people.
	Detail string `json:"detail,omitempty"`
}

// printer writes lines to w, one Write each, so that lines from several
// goroutines never interleave and a killed process loses whole lines only.
type printer struct {
	desk string
	mu   sync.Mutex
	w    io.Writer
}

func (p *printer) print(l line) {
	l.Desk = p.desk
	b, err := json.Marshal(l)
	if err != nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	_, _ = p.w.Write(append(b, '\n'))
}

func (p *printer) event(e care.Event) {
	l := line{Kind: e.Kind.String(), Key: e.Key, Agent: e.Agent, Auto: e.Auto, Detail: e.Detail}
	switch e.Kind {
	case care.Arrived:
		l.Msg = "x:" + brandID + ":" + e.Detail
	case care.SLAWarning, care.SLABreach:
		l.ID = fmt.Sprintf("%s/%d/%g", e.SLA.Target, e.SLA.Cycle, e.SLA.Fraction)
	}
	p.print(l)
}

// deskOptions configure one desk process.
type deskOptions struct {
	db, schema, name, listen, api, secret string
	agents                                int
	work, lease, tick, sendTimeout        time.Duration
	sla                                   time.Duration
}

// demoPolicies are the SLA targets of the demo, short enough for warnings
// and breaches to happen while it runs: acknowledge within ack, answer
// within 2×ack, resolve within 6×ack (the default policies count in hours).
func demoPolicies(ack time.Duration) (*sla.Policies, error) {
	return sla.NewPolicies(
		sla.Policy{Name: "x-demo", Channels: []string{"x"}, Acknowledge: ack, FirstResponse: 2 * ack, Resolve: 6 * ack},
		sla.Policy{Name: "default", Acknowledge: ack, Resolve: 6 * ack},
	)
}

// runDesk runs one desk process until ctx ends: a pgxpool, the queue
// (pgqueue) and the desk's state (pgcare) in one schema, a care.Desk whose
// X channel posts to o.api, a webhook Receiver on o.listen, the desk's
// timed work (Run), the queue's maintenance (Start) and o.agents agents.
// It prints its events on out as JSON lines.
func runDesk(ctx context.Context, o deskOptions, out io.Writer, logw io.Writer) error {
	pr := &printer{desk: o.name, w: out}
	log := slog.New(slog.NewTextHandler(logw, &slog.HandlerOptions{Level: slog.LevelWarn})).With("desk", o.name)
	pcfg, err := pgxpool.ParseConfig(o.db)
	if err != nil {
		return fmt.Errorf("-db: %w", err)
	}
	// The agents, the webhook handlers and the timed work each hold a
	// connection per statement; pgxpool's default (4 on 2 cores) would make
	// the timed work wait behind them.
	pcfg.MaxConns = max(pcfg.MaxConns, int32(o.agents+6))
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer pool.Close()
	// A desk restarted while PostgreSQL restarts waits for it.
	if err := retry(ctx, 30*time.Second, func() error { return migrate(ctx, pool, o.schema) }); err != nil {
		return err
	}
	qs, err := pgqueue.New(pool, &pgqueue.Config{Schema: o.schema, Logger: log})
	if err != nil {
		return err
	}
	defer qs.Close()
	q, err := queue.New(qs, &queue.Config{LeaseTTL: o.lease, AffinityWindow: -1, PollInterval: 100 * time.Millisecond, Logger: log})
	if err != nil {
		return err
	}
	policies, err := demoPolicies(o.sla)
	if err != nil {
		return err
	}
	var store *pgcare.Store
	if err := retry(ctx, 30*time.Second, func() (err error) {
		store, err = pgcare.New(ctx, pool, &pgcare.Config{Schema: o.schema, Policies: policies.List(), Queue: qs})
		return err
	}); err != nil {
		return err
	}
	desk, err := care.New(q, &care.Config{
		Store: store, Instance: o.name, SendTimeout: o.sendTimeout, TickInterval: o.tick, Policies: policies,
		Acknowledgement: care.AckConfig{Templates: map[string]string{"x": ackText}},
		OnEvent:         pr.event,
		OnError: func(err error) {
			if ctx.Err() == nil { // not the interrupted work of a desk that stops
				pr.print(line{Kind: "error", Detail: err.Error()})
			}
		},
	})
	if err != nil {
		return err
	}
	x, err := xchannel.New(&xchannel.Config{Account: brandID, Token: brandToken + "/" + o.name, BaseURL: o.api,
		HTTPClient: &http.Client{Timeout: o.sendTimeout}})
	if err != nil {
		return err
	}
	// One attempt per send: a retry after an error whose outcome is unknown
	// (a connection cut after the request went out) could post twice. The
	// fake platform takes far more than X's default client-side rate.
	ch, err := channel.Open(x, &channel.Config{MaxAttempts: 1, Rate: rate.Limit(5000), Burst: 500})
	if err != nil {
		return err
	}
	if err := desk.AddChannel(ch); err != nil {
		return err
	}
	wh, err := xchannel.NewWebhook(o.secret)
	if err != nil {
		return err
	}
	dedup := reportingDedup{DedupStore: desk.Dedup(), pr: pr}
	sink := func(ctx context.Context, m channel.Message) error {
		in, err := desk.Ingest(ctx, m)
		if err == nil && in.Duplicate { // another desk took it meanwhile
			pr.print(line{Kind: "duplicate", Key: in.Key, Msg: channel.DedupKey(&m)})
		}
		return err
	}
	rcv, err := channel.NewReceiver(wh, sink, &channel.ReceiverConfig{Dedup: dedup, Statuses: desk.Statuses(), Logger: log})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/webhooks/x", rcv)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}

	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	if err := q.Start(runCtx); err != nil {
		return err
	}
	var wg sync.WaitGroup
	wg.Go(func() { _ = desk.Run(runCtx) })
	wg.Go(func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			pr.print(line{Kind: "error", Detail: "webhook server: " + err.Error()})
		}
	})
	pr.print(line{Kind: "listening", Detail: ln.Addr().String()})

	search := &platformSearch{api: o.api, token: brandToken + "/" + o.name, client: &http.Client{Timeout: o.sendTimeout}}
	var counts agentCounts
	for i := range o.agents {
		id := fmt.Sprintf("%s-agent%d", o.name, i+1)
		ag := &agent{desk: desk, id: id, pr: pr, platform: search, work: o.work, counts: &counts}
		for {
			err := desk.AddAgent(runCtx, care.Agent{ID: id, Name: fmt.Sprintf("Agent %d of %s", i+1, o.name)})
			if err == nil || ctx.Err() != nil {
				break
			}
			pr.print(line{Kind: "error", Agent: id, Detail: err.Error()})
			sleep(runCtx, 200*time.Millisecond)
		}
		wg.Go(func() { ag.run(runCtx) })
	}

	<-ctx.Done()
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shut)
	stop()
	wg.Wait()
	_ = q.Stop(shut)
	pr.print(line{Kind: "stopped", Detail: counts.String()})
	return nil
}

// migrate brings the schema up to date for the queue and the desk's state
// (both idempotent and serialized between processes).
func migrate(ctx context.Context, pool *pgxpool.Pool, schema string) error {
	if err := pgqueue.Migrate(ctx, pool, schema); err != nil {
		return fmt.Errorf("migrate the queue: %w", err)
	}
	if err := pgcare.Migrate(ctx, pool, schema); err != nil {
		return fmt.Errorf("migrate the desk's store: %w", err)
	}
	return nil
}

// reportingDedup is the desk's dedup for the Receiver, reporting each
// redelivery it recognises as a "duplicate" line.
type reportingDedup struct {
	channel.DedupStore
	pr *printer
}

func (r reportingDedup) Claim(ctx context.Context, key string, now, expires time.Time) (bool, error) {
	isNew, err := r.DedupStore.Claim(ctx, key, now, expires)
	if err == nil && !isNew {
		r.pr.print(line{Kind: "duplicate", Msg: key})
	}
	return isNew, err
}

// retry calls f until it succeeds, ctx ends or within has passed, and
// returns its last error.
func retry(ctx context.Context, within time.Duration, f func() error) error {
	deadline := time.Now().Add(within)
	for {
		err := f()
		if err == nil || ctx.Err() != nil || time.Now().After(deadline) {
			return err
		}
		sleep(ctx, 500*time.Millisecond)
	}
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// exitIfNoDatabase handles a run with no PostgreSQL configured (a fresh
// clone): it says what the example needs and exits 0.
func exitIfNoDatabase(db string) {
	if db != "" {
		return
	}
	fmt.Fprintln(os.Stderr, `multiinstance: no PostgreSQL configured, nothing to run.
This example runs care desks as separate processes sharing one PostgreSQL. Give it a database:
  export SOCIALCARE_TEST_DATABASE_URL='postgres://postgres@127.0.0.1:5432/test?sslmode=disable'
  go run ./examples/multiinstance -demo     # 3 desks as child processes, checked
(-h lists the flags; the README's "Several instances on one PostgreSQL" shows a two-terminal run.)`)
	os.Exit(0)
}
