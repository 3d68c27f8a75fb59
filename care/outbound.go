package care

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/sla"
)

// outbound turns an answer into the sends a conversation needs: the
// guards (personal data, tone, consistency, bots), the signature, a move
// to private with its public note and delete request. Its plan is a pure
// function of the conversation, the author and the text.
type outbound struct {
	outside   map[channel.Kind]WindowFallback
	detector  *Detector
	tone      *ToneChecker
	toneBlock bool
	macros    *ConsistencyChecker
	note      string
	delReq    string
	sigs      map[channel.Kind]string
	defSig    string
}

func newOutbound(c *Config, det *Detector, macros *ConsistencyChecker) (*outbound, error) {
	var tc ToneConfig
	if c.Tone != nil {
		tc = *c.Tone
	}
	o := &outbound{outside: c.OutsideWindow, detector: det, tone: NewToneChecker(&tc), toneBlock: tc.Block, macros: macros, sigs: map[channel.Kind]string{}}
	o.note = pick(c.PublicNote, "We've sent you a private message to keep your details safe.")
	o.delReq = pick(c.DeleteRequest, "For your safety, please delete your public post: it shows your {kinds}. We'll continue here.")
	o.defSig = pick(c.DefaultSignature, " ^{initials}")
	for k, v := range c.Signatures {
		o.sigs[k] = v
	}
	return o, nil
}

// pick returns def for "", nothing for "-", else v.
func pick(v, def string) string {
	switch v {
	case "":
		return def
	case "-":
		return ""
	}
	return v
}

// Sent is a reply the desk sent.
type Sent struct {
	// Outbound is what went to the channel, signature included.
	Outbound channel.Outbound
	// Receipt is the platform's receipt.
	Receipt channel.Receipt
	// MovedPrivate reports that the reply went as a private message
	// because of personal data: the customer posted some in public, or the
	// reply contained some.
	MovedPrivate bool
	// PublicNote is the short public note left when the reply moved
	// private; nil if none was sent.
	PublicNote *channel.Outbound
	// DeleteRequest is the private request to delete a public post with
	// personal data; nil if none was sent.
	DeleteRequest *channel.Outbound
	// Flags are the guards' findings; the reply was still sent.
	Flags []Flag
	// Intent is the approved-answer intent the reply was checked against.
	Intent string
}

// ReplyOptions change how a reply is sent.
type ReplyOptions struct {
	// Confirm sends although the conversation changed since the agent
	// loaded it (the collision guard).
	Confirm bool
	// Resolve resolves the conversation with the reply, as Resolve would,
	// in the save that records the reply (on a Store that commits the queue
	// with it, one transaction with the queue item's completion): "send and
	// resolve". If the resolution fails, the reply is still recorded and
	// the error says so; the assignment stays open.
	Resolve bool
	// Intent names the approved answer the reply is checked against; empty
	// detects it from the customer's newest message with the macros'
	// keywords.
	Intent string
}

// ChangedError is the collision guard's refusal: the conversation changed
// since the agent loaded it. errors.Is(err, ErrChanged) holds for it.
type ChangedError struct {
	// Key is the conversation.
	Key string
	// NewMessages are customer turns the agent has not seen.
	NewMessages []Turn
	// OtherReplies are turns sent by someone else (another agent, a bot,
	// the desk) that the agent has not seen.
	OtherReplies []Turn
}

// Error implements error.
func (e *ChangedError) Error() string {
	return fmt.Sprintf("care: reply to %s refused: %d new customer message(s) and %d other reply(ies) since it was loaded; refresh, or reply with Confirm", e.Key, len(e.NewMessages), len(e.OtherReplies))
}

// Is reports whether target is ErrChanged.
func (e *ChangedError) Is(target error) bool { return target == ErrChanged }

// Reply is ReplyWith without options.
func (d *Desk) Reply(ctx context.Context, a *Assignment, text string) (*Sent, error) {
	return d.ReplyWith(ctx, a, text, ReplyOptions{})
}

