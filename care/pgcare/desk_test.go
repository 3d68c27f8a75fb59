package pgcare_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/care/caretest"
	"github.com/socialcare/socialcare/care/pgcare"
	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/channel/memchannel"
	"github.com/socialcare/socialcare/internal/pgtest"
	"github.com/socialcare/socialcare/queue"
	"github.com/socialcare/socialcare/queue/pgqueue"
	"github.com/socialcare/socialcare/queue/queuedriver"
)

// pgDesk is a desk on PostgreSQL (pgqueue and pgcare in one schema, each
// desk with its own pool, as separate processes would have) and an
// in-memory X channel.
type pgDesk struct {
	*care.Desk
	q     *queue.Queue
	store *pgcare.Store
	x     *memchannel.Adapter
	pool  *pgxpool.Pool
}

// recorder collects the events of every desk of a test.
type recorder struct {
	mu  sync.Mutex
	evs []care.Event
}

func (r *recorder) add(desk string) func(care.Event) {
	return func(e care.Event) {
		r.mu.Lock()
		defer r.mu.Unlock()
		if e.Detail == "" {
			e.Detail = desk
		}
		r.evs = append(r.evs, e)
	}
}

func (r *recorder) of(k care.EventKind) []care.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []care.Event
	for _, e := range r.evs {
		if e.Kind == k {
			out = append(out, e)
		}
	}
	return out
}

// sharedSchema returns a fresh schema with both pgqueue's and pgcare's
// tables.
func sharedSchema(t testing.TB) string {
	pool := testPool(t)
	return pgtest.Schema(t, pool, "pgcare_desk", func(ctx context.Context, pool *pgxpool.Pool, schema string) error {
		if err := pgqueue.Migrate(ctx, pool, schema); err != nil {
			return err
		}
		return pgcare.Migrate(ctx, pool, schema)
	})
}

// wrap lets a test put a failing Store in front of pgcare.
type wrap func(*pgcare.Store) care.Store

func newPGDesk(t testing.TB, schema, name string, clk *caretest.Clock, rec *recorder, cfg care.Config, w wrap) *pgDesk {
	t.Helper()
	pool := testPool(t)
	qs, err := pgqueue.New(pool, &pgqueue.Config{Schema: schema})
	require.NoError(t, err)
	q, err := queue.New(qs, &queue.Config{Now: clk.Now})
	require.NoError(t, err)
	st, err := pgcare.New(ctx, pool, &pgcare.Config{Schema: schema, Queue: qs})
	require.NoError(t, err)
	cfg.Store = st
	if w != nil {
		cfg.Store = w(st)
	}
	cfg.Instance = name
	cfg.OnEvent = rec.add(name)
	d, err := care.New(q, &cfg)
	require.NoError(t, err)
	x, err := memchannel.New(channel.X, &memchannel.Config{Now: clk.Now})
	require.NoError(t, err)
	ch, err := channel.New(x)
	require.NoError(t, err)
	require.NoError(t, d.AddChannel(ch))
	return &pgDesk{Desk: d, q: q, store: st, x: x, pool: pool}
}

// untilFeed calls tick every 10 ms until done reports true, for up to 30
// s. The feed of saves (pgcare.Store.Changes) reports a save once every
// transaction older than it has ended in the whole cluster, so on a
// database that other tests (or other processes) keep busy, the runner
// may learn of a save seconds after it was made; the caller then checks
// what it waited for.
func untilFeed(done func() bool, tick func()) {
	for deadline := time.Now().Add(30 * time.Second); !done() && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
		tick()
	}
}

func tweet(i int) channel.Message {
	return channel.Message{ID: fmt.Sprint("m", i), Channel: channel.X, Account: "brand", ConversationID: fmt.Sprint("c", i),
		Text: "my flight was cancelled and the app shows nothing", Visibility: channel.Public,
		Author: channel.Author{ID: fmt.Sprint("u", i), Handle: fmt.Sprint("cust", i)}}
}

func sentTexts(ds ...*pgDesk) map[string]int {
	out := map[string]int{}
	for _, d := range ds {
		for _, s := range d.x.Sent() {
			out[s.Outbound.InReplyTo+"|"+s.Outbound.Text]++
		}
	}
	return out
}

