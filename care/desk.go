package care

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/priority"
	"github.com/socialcare/socialcare/queue"
	"github.com/socialcare/socialcare/sla"
)

// Errors returned by the desk, wrapped with details. Test with errors.Is.
var (
	// ErrUnknownChannel means a message arrived for, or a reply must go
	// through, a channel account that was not added with AddChannel.
	ErrUnknownChannel = errors.New("care: unknown channel")
	// ErrUnknownAgent means the agent was not added with AddAgent.
	ErrUnknownAgent = errors.New("care: unknown agent")
	// ErrUnknownConversation means no conversation has the given key.
	ErrUnknownConversation = errors.New("care: unknown conversation")
	// ErrInvalid means an argument was malformed; nothing changed.
	ErrInvalid = errors.New("care: invalid argument")
	// ErrChanged is wrapped by *ChangedError: the conversation changed
	// since the agent loaded it.
	ErrChanged = errors.New("care: conversation changed since it was loaded")
	// ErrHandedOff means a bot tried to act on a conversation it handed
	// off to humans.
	ErrHandedOff = errors.New("care: conversation was handed off to a human")
)

// Config configures a Desk. The zero value gives the defaults; every
// default follows DOMAIN.md.
type Config struct {
	// Scorer scores messages. Defaults to priority.New(nil).
	Scorer priority.Scorer
	// Policies give each conversation its deadlines, unless its feedback
	// loop sets its own. Defaults to sla.DefaultPolicies().
	Policies *sla.Policies
	// VIPs are author handles (without "@", case-insensitive) flagged as
	// valuable customers.
	VIPs []string
	// Now returns the current time. Defaults to time.Now. Use the same
	// clock as the queue.
	Now func() time.Time

	// Routing configures the feedback-loop router. Defaults to
	// NewRouter(nil): DefaultTopics, DefaultLoops, DefaultRoutes, and the
	// customer-service loop for everything else.
	Routing *RouterConfig
	// Acknowledgement configures the automatic "you've been heard".
	// Defaults to on, see AckConfig.
	Acknowledgement AckConfig
	// PersonalData configures the personal-data guard. Defaults to
	// NewDetector(nil).
	PersonalData *PersonalDataConfig
	// PublicNote is left in public when a reply to a public message goes
	// private because of personal data. "" takes the default "We've sent
	// you a private message to keep your details safe."; "-" leaves no
	// note.
	PublicNote string
	// DeleteRequest is sent privately, once per conversation, to a
	// customer who posted personal data in public; "{kinds}" is replaced
	// by what was found. "" takes the default "For your safety, please
	// delete your public post: it shows your {kinds}. We'll continue
	// here."; "-" sends none. It is skipped when the agent's own reply
	// already asks to delete.
	DeleteRequest string
	// Tone configures the "never reply in kind" guard. Defaults to
	// NewToneChecker(nil), which flags and sends.
	Tone *ToneConfig
	// Signatures format the sign-off appended to human agents' replies,
	// per channel; "{initials}", "{name}" and "{first}" are replaced.
	// Channels not listed use DefaultSignature. A reply that already ends
	// in a signature (ParseSignature) is not signed again.
	Signatures map[channel.Kind]string
	// DefaultSignature is the sign-off of channels not in Signatures.
	// Defaults to " ^{initials}"; "-" signs nothing.
	DefaultSignature string
	// Macros are approved answers shared by every channel; replies that
	// depart from the approved answer of their intent are flagged.
	Macros []Macro
	// MacroMinShare is the least share of an approved answer's content
	// words a reply for the same intent must contain. Defaults to 0.5.
	MacroMinShare float64
	// Listening configures brand-mention and topic-spike listening.
	// Defaults to spikes only (no brand names).
	Listening *ListeningConfig
	// WaitTime configures the published expected wait time.
	WaitTime WaitConfig
	// BoomerangHold is how long a returning Boomerang conversation is
	// kept for its agent before anyone may claim it. Defaults to 30
	// minutes.
	BoomerangHold time.Duration
	// DeskAgent is the queue agent id the desk uses to move waiting
	// conversations between teams on escalation. Defaults to "care-desk".
	DeskAgent string
	// Store keeps conversations, acknowledgements and follow-ups.
	// Defaults to NewMemStore().
	Store Store
	// OnEvent receives every desk event, synchronously and outside the
	// desk's locks, so it may call the desk. Defaults to discarding them.
	OnEvent func(Event)
	// OnError receives the errors Run's ticks meet, and those of work
	// done on the side of a call that still succeeds (resuming the SLA
	// clock of a Boomerang that Next hands back). Defaults to discarding
	// them.
	OnError func(error)
	// TickInterval is how often Run calls Tick. Defaults to 30 seconds.
	TickInterval time.Duration
	// SLAWarnings configures the SLA warnings Tick emits as SLAWarning
	// events before a target's deadline (breaches are always emitted, as
	// SLABreach). Defaults to nil: sla's defaults, warnings at 75% and 90%
	// of each target's business time.
	SLAWarnings *sla.TrackerConfig
	// SLADuringBoomerang keeps a conversation's SLA clock running while it
	// is boomeranged. Defaults to false: a Boomerang pauses the clock (the
	// business time left to each target is kept, as a helpdesk's on-hold
	// status does) until the Boomerang comes due or the customer writes.
	SLADuringBoomerang bool
}