// ReplyWith sends text through the conversation's channel, answering the
// customer's newest message, after the guards:
//
//   - only a live assignment replies (ErrAssignmentEnded once it was
//     resolved, released, handed off or boomeranged; the queue's
//     ErrLeaseLost if another agent took it);
//   - the collision guard refuses with a *ChangedError when the
//     conversation changed since the agent loaded it, unless opts.Confirm;
//   - a bot may not reply after a handoff (ErrHandedOff) nor to an intent
//     whose macro is not BotAllowed (a *GuardError);
//   - the tone and consistency guards flag the reply (Sent.Flags), or block
//     it with a *GuardError when ToneConfig.Block;
//   - a human's reply is signed per channel;
//   - a reply to a public message goes private when it contains personal
//     data or the customer posted some in public, leaving a short public
//     note; the customer is asked privately, once, to delete such a post.
//     If the channel cannot send privately, the reply is blocked.
//
// The reply is reported to the conversation's SLA clock (a human's reply
// is a response; a bot's, like the desk's own acknowledgement, only
// acknowledges), which records the targets it met or missed in business
// time. The assignment's snapshot is refreshed.
func (d *Desk) ReplyWith(ctx context.Context, a *Assignment, text string, opts ReplyOptions) (*Sent, error) {
	if err := a.live(); err != nil {
		return nil, fmt.Errorf("care: reply: %w", err)
	}
	if strings.TrimSpace(text) == "" {
		return nil, fmt.Errorf("%w: empty reply", ErrInvalid)
	}
	d.touch(a)
	// The lease must outlast the send: extend it unless it has more than
	// half of its time left.
	if left := a.lease.Item().LeaseExpiresAt.Sub(d.now()); left < d.q.LeaseTTL()/2 || left < 2*d.sendTimeout {
		if err := a.lease.Extend(ctx); err != nil {
			return nil, fmt.Errorf("care: reply to %s: %w", a.Conversation.Key, err)
		}
	}
	guard := func(c *Conversation) error {
		if a.Agent.Bot && c.Handoff != nil {
			return fmt.Errorf("care: reply to %s by bot %q: %w", c.Key, a.Agent.ID, ErrHandedOff)
		}
		if len(c.Transcript) != a.seen && !opts.Confirm {
			ce := &ChangedError{Key: c.Key}
			for _, t := range c.Transcript[min(a.seen, len(c.Transcript)):] {
				if t.Role == Customer {
					ce.NewMessages = append(ce.NewMessages, t)
				} else {
					ce.OtherReplies = append(ce.OtherReplies, t)
				}
			}
			return ce
		}
		return nil
	}
	var then *Assignment
	if opts.Resolve {
		then = a
	}
	s, c, err := d.deliverThen(ctx, a.Conversation.Key, a.Agent, text, opts.Intent, guard, then, a.takeBase())
	if c != nil {
		a.Conversation, a.base, a.seen = c.clone(), c, len(c.Transcript)
	}
	return s, err
}

// errMovedOn reports that the conversation changed after the sends were
// planned: they are planned again.
var errMovedOn = errors.New("care: the conversation moved on")

// prepareSends loads the conversation (or starts from base), runs check
// (the caller's guards) and the outbound guards, and returns the
// conversation, its channel and the sends that answer it.
func (d *Desk) prepareSends(ctx context.Context, key string, base *Conversation, agent Agent, text, intent string, check func(*Conversation) error) (*Conversation, *channel.Channel, []send, *Sent, string, error) {
	c := base
	if c == nil {
		var err error
		if c, err = d.convs.get(ctx, key); err != nil {
			return nil, nil, nil, nil, "", fmt.Errorf("care: reply to %s: %w", key, err)
		}
	}
	if c == nil || len(c.Messages) == 0 { // none, or an alias record
		return nil, nil, nil, nil, "", fmt.Errorf("%w: %s", ErrUnknownConversation, key)
	}
	if check != nil {
		if err := check(c); err != nil {
			return nil, nil, nil, nil, "", err
		}
	}
	last := c.Last()
	ch, err := d.channel(channelKey(last.Channel, last.Account))
	if err != nil {
		return nil, nil, nil, nil, "", err
	}
	plan, s, why, err := d.out.plan(c, ch.Capabilities(), agent, text, intent)
	if err != nil {
		return nil, nil, nil, nil, "", err
	}
	if err := inFlight(c); err != nil {
		return nil, nil, nil, nil, "", err
	}
	return c, ch, plan, s, why, nil
}

// send is one message of a plan.
type send struct {
	out  channel.Outbound
	role Role
	kind int    // 0 the answer, 1 the public note, 2 the delete request
	what string // for a delete request, the kinds of personal data
}

