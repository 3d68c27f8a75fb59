package queue_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/queue"
	"github.com/socialcare/socialcare/queue/memqueue"
)

// clock is a settable clock, safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// events collects Config.OnEvent calls.
type events struct {
	mu  sync.Mutex
	evs []queue.Event
}

func (e *events) add(ev queue.Event) {
	e.mu.Lock()
	e.evs = append(e.evs, ev)
	e.mu.Unlock()
}

func (e *events) kinds(k queue.EventKind) []queue.Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []queue.Event
	for _, ev := range e.evs {
		if ev.Kind == k {
			out = append(out, ev)
		}
	}
	return out
}

var ctx = context.Background()

func newQueue(t *testing.T, cfg *queue.Config) (*queue.Queue, *clock, *events) {
	t.Helper()
	clk := newClock()
	evs := &events{}
	var c queue.Config
	if cfg != nil {
		c = *cfg
	}
	c.Now = clk.Now
	c.OnEvent = evs.add
	q, err := queue.New(memqueue.New(), &c)
	require.NoError(t, err)
	for _, id := range []string{"ann", "bob"} {
		require.NoError(t, q.SetAgent(ctx, queue.Agent{ID: id, Online: true}))
	}
	return q, clk, evs
}

func TestNewValidates(t *testing.T) {
	t.Parallel()
	_, err := queue.New(nil, nil)
	require.ErrorIs(t, err, queue.ErrInvalid, "a nil store")
	require.ErrorContains(t, err, "memqueue.New()", "the message says what to pass")
	bad := []struct {
		name, says string
		cfg        queue.Config
	}{
		{"negative LeaseTTL", "Config.LeaseTTL", queue.Config{LeaseTTL: -time.Second}},
		{"negative PollInterval", "Config.PollInterval", queue.Config{PollInterval: -1}},
		{"negative MaintainInterval", "Config.MaintainInterval", queue.Config{MaintainInterval: -1}},
		{"negative RateWindow", "Config.RateWindow", queue.Config{RateWindow: -1}},
		{"NaN weight", "Weights.Score", queue.Config{Weights: &queue.Weights{Score: math.NaN(), Horizon: time.Hour}}},
		{"negative weight", "Weights.Slack", queue.Config{Weights: &queue.Weights{Score: 1, Slack: -1, Horizon: time.Hour}}},
		{"no horizon", "Weights.Horizon", queue.Config{Weights: &queue.Weights{Score: 1}}},
	}
	for _, c := range bad {
		_, err := queue.New(memqueue.New(), &c.cfg)
		require.ErrorIs(t, err, queue.ErrInvalid, c.name)
		require.ErrorContains(t, err, c.says, c.name)
	}
	q, err := queue.New(memqueue.New(), nil)
	require.NoError(t, err)
	require.Equal(t, 5*time.Minute, q.LeaseTTL())
}

