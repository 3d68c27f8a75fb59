// Package sla turns service-level policies into deadlines in business time,
// tracks them for open conversations and measures how often they are met.
//
// Customers expect speed: 32% expect a reply within 30 minutes and another
// 10% within the hour, 57% expect the same service at night and on
// weekends, and a resolution is due within 24 hours of the complaint. A
// "you've been heard" acknowledgement buys time.
//
// # Policies
//
// A Policy sets five targets: Acknowledge (any reply, automatic or human),
// FirstResponse (the first substantive human reply; bots and automatic
// acknowledgements do not count), NextResponse (each customer message after
// an agent's reply restarts it), Update (the longest silence while
// unresolved) and Resolve. Policies is an ordered list matched on channel,
// priority band, customer tier and team: the first policy whose non-empty
// criteria all contain the conversation's values wins, and the last policy
// must match everything. Put specific policies (VIPs, urgent) first.
// DefaultPolicies are 24/7 and drawn from the numbers above; every value can
// be overridden.
//
// # Calendars
//
// A Calendar has a time zone, several working intervals per weekday (split
// shifts), public holidays from github.com/rickar/cal/v2 and custom closed
// dates. A nil *Calendar is open 24/7. Add, Sub and Between are pure
// functions of their arguments: deadline arithmetic in business time across
// nights, weekends, holidays and daylight-saving changes, where an interval
// lasts as long as the wall clock says (00:00–24:00 is 23 hours on the
// spring-forward day). Add walks day by day, not minute by minute, with the
// holidays of 1990–2099 precomputed into a bitset; it costs about 100 ns
// (BenchmarkDeadline).
//
// # Clocks and the tracker
//
// A Clock is the SLA state of one conversation, driven by the events the
// caller reports with their instants: Reply (Acknowledgement or Response),
// CustomerMessage, Pause and Resume (waiting on the customer: business time
// left is kept), Resolve (every timer stops) and Reopen (a new resolve and
// next-response cycle). Its Timers feed a Tracker, which holds the
// deadlines of every open conversation in a binary heap and, as an injected
// clock advances (Advance(now)), emits each Warning (at configurable
// fractions of the target, 75% and 90% by default, placed in business
// time) and each Breach exactly once per timer cycle. Snapshot gives the
// time left per conversation, most urgent first, for a queue's ordering.
//
// # Attainment
//
// Attainment collects measurements and reports, per policy, channel or
// agent (GroupBy), the share met and p50/p90/p99 of each target's times.
// The Clock returns a measurement when a reply meets (or late, misses) a
// target, one per silence between two replies for Update, and, at Resolve,
// one for the resolution and one for each target still running past its
// time: a conversation resolved without the first response it was owed
// counts as a miss. A target still within its time at Resolve is neither
// met nor missed and is not measured.
//
// # Errors and the range of instants
//
// Every error about a bad argument wraps ErrInvalid and says what to
// change. Instants must lie from 1678-01-01 to 2262-01-01 UTC (InRange): the
// checked forms AddChecked, SubChecked, BetweenChecked and
// Policy.DeadlinesChecked, the Clock methods that return errors and
// Tracker.Track refuse others with a *RangeError matching ErrOutOfRange;
// Add, Sub, Between and Deadlines return the zero Time (or 0) for them,
// never a wrong deadline.
package sla
