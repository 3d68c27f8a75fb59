package care

import (
	"context"
	"errors"
	"fmt"
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
	// ErrUnknownAgent means the agent was not added with AddAgent. It is
	// the queue's own error, so one test covers both.
	ErrUnknownAgent = queue.ErrUnknownAgent
	// ErrAgentExists means AddAgent was called for an agent the desk
	// already has; use UpdateAgent to change one.
	ErrAgentExists = errors.New("care: agent already added")
	// ErrInFlight means a reply waits: a desk recorded a send to the
	// conversation and has not yet recorded it as sent or not (see
	// Conversation.Sending). Try again shortly; if that desk was killed,
	// the send becomes a MaybeSent turn within twice Config.SendTimeout.
	ErrInFlight = errors.New("care: a send to the conversation is in flight")
	// ErrUnknownConversation means no conversation has the given key.
	ErrUnknownConversation = errors.New("care: unknown conversation")
	// ErrInvalid means an argument or a configuration field was
	// malformed; nothing changed.
	ErrInvalid = errors.New("care: invalid argument")
	// ErrChanged is wrapped by *ChangedError: the conversation changed
	// since the agent loaded it.
	ErrChanged = errors.New("care: conversation changed since it was loaded")
	// ErrHandedOff means a bot tried to act on a conversation it handed
	// off to humans.
	ErrHandedOff = errors.New("care: conversation was handed off to a human")
	// ErrAssignmentEnded means the assignment is over: it was resolved,
	// released, handed off or boomeranged, its agent signed out, or its
	// hold ran past Config.MaxHold. It wraps the queue's ErrLeaseEnded.
	ErrAssignmentEnded = fmt.Errorf("care: assignment ended: %w", queue.ErrLeaseEnded)
	// ErrTooLarge means a message's text is longer than
	// Config.MaxMessageBytes; it was not taken.
	ErrTooLarge = errors.New("care: message too large")
)