// plan decides the sends that answer c's newest message with text, written
// by agent (a zero Agent is the desk itself). It reads nothing but its
// arguments.
func (o *outbound) plan(c *Conversation, caps channel.Capabilities, agent Agent, text, intent string) ([]send, *Sent, string, error) {
	last := c.Last()
	lastPII := []PII(nil)
	if last.Visibility.IsPublic() {
		lastPII = c.PublicPII
	}
	role := DeskRole
	switch {
	case agent.Bot:
		role = BotRole
	case agent.ID != "":
		role = Human
	}
	s := &Sent{}
	if role != DeskRole {
		if intent == "" {
			intent, _ = o.macros.Intent(last.Text)
		}
		if role == BotRole {
			m, ok := o.macros.Macro(intent)
			if !ok || !m.BotAllowed {
				return nil, nil, "", &GuardError{Guard: GuardBot, Key: c.Key, Reason: fmt.Sprintf("bot %q may not answer intent %q; hand off to a human", agent.ID, intent)}
			}
		}
		s.Intent = intent
		tone := o.tone.Check(text, last.Text)
		if len(tone) > 0 && o.toneBlock {
			return nil, nil, "", &GuardError{Guard: GuardTone, Key: c.Key, Reason: tone[0].Detail}
		}
		s.Flags = append(tone, o.macros.Check(intent, text)...)
	}
	if role == Human {
		text = o.sign(c.Channel, agent, text)
	}
	out := channel.Outbound{ConversationID: last.ConversationID, InReplyTo: last.ID, InReplyToItem: last.Item, InReplyToAt: last.ReceivedAt,
		Text: text, Visibility: channel.Public, LastCustomerMessageAt: last.ReceivedAt}
	why := ""
	if !last.Visibility.IsPublic() {
		out.Visibility, out.To = channel.Private, last.Author.ID
	} else {
		if replyPII := o.detector.Find(text); len(replyPII) > 0 {
			why = "the reply contains a " + string(replyPII[0].Kind)
		} else if len(lastPII) > 0 {
			why = "the customer posted a " + string(lastPII[0].Kind) + " in public"
		}
		if last.Visibility == channel.AdComment && !caps.PrivateReplyToComment && why == "" && !caps.PublicReply {
			why = "the channel cannot answer in public"
		}
		if why != "" {
			if !caps.PrivateMessage && !caps.PrivateReplyToComment {
				return nil, nil, "", &GuardError{Guard: GuardPersonalData, Key: c.Key, Reason: why + " and " + string(c.Channel) + " cannot send private messages"}
			}
			out.Visibility, out.To = channel.Private, last.Author.ID
			if !caps.PrivateReplyToComment {
				out.InReplyTo = ""
			}
			s.MovedPrivate = true
		}
	}
	n := 1 // the answer, then a delete request and a public note as they apply
	if len(lastPII) > 0 {
		n++
	}
	if s.MovedPrivate {
		n++
	}
	plan := append(make([]send, 0, n), send{out: out, role: role})
	if len(lastPII) > 0 && !c.DeleteRequested && o.delReq != "" && !strings.Contains(strings.ToLower(text), "delete") {
		var kinds []string
		for _, p := range lastPII {
			if !slices.Contains(kinds, string(p.Kind)) {
				kinds = append(kinds, string(p.Kind))
			}
		}
		ask := strings.ReplaceAll(o.delReq, "{kinds}", strings.Join(kinds, " and "))
		if out.IsPrivateReply() {
			// A comment has one private reply (Meta): the request rides
			// in it rather than in a second private message.
			plan[0].out.Text += "\n\n" + ask
			plan[0].what = strings.Join(kinds, ", ")
		} else {
			dr := channel.Outbound{ConversationID: last.ConversationID, To: last.Author.ID, Visibility: channel.Private,
				Text: ask, LastCustomerMessageAt: last.ReceivedAt}
			plan = append(plan, send{out: dr, role: DeskRole, kind: 2, what: strings.Join(kinds, ", ")})
		}
	}
	if s.MovedPrivate && o.note != "" && caps.PublicReply {
		note := o.note
		if role == Human {
			note = o.sign(c.Channel, agent, note)
		}
		plan = append(plan, send{out: channel.Outbound{ConversationID: last.ConversationID, InReplyTo: last.ID, Text: note, Visibility: channel.Public}, role: role, kind: 1})
	}
	return plan, s, why, nil
}

// deliver answers the conversation key with text as agent (a zero Agent is
// the desk itself): it loads the conversation, runs check (the caller's
// guards) and the outbound guards, sends, and records the turns, the
// acknowledgement and the SLA clock's measurements. It returns the
// conversation as saved.
func (d *Desk) deliver(ctx context.Context, key string, agent Agent, text, intent string, check func(*Conversation) error) (*Sent, *Conversation, error) {
	return d.deliverThen(ctx, key, agent, text, intent, check, nil, nil)
}

