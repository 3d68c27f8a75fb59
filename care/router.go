package care

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/socialcare/socialcare/channel"
)

// Topic is a subject recognised from keywords.
type Topic struct {
	// Name identifies the topic ("legal", "outage"). Required.
	Name string
	// Keywords are phrases matched as whole words, case-insensitive; a
	// keyword "video+broken" matches when every "+"-joined part occurs
	// anywhere in the message.
	Keywords []string
}

// DefaultTopics returns the built-in English topics: legal, content,
// product, executive, outage and billing.
func DefaultTopics() []Topic {
	return []Topic{
		{Name: "legal", Keywords: []string{"lawyer", "attorney", "sue", "suing", "lawsuit", "legal action", "court", "small claims", "class action", "gdpr", "solicitor"}},
		{Name: "content", Keywords: []string{"video+broken", "video+not working", "video+won't play", "video+doesn't play", "video+not playing", "broken link", "dead link", "link+broken", "typo", "blog+broken", "article+wrong", "page+404", "404"}},
		{Name: "product", Keywords: []string{"feature request", "please add", "would be great if", "wish you had", "wish it had", "suggestion", "why can't i", "you should add"}},
		{Name: "executive", Keywords: []string{"ceo", "your ceo", "chief executive", "board of directors", "president of"}},
		{Name: "outage", Keywords: []string{"outage", "down", "not working", "offline", "can't log in", "cannot log in", "can't login", "error 500"}},
		{Name: "billing", Keywords: []string{"charged twice", "refund", "overcharged", "invoice", "billing", "bill"}},
	}
}

// Loop is a feedback loop: the people who can resolve a kind of concern,
// within a predetermined time.
type Loop struct {
	// Name identifies the loop ("legal"). Required and unique.
	Name string
	// Team is the owner team; the conversation is enqueued with it, so
	// only agents whose queue filter names the team (or no team) take it.
	// Defaults to Name.
	Team string
	// Answers says who answers the customer (a team, a role, a person):
	// legal may resolve a threat while customer service writes to the
	// customer. Defaults to Team.
	Answers string
	// Acknowledge and Resolve are the loop's deadlines, from the first
	// unanswered message. Zero takes the channel's SLA policy.
	Acknowledge time.Duration
	Resolve     time.Duration
	// Escalation is the chain followed when the loop's resolution deadline
	// passes unresolved.
	Escalation []Escalation
}

// Escalation is one step of a loop's escalation chain.
type Escalation struct {
	// To is who is told, and the team the conversation moves to when it is
	// waiting in the queue. Required.
	To string
	// After is how long after the loop's resolution deadline this step
	// fires. Steps must be in increasing order of After.
	After time.Duration
}

// DefaultLoops returns the loops of DOMAIN.md: customer service (the
// default), content (a broken video goes to its editor), legal, product and
// executives, with their owners, deadlines and escalation chains.
func DefaultLoops() []Loop {
	return []Loop{
		{Name: "customer-service", Team: "customer-service", Answers: "customer-service",
			Escalation: []Escalation{{To: "care-lead"}, {To: "head-of-care", After: 4 * time.Hour}}},
		{Name: "content", Team: "content", Answers: "customer-service", Acknowledge: 30 * time.Minute, Resolve: 8 * time.Hour,
			Escalation: []Escalation{{To: "content-editor"}, {To: "head-of-content", After: 4 * time.Hour}}},
		{Name: "legal", Team: "legal", Answers: "legal", Acknowledge: time.Hour, Resolve: 24 * time.Hour,
			Escalation: []Escalation{{To: "general-counsel"}, {To: "ceo-office", After: 24 * time.Hour}}},
		{Name: "product", Team: "product", Answers: "customer-service", Resolve: 7 * 24 * time.Hour,
			Escalation: []Escalation{{To: "product-lead"}}},
		{Name: "executives", Team: "executives", Answers: "ceo-office", Acknowledge: 30 * time.Minute, Resolve: 4 * time.Hour,
			Escalation: []Escalation{{To: "ceo"}}},
	}
}

