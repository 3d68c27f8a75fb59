package analytics

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/socialcare/socialcare/maturity"
	"github.com/socialcare/socialcare/sla"
)

// CostModel prices interactions. An interaction is one conversation. The
// zero value of a field means its default.
type CostModel struct {
	// PerInteraction is the cost of one social interaction. Defaults to 1
	// (about $1 per social interaction).
	PerInteraction float64
	// PhoneMultiple is how many times a social interaction the same
	// interaction costs by phone. Defaults to 6.
	PhoneMultiple float64
	// PerChannel overrides PerInteraction for some channel kinds. Values
	// must not be negative. The map is read, never written, and must not be
	// changed after New.
	PerChannel map[string]float64
	// Currency labels the amounts. Defaults to "USD".
	Currency string
}

// Config configures Analytics. The zero value of a field means its default.
type Config struct {
	// Location is the time zone of the hour-of-week bins: the audience's
	// (or the desk's) wall clock. Defaults to UTC.
	Location *time.Location
	// Policies are the SLA targets for attainment. Defaults to
	// sla.DefaultPolicies().
	Policies *sla.Policies
	// Costs is the cost model.
	Costs CostModel
}

// conv is one conversation's state. Instants are Unix nanoseconds; 0 means
// "not yet".
type conv struct {
	arrived, ack, first, resolved int64
	pending                       int64 // oldest customer message awaiting a reply
	channel, agent                string
	offChannel                    bool
	// ackSLA and resolveSLA are the desk's own measurements (Event.SLA):
	// 0 none, 1 met, 2 missed.
	ackSLA, resolveSLA uint8
}

type reply struct {
	conv int32
	d    int64
}

// Analytics ingests desk events and reports on them. It keeps every
// conversation it has seen (about 100 bytes each, plus 8 bytes per customer
// message); create a new one per reporting period. It is safe for
// concurrent use.
type Analytics struct {
	loc      *time.Location
	policies *sla.Policies
	costs    CostModel

	mu       sync.Mutex
	index    map[string]int32
	convs    []conv
	messages []int64
	replies  []reply
	first    int64
	last     int64
	events   int
}

// New returns an empty Analytics for cfg (nil means all defaults). Errors
// wrap ErrInvalidConfig (and so ErrInvalid) and name the field to fix.
func New(cfg *Config) (*Analytics, error) {
	var c Config
	if cfg != nil {
		c = *cfg
	}
	if c.Location == nil {
		c.Location = time.UTC
	}
	if c.Policies == nil {
		c.Policies = sla.DefaultPolicies()
	}
	cm := &c.Costs
	switch {
	case !(cm.PerInteraction >= 0) || math.IsInf(cm.PerInteraction, 0):
		return nil, fmt.Errorf("%w: Config.Costs.PerInteraction is %v: set a finite number ≥ 0, or 0 for the default 1", ErrInvalidConfig, cm.PerInteraction)
	case !(cm.PhoneMultiple >= 0) || math.IsInf(cm.PhoneMultiple, 0):
		return nil, fmt.Errorf("%w: Config.Costs.PhoneMultiple is %v: set a finite number ≥ 0, or 0 for the default 6", ErrInvalidConfig, cm.PhoneMultiple)
	}
	for ch, v := range cm.PerChannel {
		if !(v >= 0) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%w: Config.Costs.PerChannel[%q] is %v: set a finite number ≥ 0, or remove the channel to use PerInteraction", ErrInvalidConfig, ch, v)
		}
	}
	if cm.PerInteraction == 0 {
		cm.PerInteraction = 1
	}
	if cm.PhoneMultiple == 0 {
		cm.PhoneMultiple = 6
	}
	if cm.Currency == "" {
		cm.Currency = "USD"
	}
	return &Analytics{loc: c.Location, policies: c.Policies, costs: c.Costs, index: map[string]int32{}}, nil
}

// Location returns the time zone of the hour-of-week bins.
func (a *Analytics) Location() *time.Location { return a.loc }

// Ingest records one event. Events of one conversation should come in time
// order; first times (acknowledgement, first response, resolution) are the
// earliest seen whatever the order, but reply times pair each customer
// message with the next reply ingested after it. Errors wrap
// ErrInvalidEvent: unknown kind, empty conversation, zero At.
func (a *Analytics) Ingest(e Event) error {
	if err := check(&e); err != nil {
		return err
	}
	a.mu.Lock()
	a.ingest(&e)
	a.mu.Unlock()
	return nil
}