// Two desks on one PostgreSQL act as one desk: either serves any
// conversation, each acknowledgement and SLA alert happens once, and when
// the desk that runs the timed work stops, the other takes over without
// doing anything twice.
func TestDesksShareOnePostgres(t *testing.T) {
	t.Parallel()
	schema := sharedSchema(t)
	clk := caretest.NewClock(caretest.Start)
	rec := &recorder{}
	cfg := care.Config{TickInterval: time.Minute}
	a := newPGDesk(t, schema, "desk-a", clk, rec, cfg, nil)
	b := newPGDesk(t, schema, "desk-b", clk, rec, cfg, nil)
	desks := []*pgDesk{a, b}
	tick := func(ds ...*pgDesk) {
		t.Helper()
		for _, d := range ds {
			require.NoError(t, d.Tick(ctx))
		}
	}
	tick(a, b) // a leads

	const n = 30
	for i := range n {
		in, err := desks[i%2].Ingest(ctx, tweet(i))
		require.NoError(t, err)
		require.False(t, in.Duplicate)
	}
	// A redelivery to the other desk is a duplicate.
	in, err := b.Ingest(ctx, tweet(0))
	require.NoError(t, err)
	require.True(t, in.Duplicate, "one dedup for both desks")

	// The acknowledgements come due; both desks tick; a, the runner, sends
	// each one, including those of b's conversations (the feed of saves).
	clk.Advance(16 * time.Minute)
	tick(a, b)
	// The feed reports a save once the transactions older than it have
	// ended (in the whole cluster: other tests' too), so the runner may
	// learn of some a few ticks later.
	untilFeed(func() bool { return len(rec.of(care.Acknowledged)) >= n }, func() { tick(a, b) })
	acks := rec.of(care.Acknowledged)
	require.Len(t, acks, n, "one acknowledgement per conversation")
	require.Len(t, b.x.Sent(), 0, "b does not run the timed work")
	require.Len(t, a.x.Sent(), n)

	// Warnings come due; a stops (killed); after its lease runs out, b
	// takes over: no warning is emitted twice.
	clk.Advance(30 * time.Minute)
	tick(a, b)
	warned := len(rec.of(care.SLAWarning))
	require.Positive(t, warned, "warnings came due")
	for range 4 {
		clk.Advance(time.Minute)
		tick(b)
	}
	clk.Advance(2 * time.Hour)
	tick(b)
	byKey := map[string]int{}
	for _, e := range append(rec.of(care.SLAWarning), rec.of(care.SLABreach)...) {
		byKey[fmt.Sprint(e.Key, "|", e.SLA.Target, "|", e.SLA.Fraction, "|", e.SLA.Cycle)]++
	}
	for k, c := range byKey {
		require.Equal(t, 1, c, "alert %s emitted %d times", k, c)
	}
	require.Greater(t, len(rec.of(care.SLABreach)), 0, "b, now the runner, emits the breaches")

	// Agents on both desks answer everything: each conversation once.
	require.NoError(t, a.AddAgent(ctx, care.Agent{ID: "ana", Name: "Ana Souza"}))
	require.NoError(t, b.AddAgent(ctx, care.Agent{ID: "bo", Name: "Bo Lind"}))
	answered := map[string]string{}
	for turn := 0; len(answered) < n; turn++ {
		require.Less(t, turn, 4*n, "the queue never drained")
		d, agent := a, "ana"
		if turn%2 == 1 {
			d, agent = b, "bo"
		}
		asg, err := d.TryNext(ctx, agent, queue.Filter{})
		if errors.Is(err, queue.ErrNoItem) {
			continue
		}
		require.NoError(t, err)
		if turn%4 < 2 { // half send and resolve in one transaction
			_, err = d.ReplyWith(ctx, asg, "Rebooked you on the 14:05.", care.ReplyOptions{Resolve: true})
			require.NoError(t, err)
		} else {
			_, err = d.Reply(ctx, asg, "Rebooked you on the 14:05.")
			require.NoError(t, err)
			require.NoError(t, d.Resolve(ctx, asg))
		}
		require.NotContains(t, answered, asg.Conversation.Key, "answered twice")
		answered[asg.Conversation.Key] = agent
	}
	replies := 0
	for k, c := range sentTexts(a, b) {
		require.Equal(t, 1, c, "sent %d times: %s", c, k)
		replies++
	}
	require.Equal(t, 2*n, replies, "an acknowledgement and a reply per conversation")
	served := map[string]int{}
	for _, who := range answered {
		served[who]++
	}
	require.Positive(t, served["ana"])
	require.Positive(t, served["bo"])
	t.Logf("%d conversations over 2 desks: %d acknowledgements, %d warnings, %d breaches, replies by desk a %d, desk b %d",
		n, len(acks), len(rec.of(care.SLAWarning)), len(rec.of(care.SLABreach)), served["ana"], served["bo"])
}

