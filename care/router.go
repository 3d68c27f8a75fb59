package care

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
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
				if ws := trimmedWords(p); len(ws) > 0 {
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

// Route decides the loop of a message with the given priority score,
// finding its situations with the router's detector. It is
// RouteSituations with the detector's result.
func (r *Router) Route(m channel.Message, score float64) Decision {
	found := r.sit.Detect(&situation.Input{Text: m.Text, Followers: m.Author.Followers})
	return r.RouteSituations(m, score, &found)
}

// Situations returns the situations the router's detector finds in m, for
// a caller that scores and routes one message with one detection (pass the
// result to RouteSituations and to the scorer's Input.Situations).
func (r *Router) Situations(m channel.Message) situation.Result {
	return r.sit.Detect(&situation.Input{Text: m.Text, Followers: m.Author.Followers})
}

// RouteSituations decides the loop of a message with the given priority
// score and the situations found in it by any situation.Classifier (a nil
// found means none). See Route for the rules.
func (r *Router) RouteSituations(m channel.Message, score float64, found *situation.Result) Decision {
	topics, kw := r.Topics(m.Text)
	d := Decision{Loop: r.defLoop, Topics: topics}
	// The situations found, and the mask bit of each (see Router.bits).
	var matches []situation.Match
	var small [8]uint64
	bits := small[:0]
	var have uint64
	if found != nil {
		matches = found.Matches
		d.Situations = slices.Clone(found.Matches)
		if len(matches) > len(small) {
			bits = make([]uint64, 0, len(matches))
		}
		for _, x := range matches {
			b := r.bits[x.Kind]
			bits = append(bits, b)
			have |= b
		}
	}
	// The rules are matched first, with their reasons as references;
	// the reasons of the rules that choose or inform a loop are then
	// written in one string, and listed in one slice.
	var primary *compiledRoute
	var primaryWhy why
	var small2 [8]notice
	inform := small2[:0]
	informed := false // d.Inform is not nil (it was appended to)
	for i := range r.routes {
		rt := &r.routes[i]
		w, ok := r.match(rt, &m, score, topics, matches, bits, have)
		if !ok {
			continue
		}
		if primary == nil && !rt.Inform {
			primary, primaryWhy = rt, w
			// A loop informed by an earlier rule now owns the message.
			inform = slices.DeleteFunc(inform, func(n notice) bool { return n.rt.Loop == rt.Loop })
			continue
		}
		loop := r.def
		if primary != nil {
			loop = primary.Loop
		}
		if rt.OwnOnly || rt.Loop == loop || slices.ContainsFunc(inform, func(n notice) bool { return n.rt.Loop == rt.Loop }) {
			continue
		}
		inform, informed = append(inform, notice{rt, w}), true
	}
	if primary == nil {
		// Without a rule of its own, the default loop keeps the message;
		// a notice to it would be redundant.
		inform = slices.DeleteFunc(inform, func(n notice) bool { return n.rt.Loop == r.def })
	}
	n := 0
	if primary != nil {
		n += primaryWhy.count()
	}
	for _, x := range inform {
		n += x.why.count()
	}
	if n == 0 {
		if informed {
			d.Inform = []Notice{}
		}
		return d
	}
	var tmp [512]byte
	buf := tmp[:0]
	var offs [16][2]int32
	at := offs[:0]
	if primary != nil {
		buf, at = primaryWhy.appendTo(buf, at, primary, &m, score, topics, kw, matches)
	}
	for _, x := range inform {
		buf, at = x.why.appendTo(buf, at, x.rt, &m, score, topics, kw, matches)
	}
	text := string(buf)
	reasons := make([]string, len(at))
	for i, o := range at {
		reasons[i] = text[o[0]:o[1]]
	}
	k := 0
	next := func(w why) []string {
		c := w.count()
		k += c
		return reasons[k-c : k : k]
	}
	if primary != nil {
		d.Loop, d.Rule, d.Reasons = primary.loop, primary.Name, next(primaryWhy)
		if primary.Loop != r.def {
			d.Route = primary.Name
		}
	}
	if informed {
		d.Inform = make([]Notice, len(inform))
		for i, x := range inform {
			d.Inform[i] = Notice{Loop: x.rt.loop, Route: x.rt.Name, Reasons: next(x.why)}
		}
	}
	return d
}

// notice is a rule that informs its loop, and why.
type notice struct {
	rt  *compiledRoute
	why why
}

// why refers to the reasons a rule matched, in order: a topic (an index in
// the topics found) or a situation (an index in the situations found),
// the channel, the author, the score; or, with none of them, "matches
// everything".
type why struct {
	topic, situation       int // -1: none
	channel, author, score bool
}

// count returns the number of reasons.
func (w why) count() int {
	n := 0
	if w.topic >= 0 || w.situation >= 0 {
		n++
	}
	for _, b := range []bool{w.channel, w.author, w.score} {
		if b {
			n++
		}
	}
	return max(n, 1)
}

// appendTo appends the text of each reason to buf and its offsets to at.
func (w why) appendTo(buf []byte, at [][2]int32, rt *compiledRoute, m *channel.Message, score float64, topics, kw []string, matches []situation.Match) ([]byte, [][2]int32) {
	add := func(b []byte) {
		at = append(at, [2]int32{int32(len(buf)), int32(len(b))})
		buf = b
	}
	none := true
	if w.topic >= 0 {
		add(appendReason(buf, "topic ", topics[w.topic], kw[w.topic]))
		none = false
	} else if w.situation >= 0 {
		add(appendReason(buf, "situation ", string(matches[w.situation].Kind), matches[w.situation].Evidence))
		none = false
	}
	if w.channel {
		add(append(append(buf, "channel "...), m.Channel...))
		none = false
	}
	if w.author {
		add(append(append(buf, "author @"...), m.Author.Handle...))
		none = false
	}
	if w.score {
		add(fmt.Appendf(buf, "score %.0f ≥ %.0f", score, rt.MinScore))
		none = false
	}
	if none {
		add(append(buf, "matches everything"...))
	}
	return buf, at
}

// match reports whether rt matches, and why; bits are the mask bits of the
// situations found (matches), have their union.
func (r *Router) match(rt *compiledRoute, m *channel.Message, score float64, topics []string, matches []situation.Match, bits []uint64, have uint64) (why, bool) {
	w := why{topic: -1, situation: -1}
	if have&rt.unless != 0 {
		return w, false
	}
	if len(rt.Topics) > 0 || len(rt.Situations) > 0 {
		if i := slices.IndexFunc(topics, func(t string) bool { return slices.Contains(rt.Topics, t) }); i >= 0 {
			w.topic = i
		} else if have&rt.want != 0 {
			for j, b := range bits {
				if b&rt.want != 0 {
					w.situation = j
					break
				}
			}
		}
		if w.topic < 0 && w.situation < 0 {
			return w, false
		}
	}
	if len(rt.Channels) > 0 {
		if !slices.Contains(rt.Channels, m.Channel) {
			return w, false
		}
		w.channel = true
	}
	if len(rt.Authors) > 0 {
		if !slices.ContainsFunc(rt.Authors, func(a string) bool { return normHandle(a) == normHandle(m.Author.Handle) }) {
			return w, false
		}
		w.author = true
	}
	if rt.MinScore > 0 {
		if score < rt.MinScore {
			return w, false
		}
		w.score = true
	}
	return w, true
}

// bit returns the mask bit of situation kind k, giving it the next bit the
// first time.
func (r *Router) bit(k situation.Kind) uint64 {
	b, ok := r.bits[k]
	if !ok {
		b = 1 << len(r.bits)
		r.bits[k] = b
	}
	return b
}

// countKinds counts the distinct situations that routes name.
func countKinds(routes []Route) int {
	seen := map[string]bool{}
	for _, rt := range routes {
		for _, k := range slices.Concat(rt.Situations, rt.Unless) {
			seen[k] = true
		}
	}
	return len(seen)
}

// reasonString formats `kind name ("evidence")`, the evidence quoted as
// strconv.Quote does.
func reasonString(kind, name, evidence string) string {
	var tmp [160]byte
	return string(appendReason(tmp[:0], kind, name, evidence))
}

// appendReason appends reasonString's text to b.
func appendReason(b []byte, kind, name, evidence string) []byte {
	b = append(append(append(b, kind...), name...), " ("...)
	if plainASCII(evidence) {
		b = append(append(append(b, '"'), evidence...), '"')
	} else {
		b = strconv.AppendQuote(b, evidence)
	}
	return append(b, ')')
}

// plainASCII reports whether strconv.Quote leaves s as it is, between
// quotes: printable ASCII without a double quote or a backslash.
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c > '~' || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}
