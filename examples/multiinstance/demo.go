package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/time/rate"

	"github.com/socialcare/socialcare/care/pgcare"
	"github.com/socialcare/socialcare/channel/xchannel"
)

// demoOptions configure the self-checking demo.
type demoOptions struct {
	desk          deskOptions // what each desk child gets (its name and listen address are set per child)
	desks         int
	conversations int
	redeliver     int // every redeliver-th conversation is delivered a second time, to another desk
	rate          float64
	kill          bool
	killMidSend   bool
	restartPG     string
	seed          uint64
	timeout       time.Duration
	verbose       bool
}

// child is one desk process of the demo.
type child struct {
	name  string
	cmd   *exec.Cmd
	url   string // its webhook endpoint
	ready chan struct{}
	done  chan struct{}
	err   error // how it exited
	// tail keeps its last lines of standard error, for a failure report.
	mu   sync.Mutex
	tail []string
}

func (c *child) keep(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tail = append(c.tail, s)
	if len(c.tail) > 20 {
		c.tail = c.tail[1:]
	}
}

func (c *child) lastLines() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.tail)
}

// demo runs the desks as child processes, the fake X API and the load,
// and checks the outcome.
type demo struct {
	o     demoOptions
	exe   string
	out   io.Writer
	plat  *platform
	rng   *rand.Rand
	tally *tally

	mu       sync.Mutex
	desks    []*child
	failures []string // desks that failed: a restart, or an exit other than on our signal
}

// runDemo resets the schema, starts the fake X API and o.desks desk
// processes (this program re-executed), posts o.conversations signed
// webhooks spread over them (and redeliveries to other desks), optionally
// SIGKILLs one desk and restarts it and restarts PostgreSQL, waits until
// every conversation is resolved, then checks and prints the counts. It
// returns an error if any check fails.
func runDemo(ctx context.Context, o demoOptions, out io.Writer) error {
	start := time.Now()
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	seed := o.seed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	d := &demo{o: o, exe: exe, out: out, rng: rand.New(rand.NewPCG(seed, seed>>1|1)), tally: newTally()}

	pool, err := pgxpool.New(ctx, o.desk.db)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer pool.Close()
	if _, err := pool.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{o.desk.schema}.Sanitize()+" CASCADE"); err != nil {
		return fmt.Errorf("reset schema %s: %w", o.desk.schema, err)
	}
	if err := migrate(ctx, pool, o.desk.schema); err != nil {
		return err
	}
	policies, err := demoPolicies(o.desk.sla)
	if err != nil {
		return err
	}
	store, err := pgcare.New(ctx, pool, &pgcare.Config{Schema: o.desk.schema, Policies: policies.List()})
	if err != nil {
		return err
	}

	// The fake X API, in this process: it outlives every desk.
	d.plat = newPlatform(brandToken)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	api := &http.Server{Handler: d.plat, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = api.Serve(ln) }()
	defer api.Close()
	d.o.desk.api = "http://" + ln.Addr().String()

	fmt.Fprintf(out, "demo: %d desks, %d conversations, schema %s, seed %d\n", o.desks, o.conversations, o.desk.schema, seed)
	for i := range o.desks {
		if err := d.start(ctx, deskName(i)); err != nil {
			d.stopAll()
			return err
		}
	}
	defer d.stopAll()

	load := makeLoad(o.conversations, 1800000000000000000)
	runCtx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	go d.progress(runCtx)
	redelivered, err := d.post(runCtx, load)
	if err != nil {
		return err
	}
	posted := time.Since(start)
	if err := d.waitResolved(runCtx, store); err != nil {
		return err
	}
	resolvedIn := time.Since(start)
	d.stopAll()
	return d.check(ctx, store, load, redelivered, posted, resolvedIn)
}

func deskName(i int) string { return "desk-" + string(rune('a'+i)) }