// AckConfig configures the automatic acknowledgement. The zero value
// acknowledges with the default templates.
type AckConfig struct {
	// Disabled turns automatic acknowledgements off.
	Disabled bool
	// Delay is how long after the first unanswered message Tick sends the
	// acknowledgement if no agent has claimed or answered the
	// conversation. Defaults to half the policy's acknowledgement window,
	// at most 15 minutes, so that it lands inside the window. It must be
	// shorter than the window.
	Delay time.Duration
	// Templates are keyed "channel/language" ("x/es"), "channel" ("x"),
	// "language" ("es") or "" (any), most specific first; "{name}" is
	// replaced by the customer's name or handle. Missing keys fall back to
	// DefaultAckTemplates.
	Templates map[string]string
	// AdComments lets acknowledgements answer comments on ads. Defaults
	// to false: ad comments are never acknowledged automatically.
	AdComments bool
}

// DefaultAckTemplates returns the built-in acknowledgements by language
// (en, es, fr, de, pt, it, nl; "" is English).
func DefaultAckTemplates() map[string]string {
	en := "Thanks for reaching out, {name}. We've got your message and a member of our team will get back to you shortly."
	return map[string]string{
		"":   en,
		"en": en,
		"es": "Gracias por escribirnos, {name}. Hemos recibido tu mensaje y alguien de nuestro equipo te responderá en breve.",
		"fr": "Merci de nous avoir écrit, {name}. Nous avons bien reçu votre message et un membre de notre équipe vous répondra très vite.",
		"de": "Danke für Ihre Nachricht, {name}. Wir haben sie erhalten und melden uns in Kürze bei Ihnen.",
		"pt": "Obrigado pelo contato, {name}. Recebemos a sua mensagem e alguém da nossa equipa responderá em breve.",
		"it": "Grazie per averci scritto, {name}. Abbiamo ricevuto il tuo messaggio e ti risponderemo a breve.",
		"nl": "Bedankt voor je bericht, {name}. We hebben het ontvangen en reageren zo snel mogelijk.",
	}
}

// Agent is a person (or bot) who answers customers.
type Agent struct {
	// ID identifies the agent in the queue. Required.
	ID string
	// Name is the display name.
	Name string
	// Initials sign the agent's replies ("^AS"). Defaults to the initials
	// of Name.
	Initials string
	// Capacity is the most conversations the agent holds at once; 0 means
	// no limit.
	Capacity int
	// Bot marks an automated agent: it signs nothing, may only answer
	// intents whose Macro is BotAllowed, and can no longer send once it
	// has handed a conversation off.
	Bot bool
}

// Role says who wrote a turn of a conversation.
type Role uint8

// Roles.
const (
	// Customer turns are inbound messages.
	Customer Role = iota + 1
	// Human turns were sent by a human agent.
	Human
	// BotRole turns were sent by a bot.
	BotRole
	// DeskRole turns were sent by the desk itself (acknowledgements,
	// public notes, delete requests).
	DeskRole
)

// String returns "customer", "agent", "bot" or "desk".
func (r Role) String() string {
	switch r {
	case Customer:
		return "customer"
	case Human:
		return "agent"
	case BotRole:
		return "bot"
	case DeskRole:
		return "desk"
	}
	return "role?"
}

// Turn is one message of a conversation's transcript.
type Turn struct {
	// Role says who wrote it; Agent is the agent's id for Human and
	// BotRole turns.
	Role  Role
	Agent string
	// ID is the platform id (message id or receipt id).
	ID string
	// Text is what was written, signature included.
	Text string
	// Visibility is who could see it.
	Visibility channel.Visibility
	// At is when it was received or sent.
	At time.Time
}

// HandoffRecord is a bot's handoff of a conversation to a human team.
type HandoffRecord struct {
	// From is the bot's agent id.
	From string
	// Team is the human team that now owns the conversation.
	Team string
	// Note is the bot's summary for the humans.
	Note string
	// At is when it happened.
	At time.Time
	// Transcript is the conversation so far.
	Transcript []Turn
}

// Conversation is the desk's view of one conversation.
type Conversation struct {
	// Key identifies the conversation in the queue:
	// "channel:account:conversation".
	Key string
	// Channel and Account are where the conversation happens.
	Channel channel.Kind
	Account string
	// Messages are the customer messages, oldest first.
	Messages []channel.Message
	// Transcript is every turn, customer's and brand's, oldest first. Its
	// length is the conversation's version for the collision guard.
	Transcript []Turn
	// Score is the highest score among the unanswered messages.
	Score priority.Score
	// Policy and Deadlines are the SLA of the current cycle (since the
	// first unanswered message); a loop's own deadlines replace the
	// policy's.
	Policy    sla.Policy
	Deadlines sla.Deadlines
	// Since is when the current cycle started; zero when resolved.
	Since time.Time
	// AcknowledgedAt is when the brand first answered in this cycle; zero
	// if it has not.
	AcknowledgedAt time.Time
	// AutoAcknowledged reports that the desk sent the automatic
	// acknowledgement.
	AutoAcknowledged bool
	// Routing is the feedback-loop decision of the current cycle.
	Routing *Decision
	// Team is the queue team the conversation is enqueued with.
	Team string
	// Escalations counts the escalation steps fired in this cycle, and
	// EscalatedTo names the last one's target.
	Escalations int
	EscalatedTo string
	// PublicPII is the personal data the customer posted in public.
	PublicPII []PII
	// DeleteRequested reports that the customer was asked to delete it.
	DeleteRequested bool
	// Handoff is set once a bot handed the conversation to humans, until
	// it is resolved.
	Handoff *HandoffRecord
	// FirstResponded reports that an agent has replied in this cycle.
	FirstResponded bool
	// CycleStart is the index in Transcript of the customer turn that
	// opened the current cycle. The desk rebuilds the cycle's SLA clock
	// from Policy, Since and the turns from CycleStart on (see Restore); a
	// positive CycleStart means the cycle reopened a resolved
	// conversation.
	CycleStart int
	// SLAPauses are the intervals of the current cycle during which its
	// SLA clock was paused (a Boomerang), oldest first; the last one's To
	// is zero while the clock is paused.
	SLAPauses []SLAPause
}

