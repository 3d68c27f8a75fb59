package care_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/care/caretest"
	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/channel/memchannel"
	"github.com/socialcare/socialcare/priority"
	"github.com/socialcare/socialcare/queue"
	"github.com/socialcare/socialcare/queue/memqueue"
	"github.com/socialcare/socialcare/queue/queuedriver"
	"github.com/socialcare/socialcare/sla"
)

// failingStore is a care.Store whose saves fail while fail says so.
type failingStore struct {
	care.Store
	mu   sync.Mutex
	fail func() bool
}

var errInjected = errors.New("injected failure")

func (s *failingStore) SaveConversation(ctx context.Context, c *care.Conversation, seen []care.SeenKey, now time.Time) error {
	s.mu.Lock()
	f := s.fail != nil && s.fail()
	s.mu.Unlock()
	if f {
		return errInjected
	}
	return s.Store.SaveConversation(ctx, c, seen, now)
}

// failingQueue is a queue store whose upserts fail while fail says so.
type failingQueue struct {
	queuedriver.Store
	mu   sync.Mutex
	fail func() bool
}

func (s *failingQueue) Upsert(ctx context.Context, p queuedriver.UpsertParams) (queuedriver.Item, error) {
	s.mu.Lock()
	f := s.fail != nil && s.fail()
	s.mu.Unlock()
	if f {
		return queuedriver.Item{}, errInjected
	}
	return s.Store.Upsert(ctx, p)
}

func (s *failingQueue) Update(ctx context.Context, p queuedriver.UpdateParams) (queuedriver.Item, error) {
	return s.Store.(queuedriver.Updater).Update(ctx, p)
}

func once() func() bool {
	done := false
	return func() bool {
		if done {
			return false
		}
		done = true
		return true
	}
}

// Point 1: a message whose save or enqueue fails is not marked seen; its
// redelivery is taken, once.
func TestRegressionIntakeFailureLeavesNoTrace(t *testing.T) {
	t.Parallel()
	for _, what := range []string{"store", "queue"} {
		t.Run(what, func(t *testing.T) {
			t.Parallel()
			clk := caretest.NewClock(caretest.Start)
			fq := &failingQueue{Store: memqueue.New()}
			q, err := queue.New(fq, &queue.Config{Now: clk.Now})
			require.NoError(t, err)
			fs := &failingStore{Store: care.NewMemStore()}
			if what == "store" {
				fs.fail = once()
			} else {
				fq.fail = once()
			}
			d, err := care.New(q, &care.Config{Store: fs})
			require.NoError(t, err)
			addX(t, d, clk, "brand")
			_, err = d.Ingest(ctx, acct(xmsg("m1", "c1", "where is my bag?"), "brand"))
			require.ErrorIs(t, err, errInjected)
			in, err := d.Ingest(ctx, acct(xmsg("m1", "c1", "where is my bag?"), "brand"))
			require.NoError(t, err)
			require.False(t, in.Duplicate, "the redelivery is taken")
			c, err := d.Conversation(ctx, in.Key)
			require.NoError(t, err)
			require.Len(t, c.Messages, 1)
			it, err := q.Get(ctx, in.Key)
			require.NoError(t, err)
			require.Equal(t, 1, it.Unanswered, "queued once")
			again, err := d.Ingest(ctx, acct(xmsg("m1", "c1", "where is my bag?"), "brand"))
			require.NoError(t, err)
			require.True(t, again.Duplicate)
		})
	}
}

func acct(m channel.Message, account string) channel.Message {
	m.Account = account
	return m
}

func addX(t *testing.T, d *care.Desk, clk *caretest.Clock, account string) *memchannel.Adapter {
	t.Helper()
	a, err := memchannel.New(channel.X, &memchannel.Config{Account: account, Now: clk.Now})
	require.NoError(t, err)
	ch, err := channel.New(a)
	require.NoError(t, err)
	require.NoError(t, d.AddChannel(ch))
	return a
}

