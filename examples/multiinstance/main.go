// Command multiinstance runs care desks as separate processes that share one
// PostgreSQL and act as one desk. Each desk process is a whole desk: the
// queue (pgqueue) and the desk's state (pgcare) in one schema, an X channel
// (xchannel) posting to X's API, a webhook receiver of its own for X's
// signed deliveries, the desk's timed work (Desk.Run: one desk, elected by
// a lease in the store, sends the acknowledgements and SLA alerts), the
// queue's maintenance, and scripted agents who take the most urgent
// conversation, answer it and resolve it. Any desk takes any webhook and
// any agent serves any conversation; a message redelivered to another desk
// is a duplicate; a desk killed mid-send leaves a record that another desk
// turns into a "may have been sent" turn, which an agent checks on the
// platform before answering, so no reply goes out twice.
//
// Each desk prints its events on standard output as JSON lines (kind, key,
// desk, agent, detail).
//
// The self-checking demo (-demo) resets the schema, runs a fake X API in
// its own process, starts -desks desk processes (this program again),
// posts -conversations signed webhooks spread over all of them (and
// redelivers some to another desk), waits until every conversation is
// resolved and checks: every conversation answered exactly once at the
// platform, at most one acknowledgement each, no acknowledgement, SLA
// warning or breach, or reply emitted twice across all desks, none lost.
// -kill SIGKILLs one desk at a random moment and restarts it (with
// -kill-mid-send, right after the platform took one of its replies, before
// the desk could record it); -restart-pg restarts PostgreSQL mid-load:
//
//	export SOCIALCARE_TEST_DATABASE_URL='postgres://postgres@127.0.0.1:5432/test?sslmode=disable'
//	go run ./examples/multiinstance -demo -kill
//
// By hand, in two terminals, the first desk also plays X (-fake-x: the fake
// X API, and the load it posts to both desks once they listen):
//
//	go run ./examples/multiinstance -name desk-a -listen 127.0.0.1:8081 -fake-x 127.0.0.1:8090 -post 200 -to http://127.0.0.1:8081/webhooks/x,http://127.0.0.1:8082/webhooks/x
//	go run ./examples/multiinstance -name desk-b -listen 127.0.0.1:8082 -api http://127.0.0.1:8090
//
// With no database configured (-db or SOCIALCARE_TEST_DATABASE_URL) it says
// what it needs and exits 0.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	var (
		o    deskOptions
		demo demoOptions
		hand handOptions
	)
	flag.StringVar(&o.db, "db", os.Getenv("SOCIALCARE_TEST_DATABASE_URL"), "PostgreSQL URL (defaults to $SOCIALCARE_TEST_DATABASE_URL)")
	flag.StringVar(&o.schema, "schema", "multiinstance", "schema of the queue's and the desks' tables (-demo drops and recreates it)")
	flag.StringVar(&o.name, "name", "desk-a", "this desk's name (care.Config.Instance)")
	flag.StringVar(&o.listen, "listen", "127.0.0.1:8081", "address of this desk's webhook receiver (POST /webhooks/x)")
	flag.StringVar(&o.api, "api", "http://127.0.0.1:8090", "base URL of the X API the desk posts to (a fake one: see -fake-x and -demo)")
	flag.StringVar(&o.secret, "secret", "demo-app-secret", "the X app's secret that signs webhooks")
	flag.IntVar(&o.agents, "agents", 8, "agents on this desk")
	flag.DurationVar(&o.work, "work", 2*time.Millisecond, "time an agent spends reading a conversation before answering")
	flag.DurationVar(&o.lease, "lease", 3*time.Second, "the queue's LeaseTTL: how soon a killed desk's conversations go back to the queue")
	flag.DurationVar(&o.tick, "tick", time.Second, "care.Config.TickInterval (at most a third of -lease); the timed work moves to another desk 3 ticks after its runner stops")
	flag.DurationVar(&o.sendTimeout, "send-timeout", 2*time.Second, "care.Config.SendTimeout: a send left unsettled twice this long becomes \"may have been sent\"")
	flag.DurationVar(&o.sla, "sla", time.Second, "the demo's SLA: acknowledge within it, answer within twice, resolve within 6 times")

	flag.BoolVar(&demo.verbose, "v", false, "with -demo: echo every desk event and log line")
	isDemo := flag.Bool("demo", false, "run the self-checking demo: a fake X API, -desks desk processes, -conversations webhooks")
	flag.IntVar(&demo.desks, "desks", 3, "with -demo: desk processes")
	flag.IntVar(&demo.conversations, "conversations", 300, "with -demo: conversations (one signed webhook each)")
	flag.IntVar(&demo.redeliver, "redeliver", 20, "with -demo: every n-th webhook is delivered again, to another desk (0: none)")
	flag.Float64Var(&demo.rate, "rate", 500, "with -demo: webhooks per second (0: as fast as the desks take them)")
	flag.BoolVar(&demo.kill, "kill", false, "with -demo: SIGKILL one random desk at a random moment and restart it")
	flag.BoolVar(&demo.killMidSend, "kill-mid-send", false, "with -kill: kill the desk right after the platform took one of its agents' replies, before the desk records it (the reply becomes \"may have been sent\")")
	flag.StringVar(&demo.restartPG, "restart-pg", "", "with -demo: shell command that restarts PostgreSQL, run at a random moment mid-load")
	flag.Uint64Var(&demo.seed, "seed", 0, "with -demo: random seed (0: from the clock)")
	flag.DurationVar(&demo.timeout, "timeout", 2*time.Minute, "with -demo: give up if the conversations are not all resolved by then")

	flag.StringVar(&hand.fakeX, "fake-x", "", "by hand: also serve the fake X API on this address (the other desks' -api)")
	flag.IntVar(&hand.post, "post", 0, "by hand, with -fake-x: post this many signed webhooks over the -to desks once they listen, and check the platform")
	flag.StringVar(&hand.to, "to", "", "by hand, with -post: comma-separated webhook URLs of the desks")
	flag.Parse()

	exitIfNoDatabase(o.db)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch {
	case *isDemo:
		demo.desk = o
		err = runDemo(ctx, demo, os.Stdout)
	default:
		if hand.fakeX != "" {
			hand.secret, hand.to = o.secret, strings.TrimSpace(hand.to)
			o.api = "http://" + hand.fakeX
			err = runHand(ctx, o, hand)
			break
		}
		err = runDesk(ctx, o, os.Stdout, os.Stderr)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "multiinstance:", err)
		os.Exit(1)
	}
}
