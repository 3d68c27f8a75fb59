package sla

import (
	"fmt"
	"slices"
	"time"
)

// Policy is a set of targets for the conversations it matches.
//
// A policy matches a conversation when every non-empty criterion contains
// the conversation's value: Channels, Bands, Tiers and Teams. Empty
// criteria match everything.
type Policy struct {
	// Name identifies the policy in reports. Required.
	Name string
	// Channels are the channel kinds ("x", "facebook", ...) the policy
	// applies to; empty matches every channel.
	Channels []string
	// Bands are the priority bands ("urgent", "high", "normal", "low")
	// the policy applies to; empty matches every band.
	Bands []string
	// Tiers are the customer tiers ("vip", "standard", ...) the policy
	// applies to; empty matches every tier.
	Tiers []string
	// Teams are the teams (or queues) the policy applies to; empty matches
	// every team.
	Teams []string

	// Acknowledge is the time allowed until the customer hears from the
	// brand: an automatic or human "you've been heard" satisfies it. Must
	// be positive.
	Acknowledge time.Duration
	// FirstResponse is the time allowed until the first substantive reply
	// by a human agent; bots and automatic acknowledgements do not satisfy
	// it. Zero means not tracked; negative is an error.
	FirstResponse time.Duration
	// NextResponse is the time allowed to answer each customer message
	// that follows an agent's reply. Zero means not tracked; negative is
	// an error.
	NextResponse time.Duration
	// Update is the longest silence allowed, while the conversation is
	// unresolved, after the brand's last reply (a periodic status update).
	// Zero means not tracked; negative is an error.
	Update time.Duration
	// Resolve is the time allowed until the conversation is resolved.
	// Must be positive and not shorter than Acknowledge.
	Resolve time.Duration

	// Calendar is the business-hours calendar the targets count in. nil
	// means 24/7, where every target is plain elapsed time.
	Calendar *Calendar
}

// Validate reports what is wrong with p, if anything. Errors wrap
// ErrInvalid.
func (p Policy) Validate() error {
	switch {
	case p.Name == "":
		return fmt.Errorf("%w: policy has no name (set Name; reports group by it)", ErrInvalid)
	case p.Acknowledge <= 0:
		return fmt.Errorf("%w: policy %q: Acknowledge must be positive, got %v", ErrInvalid, p.Name, p.Acknowledge)
	case p.Resolve <= 0:
		return fmt.Errorf("%w: policy %q: Resolve must be positive, got %v", ErrInvalid, p.Name, p.Resolve)
	case p.FirstResponse < 0:
		return fmt.Errorf("%w: policy %q: FirstResponse must be positive (or zero: not tracked), got %v", ErrInvalid, p.Name, p.FirstResponse)
	case p.NextResponse < 0:
		return fmt.Errorf("%w: policy %q: NextResponse must be positive (or zero: not tracked), got %v", ErrInvalid, p.Name, p.NextResponse)
	case p.Update < 0:
		return fmt.Errorf("%w: policy %q: Update must be positive (or zero: not tracked), got %v", ErrInvalid, p.Name, p.Update)
	case p.Resolve < p.Acknowledge:
		return fmt.Errorf("%w: policy %q: Resolve (%v) is shorter than Acknowledge (%v); lengthen Resolve or shorten Acknowledge", ErrInvalid, p.Name, p.Resolve, p.Acknowledge)
	}
	return nil
}

// Matches reports whether the policy applies to channel, whatever the band,
// tier and team: it ignores those criteria. Use MatchesInput to test all.
func (p Policy) Matches(channel string) bool {
	return len(p.Channels) == 0 || slices.Contains(p.Channels, channel)
}

// MatchInput is what policies are matched on. An empty field matches only
// policies without that criterion.
type MatchInput struct {
	// Channel is the channel kind ("x", "facebook", ...).
	Channel string
	// Band is the priority band ("urgent", "high", ...).
	Band string
	// Tier is the customer tier ("vip", ...).
	Tier string
	// Team is the team or queue working the conversation.
	Team string
}

// MatchesInput reports whether every non-empty criterion of p contains the
// corresponding value of in.
func (p Policy) MatchesInput(in MatchInput) bool {
	ok := func(set []string, v string) bool { return len(set) == 0 || slices.Contains(set, v) }
	return ok(p.Channels, in.Channel) && ok(p.Bands, in.Band) && ok(p.Tiers, in.Tier) && ok(p.Teams, in.Team)
}

// catchAll reports whether p has no criteria.
func (p Policy) catchAll() bool {
	return len(p.Channels) == 0 && len(p.Bands) == 0 && len(p.Tiers) == 0 && len(p.Teams) == 0
}

// Allowed returns the time p allows for target t; zero when p does not
// track it.
func (p Policy) Allowed(t Target) time.Duration {
	switch t {
	case TargetAcknowledge:
		return p.Acknowledge
	case TargetFirstResponse:
		return p.FirstResponse
	case TargetNextResponse:
		return p.NextResponse
	case TargetUpdate:
		return p.Update
	case TargetResolve:
		return p.Resolve
	}
	return 0
}

// Deadlines are the due times of one conversation.
type Deadlines struct {
	// Policy is the name of the policy that set them.
	Policy string
	// AcknowledgeBy is when the first acknowledgement is due.
	AcknowledgeBy time.Time
	// FirstResponseBy is when the first substantive reply is due; zero if
	// the policy does not track it.
	FirstResponseBy time.Time
	// ResolveBy is when the resolution is due.
	ResolveBy time.Time
}