// Point 2: one message id on two accounts of one brand is two messages,
// and nothing panics or hangs.
func TestRegressionSameIDTwoAccounts(t *testing.T) {
	t.Parallel()
	d := newDesk(t, nil)
	addX(t, d.Desk, d.Clock, "brand-es")
	a := d.RequireIngest(t, acct(xmsg("m1", "c1", "hola"), "brand"))
	b := d.RequireIngest(t, acct(xmsg("m1", "c1", "hola"), "brand-es"))
	require.False(t, a.Duplicate)
	require.False(t, b.Duplicate)
	require.NotEqual(t, a.Key, b.Key)
	dup := d.RequireIngest(t, acct(xmsg("m1", "c1", "hola"), "brand-es"))
	require.True(t, dup.Duplicate)
}

// Point 3: escalation and ranking follow the pause-aware SLA clock: a legal
// conversation boomeranged for a week escalates only once its clock runs
// out after the Boomerang.
func TestRegressionBoomerangedLegalDoesNotEscalate(t *testing.T) {
	t.Parallel()
	d := newDesk(t, &care.Config{Acknowledgement: care.AckConfig{Disabled: true}})
	in := d.RequireIngest(t, xmsg("m1", "c1", "I'm going to sue you"))
	d.RequireRouted(t, in.Key, "legal")
	a := d.RequireNext(t, "ana")
	d.RequireReply(t, a, "We're looking into it with our legal team.", care.ReplyOptions{})
	d.AdvanceHolding(t, time.Hour, a)
	_, err := d.Boomerang(ctx, a, d.Clock.Now().Add(7*24*time.Hour), "waiting for the documents")
	require.NoError(t, err)
	d.Advance(t, 3*24*time.Hour)
	d.RequireNoEvent(t, care.Escalated, in.Key)
	d.RequireNoEvent(t, care.SLABreach, in.Key)
	dl, err := d.Deadlines(ctx, in.Key)
	require.NoError(t, err)
	require.True(t, dl.ResolveBy.IsZero(), "a paused clock has no running deadline")

	// Back from the Boomerang, 23 hours of the 24 are left.
	d.Advance(t, 4*24*time.Hour)
	d.RequireNoEvent(t, care.Escalated, in.Key)
	dl, err = d.Deadlines(ctx, in.Key)
	require.NoError(t, err)
	require.Equal(t, d.Clock.Now().Add(23*time.Hour), dl.ResolveBy)
	it, err := d.Queue.Get(ctx, in.Key)
	require.NoError(t, err)
	require.True(t, it.Deadline.Equal(dl.ResolveBy) || it.Deadline.Before(dl.ResolveBy), "the queue ranks by the clock's deadline")
	d.Advance(t, 23*time.Hour)
	d.RequireEvent(t, care.Escalated, in.Key)
}

