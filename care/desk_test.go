package care_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/care/caretest"
	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/channel/memchannel"
	"github.com/socialcare/socialcare/queue"
	"github.com/socialcare/socialcare/queue/memqueue"
)

var ctx = context.Background()

func xmsg(id, conv, text string) channel.Message {
	return channel.Message{ID: id, Channel: channel.X, ConversationID: conv, Text: text, Author: channel.Author{ID: "u-" + conv, Handle: "cust_" + conv}}
}

func newDesk(t *testing.T, cfg *care.Config, agents ...care.Agent) *caretest.Desk {
	t.Helper()
	d := caretest.NewDesk(t, cfg)
	if len(agents) == 0 {
		agents = []care.Agent{{ID: "ana", Name: "Ana Souza"}}
	}
	for _, a := range agents {
		require.NoError(t, d.AddAgent(ctx, a))
	}
	return d
}

func TestRoutingToLoops(t *testing.T) {
	t.Parallel()
	d := newDesk(t, nil, care.Agent{ID: "cs", Name: "Cara Smith"}, care.Agent{ID: "ed", Name: "Ed Itor"})
	in := d.RequireIngest(t, xmsg("m1", "c1", "The video on your blog post is broken, it won't play"))
	require.Equal(t, "content", in.Routing.Loop.Name)
	require.Equal(t, caretest.Start.Add(8*time.Hour), in.Deadlines.ResolveBy, "content loop resolves within 8h")
	require.Equal(t, caretest.Start.Add(30*time.Minute), in.Deadlines.AcknowledgeBy)
	ev := d.RequireEvent(t, care.Routed, in.Key)
	require.Equal(t, "content", ev.Loop)
	require.Contains(t, ev.Detail, `rule "broken content"`)

	_, err := d.TryNext(ctx, "cs", queue.Filter{Teams: []string{"customer-service"}})
	require.ErrorIs(t, err, queue.ErrNoItem, "customer service does not take the content team's work")
	a, err := d.TryNext(ctx, "ed", queue.Filter{Teams: []string{"content"}})
	require.NoError(t, err)
	require.Equal(t, in.Key, a.Conversation.Key)
	require.Equal(t, "content", a.Conversation.Team)

	// A later legal threat moves a default-loop conversation to legal.
	in2 := d.RequireIngest(t, xmsg("m2", "c2", "Where is my refund?"))
	require.Equal(t, "customer-service", in2.Routing.Loop.Name)
	in3 := d.RequireIngest(t, xmsg("m3", "c2", "Fine, my lawyer will take it from here"))
	require.Equal(t, "legal", in3.Routing.Loop.Name)
	it, err := d.Queue.Get(ctx, in2.Key)
	require.NoError(t, err)
	require.Equal(t, "legal", it.Team)
}

func TestEscalationChain(t *testing.T) {
	t.Parallel()
	d := newDesk(t, &care.Config{Acknowledgement: care.AckConfig{Disabled: true}})
	in := d.RequireIngest(t, xmsg("m1", "c1", "I'm going to sue you"))
	d.RequireRouted(t, in.Key, "legal")
	d.Advance(t, 23*time.Hour)
	d.RequireNoEvent(t, care.Escalated, in.Key)
	d.Advance(t, time.Hour)
	ev := d.RequireEvent(t, care.Escalated, in.Key)
	require.Equal(t, "general-counsel", ev.Team)
	it, err := d.Queue.Get(ctx, in.Key)
	require.NoError(t, err)
	require.Equal(t, "general-counsel", it.Team)
	require.Equal(t, queue.Waiting, it.State)
	d.Advance(t, time.Hour)
	require.Len(t, d.EventsOf(care.Escalated), 1, "the next step waits 24h more")
	d.Advance(t, 23*time.Hour)
	require.Len(t, d.EventsOf(care.Escalated), 2)
	c, _ := d.Conversation(ctx, in.Key)
	require.Equal(t, "ceo-office", c.EscalatedTo)
	d.Advance(t, 48*time.Hour)
	require.Len(t, d.EventsOf(care.Escalated), 2, "the chain ends")

	// A claimed conversation is escalated in place: its holder is named.
	in2 := d.RequireIngest(t, xmsg("m2", "c2", "the video is broken on your blog"))
	a, err := d.TryNext(ctx, "ana", queue.Filter{Teams: []string{"content"}})
	require.NoError(t, err)
	require.Equal(t, in2.Key, a.Conversation.Key)
	d.AdvanceHolding(t, 8*time.Hour, a)
	ev = d.RequireEvent(t, care.Escalated, in2.Key)
	require.Equal(t, "ana", ev.Agent)
	require.Empty(t, ev.Team)
}