// SLAPause is an interval during which a conversation's SLA clock was
// paused. FromTurn and ToTurn are the number of Transcript turns at its
// start and end, so that the clock can be rebuilt exactly.
type SLAPause struct {
	From, To         time.Time
	FromTurn, ToTurn int
}

// Last returns the newest customer message.
func (c *Conversation) Last() channel.Message { return c.Messages[len(c.Messages)-1] }

// Version is the number of turns; it grows with every message in or out.
func (c *Conversation) Version() int { return len(c.Transcript) }

func (c *Conversation) clone() Conversation {
	cp := *c
	cp.Messages = slices.Clone(c.Messages)
	cp.Transcript = slices.Clone(c.Transcript)
	cp.Score.Reasons = slices.Clone(c.Score.Reasons)
	cp.PublicPII = slices.Clone(c.PublicPII)
	cp.SLAPauses = slices.Clone(c.SLAPauses)
	if c.Routing != nil {
		r := *c.Routing
		cp.Routing = &r
	}
	if c.Handoff != nil {
		h := *c.Handoff
		h.Transcript = slices.Clone(h.Transcript)
		cp.Handoff = &h
	}
	return cp
}

// Intake is what Ingest did with a message.
type Intake struct {
	// Key is the conversation's queue key.
	Key string
	// Score is the message's score.
	Score priority.Score
	// Deadlines are the conversation's deadlines.
	Deadlines sla.Deadlines
	// Routing is the conversation's feedback-loop decision.
	Routing Decision
	// PII is the personal data found in the message if it was public.
	PII []PII
	// Duplicate reports a message the desk had already ingested; nothing
	// changed.
	Duplicate bool
}

// Desk is the care desk. It is safe for concurrent use.
type Desk struct {
	q         *queue.Queue
	scorer    priority.Scorer
	policies  *sla.Policies
	now       func() time.Time
	vips      map[string]bool
	router    *Router
	ack       AckConfig
	detector  *Detector
	tone      *ToneChecker
	toneBlock bool
	macros    *ConsistencyChecker
	listener  *Listener
	wait      WaitConfig
	store     Store
	onEvent   func(Event)
	onError   func(error)
	tick      time.Duration
	hold      time.Duration
	holdSLA   bool // Config.SLADuringBoomerang
	deskAgent string
	note      string
	delReq    string
	sigs      map[channel.Kind]string
	defSig    string

	mu          sync.Mutex
	channels    map[string]*channel.Channel
	agents      map[string]Agent
	convs       map[string]*Conversation
	seen        map[string]bool
	resolved    []served
	lastPublish time.Time
	deskAgentOK bool
	clocks      map[string]*slaClock // open cycles' SLA clocks, by key

	att     sla.Attainment
	tracker *sla.Tracker[string] // the clocks' timers; Track and Untrack under mu
}

type served struct {
	channel string
	at      time.Time
}

