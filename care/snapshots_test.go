package care_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/channel"
)

// The desk reads its Store's conversations without copying them and saves
// only what changed (MemStore): what it hands out must still be the
// caller's own. An Assignment's snapshot, a Conversation and an Intake
// taken earlier never change when the desk goes on (replies, a status
// that marks a turn failed, a Boomerang's pause closed by the customer,
// resolution), and changing them in place changes nothing in the desk.
func TestHandedOutConversationsNeverChange(t *testing.T) {
	t.Parallel()
	store := care.NewMemStore()
	d := newDesk(t, &care.Config{Store: store, Acknowledgement: care.AckConfig{Disabled: true}})
	addChannel(t, d, channel.WhatsApp)
	m := channel.Message{ID: "w1", Channel: channel.WhatsApp, Account: "brand", ConversationID: "15551234", Visibility: channel.Private,
		Item: channel.ItemMessage, Text: "my refund never arrived, call me on +1 312 555 0147", Author: channel.Author{ID: "15551234"}}
	in := d.RequireIngest(t, m)
	// Every snapshot the store held, with a copy made when it was new.
	type kept struct{ stored, want *care.Conversation }
	var snapshots []kept
	keep := func() {
		c := store.StoredForTest(in.Key)
		if n := len(snapshots); n == 0 || snapshots[n-1].stored != c {
			w := c.Clone()
			snapshots = append(snapshots, kept{c, &w})
		}
	}
	keep()
	inWant := *in
	inWant.Score.Reasons = append(in.Score.Reasons[:0:0], in.Score.Reasons...)
	inWant.Routing = cloneDecision(in.Routing)

	a := d.RequireNext(t, "ana")
	keep()
	next := a.Conversation // shares its slices with a.Conversation
	nextWant := a.Conversation.Clone()
	s := d.RequireReply(t, a, "I've chased our payments team; I'll write back on Friday.", care.ReplyOptions{})
	keep()
	replied := a.Conversation
	repliedWant := a.Conversation.Clone()
	loaded, err := d.Conversation(ctx, in.Key)
	require.NoError(t, err)
	loadedWant := loaded.Clone()

	// A status marks the reply failed (a turn changed in place in the
	// desk's own copy); a Boomerang pauses the clock and the customer's
	// message closes the pause; a duplicate reports the conversation.
	require.NoError(t, d.Statuses()(ctx, channel.Status{Channel: channel.WhatsApp, Account: "brand", MessageID: s.Receipt.ID,
		ConversationID: "15551234", State: channel.StatusFailed, Errors: []channel.PlatformError{{Code: 131047, Title: "Re-engagement message"}}}))
	keep()
	_, err = d.Boomerang(ctx, a, d.Clock.Now().Add(72*time.Hour), "check the refund")
	require.NoError(t, err)
	paused, err := d.Conversation(ctx, in.Key)
	require.NoError(t, err)
	require.Len(t, paused.SLAPauses, 1)
	pausedWant := paused.Clone()
	keep()
	d.Clock.Advance(time.Hour)
	m2 := m
	m2.ID, m2.Text, m2.ReceivedAt = "w2", "any news?", time.Time{}
	in2 := d.RequireIngest(t, m2) // the conversation is open: it keeps its routing
	keep()
	dup, err := d.Ingest(ctx, m2)
	require.NoError(t, err)
	require.True(t, dup.Duplicate)
	before, err := d.Conversation(ctx, in.Key)
	require.NoError(t, err)
	in2.Routing.Reasons = append(in2.Routing.Reasons[:0], "changed")
	in2.Routing.Topics = append(in2.Routing.Topics[:0], "changed")
	dup.Score.Reasons[0].Detail = "changed"
	dup.Routing.Reasons = append(dup.Routing.Reasons[:0], "changed")
	dup.Routing.Topics = append(dup.Routing.Topics[:0], "changed")
	after, err := d.Conversation(ctx, in.Key)
	require.NoError(t, err)
	require.Equal(t, before, after, "changing the Intakes of a message and its duplicate")
	a2 := d.RequireNext(t, "ana")
	keep()
	require.NoError(t, d.Resolve(ctx, a2))
	keep()
	require.Len(t, snapshots, 6) // Next saves nothing
	// The reply's snapshot shares the customer's messages with the one
	// before it: a save copies what changed.
	require.Same(t, &snapshots[0].stored.Messages[0], &snapshots[1].stored.Messages[0])
	for i, k := range snapshots {
		require.Equal(t, *k.want, *k.stored, "snapshot %d was written into after it was stored", i)
	}

	require.Equal(t, inWant, *in, "the first Intake")
	require.Equal(t, nextWant, next, "the assignment's snapshot from Next")
	require.Equal(t, repliedWant, replied, "the assignment's snapshot after the reply")
	require.Equal(t, loadedWant, loaded, "a loaded conversation")
	require.Equal(t, pausedWant, paused, "a conversation loaded while paused")
	require.Empty(t, replied.Transcript[len(replied.Transcript)-1].Failed)
	require.True(t, paused.SLAPauses[0].To.IsZero())

	// Changing what was handed out changes nothing in the desk.
	stored, err := d.Conversation(ctx, in.Key)
	require.NoError(t, err)
	want := stored.Clone()
	for _, c := range []*care.Conversation{&next, &replied, &loaded, &paused, &a2.Conversation, &stored} {
		c.Transcript[0].Text = "changed"
		c.Messages[0].Text = "changed"
		c.SLAPauses = append(c.SLAPauses[:0], care.SLAPause{FromTurn: 99})
		if c.Routing != nil {
			c.Routing.Topics = append(c.Routing.Topics[:0], "changed")
		}
		if len(c.Score.Reasons) > 0 {
			c.Score.Reasons[0].Detail = "changed"
		}
	}
	got, err := d.Conversation(ctx, in.Key)
	require.NoError(t, err)
	require.Equal(t, want, got)
	require.Contains(t, got.Transcript[1].Failed, "Re-engagement")
	require.False(t, got.SLAPauses[0].To.IsZero())
}