// The desk takes a message in one transaction: when the queue's upsert
// fails, neither the conversation nor the dedup key is written.
func TestIntakeOneTransaction(t *testing.T) {
	t.Parallel()
	schema := sharedSchema(t)
	clk := caretest.NewClock(caretest.Start)
	d := newPGDesk(t, schema, "desk-a", clk, &recorder{}, care.Config{}, nil)
	now := clk.Now()
	c := care.Conversation{Key: "x:brand:c1", Channel: channel.X, Account: "brand", Cycle: 1, Since: now}
	bad := queuedriver.UpsertParams{Key: "", Now: now} // refused by the queue
	err := d.store.SaveConversationQueued(ctx, &c, []care.SeenKey{{Key: "x:brand:m1", Expires: now.Add(time.Hour)}}, now, bad)
	require.Error(t, err)
	require.Zero(t, c.Version)
	_, err = d.store.Conversation(ctx, c.Key)
	require.ErrorIs(t, err, care.ErrUnknownConversation, "the conversation was rolled back with the queue's failure")
	seen, err := d.store.Seen(ctx, "x:brand:m1", now)
	require.NoError(t, err)
	require.False(t, seen, "so was the dedup key: a redelivery is taken")

	in, err := d.Ingest(ctx, tweet(1))
	require.NoError(t, err)
	it, err := d.q.Get(ctx, in.Key)
	require.NoError(t, err, "the conversation is queued")
	require.Equal(t, queue.Waiting, it.State)
}

// failAfter lets allow more SaveConversation calls through once armed, and
// fails every later one: the desk's store went away after the platform
// took its reply.
type failAfter struct {
	*pgcare.Store
	armed atomic.Bool
	allow atomic.Int32
}

func (f *failAfter) SaveConversation(ctx context.Context, c *care.Conversation, seen []care.SeenKey, now time.Time) error {
	if f.armed.Load() && f.allow.Add(-1) < 0 {
		return errors.New("connection lost")
	}
	return f.Store.SaveConversation(ctx, c, seen, now)
}

// A desk that stops between the platform's accept and the record of the
// send leaves the send recorded; no desk sends it again: a reply waits
// (ErrInFlight) until the runner settles it as MaybeSent, which the next
// agent sees (the collision guard shows it) before deciding.
func TestReplyNeverSentTwice(t *testing.T) {
	t.Parallel()
	schema := sharedSchema(t)
	clk := caretest.NewClock(caretest.Start)
	rec := &recorder{}
	cfg := care.Config{SendTimeout: 10 * time.Minute, Acknowledgement: care.AckConfig{Disabled: true}, TickInterval: time.Minute}
	var flaky *failAfter
	a := newPGDesk(t, schema, "desk-a", clk, rec, cfg, func(s *pgcare.Store) care.Store {
		flaky = &failAfter{Store: s}
		return flaky
	})
	b := newPGDesk(t, schema, "desk-b", clk, rec, cfg, nil)
	require.NoError(t, b.Tick(ctx)) // b runs the timed work
	require.NoError(t, a.AddAgent(ctx, care.Agent{ID: "ana", Name: "Ana Souza"}))
	require.NoError(t, b.AddAgent(ctx, care.Agent{ID: "bo", Name: "Bo Lind"}))

	in, err := a.Ingest(ctx, tweet(7))
	require.NoError(t, err)
	asg, err := a.TryNext(ctx, "ana", queue.Filter{})
	require.NoError(t, err)

	// The send is recorded, the platform takes it, then the store fails.
	flaky.allow.Store(1)
	flaky.armed.Store(true)
	_, err = a.Reply(ctx, asg, "Rebooked you on the 14:05.")
	require.ErrorContains(t, err, "sent, but")
	require.Len(t, a.x.Sent(), 1, "the platform took the reply")
	c, err := b.Conversation(ctx, in.Key)
	require.NoError(t, err)
	require.Len(t, c.Sending, 1, "the send stays recorded")

	// Desk a is gone. Its lease runs out; bo takes the conversation; a
	// reply waits while the send is unsettled.
	clk.Advance(6 * time.Minute)
	require.NoError(t, b.Tick(ctx))
	asgB, err := b.TryNext(ctx, "bo", queue.Filter{})
	require.NoError(t, err)
	_, err = b.Reply(ctx, asgB, "Anything else?")
	require.ErrorIs(t, err, care.ErrInFlight)

	// Past twice SendTimeout the runner settles it as MaybeSent (b keeps
	// bo's lease alive meanwhile).
	for range 15 {
		clk.Advance(time.Minute)
		require.NoError(t, b.Tick(ctx))
	}
	untilFeed(func() bool { return len(rec.of(care.MaybeSent)) > 0 }, func() { require.NoError(t, b.Tick(ctx)) })
	ms := rec.of(care.MaybeSent)
	require.Len(t, ms, 1)
	require.Equal(t, in.Key, ms[0].Key)
	require.Equal(t, "ana", ms[0].Agent)
	require.NoError(t, b.Tick(ctx))
	require.Len(t, rec.of(care.MaybeSent), 1, "settled once")
	c, err = b.Conversation(ctx, in.Key)
	require.NoError(t, err)
	require.Empty(t, c.Sending)
	last := c.Transcript[len(c.Transcript)-1]
	require.True(t, last.MaybeSent)
	require.Contains(t, last.Text, "Rebooked")

	// bo's reply is stopped by the collision guard, which shows the turn
	// that may have been sent; bo checks the platform and resolves.
	_, err = b.Reply(ctx, asgB, "Anything else?")
	var changed *care.ChangedError
	require.ErrorAs(t, err, &changed)
	require.Len(t, changed.OtherReplies, 1)
	require.True(t, changed.OtherReplies[0].MaybeSent)
	require.NoError(t, b.Resolve(ctx, asgB))
	require.Len(t, a.x.Sent(), 1, "the reply went out once")
	require.Empty(t, b.x.Sent())
}