func TestAutoAcknowledgement(t *testing.T) {
	t.Parallel()
	d := newDesk(t, &care.Config{Acknowledgement: care.AckConfig{Templates: map[string]string{"x/es": "¡Hola {name}! Te leemos."}}})
	in := d.RequireIngest(t, xmsg("m1", "c1", "Where is my bag?"))
	es := xmsg("m2", "c2", "¿Dónde está mi maleta?")
	es.Language = "es-MX"
	inES := d.RequireIngest(t, es)
	ad := xmsg("m3", "c3", "is this deal real?")
	ad.Visibility = channel.AdComment
	inAd := d.RequireIngest(t, ad)
	pm := xmsg("m4", "c4", "urgent: stranded, help with my booking")
	inClaimed := d.RequireIngest(t, pm)

	// ana claims c4 before the delay; it must not be acknowledged automatically.
	held := d.RequireNext(t, "ana")
	require.Equal(t, inClaimed.Key, held.Conversation.Key)
	d.AdvanceHolding(t, 14*time.Minute, held)
	require.Empty(t, d.EventsOf(care.Acknowledged), "X acknowledges after 15 minutes")
	d.AdvanceHolding(t, time.Minute, held)

	ev := d.RequireEvent(t, care.Acknowledged, in.Key)
	require.True(t, ev.Auto)
	caretest.RequireSent(t, d.X, "Thanks for reaching out, cust_c1")
	caretest.RequireSent(t, d.X, "¡Hola cust_c2! Te leemos.")
	d.RequireEvent(t, care.Acknowledged, inES.Key)
	d.RequireNoEvent(t, care.Acknowledged, inAd.Key)
	d.RequireNoEvent(t, care.Acknowledged, inClaimed.Key)
	c, _ := d.Conversation(ctx, in.Key)
	require.True(t, c.AutoAcknowledged)
	require.Equal(t, care.DeskRole, c.Transcript[1].Role)

	n := len(d.X.Sent())
	d.AdvanceHolding(t, time.Hour, held)
	require.Equal(t, n, len(d.X.Sent()), "never twice")
	att := d.Attainment(nil)
	require.Equal(t, 2, att[0].Count)
	require.Equal(t, 2, att[0].Met)

	// Ad comments are acknowledged when configured.
	d2 := newDesk(t, &care.Config{Acknowledgement: care.AckConfig{AdComments: true, Delay: time.Minute}})
	d2.RequireIngest(t, ad)
	d2.Advance(t, time.Minute)
	d2.RequireEvent(t, care.Acknowledged, caretest.Key(channel.X, "c3"))
	require.Equal(t, "Danke für Ihre Nachricht, Kim. Wir haben sie erhalten und melden uns in Kürze bei Ihnen.", d2.AckText(channel.Messenger, "de", "Kim"))
}

func TestAckNeverTwiceAcrossDesks(t *testing.T) {
	t.Parallel()
	store := care.NewMemStore()
	cfg := &care.Config{Store: store}
	d1, d2 := newDesk(t, cfg), newDesk(t, cfg)
	for _, d := range []*caretest.Desk{d1, d2} {
		d.RequireIngest(t, xmsg("m1", "c1", "hello?"))
		d.Advance(t, 20*time.Minute)
	}
	require.Equal(t, 1, len(d1.X.Sent())+len(d2.X.Sent()), "the shared store lets one desk acknowledge")
}

