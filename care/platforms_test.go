package care_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/care/caretest"
	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/channel/memchannel"
)

// addChannel adds a memchannel of kind for the test desk's "brand" account,
// with its platform's profile (rules enforced on the injected clock).
func addChannel(t *testing.T, d *caretest.Desk, kind channel.Kind) *memchannel.Adapter {
	t.Helper()
	a, err := memchannel.New(kind, &memchannel.Config{Account: "brand", Now: d.Clock.Now})
	require.NoError(t, err)
	ch, err := channel.New(a)
	require.NoError(t, err)
	require.NoError(t, d.AddChannel(ch))
	return a
}

func fbComment(id, text string) channel.Message {
	return channel.Message{ID: id, Channel: channel.Facebook, Account: "brand", ConversationID: "c-" + id + ":u1", ThreadID: "post-1",
		Item: channel.ItemComment, Visibility: channel.Public, Text: text, Author: channel.Author{ID: "u1", Name: "Dana"}}
}

// A Facebook comment with personal data moves to private with Meta's one
// private reply (the delete request rides in it, no second message), and
// the customer's answer on Messenger joins the same conversation: one
// timeline, no second acknowledgement.
func TestOneTimelineAfterMoveToPrivate(t *testing.T) {
	t.Parallel()
	d := caretest.NewDeskWith(t, nil, nil)
	require.NoError(t, d.AddAgent(ctx, care.Agent{ID: "ana", Name: "Ana Souza"}))
	fb := addChannel(t, d, channel.Facebook)
	ms := d.Messenger
	in := d.RequireIngest(t, fbComment("c1", "my booking is lost, write me at dana@example.com"))
	d.Advance(t, 10*time.Minute)
	acks := len(d.EventsOf(care.Acknowledged))
	a := d.RequireNext(t, "ana")
	s := d.RequireReply(t, a, "So sorry, Dana! I've found your booking.", care.ReplyOptions{Confirm: true})
	require.True(t, s.MovedPrivate)
	require.Nil(t, s.DeleteRequest, "no second private message to the comment")

	var private []memchannel.Sent
	for _, x := range fb.Sent() {
		if x.Visibility == channel.Private {
			private = append(private, x)
		}
	}
	require.Len(t, private, 1, "one private reply per comment")
	require.True(t, private[0].IsPrivateReply())
	require.Equal(t, "c1", private[0].InReplyTo)
	require.Contains(t, private[0].Text, "please delete your public post")
	require.Equal(t, channel.Messenger, s.Receipt.PrivateChannel)

	dm := channel.Message{ID: "dm-1", Channel: channel.Messenger, Account: "brand", ConversationID: s.Receipt.PrivateConversationID,
		Visibility: channel.Private, Item: channel.ItemMessage, Text: "thanks! it's booking AB12", Author: channel.Author{ID: s.Receipt.RecipientID, Name: "Dana"}}
	in2 := d.RequireIngest(t, dm)
	require.Equal(t, in.Key, in2.Key, "the answer on Messenger joins the comment's conversation")
	d.Advance(t, 30*time.Minute)
	require.Len(t, d.EventsOf(care.Acknowledged), acks+1, "the agent's reply acknowledged the cycle; the DM gets no canned one")
	c, err := d.Conversation(ctx, in.Key)
	require.NoError(t, err)
	require.Len(t, c.Messages, 2)
	require.Contains(t, c.Aliases, "messenger:brand:"+s.Receipt.PrivateConversationID)
	var chans []channel.Kind
	for _, tr := range c.Transcript {
		chans = append(chans, tr.Channel)
	}
	require.Contains(t, chans, channel.Messenger)
	require.Contains(t, chans, channel.Facebook)

	// The agent answers on Messenger, where the customer now is.
	require.NoError(t, d.Refresh(ctx, a))
	d.RequireReply(t, a, "Got it, AB12 is confirmed.", care.ReplyOptions{})
	last := ms.Sent()[len(ms.Sent())-1]
	require.Equal(t, s.Receipt.PrivateConversationID, last.ConversationID)
	require.Equal(t, channel.Private, last.Visibility)
}

// The messaging window: a Boomerang reply 31 hours after the customer's
// last Messenger message is refused before any I/O and reported, unless
// the host configured the HUMAN_AGENT tag.
func TestMessagingWindowEnforced(t *testing.T) {
	t.Parallel()
	for _, tag := range []bool{false, true} {
		t.Run(map[bool]string{false: "no fallback", true: "HUMAN_AGENT"}[tag], func(t *testing.T) {
			t.Parallel()
			var cfg care.Config
			cfg.Acknowledgement.Disabled = true
			if tag {
				cfg.OutsideWindow = map[channel.Kind]care.WindowFallback{channel.Messenger: {Tag: channel.HumanAgent}}
			}
			d := newDesk(t, &cfg)
			dm := channel.Message{ID: "d1", Channel: channel.Messenger, ConversationID: "psid-1", Visibility: channel.Private,
				Item: channel.ItemMessage, Text: "my refund?", Author: channel.Author{ID: "psid-1", Name: "Sam"}}
			d.RequireIngest(t, dm)
			a := d.RequireNext(t, "ana")
			d.RequireReply(t, a, "Checking with billing, back tomorrow.", care.ReplyOptions{})
			_, err := d.Boomerang(ctx, a, d.Clock.Now().Add(31*time.Hour), "refund")
			require.NoError(t, err)
			d.Advance(t, 31*time.Hour)
			a = d.RequireNext(t, "ana")
			require.NotNil(t, a.FollowUp)
			before := len(d.Messenger.Sent())
			s, err := d.Reply(ctx, a, "Your refund went out today.")
			if !tag {
				require.ErrorIs(t, err, channel.ErrWindowClosed)
				d.RequireEvent(t, care.WindowClosed, a.Conversation.Key)
				require.Len(t, d.Messenger.Sent(), before, "nothing sent")
				return
			}
			require.NoError(t, err)
			require.Equal(t, channel.HumanAgent, s.Outbound.Tag)
			require.Len(t, d.Messenger.Sent(), before+1)
		})
	}
}