// Point 4: the desk keeps the leases it hands out; it lets an idle one go
// after MaxHold; agents sign out; a second AddAgent is refused.
func TestRegressionDeskManagesLeases(t *testing.T) {
	t.Parallel()
	d := newDesk(t, &care.Config{Acknowledgement: care.AckConfig{Disabled: true}})
	in := d.RequireIngest(t, xmsg("m1", "c1", "where is my bag?"))
	a := d.RequireNext(t, "ana")
	d.Advance(t, 12*time.Minute) // an agent writing for 12 minutes
	_, err := d.Reply(ctx, a, "It's on the 14:05.")
	require.NoError(t, err, "the desk kept the lease")

	d.Advance(t, 31*time.Minute) // no action past MaxHold
	ev := d.RequireEvent(t, care.AssignmentExpired, in.Key)
	require.Equal(t, "ana", ev.Agent)
	_, err = d.Reply(ctx, a, "Still there?")
	require.ErrorIs(t, err, care.ErrAssignmentEnded)
	require.ErrorIs(t, err, queue.ErrLeaseEnded)

	require.ErrorIs(t, d.AddAgent(ctx, care.Agent{ID: "ana"}), care.ErrAgentExists)
	require.NoError(t, d.UpdateAgent(ctx, care.Agent{ID: "ana", Name: "Ana S.", Capacity: 2}))
	require.ErrorIs(t, d.UpdateAgent(ctx, care.Agent{ID: "bob"}), care.ErrUnknownAgent)
	require.ErrorIs(t, d.SignOut(ctx, "bob"), care.ErrUnknownAgent)

	// Signed out, ana keeps what she holds for the queue's grace, then it
	// goes back.
	a = d.RequireNext(t, "ana")
	require.NoError(t, d.SignOut(ctx, "ana"))
	d.Advance(t, time.Minute)
	require.NoError(t, d.Queue.Maintain(ctx))
	it, err := d.Queue.Get(ctx, in.Key)
	require.NoError(t, err)
	require.Equal(t, queue.Claimed, it.State, "within the offline grace")
	d.Advance(t, 2*time.Minute)
	require.NoError(t, d.Queue.Maintain(ctx))
	it, err = d.Queue.Get(ctx, in.Key)
	require.NoError(t, err)
	require.Equal(t, queue.Waiting, it.State, "released after the grace")
	_, err = d.Reply(ctx, a, "Hello?")
	require.ErrorIs(t, err, queue.ErrLeaseLost)
	require.NoError(t, d.SetAvailable(ctx, "ana", true))
	a = d.RequireNext(t, "ana")
	require.NoError(t, d.Resolve(ctx, a))
	require.ErrorIs(t, d.Resolve(ctx, a), care.ErrAssignmentEnded)
	_, err = d.Reply(ctx, a, "one more")
	require.ErrorIs(t, err, care.ErrAssignmentEnded)
}

// Point 5: policies match on channel, band, tier and team, and the host's
// customer facts reach both the policy and the scorer.
func TestRegressionPolicyMatchesTierBandTeam(t *testing.T) {
	t.Parallel()
	pols, err := sla.NewPolicies(
		sla.Policy{Name: "vip", Tiers: []string{"gold"}, Acknowledge: 5 * time.Minute, Resolve: 2 * time.Hour},
		sla.Policy{Name: "urgent", Bands: []string{"urgent"}, Acknowledge: 10 * time.Minute, Resolve: 4 * time.Hour},
		sla.Policy{Name: "product", Teams: []string{"product"}, Acknowledge: time.Hour, Resolve: 72 * time.Hour},
		sla.Policy{Name: "default", Acknowledge: 12 * time.Hour, Resolve: 24 * time.Hour},
	)
	require.NoError(t, err)
	scorer, err := priority.New(&priority.Config{TierPoints: map[string]float64{"gold": 25}})
	require.NoError(t, err)
	d := newDesk(t, &care.Config{Policies: pols, Scorer: scorer, Customers: func(_ context.Context, m channel.Message) (care.CustomerFacts, error) {
		if m.Author.Handle == "cust_gold" {
			return care.CustomerFacts{Tier: "gold", LifetimeValue: 5000}, nil
		}
		return care.CustomerFacts{}, nil
	}})
	gold := d.RequireIngest(t, xmsg("m1", "gold", "where is my bag?"))
	c, err := d.Conversation(ctx, gold.Key)
	require.NoError(t, err)
	require.Equal(t, "vip", c.Policy.Name)
	require.Equal(t, "gold", c.Customer.Tier)
	signals := map[string]bool{}
	for _, r := range gold.Score.Reasons {
		signals[r.Signal] = true
	}
	require.True(t, signals["tier"], "the scorer saw the tier: %v", gold.Score.Reasons)

	urgent := d.RequireIngest(t, xmsg("m2", "u", "URGENT: stranded at O'Hare, flight cancelled, emergency"))
	c, err = d.Conversation(ctx, urgent.Key)
	require.NoError(t, err)
	require.Equal(t, "urgent", c.Band)
	require.Equal(t, "urgent", c.Policy.Name)

	prod := d.RequireIngest(t, xmsg("m3", "p", "feature request: please add dark mode"))
	c, err = d.Conversation(ctx, prod.Key)
	require.NoError(t, err)
	require.Equal(t, "product", c.Team)
	require.Equal(t, "product/product", c.Policy.Name, "the team's policy, with the loop's own deadline")
}