func TestPersonalDataGuard(t *testing.T) {
	t.Parallel()
	t.Run("reply with personal data moves private and leaves a note", func(t *testing.T) {
		t.Parallel()
		d := newDesk(t, nil)
		in := d.RequireIngest(t, xmsg("m1", "c1", "How do I reach your baggage desk?"))
		a := d.RequireNext(t, "ana")
		s := d.RequireReply(t, a, "Call our desk at +1 312 555 0147, Gate B.", care.ReplyOptions{})
		require.True(t, s.MovedPrivate)
		require.Equal(t, channel.Private, s.Outbound.Visibility)
		require.NotNil(t, s.PublicNote)
		require.Equal(t, channel.Public, s.PublicNote.Visibility)
		require.False(t, care.HasPersonalData(s.PublicNote.Text))
		require.Nil(t, s.DeleteRequest)
		for _, sent := range d.X.Sent() {
			if sent.Visibility.IsPublic() {
				require.False(t, care.HasPersonalData(sent.Text), "no personal data went public: %q", sent.Text)
			}
		}
		d.RequireEvent(t, care.MovedPrivate, in.Key)
	})
	t.Run("customer posted personal data in public: asked privately to delete", func(t *testing.T) {
		t.Parallel()
		d := newDesk(t, nil)
		in := d.RequireIngest(t, xmsg("m1", "c1", "Refund me! my card 4111 1111 1111 1111"))
		require.Len(t, in.PII, 1)
		a := d.RequireNext(t, "ana")
		s := d.RequireReply(t, a, "I've started your refund.", care.ReplyOptions{})
		require.True(t, s.MovedPrivate)
		require.NotNil(t, s.DeleteRequest)
		require.Equal(t, channel.Private, s.DeleteRequest.Visibility)
		require.Contains(t, s.DeleteRequest.Text, "card number")
		s = d.RequireReply(t, a, "It will show in 3-5 days.", care.ReplyOptions{})
		require.Nil(t, s.DeleteRequest, "asked once")
		d.RequireEvent(t, care.DeleteRequested, in.Key)
	})
	t.Run("agent asked to delete in their own words", func(t *testing.T) {
		t.Parallel()
		d := newDesk(t, nil)
		d.RequireIngest(t, xmsg("m1", "c1", "mail me at a.b@example.com"))
		a := d.RequireNext(t, "ana")
		s := d.RequireReply(t, a, "Done. Please delete your tweet with your e-mail.", care.ReplyOptions{})
		require.Nil(t, s.DeleteRequest)
	})
	t.Run("no private channel: blocked", func(t *testing.T) {
		t.Parallel()
		d := newDesk(t, nil)
		ad, err := memchannel.New(channel.Review, &memchannel.Config{Capabilities: &channel.Capabilities{PublicReply: true}})
		require.NoError(t, err)
		ch, err := channel.New(ad)
		require.NoError(t, err)
		require.NoError(t, d.AddChannel(ch))
		m := xmsg("r1", "c1", "Terrible stay")
		m.Channel = channel.Review
		d.RequireIngest(t, m)
		a := d.RequireNext(t, "ana")
		_, err = d.Reply(ctx, a, "Email me at manager@hotel.example and I'll sort it.")
		caretest.RequireBlocked(t, err, care.GuardPersonalData)
		require.ErrorIs(t, err, care.ErrBlocked)
		require.Empty(t, ad.Sent())
		_, err = d.Reply(ctx, a, "I'm sorry; the manager will call you today.")
		require.NoError(t, err, "a clean reply passes")
	})
	t.Run("clean public reply passes", func(t *testing.T) {
		t.Parallel()
		d := newDesk(t, nil)
		d.RequireIngest(t, xmsg("m1", "c1", "Do you fly to Miami?"))
		a := d.RequireNext(t, "ana")
		s := d.RequireReply(t, a, "Yes, three times a day.", care.ReplyOptions{})
		require.False(t, s.MovedPrivate)
		require.Equal(t, channel.Public, s.Outbound.Visibility)
		require.Equal(t, "Yes, three times a day. ^AS", s.Outbound.Text)
	})
}

func TestToneGuard(t *testing.T) {
	t.Parallel()
	d := newDesk(t, nil)
	in := d.RequireIngest(t, xmsg("m1", "c1", "you idiots lost my bag"))
	a := d.RequireNext(t, "ana")
	s := d.RequireReply(t, a, "Only an idiot loses a tag.", care.ReplyOptions{})
	f := caretest.RequireFlag(t, s, care.GuardTone)
	require.Contains(t, f.Detail, "mirroring")
	d.RequireEvent(t, care.Flagged, in.Key)
	s = d.RequireReply(t, a, "I'm sorry; your bag is on the 14:05 and will be delivered tonight.", care.ReplyOptions{})
	require.Empty(t, s.Flags)

	strict := newDesk(t, &care.Config{Tone: &care.ToneConfig{Block: true}})
	strict.RequireIngest(t, xmsg("m1", "c1", "useless airline"))
	a = strict.RequireNext(t, "ana")
	_, err := strict.Reply(ctx, a, "Yeah right, useless.")
	caretest.RequireBlocked(t, err, care.GuardTone)
	require.Empty(t, strict.X.Sent())
}