// Config configures a Desk. The zero value gives the defaults. The desk's
// clock is its queue's (queue.Config.Now): there is one clock, given once.
type Config struct {
	// Scorer scores messages. Defaults to priority.New(nil).
	Scorer priority.Scorer
	// Policies give each conversation its SLA targets, matched on the
	// conversation's channel, priority band (Bands), customer tier
	// (Customers) and team (its feedback loop's), unless the loop sets its
	// own deadlines. Defaults to sla.DefaultPolicies().
	Policies *sla.Policies
	// Bands name the priority bands policies match on, highest first: a
	// score at or above a band's Min is in that band. Defaults to
	// DefaultBands().
	Bands []Band
	// VIPs are author handles (without "@", case-insensitive) flagged as
	// valuable customers.
	VIPs []string
	// Customers looks up what the host knows about a message's author
	// (tier, lifetime value, VIP), once per message; the scorer and the
	// SLA policies both read the answer. An error fails the intake (the
	// sender's retry will ask again). Defaults to nil: only VIPs.
	Customers func(ctx context.Context, m channel.Message) (CustomerFacts, error)

	// Teams are team names beyond the feedback loops' own (their Team and
	// escalation steps, known already) that conversations may be handed
	// off to and agents may filter on. A Handoff to, or a Next filter
	// naming, a team the desk does not know is refused with ErrInvalid,
	// since no conversation would ever reach it.
	Teams []string

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
	// OutsideWindow says how the desk writes to a customer once the
	// platform's messaging window has closed (24 hours after their last
	// private message on Messenger, Instagram and WhatsApp), per channel:
	// with a Messenger tag (channel.HumanAgent lets a human agent answer
	// for 7 days) or a WhatsApp template the host had approved. The desk
	// first sends as usual; when the channel refuses for the window, it
	// sends once more with the fallback. A channel without one reports the
	// refusal as a WindowClosed event and the send fails with
	// channel.ErrWindowClosed. Defaults to none.
	OutsideWindow map[channel.Kind]WindowFallback
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
	// MaxHold is how long the desk keeps an assignment's lease alive
	// after the agent's last action on it (Next, Refresh, a reply); then
	// the lease is let go, the conversation goes back to the queue and an
	// AssignmentExpired event says so. Defaults to 30 minutes, or twice
	// the queue's lease TTL if that is longer. It must be longer than the
	// lease TTL.
	MaxHold time.Duration
	// MaxMessageBytes is the longest message text Ingest takes; a longer
	// one fails with ErrTooLarge. Defaults to 64 KiB (an e-mail body;
	// social posts are far shorter).
	MaxMessageBytes int
	// Retention bounds what the desk and its Store keep. See
	// RetentionConfig for the defaults.
	Retention RetentionConfig
	// Store keeps conversations, dedup keys, acknowledgements and
	// follow-ups. Defaults to NewMemStore().
	Store Store
	// Instance names this desk among the desks that share its Store, for
	// the lease of the one that runs the timed work (Tick) and for the
	// sends it records. Defaults to a random name; give each process a
	// stable one to read logs by.
	Instance string
	// SendTimeout bounds the sends of each reply to a platform (the
	// answer, and the public note or the request to delete personal data
	// that may go with it). On a Durable store a send the desk recorded
	// and did not settle within twice SendTimeout (its desk was killed)
	// becomes a MaybeSent turn. Defaults to 1 minute.
	SendTimeout time.Duration
	// OnEvent receives every desk event, synchronously and outside the
	// desk's locks, so it may call the desk. Without it the desk does not
	// build events at all.
	OnEvent func(Event)
	// OnError receives the errors Run's ticks meet, and those of work
	// done on the side of a call that still succeeds. Defaults to
	// discarding them.
	OnError func(error)
	// TickInterval is how often Run calls Tick. Defaults to 30 seconds;
	// it must be at most a third of the queue's lease TTL, since Tick
	// keeps the open assignments' leases alive.
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

// WindowFallback is how a message goes out after the messaging window
// closed: a Messenger Tag or a WhatsApp Template (its parameters fixed by
// the host), not both.
type WindowFallback struct {
	Tag      channel.MessageTag
	Template *channel.Template
}

// Band is a named range of priority scores: scores at or above Min.
type Band struct {
	Name string
	Min  float64
}

// DefaultBands returns urgent (60 and up), high (35), normal (10) and low
// (everything else).
func DefaultBands() []Band {
	return []Band{{"urgent", 60}, {"high", 35}, {"normal", 10}, {"low", -1e308}}
}

// RetentionConfig bounds the desk's state, as River's cleaner bounds its
// tables: every map and table that grows has a limit. The zero value
// gives the defaults.
type RetentionConfig struct {
	// Resolved is how long a resolved conversation is kept after its
	// resolution; a customer who writes within it continues the same
	// conversation (a new cycle), later starts a fresh one under the same
	// key. Defaults to 7 days; negative keeps them forever.
	Resolved time.Duration
	// Dedup is how long the ids of taken messages are remembered, so that
	// a platform's redelivery is not taken twice. Defaults to 48 hours;
	// it may not be shorter than 36 hours, Meta's retry window.
	Dedup time.Duration
	// Measurements is how long SLA measurements count towards Attainment.
	// Defaults to 7 days.
	Measurements time.Duration
	// MaxMeasurements caps the measurements kept, oldest dropped first.
	// Defaults to 1,000,000 (about 100 MB).
	MaxMeasurements int
	// Every is how often Tick purges. Defaults to 10 minutes.
	Every time.Duration
	// Batch is the most records of each kind one purge deletes. Defaults
	// to 10,000.
	Batch int
}

func (r *RetentionConfig) defaults() error {
	if r.Dedup < 0 || r.Measurements < 0 || r.MaxMeasurements < 0 || r.Every < 0 || r.Batch < 0 {
		return fmt.Errorf("%w: Retention durations and counts must not be negative", ErrInvalid)
	}
	if r.Resolved == 0 {
		r.Resolved = 7 * 24 * time.Hour
	}
	if r.Dedup == 0 {
		r.Dedup = 48 * time.Hour
	}
	if r.Dedup < 36*time.Hour {
		return fmt.Errorf("%w: Retention.Dedup %v is shorter than the platforms' 36h redelivery window", ErrInvalid, r.Dedup)
	}
	if r.Measurements == 0 {
		r.Measurements = 7 * 24 * time.Hour
	}
	if r.MaxMeasurements == 0 {
		r.MaxMeasurements = 1_000_000
	}
	if r.Every == 0 {
		r.Every = 10 * time.Minute
	}
	if r.Batch == 0 {
		r.Batch = 10_000
	}
	return nil
}

// AckConfig configures the automatic acknowledgement. The zero value
// acknowledges with the default templates.
type AckConfig struct {
	// Disabled turns automatic acknowledgements off.
	Disabled bool
	// Delay is how long after the first unanswered message of a cycle Tick
	// sends the acknowledgement if no agent has claimed or answered the
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