// start starts (or restarts) the desk process name and waits until its
// webhook receiver listens.
func (d *demo) start(ctx context.Context, name string) error {
	o := d.o.desk
	args := []string{"-db", o.db, "-schema", o.schema, "-name", name, "-listen", "127.0.0.1:0", "-api", o.api,
		"-secret", o.secret, "-agents", fmt.Sprint(o.agents), "-work", o.work.String(), "-lease", o.lease.String(),
		"-tick", o.tick.String(), "-send-timeout", o.sendTimeout.String(), "-sla", o.sla.String()}
	cmd := exec.Command(d.exe, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	c := &child{name: name, cmd: cmd, ready: make(chan struct{}), done: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", name, err)
	}
	var readers sync.WaitGroup
	readers.Go(func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		once := sync.Once{}
		for sc.Scan() {
			var l line
			if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
				c.keep(sc.Text())
				continue
			}
			if l.Kind == "listening" {
				c.url = "http://" + l.Detail + "/webhooks/x"
				once.Do(func() { close(c.ready) })
			}
			d.tally.add(l)
			if d.o.verbose {
				fmt.Fprintln(d.out, sc.Text())
			}
		}
	})
	readers.Go(func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			c.keep(sc.Text())
			if d.o.verbose {
				fmt.Fprintf(d.out, "%s: %s\n", name, sc.Text())
			}
		}
	})
	go func() {
		readers.Wait()
		c.err = cmd.Wait()
		close(c.done)
	}()
	select {
	case <-c.ready:
	case <-c.done:
		return fmt.Errorf("desk %s exited before listening (%v):\n  %s", name, c.err, strings.Join(c.lastLines(), "\n  "))
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		return fmt.Errorf("desk %s did not listen within 30s", name)
	case <-ctx.Done():
		_ = cmd.Process.Kill()
		return ctx.Err()
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for i, old := range d.desks {
		if old.name == name {
			d.desks[i] = c
			return nil
		}
	}
	d.desks = append(d.desks, c)
	return nil
}

// stopAll interrupts the desks and waits for them to finish (SIGKILL after
// 10 seconds).
func (d *demo) stopAll() {
	d.mu.Lock()
	desks := slices.Clone(d.desks)
	d.mu.Unlock()
	for _, c := range desks {
		_ = c.cmd.Process.Signal(os.Interrupt)
	}
	for _, c := range desks {
		select {
		case <-c.done:
		case <-time.After(10 * time.Second):
			_ = c.cmd.Process.Kill()
			<-c.done
		}
		if c.err != nil {
			d.fail(fmt.Sprintf("desk %s exited with %v:\n  %s", c.name, c.err, strings.Join(c.lastLines(), "\n  ")))
		}
	}
	d.mu.Lock()
	d.desks = nil // stopped; a second call does nothing
	d.mu.Unlock()
}

func (d *demo) fail(what string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.failures = append(d.failures, what)
}

func (d *demo) url(i int) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.desks[i%len(d.desks)].url
}