func TestSignatures(t *testing.T) {
	t.Parallel()
	d := newDesk(t, &care.Config{Signatures: map[channel.Kind]string{channel.Messenger: "\n– {first}"}})
	d.RequireIngest(t, xmsg("m1", "c1", "hi"))
	pm := xmsg("p1", "p1", "hello")
	pm.Channel, pm.Visibility = channel.Messenger, channel.Private
	d.RequireIngest(t, pm)
	for range 2 {
		a := d.RequireNext(t, "ana")
		s := d.RequireReply(t, a, "Hi there.", care.ReplyOptions{})
		if a.Conversation.Channel == channel.X {
			require.Equal(t, "Hi there. ^AS", s.Outbound.Text)
		} else {
			require.Equal(t, "Hi there.\n– Ana", s.Outbound.Text)
		}
		s = d.RequireReply(t, a, "Anything else? -AS", care.ReplyOptions{})
		require.True(t, strings.HasSuffix(s.Outbound.Text, "Anything else? -AS"), "already signed: %q", s.Outbound.Text)
	}
	d2 := newDesk(t, &care.Config{DefaultSignature: "-"})
	d2.RequireIngest(t, xmsg("m1", "c1", "hi"))
	s := d2.RequireReply(t, d2.RequireNext(t, "ana"), "Hi.", care.ReplyOptions{})
	require.Equal(t, "Hi.", s.Outbound.Text)
}

func TestConsistencyAcrossChannels(t *testing.T) {
	t.Parallel()
	macros := []care.Macro{{Intent: "bags", Text: "Two checked bags of 23 kg each on international flights.", Keywords: []string{"baggage allowance", "checked bags"}}}
	d := newDesk(t, &care.Config{Macros: macros})
	pm := xmsg("p1", "p1", "What's the baggage allowance to Paris?")
	pm.Channel, pm.Visibility = channel.Messenger, channel.Private
	d.RequireIngest(t, pm)
	a := d.RequireNext(t, "ana")
	s := d.RequireReply(t, a, "Two checked bags of 23 kg each on international flights.", care.ReplyOptions{})
	require.Empty(t, s.Flags)
	require.Equal(t, "bags", s.Intent)

	d.RequireIngest(t, xmsg("m1", "c1", "what is the baggage allowance for Paris?"))
	a = d.RequireNext(t, "ana")
	s = d.RequireReply(t, a, "One checked bag of 32 kg on international flights.", care.ReplyOptions{})
	f := caretest.RequireFlag(t, s, care.GuardConsistency)
	require.Contains(t, f.Detail, `"23"`)
	m, ok := d.Macro("bags")
	require.True(t, ok)
	require.Equal(t, macros[0].Text, m.Text)
}

func TestCollisionGuard(t *testing.T) {
	t.Parallel()
	d := newDesk(t, &care.Config{Acknowledgement: care.AckConfig{Disabled: true}}, care.Agent{ID: "ana", Name: "Ana Souza"}, care.Agent{ID: "ben", Name: "Ben Ortiz"})
	in := d.RequireIngest(t, xmsg("m1", "c1", "my flight was cancelled"))
	a := d.RequireNext(t, "ana")

	// A new customer message since ana loaded it.
	d.RequireIngest(t, xmsg("m2", "c1", "never mind, found a seat on the 14:05"))
	_, err := d.Reply(ctx, a, "I've rebooked you on the 16:20.")
	var ce *care.ChangedError
	require.ErrorAs(t, err, &ce)
	require.ErrorIs(t, err, care.ErrChanged)
	require.Len(t, ce.NewMessages, 1)
	require.Empty(t, d.X.Sent())
	require.NoError(t, d.Refresh(context.Background(), a))
	_, err = d.Reply(ctx, a, "Great, enjoy the flight!")
	require.NoError(t, err)

	// Another agent's (scheduled) reply since ana loaded it.
	_, err = d.Schedule(ctx, in.Key, "ben", d.Clock.Now().Add(time.Minute), "Ben here: your voucher is in your e-mail.", "")
	require.NoError(t, err)
	d.Advance(t, time.Minute)
	require.NoError(t, a.Lease().Extend(ctx))
	_, err = d.Reply(ctx, a, "Anything else?")
	require.ErrorAs(t, err, &ce)
	require.Len(t, ce.OtherReplies, 1)
	require.Equal(t, "ben", ce.OtherReplies[0].Agent)
	_, err = d.ReplyWith(ctx, a, "Anything else?", care.ReplyOptions{Confirm: true})
	require.NoError(t, err, "confirmed")

	// Only the lease holder replies.
	stolen, err := d.Queue.Steal(ctx, in.Key, "ben", "supervisor")
	require.NoError(t, err)
	_ = stolen
	_, err = d.ReplyWith(ctx, a, "still me", care.ReplyOptions{Confirm: true})
	require.ErrorIs(t, err, queue.ErrLeaseLost)
}