// New returns a desk that works the queue q. cfg may be nil. It fails when
// a part of the configuration is invalid.
func New(q *queue.Queue, cfg *Config) (*Desk, error) {
	if q == nil {
		return nil, errors.New("care: New: queue is nil")
	}
	var c Config
	if cfg != nil {
		c = *cfg
	}
	if c.Scorer == nil {
		r, err := priority.New(nil)
		if err != nil {
			return nil, fmt.Errorf("care: New: default scorer: %w", err)
		}
		c.Scorer = r
	}
	if c.Policies == nil {
		c.Policies = sla.DefaultPolicies()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	router, err := NewRouter(c.Routing)
	if err != nil {
		return nil, err // already says "care: ..."
	}
	det, err := NewDetector(c.PersonalData)
	if err != nil {
		return nil, err // already says "care: ..."
	}
	if c.MacroMinShare == 0 {
		c.MacroMinShare = 0.5
	}
	macros, err := NewConsistencyChecker(c.Macros, c.MacroMinShare)
	if err != nil {
		return nil, err // already says "care: ..."
	}
	lis, err := NewListener(c.Listening)
	if err != nil {
		return nil, err // already says "care: ..."
	}
	if c.Acknowledgement.Delay < 0 {
		return nil, fmt.Errorf("%w: Acknowledgement.Delay must not be negative, got %v", ErrInvalid, c.Acknowledgement.Delay)
	}
	if !c.Acknowledgement.Disabled && c.Acknowledgement.Delay > 0 {
		for _, p := range c.Policies.List() {
			if c.Acknowledgement.Delay >= p.Acknowledge {
				return nil, fmt.Errorf("%w: Acknowledgement.Delay %v is not inside the acknowledgement window of policy %q (%v)", ErrInvalid, c.Acknowledgement.Delay, p.Name, p.Acknowledge)
			}
		}
	}
	if err := c.WaitTime.defaults(); err != nil {
		return nil, err
	}
	if c.BoomerangHold < 0 || c.TickInterval < 0 {
		return nil, fmt.Errorf("%w: BoomerangHold and TickInterval must not be negative", ErrInvalid)
	}
	if c.BoomerangHold == 0 {
		c.BoomerangHold = 30 * time.Minute
	}
	if c.TickInterval == 0 {
		c.TickInterval = 30 * time.Second
	}
	if c.DeskAgent == "" {
		c.DeskAgent = "care-desk"
	}
	if c.Store == nil {
		c.Store = NewMemStore()
	}
	if c.OnEvent == nil {
		c.OnEvent = func(Event) {}
	}
	if c.OnError == nil {
		c.OnError = func(error) {}
	}
	switch c.PublicNote {
	case "":
		c.PublicNote = "We've sent you a private message to keep your details safe."
	case "-":
		c.PublicNote = ""
	}
	switch c.DeleteRequest {
	case "":
		c.DeleteRequest = "For your safety, please delete your public post: it shows your {kinds}. We'll continue here."
	case "-":
		c.DeleteRequest = ""
	}
	switch c.DefaultSignature {
	case "":
		c.DefaultSignature = " ^{initials}"
	case "-":
		c.DefaultSignature = ""
	}
	tracker, err := sla.NewTracker[string](c.SLAWarnings)
	if err != nil {
		return nil, fmt.Errorf("%w: SLAWarnings: %w", ErrInvalid, err)
	}
	var tc ToneConfig
	if c.Tone != nil {
		tc = *c.Tone
	}
	d := &Desk{
		q: q, scorer: c.Scorer, policies: c.Policies, now: c.Now, vips: map[string]bool{},
		router: router, ack: c.Acknowledgement, detector: det, tone: NewToneChecker(&tc), toneBlock: tc.Block,
		macros: macros, listener: lis, wait: c.WaitTime, store: c.Store, onEvent: c.OnEvent, onError: c.OnError,
		tick: c.TickInterval, hold: c.BoomerangHold, holdSLA: c.SLADuringBoomerang, deskAgent: c.DeskAgent, note: c.PublicNote, delReq: c.DeleteRequest,
		sigs: map[channel.Kind]string{}, defSig: c.DefaultSignature,
		channels: map[string]*channel.Channel{}, agents: map[string]Agent{},
		convs: map[string]*Conversation{}, seen: map[string]bool{},
		clocks: map[string]*slaClock{}, tracker: tracker,
	}
	for k, v := range c.Signatures {
		d.sigs[k] = v
	}
	for _, h := range c.VIPs {
		d.vips[normHandle(h)] = true
	}
	return d, nil
}

// Restore loads the conversations saved in the store into the desk, after
// a restart. Call it once, before ingesting; conversations the desk already
// holds are kept. The SLA clock of each open conversation is rebuilt from
// its saved Policy, Since and transcript (see Conversation.CycleStart), and
// tracked again: warnings and breaches that came due while no desk was
// running, or that a previous desk had already emitted, are emitted by the
// next Tick.
func (d *Desk) Restore(ctx context.Context) error {
	cs, err := d.store.Conversations(ctx)
	if err != nil {
		return fmt.Errorf("care: restore: %w", err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	var errs []error
	for _, c := range cs {
		if _, ok := d.convs[c.Key]; ok {
			continue
		}
		cp := c.clone()
		d.convs[c.Key] = &cp
		for _, m := range c.Messages {
			d.seen[string(m.Channel)+":"+m.ID] = true
		}
		if err := d.resetClock(&cp); err != nil {
			errs = append(errs, fmt.Errorf("care: restore %s: %w", c.Key, err))
		}
	}
	return errors.Join(errs...)
}

func normHandle(h string) string { return strings.ToLower(strings.TrimPrefix(h, "@")) }

func channelKey(kind channel.Kind, account string) string { return string(kind) + ":" + account }

func (d *Desk) emit(evs ...Event) {
	for _, e := range evs {
		d.onEvent(e)
	}
}

// AddChannel makes the desk accept messages from, and reply through, ch.
// Adding a second channel for the same kind and account is an error.
func (d *Desk) AddChannel(ch *channel.Channel) error {
	if ch == nil {
		return fmt.Errorf("%w: nil channel", ErrInvalid)
	}
	k := channelKey(ch.Kind(), ch.Account())
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.channels[k]; ok {
		return fmt.Errorf("%w: channel %s added twice", ErrInvalid, k)
	}
	d.channels[k] = ch
	return nil
}

// AddAgent registers an agent with the desk and its queue, online.
func (d *Desk) AddAgent(ctx context.Context, a Agent) error {
	if a.ID == "" {
		return fmt.Errorf("%w: agent has no ID", ErrInvalid)
	}
	if a.ID == d.deskAgent {
		return fmt.Errorf("%w: agent id %q is reserved for the desk", ErrInvalid, a.ID)
	}
	if a.Initials == "" {
		a.Initials = initials(a.Name)
	}
	if err := d.q.SetAgent(ctx, queue.Agent{ID: a.ID, Capacity: a.Capacity, Online: true}); err != nil {
		return fmt.Errorf("care: add agent %q: %w", a.ID, err)
	}
	d.mu.Lock()
	d.agents[a.ID] = a
	d.mu.Unlock()
	return nil
}

func initials(name string) string {
	var b strings.Builder
	for _, f := range strings.Fields(name) {
		r := []rune(f)
		b.WriteString(strings.ToUpper(string(r[0])))
	}
	return b.String()
}

// Sink returns d.Ingest as a channel.Sink, discarding the Intake.
func (d *Desk) Sink() channel.Sink {
	return func(ctx context.Context, m channel.Message) error {
		_, err := d.Ingest(ctx, m)
		return err
	}
}

// Ingest takes one customer message: it scores it, routes its
// conversation to a feedback loop, gives it SLA deadlines (on the first
// unanswered message; the loop's own deadlines win), notes personal data
// posted in public, counts its topics for spikes, and enqueues the
// conversation with the loop's team. A message already ingested (same
// channel and ID) is reported as a Duplicate and changes nothing. A later
// message that routes to a non-default loop moves a conversation out of
// the default loop. The message is reported to the conversation's SLA
// clock (see the package documentation); if the SLA tracker refuses its
// timers, Ingest returns the Intake with the error: the message was taken.
func (d *Desk) Ingest(ctx context.Context, m channel.Message) (*Intake, error) {
	if m.ID == "" || m.Channel == "" || m.ConversationID == "" {
		return nil, fmt.Errorf("%w: message needs ID, Channel and ConversationID (got %q, %q, %q)", ErrInvalid, m.ID, m.Channel, m.ConversationID)
	}
	now := d.now()
	if m.ReceivedAt.IsZero() {
		m.ReceivedAt = now
	}
	ck := channelKey(m.Channel, m.Account)
	key := ck + ":" + m.ConversationID
	score := d.scorer.Score(now, &priority.Input{
		Text: m.Text, Channel: string(m.Channel), ReceivedAt: m.ReceivedAt,
		Author: priority.Author{Handle: m.Author.Handle, Followers: m.Author.Followers, Verified: m.Author.Verified, VIP: d.vips[normHandle(m.Author.Handle)]},
	})
	dec := d.router.Route(m, score.Value)
	var pii []PII
	if m.Visibility.IsPublic() {
		pii = d.detector.Find(m.Text)
	}

	d.mu.Lock()
	if _, ok := d.channels[ck]; !ok {
		d.mu.Unlock()
		return nil, fmt.Errorf("%w: %s (message %s)", ErrUnknownChannel, ck, m.ID)
	}
	if d.seen[string(m.Channel)+":"+m.ID] {
		c := d.convs[key]
		in := &Intake{Key: key, Score: score, Deadlines: c.Deadlines, Duplicate: true}
		if c.Routing != nil {
			in.Routing = *c.Routing
		}
		d.mu.Unlock()
		return in, nil
	}
	c, ok := d.convs[key]
	if !ok {
		c = &Conversation{Key: key, Channel: m.Channel, Account: m.Account}
		d.convs[key] = c
	}
	var evs []Event
	ev := func(k EventKind) Event {
		e := Event{Kind: k, At: now, Key: key, Channel: string(m.Channel), Team: c.Team}
		if c.Routing != nil {
			e.Loop = c.Routing.Loop.Name
		}
		return e
	}
	routed := false
	newCycle, prevPolicy := c.Since.IsZero(), c.Policy
	if newCycle {
		c.CycleStart = len(c.Transcript)
		c.SLAPauses = nil
		c.Since = m.ReceivedAt
		c.Policy = d.policies.Match(string(m.Channel))
		c.Score = score
		c.Escalations, c.EscalatedTo, c.FirstResponded = 0, "", false
		routed = true
	} else {
		if score.Value > c.Score.Value {
			c.Score = score
		}
		routed = dec.Route != "" && (c.Routing == nil || c.Routing.Route == "")
	}
	if routed {
		c.Routing = &dec
		c.Team = dec.Loop.Team
		p := c.Policy
		if dec.Loop.Acknowledge > 0 {
			p.Acknowledge = dec.Loop.Acknowledge
		}
		if dec.Loop.Resolve > 0 {
			p.Resolve = dec.Loop.Resolve
		}
		if p.Acknowledge > p.Resolve {
			p.Acknowledge = p.Resolve
		}
		if p.Acknowledge != c.Policy.Acknowledge || p.Resolve != c.Policy.Resolve {
			p.Name = c.Policy.Name + "/" + dec.Loop.Name
		}
		c.Policy = p
		c.Deadlines = p.Deadlines(c.Since)
	}
	c.Messages = append(c.Messages, m)
	turn := Turn{Role: Customer, ID: m.ID, Text: m.Text, Visibility: m.Visibility, At: m.ReceivedAt}
	c.Transcript = append(c.Transcript, turn)
	var clockErr error
	if st := d.clocks[key]; st != nil && !newCycle && samePolicy(prevPolicy, c.Policy) {
		if st.clock.Paused() { // the customer wrote: the clock resumes
			closePause(c, st.instant(turn.At), len(c.Transcript)-1)
		}
		st.feed(turn)
		clockErr = d.track(key, st)
	} else { // a new cycle, or a new policy for this one: start its clock afresh
		clockErr = d.resetClock(c)
	}
	c.PublicPII = append(c.PublicPII, pii...)
	d.seen[string(m.Channel)+":"+m.ID] = true
	entry := queue.Entry{Key: key, Channel: string(m.Channel), Team: c.Team, Language: m.Language, Score: c.Score.Value, Deadline: c.nextDeadline()}
	in := &Intake{Key: key, Score: score, Deadlines: c.Deadlines, Routing: *c.Routing, PII: pii}
	snap := c.clone()
	a := ev(Arrived)
	a.Detail = m.ID
	evs = append(evs, a)
	if routed {
		r := ev(Routed)
		r.Loop, r.Detail = dec.Loop.Name, dec.Explain()
		evs = append(evs, r)
	}
	d.mu.Unlock()

	for _, t := range dec.Topics {
		if sp, ok := d.listener.Count(t, m.ReceivedAt); ok {
			evs = append(evs, Event{Kind: Spike, At: now, Detail: fmt.Sprintf("%s: %d messages in %v (baseline %.1f)", sp.Topic, sp.Count, sp.Window, sp.Baseline), Spike: &sp})
		}
	}
	if err := d.store.PutConversation(ctx, snap); err != nil {
		return nil, fmt.Errorf("care: ingest %s: store: %w", m.ID, err)
	}
	if _, err := d.q.Enqueue(ctx, entry); err != nil {
		return nil, fmt.Errorf("care: ingest %s: %w", m.ID, err)
	}
	d.emit(evs...)
	if clockErr != nil {
		return in, fmt.Errorf("care: ingest %s: taken, but %w", m.ID, clockErr)
	}
	return in, nil
}

// nextDeadline is the nearest deadline not yet met.
func (c *Conversation) nextDeadline() time.Time {
	if c.AcknowledgedAt.IsZero() {
		return c.Deadlines.AcknowledgeBy
	}
	return c.Deadlines.ResolveBy
}

// Assignment is a conversation an agent holds. It is used by one goroutine
// at a time.
type Assignment struct {
	// Agent holds the conversation.
	Agent Agent
	// Conversation is a snapshot taken when the agent loaded it (Next,
	// Refresh, or its own last reply).
	Conversation Conversation
	// FollowUp is set when a Boomerang brought the conversation back.
	FollowUp *FollowUp
	lease    *queue.Lease
	seen     int
}

// Lease returns the queue lease behind the assignment, for heartbeats,
// snoozes and transfers.
func (a *Assignment) Lease() *queue.Lease { return a.lease }

// Next waits for the most urgent conversation agent may take and assigns
// it. f restricts channels, teams, languages and skills. A Boomerang due for
// the agent comes back first.
func (d *Desk) Next(ctx context.Context, agent string, f queue.Filter) (*Assignment, error) {
	return d.next(ctx, agent, f, d.q.Claim)
}

// TryNext is Next without waiting: it returns queue.ErrNoItem when nothing
// is available.
func (d *Desk) TryNext(ctx context.Context, agent string, f queue.Filter) (*Assignment, error) {
	return d.next(ctx, agent, f, d.q.TryClaim)
}

func (d *Desk) next(ctx context.Context, agent string, f queue.Filter, claim func(context.Context, string, queue.Filter) (*queue.Lease, error)) (*Assignment, error) {
	d.mu.Lock()
	a, ok := d.agents[agent]
	d.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownAgent, agent)
	}
	if as, err := d.boomerangFor(ctx, a); as != nil || err != nil {
		return as, err
	}
	l, err := claim(ctx, agent, f)
	if err != nil {
		return nil, fmt.Errorf("care: next for %q: %w", agent, err)
	}
	d.mu.Lock()
	c, ok := d.convs[l.Key()]
	if !ok { // enqueued by another desk sharing the queue
		d.mu.Unlock()
		_ = l.Release(ctx)
		return nil, fmt.Errorf("care: next for %q: conversation %q is not known to this desk: %w", agent, l.Key(), queue.ErrNotFound)
	}
	if a.Bot && c.Handoff != nil {
		team := c.Team
		d.mu.Unlock()
		_ = l.TransferToTeam(ctx, team) // back to the humans, without the bot's affinity
		return nil, fmt.Errorf("care: next for bot %q: %s: %w", agent, l.Key(), ErrHandedOff)
	}
	as := &Assignment{Agent: a, Conversation: c.clone(), lease: l, seen: len(c.Transcript)}
	d.mu.Unlock()
	return as, nil
}

// Refresh reloads the assignment's snapshot: the agent has seen what
// changed, and may reply without confirming.
func (d *Desk) Refresh(a *Assignment) error {
	if a == nil || a.lease == nil {
		return fmt.Errorf("%w: nil assignment", ErrInvalid)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	c, ok := d.convs[a.Conversation.Key]
	if !ok {
		return fmt.Errorf("%w: %s", ErrUnknownConversation, a.Conversation.Key)
	}
	a.Conversation, a.seen = c.clone(), len(c.Transcript)
	return nil
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
	// Intent names the approved answer the reply is checked against; empty
	// detects it from the customer's newest message with the macros'
	// keywords.
	Intent string
}

// Reply is ReplyWith without options.
func (d *Desk) Reply(ctx context.Context, a *Assignment, text string) (*Sent, error) {
	return d.ReplyWith(ctx, a, text, ReplyOptions{})
}

// ReplyWith sends text through the conversation's channel, answering the
// customer's newest message, after the guards:
//
//   - only the lease holder replies (queue.ErrLeaseLost otherwise);
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
// acknowledges), which records the targets it met or missed (acknowledge,
// first response, next response) in business time; the first reply of a
// cycle also records the acknowledgement time (AcknowledgedAt).
func (d *Desk) ReplyWith(ctx context.Context, a *Assignment, text string, opts ReplyOptions) (*Sent, error) {
	if a == nil || a.lease == nil {
		return nil, fmt.Errorf("%w: nil assignment", ErrInvalid)
	}
	if strings.TrimSpace(text) == "" {
		return nil, fmt.Errorf("%w: empty reply", ErrInvalid)
	}
	key := a.Conversation.Key
	if err := a.lease.Extend(ctx); err != nil {
		return nil, fmt.Errorf("care: reply to %s: %w", key, err)
	}
	d.mu.Lock()
	c, ok := d.convs[key]
	if !ok {
		d.mu.Unlock()
		return nil, fmt.Errorf("%w: %s", ErrUnknownConversation, key)
	}
	if a.Agent.Bot && c.Handoff != nil {
		d.mu.Unlock()
		return nil, fmt.Errorf("care: reply to %s by bot %q: %w", key, a.Agent.ID, ErrHandedOff)
	}
	if len(c.Transcript) != a.seen && !opts.Confirm {
		ce := &ChangedError{Key: key}
		for _, t := range c.Transcript[min(a.seen, len(c.Transcript)):] {
			if t.Role == Customer {
				ce.NewMessages = append(ce.NewMessages, t)
			} else {
				ce.OtherReplies = append(ce.OtherReplies, t)
			}
		}
		d.mu.Unlock()
		return nil, ce
	}
	d.mu.Unlock()
	s, err := d.deliver(ctx, key, a.Agent, text, opts.Intent)
	if err != nil {
		return nil, err
	}
	return s, d.Refresh(a)
}

// deliver runs the guards and sends text in conversation key, as agent
// (a zero Agent is the desk itself).
func (d *Desk) deliver(ctx context.Context, key string, agent Agent, text, intent string) (*Sent, error) {
	d.mu.Lock()
	c, ok := d.convs[key]
	if !ok {
		d.mu.Unlock()
		return nil, fmt.Errorf("%w: %s", ErrUnknownConversation, key)
	}
	ch, ok := d.channels[channelKey(c.Channel, c.Account)]
	if !ok {
		d.mu.Unlock()
		return nil, fmt.Errorf("%w: %s", ErrUnknownChannel, channelKey(c.Channel, c.Account))
	}
	last := c.Last()
	lastPII := []PII(nil)
	if last.Visibility.IsPublic() {
		lastPII = slices.Clone(c.PublicPII)
	}
	askDelete := len(lastPII) > 0 && !c.DeleteRequested && d.delReq != ""
	kind, team, loop := c.Channel, c.Team, ""
	if c.Routing != nil {
		loop = c.Routing.Loop.Name
	}
	d.mu.Unlock()

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
			intent, _ = d.macros.Intent(last.Text)
		}
		if role == BotRole {
			m, ok := d.macros.Macro(intent)
			if !ok || !m.BotAllowed {
				return nil, &GuardError{Guard: GuardBot, Key: key, Reason: fmt.Sprintf("bot %q may not answer intent %q; hand off to a human", agent.ID, intent)}
			}
		}
		s.Intent = intent
		tone := d.tone.Check(text, last.Text)
		if len(tone) > 0 && d.toneBlock {
			return nil, &GuardError{Guard: GuardTone, Key: key, Reason: tone[0].Detail}
		}
		s.Flags = append(tone, d.macros.Check(intent, text)...)
	}
	if role == Human {
		text = d.sign(kind, agent, text)
	}
	caps := ch.Capabilities()
	out := channel.Outbound{ConversationID: last.ConversationID, InReplyTo: last.ID, Text: text, Visibility: channel.Public}
	why := ""
	if !last.Visibility.IsPublic() {
		out.Visibility, out.To = channel.Private, last.Author.ID
	} else {
		replyPII := d.detector.Find(text)
		switch {
		case len(replyPII) > 0:
			why = "the reply contains a " + string(replyPII[0].Kind)
		case len(lastPII) > 0:
			why = "the customer posted a " + string(lastPII[0].Kind) + " in public"
		}
		if last.Visibility == channel.AdComment && !caps.PrivateReplyToComment && why == "" && !caps.PublicReply {
			why = "the channel cannot answer in public"
		}
		if why != "" {
			if !caps.PrivateMessage && !caps.PrivateReplyToComment {
				return nil, &GuardError{Guard: GuardPersonalData, Key: key, Reason: why + " and " + string(kind) + " cannot send private messages"}
			}
			out.Visibility, out.To = channel.Private, last.Author.ID
			if !caps.PrivateReplyToComment {
				out.InReplyTo = ""
			}
			s.MovedPrivate = true
		}
	}
	r, err := ch.Send(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("care: reply to %s: %w", key, err)
	}
	s.Outbound, s.Receipt = out, r
	now := d.now()
	turns := []Turn{{Role: role, Agent: agent.ID, ID: r.ID, Text: out.Text, Visibility: out.Visibility, At: now}}
	var evs []Event
	ev := func(k EventKind) Event {
		return Event{Kind: k, At: now, Key: key, Channel: string(kind), Agent: agent.ID, Auto: role == DeskRole, Team: team, Loop: loop}
	}
	if s.MovedPrivate {
		e := ev(MovedPrivate)
		e.Detail = why
		evs = append(evs, e)
	}
	if askDelete && !strings.Contains(strings.ToLower(text), "delete") {
		kinds := []string{}
		for _, p := range lastPII {
			if !slices.Contains(kinds, string(p.Kind)) {
				kinds = append(kinds, string(p.Kind))
			}
		}
		dr := channel.Outbound{ConversationID: last.ConversationID, To: last.Author.ID, Visibility: channel.Private,
			Text: strings.ReplaceAll(d.delReq, "{kinds}", strings.Join(kinds, " and "))}
		if caps.PrivateReplyToComment {
			dr.InReplyTo = last.ID
		}
		if rr, err := ch.Send(ctx, &dr); err == nil {
			s.DeleteRequest = &dr
			turns = append(turns, Turn{Role: DeskRole, ID: rr.ID, Text: dr.Text, Visibility: channel.Private, At: now})
			e := ev(DeleteRequested)
			e.Detail = strings.Join(kinds, ", ")
			evs = append(evs, e)
		} else {
			askDelete = false
			e := ev(Blocked)
			e.Detail = "delete request not sent: " + err.Error()
			evs = append(evs, e)
		}
	}
	if s.MovedPrivate && d.note != "" && caps.PublicReply {
		note := d.note
		if role == Human {
			note = d.sign(kind, agent, note)
		}
		pn := channel.Outbound{ConversationID: last.ConversationID, InReplyTo: last.ID, Text: note, Visibility: channel.Public}
		if rr, err := ch.Send(ctx, &pn); err == nil {
			s.PublicNote = &pn
			turns = append(turns, Turn{Role: role, Agent: agent.ID, ID: rr.ID, Text: pn.Text, Visibility: channel.Public, At: now})
		}
	}
	if len(s.Flags) > 0 {
		e := ev(Flagged)
		e.Flags = slices.Clone(s.Flags)
		evs = append(evs, e)
	}

	d.mu.Lock()
	c.Transcript = append(c.Transcript, turns...)
	if askDelete {
		c.DeleteRequested = true
	}
	var clockErr error
	if st := d.clocks[key]; st != nil {
		for _, t := range turns {
			for _, m := range st.feed(t) {
				m.Channel, m.Agent = string(c.Channel), agent.ID
				d.att.Record(m)
			}
		}
		clockErr = d.track(key, st)
	}
	if c.AcknowledgedAt.IsZero() && !c.Since.IsZero() {
		c.AcknowledgedAt = now
		c.AutoAcknowledged = role == DeskRole
		evs = append(evs, ev(Acknowledged))
	}
	if role != DeskRole {
		if !c.FirstResponded {
			c.FirstResponded = true
			evs = append(evs, ev(FirstResponse))
		} else {
			evs = append(evs, ev(Replied))
		}
	}
	snap := c.clone()
	d.mu.Unlock()
	if err := d.store.PutConversation(ctx, snap); err != nil {
		d.emit(evs...)
		return s, fmt.Errorf("care: reply to %s: sent, but the store failed: %w", key, err)
	}
	d.emit(evs...)
	if clockErr != nil {
		return s, fmt.Errorf("care: reply to %s: sent, but %w", key, clockErr)
	}
	return s, nil
}