// Point 6: "you've been heard" once per cycle: a resolved DM thread that
// hears from the customer again is acknowledged again.
func TestRegressionAckOncePerCycle(t *testing.T) {
	t.Parallel()
	d := newDesk(t, nil)
	dm := channel.Message{ID: "d1", Channel: channel.Messenger, ConversationID: "t1", Text: "my order is late", Visibility: channel.Private,
		Author: channel.Author{ID: "u1", Name: "Sam"}}
	in := d.RequireIngest(t, dm)
	d.Advance(t, 31*time.Minute)
	require.Len(t, d.EventsOf(care.Acknowledged), 1)
	a := d.RequireNext(t, "ana")
	d.RequireReply(t, a, "Sorted, Sam.", care.ReplyOptions{})
	require.NoError(t, d.Resolve(ctx, a))

	d.Advance(t, 7*24*time.Hour)
	dm.ID, dm.Text = "d2", "now the invoice is wrong"
	d.RequireIngest(t, dm)
	d.Advance(t, 31*time.Minute)
	acks := d.EventsOf(care.Acknowledged)
	require.Len(t, acks, 2, "a new cycle gets its acknowledgement")
	require.True(t, acks[1].Auto)
	c, err := d.Conversation(ctx, in.Key)
	require.NoError(t, err)
	require.Equal(t, 2, c.Cycle)
	d.Advance(t, time.Hour)
	require.Len(t, d.EventsOf(care.Acknowledged), 2, "never twice in a cycle")
}

// Point 7: state is bounded: resolved conversations and dedup keys are
// purged on schedule.
func TestRegressionRetention(t *testing.T) {
	t.Parallel()
	store := care.NewMemStore()
	d := newDesk(t, &care.Config{Store: store, Acknowledgement: care.AckConfig{Disabled: true},
		Retention: care.RetentionConfig{Resolved: 24 * time.Hour, Every: time.Hour}})
	for i := range 20 {
		id := string(rune('a' + i))
		d.RequireIngest(t, xmsg("m"+id, "c"+id, "hi"))
		a := d.RequireNext(t, "ana")
		require.NoError(t, d.Resolve(ctx, a))
	}
	open := d.RequireIngest(t, xmsg("open", "open", "still waiting"))
	convs, seen := store.Len()
	require.Equal(t, 21, convs)
	require.Equal(t, 21, seen)
	d.Advance(t, 25*time.Hour)
	convs, seen = store.Len()
	require.Equal(t, 1, convs, "resolved conversations past retention are gone; the open one stays")
	require.Equal(t, 21, seen, "dedup keys outlive them (48h)")
	d.Advance(t, 24*time.Hour)
	_, seen = store.Len()
	require.Zero(t, seen)
	_, err := d.Conversation(ctx, open.Key)
	require.NoError(t, err)

	// A customer who writes after retention starts afresh.
	in := d.RequireIngest(t, xmsg("late", "ca", "hello again"))
	c, err := d.Conversation(ctx, in.Key)
	require.NoError(t, err)
	require.Equal(t, 1, c.Cycle)
}

// Point 8: moving a waiting conversation between teams is a queue
// operation: no queue agent is registered or steals it.
func TestRegressionTeamMoveIsAQueueOperation(t *testing.T) {
	t.Parallel()
	var events []queue.Event
	var mu sync.Mutex
	clk := caretest.NewClock(caretest.Start)
	q, err := queue.New(memqueue.New(), &queue.Config{Now: clk.Now, OnEvent: func(e queue.Event) {
		mu.Lock()
		events = append(events, e)
		mu.Unlock()
	}})
	require.NoError(t, err)
	d, err := care.New(q, &care.Config{Acknowledgement: care.AckConfig{Disabled: true}})
	require.NoError(t, err)
	addX(t, d, clk, "brand")
	in, err := d.Ingest(ctx, acct(xmsg("m1", "c1", "I'm going to sue you"), "brand"))
	require.NoError(t, err)
	for range 25 * 60 {
		clk.Advance(time.Minute)
		require.NoError(t, d.Tick(ctx))
	}
	it, err := q.Get(ctx, in.Key)
	require.NoError(t, err)
	require.Equal(t, "general-counsel", it.Team)
	require.Equal(t, queue.Waiting, it.State)
	require.Zero(t, it.Claims, "nobody claimed it to move it")
	mu.Lock()
	require.Empty(t, events, "no steal, no transfer")
	mu.Unlock()
	for _, id := range []string{"care-desk", ""} {
		_, err := q.TryClaim(ctx, id, queue.Filter{})
		require.Error(t, err, "no desk agent registered")
	}
}