// Route is a routing rule: a conversation matching every condition that is
// set goes to Loop.
type Route struct {
	// Name identifies the rule in explanations. Defaults to "to " + Loop.
	Name string
	// Loop is the target loop's name. Required.
	Loop string
	// Topics: any of them must be found in the message (empty: any).
	Topics []string
	// Channels: the message must have arrived on one of them (empty: any).
	Channels []channel.Kind
	// Authors: handles (without "@", case-insensitive), one of which must
	// have written the message (empty: anyone).
	Authors []string
	// MinScore: the priority score must be at least this (0: any).
	MinScore float64
}

// DefaultRoutes returns the built-in rules: legal topics to legal, content
// topics to content, product topics to product, executive topics to the
// executives. Anything else stays with the default loop.
func DefaultRoutes() []Route {
	return []Route{
		{Name: "legal threat", Loop: "legal", Topics: []string{"legal"}},
		{Name: "broken content", Loop: "content", Topics: []string{"content"}},
		{Name: "product feedback", Loop: "product", Topics: []string{"product"}},
		{Name: "asks for the executives", Loop: "executives", Topics: []string{"executive"}},
	}
}

// Decision is where the router sent a conversation, and why.
type Decision struct {
	// Loop is the chosen loop.
	Loop Loop
	// Route is the name of the rule that matched; "" for the default loop.
	Route string
	// Topics are the topics found in the message.
	Topics []string
	// Reasons are the conditions that held, for people.
	Reasons []string
}

// Explain returns the decision as one line, e.g. `legal (rule "legal
// threat": topic legal ("lawyer")); owner team legal, answered by legal`.
func (d Decision) Explain() string {
	why := "default loop"
	if d.Route != "" {
		why = fmt.Sprintf("rule %q: %s", d.Route, strings.Join(d.Reasons, ", "))
	}
	return fmt.Sprintf("%s (%s); owner team %s, answered by %s", d.Loop.Name, why, d.Loop.Team, d.Loop.Answers)
}

// RouterConfig configures a Router. The zero value gives the defaults.
type RouterConfig struct {
	// Topics are recognised in messages. Defaults to DefaultTopics().
	Topics []Topic
	// Loops are the feedback loops. Defaults to DefaultLoops().
	Loops []Loop
	// Routes are tried in order; the first that matches wins. Defaults to
	// DefaultRoutes().
	Routes []Route
	// Default is the loop of conversations no route matches. Defaults to
	// "customer-service", or the first loop if there is none of that name.
	Default string
}

// Router maps conversations to feedback loops. It is immutable and safe for
// concurrent use.
type Router struct {
	topics []compiledTopic
	loops  map[string]Loop
	routes []Route
	def    string
}

type compiledTopic struct {
	name string
	kws  []keyword
}

type keyword struct {
	text  string
	parts [][]string
}