// post delivers every conversation's webhook to desk i mod N (to the next
// desks while that one does not answer 200, as a load balancer would), and
// every redeliver-th a second time to another desk, which must report it
// as a duplicate. Meanwhile it kills and restarts a desk (-kill) and
// restarts PostgreSQL (-restart-pg) at random moments. It returns the
// dedup keys of the redelivered messages.
func (d *demo) post(ctx context.Context, load []loadConv) (map[string]bool, error) {
	wh, err := xchannel.NewWebhook(d.o.desk.secret)
	if err != nil {
		return nil, err
	}
	p := &poster{wh: wh, client: &http.Client{Timeout: 10 * time.Second}}
	n := len(load)
	killAt, pgAt := -1, -1
	if d.o.kill {
		killAt = n/5 + d.rng.IntN(max(1, 2*n/5))
	}
	if d.o.restartPG != "" {
		pgAt = n/5 + d.rng.IntN(max(1, 2*n/5))
	}
	victim := d.rng.IntN(d.o.desks)
	limit := rate.NewLimiter(rate.Limit(d.o.rate), 50)
	if d.o.rate <= 0 {
		limit = rate.NewLimiter(rate.Inf, 0)
	}
	var (
		mu          sync.Mutex
		redelivered = map[string]bool{}
		firstErr    error
		done        atomic.Int64
		side        sync.WaitGroup
	)
	deliver := func(body []byte, first int) bool {
		for attempt := 0; ctx.Err() == nil; attempt++ {
			if err := p.post(ctx, d.url(first+attempt), body); err == nil {
				return true
			}
			if attempt >= d.o.desks-1 {
				sleep(ctx, 100*time.Millisecond) // every desk refused: the database may be restarting
			}
		}
		return false
	}
	jobs := make(chan int)
	var workers sync.WaitGroup
	for range 16 {
		workers.Go(func() {
			for i := range jobs {
				c := load[i]
				body, err := c.payload(time.Now())
				if err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					continue
				}
				if !deliver(body, i) {
					mu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("conversation %s was never taken: %w", c.key, ctx.Err())
					}
					mu.Unlock()
					continue
				}
				if d.o.redeliver > 0 && i%d.o.redeliver == 0 && deliver(body, i+1) {
					mu.Lock()
					redelivered[c.msg] = true
					mu.Unlock()
				}
				k := int(done.Add(1))
				if k == killAt {
					side.Go(func() { d.killAndRestart(ctx, victim, k) })
				}
				if k == pgAt {
					side.Go(func() { d.restartPostgres(ctx, k) })
				}
			}
		})
	}
	for i := range load {
		if err := limit.Wait(ctx); err != nil {
			break
		}
		jobs <- i
	}
	close(jobs)
	workers.Wait()
	side.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	return redelivered, ctx.Err()
}

// killAndRestart SIGKILLs the desk i, whatever it is doing, and starts it
// again.
func (d *demo) killAndRestart(ctx context.Context, i, posted int) {
	d.mu.Lock()
	c := d.desks[i]
	d.mu.Unlock()
	pause := time.Duration(d.rng.IntN(500)) * time.Millisecond
	moment := ""
	if d.o.killMidSend {
		select {
		case tweet := <-d.plat.holdNext(c.name):
			moment = " right after the platform took its reply to tweet " + tweet
		case <-time.After(10 * time.Second):
			d.plat.holdNext("")
			moment = " (it sent no reply within 10s)"
		case <-ctx.Done():
		}
	}
	t0 := time.Now()
	_ = c.cmd.Process.Kill() // SIGKILL
	<-c.done
	sleep(ctx, pause)
	err := d.start(ctx, c.name)
	note := fmt.Sprintf("%s SIGKILLed after %d conversations were taken%s, restarted %v later", c.name, posted, moment, time.Since(t0).Round(time.Millisecond))
	if err != nil {
		note += " (restart failed: " + err.Error() + ")"
		d.fail("restart of " + c.name + ": " + err.Error())
	}
	fmt.Fprintln(d.out, "demo: "+note)
}

// restartPostgres runs the -restart-pg command.
func (d *demo) restartPostgres(ctx context.Context, posted int) {
	t0 := time.Now()
	cmd := exec.CommandContext(ctx, "sh", "-c", d.o.restartPG)
	outb, err := cmd.CombinedOutput()
	note := fmt.Sprintf("PostgreSQL restarted after %d conversations were taken (%v)", posted, time.Since(t0).Round(time.Millisecond))
	if err != nil {
		note = fmt.Sprintf("PostgreSQL restart command failed after %d conversations: %v: %s", posted, err, outb)
		d.fail(note)
	}
	fmt.Fprintln(d.out, "demo: "+note)
}

// waitResolved waits until no conversation is open in the store.
func (d *demo) waitResolved(ctx context.Context, store *pgcare.Store) error {
	for {
		open, err := store.OpenConversations(ctx)
		if err == nil && len(open) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			var keys []string
			for _, c := range open {
				keys = append(keys, c.Key)
			}
			if len(keys) > 5 {
				keys = append(keys[:5], "...")
			}
			return fmt.Errorf("%d conversations still open after %v (%v): %s", len(open), d.o.timeout, err, strings.Join(keys, ", "))
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// progress prints a line every two seconds while the demo runs.
func (d *demo) progress(ctx context.Context) {
	t := time.NewTicker(2 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		fmt.Fprintf(d.out, "demo: %s\n", d.tally.progress())
	}
}