// IngestBatch records events under one lock, in order. It stops at the first
// invalid event and returns how many it recorded with the error.
func (a *Analytics) IngestBatch(events []Event) (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i := range events {
		if err := check(&events[i]); err != nil {
			return i, fmt.Errorf("analytics: event %d: %w", i, err)
		}
		a.ingest(&events[i])
	}
	return len(events), nil
}

func check(e *Event) error {
	switch {
	case e.Kind < Arrived || e.Kind > Resolved:
		return fmt.Errorf("%w: unknown kind %v", ErrInvalidEvent, e.Kind)
	case e.Conversation == "":
		return fmt.Errorf("%w: %v event without a conversation", ErrInvalidEvent, e.Kind)
	case e.At.IsZero():
		return fmt.Errorf("%w: %v event of %q has no time", ErrInvalidEvent, e.Kind, e.Conversation)
	}
	return nil
}

func earliest(cur *int64, t int64) {
	if *cur == 0 || t < *cur {
		*cur = t
	}
}

// ingest records a checked event; a.mu is held.
func (a *Analytics) ingest(e *Event) {
	t := e.At.UnixNano()
	if t == 0 { // the Unix epoch itself; 0 means "not yet" here
		t = 1
	}
	i, ok := a.index[e.Conversation]
	if !ok {
		i = int32(len(a.convs))
		a.index[e.Conversation] = i
		a.convs = append(a.convs, conv{})
	}
	c := &a.convs[i]
	if c.channel == "" {
		c.channel = e.Channel
	}
	if a.events == 0 || t < a.first {
		a.first = t
	}
	if t > a.last {
		a.last = t
	}
	a.events++
	for _, m := range e.SLA {
		v := uint8(2)
		if m.Met() {
			v = 1
		}
		switch m.Target {
		case sla.TargetAcknowledge:
			if c.ackSLA == 0 {
				c.ackSLA = v
			}
		case sla.TargetResolve:
			c.resolveSLA = v
		}
	}
	switch e.Kind {
	case Arrived:
		earliest(&c.arrived, t)
		a.messages = append(a.messages, t)
		if c.pending == 0 {
			c.pending = t
		}
	case Acknowledged:
		earliest(&c.ack, t)
	case FirstResponse, Replied:
		earliest(&c.ack, t)
		earliest(&c.first, t)
		if c.agent == "" {
			c.agent = e.Agent
		}
		if c.pending != 0 && t >= c.pending {
			a.replies = append(a.replies, reply{conv: i, d: t - c.pending})
		}
		c.pending = 0
	case Resolved:
		if c.resolved == 0 || t < c.resolved {
			c.resolved = t
			c.offChannel = e.OffChannel
		}
		if c.agent == "" {
			c.agent = e.Agent
		}
	}
}

// Durations summarizes measured times.
type Durations struct {
	// Count is the number of measurements.
	Count int
	// P50, P90 and P99 are nearest-rank percentiles; Mean is the mean. All
	// are 0 without measurements.
	P50, P90, P99, Mean time.Duration
}

func summarize(ds []int64) Durations {
	if len(ds) == 0 {
		return Durations{}
	}
	slices.Sort(ds)
	var sum float64
	for _, d := range ds {
		sum += float64(d)
	}
	return Durations{
		Count: len(ds),
		P50:   time.Duration(percentile(ds, 0.50)),
		P90:   time.Duration(percentile(ds, 0.90)),
		P99:   time.Duration(percentile(ds, 0.99)),
		Mean:  time.Duration(sum / float64(len(ds))),
	}
}

// percentile returns the nearest-rank percentile of sorted values.
func percentile(sorted []int64, q float64) int64 {
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(i, 0)]
}

// Attainment counts conversations against one SLA target.
type Attainment struct {
	// Met counts conversations that reached the milestone in time.
	Met int
	// Breached counts those that reached it late, or have not reached it
	// and are already past the deadline.
	Breached int
	// Pending counts those that have not reached it and are still within
	// the deadline.
	Pending int
}

// Percent returns Met as a share of Met+Breached, 0–100; 0 when both are 0.
func (at Attainment) Percent() float64 {
	if at.Met+at.Breached == 0 {
		return 0
	}
	return 100 * float64(at.Met) / float64(at.Met+at.Breached)
}