func TestBotHandoff(t *testing.T) {
	t.Parallel()
	macros := []care.Macro{
		{Intent: "roses", Text: "Yes, we sell roses in red, white and pink.", Keywords: []string{"roses"}, BotAllowed: true},
		{Intent: "refund", Text: "Refunds take 5 days.", Keywords: []string{"refund"}},
	}
	d := newDesk(t, &care.Config{Macros: macros, Acknowledgement: care.AckConfig{Disabled: true}},
		care.Agent{ID: "bot", Name: "Florabot", Bot: true}, care.Agent{ID: "ana", Name: "Ana Souza"})
	in := d.RequireIngest(t, xmsg("m1", "c1", "do you sell roses?"))
	a, err := d.TryNext(ctx, "bot", queue.Filter{})
	require.NoError(t, err)
	s := d.RequireReply(t, a, "Yes, we sell roses in red, white and pink.", care.ReplyOptions{})
	require.Equal(t, "Yes, we sell roses in red, white and pink.", s.Outbound.Text, "bots do not sign")

	d.RequireIngest(t, xmsg("m2", "c1", "I want a refund for yesterday's order"))
	require.NoError(t, d.Refresh(context.Background(), a))
	_, err = d.Reply(ctx, a, "Refunds take 5 days.")
	caretest.RequireBlocked(t, err, care.GuardBot)

	h, err := d.Handoff(ctx, a, "customer-service", "wants a refund")
	require.NoError(t, err)
	require.Len(t, h.Transcript, 3)
	_, err = d.ReplyWith(ctx, a, "Yes, we sell roses in red, white and pink.", care.ReplyOptions{Confirm: true})
	require.Error(t, err, "the bot can no longer send")
	d.RequireEvent(t, care.Handoff, in.Key)

	_, err = d.TryNext(ctx, "bot", queue.Filter{})
	require.ErrorIs(t, err, care.ErrHandedOff)
	hum, err := d.TryNext(ctx, "ana", queue.Filter{Teams: []string{"customer-service"}})
	require.NoError(t, err)
	require.NotNil(t, hum.Conversation.Handoff)
	require.Equal(t, "wants a refund", hum.Conversation.Handoff.Note)
	require.Equal(t, care.BotRole, hum.Conversation.Handoff.Transcript[1].Role)
	_, err = d.Reply(ctx, hum, "Your refund is on its way.")
	require.NoError(t, err)
}

// A Boomerang comes back to its agent whether the Store reads one agent's
// Boomerangs (care.BoomerangLister, as MemStore and pgcare do) or only
// every due follow-up.
func TestBoomerangAndSchedule(t *testing.T) {
	t.Parallel()
	for name, store := range map[string]func() care.Store{
		"BoomerangLister": func() care.Store { return care.NewMemStore() },
		"FollowUps only":  func() care.Store { return struct{ care.Store }{care.NewMemStore()} },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, lister := store().(care.BoomerangLister)
			require.Equal(t, name == "BoomerangLister", lister)
			testBoomerangAndSchedule(t, store())
		})
	}
}