// Bad input is refused, not taken silently: empty phone context words,
// a message past the size limit.
func TestBadInputRefused(t *testing.T) {
	t.Parallel()
	_, err := care.NewDetector(&care.PersonalDataConfig{PhoneContext: []string{""}})
	require.ErrorIs(t, err, care.ErrInvalid)
	d := newDesk(t, &care.Config{MaxMessageBytes: 1 << 10})
	big := xmsg("big", "c1", strings.Repeat("a", 2<<10))
	_, err = d.Ingest(ctx, acct(big, "brand"))
	require.ErrorIs(t, err, care.ErrTooLarge)
	_, err = d.Conversation(ctx, caretest.Key(channel.X, "c1"))
	require.ErrorIs(t, err, care.ErrUnknownConversation, "nothing taken")
	future := xmsg("future", "c2", "hello from 2300")
	future.ReceivedAt = time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)
	_, err = d.Ingest(ctx, acct(future, "brand"))
	require.ErrorIs(t, err, care.ErrInvalid, "no acknowledgement deadline in 1715")
	_, err = d.TryNext(ctx, "ana", queue.Filter{Channels: []string{"twitter"}})
	require.ErrorIs(t, err, care.ErrInvalid, "a filter naming a channel the desk lacks would wait forever")
	_, err = d.TryNext(ctx, "ana", queue.Filter{Teams: []string{"support"}})
	require.ErrorIs(t, err, care.ErrInvalid, "no loop has a team \"support\"")
	_, err = d.TryNext(ctx, "ana", queue.Filter{Skills: []string{"billing"}})
	require.ErrorIs(t, err, care.ErrInvalid, "the desk routes nothing by skill")
	_, err = d.TryNext(ctx, "ana", queue.Filter{Languages: []string{"english!"}})
	require.ErrorIs(t, err, care.ErrInvalid)
	_, err = d.TryNext(ctx, "ana", queue.Filter{Teams: []string{"legal"}, Languages: []string{"pt-BR"}})
	require.ErrorIs(t, err, queue.ErrNoItem, "known names are fine")
	_, err = d.TryNext(ctx, "nobody", queue.Filter{})
	require.ErrorIs(t, err, care.ErrUnknownAgent)
	require.ErrorIs(t, err, queue.ErrUnknownAgent, "one unknown-agent error")
}

// Events reach OnEvent outside the desk's locks: a handler may act on the
// same conversation (here: a second message ingested from the Arrived of
// the first, and a reply from the FirstResponse's handler would do alike).
func TestOnEventMayCallTheDesk(t *testing.T) {
	t.Parallel()
	var d *caretest.Desk
	var first atomic.Bool
	done := make(chan error, 1)
	d = newDesk(t, &care.Config{Acknowledgement: care.AckConfig{Disabled: true}, OnEvent: func(e care.Event) {
		if e.Kind == care.Arrived && first.CompareAndSwap(false, true) {
			_, err := d.Ingest(ctx, acct(xmsg("m2", "c1", "and my bag too"), "brand"))
			done <- err
		}
	}})
	in := d.RequireIngest(t, xmsg("m1", "c1", "my flight was cancelled"))
	require.NoError(t, <-done)
	c, err := d.Conversation(ctx, in.Key)
	require.NoError(t, err)
	require.Len(t, c.Messages, 2)
}