func TestLeaseContext(t *testing.T) {
	t.Parallel()
	t.Run("complete ends it", func(t *testing.T) {
		t.Parallel()
		q, _, evs := newQueue(t, nil)
		_, err := q.Enqueue(ctx, queue.Entry{Key: "k", Score: 1})
		require.NoError(t, err)
		l, err := q.TryClaim(ctx, "ann", queue.Filter{})
		require.NoError(t, err)
		require.NoError(t, l.Context().Err())
		require.NoError(t, l.Complete(ctx))
		require.ErrorIs(t, context.Cause(l.Context()), queue.ErrLeaseEnded)
		require.Len(t, evs.kinds(queue.EventComplete), 1)
		require.ErrorIs(t, l.Complete(ctx), queue.ErrLeaseLost, "completed once only")
	})
	t.Run("expiry seen by Maintain", func(t *testing.T) {
		t.Parallel()
		q, clk, evs := newQueue(t, &queue.Config{LeaseTTL: time.Minute})
		_, err := q.Enqueue(ctx, queue.Entry{Key: "k", Score: 1})
		require.NoError(t, err)
		l, err := q.TryClaim(ctx, "ann", queue.Filter{})
		require.NoError(t, err)
		clk.Add(59 * time.Second)
		require.NoError(t, q.Maintain(ctx))
		require.NoError(t, l.Context().Err())
		clk.Add(time.Second)
		require.NoError(t, q.Maintain(ctx))
		require.ErrorIs(t, context.Cause(l.Context()), queue.ErrLeaseLost)
		ex := evs.kinds(queue.EventExpire)
		require.Len(t, ex, 1)
		require.Equal(t, "ann", ex[0].Agent)
		require.ErrorIs(t, l.Extend(ctx), queue.ErrLeaseLost)
		// The item went back to the queue.
		l2, err := q.TryClaim(ctx, "bob", queue.Filter{})
		require.NoError(t, err)
		require.Equal(t, "k", l2.Key())
	})
	t.Run("heartbeat keeps it", func(t *testing.T) {
		t.Parallel()
		q, clk, _ := newQueue(t, &queue.Config{LeaseTTL: time.Minute})
		_, err := q.Enqueue(ctx, queue.Entry{Key: "k", Score: 1})
		require.NoError(t, err)
		l, err := q.TryClaim(ctx, "ann", queue.Filter{})
		require.NoError(t, err)
		for range 5 {
			clk.Add(50 * time.Second)
			require.NoError(t, l.Extend(ctx))
			require.NoError(t, q.Maintain(ctx))
		}
		require.NoError(t, l.Context().Err())
		require.Equal(t, clk.Now().Add(time.Minute), l.ExpiresAt())
		require.NoError(t, l.ExtendFor(ctx, time.Hour))
		require.Equal(t, clk.Now().Add(time.Hour), l.ExpiresAt())
	})
	t.Run("steal loses it", func(t *testing.T) {
		t.Parallel()
		q, clk, evs := newQueue(t, nil)
		_, err := q.Enqueue(ctx, queue.Entry{Key: "k", Score: 1})
		require.NoError(t, err)
		l, err := q.TryClaim(ctx, "ann", queue.Filter{})
		require.NoError(t, err)
		clk.Add(time.Minute)
		_, err = q.Steal(ctx, "k", "bob", "")
		require.ErrorIs(t, err, queue.ErrInvalid, "a steal needs a reason")
		s, err := q.Steal(ctx, "k", "bob", "ann is at lunch")
		require.NoError(t, err)
		require.Equal(t, "bob", s.Item().Holder)
		require.ErrorIs(t, context.Cause(l.Context()), queue.ErrLeaseLost)
		require.ErrorIs(t, l.Complete(ctx), queue.ErrLeaseLost)
		st := evs.kinds(queue.EventSteal)
		require.Len(t, st, 1)
		require.Equal(t, queue.Event{Kind: queue.EventSteal, Key: "k", Agent: "bob", From: "ann", Reason: "ann is at lunch", At: clk.Now()}, st[0])
	})
	t.Run("transfer to agent", func(t *testing.T) {
		t.Parallel()
		q, _, evs := newQueue(t, nil)
		_, err := q.Enqueue(ctx, queue.Entry{Key: "k", Score: 1})
		require.NoError(t, err)
		l, err := q.TryClaim(ctx, "ann", queue.Filter{})
		require.NoError(t, err)
		_, err = l.TransferToAgent(ctx, "ghost")
		require.ErrorIs(t, err, queue.ErrUnknownAgent)
		require.NoError(t, l.Context().Err(), "a failed transfer changes nothing")
		nl, err := l.TransferToAgent(ctx, "bob")
		require.NoError(t, err)
		require.ErrorIs(t, context.Cause(l.Context()), queue.ErrLeaseEnded)
		require.NoError(t, nl.Context().Err())
		require.Equal(t, "bob", nl.Item().Holder)
		tr := evs.kinds(queue.EventTransferAgent)
		require.Len(t, tr, 1)
		require.Equal(t, "ann", tr[0].From)
	})
	t.Run("real clock timer", func(t *testing.T) {
		t.Parallel()
		q, err := queue.New(memqueue.New(), &queue.Config{LeaseTTL: 30 * time.Millisecond})
		require.NoError(t, err)
		require.NoError(t, q.SetAgent(ctx, queue.Agent{ID: "ann", Online: true}))
		_, err = q.Enqueue(ctx, queue.Entry{Key: "k", Score: 1})
		require.NoError(t, err)
		l, err := q.TryClaim(ctx, "ann", queue.Filter{})
		require.NoError(t, err)
		select {
		case <-l.Context().Done():
			require.ErrorIs(t, context.Cause(l.Context()), queue.ErrLeaseLost)
		case <-time.After(5 * time.Second):
			t.Fatal("lease context not cancelled after expiry")
		}
	})
	t.Run("KeepAlive", func(t *testing.T) {
		t.Parallel()
		q, err := queue.New(memqueue.New(), &queue.Config{LeaseTTL: time.Second})
		require.NoError(t, err)
		require.NoError(t, q.SetAgent(ctx, queue.Agent{ID: "ann", Online: true}))
		_, err = q.Enqueue(ctx, queue.Entry{Key: "k", Score: 1})
		require.NoError(t, err)
		l, err := q.TryClaim(ctx, "ann", queue.Filter{})
		require.NoError(t, err)
		kctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- l.KeepAlive(kctx, 20*time.Millisecond) }()
		first := l.ExpiresAt()
		require.Eventually(t, func() bool { return l.ExpiresAt().After(first) }, 5*time.Second, 5*time.Millisecond, "KeepAlive extends the lease")
		require.NoError(t, l.Context().Err())
		require.NoError(t, l.Complete(ctx))
		require.NoError(t, <-done, "the holder ended the lease")
		cancel()
	})
}