func cloneDecision(d care.Decision) care.Decision {
	d.Topics = append([]string(nil), d.Topics...)
	d.Reasons = append([]string(nil), d.Reasons...)
	d.Situations = append(d.Situations[:0:0], d.Situations...)
	d.Inform = append(d.Inform[:0:0], d.Inform...)
	return d
}

// A MemStore keeps the messages and turns the desk appended rather than
// copying them again; the attachments of a new message are still copied,
// since they are the Ingest caller's, and a later message or reply never
// writes into an earlier snapshot's arrays.
func TestSavedMessagesKeepTheCallersAttachmentsApart(t *testing.T) {
	t.Parallel()
	store := care.NewMemStore()
	d := newDesk(t, &care.Config{Store: store, Acknowledgement: care.AckConfig{Disabled: true}})
	addChannel(t, d, channel.WhatsApp)
	att := []channel.Attachment{{Kind: channel.Image, MediaID: "media-1"}}
	m := channel.Message{ID: "w1", Channel: channel.WhatsApp, Account: "brand", ConversationID: "15551234", Visibility: channel.Private,
		Item: channel.ItemMessage, Text: "the box arrived broken, see the photo", Author: channel.Author{ID: "15551234"}, Attachments: att}
	in := d.RequireIngest(t, m)
	first := store.StoredForTest(in.Key)
	firstWant := first.Clone()
	att[0].MediaID = "changed by the caller"
	m2 := m
	m2.ID, m2.Text, m2.Attachments = "w2", "and a second one", []channel.Attachment{{Kind: channel.Image, MediaID: "media-2"}}
	d.RequireIngest(t, m2)
	m2.Attachments[0].MediaID = "changed by the caller"
	second := store.StoredForTest(in.Key)
	secondWant := second.Clone()
	a := d.RequireNext(t, "ana")
	d.RequireReply(t, a, "So sorry! A replacement is on its way.", care.ReplyOptions{})
	require.NoError(t, d.Resolve(ctx, a))

	require.Equal(t, firstWant, *first, "the first snapshot")
	require.Equal(t, secondWant, *second, "the second snapshot")
	got, err := d.Conversation(ctx, in.Key)
	require.NoError(t, err)
	require.Len(t, got.Messages, 2)
	require.Equal(t, "media-1", got.Messages[0].Attachments[0].MediaID)
	require.Equal(t, "media-2", got.Messages[1].Attachments[0].MediaID)
	require.Len(t, got.Transcript, 3)
}