// A WhatsApp reply the platform reports failed is marked so in the
// timeline, with an event.
func TestDeliveryFailedStatus(t *testing.T) {
	t.Parallel()
	d := newDesk(t, &care.Config{Acknowledgement: care.AckConfig{Disabled: true}})
	addChannel(t, d, channel.WhatsApp)
	m := channel.Message{ID: "w1", Channel: channel.WhatsApp, Account: "brand", ConversationID: "15551234", Visibility: channel.Private,
		Item: channel.ItemMessage, Text: "is my order shipped?", Author: channel.Author{ID: "15551234"}}
	in := d.RequireIngest(t, m)
	a := d.RequireNext(t, "ana")
	s := d.RequireReply(t, a, "Yes, it ships today.", care.ReplyOptions{})
	sink := d.Statuses()
	require.NoError(t, sink(ctx, channel.Status{Channel: channel.WhatsApp, Account: "brand", MessageID: s.Receipt.ID, ConversationID: "15551234",
		State: channel.StatusFailed, Errors: []channel.PlatformError{{Code: 131047, Title: "Re-engagement message"}}}))
	ev := d.RequireEvent(t, care.DeliveryFailed, in.Key)
	require.Contains(t, ev.Detail, "131047")
	c, err := d.Conversation(ctx, in.Key)
	require.NoError(t, err)
	last := c.Transcript[len(c.Transcript)-1]
	require.Equal(t, s.Receipt.ID, last.ID)
	require.Contains(t, last.Failed, "Re-engagement")
	require.NoError(t, sink(ctx, channel.Status{Channel: channel.WhatsApp, Account: "brand", MessageID: s.Receipt.ID, ConversationID: "15551234", State: channel.StatusRead}))
	require.Len(t, d.EventsOf(care.DeliveryFailed), 1)
}

// The host links identities across channels explicitly; the desk never
// infers one.
func TestLinkAcrossChannels(t *testing.T) {
	t.Parallel()
	d := newDesk(t, &care.Config{Acknowledgement: care.AckConfig{Disabled: true}})
	x := d.RequireIngest(t, xmsg("x1", "dm:u7", "my bag is lost"))
	dm := channel.Message{ID: "m1", Channel: channel.Messenger, ConversationID: "psid-7", Visibility: channel.Private,
		Item: channel.ItemMessage, Text: "same person here, about the bag", Author: channel.Author{ID: "psid-7"}}
	require.ErrorIs(t, d.Link(ctx, x.Key, x.Key), care.ErrInvalid)
	require.NoError(t, d.Link(ctx, x.Key, caretest.Key(channel.Messenger, "psid-7")))
	in := d.RequireIngest(t, dm)
	require.Equal(t, x.Key, in.Key)
	c, err := d.Conversation(ctx, caretest.Key(channel.Messenger, "psid-7"))
	require.NoError(t, err)
	require.Equal(t, x.Key, c.Key)
	require.Len(t, c.Messages, 2)
	f, err := d.Schedule(ctx, caretest.Key(channel.Messenger, "psid-7"), "ana", d.Clock.Now().Add(time.Hour), "Your bag is on its way.", "")
	require.NoError(t, err, "a linked key schedules in the conversation it joins")
	require.Equal(t, x.Key, f.Key)
	other := d.RequireIngest(t, xmsg("x2", "dm:u8", "hello"))
	require.ErrorIs(t, d.Link(ctx, x.Key, other.Key), care.ErrInvalid, "a conversation of its own cannot be linked")
}

// A secondary loop is told, once per cycle, with its own deadline; it never
// answers the customer: customer service keeps the conversation.
func TestInformedLoop(t *testing.T) {
	t.Parallel()
	d := newDesk(t, &care.Config{Acknowledgement: care.AckConfig{Disabled: true}})
	in := d.RequireIngest(t, xmsg("m1", "c1", "Since the update the app crashes. How do I go back to the old version?"))
	require.Equal(t, "customer-service", in.Routing.Loop.Name)
	ev := d.RequireEvent(t, care.Informed, in.Key)
	require.Equal(t, "product", ev.Loop)
	require.Equal(t, "product", ev.Team)
	require.Contains(t, ev.Detail, "customer-service answers the customer")
	require.Contains(t, ev.Detail, "act by 2026-01-12T08:00:00Z", "product's own 7-day deadline")
	it, err := d.Queue.Get(ctx, in.Key)
	require.NoError(t, err)
	require.Equal(t, "customer-service", it.Team, "queued for the loop that answers")
	d.RequireIngest(t, xmsg("m2", "c1", "Since the update the app crashes again"))
	require.Len(t, d.EventsOf(care.Informed), 1, "told once per cycle")
}
