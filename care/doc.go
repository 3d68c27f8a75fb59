// Package care is the desk: it composes channels, the priority scorer, SLA
// policies and the work queue into the workflow of a social customer care
// team.
//
// # The flow
//
// A Desk ingests customer messages from its channels (Ingest is a
// channel.Sink), scores each one with a priority.Scorer, routes its
// conversation to a feedback loop, gives it an SLA policy and enqueues it,
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
// Each message is read once for the care situations it describes (package
// situation: an account taken over, money taken, safety, a person
// stranded, a regulator, a legal threat, churn, a feature request, a
// defect after an update, broken content, praise, a question, ...), in
// English, Portuguese and Spanish; the scorer and the Router both decide
// from that one reading. The Router maps a conversation — situations,
// keyword topics, channel, author, score — to a Loop: customer service,
// content (a broken video on the blog goes to its editor), legal, product,
// executives (DefaultLoops), or the host's own, with rules as JSON
// (ParseRouterConfig). Each loop names its owner team (the queue team),
// who answers the customer, its deadlines and an escalation chain; Tick
// escalates a conversation whose loop deadline has passed, one step at a
// time, and moves it to the step's team while it waits. A rule may also
// inform a loop without giving it the conversation (customer service
// answers, product is told): the desk emits an Informed event for it once
// per cycle, with the informed loop's own deadline. Decision.Explain says
// why a conversation went where it went.
//
// # Acknowledgement
//
// Tick sends an automatic "you've been heard" (AckConfig) to a conversation
// nobody has claimed or answered, inside its acknowledgement window: by
// default after half the window and at most 15 minutes. Templates are per
// channel and language. Each cycle of a conversation — from a customer
// message that finds it resolved to its next resolution — is acknowledged
// at most once: the Store marks the cycle first, so two desks sharing a
// store cannot both send it. Ad comments are skipped unless
// AckConfig.AdComments.
//
// # SLA clocks
//
// Each open conversation has an sla.Clock for its policy: the first of
// Config.Policies that matches its channel, priority band (Config.Bands),
// customer tier and team, with its feedback loop's own deadlines. The host
// tells the desk about customers through one hook, Config.Customers, whose
// answer (tier, lifetime value, VIP) both the scorer and the policy match
// read. The clock is fed what happens: customer messages; the automatic
// acknowledgement and bots' replies, which acknowledge; human agents'
// replies, which are responses; the resolution; a new message after the
// resolution, which reopens it. Attainment records what the clocks
// measure, in the policy's business time: a message at 16:50 answered at
// 09:10 the next working day took 20 minutes. A Boomerang pauses the clock,
// as a helpdesk's on-hold status does, until it comes due or the customer
// writes (Config.SLADuringBoomerang keeps it running).
//
// The clock is the one source of the conversation's deadlines: the queue
// item's deadline (and so its rank), the escalation of its feedback loop
// and the SLA warnings and breaches all read it, so a paused conversation
// neither climbs the queue nor escalates. Desk.Deadlines returns them.
// Each Tick emits an SLAWarning event when a share of a target's business
// time has passed (Config.SLAWarnings: 75% and 90% by default) and an
// SLABreach when its deadline passes, each once per target cycle and never
// after the resolution.
//
// # Assignments and leases
//
// Next hands an agent an Assignment over a queue lease, and the desk keeps
// that lease alive (Tick renews it) while the assignment is open: an agent
// may take as long as they need to write. The assignment ends with
// Resolve, Release, Handoff or Boomerang; after Config.MaxHold without an
// action from the agent (Next, a reply, Refresh, Hold: 30 minutes by
// default) the desk lets it go back to the queue with an
// AssignmentExpired event. SignOut (SetAvailable false) marks an agent
// offline: the conversations they hold go back after the queue's offline
// grace. A reply or resolution on an ended assignment fails with
// ErrAssignmentEnded. Tick must run (Run does it) for leases to be kept.
//
// # Reply guards
//
// Before anything is sent (ReplyWith; the same guards apply to scheduled
// messages and acknowledgements):
//
//   - collision: only the assignment's holder replies, and a reply to a
//     conversation that changed since the agent loaded it (a new customer
//     message, another agent's or the desk's reply) is refused with a
//     *ChangedError unless ReplyOptions.Confirm, or after Refresh;
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
// events. WaitTimes gives the expected wait per channel from the queue's
// own estimate (queue.ExpectedWait), or from an assumed handle time while
// the queue has no recent service to measure; Tick publishes it every 5
// minutes through WaitConfig.Publish.
//
// # State, intake and retention
//
// The desk reads time only from its queue's clock (queue.Config.Now): one
// clock, given once. What must survive a restart or be shared by several
// desks — conversations, the dedup keys of the messages taken,
// acknowledgements sent, follow-ups — lives in the Store (MemStore by
// default); the desk keeps no copy of it. Each save of a conversation is a
// new version, and a save from an older version fails with ErrConflict, so
// two writers never lose an update.
//
// Ingest takes a message whole or not at all: it enqueues the conversation
// (the queue item's state is computed from the conversation, so a retry
// records the same) and saves the conversation together with the message's
// dedup key (channel.DedupKey: channel, account and id) in one Store call.
// Until both succeed nothing is marked taken, and the sender's redelivery
// is taken afresh. On a Store that commits the queue item in the same
// transaction (QueueCommitter: care/pgcare with its Queue set), the dedup
// key, the conversation and the queue item commit together or not at all,
// and so do a resolution and its item's completion. Desk.Dedup gives a
// channel.Receiver the same record, so the receiver and the desk share one
// dedup.
//
// # Several desks
//
// Desk processes that share a Store and a queue store (care/pgcare and
// queue/pgqueue) act as one desk: any desk serves any conversation (Next,
// Reply, Resolve, Boomerang, Handoff work whichever desk took the message),
// and two desks updating one conversation never lose either update (its
// version). The timed work is done once: Tick elects, with a lease in the
// Store (Store.Lead, renewed by every Tick, taken over three TickIntervals
// after its holder stops), one desk that acknowledges, alerts, escalates,
// sends follow-ups, publishes wait times and purges; it learns what the
// other desks changed from the Store's feed of saves (Store.Changes). Each
// step is also marked in the Store (MarkAcknowledged, Mark, TakeFollowUp,
// the conversation's version), so a change of runner does none of them
// twice. A lease per job would spread the work; one runner keeps each
// step's order (acknowledgements before the alerts they stop) and costs
// one renewal per Tick.
//
// Replies are never sent twice. On a Durable store each send is recorded
// on the conversation (Conversation.Sending) before it goes out and
// replaced by its turn once the platform took it. A desk killed between
// the two leaves the record; a reply to that conversation waits
// (ErrInFlight) until the runner, twice Config.SendTimeout later, turns it
// into a MaybeSent turn and emits a MaybeSent event. The collision guard
// then shows that turn to the agent, who checks the platform before
// writing again (ReplyOptions.Confirm).
//
// What the desk keeps in memory is derived and bounded: the SLA clocks and
// timers of open conversations (only on the desk that runs the timed work,
// rebuilt from the Store when it takes the lease, and whenever another
// desk changed a conversation), the scheduler's due times, the open assignments, and the SLA measurements of the last
// Retention.Measurements (7 days, at most a million). Tick works from
// timers, so it costs what is due, not the desk's history; every
// Retention.Every it purges resolved conversations after
// Retention.Resolved (7 days) and dedup keys after Retention.Dedup (48
// hours, never under the platforms' 36-hour retry window). The queue purges
// its own done items (queue.Config.DoneRetention).
//
// Measured with BenchmarkRetainedHeap on MemStore and memqueue, default
// retention: 1,000,000 conversations over twelve virtual days, each
// ingested, answered and resolved, and 10,000 left open. An open
// conversation (one message, its queue item, clock, timers) takes about
// 2.2 KB of live heap; a resolved one kept for its 7 days, with its dedup
// key and SLA measurements while they are kept, about 3.5 KB (583,333 were
// retained at the end; the figure also carries the once-marks of the SLA
// alerts that the 10,000 open conversations, breached for days, raise
// again and again, each kept for Retention.Dedup). Once every retention
// has passed, 65 bytes per conversation served remain: capacity kept at
// its peak (the queue's arrays, the feed's log), not history; the
// MemStore moves what is left of its maps to smaller ones once more
// records were purged than are left, since a Go map keeps the room of its
// deleted keys: TestStateDoesNotGrowWithHistory serves three rounds
// of 10,000 with full retention after each and finds the live heap flat
// (5,370,632, 5,370,720 and 5,371,016 bytes).
package care