// TestKeepAliveRacesEnd ends leases (each way a holder can) while
// KeepAlive extends them every millisecond: a heartbeat that meets the end
// must not be taken for a lost lease (no EventExpire, cause ErrLeaseEnded,
// KeepAlive returns nil).
func TestKeepAliveRacesEnd(t *testing.T) {
	t.Parallel()
	q, _, evs := newQueue(t, &queue.Config{LeaseTTL: time.Minute})
	ends := []func(l *queue.Lease) error{
		func(l *queue.Lease) error { return l.Complete(ctx) },
		func(l *queue.Lease) error { return l.Release(ctx) },
		func(l *queue.Lease) error { return l.TransferToTeam(ctx, "billing") },
		func(l *queue.Lease) error { _, err := l.TransferToAgent(ctx, "bob"); return err },
	}
	for i := range 400 {
		key := fmt.Sprint("k", i)
		_, err := q.Enqueue(ctx, queue.Entry{Key: key, Score: 1})
		require.NoError(t, err)
		l, err := q.TryClaim(ctx, "ann", queue.Filter{}) // key, or one released before
		require.NoError(t, err)
		done := make(chan error, 1)
		go func() { done <- l.KeepAlive(ctx, time.Millisecond) }()
		time.Sleep(time.Duration(i%3) * time.Millisecond)
		require.NoError(t, ends[i%len(ends)](l))
		require.NoError(t, <-done, "lease %d: KeepAlive after the holder ended it", i)
		require.ErrorIs(t, context.Cause(l.Context()), queue.ErrLeaseEnded, "lease %d", i)
	}
	require.Empty(t, evs.kinds(queue.EventExpire), "no lease expired or was lost")
}

func TestOfflineGrace(t *testing.T) {
	t.Parallel()
	q, clk, evs := newQueue(t, nil)
	for _, k := range []string{"k1", "k2"} {
		_, err := q.Enqueue(ctx, queue.Entry{Key: k, Score: 1})
		require.NoError(t, err)
	}
	l1, err := q.TryClaim(ctx, "ann", queue.Filter{})
	require.NoError(t, err)
	l2, err := q.TryClaim(ctx, "ann", queue.Filter{})
	require.NoError(t, err)
	require.NoError(t, q.SetAgent(ctx, queue.Agent{ID: "ann", Online: false}))
	// Heartbeats keep the leases alive; only the grace period counts.
	clk.Add(119 * time.Second)
	require.NoError(t, l1.Extend(ctx))
	require.NoError(t, l2.Extend(ctx))
	require.NoError(t, q.Maintain(ctx))
	require.NoError(t, l1.Context().Err(), "still within the 2-minute grace")
	clk.Add(time.Second)
	require.NoError(t, q.Maintain(ctx))
	require.ErrorIs(t, context.Cause(l1.Context()), queue.ErrLeaseLost)
	require.ErrorIs(t, context.Cause(l2.Context()), queue.ErrLeaseLost)
	require.Len(t, evs.kinds(queue.EventOfflineRelease), 2)
	st, err := q.Stats(ctx)
	require.NoError(t, err)
	require.Equal(t, 2, st.WaitingByChannel[""])
	require.Empty(t, st.ClaimsByAgent)

	// Back online within the grace: nothing is released.
	l3, err := q.TryClaim(ctx, "bob", queue.Filter{})
	require.NoError(t, err)
	require.NoError(t, q.SetAgent(ctx, queue.Agent{ID: "bob", Online: false}))
	clk.Add(time.Minute)
	require.NoError(t, q.SetAgent(ctx, queue.Agent{ID: "bob", Online: true}))
	clk.Add(2 * time.Minute)
	require.NoError(t, l3.Extend(ctx))
	require.NoError(t, q.Maintain(ctx))
	require.NoError(t, l3.Context().Err())
}

