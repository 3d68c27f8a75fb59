// Package console is the operations console of a care desk: one
// http.Handler that a host mounts under any prefix, with three views,
// live over Server-Sent Events.
//
//   - The queue view: the waiting conversations by team and channel, each
//     with its score and the reasons, how long it has waited, the next SLA
//     deadline counting down on the desk's clock, warning and breach
//     badges; filters, and pages (Desk.Waiting), so that 10,000 waiting
//     conversations stay fast.
//   - The agent workspace: "take next" (Desk.TryNext), the customer's
//     whole timeline (public and private turns, who wrote each, personal
//     data marked), a reply box that shows the guards' verdicts as the
//     agent types (Desk.Preview: personal data, tone, consistency,
//     signature, messaging window), then send, Boomerang, snooze, hand off
//     to a team, resolve or release. The desk keeps the lease while the
//     workspace is open (the page sends a sign of life, Desk.Hold) and the
//     console releases it when the agent leaves (the page closes, or goes
//     silent for Config.LeaveAfter).
//   - The leads' view: agents (availability, load, capacity), feedback
//     loops and escalations, SLA attainment, the published expected wait
//     and, with Config.Analytics, the analytics package's charts.
//
// The console reads only the desk's public API: every view is computed
// from the desk at the moment of the request, and the desk's events reach
// the open pages through Publish, which the host calls from the desk's
// Config.OnEvent:
//
//	var con *console.Console
//	desk, _ := care.New(q, &care.Config{OnEvent: func(e care.Event) { con.Publish(e) }})
//	con, err := console.New(desk, &console.Config{Identify: mySession})
//	http.Handle("/care/", http.StripPrefix("/care", con))
//
// Publish never blocks the desk: each page has a bounded buffer
// (Config.ClientBuffer), and a page that cannot keep up misses events and
// reloads its data once it has caught up.
//
// # Security
//
// Who the user is comes from the host: Config.Identify maps a request to
// an agent ID and a role, and New refuses to build a console without it
// (ErrNoIdentity), unless Config.InsecureDemoSignIn, a sign-in page for
// demos where anyone may act as anyone, is set instead. The leads' view
// requires RoleLead. Every state-changing request passes Go's
// http.CrossOriginProtection (a cross-origin POST is refused with 403). All
// customer text goes through html/template's contextual escaping, and the
// pages carry a Content-Security-Policy that allows only the console's own
// script file (no inline script, no inline handlers, no javascript: URLs),
// so that a message containing <script>, a javascript: link or an onerror
// attribute is shown as text and never runs. Live events carry no
// customer text.
//
// Pages use relative links only, so the handler works under any prefix
// given to http.StripPrefix. The page's script and styles are embedded; no
// build step is needed.
package console