func (d *Desk) sign(kind channel.Kind, a Agent, text string) string {
	if _, signed := ParseSignature(text); signed {
		return text
	}
	f, ok := d.sigs[kind]
	if !ok {
		f = d.defSig
	}
	if f == "" {
		return text
	}
	first := a.Name
	if fs := strings.Fields(a.Name); len(fs) > 0 {
		first = fs[0]
	}
	return text + strings.NewReplacer("{initials}", a.Initials, "{name}", a.Name, "{first}", first).Replace(f)
}

// Resolve closes the conversation: the queue item is completed, the
// resolution time recorded (in the policy's business time) and the
// conversation's SLA timers stop, so that Tick emits no SLA event for it.
// A new customer message starts a new cycle, routed afresh, which reopens
// its SLA clock (see Conversation.CycleStart).
func (d *Desk) Resolve(ctx context.Context, a *Assignment) error {
	if a == nil || a.lease == nil {
		return fmt.Errorf("%w: nil assignment", ErrInvalid)
	}
	if err := a.lease.Complete(ctx); err != nil {
		return fmt.Errorf("care: resolve %s: %w", a.Conversation.Key, err)
	}
	now := d.now()
	d.mu.Lock()
	c, ok := d.convs[a.Conversation.Key]
	if !ok {
		d.mu.Unlock()
		return fmt.Errorf("%w: %s", ErrUnknownConversation, a.Conversation.Key)
	}
	if st := d.clocks[c.Key]; st != nil {
		ms, err := st.clock.Resolve(st.instant(now))
		if err == nil { // an open cycle's clock is never resolved
			for _, m := range ms {
				m.Channel, m.Agent = string(c.Channel), a.Agent.ID
				d.att.Record(m)
			}
		}
		delete(d.clocks, c.Key)
	}
	d.tracker.Untrack(c.Key) // no SLA event after the resolution
	e := Event{Kind: Resolved, At: now, Key: c.Key, Channel: string(c.Channel), Agent: a.Agent.ID, Team: c.Team}
	if c.Routing != nil {
		e.Loop = c.Routing.Loop.Name
	}
	c.Since, c.AcknowledgedAt, c.AutoAcknowledged, c.Handoff = time.Time{}, time.Time{}, false, nil
	c.Routing, c.Team, c.Escalations, c.EscalatedTo, c.FirstResponded = nil, "", 0, "", false
	d.resolved = append(d.resolved, served{channel: string(c.Channel), at: now})
	snap := c.clone()
	d.mu.Unlock()
	if err := d.store.PutConversation(ctx, snap); err != nil {
		return fmt.Errorf("care: resolve %s: store: %w", snap.Key, err)
	}
	d.emit(e)
	return nil
}

// Conversation returns a snapshot of the conversation with key.
func (d *Desk) Conversation(key string) (Conversation, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	c, ok := d.convs[key]
	if !ok {
		return Conversation{}, false
	}
	return c.clone(), true
}

// Attainment summarises the SLA attainment so far, for the measurements
// keep accepts (nil keeps all). The measurements are those of the
// conversations' SLA clocks, in their policies' business time:
// acknowledge, first response and next response when a reply meets them,
// resolve at Resolve (a target that stops unmet by a reply, e.g. a
// conversation resolved without one, is not measured; its SLABreach event
// reports it). Channel and Agent (the replying or resolving agent, "" for
// the desk's automatic acknowledgement) are set for GroupBy-style filters.
func (d *Desk) Attainment(keep func(sla.Measurement) bool) []sla.Summary {
	return d.att.Summarize(keep)
}

// Router returns the desk's feedback-loop router.
func (d *Desk) Router() *Router { return d.router }

// Macro returns the approved answer for intent, for an agent composing a
// reply.
func (d *Desk) Macro(intent string) (Macro, bool) { return d.macros.Macro(intent) }

// Detector returns the desk's personal-data detector.
func (d *Desk) Detector() *Detector { return d.detector }
