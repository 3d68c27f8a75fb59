package care_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/care/caretest"
	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/channel/channeldriver"
	"github.com/socialcare/socialcare/channel/memchannel"
	"github.com/socialcare/socialcare/queue"
	"github.com/socialcare/socialcare/queue/memqueue"
)

// events records a desk's events.
type events struct {
	mu  sync.Mutex
	evs []care.Event
}

func (e *events) add(ev care.Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.evs = append(e.evs, ev)
}

func (e *events) of(k care.EventKind) []care.Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []care.Event
	for _, ev := range e.evs {
		if ev.Kind == k {
			out = append(out, ev)
		}
	}
	return out
}

// durable is a MemStore that says it outlives the process, so that the
// desk records its sends first, as on PostgreSQL.
type durable struct{ *care.MemStore }

func (durable) Durable() bool { return true }

// hanging is an X channel whose platform takes a send and never answers
// while hang is set: the send times out with its outcome unknown.
type hanging struct {
	*memchannel.Adapter
	hang atomic.Bool
}

func (h *hanging) Send(ctx context.Context, m *channeldriver.Outbound) (channeldriver.Receipt, error) {
	r, err := h.Adapter.Send(ctx, m)
	if err == nil && h.hang.Load() {
		<-ctx.Done()
		return channeldriver.Receipt{}, ctx.Err()
	}
	return r, err
}

// A send that times out may have reached the customer: the desk keeps its
// record, never sends it again by itself, and the runner settles it as
// MaybeSent, which the agent sees.
func TestTimedOutSendMayHaveBeenSent(t *testing.T) {
	t.Parallel()
	clk := caretest.NewClock(caretest.Start)
	q, err := queue.New(memqueue.New(), &queue.Config{Now: clk.Now})
	require.NoError(t, err)
	evs := &events{}
	d, err := care.New(q, &care.Config{Store: durable{care.NewMemStore()}, SendTimeout: 50 * time.Millisecond,
		Acknowledgement: care.AckConfig{Disabled: true}, OnEvent: evs.add})
	require.NoError(t, err)
	x, err := memchannel.New(channel.X, &memchannel.Config{Now: clk.Now})
	require.NoError(t, err)
	h := &hanging{Adapter: x}
	ch, err := channel.New(h)
	require.NoError(t, err)
	require.NoError(t, d.AddChannel(ch))
	require.NoError(t, d.AddAgent(ctx, care.Agent{ID: "ana", Name: "Ana Souza"}))
	require.NoError(t, d.Tick(ctx))

	m := xmsg("m1", "c1", "my refund never came")
	m.Account = "brand"
	in, err := d.Ingest(ctx, m)
	require.NoError(t, err)
	a, err := d.TryNext(ctx, "ana", queue.Filter{})
	require.NoError(t, err)
	h.hang.Store(true)
	_, err = d.Reply(ctx, a, "Refunded today.")
	require.ErrorContains(t, err, "may have been sent")
	require.ErrorIs(t, err, context.DeadlineExceeded)
	c, err := d.Conversation(ctx, in.Key)
	require.NoError(t, err)
	require.Len(t, c.Sending, 1, "the record stays")
	h.hang.Store(false)
	_, err = d.Reply(ctx, a, "Refunded today.")
	require.ErrorIs(t, err, care.ErrInFlight, "no second send while the first is unsettled")

	clk.Advance(time.Second) // past twice SendTimeout
	require.NoError(t, d.Tick(ctx))
	require.Len(t, evs.of(care.MaybeSent), 1)
	require.Len(t, x.Sent(), 1, "the platform got it once")
	_, err = d.Reply(ctx, a, "Refunded today.")
	var changed *care.ChangedError
	require.ErrorAs(t, err, &changed, "the agent is shown the turn that may have been sent")
	require.True(t, changed.OtherReplies[0].MaybeSent)
}

// On a durable store a reply starts from the version the desk loaded for
// the assignment (no read); when the conversation moved on meanwhile, the
// sends are planned again from the new version: the collision guard sees
// the customer's new message, and a confirmed reply answers it.
func TestReplyFromAnOldVersionPlansAgain(t *testing.T) {
	t.Parallel()
	for _, store := range []struct {
		name string
		s    care.Store
	}{{"durable", durable{care.NewMemStore()}}, {"memory", care.NewMemStore()}} {
		t.Run(store.name, func(t *testing.T) {
			t.Parallel()
			d := caretest.NewDesk(t, &care.Config{Store: store.s, Acknowledgement: care.AckConfig{Disabled: true}})
			require.NoError(t, d.AddAgent(ctx, care.Agent{ID: "ana", Name: "Ana Souza"}))
			x := d.X

			in := d.RequireIngest(t, xmsg("m1", "c1", "my refund never came"))
			a := d.RequireNext(t, "ana")
			a.Conversation.Transcript[0].Text = "changed by the host" // the caller's copy only

			d.Clock.Advance(time.Minute)
			d.RequireIngest(t, xmsg("m2", "c1", "also my card was charged twice"))

			_, err := d.Reply(ctx, a, "Refunded today.")
			var changed *care.ChangedError
			require.ErrorAs(t, err, &changed, "the reply sees the message that came after the snapshot")
			require.Len(t, changed.NewMessages, 1)
			require.Empty(t, x.Sent(), "nothing went out")

			_, err = d.ReplyWith(ctx, a, "Refunded today, and the double charge reversed.", care.ReplyOptions{Confirm: true})
			require.NoError(t, err)
			require.Len(t, x.Sent(), 1)
			require.Equal(t, "m2", x.Sent()[0].Outbound.InReplyTo, "planned from the new version: it answers the newest message")

			a.Conversation.Transcript[0].Text = "changed by the host again"
			require.NoError(t, d.Resolve(ctx, a))
			c, err := d.Conversation(ctx, in.Key)
			require.NoError(t, err)
			require.Equal(t, "my refund never came", c.Transcript[0].Text, "a caller's change to its snapshot is never saved")
			require.False(t, c.Open())
			require.Len(t, c.Transcript, 3)
		})
	}
}