func TestStartStop(t *testing.T) {
	t.Parallel()
	q, clk, _ := newQueue(t, &queue.Config{MaintainInterval: 5 * time.Millisecond, LeaseTTL: time.Minute})
	_, err := q.Enqueue(ctx, queue.Entry{Key: "k", Score: 1})
	require.NoError(t, err)
	l, err := q.TryClaim(ctx, "ann", queue.Filter{})
	require.NoError(t, err)
	require.NoError(t, q.Start(ctx))
	require.Error(t, q.Start(ctx), "started twice")
	clk.Add(time.Hour)
	select {
	case <-l.Context().Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the maintenance loop did not expire the lease")
	}
	require.NoError(t, q.Stop(ctx))
	require.NoError(t, q.Stop(ctx), "stopping twice is fine")
}

func TestExpectedWait(t *testing.T) {
	t.Parallel()
	q, clk, _ := newQueue(t, nil)
	_, err := q.ExpectedWait(ctx, queue.Filter{})
	require.ErrorIs(t, err, queue.ErrNoEstimate)
	for i := range 8 {
		_, err := q.Enqueue(ctx, queue.Entry{Key: string(rune('a' + i)), Channel: "x", Score: 1})
		require.NoError(t, err)
	}
	_, err = q.Enqueue(ctx, queue.Entry{Key: "fb", Channel: "facebook", Score: 0})
	require.NoError(t, err)
	for range 3 {
		clk.Add(time.Minute)
		l, err := q.TryClaim(ctx, "ann", queue.Filter{Channels: []string{"x"}})
		require.NoError(t, err)
		require.NoError(t, l.Complete(ctx))
	}
	// 5 waiting on x, 3 served in the last 15 minutes: (5+1)·15/3 = 30 min.
	w, err := q.ExpectedWait(ctx, queue.Filter{Channels: []string{"x"}})
	require.NoError(t, err)
	require.Equal(t, 30*time.Minute, w)
	_, err = q.ExpectedWait(ctx, queue.Filter{Channels: []string{"facebook"}})
	require.ErrorIs(t, err, queue.ErrNoEstimate, "nothing served on facebook")
	clk.Add(16 * time.Minute)
	_, err = q.ExpectedWait(ctx, queue.Filter{Channels: []string{"x"}})
	require.ErrorIs(t, err, queue.ErrNoEstimate, "the claims left the window")
}

// snapshot is everything observable about a queue.
func snapshot(t *testing.T, q *queue.Queue, keys ...string) []any {
	t.Helper()
	st, err := q.Stats(ctx)
	require.NoError(t, err)
	out := []any{st}
	for _, k := range keys {
		it, err := q.Get(ctx, k)
		if errors.Is(err, queue.ErrNotFound) {
			out = append(out, "missing "+k)
			continue
		}
		require.NoError(t, err)
		out = append(out, *it)
	}
	return out
}

