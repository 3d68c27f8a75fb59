package pgcare_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/care/caretest"
	"github.com/socialcare/socialcare/queue"
)

// An Assignment's Conversation is the caller's copy: what the host changes
// in it is never saved, neither by a reply nor by Resolve (which start
// from the desk's own copy, without reading the database).
func TestCallersSnapshotIsNeverSaved(t *testing.T) {
	t.Parallel()
	d := newPGDesk(t, sharedSchema(t), "desk-a", caretest.NewClock(caretest.Start), &recorder{},
		care.Config{Acknowledgement: care.AckConfig{Disabled: true}}, nil)
	require.NoError(t, d.AddAgent(ctx, care.Agent{ID: "ana", Name: "Ana Souza"}))
	in, err := d.Ingest(ctx, tweet(1))
	require.NoError(t, err)
	a, err := d.TryNext(ctx, "ana", queue.Filter{})
	require.NoError(t, err)
	want := a.Conversation.Transcript[0].Text
	a.Conversation.Transcript[0].Text = "redacted by the host"
	_, err = d.Reply(ctx, a, "So sorry! Rebooked you on the 14:05.")
	require.NoError(t, err)
	a.Conversation.Transcript[0].Text = "redacted by the host"
	a.Conversation.Customer.Tier = "gold"
	require.NoError(t, d.Resolve(ctx, a))

	c, err := d.store.Conversation(ctx, in.Key)
	require.NoError(t, err)
	require.Equal(t, want, c.Transcript[0].Text, "the caller's change is not saved")
	require.Empty(t, c.Customer.Tier)
	require.False(t, c.Open())
	require.Len(t, c.Transcript, 2)
}