func testBoomerangAndSchedule(t *testing.T, store care.Store) {
	d := newDesk(t, &care.Config{Store: store, Acknowledgement: care.AckConfig{Disabled: true}}, care.Agent{ID: "ana", Name: "Ana Souza"}, care.Agent{ID: "ben", Name: "Ben Ortiz"})
	in := d.RequireIngest(t, xmsg("m1", "c1", "it's my wife's birthday next week, flying to Rome"))
	a := d.RequireNext(t, "ana")
	d.RequireReply(t, a, "Have a lovely trip!", care.ReplyOptions{})
	week := d.Clock.Now().Add(7 * 24 * time.Hour)
	f, err := d.Boomerang(ctx, a, week, "wish her a happy birthday")
	require.NoError(t, err)
	require.Equal(t, care.Boomerang, f.Kind)
	_, err = d.TryNext(ctx, "ben", queue.Filter{})
	require.ErrorIs(t, err, queue.ErrNoItem)

	d.Clock.Set(week)
	require.NoError(t, d.Tick(ctx))
	d.RequireEvent(t, care.FollowUpDue, in.Key)
	_, err = d.TryNext(ctx, "ben", queue.Filter{})
	require.ErrorIs(t, err, queue.ErrNoItem, "held for ana")
	back, err := d.TryNext(ctx, "ana", queue.Filter{})
	require.NoError(t, err)
	require.NotNil(t, back.FollowUp)
	require.Equal(t, "wish her a happy birthday", back.FollowUp.Note)

	// A proactive message goes through the guards when it is sent.
	_, err = d.Schedule(ctx, in.Key, "ana", d.Clock.Now().Add(time.Hour), "Happy birthday to your wife! Your upgrade code is on +1 312 555 0147.", "")
	require.NoError(t, err)
	_, err = d.Schedule(ctx, in.Key, "ana", d.Clock.Now().Add(-time.Hour), "too late", "")
	require.ErrorIs(t, err, care.ErrInvalid)
	_, err = d.Schedule(ctx, "x:brand:nope", "ana", d.Clock.Now().Add(time.Hour), "hi", "")
	require.ErrorIs(t, err, care.ErrUnknownConversation)
	d.Advance(t, 59*time.Minute)
	d.RequireNoEvent(t, care.FollowUpSent, in.Key)
	d.Advance(t, time.Minute)
	ev := d.RequireEvent(t, care.FollowUpSent, in.Key)
	require.Contains(t, ev.Detail, "^AS")
	d.RequireEvent(t, care.MovedPrivate, in.Key)
	sent := caretest.RequireSent(t, d.X, "Happy birthday")
	require.Equal(t, channel.Private, sent.Visibility, "personal data kept private")
}

func TestListeningEvents(t *testing.T) {
	t.Parallel()
	d := newDesk(t, &care.Config{Listening: &care.ListeningConfig{Brands: []string{"Skyways"}, Handles: []string{"skyways"}, SpikeMin: 3}})
	ms := d.Observe(ctx, channel.Message{Channel: channel.X, Text: "skywyas lost my luggage again", Author: channel.Author{Handle: "z"}})
	require.Len(t, ms, 1)
	ev := d.RequireEvent(t, care.MentionCaught, "")
	require.Equal(t, care.Misspelled, ev.Mention.Kind)
	d.Observe(ctx, channel.Message{Channel: channel.X, Text: "@skyways hi"})
	require.Len(t, d.EventsOf(care.MentionCaught), 1, "tagged mentions reach the desk anyway")
	for i := range 3 {
		d.RequireIngest(t, xmsg("o"+string(rune('a'+i)), "o"+string(rune('a'+i)), "site is down, outage?"))
	}
	sp := d.RequireEvent(t, care.Spike, "")
	require.Equal(t, "outage", sp.Spike.Topic)
	require.Equal(t, 3, sp.Spike.Count)
}

func TestWaitTimes(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got [][]care.WaitEstimate
	d := newDesk(t, &care.Config{Acknowledgement: care.AckConfig{Disabled: true}, WaitTime: care.WaitConfig{Publish: func(w []care.WaitEstimate) {
		mu.Lock()
		got = append(got, w)
		mu.Unlock()
	}}})
	for i := range 3 {
		d.RequireIngest(t, xmsg("m"+string(rune('a'+i)), "c"+string(rune('a'+i)), "question"))
	}
	d.Advance(t, 0)
	require.Len(t, got, 1)
	require.Equal(t, "messenger", got[0][0].Channel)
	x := got[0][1]
	require.Equal(t, 3, x.Waiting)
	require.Equal(t, "assumed", x.Source)
	require.Equal(t, 24*time.Minute, x.Wait, "no history: 6m × 4 / 1 agent")
	for range 3 {
		a := d.RequireNext(t, "ana")
		d.Clock.Advance(4 * time.Minute)
		require.NoError(t, d.Resolve(ctx, a))
	}
	d.RequireIngest(t, xmsg("z", "z", "question"))
	d.Advance(t, 4*time.Minute)
	require.Len(t, got, 2, "every 5 minutes")
	x = got[1][1]
	require.Equal(t, "queue", x.Source, "the queue saw recent claims on x")
	require.Positive(t, x.Wait)
	d.RequireEvent(t, care.WaitPublished, "")
	d.Advance(t, time.Minute)
	require.Len(t, got, 2)

	// Long after the queue's rate window, the estimate is assumed again:
	// one estimator, the queue's, or none.
	d.Advance(t, 30*time.Minute)
	x = got[len(got)-1][1]
	require.Equal(t, "assumed", x.Source)
	require.Equal(t, 12*time.Minute, x.Wait, "6m × (1 waiting + 1) / 1 agent")
}

