// Package queue is an SLA-aware work queue for customer conversations, with
// claim semantics: one item per conversation, served most urgent first, held
// by one agent at a time under a lease.
//
// A queue works like an IVR without the keypad: the desk reads each message,
// scores it, and enqueues it with its SLA deadline; agents claim the most
// urgent conversation they may take. Because an item is leased by exactly
// one agent, two agents never answer the same customer with two different
// answers.
//
// Queue is the portable type. It keeps its items in a queuedriver.Store: the
// in-memory memqueue for a single process (and for tests), or a shared store
// such as a PostgreSQL one for many processes. Every store passes the suite
// in queuedrivertest.
//
// # Ordering
//
// Ordering is explained in package queuedriver: an effective urgency that
// blends the priority score, the time left to the deadline and the time
// waited, so that nothing starves (Config.Weights; Queue.Urgency computes
// it). Ties go to the oldest. A new message re-scores its conversation;
// Update re-routes or re-scores it without one (to move a waiting
// conversation to another team, say), keeping its place in time.
//
// # Claims and leases
//
// Claim (blocking) and TryClaim return the most urgent item the agent's
// Filter admits (channels, teams, languages, skills), within the agent's
// Capacity, honouring affinity: for Config.AffinityWindow after an agent
// lets a conversation go, it is kept for that agent while they are online.
// The returned Lease lasts Config.LeaseTTL unless extended (Extend,
// ExtendFor, or KeepAlive as a heartbeat loop); it ends with Complete,
// Release, Snooze (the item returns at a set time, like Sparkcentral's
// Boomerang), TransferToTeam or TransferToAgent. A supervisor may Steal an
// item with a reason. Every operation on a lost or expired lease fails with
// ErrLeaseLost, and Lease.Context is cancelled when the lease ends, so that
// the work done under it stops.
//
// # Housekeeping
//
// Maintain (run periodically by Start, or called directly by hosts that
// drive time themselves) cancels the contexts of expired leases and
// releases the claims of agents who went offline more than
// Config.OfflineGrace ago (two minutes by default, as Sparkcentral does),
// and deletes Done items older than Config.DoneRetention (24 hours by
// default, as River's cleaner keeps completed jobs), so that a long-running
// store does not grow without bound.
// Config.OnEvent receives every change of ownership, with the reason of a
// steal: that is the audit trail.
//
// # Reporting
//
// Stats gives the depth by channel and team, the oldest waiting item and
// the claims per agent; ExpectedWait estimates how long a new item would
// wait, from its position and the recent service rate, for a host to
// publish (KLM publishes its expected wait time every five minutes).
//
// Invalid arguments (an empty key, a NaN score, a non-positive TTL, an
// unknown lease or agent) fail with a clear error and leave the queue
// unchanged.
package queue
