package care_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/queue"
	"github.com/socialcare/socialcare/sla"
)

func TestWaitingView(t *testing.T) {
	t.Parallel()
	d := newDesk(t, nil, care.Agent{ID: "ana", Name: "Ana Souza", Capacity: 2}, care.Agent{ID: "bo", Name: "Bo Lee"})
	stranded := d.RequireIngest(t, xmsg("m1", "c1", "Stranded at O'Hare, my flight was cancelled and nobody helps! Please help"))
	d.Clock.Advance(time.Minute)
	fare := d.RequireIngest(t, xmsg("m2", "c2", "What is the fare Chicago to L.A. next week?"))
	d.Clock.Advance(time.Minute)
	video := d.RequireIngest(t, xmsg("m3", "c3", "The video on your blog post is broken, it won't play"))

	p, err := d.Waiting(ctx, care.WaitingOptions{})
	require.NoError(t, err)
	require.Equal(t, 3, p.Total)
	require.Equal(t, stranded.Key, p.Conversations[0].Item.Key, "the stranded passenger is on top")
	top := p.Conversations[0]
	require.Equal(t, stranded.Key, top.Conversation.Key, "the conversation is the Store's")
	require.NotEmpty(t, top.Conversation.Score.Reasons, "with the score's reasons")
	require.Equal(t, sla.TargetAcknowledge, top.SLA.Target)
	require.True(t, top.SLA.Due.Equal(stranded.Deadlines.AcknowledgeBy), "the nearest deadline is the clock's")
	require.False(t, top.SLA.Breached())

	p, err = d.Waiting(ctx, care.WaitingOptions{Teams: []string{"content"}})
	require.NoError(t, err)
	require.Equal(t, 1, p.Total)
	require.Equal(t, video.Key, p.Conversations[0].Item.Key)

	// Past the acknowledgement deadline without an answer: breached.
	d.Clock.Advance(2 * time.Hour)
	st, err := d.SLA(ctx, fare.Key)
	require.NoError(t, err)
	require.True(t, st.Breached(), "%+v", st)
	require.Greater(t, st.Passed(), 1.0)

	// A claim takes the conversation out of the view; the agent's load
	// shows it.
	a := d.RequireNext(t, "ana")
	p, err = d.Waiting(ctx, care.WaitingOptions{Limit: 1})
	require.NoError(t, err)
	require.Equal(t, 2, p.Total)
	require.NotEqual(t, a.Conversation.Key, p.Conversations[0].Item.Key)
	require.NotEmpty(t, p.Next)
	agents, err := d.Agents(ctx)
	require.NoError(t, err)
	require.Len(t, agents, 2)
	require.Equal(t, "ana", agents[0].ID)
	require.Equal(t, 1, agents[0].Holding)
	require.InDelta(t, 0.5, agents[0].Load(), 1e-9)
	require.True(t, agents[1].Online)
	require.NoError(t, d.SetAvailable(ctx, "bo", false))
	agents, err = d.Agents(ctx)
	require.NoError(t, err)
	require.False(t, agents[1].Online)

	_, err = d.Waiting(ctx, care.WaitingOptions{Cursor: "nonsense!"})
	require.ErrorIs(t, err, queue.ErrInvalid)
	_, err = d.SLA(ctx, "x:brand:none")
	require.ErrorIs(t, err, care.ErrUnknownConversation)
	ag, err := d.Agent("ana")
	require.NoError(t, err)
	require.Equal(t, "Ana Souza", ag.Name)
	_, err = d.Agent("nobody")
	require.ErrorIs(t, err, care.ErrUnknownAgent)
	require.Contains(t, d.Teams(), "content")
	require.Contains(t, d.Teams(), "customer-service")
	require.Equal(t, []string{"messenger", "x"}, d.Channels())
}

func TestPreviewRunsTheGuardsWithoutSending(t *testing.T) {
	t.Parallel()
	d := newDesk(t, nil)
	d.RequireIngest(t, xmsg("m1", "c1", "My bag never arrived, can you check?"))
	a := d.RequireNext(t, "ana")

	pv, err := d.Preview(ctx, a, "Sure, write to me at ana@example.com")
	require.NoError(t, err)
	require.NotEmpty(t, pv.PII, "the personal-data guard sees the e-mail address")
	require.Equal(t, care.PIIEmail, pv.PII[0].Kind)
	require.True(t, pv.MovedPrivate)
	require.Contains(t, pv.Why, "e-mail")
	require.Equal(t, channel.Private, pv.Visibility)
	require.True(t, pv.Signed, "a human's reply is signed")
	require.Contains(t, pv.Text, "^AS")
	require.NoError(t, pv.Window)
	require.Empty(t, d.X.Sent(), "a preview sends nothing")

	pv, err = d.Preview(ctx, a, "Yeah right, like that happened.")
	require.NoError(t, err)
	require.False(t, pv.MovedPrivate)
	require.NotEmpty(t, pv.Flags, "the tone guard flags it")
	require.Equal(t, care.GuardTone, pv.Flags[0].Guard)

	_, err = d.Preview(ctx, a, "")
	require.ErrorIs(t, err, care.ErrInvalid)
	require.NoError(t, d.Resolve(ctx, a))
	_, err = d.Preview(ctx, a, "hello")
	require.True(t, errors.Is(err, care.ErrAssignmentEnded), "%v", err)
}

func TestEscalatedView(t *testing.T) {
	t.Parallel()
	d := newDesk(t, &care.Config{Acknowledgement: care.AckConfig{Disabled: true}})
	in := d.RequireIngest(t, xmsg("m1", "c1", "I'm going to sue you"))
	d.RequireIngest(t, xmsg("m2", "c2", "Where is my refund?"))
	es, err := d.Escalated(ctx)
	require.NoError(t, err)
	require.Empty(t, es)
	d.Advance(t, 24*time.Hour)
	es, err = d.Escalated(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, es)
	require.Equal(t, in.Key, es[0].Key)
	require.Equal(t, "general-counsel", es[0].EscalatedTo)
}