// Stats are the measurements of one group of conversations.
type Stats struct {
	// Name is the channel or agent; "" for all conversations. Missing
	// channels and agents are reported as "unknown" and "unassigned".
	Name string
	// Conversations is the number of conversations with a customer message.
	Conversations int
	// Resolved is how many of them were resolved.
	Resolved int
	// OffChannel is how many resolutions needed another channel.
	OffChannel int
	// Acknowledge measures from the first customer message to the first
	// brand message of any kind.
	Acknowledge Durations
	// FirstResponse measures to the first agent reply.
	FirstResponse Durations
	// Resolution measures to the resolution.
	Resolution Durations
	// Reply measures every customer message that waited to the next agent
	// reply.
	Reply Durations
	// AcknowledgeSLA and ResolveSLA are the attainment of the SLA policy
	// matching each conversation's channel.
	AcknowledgeSLA, ResolveSLA Attainment
}

// ChannelCost is the cost of one channel's interactions.
type ChannelCost struct {
	// Channel is the channel kind.
	Channel string
	// Interactions is the number of conversations.
	Interactions int
	// UnitCost is the cost of one interaction on the channel.
	UnitCost float64
	// Cost is Interactions × UnitCost.
	Cost float64
	// PhoneCost is what the same interactions would cost by phone.
	PhoneCost float64
}

// Costs is the cost report.
type Costs struct {
	// Currency labels the amounts.
	Currency string
	// Channels are the per-channel costs, by channel name.
	Channels []ChannelCost
	// Interactions is the total number of conversations.
	Interactions int
	// Total is the cost of all interactions.
	Total float64
	// PerInteraction is Total / Interactions; 0 without interactions.
	PerInteraction float64
	// PhoneEquivalent is what the interactions would cost by phone.
	PhoneEquivalent float64
	// Savings is PhoneEquivalent − Total.
	Savings float64
}

// Report is everything Analytics knows at one instant.
type Report struct {
	// Now is the instant the report was made for.
	Now time.Time
	// Location names the time zone of the hour-of-week bins.
	Location string
	// From and To are the earliest and latest event instants; zero
	// without events.
	From, To time.Time
	// Events is the number of events ingested.
	Events int
	// Conversations is the number of conversations seen (with or without
	// a customer message).
	Conversations int
	// Messages is the number of customer messages (Arrived events).
	Messages int
	// Volume counts new conversations (their first customer message) per
	// hour of week.
	Volume Week
	// MessageVolume counts every customer message per hour of week.
	MessageVolume Week
	// Overall are the measurements of all conversations.
	Overall Stats
	// ByChannel are the measurements per channel, by name.
	ByChannel []Stats
	// ByAgent are the measurements per agent (the first agent who replied,
	// else the one who resolved), by name.
	ByAgent []Stats
	// Costs is the cost report.
	Costs Costs
}

// Measured returns the desk measurements the Social Maturity Index uses:
// channels in use and in-channel resolution. Reports delivered are not known
// to analytics; set ReportsDelivered and Weeks yourself.
func (r *Report) Measured() maturity.Measured {
	return maturity.Measured{
		Channels:          len(r.ByChannel),
		Conversations:     r.Overall.Resolved,
		ResolvedInChannel: r.Overall.Resolved - r.Overall.OffChannel,
	}
}

type acc struct {
	st                         Stats
	ack, first, resolve, reply []int64
}

func (g *acc) stats() Stats {
	s := g.st
	s.Acknowledge = summarize(g.ack)
	s.FirstResponse = summarize(g.first)
	s.Resolution = summarize(g.resolve)
	s.Reply = summarize(g.reply)
	return s
}

