package care

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/situation"
)

// Topic is a subject recognised from keywords. Topics are the router's
// older, keyword-only vocabulary, kept for listening (spikes per topic)
// and for existing routes; new routes name situations (see package
// situation), which handle negation, context and several languages.
type Topic struct {
	// Name identifies the topic ("legal", "outage"). Required.
	Name string `json:"name"`
	// Keywords are phrases matched as whole words, case-insensitive; a
	// keyword "video+broken" matches when every "+"-joined part occurs
	// anywhere in the message.
	Keywords []string `json:"keywords"`
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
	// customer. Defaults to Team. (A loop that is only told about a
	// message, while another loop owns it, is in Decision.Inform.)
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

// DefaultLoops returns the built-in feedback loops: customer service (the
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
// set goes to Loop, or, with Inform, Loop is told about it.
//
// The first matching rule without Inform chooses the conversation's loop
// (Decision.Loop); every other matching rule whose loop differs informs
// its loop (Decision.Inform): customer service answers a charge while the
// executives hear about the churn threat that came with it.
type Route struct {
	// Name identifies the rule in explanations. Defaults to "to " + Loop.
	Name string
	// Loop is the target loop's name. Required.
	Loop string
	// Topics: any of them must be found in the message (empty: any).
	// With Situations, a topic or a situation will do.
	Topics []string
	// Situations: any of these care situations (situation.Kind names)
	// must be found in the message (empty: any). With Topics, a topic or
	// a situation will do.
	Situations []string
	// Unless: the rule does not match when one of these situations is
	// found.
	Unless []string
	// Inform makes the rule inform its loop rather than route to it.
	Inform bool
	// OwnOnly makes the rule only ever choose the loop: when an earlier
	// rule chose another loop, it does not inform its own. For rules that
	// keep a message with the front line ("plain question"), whose notice
	// to another owner would be noise.
	OwnOnly bool
	// Channels: the message must have arrived on one of them (empty: any).
	Channels []channel.Kind
	// Authors: handles (without "@", case-insensitive), one of which must
	// have written the message (empty: anyone).
	Authors []string
	// MinScore: the priority score must be at least this (0: any).
	MinScore float64
}

// DefaultRoutes returns the built-in rules, over the built-in situations
// of package situation, in this order:
//
//   - "legal threat": a legal threat (or the legal topic) goes to legal;
//   - "problem care can fix": an account takeover, money taken wrongly,
//     work or travel blocked, or a vulnerable person stays with customer
//     service, which acts first; loops matched below are informed;
//   - "regulator or authority": an authority named or tagged goes to legal;
//   - "safety": a safety or health risk goes to the executives;
//   - "plain question": a question care can answer, or a request for help
//     with the customer's own case, stays with customer service ("is there
//     a way to…?", "any help?"); loops matched below are informed;
//   - "broken content": broken or wrong brand content goes to content;
//   - "product defect": a defect after an update or a complaint about the
//     design stays with customer service, which answers the customer;
//     product hears of it by the "product feedback" rule;
//   - "asks for the executives": churn, a boycott, a public escalation or
//     a request for a policy change or relief goes to the executives;
//   - "product feedback": a feature request goes to product, and product
//     is informed of defects and design complaints;
//   - "fraud report": a phishing or fraud report, or a copyright or
//     trademark dispute, informs legal.
//
// So a loop other than customer service owns a message when the message
// asks that loop for something (a new feature, a legal claim, a decision of
// leadership); a complaint that a care agent can answer stays with customer
// service, and the loops concerned are told. Anything else stays with the
// default loop.
func DefaultRoutes() []Route {
	product := []string{string(situation.FeatureRequest), string(situation.DefectAfterUpdate), string(situation.DesignComplaint)}
	return []Route{
		{Name: "legal threat", Loop: "legal", Topics: []string{"legal"}, Situations: []string{string(situation.LegalThreat)}},
		{Name: "problem care can fix", Loop: "customer-service", OwnOnly: true, Situations: []string{
			string(situation.AccountTakeover), string(situation.MoneyTaken), string(situation.BlockedNow), string(situation.Vulnerable)}},
		{Name: "regulator or authority", Loop: "legal", Situations: []string{string(situation.Authority)}},
		{Name: "safety", Loop: "executives", Situations: []string{string(situation.SafetyHealth)}},
		{Name: "plain question", Loop: "customer-service", OwnOnly: true, Situations: []string{string(situation.Question)}},
		{Name: "broken content", Loop: "content", Situations: []string{string(situation.BrandContent)}},
		{Name: "product defect", Loop: "customer-service", OwnOnly: true, Situations: []string{string(situation.DefectAfterUpdate), string(situation.DesignComplaint)}},
		{Name: "asks for the executives", Loop: "executives", Situations: []string{string(situation.Churn), string(situation.PublicEscalation), string(situation.PolicyRequest)}},
		{Name: "product feedback", Loop: "product", Situations: product},
		{Name: "fraud report", Loop: "legal", Inform: true, Situations: []string{string(situation.FraudReport), string(situation.RightsDispute)}},
	}
}

// Notice is a loop informed of a conversation that another loop owns.
type Notice struct {
	// Loop is the informed loop; its Acknowledge and Resolve deadlines
	// (zero: the channel's SLA policy) say by when it should have read and
	// acted on the notice.
	Loop Loop
	// Route is the name of the rule that informs it.
	Route string
	// Reasons are the conditions that held, for people.
	Reasons []string
}

// Decision is where the router sent a conversation, and why.
type Decision struct {
	// Loop is the chosen loop.
	Loop Loop
	// Route is the name of the rule that matched; "" when the message
	// stays with the default loop, whether no rule matched or a rule
	// that names the default loop did (see Rule).
	Route string
	// Rule is the name of the rule that chose Loop, including a rule that
	// keeps the message with the default loop ("problem care can fix");
	// "" when no rule matched.
	Rule string
	// Topics are the topics found in the message.
	Topics []string
	// Reasons are the conditions of Rule that held, for people.
	Reasons []string
	// Situations are the care situations found in the message, with their
	// evidence.
	Situations []situation.Match
	// Inform are the other loops to tell about the message, in rule order,
	// never Loop itself: Loop's team answers, these are informed. The desk
	// notifies each by its Loop's deadlines.
	Inform []Notice
}

// Explain returns the decision as one line, e.g. `legal (rule "legal
// threat": topic legal ("sue")); owner team legal, answered by legal`,
// followed by `; informs executives (rule "asks for the executives":
// situation churn ("lost a customer"))` for each informed loop.
func (d Decision) Explain() string {
	why := "default loop"
	if rule := cmp.Or(d.Rule, d.Route); rule != "" {
		why = fmt.Sprintf("rule %q: %s", rule, strings.Join(d.Reasons, ", "))
	}
	s := fmt.Sprintf("%s (%s); owner team %s, answered by %s", d.Loop.Name, why, d.Loop.Team, d.Loop.Answers)
	for _, n := range d.Inform {
		s += fmt.Sprintf("; informs %s (rule %q: %s)", n.Loop.Name, n.Route, strings.Join(n.Reasons, ", "))
	}
	return s
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
	// Situations finds the care situations in messages for Route; it must
	// be safe for concurrent use. Every situation a route names must be
	// one it knows. Defaults to situation.New(nil), the built-in detector.
	// Not read from JSON: build it from the situation package's own JSON.
	// RouteSituations takes situations found by any situation.Classifier.
	Situations *situation.Detector
}

// Router maps conversations to feedback loops. It is immutable and safe for
// concurrent use.
type Router struct {
	topics []compiledTopic
	loops  map[string]Loop
	routes []compiledRoute
	def    string
	sit    *situation.Detector
	// bits gives each situation kind named by a route a bit of the routes'
	// masks, so that a decision tests a route's situations with one AND.
	bits map[situation.Kind]uint64

	firstWord wordTable     // first word of a keyword part → the parts
	firstMask [256]uint64   // first byte → bit per length of those first words
	firstPair *[1024]uint64 // bit per first two bytes of those first words (see pairBit)
	nparts    int           // keyword parts, numbered in keyword order
	pool      sync.Pool     // *topicScratch
	defLoop   Loop          // the default loop
}

// compiledRoute is a Route with its situations as bit masks (see
// Router.bits).
type compiledRoute struct {
	Route
	want, unless uint64
	loop         Loop // Route.Loop's
}

// topicScratch holds Topics' buffers between calls.
type topicScratch struct {
	buf   []byte
	offs  [][2]int32
	cands []topicCand
}

type compiledTopic struct {
	name  string
	kws   []keyword
	parts [2]int // its keywords' parts are numbered parts[0] to parts[1]-1
}

type keyword struct {
	text  string
	parts [][]string
	part0 int // number of its first part among all keywords' parts
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
	r := &Router{loops: map[string]Loop{}, sit: c.Situations, bits: map[situation.Kind]uint64{}}
	firstWord := map[string][]partRef{}
	r.firstPair = new([1024]uint64)
	r.pool.New = func() any { return &topicScratch{buf: make([]byte, 0, 512), offs: make([][2]int32, 0, 96)} }
	if r.sit == nil {
		d, err := situation.New(nil)
		if err != nil {
			return nil, fmt.Errorf("care: router: %w", err)
		}
		r.sit = d
	}
	topics := map[string]bool{}
	for i, t := range c.Topics {
		if t.Name == "" || topics[t.Name] {
			return nil, fmt.Errorf("%w: router: Topics[%d]: empty or duplicate name %q", ErrInvalid, i, t.Name)
		}
		topics[t.Name] = true
		ct := compiledTopic{name: t.Name, parts: [2]int{r.nparts, r.nparts}}
		for _, k := range t.Keywords {
			kw := keyword{text: k}
			for _, p := range strings.Split(k, "+") {
				ws := trimmedWords(p)
				if slices.Contains(ws, "") {
					return nil, fmt.Errorf("%w: router: topic %q: keyword %q has a word of dots only, which matches no word", ErrInvalid, t.Name, k)
				}
				if len(ws) > 0 {
					kw.parts = append(kw.parts, ws)
				}
			}
			if len(kw.parts) == 0 {
				return nil, fmt.Errorf("%w: router: topic %q: empty keyword %q", ErrInvalid, t.Name, k)
			}
			if len(kw.parts) > 63 {
				return nil, fmt.Errorf("%w: router: topic %q: keyword %q has more than 63 parts", ErrInvalid, t.Name, k)
			}
			kw.part0 = r.nparts
			r.nparts += len(kw.parts)
			for j, p := range kw.parts {
				firstWord[p[0]] = append(firstWord[p[0]], partRef{topic: int32(len(r.topics)), kw: int32(len(ct.kws)), part: int32(j), n: int32(kw.part0 + j)})
				b := pairBit(p[0])
				r.firstPair[b>>6] |= 1 << (b & 63)
				if w := p[0]; len(w) <= 63 {
					r.firstMask[w[0]] |= 1 << len(w)
				} else {
					r.firstMask[w[0]] = ^uint64(0)
				}
			}
			ct.kws = append(ct.kws, kw)
		}
		ct.parts[1] = r.nparts
		r.topics = append(r.topics, ct)
	}
	r.firstWord = newWordTable(firstWord)
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
	r.defLoop = r.loops[r.def]
	if n := countKinds(c.Routes); n > 64 {
		return nil, fmt.Errorf("%w: router: the routes name %d situations; at most 64", ErrInvalid, n)
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
		for _, k := range slices.Concat(rt.Situations, rt.Unless) {
			if !r.sit.Knows(situation.Kind(k)) {
				return nil, fmt.Errorf("%w: router: Routes[%d] names unknown situation %q (the detector knows %v)", ErrInvalid, i, k, r.sit.Kinds())
			}
		}
		rt.Topics, rt.Situations, rt.Unless = slices.Clone(rt.Topics), slices.Clone(rt.Situations), slices.Clone(rt.Unless)
		rt.Channels, rt.Authors = slices.Clone(rt.Channels), slices.Clone(rt.Authors)
		if rt.Name == "" {
			rt.Name = "to " + rt.Loop
		}
		cr := compiledRoute{Route: rt, loop: r.loops[rt.Loop]}
		for _, k := range rt.Situations {
			cr.want |= r.bit(situation.Kind(k))
		}
		for _, k := range rt.Unless {
			cr.unless |= r.bit(situation.Kind(k))
		}
		r.routes = append(r.routes, cr)
	}
	return r, nil
}

// Loop returns the loop called name.
func (r *Router) Loop(name string) (Loop, bool) {
	l, ok := r.loops[name]
	return l, ok
}