// deliverThen is deliver; with resolve, it also resolves the conversation
// and completes resolve's lease in the save that records the reply (one
// transaction on a QueueCommitter), or, if that fails, records the reply
// alone and reports the resolution's failure. base, if not nil, is the
// desk's own copy of the conversation (an assignment's): on a Durable
// store the sends start from it, since recording them fails if the
// conversation moved on; then they are planned again from the new version.
func (d *Desk) deliverThen(ctx context.Context, key string, agent Agent, text, intent string, check func(*Conversation) error, resolve *Assignment, base *Conversation) (*Sent, *Conversation, error) {
	lk := d.lockConv(key)
	defer lk.release()
	if !d.durable {
		base = nil // nothing is recorded before the sends: read what is stored
	}
	now := d.now()
	var (
		c       *Conversation
		ch      *channel.Channel
		plan    []send
		s       *Sent
		why     string
		sendIDs []string
		err     error
	)
	for attempt := 0; ; attempt++ {
		if c, ch, plan, s, why, err = d.prepareSends(ctx, key, base, agent, text, intent, check); err != nil {
			return nil, nil, err
		}
		sendIDs, c, err = d.record(ctx, key, c, plan, agent, ch.Kind(), check, now)
		if !errors.Is(err, errMovedOn) || attempt >= 8 {
			break
		}
		base = nil // it moved on (another desk wrote): plan again from what is stored
	}
	if err != nil {
		return nil, nil, fmt.Errorf("care: reply to %s: record the send: %w", key, err)
	}
	last := c.Last()
	turns := make([]Turn, 0, len(plan))
	var turnSends []string // the recorded send of each turn
	var evs []Event
	askedDelete, deleteWhat := false, ""
	var aliases []string
	// One deadline for the sends of the reply, so that all of them end
	// within SendTimeout of their record (which settles after twice that).
	sctx, cancel := context.WithTimeout(ctx, d.sendTimeout)
	defer cancel()
	for i := range plan {
		p := &plan[i] // not a copy: the sends are the plan's, which Sent may point into
		r, err := d.send(sctx, ch, &p.out)
		if err != nil {
			if p.kind == 0 {
				if sendIDs != nil && outcomeUnknown(err) {
					// It may have reached the platform: the record stays and
					// becomes a MaybeSent turn; nothing sends it again.
					return nil, nil, fmt.Errorf("care: reply to %s: it may have been sent (it will show as MaybeSent): %w", key, err)
				}
				d.unrecord(ctx, key, sendIDs)
				var we *channel.WindowError
				if errors.As(err, &we) {
					e := d.event(WindowClosed, now, c, we.Error())
					e.Agent = agent.ID
					lk.emit(e)
				}
				return nil, nil, fmt.Errorf("care: reply to %s: %w", key, err)
			}
			if p.kind == 2 {
				e := d.event(Blocked, now, c, "delete request not sent: "+err.Error())
				evs = append(evs, e)
			}
			continue
		}
		switch p.kind {
		case 0:
			s.Outbound, s.Receipt = p.out, r
			if p.what != "" {
				askedDelete, deleteWhat = true, p.what
			}
		case 1:
			s.PublicNote = &p.out
		case 2:
			s.DeleteRequest, askedDelete, deleteWhat = &p.out, true, p.what
		}
		a := agent.ID
		if p.role == DeskRole {
			a = ""
		}
		turns = append(turns, Turn{Role: p.role, Agent: a, ID: r.ID, Text: p.out.Text, Visibility: p.out.Visibility, Channel: ch.Kind(), At: now})
		if sendIDs != nil {
			turnSends = append(turnSends, sendIDs[i])
		}
		if r.PrivateConversationID != "" { // the customer's answer will come there: one timeline
			aliases = append(aliases, channelKey(r.PrivateChannel, last.Account)+":"+r.PrivateConversationID)
		}
	}
	for _, al := range aliases {
		if _, err := d.convs.link(ctx, al, key, now); err != nil {
			d.onError(fmt.Errorf("care: reply to %s: link %s: %w", key, al, err))
		}
	}
	role := plan[0].role
	wasAcked, wasFirst := !c.AcknowledgedAt.IsZero(), c.FirstResponded
	acked := false
	var resolved *Event
	record := func(c *Conversation) (clockOp, error) {
		acked, resolved = false, nil
		if sendIDs != nil {
			c.Sending = withoutSends(c.Sending, sendIDs)
			if settledMaybeSent(c, turns, turnSends) { // another desk gave up on them first
				return nil, nil
			}
		}
		c.Transcript = append(c.Transcript, turns...)
		c.Unanswered = 0
		for _, al := range aliases {
			if !slices.Contains(c.Aliases, al) {
				c.Aliases = append(c.Aliases, al)
			}
		}
		if askedDelete {
			c.DeleteRequested = true
		}
		if c.Open() && c.AcknowledgedAt.IsZero() {
			c.AcknowledgedAt, c.AutoAcknowledged, acked = now, role == DeskRole, true
		}
		if role != DeskRole {
			c.FirstResponded = true
		}
		return func(st *slaClock) []sla.Measurement {
			var ms []sla.Measurement
			for _, t := range turns {
				if m := st.feed(t); ms == nil {
					ms = m // most replies are one turn: its measurements as they are
				} else {
					ms = append(ms, m...)
				}
			}
			return ms
		}, nil
	}
	var (
		saved *Conversation
		ms    []sla.Measurement
	)
	if resolve != nil {
		saved, ms, err = d.recordResolved(ctx, key, c, record, resolve, &resolved, now)
		if err != nil && saved == nil { // the reply went out: record it alone
			rerr := err
			saved, ms, err = d.commitFrom(ctx, key, nil, record, agent.ID)
			if err == nil {
				err = fmt.Errorf("replied, but the resolution failed: %w", rerr)
			}
			resolved = nil
		}
	} else if !d.durable {
		saved, ms, err = d.commitView(ctx, key, c, record, agent.ID) // c is the view prepareSends read
	} else {
		saved, ms, err = d.commitFrom(ctx, key, c, record, agent.ID)
	}
	if saved != nil && !d.quiet {
		ev := func(k EventKind, detail string) {
			e := d.event(k, now, saved, detail)
			e.Agent, e.Auto = agent.ID, role == DeskRole
			evs = append(evs, e)
		}
		if s.MovedPrivate {
			ev(MovedPrivate, why)
		}
		if s.DeleteRequest != nil {
			ev(DeleteRequested, deleteWhat)
		}
		if len(s.Flags) > 0 {
			e := d.event(Flagged, now, saved, "")
			e.Agent, e.Flags = agent.ID, slices.Clone(s.Flags)
			evs = append(evs, e)
		}
		if acked && !wasAcked {
			ev(Acknowledged, "")
		}
		if role != DeskRole {
			if !wasFirst {
				ev(FirstResponse, "")
			} else {
				ev(Replied, "")
			}
		}
		if resolved != nil {
			evs = append(evs, *resolved)
		}
		if len(ms) > 0 && len(evs) > 0 { // the measurements ride on the step that completed them
			evs[len(evs)-1].Measurements = ms
		}
	}
	lk.emit(evs...)
	if err != nil {
		return s, saved, fmt.Errorf("care: reply to %s: sent, but %w", key, err)
	}
	return s, saved, nil
}

