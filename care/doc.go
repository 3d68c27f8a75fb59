// Package care is the desk: it composes channels, the priority scorer, SLA
// policies and the work queue into the workflow of a social customer care
// team.
//
// # The flow
//
// A Desk ingests customer messages from its channels (Ingest is a
// channel.Sink), scores each one with a priority.Scorer, routes its
// conversation to a feedback loop, gives it SLA deadlines and enqueues it,
// one queue item per conversation, with the loop's team. Agents take the
// most urgent conversation they may handle with Next; Reply sends the
// agent's answer through the conversation's own channel, after the reply
// guards; Resolve closes it. The desk measures every SLA target against
// the conversation's policy, in the policy's business hours (see "SLA
// clocks"), which Attainment summarises, and reports everything that
// happens as Events (Config.OnEvent) that a host feeds to analytics.
//
// # Feedback loops
//
// A Router maps a conversation — topics found by keywords, channel, author,
// priority score — to a Loop: customer service, content (a broken video on
// the blog goes to its editor), legal, product, executives (DefaultLoops),
// or the host's own. Each loop names its owner team (the queue team), who
// answers the customer, its deadlines and an escalation chain; Tick
// escalates a conversation whose loop deadline has passed, one step at a
// time, and moves it to the step's team while it waits. Decision.Explain
// says why a conversation went where it went.
//
// # Acknowledgement
//
// Tick sends an automatic "you've been heard" (AckConfig) to a conversation
// nobody has claimed or answered, inside its acknowledgement window: by
// default after half the window and at most 15 minutes. Templates are per
// channel and language; a conversation is acknowledged at most once (the
// Store marks it atomically, so two desks sharing a store cannot both send
// it); ad comments are skipped unless AckConfig.AdComments.
//
// # SLA clocks
//
// Each open conversation has an sla.Clock for its policy (the first of
// Config.Policies that matches its channel, with its feedback loop's own
// deadlines), started by the message that opened the cycle. The desk feeds
// it what happens: customer messages; the automatic acknowledgement and
// bots' replies, which acknowledge; human agents' replies, which are
// responses (the first response, then a next response to each customer
// message that follows one); the resolution; a new message after the
// resolution, which reopens it (a new resolve and next-response cycle;
// acknowledge and first response run once). Attainment records what the
// clock measures, in the policy's business time: a message at 16:50
// answered at 09:10 the next working day took 20 minutes. A re-routing that
// changes the policy rebuilds the clock under the new one. A Boomerang
// pauses the clock, as a helpdesk's on-hold status does, until it comes due
// or the customer writes (Config.SLADuringBoomerang keeps it running);
// Conversation.SLAPauses records the pauses.
//
// An sla.Tracker holds the running timers of every open conversation; each
// Tick emits an SLAWarning event when a share of a target's business time
// has passed (Config.SLAWarnings: 75% and 90% by default) and an SLABreach
// when its deadline passes, each once per target cycle and never after the
// resolution. Event.SLA says which target, when it is due and when the
// alert came due. A Tick costs O(log n) per alert and nothing per open
// conversation.
//
// # Reply guards
//
// Before anything is sent (ReplyWith; the same guards apply to scheduled
// messages and acknowledgements):
//
//   - collision: only the lease holder replies (queue.ErrLeaseLost), and a
//     reply to a conversation that changed since the agent loaded it (a new
//     customer message, another agent's or the desk's reply) is refused
//     with a *ChangedError unless ReplyOptions.Confirm, or after Refresh;
//   - personal data: a public reply that contains an e-mail address, a
//     phone number (github.com/nyaruka/phonenumbers), a card number (Luhn)
//     or an account number (IBAN mod-97, or digits after "account") goes
//     private instead — a private reply to the comment or a DM — leaving a
//     short public note; so does every reply to a customer who posted such
//     data in public, and that customer is asked privately, once, to delete
//     the post. A channel that cannot send privately blocks the reply
//     (*GuardError);
//   - tone: a reply with insults or sarcasm is flagged ("never reply in
//     kind"), or blocked with ToneConfig.Block;
//   - signature: a human agent's reply is signed per channel (" ^AS" by
//     default) unless it already ends in a sign-off (ParseSignature);
//   - consistency: approved answers (Macros) are shared by every channel; a
//     reply for the same intent that drops the approved answer's numbers or
//     most of its words is flagged.
//
// # Bots, follow-ups, listening, wait times
//
// A bot (Agent.Bot) may answer only intents whose macro is BotAllowed;
// Handoff passes a conversation to a human team in one call with its
// transcript, after which the bot cannot send in it. Boomerang snoozes a
// conversation and returns it to the same agent at a time; Schedule plans
// a proactive message that Tick sends through the guards. Observe catches
// untagged and misspelled brand mentions (Listener, Damerau-Levenshtein over
// normalised text) and topic spikes per 5 minutes against a baseline, as
// events. WaitTimes estimates the expected wait per channel from the
// queue's depth and the desk's own recent service rate; Tick publishes it
// every 5 minutes through WaitConfig.Publish.
//
// # Time and state
//
// The desk reads time only from Config.Now. Tick does the timed work at the
// current time; Run calls it on a real ticker. What must survive a restart
// — conversations, acknowledgements sent, follow-ups — goes through a Store
// (MemStore by default); Restore reloads conversations after a restart.
// SLA clocks are not stored: a clock is a pure function of the
// conversation's Policy, Since, the transcript of its cycle
// (Conversation.CycleStart) and its pauses, all of which are, so Restore rebuilds each
// open conversation's clock from them. The tracker's record of the alerts
// already emitted is not kept: after a restart, warnings and breaches still
// due are emitted again by the next Tick (at least once), and two desks
// sharing a store each emit their own.
// Package caretest builds a desk on in-memory fakes and a virtual clock for
// tests.
package care