func TestEventsForAnalytics(t *testing.T) {
	t.Parallel()
	d := newDesk(t, &care.Config{Acknowledgement: care.AckConfig{Disabled: true}})
	in := d.RequireIngest(t, xmsg("m1", "c1", "hi"))
	a := d.RequireNext(t, "ana")
	d.RequireReply(t, a, "Hello!", care.ReplyOptions{})
	d.RequireReply(t, a, "Anything else?", care.ReplyOptions{})
	require.NoError(t, d.Resolve(ctx, a))
	var ks []string
	for _, e := range d.Events() {
		require.Equal(t, in.Key, e.Key)
		require.Equal(t, "x", e.Channel)
		require.False(t, e.At.IsZero())
		ks = append(ks, e.Kind.String())
	}
	require.Equal(t, []string{"arrived", "routed", "acknowledged", "first_response", "replied", "resolved"}, ks)
}

func TestRestoreFromStore(t *testing.T) {
	t.Parallel()
	store := care.NewMemStore()
	d := newDesk(t, &care.Config{Store: store})
	in := d.RequireIngest(t, xmsg("m1", "c1", "hi"))
	d2 := newDesk(t, &care.Config{Store: store})
	require.NoError(t, d2.Restore(ctx))
	c, err := d2.Conversation(ctx, in.Key)
	require.NoError(t, err)
	require.Len(t, c.Messages, 1)
	dup := d2.RequireIngest(t, xmsg("m1", "c1", "hi"))
	require.True(t, dup.Duplicate)
}

func TestConfigValidation(t *testing.T) {
	t.Parallel()
	q, err := queue.New(memqueue.New(), nil)
	require.NoError(t, err)
	for name, cfg := range map[string]*care.Config{
		"ack delay outside window": {Acknowledgement: care.AckConfig{Delay: 10 * time.Minute}}, // chat window is 5m
		"negative ack delay":       {Acknowledgement: care.AckConfig{Delay: -1}},
		"bad router":               {Routing: &care.RouterConfig{Default: "nope"}},
		"bad region":               {PersonalData: &care.PersonalDataConfig{Regions: []string{"XX"}}},
		"bad macros":               {Macros: []care.Macro{{Intent: "a"}}},
		"bad listening":            {Listening: &care.ListeningConfig{SpikeFactor: -1}},
		"negative wait":            {WaitTime: care.WaitConfig{Every: -1}},
		"negative hold":            {BoomerangHold: -1},
	} {
		_, err := care.New(q, cfg)
		require.ErrorIs(t, err, care.ErrInvalid, name)
	}
	_, err = care.New(nil, nil)
	require.ErrorIs(t, err, care.ErrInvalid)
	d, err := care.New(q, nil)
	require.NoError(t, err)
	require.ErrorIs(t, d.AddAgent(ctx, care.Agent{}), care.ErrInvalid)
	_, err = d.Ingest(ctx, channel.Message{})
	require.ErrorIs(t, err, care.ErrInvalid)
	_, err = d.Ingest(ctx, xmsg("m", "c", "x"))
	require.ErrorIs(t, err, care.ErrUnknownChannel)
	_, err = d.TryNext(ctx, "nobody", queue.Filter{})
	require.ErrorIs(t, err, care.ErrUnknownAgent)
	_, err = d.Reply(ctx, nil, "x")
	require.ErrorIs(t, err, care.ErrInvalid)
	require.True(t, errors.Is(&care.GuardError{}, care.ErrBlocked))
}

func TestRunTicks(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	n := 0
	d := newDesk(t, &care.Config{TickInterval: time.Millisecond, WaitTime: care.WaitConfig{Every: time.Nanosecond, Publish: func([]care.WaitEstimate) {
		mu.Lock()
		n++
		mu.Unlock()
	}}})
	c, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- d.Run(c) }()
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return n >= 1
	}, 5*time.Second, time.Millisecond)
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)
}
