// Command multiinstance runs two desk processes that share one PostgreSQL
// queue: each registers its agents, and every agent claims the most urgent
// conversation, handles it and completes it. A conversation is handled by
// exactly one agent of one desk; a desk that dies loses nothing, since its
// leases expire and the other desk takes the conversations.
//
// Against a local PostgreSQL (see README), either run the self-checking
// demo, which starts desks A and B as child processes:
//
//	go run ./examples/multiinstance -db postgres://postgres@127.0.0.1:5432/test?sslmode=disable -demo
//
// or start the desks yourself in two terminals:
//
//	go run ./examples/multiinstance -db $URL -desk A -enqueue 200
//	go run ./examples/multiinstance -db $URL -desk B
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/socialcare/socialcare/queue"
	"github.com/socialcare/socialcare/queue/pgqueue"
)

type options struct {
	db, schema, desk string
	agents, enqueue  int
	work, idle, ttl  time.Duration
}

func main() {
	var o options
	demo := flag.Bool("demo", false, "reset the schema, enqueue -enqueue conversations, run desks A and B as child processes and check that each conversation was handled exactly once")
	flag.StringVar(&o.db, "db", os.Getenv("SOCIALCARE_TEST_DATABASE_URL"), "PostgreSQL URL (defaults to $SOCIALCARE_TEST_DATABASE_URL)")
	flag.StringVar(&o.schema, "schema", "multiinstance", "schema that holds the shared queue")
	flag.StringVar(&o.desk, "desk", "A", "name of this desk")
	flag.IntVar(&o.agents, "agents", 3, "agents on this desk")
	flag.IntVar(&o.enqueue, "enqueue", 0, "conversations to enqueue before working (with -demo: defaults to 200)")
	flag.DurationVar(&o.work, "work", 20*time.Millisecond, "time an agent spends on a conversation")
	flag.DurationVar(&o.idle, "idle", 2*time.Second, "stop after the queue has been empty this long (0: run until interrupted)")
	flag.DurationVar(&o.ttl, "ttl", 10*time.Second, "lease TTL")
	flag.Parse()
	if o.db == "" {
		fmt.Fprintln(os.Stderr, "multiinstance: -db or SOCIALCARE_TEST_DATABASE_URL is required")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var err error
	if *demo {
		if o.enqueue == 0 {
			o.enqueue = 200
		}
		err = runDemo(ctx, o, os.Stdout)
	} else {
		_, err = runDesk(ctx, o, os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "multiinstance:", err)
		os.Exit(1)
	}
}

// runDesk runs one desk until the queue stays empty for o.idle; it prints
// one "HANDLED <desk> <agent> <key>" line per conversation.
func runDesk(ctx context.Context, o options, out io.Writer) (int, error) {
	pool, err := pgxpool.New(ctx, o.db)
	if err != nil {
		return 0, err
	}
	defer pool.Close()
	if err := pgqueue.Migrate(ctx, pool, o.schema); err != nil {
		return 0, err
	}
	store, err := pgqueue.New(pool, &pgqueue.Config{Schema: o.schema})
	if err != nil {
		return 0, err
	}
	defer store.Close()
	q, err := queue.New(store, &queue.Config{LeaseTTL: o.ttl, PollInterval: time.Second})
	if err != nil {
		return 0, err
	}
	for i := range o.enqueue {
		if _, err := q.Enqueue(ctx, queue.Entry{
			Key: fmt.Sprintf("conv-%03d", i), Channel: []string{"x", "facebook", "whatsapp"}[i%3],
			Score: float64(i % 10), Payload: []byte(fmt.Sprintf("message %d", i)),
		}); err != nil {
			return 0, err
		}
	}

	var mu sync.Mutex
	handled := 0
	var wg sync.WaitGroup
	errs := make(chan error, o.agents)
	for i := range o.agents {
		agent := fmt.Sprintf("%s%d", o.desk, i+1)
		if err := q.SetAgent(ctx, queue.Agent{ID: agent, Online: true}); err != nil {
			return 0, err
		}
		wg.Go(func() {
			// Notify wakes this agent as soon as any desk enqueues or
			// releases a conversation; the timer is the polling fallback.
			wctx, cancel := context.WithCancel(ctx)
			defer cancel()
			wake := store.Notify(wctx)
			idleSince := time.Now()
			for ctx.Err() == nil {
				l, err := q.TryClaim(ctx, agent, queue.Filter{})
				switch {
				case errors.Is(err, queue.ErrNoItem):
					if o.idle > 0 && time.Since(idleSince) >= o.idle {
						return
					}
					select {
					case <-wake:
					case <-time.After(250 * time.Millisecond):
					case <-ctx.Done():
					}
					continue
				case pgqueue.Retryable(err):
					time.Sleep(500 * time.Millisecond) // the database is restarting
					continue
				case err != nil:
					errs <- err
					return
				}
				time.Sleep(o.work) // read, reply
				if err := l.Complete(ctx); err != nil {
					if errors.Is(err, queue.ErrLeaseLost) {
						continue // took too long; someone else has it now
					}
					errs <- err
					return
				}
				mu.Lock()
				handled++
				fmt.Fprintf(out, "HANDLED %s %s %s\n", o.desk, agent, l.Key())
				mu.Unlock()
				idleSince = time.Now()
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return handled, err
	}
	fmt.Fprintf(out, "desk %s: %d conversations handled by %d agents\n", o.desk, handled, o.agents)
	return handled, ctx.Err()
}

// runDemo resets the schema, enqueues the conversations, runs desks A and
// B as child processes and checks that each conversation was handled
// exactly once.
func runDemo(ctx context.Context, o options, out io.Writer) error {
	pool, err := pgxpool.New(ctx, o.db)
	if err != nil {
		return err
	}
	_, err = pool.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{o.schema}.Sanitize()+" CASCADE")
	pool.Close()
	if err != nil {
		return err
	}
	seed := o
	seed.agents, seed.idle = 0, 0
	if _, err := runDesk(ctx, seed, io.Discard); err != nil {
		return err
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	count := map[string]int{}
	perDesk := map[string]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	var cmds []*exec.Cmd
	for _, desk := range []string{"A", "B"} {
		cmd := exec.CommandContext(ctx, exe, "-db", o.db, "-schema", o.schema, "-desk", desk,
			"-agents", fmt.Sprint(o.agents), "-work", o.work.String(), "-idle", o.idle.String(), "-ttl", o.ttl.String())
		cmd.Stderr = os.Stderr
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			return err
		}
		if err := cmd.Start(); err != nil {
			return err
		}
		cmds = append(cmds, cmd)
		wg.Go(func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				line := sc.Text()
				mu.Lock()
				fmt.Fprintln(out, line)
				if f := strings.Fields(line); len(f) == 4 && f[0] == "HANDLED" {
					count[f[3]]++
					perDesk[f[1]]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			return fmt.Errorf("desk: %w", err)
		}
	}
	for k, n := range count {
		if n != 1 {
			return fmt.Errorf("%s handled %d times", k, n)
		}
	}
	if len(count) != o.enqueue {
		return fmt.Errorf("%d of %d conversations handled", len(count), o.enqueue)
	}
	fmt.Fprintf(out, "demo: %d conversations, each handled exactly once (desk A %d, desk B %d)\n", len(count), perDesk["A"], perDesk["B"])
	return nil
}