func TestBadInputLeavesQueueUnchanged(t *testing.T) {
	t.Parallel()
	q, clk, _ := newQueue(t, nil)
	_, err := q.Enqueue(ctx, queue.Entry{Key: "k", Channel: "x", Score: 1})
	require.NoError(t, err)
	_, err = q.Enqueue(ctx, queue.Entry{Key: "k2", Channel: "x", Score: 1})
	require.NoError(t, err)
	l, err := q.TryClaim(ctx, "ann", queue.Filter{})
	require.NoError(t, err)
	done, err := q.TryClaim(ctx, "bob", queue.Filter{})
	require.NoError(t, err)
	require.NoError(t, done.Complete(ctx))
	clk.Add(time.Second)
	cases := []struct {
		name string
		op   func() error
		is   error
	}{
		{"empty key", func() error { _, err := q.Enqueue(ctx, queue.Entry{Score: 1}); return err }, queue.ErrInvalid},
		{"NaN score", func() error { _, err := q.Enqueue(ctx, queue.Entry{Key: "n", Score: math.NaN()}); return err }, queue.ErrInvalid},
		{"infinite score", func() error { _, err := q.Enqueue(ctx, queue.Entry{Key: "k", Score: math.Inf(1)}); return err }, queue.ErrInvalid},
		{"zero TTL", func() error { return l.ExtendFor(ctx, 0) }, queue.ErrInvalid},
		{"negative TTL", func() error { return l.ExtendFor(ctx, -time.Minute) }, queue.ErrInvalid},
		{"snooze into the past", func() error { return l.Snooze(ctx, clk.Now()) }, queue.ErrInvalid},
		{"empty team", func() error { return l.TransferToTeam(ctx, "") }, queue.ErrInvalid},
		{"unknown lease complete", func() error { return done.Complete(ctx) }, queue.ErrLeaseLost},
		{"unknown lease extend", func() error { return done.Extend(ctx) }, queue.ErrLeaseLost},
		{"unknown lease release", func() error { return done.Release(ctx) }, queue.ErrLeaseLost},
		{"unknown lease transfer", func() error { _, err := done.TransferToAgent(ctx, "ann"); return err }, queue.ErrLeaseLost},
		{"unknown agent claim", func() error { _, err := q.TryClaim(ctx, "ghost", queue.Filter{}); return err }, queue.ErrUnknownAgent},
		{"empty agent claim", func() error { _, err := q.TryClaim(ctx, "", queue.Filter{}); return err }, queue.ErrInvalid},
		{"unknown agent steal", func() error { _, err := q.Steal(ctx, "k", "ghost", "why"); return err }, queue.ErrUnknownAgent},
		{"unknown key steal", func() error { _, err := q.Steal(ctx, "nope", "bob", "why"); return err }, queue.ErrNotFound},
		{"unknown agent transfer", func() error { _, err := l.TransferToAgent(ctx, "ghost"); return err }, queue.ErrUnknownAgent},
		{"empty agent id", func() error { return q.SetAgent(ctx, queue.Agent{}) }, queue.ErrInvalid},
		{"negative capacity", func() error { return q.SetAgent(ctx, queue.Agent{ID: "ann", Capacity: -1}) }, queue.ErrInvalid},
	}
	for _, c := range cases {
		before := snapshot(t, q, "k", "k2", "n", "nope")
		err := c.op()
		require.ErrorIs(t, err, c.is, c.name)
		require.Equal(t, before, snapshot(t, q, "k", "k2", "n", "nope"), "%s changed the queue", c.name)
	}
	require.NoError(t, l.Context().Err(), "the live lease survived every bad call")
}

func TestClaimBlocks(t *testing.T) {
	t.Parallel()
	q, _, _ := newQueue(t, &queue.Config{PollInterval: time.Hour})
	got := make(chan *queue.Lease, 1)
	go func() {
		l, err := q.Claim(ctx, "ann", queue.Filter{Channels: []string{"x"}})
		if err == nil {
			got <- l
		}
		close(got)
	}()
	time.Sleep(10 * time.Millisecond)
	_, err := q.Enqueue(ctx, queue.Entry{Key: "k", Channel: "x", Score: 1})
	require.NoError(t, err)
	select {
	case l := <-got:
		require.NotNil(t, l)
		require.Equal(t, "k", l.Key())
	case <-time.After(5 * time.Second):
		t.Fatal("Claim was not woken by Enqueue")
	}
	cctx, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	_, err = q.Claim(cctx, "ann", queue.Filter{})
	require.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestEventsForLeaseOps(t *testing.T) {
	t.Parallel()
	q, clk, evs := newQueue(t, nil)
	_, err := q.Enqueue(ctx, queue.Entry{Key: "k", Team: "care", Score: 1})
	require.NoError(t, err)
	l, err := q.TryClaim(ctx, "ann", queue.Filter{})
	require.NoError(t, err)
	until := clk.Now().Add(time.Hour)
	require.NoError(t, l.Snooze(ctx, until))
	clk.Add(time.Hour)
	l, err = q.TryClaim(ctx, "ann", queue.Filter{})
	require.NoError(t, err)
	require.NoError(t, l.TransferToTeam(ctx, "billing"))
	l, err = q.TryClaim(ctx, "bob", queue.Filter{Teams: []string{"billing"}})
	require.NoError(t, err)
	require.NoError(t, l.Release(ctx))
	var kinds []queue.EventKind
	for _, ev := range evs.evs {
		kinds = append(kinds, ev.Kind)
	}
	require.Equal(t, []queue.EventKind{queue.EventClaim, queue.EventSnooze, queue.EventClaim, queue.EventTransferTeam, queue.EventClaim, queue.EventRelease}, kinds)
	require.Equal(t, until, evs.evs[1].Until)
	require.Equal(t, "billing", evs.evs[3].Team)
	require.Equal(t, "ann", evs.evs[3].Agent)
	require.Equal(t, "bob", evs.evs[5].Agent)
	require.Equal(t, "transfer-team", queue.EventTransferTeam.String())
}