// send sends out through ch; when the platform's messaging window has
// closed and Config.OutsideWindow names a fallback for the channel (a
// Messenger tag, a WhatsApp template), it sends once more with it.
func (d *Desk) send(ctx context.Context, ch *channel.Channel, out *channel.Outbound) (channel.Receipt, error) {
	r, err := ch.Send(ctx, out)
	fb, ok := d.out.outside[ch.Kind()]
	if err == nil || !ok || !errors.Is(err, channel.ErrWindowClosed) || errors.Is(err, channel.ErrPrivateReplyUsed) {
		return r, err
	}
	o := *out
	if fb.Tag != "" {
		o.Tag = fb.Tag
	} else if fb.Template != nil {
		t := *fb.Template
		o.Template, o.Text = &t, ""
	}
	r, err2 := ch.Send(ctx, &o)
	if err2 != nil {
		return r, errors.Join(err, err2)
	}
	*out = o
	return r, nil
}

func (o *outbound) sign(kind channel.Kind, a Agent, text string) string {
	if _, signed := ParseSignature(text); signed {
		return text
	}
	f, ok := o.sigs[kind]
	if !ok {
		f = o.defSig
	}
	if f == "" {
		return text
	}
	if strings.Contains(f, "{") {
		f = strings.ReplaceAll(f, "{initials}", a.Initials)
		f = strings.ReplaceAll(f, "{name}", a.Name)
		if strings.Contains(f, "{first}") {
			first := a.Name
			if fs := strings.Fields(a.Name); len(fs) > 0 {
				first = fs[0]
			}
			f = strings.ReplaceAll(f, "{first}", first)
		}
	}
	return text + f
}
