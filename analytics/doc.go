// Package analytics measures a care desk and staffs it: response-time
// analytics, volume by hour of week, SLA attainment, cost per interaction,
// arrival forecasts, Erlang C staffing, and SVG charts of it all.
//
// # Events
//
// Analytics never imports the desk. The desk (or any host application)
// reports what happened as Events — a customer message Arrived, the brand
// Acknowledged, an agent gave the FirstResponse or Replied, the conversation
// was Resolved — and an Analytics ingests them (more than a million events
// a second on one core). Report(now) then gives, overall, per channel and
// per agent: acknowledgement, first-response, reply and resolution times
// (p50, p90, p99, mean), SLA attainment against sla.Policies (targets not
// reached count as breached once past their deadline), volume by hour of
// week, and the cost of the interactions against the phone (about $1 per
// social interaction, six times that by phone, by default).
//
// # Hours of the week
//
// A Week holds one value per hour of the week, Monday 00:00 first, in the
// wall-clock time of a chosen time zone: the audience's hours, which is what
// staffing follows. Binning reads the wall clock, so it stays right across
// daylight saving changes.
//
// # Staffing
//
// Forecast averages each slot over the last N weeks ("same slot, last N
// weeks"). A Staffer turns arrivals per hour into agents by Erlang C for a
// service-level target (80% answered within 30 minutes by default) with an
// occupancy cap and shrinkage; Plan does it for every hour of a week.
// Erlang C is computed from the Erlang B recursion, which is stable for any
// load (no factorials, no overflow). For the textbook case — 250 contacts an
// hour, 330 s handle time, 80% within 30 s — it gives 28 agents (service
// level 85.7%; 27 agents give 78.2%).
//
// # Charts
//
// WriteHeatmap, WriteStaffingChart and WriteQuadrant write standalone SVG
// documents (standard library only) that also embed inline in HTML.
//
// All functions are pure; Analytics and Staffer are safe for concurrent use.
// Every error about a bad argument wraps ErrInvalid (through the narrower
// ErrInvalidConfig or ErrInvalidEvent) and names the field to fix.
package analytics
