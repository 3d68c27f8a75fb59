package care_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/queue"
)

// "Send and resolve": the reply and the resolution in one save; the
// events are those of a reply and a Resolve, and the queue item is done.
func TestReplyAndResolve(t *testing.T) {
	t.Parallel()
	d := newDesk(t, &care.Config{Acknowledgement: care.AckConfig{Disabled: true}})
	in := d.RequireIngest(t, xmsg("m1", "c1", "my bag never arrived"))
	a := d.RequireNext(t, "ana")
	d.Clock.Advance(3 * time.Minute)
	d.RequireReply(t, a, "Found it: it's on the 14:05 to you.", care.ReplyOptions{Resolve: true})

	c, err := d.Conversation(ctx, in.Key)
	require.NoError(t, err)
	require.False(t, c.Open(), "resolved with the reply")
	require.Equal(t, d.Clock.Now(), c.ResolvedAt)
	require.Equal(t, "Found it: it's on the 14:05 to you.", c.Transcript[len(c.Transcript)-1].Text[:len("Found it: it's on the 14:05 to you.")])
	it, err := d.Queue.Get(ctx, in.Key)
	require.NoError(t, err)
	require.Equal(t, queue.Done, it.State)
	d.RequireEvent(t, care.FirstResponse, in.Key)
	res := d.RequireEvent(t, care.Resolved, in.Key)
	require.Equal(t, "ana", res.Agent)
	var targets []string
	for _, m := range res.Measurements {
		targets = append(targets, string(m.Target))
	}
	require.Contains(t, targets, "resolve", "the resolution is measured")
	_, err = d.ReplyWith(ctx, a, "one more", care.ReplyOptions{})
	require.ErrorIs(t, err, care.ErrAssignmentEnded, "the assignment ended with the resolution")

	// The customer writes again: a new cycle, as after Resolve.
	d.RequireIngest(t, xmsg("m2", "c1", "and my stroller?"))
	c, err = d.Conversation(ctx, in.Key)
	require.NoError(t, err)
	require.Equal(t, 2, c.Cycle)
}