func sorted(m map[string]*acc) []Stats {
	out := make([]Stats, 0, len(m))
	for _, g := range m {
		out = append(out, g.stats())
	}
	slices.SortFunc(out, func(a, b Stats) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

// Report computes the report at now: SLA targets not yet reached count as
// breached once now is past their deadline, else as pending. The cost is
// O(n log n) in the conversations; ingestion may go on concurrently.
func (a *Analytics) Report(now time.Time) Report {
	a.mu.Lock()
	convs := slices.Clone(a.convs)
	messages := slices.Clone(a.messages)
	replies := slices.Clone(a.replies)
	r := Report{Now: now, Location: a.loc.String(), Events: a.events, Conversations: len(convs), Messages: len(messages)}
	if a.events > 0 {
		r.From, r.To = time.Unix(0, a.first), time.Unix(0, a.last)
	}
	a.mu.Unlock()

	for _, m := range messages {
		r.MessageVolume[HourOfWeek(time.Unix(0, m), a.loc)]++
	}
	all := &acc{}
	chans, agents := map[string]*acc{}, map[string]*acc{}
	group := func(m map[string]*acc, name string) *acc {
		g := m[name]
		if g == nil {
			g = &acc{st: Stats{Name: name}}
			m[name] = g
		}
		return g
	}
	channelName := func(c *conv) string { return cmp.Or(c.channel, "unknown") }
	agentName := func(c *conv) string { return cmp.Or(c.agent, "unassigned") }
	nowNs := now.UnixNano()
	for i := range convs {
		c := &convs[i]
		if c.arrived == 0 {
			continue
		}
		r.Volume[HourOfWeek(time.Unix(0, c.arrived), a.loc)]++
		p := a.policies.Match(c.channel)
		gs := [3]*acc{all, group(chans, channelName(c)), group(agents, agentName(c))}
		for _, g := range gs {
			g.st.Conversations++
			if c.ack != 0 && c.ack >= c.arrived {
				g.ack = append(g.ack, c.ack-c.arrived)
			}
			if c.first != 0 && c.first >= c.arrived {
				g.first = append(g.first, c.first-c.arrived)
			}
			if c.resolved != 0 && c.resolved >= c.arrived {
				g.st.Resolved++
				if c.offChannel {
					g.st.OffChannel++
				}
				g.resolve = append(g.resolve, c.resolved-c.arrived)
			}
			attain(&g.st.AcknowledgeSLA, c.ackSLA, c.arrived, c.ack, nowNs, p.Acknowledge)
			attain(&g.st.ResolveSLA, c.resolveSLA, c.arrived, c.resolved, nowNs, p.Resolve)
		}
	}
	for _, rp := range replies {
		c := &convs[rp.conv]
		for _, g := range [3]*acc{all, group(chans, channelName(c)), group(agents, agentName(c))} {
			g.reply = append(g.reply, rp.d)
		}
	}
	r.Overall = all.stats()
	r.ByChannel = sorted(chans)
	r.ByAgent = sorted(agents)
	r.Costs = a.cost(r.ByChannel)
	return r
}

// attain counts one conversation: by the desk's own measurement when it
// gave one (measured: 1 met, 2 missed), else by the events' times.
func attain(at *Attainment, measured uint8, start, reached, now int64, allowed time.Duration) {
	switch {
	case measured == 1:
		at.Met++
	case measured == 2:
		at.Breached++
	case reached != 0 && reached >= start:
		if reached-start <= int64(allowed) {
			at.Met++
		} else {
			at.Breached++
		}
	case now-start > int64(allowed):
		at.Breached++
	default:
		at.Pending++
	}
}

func (a *Analytics) cost(byChannel []Stats) Costs {
	cs := Costs{Currency: a.costs.Currency}
	phone := a.costs.PerInteraction * a.costs.PhoneMultiple
	for _, s := range byChannel {
		unit, ok := a.costs.PerChannel[s.Name]
		if !ok {
			unit = a.costs.PerInteraction
		}
		cc := ChannelCost{Channel: s.Name, Interactions: s.Conversations, UnitCost: unit,
			Cost: unit * float64(s.Conversations), PhoneCost: phone * float64(s.Conversations)}
		cs.Channels = append(cs.Channels, cc)
		cs.Interactions += cc.Interactions
		cs.Total += cc.Cost
		cs.PhoneEquivalent += cc.PhoneCost
	}
	if cs.Interactions > 0 {
		cs.PerInteraction = cs.Total / float64(cs.Interactions)
	}
	cs.Savings = cs.PhoneEquivalent - cs.Total
	return cs
}

// Arrivals returns the instants of the conversations' first customer
// messages, in ingestion order, for Forecast.
func (a *Analytics) Arrivals() []time.Time {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]time.Time, 0, len(a.convs))
	for i := range a.convs {
		if t := a.convs[i].arrived; t != 0 {
			out = append(out, time.Unix(0, t))
		}
	}
	return out
}

// Forecast returns the expected new conversations per hour of week, the
// "same slot, last weeks weeks" average ending at now, in the Analytics'
// time zone. See the package-level Forecast.
func (a *Analytics) Forecast(now time.Time, weeks int) (Week, error) {
	return Forecast(a.Arrivals(), a.loc, now, weeks)
}