// NewRouter validates cfg and returns a router. cfg may be nil.
func NewRouter(cfg *RouterConfig) (*Router, error) {
	var c RouterConfig
	if cfg != nil {
		c = *cfg
	}
	if c.Topics == nil {
		c.Topics = DefaultTopics()
	}
	if c.Loops == nil {
		c.Loops = DefaultLoops()
	}
	if c.Routes == nil {
		c.Routes = DefaultRoutes()
	}
	r := &Router{loops: map[string]Loop{}}
	topics := map[string]bool{}
	for i, t := range c.Topics {
		if t.Name == "" || topics[t.Name] {
			return nil, fmt.Errorf("%w: router: Topics[%d]: empty or duplicate name %q", ErrInvalid, i, t.Name)
		}
		topics[t.Name] = true
		ct := compiledTopic{name: t.Name}
		for _, k := range t.Keywords {
			kw := keyword{text: k}
			for _, p := range strings.Split(k, "+") {
				if ws := words(p); len(ws) > 0 {
					kw.parts = append(kw.parts, ws)
				}
			}
			if len(kw.parts) == 0 {
				return nil, fmt.Errorf("%w: router: topic %q: empty keyword %q", ErrInvalid, t.Name, k)
			}
			ct.kws = append(ct.kws, kw)
		}
		r.topics = append(r.topics, ct)
	}
	for i, l := range c.Loops {
		if l.Name == "" {
			return nil, fmt.Errorf("%w: router: Loops[%d] has no name", ErrInvalid, i)
		}
		if _, dup := r.loops[l.Name]; dup {
			return nil, fmt.Errorf("%w: router: duplicate loop %q", ErrInvalid, l.Name)
		}
		if l.Team == "" {
			l.Team = l.Name
		}
		if l.Answers == "" {
			l.Answers = l.Team
		}
		if l.Acknowledge < 0 || l.Resolve < 0 || (l.Resolve > 0 && l.Acknowledge > l.Resolve) {
			return nil, fmt.Errorf("%w: router: loop %q: deadlines must be non-negative and Acknowledge (%v) not after Resolve (%v)", ErrInvalid, l.Name, l.Acknowledge, l.Resolve)
		}
		for j, e := range l.Escalation {
			if e.To == "" || e.After < 0 || (j > 0 && e.After <= l.Escalation[j-1].After) {
				return nil, fmt.Errorf("%w: router: loop %q: Escalation[%d] needs To and an After greater than the step before", ErrInvalid, l.Name, j)
			}
		}
		l.Escalation = slices.Clone(l.Escalation)
		r.loops[l.Name] = l
	}
	if len(r.loops) == 0 {
		return nil, fmt.Errorf("%w: router: no loops", ErrInvalid)
	}
	r.def = c.Default
	if r.def == "" {
		r.def = c.Loops[0].Name
		if _, ok := r.loops["customer-service"]; ok {
			r.def = "customer-service"
		}
	}
	if _, ok := r.loops[r.def]; !ok {
		return nil, fmt.Errorf("%w: router: default loop %q is not among the loops", ErrInvalid, r.def)
	}
	for i, rt := range c.Routes {
		if _, ok := r.loops[rt.Loop]; !ok {
			return nil, fmt.Errorf("%w: router: Routes[%d] goes to unknown loop %q", ErrInvalid, i, rt.Loop)
		}
		for _, t := range rt.Topics {
			if !topics[t] {
				return nil, fmt.Errorf("%w: router: Routes[%d] names unknown topic %q", ErrInvalid, i, t)
			}
		}
		if rt.Name == "" {
			rt.Name = "to " + rt.Loop
		}
		r.routes = append(r.routes, rt)
	}
	return r, nil
}

// Loop returns the loop called name.
func (r *Router) Loop(name string) (Loop, bool) {
	l, ok := r.loops[name]
	return l, ok
}

// Topics returns the topics found in text with the keyword that found each.
func (r *Router) Topics(text string) (names, found []string) {
	ws := words(text)
	for _, t := range r.topics {
		for _, k := range t.kws {
			ok := true
			for _, p := range k.parts {
				if !containsPhrase(ws, p) {
					ok = false
					break
				}
			}
			if ok {
				names = append(names, t.name)
				found = append(found, k.text)
				break
			}
		}
	}
	return names, found
}

// Route decides the loop of a message with the given priority score.
func (r *Router) Route(m channel.Message, score float64) Decision {
	topics, found := r.Topics(m.Text)
	d := Decision{Loop: r.loops[r.def], Topics: topics}
	for _, rt := range r.routes {
		var why []string
		if len(rt.Topics) > 0 {
			i := slices.IndexFunc(topics, func(t string) bool { return slices.Contains(rt.Topics, t) })
			if i < 0 {
				continue
			}
			why = append(why, fmt.Sprintf("topic %s (%q)", topics[i], found[i]))
		}
		if len(rt.Channels) > 0 {
			if !slices.Contains(rt.Channels, m.Channel) {
				continue
			}
			why = append(why, "channel "+string(m.Channel))
		}
		if len(rt.Authors) > 0 {
			if !slices.ContainsFunc(rt.Authors, func(a string) bool { return normHandle(a) == normHandle(m.Author.Handle) }) {
				continue
			}
			why = append(why, "author @"+m.Author.Handle)
		}
		if rt.MinScore > 0 {
			if score < rt.MinScore {
				continue
			}
			why = append(why, fmt.Sprintf("score %.0f ≥ %.0f", score, rt.MinScore))
		}
		if len(why) == 0 {
			why = append(why, "matches everything")
		}
		d.Loop, d.Route, d.Reasons = r.loops[rt.Loop], rt.Name, why
		return d
	}
	return d
}