// Deadlines returns the deadlines of a conversation that started at start,
// counted in business time on p.Calendar (plain elapsed time when nil). A
// deadline the calendar cannot compute (start outside the range of
// InRange) is the zero Time; DeadlinesChecked says why.
func (p Policy) Deadlines(start time.Time) Deadlines {
	d := Deadlines{Policy: p.Name, AcknowledgeBy: p.Calendar.Add(start, p.Acknowledge), ResolveBy: p.Calendar.Add(start, p.Resolve)}
	if p.FirstResponse > 0 {
		d.FirstResponseBy = p.Calendar.Add(start, p.FirstResponse)
	}
	return d
}

// DeadlinesChecked is Deadlines that returns an error instead of zero
// deadlines: a *RangeError (matching ErrOutOfRange) when start or a
// deadline lies outside the range of InRange.
func (p Policy) DeadlinesChecked(start time.Time) (Deadlines, error) {
	d := Deadlines{Policy: p.Name}
	var err error
	if d.AcknowledgeBy, err = p.Calendar.AddChecked(start, p.Acknowledge); err != nil {
		return Deadlines{}, fmt.Errorf("policy %q: %w", p.Name, err)
	}
	if d.ResolveBy, err = p.Calendar.AddChecked(start, p.Resolve); err != nil {
		return Deadlines{}, fmt.Errorf("policy %q: %w", p.Name, err)
	}
	if p.FirstResponse > 0 {
		if d.FirstResponseBy, err = p.Calendar.AddChecked(start, p.FirstResponse); err != nil {
			return Deadlines{}, fmt.Errorf("policy %q: %w", p.Name, err)
		}
	}
	return d, nil
}

// Policies is an ordered list of policies; the first that matches wins. It
// is immutable and safe for concurrent use.
//
// Order policies from the most specific to the least: a VIP policy
// (Tiers: vip) before the channel policies, and a catch-all last.
type Policies struct {
	list []Policy
}

// NewPolicies validates list and returns it as Policies. Names must be
// unique and the last policy must have no criteria (no Channels, Bands,
// Tiers or Teams), so that every conversation has deadlines. Errors wrap
// ErrInvalid.
func NewPolicies(list ...Policy) (*Policies, error) {
	if len(list) == 0 {
		return nil, fmt.Errorf("%w: NewPolicies: no policies (pass at least a catch-all policy; DefaultPolicies().List() is a start)", ErrInvalid)
	}
	seen := map[string]bool{}
	for _, p := range list {
		if err := p.Validate(); err != nil {
			return nil, err
		}
		if seen[p.Name] {
			return nil, fmt.Errorf("%w: NewPolicies: duplicate policy name %q (give each policy its own Name)", ErrInvalid, p.Name)
		}
		seen[p.Name] = true
	}
	if last := list[len(list)-1]; !last.catchAll() {
		return nil, fmt.Errorf("%w: NewPolicies: the last policy (%q) must match everything (leave Channels, Bands, Tiers and Teams empty)", ErrInvalid, last.Name)
	}
	return &Policies{list: slices.Clone(list)}, nil
}

// DefaultPolicies returns the defaults drawn from customer expectations
// (32% expect a reply within 30 minutes, 57% the same service at night and
// on weekends, so they run 24/7):
//
//	policy     channels                      ack    first  next  update  resolve
//	x          x                             30m    1h     1h    4h      24h
//	chat       chat                          5m     15m    15m   1h      24h
//	messaging  messenger, instagram, whatsapp 1h     2h     2h    4h      24h
//	default    anything else (facebook, ...)  12h    12h    12h   24h     24h
//
// Acknowledge within the channel's window (faster on X, 12 hours on
// Facebook at worst); present a resolution within 24 hours of the
// complaint. Every value can be overridden by building Policies with
// NewPolicies (start from List).
func DefaultPolicies() *Policies {
	return &Policies{list: []Policy{
		{Name: "x", Channels: []string{"x"}, Acknowledge: 30 * time.Minute, FirstResponse: time.Hour, NextResponse: time.Hour, Update: 4 * time.Hour, Resolve: 24 * time.Hour},
		{Name: "chat", Channels: []string{"chat"}, Acknowledge: 5 * time.Minute, FirstResponse: 15 * time.Minute, NextResponse: 15 * time.Minute, Update: time.Hour, Resolve: 24 * time.Hour},
		{Name: "messaging", Channels: []string{"messenger", "instagram", "whatsapp"}, Acknowledge: time.Hour, FirstResponse: 2 * time.Hour, NextResponse: 2 * time.Hour, Update: 4 * time.Hour, Resolve: 24 * time.Hour},
		{Name: "default", Acknowledge: 12 * time.Hour, FirstResponse: 12 * time.Hour, NextResponse: 12 * time.Hour, Update: 24 * time.Hour, Resolve: 24 * time.Hour},
	}}
}

// Match returns the first policy that applies to channel, considering only
// policies without Band, Tier or Team criteria (as if those were unknown).
// It equals MatchInput(MatchInput{Channel: channel}).
func (ps *Policies) Match(channel string) Policy {
	return ps.MatchInput(MatchInput{Channel: channel})
}

// MatchInput returns the first policy, in list order, whose criteria all
// match in (see Policy.MatchesInput). The last policy matches everything.
func (ps *Policies) MatchInput(in MatchInput) Policy {
	for _, p := range ps.list {
		if p.MatchesInput(in) {
			return p
		}
	}
	return ps.list[len(ps.list)-1]
}

// List returns a copy of the policies in match order.
func (ps *Policies) List() []Policy { return slices.Clone(ps.list) }