// A Boomerang set on one desk comes back to its agent there after the
// runner (the other desk) noticed it due; a handoff made on one desk is
// taken by the target team's agent on the other.
func TestBoomerangAndHandoffAcrossDesks(t *testing.T) {
	t.Parallel()
	schema := sharedSchema(t)
	clk := caretest.NewClock(caretest.Start)
	rec := &recorder{}
	cfg := care.Config{Acknowledgement: care.AckConfig{Disabled: true}, TickInterval: time.Minute, Teams: []string{"specialists"}}
	a := newPGDesk(t, schema, "desk-a", clk, rec, cfg, nil)
	b := newPGDesk(t, schema, "desk-b", clk, rec, cfg, nil)
	require.NoError(t, a.Tick(ctx)) // a runs the timed work
	require.NoError(t, a.AddAgent(ctx, care.Agent{ID: "ana", Name: "Ana Souza"}))
	require.NoError(t, b.AddAgent(ctx, care.Agent{ID: "bo", Name: "Bo Lind"}))
	require.NoError(t, b.AddAgent(ctx, care.Agent{ID: "sam", Name: "Sam Reyes"}))

	in1, err := a.Ingest(ctx, tweet(1))
	require.NoError(t, err)
	asg, err := b.TryNext(ctx, "bo", queue.Filter{})
	require.NoError(t, err)
	require.Equal(t, in1.Key, asg.Conversation.Key)
	_, err = b.Boomerang(ctx, asg, clk.Now().Add(time.Hour), "check the refund")
	require.NoError(t, err)

	in2, err := b.Ingest(ctx, tweet(2))
	require.NoError(t, err)
	asg2, err := a.TryNext(ctx, "ana", queue.Filter{})
	require.NoError(t, err)
	require.Equal(t, in2.Key, asg2.Conversation.Key)
	_, err = a.Handoff(ctx, asg2, "specialists", "needs a refund specialist")
	require.NoError(t, err)
	asg3, err := b.TryNext(ctx, "sam", queue.Filter{Teams: []string{"specialists"}})
	require.NoError(t, err, "the handoff made on desk a reaches the team's agent on desk b")
	require.Equal(t, in2.Key, asg3.Conversation.Key)
	_, err = b.Reply(ctx, asg3, "Refunded in full.")
	require.NoError(t, err)
	require.NoError(t, b.Resolve(ctx, asg3))

	for range 61 {
		clk.Advance(time.Minute)
		require.NoError(t, a.Tick(ctx))
		require.NoError(t, b.Tick(ctx))
	}
	require.Len(t, rec.of(care.FollowUpDue), 1, "the runner tells once that the Boomerang came due")
	back, err := b.TryNext(ctx, "bo", queue.Filter{})
	require.NoError(t, err)
	require.Equal(t, in1.Key, back.Conversation.Key, "the Boomerang returns to bo on desk b")
	require.NotNil(t, back.FollowUp)
	_, err = b.Reply(ctx, back, "Your refund went through.")
	require.NoError(t, err)
	require.NoError(t, b.Resolve(ctx, back))
}
